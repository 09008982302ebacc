"""Tutor availability: weekly wall-clock rules, one-off windows, days off, and slots.

Weekly rules are wall-clock times in the tutor's zone, expanded per local date, so a
Monday 17:00 rule is 17:00 local on both sides of a daylight-saving change (its UTC
instant moves by the zone's shift). Everything returned is aware UTC.

How wall-clock times that do not map to exactly one instant are resolved:

- a time inside a spring-forward gap moves to the first instant after the gap (for a
  window's start and for its end), so 02:30 on a night that jumps 02:00→03:00 is 03:00;
- a time inside a fall-back fold uses the first occurrence (``fold=0``) for a window's
  start and the second (``fold=1``) for its end, so a window touching the repeated hour
  keeps every moment the tutor's clock showed: its real length grows by the shift
  (01:00–01:30 on the fall-back night in New York lasts 1 h 30 min);
- a window that comes out empty or negative after that (02:00–02:30 on a spring-forward
  night) is dropped; windows are never shorter than zero.

Rule times: ``end <= start`` means the window ends on the next local date, so
``22:00–01:00`` is overnight and an ``end`` of ``time(0)`` means midnight at the end of
the day (``18:00–00:00`` runs to 24:00). ``start == end`` is rejected by
:func:`validate_rule` as ambiguous (zero or 24 hours); at most 24 h minus a minute can
be expressed, which tutoring never needs.

A :class:`DayOff` removes all availability, weekly and one-off, on that local date.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from marketplace.domain.errors import InputError, Problem, UnknownTimeZoneError

__all__ = [
    "MAX_WINDOW",
    "Busy",
    "DayOff",
    "OneOffWindow",
    "Slot",
    "WeeklyRule",
    "Window",
    "expand_slots",
    "expand_windows",
    "first_slot_start",
    "overlaps_with_buffer",
    "resolve_end",
    "resolve_start",
    "validate_day_off",
    "validate_rule",
    "validate_window",
    "wall_clock_instants",
    "zone_info",
]

Window = tuple[datetime, datetime]
MAX_WINDOW = timedelta(hours=24)
_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)
_END_OF_TIME = datetime.max.replace(tzinfo=UTC)
_FIELD = "when"


def zone_info(zone: str) -> zoneinfo.ZoneInfo:
    """Return the ``ZoneInfo`` for an IANA name; raise :class:`UnknownTimeZoneError`."""
    try:
        return zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZoneError(zone) from None


def _require_aware(*values: datetime) -> None:
    for value in values:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("datetimes must be timezone-aware")


def _wall(instant: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def wall_clock_instants(local: datetime, zone: zoneinfo.ZoneInfo) -> tuple[datetime, ...]:
    """Return the UTC instants at which a clock in ``zone`` reads the naive ``local``.

    One instant normally, two (earlier first) in a fall-back fold, none in a
    spring-forward gap.
    """
    found = set()
    for fold in (0, 1):
        instant = local.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        if _wall(instant, zone) == local:
            found.add(instant)
    return tuple(sorted(found))


def _after_gap(local: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """The first instant whose wall clock is past ``local``, which lies in a gap."""
    bounds = sorted(local.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1))
    low, high = bounds[0], bounds[1]
    # Offsets change on whole seconds: bisect the seconds between the two readings.
    while high - low > timedelta(seconds=1):
        middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
        if _wall(middle, zone) > local:
            high = middle
        else:
            low = middle
    return high


def resolve_start(local: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """Return the UTC instant a window starting at naive ``local`` starts.

    In a gap: the first instant after it. In a fold: the first occurrence.
    """
    instants = wall_clock_instants(local, zone)
    return instants[0] if instants else _after_gap(local, zone)


def resolve_end(local: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """Return the UTC instant a window ending at naive ``local`` ends.

    In a gap: the first instant after it. In a fold: the second occurrence.
    """
    instants = wall_clock_instants(local, zone)
    return instants[-1] if instants else _after_gap(local, zone)


@dataclass(frozen=True, slots=True)
class WeeklyRule:
    """Every ``weekday`` (0 = Monday) from ``start`` to ``end``, wall clock in ``zone``.

    ``end <= start`` ends on the next local date. ``valid_from``/``valid_until`` bound the
    local dates (inclusive) the rule starts on.
    """

    weekday: int
    start: time
    end: time
    zone: str
    valid_from: date | None = None
    valid_until: date | None = None
    rule_id: int | None = None

    @property
    def crosses_midnight(self) -> bool:
        """True when the window ends on the local date after the one it starts on."""
        return self.end <= self.start

    def applies_on(self, day: date) -> bool:
        """Tell whether the rule opens a window starting on local date ``day``."""
        if day.weekday() != self.weekday:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until

    def window_on(self, day: date) -> Window:
        """Return the UTC window opened on local date ``day`` (may be empty in a gap)."""
        return _local_window(day, self.start, self.end, self.zone)


@functools.lru_cache(maxsize=8192)
def _local_window(day: date, start: time, end: time, zone_name: str) -> Window:
    """The UTC instants of a wall-clock window on local date ``day`` (see WeeklyRule).

    A pure function of its arguments, memoised: searches expand the same few rule times
    on the same few dates over and over, and resolving wall clocks is most of the cost.
    """
    zone = zone_info(zone_name)
    end_day = day + _DAY if end <= start else day
    return (
        resolve_start(datetime.combine(day, start), zone),
        resolve_end(datetime.combine(end_day, end), zone),
    )


@dataclass(frozen=True, slots=True)
class OneOffWindow:
    """A single extra window of availability, in UTC."""

    start: datetime
    end: datetime
    window_id: int | None = None


@dataclass(frozen=True, slots=True)
class DayOff:
    """The tutor is unavailable for the whole local date ``day`` in ``zone``."""

    day: date
    zone: str

    def window(self) -> Window:
        """Return the UTC interval the local date covers (23, 24 or 25 hours)."""
        zone = zone_info(self.zone)
        start = resolve_start(datetime.combine(self.day, time(0)), zone)
        end = resolve_start(datetime.combine(self.day + _DAY, time(0)), zone)
        return start, end


@dataclass(frozen=True, slots=True)
class Busy:
    """An interval already taken (an existing booking), in UTC."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    """A bookable interval, in UTC."""

    start: datetime
    end: datetime


def overlaps_with_buffer(
    a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime, buffer: timedelta
) -> bool:
    """Tell whether ``[a_start, a_end)`` widened by ``buffer`` each side meets ``[b_start, b_end)``.

    Intervals are half-open: ones that only touch once the buffer is added do not overlap.
    """
    return a_start - buffer < b_end and b_start < a_end + buffer


def _first_day(rule: WeeklyRule, earliest: date) -> date:
    return earliest + timedelta(days=(rule.weekday - earliest.weekday()) % 7)


def _rule_windows(rule: WeeklyRule, start: datetime, end: datetime) -> Iterator[Window]:
    first, last = _local_dates(start, end, rule.zone)
    # A window opened the local day before ``start`` may still be running at ``start``.
    # Every ``day`` below falls on the rule's weekday: ``applies_on`` is its validity test.
    day = _first_day(rule, first - _DAY)
    valid_from, valid_until = rule.valid_from, rule.valid_until
    while day <= last:
        if (valid_from is None or day >= valid_from) and (
            valid_until is None or day <= valid_until
        ):
            opens, closes = _local_window(day, rule.start, rule.end, rule.zone)
            if opens < closes and opens < end and start < closes:
                yield opens, closes
        day += _WEEK


def _subtract(window: Window, blocked: Sequence[Window]) -> Iterator[Window]:
    """Yield what is left of ``window`` after removing ``blocked`` (sorted by start)."""
    start, end = window
    for block_start, block_end in blocked:
        if block_end <= start or block_start >= end:
            continue
        if block_start > start:
            yield start, block_start
        start = max(start, block_end)
    if start < end:
        yield start, end


def _merge(windows: Iterable[Window]) -> list[Window]:
    merged: list[Window] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@functools.lru_cache(maxsize=1024)
def _local_dates(start: datetime, end: datetime, zone_name: str) -> tuple[date, date]:
    """The local dates of ``start`` and ``end`` in the zone.

    Memoised: a search expands many tutors' availability over the same range, most of
    them in a few zones.
    """
    zone = zone_info(zone_name)
    return _wall(start, zone).date(), _wall(end, zone).date()


@functools.lru_cache(maxsize=2048)
def _shared_rule_windows(
    fields: tuple[int, time, time, str, date | None, date | None], start: datetime, end: datetime
) -> tuple[Window, ...]:
    """``_rule_windows`` of a rule with these fields (all but its id), memoised.

    For :func:`first_slot_start`: a search asks it for every candidate over one range,
    and many tutors share rule times.
    """
    return tuple(_rule_windows(WeeklyRule(*fields), start, end))


def _pieces(
    rules: Iterable[WeeklyRule],
    one_offs: Iterable[OneOffWindow],
    days_off: Iterable[DayOff],
    start: datetime,
    end: datetime,
    *,
    shared: bool = False,
) -> list[Window]:
    """Unmerged, unclipped availability windows meeting ``[start, end)``, days off removed.

    ``shared``: rule windows through the memo (for ranges many calls repeat).
    """
    if shared:
        raw = [
            w
            for r in rules
            for w in _shared_rule_windows(
                (r.weekday, r.start, r.end, r.zone, r.valid_from, r.valid_until), start, end
            )
        ]
    else:
        raw = [w for rule in rules for w in _rule_windows(rule, start, end)]
    raw += [
        (o.start.astimezone(UTC), o.end.astimezone(UTC))
        for o in one_offs
        if o.start < end and start < o.end and o.start < o.end
    ]
    blocked = _merge(off.window() for off in days_off)
    if not blocked:
        return sorted(window for window in raw if window[0] < window[1])
    return sorted(piece for window in raw for piece in _subtract(window, blocked))


def expand_windows(
    rules: Iterable[WeeklyRule],
    one_offs: Iterable[OneOffWindow],
    days_off: Iterable[DayOff],
    *,
    start: datetime,
    end: datetime,
) -> list[Window]:
    """Return the tutor's availability within ``[start, end)`` as sorted UTC windows.

    Windows that touch or overlap are merged; each is clipped to ``[start, end)`` and is
    never empty. See the module docstring for daylight-saving behaviour.
    """
    _require_aware(start, end)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    pieces = _pieces(rules, one_offs, days_off, start, end)
    clipped = ((max(s, start), min(e, end)) for s, e in pieces)
    return [(s, e) for s, e in _merge(clipped) if s < e]


class _BusyIndex:
    """Answers "does this interval, widened by the buffer, meet any busy one?" in log time."""

    def __init__(self, busy: Iterable[Busy], buffer: timedelta) -> None:
        items = sorted((b.start.astimezone(UTC), b.end.astimezone(UTC)) for b in busy)
        self._starts = [s for s, _ in items]
        self._max_end = list(itertools.accumulate((e for _, e in items), max))
        self._buffer = buffer

    def clashes(self, start: datetime, end: datetime) -> bool:
        # Busy intervals starting before end + buffer: does any end after start - buffer?
        count = bisect.bisect_left(self._starts, end + self._buffer)
        return count > 0 and self._max_end[count - 1] > start - self._buffer


def _containing(merged: list[Window], instant: datetime) -> Window:
    index = bisect.bisect_right(merged, (instant, _END_OF_TIME)) - 1
    return merged[index]


def _aligned_from(anchor: datetime, earliest: datetime, step: timedelta) -> datetime:
    if anchor >= earliest:
        return anchor
    return anchor + step * -((anchor - earliest) // step)


@dataclass(frozen=True, slots=True)
class SlotSearch:
    """A tutor's availability and busy times, and the slots wanted of them.

    Slots last ``duration``, keep ``buffer`` clear of ``busy`` on both sides, start no
    sooner than ``now + min_notice`` and no later than ``now + horizon``, on a grid
    ``step`` apart counted from the start of each availability window. A window's grid
    holds only starts inside that window; a slot starting there may run on into
    availability that touches or overlaps it.
    """

    rules: Iterable[WeeklyRule]
    one_offs: Iterable[OneOffWindow]
    days_off: Iterable[DayOff]
    busy: Iterable[Busy]
    duration: timedelta
    buffer: timedelta
    now: datetime
    min_notice: timedelta
    horizon: timedelta
    step: timedelta = timedelta(minutes=30)


class _SlotGrid:
    """A checked search, ready to walk: its pieces, merged availability and busy index.

    UTC arithmetic: adding a timedelta to a zoned datetime would move its wall clock.
    """

    def __init__(self, search: SlotSearch, *, shared: bool = False) -> None:
        _require_aware(search.now)
        duration, step = search.duration, search.step
        if duration <= timedelta(0) or step <= timedelta(0) or search.buffer < timedelta(0):
            raise ValueError("duration and step must be positive, buffer not negative")
        now = search.now.astimezone(UTC)
        self.duration, self.step = duration, step
        self.earliest, self.latest = now + search.min_notice, now + search.horizon
        self.pieces = _pieces(
            search.rules, search.one_offs, search.days_off,
            self.earliest, self.latest + duration, shared=shared,
        )  # fmt: skip
        self._search = search

    def walk(self, merged: list[Window]) -> Iterator[Iterator[datetime]]:
        """Per availability piece, its grid's starts.

        A start lies inside its own piece; the slot must fit in the merged availability
        (`merged`), so it may run past the piece's end into availability touching it.
        A piece's grid stops at the piece's end, not at the end of the merged window:
        otherwise a window that ended before `earliest` (so is not among the pieces)
        would or would not add its grid to the next one depending on `now` and on the
        range asked (a Sunday 00:45-00:30 rule putting :15/:45 starts into the touching
        Monday 00:30-24:00 window only while Sunday's window was in range).
        """
        for anchor, piece_end in self.pieces:
            yield self._starts(anchor, piece_end, _containing(merged, anchor)[1])

    def _starts(self, anchor: datetime, piece_end: datetime, limit: datetime) -> Iterator[datetime]:
        slot_start = _aligned_from(anchor, self.earliest, self.step)
        while (
            slot_start <= self.latest
            and slot_start < piece_end
            and slot_start + self.duration <= limit
        ):
            yield slot_start
            slot_start += self.step

    def busy_index(self) -> _BusyIndex:
        """The busy intervals, widened by the buffer."""
        return _BusyIndex(self._search.busy, self._search.buffer)


def expand_slots(search: SlotSearch) -> list[Slot]:
    """Return every bookable slot of the search, sorted, without duplicates, in UTC.

    Slot starts are ``step`` apart counted from the start of each availability window and
    lie inside that window (so the grid does not depend on ``now``); a slot lies wholly
    inside the merged availability, so it may run on into a window touching its own;
    ``now + min_notice <= start <= now + horizon``; and the slot widened by ``buffer`` on
    both sides meets no ``busy`` interval.
    """
    grid = _SlotGrid(search)
    merged, index, duration = _merge(grid.pieces), grid.busy_index(), grid.duration
    found: set[Slot] = set()
    for starts in grid.walk(merged):
        for slot_start in starts:
            if not index.clashes(slot_start, slot_start + duration):
                found.add(Slot(slot_start, slot_start + duration))
    return sorted(found)


def first_slot_start(search: SlotSearch, within: Window) -> datetime | None:
    """The earliest start of :func:`expand_slots`' slots (same search) in ``within``.

    ``within`` is half-open, ``[start, end)``. The same answer as taking the first of
    ``expand_slots(...)`` whose start lies in it, without building every slot: each
    availability piece's grid is walked only up to its first bookable start, and no
    further than the best start found so far.
    """
    grid = _SlotGrid(search, shared=True)
    low, high = within[0].astimezone(UTC), within[1].astimezone(UTC)
    pieces, duration = grid.pieces, grid.duration
    if not pieces:
        return None
    merged = pieces if len(pieces) == 1 else _merge(pieces)
    index = grid.busy_index()
    best: datetime | None = None
    for starts in grid.walk(merged):
        stop = high if best is None else min(high, best)
        for slot_start in starts:
            if slot_start >= stop:
                break
            if slot_start >= low and not index.clashes(slot_start, slot_start + duration):
                best = slot_start
                break
    return best


def validate_rule(rule: WeeklyRule) -> WeeklyRule:
    """Return ``rule`` if a tutor may save it.

    Raises :class:`UnknownTimeZoneError` for an unknown zone, and ``InputError`` on field
    ``"when"``: ``out_of_range`` (weekday not 0–6, or a time carrying a zone),
    ``zero_length`` (``start == end``), ``end_before_start`` (``valid_until`` before
    ``valid_from``).
    """
    zone_info(rule.zone)
    if not 0 <= rule.weekday <= 6 or rule.start.tzinfo or rule.end.tzinfo:
        raise InputError(_FIELD, Problem.OUT_OF_RANGE)
    if rule.start == rule.end:
        raise InputError(_FIELD, Problem.ZERO_LENGTH)
    if rule.valid_from and rule.valid_until and rule.valid_until < rule.valid_from:
        raise InputError(_FIELD, Problem.END_BEFORE_START)
    return rule


def validate_window(window: OneOffWindow, *, now: datetime, horizon: timedelta) -> OneOffWindow:
    """Return ``window`` if a tutor may save it at ``now``.

    ``InputError`` on field ``"when"``: ``end_before_start`` (end not after start),
    ``too_long`` (over 24 h; limit in minutes), ``in_the_past`` (already over),
    ``too_far_ahead`` (starts after ``now + horizon``). A window already running is
    accepted; slots still honour the minimum notice.
    """
    _require_aware(window.start, window.end, now)
    if window.end <= window.start:
        raise InputError(_FIELD, Problem.END_BEFORE_START)
    if window.end - window.start > MAX_WINDOW:
        raise InputError(_FIELD, Problem.TOO_LONG, MAX_WINDOW // timedelta(minutes=1))
    if window.end <= now:
        raise InputError(_FIELD, Problem.IN_THE_PAST)
    if window.start > now + horizon:
        raise InputError(_FIELD, Problem.TOO_FAR_AHEAD, horizon.days)
    return window


def validate_day_off(day_off: DayOff, *, now: datetime, horizon: timedelta) -> DayOff:
    """Return ``day_off`` if a tutor may save it at ``now``.

    Raises :class:`UnknownTimeZoneError`, or ``InputError("when", ...)``: ``in_the_past``
    (the local date is over), ``too_far_ahead`` (it starts after ``now + horizon``).
    """
    _require_aware(now)
    start, end = day_off.window()
    if end <= now:
        raise InputError(_FIELD, Problem.IN_THE_PAST)
    if start > now + horizon:
        raise InputError(_FIELD, Problem.TOO_FAR_AHEAD, horizon.days)
    return day_off
