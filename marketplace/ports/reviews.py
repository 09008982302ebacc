"""The reviews port: one review per booking per side, and the figures ranking needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from marketplace.domain.booking import Party
from marketplace.domain.reviews import Review


@dataclass(frozen=True, slots=True)
class RatingStats:
    """A reviewee's visible reviews: how many, and their mean stars."""

    count: int
    mean: float


class ReviewRepository(Protocol):
    """Reviews of bookings."""

    async def add(self, review: Review) -> Review:
        """Store a new review; ConflictError("already_reviewed") if this side already did.

        A visible review of a tutor is added to the tutor's rating counts in the same
        transaction.
        """
        ...

    async def of_booking(self, booking_id: int, reviewer_id: int) -> Review | None:
        """The review this reviewer left on this booking, if any."""
        ...

    async def get(self, guild_id: int, review_id: int) -> Review | None:
        """The review, if it exists in this guild."""
        ...

    async def save(self, review: Review) -> None:
        """Store the review's content, status and reply.

        Like `add`, keeps the reviewee's rating counts as a tutor in step, in the same
        transaction (`reviews.rating_change`).
        """
        ...

    async def reviewed_among(self, reviewer_id: int, booking_ids: Sequence[int]) -> set[int]:
        """Which of these bookings the reviewer has reviewed already (one query)."""
        ...

    async def stats_of(
        self, guild_id: int, reviewee_ids: Sequence[int], *, about: Party = Party.TUTOR
    ) -> dict[int, RatingStats]:
        """Visible-review figures of each reviewee that has any, in one query.

        Only reviews of them as ``about`` count: by default their reviews as a tutor, so
        ranking and the tutor card never mix in what tutors said of them as a student.
        A tutor's figures are the counts kept on their profile, the ones search ranks on.
        """
        ...

    async def held(self, guild_id: int, limit: int) -> list[Review]:
        """Reviews waiting for a moderator, oldest first."""
        ...

    async def recent_about(
        self, guild_id: int, reviewee_id: int, since: datetime
    ) -> list[tuple[datetime, int]]:
        """When each review of the reviewee since `since` was written, and by whom."""
        ...

    async def texts_by(self, guild_id: int, reviewer_id: int, other_than: int) -> list[str]:
        """The texts the reviewer wrote about anyone but `other_than`."""
        ...
