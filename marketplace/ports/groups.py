"""The group sessions port: groups, their seats' count, and their waitlists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from marketplace.domain.booking import Booking
from marketplace.domain.groups import GroupSession, SeatCount, WaitlistPlace


@dataclass(frozen=True, slots=True)
class ListedGroup:
    """An open group session as `/group list` and `/find` show it."""

    group: GroupSession
    seats: SeatCount
    waiting: int


class GroupRepository(Protocol):
    """Group sessions and their waitlists, inside one transaction."""

    async def add(self, group: GroupSession, buffer: timedelta) -> GroupSession:
        """Store a new group holding its tutor's time (the buffer after it included).

        ConflictError("slot_taken") when PostgreSQL's guard finds the time taken.
        """
        ...

    async def get(self, group_id: int, *, for_update: bool = False) -> GroupSession | None:
        """One group; `for_update` locks it, so seats are counted and taken one at a time."""
        ...

    async def save(self, group: GroupSession) -> None:
        """Store a group's state; a called-off group no longer holds the tutor's time."""
        ...

    async def seat_count(self, group: GroupSession, now: datetime) -> SeatCount:
        """Seats taken (live seat bookings) and held (offers running at `now`)."""
        ...

    async def seats(self, group_id: int) -> list[Booking]:
        """The group's live seats, first taken first."""
        ...

    async def seat_of(self, group_id: int, user_id: int) -> Booking | None:
        """The member's live seat in the group, if they have one."""
        ...

    async def listed(
        self, guild_id: int, now: datetime, subject_key: str | None, limit: int
    ) -> list[ListedGroup]:
        """Open groups not started yet, soonest first (of one subject, if given)."""
        ...

    async def of_member(self, guild_id: int, user_id: int, now: datetime) -> list[GroupSession]:
        """Open, upcoming groups the member teaches, sits in, or waits for."""
        ...

    async def due_offers(self, group_id: int, now: datetime) -> list[WaitlistPlace]:
        """Offers on the group whose time ran out by `now`."""
        ...

    async def place_of(self, group_id: int, user_id: int) -> WaitlistPlace | None:
        """The member's row on the group's waitlist (in any state)."""
        ...

    async def put_place(self, place: WaitlistPlace) -> WaitlistPlace:
        """Store a waitlist place (new, or a member coming back); it returns with its id."""
        ...

    async def first_waiting(self, group_id: int) -> WaitlistPlace | None:
        """The longest-waiting member with no offer yet."""
        ...

    async def line_position(self, place: WaitlistPlace) -> int:
        """1 for the next in line; the places still waiting ahead of this one, plus one."""
        ...

    async def waiting_counts(self, group_ids: Sequence[int]) -> dict[int, int]:
        """How many wait (or hold an offer) on each group."""
        ...
