"""Reviews: leave one after a completed session, edit it for a while, reply once, moderate.

Each side reviews the other once per booking (SPEC.md section 3 "Reviews"): the student
the tutor, and the tutor the student. A review whose text is abusive is stored *held*:
it is neither shown nor counted until a moderator releases it. Only reviews of tutors
feed ranking and the tutor card; what tutors said of a student reaches the tutor a
student asks to book (`student_standing`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from marketplace.domain import reviews as rules
from marketplace.domain.booking import Booking, BookingState, Party
from marketplace.domain.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
)
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.review_integrity import LOOKBACK, ReviewFacts, integrity_hold
from marketplace.domain.reviews import Review, ReviewStatus
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.services import scheduling
from marketplace.services.actor import Actor, ByActor, OnBooking
from marketplace.services.context import ServiceContext, enter_guild, guild_booking
from marketplace.services.moderation import require_moderator

CHOICES_LIMIT = 25
HELD_SHOWN = 5


@dataclass(frozen=True, slots=True)
class WriteReview(OnBooking):
    """The review flow's submission: raw select values and the comment as typed."""

    stars: str
    aspects: tuple[str, ...]
    text: str = ""


@dataclass(frozen=True, slots=True)
class ReviewPrompt:
    """Where the caller stands on a completed booking's two reviews.

    `about` is the side the caller reviews (the other one). `own` is the caller's review,
    changeable until `editable_until`; `writable` says whether the form may still open.
    `received` is the other side's review of the caller, held or not.
    """

    booking: Booking
    about: Party
    own: Review | None
    received: Review | None
    editable_until: datetime | None
    writable: bool


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
    booking = await guild_booking(uow, actor, booking_id)
    booking.party_of(actor.user_id, "review")
    return booking


def _completed(booking: Booking) -> None:
    if booking.state is not BookingState.COMPLETED:
        raise InvalidTransitionError("booking", booking.state.value, "review")


@dataclass(frozen=True, slots=True)
class OpenReview(OnBooking):
    """`/review booking:`: where the caller stands on the booking's two reviews."""


async def open_review(command: OpenReview, ctx: ServiceContext) -> ReviewPrompt:
    """Both reviews of the caller's completed booking, as `/review` shows them.

    Refuses strangers and sessions that were not completed.
    """
    actor, booking_id = command.actor, command.booking_id
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        booking = await _booking_of(uow, actor, booking_id)
        _completed(booking)
        policy = await uow.guilds.policy(actor.guild_id)
        own = await uow.reviews.of_booking(booking_id, actor.user_id)
        other = rules.counterpart_of(booking, actor.user_id)
        received = await uow.reviews.of_booking(booking_id, other)
    until = None if own is None else own.editable_until(policy.review_edit_hours)
    about = rules.reviewee_side(booking, actor.user_id)
    return ReviewPrompt(booking, about, own, received, until, until is None or now <= until)


def check_writable(prompt: ReviewPrompt) -> ReviewPrompt:
    """The prompt, if its review form may open; ConflictError("review_locked") if not."""
    if not prompt.writable:
        raise ConflictError("review_locked")
    return prompt


@dataclass(frozen=True, slots=True)
class OpenReviewForm(OnBooking):
    """Leave review: the review form, before it opens."""


async def open_form(command: OpenReviewForm, ctx: ServiceContext) -> ReviewPrompt:
    """What the review form opens on; refuses before completion and after the edit window."""
    return check_writable(await open_review(OpenReview(command.actor, command.booking_id), ctx))


def _content(cmd: WriteReview) -> rules.ReviewContent:
    stars = rules.parse_stars(cmd.stars)
    return rules.make_content(stars, rules.parse_aspects(cmd.aspects), cmd.text)


async def leave(cmd: WriteReview, ctx: ServiceContext) -> SavedReview:
    """Store the caller's review of the other side once; they are told (unless it is held)."""
    actor, now = cmd.actor, ctx.clock.now()
    content = _content(cmd)
    async with ctx.uow() as uow:
        booking = await _booking_of(uow, actor, cmd.booking_id)
        review = rules.new_review(booking, actor.user_id, content, now)
        if await uow.reviews.of_booking(booking.booking_id, actor.user_id) is not None:
            raise ConflictError("already_reviewed")
        await enter_guild(uow, actor, ctx)
        policy = await uow.guilds.policy(actor.guild_id)
        reason = integrity_hold(await _facts(uow, review), policy)
        if reason is not None:
            review = rules.held_for(review, reason.value)
        stored = await uow.reviews.add(review)
        if stored.counts:
            await scheduling.notify(
                uow, booking, NoticeKind.REVIEW_RECEIVED, stored.reviewee_id, now
            )
        await uow.commit()
    ctx.after_commit()
    return SavedReview(stored, stored.editable_until(policy.review_edit_hours))


async def _facts(uow: UnitOfWork, review: Review) -> ReviewFacts:
    """What review integrity judges (see `domain.review_integrity`), from this transaction."""
    guild, now = review.guild_id, review.created_at
    reviewer, reviewee = review.reviewer_id, review.reviewee_id
    since = now - LOOKBACK
    joined: dict[int, datetime | None] = {}

    async def joined_at(user_id: int) -> datetime | None:
        if user_id not in joined:
            member = await uow.members.get(guild, user_id)
            joined[user_id] = member.started_at if member else None
        return joined[user_id]

    earlier = [
        (at, by, await joined_at(by))
        for at, by in await uow.reviews.recent_about(guild, reviewee, since)
    ]
    conflicts = await uow.cases.reports_between(
        guild, review.reviewer_id, review.reviewee_id, since
    )
    conflicts += await uow.disputes.opened_against(guild, reviewer, reviewee, since)
    return ReviewFacts(
        now=now,
        text=review.content.text,
        reviewer_id=reviewer,
        reviewer_joined=await joined_at(reviewer),
        about_tutor=review.about is Party.TUTOR,
        earlier_reviews=tuple(earlier),
        conflicts=tuple(conflicts),
        texts_about_others=tuple(await uow.reviews.texts_by(guild, reviewer, reviewee)),
    )


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


@dataclass(frozen=True, slots=True)
class OpenReply(OnBooking):
    """Reply, under a review of the caller: before the reply form opens."""


async def open_reply(command: OpenReply, ctx: ServiceContext) -> Review:
    """The review of the caller they are about to answer; refuses a second reply or a held one."""
    booking_id = command.booking_id
    review = (await open_review(OpenReview(command.actor, booking_id), ctx)).received
    if review is None:
        raise NotFoundError("review", str(booking_id))
    if review.replied_at is not None:
        raise ConflictError("already_replied")
    if not review.counts:
        raise InvalidTransitionError("review", review.status.value, "reply")
    return review


@dataclass(frozen=True, slots=True)
class ReplyToReview(OnBooking):
    """The reply form: the caller's answer to the other side's review of them."""

    text: str


async def reply(command: ReplyToReview, ctx: ServiceContext) -> Review:
    """The caller's one reply to the other side's review of them."""
    actor, booking_id, text = command.actor, command.booking_id, command.text
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        booking = await _booking_of(uow, actor, booking_id)
        other = rules.counterpart_of(booking, actor.user_id)
        review = await uow.reviews.of_booking(booking.booking_id, other)
        if review is None:
            raise NotFoundError("review", str(booking_id))
        answered = rules.add_reply(review, actor.user_id, text, now)
        await uow.reviews.save(answered)
        await uow.commit()
    return answered


async def _both_reviews(uow: UnitOfWork, booking: Booking) -> list[Review]:
    """The student's and the tutor's review of the booking, those that exist."""
    found = [
        await uow.reviews.of_booking(booking.booking_id, reviewer)
        for reviewer in (booking.student_id, booking.tutor_id)
    ]
    return [review for review in found if review is not None]


@dataclass(frozen=True, slots=True)
class ReleaseReviews(OnBooking):
    """`/mod release booking:`: a moderator lets the booking's held reviews through."""


async def release(command: ReleaseReviews, ctx: ServiceContext) -> list[Review]:
    """A moderator lets the booking's held reviews through; they count, the reviewee is told."""
    actor, booking_id = command.actor, command.booking_id
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        await require_moderator(uow, actor, "mod_release_review")
        booking = await guild_booking(uow, actor, booking_id)
        found = await _both_reviews(uow, booking)
        if not found:
            raise NotFoundError("review", str(booking_id))
        released = [rules.release(r) for r in found if r.status is ReviewStatus.HELD]
        if not released:
            raise InvalidTransitionError("review", ReviewStatus.VISIBLE.value, "release")
        for review in released:
            await uow.reviews.save(review)
            # Held reviews were never announced: the reviewee hears of it now (with Reply).
            await scheduling.notify(
                uow, booking, NoticeKind.REVIEW_RECEIVED, review.reviewee_id, now
            )
        await enter_guild(uow, actor, ctx)
        detail = {"booking": booking_id, "reviewers": [r.reviewer_id for r in released]}
        await uow.audit.record(actor.guild_id, actor.user_id, "review.release", detail, now)
        await uow.commit()
    ctx.after_commit()
    return released


@dataclass(frozen=True, slots=True)
class ListReviewable(ByActor):
    """`/review`'s booking choices: the caller's completed sessions."""


async def reviewable(command: ListReviewable, ctx: ServiceContext) -> list[Booking]:
    """The caller's completed bookings, newest first (for `/review` autocomplete)."""
    actor, now = command.actor, ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        past = await uow.bookings.for_user(
            actor.guild_id, actor.user_id, upcoming=False, now=now, limit=CHOICES_LIMIT
        )
    return [b for b in past if b.state is BookingState.COMPLETED]


@dataclass(frozen=True, slots=True)
class ReviewedAmong(ByActor):
    """Which of these bookings the caller has already reviewed."""

    booking_ids: tuple[int, ...]


async def reviewed_among(command: ReviewedAmong, ctx: ServiceContext) -> set[int]:
    """Which of these bookings the caller has already reviewed."""
    async with ctx.uow(read_only=True) as uow:
        return await uow.reviews.reviewed_among(command.actor.user_id, command.booking_ids)


async def ratings_of(
    uow: UnitOfWork, guild_id: int, tutor_ids: Sequence[int], min_reviews: int
) -> dict[int, TutorRating]:
    """Each tutor's counted rating and visible review count, in one query."""
    stats = await uow.reviews.stats_of(guild_id, tutor_ids, about=Party.TUTOR)
    return {
        tutor: TutorRating(rules.counted_rating(s.mean, s.count, min_reviews), s.count)
        for tutor, s in stats.items()
    }


async def held(uow: UnitOfWork, guild_id: int) -> list[Review]:
    """Held reviews for the moderator queue, oldest first."""
    return await uow.reviews.held(guild_id, HELD_SHOWN)


async def student_standing(
    uow: UnitOfWork, booking: Booking, policy: GuildPolicy
) -> dict[str, str]:
    """Inside the caller's transaction: what tutors said of the booking's student.

    As notice extras for the tutor's request DM: ``student_reviews`` (visible reviews of
    them as a student) and, once ``min_reviews_for_rating`` count, ``student_rating``.
    Empty for a student no tutor has reviewed yet.
    """
    stats = await uow.reviews.stats_of(booking.guild_id, [booking.student_id], about=Party.STUDENT)
    found = stats.get(booking.student_id)
    if found is None:
        return {}
    extra = {"student_reviews": str(found.count)}
    rating = rules.counted_rating(found.mean, found.count, policy.min_reviews_for_rating)
    if rating is not None:
        extra["student_rating"] = f"{rating:.2f}"
    return extra
