"""The SQLAlchemy unit of work: one session, one transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from marketplace.logs import Transitions
from marketplace.storage.attendance_repository import SqlAttendanceLog
from marketplace.storage.availability_repository import SqlAvailabilityRepository
from marketplace.storage.booking_channel_repository import SqlBookingChannels
from marketplace.storage.booking_repository import SqlBookingRepository
from marketplace.storage.card_dispute_repository import SqlCardDisputes, SqlRefundFailures
from marketplace.storage.case_repository import SqlCaseRepository
from marketplace.storage.demand_repository import SqlDemandLog
from marketplace.storage.dispute_repository import SqlDisputeRepository
from marketplace.storage.dropin_repository import SqlDropInRepository
from marketplace.storage.email_repository import SqlEmailVerifications
from marketplace.storage.engine import Database
from marketplace.storage.export_repository import SqlExportReads
from marketplace.storage.kept_notice_repository import SqlKeptNotices
from marketplace.storage.marketplace_repositories import (
    SqlBlockRepository,
    SqlDeliveryLog,
    SqlSearchIndex,
)
from marketplace.storage.notes_repository import SqlNotesRepository
from marketplace.storage.offense_repository import SqlOffenses
from marketplace.storage.payment_repository import (
    SqlCheckoutTokens,
    SqlLedger,
    SqlPaymentRepository,
    SqlPayoutAccounts,
    SqlWebhookEvents,
)
from marketplace.storage.privacy_repository import SqlPrivacyRepository
from marketplace.storage.read_cache import CacheAccess, ReadCache
from marketplace.storage.referral_repository import SqlReferralRepository
from marketplace.storage.repositories import (
    SqlAuditLog,
    SqlGuildRepository,
    SqlMemberRepository,
    SqlStudentRepository,
    SqlSubjectRepository,
    SqlTutorRepository,
    SqlUserRepository,
)
from marketplace.storage.review_repository import SqlReviewRepository
from marketplace.storage.scheduled_actions import SqlScheduledActions
from marketplace.storage.series_repository import SqlSeriesRepository
from marketplace.storage.session_log_repository import SqlMessageFlags, SqlSessionLogs
from marketplace.storage.space_repository import SqlSpaceRepository
from marketplace.storage.stats_repository import SqlStatsRepository
from marketplace.storage.survey_repository import SqlSurveyRepository
from marketplace.storage.verification_request_repository import SqlVerificationRequests


class SqlUnitOfWork:
    """Rolls back on exit unless `commit()` was called; nothing is half-written."""

    guilds: SqlGuildRepository
    users: SqlUserRepository
    members: SqlMemberRepository
    subjects: SqlSubjectRepository
    students: SqlStudentRepository
    tutors: SqlTutorRepository
    audit: SqlAuditLog
    availability: SqlAvailabilityRepository
    bookings: SqlBookingRepository
    search: SqlSearchIndex
    blocks: SqlBlockRepository
    deliveries: SqlDeliveryLog
    scheduled: SqlScheduledActions
    payments: SqlPaymentRepository
    ledger: SqlLedger
    webhook_events: SqlWebhookEvents
    checkout_tokens: SqlCheckoutTokens
    payout_accounts: SqlPayoutAccounts
    cases: SqlCaseRepository
    disputes: SqlDisputeRepository
    card_disputes: SqlCardDisputes
    refund_failures: SqlRefundFailures
    reviews: SqlReviewRepository
    attendance: SqlAttendanceLog
    surveys: SqlSurveyRepository
    dropins: SqlDropInRepository
    demand: SqlDemandLog
    series: SqlSeriesRepository
    referrals: SqlReferralRepository
    notes: SqlNotesRepository
    spaces: SqlSpaceRepository
    booking_channels: SqlBookingChannels
    kept_notices: SqlKeptNotices
    privacy: SqlPrivacyRepository
    stats: SqlStatsRepository
    exports: SqlExportReads
    emails: SqlEmailVerifications
    session_logs: SqlSessionLogs
    message_flags: SqlMessageFlags
    offenses: SqlOffenses
    verification_requests: SqlVerificationRequests

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        write_lock: asyncio.Lock | None = None,
        cache: ReadCache | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        self._session_factory = session_factory
        self._write_lock = write_lock
        self._cache = cache
        self._read_only = read_only
        self._after_commit: list[Callable[[], None]] = []
        self._session: AsyncSession | None = None
        self._transitions = Transitions()

    @property
    def session(self) -> AsyncSession:
        """The open session; only valid inside `async with`."""
        if self._session is None:
            msg = "unit of work used outside `async with`"
            raise RuntimeError(msg)
        return self._session

    async def __aenter__(self) -> Self:
        if self._write_lock is not None:
            await self._write_lock.acquire()
        session = self._session_factory()
        self._session = session
        cache = None
        if self._cache is not None:
            cache = CacheAccess(self._cache, True, self._after_commit.append)
        self.guilds = SqlGuildRepository(session, cache)
        self.users = SqlUserRepository(session, cache)
        self.members = SqlMemberRepository(session)
        self.subjects = SqlSubjectRepository(session, cache)
        self.students = SqlStudentRepository(session)
        self.tutors = SqlTutorRepository(session)
        self.audit = SqlAuditLog(session)
        self.availability = SqlAvailabilityRepository(session)
        self.bookings = SqlBookingRepository(session, self._transitions)
        self.search = SqlSearchIndex(session)
        self.blocks = SqlBlockRepository(session, self._transitions)
        self.deliveries = SqlDeliveryLog(session)
        self.scheduled = SqlScheduledActions(session)
        self.payments = SqlPaymentRepository(session, self._transitions)
        self.ledger = SqlLedger(session)
        self.webhook_events = SqlWebhookEvents(session)
        self.checkout_tokens = SqlCheckoutTokens(session)
        self.payout_accounts = SqlPayoutAccounts(session)
        self.cases = SqlCaseRepository(session, self._transitions)
        self.disputes = SqlDisputeRepository(session, self._transitions)
        self.card_disputes = SqlCardDisputes(session)
        self.refund_failures = SqlRefundFailures(session)
        self.reviews = SqlReviewRepository(session)
        self.attendance = SqlAttendanceLog(session)
        self.surveys = SqlSurveyRepository(session)
        self.dropins = SqlDropInRepository(session)
        self.demand = SqlDemandLog(session)
        self.series = SqlSeriesRepository(session)
        self.referrals = SqlReferralRepository(session)
        self.notes = SqlNotesRepository(session)
        self.spaces = SqlSpaceRepository(session)
        self.booking_channels = SqlBookingChannels(session)
        self.kept_notices = SqlKeptNotices(session)
        self.privacy = SqlPrivacyRepository(session, cache)
        self.stats = SqlStatsRepository(session)
        self.exports = SqlExportReads(session)
        self.emails = SqlEmailVerifications(session)
        self.session_logs = SqlSessionLogs(session)
        self.message_flags = SqlMessageFlags(session)
        self.offenses = SqlOffenses(session)
        self.verification_requests = SqlVerificationRequests(session, self._transitions)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        self._transitions.discard()  # committed ones were logged; the rest never happened
        try:
            if session.in_transaction():  # nothing to undo after a commit
                await session.rollback()
        finally:
            await session.close()
            if self._write_lock is not None:
                self._write_lock.release()

    async def commit(self) -> None:
        """Make the changes durable (and drop what they made stale in the read cache)."""
        await self.session.commit()
        self._transitions.log_committed()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()


class UnitOfWorkFactory:
    """Builds units of work on one database; `read_only=True` for plain reads."""

    def __init__(self, database: Database, cache: ReadCache | None = None) -> None:
        self._database = database
        self._cache = cache or ReadCache()

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        """A fresh unit of work; a read-only one never takes SQLite's write lock."""
        if read_only:
            return SqlUnitOfWork(self._database.reader, None, self._cache, read_only=True)
        return SqlUnitOfWork(self._database.writer, self._database.write_lock, self._cache)
