"""Reviews: leave one after a completed session, edit it for a while, reply once, moderate.

The student reviews the tutor (SPEC.md section 3 "Reviews"); a tutor → student review is
not offered yet. A review whose text is abusive is stored *held*: it is neither shown nor
counted in the tutor's rating until a moderator releases it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from marketplace.domain import reviews as rules
from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.domain.reviews import Review
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.services import scheduling
from marketplace.services.commands import Actor
from marketplace.services.context import ServiceContext, enter_guild
from marketplace.services.moderation import require_moderator

CHOICES_LIMIT = 25
HELD_SHOWN = 5


@dataclass(frozen=True, slots=True)
class WriteReview:
    """The review flow's submission: raw select values and the comment as typed."""

    actor: Actor
    booking_id: int
    stars: str
    aspects: tuple[str, ...]
    text: str = ""


@dataclass(frozen=True, slots=True)
class ReviewPrompt:
    """What the review flow opens on: the booking, and the caller's side of it.

    `existing` is the caller's own review (student) or the review of them (tutor);
    `editable_until` is set only while the student may still change theirs.
    """

    booking: Booking
    as_student: bool
    existing: Review | None
    editable_until: datetime | None


@dataclass(frozen=True, slots=True)
class SavedReview:
    """A stored review, and until when its author may still change it."""

    review: Review
    editable_until: datetime


@dataclass(frozen=True, slots=True)
class TutorRating:
    """The rating a profile card shows: None until enough reviews count."""

    rating: float | None
    review_count: int


async def _booking_of(uow: UnitOfWork, actor: Actor, booking_id: int) -> Booking:
    """The caller's own booking in this guild (NotFoundError otherwise)."""
    booking = await uow.bookings.get(booking_id)
    if booking is None or booking.guild_id != actor.guild_id:
        raise NotFoundError("booking", str(booking_id))
    booking.party_of(actor.user_id, "review")
    return booking


def _completed(booking: Booking) -> None:
    if booking.state is not BookingState.COMPLETED:
        raise InvalidTransitionError("booking", booking.state.value, "review")


async def open_review(actor: Actor, booking_id: int, ctx: ServiceContext) -> ReviewPrompt:
    """What `/review` or Leave review shows; refuses before completion and after the window."""
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        booking = await _booking_of(uow, actor, booking_id)
        _completed(booking)
        policy = await uow.guilds.policy(actor.guild_id)
        review = await uow.reviews.of_booking(booking_id, booking.student_id)
    if actor.user_id != booking.student_id:
        return ReviewPrompt(booking, False, review, None)
    until = None if review is None else review.editable_until(policy.review_edit_hours)
    if until is not None and now > until:
        raise ConflictError("review_locked")
    return ReviewPrompt(booking, True, review, until)


def _content(cmd: WriteReview) -> rules.ReviewContent:
    stars = rules.parse_stars(cmd.stars)
    return rules.make_content(stars, rules.parse_aspects(cmd.aspects), cmd.text)


async def leave(cmd: WriteReview, ctx: ServiceContext) -> SavedReview:
    """Store the student's review once; the tutor is told (unless it is held)."""
    actor, now = cmd.actor, ctx.clock.now()
    content = _content(cmd)
    async with ctx.uow() as uow:
        booking = await _booking_of(uow, actor, cmd.booking_id)
        review = rules.new_review(booking, actor.user_id, content, now)
        if await uow.reviews.of_booking(booking.booking_id, actor.user_id) is not None:
            raise ConflictError("already_reviewed")
        await enter_guild(uow, actor, ctx)
        policy = await uow.guilds.policy(actor.guild_id)
        stored = await uow.reviews.add(review)
        if stored.counts:
            await scheduling.notify(uow, booking, NoticeKind.REVIEW_RECEIVED, booking.tutor_id, now)
        await uow.commit()
    ctx.after_commit()
    return SavedReview(stored, stored.editable_until(policy.review_edit_hours))


async def edit(cmd: WriteReview, ctx: ServiceContext) -> SavedReview:
    """Change the caller's review within the guild's edit window."""
    actor, now = cmd.actor, ctx.clock.now()
    content = _content(cmd)
    async with ctx.uow() as uow:
        booking = await _booking_of(uow, actor, cmd.booking_id)
        review = await uow.reviews.of_booking(booking.booking_id, actor.user_id)
        if review is None:
            raise NotFoundError("review", str(cmd.booking_id))
        policy = await uow.guilds.policy(actor.guild_id)
        changed = rules.edit(review, actor.user_id, content, now, policy.review_edit_hours)
        await uow.reviews.save(changed)
        await uow.commit()
    return SavedReview(changed, changed.editable_until(policy.review_edit_hours))


async def open_reply(actor: Actor, booking_id: int, ctx: ServiceContext) -> Review:
    """The review the tutor is about to answer; refuses a second reply or a held review."""
    prompt = await open_review(actor, booking_id, ctx)
    review = prompt.existing
    if review is None:
        raise NotFoundError("review", str(booking_id))
    if prompt.as_student:
        raise PermissionDeniedError("reply_review", "owner")
    if review.replied_at is not None:
        raise ConflictError("already_replied")
    if not review.counts:
        raise InvalidTransitionError("review", review.status.value, "reply")
    return review


async def reply(actor: Actor, booking_id: int, text: str, ctx: ServiceContext) -> Review:
    """The tutor's one reply to the review of their session."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking = await _booking_of(uow, actor, booking_id)
        review = await uow.reviews.of_booking(booking.booking_id, booking.student_id)
        if review is None:
            raise NotFoundError("review", str(booking_id))
        answered = rules.add_reply(review, actor.user_id, text, now)
        await uow.reviews.save(answered)
        await uow.commit()
    return answered


async def release(actor: Actor, booking_id: int, ctx: ServiceContext) -> Review:
    """A moderator lets a held review through; it then shows and counts."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        await require_moderator(uow, actor, "mod_release_review")
        booking = await uow.bookings.get(booking_id)
        if booking is None or booking.guild_id != actor.guild_id:
            raise NotFoundError("booking", str(booking_id))
        review = await uow.reviews.of_booking(booking_id, booking.student_id)
        if review is None:
            raise NotFoundError("review", str(booking_id))
        released = rules.release(review)
        await uow.reviews.save(released)
        await enter_guild(uow, actor, ctx)
        await uow.audit.record(
            actor.guild_id, actor.user_id, "review.release", {"booking": booking_id}, now
        )
        await uow.commit()
    return released


async def reviewable(actor: Actor, ctx: ServiceContext) -> list[Booking]:
    """The caller's completed bookings, newest first (for `/review` autocomplete)."""
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        past = await uow.bookings.for_user(
            actor.guild_id, actor.user_id, upcoming=False, now=now, limit=CHOICES_LIMIT
        )
    return [b for b in past if b.state is BookingState.COMPLETED]


async def reviewed_among(actor: Actor, booking_ids: Sequence[int], ctx: ServiceContext) -> set[int]:
    """Which of these bookings the caller has already reviewed."""
    async with ctx.uow(read_only=True) as uow:
        return await uow.reviews.reviewed_among(actor.user_id, booking_ids)


async def ratings_of(
    uow: UnitOfWork, guild_id: int, tutor_ids: Sequence[int], min_reviews: int
) -> dict[int, TutorRating]:
    """Each tutor's counted rating and visible review count, in one query."""
    stats = await uow.reviews.stats_of(guild_id, tutor_ids)
    return {
        tutor: TutorRating(rules.counted_rating(s.mean, s.count, min_reviews), s.count)
        for tutor, s in stats.items()
    }


async def held(uow: UnitOfWork, guild_id: int) -> list[Review]:
    """Held reviews for the moderator queue, oldest first."""
    return await uow.reviews.held(guild_id, HELD_SHOWN)
