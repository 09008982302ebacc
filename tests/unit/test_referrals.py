"""Referral rules, the credit balance, and a credit's way through a payment and the ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.errors import ConflictError, InvalidTransitionError
from marketplace.domain.ledger import Account, Entry, balance
from marketplace.domain.money import Money, Quote, quote
from marketplace.domain.payment import Payment, credit_entry, payout_entries
from marketplace.domain.referrals import (
    CreditAccount,
    Newcomer,
    Nominee,
    Referral,
    ReferralStatus,
    Refusal,
    credit_back,
    credit_to_use,
    ensure_can_refer,
    with_credit,
)
from marketplace.domain.settlement import Settlement, settle

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NEW = Newcomer(11, joined_at=NOW - timedelta(days=1), started_at=None, had_session=False)
FRIEND = Nominee(31, is_bot=False, is_member=True)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def _refused(newcomer=NEW, nominee=FRIEND, **facts) -> str | None:
    facts = {"already_referred": False, "brought_by_newcomer": False, **facts}
    try:
        ensure_can_refer(newcomer, nominee, window_days=14, now=NOW, **facts)
    except ConflictError as error:
        return error.reason
    return None


def test_a_new_member_may_name_the_member_who_brought_them() -> None:
    assert _refused() is None


@pytest.mark.parametrize(
    ("newcomer", "nominee", "facts", "reason"),
    [
        (NEW, Nominee(11, is_bot=False, is_member=True), {}, Refusal.SELF),
        (NEW, Nominee(31, is_bot=True, is_member=True), {}, Refusal.BOT),
        (NEW, Nominee(31, is_bot=False, is_member=False), {}, Refusal.NOT_MEMBER),
        (NEW, FRIEND, {"already_referred": True}, Refusal.ALREADY),
        (NEW, FRIEND, {"brought_by_newcomer": True}, Refusal.CIRCULAR),
        (Newcomer(11, NOW - timedelta(days=15), None, False), FRIEND, {}, Refusal.TOO_LATE),
        (Newcomer(11, None, NOW - timedelta(days=15), False), FRIEND, {}, Refusal.TOO_LATE),
        (Newcomer(11, NOW, NOW - timedelta(days=30), False), FRIEND, {}, Refusal.TOO_LATE),
        (Newcomer(11, NOW, None, True), FRIEND, {}, Refusal.NOT_NEW),
    ],
    ids=["yourself", "a bot", "not a member", "twice", "circle", "joined long ago",
         "started long ago", "the earlier of the two counts", "a session already had"],
)  # fmt: skip
def test_a_referral_is_refused_with_its_reason(newcomer, nominee, facts, reason) -> None:
    assert _refused(newcomer, nominee, **facts) == reason


def test_the_window_is_inclusive_and_unknown_times_do_not_refuse() -> None:
    on_the_day = Newcomer(11, NOW - timedelta(days=14), None, False)
    assert _refused(on_the_day) is None
    assert _refused(Newcomer(11, None, None, False)) is None


def test_a_referral_is_earned_once_then_credited_or_withdrawn() -> None:
    joined = Referral(1, 700, 31, 11, ReferralStatus.JOINED, NOW)
    earned = joined.session_held(42, NOW)
    assert (earned.status, earned.booking_id) == (ReferralStatus.SESSION_DONE, 42)
    with pytest.raises(InvalidTransitionError):
        earned.session_held(43, NOW)
    credited = earned.credited(usd(500), NOW)
    assert (credited.status, credited.credit) == (ReferralStatus.CREDITED, usd(500))
    assert credited.withdrawn(NOW).status is ReferralStatus.WITHDRAWN
    assert earned.withdrawn(NOW).status is ReferralStatus.WITHDRAWN
    with pytest.raises(InvalidTransitionError):
        joined.withdrawn(NOW)  # nothing earned yet: nothing to withdraw
    with pytest.raises(InvalidTransitionError):
        credited.withdrawn(NOW).credited(usd(500), NOW)


def test_a_withdrawn_credit_already_spent_is_owed_and_paid_back_by_refunds_first() -> None:
    account = CreditAccount().grant(500).take(375)
    assert account == CreditAccount(125, 0)
    account = account.withdraw(500)  # 125 unused taken back, 375 was spent
    assert account == CreditAccount(0, 375)
    account = account.give_back(300)  # a refund of the booking that spent it
    assert account == CreditAccount(0, 75)
    assert account.give_back(100) == CreditAccount(25, 0)
    with pytest.raises(ValueError, match="more credit"):
        CreditAccount(100).take(101)
    with pytest.raises(ValueError, match="positive"):
        CreditAccount(100).grant(0)


def test_credit_comes_off_the_fee_only_and_the_rest_carries_over() -> None:
    price = quote(usd(2500), 1500)  # $25.00 + $3.75
    used = credit_to_use(usd(500), price)
    assert used == usd(375)  # never more than the fee
    after = with_credit(price, used)
    assert (after.rate, after.fee, after.total) == (usd(2500), usd(0), usd(2500))
    assert (after.credit_used, after.full_fee) == (usd(375), usd(375))
    assert credit_to_use(usd(125), price) == usd(125)  # what was left, on the next booking
    with pytest.raises(ValueError, match="exceed"):
        with_credit(price, usd(376))


def test_credit_is_used_in_whole_charge_steps_and_in_its_own_currency_only() -> None:
    price = quote(Money(500_000, "ISK"), 1500)  # 5000 kr + 750 kr
    assert credit_to_use(Money(12_345, "ISK"), price) == Money(12_300, "ISK")  # whole krónur
    assert credit_to_use(Money(500, "EUR"), quote(usd(2500), 1500)) == usd(0)
    assert credit_to_use(usd(500), quote(usd(2500), 0)) == usd(0)  # no fee, nothing to take


def _paid(price: Quote) -> Payment:
    return Payment(1, price, authorized=price.total.minor, captured=price.total.minor)


def test_a_refund_gives_back_the_same_share_of_the_credit() -> None:
    price = with_credit(quote(usd(2500), 1500), usd(375))
    payment = _paid(price)
    assert payment.credit_to_give_back(100) == 375
    assert payment.credit_to_give_back(50) == 188  # half, rounded half up
    half = payment.give_back_credit(188)
    assert half.credit_to_give_back(50) == 0  # repeatable: nothing more
    assert half.credit_to_give_back(100) == 187  # a later full refund: the rest
    assert credit_back(usd(375), 0) == usd(0)
    unpaid = Payment(1, price)
    assert unpaid.credit_to_give_back(0) == 375  # nothing was charged: all of it back


def test_the_credit_pays_its_part_of_the_fee_at_the_payout_and_the_ledger_balances() -> None:
    price = with_credit(quote(usd(2500), 1500), usd(300))  # fee $0.75 on the card
    payment = _paid(price)
    capture = Entry(1, Account.STUDENT, Account.HELD, usd(2575), "capture:pi")
    settlement = settle(price, 0, 100)
    assert (settlement.tutor, settlement.platform) == (usd(2500), usd(75))
    redeemed = payment.redeem_credit()
    paid = redeemed.pay_out(Settlement(usd(0), usd(2500), usd(375)))
    entries = [capture, credit_entry(paid), *payout_entries(paid, "tr_1")]
    totals = balance(entries)
    assert totals.balanced
    assert (totals.captured, totals.credited, totals.released, totals.fees) == (
        2575, 300, 2500, 375
    )  # fmt: skip
    assert paid.held_on_platform == 0
    with pytest.raises(InvalidTransitionError):
        paid.redeem_credit()
    assert paid.credit_to_give_back(100) == 0  # after the payout nothing comes back


@given(
    rate=st.integers(1, 1_000_000),
    fee_bps=st.integers(0, 5_000),
    credit=st.integers(0, 100_000),
    refund=st.integers(0, 100),
)
def test_credit_never_touches_the_rate_and_what_is_used_is_given_back_or_paid_in(
    rate: int, fee_bps: int, credit: int, refund: int
) -> None:
    price = quote(usd(rate), fee_bps)
    used = credit_to_use(usd(credit), price)
    after = with_credit(price, used)
    assert after.rate == price.rate
    assert after.fee.minor >= 0
    assert after.total == after.rate + after.fee
    assert after.full_fee == price.fee
    assert used.minor <= credit
    payment = _paid(after)
    back = payment.credit_to_give_back(refund)
    left = (payment.give_back_credit(back) if back else payment).credit_left
    assert back + left == used.minor
    assert left >= 0
