"""The SQLAlchemy unit of work: one session, one transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Generic, Self, TypeVar

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
from marketplace.storage.group_repository import SqlGroupRepository
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
from marketplace.storage.series_repository import SqlSavedCards, SqlSeriesRepository
from marketplace.storage.session_log_repository import SqlMessageFlags, SqlSessionLogs
from marketplace.storage.space_repository import SqlSpaceRepository
from marketplace.storage.stats_repository import SqlStatsRepository
from marketplace.storage.survey_repository import SqlSurveyRepository
from marketplace.storage.verification_request_repository import SqlVerificationRequests

R = TypeVar("R")


class _Repository(Generic[R]):
    """A repository of the unit of work, made on first use and then kept for the transaction.

    A non-data descriptor: `make` runs on the first read, whose result is stored in the
    unit of work's `__dict__`, which Python reads first from then on.
    """

    def __init__(self, make: Callable[[SqlUnitOfWork], R]) -> None:
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, uow: SqlUnitOfWork, owner: type | None = None) -> R:
        repository = self._make(uow)
        uow.__dict__[self._name] = repository
        uow._made.append(self._name)
        return repository


class SqlUnitOfWork:
    """Rolls back on exit unless `commit()` was called; nothing is half-written.

    Each repository is made on first use in a transaction (`_Repository`): a unit of
    work reads or writes through a few of its forty-odd, and is made for every interaction.
    """

    _session: AsyncSession | None
    _cache_access: CacheAccess | None
    _transitions: Transitions
    _made: list[str]  # the repositories made in this transaction

    guilds = _Repository(lambda uow: SqlGuildRepository(uow.session, uow._cache_access))
    users = _Repository(lambda uow: SqlUserRepository(uow.session, uow._cache_access))
    members = _Repository(lambda uow: SqlMemberRepository(uow.session))
    subjects = _Repository(lambda uow: SqlSubjectRepository(uow.session, uow._cache_access))
    students = _Repository(lambda uow: SqlStudentRepository(uow.session))
    tutors = _Repository(lambda uow: SqlTutorRepository(uow.session))
    audit = _Repository(lambda uow: SqlAuditLog(uow.session))
    availability = _Repository(lambda uow: SqlAvailabilityRepository(uow.session))
    bookings = _Repository(lambda uow: SqlBookingRepository(uow.session, uow._transitions))
    search = _Repository(lambda uow: SqlSearchIndex(uow.session))
    blocks = _Repository(lambda uow: SqlBlockRepository(uow.session, uow._transitions))
    deliveries = _Repository(lambda uow: SqlDeliveryLog(uow.session))
    scheduled = _Repository(lambda uow: SqlScheduledActions(uow.session))
    payments = _Repository(lambda uow: SqlPaymentRepository(uow.session, uow._transitions))
    ledger = _Repository(lambda uow: SqlLedger(uow.session))
    webhook_events = _Repository(lambda uow: SqlWebhookEvents(uow.session))
    checkout_tokens = _Repository(lambda uow: SqlCheckoutTokens(uow.session))
    payout_accounts = _Repository(lambda uow: SqlPayoutAccounts(uow.session))
    cases = _Repository(lambda uow: SqlCaseRepository(uow.session, uow._transitions))
    disputes = _Repository(lambda uow: SqlDisputeRepository(uow.session, uow._transitions))
    card_disputes = _Repository(lambda uow: SqlCardDisputes(uow.session))
    refund_failures = _Repository(lambda uow: SqlRefundFailures(uow.session))
    reviews = _Repository(lambda uow: SqlReviewRepository(uow.session))
    attendance = _Repository(lambda uow: SqlAttendanceLog(uow.session))
    surveys = _Repository(lambda uow: SqlSurveyRepository(uow.session))
    dropins = _Repository(lambda uow: SqlDropInRepository(uow.session))
    demand = _Repository(lambda uow: SqlDemandLog(uow.session))
    series = _Repository(lambda uow: SqlSeriesRepository(uow.session))
    groups = _Repository(lambda uow: SqlGroupRepository(uow.session))
    saved_cards = _Repository(lambda uow: SqlSavedCards(uow.session))
    referrals = _Repository(lambda uow: SqlReferralRepository(uow.session))
    notes = _Repository(lambda uow: SqlNotesRepository(uow.session))
    spaces = _Repository(lambda uow: SqlSpaceRepository(uow.session))
    booking_channels = _Repository(lambda uow: SqlBookingChannels(uow.session))
    kept_notices = _Repository(lambda uow: SqlKeptNotices(uow.session))
    privacy = _Repository(lambda uow: SqlPrivacyRepository(uow.session, uow._cache_access))
    stats = _Repository(lambda uow: SqlStatsRepository(uow.session))
    exports = _Repository(lambda uow: SqlExportReads(uow.session))
    emails = _Repository(lambda uow: SqlEmailVerifications(uow.session))
    session_logs = _Repository(lambda uow: SqlSessionLogs(uow.session))
    message_flags = _Repository(lambda uow: SqlMessageFlags(uow.session))
    offenses = _Repository(lambda uow: SqlOffenses(uow.session))
    verification_requests = _Repository(
        lambda uow: SqlVerificationRequests(uow.session, uow._transitions)
    )

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
        self._session = None
        self._cache_access = None
        self._transitions = Transitions()
        self._made = []

    def _forget_repositories(self) -> None:
        for name in self._made:
            del self.__dict__[name]
        self._made.clear()

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
        self._forget_repositories()  # those of an earlier transaction of this object
        self._session = self._session_factory()
        self._cache_access = None
        if self._cache is not None:
            self._cache_access = CacheAccess(self._cache, True, self._after_commit.append)
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
