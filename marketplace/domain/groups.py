"""Group sessions: one tutor, 2-25 seats, each seat a booking of its own, and a waitlist.

SPEC.md section 3 "Series, groups and drop-ins" and issue 15 item 2. The group holds the
tutor's time from the moment it is published; a seat is a booking (paid and settled on
its own, with its own attendance and review) that takes no time of the tutor's beyond
the group's. A seat is taken while its booking is live, and held for the first on the
waitlist while an offer to them runs; nobody pays for a seat they didn't claim.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from marketplace.domain.errors import ConflictError, InputError, Problem
from marketplace.domain.money import Money
from marketplace.domain.policy import GuildPolicy

MIN_SEATS = 2
MAX_SEATS = 25
TITLE_MAX = 80  # a group's title, as stored
LEVEL_MAX = 40  # who it's for ("beginner"), as stored


class GroupState(StrEnum):
    """Whether the group session is still on."""

    OPEN = "open"
    CANCELLED = "cancelled"


class WaitState(StrEnum):
    """Where one place on a group's waitlist is."""

    WAITING = "waiting"
    OFFERED = "offered"  # a freed seat is held for them until `offered_until`
    CLAIMED = "claimed"
    PASSED = "passed"  # the offer ran out; the seat went on to the next
    LEFT = "left"


WAITING_STATES = frozenset({WaitState.WAITING, WaitState.OFFERED})


def check_seats(seats: int) -> int:
    """The number of seats, or `InputError("seats", "out_of_range")` outside 2-25."""
    if not MIN_SEATS <= seats <= MAX_SEATS:
        raise InputError("seats", Problem.OUT_OF_RANGE, MAX_SEATS)
    return seats


@dataclass(frozen=True, slots=True)
class GroupSession:
    """A published group session; `price` is one seat's (None: free)."""

    group_id: int
    guild_id: int
    tutor_id: int
    subject_key: str
    title: str
    start: datetime
    end: datetime
    seats: int
    min_seats: int
    created_at: datetime
    level: str | None = None
    price: Money | None = None
    state: GroupState = GroupState.OPEN
    cancelled_at: datetime | None = None

    @property
    def open(self) -> bool:
        """True while it is on (not called off)."""
        return self.state is GroupState.OPEN

    def joinable(self, now: datetime) -> bool:
        """True while seats can still be taken: on, and not started."""
        return self.open and now < self.start

    def ensure_joinable(self, now: datetime) -> None:
        """Refuse joining a session that was called off or has begun."""
        if not self.open:
            raise ConflictError("group_cancelled")
        if now >= self.start:
            raise ConflictError("group_started")

    def min_seats_check_at(self, policy: GuildPolicy) -> datetime:
        """When the session must have `min_seats` seats taken, or be called off."""
        return self.start - timedelta(hours=policy.group_min_seats_hours_before)

    def cancel(self, now: datetime) -> GroupSession:
        """The session is called off (by its tutor, or for too few seats)."""
        if not self.open:
            raise ConflictError("group_cancelled")
        return replace(self, state=GroupState.CANCELLED, cancelled_at=now)


@dataclass(frozen=True, slots=True)
class SeatCount:
    """How a group's seats stand: taken by live bookings, and held by running offers."""

    seats: int
    taken: int
    offered: int

    @property
    def free(self) -> int:
        """Seats anyone may take now."""
        return max(0, self.seats - self.taken - self.offered)

    @property
    def full(self) -> bool:
        """True when a newcomer can only join the waitlist."""
        return self.free == 0


def below_minimum(group: GroupSession, taken: int) -> bool:
    """True when the session has fewer seats taken than it needs to go ahead."""
    return taken < group.min_seats


@dataclass(frozen=True, slots=True)
class WaitlistPlace:
    """One member's place on a group's waitlist."""

    entry_id: int
    group_id: int
    user_id: int
    joined_at: datetime
    state: WaitState = WaitState.WAITING
    offered_until: datetime | None = None

    def offered(self, now: datetime, policy: GuildPolicy) -> WaitlistPlace:
        """A freed seat is held for them for `waitlist_claim_minutes`."""
        until = now + timedelta(minutes=policy.waitlist_claim_minutes)
        return replace(self, state=WaitState.OFFERED, offered_until=until)

    def holds_offer(self, now: datetime) -> bool:
        """True while a freed seat is held for this member (offered, and not run out)."""
        return (
            self.state is WaitState.OFFERED
            and self.offered_until is not None
            and now < self.offered_until
        )
