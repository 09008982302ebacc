"""Reviews in SQL.

Both sides' reviews share the table. Which side a row is about is not stored: it is the
tutor's side when the reviewee is the booking's tutor, so reads join the booking. The
four yes/no columns hold the i-th rating of ``ASPECTS[side]`` (a tutor's review of a
student keeps "prepared" in ``explained_clearly``, and so on).

Every write also keeps the reviewee's rating counts on their tutor profile
(``review_count``, ``review_star_sum``) in step, in the same transaction: they are what
search orders and ranks on, and what a tutor's figures are read from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from marketplace.domain.booking import Party
from marketplace.domain.errors import ConflictError
from marketplace.domain.ranking import ReviewCounts
from marketplace.domain.reviews import (
    ASPECTS,
    Review,
    ReviewContent,
    ReviewStatus,
    rating_change,
)
from marketplace.ports.reviews import RatingStats
from marketplace.storage.models import BookingRow, ReviewRow, TutorProfileRow
from marketplace.storage.sql_repository import SqlRepository, from_row

ASPECT_COLUMNS = ("on_time", "explained_clearly", "helped_understand", "would_book_again")


def _with_tutor() -> Select[ReviewRow, int]:
    """Review rows with their booking's tutor, which tells the side they are about."""
    return select(ReviewRow, BookingRow.tutor_id).join(
        BookingRow, BookingRow.id == ReviewRow.booking_id
    )


def _review(row: ReviewRow, tutor_id: int) -> Review:
    about = Party.TUTOR if row.reviewee_id == tutor_id else Party.STUDENT
    flags = (row.on_time, row.explained_clearly, row.helped_understand, row.would_book_again)
    yes = frozenset(a for a, on in zip(ASPECTS[about], flags, strict=True) if on)
    return from_row(
        Review,
        row,
        review_id=row.id,
        about=about,
        content=ReviewContent(row.stars, yes, row.text),
        status=ReviewStatus(row.status),
    )


def _values(review: Review) -> dict[str, Any]:
    yes = review.content.yes
    aspects = ASPECTS[review.about]
    return {
        "stars": review.content.stars,
        **{column: a in yes for column, a in zip(ASPECT_COLUMNS, aspects, strict=True)},
        "text": review.content.text,
        "status": review.status.value,
        "edited_at": review.edited_at,
        "reply": review.reply,
        "replied_at": review.replied_at,
        "flag_reason": review.flag_reason,
    }


def _stats(count: int, stars: int) -> RatingStats:
    return RatingStats(count, stars / count)


def _student_stats() -> Select[Any]:
    review, booking = cast(Table, ReviewRow.__table__).c, cast(Table, BookingRow.__table__)
    return (
        select(review.reviewee_id, func.count(), func.sum(review.stars))
        .join(booking, booking.c.id == review.booking_id)
        .where(
            review.guild_id == bindparam("guild_id"),
            review.status == ReviewStatus.VISIBLE.value,
            review.reviewee_id.in_(bindparam("reviewee_ids", expanding=True)),
            review.reviewee_id == booking.c.student_id,
        )
        .group_by(review.reviewee_id)
    )


# Built once, with table columns (a Core statement): it runs with every booking request.
_STUDENT_STATS = _student_stats()


class SqlReviewRepository(SqlRepository):
    """Reviews of bookings."""

    async def add(self, review: Review) -> Review:
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
        await self._add_to_rating(review, rating_change(None, review))
        tutor_id = review.reviewee_id if review.about is Party.TUTOR else review.reviewer_id
        return _review(row, tutor_id)

    async def _add_to_rating(self, review: Review, change: ReviewCounts) -> None:
        """Add `change` to the reviewee's rating counts (one atomic `UPDATE`)."""
        if change == ReviewCounts():
            return
        p = TutorProfileRow
        await self._session.execute(
            update(p)
            .where(p.guild_id == review.guild_id, p.user_id == review.reviewee_id)
            .values(
                review_count=p.review_count + change.count,
                review_star_sum=p.review_star_sum + change.stars,
            )
        )

    async def _one(self, query: Select[ReviewRow, int]) -> Review | None:
        found = (await self._session.execute(query)).first()
        return None if found is None else _review(*found)

    async def of_booking(self, booking_id: int, reviewer_id: int) -> Review | None:
        return await self._one(
            _with_tutor().where(
                ReviewRow.booking_id == booking_id, ReviewRow.reviewer_id == reviewer_id
            )
        )

    async def get(self, guild_id: int, review_id: int) -> Review | None:
        return await self._one(
            _with_tutor().where(ReviewRow.guild_id == guild_id, ReviewRow.id == review_id)
        )

    async def save(self, review: Review) -> None:
        """Store the review's content, status and reply; the tutor's counts follow.

        The stored review is read under a row lock first, so two changes of one review
        at once (a double click) each count against what the other left.
        """
        before = await self._one(
            _with_tutor()
            .where(ReviewRow.id == review.review_id)
            .with_for_update(of=ReviewRow)
            .execution_options(populate_existing=True)
        )
        if before is None:
            return  # nothing stored to change
        await self._session.execute(
            update(ReviewRow)
            .where(ReviewRow.id == review.review_id)
            .values(**_values(review))
            .execution_options(synchronize_session=False)
        )
        await self._add_to_rating(review, rating_change(before, review))

    async def reviewed_among(self, reviewer_id: int, booking_ids: Sequence[int]) -> set[int]:
        if not booking_ids:
            return set()
        found = await self._session.scalars(
            select(ReviewRow.booking_id).where(
                ReviewRow.reviewer_id == reviewer_id, ReviewRow.booking_id.in_(booking_ids)
            )
        )
        return set(found)

    async def stats_of(
        self, guild_id: int, reviewee_ids: Sequence[int], *, about: Party = Party.TUTOR
    ) -> dict[int, RatingStats]:
        """A student's figures, with no profile counts to read, are grouped from the reviews."""
        if not reviewee_ids:
            return {}
        if about is Party.TUTOR:
            return await self._tutor_stats(guild_id, reviewee_ids)
        params = {"guild_id": guild_id, "reviewee_ids": list(reviewee_ids)}
        rows = await self._session.execute(_STUDENT_STATS, params)
        return {int(r): _stats(int(n), int(total)) for r, n, total in rows}

    async def _tutor_stats(self, guild_id: int, tutor_ids: Sequence[int]) -> dict[int, RatingStats]:
        p = TutorProfileRow
        rows = await self._session.execute(
            select(p.user_id, p.review_count, p.review_star_sum).where(
                p.guild_id == guild_id, p.user_id.in_(tutor_ids), p.review_count > 0
            )
        )
        return {int(t): _stats(n, total) for t, n, total in rows}

    async def recent_about(
        self, guild_id: int, reviewee_id: int, since: datetime
    ) -> list[tuple[datetime, int]]:
        rows = await self._session.execute(
            select(ReviewRow.created_at, ReviewRow.reviewer_id).where(
                ReviewRow.guild_id == guild_id,
                ReviewRow.reviewee_id == reviewee_id,
                ReviewRow.created_at >= since,
            )
        )
        return [(at, int(reviewer)) for at, reviewer in rows.all()]

    async def texts_by(self, guild_id: int, reviewer_id: int, other_than: int) -> list[str]:
        """The texts the reviewer wrote about anyone but `other_than` (newest 200)."""
        rows = await self._session.scalars(
            select(ReviewRow.text)
            .where(
                ReviewRow.guild_id == guild_id,
                ReviewRow.reviewer_id == reviewer_id,
                ReviewRow.reviewee_id != other_than,
                ReviewRow.text != "",
            )
            .order_by(ReviewRow.id.desc())
            .limit(200)
        )
        return list(rows)

    async def held(self, guild_id: int, limit: int) -> list[Review]:
        rows = await self._session.execute(
            _with_tutor()
            .where(ReviewRow.guild_id == guild_id, ReviewRow.status == ReviewStatus.HELD.value)
            .order_by(ReviewRow.created_at, ReviewRow.id)
            .limit(limit)
        )
        return [_review(row, tutor_id) for row, tutor_id in rows]
