"""The session lengths a guild offers, as `duration` choices (SPEC.md: `/book [duration]`).

The guild's `allowed_durations_minutes` decide; a length it does not offer is refused
with the lengths it does.
"""

from __future__ import annotations

from discord import app_commands

from bot import texts

PREFERRED_MINUTES = 60  # the length picked when none is given, if the guild offers it


def default_duration(durations: tuple[int, ...]) -> int:
    """The length used when none is chosen: an hour if offered, else the first one."""
    return PREFERRED_MINUTES if PREFERRED_MINUTES in durations else durations[0]


def duration_choices(durations: tuple[int, ...], current: str) -> list[app_commands.Choice[int]]:
    """Autocomplete for `duration`: the guild's lengths that start with what was typed."""
    typed = current.strip()
    return [
        app_commands.Choice(name=texts.BOOK_DURATION_LABEL.format(minutes=m), value=m)
        for m in durations
        if str(m).startswith(typed)
    ]


def refusal(duration: int, durations: tuple[int, ...]) -> str | None:
    """Why `duration` cannot be booked here, if it can't."""
    if duration in durations:
        return None
    return texts.BOOK_DURATION_NOT_OFFERED.format(choices=texts.durations_list(durations))
