"""The fake's transfer reversals through the real `stripe` library: partial and full,
what is refused, idempotency, the event, the list and retrieve routes, the balance."""

from __future__ import annotations

import pytest
import stripe

from stripe_fake import StripeFake
from tests.stripe_contract.support import WebhookReceiver, new_session

PAID = 5750
SENT = 5000
WEBHOOK_SECRET = "whsec_reversal_contract_secret"


async def _transfer(fake: StripeFake, client: stripe.StripeClient) -> stripe.Transfer:
    """A 5000 USD transfer to an onboarded tutor, funded by a captured 5750 payment."""
    await fake.pay((await new_session(client, capture_method="automatic")).id)
    account = await client.v1.accounts.create_async(
        params={
            "type": "express",
            "country": "US",
            "capabilities": {"transfers": {"requested": True}},
        }
    )
    await fake.enable_payouts(account.id)
    return await client.v1.transfers.create_async(
        params={
            "amount": SENT,
            "currency": "usd",
            "destination": account.id,
            "transfer_group": "booking_42",
        }
    )


async def _available(client: stripe.StripeClient) -> int:
    balance = await client.v1.balance.retrieve_async()
    [usd] = [b.amount for b in balance.available if b.currency == "usd"]
    return usd


async def test_partial_then_full_reversal(fake: StripeFake, client: stripe.StripeClient) -> None:
    transfer = await _transfer(fake, client)
    assert (transfer.amount_reversed, transfer.reversed) == (0, False)
    assert await _available(client) == PAID - SENT

    part = await client.v1.transfers.reversals.create_async(
        transfer.id, params={"amount": 1200, "metadata": {"booking_id": "42"}}
    )
    assert part.id.startswith("trr_")
    assert part.object == "transfer_reversal"
    assert (part.amount, part.currency, part.transfer) == (1200, "usd", transfer.id)
    assert part.metadata.to_dict() == {"booking_id": "42"}
    assert isinstance(part.balance_transaction, str)
    expanded = await client.v1.transfers.reversals.retrieve_async(
        transfer.id, part.id, params={"expand": ["balance_transaction"]}
    )
    assert isinstance(expanded.balance_transaction, stripe.BalanceTransaction)
    movement = expanded.balance_transaction
    assert (movement.amount, movement.net, movement.type) == (1200, 1200, "transfer_refund")
    after_part = await client.v1.transfers.retrieve_async(transfer.id)
    assert (after_part.amount_reversed, after_part.reversed) == (1200, False)
    assert await _available(client) == PAID - SENT + 1200

    rest = await client.v1.transfers.reversals.create_async(transfer.id)  # what is left
    assert rest.amount == SENT - 1200
    after_all = await client.v1.transfers.retrieve_async(transfer.id)
    assert (after_all.amount_reversed, after_all.reversed) == (SENT, True)
    assert after_all.amount == SENT  # the transfer keeps its amount
    assert await _available(client) == PAID


async def test_more_than_is_left_is_refused(fake: StripeFake, client: stripe.StripeClient) -> None:
    transfer = await _transfer(fake, client)
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        await client.v1.transfers.reversals.create_async(transfer.id, params={"amount": SENT + 1})
    assert (too_much.value.http_status, too_much.value.param) == (400, "amount")
    await client.v1.transfers.reversals.create_async(transfer.id, params={"amount": 4000})
    with pytest.raises(stripe.InvalidRequestError) as over_the_rest:
        await client.v1.transfers.reversals.create_async(transfer.id, params={"amount": 1001})
    assert over_the_rest.value.param == "amount"
    await client.v1.transfers.reversals.create_async(transfer.id, params={"amount": 1000})
    with pytest.raises(stripe.InvalidRequestError) as nothing_left:
        await client.v1.transfers.reversals.create_async(transfer.id)
    assert nothing_left.value.http_status == 400
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.transfers.reversals.create_async(transfer.id, params={"amount": 1})
    reversed_transfer = await client.v1.transfers.retrieve_async(transfer.id)
    assert (reversed_transfer.amount_reversed, reversed_transfer.reversed) == (SENT, True)
    assert len(fake.events_of_type("transfer.reversed")) == 2
    assert await _available(client) == PAID


async def test_an_unknown_transfer_is_404(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as create:
        await client.v1.transfers.reversals.create_async("tr_nope", params={"amount": 100})
    assert (create.value.http_status, create.value.code) == (404, "resource_missing")
    with pytest.raises(stripe.InvalidRequestError) as listing:
        await client.v1.transfers.reversals.list_async("tr_nope")
    assert listing.value.http_status == 404


async def test_the_same_idempotency_key_reverses_once(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    transfer = await _transfer(fake, client)
    options: stripe.RequestOptions = {"idempotency_key": "booking-42-reverse"}
    first = await client.v1.transfers.reversals.create_async(
        transfer.id, params={"amount": 2000}, options=options
    )
    again = await client.v1.transfers.reversals.create_async(
        transfer.id, params={"amount": 2000}, options=options
    )
    assert again.id == first.id
    assert [r.replayed for r in fake.requests if r.path.endswith("/reversals")] == [False, True]
    listed = await client.v1.transfers.reversals.list_async(transfer.id)
    assert [r.id for r in listed.data] == [first.id]
    assert (await client.v1.transfers.retrieve_async(transfer.id)).amount_reversed == 2000
    assert len(fake.events_of_type("transfer.reversed")) == 1
    with pytest.raises(stripe.IdempotencyError):
        await client.v1.transfers.reversals.create_async(
            transfer.id, params={"amount": 2500}, options=options
        )
    assert await _available(client) == PAID - SENT + 2000


async def test_the_transfer_reversed_event(fake: StripeFake, client: stripe.StripeClient) -> None:
    transfer = await _transfer(fake, client)
    await client.v1.transfers.reversals.create_async(
        transfer.id, params={"amount": 1500}, options={"idempotency_key": "rev-1"}
    )
    await fake.settle()
    [event] = fake.events_of_type("transfer.reversed")
    assert fake.events[-1]["id"] == event["id"]  # one event for one reversal
    moved = event["data"]["object"]
    assert (moved["id"], moved["object"]) == (transfer.id, "transfer")
    assert (moved["amount_reversed"], moved["reversed"]) == (1500, False)
    previous = event["data"]["previous_attributes"]
    assert previous["amount_reversed"] == 0
    assert "reversed" not in previous  # only what changed: still not fully reversed
    assert previous["reversals"]["total_count"] == 0
    assert event["request"]["idempotency_key"] == "rev-1"

    await client.v1.transfers.reversals.create_async(transfer.id)
    await fake.settle()
    _, last = fake.events_of_type("transfer.reversed")
    assert (last["data"]["object"]["amount_reversed"], last["data"]["object"]["reversed"]) == (
        SENT,
        True,
    )
    assert last["data"]["previous_attributes"]["amount_reversed"] == 1500
    assert last["data"]["previous_attributes"]["reversed"] is False


async def test_list_and_retrieve_reversals(fake: StripeFake, client: stripe.StripeClient) -> None:
    transfer = await _transfer(fake, client)
    first = await client.v1.transfers.reversals.create_async(transfer.id, params={"amount": 1000})
    second = await client.v1.transfers.reversals.create_async(transfer.id, params={"amount": 500})

    listed = await client.v1.transfers.reversals.list_async(transfer.id)
    assert [r.id for r in listed.data] == [second.id, first.id]  # newest first
    assert listed.has_more is False
    one = await client.v1.transfers.reversals.list_async(transfer.id, params={"limit": 1})
    assert ([r.id for r in one.data], one.has_more) == ([second.id], True)

    got = await client.v1.transfers.reversals.retrieve_async(transfer.id, first.id)
    assert (got.id, got.amount, got.transfer) == (first.id, 1000, transfer.id)
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await client.v1.transfers.reversals.retrieve_async(transfer.id, "trr_nope")
    assert missing.value.http_status == 404

    other = await _transfer(fake, client)
    with pytest.raises(stripe.InvalidRequestError) as elsewhere:
        await client.v1.transfers.reversals.retrieve_async(other.id, first.id)
    assert elsewhere.value.http_status == 404  # a reversal is found under its own transfer
    assert (await client.v1.transfers.reversals.list_async(other.id)).data == []

    embedded = await client.v1.transfers.retrieve_async(transfer.id)
    assert {r.id for r in embedded.reversals.data} == {first.id, second.id}
    assert fake.violations == []


async def _sent(fake: StripeFake, client: stripe.StripeClient, amount: int) -> str:
    await fake.pay((await new_session(client, capture_method="automatic")).id)
    account = await client.v1.accounts.create_async(
        params={"type": "express", "capabilities": {"transfers": {"requested": True}}}
    )
    await fake.enable_payouts(account.id)
    transfer = await client.v1.transfers.create_async(
        params={"amount": amount, "currency": "usd", "destination": account.id}
    )
    return transfer.id


async def test_transfer_reversed_is_delivered_signed(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    transfer_id = await _sent(fake, client, 5000)
    fake.add_webhook_endpoint(receiver.url, WEBHOOK_SECRET)
    part = await client.v1.transfers.reversals.create_async(transfer_id, params={"amount": 2000})
    rest = await client.v1.transfers.reversals.create_async(transfer_id)
    await fake.settle()
    events = [
        stripe.Webhook.construct_event(r.body, r.signature, WEBHOOK_SECRET)
        for r in receiver.received
    ]
    assert [e.type for e in events] == ["transfer.reversed", "transfer.reversed"]
    first, second = (e.data.object for e in events)
    assert (first["amount_reversed"], first["reversed"]) == (2000, False)
    assert [r["id"] for r in first["reversals"]["data"]] == [part.id]
    assert (second["amount_reversed"], second["reversed"]) == (5000, True)
    assert [r["id"] for r in second["reversals"]["data"]] == [rest.id, part.id]
    assert events[1].data.previous_attributes["reversed"] is False


async def test_a_transfer_shows_its_ten_latest_reversals(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    transfer_id = await _sent(fake, client, 5000)
    made = [
        await client.v1.transfers.reversals.create_async(transfer_id, params={"amount": 100})
        for _ in range(11)
    ]
    newest_first = [r.id for r in reversed(made)]
    transfer = await client.v1.transfers.retrieve_async(transfer_id)
    shown = transfer.reversals
    assert [r.id for r in shown.data] == newest_first[:10]
    assert shown.has_more is True
    assert shown.to_dict()["total_count"] == 11
    assert transfer.amount_reversed == 1100
    [listed] = (
        await client.v1.transfers.list_async(params={"destination": transfer.destination})
    ).data
    assert listed.to_dict() == transfer.to_dict()  # the same object wherever it is shown
    page = await client.v1.transfers.reversals.list_async(transfer_id, params={"limit": 4})
    assert [r.id async for r in page.auto_paging_iter()] == newest_first
    move = (
        await client.v1.transfers.reversals.retrieve_async(
            transfer_id, made[0].id, params={"expand": ["balance_transaction"]}
        )
    ).balance_transaction
    assert isinstance(move, stripe.BalanceTransaction)
    assert (move.reporting_category, move.source) == ("transfer_reversal", made[0].id)
    assert fake.violations == []
