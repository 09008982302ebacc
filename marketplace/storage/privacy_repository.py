"""SQL storage of `/privacy`: one user's rows in one guild, read out or erased.

The per-table decisions are documented in `marketplace.services.privacy`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, Text, delete, join, or_, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Delete, Update

from marketplace.domain.booking import LIVE_STATES as BOOKING_LIVE_STATES
from marketplace.ports.privacy import DeletionObstacles, Record
from marketplace.storage.models import (
    AttendanceRow,
    AvailabilityRuleRow,
    AvailabilityWindowRow,
    BookingRow,
    CaseRow,
    DeliveryRow,
    DisputeRow,
    DmStatusRow,
    DropInVisitRow,
    EmailCodeRow,
    GroupSessionRow,
    GroupWaitlistRow,
    MemberRow,
    NoteGoalsRow,
    NoteTemplateRow,
    PaymentRow,
    PayoutAccountRow,
    ProgressNoteRow,
    ReferralCreditRow,
    ReferralRow,
    RestrictionRow,
    ReviewRow,
    SessionMessageRow,
    StudentProfileRow,
    StudentSubjectRow,
    SurveyResponseRow,
    TutorProfileRow,
    TutorSubjectRow,
    UserBlockRow,
    UserRow,
    VerifiedEmailRow,
)
from marketplace.storage.read_cache import CacheAccess
from marketplace.storage.sql_repository import SqlRepository

LIVE_STATES = tuple(state.value for state in BOOKING_LIVE_STATES)


class SqlPrivacyRepository(SqlRepository):
    """Explicit columns everywhere: a new column is never exported by accident."""

    def __init__(self, session: AsyncSession, cache: CacheAccess | None = None) -> None:
        super().__init__(session)
        self._cache = cache

    async def records(self, guild_id: int, user_id: int, limit: int) -> dict[str, list[Record]]:
        queries = _profile_queries(guild_id, user_id) | _activity_queries(guild_id, user_id)
        return {
            name: await self._tuples(query.limit(limit + 1), _record)
            for name, query in queries.items()
        }

    async def obstacles(self, guild_id: int, user_id: int, now: datetime) -> DeletionObstacles:
        """Live bookings not over yet, open disputes on them, and open groups taught."""
        upcoming = await self._count(
            BookingRow,
            _party(guild_id, user_id),
            BookingRow.state.in_(LIVE_STATES),
            BookingRow.end_at > now,
        )
        disputes = await self._count(
            join(DisputeRow, BookingRow, BookingRow.id == DisputeRow.booking_id),
            _party(guild_id, user_id),
            DisputeRow.status == "open",
        )
        groups = await self._count(
            GroupSessionRow,
            GroupSessionRow.guild_id == guild_id,
            GroupSessionRow.tutor_id == user_id,
            GroupSessionRow.state == "open",
            GroupSessionRow.end_at > now,
        )
        return DeletionObstacles(upcoming, disputes, groups)

    async def erase(self, guild_id: int, user_id: int, anonymous_name: str) -> dict[str, int]:
        counts = {name: await self._affected(s) for name, s in _erasures(guild_id, user_id).items()}
        if self._cache:  # the user row is written again the next time they act
            self._cache.changed(("user", user_id))
        counts["display_name"] = await self._affected(
            update(UserRow)
            .where(UserRow.id == user_id, UserRow.display_name != anonymous_name)
            .values(display_name=anonymous_name)
        )
        elsewhere = await self._count(MemberRow, MemberRow.user_id == user_id)
        if not elsewhere:  # the zone is global: keep it while another guild still uses it
            counts["timezone"] = await self._affected(
                update(UserRow)
                .where(UserRow.id == user_id, UserRow.timezone.is_not(None))
                .values(timezone=None)
            )
        return counts


def _record(row: Any) -> Record:
    return dict(row._mapping)


def _party(guild_id: int, user_id: int) -> Any:
    return (BookingRow.guild_id == guild_id) & (
        (BookingRow.student_id == user_id) | (BookingRow.tutor_id == user_id)
    )


def _in_guild_bookings(guild_id: int) -> Select[Any]:
    return select(BookingRow.id).where(BookingRow.guild_id == guild_id)


def _profile_queries(guild_id: int, user_id: int) -> dict[str, Select[Any]]:
    return {
        "user": select(UserRow.display_name, UserRow.timezone, UserRow.created_at).where(
            UserRow.id == user_id
        ),
        "member": select(
            MemberRow.role, MemberRow.interests, MemberRow.level, MemberRow.started_at
        ).where(MemberRow.guild_id == guild_id, MemberRow.user_id == user_id),
        "student_profile": select(StudentProfileRow.goals, StudentProfileRow.updated_at).where(
            StudentProfileRow.guild_id == guild_id, StudentProfileRow.user_id == user_id
        ),
        "student_subjects": select(StudentSubjectRow.subject_key, StudentSubjectRow.level).where(
            StudentSubjectRow.guild_id == guild_id, StudentSubjectRow.user_id == user_id
        ),
        "tutor_profile": select(
            TutorProfileRow.rate_minor,
            TutorProfileRow.currency,
            TutorProfileRow.bio,
            TutorProfileRow.formats,
            TutorProfileRow.instant_booking,
            TutorProfileRow.verification,
            TutorProfileRow.status,
            TutorProfileRow.penalty_until,
            TutorProfileRow.sessions_held,
            TutorProfileRow.sessions_dropped,
            TutorProfileRow.review_count,
            TutorProfileRow.review_star_sum,
            TutorProfileRow.created_at,
        ).where(TutorProfileRow.guild_id == guild_id, TutorProfileRow.user_id == user_id),
        "tutor_subjects": select(
            TutorSubjectRow.subject_key, TutorSubjectRow.level, TutorSubjectRow.teaches
        ).where(TutorSubjectRow.guild_id == guild_id, TutorSubjectRow.user_id == user_id),
        "availability_rules": select(
            AvailabilityRuleRow.weekday,
            AvailabilityRuleRow.start_minute,
            AvailabilityRuleRow.end_minute,
            AvailabilityRuleRow.zone,
            AvailabilityRuleRow.valid_from,
            AvailabilityRuleRow.valid_until,
        )
        .where(AvailabilityRuleRow.guild_id == guild_id, AvailabilityRuleRow.tutor_id == user_id)
        .order_by(AvailabilityRuleRow.id.desc()),
        "availability_windows": select(
            AvailabilityWindowRow.start_at,
            AvailabilityWindowRow.end_at,
            AvailabilityWindowRow.is_day_off,
            AvailabilityWindowRow.zone,
        )
        .where(
            AvailabilityWindowRow.guild_id == guild_id, AvailabilityWindowRow.tutor_id == user_id
        )
        .order_by(AvailabilityWindowRow.start_at.desc()),
        "note_templates": select(
            NoteTemplateRow.subject_key, NoteTemplateRow.text, NoteTemplateRow.updated_at
        ).where(NoteTemplateRow.guild_id == guild_id, NoteTemplateRow.tutor_id == user_id),
        "payout_account": select(
            PayoutAccountRow.account_id, PayoutAccountRow.payouts_enabled
        ).where(PayoutAccountRow.guild_id == guild_id, PayoutAccountRow.user_id == user_id),
        "dm_status": select(DmStatusRow.closed_at, DmStatusRow.retry_after).where(
            DmStatusRow.user_id == user_id
        ),
        "restrictions": select(
            RestrictionRow.until, RestrictionRow.reason, RestrictionRow.created_at
        ).where(RestrictionRow.guild_id == guild_id, RestrictionRow.user_id == user_id),
        "blocks_made": select(UserBlockRow.blocked_id, UserBlockRow.created_at).where(
            UserBlockRow.guild_id == guild_id, UserBlockRow.blocker_id == user_id
        ),
        "referred_by": select(
            ReferralRow.referrer_id, ReferralRow.status, ReferralRow.created_at
        ).where(ReferralRow.guild_id == guild_id, ReferralRow.referred_id == user_id),
        "referral_credit": select(
            ReferralCreditRow.currency,
            ReferralCreditRow.balance_minor,
            ReferralCreditRow.owed_minor,
            ReferralCreditRow.updated_at,
        )
        .where(ReferralCreditRow.guild_id == guild_id, ReferralCreditRow.user_id == user_id)
        .order_by(ReferralCreditRow.currency),
    }


def _activity_queries(guild_id: int, user_id: int) -> dict[str, Select[Any]]:
    guild_bookings = _in_guild_bookings(guild_id)
    return {
        "bookings": select(
            BookingRow.id.label("booking_id"),
            BookingRow.student_id,
            BookingRow.tutor_id,
            BookingRow.subject_key,
            BookingRow.start_at,
            BookingRow.end_at,
            BookingRow.state,
            BookingRow.outcome,
            BookingRow.created_at,
            BookingRow.note,
            BookingRow.price_minor,
            BookingRow.currency,
            BookingRow.cancelled_by,
            BookingRow.cancelled_at,
            BookingRow.cancelled_late,
        )
        .where(_party(guild_id, user_id))
        .order_by(BookingRow.start_at.desc()),
        "payments": select(
            PaymentRow.booking_id,
            PaymentRow.currency,
            PaymentRow.rate_minor,
            PaymentRow.fee_minor,
            PaymentRow.total_minor,
            PaymentRow.credit_minor,
            PaymentRow.credit_restored,
            PaymentRow.authorized,
            PaymentRow.captured,
            PaymentRow.refunded,
            PaymentRow.released,
            PaymentRow.voided,
            PaymentRow.failed,
            PaymentRow.dispute_open,
            PaymentRow.created_at,
        )
        .join(BookingRow, BookingRow.id == PaymentRow.booking_id)
        .where(_party(guild_id, user_id))
        .order_by(PaymentRow.booking_id.desc()),
        "reviews_written": _reviews(with_reply=False).where(
            ReviewRow.guild_id == guild_id, ReviewRow.reviewer_id == user_id
        ),
        "reviews_received": _reviews(with_reply=True).where(
            ReviewRow.guild_id == guild_id,
            ReviewRow.reviewee_id == user_id,
            ReviewRow.status == "visible",
        ),
        "survey_answers": select(
            SurveyResponseRow.booking_id,
            SurveyResponseRow.answer,
            SurveyResponseRow.reason,
            SurveyResponseRow.answered_at,
        )
        .where(
            SurveyResponseRow.user_id == user_id, SurveyResponseRow.booking_id.in_(guild_bookings)
        )
        .order_by(SurveyResponseRow.answered_at.desc()),
        "queue_visits": select(
            DropInVisitRow.hours_id,
            DropInVisitRow.topic,
            DropInVisitRow.joined_at,
            DropInVisitRow.state,
            DropInVisitRow.tutor_id,
            DropInVisitRow.booking_id,
            DropInVisitRow.started_at,
            DropInVisitRow.ended_at,
        )
        .where(DropInVisitRow.guild_id == guild_id, DropInVisitRow.student_id == user_id)
        .order_by(DropInVisitRow.joined_at.desc()),
        "group_waitlists": select(
            GroupWaitlistRow.group_id,
            GroupWaitlistRow.joined_at,
            GroupWaitlistRow.state,
            GroupWaitlistRow.offered_until,
        )
        .join(GroupSessionRow, GroupSessionRow.id == GroupWaitlistRow.group_id)
        .where(GroupSessionRow.guild_id == guild_id, GroupWaitlistRow.user_id == user_id)
        .order_by(GroupWaitlistRow.joined_at.desc()),
        "check_ins": select(
            AttendanceRow.booking_id, AttendanceRow.checked_in_at, AttendanceRow.via
        )
        .where(AttendanceRow.user_id == user_id, AttendanceRow.booking_id.in_(guild_bookings))
        .order_by(AttendanceRow.checked_in_at.desc()),
        "notes_written": select(
            ProgressNoteRow.booking_id,
            ProgressNoteRow.student_id,
            ProgressNoteRow.tutor_id,
            ProgressNoteRow.text,
            ProgressNoteRow.created_at,
        )
        .where(ProgressNoteRow.guild_id == guild_id, ProgressNoteRow.author_id == user_id)
        .order_by(ProgressNoteRow.created_at.desc()),
        "shared_goals": select(
            NoteGoalsRow.student_id,
            NoteGoalsRow.tutor_id,
            NoteGoalsRow.text,
            NoteGoalsRow.updated_by,
            NoteGoalsRow.updated_at,
        )
        .where(
            NoteGoalsRow.guild_id == guild_id,
            or_(NoteGoalsRow.student_id == user_id, NoteGoalsRow.tutor_id == user_id),
        )
        .order_by(NoteGoalsRow.updated_at.desc()),
        "disputes_opened": select(
            DisputeRow.id.label("dispute_id"),
            DisputeRow.booking_id,
            DisputeRow.opener_role,
            DisputeRow.statement,
            DisputeRow.status,
            DisputeRow.created_at,
            DisputeRow.outcome,
            DisputeRow.refund_percent,
            DisputeRow.resolved_at,
        )
        .where(DisputeRow.guild_id == guild_id, DisputeRow.opened_by == user_id)
        .order_by(DisputeRow.id.desc()),
        "referrals_made": select(
            ReferralRow.referred_id,
            ReferralRow.status,
            ReferralRow.booking_id,
            ReferralRow.credit_minor,
            ReferralRow.currency,
            ReferralRow.created_at,
            ReferralRow.earned_at,
            ReferralRow.decided_at,
        )
        .where(ReferralRow.guild_id == guild_id, ReferralRow.referrer_id == user_id)
        .order_by(ReferralRow.created_at.desc(), ReferralRow.id.desc()),
        "reports_made": select(
            CaseRow.id.label("case_id"),
            CaseRow.target_id,
            CaseRow.booking_id,
            CaseRow.reason,
            CaseRow.status,
            CaseRow.created_at,
            CaseRow.resolved_at,
            CaseRow.action,
        )
        .where(CaseRow.guild_id == guild_id, CaseRow.reporter_id == user_id)
        .order_by(CaseRow.id.desc()),
        "session_messages": select(
            SessionMessageRow.booking_id,
            SessionMessageRow.sent_at,
            SessionMessageRow.edited_at,
            SessionMessageRow.text,
            SessionMessageRow.attachments,
        )
        .where(SessionMessageRow.guild_id == guild_id, SessionMessageRow.author_id == user_id)
        .order_by(SessionMessageRow.sent_at.desc()),
        "messages_to_you": select(
            DeliveryRow.booking_id,
            DeliveryRow.kind,
            DeliveryRow.channel,
            DeliveryRow.summary,
            DeliveryRow.created_at,
        )
        .where(DeliveryRow.guild_id == guild_id, DeliveryRow.user_id == user_id)
        .order_by(DeliveryRow.id.desc()),
    }


def _reviews(*, with_reply: bool) -> Select[Any]:
    """A review's columns; the reply only where the user wrote it (reviews of them)."""
    columns: list[Any] = [
        ReviewRow.booking_id,
        ReviewRow.reviewer_id,
        ReviewRow.reviewee_id,
        ReviewRow.stars,
        ReviewRow.on_time,
        ReviewRow.explained_clearly,
        ReviewRow.helped_understand,
        ReviewRow.would_book_again,
        ReviewRow.text,
        ReviewRow.status,
        ReviewRow.created_at,
        ReviewRow.edited_at,
    ]
    if with_reply:
        columns += [ReviewRow.reply, ReviewRow.replied_at]
    return select(*columns).order_by(ReviewRow.id.desc())


def _erasures(guild_id: int, user_id: int) -> dict[str, Update | Delete]:
    """In order: children before their parents (explicit, not left to the cascades)."""
    guild_bookings = _in_guild_bookings(guild_id)

    def gone(model: Any, owner: Any) -> Delete:
        """The user's rows of `model` in the guild, `owner` the column naming them."""
        return delete(model).where(model.guild_id == guild_id, owner == user_id)

    def blanked(model: Any, owner: Any, field: str) -> Update:
        """The text `field` of the user's rows emptied, where it is not empty already."""
        text = getattr(model, field)
        return (
            update(model)
            .where(model.guild_id == guild_id, owner == user_id)
            .where(text != "")
            .values({field: ""})
        )

    steps: dict[str, Update | Delete] = {
        model.__tablename__: gone(model, owner)
        for model, owner in (
            (AvailabilityWindowRow, AvailabilityWindowRow.tutor_id),
            (AvailabilityRuleRow, AvailabilityRuleRow.tutor_id),
            (NoteTemplateRow, NoteTemplateRow.tutor_id),
            (TutorSubjectRow, TutorSubjectRow.user_id),
            (TutorProfileRow, TutorProfileRow.user_id),
            (StudentSubjectRow, StudentSubjectRow.user_id),
            (StudentProfileRow, StudentProfileRow.user_id),
            (MemberRow, MemberRow.user_id),
            (ProgressNoteRow, ProgressNoteRow.author_id),
        )
    }
    steps |= {
        "note_goals": update(NoteGoalsRow)
        .where(
            NoteGoalsRow.guild_id == guild_id,
            NoteGoalsRow.updated_by == user_id,
            NoteGoalsRow.text != "",
        )
        .values(text="", updated_by=0, version=NoteGoalsRow.version + 1),
        "survey_reason": update(SurveyResponseRow)
        .where(
            SurveyResponseRow.user_id == user_id,
            SurveyResponseRow.booking_id.in_(guild_bookings),
            SurveyResponseRow.reason != "",
        )
        .values(reason=""),
        "review_text": blanked(ReviewRow, ReviewRow.reviewer_id, "text"),
        "review_reply": blanked(ReviewRow, ReviewRow.reviewee_id, "reply"),
        "booking_note": blanked(BookingRow, BookingRow.student_id, "note"),
        "queue_topic": blanked(DropInVisitRow, DropInVisitRow.student_id, "topic"),
        # Out of any queue they wait in (kept, without the topic, for the counts).
        "queue_left": update(DropInVisitRow)
        .where(
            DropInVisitRow.guild_id == guild_id,
            DropInVisitRow.student_id == user_id,
            DropInVisitRow.state == "waiting",
        )
        .values(state="left"),
        # Off every waitlist (kept as "left"); a seat they were offered goes on when it ends.
        "waitlist_left": update(GroupWaitlistRow)
        .where(
            GroupWaitlistRow.user_id == user_id,
            GroupWaitlistRow.state.in_(("waiting", "offered")),
            GroupWaitlistRow.group_id.in_(
                select(GroupSessionRow.id).where(GroupSessionRow.guild_id == guild_id)
            ),
        )
        .values(state="left", offered_until=None),
        # Sealed: a blank is stored as plain "" (a sealed "" never compares equal).
        "dispute_statement": update(DisputeRow)
        .where(DisputeRow.guild_id == guild_id, DisputeRow.opened_by == user_id)
        .where(type_coerce(DisputeRow.statement, Text) != "")
        .values(statement=type_coerce("", Text)),
    }
    steps |= {
        model.__tablename__: gone(model, owner)
        for model, owner in (
            (SessionMessageRow, SessionMessageRow.author_id),
            (EmailCodeRow, EmailCodeRow.user_id),
            (VerifiedEmailRow, VerifiedEmailRow.user_id),
            (UserBlockRow, UserBlockRow.blocker_id),
            (ReferralCreditRow, ReferralCreditRow.user_id),
        )
    }
    # Who brought them and whom they brought: the links go both ways.
    steps["referral"] = delete(ReferralRow).where(
        ReferralRow.guild_id == guild_id,
        or_(ReferralRow.referrer_id == user_id, ReferralRow.referred_id == user_id),
    )
    steps["delivery_summary"] = blanked(DeliveryRow, DeliveryRow.user_id, "summary")
    steps["dm_status"] = delete(DmStatusRow).where(DmStatusRow.user_id == user_id)
    return steps
