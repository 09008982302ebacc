"""The DMs about money read well: released holds, payouts, payout setup, disputes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.presenters.notices import render_notice
from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.money import Money
from marketplace.ports import Notice, NoticeKind
from marketplace.ports.notice_details import AmountDetails
from marketplace.ports.notify import notice_details

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
START = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
STUDENT, TUTOR = 111, 222
PRICE = Money(2875, "USD")


def booking(state=BookingState.COMPLETED, price=PRICE):
    return Booking(
        booking_id=7, guild_id=1, student_id=STUDENT, tutor_id=TUTOR, subject_key="calculus",
        start=START, end=START + timedelta(hours=1), state=state, created_at=NOW,
        expires_at=NOW + timedelta(minutes=30), price=price,
    )  # fmt: skip


def text_of(kind, to, *, state=BookingState.COMPLETED, price=PRICE, extra=None):
    other = TUTOR if to == STUDENT else STUDENT
    notice = Notice(
        kind, 1, to, "nonce", booking(state, price), counterpart_id=other,
        details=notice_details(kind, extra or {}),
    )  # fmt: skip
    rendered = render_notice(notice, "Calculus", NOW)
    embed = rendered.embed
    return f"{embed.title}\n{embed.description}\n{embed.footer.text}", rendered


def test_a_late_payment_tells_the_student_nothing_was_charged() -> None:
    text, rendered = text_of(NoticeKind.PAYMENT_RELEASED, STUDENT, state=BookingState.EXPIRED)
    assert "released the hold on your card" in text
    assert "Nothing was charged" in text
    assert f"<@{TUTOR}>" in text
    assert f"<t:{int(START.timestamp())}:F>" in text
    assert rendered.view is None
    assert rendered.ics is None


def test_an_unpaid_request_that_lapsed_says_so() -> None:
    text, _ = text_of(
        NoticeKind.BOOKING_EXPIRED, STUDENT, state=BookingState.EXPIRED, extra={"unpaid": "1"}
    )
    assert "wasn't paid in time" in text
    assert "Nothing was charged" in text
    answered, _ = text_of(NoticeKind.BOOKING_EXPIRED, STUDENT, state=BookingState.EXPIRED)
    assert "wasn't answered in time" in answered


def test_a_payout_names_the_amount() -> None:
    text, _ = text_of(NoticeKind.PAYOUT_SENT, TUTOR, extra={"amount": "2500", "currency": "USD"})
    assert "Payout sent" in text
    assert "**$25.00** for your **Calculus** session" in text


@pytest.mark.parametrize("extra", [{}, {"amount": "lots", "currency": "USD"}])
def test_a_payout_without_a_readable_amount_still_reads_well(extra) -> None:
    text, _ = text_of(NoticeKind.PAYOUT_SENT, TUTOR, extra=extra)
    assert "**Your share** for your **Calculus** session" in text


def test_a_waiting_payout_points_to_tutor_payouts() -> None:
    text, _ = text_of(NoticeKind.PAYOUTS_NEEDED, TUTOR)
    assert "/tutor payouts" in text


def test_a_dispute_tells_the_tutor_the_payout_is_on_hold() -> None:
    text, _ = text_of(NoticeKind.PAYMENT_DISPUTED, TUTOR)
    assert "disputed" in text
    assert "on hold" in text
    assert "escrow" not in text.casefold()


def test_a_paid_request_says_it_is_paid_and_held() -> None:
    text, rendered = text_of(NoticeKind.BOOKING_REQUESTED, TUTOR, state=BookingState.REQUESTED)
    assert "Paid and held" in text
    assert [item.item.label for item in rendered.view.children] == ["Accept", "Decline"]
    free, _ = text_of(NoticeKind.BOOKING_REQUESTED, TUTOR, state=BookingState.REQUESTED, price=None)
    assert "Paid and held" not in free


def test_only_the_student_is_told_their_payment_is_held() -> None:
    student, _ = text_of(NoticeKind.BOOKING_CONFIRMED, STUDENT, state=BookingState.CONFIRMED)
    tutor, _ = text_of(NoticeKind.BOOKING_CONFIRMED, TUTOR, state=BookingState.CONFIRMED)
    assert "Your payment of **$28.75** is held" in student
    assert "Your payment" not in tutor


def test_every_notice_kind_has_a_title_and_a_body() -> None:
    for kind in NoticeKind:
        text, _ = text_of(kind, TUTOR, extra={"amount": "1", "currency": "USD"})
        assert text.strip()


def test_a_lapsed_hold_tells_both_sides_nothing_was_charged_and_the_session_is_off() -> None:
    for to in (STUDENT, TUTOR):
        text, _ = text_of(NoticeKind.PAYMENT_LAPSED, to, state=BookingState.CANCELLED)
        assert "Card hold ran out" in text
        assert "nothing was charged and the session is cancelled" in text
        assert "Booking #7" in text


def test_a_hold_that_lapsed_after_the_session_says_the_admins_know() -> None:
    text, _ = text_of(NoticeKind.PAYMENT_LAPSED, TUTOR, state=BookingState.COMPLETED)
    assert "nothing was charged for it" in text
    assert "admins know" in text
    assert "cancelled" not in text


def test_a_dispute_of_a_paid_out_session_says_the_share_may_come_back() -> None:
    text, _ = text_of(NoticeKind.PAYMENT_DISPUTED, TUTOR, extra={"paid_out": "yes"})
    assert "You were paid already" in text
    assert "on hold" not in text


@pytest.mark.parametrize(
    ("outcome", "says"), [("won", "goes ahead"), ("lost", "went back to them")]
)
def test_the_banks_decision_reads_as_what_it_means_for_the_tutor(outcome, says) -> None:
    text, _ = text_of(NoticeKind.CARD_DISPUTE_DECIDED, TUTOR, extra={"outcome": outcome})
    assert "Card dispute decided" in text
    assert says in text


def test_a_reversed_payout_names_the_amount_and_why() -> None:
    text, _ = text_of(
        NoticeKind.PAYOUT_REVERSED, TUTOR, extra={"amount": "2500", "currency": "USD"}
    )
    assert "**$25.00** of your payout went back" in text
    assert "card dispute" in text


def test_a_failed_refund_tells_the_student_the_money_is_safe() -> None:
    text, _ = text_of(
        NoticeKind.REFUND_FAILED, STUDENT, extra={"amount": "2875", "currency": "USD"}
    )
    assert "Your refund of **$28.75**" in text
    assert "safe with us" in text


def test_a_notice_shows_amounts_in_the_guilds_locale() -> None:
    notice = Notice(
        NoticeKind.PAYOUT_SENT, 1, TUTOR, "nonce", booking(), counterpart_id=STUDENT,
        details=AmountDetails("2500", "EUR"),
    )  # fmt: skip
    rendered = render_notice(notice, "Calculus", NOW, "de")
    assert "25,00\xa0€" in (rendered.embed.description or "")
