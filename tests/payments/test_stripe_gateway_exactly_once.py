"""Money moves once however late a retry comes, and deployments sharing a Stripe account
never share an idempotency key (issue 11, item 4)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from marketplace.domain.money import Money
from marketplace.payments import StripeGateway
from marketplace.ports.payments import PaymentGatewayError, PayoutTransfer
from stripe_fake import TEST_API_KEY, StripeFake
from tests.payments.conftest import INSTALLATION, checkout_request

DAY_AND_A_BIT = 25 * 3600  # past the 24 hours Stripe keeps an idempotency key
SHARE = Money(2000, "USD")


@pytest.fixture
async def other_gateway(fake: StripeFake) -> AsyncIterator[StripeGateway]:
    """A second deployment (its own database, so its own prefix) on the same account."""
    adapter = StripeGateway(
        TEST_API_KEY, fake.base_url, max_network_retries=0, installation="0f1e2d3c4b5a6978"
    )
    try:
        yield adapter
    finally:
        await adapter.close()


async def _paid_charge(fake: StripeFake, gateway: StripeGateway, booking_id: int = 42) -> str:
    ref = await gateway.create_checkout(
        checkout_request(booking_id, capture="automatic"), f"booking-{booking_id}-checkout"
    )
    payment = await fake.pay(ref.session_id)
    return str(payment.charge["id"])


async def _ready_account(fake: StripeFake, gateway: StripeGateway, who: str) -> str:
    account_id = await gateway.create_payout_account(who, f"account-{who}")
    await fake.enable_payouts(account_id)
    return account_id


def _transfers(fake: StripeFake, group: str) -> list[dict[str, object]]:
    return [
        o
        for o in fake.store.objects.values()
        if o.get("object") == "transfer" and o["transfer_group"] == group
    ]


async def test_a_transfer_retried_after_its_key_expired_is_found_not_sent_twice(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    charge = await _paid_charge(fake, gateway)
    account_id = await _ready_account(fake, gateway, "tutor-9")
    first = await gateway.transfer(
        PayoutTransfer(SHARE, account_id, "booking_42", source_charge_id=charge),
        "booking-42-payout",
    )
    made = fake.get(first)
    assert made["metadata"] == {"installation": INSTALLATION, "payout_key": "booking-42-payout"}

    await fake.advance_clock(DAY_AND_A_BIT)  # the database write was lost; a day goes by
    again = await gateway.transfer(
        PayoutTransfer(SHARE, account_id, "booking_42", source_charge_id=charge),
        "booking-42-payout",
    )

    assert again == first
    assert [t["id"] for t in _transfers(fake, "booking_42")] == [first]
    lookups = [r for r in fake.requests if r.path == "/v1/transfers" and r.method == "GET"]
    assert [r.params["transfer_group"] for r in lookups] == ["booking_42", "booking_42"]
    assert fake.violations == []


async def test_the_fake_forgets_a_key_after_a_day_as_stripe_does(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    """Why the lookup is needed: a day later the same key makes a new object."""
    first = await gateway.create_payout_account("tutor-9", "account-tutor-9")
    assert await gateway.create_payout_account("tutor-9", "account-tutor-9") == first
    await fake.advance_clock(DAY_AND_A_BIT)
    assert await gateway.create_payout_account("tutor-9", "account-tutor-9") != first


async def test_a_transfer_found_with_other_arguments_is_an_idempotency_error(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    charge = await _paid_charge(fake, gateway)
    account_id = await _ready_account(fake, gateway, "tutor-9")
    await gateway.transfer(PayoutTransfer(SHARE, account_id, "booking_42"), "booking-42-payout")
    await fake.advance_clock(DAY_AND_A_BIT)

    with pytest.raises(PaymentGatewayError) as refused:
        await gateway.transfer(
            PayoutTransfer(Money(1500, "USD"), account_id, "booking_42", source_charge_id=charge),
            "booking-42-payout",
        )
    assert (refused.value.code, refused.value.retryable) == ("idempotency_error", False)
    assert len(_transfers(fake, "booking_42")) == 1


async def test_two_installations_on_one_account_never_share_a_key(
    fake: StripeFake, gateway: StripeGateway, other_gateway: StripeGateway
) -> None:
    # Both databases have a booking 42, priced differently, with the same keys.
    ours = await gateway.create_checkout(checkout_request(42, amount=5750), "booking-42-checkout")
    theirs = await other_gateway.create_checkout(
        checkout_request(42, amount=9200), "booking-42-checkout"
    )
    assert ours.session_id != theirs.session_id
    assert (
        fake.get(ours.session_id)["amount_total"],
        fake.get(theirs.session_id)["amount_total"],
    ) == (
        5750,
        9200,
    )
    keys = [r.idempotency_key for r in fake.requests if r.path == "/v1/checkout/sessions"]
    assert keys == [
        f"{INSTALLATION}-booking-42-checkout",
        "0f1e2d3c4b5a6978-booking-42-checkout",
    ]
    assert not any(r.replayed for r in fake.requests)


async def test_two_installations_each_pay_their_own_booking_once(
    fake: StripeFake, gateway: StripeGateway, other_gateway: StripeGateway
) -> None:
    our_charge = await _paid_charge(fake, gateway)
    their_charge = await _paid_charge(fake, other_gateway)
    our_tutor = await _ready_account(fake, gateway, "ours")
    their_tutor = await _ready_account(fake, other_gateway, "theirs")

    ours = await gateway.transfer(
        PayoutTransfer(SHARE, our_tutor, "booking_42", source_charge_id=our_charge),
        "booking-42-payout",
    )
    theirs = await other_gateway.transfer(
        PayoutTransfer(SHARE, their_tutor, "booking_42", source_charge_id=their_charge),
        "booking-42-payout",
    )
    await fake.advance_clock(DAY_AND_A_BIT)
    ours_again = await gateway.transfer(
        PayoutTransfer(SHARE, our_tutor, "booking_42", source_charge_id=our_charge),
        "booking-42-payout",
    )
    theirs_again = await other_gateway.transfer(
        PayoutTransfer(SHARE, their_tutor, "booking_42", source_charge_id=their_charge),
        "booking-42-payout",
    )

    assert ours != theirs
    assert (ours_again, theirs_again) == (ours, theirs)
    assert sorted(t["destination"] for t in _transfers(fake, "booking_42")) == sorted(
        [our_tutor, their_tutor]
    )


async def test_captures_and_refunds_carry_the_installation_prefix(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    ref = await gateway.create_checkout(checkout_request(capture="manual"), "booking-42-checkout")
    payment = await fake.pay(ref.session_id)
    intent_id = str(payment.payment_intent["id"])
    await gateway.capture(intent_id, 5750, "booking-42-capture-5750-done")
    await gateway.refund(intent_id, 1000, "booking-42-refund-1000-late")
    keys = {r.path: r.idempotency_key for r in fake.requests if r.method == "POST"}
    assert keys[f"/v1/payment_intents/{intent_id}/capture"] == (
        f"{INSTALLATION}-booking-42-capture-5750-done"
    )
    assert keys["/v1/refunds"] == f"{INSTALLATION}-booking-42-refund-1000-late"


def test_a_gateway_without_an_installation_prefix_is_refused() -> None:
    with pytest.raises(ValueError, match="installation"):
        StripeGateway(TEST_API_KEY, "http://127.0.0.1:9", installation=" ")


async def test_transfers_wait_for_the_transfers_capability_not_only_payouts(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    charge = await _paid_charge(fake, gateway)
    account_id = await _ready_account(fake, gateway, "tutor-9")
    ready = await gateway.payout_account(account_id)
    assert (ready.transfers_active, ready.can_receive_transfers) == (True, True)

    await fake.set_capability(account_id, "transfers", "inactive")  # payouts stay enabled

    paused = await gateway.payout_account(account_id)
    assert (paused.payouts_enabled, paused.transfers_active) == (True, False)
    assert not paused.can_receive_transfers
    with pytest.raises(PaymentGatewayError) as refused:
        await gateway.transfer(
            PayoutTransfer(SHARE, account_id, "booking_42", source_charge_id=charge),
            "booking-42-payout",
        )
    assert refused.value.code == "insufficient_capabilities_for_transfer"


async def test_checkout_turns_adaptive_pricing_off(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    ref = await gateway.create_checkout(checkout_request(), "booking-42-checkout")
    sent = next(r for r in fake.requests if r.path == "/v1/checkout/sessions")
    assert sent.params["adaptive_pricing"] == {"enabled": "false"}
    assert fake.get(ref.session_id)["adaptive_pricing"] == {"enabled": False}
    assert fake.violations == []


async def test_a_reversal_retried_after_its_key_expired_is_found_not_made_twice(
    fake: StripeFake, gateway: StripeGateway, other_gateway: StripeGateway
) -> None:
    charge = await _paid_charge(fake, gateway)
    account_id = await _ready_account(fake, gateway, "tutor-9")
    transfer = await gateway.transfer(
        PayoutTransfer(SHARE, account_id, "booking_42", source_charge_id=charge),
        "booking-42-payout",
    )
    first = await gateway.reverse_transfer(transfer, 800, "booking-42-reversal-du_1", "du_1")

    await fake.advance_clock(DAY_AND_A_BIT)  # the database write was lost; a day goes by
    again = await gateway.reverse_transfer(transfer, 800, "booking-42-reversal-du_1", "du_1")
    assert again == first
    assert fake.get(transfer)["amount_reversed"] == 800

    # another deployment's reversal for the same dispute id is not taken for this one's
    theirs = await other_gateway.reverse_transfer(transfer, 300, "booking-42-reversal-du_1", "du_1")
    assert theirs != first
    assert fake.get(transfer)["amount_reversed"] == 1100
    assert fake.violations == []
