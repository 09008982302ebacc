"""The checkout, return and status pages, driven through aiohttp's test client."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from yarl import URL

from marketplace.payments import StripeGateway
from marketplace.services.context import ServiceContext
from marketplace.services.payments import LINK_DAYS_AFTER_END
from stripe_fake import GENERIC_DECLINE_CARD, StripeFake
from tests.web.conftest import WEBHOOK_SECRET
from tests.web.world import (
    HOURLY_RATE_MINOR,
    MINUTES,
    PaidBooking,
    book_paid_session,
    div_half_up,
    dollars,
    stored,
    text_of,
)
from web.checkout.app import create_app


async def page_text(client, path: str, status: int = 200) -> str:
    response = await client.get(path)
    html = await response.text()
    assert response.status == status, html
    assert response.content_type == "text/html"
    assert "Traceback" not in html
    return html


async def press_pay(client, paid: PaidBooking):
    return await client.post(f"{paid.path}/pay", allow_redirects=False)


def session_id_of(hosted_url: str) -> str:
    return urlsplit(hosted_url).path.rsplit("/", 1)[1]


async def test_the_checkout_page_shows_who_when_and_the_exact_price(client, paid):
    html = await page_text(client, paid.path)
    text = text_of(html)
    rate = div_half_up(HOURLY_RATE_MINOR * MINUTES, 60)  # $25.55/h for 90 min
    fee = div_half_up(rate * 1500, 10_000)  # 15 % of the rate, half up
    assert (rate, fee) == (3833, 575)  # both roundings go up here
    assert "Calculus with Ada <Lovelace>" in text
    assert "Ada &lt;Lovelace&gt;" in html  # escaped, never markup
    assert "Wednesday 2 December 2026, 09:00–10:30 (90 min)" in text  # 14:00 UTC in New York
    assert '<time datetime="2026-12-02T09:00-05:00">' in html
    assert "Time zone America/New_York (EST, UTC−05:00)" in text
    assert f"Tutor's rate for 90 min {dollars(rate)}" in text
    assert f"Platform fee (15% of the rate) {dollars(fee)}" in text
    assert f"Total {dollars(rate + fee)}" in text
    assert "<table" in html
    assert '<th scope="row">Total</th>' in html


async def test_a_referral_credit_is_its_own_line_off_the_fee_and_the_total(
    client, ctx, clock, fake
):
    credited = await book_paid_session(ctx, clock, credit=200)

    html = await page_text(client, credited.path)
    text = text_of(html)

    rate, fee = 3833, 575  # as above: $25.55/h for 90 min, 15 %
    assert f"Tutor's rate for 90 min {dollars(rate)}" in text
    assert f"Platform fee (15% of the rate) {dollars(fee)}" in text  # the whole fee
    assert f"Your referral credit (off the platform fee) −{dollars(200)}" in text
    assert f"Total {dollars(rate + fee - 200)}" in text
    response = await press_pay(client, credited)
    assert response.status == 303
    async with ctx.uow(read_only=True) as uow:
        session_id, _ = await uow.payments.refs(credited.booking.booking_id)
    assert session_id is not None
    assert fake.get(session_id)["amount_total"] == rate + fee - 200  # what the card is asked


async def test_a_page_without_credit_has_no_credit_line(client, paid):
    assert "referral credit" not in text_of(await page_text(client, paid.path))


async def test_the_page_says_the_card_is_only_held_and_offers_pay(client, paid):
    html = await page_text(client, paid.path)
    text = text_of(html)
    assert "Nothing is charged yet" in text
    assert "only authorized (held)" in text
    assert f'<form method="post" action="{paid.path}/pay">' in html
    assert '<button type="submit">Pay</button>' in html
    assert "escrow" not in text.lower()


async def test_the_cancellation_policy_is_spelled_out_with_the_default_numbers(client, paid):
    text = text_of(await page_text(client, paid.path))
    assert "You cancel 24 hours or more before the start: full refund." in text
    assert (
        "You cancel later than that: 50% of the total back, and the tutor gets 50% of their rate."
        in text
    )
    assert "You cancel after the start, or don't come: no refund." in text
    assert "The tutor cancels, or doesn't show up: full refund." in text
    assert "The tutor starts more than 15 minutes late: 50% of the total back." in text


async def test_the_policy_and_fee_follow_the_guilds_own_numbers(client, ctx, clock):
    paid = await book_paid_session(
        ctx,
        clock,
        full_refund_notice_hours=1,
        late_cancel_refund_percent=30,
        late_cancel_tutor_share_percent=60,
        no_show_after_minutes=10,
        late_start_refund_percent=40,
        platform_fee_bps=1250,
        dispute_window_hours=72,
    )
    text = text_of(await page_text(client, paid.path))
    rate = div_half_up(HOURLY_RATE_MINOR * MINUTES, 60)
    fee = div_half_up(rate * 1250, 10_000)
    assert f"Platform fee (12.5% of the rate) {dollars(fee)}" in text
    assert f"Total {dollars(rate + fee)}" in text
    assert "You cancel 1 hour or more before the start: full refund." in text
    assert "30% of the total back, and the tutor gets 60% of their rate." in text
    assert "The tutor starts more than 10 minutes late: 40% of the total back." in text
    assert "within 72 hours after the session ends" in text


async def test_pay_sends_the_student_to_the_hosted_checkout(client, paid, fake: StripeFake):
    response = await press_pay(client, paid)
    assert response.status == 303
    location = response.headers["Location"]
    assert location.startswith(f"{fake.base_url}/c/pay/cs_test_")
    session = fake.get(session_id_of(location))
    assert session["amount_total"] == 3833 + 575
    assert session["metadata"]["booking_id"] == str(paid.booking.booking_id)
    assert session["success_url"].endswith(f"{paid.path}/done")
    assert session["cancel_url"].endswith(paid.path)


async def test_pressing_pay_twice_resumes_the_same_session(client, paid, fake: StripeFake):
    first = await press_pay(client, paid)
    second = await press_pay(client, paid)
    assert second.status == 303
    assert second.headers["Location"] == first.headers["Location"]
    created = [r for r in fake.requests if r.method == "POST" and r.path == "/v1/checkout/sessions"]
    assert len(created) == 1


async def test_after_paying_the_return_and_status_pages_say_held(client, paid, fake):
    hosted = (await press_pay(client, paid)).headers["Location"]
    await fake.pay(session_id_of(hosted))

    done = text_of(await page_text(client, f"{paid.path}/done"))
    assert "Thank you" in done
    assert "Status: Held" in done
    assert "Payment held. $44.08 is held for this session." in done
    assert "Your request has gone to Ada <Lovelace>." in done

    status = text_of(await page_text(client, f"/bookings/{paid.token}"))
    assert "Payment status" in status
    assert "Status: Held" in status
    assert "Total $44.08" in status

    checkout_page = await page_text(client, paid.path)
    assert "<form" not in checkout_page  # paid: no second Pay
    assert "Payment held." in text_of(checkout_page)


async def test_pay_after_paying_explains_that_the_checkout_closed(client, paid, fake):
    hosted = (await press_pay(client, paid)).headers["Location"]
    await fake.pay(session_id_of(hosted))
    await client.get(f"{paid.path}/done")
    response = await press_pay(client, paid)
    html = await response.text()
    assert response.status == 409
    assert "This checkout has closed" in text_of(html)
    assert f'href="/bookings/{paid.token}"' in html


async def test_returning_before_paying_says_nothing_arrived_yet(client, paid):
    await press_pay(client, paid)
    text = text_of(await page_text(client, f"{paid.path}/done"))
    assert "We haven't received your payment yet" in text
    assert "Status: Awaiting payment" in text


async def test_a_declined_card_leaves_the_checkout_open_to_try_again(client, paid, fake):
    hosted = (await press_pay(client, paid)).headers["Location"]
    await fake.pay(session_id_of(hosted), GENERIC_DECLINE_CARD)
    await client.get(f"{paid.path}/done")
    html = await page_text(client, paid.path)
    assert "Your card was declined and nothing was charged." in text_of(html)
    assert '<button type="submit">Pay</button>' in html
    assert (await press_pay(client, paid)).headers["Location"] == hosted


async def test_the_checkout_closes_when_the_payment_window_passes(client, paid, clock):
    clock.set(paid.booking.expires_at + timedelta(seconds=1))
    html = await page_text(client, paid.path)
    text = text_of(html)
    assert "This checkout has closed. Nothing was charged." in text
    assert "<form" not in html
    response = await press_pay(client, paid)
    assert response.status == 409
    assert "This checkout has closed" in text_of(await response.text())
    assert "Status: Checkout closed" in text_of(await page_text(client, f"/bookings/{paid.token}"))


async def test_an_unreachable_provider_asks_to_try_again_in_a_minute(uow_factory, clock, paid):
    down = StripeGateway(
        "sk_test_down", "http://127.0.0.1:9", max_network_retries=0, installation="tests"
    )
    ctx = ServiceContext(uow=uow_factory, clock=clock, gateway=down)
    from aiohttp.test_utils import TestClient, TestServer

    try:
        async with TestClient(TestServer(create_app(ctx, webhook_secret=WEBHOOK_SECRET))) as c:
            response = await c.post(f"{paid.path}/pay", allow_redirects=False)
            text = text_of(await response.text())
    finally:
        await down.close()
    assert response.status == 503
    assert response.headers["Retry-After"] == "60"
    assert "try again in a minute" in text
    assert "Nothing was charged" in text


FORGED = [
    "A" * 43,  # the right shape, never issued
    "bad!chars*here",
    "x" * 5000,
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%2F..%2Fetc%2Fpasswd",
    "%00",
]


@pytest.mark.parametrize("token", FORGED)
@pytest.mark.parametrize("template", ["/checkout/{}", "/checkout/{}/done", "/bookings/{}"])
async def test_forged_tokens_get_the_plain_not_found_page(client, paid, token, template):
    response = await client.get(URL(template.format(token), encoded=True))
    html = await response.text()
    assert response.status == 404
    assert "Page not found" in text_of(html)
    assert "<main>" in html  # the site's layout
    assert "Traceback" not in html
    assert "Error" not in html


@pytest.mark.parametrize("token", FORGED)
async def test_pay_with_a_forged_token_is_not_found_and_opens_nothing(client, fake, token):
    response = await client.post(URL(f"/checkout/{token}/pay", encoded=True))
    assert response.status == 404
    assert not fake.requests


async def test_dot_segments_never_reach_anything_but_not_found(client, paid):
    for path in ("/checkout/../../etc/passwd", "/bookings/../checkout", "/static/../app.py"):
        response = await client.get(URL(path, encoded=True))
        assert response.status == 404, path
        assert "Page not found" in text_of(await response.text())


async def test_an_expired_link_is_not_found(client, paid, clock):
    clock.set(paid.booking.end + timedelta(days=LINK_DAYS_AFTER_END, seconds=1))
    for path in (paid.path, f"/bookings/{paid.token}", f"{paid.path}/done"):
        assert (await client.get(path)).status == 404
    assert (await press_pay(client, paid)).status == 404


async def test_an_oversized_pay_body_is_refused_before_anything_opens(client, paid, fake):
    response = await client.post(
        f"{paid.path}/pay",
        data=b"x=" + b"a" * 10_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
    )
    assert response.status == 413
    assert "That request was too large" in text_of(await response.text())
    assert not fake.requests


async def test_an_oversized_chunked_pay_body_is_refused_too(client, paid, fake):
    async def chunks():
        for _ in range(10):
            yield b"a" * 1024

    response = await client.post(f"{paid.path}/pay", data=chunks(), allow_redirects=False)
    assert response.status == 413
    assert not fake.requests


async def test_a_malformed_pay_body_is_ignored(client, paid, fake):
    response = await client.post(
        f"{paid.path}/pay",
        data=b"\xff\xfe%%%=&&=\x00",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.headers["Location"].startswith(f"{fake.base_url}/c/pay/")


async def test_a_get_on_pay_is_method_not_allowed(client, paid):
    assert (await client.get(f"{paid.path}/pay")).status == 405


async def test_unknown_pages_get_the_not_found_page(client):
    response = await client.get("/wp-admin/setup.php")
    assert response.status == 404
    html = await response.text()
    assert "Page not found" in text_of(html)
    assert '<html lang="en">' in html


async def test_nothing_is_stored_by_reading_pages(client, paid, uow_factory):
    before = await stored(uow_factory)
    await client.get(paid.path)
    await client.get(f"/bookings/{paid.token}")
    assert await stored(uow_factory) == before


async def test_healthz_still_answers(client):
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}
