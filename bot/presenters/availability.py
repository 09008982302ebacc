"""Availability as people read it: the echo before saving, and the list."""

from __future__ import annotations

import discord
from discord import app_commands

from bot import texts
from bot.formats import DATE, LONG_DAY, format_moment
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.text_limits import (
    CHOICE_NAME_MAX,
    CHOICES_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    clip,
    paged_lines,
)
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
                day=format_moment(draft.day_off.day, LONG_DAY), zone=draft.day_off.zone
            )
        )
    return lines


def days_label(weekdays: list[int]) -> str:
    """Name the days: "day", "weekday", "weekend day" or "Monday and Wednesday"."""
    chosen = sorted(set(weekdays))
    if label := texts.DAYS_NAMED.get(tuple(chosen)):
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
        text += texts.AVAILABILITY_UNTIL.format(until=format_moment(rule.valid_until, DATE))
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
            day=format_moment(entry.day_off.day, LONG_DAY), zone=entry.day_off.zone
        )
        return f"`{entry.entry_id}` {day_off}"
    return f"`{entry.entry_id}`"


def availability_embeds(entries: list[AvailabilityEntry]) -> list[discord.Embed]:
    """`/tutor availability list`: every entry, over as many embeds as one message needs.

    Each embed's description stays within Discord's 4,096 characters and all of them
    within its 6,000 per message; at the 50-entry cap every entry fits, and should one
    ever not, the last line says how many more there are.
    """
    lines = [entry_text(e) for e in entries] or [texts.AVAILABILITY_NONE]
    titles = (texts.AVAILABILITY_LIST_TITLE, texts.AVAILABILITY_LIST_CONTINUED)
    # Room for a title on every page: any two pages in a row are over 4,096 together, so
    # 6,000 characters never make more than three.
    budget = EMBED_TOTAL_MAX - 3 * max(len(t) for t in titles)
    pages = paged_lines(lines, page_max=EMBED_DESCRIPTION_MAX, total_max=budget)
    return [
        discord.Embed(title=titles[min(i, 1)], description=page, colour=BRAND_COLOUR)
        for i, page in enumerate(pages)
    ]


def entry_choices(entries: list[AvailabilityEntry], typed: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for `/tutor availability remove entry:`: the entries matching `typed`."""
    choices = []
    for entry in entries:
        label = clip(_plain(entry_text(entry)), CHOICE_NAME_MAX)
        if typed.casefold() in label.casefold():
            choices.append(app_commands.Choice(name=label, value=entry.entry_id))
    return choices[:CHOICES_MAX]


def _plain(text: str) -> str:
    """Entry text without Markdown, for autocomplete labels."""
    return text.replace("`", "").replace("**", "")
