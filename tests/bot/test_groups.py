"""Group sessions through the real bot on the emulator: /group, Join, the waitlist, Claim seat.

A tutor publishes a group of two seats; two students take them; a third joins the
waitlist; a freed seat is offered by DM with Claim seat, which takes it; the tutor's
/group leave calls it off and every seat is told. Refusals are clear and ephemeral.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from demo.journey import dm
from marketplace.services import groups
from marketplace.services.actor import Actor
from tests.bot.journeys import onboard, ready_tutor


def _when(c) -> str:
    day = (c.bot.services.clock.now() + timedelta(days=3)).astimezone(ZoneInfo("Europe/Berlin"))
    return day.strftime("%Y-%m-%d 17:00")


async def _run_jobs(c) -> None:
    while await c.bot.jobs.sweep():
        pass
    await c.emu.settle()


async def _publish(c, seats=2) -> int:
    await ready_tutor(c)
    made = await c.emu.slash(
        c.tutor, c.guild, "group create", subject="calculus", when=_when(c), seats=seats,
        title="Exam prep",
    )  # fmt: skip
    assert "Your group session **Exam prep** is published" in made.text, made.text
    assert made.message.ephemeral
    [group] = await groups.mine(Actor(c.guild.id, "", c.tutor.id), c.bot.services)
    return group.group_id


async def _member(c, name):
    user = c.emu.add_user(name)
    c.emu.add_member(c.guild, user)
    await onboard(c, user, "student", ["calculus"])
    return user


async def test_students_take_seats_then_wait_and_a_freed_seat_is_claimed_by_dm(campus) -> None:
    c = campus
    group_id = await _publish(c)

    found = await c.emu.slash(c.student, c.guild, "find", subject="calculus")
    await c.emu.settle()
    beside = found.followups[-1]
    assert "Also open in this subject: 1 group session" in beside.text
    assert f"Join #{group_id}" in [label for label, _, _ in beside.buttons]
    assert found.message.ephemeral
    listed = await c.emu.slash(c.student, c.guild, "group list")
    [embed] = listed.message.embeds
    assert f"**#{group_id} Exam prep** with <@{c.tutor.id}>" in embed["description"]
    assert "2 of 2 seats free" in embed["description"]
    joined = await c.emu.click(c.student, listed.message, label=f"Join #{group_id}")
    assert "You have a seat in **Exam prep**" in joined.text
    assert joined.message.ephemeral
    again = await c.emu.click(c.student, listed.message, label=f"Join #{group_id}")
    assert "already have a seat" in again.text

    second = await _member(c, "sam")
    await c.emu.click(second, listed.message, label=f"Join #{group_id}")
    third = await _member(c, "kim")
    full = await c.emu.click(third, listed.message, label=f"Join #{group_id}")
    assert "That group session is full" in full.text
    relisted = await c.emu.slash(third, c.guild, "group list", subject="calculus")
    assert "Full (2 seats), 0 on the waitlist" in relisted.message.embeds[0]["description"]
    waiting = await c.emu.click(third, relisted.message, label=f"Join waitlist #{group_id}")
    assert "You're number 1 on the waitlist for **Exam prep**" in waiting.text

    left = await c.emu.slash(c.student, c.guild, "group leave", session=group_id)
    assert "Cancel your **Calculus** session" in left.text
    assert left.message.ephemeral
    await c.emu.click(c.student, left.message, label="Confirm")
    await _run_jobs(c)

    seated = await c.emu.slash(second, c.guild, "bookings")
    assert "👥 group session" in seated.text
    offer = await dm(c, third, "A seat is free for you")
    assert "Claim seat" in [label for label, _, _ in offer.buttons]
    claimed = await c.emu.click(third, offer, label="Claim seat")
    assert "You have a seat in **Exam prep**" in claimed.text
    twice = await c.emu.click(third, offer, label="Claim seat")
    assert "already have a seat" in twice.text


async def test_the_tutor_calls_it_off_and_every_seat_is_told(campus) -> None:
    c = campus
    group_id = await _publish(c)
    listed = await c.emu.slash(c.student, c.guild, "group list")
    await c.emu.click(c.student, listed.message, label=f"Join #{group_id}")

    choices = await c.emu.autocomplete(c.tutor, c.guild, "group leave", focused="session")
    assert [choice["value"] for choice in choices] == [group_id]
    called_off = await c.emu.slash(c.tutor, c.guild, "group leave", session=group_id)

    assert "You've called off **Exam prep**" in called_off.text
    await _run_jobs(c)
    told = await dm(c, c.student, "Group session called off")
    assert "full refund" in told.embeds[0]["description"]
    gone = await c.emu.click(c.student, listed.message, label=f"Join #{group_id}")
    assert "was called off" in gone.text


async def test_mistakes_get_a_clear_ephemeral_answer(campus) -> None:
    c = campus
    await ready_tutor(c)
    student = await c.emu.slash(
        c.student, c.guild, "group create", subject="calculus", when=_when(c), seats=3
    )
    assert "Only tutors can publish group sessions" in student.text
    assert student.message.ephemeral
    unread = await c.emu.slash(
        c.tutor, c.guild, "group create", subject="calculus", when="purple", seats=3
    )
    assert unread.message.ephemeral
    assert "couldn't" in unread.text.casefold() or "time" in unread.text.casefold()
    paid = await c.emu.slash(
        c.tutor, c.guild, "group create", subject="calculus", when=_when(c), seats=3,
        price="10",
    )  # fmt: skip
    assert "doesn't take payments" in paid.text
    empty = await c.emu.slash(c.student, c.guild, "group list")
    assert "no open group sessions" in empty.message.embeds[0]["description"]
    nobody = await c.emu.slash(c.student, c.guild, "group leave", session=999)
    assert "couldn't find that group session" in nobody.text
    assert c.emu.unexpected_errors == []


async def test_the_group_has_one_space_and_a_late_seat_is_let_into_it(campus, clock) -> None:
    c = campus
    setting = await c.emu.slash(
        c.admin, c.guild, "admin config", setting="sessions_channel", value=f"<#{c.sessions.id}>"
    )
    assert "is now" in setting.text
    group_id = await _publish(c, seats=3)
    listed = await c.emu.slash(c.student, c.guild, "group list")
    await c.emu.click(c.student, listed.message, label=f"Join #{group_id}")
    [group] = await groups.mine(Actor(c.guild.id, "", c.tutor.id), c.bot.services)

    clock.set(group.start - timedelta(minutes=15))
    await _run_jobs(c)
    [thread] = [t for t in c.emu.threads(c.guild) if t.name.startswith("Session #")]
    late = await _member(c, "lou")
    assert not c.emu.can_see(late, thread)
    joined = await c.emu.click(late, listed.message, label=f"Join #{group_id}")
    assert "You have a seat" in joined.text
    await _run_jobs(c)

    threads = [t for t in c.emu.threads(c.guild) if t.name.startswith("Session #")]
    assert threads == [thread], "one space for the whole group"
    for user in (c.tutor, c.student, late):
        assert c.emu.can_see(user, thread)
    assert not c.emu.can_see(c.member, thread)
