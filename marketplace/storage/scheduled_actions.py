"""The `scheduled_action` table: scheduling inside a unit of work, and a leased queue.

`SqlScheduledActions` runs in the caller's transaction, so work is scheduled atomically
with the booking change that causes it. `SqlActionQueue` is the job runner's side: each
call is its own short write transaction. A claim is one `UPDATE … RETURNING` whose
subquery picks due rows; PostgreSQL adds `FOR UPDATE SKIP LOCKED` so concurrent
claimers pass over each other's rows, and on SQLite the writer's `BEGIN IMMEDIATE`
already serialises claimers. Every later write is a compare-and-set on the lease owner,
so a worker whose lease ran out and was taken over can no longer close the row.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Insert,
    Row,
    Select,
    Table,
    Update,
    and_,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction, NewAction
from marketplace.ports import Clock, SystemClock
from marketplace.storage.engine import Database
from marketplace.storage.models import ScheduledActionRow
from marketplace.storage.sql_repository import SqlRepository

SKIPPED_OUTCOME = "booking changed"
OUTCOME_LENGTH = 200  # the width of scheduled_action.outcome
KNOWN_KINDS = tuple(kind.value for kind in ActionKind)

_Row = ScheduledActionRow


@dataclass(frozen=True, slots=True)
class Backlog:
    """The pending rows already due: how many, and the oldest one's due time."""

    due: int
    oldest_due_at: datetime | None


_CLAIMED_COLUMNS = (
    _Row.id,
    _Row.kind,
    _Row.guild_id,
    _Row.due_at,
    _Row.booking_id,
    _Row.user_id,
    _Row.payload,
    _Row.attempts,
)
# The statements below are set-based; there are no loaded objects to keep in step.
_NO_SYNC = {"synchronize_session": False}


def _values(action: NewAction) -> dict[str, Any]:
    return {
        "kind": action.kind.value,
        "dedupe_key": action.dedupe_key,
        "guild_id": action.guild_id,
        "booking_id": action.booking_id,
        "user_id": action.user_id,
        "due_at": action.due_at,
        "payload": dict(action.payload),
        "state": ActionState.PENDING.value,
        "attempts": 0,
    }


@cache
def _insert_action(dialect: str, *, returning: bool) -> Insert:
    """INSERT ... ON CONFLICT (dedupe_key) DO NOTHING [RETURNING id], built once per dialect.

    A hot write: built once, its cache key is computed once too.
    """
    table = cast(Table, _Row.__table__)
    statement = postgresql_insert(table) if dialect == "postgresql" else sqlite_insert(table)
    statement = statement.on_conflict_do_nothing(index_elements=[table.c.dedupe_key])
    return statement.returning(table.c.id) if returning else statement


class SqlScheduledActions(SqlRepository):
    """Schedules and skips work inside the caller's session (its unit of work)."""

    async def schedule(self, action: NewAction) -> bool:
        insert = _insert_action(self._dialect, returning=True)
        return await self._session.scalar(insert, _values(action)) is not None

    async def schedule_all(self, actions: Sequence[NewAction]) -> None:
        """`schedule` each action, as one statement run for every row (executemany)."""
        if actions:
            insert = _insert_action(self._dialect, returning=False)
            await self._session.execute(insert, [_values(action) for action in actions])

    @property
    def _dialect(self) -> str:
        return self._session.get_bind().dialect.name

    async def skip_pending(
        self, booking_id: int, kinds: frozenset[ActionKind] | None, now: datetime
    ) -> int:
        conditions = [_Row.booking_id == booking_id, _Row.state == ActionState.PENDING.value]
        if kinds is not None:
            conditions.append(_Row.kind.in_([kind.value for kind in kinds]))
        skipped = await self._session.scalars(
            update(_Row)
            .where(*conditions)
            .values(
                state=ActionState.SKIPPED.value,
                finished_at=now,
                outcome=SKIPPED_OUTCOME,
                lease_owner=None,
                lease_until=None,
            )
            .returning(_Row.id)
            .execution_options(**_NO_SYNC)
        )
        return len(skipped.all())


class SqlActionQueue:
    """The runner's view of the table: lease due rows, then close or give them back.

    `clock` only stamps `finished_at` when `retry_later` gives up on a row.
    """

    def __init__(self, database: Database, *, clock: Clock | None = None) -> None:
        self._database = database
        self._clock: Clock = clock or SystemClock()

    async def claim_due(
        self, now: datetime, owner: str, lease: timedelta, limit: int
    ) -> list[ClaimedAction]:
        """Rows come back oldest due first; each claim counts as one attempt."""
        if limit <= 0:
            return []
        async with self._transaction() as session:
            claimed = await session.execute(
                update(_Row)
                .where(_Row.id.in_(_due_ids(session, now, limit).scalar_subquery()))
                .values(lease_owner=owner, lease_until=now + lease, attempts=_Row.attempts + 1)
                .returning(*_CLAIMED_COLUMNS)
                .execution_options(**_NO_SYNC)
            )
            rows = claimed.all()
        actions = [_to_claimed(row) for row in rows]
        return sorted(actions, key=lambda action: (action.due_at, action.action_id))

    async def backlog(self, now: datetime) -> Backlog:
        """How many pending rows are due at `now`, and since when the oldest has waited.

        One aggregate over the (state, due_at) index, on a reader: cheap enough per scrape.
        """
        query = select(func.count(), func.min(_Row.due_at)).where(
            _Row.state == ActionState.PENDING.value, _Row.due_at <= now
        )
        async with self._database.reader() as session:
            due, oldest = (await session.execute(query)).one()
        return Backlog(int(due), oldest)

    async def finish(
        self, action_id: int, owner: str, state: ActionState, outcome: str, now: datetime
    ) -> bool:
        return await self._set_if_held(
            action_id,
            owner,
            state=state.value,
            finished_at=now,
            outcome=_clip(outcome),
            lease_owner=None,
            lease_until=None,
        )

    async def retry_later(
        self, action_id: int, owner: str, due_at: datetime, outcome: str, max_attempts: int
    ) -> bool:
        """False if this owner no longer holds the lease; then nothing changes."""
        async with self._transaction() as session:
            retried = await session.scalar(
                _held_update(action_id, owner, _Row.attempts < max_attempts)
                .values(due_at=due_at, outcome=_clip(outcome), lease_owner=None, lease_until=None)
                .returning(_Row.id)
            )
            if retried is not None:
                return True
            failed = await session.scalar(
                _held_update(action_id, owner)
                .values(
                    state=ActionState.FAILED.value,
                    finished_at=self._clock.now(),
                    outcome=_clip(outcome),
                    lease_owner=None,
                    lease_until=None,
                )
                .returning(_Row.id)
            )
            return failed is not None

    async def _set_if_held(self, action_id: int, owner: str, **values: Any) -> bool:
        async with self._transaction() as session:
            changed = await session.scalar(
                _held_update(action_id, owner).values(**values).returning(_Row.id)
            )
        return changed is not None

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
        # The writer's BEGIN IMMEDIATE takes SQLite's write lock before the claim reads;
        # the in-process lock queues this process's writers fairly (see Database).
        lock = self._database.write_lock
        if lock is not None:
            await lock.acquire()
        try:
            async with self._database.writer() as session, session.begin():
                yield session
        finally:
            if lock is not None:
                lock.release()


def _due_ids(session: AsyncSession, now: datetime, limit: int) -> Select[int]:
    """SELECT the ids of the oldest due, unleased (or lease-expired) pending rows."""
    lease_free = or_(_Row.lease_until.is_(None), _Row.lease_until < now)
    query = (
        select(_Row.id)
        .where(
            _Row.state == ActionState.PENDING.value,
            _Row.due_at <= now,
            lease_free,
            # A kind this build doesn't know stays pending for a build that does.
            _Row.kind.in_(KNOWN_KINDS),
        )
        .order_by(_Row.due_at, _Row.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return query


def _held_update(action_id: int, owner: str, *extra: ColumnElement[bool]) -> Update:
    """An UPDATE of one row, only while `owner` leases it and it is still pending."""
    held = and_(
        _Row.id == action_id,
        _Row.lease_owner == owner,
        _Row.state == ActionState.PENDING.value,
        *extra,
    )
    return update(_Row).where(held).execution_options(**_NO_SYNC)


def _to_claimed(row: Row[Any]) -> ClaimedAction:
    return ClaimedAction(
        action_id=row.id,
        kind=ActionKind(row.kind),
        guild_id=row.guild_id,
        due_at=row.due_at,
        booking_id=row.booking_id,
        user_id=row.user_id,
        payload=dict(row.payload or {}),
        attempts=row.attempts,
    )


def _clip(outcome: str) -> str:
    return outcome[:OUTCOME_LENGTH]
