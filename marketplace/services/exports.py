"""`/admin export` and `tutorbot export`: the institution's CSV files for one guild."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from marketplace.domain.exports import (
    QUEUE_COLUMNS,
    REVIEW_COLUMNS,
    SESSION_COLUMNS,
    TUTOR_HOURS_COLUMNS,
    ExportKind,
    csv_pages,
    days_window,
    export_window,
    queue_row,
    review_row,
    session_row,
    tutor_hours,
    tutor_hours_row,
)
from marketplace.domain.stats import Window
from marketplace.ports.unit_of_work import UnitOfWork
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext
from marketplace.services.guild_admin import require_admin


@dataclass(frozen=True, slots=True)
class Export:
    """The files of one export: each a whole CSV with its header, in order."""

    kind: ExportKind
    window: Window
    zone: str
    rows: int
    files: tuple[bytes, ...]

    def file_name(self, guild_id: int, index: int) -> str:
        """`sessions-<guild>-<from>-<to>[-partN].csv`, dates in the guild's zone."""
        zone = ZoneInfo(self.zone)
        first = self.window.start.astimezone(zone).date().isoformat()
        last = self.window.end.astimezone(zone).date().isoformat()
        part = f"-part{index + 1}" if len(self.files) > 1 else ""
        return f"{self.kind.value}-{guild_id}-{first}-{last}{part}.csv"


@dataclass(frozen=True, slots=True)
class ExportData:
    """`/admin export kind: period:`; `max_file_bytes` is the platform's attachment limit."""

    actor: Actor
    kind: ExportKind
    period: str
    max_file_bytes: int


async def export(command: ExportData, ctx: ServiceContext) -> Export:
    """The guild's export for an admin (Manage Server, checked here), paged to the limit."""
    actor = command.actor
    async with ctx.uow(read_only=True) as uow:
        await require_admin(uow, actor)
        zone = (await uow.guilds.policy(actor.guild_id)).timezone
        window = export_window(command.period, ZoneInfo(zone), ctx.clock.now())
        return await _build(
            uow, actor.guild_id, kind=command.kind, window=window, zone_name=zone,
            max_file_bytes=command.max_file_bytes,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class ExportDays:
    """`tutorbot export`: the operator's, from `since` up to (not including) `until`.

    The days are the guild's own (its `timezone` setting); nothing checks rights, since
    whoever runs the command line already holds the database.
    """

    guild_id: int
    kind: ExportKind
    since: date
    until: date


async def export_days(command: ExportDays, ctx: ServiceContext) -> Export:
    """The export as one file, however large (a nightly job writes it to disk)."""
    async with ctx.uow(read_only=True) as uow:
        zone = (await uow.guilds.policy(command.guild_id)).timezone
        window = days_window(command.since, command.until, ZoneInfo(zone))
        return await _build(
            uow, command.guild_id, kind=command.kind, window=window, zone_name=zone,
            max_file_bytes=None,
        )  # fmt: skip


async def _build(
    uow: UnitOfWork,
    guild_id: int,
    *,
    kind: ExportKind,
    window: Window,
    zone_name: str,
    max_file_bytes: int | None,
) -> Export:
    columns, rows = await _table(uow, guild_id, kind, window, ZoneInfo(zone_name))
    limit = max_file_bytes if max_file_bytes is not None else 2**62
    return Export(kind, window, zone_name, len(rows), tuple(csv_pages(columns, rows, limit)))


async def _table(
    uow: UnitOfWork, guild_id: int, kind: ExportKind, window: Window, zone: ZoneInfo
) -> tuple[Sequence[str], list[list[str]]]:
    if kind is ExportKind.SESSIONS:
        sessions = await uow.exports.sessions(guild_id, window)
        return SESSION_COLUMNS, [session_row(s, zone) for s in sessions]
    if kind is ExportKind.TUTOR_HOURS:
        visits = await uow.exports.queue_visits(guild_id, window)
        sums = tutor_hours(await uow.exports.sessions(guild_id, window), visits)
        return TUTOR_HOURS_COLUMNS, [tutor_hours_row(t, window, zone) for t in sums]
    if kind is ExportKind.REVIEWS:
        reviews = await uow.exports.reviews(guild_id, window)
        return REVIEW_COLUMNS, [review_row(r, zone) for r in reviews]
    visits = await uow.exports.queue_visits(guild_id, window)
    return QUEUE_COLUMNS, [queue_row(v, zone) for v in visits]
