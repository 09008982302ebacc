"""Availability as people read it: the echo before saving, and the list."""

from __future__ import annotations

from bot import texts
from marketplace.domain.availability import WeeklyRule
from marketplace.ports.bookings import AvailabilityEntry
from marketplace.services.availability import AvailabilityDraft


def draft_lines(draft: AvailabilityDraft) -> list[str]:
    """The draft in plain words, times as Discord timestamps."""
    lines = weekly_lines(draft.rules)
    if draft.window is not None:
        lines.append(
            texts.AVAILABILITY_WINDOW.format(
                start=int(draft.window.start.timestamp()), end=int(draft.window.end.timestamp())
            )
        )
    if draft.day_off is not None:
        lines.append(
            texts.AVAILABILITY_DAY_OFF.format(
                day=f"{draft.day_off.day:%A %d %B %Y}", zone=draft.day_off.zone
            )
        )
    return lines


def days_label(weekdays: list[int]) -> str:
    """Name the days: "day", "weekday", "weekend day" or "Monday and Wednesday"."""
    chosen = sorted(set(weekdays))
    named = {tuple(range(7)): "day", tuple(range(5)): "weekday", (5, 6): "weekend day"}
    if label := named.get(tuple(chosen)):
        return label
    return texts.human_join([texts.WEEKDAYS[d] for d in chosen])


def weekly_lines(rules: tuple[WeeklyRule, ...]) -> list[str]:
    """Weekly rules with the same hours folded into one line ("Every weekday, …")."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for rule in rules:
        groups.setdefault((rule.start, rule.end, rule.zone, rule.valid_until), []).append(
            rule.weekday
        )
    lines = []
    for key, days in groups.items():
        first = next(r for r in rules if (r.start, r.end, r.zone, r.valid_until) == key)
        lines.append(rule_text(first, days_label(days)))
    return lines


def rule_text(rule: WeeklyRule, days: str | None = None) -> str:
    """A weekly rule as "Every Monday, 17:00–19:00 (Europe/Berlin)"."""
    text = texts.AVAILABILITY_WEEKLY.format(
        day=days or texts.WEEKDAYS[rule.weekday],
        start=f"{rule.start:%H:%M}",
        end=f"{rule.end:%H:%M}",
        zone=rule.zone,
    )
    if rule.valid_until:
        text += texts.AVAILABILITY_UNTIL.format(until=f"{rule.valid_until:%d %B %Y}")
    return text


def entry_text(entry: AvailabilityEntry) -> str:
    """One line of the list."""
    if entry.rule is not None:
        return f"`{entry.entry_id}` {rule_text(entry.rule)}"
    if entry.window is not None:
        window = texts.AVAILABILITY_WINDOW.format(
            start=int(entry.window.start.timestamp()), end=int(entry.window.end.timestamp())
        )
        return f"`{entry.entry_id}` {window}"
    if entry.day_off is not None:
        day_off = texts.AVAILABILITY_DAY_OFF.format(
            day=f"{entry.day_off.day:%A %d %B %Y}", zone=entry.day_off.zone
        )
        return f"`{entry.entry_id}` {day_off}"
    return f"`{entry.entry_id}`"
