"""What the SQL repositories share: the session, fresh and locked reads, counts, lists.

Each helper keeps the statement it is given: the caller still says which rows, in which
order, and whether they are locked; the helper only runs it and turns rows into domain
values.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, Select, Table, and_, func, inspect, select, update
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Delete, Update

from marketplace.domain.stats import Window
from marketplace.logs import Transitions
from marketplace.storage.models import Base

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Row = TypeVar("Row")
Value = TypeVar("Value")
D = TypeVar("D", bound="DataclassInstance")


def from_row(cls: type[D], row: object, **converted: Any) -> D:
    """A domain dataclass from an ORM row.

    Each field not in `converted` is the row's attribute of the same name: a field the
    row lacks fails loudly, never silently.
    """
    same = (f.name for f in dataclasses.fields(cls) if f.init and f.name not in converted)
    return cls(**{name: getattr(row, name) for name in same}, **converted)


def columns_of(
    value: DataclassInstance, *, skip: tuple[str, ...] = (), **converted: Any
) -> dict[str, Any]:
    """A domain dataclass as the column values of its new row: the reverse of `from_row`.

    Each field not in `skip` or `converted` goes to the column of the same name (one the
    table lacks fails loudly in the INSERT); `converted` gives the others, and may set
    columns the value has no field for.
    """
    fields = dataclasses.fields(value)
    same = (f.name for f in fields if f.name not in skip and f.name not in converted)
    return {name: getattr(value, name) for name in same} | converted


def within(column: Any, window: Window) -> ColumnElement[bool]:
    """`column` inside the half-open window [start, end)."""
    return and_(column >= window.start, column < window.end)


def value_of(member: StrEnum | None) -> str | None:
    """An optional enum member as its column value."""
    return None if member is None else member.value


def dialect_of(session: AsyncSession) -> str:
    """The name of the session's SQL dialect: "postgresql" or "sqlite"."""
    return session.get_bind().dialect.name


def upsert_into(dialect: str, target: type[Base] | Table) -> PgInsert | SqliteInsert:
    """An INSERT into `target` (a model or a table) that can say ON CONFLICT, in `dialect`."""
    if dialect == "postgresql":
        return postgresql_insert(target)
    return sqlite_insert(target)


def upsert(session: AsyncSession, model: type[Base]) -> PgInsert | SqliteInsert:
    """An INSERT that can say ON CONFLICT, in the session's SQL dialect."""
    return upsert_into(dialect_of(session), model)


class SqlRepository:
    """A repository over the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _insert(self, row: Row) -> Row:
        """Add a new ORM row and flush it, so it has its generated id."""
        self._session.add(row)
        await self._session.flush()
        return row

    async def _insert_new(self, model: type[Base], unique: tuple[Any, ...], **values: Any) -> bool:
        """INSERT ... ON CONFLICT DO NOTHING: True when the row is new, False when it was there.

        `unique`: the columns of the conflict target (empty: any unique constraint).
        """
        return await self._insert_new_id(model, unique, **values) is not None

    async def _insert_new_id(
        self, model: type[Base], unique: tuple[Any, ...], **values: Any
    ) -> Any | None:
        """`_insert_new`, answering with the new row's key (None when it was there)."""
        statement = (
            upsert(self._session, model)
            .values(**values)
            .on_conflict_do_nothing(index_elements=list(unique) or None)
            .returning(inspect(model).primary_key[0])
        )
        return await self._session.scalar(statement)

    async def _put(self, model: Any, key: dict[str, Any], values: dict[str, Any]) -> None:
        """INSERT the row `key` with `values`, or UPDATE `values` where that row is there.

        `key` names the columns of a unique constraint (ON CONFLICT ... DO UPDATE).
        """
        unique = [getattr(model, column) for column in key]
        await self._session.execute(
            upsert(self._session, model)
            .values(**key, **values)
            .on_conflict_do_update(index_elements=unique, set_=values)
        )

    async def _first(self, query: Select[Row], convert: Callable[[Row], Value]) -> Value | None:
        """The first row the query finds as a domain value, or None."""
        row = await self._session.scalar(query)
        return None if row is None else convert(row)

    async def _fresh(self, query: Select[Row], *, for_update: bool = False) -> Row | None:
        """The row the query finds, read again over what the session holds.

        `populate_existing`, and locked `FOR UPDATE` when asked.
        """
        if for_update:
            query = query.with_for_update()
        return await self._session.scalar(query.execution_options(populate_existing=True))

    async def _all(self, query: Select[Row], convert: Callable[[Row], Value]) -> list[Value]:
        """Every row the query finds, in its order, as domain values."""
        return [convert(row) for row in await self._session.scalars(query)]

    async def _tuples(
        self, query: Select[*tuple[Any, ...]], convert: Callable[[Any], Value]
    ) -> list[Value]:
        """Every result row (a tuple of columns, not one entity) the query finds, in order."""
        return [convert(row) for row in await self._session.execute(query)]

    async def _queue(
        self,
        model: Any,
        convert: Callable[[Any], Value],
        guild_id: int,
        waiting: Any,
        *,
        limit: int,
        offset: int = 0,
    ) -> list[Value]:
        """A moderator queue: the guild's rows matching `waiting`, oldest first.

        Ordered by `created_at`, then the key; `limit` rows from `offset`.
        """
        query = (
            select(model)
            .where(model.guild_id == guild_id, waiting)
            .order_by(model.created_at, inspect(model).primary_key[0])
            .limit(limit)
        )
        return await self._all(query.offset(offset) if offset else query, convert)

    async def _count(self, table: Any, *where: Any) -> int:
        """How many rows of `table` match `where`."""
        count = await self._session.scalar(select(func.count()).select_from(table).where(*where))
        return int(count or 0)

    async def _affected(self, statement: Update | Delete) -> int:
        """Run an UPDATE or DELETE; how many rows it changed."""
        result = await self._session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)


class LoggedSqlRepository(SqlRepository):
    """A repository that reports state changes to the unit of work's Transitions."""

    def __init__(self, session: AsyncSession, transitions: Transitions | None = None) -> None:
        super().__init__(session)
        self._transitions = transitions or Transitions()

    def _created(self, kind: str, key: int, state: str, **ids: Any) -> None:
        """Log a row just added, in its first state (it had none before)."""
        self._transitions.changed(kind, key, None, state, **ids)

    async def _close(
        self,
        kind: str,
        model: Any,
        key: int,
        move: tuple[str, str],
        values: dict[str, Any],
        *where: Any,
        **ids: Any,
    ) -> bool:
        """Compare-and-set on the row's `status`: `move` is (before, after).

        An UPDATE ... RETURNING of the row `key` (also matching `where`) while its status
        is still `before`, setting `after` and `values`. The change is logged only when it
        won; False when it was decided already.
        """
        before, after = move
        statement = (
            update(model)
            .where(model.id == key, model.status == before, *where)
            .values(status=after, **values)
            .execution_options(synchronize_session=False)
            .returning(model.id)
        )
        if (await self._session.execute(statement)).first() is None:
            return False
        self._transitions.changed(kind, key, before, after, **ids)
        return True
