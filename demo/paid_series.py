"""The paid guild's weekly series: the card saved once, each week held before it.

Maya books four weekly sessions with Theo and saves her card once on Stripe's page
(nothing is charged). Theo accepts the series once. Two days before the first week its
hold is taken off-session; the bank declines it this time, so Maya gets a DM with
**Pay** for that week and pays it by link. The later weeks are held the same way, each
two days before it.
"""

from __future__ import annotations

from datetime import timedelta

import aiohttp

from demo.campus import Campus
from demo.journey import DemoStepFailedError, demo_clock, dm, expect, seen, wake_jobs
from demo.paid_journey import browse, link_buttons, show
from marketplace.domain.booking import Booking


async def _save_card(c: Campus, http: aiohttp.ClientSession, link: str) -> None:
    """Maya opens the link, presses Pay, and saves her card on Stripe's setup page."""
    _status, _url, text = await browse(c, http, "GET", link)
    show(c, text, "Calculus with Theo", "$28.75", "saves your card")
    _status, hosted, _text = await browse(c, http, "POST", f"{link}/pay")
    if "/c/pay/" not in hosted:
        raise DemoStepFailedError(f"Save card did not lead to Stripe Checkout: {hosted}")
    status, _url, text = await browse(
        c, http, "POST", hosted, action="pay", card="4242424242424242"
    )
    if status != 200:
        raise DemoStepFailedError(f"saving the card answered {status}: {text[:200]!r}")


async def _pay_by_link(c: Campus, http: aiohttp.ClientSession, link: str) -> None:
    _status, _url, text = await browse(c, http, "GET", link)
    show(c, text, "$28.75")
    _status, hosted, _text = await browse(c, http, "POST", f"{link}/pay")
    _status, _url, text = await browse(
        c, http, "POST", hosted, action="pay", card="4242424242424242"
    )
    show(c, text, "Held")


async def a_weekly_series_is_held_week_by_week(c: Campus) -> None:
    """Four weeks, one saved card, one Accept; a declined week is paid by link instead."""
    emu, g, maya, theo = c.emu, c.guild, c.student, c.tutor
    asked = expect(
        await emu.slash(
            maya, g, "book", tutor=theo, when="in 10 days at 8pm", repeat="weekly", weeks=4
        ),
        "weekly sessions",
    )
    assert asked.message is not None
    old_tutor = seen(c, theo)
    sent = expect(await emu.click(maya, asked.message, label="Confirm"), "Save card")
    link = link_buttons(sent.message).get("Save card")
    if link is None:
        raise DemoStepFailedError("the series reply has no Save card button")
    async with aiohttp.ClientSession() as http:
        await _save_card(c, http, link)
        request = await dm(c, theo, "New weekly series request", old=old_tutor)
        expect(await emu.click(theo, request, label="Accept"), "Accepted")
        first, card = await _first_week_and_card(c)
        if c.stripe is None:
            raise DemoStepFailedError("the paid campus has no Stripe fake")
        c.stripe.decline_next_charge(card)
        old_student = seen(c, maya)
        demo_clock(c).set(first.start - timedelta(days=2, minutes=-1))
        emu.say_system("⏩ Two days before the first week; Maya's bank declines the hold once.")
        await wake_jobs(c)
        needed = await dm(c, maya, "This week needs paying", old=old_student)
        paid = expect(await emu.click(maya, needed, label="Pay"), "Pay for this week")
        pay = link_buttons(paid.message).get("Pay")
        if pay is None:
            raise DemoStepFailedError("the Pay button gave no link")
        await _pay_by_link(c, http, pay)
    await wake_jobs(c)
    listing = await emu.slash(maya, g, "bookings")
    line = next((ln for ln in listing.text.splitlines() if f"#{first.booking_id}**" in ln), "")
    if "held" not in line or "week 1 of 4" not in line:
        raise DemoStepFailedError(f"the first week does not show held: {line!r}")


async def _first_week_and_card(c: Campus) -> tuple[Booking, str]:
    """The series' first week, and Maya's saved card (its PaymentMethod id)."""
    async with c.runtime.services.uow(read_only=True) as uow:
        card = await uow.saved_cards.card(c.guild.id, c.student.id)
        mine = await uow.bookings.for_user(
            c.guild.id, c.student.id, upcoming=True, now=demo_clock(c).now(), limit=50
        )
        places = await uow.series.places([b.booking_id for b in mine])
    if card is None:
        raise DemoStepFailedError("Maya's card was not saved")
    weeks = [b for b in mine if places.get(b.booking_id) is not None]
    first = min(weeks, key=lambda b: b.start)
    return first, card.payment_method_id
