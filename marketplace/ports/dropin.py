"""The drop-in port: office hours, the visits in their queue, and the live queue message."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from marketplace.domain.dropin import DropInHours, QueueBoard, Visit


class DropInRepository(Protocol):
    """Drop-in hours and their visits, inside one transaction."""

    async def open_hours_for(
        self, guild_id: int, subject_key: str, *, for_update: bool = False
    ) -> DropInHours | None:
        """The subject's open hours in the guild, if any."""
        ...

    async def open_hours_served_by(self, guild_id: int, tutor_id: int) -> list[DropInHours]:
        """Every open hours of the guild that this tutor serves."""
        ...

    async def open_hours_in(self, guild_id: int) -> list[DropInHours]:
        """Every open hours of the guild, oldest first."""
        ...

    async def hours(self, hours_id: int, *, for_update: bool = False) -> DropInHours | None:
        """One hours row, open or closed."""
        ...

    async def add_hours(self, hours: DropInHours) -> DropInHours | None:
        """Store new open hours (with their id); None if the subject's are already open."""
        ...

    async def save_hours(self, hours: DropInHours) -> None:
        """Store the hours' tutors, message and closing time."""
        ...

    async def in_queue(self, hours_id: int) -> list[Visit]:
        """The hours' waiting and in-progress visits (any order)."""
        ...

    async def visit_of(self, guild_id: int, student_id: int) -> Visit | None:
        """The student's visit still in a queue of this guild (waiting or being helped)."""
        ...

    async def helping(self, hours_id: int, tutor_id: int) -> Visit | None:
        """The visit this tutor is helping in these hours, if any."""
        ...

    async def first_waiting(self, hours_id: int) -> Visit | None:
        """The first in line, locked for the caller; a row another tutor took is passed over."""
        ...

    async def add_visit(self, visit: Visit) -> Visit | None:
        """Store a new waiting visit (with its id); None if the student is already queued."""
        ...

    async def record_help(self, booking_id: int, visit_id: int) -> None:
        """Remember that **Next** booked this session for this visit."""
        ...

    async def save_visit(self, visit: Visit) -> None:
        """Store the visit's state, place in line and help times."""
        ...

    async def last_helped_at(self, guild_id: int, student_id: int) -> datetime | None:
        """When the student's latest drop-in help in this guild ended."""
        ...

    async def recent_help_minutes(self, guild_id: int, subject_key: str, limit: int) -> list[float]:
        """The lengths of the subject's latest `limit` finished helps, in minutes."""
        ...


class QueueBoards(Protocol):
    """The live queue message in the hours' channel (Discord, in the bot)."""

    async def show(self, board: QueueBoard) -> int | None:
        """Post the board, or edit the message already posted; the message's id.

        None when the channel can't be posted in (the hours go on without a board).
        """
        ...
