"""SQLAlchemy 2 typed table models.

Rows are persistence shapes only; repositories translate them to domain objects.
Discord snowflakes are stored as BIGINT.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from marketplace.storage.sealing import SealedJSON, SealedText
from marketplace.storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming convention (for Alembic)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), int: Integer()}


class GuildRow(Base):
    """A Discord server running its own marketplace."""

    __tablename__ = "guild"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class UserRow(Base):
    """A Discord user, across every guild; carries their IANA time zone."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    display_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MemberRow(Base):
    """A user's onboarding in one guild: the role they picked and when."""

    __tablename__ = "member"

    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16))
    interests: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SubjectRow(Base):
    """One subject of a guild's catalogue."""

    __tablename__ = "subject"
    __table_args__ = (UniqueConstraint("guild_id", "key", name="uq_subject_guild_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class StudentProfileRow(Base):
    """A student's learning profile in one guild."""

    __tablename__ = "student_profile"
    __table_args__ = (
        ForeignKeyConstraint(
            ["guild_id", "user_id"], ["member.guild_id", "member.user_id"], ondelete="CASCADE"
        ),
    )

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    goals: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime]


class StudentSubjectRow(Base):
    """A subject a student wants help with, at their level."""

    __tablename__ = "student_subject"
    __table_args__ = (
        ForeignKeyConstraint(
            ["guild_id", "user_id"],
            ["student_profile.guild_id", "student_profile.user_id"],
            ondelete="CASCADE",
        ),
    )

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))


class TutorProfileRow(Base):
    """A tutor's public profile in one guild."""

    __tablename__ = "tutor_profile"
    __table_args__ = (
        ForeignKeyConstraint(
            ["guild_id", "user_id"], ["member.guild_id", "member.user_id"], ondelete="CASCADE"
        ),
        Index("ix_tutor_profile_guild_status", "guild_id", "status"),
        # Every column search filters or orders on, so ranking a subject's tutors reads
        # this index and not the wide rows (migration 0019).
        Index(
            "ix_tutor_profile_search",
            "guild_id",
            "user_id",
            "status",
            "rate_minor",
            "verification",
            "penalty_until",
            "review_count",
            "review_star_sum",
            "sessions_held",
            "sessions_dropped",
            "next_slot_at",
        ),
    )

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    rate_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    bio: Mapped[str] = mapped_column(Text, default="")
    formats: Mapped[str] = mapped_column(String(32))
    instant_booking: Mapped[bool] = mapped_column(Boolean, default=False)
    verification: Mapped[str] = mapped_column(String(24), default="none")
    status: Mapped[str] = mapped_column(String(16), default="active")
    next_slot_at: Mapped[datetime | None]
    penalty_until: Mapped[datetime | None]
    # The completion rate's counts (marketplace.domain.ranking), kept up to date by the
    # transactions that end a session or cancel a booking (migration 0011).
    sessions_held: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sessions_dropped: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Visible reviews of them as a tutor, and those reviews' stars added up: the rating
    # search orders and ranks on, kept up to date by the review repository (migration 0012).
    review_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    review_star_sum: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TutorSubjectRow(Base):
    """A subject a tutor teaches up to a level, or explicitly does not teach."""

    __tablename__ = "tutor_subject"
    __table_args__ = (
        ForeignKeyConstraint(
            ["guild_id", "user_id"],
            ["tutor_profile.guild_id", "tutor_profile.user_id"],
            ondelete="CASCADE",
        ),
        Index("ix_tutor_subject_lookup", "guild_id", "subject_key", "teaches", "level", "user_id"),
    )

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    teaches: Mapped[bool] = mapped_column(Boolean, default=True)


class AuditLogRow(Base):
    """Who changed what, when and why: admin and moderator actions."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_guild_at", "guild_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime]


class AvailabilityRuleRow(Base):
    """A weekly wall-clock window in the tutor's zone."""

    __tablename__ = "availability_rule"
    __table_args__ = (
        ForeignKeyConstraint(
            ["guild_id", "tutor_id"],
            ["tutor_profile.guild_id", "tutor_profile.user_id"],
            ondelete="CASCADE",
        ),
        # With the week range, "may be free then" is answered from the index (0019).
        Index(
            "ix_availability_rule_tutor", "guild_id", "tutor_id", "utc_week_start", "utc_week_end"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    tutor_id: Mapped[int] = mapped_column(BigInteger)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    start_minute: Mapped[int] = mapped_column(SmallInteger)
    end_minute: Mapped[int] = mapped_column(SmallInteger)
    zone: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    # Minutes since Monday 00:00 UTC, widened by an hour each way for daylight saving:
    # a coarse, indexable pre-filter for "available at <when>" searches.
    utc_week_start: Mapped[int] = mapped_column(SmallInteger)
    utc_week_end: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime]


class AvailabilityWindowRow(Base):
    """A one-off window (UTC), or a day off when `is_day_off`."""

    __tablename__ = "availability_window"
    __table_args__ = (
        ForeignKeyConstraint(
            ["guild_id", "tutor_id"],
            ["tutor_profile.guild_id", "tutor_profile.user_id"],
            ondelete="CASCADE",
        ),
        Index("ix_availability_window_tutor_end", "guild_id", "tutor_id", "end_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    tutor_id: Mapped[int] = mapped_column(BigInteger)
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    is_day_off: Mapped[bool] = mapped_column(Boolean, default=False)
    day: Mapped[date | None] = mapped_column(Date)
    zone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class BookingRow(Base):
    """One session between a student and a tutor.

    `block_start`/`block_end` are the tutor's occupied range, the buffer after the end
    included; PostgreSQL enforces that live bookings never overlap with an exclusion
    constraint (migration 0002), SQLite through BEGIN IMMEDIATE and a check in the service.
    """

    __tablename__ = "booking"
    __table_args__ = (
        Index("ix_booking_tutor_block", "guild_id", "tutor_id", "block_start"),
        # Live bookings only, by their end, carrying the times: the busy intervals around
        # a window without walking the tutor's whole history (migration 0019).
        Index(
            "ix_booking_tutor_live_end",
            "guild_id",
            "tutor_id",
            "block_end",
            "block_start",
            "start_at",
            "end_at",
            sqlite_where=text("live IS 1"),
            postgresql_where=text("live IS true"),
        ),
        Index("ix_booking_student_start", "guild_id", "student_id", "start_at"),
        Index("ix_booking_state_expires", "state", "expires_at"),
        Index("ix_booking_group", "group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(BigInteger)
    tutor_id: Mapped[int] = mapped_column(BigInteger)
    subject_key: Mapped[str] = mapped_column(String(80))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    block_start: Mapped[datetime]
    block_end: Mapped[datetime]
    live: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    price_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    cancelled_by: Mapped[str | None] = mapped_column(String(16))
    cancelled_at: Mapped[datetime | None]
    cancelled_late: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled_after_start: Mapped[bool] = mapped_column(Boolean, default=False)
    proposed_start: Mapped[datetime | None]
    proposed_end: Mapped[datetime | None]
    proposed_by: Mapped[str | None] = mapped_column(String(16))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    instant: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(String(24))
    version: Mapped[int] = mapped_column(Integer, default=0)
    group_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a group's seat


class ScheduledActionRow(Base):
    """Durable due work: reminders, expiry, nudges. Claimed with a lease by the sweeper."""

    __tablename__ = "scheduled_action"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_scheduled_action_dedupe_key"),
        Index("ix_scheduled_action_due", "state", "due_at"),
        Index("ix_scheduled_action_booking", "booking_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    dedupe_key: Mapped[str] = mapped_column(String(120))
    guild_id: Mapped[int] = mapped_column(BigInteger)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    due_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(200))


class DeliveryRow(Base):
    """A message the bot owed someone: how it went out (DM or fallback) and when.

    `nonce` is deterministic per message, so a retry after a crash never posts twice.
    """

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("nonce", name="uq_delivery_nonce"),
        Index("ix_delivery_user", "guild_id", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(25))
    guild_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class DmStatusRow(Base):
    """A user whose DMs are closed: the bot stops trying them until `retry_after`."""

    __tablename__ = "dm_status"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    closed_at: Mapped[datetime]
    retry_after: Mapped[datetime]


class UserBlockRow(Base):
    """`/block`: the two users never see each other in search or bookings."""

    __tablename__ = "user_block"
    # Who blocked the viewer, read once per search (migration 0019).
    __table_args__ = (Index("ix_user_block_blocked", "guild_id", "blocked_id", "blocker_id"),)

    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild.id", ondelete="CASCADE"), primary_key=True
    )
    blocker_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    blocked_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    created_at: Mapped[datetime]


class RestrictionRow(Base):
    """A moderator restriction: the user cannot book or be booked until `until`."""

    __tablename__ = "restriction"

    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    until: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class PaymentRow(Base):
    """The money side of one booking: the price, what the card holds, what moved since.

    `version` goes up by one on every save, so a stale writer can be detected.
    """

    __tablename__ = "payment"
    __table_args__ = (
        UniqueConstraint("checkout_session_id", name="uq_payment_checkout_session_id"),
        UniqueConstraint("payment_intent_id", name="uq_payment_payment_intent_id"),
        Index("ix_payment_guild", "guild_id"),
    )

    booking_id: Mapped[int] = mapped_column(
        ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    guild_id: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    rate_minor: Mapped[int] = mapped_column(BigInteger)
    fee_minor: Mapped[int] = mapped_column(BigInteger)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    capture: Mapped[str] = mapped_column(String(16))
    checkout_session_id: Mapped[str | None] = mapped_column(String(255))
    payment_intent_id: Mapped[str | None] = mapped_column(String(255))
    authorized: Mapped[int] = mapped_column(BigInteger, default=0)
    captured: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    released: Mapped[int] = mapped_column(BigInteger, default=0)
    fees: Mapped[int] = mapped_column(BigInteger, default=0)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    failed: Mapped[bool] = mapped_column(Boolean, default=False)
    dispute_open: Mapped[bool] = mapped_column(Boolean, default=False)
    payout_due_at: Mapped[datetime | None]
    transfer_id: Mapped[str | None] = mapped_column(String(255))
    capture_before: Mapped[datetime | None]  # the card authorization's deadline (Stripe's)
    charged_back: Mapped[int] = mapped_column(BigInteger, default=0)
    dispute_fees: Mapped[int] = mapped_column(BigInteger, default=0)
    reversed: Mapped[int] = mapped_column(BigInteger, default=0)
    covered: Mapped[int] = mapped_column(BigInteger, default=0)
    refunds_failed: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_elsewhere: Mapped[int] = mapped_column(BigInteger, default=0)
    # A referral credit taken off the fee (fee_minor and total_minor are after it), what of
    # it was given back to the student, and what paid its part of the fee at the payout.
    credit_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    credit_restored: Mapped[int] = mapped_column(BigInteger, default=0)
    credited: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=0)


class CardDisputeRow(Base):
    """A card dispute (chargeback) of a booking's payment, as Stripe last reported it.

    `evidence` is the draft assembled when it opened (Stripe's evidence field names);
    `reversal_id` is the transfer reversal made when it was lost after the payout.
    """

    __tablename__ = "card_dispute"
    __table_args__ = (Index("ix_card_dispute_guild_status", "guild_id", "status"),)

    dispute_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    guild_id: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    due_by: Mapped[datetime | None]
    withdrawn: Mapped[int] = mapped_column(BigInteger, default=0)
    fee: Mapped[int] = mapped_column(BigInteger, default=0)
    submissions: Mapped[int] = mapped_column(Integer, default=0)
    evidence: Mapped[dict[str, Any]] = mapped_column(SealedJSON, default=dict)
    submitted_by: Mapped[int | None] = mapped_column(BigInteger)
    reversal_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class RefundFailureRow(Base):
    """A refund Stripe reported failed, and what a moderator decided about it.

    `state` is ``open`` (waiting for a moderator), ``retried`` (a new refund was asked
    for) or ``settled`` (given back outside Stripe).
    """

    __tablename__ = "refund_failure"
    __table_args__ = (Index("ix_refund_failure_guild_state", "guild_id", "state"),)

    refund_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    guild_id: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class LedgerEntryRow(Base):
    """One double-entry movement of a booking's money; `reference` makes it happen once."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        UniqueConstraint("reference", name="uq_ledger_entry_reference"),
        Index("ix_ledger_entry_guild_booking", "guild_id", "booking_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id"))
    source: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(16))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime]


class StripeEventRow(Base):
    """A webhook event already handled; inserted in the transaction of its state change."""

    __tablename__ = "stripe_event"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime]
    object_id: Mapped[str | None] = mapped_column(String(255))


class CheckoutTokenRow(Base):
    """An unguessable link token (≥ 128 random bits) that opens one booking's checkout."""

    __tablename__ = "checkout_token"
    __table_args__ = (Index("ix_checkout_token_booking", "booking_id"),)

    token: Mapped[str] = mapped_column(String(128), primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime]


class PayoutAccountRow(Base):
    """A tutor's Stripe Connect account in one guild, and whether it can receive payouts."""

    __tablename__ = "payout_account"
    __table_args__ = (UniqueConstraint("account_id", name="uq_payout_account_account_id"),)

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[str] = mapped_column(String(255))
    payouts_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    transfers_active: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[datetime]


class InstallationRow(Base):
    """This installation's identity (one row): the prefix of its Stripe idempotency keys."""

    __tablename__ = "installation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    key_prefix: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]


class CaseRow(Base):
    """A moderation case: a member's report, and how a moderator closed it."""

    __tablename__ = "moderation_case"
    __table_args__ = (
        Index("ix_moderation_case_guild_status", "guild_id", "status", "created_at"),
        Index("ix_moderation_case_guild_target", "guild_id", "target_id"),
        Index("ix_moderation_case_guild_reporter", "guild_id", "reporter_id", "created_at"),
        Index("ix_moderation_case_booking", "booking_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    reporter_id: Mapped[int] = mapped_column(BigInteger)
    target_id: Mapped[int] = mapped_column(BigInteger)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking.id", ondelete="SET NULL"), nullable=True
    )
    reason: Mapped[str] = mapped_column(SealedText)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    resolved_by: Mapped[int | None] = mapped_column(BigInteger)
    resolved_at: Mapped[datetime | None]
    action: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")


class DisputeRow(Base):
    """A participant's platform dispute about a booking, its evidence, and the decision.

    `statement` and `evidence` (with the session log and attachments) are sealed.
    """

    __tablename__ = "dispute"
    __table_args__ = (
        UniqueConstraint("booking_id", name="uq_dispute_booking_id"),
        Index("ix_dispute_guild_status", "guild_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    opened_by: Mapped[int] = mapped_column(BigInteger)
    opener_role: Mapped[str] = mapped_column(String(16))
    statement: Mapped[str] = mapped_column(SealedText)
    evidence: Mapped[dict[str, Any]] = mapped_column(SealedJSON, default=dict)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    resolved_by: Mapped[int | None] = mapped_column(BigInteger)
    resolved_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))
    refund_percent: Mapped[int | None] = mapped_column(SmallInteger)
    note: Mapped[str] = mapped_column(Text, default="")


class ReviewRow(Base):
    """One side's review of one booking: stars, four yes/no ratings, text, one reply."""

    __tablename__ = "review"
    __table_args__ = (
        UniqueConstraint("booking_id", "reviewer_id", name="uq_review_booking_reviewer"),
        Index("ix_review_guild_reviewee_status", "guild_id", "reviewee_id", "status"),
        Index("ix_review_guild_status", "guild_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(BigInteger)
    reviewee_id: Mapped[int] = mapped_column(BigInteger)
    stars: Mapped[int] = mapped_column(SmallInteger)
    on_time: Mapped[bool] = mapped_column(Boolean)
    explained_clearly: Mapped[bool] = mapped_column(Boolean)
    helped_understand: Mapped[bool] = mapped_column(Boolean)
    would_book_again: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    edited_at: Mapped[datetime | None]
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None]
    # why the review is held for moderation instead of counting (burst, retaliation, ...)
    flag_reason: Mapped[str | None] = mapped_column(String(32))


class AttendanceRow(Base):
    """A participant's check-in to a session, with its time (evidence for disputes)."""

    __tablename__ = "attendance"

    booking_id: Mapped[int] = mapped_column(
        ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    checked_in_at: Mapped[datetime]
    via: Mapped[str] = mapped_column(String(8), default="button", server_default="button")


class SurveyResponseRow(Base):
    """One participant's post-session survey answer, with its time."""

    __tablename__ = "survey_response"
    __table_args__ = (
        UniqueConstraint("booking_id", "user_id", name="uq_survey_response_booking_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    answer: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime]


class SessionSpaceRow(Base):
    """A booking's session space on Discord: its thread or channel, voice, and consent."""

    __tablename__ = "session_space"
    __table_args__ = (
        Index("ix_session_space_status_claimed", "status", "claimed_at"),
        Index("ix_session_space_voice", "guild_id", "voice_id"),
        Index("ix_session_space_text", "guild_id", "text_id"),
    )

    booking_id: Mapped[int] = mapped_column(
        ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True
    )
    guild_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    claimed_at: Mapped[datetime]
    text_place: Mapped[str] = mapped_column(String(16), default="none")
    text_id: Mapped[int | None] = mapped_column(BigInteger)
    voice_id: Mapped[int | None] = mapped_column(BigInteger)
    fallback: Mapped[str] = mapped_column(String(64), default="")
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    student_agreed_at: Mapped[datetime | None]
    tutor_agreed_at: Mapped[datetime | None]


class NoteGoalsRow(Base):
    """The goals a student and a tutor share; `version` makes concurrent edits safe."""

    __tablename__ = "note_goals"

    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tutor_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime]


class ProgressNoteRow(Base):
    """One progress note of a student-tutor pair, with its author, time and booking."""

    __tablename__ = "progress_note"
    __table_args__ = (
        Index("ix_progress_note_pair", "guild_id", "student_id", "tutor_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(BigInteger)
    tutor_id: Mapped[int] = mapped_column(BigInteger)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking.id", ondelete="SET NULL"), nullable=True
    )
    author_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class NoteTemplateRow(Base):
    """A tutor's starting text for the notes they add on one subject's bookings."""

    __tablename__ = "note_template"
    __table_args__ = (
        ForeignKeyConstraint(
            ["guild_id", "tutor_id"],
            ["tutor_profile.guild_id", "tutor_profile.user_id"],
            ondelete="CASCADE",
        ),
    )

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tutor_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class EmailCodeRow(Base):
    """The one-time code a member was sent to prove a campus address (one per member)."""

    __tablename__ = "email_code"

    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    address: Mapped[str] = mapped_column(SealedText)
    address_hash: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    last_sent_at: Mapped[datetime]
    sends: Mapped[int] = mapped_column(SmallInteger, default=1)
    sends_since: Mapped[datetime]


class VerifiedEmailRow(Base):
    """A campus address proved by a member: one member per address per guild."""

    __tablename__ = "verified_email"
    __table_args__ = (Index("ix_verified_email_guild_user", "guild_id", "user_id"),)

    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild.id", ondelete="CASCADE"), primary_key=True
    )
    address_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    address: Mapped[str] = mapped_column(SealedText)
    verified_at: Mapped[datetime]


class VerificationRequestRow(Base):
    """A tutor's request for `moderator-verified`, with their files and a note."""

    __tablename__ = "verification_request"
    __table_args__ = (
        Index("ix_verification_request_guild_status", "guild_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(SealedText)
    files: Mapped[list[dict[str, Any]]] = mapped_column(SealedJSON, default=list)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(SealedText, default="")


class SessionMessageRow(Base):
    """A message written in a session space (its thread or voice text chat), sealed."""

    __tablename__ = "session_message"
    __table_args__ = (
        Index("ix_session_message_booking_sent", "booking_id", "sent_at"),
        Index("ix_session_message_booking_author_sent", "booking_id", "author_id", "sent_at"),
        Index("ix_session_message_sent", "sent_at"),
        Index("ix_session_message_guild_author", "guild_id", "author_id"),
    )

    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(BigInteger)
    author_id: Mapped[int] = mapped_column(BigInteger)
    sent_at: Mapped[datetime]
    edited_at: Mapped[datetime | None]
    text: Mapped[str] = mapped_column(SealedText)
    attachments: Mapped[list[str]] = mapped_column(SealedJSON, default=list)


class MessageFlagRow(Base):
    """A screened message (or a burst of them) flagged for moderators, and the decision."""

    __tablename__ = "message_flag"
    __table_args__ = (
        Index("ix_message_flag_guild_status", "guild_id", "status", "created_at"),
        Index("ix_message_flag_guild_author", "guild_id", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking.id", ondelete="SET NULL"), nullable=True
    )
    message_id: Mapped[int] = mapped_column(BigInteger)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    author_id: Mapped[int] = mapped_column(BigInteger)
    kinds: Mapped[str] = mapped_column(String(64))
    context: Mapped[dict[str, Any]] = mapped_column(SealedJSON, default=dict)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None]


class ScreeningReminderRow(Base):
    """A policy reminder given to a member in a session, once per kind of flag."""

    __tablename__ = "screening_reminder"

    booking_id: Mapped[int] = mapped_column(
        ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    sent_at: Mapped[datetime]


class BookingChannelRow(Base):
    """The channel a booking was made in: where its space opens if nothing else can."""

    __tablename__ = "booking_channel"

    booking_id: Mapped[int] = mapped_column(
        ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True
    )
    channel_id: Mapped[int] = mapped_column(BigInteger)


class KeptNoticeRow(Base):
    """A notice no DM or channel could carry; delivered when its member next interacts."""

    __tablename__ = "kept_notice"
    __table_args__ = (Index("ix_kept_notice_user", "user_id"),)

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking.id", ondelete="CASCADE"), nullable=True
    )
    counterpart_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    kept_at: Mapped[datetime]


class DropInHoursRow(Base):
    """One subject's drop-in office hours: the channel with the live queue, its tutors.

    At most one open row per guild and subject (a partial unique index): a second tutor
    who opens the same subject's hours joins them instead.
    """

    __tablename__ = "dropin_hours"
    __table_args__ = (
        Index(
            "uq_dropin_hours_open",
            "guild_id",
            "subject_key",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    subject_key: Mapped[str] = mapped_column(String(80))
    channel_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    opened_by: Mapped[int] = mapped_column(BigInteger)
    opened_at: Mapped[datetime]
    until: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    tutor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    board_version: Mapped[int] = mapped_column(Integer, default=0)


class DropInVisitRow(Base):
    """One student's visit to a drop-in queue: waiting, being helped, or over.

    A student is in at most one queue of a guild at a time (a partial unique index).
    """

    __tablename__ = "dropin_visit"
    __table_args__ = (
        Index("ix_dropin_visit_hours_state", "hours_id", "state", "behind", "order_at"),
        Index("ix_dropin_visit_guild_ended", "guild_id", "ended_at"),
        Index(
            "uq_dropin_visit_in_queue",
            "guild_id",
            "student_id",
            unique=True,
            sqlite_where=text("state IN ('waiting', 'helping')"),
            postgresql_where=text("state IN ('waiting', 'helping')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hours_id: Mapped[int] = mapped_column(ForeignKey("dropin_hours.id", ondelete="CASCADE"))
    guild_id: Mapped[int] = mapped_column(BigInteger)
    student_id: Mapped[int] = mapped_column(BigInteger)
    topic: Mapped[str] = mapped_column(Text, default="")
    joined_at: Mapped[datetime]
    order_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))
    behind: Mapped[bool] = mapped_column(Boolean, default=False)
    skips: Mapped[int] = mapped_column(Integer, default=0)
    tutor_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking.id", ondelete="SET NULL"), nullable=True
    )
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]


class DropInHelpRow(Base):
    """A session booked by **Next** for one drop-in help (a skipped call keeps its row).

    The exports count these sessions as drop-in hours, not as booked sessions.
    """

    __tablename__ = "dropin_help"

    booking_id: Mapped[int] = mapped_column(
        ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True
    )
    visit_id: Mapped[int] = mapped_column(ForeignKey("dropin_visit.id", ondelete="CASCADE"))


class BookingSeriesRow(Base):
    """A weekly series: one request for several weekly sessions, each a booking of its own."""

    __tablename__ = "booking_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(BigInteger)
    tutor_id: Mapped[int] = mapped_column(BigInteger)
    subject_key: Mapped[str] = mapped_column(String(80))
    weeks: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]


class SeriesBookingRow(Base):
    """One week of a series: its booking and which week it is (0 = the first)."""

    __tablename__ = "series_booking"
    __table_args__ = (Index("ix_series_booking_series", "series_id", "week_index"),)

    booking_id: Mapped[int] = mapped_column(
        ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True
    )
    series_id: Mapped[int] = mapped_column(ForeignKey("booking_series.id", ondelete="CASCADE"))
    week_index: Mapped[int] = mapped_column(Integer)


class SeriesCardSetupRow(Base):
    """The checkout (in setup mode) that saves the student's card for a paid series."""

    __tablename__ = "series_card_setup"

    series_id: Mapped[int] = mapped_column(
        ForeignKey("booking_series.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime]


class PaymentCustomerRow(Base):
    """A member's customer at the payment provider, one per guild (paid series)."""

    __tablename__ = "payment_customer"

    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime]


class SavedPaymentMethodRow(Base):
    """The card a member saved for a paid series' weekly authorizations (one per guild)."""

    __tablename__ = "saved_payment_method"

    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(255))
    payment_method_id: Mapped[str] = mapped_column(String(255))
    saved_at: Mapped[datetime]


class SubjectDemandRow(Base):
    """How often a subject was searched on one local day, and how often in vain.

    One row per guild, subject and day in the guild's zone, counted up by every `/find`;
    the weekly report reads the week's rows.
    """

    __tablename__ = "subject_demand"

    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild.id", ondelete="CASCADE"), primary_key=True
    )
    subject_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    searches: Mapped[int] = mapped_column(Integer, default=0)
    unmet: Mapped[int] = mapped_column(Integer, default=0)


class GroupSessionRow(Base):
    """A group session: the tutor's time while `live`, its seats, the price of one.

    On PostgreSQL live groups never overlap each other (an exclusion constraint), nor a
    tutor's live bookings (a trigger on each table, migration 0025).
    """

    __tablename__ = "group_session"
    __table_args__ = (
        Index("ix_group_session_open", "guild_id", "state", "start_at"),
        Index(
            "ix_group_session_tutor_live",
            "guild_id",
            "tutor_id",
            "block_end",
            "block_start",
            sqlite_where=text("live IS 1"),
            postgresql_where=text("live IS true"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    tutor_id: Mapped[int] = mapped_column(BigInteger)
    subject_key: Mapped[str] = mapped_column(String(80))
    level: Mapped[str | None] = mapped_column(String(40), nullable=True)
    title: Mapped[str] = mapped_column(String(80))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    block_start: Mapped[datetime]
    block_end: Mapped[datetime]
    live: Mapped[bool] = mapped_column(Boolean, default=True)
    seats: Mapped[int] = mapped_column(Integer)
    min_seats: Mapped[int] = mapped_column(Integer)
    price_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class GroupWaitlistRow(Base):
    """One member's place on a group session's waitlist (one row per member and group)."""

    __tablename__ = "group_waitlist"
    __table_args__ = (
        UniqueConstraint("group_id", "user_id", name="uq_group_waitlist_member"),
        Index("ix_group_waitlist_line", "group_id", "state", "joined_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group_session.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    joined_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))
    offered_until: Mapped[datetime | None]


class ReferralRow(Base):
    """A member who named who brought them (`/start referred_by:`): one per member and guild.

    `booking_id` is the referred student's first session that took place; `credit_minor`
    and `currency` what the referrer was granted for it (0 in a free guild).
    """

    __tablename__ = "referral"
    __table_args__ = (
        UniqueConstraint("guild_id", "referred_id", name="uq_referral_guild_referred"),
        Index("ix_referral_guild_referrer", "guild_id", "referrer_id", "created_at"),
        Index("ix_referral_booking", "booking_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    referrer_id: Mapped[int] = mapped_column(BigInteger)
    referred_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking.id", ondelete="SET NULL"), nullable=True
    )
    credit_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str | None] = mapped_column(String(3))
    created_at: Mapped[datetime]
    earned_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]


class ReferralCreditRow(Base):
    """A member's referral credit in one guild and currency, in minor units.

    Locked (`FOR UPDATE`) by whatever changes it, so two bookings at once never use the
    same credit; `owed` is credit withdrawn after it was spent (see domain/referrals.py).
    """

    __tablename__ = "referral_credit"
    __table_args__ = (
        CheckConstraint("balance_minor >= 0", name="balance_not_negative"),
        CheckConstraint("owed_minor >= 0", name="owed_not_negative"),
    )

    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    balance_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    owed_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime]
