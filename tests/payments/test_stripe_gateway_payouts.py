"""StripeGateway against the in-repo fake: Connect Express accounts, onboarding, transfers."""

from __future__ import annotations

import pytest

from marketplace.domain.money import Money
from marketplace.payments import StripeGateway
from marketplace.ports.payments import PaymentGatewayError, PayoutTransfer
from stripe_fake import StripeFake
from tests.payments.conftest import checkout_request


async def test_onboarding_enables_payouts(fake: StripeFake, gateway: StripeGateway) -> None:
    account_id = await gateway.create_payout_account("guild-7-user-9", "tutor-9-account")
    assert account_id.startswith("acct_")
    assert fake.get(account_id)["metadata"] == {"user_ref": "guild-7-user-9"}
    assert await gateway.create_payout_account("guild-7-user-9", "tutor-9-account") == account_id
    link = await gateway.onboarding_link(
        account_id, "http://127.0.0.1:9/payouts/done", "http://127.0.0.1:9/payouts/again"
    )
    assert link.startswith(f"{fake.base_url}/connect/onboarding/")
    before = await gateway.payout_account(account_id)
    assert (before.payouts_enabled, before.details_submitted) == (False, False)

    await fake.enable_payouts(account_id)

    after = await gateway.payout_account(account_id)
    assert (after.account_id, after.payouts_enabled, after.details_submitted) == (
        account_id,
        True,
        True,
    )


async def test_transfer_is_refused_before_payouts_and_accepted_after(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    ref = await gateway.create_checkout(checkout_request(capture="automatic"), "k-pay")
    payment = await fake.pay(ref.session_id)
    account_id = await gateway.create_payout_account("tutor-9", "tutor-9-account")
    share = Money(5000, "USD")

    with pytest.raises(PaymentGatewayError) as refused:
        await gateway.transfer(PayoutTransfer(share, account_id, "booking_42"), "booking-42-payout")
    assert refused.value.code == "insufficient_capabilities_for_transfer"
    assert refused.value.retryable is False

    await fake.enable_payouts(account_id)
    transfer_id = await gateway.transfer(
        PayoutTransfer(share, account_id, "booking_42", source_charge_id=str(payment.charge["id"])),
        "booking-42-payout",
    )
    assert transfer_id.startswith("tr_")
    transfer = fake.get(transfer_id)
    assert (transfer["amount"], transfer["currency"], transfer["destination"]) == (
        5000,
        "usd",
        account_id,
    )
    assert transfer["transfer_group"] == "booking_42"
    again = await gateway.transfer(
        PayoutTransfer(share, account_id, "booking_42", source_charge_id=str(payment.charge["id"])),
        "booking-42-payout",
    )
    assert again == transfer_id  # a retried payout is not paid twice
    assert fake.balance("usd") == 750


async def test_transfer_beyond_the_balance_is_refused(
    fake: StripeFake, gateway: StripeGateway
) -> None:
    account_id = await gateway.create_payout_account("tutor-9", "tutor-9-account")
    await fake.enable_payouts(account_id)
    with pytest.raises(PaymentGatewayError) as refused:
        await gateway.transfer(
            PayoutTransfer(Money(100, "USD"), account_id, "booking_1"), "k-transfer"
        )
    assert refused.value.code == "balance_insufficient"
