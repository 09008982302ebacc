"""A paid weekly series through the real bot, the checkout web app and the Stripe fake.

Confirm answers with **Save card**; the card is saved once on Stripe's setup page; the
tutor then gets one request; a week whose off-session hold is declined DMs the student
a **Pay** for it; `/payments forget-card` removes the card.
"""

from __future__ import annotations

import re
from datetime import timedelta

import aiohttp

from demo.journey import dm
from tests.bot import test_payments
from tests.bot.journeys import live_bookings, ready_tutor
from tests.bot.test_payments import link_buttons, turn_on_payouts

clock = test_payments.clock  # the paid campus's fixtures: one clock for bot, web and Stripe
paid_campus = test_payments.paid_campus

DECLINES_WHEN_CHARGED = "4000000000000341"  # saved fine, declined whenever charged


async def _save_card(campus, link: str, card: str) -> None:
    """The student opens the link, presses Pay, and saves `card` on Stripe's setup page."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{link}/pay", allow_redirects=False) as answer,
    ):
        assert answer.status == 303
        hosted = answer.headers["Location"]
    session_id = re.search(r"cs_\w+", hosted)[0]
    assert campus.stripe.get(session_id)["mode"] == "setup"
    saved = await campus.stripe.save_card(session_id, card)
    assert saved.succeeded
    await campus.stripe.settle()


async def test_a_paid_series_saves_the_card_once_and_a_declined_week_gets_pay(
    paid_campus, clock
) -> None:
    c = paid_campus
    await ready_tutor(c)
    await turn_on_payouts(c)
    asked = await c.emu.slash(
        c.student, c.guild, "book", tutor=c.tutor, when="in 3 days at 3pm", weeks=3
    )
    sent = await c.emu.click(c.student, asked.message, label="Confirm")
    assert "Save card" in sent.text
    link = link_buttons(sent.message)["Save card"]
    await c.bot.jobs.sweep()
    assert not any("weekly series" in m.text for m in c.emu.dm_messages(c.tutor))

    await _save_card(c, link, DECLINES_WHEN_CHARGED)
    request = await dm(c, c.tutor, "New weekly series request")
    await c.emu.click(c.tutor, request, label="Accept")
    first = (await live_bookings(c, c.student))[0]

    clock.set(first.start - timedelta(days=2, minutes=-1))
    await c.bot.jobs.sweep()
    needed = await dm(c, c.student, "This week needs paying")
    assert "declined" in needed.text
    assert "Pay by" in needed.text
    paid = await c.emu.click(c.student, needed, label="Pay")
    assert paid.message.ephemeral
    assert link_buttons(paid.message)["Pay"].startswith(c.web_url + "/checkout/")
    listing = await c.emu.slash(c.student, c.guild, "bookings")
    assert "Pay" in link_buttons(listing.message)  # /bookings offers Pay for that week too
    stranger = await c.emu.click(c.tutor, needed, label="Pay")
    assert "Pay" not in link_buttons(stranger.message)

    asked = await c.emu.slash(c.student, c.guild, "payments forget-card")
    assert asked.message.ephemeral
    done = await c.emu.click(c.student, asked.message, label="Confirm")
    assert "saved card was removed" in done.text
    again = await c.emu.slash(c.student, c.guild, "payments forget-card")
    none = await c.emu.click(c.student, again.message, label="Confirm")
    assert "no saved card" in none.text
