"""Issue 15 in the free server: drop-in hours, a group session with a waitlist, a series."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from demo.campus import Campus
from demo.expect import DemoStepFailedError, expect
from demo.journey import demo_clock, dm, option_values, seen, wake_jobs
from discord_emulator import Message, User


async def _becomes_a_calculus_tutor(c: Campus, who: User) -> None:
    emu, g = c.emu, c.guild
    menu = expect(await emu.slash(who, g, "start"), "Welcome")
    assert menu.message is not None
    await emu.select(who, menu.message, custom_id="start:role", values=["tutor"])
    await emu.select(who, menu.message, custom_id="start:zone", values=["Europe/Berlin"])
    await emu.select(who, menu.message, custom_id="start:subjects", values=["calculus"])
    await emu.select(who, menu.message, custom_id="start:level", values=["advanced"])
    expect(await emu.click(who, menu.message, custom_id="start:save"), "/tutor apply")
    apply = expect(await emu.slash(who, g, "tutor apply"), "Become a tutor")
    assert apply.message is not None
    await emu.select(who, apply.message, custom_id="apply:subjects", values=["calculus"])
    await emu.select(who, apply.message, custom_id="apply:level", values=["advanced"])
    await emu.select(who, apply.message, custom_id="apply:formats", values=["text"])
    form = await emu.click(who, apply.message, custom_id="apply:continue")
    if form.modal is None:
        raise DemoStepFailedError("Continue did not open the application form")
    bio = "Maths master's student; I run the learning centre's Tuesday calculus clinic."
    values = {"rate": "20", "bio": bio}
    expect(await emu.submit_modal(who, form.modal, values), "tutor profile is saved")


def _queue_message(c: Campus) -> Message:
    found = [m for m in c.emu.messages(c.help_desk) if m.embeds and "Drop-in hours" in m.text]
    if not found:
        raise DemoStepFailedError("the live queue message is not in the help desk")
    return found[-1]


def _show_queue(c: Campus, when: str) -> Message:
    board = _queue_message(c)
    c.emu.say_system(f"📋 The queue message in #{c.help_desk.name} {when}:\n{board.text}")
    return board


async def office_hours_with_two_tutors(c: Campus) -> None:
    """Theo and Priya run drop-in calculus hours; three students queue; Next, Skip, Done."""
    emu, g, maya, theo, sam = c.emu, c.guild, c.student, c.tutor, c.member
    priya, lee = emu.add_user("Priya"), emu.add_user("Lee")
    for user in (priya, lee):
        emu.add_member(g, user)
    await _becomes_a_calculus_tutor(c, priya)
    emu.say_system("🙋 Drop-in hours: Theo and Priya help anyone with calculus, no booking.")
    here = {"in_channel": c.help_desk}
    expect(
        await emu.slash(theo, g, "queue open", subject="calculus", **here),
        "drop-in hours are open",
    )
    expect(
        await emu.slash(priya, g, "queue open", subject="calculus", **here),
        "You're now helping",
    )
    expect(
        await emu.slash(maya, g, "queue join", subject="calculus", topic="epsilon-delta proofs"),
        "#1",
    )
    expect(await emu.slash(sam, g, "queue join", subject="calculus"), "#2")
    expect(await emu.slash(lee, g, "queue join", subject="basket-weaving"), "isn't one of")
    expect(await emu.slash(lee, g, "queue join", subject="calculus", topic="chain rule"), "#3")
    await wake_jobs(c)
    board = _show_queue(c, "with three waiting")

    old = seen(c, maya)
    expect(await emu.click(theo, board, label="Next"), "You called", "epsilon-delta")
    expect(await emu.click(priya, board, label="Next"), "You called")
    expect(await emu.click(theo, board, label="Next"), "still helping someone")
    await wake_jobs(c)
    await dm(c, maya, "It's your turn", old=old)
    expect(await emu.slash(lee, g, "queue status"), "#1", "Estimated wait")
    _show_queue(c, "while both tutors help")

    clock = demo_clock(c)
    clock.set(clock.now() + timedelta(minutes=12))
    emu.say_system("⏩ Twelve minutes later Maya has what she needed.")
    expect(await emu.click(theo, board, label="Done"), "Done with", "12 min")
    await wake_jobs(c)
    survey = await dm(c, maya, "How did it go?", old=old)
    expect(await emu.click(maya, survey, label="Helped"), "Thanks for answering")
    expect(await emu.click(theo, board, label="Next"), "You called")
    await wake_jobs(c)
    clock.set(clock.now() + timedelta(minutes=3))
    emu.say_system("⏩ Lee doesn't turn up in the session space.")
    expect(await emu.click(theo, board, label="Skip"), "back in line")
    await wake_jobs(c)
    expect(await emu.slash(priya, g, "queue close"), "still helping someone")
    expect(await emu.click(priya, board, label="Done"), "Done with")
    expect(await emu.slash(priya, g, "queue close"), "the others carry on")
    expect(await emu.click(theo, board, label="Next"), "You called")
    clock.set(clock.now() + timedelta(minutes=8))
    expect(await emu.click(theo, board, label="Done"), "Done with")
    expect(await emu.slash(theo, g, "queue close"), "drop-in hours are closed")
    await wake_jobs(c)
    _show_queue(c, "after the hours")
    if _queue_message(c).buttons:
        raise DemoStepFailedError("the ended queue still has buttons")


async def a_weekly_series_is_booked_and_accepted_once(c: Campus) -> None:
    """Maya books four weeks at once from the Book menu; Theo accepts them with one tap."""
    emu, g, maya, theo = c.emu, c.guild, c.student, c.tutor
    old_theo, old_maya = seen(c, theo), seen(c, maya)
    results = expect(await emu.slash(maya, g, "find", subject="calculus"), "Calculus tutors")
    assert results.message is not None
    picker = await emu.click(maya, results.message, custom_id=f"find:book:{theo.id}")
    if picker.message is None:
        raise DemoStepFailedError("Book did not open the picker")
    first = option_values(picker.message, "book:slot")[0]
    await emu.select(maya, picker.message, custom_id="book:slot", values=[first])
    await emu.select(maya, picker.message, custom_id="book:repeat", values=["4"])
    listed = expect(await emu.click(maya, picker.message, custom_id="book:confirm"), "weekly")
    assert listed.message is not None
    expect(
        await emu.click(maya, listed.message, custom_id="series:confirm"),
        "Request sent for **4 weekly sessions**",
    )
    request = await dm(c, theo, "New weekly series request", old=old_theo)
    expect(await emu.click(theo, request, label="Accept"), "Accepted: **4 weekly sessions**")
    await dm(c, maya, "Weekly sessions confirmed", old=old_maya)
    expect(await emu.slash(maya, g, "bookings"), "confirmed")


async def a_group_session_fills_up_and_a_waitlisted_student_claims_a_seat(c: Campus) -> None:
    """Theo runs a two-seat exam clinic: it fills, Kim waits, a seat frees, Kim claims it."""
    emu, g, maya, theo = c.emu, c.guild, c.student, c.tutor
    ada, kim = emu.add_user("Ada"), emu.add_user("Kim")
    for user in (ada, kim):
        emu.add_member(g, user)
    emu.say_system("👥 A group session: Theo's exam clinic has two seats.")
    day = (demo_clock(c).now() + timedelta(days=4)).astimezone(ZoneInfo("Europe/Berlin"))
    expect(
        await emu.slash(
            theo, g, "group create", subject="calculus", when=day.strftime("%Y-%m-%d 20:00"),
            seats=2, title="Exam clinic: integrals",
        ),
        "is published",
    )  # fmt: skip
    listed = expect(await emu.slash(maya, g, "group list"), "Exam clinic", "2 of 2 seats free")
    assert listed.message is not None
    [join] = [label for label, _, _ in listed.message.buttons]
    expect(await emu.click(maya, listed.message, label=join), "You have a seat")
    expect(await emu.click(ada, listed.message, label=join), "You have a seat")
    expect(await emu.click(kim, listed.message, label=join), "is full", "Join waitlist")
    full = expect(await emu.slash(kim, g, "group list"), "Full (2 seats)")
    assert full.message is not None
    [wait] = [label for label, _, _ in full.message.buttons]
    expect(await emu.click(kim, full.message, label=wait), "number 1 on the waitlist")

    emu.say_system("🪑 Ada can't make it after all and gives up her seat.")
    [group_id] = await _groups_of(c, ada)
    preview = expect(await emu.slash(ada, g, "group leave", session=group_id), "Confirm")
    assert preview.message is not None
    old_kim = seen(c, kim)
    expect(await emu.click(ada, preview.message, label="Confirm"), "Cancelled")
    await wake_jobs(c)
    offer = await dm(c, kim, "A seat is free for you", old=old_kim)
    expect(await emu.click(kim, offer, label="Claim seat"), "You have a seat")
    expect(await emu.slash(maya, g, "group list"), "Full (2 seats), 0 on the waitlist")


async def _groups_of(c: Campus, user: User) -> list[int]:
    """The group ids `/group leave` offers `user` (its autocomplete)."""
    choices = await c.emu.autocomplete(user, c.guild, "group leave", focused="session")
    return [int(choice["value"]) for choice in choices]
