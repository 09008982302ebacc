"""Reviews in SQL."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.domain.errors import ConflictError
from marketplace.domain.reviews import Aspect, Review, ReviewContent, ReviewStatus
from marketplace.ports.reviews import RatingStats
from marketplace.storage.models import ReviewRow


def _review(row: ReviewRow) -> Review:
    flags = {
        Aspect.ON_TIME: row.on_time,
        Aspect.EXPLAINED_CLEARLY: row.explained_clearly,
        Aspect.HELPED_UNDERSTAND: row.helped_understand,
        Aspect.WOULD_BOOK_AGAIN: row.would_book_again,
    }
    return Review(
        review_id=row.id,
        guild_id=row.guild_id,
        booking_id=row.booking_id,
        reviewer_id=row.reviewer_id,
        reviewee_id=row.reviewee_id,
        content=ReviewContent(row.stars, frozenset(a for a, on in flags.items() if on), row.text),
        status=ReviewStatus(row.status),
        created_at=row.created_at,
        edited_at=row.edited_at,
        reply=row.reply,
        replied_at=row.replied_at,
    )


def _values(review: Review) -> dict[str, object]:
    yes = review.content.yes
    return {
        "stars": review.content.stars,
        "on_time": Aspect.ON_TIME in yes,
        "explained_clearly": Aspect.EXPLAINED_CLEARLY in yes,
        "helped_understand": Aspect.HELPED_UNDERSTAND in yes,
        "would_book_again": Aspect.WOULD_BOOK_AGAIN in yes,
        "text": review.content.text,
        "status": review.status.value,
        "edited_at": review.edited_at,
        "reply": review.reply,
        "replied_at": review.replied_at,
    }


class SqlReviewRepository:
    """Reviews of bookings."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, review: Review) -> Review:
        """Store a new review; ConflictError("already_reviewed") if this side already did."""
        row = ReviewRow(
            guild_id=review.guild_id,
            booking_id=review.booking_id,
            reviewer_id=review.reviewer_id,
            reviewee_id=review.reviewee_id,
            created_at=review.created_at,
            **_values(review),
        )
        try:
            async with self._session.begin_nested():
                self._session.add(row)
                await self._session.flush()
        except IntegrityError:
            raise ConflictError("already_reviewed") from None
        return _review(row)

    async def of_booking(self, booking_id: int, reviewer_id: int) -> Review | None:
        """The review this reviewer left on this booking, if any."""
        row = await self._session.scalar(
            select(ReviewRow).where(
                ReviewRow.booking_id == booking_id, ReviewRow.reviewer_id == reviewer_id
            )
        )
        return None if row is None else _review(row)

    async def get(self, guild_id: int, review_id: int) -> Review | None:
        """The review, if it exists in this guild."""
        row = await self._session.scalar(
            select(ReviewRow).where(ReviewRow.guild_id == guild_id, ReviewRow.id == review_id)
        )
        return None if row is None else _review(row)

    async def save(self, review: Review) -> None:
        """Store the review's content, status and reply."""
        await self._session.execute(
            update(ReviewRow)
            .where(ReviewRow.id == review.review_id)
            .values(**_values(review))
            .execution_options(synchronize_session=False)
        )

    async def reviewed_among(self, reviewer_id: int, booking_ids: Sequence[int]) -> set[int]:
        """Which of these bookings the reviewer has reviewed already (one query)."""
        if not booking_ids:
            return set()
        found = await self._session.scalars(
            select(ReviewRow.booking_id).where(
                ReviewRow.reviewer_id == reviewer_id, ReviewRow.booking_id.in_(booking_ids)
            )
        )
        return set(found)

    async def stats_of(self, guild_id: int, reviewee_ids: Sequence[int]) -> dict[int, RatingStats]:
        """Visible-review figures of each reviewee that has any, in one grouped query."""
        if not reviewee_ids:
            return {}
        rows = await self._session.execute(
            select(ReviewRow.reviewee_id, func.count(), func.avg(ReviewRow.stars))
            .where(
                ReviewRow.guild_id == guild_id,
                ReviewRow.status == ReviewStatus.VISIBLE.value,
                ReviewRow.reviewee_id.in_(reviewee_ids),
            )
            .group_by(ReviewRow.reviewee_id)
        )
        return {int(r): RatingStats(int(n), float(avg)) for r, n, avg in rows}

    async def held(self, guild_id: int, limit: int) -> list[Review]:
        """Reviews waiting for a moderator, oldest first."""
        rows = await self._session.scalars(
            select(ReviewRow)
            .where(ReviewRow.guild_id == guild_id, ReviewRow.status == ReviewStatus.HELD.value)
            .order_by(ReviewRow.created_at, ReviewRow.id)
            .limit(limit)
        )
        return [_review(row) for row in rows]
