"""The user journey `make demo` runs: every step that exists so far, as users would do it."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from demo.campus import Campus
from demo.clock import DemoClock
from demo.expect import DemoStepFailedError, expect
from demo.trust_steps import (
    a_dispute_carries_a_file_and_the_log,
    an_off_platform_attempt_is_flagged,
)
from discord_emulator import Channel, Message, User
from marketplace.domain.booking import Booking


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


def demo_clock(c: Campus) -> DemoClock:
    """The campus clock, which the demo moves on when the story skips ahead."""
    clock = c.runtime.services.clock
    assert isinstance(clock, DemoClock)
    return clock


async def wake_jobs(c: Campus) -> None:
    """Time moved on: run the job runner's due work now instead of at its next tick."""
    jobs = c.bot.jobs
    if jobs is None:
        raise DemoStepFailedError("the job runner is not running")
    while await jobs.sweep():
        pass
    if c.stripe is not None:
        await c.stripe.settle()
    await c.emu.settle()


async def booking_of(c: Campus, booking_id: int) -> Booking:
    """A booking as stored."""
    async with c.runtime.services.uow(read_only=True) as uow:
        booking = await uow.bookings.get(booking_id)
    if booking is None:
        raise DemoStepFailedError(f"booking #{booking_id} is not stored")
    return booking


def _space_of(c: Campus, booking_id: int) -> tuple[Channel, Message, Channel | None]:
    """The session's thread, its opening notice, and its voice channel if any."""
    prefix = f"Session #{booking_id} "
    threads = [t for t in c.emu.threads(c.guild) if t.name.startswith(prefix)]
    if not threads:
        raise DemoStepFailedError(f"no session thread for booking #{booking_id}")
    notice = next((m for m in c.emu.messages(threads[0]) if m.embeds), None)
    if notice is None:
        raise DemoStepFailedError("the session thread has no consent notice")
    voice = next(
        (ch for ch in c.emu.channels(c.guild) if ch.name == f"Session #{booking_id} voice"), None
    )
    return threads[0], notice, voice


async def both_meet_in_the_session_space(c: Campus, booking_id: int) -> Message:
    """15 minutes before: the space opens; both agree to the rules, join and check in.

    Returns the opening notice (its buttons stay usable for the rest of the session).
    """
    emu, maya, theo = c.emu, c.student, c.tutor
    booking = await booking_of(c, booking_id)
    demo_clock(c).set(booking.start - timedelta(minutes=15))
    emu.say_system("⏩ 15 minutes before the session: its private space opens.")
    await wake_jobs(c)
    reminder = await dm(c, maya, "starts")
    if "Open session space" not in [label for label, _ in reminder.links]:
        raise DemoStepFailedError("the 15-minute reminder has no link to the session space")
    thread, notice, voice = _space_of(c, booking_id)
    if emu.can_see(c.member, thread):
        raise DemoStepFailedError("someone outside the session can see its thread")
    if "Recording is **not allowed**" not in notice.text:
        raise DemoStepFailedError("the consent notice does not prohibit recording")
    expect(await emu.click(c.member, notice, label="I agree"), "Only the student and the tutor")
    if voice is not None:
        expect(await emu.click(maya, notice, label="I agree"), "open to you")
        emu.voice_join(maya, voice)  # joining the voice channel checks Maya in
        expect(await emu.click(theo, notice, label="I agree"), "open to you")
        emu.voice_join(theo, voice)
    else:
        expect(await emu.click(maya, notice, label="I agree"), "Thanks for agreeing")
        expect(await emu.click(theo, notice, label="I agree"), "Thanks for agreeing")
    demo_clock(c).set(booking.start)
    emu.say_system("⏩ The session starts.")
    expect(await emu.click(theo, notice, label="Check in"), "checked in")
    expect(await emu.click(maya, notice, label="Check in"), "already checked in")
    return notice


async def the_space_closes_after_the_grace(c: Campus, booking_id: int) -> None:
    """30 minutes after the end the thread is locked and archived, the voice channel gone."""
    booking = await booking_of(c, booking_id)
    demo_clock(c).set(booking.end + timedelta(minutes=30))
    c.emu.say_system("⏩ 30 minutes after the end: the space closes.")
    await wake_jobs(c)
    thread = next(t for t in c.emu.threads(c.guild) if t.name.startswith(f"Session #{booking_id} "))
    if not (thread.archived and thread.locked):
        raise DemoStepFailedError("the session thread was not locked and archived")
    if any(ch.name == f"Session #{booking_id} voice" for ch in c.emu.channels(c.guild)):
        raise DemoStepFailedError("the session voice channel was not deleted")


async def a_free_session_from_space_to_review(c: Campus) -> None:
    """Maya books again; the session happens in its private space; survey and review follow."""
    emu, g, maya, theo = c.emu, c.guild, c.student, c.tutor
    old = seen(c, theo)
    results = expect(await emu.slash(maya, g, "find", subject="calculus"), "Calculus tutors")
    assert results.message is not None
    picker = await emu.click(maya, results.message, custom_id=f"find:book:{theo.id}")
    assert picker.message is not None
    first = option_values(picker.message, "book:slot")[0]
    await emu.select(maya, picker.message, custom_id="book:slot", values=[first])
    expect(await emu.click(maya, picker.message, custom_id="book:confirm"), "Request sent")
    request = await dm(c, theo, "New session request", old=old)
    expect(await emu.click(theo, request, label="Accept"), "Accepted")
    booking_id = int(re.findall(r"Booking #(\d+)", request.text)[-1])
    notice = await both_meet_in_the_session_space(c, booking_id)
    thread, _, _ = _space_of(c, booking_id)
    await an_off_platform_attempt_is_flagged(c, thread)
    booking = await booking_of(c, booking_id)
    demo_clock(c).set(booking.end - timedelta(minutes=2))
    emu.say_system("⏩ Nearly the end: Theo marks the session complete in the thread.")
    expect(await emu.click(theo, notice, label="Mark complete"), "Marked complete")
    await wake_jobs(c)
    survey = await dm(c, maya, "How did your **Calculus** session")
    expect(await emu.click(maya, survey, label="Helped"), "Thanks for answering")
    review = await emu.slash(maya, g, "review", booking=booking_id)
    if review.modal is None:
        raise DemoStepFailedError("/review did not open the review form")
    values = {
        "review:stars": ["5"],
        "review:aspects": ["on_time", "explained_clearly", "would_book_again"],
        "review:text": "Clear and friendly; we got through all my limit questions.",
    }
    # Maya reported Theo earlier today: review integrity holds her review for a moderator.
    expect(await emu.submit_modal(maya, review.modal, values), "a moderator will have a quick look")
    expect(await emu.slash(c.admin, g, "mod queue"), "right after a dispute or report")
    expect(await emu.slash(c.admin, g, "mod release", booking=booking_id), "released")
    await the_space_closes_after_the_grace(c, booking_id)
    await a_dispute_carries_a_file_and_the_log(c, booking_id)


async def a_member_exports_then_deletes_their_data(c: Campus) -> None:
    """Sam downloads what TutorBot holds about him, then asks for it to be deleted."""
    emu, g, sam = c.emu, c.guild, c.member
    export = await emu.slash(sam, g, "privacy export")
    if export.message is None or not any(
        a.filename.endswith(".json") for a in export.message.attachments
    ):
        raise DemoStepFailedError("/privacy export gave no file")
    refused = await emu.slash(sam, g, "privacy delete")
    if refused.message is not None and any(
        label == "Confirm" for label, _, _ in refused.message.buttons
    ):
        expect(await emu.click(sam, refused.message, label="Confirm"), "deleted")
    else:
        expect(refused, "cancel")
