"""Exports for the institution: what each CSV holds, the period it covers, and its pages.

A learning centre reports sessions, attendance and tutor contact hours (CRLA
certification, payroll) from files it can open in a spreadsheet. Every file is UTF-8 with
a header row and one row per item; times are ISO 8601, in UTC and in the guild's zone;
people are their Discord ids and display names; money is in minor units beside its
currency. Nothing private is exported: no notes, no review or reason text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from marketplace.domain.errors import InputError, Problem
from marketplace.domain.stats import Window
from marketplace.domain.timezones import local_midnight

MAX_PERIOD_DAYS = 3_660  # ten years: more than any report needs, and a bounded query
PERIOD_INPUT_MAX = 40
# A cell a spreadsheet would run as a formula starts with one of these (OWASP, "CSV
# injection"); such a cell is given a leading apostrophe, so it is shown as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DAYS = re.compile(r"(\d{1,4})\s*d(ays?)?")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DAY = r"\d{4}-\d{2}-\d{2}"
_RANGE = re.compile(rf"({_DAY})\s*(?:\.\.|/|to)\s*({_DAY})")


class ExportKind(StrEnum):
    """What `/admin export` and `tutorbot export` can write."""

    SESSIONS = "sessions"
    TUTOR_HOURS = "tutor-hours"
    REVIEWS = "reviews"
    QUEUE = "queue"


def export_window(text: str, zone: ZoneInfo, now: datetime) -> Window:
    """The half-open UTC range a period names, read in the guild's zone.

    `30d` is the last 30 days up to now; `2026-11` is that calendar month;
    `2026-09-01..2026-12-18` runs from the first day's start to the last day's end
    (both included); a single `2026-11-05` is that day.
    """
    raw = text.strip().lower()
    if not raw:
        raise InputError("period", Problem.EMPTY)
    if len(raw) > PERIOD_INPUT_MAX:
        raise InputError("period", Problem.TOO_LONG, PERIOD_INPUT_MAX)
    if days := _DAYS.fullmatch(raw):
        return _last_days(int(days.group(1)), now)
    first, last = _dates(raw)
    return days_window(first, last + timedelta(days=1), zone)


def days_window(first: date, after_last: date, zone: ZoneInfo) -> Window:
    """From the start of `first` to the start of `after_last`, local days in `zone`."""
    if after_last <= first:
        raise InputError("period", Problem.END_BEFORE_START)
    if (after_last - first).days > MAX_PERIOD_DAYS:
        raise InputError("period", Problem.OUT_OF_RANGE, MAX_PERIOD_DAYS)
    return Window(local_midnight(first, zone), local_midnight(after_last, zone))


def _last_days(days: int, now: datetime) -> Window:
    if not 1 <= days <= MAX_PERIOD_DAYS:
        raise InputError("period", Problem.OUT_OF_RANGE, MAX_PERIOD_DAYS)
    return Window(now - timedelta(days=days), now)


def _dates(raw: str) -> tuple[date, date]:
    try:
        if month := _MONTH.fullmatch(raw):
            first = date(int(month.group(1)), int(month.group(2)), 1)
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first, following - timedelta(days=1)
        if span := _RANGE.fullmatch(raw):
            return date.fromisoformat(span.group(1)), date.fromisoformat(span.group(2))
        if re.fullmatch(_DAY, raw):
            day = date.fromisoformat(raw)
            return day, day
    except ValueError:
        raise InputError("period", Problem.OUT_OF_RANGE, MAX_PERIOD_DAYS) from None  # 2026-13
    raise InputError("period", Problem.UNPARSEABLE)


@dataclass(frozen=True, slots=True)
class Person:
    """Someone named in an export: their Discord id and the name the server knows."""

    user_id: int
    name: str


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One booking as the sessions export and the tutor-hours sums read it."""

    booking_id: int
    student: Person
    tutor: Person
    subject: str
    session_format: str
    start: datetime
    end: datetime
    state: str
    outcome: str
    cancelled_by: str
    student_checked_in: datetime | None
    tutor_checked_in: datetime | None
    currency: str = ""
    total_minor: int | None = None
    captured_minor: int = 0
    refunded_minor: int = 0
    payment_state: str = ""
    student_stars: int | None = None  # the student's review of the tutor
    tutor_stars: int | None = None  # the tutor's review of the student

    @property
    def minutes(self) -> int:
        """The session's booked length."""
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One published review: who rated whom, for which session, with what."""

    review_id: int
    booking_id: int
    reviewer: Person
    reviewee: Person
    subject: str
    stars: int
    on_time: bool
    explained_clearly: bool
    helped_understand: bool
    would_book_again: bool
    status: str
    created_at: datetime
    replied: bool


@dataclass(frozen=True, slots=True)
class QueueVisit:
    """One student's place in a drop-in queue, from joining to leaving or being helped."""

    student: Person
    tutor: Person | None
    subject: str
    joined_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    outcome: str


DROP_IN_FORMAT = "drop-in"  # a drop-in help's session: counted as drop-in hours, not booked

# A tutor's sessions in these states were on their calendar: scheduled hours.
SCHEDULED_STATES = frozenset({"confirmed", "completed", "no_show"})


@dataclass(slots=True)
class TutorHours:
    """One tutor's sums for the period (minutes; the CSV shows hours)."""

    tutor: Person
    scheduled_minutes: int = 0
    held_minutes: int = 0
    drop_in_minutes: int = 0
    sessions_held: int = 0
    student_no_shows: int = 0
    tutor_no_shows: int = 0
    cancellations: int = 0
    _blocks: set[tuple[datetime, datetime]] = field(default_factory=set, repr=False)
    _held: set[tuple[datetime, datetime]] = field(default_factory=set, repr=False)

    def add(self, record: SessionRecord) -> None:
        """Count one booking; a time block is counted once, however many seats it had.

        A drop-in help's session is not counted here: its visit counts as drop-in hours.
        """
        if record.session_format == DROP_IN_FORMAT:
            return
        if record.state == "cancelled":
            self.cancellations += 1
            return
        if record.state not in SCHEDULED_STATES:
            return
        block = (record.start, record.end)
        if block not in self._blocks:
            self._blocks.add(block)
            self.scheduled_minutes += record.minutes
        if record.state == "no_show":
            self.student_no_shows += record.outcome == "student_no_show"
            self.tutor_no_shows += record.outcome == "tutor_no_show"
        if record.state == "completed" and block not in self._held:  # held if any seat was
            self._held.add(block)
            self.held_minutes += record.minutes
            self.sessions_held += 1


def tutor_hours(
    sessions: Iterable[SessionRecord], visits: Iterable[QueueVisit]
) -> list[TutorHours]:
    """Per tutor: scheduled and held contact hours, drop-in help, no-shows, cancellations."""
    by_tutor: dict[int, TutorHours] = {}
    for record in sessions:
        by_tutor.setdefault(record.tutor.user_id, TutorHours(record.tutor)).add(record)
    for visit in visits:
        if visit.tutor is None or visit.started_at is None or visit.ended_at is None:
            continue
        sums = by_tutor.setdefault(visit.tutor.user_id, TutorHours(visit.tutor))
        sums.drop_in_minutes += int((visit.ended_at - visit.started_at).total_seconds() // 60)
    return sorted(by_tutor.values(), key=lambda t: (t.tutor.name.casefold(), t.tutor.user_id))


def _times(moment: datetime | None, zone: ZoneInfo) -> list[str]:
    if moment is None:
        return ["", ""]
    return [
        moment.astimezone(ZoneInfo("UTC")).isoformat().replace("+00:00", "Z"),
        moment.astimezone(zone).isoformat(),
    ]


def _person(person: Person | None) -> list[str]:
    return ["", ""] if person is None else [str(person.user_id), person.name]


def _stars(stars: int | None) -> str:
    return "" if stars is None else str(stars)


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.2f}"


SESSION_COLUMNS = (
    "booking_id", "student_id", "student_name", "tutor_id", "tutor_name", "subject",
    "format", "start_utc", "start_local", "end_utc", "end_local", "duration_minutes",
    "status", "outcome", "cancelled_by", "student_check_in_utc", "student_check_in_local",
    "tutor_check_in_utc", "tutor_check_in_local", "payment_state", "currency",
    "amount_minor", "captured_minor", "refunded_minor", "student_review_stars",
    "tutor_review_stars",
)  # fmt: skip


def session_row(record: SessionRecord, zone: ZoneInfo) -> list[str]:
    """One sessions-export row, in `SESSION_COLUMNS` order."""
    return [
        str(record.booking_id), *_person(record.student), *_person(record.tutor),
        record.subject, record.session_format, *_times(record.start, zone),
        *_times(record.end, zone), str(record.minutes), record.state, record.outcome,
        record.cancelled_by, *_times(record.student_checked_in, zone),
        *_times(record.tutor_checked_in, zone), record.payment_state, record.currency,
        "" if record.total_minor is None else str(record.total_minor),
        str(record.captured_minor), str(record.refunded_minor),
        _stars(record.student_stars), _stars(record.tutor_stars),
    ]  # fmt: skip


TUTOR_HOURS_COLUMNS = (
    "tutor_id", "tutor_name", "period_start_utc", "period_start_local", "period_end_utc",
    "period_end_local", "scheduled_hours", "held_contact_hours", "drop_in_hours",
    "total_contact_hours", "sessions_held", "student_no_shows", "tutor_no_shows",
    "cancellations",
)  # fmt: skip


def tutor_hours_row(sums: TutorHours, window: Window, zone: ZoneInfo) -> list[str]:
    """One tutor-hours row, in `TUTOR_HOURS_COLUMNS` order."""
    return [
        *_person(sums.tutor), *_times(window.start, zone), *_times(window.end, zone),
        _hours(sums.scheduled_minutes), _hours(sums.held_minutes),
        _hours(sums.drop_in_minutes), _hours(sums.held_minutes + sums.drop_in_minutes),
        str(sums.sessions_held), str(sums.student_no_shows), str(sums.tutor_no_shows),
        str(sums.cancellations),
    ]  # fmt: skip


REVIEW_COLUMNS = (
    "review_id", "booking_id", "reviewer_id", "reviewer_name", "reviewee_id",
    "reviewee_name", "subject", "stars", "on_time", "explained_clearly",
    "helped_understand", "would_book_again", "status", "created_utc", "created_local",
    "replied",
)  # fmt: skip


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def review_row(record: ReviewRecord, zone: ZoneInfo) -> list[str]:
    """One reviews-export row, in `REVIEW_COLUMNS` order (no review or reply text)."""
    return [
        str(record.review_id), str(record.booking_id), *_person(record.reviewer),
        *_person(record.reviewee), record.subject, str(record.stars), _yes(record.on_time),
        _yes(record.explained_clearly), _yes(record.helped_understand),
        _yes(record.would_book_again), record.status, *_times(record.created_at, zone),
        _yes(record.replied),
    ]  # fmt: skip


QUEUE_COLUMNS = (
    "student_id", "student_name", "tutor_id", "tutor_name", "subject", "joined_utc",
    "joined_local", "started_utc", "started_local", "ended_utc", "ended_local",
    "wait_minutes", "help_minutes", "outcome",
)  # fmt: skip


def _minutes_between(start: datetime | None, end: datetime | None) -> str:
    return "" if start is None or end is None else str(int((end - start).total_seconds() // 60))


def queue_row(visit: QueueVisit, zone: ZoneInfo) -> list[str]:
    """One queue-visits row, in `QUEUE_COLUMNS` order."""
    return [
        *_person(visit.student), *_person(visit.tutor), visit.subject,
        *_times(visit.joined_at, zone), *_times(visit.started_at, zone),
        *_times(visit.ended_at, zone), _minutes_between(visit.joined_at, visit.started_at),
        _minutes_between(visit.started_at, visit.ended_at), visit.outcome,
    ]  # fmt: skip


def safe_cell(value: str) -> str:
    """The cell as a spreadsheet shows it as text, never runs it as a formula."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _line(cells: Sequence[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([safe_cell(c) for c in cells])
    return out.getvalue().encode("utf-8")


def csv_pages(columns: Sequence[str], rows: Iterable[Sequence[str]], max_bytes: int) -> list[bytes]:
    """The CSV in files of at most `max_bytes`, each with the header; at least one file.

    A row never spans two files, so every file opens on its own.
    """
    header = _line(columns)
    if len(header) >= max_bytes:
        raise ValueError("max_bytes leaves no room for a row")
    pages: list[bytes] = []
    current = [header]
    size = len(header)
    for row in rows:
        line = _line(row)
        if len(header) + len(line) > max_bytes:
            raise ValueError("a row is larger than a file may be")
        if size + len(line) > max_bytes:
            pages.append(b"".join(current))
            current, size = [header], len(header)
        current.append(line)
        size += len(line)
    pages.append(b"".join(current))
    return pages
