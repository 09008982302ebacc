"""Student and tutor profiles: roles, levels, verification, and how complete a profile is."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from marketplace.domain.errors import InputError, Problem
from marketplace.domain.money import MAX_MAJOR_UNITS, Money, exponent
from marketplace.domain.subjects import subject_key
from marketplace.domain.text import clean_text

BIO_MAX = 1000
GOALS_MAX = 500
MAX_SUBJECTS = 10
# A bio shorter than this is there, but does not yet tell a student anything.
BIO_COMPLETE_MIN = 40


@functools.cache
def _ranks(enum: type[StrEnum]) -> dict[StrEnum, int]:
    return {member: index for index, member in enumerate(enum)}


class RankedStrEnum(StrEnum):
    """A ``StrEnum`` whose members order by declaration, not alphabetically."""

    @property
    def rank(self) -> int:
        """Position of the member in declaration order, from 0."""
        return _ranks(type(self))[self]

    def at_least(self, other: RankedStrEnum) -> bool:
        """Tell whether this member is ``other`` or ranks above it."""
        return self.rank >= other.rank

    def _check(self, other: object) -> RankedStrEnum | None:
        return other if isinstance(other, type(self)) else None

    def __lt__(self, other: object) -> bool:
        known = self._check(other)
        return NotImplemented if known is None else self.rank < known.rank

    def __le__(self, other: object) -> bool:
        known = self._check(other)
        return NotImplemented if known is None else self.rank <= known.rank

    def __gt__(self, other: object) -> bool:
        known = self._check(other)
        return NotImplemented if known is None else self.rank > known.rank

    def __ge__(self, other: object) -> bool:
        known = self._check(other)
        return NotImplemented if known is None else self.rank >= known.rank


class Role(StrEnum):
    """What a member does in the marketplace."""

    STUDENT = "student"
    TUTOR = "tutor"
    BOTH = "both"

    @property
    def learns(self) -> bool:
        """True for students (and members who are both)."""
        return self is not Role.TUTOR

    @property
    def teaches(self) -> bool:
        """True for tutors (and members who are both)."""
        return self is not Role.STUDENT


class Level(RankedStrEnum):
    """How advanced a student is, or up to which level a tutor teaches; ordered."""

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


_LEVEL_WORDS: dict[str, Level] = {
    **dict.fromkeys(("beginner", "beg", "basic", "intro", "introductory", "novice",
                     "starter", "elementary", "1"), Level.BEGINNER),
    **dict.fromkeys(("intermediate", "inter", "int", "mid", "medium", "middle",
                     "2"), Level.INTERMEDIATE),
    **dict.fromkeys(("advanced", "adv", "expert", "high", "higher", "graduate",
                     "grad", "3"), Level.ADVANCED),
}  # fmt: skip


def parse_level(text: str) -> Level:
    """Read a level from what a user typed ("Beginner", "intro", "adv", "2"...).

    Raises ``InputError("level", "unknown_choice")``.
    """
    word = text.strip().casefold().rstrip(".")
    try:
        return _LEVEL_WORDS[word]
    except KeyError:
        raise InputError("level", Problem.UNKNOWN_CHOICE) from None


class SessionFormat(StrEnum):
    """How a session is held."""

    TEXT = "text"
    VOICE = "voice"


class VerificationLevel(RankedStrEnum):
    """How far a tutor's identity/credentials are checked; ordered, ``none`` lowest."""

    NONE = "none"
    CAMPUS_EMAIL = "campus-email"
    MODERATOR_VERIFIED = "moderator-verified"


class TutorStatus(StrEnum):
    """Whether a tutor appears in search and takes requests."""

    ACTIVE = "active"
    PAUSED = "paused"


@dataclass(frozen=True, slots=True)
class SubjectLevel:
    """A subject (by key) at a level."""

    subject_key: str
    level: Level


@dataclass(frozen=True, slots=True)
class StudentProfile:
    """What a student studies and hopes to get out of tutoring."""

    subjects: tuple[SubjectLevel, ...]
    goals: str


@dataclass(frozen=True, slots=True)
class TutorProfile:
    """A tutor's offer: subjects up to a level each, rate, bio, formats, verification."""

    subjects: tuple[SubjectLevel, ...]
    not_teaching: frozenset[str]
    rate: Money
    bio: str
    formats: frozenset[SessionFormat]
    instant_booking: bool
    verification: VerificationLevel
    status: TutorStatus

    def teaches(self, subject_key: str, level: Level) -> bool:
        """Tell whether this tutor covers ``subject_key`` for a student at ``level``.

        A tutor listed at level L teaches students at L and below; a subject in
        ``not_teaching`` is never taught. Status (paused) is not considered here.
        """
        if subject_key in self.not_teaching:
            return False
        return any(s.subject_key == subject_key and level <= s.level for s in self.subjects)


@dataclass(frozen=True, slots=True)
class Completeness:
    """A profile's completeness: ``score`` 0–100 and the missing items, weightiest first."""

    score: int
    missing: tuple[str, ...]


# Weights sum to 100 per profile kind; the order is the order items are reported missing.
TUTOR_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("subjects", 25),
    ("availability", 20),
    ("timezone", 15),
    ("bio", 15),
    ("rate", 10),
    ("verification", 10),
    ("formats", 5),
)
STUDENT_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("subjects", 50),
    ("timezone", 30),
    ("goals", 20),
)


def _score(weights: tuple[tuple[str, int], ...], present: dict[str, bool]) -> Completeness:
    missing = tuple(key for key, _ in weights if not present[key])
    score = sum(weight for key, weight in weights if present[key])
    return Completeness(score=score, missing=missing)


def tutor_completeness(
    profile: TutorProfile,
    timezone_set: bool,
    has_availability: bool,
    *,
    rate_required: bool = True,
) -> Completeness:
    """Score a tutor profile with :data:`TUTOR_WEIGHTS`.

    Items: subjects (at least one), availability, timezone, bio (at least
    :data:`BIO_COMPLETE_MIN` characters), rate (above zero; always counted when
    ``rate_required`` is false, as in a free guild), verification (above ``none``),
    formats (at least one).
    """
    return _score(
        TUTOR_WEIGHTS,
        {
            "subjects": bool(profile.subjects),
            "availability": has_availability,
            "timezone": timezone_set,
            "bio": len(profile.bio.strip()) >= BIO_COMPLETE_MIN,
            "rate": profile.rate.minor > 0 or not rate_required,
            "verification": profile.verification.at_least(VerificationLevel.CAMPUS_EMAIL),
            "formats": bool(profile.formats),
        },
    )


def student_completeness(profile: StudentProfile, timezone_set: bool) -> Completeness:
    """Score a student profile with :data:`STUDENT_WEIGHTS`: subjects, timezone, goals."""
    return _score(
        STUDENT_WEIGHTS,
        {
            "subjects": bool(profile.subjects),
            "timezone": timezone_set,
            "goals": bool(profile.goals.strip()),
        },
    )


def _check_subjects(
    subjects: Iterable[SubjectLevel], *, required: bool
) -> tuple[SubjectLevel, ...]:
    items = tuple(subjects)
    if required and not items:
        raise InputError("subjects", Problem.EMPTY)
    if len(items) > MAX_SUBJECTS:
        raise InputError("subjects", Problem.TOO_MANY, MAX_SUBJECTS)
    keys = [item.subject_key for item in items]
    if any(not key or subject_key(key) != key for key in keys):
        raise InputError("subjects", Problem.BAD_CHARACTERS)
    if len(set(keys)) != len(keys):
        raise InputError("subjects", Problem.DUPLICATE)
    return items


def _check_rate(rate: Money) -> Money:
    if rate.minor < 0:
        raise InputError("rate", Problem.NEGATIVE)
    if rate.minor > MAX_MAJOR_UNITS * 10 ** exponent(rate.currency):
        raise InputError("rate", Problem.OUT_OF_RANGE, MAX_MAJOR_UNITS)
    return rate


def validate_tutor_profile(
    *,
    subjects: Iterable[SubjectLevel],
    not_teaching: Iterable[str] = (),
    rate: Money,
    bio: str,
    formats: Iterable[SessionFormat],
    instant_booking: bool = False,
    verification: VerificationLevel = VerificationLevel.NONE,
    status: TutorStatus = TutorStatus.ACTIVE,
) -> TutorProfile:
    """Build a :class:`TutorProfile` from user input, or raise :class:`InputError`.

    Promises: 1–:data:`MAX_SUBJECTS` subjects with valid, distinct keys, at least one of
    them not in ``not_teaching`` (else ``InputError("not_teaching", "conflict")``); a rate
    from zero to :data:`~marketplace.domain.money.MAX_MAJOR_UNITS` major units; a cleaned
    multiline bio of at most :data:`BIO_MAX` characters (may be empty); at least one format.
    """
    chosen_formats = frozenset(formats)
    if not chosen_formats:
        raise InputError("formats", Problem.EMPTY)
    checked = _check_subjects(subjects, required=True)
    skipped = frozenset(not_teaching)
    if all(item.subject_key in skipped for item in checked):
        raise InputError("not_teaching", Problem.CONFLICT)
    return TutorProfile(
        subjects=checked,
        not_teaching=skipped,
        rate=_check_rate(rate),
        bio=clean_text(bio, field="bio", max_len=BIO_MAX, required=False, multiline=True),
        formats=chosen_formats,
        instant_booking=instant_booking,
        verification=verification,
        status=status,
    )


def validate_student_profile(*, subjects: Iterable[SubjectLevel], goals: str) -> StudentProfile:
    """Build a :class:`StudentProfile` from user input, or raise :class:`InputError`.

    Subjects may be empty (a student can add them later) but at most
    :data:`MAX_SUBJECTS`, valid and distinct; goals are cleaned, multiline, at most
    :data:`GOALS_MAX` characters, optional.
    """
    return StudentProfile(
        subjects=_check_subjects(subjects, required=False),
        goals=clean_text(goals, field="goals", max_len=GOALS_MAX, required=False, multiline=True),
    )
