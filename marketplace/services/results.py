"""What services hand back to the presentation layer: plain data, no text."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.domain.checklist import Step
from marketplace.domain.members import Member, Subject
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.profiles import Completeness, Level, StudentProfile, TutorProfile
from marketplace.domain.ranking import CompletionCounts


@dataclass(frozen=True, slots=True)
class ProfileCard:
    """Everything `/profile view` shows about one member."""

    user_id: int
    member: Member | None
    timezone: str | None
    student: StudentProfile | None
    tutor: TutorProfile | None
    completeness: Completeness | None
    subject_names: dict[str, str]
    payments_on: bool
    rating: float | None = None  # shown once `min_reviews_for_rating` reviews count
    review_count: int = 0
    completion: CompletionCounts | None = None  # a tutor's; None for a student


@dataclass(frozen=True, slots=True)
class Onboarded:
    """The outcome of `/start`."""

    member: Member
    timezone: str
    subjects: tuple[Subject, ...]
    level: Level
    checklist: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class GuildConfig:
    """A guild's settings, for `/admin config`."""

    policy: GuildPolicy
    payments_available: bool
    email_available: bool = False  # SMTP is set up, so `/verify email` can send codes
