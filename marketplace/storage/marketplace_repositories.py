"""Search over tutor profiles, blocks and restrictions, and the delivery log."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    SQLColumnExpression,
    Table,
    and_,
    bindparam,
    case,
    delete,
    exists,
    or_,
    select,
    true,
    union_all,
    update,
)

from marketplace.domain.profiles import Level
from marketplace.domain.ranking import (
    NEUTRAL_COMPLETION_PERCENT,
    NEUTRAL_RATING_TENTHS,
    CompletionCounts,
    ReviewCounts,
)
from marketplace.domain.restrictions import Restriction
from marketplace.ports.bookings import BUSY_NEAR, WINDOWS_NEAR, SearchCandidate
from marketplace.storage.availability_repository import MINUTES_PER_WEEK, week_minute
from marketplace.storage.booking_repository import holds_tutor_time
from marketplace.storage.models import (
    AvailabilityRuleRow,
    AvailabilityWindowRow,
    BookingRow,
    DeliveryRow,
    DmStatusRow,
    GroupSessionRow,
    RestrictionRow,
    TutorProfileRow,
    TutorSubjectRow,
    UserBlockRow,
    UserRow,
)
from marketplace.storage.sql_repository import LoggedSqlRepository, SqlRepository, upsert
from marketplace.storage.types import UTCDateTime

_LEVEL_OF = {lv.value: lv for lv in Level}  # a stored level's member, without Level(...)
LEVELS_AT_LEAST = {
    Level.BEGINNER: (Level.BEGINNER, Level.INTERMEDIATE, Level.ADVANCED),
    Level.INTERMEDIATE: (Level.INTERMEDIATE, Level.ADVANCED),
    Level.ADVANCED: (Level.ADVANCED,),
}


def _rating_tenths() -> SQLColumnExpression[int]:
    """`ranking.rating_tenths` on the profile's counts, in the same integer arithmetic.

    The threshold is the bound `counted_from` (``max(min_reviews_for_rating, 1)``).
    """
    p = TutorProfileRow
    counted = p.review_count >= bindparam("counted_from")
    exact = (20 * p.review_star_sum + p.review_count) // (2 * p.review_count)
    return case((counted, exact), else_=NEUTRAL_RATING_TENTHS)


def _completion_percent() -> SQLColumnExpression[int]:
    """`ranking.completion_percent` on the profile's counts, in the same integer arithmetic."""
    p = TutorProfileRow
    ended = p.sessions_held + p.sessions_dropped
    exact = (200 * p.sessions_held + ended) // (2 * ended)
    return case((ended > 0, exact), else_=NEUTRAL_COMPLETION_PERCENT)


def _order(sort: str) -> list[SQLColumnExpression[Any]]:
    """The domain ranking's order (`ranking.rank`) on what the profile row holds.

    best: level, penalty, rating, completion, id. Response times are not recorded yet,
    so search gives every tutor the same neutral one and that key is left out.
    """
    p, s = TutorProfileRow, TutorSubjectRow
    level_rank = case({lv.value: lv.rank for lv in Level}, value=s.level, else_=9)
    penalised = case((p.penalty_until > bindparam("now"), 1), else_=0)
    best = [
        level_rank,
        penalised,
        _rating_tenths().desc(),
        _completion_percent().desc(),
        p.user_id,
    ]
    if sort == "price":
        return [p.rate_minor, *best]
    if sort == "soonest":
        return [p.next_slot_at.is_(None), p.next_slot_at, *best]
    return best


def _maybe_free() -> ColumnElement[bool]:
    """A cheap superset of the tutors free at some time in [`free_from`, `free_to`).

    Those with a weekly rule whose widened UTC week range meets it (the range in minutes
    of the week, `week_low` to `week_high`, and the same a week earlier and later), or a
    one-off window that does; per tutor, from the indexes.
    """
    p, a, w = TutorProfileRow, AvailabilityRuleRow, AvailabilityWindowRow
    low = bindparam("week_low", type_=Integer())
    high = bindparam("week_high", type_=Integer())
    # Selecting a column (not `*`) lets SQLite answer from the covering index.
    rule = (
        select(a.tutor_id)
        .where(
            a.guild_id == bindparam("guild_id"),
            a.tutor_id == p.user_id,
            # The rule's range may wrap past the week's end, and so may the window's.
            or_(
                *(
                    (a.utc_week_start < high + shift) & (a.utc_week_end > low + shift)
                    for shift in (-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK)
                )
            ),
        )
        .exists()
    )
    window = (
        select(w.tutor_id)
        .where(
            w.guild_id == bindparam("guild_id"),
            w.tutor_id == p.user_id,
            w.is_day_off.is_(False),
            w.start_at < bindparam("free_to"),
            w.end_at > bindparam("free_from"),
        )
        .exists()
    )
    return or_(rule, window)


def _near() -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Whether the tutor has windows or days off, and live bookings, near the range.

    `windows_near`: one ending after `windows_from`; `busy_near`: a live booking or group
    session whose block meets [`busy_from`, `busy_to`) (all from indexes).
    """
    p, w = TutorProfileRow, AvailabilityWindowRow
    windows = (
        select(w.tutor_id)
        .where(
            w.guild_id == p.guild_id,
            w.tutor_id == p.user_id,
            w.end_at > bindparam("windows_from", type_=UTCDateTime()),
        )
        .exists()
    )
    # A live booking or group session whose block meets the range: the tutor is busy.
    busy = or_(*(_holds_time(model) for model in (BookingRow, GroupSessionRow)))
    return windows, busy


def _holds_time(model: type[BookingRow] | type[GroupSessionRow]) -> ColumnElement[bool]:
    """Whether the profile's tutor has a live row of `model` meeting [busy_from, busy_to)."""
    p, table = TutorProfileRow, cast(Table, model.__table__)
    busy_from = bindparam("busy_from", type_=UTCDateTime())
    busy_to = bindparam("busy_to", type_=UTCDateTime())
    return (
        select(table.c.tutor_id)
        .where(
            table.c.guild_id == p.guild_id,
            table.c.tutor_id == p.user_id,
            holds_tutor_time(table, busy_from, busy_to),
        )
        .exists()
    )


@functools.cache
def _hidden() -> CompoundSelect[int]:
    """Who the viewer must not see: blocked either way, or under a restriction.

    Bound parameters `guild_id`, `viewer_id`, `now`; built once.
    """
    b, r = UserBlockRow, RestrictionRow
    guild = bindparam("guild_id", type_=BigInteger())
    viewer = bindparam("viewer_id", type_=BigInteger())
    return union_all(
        select(b.blocked_id).where(b.guild_id == guild, b.blocker_id == viewer),
        select(b.blocker_id).where(b.guild_id == guild, b.blocked_id == viewer),
        select(r.user_id).where(
            r.guild_id == guild, or_(r.until.is_(None), r.until > bindparam("now"))
        ),
    )


_Shape = tuple[str, int | None, bool, bool, bool]


@functools.lru_cache(maxsize=64)
def _candidate_query(shape: _Shape) -> Select[*tuple[Any, ...]]:
    """The candidate query for one shape, every value a bound parameter.

    Built once per shape (sort, limit, and whether there is a price cap, a verification
    requirement, a `free_between`): building it is a good part of a search's cost.
    """
    sort, limit, capped, verified, windowed = shape
    p, s = TutorProfileRow, TutorSubjectRow
    teaching = and_(
        s.guild_id == p.guild_id, s.user_id == p.user_id, s.subject_key == bindparam("subject")
    )
    fits = [
        p.guild_id == bindparam("guild_id"),
        p.status == "active",
        p.user_id != bindparam("viewer_id"),
        s.teaches.is_(True),
        s.level.in_(bindparam("levels", expanding=True)),
        # A list of values: far cheaper for SQLite to test than the subqueries behind it.
        p.user_id.not_in(bindparam("hidden", expanding=True)),
    ]
    if capped:
        fits.append(p.rate_minor <= bindparam("max_rate"))
    if verified:
        fits.append(p.verification.in_(bindparam("verification", expanding=True)))
    if windowed:
        fits.append(_maybe_free())
    query = (
        select(
            p.user_id, UserRow.display_name, s.level, p.rate_minor, p.currency,
            p.verification, p.instant_booking, p.next_slot_at, p.penalty_until,
            p.sessions_held, p.sessions_dropped, p.review_count, p.review_star_sum,
            *(_near() if windowed else (true(), true())),
        )
        .join(s, teaching)
        .join(UserRow, UserRow.id == p.user_id)
    )  # fmt: skip
    # Pick from the indexes (`ix_tutor_subject_lookup`, `ix_tutor_profile_search`), then
    # read only the picked tutors' rows in full. Picking in a subquery also keeps SQLite
    # (which has no statistics) from driving the join from the profiles' status index.
    picked = select(p.user_id).join(s, teaching).where(*fits)
    if limit is not None:
        order = _order(sort)
        picked = picked.order_by(*order).limit(limit)
        query = query.order_by(*order)
    return query.where(p.guild_id == bindparam("guild_id"), p.user_id.in_(picked.correlate(None)))


class SqlSearchIndex(SqlRepository):
    """Finds candidate tutors from the indexes: two statements, each built once."""

    async def candidates(
        self,
        guild_id: int,
        subject_key: str,
        *,
        level: Level,
        max_rate_minor: int | None,
        viewer_id: int,
        now: datetime,
        min_reviews_for_rating: int,
        sort: str = "best",
        limit: int | None = None,
        verification_in: tuple[str, ...] | None = None,
        free_between: tuple[datetime, datetime] | None = None,
    ) -> list[SearchCandidate]:
        """Two statements: who is hidden from the viewer, then the candidates.

        With `limit`, only the first `limit` in `sort` order, which is the domain ranking's
        on the profile's columns (see `_order`): best = closest level, unpenalised, rating
        (counted from `min_reviews_for_rating` reviews), completion rate, id; price then
        best; soonest next open slot then best. With `free_between`, only tutors who may
        be free then (`_maybe_free`). The candidates statement is built once per shape.
        """
        asked = {"guild_id": guild_id, "viewer_id": viewer_id, "now": now}
        hidden = list(await self._session.scalars(_hidden(), asked))
        shape = (
            sort if sort in {"price", "soonest"} else "best", limit,
            max_rate_minor is not None, verification_in is not None, free_between is not None,
        )  # fmt: skip
        values: dict[str, Any] = {
            "guild_id": guild_id, "viewer_id": viewer_id, "subject": subject_key, "now": now,
            "levels": [lv.value for lv in LEVELS_AT_LEAST[level]],
            "counted_from": max(min_reviews_for_rating, 1), "max_rate": max_rate_minor,
            "verification": list(verification_in or ()), "hidden": hidden,
        }  # fmt: skip
        if free_between is not None:
            start, end = free_between
            low = week_minute(start)
            values |= {
                "free_from": start, "free_to": end, "week_low": low,
                "week_high": low + int((end - start).total_seconds() // 60),
                "windows_from": start - WINDOWS_NEAR, "busy_from": start - BUSY_NEAR,
                "busy_to": end + BUSY_NEAR,
            }  # fmt: skip
        rows = await self._session.execute(_candidate_query(shape), values)
        return [
            SearchCandidate(
                uid, name, _LEVEL_OF.get(lv) or Level(lv), rate, cur, ver, inst, nxt, pen,
                CompletionCounts(held, drop), ReviewCounts(reviews, stars),
                bool(windows), bool(busy),
            )
            for (
                uid, name, lv, rate, cur, ver, inst, nxt, pen, held, drop, reviews, stars,
                windows, busy,
            ) in rows
        ]  # fmt: skip

    async def set_next_slot(self, guild_id: int, tutor_id: int, at: datetime | None) -> None:
        await self._session.execute(
            update(TutorProfileRow)
            .where(TutorProfileRow.guild_id == guild_id, TutorProfileRow.user_id == tutor_id)
            .values(next_slot_at=at)
        )

    async def set_penalty(self, guild_id: int, tutor_id: int, until: datetime | None) -> None:
        await self._session.execute(
            update(TutorProfileRow)
            .where(TutorProfileRow.guild_id == guild_id, TutorProfileRow.user_id == tutor_id)
            .values(penalty_until=until)
        )

    async def add_completion(self, guild_id: int, tutor_id: int, tally: CompletionCounts) -> None:
        """One `UPDATE ... SET n = n + k`: concurrent sessions of a tutor never lose a count."""
        if not tally.ended:
            return
        p = TutorProfileRow
        await self._session.execute(
            update(p)
            .where(p.guild_id == guild_id, p.user_id == tutor_id)
            .values(
                sessions_held=p.sessions_held + tally.held,
                sessions_dropped=p.sessions_dropped + tally.dropped,
            )
        )

    async def completion_of(self, guild_id: int, tutor_id: int) -> CompletionCounts:
        p = TutorProfileRow
        row = (
            await self._session.execute(
                select(p.sessions_held, p.sessions_dropped).where(
                    p.guild_id == guild_id, p.user_id == tutor_id
                )
            )
        ).first()
        return CompletionCounts() if row is None else CompletionCounts(*row)


RESTRICTION_IMPOSED = "imposed"
RESTRICTION_LIFTED = "lifted"  # or ended: a restriction past its `until`


class SqlBlockRepository(LoggedSqlRepository):
    """User blocks and moderator restrictions (imposed and lifted ones are logged)."""

    async def block(self, guild_id: int, blocker_id: int, blocked_id: int, now: datetime) -> None:
        await self._session.execute(
            upsert(self._session, UserBlockRow)
            .values(guild_id=guild_id, blocker_id=blocker_id, blocked_id=blocked_id, created_at=now)
            .on_conflict_do_nothing()
        )

    async def unblock(self, guild_id: int, blocker_id: int, blocked_id: int) -> bool:
        return bool(
            await self._affected(
                delete(UserBlockRow).where(
                    UserBlockRow.guild_id == guild_id,
                    UserBlockRow.blocker_id == blocker_id,
                    UserBlockRow.blocked_id == blocked_id,
                )
            )
        )

    async def between(self, guild_id: int, a: int, b: int) -> bool:
        pair = or_(
            and_(UserBlockRow.blocker_id == a, UserBlockRow.blocked_id == b),
            and_(UserBlockRow.blocker_id == b, UserBlockRow.blocked_id == a),
        )
        query = select(exists().where(UserBlockRow.guild_id == guild_id, pair))
        return bool(await self._session.scalar(query))

    async def restricted(self, guild_id: int, user_id: int, now: datetime) -> bool:
        query = select(
            exists().where(
                RestrictionRow.guild_id == guild_id,
                RestrictionRow.user_id == user_id,
                or_(RestrictionRow.until.is_(None), RestrictionRow.until > now),
            )
        )
        return bool(await self._session.scalar(query))

    async def restrict(self, restriction: Restriction) -> None:
        values = {
            "until": restriction.until,
            "reason": restriction.reason,
            "created_by": restriction.created_by,
            "created_at": restriction.created_at,
        }
        key = {"guild_id": restriction.guild_id, "user_id": restriction.user_id}
        await self._put(RestrictionRow, key, values)
        self._transitions.saved(
            "restriction", restriction.user_id, RESTRICTION_IMPOSED, new=True,
            guild_id=restriction.guild_id, user_id=restriction.user_id,
        )  # fmt: skip

    async def lift(self, guild_id: int, user_id: int, now: datetime) -> bool:
        lifted = await self._affected(
            update(RestrictionRow)
            .where(
                RestrictionRow.guild_id == guild_id,
                RestrictionRow.user_id == user_id,
                or_(RestrictionRow.until.is_(None), RestrictionRow.until > now),
            )
            .values(until=now)
        )
        if lifted:
            self._transitions.changed(
                "restriction", user_id, RESTRICTION_IMPOSED, RESTRICTION_LIFTED,
                guild_id=guild_id, user_id=user_id,
            )  # fmt: skip
        return bool(lifted)

    async def current(self, guild_id: int, user_id: int, now: datetime) -> Restriction | None:
        latest = await self.latest(guild_id, user_id)
        if latest is not None:
            state = RESTRICTION_IMPOSED if latest.active(now) else RESTRICTION_LIFTED
            self._transitions.loaded("restriction", user_id, state)
        return latest if latest is not None and latest.active(now) else None

    async def latest(self, guild_id: int, user_id: int) -> Restriction | None:
        r = RestrictionRow
        row = (
            await self._session.execute(
                select(r.until, r.reason, r.created_by, r.created_at).where(
                    r.guild_id == guild_id, r.user_id == user_id
                )
            )
        ).first()
        return None if row is None else Restriction(guild_id, user_id, *row)


class SqlDeliveryLog(SqlRepository):
    """Deliveries and closed DMs."""

    async def record(
        self,
        *,
        nonce: str,
        guild_id: int,
        user_id: int,
        booking_id: int | None,
        kind: str,
        channel: str,
        now: datetime,
    ) -> None:
        await self._session.execute(
            upsert(self._session, DeliveryRow)
            .values(
                nonce=nonce,
                guild_id=guild_id,
                user_id=user_id,
                booking_id=booking_id,
                kind=kind,
                channel=channel,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=[DeliveryRow.nonce])
        )

    async def delivered(self, nonce: str) -> bool:
        query = select(exists().where(DeliveryRow.nonce == nonce))
        return bool(await self._session.scalar(query))

    async def dms_closed(self, user_id: int, now: datetime) -> bool:
        query = select(
            exists().where(DmStatusRow.user_id == user_id, DmStatusRow.retry_after > now)
        )
        return bool(await self._session.scalar(query))

    async def mark_dms_closed(self, user_id: int, now: datetime, retry_after: datetime) -> None:
        values = {"closed_at": now, "retry_after": retry_after}
        await self._put(DmStatusRow, {"user_id": user_id}, values)

    async def fallbacks_for(
        self, guild_id: int, user_id: int, limit: int
    ) -> list[tuple[str, int | None, datetime]]:
        rows = await self._session.execute(
            select(DeliveryRow.kind, DeliveryRow.booking_id, DeliveryRow.created_at)
            .where(
                DeliveryRow.guild_id == guild_id,
                DeliveryRow.user_id == user_id,
                DeliveryRow.channel == "fallback",
            )
            .order_by(DeliveryRow.created_at.desc())
            .limit(limit)
        )
        return [(kind, booking, at) for kind, booking, at in rows]

    async def for_booking(self, booking_id: int) -> list[tuple[str, int, str, datetime]]:
        rows = await self._session.execute(
            select(
                DeliveryRow.kind, DeliveryRow.user_id, DeliveryRow.channel, DeliveryRow.created_at
            )
            .where(DeliveryRow.booking_id == booking_id)
            .order_by(DeliveryRow.created_at, DeliveryRow.id)
        )
        return [(kind, user, channel, at) for kind, user, channel, at in rows]
