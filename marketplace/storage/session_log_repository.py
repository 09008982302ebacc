"""Session logs, screening flags and screening reminders in SQL (text and context sealed)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select, update

from marketplace.domain.session_log import FlagState, LoggedMessage, MessageFlag
from marketplace.storage.models import MessageFlagRow, ScreeningReminderRow, SessionMessageRow
from marketplace.storage.sql_repository import SqlRepository, columns_of, from_row


def _message(row: SessionMessageRow) -> LoggedMessage:
    return from_row(LoggedMessage, row, attachments=tuple(row.attachments or ()))


def _context_message(flag: MessageFlagRow, item: dict[str, Any]) -> LoggedMessage:
    return LoggedMessage(
        message_id=int(item["id"]),
        guild_id=flag.guild_id,
        booking_id=flag.booking_id or 0,
        channel_id=flag.channel_id,
        author_id=int(item["author"]),
        sent_at=datetime.fromisoformat(str(item["at"])).astimezone(UTC),
        text=str(item["text"]),
        attachments=tuple(item.get("files", ())),
    )


def _flag(row: MessageFlagRow) -> MessageFlag:
    context = tuple(_context_message(row, item) for item in row.context.get("messages", []))
    return from_row(
        MessageFlag,
        row,
        flag_id=row.id,
        kinds=tuple(k for k in row.kinds.split(",") if k),
        context=context,
        state=FlagState(row.status),
    )


class SqlSessionLogs(SqlRepository):
    """What was said in session spaces, one row per Discord message."""

    async def record(self, message: LoggedMessage) -> bool:
        """Store a message, or its edit (new text and `edited_at`); True when it is new."""
        values: dict[str, Any] = {"text": message.text, "attachments": list(message.attachments)}
        new = columns_of(message, **values)
        inserted = await self._insert_new(SessionMessageRow, (SessionMessageRow.message_id,), **new)
        if not inserted:
            await self._session.execute(
                update(SessionMessageRow)
                .where(SessionMessageRow.message_id == message.message_id)
                .values(edited_at=message.edited_at or message.sent_at, **values)
            )
        return inserted

    async def of_booking(self, booking_id: int, *, limit: int = 500) -> list[LoggedMessage]:
        return await self._all(
            select(SessionMessageRow)
            .where(SessionMessageRow.booking_id == booking_id)
            .order_by(SessionMessageRow.sent_at, SessionMessageRow.message_id)
            .limit(limit),
            _message,
        )

    async def before(self, booking_id: int, sent_at: datetime, limit: int) -> list[LoggedMessage]:
        rows = await self._session.scalars(
            select(SessionMessageRow)
            .where(SessionMessageRow.booking_id == booking_id, SessionMessageRow.sent_at < sent_at)
            .order_by(SessionMessageRow.sent_at.desc(), SessionMessageRow.message_id.desc())
            .limit(limit)
        )
        return [_message(row) for row in reversed(list(rows))]

    async def count_since(self, booking_id: int, author_id: int, since: datetime) -> int:
        return await self._count(
            SessionMessageRow,
            SessionMessageRow.booking_id == booking_id,
            SessionMessageRow.author_id == author_id,
            SessionMessageRow.sent_at >= since,
        )

    async def purge_booking(self, booking_id: int) -> int:
        purged = await self._affected(
            delete(SessionMessageRow).where(SessionMessageRow.booking_id == booking_id)
        )
        await self._session.execute(
            update(MessageFlagRow)
            .where(
                MessageFlagRow.booking_id == booking_id,
                MessageFlagRow.status != FlagState.OPEN.value,
            )
            .values(context={"messages": [], "purged": True})
        )
        return purged


_FLAG_OPEN = MessageFlagRow.status == FlagState.OPEN.value


class SqlMessageFlags(SqlRepository):
    """Screening flags of a guild, decided once."""

    async def add(self, flag: MessageFlag) -> MessageFlag:
        row = MessageFlagRow(
            **columns_of(
                flag,
                skip=("flag_id", "state"),
                kinds=",".join(flag.kinds),
                context={"messages": [m.to_record() for m in flag.context]},
                status=flag.state.value,
            )
        )
        return _flag(await self._insert(row))

    async def get(self, guild_id: int, flag_id: int) -> MessageFlag | None:
        row = await self._session.get(MessageFlagRow, flag_id, populate_existing=True)
        return _flag(row) if row is not None and row.guild_id == guild_id else None

    async def close(self, flag: MessageFlag) -> bool:
        closed = await self._session.scalar(
            update(MessageFlagRow)
            .where(MessageFlagRow.id == flag.flag_id, _FLAG_OPEN)
            .values(status=flag.state.value, decided_by=flag.decided_by, decided_at=flag.decided_at)
            .returning(MessageFlagRow.id)
        )
        return closed is not None

    async def open_flags(self, guild_id: int, limit: int) -> list[MessageFlag]:
        return await self._queue(MessageFlagRow, _flag, guild_id, _FLAG_OPEN, limit=limit)

    async def count_open(self, guild_id: int) -> int:
        return await self._count(MessageFlagRow, MessageFlagRow.guild_id == guild_id, _FLAG_OPEN)

    async def kinds_of_message(self, message_id: int) -> set[str]:
        rows = await self._session.scalars(
            select(MessageFlagRow.kinds).where(MessageFlagRow.message_id == message_id)
        )
        return {kind for kinds in rows for kind in kinds.split(",") if kind}

    async def remind_once(self, booking_id: int, user_id: int, kind: str, now: datetime) -> bool:
        return await self._insert_new(
            ScreeningReminderRow,
            (),
            booking_id=booking_id, user_id=user_id, kind=kind, sent_at=now,
        )  # fmt: skip
