"""The user journey `make demo` runs: every step that exists so far, as users would do it."""

from __future__ import annotations

import asyncio

from demo.campus import Campus
from discord_emulator import InteractionResult, Message, User


class DemoStepFailedError(Exception):
    """The bot did not answer a step the way a user should see it."""


def expect(result: InteractionResult, *fragments: str) -> InteractionResult:
    """Fail the demo unless the reply contains every fragment (case-insensitive)."""
    text = (result.text or "").casefold()
    missing = [f for f in fragments if f.casefold() not in text]
    if missing or result.error:
        msg = f"expected {missing!r} in reply; got {result.text!r} (error {result.error})"
        raise DemoStepFailedError(msg)
    return result


async def admin_configures_the_server(c: Campus) -> None:
    """The admin looks at the settings and points TutorBot at the right channels and role."""
    emu, g, ines = c.emu, c.guild, c.admin
    expect(await emu.slash(ines, g, "admin config"), "Server settings", "min_notice_minutes")
    expect(
        await emu.slash(
            ines, g, "admin config", setting="sessions_channel", value=f"<#{c.sessions.id}>"
        ),
        "sessions_channel",
    )
    expect(
        await emu.slash(
            ines, g, "admin config", setting="moderator_role", value=f"<@&{c.moderators.id}>"
        ),
        "moderator_role",
    )
    expect(
        await emu.slash(ines, g, "admin config", setting="min_notice_minutes", value="two hours"),
        "whole number",
    )
    expect(await emu.slash(c.member, g, "admin config"), "Only server admins")


async def student_onboards(c: Campus) -> None:
    """Maya gets help, then runs /start and picks everything in the menu."""
    emu, g, maya = c.emu, c.guild, c.student
    expect(await emu.slash(maya, g, "help"), "/start")
    menu = expect(await emu.slash(maya, g, "start"), "Welcome to TutorBot")
    assert menu.message is not None
    expect(await emu.click(maya, menu.message, custom_id="start:save"), "pick")
    await emu.select(maya, menu.message, custom_id="start:role", values=["student"])
    await emu.select(maya, menu.message, custom_id="start:zone", values=["Europe/Berlin"])
    await emu.select(
        maya, menu.message, custom_id="start:subjects", values=["calculus", "linear-algebra"]
    )
    await emu.select(maya, menu.message, custom_id="start:level", values=["beginner"])
    expect(
        await emu.click(maya, menu.message, custom_id="start:save"),
        "You're all set",
        "Next steps",
        "/find",
    )
    expect(await emu.slash(maya, g, "timezone set", zone="Mars/Olympus_Mons"), "don't know")
    choices = await emu.autocomplete(maya, g, "timezone set", focused="zone", zone="berl")
    if "Europe/Berlin" not in [ch["value"] for ch in choices]:
        raise DemoStepFailedError(f"autocomplete missed Europe/Berlin: {choices}")
    expect(await emu.slash(maya, g, "timezone set", zone="europe/berlin"), "Europe/Berlin")
    edit = await emu.slash(maya, g, "profile edit")
    if edit.modal is None:
        raise DemoStepFailedError("/profile edit did not open a modal")
    expect(
        await emu.submit_modal(maya, edit.modal, {"goals": "Pass Calculus I with a B or better"}),
        "Saved",
        "Pass Calculus I",
    )


async def tutor_onboards(c: Campus) -> None:
    """Theo starts as a tutor, applies with a bad rate first, then a good one."""
    emu, g, theo = c.emu, c.guild, c.tutor
    menu = expect(await emu.slash(theo, g, "start"), "Welcome")
    assert menu.message is not None
    await emu.select(theo, menu.message, custom_id="start:role", values=["tutor"])
    other = await emu.click(theo, menu.message, custom_id="start:other_zone")
    if other.modal is None:
        raise DemoStepFailedError("the Other time zone button did not open a modal")
    expect(await emu.submit_modal(theo, other.modal, {"zone": "America/New_York"}), "Got it")
    await emu.select(theo, menu.message, custom_id="start:subjects", values=["calculus"])
    await emu.select(theo, menu.message, custom_id="start:level", values=["advanced"])
    expect(await emu.click(theo, menu.message, custom_id="start:save"), "/tutor apply")

    apply = expect(await emu.slash(theo, g, "tutor apply"), "Become a tutor")
    assert apply.message is not None
    msg = apply.message
    await emu.select(theo, msg, custom_id="apply:subjects", values=["calculus", "linear-algebra"])
    await emu.select(theo, msg, custom_id="apply:level", values=["advanced"])
    await emu.select(theo, msg, custom_id="apply:formats", values=["text", "voice"])
    await emu.select(theo, msg, custom_id="apply:instant", values=["off"])
    bio = (
        "Third-year maths student. I explain calculus with pictures first and "
        "algebra second, and I love a good worked example."
    )
    form = await emu.click(theo, msg, custom_id="apply:continue")
    if form.modal is None:
        raise DemoStepFailedError("Continue did not open the application form")
    expect(await emu.submit_modal(theo, form.modal, {"rate": "twenty", "bio": bio}), "rate")
    form = await emu.click(theo, msg, custom_id="apply:continue")
    assert form.modal is not None
    expect(
        await emu.submit_modal(
            theo, form.modal, {"rate": "25", "bio": bio, "not_teaching": "Statistics"}
        ),
        "tutor profile is saved",
        "$25.00",
        "Doesn't teach",
    )
    expect(await emu.slash(theo, g, "profile view"), "Profile completeness", "availability")
    expect(await emu.slash(theo, g, "tutor pause"), "paused")
    expect(await emu.slash(theo, g, "tutor resume"), "Welcome back")


async def student_looks_at_the_tutor(c: Campus) -> None:
    """Maya opens Theo's card; she does not see his completeness checklist."""
    result = expect(
        await c.emu.slash(c.student, c.guild, "profile view", user=c.tutor),
        "Theo",
        "Not verified yet",
        "Calculus",
    )
    if "completeness" in (result.text or "").casefold():
        raise DemoStepFailedError("another user's completeness must stay private")


def option_values(message: Message, custom_id: str) -> list[str]:
    """The values a select on the message offers."""
    for select in message.selects:
        if select.get("custom_id") == custom_id:
            return [o["value"] for o in select.get("options", [])]
    raise DemoStepFailedError(f"no select {custom_id} on the message")


def seen(c: Campus, user: User) -> set[int]:
    """Ids of the DMs `user` already has."""
    return {m.id for m in c.emu.dm_messages(user)} if c.emu.dm_channel(user) else set()


async def dm(c: Campus, user: User, fragment: str, *, old: set[int] | None = None) -> Message:
    """A DM to `user` containing `fragment` that is not in `old` (waits for the job runner)."""
    skip = old or set()

    def wanted(message: Message) -> bool:
        return message.id not in skip and fragment.casefold() in message.text.casefold()

    try:
        await c.emu.wait_for(lambda: c.emu.dm_channel(user) is not None, timeout=10)
        return await c.emu.wait_for_message(user, wanted, timeout=10)
    except TimeoutError as error:
        raise DemoStepFailedError(f"{user.name} got no DM with {fragment!r}") from error


async def tutor_publishes_availability(c: Campus) -> None:
    """Theo publishes his weekly hours; the bot echoes them back before saving."""
    emu, g, theo = c.emu, c.guild, c.tutor
    bad = await emu.slash(theo, g, "tutor availability add", when="whenever I feel like it")
    expect(bad, "couldn't read that time")
    preview = expect(
        await emu.slash(theo, g, "tutor availability add", when="daily 08:00-22:00"),
        "Is this right?",
        "Every day, 08:00–22:00 (America/New_York)",
    )
    assert preview.message is not None
    expect(await emu.click(theo, preview.message, custom_id="avail:confirm"), "Saved")
    expect(await emu.slash(theo, g, "tutor availability list"), "Every Sunday")


async def student_finds_and_books(c: Campus) -> None:
    """Maya searches for calculus, picks a time, and the tutor accepts from his DMs."""
    emu, g, maya, theo = c.emu, c.guild, c.student, c.tutor
    results = expect(await emu.slash(maya, g, "find", subject="calculus"), "Calculus tutors (1)")
    assert results.message is not None
    picker = expect(
        await emu.click(maya, results.message, custom_id=f"find:book:{theo.id}"), "open times"
    )
    assert picker.message is not None
    first = option_values(picker.message, "book:slot")[0]
    await emu.select(maya, picker.message, custom_id="book:slot", values=[first])
    expect(await emu.click(maya, picker.message, custom_id="book:confirm"), "Request sent")
    request = await dm(c, theo, "New session request")
    expect(await emu.click(theo, request, label="Accept"), "Accepted")
    expect(await emu.click(theo, request, label="Accept"), "already accepted")
    confirmation = await dm(c, maya, "Session confirmed")
    if not any(name.endswith(".ics") for name in confirmation.attachment_names):
        raise DemoStepFailedError("the confirmation has no calendar file")
    expect(await emu.slash(maya, g, "bookings"), "confirmed", "Theo")


async def student_reschedules_then_cancels(c: Campus) -> None:
    """Maya moves the session (Theo accepts), then cancels it and sees the outcome first."""
    emu, g, maya, theo = c.emu, c.guild, c.student, c.tutor
    listing = await emu.slash(maya, g, "bookings")
    assert listing.message is not None
    booking_id = int(
        next(
            cid for _, cid, _ in listing.message.buttons if cid and cid.startswith("manage:")
        ).split(":")[-1]
    )
    moved = expect(
        await emu.slash(maya, g, "reschedule", booking=booking_id, when="in 3 days at 6pm"),
        f"Move booking #{booking_id}",
    )
    assert moved.message is not None
    expect(await emu.click(maya, moved.message, label="Confirm"), "Proposed")
    proposal = await dm(c, theo, "New time proposed")
    expect(await emu.click(theo, proposal, label="Accept"), "New time accepted")
    await dm(c, maya, "Session moved")
    preview = expect(
        await emu.slash(maya, g, "cancel", booking=booking_id), "Cancel your", "Confirm"
    )
    assert preview.message is not None
    expect(await emu.click(maya, preview.message, label="Confirm"), "Cancelled")
    await dm(c, theo, "Session cancelled")


async def closed_dms_fall_back_to_the_help_channel(c: Campus) -> None:
    """Sam's DMs are closed: his confirmation is posted in #tutorbot-help as a mention."""
    emu, g, sam, theo, ines = c.emu, c.guild, c.member, c.tutor, c.admin
    expect(
        await emu.slash(
            ines, g, "admin config", setting="fallback_channel", value=f"<#{c.help_desk.id}>"
        ),
        "fallback_channel",
    )
    await emu.slash(sam, g, "timezone set", zone="Europe/London")
    emu.close_dms(sam)
    old = seen(c, theo)
    result = await emu.slash(sam, g, "book", tutor=theo, when="in 2 days at 3pm", duration=30)
    expect(result, "Request a 30-minute session", "local time")
    assert result.message is not None
    expect(await emu.click(sam, result.message, label="Confirm"), "Request sent")
    request = await dm(c, theo, "New session request", old=old)
    await emu.click(theo, request, label="Accept")
    try:
        await emu.wait_for_message(c.help_desk, lambda m: "couldn't DM you" in m.text, timeout=10)
    except TimeoutError as error:
        raise DemoStepFailedError("no fallback message in #tutorbot-help") from error
    for _attempt in range(20):
        listing = await emu.slash(sam, g, "bookings")
        if "DMs are closed" in listing.text:
            break
        await asyncio.sleep(0.1)
    expect(listing, "DMs are closed")


async def a_report_reaches_the_moderators(c: Campus) -> None:
    """Maya reports Theo; Sam (no moderator role) can't see the queue; Ines resolves it."""
    emu, g, ines = c.emu, c.guild, c.admin
    reason = "He asked me to pay him on Venmo instead of here."
    expect(
        await emu.slash(c.student, g, "report", target=c.tutor, reason=reason),
        "Thanks, the moderators have your report #1",
    )
    expect(await emu.slash(c.member, g, "mod queue"), "Only moderators")
    queue = expect(await emu.slash(ines, g, "mod queue"), "Case #1", "Venmo")
    assert queue.message is not None
    form = await emu.click(ines, queue.message, label="Resolve #1")
    if form.modal is None:
        raise DemoStepFailedError("Resolve did not open the moderator's form")
    note = "Reminded him that payments stay on TutorBot."
    expect(
        await emu.submit_modal(ines, form.modal, {"case:action": ["warned"], "case:note": note}),
        "Case #1 resolved",
        "Warned",
    )
    expect(await emu.slash(ines, g, "mod history", user=c.tutor), "#1", "Warned")
    expect(await emu.slash(ines, g, "mod queue"), "No open cases")


STEPS = (
    admin_configures_the_server,
    student_onboards,
    tutor_onboards,
    student_looks_at_the_tutor,
    tutor_publishes_availability,
    student_finds_and_books,
    student_reschedules_then_cancels,
    closed_dms_fall_back_to_the_help_channel,
    a_report_reaches_the_moderators,
)
