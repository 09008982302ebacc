"""A new server where no admin has set anything: the loop still works (issue 17).

No sessions channel, no fallback channel, no moderator role; the tutor's DMs are closed.
The request reaches him as a mention in the channel where it was made, the session space
opens in a `#tutoring-sessions` channel the bot makes, and the owner is told what it chose.
"""

from __future__ import annotations

from datetime import timedelta

from demo.campus import Campus
from demo.expect import DemoStepFailedError, expect
from demo.journey import (
    booking_of,
    demo_clock,
    dm,
    student_onboards,
    tutor_onboards,
    tutor_publishes_availability,
    wake_jobs,
)
from discord_emulator import Channel, Message

SESSIONS_CHANNEL = "tutoring-sessions"


def _channel_named(c: Campus, name: str) -> Channel:
    """The guild's text channel called `name`."""
    found = next((ch for ch in c.emu.channels(c.guild) if ch.name == name), None)
    if found is None:
        raise DemoStepFailedError(f"the server has no #{name}")
    return found


async def _mention_of(c: Campus, channel: Channel, user_id: int, fragment: str) -> Message:
    """The newest message in `channel` that mentions `user_id` and says `fragment`."""

    def wanted(message: Message) -> bool:
        mentioned = f"<@{user_id}>" in (message.content or "")
        return mentioned and fragment.casefold() in message.text.casefold()

    try:
        return await c.emu.wait_for_message(channel, wanted, timeout=10)
    except TimeoutError as error:
        raise DemoStepFailedError(f"no mention with {fragment!r} in #{channel.name}") from error


async def a_tutor_with_closed_dms_hears_of_a_request(c: Campus) -> None:
    """Theo's DMs are closed: Maya's request reaches him as a mention in #general."""
    emu, g, maya, theo = c.emu, c.guild, c.student, c.tutor
    general = _channel_named(c, "general")
    emu.close_dms(theo)
    result = await emu.slash(
        maya, g, "book", in_channel=general, tutor=theo, when="in 2 days at 3pm", duration=30
    )
    expect(result, "Request a 30-minute session")
    assert result.message is not None
    expect(await emu.click(maya, result.message, label="Confirm"), "Request sent")
    request = await _mention_of(c, general, theo.id, "New session request")
    expect(await emu.click(theo, request, label="Accept"), "Accepted")
    await dm(c, maya, "Session confirmed")
    await _mention_of(c, general, theo.id, "Session confirmed")
    expect(await emu.slash(theo, g, "bookings"), "confirmed", "Maya", "DMs are closed")


async def the_session_space_opens_without_a_sessions_channel(c: Campus) -> None:
    """15 minutes before: the bot makes #tutoring-sessions, opens the space, tells both."""
    emu, maya, theo = c.emu, c.student, c.tutor
    booking_id = await _latest_booking_id(c)
    booking = await booking_of(c, booking_id)
    demo_clock(c).set(booking.start - timedelta(minutes=15))
    emu.say_system("⏩ 15 minutes before the session: its private space opens.")
    await wake_jobs(c)
    sessions = _channel_named(c, SESSIONS_CHANNEL)
    threads = [t for t in emu.threads(c.guild) if t.name.startswith(f"Session #{booking_id} ")]
    if not threads or threads[0].parent_id != sessions.id:
        raise DemoStepFailedError(f"session #{booking_id} has no thread in #{SESSIONS_CHANNEL}")
    thread = threads[0]
    if not (emu.can_see(maya, thread) and emu.can_see(theo, thread)):
        raise DemoStepFailedError("the student and the tutor must both see their space")
    if emu.can_see(c.member, thread):
        raise DemoStepFailedError("someone outside the session can see its thread")
    await dm(c, maya, "starts")
    await _mention_of(c, thread, theo.id, "starts")  # his DMs are closed: told in the space
    await dm(c, c.admin, SESSIONS_CHANNEL)  # the owner learns which channel was chosen


async def _latest_booking_id(c: Campus) -> int:
    """The id of Maya's newest upcoming booking."""
    now = demo_clock(c).now()
    async with c.runtime.services.uow(read_only=True) as uow:
        found = await uow.bookings.for_user(
            c.guild.id, c.student.id, upcoming=True, now=now, limit=10
        )
    if not found:
        raise DemoStepFailedError("Maya has no upcoming booking")
    return max(b.booking_id for b in found)


UNCONFIGURED_STEPS = (
    student_onboards,
    tutor_onboards,
    tutor_publishes_availability,
    a_tutor_with_closed_dms_hears_of_a_request,
    the_session_space_opens_without_a_sessions_channel,
)
