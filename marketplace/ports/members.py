"""Member ports: guilds, users, their subjects and their student and tutor profiles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from marketplace.domain.members import Member, Subject
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.profiles import StudentProfile, TutorProfile
from marketplace.domain.ranking import CompletionCounts
from marketplace.ports.reviews import RatingStats


class GuildRepository(Protocol):
    """Guilds and their per-guild policy."""

    async def ensure(self, guild_id: int, name: str, now: datetime) -> bool:
        """Create the guild row if it is missing (True then); keep its name current."""
        ...

    async def policy(self, guild_id: int) -> GuildPolicy:
        """The guild's policy: defaults overlaid with what its admins set."""
        ...

    async def name(self, guild_id: int) -> str:
        """The guild's name as last seen ("" for a guild not stored)."""
        ...

    async def save_policy(self, guild_id: int, policy: GuildPolicy, now: datetime) -> None:
        """Store the policy's non-default values."""
        ...


class UserRepository(Protocol):
    """Users across guilds."""

    async def ensure(self, user_id: int, now: datetime, display_name: str = "") -> None:
        """Create the user row if it is missing; keep a given display name current."""
        ...

    async def timezone(self, user_id: int) -> str | None:
        """The user's IANA zone, if they set one."""
        ...

    async def display_name(self, user_id: int) -> str:
        """The name last seen for the user ("" when never seen)."""
        ...

    async def set_timezone(self, user_id: int, zone: str, now: datetime) -> None:
        """Store the user's IANA zone."""
        ...


@dataclass(frozen=True, slots=True)
class MemberProfiles:
    """One user in one guild: what the profile card is drawn from, read together."""

    member: Member | None
    timezone: str | None
    student: StudentProfile | None
    tutor: TutorProfile | None
    tutor_reviews: RatingStats | None = None  # the tutor's visible reviews; None without any
    completion: CompletionCounts | None = None  # the tutor's; None without a tutor profile


class MemberRepository(Protocol):
    """Onboarded members of a guild."""

    async def get(self, guild_id: int, user_id: int) -> Member | None:
        """The member, if they ran /start in this guild."""
        ...

    async def profiles_of(self, guild_id: int, user_id: int) -> MemberProfiles:
        """The member, their time zone, student and tutor profiles, in one read."""
        ...

    async def save(self, member: Member, now: datetime) -> None:
        """Insert or update the member."""
        ...


class SubjectRepository(Protocol):
    """A guild's subject catalogue."""

    async def all(self, guild_id: int) -> list[Subject]:
        """Every active subject, by name."""
        ...

    async def names(self, guild_id: int) -> dict[str, str]:
        """Every active subject's name, by key."""
        ...

    async def name_of(self, guild_id: int, key: str) -> str:
        """A subject's name to show (the key itself for a subject since removed)."""
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
