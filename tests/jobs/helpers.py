"""Shared test helpers: schedule rows, read them back, and record what handlers saw."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction, NewAction
from marketplace.jobs import HandlerResult
from marketplace.storage.engine import Database
from marketplace.storage.models import BookingRow, GuildRow, ScheduledActionRow
from marketplace.storage.scheduled_actions import SqlScheduledActions

GUILD = 4242


def action(
    key: str,
    due_at: datetime,
    kind: ActionKind = ActionKind.NOTIFY,
    booking_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> NewAction:
    return NewAction(
        kind=kind,
        dedupe_key=key,
        guild_id=GUILD,
        due_at=due_at,
        booking_id=booking_id,
        user_id=7,
        payload=payload or {},
    )


async def schedule(database: Database, *actions: NewAction) -> list[bool]:
    """Schedule the actions in one committed transaction; whether each was added."""
    async with database.writer() as session, session.begin():
        scheduled = SqlScheduledActions(session)
        return [await scheduled.schedule(new) for new in actions]


async def schedule_due(database: Database, count: int, now: datetime) -> None:
    """`count` NOTIFY rows, all due at `now` or earlier."""
    await schedule(
        database,
        *(action(f"due-{n}", now - timedelta(seconds=count - n)) for n in range(count)),
    )


async def rows(database: Database) -> dict[str, ScheduledActionRow]:
    """Every scheduled_action row, by dedupe key."""
    async with database.reader() as session:
        found = await session.scalars(select(ScheduledActionRow))
        return {row.dedupe_key: row for row in found}


async def states(database: Database) -> Counter[str]:
    """How many rows are in each state."""
    return Counter(row.state for row in (await rows(database)).values())


async def add_bookings(database: Database, count: int, now: datetime) -> list[int]:
    """Insert a guild and `count` confirmed bookings (different tutors); their ids."""
    async with database.writer() as session, session.begin():
        session.add(GuildRow(id=GUILD, name="Campus", settings={}, created_at=now, updated_at=now))
        await session.flush()  # no ORM relationship orders the guild before its bookings
        bookings = [_booking(tutor_id=100 + n, now=now) for n in range(count)]
        session.add_all(bookings)
        await session.flush()
        return [booking.id for booking in bookings]


def _booking(tutor_id: int, now: datetime) -> BookingRow:
    start = now + timedelta(days=1)
    return BookingRow(
        guild_id=GUILD,
        student_id=1,
        tutor_id=tutor_id,
        subject_key="calculus",
        start_at=start,
        end_at=start + timedelta(hours=1),
        block_start=start,
        block_end=start + timedelta(hours=1, minutes=10),
        live=True,
        state="confirmed",
        created_at=now,
        updated_at=now,
        expires_at=start,
        note="",
        sequence=0,
        instant=False,
        version=0,
        cancelled_late=False,
        cancelled_after_start=False,
    )


class RecordingHandler:
    """A handler that counts each action it is given and fails for chosen keys' ids."""

    def __init__(self, state: ActionState = ActionState.DONE) -> None:
        self.seen: Counter[int] = Counter()
        self.failing: set[int] = set()
        self._state = state

    async def __call__(self, claimed: ClaimedAction) -> HandlerResult:
        self.seen[claimed.action_id] += 1
        if claimed.action_id in self.failing:
            msg = f"boom on {claimed.action_id}"
            raise RuntimeError(msg)
        return HandlerResult(self._state, f"sent {claimed.nonce}")
