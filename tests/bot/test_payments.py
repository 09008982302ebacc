"""Payments through the bot: /tutor payouts, paid search results, Pay, held, Mark complete.

The paid campus runs the real bot, the checkout web app and the in-repo Stripe fake, all
on one fixed clock, so a test can step to the session's start.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from demo.campus import BOT_TOKEN, running_campus
from demo.journey import dm
from stripe_fake import running_stripe_fake
from tests.bot.journeys import (
    apply_as_tutor,
    live_bookings,
    onboard,
    ready_tutor,
    request_first_slot,
)
from tests.conftest import FixedClock
from tutorbot.bootstrap import build_bot

TOTAL = "$28.75"  # 60 minutes at $25.00/h plus the 15% platform fee


@pytest.fixture
def clock():
    return FixedClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def paid_campus(sqlite_url, clock):
    async with (
        running_stripe_fake(clock=lambda: clock.now().timestamp()) as fake,
        running_campus(sqlite_url, clock=clock, stripe=fake) as campus,
    ):
        yield campus
        assert campus.emu.unexpected_errors == [], "the bot hit a Discord error"


@pytest.fixture
async def free_campus(sqlite_url, clock):
    async with running_campus(sqlite_url, clock=clock) as campus:
        yield campus
        assert campus.emu.unexpected_errors == [], "the bot hit a Discord error"


def link_buttons(message):
    """{label: url} of the message's link buttons."""
    found = {}

    def walk(components):
        for component in components:
            if component.get("type") == 2 and component.get("url"):
                found[component.get("label")] = component["url"]
            walk(component.get("components") or [])

    walk(message.components)
    return found


def dm_texts(campus, user):
    return [m.text for m in campus.emu.dm_messages(user)]


async def payout_account_id(campus):
    async with campus.runtime.services.uow(read_only=True) as uow:
        account = await uow.payout_accounts.get(campus.guild.id, campus.tutor.id)
    assert account is not None
    return account.account_id


async def turn_on_payouts(campus):
    """The tutor onboards with Stripe; /tutor payouts then says payouts are on."""
    setup = await campus.emu.slash(campus.tutor, campus.guild, "tutor payouts")
    assert "Set up payouts" in link_buttons(setup.message)
    await campus.stripe.enable_payouts(await payout_account_id(campus))
    again = await campus.emu.slash(campus.tutor, campus.guild, "tutor payouts")
    assert "Payouts are on" in again.text


async def pay(campus, link):
    """The student opens the checkout page, presses Pay, and pays on the hosted page."""
    async with aiohttp.ClientSession() as http:
        async with http.get(link) as page:
            assert page.status == 200
            assert TOTAL in await page.text()
        async with http.post(f"{link}/pay", allow_redirects=False) as answer:
            assert answer.status == 303
            hosted = answer.headers["Location"]
    session_id = re.search(r"cs_\w+", hosted)[0]
    await campus.stripe.pay(session_id)
    await campus.stripe.settle()


async def bookings_of(campus, user, scope="upcoming"):
    return await campus.emu.slash(user, campus.guild, "bookings", scope=scope)


# --- /tutor payouts ----------------------------------------------------------------------


async def test_payouts_tell_a_non_tutor_to_apply_first(paid_campus) -> None:
    await onboard(paid_campus, paid_campus.student, "student", ["calculus"])
    result = await paid_campus.emu.slash(paid_campus.student, paid_campus.guild, "tutor payouts")
    assert "You don't have a tutor profile here yet" in result.text
    assert "/tutor apply" in result.text
    assert result.message.ephemeral


async def test_payouts_in_a_free_guild_say_sessions_are_free(free_campus) -> None:
    await onboard(free_campus, free_campus.tutor, "tutor", ["calculus"], level="advanced")
    await apply_as_tutor(free_campus, free_campus.tutor)
    result = await free_campus.emu.slash(free_campus.tutor, free_campus.guild, "tutor payouts")
    assert "Payments are off in this server" in result.text
    assert link_buttons(result.message) == {}


async def test_payouts_link_to_stripe_then_turn_on_when_stripe_enables_them(paid_campus) -> None:
    c = paid_campus
    await ready_tutor(c)
    setup = await c.emu.slash(c.tutor, c.guild, "tutor payouts")
    assert setup.message.ephemeral
    assert "connect a payout account" in setup.text
    links = link_buttons(setup.message)
    assert list(links) == ["Set up payouts"]
    assert links["Set up payouts"].startswith(c.stripe.base_url)

    await c.stripe.enable_payouts(await payout_account_id(c))  # account.updated webhook
    found = await c.emu.slash(c.student, c.guild, "find", subject="calculus")
    assert "$25.00/h" in found.text
    assert "not accepting paid bookings" not in found.text
    on = await c.emu.slash(c.tutor, c.guild, "tutor payouts")
    assert "Payouts are on" in on.text
    assert link_buttons(on.message) == {}


# --- search ------------------------------------------------------------------------------


async def test_a_tutor_without_payouts_is_not_accepting_paid_bookings_yet(paid_campus) -> None:
    c = paid_campus
    await ready_tutor(c)
    found = await c.emu.slash(c.student, c.guild, "find", subject="calculus")
    assert "not accepting paid bookings yet" in found.text
    assert "$25.00/h" not in found.text
    book = await c.emu.click(c.student, found.message, custom_id=f"find:book:{c.tutor.id}")
    assert "isn't accepting paid bookings yet" in book.text
    typed = await c.emu.slash(c.student, c.guild, "book", tutor=c.tutor, when="in 2 days at 3pm")
    assert "isn't accepting paid bookings yet" in typed.text
    assert await live_bookings(c, c.student) == []

    await turn_on_payouts(c)
    found = await c.emu.slash(c.student, c.guild, "find", subject="calculus")
    assert "$25.00/h" in found.text


# --- booking and paying -------------------------------------------------------------------


async def test_book_answers_with_pay_and_an_unpaid_booking_cancels_at_no_cost(paid_campus) -> None:
    c = paid_campus
    await ready_tutor(c)
    await turn_on_payouts(c)
    echo = await c.emu.slash(c.student, c.guild, "book", tutor=c.tutor, when="in 2 days at 3pm")
    booked = await c.emu.click(c.student, echo.message, label="Confirm")
    assert TOTAL in booked.text
    assert "only held (authorized)" in booked.text
    assert "once it's paid" in booked.text
    [booking] = await live_bookings(c, c.student)
    assert f"<t:{int(booking.expires_at.timestamp())}:R>" in booked.message.content
    assert list(link_buttons(booked.message)) == ["Pay"]
    assert link_buttons(booked.message)["Pay"].startswith(c.web_url + "/checkout/")

    preview = await c.emu.slash(c.student, c.guild, "cancel", booking=booking.booking_id)
    assert "hasn't been paid for yet, so nothing is charged" in preview.text
    cancelled = await c.emu.click(c.student, preview.message, label="Confirm")
    assert "Cancelled" in cancelled.text
    assert await live_bookings(c, c.student) == []
    past = await bookings_of(c, c.student, scope="past")
    assert "cancelled · 💳 not paid, nothing charged" in past.text


async def test_a_paid_request_reaches_the_tutor_once_paid_then_shows_held(
    paid_campus, clock
) -> None:
    c = paid_campus
    await ready_tutor(c)
    await turn_on_payouts(c)
    booked = await request_first_slot(c)
    assert TOTAL in booked.text
    link = link_buttons(booked.message)["Pay"]
    assert link.startswith(c.web_url + "/checkout/")
    await c.bot.jobs.sweep()
    assert not any("New session request" in text for text in dm_texts(c, c.tutor))
    listing = await bookings_of(c, c.student)
    assert "💳 awaiting payment" in listing.text
    assert "Pay" in link_buttons(listing.message)

    await pay(c, link)
    request = await dm(c, c.tutor, "New session request")
    assert "Paid and held" in request.text
    accepted = await c.emu.click(c.tutor, request, label="Accept")
    assert "Accepted" in accepted.text
    confirmed = await dm(c, c.student, "Session confirmed")
    assert f"Your payment of **{TOTAL}** is held" in confirmed.content + confirmed.text
    for user in (c.student, c.tutor):
        listing = await bookings_of(c, user)
        assert f"💳 held ({TOTAL})" in listing.text
        assert "Pay" not in link_buttons(listing.message)

    [booking] = await live_bookings(c, c.student)
    clock.set(booking.start + timedelta(minutes=5))
    listing = await bookings_of(c, c.student)
    assert "Mark complete" in [label for label, _, _ in listing.message.buttons]
    clock.set(booking.start - timedelta(hours=1))
    early = await c.emu.click(c.student, listing.message, label="Mark complete")
    assert "hasn't started yet" in early.text
    clock.set(booking.start + timedelta(minutes=5))
    done = await c.emu.click(c.student, listing.message, label="Mark complete")
    assert "Marked complete" in done.text
    again = await c.emu.click(c.tutor, listing.message, label="Mark complete")
    assert "already marked complete" in again.text
    past = await bookings_of(c, c.tutor, scope="past")
    assert "completed" in past.text
    assert f"💳 held ({TOTAL})" in past.text


# --- free guilds --------------------------------------------------------------------------


async def test_free_bookings_say_free_and_can_be_marked_complete(free_campus, clock) -> None:
    c = free_campus
    await ready_tutor(c)
    booked = await request_first_slot(c)
    assert "Request sent" in booked.text
    assert link_buttons(booked.message) == {}
    request = await dm(c, c.tutor, "New session request")
    assert "Paid and held" not in request.text
    await c.emu.click(c.tutor, request, label="Accept")
    listing = await bookings_of(c, c.student)
    assert "✅ confirmed · free" in listing.text
    assert "Mark complete" not in [label for label, _, _ in listing.message.buttons]

    [booking] = await live_bookings(c, c.student)
    clock.set(booking.start + timedelta(minutes=1))
    listing = await bookings_of(c, c.tutor)
    done = await c.emu.click(c.tutor, listing.message, label="Mark complete")
    assert "Marked complete" in done.text
    again = await c.emu.click(c.tutor, listing.message, label="Mark complete")
    assert "already marked complete" in again.text
    past = await bookings_of(c, c.student, scope="past")
    assert "completed · free" in past.text


async def test_someone_else_cannot_mark_a_session_complete(free_campus, clock) -> None:
    c = free_campus
    await ready_tutor(c)
    await request_first_slot(c)
    request = await dm(c, c.tutor, "New session request")
    await c.emu.click(c.tutor, request, label="Accept")
    [booking] = await live_bookings(c, c.student)
    clock.set(booking.start + timedelta(minutes=1))
    listing = await bookings_of(c, c.student)
    result = await c.emu.click(c.member, listing.message, label="Mark complete")
    assert "Only the owner" in result.text
    [still] = await live_bookings(c, c.student)
    assert still.state == "confirmed"


async def test_mark_complete_keeps_working_after_a_restart(free_campus, clock) -> None:
    c = free_campus
    await ready_tutor(c)
    await request_first_slot(c)
    request = await dm(c, c.tutor, "New session request")
    await c.emu.click(c.tutor, request, label="Accept")
    [booking] = await live_bookings(c, c.student)
    clock.set(booking.start + timedelta(minutes=1))
    listing = await bookings_of(c, c.student)
    await c.bot.close()
    bot = build_bot(c.runtime)
    task = asyncio.create_task(bot.start(BOT_TOKEN))
    try:
        await c.emu.wait_until_ready()
        done = await c.emu.click(c.student, listing.message, label="Mark complete")
        assert "Marked complete" in done.text
    finally:
        await bot.close()
        task.cancel()


async def test_amounts_follow_the_guilds_language(paid_campus) -> None:
    c = paid_campus
    await ready_tutor(c)
    await turn_on_payouts(c)
    changed = await c.emu.slash(
        c.admin, c.guild, "admin config", setting="languages", value="de, en"
    )
    assert "de" in changed.text
    echo = await c.emu.slash(c.student, c.guild, "book", tutor=c.tutor, when="in 2 days at 3pm")
    booked = await c.emu.click(c.student, echo.message, label="Bestätigen")  # German now
    assert "28,75\xa0$" in booked.text  # Babel's German form of $28.75
    listing = await bookings_of(c, c.student)
    assert "28,75\xa0$" in listing.text
