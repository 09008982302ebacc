"""The fake's card disputes through the real `stripe` library: the money withdrawn and
reinstated, the signed events, evidence saved and submitted, and what Stripe refuses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import stripe

from stripe_fake import StripeFake, StripeFakeError
from tests.stripe_contract.support import WebhookReceiver, new_session

AMOUNT = 5750
FEE = 1500  # Stripe's dispute fee in the US
DAY = 24 * 3600
SECRET = "whsec_dispute_contract_secret"
EVIDENCE_FIELDS = {
    "access_activity_log",
    "billing_address",
    "cancellation_policy",
    "cancellation_policy_disclosure",
    "cancellation_rebuttal",
    "customer_communication",
    "customer_email_address",
    "customer_name",
    "customer_purchase_ip",
    "customer_signature",
    "duplicate_charge_documentation",
    "duplicate_charge_explanation",
    "duplicate_charge_id",
    "product_description",
    "receipt",
    "refund_policy",
    "refund_policy_disclosure",
    "refund_refusal_explanation",
    "service_date",
    "service_documentation",
    "shipping_address",
    "shipping_carrier",
    "shipping_date",
    "shipping_documentation",
    "shipping_tracking_number",
    "uncategorized_file",
    "uncategorized_text",
}
LONG_TEXT = [  # "Has a maximum character count of 20,000" in Stripe's reference
    "access_activity_log",
    "cancellation_policy_disclosure",
    "cancellation_rebuttal",
    "duplicate_charge_explanation",
    "product_description",
    "refund_policy_disclosure",
    "refund_refusal_explanation",
    "uncategorized_text",
]


async def _paid(fake: StripeFake, client: stripe.StripeClient, **session: Any) -> str:
    """A captured payment (5750 USD unless told otherwise); its PaymentIntent id."""
    payment = await fake.pay((await new_session(client, capture_method="automatic", **session)).id)
    return str(payment.payment_intent["id"])


async def _disputed(
    fake: StripeFake, client: stripe.StripeClient, **how: Any
) -> tuple[str, stripe.Dispute]:
    """A captured payment its customer's bank disputes: (PaymentIntent id, Dispute)."""
    intent_id = await _paid(fake, client)
    opened = await fake.dispute(intent_id, **how)
    return intent_id, await client.v1.disputes.retrieve_async(opened["id"])


async def _available(client: stripe.StripeClient, currency: str = "usd") -> int:
    balance = await client.v1.balance.retrieve_async()
    [amount] = [b.amount for b in balance.available if b.currency == currency]
    return amount


def _types_since(fake: StripeFake, mark: int) -> list[str]:
    return [e["type"] for e in fake.events[mark:]]


def _verified(receiver: WebhookReceiver) -> list[stripe.Event]:
    """Every delivery, checked with the library's own signature verification."""
    return [stripe.Webhook.construct_event(r.body, r.signature, SECRET) for r in receiver.received]


async def _refused(call: Awaitable[Any]) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await call
    return refused.value


async def test_an_opened_dispute_has_stripes_shape(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    intent_id, dispute = await _disputed(fake, client, reason="product_not_received")
    charge_id = fake.get(intent_id)["latest_charge"]
    assert dispute.id.startswith("du_")
    assert dispute.object == "dispute"
    assert (dispute.amount, dispute.currency, dispute.reason) == (
        AMOUNT,
        "usd",
        "product_not_received",
    )
    assert (dispute.charge, dispute.payment_intent) == (charge_id, intent_id)
    assert dispute.status == "needs_response"
    assert dispute.livemode is False
    assert dispute.is_charge_refundable is False
    assert dispute.metadata.to_dict() == {}
    evidence = dispute.evidence.to_dict()
    assert set(evidence) == EVIDENCE_FIELDS  # every field of Stripe's evidence object …
    assert all(value is None for value in evidence.values())  # … and none filled in
    details = dispute.evidence_details
    assert details.due_by == dispute.created + 7 * DAY
    assert (details.has_evidence, details.past_due, details.submission_count) == (False, False, 0)

    [withdrawal] = dispute.balance_transactions
    assert withdrawal.object == "balance_transaction"
    assert withdrawal.id.startswith("txn_")
    assert (withdrawal.amount, withdrawal.fee, withdrawal.net) == (-AMOUNT, FEE, -AMOUNT - FEE)
    assert (withdrawal.currency, withdrawal.type) == ("usd", "adjustment")
    assert withdrawal.reporting_category == "dispute"
    assert withdrawal.created == dispute.created
    assert withdrawal.description
    assert [(f.amount, f.currency, f.type, f.description) for f in withdrawal.fee_details] == [
        (FEE, "usd", "stripe_fee", "Dispute fee")
    ]
    assert (await client.v1.charges.retrieve_async(charge_id)).disputed is True


async def test_opening_sends_created_then_funds_withdrawn_signed(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    intent_id = await _paid(fake, client)
    fake.add_webhook_endpoint(receiver.url, SECRET)
    opened = await fake.dispute(intent_id)  # the harness waits for the deliveries
    created, withdrawn = _verified(receiver)
    assert (created.type, withdrawn.type) == (
        "charge.dispute.created",
        "charge.dispute.funds_withdrawn",
    )
    for event in (created, withdrawn):
        assert event.data.object["id"] == opened["id"]
        assert event.data.object["object"] == "dispute"
        assert event.data.object["status"] == "needs_response"
    [move] = withdrawn.data.object["balance_transactions"]
    assert (move["amount"], move["fee"]) == (-AMOUNT, FEE)


async def test_a_partial_dispute_withdraws_its_amount_and_the_fee(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    _, dispute = await _disputed(fake, client, amount=2000, due_in_days=3)
    assert dispute.amount == 2000
    assert dispute.evidence_details.due_by == dispute.created + 3 * DAY
    [withdrawal] = dispute.balance_transactions
    assert (withdrawal.amount, withdrawal.fee, withdrawal.net) == (-2000, FEE, -2000 - FEE)
    assert await _available(client) == AMOUNT - 2000 - FEE
    assert fake.balance("usd") == AMOUNT - 2000 - FEE


async def test_the_fee_is_in_the_disputes_currency(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    price = {"currency": "jpy", "unit_amount": 6000, "product_data": {"name": "Tutoring"}}
    intent_id = await _paid(fake, client, line_items=[{"price_data": price, "quantity": 1}])
    opened = await fake.dispute(intent_id)
    dispute = await client.v1.disputes.retrieve_async(opened["id"])
    assert (dispute.amount, dispute.currency) == (6000, "jpy")
    [withdrawal] = dispute.balance_transactions
    assert (withdrawal.currency, withdrawal.amount, withdrawal.fee) == ("jpy", -6000, 1500)
    assert withdrawal.fee_details[0].currency == "jpy"
    assert await _available(client, "jpy") == -1500
    assert await _available(client, "usd") == 0  # other currencies are not touched


async def test_a_won_dispute_reinstates_the_amount_but_not_the_fee(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    intent_id = await _paid(fake, client)
    assert await _available(client) == AMOUNT
    opened = await fake.dispute(intent_id)
    assert await _available(client) == -FEE  # the balance may go below zero

    fake.add_webhook_endpoint(receiver.url, SECRET)
    mark = len(fake.events)
    await fake.close_dispute(opened["id"], "won")
    assert _types_since(fake, mark) == ["charge.dispute.funds_reinstated", "charge.dispute.closed"]
    reinstated, closed = _verified(receiver)
    assert (reinstated.type, closed.type) == (
        "charge.dispute.funds_reinstated",
        "charge.dispute.closed",
    )
    assert closed.data.object["status"] == "won"
    assert closed.data.previous_attributes.to_dict() == {"status": "needs_response"}
    assert len(reinstated.data.object["balance_transactions"]) == 2

    dispute = await client.v1.disputes.retrieve_async(opened["id"])
    assert dispute.status == "won"
    withdrawal, reinstatement = dispute.balance_transactions
    assert (withdrawal.amount, withdrawal.net) == (-AMOUNT, -AMOUNT - FEE)
    assert (reinstatement.amount, reinstatement.fee, reinstatement.net) == (AMOUNT, 0, AMOUNT)
    assert reinstatement.fee_details == []
    assert (reinstatement.type, reinstatement.reporting_category) == (
        "adjustment",
        "dispute_reversal",
    )
    assert reinstatement.id != withdrawal.id
    assert await _available(client) == AMOUNT - FEE


async def test_a_won_charge_can_be_refunded(fake: StripeFake, client: stripe.StripeClient) -> None:
    intent_id, dispute = await _disputed(fake, client)
    await fake.close_dispute(dispute.id, "won")
    refund = await client.v1.refunds.create_async(
        params={"payment_intent": intent_id, "amount": 1000}
    )
    assert refund.status == "succeeded"
    assert await _available(client) == AMOUNT - FEE - 1000


async def test_a_lost_dispute_keeps_the_money_and_the_refund_refused(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    intent_id, dispute = await _disputed(fake, client)
    open_refund = await _refused(
        client.v1.refunds.create_async(params={"payment_intent": intent_id, "amount": 100})
    )
    assert open_refund.code == "charge_disputed"

    fake.add_webhook_endpoint(receiver.url, SECRET)
    await fake.close_dispute(dispute.id, "lost")
    [closed] = _verified(receiver)
    assert closed.type == "charge.dispute.closed"
    assert closed.data.object["status"] == "lost"
    lost = await client.v1.disputes.retrieve_async(dispute.id)
    assert lost.status == "lost"
    assert len(lost.balance_transactions) == 1  # nothing reinstated
    assert await _available(client) == -FEE
    charge_id = fake.get(intent_id)["latest_charge"]
    lost_refund = await _refused(client.v1.refunds.create_async(params={"charge": charge_id}))
    assert lost_refund.code == "charge_disputed"
    assert await _available(client) == -FEE


async def test_the_bank_decides_once(fake: StripeFake, client: stripe.StripeClient) -> None:
    intent_id, dispute = await _disputed(fake, client)
    with pytest.raises(StripeFakeError):
        await fake.dispute(intent_id)  # a charge is disputed once
    await fake.close_dispute(dispute.id, "lost")
    with pytest.raises(StripeFakeError):
        await fake.close_dispute(dispute.id, "won")
    with pytest.raises(StripeFakeError):
        await fake.close_dispute(dispute.id, "maybe")
    assert (await client.v1.disputes.retrieve_async(dispute.id)).status == "lost"


async def test_evidence_staged_then_submitted(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    _, dispute = await _disputed(fake, client)
    fake.add_webhook_endpoint(receiver.url, SECRET)
    staged = await client.v1.disputes.update_async(
        dispute.id,
        params={
            "evidence": {
                "product_description": "Calculus tutoring, 60 min, held on Discord",
                "service_date": "2026-05-01",
            },
            "submit": False,
        },
    )
    assert staged.status == "needs_response"
    assert staged.evidence.product_description == "Calculus tutoring, 60 min, held on Discord"
    assert staged.evidence.service_date == "2026-05-01"
    assert staged.evidence.receipt is None
    details = staged.evidence_details
    assert (details.has_evidence, details.submission_count, details.past_due) == (True, 0, False)
    await fake.settle()
    [updated] = _verified(receiver)
    assert updated.type == "charge.dispute.updated"
    assert updated.data.object["evidence"]["service_date"] == "2026-05-01"
    previous = updated.data.previous_attributes.to_dict()
    assert previous["evidence"] == {"product_description": None, "service_date": None}
    assert previous["evidence_details"] == {"has_evidence": False}
    assert "status" not in previous

    submitted = await client.v1.disputes.update_async(dispute.id, params={"submit": True})
    assert submitted.status == "under_review"
    assert submitted.evidence_details.submission_count == 1
    assert submitted.evidence_details.past_due is False
    assert submitted.evidence.service_date == "2026-05-01"  # the staged evidence went
    await fake.settle()
    assert [e.type for e in _verified(receiver)] == ["charge.dispute.updated"] * 2
    previous = _verified(receiver)[-1].data.previous_attributes.to_dict()
    assert previous == {
        "status": "needs_response",
        "evidence_details": {"submission_count": 0},
    }
    assert (await client.v1.disputes.retrieve_async(dispute.id)).status == "under_review"


async def test_evidence_without_submit_is_submitted(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    """Stripe's `submit` defaults to true: evidence sent without it goes to the bank."""
    _, dispute = await _disputed(fake, client)
    sent = await client.v1.disputes.update_async(
        dispute.id, params={"evidence": {"uncategorized_text": "The lesson took place."}}
    )
    assert sent.status == "under_review"
    assert sent.evidence_details.submission_count == 1
    assert fake.violations == []


async def test_metadata_alone_submits_nothing(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    _, dispute = await _disputed(fake, client)
    tagged = await client.v1.disputes.update_async(
        dispute.id, params={"metadata": {"booking_id": "42", "note": "x"}}
    )
    assert tagged.metadata.to_dict() == {"booking_id": "42", "note": "x"}
    assert (tagged.status, tagged.evidence_details.submission_count) == ("needs_response", 0)
    assert fake.events[-1]["type"] == "charge.dispute.updated"
    previous = fake.events[-1]["data"]["previous_attributes"]
    assert previous == {"metadata": {"booking_id": None, "note": None}}  # keys that were unset
    await fake.close_dispute(dispute.id, "lost")
    untagged = await client.v1.disputes.update_async(dispute.id, params={"metadata": {"note": ""}})
    assert untagged.metadata.to_dict() == {"booking_id": "42"}  # an empty value unsets a key
    assert untagged.status == "lost"


async def test_evidence_stripe_refuses(fake: StripeFake, client: stripe.StripeClient) -> None:
    _, dispute = await _disputed(fake, client)
    mark = len(fake.events)

    async def refused(evidence: dict[str, Any]) -> stripe.InvalidRequestError:
        return await _refused(
            client.v1.disputes.update_async(
                dispute.id, params={"evidence": evidence, "submit": False}
            )
        )

    unknown = await refused({"tutor_notes": "x"})
    assert (unknown.http_status, unknown.code, unknown.param) == (
        400,
        "parameter_unknown",
        "evidence[tutor_notes]",
    )
    for file_field in ("receipt", "service_documentation", "uncategorized_file"):
        no_file = await refused({file_field: "file_nope"})
        assert (no_file.http_status, no_file.code, no_file.param) == (
            404,
            "resource_missing",
            f"evidence[{file_field}]",
        )
    one_too_long = await refused({"uncategorized_text": "x" * 20_001})
    assert (one_too_long.http_status, one_too_long.param) == (400, "evidence[uncategorized_text]")
    assert "20000" in str(one_too_long.user_message)
    short_too_long = await refused({"customer_name": "x" * 5_001})
    assert short_too_long.param == "evidence[customer_name]"

    over = await refused(dict.fromkeys(LONG_TEXT, "x" * 20_000))  # 160,000 in all
    assert over.param == "evidence"
    assert "150000" in str(over.user_message).replace(",", "")
    # The limit is on all the evidence together, what was staged before included.
    await client.v1.disputes.update_async(
        dispute.id,
        params={"evidence": dict.fromkeys(LONG_TEXT[:4], "x" * 20_000), "submit": False},
    )
    too_much_in_all = await refused(dict.fromkeys(LONG_TEXT[4:], "x" * 20_000))
    assert too_much_in_all.param == "evidence"

    after = await client.v1.disputes.retrieve_async(dispute.id)
    assert after.status == "needs_response"
    assert after.evidence.receipt is None
    assert after.evidence.product_description is None  # the refused requests changed nothing
    assert after.evidence.access_activity_log == "x" * 20_000
    assert _types_since(fake, mark) == ["charge.dispute.updated"]  # the one accepted update


async def test_no_update_after_submission(fake: StripeFake, client: stripe.StripeClient) -> None:
    _, dispute = await _disputed(fake, client)
    await client.v1.disputes.update_async(
        dispute.id, params={"evidence": {"service_date": "2026-05-01"}, "submit": True}
    )
    mark = len(fake.events)
    for params in (
        {"evidence": {"uncategorized_text": "one more thing"}},
        {"evidence": {"uncategorized_text": "one more thing"}, "submit": False},
        {"submit": True},
    ):
        again = await _refused(client.v1.disputes.update_async(dispute.id, params=params))
        assert again.http_status == 400
        assert again.param == "evidence"
    after = await client.v1.disputes.retrieve_async(dispute.id)
    assert after.evidence.uncategorized_text is None
    assert after.evidence_details.submission_count == 1
    assert _types_since(fake, mark) == []


async def test_no_evidence_once_closed(fake: StripeFake, client: stripe.StripeClient) -> None:
    _, dispute = await _disputed(fake, client)
    await fake.close_dispute(dispute.id, "won")
    late = await _refused(
        client.v1.disputes.update_async(
            dispute.id, params={"evidence": {"service_date": "2026-05-01"}}
        )
    )
    assert (late.http_status, late.param) == (400, "evidence")
    assert (await client.v1.disputes.retrieve_async(dispute.id)).evidence.service_date is None


async def test_no_update_after_the_due_date(fake: StripeFake, client: stripe.StripeClient) -> None:
    _, dispute = await _disputed(fake, client, due_in_days=2)
    await fake.advance_clock(2 * DAY - 60)
    await client.v1.disputes.update_async(
        dispute.id, params={"evidence": {"service_date": "2026-05-01"}, "submit": False}
    )
    await fake.advance_clock(60)
    mark = len(fake.events)
    for params in (
        {"submit": True},
        {"evidence": {"uncategorized_text": "late"}, "submit": False},
    ):
        late = await _refused(client.v1.disputes.update_async(dispute.id, params=params))
        assert (late.http_status, late.param) == (400, "evidence")
    after = await client.v1.disputes.retrieve_async(dispute.id)
    assert after.status == "needs_response"
    assert after.evidence.uncategorized_text is None
    # past_due tells whether the last submission came late; nothing was submitted.
    assert (after.evidence_details.submission_count, after.evidence_details.past_due) == (0, False)
    assert _types_since(fake, mark) == []
    await fake.close_dispute(dispute.id, "lost")  # the bank decides without it
    assert (await client.v1.disputes.retrieve_async(dispute.id)).status == "lost"


async def test_a_repeated_submission_key_submits_once(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    _, dispute = await _disputed(fake, client)
    params: stripe.params.DisputeUpdateParams = {
        "evidence": {"service_date": "2026-05-01"},
        "submit": True,
    }
    options: stripe.RequestOptions = {"idempotency_key": "dispute-evidence-1"}
    mark = len(fake.events)
    first = await client.v1.disputes.update_async(dispute.id, params=params, options=options)
    again = await client.v1.disputes.update_async(dispute.id, params=params, options=options)
    assert (first.id, again.id) == (dispute.id, dispute.id)
    assert again.evidence_details.submission_count == 1  # the first answer, replayed
    assert _types_since(fake, mark) == ["charge.dispute.updated"]
    path = f"/v1/disputes/{dispute.id}"
    updates = [r for r in fake.requests if (r.method, r.path) == ("POST", path)]
    assert [(r.idempotency_key, r.replayed) for r in updates] == [
        ("dispute-evidence-1", False),
        ("dispute-evidence-1", True),
    ]
    with pytest.raises(stripe.IdempotencyError):
        await client.v1.disputes.update_async(dispute.id, params={"submit": False}, options=options)


async def test_accepting_a_dispute(
    fake: StripeFake, client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    _, dispute = await _disputed(fake, client)
    fake.add_webhook_endpoint(receiver.url, SECRET)
    accepted = await client.v1.disputes.close_async(dispute.id)
    assert accepted.status == "lost"
    await fake.settle()
    [closed] = _verified(receiver)
    assert closed.type == "charge.dispute.closed"
    assert closed.data.object["status"] == "lost"
    assert closed.data.previous_attributes.to_dict() == {"status": "needs_response"}
    assert await _available(client) == -FEE
    assert len(accepted.balance_transactions) == 1
    again = await _refused(client.v1.disputes.close_async(dispute.id))
    assert again.http_status == 400
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.disputes.update_async(
            dispute.id, params={"evidence": {"service_date": "2026-05-01"}}
        )


async def test_a_dispute_under_review_cannot_be_accepted(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    _, dispute = await _disputed(fake, client)
    await client.v1.disputes.update_async(
        dispute.id, params={"evidence": {"service_date": "2026-05-01"}, "submit": True}
    )
    mark = len(fake.events)
    refused = await _refused(client.v1.disputes.close_async(dispute.id))
    assert refused.http_status == 400
    assert (await client.v1.disputes.retrieve_async(dispute.id)).status == "under_review"
    assert _types_since(fake, mark) == []
    await fake.close_dispute(dispute.id, "won")  # the bank still decides it
    assert (await client.v1.disputes.retrieve_async(dispute.id)).status == "won"


async def test_unknown_disputes_are_404(client: stripe.StripeClient) -> None:
    calls: list[Callable[[], Awaitable[stripe.Dispute]]] = [
        lambda: client.v1.disputes.retrieve_async("du_nope"),
        lambda: client.v1.disputes.update_async("du_nope", params={"submit": False}),
        lambda: client.v1.disputes.close_async("du_nope"),
    ]
    for call in calls:
        missing = await _refused(call())
        assert (missing.http_status, missing.code) == (404, "resource_missing")


async def test_disputes_listed_by_payment_intent_and_charge(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    first_intent, first = await _disputed(fake, client)
    second_intent, second = await _disputed(fake, client, reason="duplicate")
    undisputed = await _paid(fake, client)

    mine = await client.v1.disputes.list_async(params={"payment_intent": first_intent})
    assert [d.id for d in mine.data] == [first.id]
    assert mine.data[0].payment_intent == first_intent
    assert mine.data[0].evidence.to_dict() == first.evidence.to_dict()  # the full object
    assert mine.data[0].balance_transactions[0].fee == FEE
    theirs = await client.v1.disputes.list_async(params={"payment_intent": second_intent})
    assert [(d.id, d.reason) for d in theirs.data] == [(second.id, "duplicate")]
    none = await client.v1.disputes.list_async(params={"payment_intent": undisputed})
    assert (none.data, none.has_more) == ([], False)
    every = await client.v1.disputes.list_async()
    assert [d.id for d in every.data] == [second.id, first.id]  # newest first
    charge_id = fake.get(first_intent)["latest_charge"]
    by_charge = await client.v1.disputes.list_async(params={"charge": charge_id})
    assert [d.id for d in by_charge.data] == [first.id]

    one = await client.v1.disputes.list_async(params={"limit": 1})
    assert ([d.id for d in one.data], one.has_more) == ([second.id], True)
    paged = [d.id async for d in one.auto_paging_iter()]  # starting_after, page by page
    assert paged == [second.id, first.id]
    assert fake.violations == []
