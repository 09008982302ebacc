"""`/find`: candidate tutors from one query, ranked by the domain, paginated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from marketplace.domain.availability import SlotSearch, first_slot_start
from marketplace.domain.booking import earliest_start
from marketplace.domain.errors import InputError, Problem
from marketplace.domain.money import Money, parse_money
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.profiles import Level, VerificationLevel
from marketplace.domain.ranking import RankSort, TutorCandidate, rank
from marketplace.domain.verification import levels_meeting, required_level
from marketplace.ports import UnitOfWork
from marketplace.ports.bookings import BUSY_NEAR, SearchCandidate
from marketplace.services.actor import Actor
from marketplace.services.availability import open_slots
from marketplace.services.context import ServiceContext
from marketplace.timeparse import WhenKind, parse_when

PAGE_SIZE = 4
DEFAULT_WINDOW = timedelta(hours=1)
MAX_EXACT_CHECKS = 200
MAX_RESULTS = 100  # 25 pages; nobody pages further, and ranking 10k rows costs time
MAX_STALE_RECOMPUTE = 10
_LEVEL_RANK = {level: level.rank for level in Level}


@dataclass(frozen=True, slots=True)
class FindTutors:
    """`/find subject: [level] [when] [max_price] [sort]`."""

    actor: Actor
    subject_key: str
    level: Level | None = None
    when: str | None = None
    max_price: str | None = None
    sort: str = "best"


@dataclass(frozen=True, slots=True)
class TutorHit:
    """One search result."""

    tutor_id: int
    name: str
    level: Level
    rate: Money
    verification: str
    instant_booking: bool
    next_slot: datetime | None
    accepting_payments: bool = True  # False: a paid tutor who cannot receive payouts yet


@dataclass(frozen=True, slots=True)
class SearchResults:
    """All ranked hits; the presenter pages through them."""

    subject_key: str
    subject_name: str
    hits: tuple[TutorHit, ...]
    window: tuple[datetime, datetime] | None
    payments_on: bool

    def page(self, number: int) -> tuple[TutorHit, ...]:
        """Hits on page `number` (0-based)."""
        return self.hits[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-len(self.hits) // PAGE_SIZE))


async def find(query: FindTutors, ctx: ServiceContext) -> SearchResults:
    """Rank the tutors who fit; with `when`, only those free then (first free start shown)."""
    actor, now = query.actor, ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        known = await uow.subjects.names(actor.guild_id)
        if query.subject_key not in known:
            raise InputError("subject", Problem.UNKNOWN_CHOICE)
        policy = await uow.guilds.policy(actor.guild_id)
        level = query.level or await _student_level(uow, actor, query.subject_key)
        max_minor = _max_price(query.max_price, policy.currency)
        window = await _window(uow, actor, query.when, policy.languages, now)
        found = await uow.search.candidates(
            actor.guild_id, query.subject_key, level=level, max_rate_minor=max_minor,
            viewer_id=actor.user_id, now=now, sort=query.sort,
            min_reviews_for_rating=policy.min_reviews_for_rating,
            limit=_candidate_limit(window, query.sort),
            verification_in=_verified_enough(policy, query.subject_key), free_between=window,
        )  # fmt: skip
        payments_on = policy.payments_enabled and ctx.payments_configured
        earliest = {c.tutor_id: _earliest(c, policy, now, payments_on) for c in found}
        next_slots = {c.tutor_id: c.next_slot_at for c in found}
        if window is None or query.sort == RankSort.SOONEST:
            # With `when`, the cached slots only order the exact checks, and only "soonest"
            # orders on them: the free starts found in the window replace them below.
            next_slots.update(
                await _recompute_stale(
                    uow, policy, actor.guild_id, found, earliest=earliest, now=now
                )
            )
        best_first: list[TutorCandidate] = []
        if window is not None:
            best_first = rank(
                (_candidate(c, level, next_slots.get(c.tutor_id), now) for c in found),
                query.sort,
                policy.min_reviews_for_rating,
            )
            near = {c.tutor_id: c for c in found}
            next_slots = await _free_in(
                uow, policy, actor.guild_id, ranked=[near[r.tutor_id] for r in best_first],
                window=window, earliest=earliest, now=now,
            )  # fmt: skip
            found = [c for c in found if c.tutor_id in next_slots]
        paid = [c.tutor_id for c in found if c.rate_minor > 0] if payments_on else []
        accepting = await uow.payout_accounts.enabled_among(actor.guild_id, paid)
    if window is not None and query.sort != RankSort.SOONEST:
        # "best" and "price" never look at next slots: ranking those left after the exact
        # checks again would give `best_first` with the others taken out.
        shown = [
            (r.tutor_id, _shown(next_slots[r.tutor_id], now))
            for r in best_first
            if r.tutor_id in next_slots
        ]
    else:
        ranked = rank(
            (_candidate(c, level, next_slots.get(c.tutor_id), now) for c in found),
            query.sort,
            policy.min_reviews_for_rating,
        )
        shown = [(r.tutor_id, r.next_slot) for r in ranked]
    by_id = {c.tutor_id: c for c in found}
    unpaid = set(paid) - accepting
    hits = tuple(_hit(by_id[t], slot, t not in unpaid) for t, slot in shown)
    return SearchResults(query.subject_key, known[query.subject_key], hits, window, payments_on)


async def count_demand(guild_id: int, results: SearchResults, ctx: ServiceContext) -> None:
    """Count a search for the weekly report; unmet when no tutor shown can be booked.

    A write of its own, which the bot makes after answering: `find` stays a read.
    """
    bookable = any(h.next_slot is not None and h.accepting_payments for h in results.hits)
    async with ctx.uow() as uow:
        zone = ZoneInfo((await uow.guilds.policy(guild_id)).timezone)
        day = ctx.clock.now().astimezone(zone).date()
        await uow.demand.count(guild_id, results.subject_key, day, unmet=not bookable)
        await uow.commit()


def _candidate_limit(window: tuple[datetime, datetime] | None, sort: str) -> int | None:
    """How many candidates to fetch, in the candidate query's order (None: all).

    Without `when`, the first `MAX_RESULTS`. With it, the exact checks go to the first
    `MAX_EXACT_CHECKS` in the ranking's order, which the query's order is for "best" and
    "price"; "soonest" ranks on next slots that may be recomputed first, so it takes all.
    """
    if window is None:
        return MAX_RESULTS
    return None if sort == RankSort.SOONEST else MAX_EXACT_CHECKS


def _verified_enough(policy: GuildPolicy, subject_key: str) -> tuple[str, ...] | None:
    """The verification levels a tutor needs to be listed (None: the subject needs none)."""
    required = required_level(policy.verification_required_subjects, subject_key)
    if required is VerificationLevel.NONE:
        return None
    return tuple(level.value for level in levels_meeting(required))


def _max_price(text: str | None, currency: str) -> int | None:
    if not text or not text.strip():
        return None
    try:
        return parse_money(text, currency).minor
    except InputError as error:
        raise InputError("max_price", error.problem, error.limit) from error


async def _student_level(uow: UnitOfWork, actor: Actor, subject_key: str) -> Level:
    student = await uow.students.get(actor.guild_id, actor.user_id)
    for subject in student.subjects if student else ():
        if subject.subject_key == subject_key:
            return subject.level
    return Level.BEGINNER


def _earliest(
    c: SearchCandidate, policy: GuildPolicy, now: datetime, payments_on: bool
) -> datetime:
    """The earliest start **Book** offers for this tutor: the same rule as the picker's."""
    paying = payments_on and c.rate_minor > 0
    return earliest_start(now, policy, instant=c.instant_booking, paying=paying)


async def _recompute_stale(
    uow: UnitOfWork,
    policy: GuildPolicy,
    guild_id: int,
    found: list[SearchCandidate],
    *,
    earliest: dict[int, datetime],
    now: datetime,
) -> dict[int, datetime | None]:
    """Fresh next slots for tutors whose cached one can no longer be booked.

    The refresh job normally keeps the cache current; this covers a job that is late,
    and a cached slot too soon for **Book** (a request needs time to be answered).
    """
    shortest = timedelta(minutes=min(policy.allowed_durations_minutes))
    horizon = now + timedelta(days=policy.booking_horizon_days)
    stale = [
        c for c in found if c.next_slot_at is not None and c.next_slot_at < earliest[c.tutor_id]
    ]
    fresh: dict[int, datetime | None] = {}
    for candidate in stale[:MAX_STALE_RECOMPUTE]:
        start = earliest[candidate.tutor_id]
        starts = await open_slots(
            uow, guild_id, candidate.tutor_id, policy, now,
            duration=shortest, within=(start, max(start, horizon)),
        )  # fmt: skip
        fresh[candidate.tutor_id] = starts[0] if starts else None
    for candidate in stale[MAX_STALE_RECOMPUTE:]:
        fresh[candidate.tutor_id] = None  # unknown for now; the refresh job catches up
    return fresh


async def _window(
    uow: UnitOfWork, actor: Actor, when: str | None, languages: tuple[str, ...], now: datetime
) -> tuple[datetime, datetime] | None:
    if not when or not when.strip():
        return None
    zone = await uow.users.timezone(actor.user_id) or "UTC"
    parsed = parse_when(when, zone=zone, now=now, languages=languages)
    if parsed.kind is WhenKind.WEEKLY or parsed.start is None:
        raise InputError("when", Problem.UNPARSEABLE)
    return parsed.start, parsed.end or parsed.start + DEFAULT_WINDOW


async def _free_in(
    uow: UnitOfWork,
    policy: GuildPolicy,
    guild_id: int,
    *,
    ranked: list[SearchCandidate],
    window: tuple[datetime, datetime],
    earliest: dict[int, datetime],
    now: datetime,
) -> dict[int, datetime | None]:
    """The first free start within the window, for each tutor who has one.

    No start before `earliest` (the tutor's first start **Book** offers) counts.

    `ranked` are the tutors who may be free then (the candidate query's `free_between`),
    best first; exact slots are worked out for the first `MAX_EXACT_CHECKS` of them, so a
    good tutor is never cut for a low id. At most three queries, whatever their number:
    windows and bookings are read only for the tutors the candidate query saw them near.

    The starts are `availability.open_slots_of`'s for the window, but only the weekly
    rules that may meet it are read: a slot starts in the window and ends at most the
    shortest session after it, so no other rule can open or extend one.
    """
    checked = [c.tutor_id for c in ranked[:MAX_EXACT_CHECKS]]
    if not checked:
        return {}
    shortest = timedelta(minutes=min(policy.allowed_durations_minutes))
    buffer = timedelta(minutes=policy.buffer_minutes)
    start, end = window
    rules = await uow.availability.rules_meeting(guild_id, checked, start, end + shortest)
    # The flags look far enough for the day before the window (days off); for bookings,
    # `BUSY_NEAR` either side, which a buffer and a session could in theory outreach.
    far = buffer + shortest > BUSY_NEAR
    with_windows = [c.tutor_id for c in ranked[:MAX_EXACT_CHECKS] if c.windows_near]
    with_busy = [c.tutor_id for c in ranked[:MAX_EXACT_CHECKS] if c.busy_near or far]
    one_offs, days_off = (
        await uow.availability.windows_of(
            guild_id, with_windows, start, (start - timedelta(days=1)).date()
        )
        if with_windows
        else ({}, {})
    )
    busy = (
        await uow.bookings.busy_of(
            guild_id, with_busy, start - buffer - shortest, end + shortest + buffer
        )
        if with_busy
        else {}
    )
    # The guild's notice, as Book's picker: the grid is anchored on the windows it keeps.
    notice = max(timedelta(minutes=policy.min_notice_minutes), start - now)
    reach = min(timedelta(days=policy.booking_horizon_days), end - now)
    free: dict[int, datetime | None] = {}
    for tutor_id in checked:
        first = first_slot_start(
            SlotSearch(
                rules.get(tutor_id, ()),
                one_offs.get(tutor_id, ()),
                days_off.get(tutor_id, ()),
                busy.get(tutor_id, ()),
                duration=shortest,
                buffer=buffer,
                now=now,
                min_notice=notice,
                horizon=reach,
            ),
            (max(start, earliest[tutor_id]), end),
        )
        if first is not None:
            free[tutor_id] = first
    return free


def _candidate(
    c: SearchCandidate, wanted: Level, next_slot: datetime | None, now: datetime
) -> TutorCandidate:
    """Ranking's view of a tutor; the review threshold is applied by the ranking itself.

    The rating and completion rate come from the counts kept on the profile (no review
    or booking is read).
    """
    return TutorCandidate(
        tutor_id=c.tutor_id,
        subject_level_match=_LEVEL_RANK[c.level] - _LEVEL_RANK[wanted],
        reviews=c.reviews,
        completion=c.completion,
        median_response_minutes=None,
        late_cancel_penalty=c.penalty_until is not None and c.penalty_until > now,
        rate_minor=c.rate_minor,
        next_slot=_shown(next_slot, now),
    )


def _shown(next_slot: datetime | None, now: datetime) -> datetime | None:
    """The next slot ranking sees: none once it has started."""
    return next_slot if next_slot is None or next_slot > now else None


def _hit(c: SearchCandidate, next_slot: datetime | None, accepting: bool) -> TutorHit:
    return TutorHit(
        tutor_id=c.tutor_id,
        name=c.display_name or "Tutor",
        level=c.level,
        rate=Money(c.rate_minor, c.currency),
        verification=c.verification,
        instant_booking=c.instant_booking,
        next_slot=next_slot,
        accepting_payments=accepting,
    )
