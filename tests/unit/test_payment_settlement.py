"""Settlement and the payment state machine: nobody is paid twice, no refund exceeds capture."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.errors import InvalidTransitionError
from marketplace.domain.ledger import Account, Entry, balance
from marketplace.domain.money import Money, quote
from marketplace.domain.payment import Capture, Payment, PaymentStatus, Refund, Void
from marketplace.domain.settlement import FULL_REFUND, PAID_IN_FULL, session_quote, settle

USD = "USD"


def test_a_ninety_minute_session_costs_one_and_a_half_hours_plus_fee() -> None:
    price = session_quote(Money(2500, USD), 90, 1500)
    assert (price.rate.minor, price.fee.minor, price.total.minor) == (3750, 563, 4313)


def test_student_cancelling_late_gets_half_the_total_and_the_tutor_half_the_rate() -> None:
    price = quote(Money(2500, USD), 1500)
    outcome = settle(price, 50, 50)
    assert (outcome.refund.minor, outcome.tutor.minor, outcome.platform.minor) == (1438, 1250, 187)


def test_full_refund_leaves_nothing_for_anyone() -> None:
    outcome = settle(quote(Money(2500, USD), 1500), *FULL_REFUND)
    assert (outcome.refund.minor, outcome.tutor.minor, outcome.platform.minor) == (2875, 0, 0)


def test_an_authorization_is_voided_on_a_full_refund_and_partly_captured_otherwise() -> None:
    price = quote(Money(2000, USD), 1500)
    held = Payment(1, price).authorize(price.total.minor)
    assert held.plan(settle(price, *FULL_REFUND)) == [Void()]
    assert held.plan(settle(price, 50, 50)) == [Capture(1150)]
    assert held.plan(settle(price, *PAID_IN_FULL)) == [Capture(2300)]


def test_captured_money_is_refunded_by_the_refund_part_only_once() -> None:
    price = quote(Money(2000, USD), 1500)
    paid = Payment(1, price).authorize(2300).capture(2300)
    plan = paid.plan(settle(price, 50, 50))
    assert plan == [Refund(1150)]
    refunded = paid.refund(1150)
    assert refunded.plan(settle(price, 50, 50)) == []
    assert refunded.status is PaymentStatus.PARTIALLY_REFUNDED


def test_a_refund_can_never_exceed_what_is_held() -> None:
    price = quote(Money(2000, USD), 1500)
    paid = Payment(1, price).authorize(2300).capture(2300)
    with pytest.raises(InvalidTransitionError):
        paid.refund(2301)
    with pytest.raises(InvalidTransitionError):
        paid.refund(2000).refund(301)


def test_the_tutor_is_paid_once_and_never_during_a_dispute() -> None:
    price = quote(Money(2000, USD), 1500)
    paid = Payment(1, price).authorize(2300).capture(2300)
    outcome = settle(price, *PAID_IN_FULL)
    released = paid.pay_out(outcome)
    assert released.status is PaymentStatus.RELEASED
    with pytest.raises(InvalidTransitionError):
        released.pay_out(outcome)
    disputed = Payment(1, price, dispute_open=True).authorize(2300).capture(2300)
    with pytest.raises(InvalidTransitionError):
        disputed.pay_out(outcome)


def test_statuses_read_as_users_expect() -> None:
    price = quote(Money(2000, USD), 1500)
    awaiting = Payment(1, price)
    assert awaiting.status is PaymentStatus.AWAITING_PAYMENT
    assert awaiting.authorize(2300).status is PaymentStatus.HELD
    assert awaiting.authorize(2300).void().status is PaymentStatus.REFUNDED
    assert awaiting.authorize(2300).capture(1150).status is PaymentStatus.PARTIALLY_REFUNDED


def test_money_only_moves_along_the_allowed_paths() -> None:
    with pytest.raises(ValueError, match="cannot move"):
        Entry(1, Account.TUTOR, Account.STUDENT, Money(1, USD), "x")
    with pytest.raises(ValueError, match="positive"):
        Entry(1, Account.STUDENT, Account.HELD, Money(0, USD), "x")


rates = st.integers(min_value=0, max_value=500_000)
bps = st.integers(min_value=0, max_value=5000)
percents = st.integers(min_value=0, max_value=100)


@given(rates, st.sampled_from([30, 60, 90]), bps, percents, percents)
def test_every_outcome_splits_the_total_exactly(rate, minutes, fee_bps, refund, tutor) -> None:
    price = session_quote(Money(rate, USD), minutes, fee_bps)
    try:
        outcome = settle(price, refund, tutor)
    except ValueError:
        assert share_sum_exceeds(price, refund, tutor)
        return
    assert outcome.refund + outcome.tutor + outcome.platform == price.total
    assert min(outcome.refund.minor, outcome.tutor.minor, outcome.platform.minor) >= 0


def share_sum_exceeds(price, refund, tutor) -> bool:
    return refund * price.total.minor + tutor * price.rate.minor > 100 * price.total.minor


@given(rates, bps, percents, st.booleans())
def test_settling_then_paying_out_keeps_the_ledger_balanced(rate, fee_bps, refund, captured_first):
    price = quote(Money(rate, USD), fee_bps)
    tutor_share = min(100, 100 - refund)
    outcome = settle(price, refund, tutor_share)
    payment = Payment(7, price).authorize(price.total.minor)
    entries: list[Entry] = []
    if captured_first and price.total.minor:
        payment = payment.capture(price.total.minor)
        entries.append(Entry(7, Account.STUDENT, Account.HELD, price.total, "capture"))
    for op in payment.plan(outcome):
        if isinstance(op, Capture):
            payment = payment.capture(op.amount)
            entries.append(Entry(7, Account.STUDENT, Account.HELD, Money(op.amount, USD), "cap"))
        elif isinstance(op, Refund):
            payment = payment.refund(op.amount)
            entries.append(Entry(7, Account.HELD, Account.REFUNDED, Money(op.amount, USD), "ref"))
        else:
            payment = payment.void()
    if payment.held_on_platform:
        payment = payment.pay_out(outcome)
        for target, amount in (
            (Account.TUTOR, outcome.tutor),
            (Account.PLATFORM, outcome.platform),
        ):
            if amount.minor:
                entries.append(Entry(7, Account.HELD, target, amount, f"out-{target}"))
    totals = balance(entries)
    assert totals.balanced
    assert totals.held == 0
    assert totals.refunded <= totals.captured
    assert totals.released == (outcome.tutor.minor if totals.captured else 0)
