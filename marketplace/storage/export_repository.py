"""SQL reads for `/admin export`: one query per export, streamed in guild-bounded ranges.

The sessions read is bounded by `guild_id` and the session's start (`start_at`), and
reaches its people, subject, profile, payment, check-ins and reviews through their
primary keys and unique indexes, so one export is one statement however long the period.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import aliased

from marketplace.domain.exports import (
    DROP_IN_FORMAT,
    Person,
    QueueVisit,
    ReviewRecord,
    SessionRecord,
)
from marketplace.domain.reviews import ReviewStatus
from marketplace.domain.stats import Window
from marketplace.storage.models import (
    AttendanceRow,
    BookingRow,
    DropInHelpRow,
    DropInHoursRow,
    DropInVisitRow,
    PaymentRow,
    ReviewRow,
    SubjectRow,
    TutorProfileRow,
    UserRow,
)
from marketplace.storage.payment_repository import to_payment
from marketplace.storage.sql_repository import SqlRepository, within

_Student, _Tutor = aliased(UserRow), aliased(UserRow)
_StudentIn, _TutorIn = aliased(AttendanceRow), aliased(AttendanceRow)
_ByStudent, _ByTutor = aliased(ReviewRow), aliased(ReviewRow)
_Reviewer, _Reviewee = aliased(UserRow), aliased(UserRow)


def _person(user_id: int, name: str | None) -> Person:
    return Person(user_id, name or "")


def _subject_join(row: Any = BookingRow) -> Any:
    """The catalogue entry of `row`'s subject (a booking's, or drop-in hours')."""
    return and_(SubjectRow.guild_id == row.guild_id, SubjectRow.key == row.subject_key)


def _check_in_join(check_in: Any, user: Any) -> Any:
    return and_(check_in.booking_id == BookingRow.id, check_in.user_id == user)


def _review_join(review: Any, reviewer: Any) -> Any:
    return and_(
        review.booking_id == BookingRow.id,
        review.reviewer_id == reviewer,
        review.status == ReviewStatus.VISIBLE.value,
    )


def _over(
    query: Select[*tuple[Any, ...]], at: Any, guild_id: int, window: Window
) -> Select[*tuple[Any, ...]]:
    """The query's rows of the guild whose `at` is in the window, in `at` then id order.

    `at` is a column of the query's first entity, whose table has `guild_id` and `id`.
    """
    model = at.class_
    return query.where(model.guild_id == guild_id, within(at, window)).order_by(at, model.id)


class SqlExportReads(SqlRepository):
    """The rows behind each CSV of one guild over one window."""

    async def sessions(self, guild_id: int, window: Window) -> list[SessionRecord]:
        query = (
            select(
                BookingRow, _Student.display_name, _Tutor.display_name, SubjectRow.name,
                TutorProfileRow.formats, PaymentRow, _StudentIn.checked_in_at,
                _TutorIn.checked_in_at, _ByStudent.stars, _ByTutor.stars, DropInHelpRow.visit_id,
            )
            .outerjoin(_Student, _Student.id == BookingRow.student_id)
            .outerjoin(_Tutor, _Tutor.id == BookingRow.tutor_id)
            .outerjoin(SubjectRow, _subject_join())
            .outerjoin(
                TutorProfileRow,
                and_(
                    TutorProfileRow.guild_id == BookingRow.guild_id,
                    TutorProfileRow.user_id == BookingRow.tutor_id,
                ),
            )
            .outerjoin(PaymentRow, PaymentRow.booking_id == BookingRow.id)
            .outerjoin(_StudentIn, _check_in_join(_StudentIn, BookingRow.student_id))
            .outerjoin(_TutorIn, _check_in_join(_TutorIn, BookingRow.tutor_id))
            .outerjoin(_ByStudent, _review_join(_ByStudent, BookingRow.student_id))
            .outerjoin(_ByTutor, _review_join(_ByTutor, BookingRow.tutor_id))
            .outerjoin(DropInHelpRow, DropInHelpRow.booking_id == BookingRow.id)
        )  # fmt: skip
        return await self._tuples(_over(query, BookingRow.start_at, guild_id, window), _session)

    async def reviews(self, guild_id: int, window: Window) -> list[ReviewRecord]:
        query = (
            select(ReviewRow, _Reviewer.display_name, _Reviewee.display_name, SubjectRow.name)
            .join(BookingRow, BookingRow.id == ReviewRow.booking_id)
            .outerjoin(_Reviewer, _Reviewer.id == ReviewRow.reviewer_id)
            .outerjoin(_Reviewee, _Reviewee.id == ReviewRow.reviewee_id)
            .outerjoin(SubjectRow, _subject_join())
        )
        return await self._tuples(_over(query, ReviewRow.created_at, guild_id, window), _review)

    async def queue_visits(self, guild_id: int, window: Window) -> list[QueueVisit]:
        query = (
            select(
                DropInVisitRow, _Student.display_name, _Tutor.display_name, SubjectRow.name,
                DropInHoursRow.subject_key,
            )
            .join(DropInHoursRow, DropInHoursRow.id == DropInVisitRow.hours_id)
            .outerjoin(_Student, _Student.id == DropInVisitRow.student_id)
            .outerjoin(_Tutor, _Tutor.id == DropInVisitRow.tutor_id)
            .outerjoin(SubjectRow, _subject_join(DropInHoursRow))
        )  # fmt: skip
        return await self._tuples(_over(query, DropInVisitRow.joined_at, guild_id, window), _visit)


def _visit(row: Sequence[Any]) -> QueueVisit:
    visit, student, tutor, subject, subject_key = row
    helped_by = None if visit.tutor_id is None else _person(visit.tutor_id, tutor)
    return QueueVisit(
        student=_person(visit.student_id, student),
        tutor=helped_by,
        subject=subject or subject_key,
        joined_at=visit.joined_at,
        started_at=visit.started_at,
        ended_at=visit.ended_at,
        outcome=visit.state,
    )


def _session(row: Sequence[Any]) -> SessionRecord:
    booking, student, tutor, subject, formats, payment_row = row[:6]
    student_in, tutor_in, student_stars, tutor_stars, visit_id = row[6:]
    money: dict[str, Any] = {}
    if payment_row is not None:
        payment = to_payment(payment_row)
        money = {
            "currency": payment_row.currency,
            "total_minor": payment_row.total_minor,
            "captured_minor": payment_row.captured,
            "refunded_minor": payment_row.refunded,
            "payment_state": payment.status.value,
        }
    return SessionRecord(
        booking_id=booking.id,
        student=_person(booking.student_id, student),
        tutor=_person(booking.tutor_id, tutor),
        subject=subject or booking.subject_key,
        session_format=DROP_IN_FORMAT if visit_id else (formats or "").replace(",", "|"),
        start=booking.start_at,
        end=booking.end_at,
        state=booking.state,
        outcome=booking.outcome or "",
        cancelled_by=booking.cancelled_by or "",
        student_checked_in=student_in,
        tutor_checked_in=tutor_in,
        student_stars=student_stars,
        tutor_stars=tutor_stars,
        **money,
    )


def _review(row: Sequence[Any]) -> ReviewRecord:
    review, reviewer, reviewee, subject = row
    return ReviewRecord(
        review_id=review.id,
        booking_id=review.booking_id,
        reviewer=_person(review.reviewer_id, reviewer),
        reviewee=_person(review.reviewee_id, reviewee),
        subject=subject or "",
        stars=review.stars,
        on_time=review.on_time,
        explained_clearly=review.explained_clearly,
        helped_understand=review.helped_understand,
        would_book_again=review.would_book_again,
        status=review.status,
        created_at=review.created_at,
        replied=bool(review.reply),
    )
