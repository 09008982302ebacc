"""The series port: weekly series and which bookings are their weeks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from marketplace.domain.series import BookingSeries, SeriesMembership, SeriesPlace


class SeriesRepository(Protocol):
    """Weekly series, inside one transaction."""

    async def add(self, series: BookingSeries) -> BookingSeries:
        """Store a new series; it comes back with its id."""
        ...

    async def add_week(self, series_id: int, booking_id: int, week_index: int) -> None:
        """Record that `booking_id` is week `week_index` of the series."""
        ...

    async def get(self, series_id: int) -> BookingSeries | None:
        """One series."""
        ...

    async def booking_ids(self, series_id: int) -> list[int]:
        """The series' bookings, first week first."""
        ...

    async def membership(self, booking_id: int) -> SeriesMembership | None:
        """Where the booking sits in its series (None: not part of one)."""
        ...

    async def places(self, booking_ids: Sequence[int]) -> dict[int, SeriesPlace]:
        """For each of these bookings that is a series week, which week of how many."""
        ...

    async def set_card_setup(self, series_id: int, session_id: str, now: datetime) -> None:
        """Record the checkout (setup mode) that saves the card for a paid series."""
        ...

    async def card_setup(self, series_id: int) -> str | None:
        """The series' card-saving checkout session id (None: none opened yet)."""
        ...

    async def series_of_setup(self, session_id: str) -> int | None:
        """Which series a card-saving checkout session is for (None: not ours)."""
        ...
