"""`/start referred_by:` and `/referrals`, as members do them (a free server).

Maya (the student) names Sam (a member) as who brought her. A refusal is one line above
the usual `/start` menu, which still works; `/referrals` shows Sam whom he brought. Once
Maya's first session has taken place and the dispute window has closed, Sam is thanked
by DM (a free server: counted, no money).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import texts
from demo.journey import dm
from tests.bot.journeys import completed_session


async def _save_start(c, user, menu) -> str:
    for custom_id, values in (
        ("start:role", ["student"]),
        ("start:zone", ["Europe/Berlin"]),
        ("start:subjects", ["calculus"]),
        ("start:level", ["beginner"]),
    ):
        await c.emu.select(user, menu.message, custom_id=custom_id, values=values)
    saved = await c.emu.click(user, menu.message, custom_id="start:save")
    return saved.text


async def test_start_records_who_brought_you_and_opens_the_menu(campus) -> None:
    c = campus
    menu = await c.emu.slash(c.student, c.guild, "start", referred_by=c.member)

    assert menu.ephemeral
    assert "@Sam brought you here" in menu.text  # the emulator shows mentions by name
    assert "Welcome to TutorBot" in menu.text
    assert "You're all set" in await _save_start(c, c.student, menu)

    listing = await c.emu.slash(c.member, c.guild, "referrals")
    assert listing.ephemeral
    assert "@Maya · joined" in listing.text
    assert "You brought **1** person here" in listing.text


async def test_naming_yourself_is_refused_but_start_goes_on(campus) -> None:
    c = campus
    menu = await c.emu.slash(c.student, c.guild, "start", referred_by=c.student)

    assert texts.CONFLICTS["referral_self"] in menu.text
    assert "I didn't record who brought you" in menu.text
    assert "You're all set" in await _save_start(c, c.student, menu)
    listing = await c.emu.slash(c.student, c.guild, "referrals")
    assert "You haven't brought anyone yet" in listing.text


async def test_a_bot_and_a_second_referrer_are_refused(campus) -> None:
    c = campus
    bot = c.emu.add_user("HelperBot", bot=True)
    c.emu.add_member(c.guild, bot)
    refused = await c.emu.slash(c.student, c.guild, "start", referred_by=bot)
    assert texts.CONFLICTS["referral_bot"] in refused.text

    await c.emu.slash(c.student, c.guild, "start", referred_by=c.member)
    again = await c.emu.slash(c.student, c.guild, "start", referred_by=c.tutor)

    assert texts.CONFLICTS["referral_already"] in again.text
    assert "Welcome to TutorBot" in again.text  # the menu is there all the same
    assert "@Maya" in (await c.emu.slash(c.member, c.guild, "referrals")).text
    assert "You haven't brought anyone" in (await c.emu.slash(c.tutor, c.guild, "referrals")).text


async def test_a_member_who_joined_long_ago_cannot_name_anyone(campus) -> None:
    c = campus
    member = c.emu.add_member(c.guild, c.student)
    member.joined_at = (datetime.now(UTC) - timedelta(days=30)).isoformat()

    refused = await c.emu.slash(c.student, c.guild, "start", referred_by=c.member)

    assert texts.CONFLICTS["referral_too_late"] in refused.text
    assert "You haven't brought anyone" in (await c.emu.slash(c.member, c.guild, "referrals")).text


async def test_the_referrer_is_thanked_once_the_first_session_is_past_the_window(
    campus, clock
) -> None:
    c = campus
    await c.emu.slash(c.student, c.guild, "start", referred_by=c.member)
    booking_id = await completed_session(c, clock)  # onboards Maya and Theo, then a session
    assert booking_id

    clock.advance(timedelta(hours=49))
    while await c.bot.jobs.sweep():
        pass

    thanks = await dm(c, c.member, "Thanks for bringing a friend")
    assert "@Maya, whom you brought to **Campus Study Hall**" in thanks.text
    assert "Thank you for bringing them" in thanks.text
    listing = await c.emu.slash(c.member, c.guild, "referrals")
    assert "first session done, thank you!" in listing.text
    assert "Sessions are free on this server" in listing.text
