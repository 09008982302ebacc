"""IANA time-zone names: validation of what users type, and autocomplete suggestions."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, date, datetime

from marketplace.domain.errors import InputError, Problem, UnknownTimeZoneError
from marketplace.domain.text import is_unsafe_char

MAX_ZONE_INPUT = 64
AUTOCOMPLETE_LIMIT = 25

# Shown first for an empty query: where most campus servers are.
COMMON_ZONES: tuple[str, ...] = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)

# Abbreviations people type. They win over the legacy fixed-offset zones of the same
# name ("EST" has no daylight saving), which would silently be an hour off half the year.
ZONE_ALIASES: dict[str, str] = {
    "utc": "UTC",
    "z": "UTC",
    "est": "America/New_York",
    "edt": "America/New_York",
    "eastern": "America/New_York",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "central": "America/Chicago",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mountain": "America/Denver",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "bst": "Europe/London",
    "cet": "Europe/Paris",
    "cest": "Europe/Paris",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
}

_NOT_ZONES = frozenset({"localtime", "Factory"})
_REGIONS = frozenset(
    {"Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian",
     "Pacific"}
)  # fmt: skip


@functools.cache
def _by_folded_name() -> dict[str, str]:
    zones = zoneinfo.available_timezones() - _NOT_ZONES
    return {zone.casefold(): zone for zone in zones}


@functools.cache
def _by_city() -> dict[str, list[str]]:
    cities: dict[str, list[str]] = {}
    for zone in _suggestable():
        cities.setdefault(_city(zone).casefold(), []).append(zone)
    return cities


@functools.cache
def _suggestable() -> tuple[str, ...]:
    """Canonical ``Region/City`` zones plus UTC: what autocomplete offers."""
    zones = _by_folded_name().values()
    return (*sorted(z for z in zones if z.split("/")[0] in _REGIONS), "UTC")


def _city(zone: str) -> str:
    return zone.rsplit("/", 1)[-1]


def _normalise(text: str) -> str:
    return "_".join(text.strip().split()).casefold()


def validate_zone(name: str) -> str:
    """Return the canonical IANA name for ``name``, matched without regard to case.

    Spaces count as underscores; a few abbreviations (``UTC``, ``EST``, ``PST``...) map to
    real zones; a bare city (``"london"``) is accepted when exactly one zone has it.
    Raises ``InputError("zone", "too_long", 64)`` for absurd input,
    ``InputError("zone", "bad_characters")`` for invisible, bidi or control characters
    (never part of a name; the error must not echo them) and
    :class:`UnknownTimeZoneError` when nothing matches.
    """
    if len(name) > MAX_ZONE_INPUT:
        raise InputError("zone", Problem.TOO_LONG, MAX_ZONE_INPUT)
    if any(is_unsafe_char(c, multiline=True) for c in name):
        raise InputError("zone", Problem.BAD_CHARACTERS)
    folded = _normalise(name)
    if folded in ZONE_ALIASES:
        return ZONE_ALIASES[folded]
    if folded in _by_folded_name():
        return _by_folded_name()[folded]
    candidates = _by_city().get(folded, [])
    if len(candidates) == 1:
        return candidates[0]
    raise UnknownTimeZoneError(name.strip())


def _tier(folded_query: str, zone: str) -> int | None:
    folded = zone.casefold()
    if folded == folded_query or ZONE_ALIASES.get(folded_query) == zone:
        return 0
    if folded.startswith(folded_query):
        return 1
    if any(part.startswith(folded_query) for part in folded.split("/")[1:]):
        return 2
    if folded_query in folded:
        return 3
    return None


def suggest_zones(query: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[str]:
    """Return up to ``limit`` (at most 25) zone names for autocomplete, best first.

    Case-insensitive, spaces as underscores. Tiers: an exact name or alias, then prefixes
    of the full name (``"europe/l"``), then prefixes of a part after the region
    (``"new y"`` → ``America/New_York``), then substrings; within a tier the common zones
    come first, then alphabetical. An empty query lists :data:`COMMON_ZONES` first, then
    the rest alphabetically.
    """
    limit = max(0, min(limit, AUTOCOMPLETE_LIMIT))
    folded = _normalise(query[:MAX_ZONE_INPUT])
    if not folded:
        rest = [z for z in _suggestable() if z not in COMMON_ZONES]
        return [*COMMON_ZONES, *rest][:limit]
    ranked: list[tuple[int, int, str]] = []
    for zone in _suggestable():
        tier = _tier(folded, zone)
        if tier is not None:
            common = 0 if zone in COMMON_ZONES else 1
            ranked.append((tier, common, zone))
    ranked.sort()
    return [zone for _, _, zone in ranked[:limit]]


def local_midnight(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    """The UTC moment a local calendar day starts (a DST gap at midnight moves it on)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
