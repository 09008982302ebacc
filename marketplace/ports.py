"""Protocols the services depend on. Storage and Discord adapters implement them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from marketplace.domain.members import Member, Subject
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.profiles import StudentProfile, TutorProfile


class Clock(Protocol):
    """Tells the time; tests pass a fixed or stepping clock."""

    def now(self) -> datetime:
        """The current aware UTC time."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current aware UTC time."""
        return datetime.now(UTC)


class GuildRepository(Protocol):
    """Guilds and their per-guild policy."""

    async def ensure(self, guild_id: int, name: str, now: datetime) -> bool:
        """Create the guild row if it is missing (True then); keep its name current."""
        ...

    async def policy(self, guild_id: int) -> GuildPolicy:
        """The guild's policy: defaults overlaid with what its admins set."""
        ...

    async def save_policy(self, guild_id: int, policy: GuildPolicy, now: datetime) -> None:
        """Store the policy's non-default values."""
        ...


class UserRepository(Protocol):
    """Users across guilds."""

    async def ensure(self, user_id: int, now: datetime) -> None:
        """Create the user row if it is missing."""
        ...

    async def timezone(self, user_id: int) -> str | None:
        """The user's IANA zone, if they set one."""
        ...

    async def set_timezone(self, user_id: int, zone: str, now: datetime) -> None:
        """Store the user's IANA zone."""
        ...


class MemberRepository(Protocol):
    """Onboarded members of a guild."""

    async def get(self, guild_id: int, user_id: int) -> Member | None:
        """The member, if they ran /start in this guild."""
        ...

    async def save(self, member: Member, now: datetime) -> None:
        """Insert or update the member."""
        ...


class SubjectRepository(Protocol):
    """A guild's subject catalogue."""

    async def all(self, guild_id: int) -> list[Subject]:
        """Every active subject, by name."""
        ...

    async def add(self, guild_id: int, subject: Subject) -> None:
        """Add a subject (or reactivate it)."""
        ...

    async def remove(self, guild_id: int, key: str) -> bool:
        """Deactivate a subject; False if it was not there."""
        ...


class StudentRepository(Protocol):
    """Student profiles."""

    async def get(self, guild_id: int, user_id: int) -> StudentProfile | None:
        """The student's profile in this guild."""
        ...

    async def save(
        self, guild_id: int, user_id: int, profile: StudentProfile, now: datetime
    ) -> None:
        """Insert or replace the student's profile."""
        ...


class TutorRepository(Protocol):
    """Tutor profiles."""

    async def get(self, guild_id: int, user_id: int) -> TutorProfile | None:
        """The tutor's profile in this guild."""
        ...

    async def save(self, guild_id: int, user_id: int, profile: TutorProfile, now: datetime) -> None:
        """Insert or replace the tutor's profile."""
        ...


class AuditLog(Protocol):
    """Admin and moderator actions, for accountability."""

    async def record(
        self, guild_id: int, actor_id: int, action: str, detail: dict[str, Any], at: datetime
    ) -> None:
        """Append one entry."""
        ...

    async def recent(self, guild_id: int, limit: int) -> Sequence[tuple[datetime, int, str]]:
        """The latest entries: when, who, what."""
        ...


class UnitOfWork(Protocol):
    """One transaction. It rolls back on exit unless `commit()` was called."""

    @property
    def guilds(self) -> GuildRepository:
        """The guilds repository of this transaction."""
        ...

    @property
    def users(self) -> UserRepository:
        """The users repository of this transaction."""
        ...

    @property
    def members(self) -> MemberRepository:
        """The members repository of this transaction."""
        ...

    @property
    def subjects(self) -> SubjectRepository:
        """The subjects repository of this transaction."""
        ...

    @property
    def students(self) -> StudentRepository:
        """The students repository of this transaction."""
        ...

    @property
    def tutors(self) -> TutorRepository:
        """The tutors repository of this transaction."""
        ...

    @property
    def audit(self) -> AuditLog:
        """The audit repository of this transaction."""
        ...

    async def __aenter__(self) -> Self:
        """Open the transaction."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed, then close."""
        ...

    async def commit(self) -> None:
        """Make the changes durable."""
        ...


UnitOfWorkFactory = Callable[..., UnitOfWork]
"""Builds a fresh unit of work; `read_only=True` asks for a non-locking read."""
