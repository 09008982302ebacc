"""`/admin export`: the files as attachments, ten to a message, and what they hold."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import discord

from bot import texts
from bot.formats import format_month
from marketplace.services.exports import Export

FILES_PER_MESSAGE = 10  # Discord's limit of attachments on one message


def _days(export: Export) -> tuple[str, str]:
    zone = ZoneInfo(export.zone)
    first = export.window.start.astimezone(zone)
    last = export.window.end.astimezone(zone) - timedelta(microseconds=1)
    return first.date().isoformat(), last.date().isoformat()


def _kind_name(export: Export) -> str:
    """The kind's choice label without its gloss: "Sessions (one row …)" → "Sessions"."""
    return texts.EXPORT_KIND_CHOICES[export.kind.value].split(" (")[0]


def export_summary(export: Export) -> str:
    """The first message's text: the period, the zone and how much is in the files."""
    first, last = _days(export)
    kind = _kind_name(export)
    if not export.rows:
        return texts.EXPORT_EMPTY.format(kind=kind, first=first, last=last, zone=export.zone)
    return texts.EXPORT_READY.format(
        kind=kind, first=first, last=last, zone=export.zone, rows=export.rows,
        rows_word=texts.EXPORT_ROW if export.rows == 1 else texts.EXPORT_ROWS,
        files=len(export.files),
        files_word=texts.EXPORT_FILE if len(export.files) == 1 else texts.EXPORT_FILES,
    )  # fmt: skip


def export_batches(export: Export, guild_id: int) -> list[tuple[str, list[discord.File]]]:
    """(text, files) for each message: the summary first, then "more" for the rest."""
    files = [
        discord.File(io.BytesIO(data), filename=export.file_name(guild_id, i))
        for i, data in enumerate(export.files)
    ]
    kind = _kind_name(export)
    batches: list[tuple[str, list[discord.File]]] = []
    for start in range(0, len(files), FILES_PER_MESSAGE):
        chunk = files[start : start + FILES_PER_MESSAGE]
        text = export_summary(export) if start == 0 else texts.EXPORT_MORE_FILES.format(
            kind=kind, first=start + 1, last=start + len(chunk), total=len(files)
        )  # fmt: skip
        batches.append((text, chunk))
    return batches


def period_suggestions(current: str, now: datetime) -> list[tuple[str, str]]:
    """(label, value) pairs for the period option: rolling spans, then recent months."""
    this_month = now.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    months = {f"{m:%Y-%m}": format_month(m) for m in (this_month, last_month)}
    options = {**texts.EXPORT_PERIOD_SUGGESTIONS, **months}
    typed = current.strip()
    found = [(label, value) for value, label in options.items() if typed.lower() in value]
    if typed and typed not in options:
        found.insert(0, (typed[:100], typed[:100]))  # what they typed, as written
    return found
