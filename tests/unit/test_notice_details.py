"""Typed notice details keep the payload form queued notices were always stored in."""

from __future__ import annotations

import pytest

from marketplace.ports import NoticeKind
from marketplace.ports.notice_details import (
    NO_DETAILS,
    AmountDetails,
    ExpiredDetails,
    PaymentDisputedDetails,
    ReminderDetails,
    RequestDetails,
    RestrictedDetails,
)
from marketplace.ports.notify import DETAILS_OF, notice_details

# Payloads as rows written before the details were typed hold them (less "notice").
STORED = {
    NoticeKind.BOOKING_REQUESTED: {"student_reviews": "3", "student_rating": "4.50"},
    NoticeKind.BOOKING_CANCELLED: {"reason": "ill"},
    NoticeKind.BOOKING_EXPIRED: {"unpaid": "1"},
    NoticeKind.PAYOUT_SENT: {"amount": "2500", "currency": "USD"},
    NoticeKind.PAYMENT_DISPUTED: {"paid_out": "yes"},
    NoticeKind.CARD_DISPUTE_DECIDED: {"outcome": "won"},
    NoticeKind.PAYOUT_REVERSED: {"amount": "100", "currency": "EUR"},
    NoticeKind.REFUND_FAILED: {"amount": "2875", "currency": "USD"},
    NoticeKind.NO_SHOW_RECORDED: {"absent": "student"},
    NoticeKind.DISPUTE_OPENED: {"dispute": "12"},
    NoticeKind.DISPUTE_RESOLVED: {"outcome": "refund", "refund": "30"},
    NoticeKind.RESTRICTED: {"until": "", "reason": "spam", "guild": "Maths"},
    NoticeKind.RESTRICTION_LIFTED: {"guild": "Maths"},
    NoticeKind.VERIFICATION_SET: {"old": "none", "new": "campus-email", "guild": "Maths"},
    NoticeKind.VERIFICATION_REJECTED: {"guild": "Maths", "reason": "blurry"},
    NoticeKind.SCREENING_WARNING: {"kinds": "phone,email", "guild": "Maths", "booking": "7"},
    NoticeKind.QUEUE_SKIPPED: {"out": "yes"},
    NoticeKind.QUEUE_CLOSED: {"subject": "Calculus", "tutor": "42", "slot": "1767000000"},
    NoticeKind.SERIES_REQUESTED: {
        "series": "3",
        "count": "2",
        "starts": "1767000000,1767604800",
        "reason": "",
    },
    NoticeKind.SERIES_CONFIRMED: {
        "series": "3",
        "count": "2",
        "starts": "1767000000,1767604800",
        "reason": "",
    },
    NoticeKind.SERIES_CANCELLED: {
        "series": "3",
        "count": "1",
        "starts": "1767604800",
        "reason": "exams",
    },
    NoticeKind.SEAT_OFFERED: {
        "group": "4",
        "title": "Exam prep",
        "start": "1767000000",
        "until": "1766000000",
        "reason": "",
    },
    NoticeKind.GROUP_CANCELLED: {
        "group": "4",
        "title": "",
        "start": "1767000000",
        "until": "",
        "reason": "too_few",
    },
    NoticeKind.SERIES_PAYMENT_NEEDED: {"reason": "declined", "pay_by": "1767597600"},
    **{
        kind: {"series": "3", "count": "2", "starts": "1767003600,1767608400", "reason": ""}
        for kind in (
            NoticeKind.SERIES_MOVE_REQUESTED,
            NoticeKind.SERIES_MOVED,
            NoticeKind.SERIES_MOVE_DECLINED,
        )
    },
    NoticeKind.REFERRAL_CREDITED: {
        "guild": "Maths",
        "referred": "42",
        "amount": "500",
        "currency": "USD",
    },
    NoticeKind.REFERRAL_WITHDRAWN: {
        "guild": "Maths",
        "referred": "42",
        "amount": "500",
        "currency": "EUR",
    },
}


@pytest.mark.parametrize("kind", list(STORED))
def test_a_stored_payload_reads_back_and_is_written_the_same(kind: NoticeKind) -> None:
    details = notice_details(kind, {**STORED[kind], "notice": kind.value})
    assert isinstance(details, DETAILS_OF[kind])
    assert details.fields() == STORED[kind]


def test_every_kind_with_details_has_a_stored_example() -> None:
    assert set(DETAILS_OF) == set(STORED) | {NoticeKind.REMINDER}


def test_kinds_without_details_and_absent_flags_store_nothing() -> None:
    assert notice_details(NoticeKind.SURVEY, {"notice": "survey", "stray": "x"}) == NO_DETAILS
    assert ExpiredDetails().fields() == {}
    assert PaymentDisputedDetails(paid_out=False).fields() == {}
    assert RequestDetails.from_fields({}).fields() == {}


def test_a_reminder_keeps_its_offset_flag_and_space() -> None:
    stored = {"offset_minutes": 45, "check_in": True, "space_id": 99}
    assert ReminderDetails.from_fields(stored) == ReminderDetails(45, True, 99)
    assert ReminderDetails(240).fields() == {"offset_minutes": 240}


def test_odd_or_missing_fields_fall_back_instead_of_failing() -> None:
    assert AmountDetails.from_fields({"amount": 2500}) == AmountDetails("2500", "")
    assert RestrictedDetails.from_fields({"until": None}) == RestrictedDetails()
    assert ReminderDetails.from_fields({"offset_minutes": "x", "space_id": "9"}) == (
        ReminderDetails()
    )
