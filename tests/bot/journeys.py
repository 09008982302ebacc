"""User journeys the bot tests share: onboarding, applying as a tutor, booking a slot."""

from __future__ import annotations

from datetime import timedelta

from demo.campus import Campus
from demo.journey import dm, option_values
from discord_emulator import User
from marketplace.services import booking_views
from marketplace.services.actor import Actor


async def onboard(
    c: Campus,
    user: User,
    role: str,
    subjects: list[str],
    *,
    zone: str = "Europe/Berlin",
    level: str = "beginner",
) -> None:
    """Run /start as `user` and pick everything."""
    menu = await c.emu.slash(user, c.guild, "start")
    assert menu.message is not None
    await c.emu.select(user, menu.message, custom_id="start:role", values=[role])
    await c.emu.select(user, menu.message, custom_id="start:zone", values=[zone])
    await c.emu.select(user, menu.message, custom_id="start:subjects", values=subjects)
    await c.emu.select(user, menu.message, custom_id="start:level", values=[level])
    saved = await c.emu.click(user, menu.message, custom_id="start:save")
    assert "You're all set" in saved.text


async def apply_as_tutor(
    c: Campus,
    user: User,
    *,
    rate: str = "25",
    bio: str = "I have tutored calculus for three years and love worked examples.",
    formats: tuple[str, ...] = ("text",),
) -> None:
    """Run /tutor apply as `user` with sensible choices."""
    menu = await c.emu.slash(user, c.guild, "tutor apply")
    assert menu.message is not None
    await c.emu.select(user, menu.message, custom_id="apply:subjects", values=["calculus"])
    await c.emu.select(user, menu.message, custom_id="apply:level", values=["advanced"])
    await c.emu.select(user, menu.message, custom_id="apply:formats", values=list(formats))
    form = await c.emu.click(user, menu.message, custom_id="apply:continue")
    assert form.modal is not None
    saved = await c.emu.submit_modal(user, form.modal, {"rate": rate, "bio": bio})
    assert "tutor profile is saved" in saved.text


async def publish(campus, when="daily 08:00-22:00"):
    """The tutor publishes availability and confirms it."""
    preview = await campus.emu.slash(
        campus.tutor, campus.guild, "tutor availability add", when=when
    )
    assert "Is this right?" in preview.text
    saved = await campus.emu.click(campus.tutor, preview.message, custom_id="avail:confirm")
    assert "Saved" in saved.text


async def ready_tutor(campus, formats=("text",)):
    """A tutor with a profile and open times, and an onboarded student."""
    await onboard(
        campus, campus.tutor, "tutor", ["calculus"], zone="Europe/Berlin", level="advanced"
    )
    await apply_as_tutor(campus, campus.tutor, formats=formats)
    await publish(campus)
    await onboard(campus, campus.student, "student", ["calculus"], zone="Europe/Berlin")


async def request_first_slot(campus, student=None):
    """/find → Book → the first open time → Confirm; the Confirm result."""
    student = student or campus.student
    results = await campus.emu.slash(student, campus.guild, "find", subject="calculus")
    picker = await campus.emu.click(
        student, results.message, custom_id=f"find:book:{campus.tutor.id}"
    )
    first = option_values(picker.message, "book:slot")[0]
    await campus.emu.select(student, picker.message, custom_id="book:slot", values=[first])
    return await campus.emu.click(student, picker.message, custom_id="book:confirm")


async def live_bookings(campus, user):
    """The user's upcoming bookings, read through the service."""
    actor = Actor(campus.guild.id, "x", user.id)
    listing = await booking_views.list_for(
        booking_views.ListBookings(actor), campus.runtime.services
    )
    return listing.bookings


async def confirmed_session(campus, formats=("text",)):
    """A ready tutor, a requested slot, the tutor's Accept; the confirmed booking."""
    await ready_tutor(campus, formats=formats)
    await request_first_slot(campus)
    request = await dm(campus, campus.tutor, "New session request")
    await campus.emu.click(campus.tutor, request, label="Accept")
    [booking] = await live_bookings(campus, campus.student)
    return booking


async def completed_session(campus, clock):
    """A confirmed session the tutor marked complete a minute in; its booking id."""
    booking = await confirmed_session(campus)
    clock.set(booking.start + timedelta(minutes=1))
    listing = await campus.emu.slash(campus.tutor, campus.guild, "bookings")
    done = await campus.emu.click(campus.tutor, listing.message, label="Mark complete")
    assert "Marked complete" in done.text
    return booking.booking_id


async def make_moderator(campus) -> None:
    """Sam gets the guild's moderator role (configured by Ines)."""
    await campus.emu.slash(
        campus.admin,
        campus.guild,
        "admin config",
        setting="moderator_role",
        value=f"<@&{campus.moderators.id}>",
    )
    campus.emu.add_member(campus.guild, campus.member, roles=[campus.moderators])
