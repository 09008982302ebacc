"""Drop-in office hours through the real bot on the emulator: /queue, the live message, buttons.

A tutor opens hours in the help desk; students queue; the tutor's Next opens a session
space for the two at once and DMs the student; Done asks the survey; the buttons keep
working after a restart; a queue of 200 still renders within Discord's limits.
"""

from __future__ import annotations

import asyncio

from demo.journey import dm
from marketplace.services import dropin
from marketplace.services.actor import Actor
from tests.bot.journeys import apply_as_tutor, onboard, ready_tutor
from tutorbot.bootstrap import build_bot


async def _run_jobs(c) -> None:
    while await c.bot.jobs.sweep():
        pass
    await c.emu.settle()


def _board(c):
    """The queue message in the help desk (the bot's one message with an embed there)."""
    [message] = [m for m in c.emu.messages(c.help_desk) if m.embeds]
    return message


def _field(message, name: str) -> str:
    [embed] = message.embeds
    return next(f["value"] for f in embed.get("fields", []) if f["name"] == name)


async def _open_hours(c):
    await ready_tutor(c)
    result = await c.emu.slash(
        c.admin, c.guild, "admin config", setting="sessions_channel", value=f"<#{c.sessions.id}>"
    )
    assert "is now" in result.text
    opened = await c.emu.slash(
        c.tutor, c.guild, "queue open", in_channel=c.help_desk, subject="calculus"
    )
    assert "drop-in hours are open" in opened.text, opened.text
    assert opened.message.ephemeral
    await _run_jobs(c)
    return opened


async def test_a_tutor_runs_drop_in_hours_from_the_live_queue_message(campus) -> None:
    c = campus
    await _open_hours(c)
    board = _board(c)
    assert board.embeds[0]["title"] == "🙋 Drop-in hours: Calculus"
    assert [label for label, _, _ in board.buttons] == ["Next", "Skip", "Done"]
    assert _field(board, "Waiting") == "0 in line"

    choices = await c.emu.autocomplete(c.student, c.guild, "queue join", focused="subject")
    assert [ch["value"] for ch in choices] == ["calculus"]  # only the subject open now
    second = c.emu.add_user("sam")
    c.emu.add_member(c.guild, second)
    joined = await c.emu.slash(
        c.student, c.guild, "queue join", subject="calculus", topic="chain rule"
    )
    assert "You're **#1** in the **Calculus** queue" in joined.text
    assert joined.message.ephemeral
    later = await c.emu.slash(second, c.guild, "queue join", subject="calculus")
    assert "**#2**" in later.text
    assert "about 20 min" in later.text
    await _run_jobs(c)
    assert _field(_board(c), "Waiting") == "2 in line"

    called = await c.emu.click(c.tutor, _board(c), label="Next")
    assert f"You called <@{c.student.id}>" in called.message.content
    assert "chain rule" in called.text
    await _run_jobs(c)
    turn = await dm(c, c.student, "It's your turn")
    assert f"<@{c.tutor.id}>" in turn.embeds[0]["description"]
    threads = [t for t in c.emu.threads(c.guild) if t.name.startswith("Session #")]
    assert len(threads) == 1, "the session space opened at once"
    assert f"<@{c.tutor.id}> with <@{c.student.id}>" in _field(_board(c), "Helping now")
    assert _field(_board(c), "Waiting") == "1 in line"

    status = await c.emu.slash(second, c.guild, "queue status")
    assert "You're **#1**" in status.text
    finished = await c.emu.click(c.tutor, _board(c), label="Done")
    assert f"Done with <@{c.student.id}>" in finished.message.content
    await _run_jobs(c)
    survey = await dm(c, c.student, "How did it go?")
    assert survey.buttons


async def test_only_the_hours_tutors_can_press_the_buttons_and_mistakes_are_explained(
    campus,
) -> None:
    c = campus
    await _open_hours(c)
    pressed = await c.emu.click(c.student, _board(c), label="Next")
    assert "Only the tutors of these drop-in hours" in pressed.text
    assert pressed.message.ephemeral
    empty = await c.emu.click(c.tutor, _board(c), label="Next")
    assert "Nobody is waiting" in empty.text
    nothing = await c.emu.click(c.tutor, _board(c), label="Done")
    assert "aren't helping anyone" in nothing.text
    own = await c.emu.slash(c.tutor, c.guild, "queue join", subject="calculus")
    assert "can't queue in them" in own.text
    none = await c.emu.slash(c.student, c.guild, "queue status")
    assert "aren't in any queue" in none.text
    bad = await c.emu.slash(c.tutor, c.guild, "queue open", subject="calculus", until="purple")
    assert "couldn't read that end time" in bad.text
    assert c.emu.unexpected_errors == []


async def test_closing_the_hours_tells_who_was_waiting_and_ends_the_message(campus) -> None:
    c = campus
    await _open_hours(c)
    await c.emu.slash(c.student, c.guild, "queue join", subject="calculus")

    closed = await c.emu.slash(c.tutor, c.guild, "queue close")

    assert "drop-in hours are closed" in closed.text
    assert "1 student(s)" in closed.text
    await _run_jobs(c)
    told = await dm(c, c.student, "drop-in hours ended before your turn")
    assert "next open slot is <t:" in told.embeds[0]["description"]
    board = _board(c)
    assert "have ended" in board.embeds[0]["description"]
    assert board.buttons == []
    again = await c.emu.slash(c.student, c.guild, "queue join", subject="calculus")
    assert "no drop-in hours for that subject" in again.text


async def test_the_queue_buttons_keep_working_after_a_restart(campus) -> None:
    c = campus
    await _open_hours(c)
    await c.emu.slash(c.student, c.guild, "queue join", subject="calculus")
    board = _board(c)
    await c.bot.close()
    bot = build_bot(c.runtime)
    task = asyncio.create_task(bot.start("emulated-bot-token"))
    try:
        await c.emu.wait_until_ready()
        called = await c.emu.click(c.tutor, board, label="Next")
        assert f"You called <@{c.student.id}>" in called.message.content
        status = await c.emu.slash(c.student, c.guild, "queue status")
        assert f"<@{c.tutor.id}> is helping you" in status.message.content
    finally:
        await bot.close()
        task.cancel()


async def test_a_queue_of_two_hundred_still_renders(campus) -> None:
    c = campus
    await _open_hours(c)
    for n in range(200):
        student = Actor(guild_id=c.guild.id, guild_name=c.guild.name, user_id=10_000 + n)
        await dropin.join(dropin.JoinQueue(student, "calculus", "x" * 200), c.runtime.services)
    await _run_jobs(c)

    board = _board(c)
    assert _field(board, "Waiting") == "200 in line"
    assert "about 2010 min" in _field(board, "Estimated wait")
    called = await c.emu.click(c.tutor, board, label="Next")
    assert "199 still waiting" in called.text


async def test_a_second_tutor_joins_the_same_hours_and_the_wait_halves(campus) -> None:
    c = campus
    await _open_hours(c)
    other = c.emu.add_user("tess")
    c.emu.add_member(c.guild, other)
    await onboard(c, other, "tutor", ["calculus"], level="advanced")
    await apply_as_tutor(c, other)
    joined = await c.emu.slash(
        other, c.guild, "queue open", in_channel=c.help_desk, subject="calculus"
    )
    assert "You're now helping with the **Calculus** drop-in hours" in joined.text
    for n in range(4):
        student = Actor(guild_id=c.guild.id, guild_name=c.guild.name, user_id=20_000 + n)
        await dropin.join(dropin.JoinQueue(student, "calculus"), c.runtime.services)
    await _run_jobs(c)
    assert f"<@{c.tutor.id}> <@{other.id}>" == _field(_board(c), "Tutors")
    assert "about 30 min" in _field(_board(c), "Estimated wait")  # 5th in line, 2 tutors
