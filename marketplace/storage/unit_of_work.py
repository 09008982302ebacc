"""The SQLAlchemy unit of work: one session, one transaction."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from marketplace.storage.availability_repository import SqlAvailabilityRepository
from marketplace.storage.booking_repository import SqlBookingRepository
from marketplace.storage.engine import Database
from marketplace.storage.marketplace_repositories import (
    SqlBlockRepository,
    SqlDeliveryLog,
    SqlSearchIndex,
)
from marketplace.storage.repositories import (
    SqlAuditLog,
    SqlGuildRepository,
    SqlMemberRepository,
    SqlStudentRepository,
    SqlSubjectRepository,
    SqlTutorRepository,
    SqlUserRepository,
)
from marketplace.storage.scheduled_actions import SqlScheduledActions


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

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        write_lock: asyncio.Lock | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._write_lock = write_lock
        self._session: AsyncSession | None = None

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
        self.guilds = SqlGuildRepository(session)
        self.users = SqlUserRepository(session)
        self.members = SqlMemberRepository(session)
        self.subjects = SqlSubjectRepository(session)
        self.students = SqlStudentRepository(session)
        self.tutors = SqlTutorRepository(session)
        self.audit = SqlAuditLog(session)
        self.availability = SqlAvailabilityRepository(session)
        self.bookings = SqlBookingRepository(session)
        self.search = SqlSearchIndex(session)
        self.blocks = SqlBlockRepository(session)
        self.deliveries = SqlDeliveryLog(session)
        self.scheduled = SqlScheduledActions(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        try:
            await session.rollback()
        finally:
            await session.close()
            if self._write_lock is not None:
                self._write_lock.release()

    async def commit(self) -> None:
        """Make the changes durable."""
        await self.session.commit()


class UnitOfWorkFactory:
    """Builds units of work on one database; `read_only=True` for plain reads."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        """A fresh unit of work; a read-only one never takes SQLite's write lock."""
        if read_only:
            return SqlUnitOfWork(self._database.reader)
        return SqlUnitOfWork(self._database.writer, self._database.write_lock)
