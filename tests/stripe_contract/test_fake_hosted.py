"""The fake's hosted Checkout page, as a browser would use it (plain HTTP here)."""

from __future__ import annotations

import aiohttp
import stripe

from stripe_fake import GENERIC_DECLINE_CARD, StripeFake
from tests.stripe_contract.support import new_session


async def test_pay_button_redirects_to_success(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    session = await new_session(client)
    assert session.url is not None
    async with aiohttp.ClientSession() as browser:
        async with browser.get(session.url) as page:
            assert page.status == 200
            html = await page.text()
        assert "57.50 USD" in html
        assert "Calculus tutoring, 60 min" in html
        assert '<button name="action" value="pay"' in html
        form = {"action": "pay", "card": "4242 4242 4242 4242", "email": "student@example.test"}
        async with browser.post(session.url, data=form, allow_redirects=False) as paid:
            assert paid.status == 303
            assert paid.headers["Location"] == (
                f"http://127.0.0.1:9/checkout/done?session={session.id}"
            )
        async with browser.get(session.url) as gone:
            assert gone.status == 410
    await fake.settle()
    done = await client.v1.checkout.sessions.retrieve_async(session.id)
    assert done.status == "complete"
    assert done.customer_details is not None
    assert done.customer_details.email == "student@example.test"
    assert fake.events_of_type("checkout.session.completed")


async def test_declined_card_shows_the_error(fake: StripeFake, client: stripe.StripeClient) -> None:
    session = await new_session(client)
    assert session.url is not None
    async with aiohttp.ClientSession() as browser:
        form = {"action": "pay", "card": GENERIC_DECLINE_CARD}
        async with browser.post(session.url, data=form, allow_redirects=False) as declined:
            assert declined.status == 402
            assert 'role="alert">Your card was declined.' in await declined.text()
        form = {"action": "pay", "card": "4242 4242 4242 4241"}
        async with browser.post(session.url, data=form, allow_redirects=False) as typo:
            assert "Your card number is incorrect." in await typo.text()
    assert (await client.v1.checkout.sessions.retrieve_async(session.id)).status == "open"


async def test_cancel_returns_to_cancel_url_and_keeps_the_session(
    client: stripe.StripeClient,
) -> None:
    session = await new_session(client)
    assert session.url is not None
    async with aiohttp.ClientSession() as browser:
        form = {"action": "cancel"}
        async with browser.post(session.url, data=form, allow_redirects=False) as back:
            assert back.status == 303
            assert back.headers["Location"] == "http://127.0.0.1:9/checkout/cancel"
        async with browser.get(session.url) as still:
            assert still.status == 200
        async with browser.get(session.url.replace("cs_test_", "cs_test_x")) as unknown:
            assert unknown.status == 404
