"""Session notes: goals and progress notes that a student and a tutor share (`/notes`).

Notes belong to the *pair* (guild, student, tutor), not to one booking: every booking
between the same two people opens the same goals and the same notes, and nobody else
reads or writes them. The goals are one text either side may rewrite; progress notes are
appended, each with its author and time. A tutor may keep one template per subject that
prefills the notes they add on a booking of that subject.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime

from marketplace.domain.booking import Booking, BookingState, Party
from marketplace.domain.errors import ConflictError, InvalidTransitionError
from marketplace.domain.text import clean_text

GOALS_MAX_LEN = 1000
NOTE_MAX_LEN = 1500
TEMPLATE_MAX_LEN = 1000

# An unpaid, declined or expired request never brought the two together.
CLOSED_STATES = frozenset(
    {BookingState.AWAITING_PAYMENT, BookingState.DECLINED, BookingState.EXPIRED}
)


@dataclass(frozen=True, slots=True)
class Pair:
    """A student and a tutor in one guild: the key that notes are shared under."""

    guild_id: int
    student_id: int
    tutor_id: int

    @classmethod
    def of(cls, booking: Booking) -> Pair:
        """The pair a booking belongs to."""
        return cls(booking.guild_id, booking.student_id, booking.tutor_id)


@dataclass(frozen=True, slots=True)
class Goals:
    """The pair's goals; ``version`` grows on every save (0: never written)."""

    pair: Pair
    text: str = ""
    version: int = 0
    updated_by: int | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ProgressNote:
    """One note, written on one of the pair's bookings; ``note_id`` is 0 until stored.

    ``booking_id`` is None once that booking no longer exists; the note stays the pair's.
    """

    note_id: int
    pair: Pair
    booking_id: int | None
    author_id: int
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NoteTemplate:
    """A tutor's starting text for the notes they add on bookings of one subject."""

    guild_id: int
    tutor_id: int
    subject_key: str
    text: str
    updated_at: datetime


def check_participant(booking: Booking, user_id: int) -> Party:
    """Which side of the booking ``user_id`` is, if its notes are open to them.

    Raises PermissionDeniedError("notes", "owner") for anyone but the two participants,
    InvalidTransitionError("booking", state, "notes") for a booking that never brought
    them together (unpaid, declined or expired).
    """
    party = booking.party_of(user_id, "notes")
    if booking.state in CLOSED_STATES:
        raise InvalidTransitionError("booking", booking.state.value, "notes")
    return party


def notes_open(booking: Booking) -> bool:
    """Whether the booking's participants can use its notes (for choice lists)."""
    return booking.state not in CLOSED_STATES


def clean_goals(text: str) -> str:
    """Goals made safe to store; empty clears them. InputError("notes_goals", too_long)."""
    return clean_text(
        text, field="notes_goals", max_len=GOALS_MAX_LEN, required=False, multiline=True
    )


def clean_note(text: str) -> str:
    """A progress note made safe to store. InputError("progress_note", empty | too_long)."""
    return clean_text(text, field="progress_note", max_len=NOTE_MAX_LEN, multiline=True)


def clean_template(text: str) -> str:
    """A template made safe to store; empty removes it. InputError("note_template", ...)."""
    return clean_text(
        text, field="note_template", max_len=TEMPLATE_MAX_LEN, required=False, multiline=True
    )


def set_goals(  # noqa: PLR0917 - a goals edit has this many facts
    goals: Goals, booking: Booking, editor_id: int, text: str, seen_version: int, now: datetime
) -> Goals:
    """The goals rewritten by a participant who last saw them at ``seen_version``.

    ConflictError("goals_changed") when the other side saved in the meantime: their
    words are not overwritten blindly.
    """
    check_participant(booking, editor_id)
    clean = clean_goals(text)
    if goals.version != seen_version:
        raise ConflictError("goals_changed")
    return replace(
        goals, text=clean, version=goals.version + 1, updated_by=editor_id, updated_at=now
    )


def new_note(
    booking: Booking, author_id: int, text: str, now: datetime, template: str = ""
) -> ProgressNote:
    """A participant's progress note on this booking.

    ConflictError("note_is_template") when the text is the author's template untouched:
    headings with nothing under them are not a note.
    """
    check_participant(booking, author_id)
    clean = clean_note(text)
    if template and clean == clean_template(template):
        raise ConflictError("note_is_template")
    return ProgressNote(0, Pair.of(booking), booking.booking_id, author_id, clean, now)


def prefill_for(booking: Booking, viewer_id: int, template: NoteTemplate | None) -> str:
    """What the viewer's "Add note" form starts with: the tutor's template, for the tutor."""
    if template is None or viewer_id != booking.tutor_id:
        return ""
    if template.subject_key != booking.subject_key or template.tutor_id != booking.tutor_id:
        return ""
    return template.text


def new_template(  # noqa: PLR0917 - a template has this many facts
    guild_id: int,
    tutor_id: int,
    subject_key: str,
    text: str,
    taught: Collection[str],
    now: datetime,
) -> NoteTemplate:
    """The tutor's template for one of their subjects (empty text: no template).

    ConflictError("template_subject_not_taught") for a subject not in ``taught``.
    """
    if subject_key not in taught:
        raise ConflictError("template_subject_not_taught")
    return NoteTemplate(guild_id, tutor_id, subject_key, clean_template(text), now)
