"""Message screening in session spaces through the real bot on the emulator.

The student tries to move the payment off the platform in the session thread: the
message is logged sealed, the student is reminded in the thread, and the flag reaches
`/mod queue` with Dismiss, Warn and Restrict.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from bot import texts
from demo.journey import dm
from discord_emulator import Emulator
from marketplace.settings import load_settings
from tests.bot.journeys import confirmed_session, make_moderator
from tutorbot.bootstrap import build_runtime, close_runtime, run_bot


async def _session_thread(c, clock):
    await c.emu.slash(
        c.admin, c.guild, "admin config", setting="sessions_channel", value=f"<#{c.sessions.id}>"
    )
    booking = await confirmed_session(c, formats=("text",))
    clock.set(booking.start - timedelta(minutes=15))
    while await c.bot.jobs.sweep():
        pass
    await c.emu.settle()
    [thread] = [t for t in c.emu.threads(c.guild) if t.name.startswith("Session #")]
    return booking, thread


async def _logged(c, booking_id, count):
    """The session's log once it holds `count` messages (the bot logs in the background)."""
    for _ in range(100):
        async with c.runtime.services.uow(read_only=True) as uow:
            logged = await uow.session_logs.of_booking(booking_id)
        if len(logged) >= count:
            return logged
        await asyncio.sleep(0.05)
    return logged


async def test_an_off_platform_payment_is_flagged_reminded_and_decided(campus, clock) -> None:
    c = campus
    booking, thread = await _session_thread(c, clock)
    await make_moderator(c)

    await c.emu.post_message(c.student, thread, "venm0 me at 555-0100")
    await c.emu.wait_for(
        lambda: any("quick reminder" in m.text for m in c.emu.messages(thread)), timeout=5
    )
    reminder = next(m for m in c.emu.messages(thread) if "quick reminder" in m.text)
    assert f"<@{c.student.id}>" in reminder.content
    assert texts.SCREENING_REMINDERS["payment"] in reminder.content
    assert texts.SCREENING_REMINDERS["phone"] in reminder.content

    await c.emu.post_message(c.student, thread, "or call 555 0199")
    await c.emu.settle()
    reminders = [m for m in c.emu.messages(thread) if "quick reminder" in m.text]
    assert len(reminders) == 1, "one reminder per kind per session"

    queue = await c.emu.slash(c.member, c.guild, "mod queue")
    await c.emu.settle()
    [flagged] = [m for m in queue.followups if "Flagged messages" in m.text]
    assert "Flagged messages" in flagged.text
    assert "venm0 me at 555-0100" in flagged.text
    warned = await c.emu.click(c.member, flagged, label=f"Warn #{1}")
    assert "has been warned" in warned.text
    again = await c.emu.click(c.member, flagged, label=f"Dismiss #{1}")
    assert "already decided" in again.text
    await c.emu.settle()
    warning = await dm(c, c.student, "warning from the moderators")
    assert "session #" in warning.text

    logged = await _logged(c, booking.booking_id, 2)
    assert [m.text for m in logged] == ["venm0 me at 555-0100", "or call 555 0199"]


async def test_an_edit_that_adds_a_phone_number_is_flagged(campus, clock) -> None:
    c = campus
    _, thread = await _session_thread(c, clock)
    said = await c.emu.post_message(c.student, thread, "see you soon")
    await c.emu.settle()
    c.emu.edit_message(said, {"content": "see you soon, text me on 5 5 5 0 1 0 0"})
    await c.emu.wait_for(
        lambda: any("quick reminder" in m.text for m in c.emu.messages(thread)), timeout=5
    )
    async with c.runtime.services.uow(read_only=True) as uow:
        assert await uow.message_flags.count_open(c.guild.id) == 1


async def test_normal_chat_in_a_session_is_logged_but_not_flagged(campus, clock) -> None:
    c = campus
    booking, thread = await _session_thread(c, clock)
    await c.emu.post_message(c.student, thread, "Can we do 2x + 5 = 11 first? See 3.2.")
    await c.emu.post_message(c.tutor, thread, "Sure, then x = 3. Meet at 10:30-11:45?")
    assert len(await _logged(c, booking.booking_id, 2)) == 2
    assert not any("quick reminder" in m.text for m in c.emu.messages(thread))
    async with c.runtime.services.uow(read_only=True) as uow:
        assert await uow.message_flags.count_open(c.guild.id) == 0


async def test_a_message_outside_session_spaces_is_ignored(campus) -> None:
    c = campus
    await c.emu.post_message(c.student, c.help_desk, "venmo me at 555-0100")
    screening = c.bot.get_cog("ScreeningCog")
    await c.emu.wait_for(lambda: c.help_desk.id in screening._not_spaces, timeout=5)
    assert c.emu.messages(c.help_desk)[-1].content == "venmo me at 555-0100"
    async with c.runtime.services.uow(read_only=True) as uow:
        assert await uow.message_flags.count_open(c.guild.id) == 0


async def test_without_the_message_content_intent_the_bot_runs_and_admins_hear_it_once(
    sqlite_url, clock
) -> None:
    emu = Emulator()
    await emu.start()
    emu.add_bot(token="t", name="TutorBot", privileged_intents={"GUILD_MEMBERS"})
    owner = emu.add_user("Ines")
    guild = emu.add_guild("Campus", owner=owner)
    settings = load_settings(
        discord_token="t", discord_api_base=emu.api_base, discord_gateway_url=emu.gateway_url,
        dev_guild_id=guild.id, database_url=sqlite_url,
    )  # fmt: skip
    runtime = await build_runtime(settings, clock=clock)
    task = asyncio.create_task(run_bot(runtime, "t"))
    try:
        await asyncio.wait_for(emu.wait_until_ready(), timeout=15)
        await asyncio.wait_for(emu.wait_for_commands_synced(guild), timeout=15)
        await emu.wait_for(
            lambda: any("screening is off" in m.text for m in emu.dm_messages(owner)), timeout=10
        )
        [refused] = emu.hub.refused
        assert refused[0] == 4014
        config = await emu.slash(owner, guild, "admin config")
        assert texts.CONFIG_SCREENING_OFF in config.text
        alerts = [m for m in emu.dm_messages(owner) if "screening is off" in m.text]
        assert len(alerts) == 1
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        await close_runtime(runtime)
        await emu.stop()


async def test_a_burst_of_messages_puts_the_space_in_slow_mode_once(campus, clock) -> None:
    c = campus
    _, thread = await _session_thread(c, clock)
    for n in range(21):  # the guild's message_rate_per_minute is 20
        await c.emu.post_message(c.student, thread, f"question {n}")
    await c.emu.wait_for(
        lambda: any("slow mode" in m.text for m in c.emu.messages(thread)), timeout=10
    )
    assert c.emu.channel(thread.id).rate_limit_per_user == 10
    async with c.runtime.services.uow(read_only=True) as uow:
        [flag] = await uow.message_flags.open_flags(c.guild.id, 5)
    assert flag.kinds == ("rate",)
    assert flag.author_id == c.student.id
