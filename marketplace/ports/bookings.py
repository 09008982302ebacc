"""Ports for availability, bookings, search, blocks and deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from marketplace.domain.availability import Busy, DayOff, OneOffWindow, WeeklyRule
from marketplace.domain.booking import Booking
from marketplace.domain.caps import CapSide
from marketplace.domain.profiles import Level
from marketplace.domain.ranking import CompletionCounts, ReviewCounts
from marketplace.domain.restrictions import Restriction
from marketplace.domain.stats import Window


@dataclass(frozen=True, slots=True)
class AvailabilityEntry:
    """One line of `/tutor availability list`: `entry_id` is "r<id>", "w<id>" or "d<id>"."""

    entry_id: str
    rule: WeeklyRule | None = None
    window: OneOffWindow | None = None
    day_off: DayOff | None = None


@dataclass(frozen=True, slots=True)
class SearchCandidate:
    """A tutor who teaches the subject at the level, with what ranking needs."""

    tutor_id: int
    display_name: str
    level: Level
    rate_minor: int
    currency: str
    verification: str
    instant_booking: bool
    next_slot_at: datetime | None
    penalty_until: datetime | None
    completion: CompletionCounts
    reviews: ReviewCounts
    # With `free_between`: False when the tutor surely has nothing of the kind near the
    # range (see `SearchIndex.candidates`), so an exact check need not read it.
    windows_near: bool = True
    busy_near: bool = True


@dataclass(frozen=True, slots=True)
class Surroundings:
    """What a new or moved booking is checked against, read together."""

    tutor_busy: list[Busy]  # the tutor's live bookings near the slot
    student_busy: bool  # the student has a live session overlapping it


@dataclass(frozen=True, slots=True)
class TutorGate:
    """Whether a student may book a tutor at all, and the tutor's cached next slot."""

    blocked: bool  # either blocked the other
    restricted: bool  # a moderator restriction holds either
    next_slot_at: datetime | None


@dataclass(frozen=True, slots=True)
class BookingLinks:
    """One `/bookings` row as stored: the booking, its live space and its checkout link."""

    booking: Booking
    space_text_id: int | None  # the open space's text channel or thread, if any
    has_payment: bool  # a payment exists for it (the checkout page can open)
    pay_token: str | None  # the newest unexpired checkout token, if any


# How far around a search's range the `SearchCandidate` flags look: windows and days off
# from two days before (a day off is a local date), bookings six hours either side.
WINDOWS_NEAR = timedelta(days=2)
BUSY_NEAR = timedelta(hours=6)


class AvailabilityRepository(Protocol):
    """A tutor's weekly rules, one-off windows and days off."""

    async def rules(self, guild_id: int, tutor_id: int) -> list[WeeklyRule]:
        """Every weekly rule of the tutor."""
        ...

    async def rules_of(
        self, guild_id: int, tutor_ids: Sequence[int]
    ) -> dict[int, list[WeeklyRule]]:
        """Every weekly rule of each tutor, in one query."""
        ...

    async def rules_meeting(
        self, guild_id: int, tutor_ids: Sequence[int], start: datetime, end: datetime
    ) -> dict[int, list[WeeklyRule]]:
        """Each tutor's weekly rules that may open a window meeting [start, end), one query.

        A superset of those that do, by the rule's UTC week range widened for daylight
        saving (as `SearchIndex.candidates(free_between=...)`); for ranges under a week.
        """
        ...

    async def windows_of(
        self, guild_id: int, tutor_ids: Sequence[int], after: datetime, days_from: date
    ) -> tuple[dict[int, list[OneOffWindow]], dict[int, list[DayOff]]]:
        """Each tutor's one-off windows ending after `after` and days off from `days_from`.

        One query for both, each list in start order.
        """
        ...

    async def add_rule(self, guild_id: int, tutor_id: int, rule: WeeklyRule, now: datetime) -> str:
        """Store a weekly rule; return its entry id."""
        ...

    async def add_window(
        self, guild_id: int, tutor_id: int, window: OneOffWindow, now: datetime
    ) -> str:
        """Store a one-off window; return its entry id."""
        ...

    async def add_day_off(
        self, guild_id: int, tutor_id: int, day_off: DayOff, now: datetime
    ) -> str:
        """Store a day off; return its entry id."""
        ...

    async def entries(self, guild_id: int, tutor_id: int, now: datetime) -> list[AvailabilityEntry]:
        """Everything still relevant, weekly rules first."""
        ...

    async def remove(self, guild_id: int, tutor_id: int, entry_id: str) -> bool:
        """Delete one of the tutor's entries; False if it is not theirs or not there."""
        ...


class BookingRepository(Protocol):
    """Bookings; `add`/`save` raise ConflictError("slot_taken") on an overlap."""

    async def add(self, booking: Booking, buffer: timedelta) -> Booking:
        """Insert a new booking and return it with its id."""
        ...

    async def get(self, booking_id: int, *, for_update: bool = False) -> Booking | None:
        """The booking, locked for this transaction when `for_update`."""
        ...

    async def save(self, booking: Booking, buffer: timedelta, now: datetime) -> None:
        """Store the booking's new state and times."""
        ...

    async def tutor_busy(
        self, guild_id: int, tutor_id: int, start: datetime, end: datetime, exclude: int | None
    ) -> list[Busy]:
        """The tutor's live bookings touching [start, end), buffer not included."""
        ...

    async def busy_of(
        self,
        guild_id: int,
        tutor_ids: Sequence[int],
        start: datetime,
        end: datetime,
        exclude: int | None = None,
    ) -> dict[int, list[Busy]]:
        """Each tutor's live bookings touching [start, end), in one query."""
        ...

    async def surroundings(
        self,
        booking: Booking,
        *,
        tutor_window: tuple[datetime, datetime],
        start: datetime,
        end: datetime,
        exclude: int | None,
    ) -> Surroundings:
        """The tutor's bookings near the slot and the student's clash, in one read.

        `tutor_busy` as `busy_of` over `tutor_window`; `student_busy` as `student_clash`.
        """
        ...

    async def tutor_gate(
        self, guild_id: int, student_id: int, tutor_id: int, now: datetime
    ) -> TutorGate:
        """Blocks between the two, restrictions on either, the tutor's next slot: one read."""
        ...

    async def for_user(
        self, guild_id: int, user_id: int, *, upcoming: bool, now: datetime, limit: int
    ) -> list[Booking]:
        """The user's bookings as student or tutor: upcoming soonest first, past latest first."""
        ...

    async def links_for(
        self, guild_id: int, user_id: int, *, upcoming: bool, now: datetime, limit: int
    ) -> list[BookingLinks]:
        """`for_user`'s bookings, each with its open space and checkout token: one query."""
        ...

    async def student_clash(
        self, guild_id: int, student_id: int, start: datetime, end: datetime, exclude: int | None
    ) -> bool:
        """Whether the student already has a live session overlapping [start, end)."""
        ...

    async def late_cancels_by_tutor(
        self, guild_id: int, tutor_id: int, since: datetime
    ) -> list[datetime]:
        """When the tutor cancelled late since `since`."""
        ...

    async def student_has_booked(self, guild_id: int, student_id: int) -> bool:
        """Whether the student ever made a booking in this guild."""
        ...

    async def booked_minutes(
        self, guild_id: int, user_id: int, side: CapSide, week: Window, exclude: int | None
    ) -> int:
        """Minutes of the member's sessions starting in `week` that count against a cap.

        A student's count every booking still on or held (requests and awaiting payment
        too); a tutor's count only what they accepted (confirmed, completed, no-show).
        """
        ...


class SearchIndex(Protocol):
    """The search side of tutor profiles."""

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
        """Active, unrestricted, unblocked tutors who teach the subject at the level.

        With `verification_in`, only tutors whose verification level is one of those.

        With `free_between`, only tutors who may be free then: a cheap superset of those
        whose availability (a weekly rule, by its UTC week range widened for daylight
        saving, or a one-off window) meets the range; bookings and days off are not read.
        Each then says whether it has one-off windows or days off ending after the
        range's start less `WINDOWS_NEAR` (`windows_near`), and live bookings whose block
        meets the range widened by `BUSY_NEAR` each way (`busy_near`).

        With `limit`, the first `limit` of them in `sort` order: the domain's ranking order
        on everything it reads from the profile (a rating counts from
        `min_reviews_for_rating` reviews), so no tutor the ranking would put first is cut.
        """
        ...

    async def set_next_slot(self, guild_id: int, tutor_id: int, at: datetime | None) -> None:
        """Cache the tutor's next open slot (None: nothing open)."""
        ...

    async def set_penalty(self, guild_id: int, tutor_id: int, until: datetime | None) -> None:
        """Record until when late cancellations lower the tutor's ranking."""
        ...

    async def add_completion(self, guild_id: int, tutor_id: int, tally: CompletionCounts) -> None:
        """Add `tally` to the tutor's completion counts (atomically; no profile: nothing)."""
        ...

    async def completion_of(self, guild_id: int, tutor_id: int) -> CompletionCounts:
        """The tutor's completion counts (zero without a profile)."""
        ...


class BlockRepository(Protocol):
    """Blocks between users and moderator restrictions."""

    async def block(self, guild_id: int, blocker_id: int, blocked_id: int, now: datetime) -> None:
        """Block, idempotently."""
        ...

    async def unblock(self, guild_id: int, blocker_id: int, blocked_id: int) -> bool:
        """Lift a block; False if there was none."""
        ...

    async def between(self, guild_id: int, a: int, b: int) -> bool:
        """Whether either user blocked the other."""
        ...

    async def restricted(self, guild_id: int, user_id: int, now: datetime) -> bool:
        """Whether a moderator restriction is in force."""
        ...

    async def restrict(self, restriction: Restriction) -> None:
        """Store the user's restriction, replacing any earlier one (active or not)."""
        ...

    async def lift(self, guild_id: int, user_id: int, now: datetime) -> bool:
        """End an active restriction at `now` (kept for history); False if none was active."""
        ...

    async def current(self, guild_id: int, user_id: int, now: datetime) -> Restriction | None:
        """The restriction in force at `now`, if any."""
        ...

    async def latest(self, guild_id: int, user_id: int) -> Restriction | None:
        """The user's last restriction, in force or ended (lifted or run out)."""
        ...


class DeliveryLog(Protocol):
    """What the bot sent, how, and whose DMs are closed."""

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
        """Remember one delivery (idempotent on the nonce)."""
        ...

    async def delivered(self, nonce: str) -> bool:
        """Whether a message with this nonce already went out."""
        ...

    async def dms_closed(self, user_id: int, now: datetime) -> bool:
        """Whether to skip DMs to this user for now."""
        ...

    async def mark_dms_closed(self, user_id: int, now: datetime, retry_after: datetime) -> None:
        """Stop trying DMs to this user until `retry_after`."""
        ...

    async def fallbacks_for(
        self, guild_id: int, user_id: int, limit: int
    ) -> list[tuple[str, int | None, datetime]]:
        """Recent notices that reached the user only in the fallback channel."""
        ...

    async def for_booking(self, booking_id: int) -> list[tuple[str, int, str, datetime]]:
        """What was sent about the booking, oldest first: kind, to whom, how, when."""
        ...
