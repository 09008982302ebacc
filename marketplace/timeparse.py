"""Natural-language time input → aware datetimes, read as wall-clock time in a zone.

Three shapes are understood:

- a moment: ``"tomorrow 3pm"``, ``"Friday at 17:00"``, ``"2026-12-01 09:30"``;
- a range on one date: ``"tomorrow 3pm-5pm"``, ``"Dec 3 14:00 to 15:30"``,
  ``"Friday 9-11am"`` (a missing am/pm is borrowed from the other end when that gives a
  forward range, so ``9-11am`` is 09:00–11:00 and ``11-1pm`` is 11:00–13:00);
- a weekly pattern: ``"Mondays 17:00-19:00"``, ``"every Tuesday 9-11am"``,
  ``"weekdays 18:00-20:00"``, ``"Mon, Wed and Fri 9-10"``; a weekly range may cross
  midnight (``22:00-01:00``), as weekly rules may.

Dates and moments go through dateparser in the given languages, as local wall-clock time
with ``RELATIVE_BASE`` set to the local ``now``; the zone is attached afterwards. The
range and weekly grammar (separators, weekday words, am/pm) is English. Clock times
without am/pm are 24-hour. A bare time that has already passed today ("5pm" at 18:00)
means tomorrow. A wall-clock time that does not exist in the zone, or exists twice, is
never guessed: :class:`NonexistentTimeError` / :class:`AmbiguousTimeError` carry what
the caller needs to ask the user.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from dateparser.conf import Settings
from dateparser.conf import settings as default_settings
from dateparser.date import DateDataParser

from marketplace.domain.availability import WeeklyRule, wall_clock_instants, zone_info
from marketplace.domain.errors import (
    AmbiguousTimeError,
    InputError,
    NonexistentTimeError,
    Problem,
)

__all__ = ["MAX_WHEN_LENGTH", "ParsedWhen", "WhenKind", "parse_when", "warm_up"]

MAX_WHEN_LENGTH = 100
_FIELD = "when"
_DAY_MINUTES = 24 * 60

_CLOCK = r"(?:\d{1,2}(?:[:.h][0-5]\d)?\s*(?:[ap]\.?\s?m\.?)?|noon|midday|midnight)"
_SEP = r"(?:-|–|—|to|until|till|and)"
_LEAD = r"(?:(?:from|between|at)\s+)?"
_RANGE_TAIL = re.compile(
    rf"(?:^|\s){_LEAD}(?P<t1>{_CLOCK})\s*{_SEP}\s*(?P<t2>{_CLOCK})$", re.IGNORECASE
)
_WEEKLY = re.compile(
    rf"^(?P<every>every\s+)?(?P<days>[a-z][a-z ,&/\-]*?)\s*,?\s+{_LEAD}"
    rf"(?:(?P<t1>{_CLOCK})\s*{_SEP}\s*(?P<t2>{_CLOCK})|(?P<single>{_CLOCK}))$",
    re.IGNORECASE,
)
_BARE_TIME = re.compile(
    r"^(?:at\s+)?(?:\d{1,2}(?::[0-5]\d\s*(?:[ap]\.?\s?m\.?)?|\s*[ap]\.?\s?m\.?)|noon|midday)$",
    re.IGNORECASE,
)
_CLOCK_PARTS = re.compile(
    r"^(?P<h>\d{1,2})(?:[:.h](?P<m>[0-5]\d))?\s*(?:(?P<mer>[ap])\.?\s?m\.?)?$", re.IGNORECASE
)
_TRAILING_WORDS = re.compile(r"(?:\s+|^)(?:from|between|at|on)$", re.IGNORECASE)

_WEEKDAY_WORDS: dict[str, int] = {
    name: index
    for index, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}
_GROUP_WORDS: dict[str, tuple[int, ...]] = {
    "weekdays": (0, 1, 2, 3, 4),
    "weekday": (0, 1, 2, 3, 4),
    "weekends": (5, 6),
    "weekend": (5, 6),
    "daily": (0, 1, 2, 3, 4, 5, 6),
    "day": (0, 1, 2, 3, 4, 5, 6),
    "everyday": (0, 1, 2, 3, 4, 5, 6),
}


class WhenKind(StrEnum):
    """Which shape of time the text described."""

    ONCE = "once"
    RANGE = "range"
    WEEKLY = "weekly"


@dataclass(frozen=True, slots=True)
class ParsedWhen:
    """What a piece of time input means.

    ``once``/``range``: ``start`` (and ``end`` for a range) in UTC, with ``local_start`` /
    ``local_end`` the same instants in ``zone`` for echoing back. ``weekly``: the
    ``weekdays`` (0 = Monday) and the wall-clock ``start_time``/``end_time`` in ``zone``
    (``end_time <= start_time`` ends the next day, as in :class:`WeeklyRule`).
    """

    kind: WhenKind
    zone: str
    start: datetime | None = None
    end: datetime | None = None
    local_start: datetime | None = None
    local_end: datetime | None = None
    weekdays: tuple[int, ...] = ()
    start_time: time | None = None
    end_time: time | None = None

    def weekly_rules(
        self, valid_from: date | None = None, valid_until: date | None = None
    ) -> tuple[WeeklyRule, ...]:
        """Return one :class:`WeeklyRule` per weekday of a weekly pattern (else none)."""
        if self.start_time is None or self.end_time is None:
            return ()
        return tuple(
            WeeklyRule(day, self.start_time, self.end_time, self.zone, valid_from, valid_until)
            for day in self.weekdays
        )


@dataclass(frozen=True, slots=True)
class _Clock:
    hour: int
    minute: int
    meridiem: str | None

    def minutes(self, meridiem: str | None) -> int | None:
        """Minutes after midnight, or None when the reading is impossible."""
        if meridiem is None:
            valid = self.hour < 24 or (self.hour, self.minute) == (24, 0)
            return self.hour * 60 + self.minute if valid else None
        if not 1 <= self.hour <= 12:
            return None
        hour = self.hour % 12 + (12 if meridiem == "p" else 0)
        return hour * 60 + self.minute


def _read_clock(token: str) -> _Clock:
    word = token.strip().casefold()
    if word in {"noon", "midday"}:
        return _Clock(12, 0, None)
    if word == "midnight":
        return _Clock(24, 0, None)
    match = _CLOCK_PARTS.match(word)
    if match is None:
        raise InputError(_FIELD, Problem.UNPARSEABLE)
    mer = match.group("mer")
    return _Clock(int(match.group("h")), int(match.group("m") or 0), mer and mer.casefold())


def _other(meridiem: str) -> str:
    return "a" if meridiem == "p" else "p"


def _pair_minutes(first: _Clock, second: _Clock) -> tuple[int, int]:
    """Both ends in minutes after midnight; an end of midnight is 1440."""
    start, end = first.minutes(first.meridiem), second.minutes(second.meridiem)
    if first.meridiem is None and second.meridiem and first.hour <= 12:
        start = first.minutes(second.meridiem)
        if start is None or end is None or start >= end:
            start = first.minutes(_other(second.meridiem))
    elif second.meridiem is None and first.meridiem and second.hour <= 12:
        end = second.minutes(first.meridiem)
        if start is None or end is None or end <= start:
            end = second.minutes(_other(first.meridiem))
    if start is None or end is None or start >= _DAY_MINUTES:
        raise InputError(_FIELD, Problem.UNPARSEABLE)
    return start, end or _DAY_MINUTES


def _as_time(minutes: int) -> time:
    return time((minutes // 60) % 24, minutes % 60)


def _tidy(text: str) -> str:
    if len(text) > MAX_WHEN_LENGTH:
        raise InputError(_FIELD, Problem.TOO_LONG, MAX_WHEN_LENGTH)
    tidy = " ".join(unicodedata.normalize("NFKC", text).split())
    if not tidy:
        raise InputError(_FIELD, Problem.EMPTY)
    return tidy


@functools.cache
def _base_settings() -> tuple[Settings, dict[str, Any]]:
    chosen: dict[str, Any] = {
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DATES_FROM": "future",
        "RETURN_TIME_AS_PERIOD": True,
    }
    return default_settings.replace(mod_settings=chosen, **chosen), chosen


@functools.lru_cache(maxsize=32)
def _parser(languages: tuple[str, ...], local_now: datetime) -> DateDataParser:
    base, chosen = _base_settings()
    settings = base.replace(
        mod_settings={**chosen, "RELATIVE_BASE": local_now}, RELATIVE_BASE=local_now
    )
    return DateDataParser(languages=list(languages), settings=settings)


def _dateparse(text: str, languages: tuple[str, ...], local_now: datetime) -> tuple[datetime, str]:
    """Return dateparser's naive reading of ``text`` and its period ("time", "day"...)."""
    # dateparser calls a reading a "day" when its time of day equals the base's, so
    # "tomorrow 3pm" asked at 15:00:00 sharp would lose its time. Nobody types
    # microseconds: a base one microsecond off the whole second never matches.
    base = local_now.replace(microsecond=1)
    try:
        data = _parser(languages, base).get_date_data(text)
    except ValueError:
        raise InputError(_FIELD, Problem.UNPARSEABLE) from None
    if data.date_obj is None or data.period is None:
        raise InputError(_FIELD, Problem.UNPARSEABLE)
    return data.date_obj.replace(tzinfo=None, second=0, microsecond=0), str(data.period)


def warm_up(languages: tuple[str, ...] = ("en",)) -> None:
    """Load dateparser's data for ``languages`` now, so the first user does not wait."""
    _dateparse("tomorrow 3pm", languages, datetime(2000, 1, 1))  # noqa: DTZ001


def _weekdays(days_text: str) -> tuple[int, ...] | None:
    """The weekdays named by ``days_text``, or None when a word is not a day."""
    found: set[int] = set()
    for token in re.split(r"\s*(?:,|&|/|\band\b|\s)\s*", days_text.casefold()):
        if not token:
            continue
        if token in _GROUP_WORDS:
            found.update(_GROUP_WORDS[token])
            continue
        parts = token.split("-")
        first = _WEEKDAY_WORDS.get(parts[0].removesuffix("s"))
        last = _WEEKDAY_WORDS.get(parts[-1].removesuffix("s"))
        if first is None or last is None or len(parts) > 2:
            return None
        found.update((first + step) % 7 for step in range((last - first) % 7 + 1))
    return tuple(sorted(found)) or None


def _is_weekly(every: bool, days_text: str, weekdays: tuple[int, ...]) -> bool:
    words = re.findall(r"[a-z]+", days_text.casefold())
    plural = any(w.endswith("s") and w.removesuffix("s") in _WEEKDAY_WORDS for w in words)
    grouped = any(w in _GROUP_WORDS for w in words)
    return every or plural or grouped or len(weekdays) > 1


def _weekly(text: str, zone: str) -> ParsedWhen | None:
    match = _WEEKLY.match(text)
    if match is None:
        return None
    weekdays = _weekdays(match.group("days"))
    if weekdays is None or not _is_weekly(
        bool(match.group("every")), match.group("days"), weekdays
    ):
        return None
    if match.group("single"):
        raise InputError(_FIELD, Problem.MISSING_END)
    start, end = _pair_minutes(_read_clock(match.group("t1")), _read_clock(match.group("t2")))
    if start == end % _DAY_MINUTES:
        raise InputError(_FIELD, Problem.ZERO_LENGTH)
    return ParsedWhen(
        WhenKind.WEEKLY, zone, weekdays=weekdays, start_time=_as_time(start),
        end_time=_as_time(end),
    )  # fmt: skip


def _exact_instant(local: datetime, zone: str) -> datetime:
    instants = wall_clock_instants(local, zone_info(zone))
    if not instants:
        raise NonexistentTimeError(local, zone)
    if len(instants) > 1:
        raise AmbiguousTimeError(local, zone, instants[0], instants[1])
    return instants[0]


def _next_occurrence(minutes: int, local_now: datetime) -> date:
    """Today if that time of day is still ahead, else tomorrow."""
    today = local_now.date()
    ahead = datetime.combine(today, time()) + timedelta(minutes=minutes) > local_now
    return today if ahead else today + timedelta(days=1)


def _date_of(prefix: str, languages: tuple[str, ...], local_now: datetime) -> date:
    parsed, period = _dateparse(prefix, languages, local_now)
    if period != "day":
        raise InputError(_FIELD, Problem.UNPARSEABLE)
    return parsed.date()


def _range(
    text: str, zone: str, languages: tuple[str, ...], local_now: datetime
) -> ParsedWhen | None:
    match = _RANGE_TAIL.search(text)
    if match is None:
        return None
    start, end = _pair_minutes(_read_clock(match.group("t1")), _read_clock(match.group("t2")))
    if end <= start:
        raise InputError(_FIELD, Problem.END_BEFORE_START)
    prefix = _TRAILING_WORDS.sub("", text[: match.start()].strip())
    day = _date_of(prefix, languages, local_now) if prefix else _next_occurrence(start, local_now)
    midnight = datetime.combine(day, time())
    local_start = midnight + timedelta(minutes=start)
    local_end = midnight + timedelta(minutes=end)
    return _located(WhenKind.RANGE, zone, local_start, local_end)


def _located(
    kind: WhenKind, zone: str, local_start: datetime, local_end: datetime | None
) -> ParsedWhen:
    start = _exact_instant(local_start, zone)
    end = None if local_end is None else _exact_instant(local_end, zone)
    tz = zone_info(zone)
    return ParsedWhen(
        kind, zone, start=start, end=end, local_start=start.astimezone(tz),
        local_end=None if end is None else end.astimezone(tz),
    )  # fmt: skip


def _once(text: str, zone: str, languages: tuple[str, ...], local_now: datetime) -> ParsedWhen:
    if _BARE_TIME.match(text):
        clock = _read_clock(re.sub(r"^at\s+", "", text, flags=re.IGNORECASE))
        minutes = clock.minutes(clock.meridiem)
        if minutes is None or minutes >= _DAY_MINUTES:
            raise InputError(_FIELD, Problem.UNPARSEABLE)
        day = _next_occurrence(minutes, local_now)
        return _located(WhenKind.ONCE, zone, datetime.combine(day, _as_time(minutes)), None)
    local, period = _dateparse(text, languages, local_now)
    if period != "time":
        raise InputError(_FIELD, Problem.MISSING_TIME)
    return _located(WhenKind.ONCE, zone, local, None)


def parse_when(
    text: str, *, zone: str, now: datetime, languages: tuple[str, ...] = ("en",)
) -> ParsedWhen:
    """Read ``text`` as a moment, a range or a weekly pattern in ``zone`` at ``now``.

    ``now`` must be aware. Raises ``InputError`` on field ``"when"``: ``too_long``
    (limit 100), ``empty``, ``unparseable``, ``missing_time`` (a date with no time),
    ``missing_end`` (a weekly pattern with one time), ``end_before_start``,
    ``zero_length``; :class:`NonexistentTimeError` and :class:`AmbiguousTimeError` for
    wall-clock times the zone skips or repeats; ``UnknownTimeZoneError`` for the zone.
    Past moments are returned as read; callers check them against their own policy.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    tidy = _tidy(text)
    local_now = now.astimezone(zone_info(zone)).replace(tzinfo=None, second=0, microsecond=0)
    weekly = _weekly(tidy, zone)
    if weekly is not None:
        return weekly
    ranged = _range(tidy, zone, languages, local_now)
    if ranged is not None:
        return ranged
    return _once(tidy, zone, languages, local_now)
