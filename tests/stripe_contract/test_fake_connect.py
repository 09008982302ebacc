"""The fake's Connect Express accounts, onboarding links and transfers, via `stripe`."""

from __future__ import annotations

import aiohttp
import pytest
import stripe

from stripe_fake import StripeFake
from tests.stripe_contract.support import new_session


async def _account(client: stripe.StripeClient) -> stripe.Account:
    return await client.v1.accounts.create_async(
        params={
            "type": "express",
            "country": "US",
            "email": "tutor@example.test",
            "capabilities": {"transfers": {"requested": True}},
            "metadata": {"tutor_id": "7"},
        }
    )


async def _funded(fake: StripeFake, client: stripe.StripeClient) -> str:
    """Capture one 5750 payment so the platform has a balance; its PaymentIntent id."""
    payment = await fake.pay((await new_session(client, capture_method="automatic")).id)
    return str(payment.payment_intent["id"])


async def test_express_account_create_and_retrieve(client: stripe.StripeClient) -> None:
    account = await _account(client)
    assert account.id.startswith("acct_")
    assert (account.object, account.type) == ("account", "express")
    assert (account.charges_enabled, account.payouts_enabled) == (False, False)
    assert account.details_submitted is False
    assert account.capabilities is not None
    assert account.capabilities.to_dict() == {"transfers": "inactive"}
    again = await client.v1.accounts.retrieve_async(account.id)
    assert again.email == "tutor@example.test"
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.accounts.create_async(params={"type": "standard"})


async def test_account_link_onboarding_page(fake: StripeFake, client: stripe.StripeClient) -> None:
    account = await _account(client)
    link = await client.v1.account_links.create_async(
        params={
            "account": account.id,
            "type": "account_onboarding",
            "return_url": "http://127.0.0.1:9/tutor/payouts/done",
            "refresh_url": "http://127.0.0.1:9/tutor/payouts/again",
        }
    )
    assert link.object == "account_link"
    assert link.url.startswith(f"{fake.base_url}/connect/onboarding/")
    assert link.expires_at > link.created
    async with aiohttp.ClientSession() as browser:
        async with browser.get(link.url) as page:
            assert page.status == 200
            assert "Set up payouts" in await page.text()
        async with browser.post(link.url, allow_redirects=False) as done:
            assert done.status == 303
            assert done.headers["Location"] == "http://127.0.0.1:9/tutor/payouts/done"
        async with browser.get(link.url, allow_redirects=False) as reused:
            assert reused.headers["Location"] == "http://127.0.0.1:9/tutor/payouts/again"
    onboarded = await client.v1.accounts.retrieve_async(account.id)
    assert (onboarded.payouts_enabled, onboarded.charges_enabled) == (True, True)
    [event] = fake.events_of_type("account.updated")
    assert event["data"]["previous_attributes"]["payouts_enabled"] is False
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.account_links.create_async(
            params={"account": account.id, "type": "account_onboarding", "return_url": "http://x"}
        )


async def test_transfers_need_payouts(fake: StripeFake, client: stripe.StripeClient) -> None:
    await _funded(fake, client)
    account = await _account(client)
    params = {"amount": 5000, "currency": "usd", "destination": account.id}
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await client.v1.transfers.create_async(params=params)
    assert refused.value.code == "insufficient_capabilities_for_transfer"
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        await client.v1.transfers.create_async(params={**params, "destination": "acct_nope"})
    assert unknown.value.param == "destination"

    updated = await fake.enable_payouts(account.id)
    assert updated["payouts_enabled"] is True
    transfer = await client.v1.transfers.create_async(
        params={**params, "transfer_group": "booking_42", "metadata": {"booking_id": "42"}}
    )
    assert transfer.id.startswith("tr_")
    assert (transfer.amount, transfer.destination, transfer.transfer_group) == (
        5000,
        account.id,
        "booking_42",
    )
    assert transfer.livemode is False
    assert fake.events_of_type("transfer.created")

    await fake.disable_payouts(account.id)
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.transfers.create_async(params={**params, "amount": 100})


async def test_transfers_are_limited_by_the_balance(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    intent_id = await _funded(fake, client)
    account = await _account(client)
    await fake.enable_payouts(account.id)
    assert fake.balance("usd") == 5750
    await client.v1.refunds.create_async(params={"payment_intent": intent_id, "amount": 750})
    assert fake.balance("usd") == 5000
    await client.v1.transfers.create_async(
        params={"amount": 4250, "currency": "usd", "destination": account.id}
    )
    with pytest.raises(stripe.InvalidRequestError) as short:
        await client.v1.transfers.create_async(
            params={"amount": 751, "currency": "usd", "destination": account.id}
        )
    assert short.value.code == "balance_insufficient"
    fake.add_balance(1000)
    await client.v1.transfers.create_async(
        params={"amount": 751, "currency": "usd", "destination": account.id}
    )
    balance = await client.v1.balance.retrieve_async()
    assert [(b.amount, b.currency) for b in balance.available] == [(999, "usd")]


async def test_transfers_by_group_and_source(fake: StripeFake, client: stripe.StripeClient) -> None:
    intent_id = await _funded(fake, client)
    charge_id = fake.get(intent_id)["latest_charge"]
    account = await _account(client)
    await fake.enable_payouts(account.id)
    base = {"currency": "usd", "destination": account.id, "source_transaction": charge_id}
    first = await client.v1.transfers.create_async(
        params={**base, "amount": 5000, "transfer_group": "booking_42"}
    )
    with pytest.raises(stripe.InvalidRequestError):  # only 750 of the charge is left
        await client.v1.transfers.create_async(params={**base, "amount": 751})
    listed = await client.v1.transfers.list_async(params={"transfer_group": "booking_42"})
    assert [t.id for t in listed.data] == [first.id]
    assert (await client.v1.transfers.retrieve_async(first.id)).source_transaction == charge_id
    empty = await client.v1.transfers.list_async(params={"transfer_group": "booking_43"})
    assert empty.data == []
