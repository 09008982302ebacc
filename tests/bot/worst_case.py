"""Worst-case inputs for the presenters and forms: the longest texts the product lets in.

Every length comes from the product's own limits (the domain and service constants the
input is cleaned against); the only numbers set here are Discord's own, for text Discord
controls: display names (32) and guild names (100). Texts are drawn from wide Unicode
(CJK, emoji, symbols) and cleaned the way the product cleans them before storing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import assume
from hypothesis import strategies as st

from marketplace.domain import cases, disputes, notes, profiles, restrictions, reviews, survey
from marketplace.domain.availability import DayOff, OneOffWindow, WeeklyRule
from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.cases import Case, CaseAction
from marketplace.domain.errors import InputError
from marketplace.domain.members import Subject
from marketplace.domain.money import MAX_MAJOR_UNITS, Money
from marketplace.domain.profiles import (
    Level,
    SessionFormat,
    StudentProfile,
    SubjectLevel,
    TutorProfile,
    TutorStatus,
    VerificationLevel,
)
from marketplace.domain.reviews import ASPECTS, Party, Review, ReviewContent, ReviewStatus
from marketplace.domain.subjects import clean_subject_name, subject_key
from marketplace.domain.text import clean_text
from marketplace.domain.timezones import MAX_ZONE_INPUT
from marketplace.ports.bookings import AvailabilityEntry
from marketplace.services import bookings as booking_service
from marketplace.services import moderation
from marketplace.services.availability import MAX_ENTRIES

DISPLAY_NAME_MAX = 32  # Discord: global names and nicknames
GUILD_NAME_MAX = 100  # Discord
SNOWFLAKE = 2**63 - 1  # the longest id Discord (and our database) hands out: 19 digits
LONGEST_ZONE = "America/Argentina/ComodRivadavia"
assert len(LONGEST_ZONE) <= MAX_ZONE_INPUT
NOW = datetime(2027, 9, 29, 9, 0, tzinfo=UTC)  # a Wednesday in September: long names
START = NOW + timedelta(days=1)

WIDE = st.characters(categories=("Lu", "Ll", "Lo", "Nd", "Po", "Sm", "So"))


def text(max_len: int, *, multiline: bool = False) -> st.SearchStrategy[str]:
    """Text of the longest length the product stores, cleaned as the product cleans it."""

    def cleaned(value: str) -> str:
        once = clean_text(value, field="x", max_len=4 * max_len, multiline=multiline)
        return clean_text(once[:max_len], field="x", max_len=max_len, multiline=multiline)

    return st.text(WIDE, min_size=max_len, max_size=max_len).map(cleaned)


def display_name() -> st.SearchStrategy[str]:
    """A Discord display name at its longest."""
    return st.text(WIDE, min_size=DISPLAY_NAME_MAX, max_size=DISPLAY_NAME_MAX)


@st.composite
def subject(draw: st.DrawFn) -> Subject:
    """A catalogue subject with the longest name an admin can add."""
    name = draw(text(60))
    try:
        name = clean_subject_name(name)
    except InputError:
        assume(False)  # refused by `/admin subjects add`: never in a catalogue
    return Subject(subject_key(name), name)


def catalogue(size: int) -> st.SearchStrategy[list[Subject]]:
    """`size` subjects with distinct keys."""
    return st.lists(subject(), min_size=size, max_size=size, unique_by=lambda s: s.key)


def booking(
    state: BookingState = BookingState.CONFIRMED,
    *,
    note: str = "",
    price: Money | None = None,
    booking_id: int = SNOWFLAKE,
    subject_key: str = "calculus",
) -> Booking:
    """A booking with the longest ids, a pending new time and the given note."""
    return Booking(
        booking_id=booking_id, guild_id=SNOWFLAKE, student_id=SNOWFLAKE - 1,
        tutor_id=SNOWFLAKE - 2, subject_key=subject_key, start=START,
        end=START + timedelta(minutes=90), state=state, created_at=NOW,
        expires_at=NOW + timedelta(hours=24), note=note, price=price,
        proposed_start=START + timedelta(days=1), proposed_end=START + timedelta(days=1, hours=1),
    )  # fmt: skip


BIGGEST_PRICE = Money(MAX_MAJOR_UNITS * 100, "EUR")


def booking_note() -> st.SearchStrategy[str]:
    """A `/book note:` at its longest."""
    return text(booking_service.NOTE_MAX)


def case(reason: str, case_id: int = SNOWFLAKE, *, closed: bool = False) -> Case:
    """A report about someone, open or closed with the longest action name."""
    return Case(
        case_id=case_id, guild_id=SNOWFLAKE, reporter_id=SNOWFLAKE - 1, target_id=SNOWFLAKE - 2,
        booking_id=SNOWFLAKE, reason=reason, created_at=NOW,
        resolved_by=SNOWFLAKE if closed else None,
        action=max(CaseAction, key=lambda a: len(a.value)) if closed else None,
    )  # fmt: skip


def case_reason() -> st.SearchStrategy[str]:
    """A report's reason at its longest."""
    return text(cases.REASON_MAX_LEN)


def restriction_reason() -> st.SearchStrategy[str]:
    """A `/mod restrict reason:` at its longest."""
    return text(restrictions.REASON_MAX_LEN)


def dispute_statement() -> st.SearchStrategy[str]:
    """A dispute's statement at its longest."""
    return text(disputes.STATEMENT_MAX_LEN, multiline=True)


def review(about: Party, comment: str, reply: str) -> Review:
    """A review with every aspect ticked, the longest comment and the longest reply."""
    return Review(
        review_id=SNOWFLAKE, guild_id=SNOWFLAKE, booking_id=SNOWFLAKE, reviewer_id=SNOWFLAKE - 1,
        reviewee_id=SNOWFLAKE - 2, about=about,
        content=ReviewContent(stars=reviews.STARS_MAX, yes=frozenset(ASPECTS[about]), text=comment),
        status=ReviewStatus.VISIBLE, created_at=NOW, reply=reply, replied_at=NOW,
    )  # fmt: skip


def review_texts() -> st.SearchStrategy[tuple[str, str]]:
    """The longest review comment and the longest reply."""
    return st.tuples(
        text(reviews.TEXT_MAX_LEN, multiline=True), text(reviews.REPLY_MAX_LEN, multiline=True)
    )


def survey_reason() -> st.SearchStrategy[str]:
    """A "not helpful" reason at its longest."""
    return text(survey.REASON_MAX_LEN)


def note_texts() -> st.SearchStrategy[tuple[str, str, str]]:
    """The longest goals, progress note and template."""
    return st.tuples(
        text(notes.GOALS_MAX_LEN, multiline=True),
        text(notes.NOTE_MAX_LEN, multiline=True),
        text(notes.TEMPLATE_MAX_LEN, multiline=True),
    )


def tutor(subjects: list[Subject], not_teaching: list[Subject], bio: str) -> TutorProfile:
    """A paused tutor teaching the most subjects, skipping others, at the highest rate."""
    return TutorProfile(
        subjects=tuple(
            SubjectLevel(s.key, Level.INTERMEDIATE) for s in subjects[: profiles.MAX_SUBJECTS]
        ),
        not_teaching=frozenset(s.key for s in not_teaching),
        rate=BIGGEST_PRICE, bio=bio, formats=frozenset(SessionFormat), instant_booking=True,
        verification=VerificationLevel.MODERATOR_VERIFIED, status=TutorStatus.PAUSED,
    )  # fmt: skip


def student(subjects: list[Subject], goals: str) -> StudentProfile:
    """A student learning the most subjects, with the longest goals."""
    return StudentProfile(
        tuple(SubjectLevel(s.key, Level.INTERMEDIATE) for s in subjects[: profiles.MAX_SUBJECTS]),
        goals,
    )


def bio_and_goals() -> st.SearchStrategy[tuple[str, str]]:
    """The longest bio and the longest profile goals."""
    return st.tuples(
        text(profiles.BIO_MAX, multiline=True), text(profiles.GOALS_MAX, multiline=True)
    )


def availability_entries() -> list[AvailabilityEntry]:
    """The most entries a tutor may publish, each as long as an entry gets.

    Weekly rules on Wednesday (the longest day name) in the longest zone name with a
    September end date, days off on a Wednesday in September, and one-off windows.
    """
    rule = WeeklyRule(
        2, time(17), time(19), LONGEST_ZONE, valid_until=date(2027, 9, 29), rule_id=SNOWFLAKE
    )
    window = OneOffWindow(START, START + timedelta(hours=2), SNOWFLAKE)
    day_off = DayOff(date(2027, 9, 29), LONGEST_ZONE)
    entries = []
    for n in range(MAX_ENTRIES):
        number = str(SNOWFLAKE - n)
        if n % 5 == 4:
            entries.append(AvailabilityEntry(f"d{number}", day_off=day_off))
        elif n % 5 == 3:
            entries.append(AvailabilityEntry(f"w{number}", window=window))
        else:
            entries.append(AvailabilityEntry(f"r{number}", rule=rule))
    return entries


QUEUE_PAGE = moderation.QUEUE_PAGE_SIZE
