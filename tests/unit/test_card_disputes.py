"""The pure rules of a decided card dispute: fee, chargeback, reversal, cover, payout."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.card_disputes import (
    CardDispute,
    decide,
    payout_after_losses,
    reversal_entries,
    tutor_part,
)
from marketplace.domain.ledger import balance
from marketplace.domain.money import Money, Quote
from marketplace.domain.payment import Payment

NOW = datetime(2026, 12, 1, tzinfo=UTC)
PRICE = Quote(Money(2500, "USD"), Money(375, "USD"), Money(2875, "USD"))


def _captured(refunded: int = 0) -> Payment:
    return Payment(1, PRICE, authorized=2875, captured=2875, refunded=refunded)


def _paid_out(payment: Payment, tutor: int, platform: int) -> Payment:
    return dataclasses.replace(payment, released=tutor, fees=platform)


def _dispute(status: str, withdrawn: int, fee: int = 1500) -> CardDispute:
    return CardDispute("du_1", 1, 1, withdrawn, "USD", "fraudulent", status, NOW,
                       withdrawn if status == "lost" else 0, fee, 0, NOW)  # fmt: skip


def test_a_won_dispute_books_only_the_fee_from_the_platforms_funds():
    decided = decide(_captured(), _dispute("won", 2875), tutor_bears=True)
    assert decided.reverse == 0
    assert (decided.payment.dispute_fees, decided.payment.covered) == (1500, 1500)
    assert decided.payment.held_on_platform == 2875  # the payout can still go
    assert [e.reference for e in decided.entries] == ["dispute-fee:du_1"]


def test_a_full_loss_after_the_payout_reverses_the_tutors_whole_share():
    paid = _paid_out(_captured(), 2500, 375)
    decided = decide(paid, _dispute("lost", 2875), tutor_bears=True)
    assert decided.reverse == 2500
    assert decided.payment.held_on_platform == 0  # the platform covered its own part
    after = decided.payment.reverse_payout(2500).charge_back(2500)
    assert after.held_on_platform == 0
    assert after.charged_back == 2875
    entries = decided.entries + reversal_entries(decided.payment, 2500, "trr_1")
    totals = balance(entries)
    assert totals.charged_back == 2875
    assert totals.released == -2500  # on top of the payout's own +2500 entry


def test_a_partial_loss_takes_only_the_tutors_part_of_it():
    paid = _paid_out(_captured(), 2500, 375)
    decided = decide(paid, _dispute("lost", 1000), tutor_bears=True)
    assert decided.reverse == tutor_part(1000, 2500, 2875) == 869


def test_without_reversal_the_platform_bears_the_whole_loss():
    paid = _paid_out(_captured(), 2500, 375)
    decided = decide(paid, _dispute("lost", 2875, fee=0), tutor_bears=False)
    assert decided.reverse == 0
    assert decided.payment.covered == 2875
    assert decided.payment.held_on_platform == 0


def test_a_loss_before_the_payout_shrinks_it_by_each_sides_part():
    lost = decide(_captured(), _dispute("lost", 1000, fee=0), tutor_bears=True).payment
    after = payout_after_losses(lost, 2500, 375, tutor_bears=True)
    assert (after.tutor, after.platform, after.cover) == (2500 - 869, 375 - 131, 0)
    kept = payout_after_losses(lost, 2500, 375, tutor_bears=False)
    assert (kept.tutor, kept.platform, kept.cover) == (2500, 0, 625)


@given(
    withdrawn=st.integers(1, 2875),
    fee=st.integers(0, 2000),
    refunded=st.integers(0, 2000),
    paid_out=st.booleans(),
    tutor_bears=st.booleans(),
    won=st.booleans(),
)
def test_held_never_goes_negative_and_every_cent_is_somewhere(  # noqa: PLR0917 - hypothesis
    withdrawn: int, fee: int, refunded: int, paid_out: bool, tutor_bears: bool, won: bool
):
    payment = _captured(refunded)
    kept = 2875 - refunded
    tutor = kept * 2500 // 2875
    if paid_out:
        payment = _paid_out(payment, tutor, kept - tutor)
    decided = decide(payment, _dispute("won" if won else "lost", withdrawn, fee), tutor_bears)
    final = decided.payment
    if decided.reverse:
        assert decided.reverse <= final.released - final.reversed
        final = final.reverse_payout(decided.reverse).charge_back(decided.reverse)
    assert final.held_on_platform >= 0
    assert final.charged_back == (0 if won else withdrawn)
    assert final.dispute_fees == fee
    if not paid_out and not won:
        after = payout_after_losses(final, tutor, kept - tutor, tutor_bears)
        assert min(after.tutor, after.platform, after.cover) >= 0
        assert after.tutor + after.platform == final.held_on_platform + after.cover
