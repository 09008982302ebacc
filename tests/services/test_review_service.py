"""Reviews through the services on a real SQLite file: leave, edit, reply, hold, rank."""

from datetime import timedelta

import pytest

from marketplace.domain.booking import Booking, Party
from marketplace.domain.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.domain.policy import with_setting
from marketplace.domain.reviews import TEXT_MAX_LEN, Aspect, ReviewStatus
from marketplace.services import bookings, moderation, profiles, reviews, search, sessions
from marketplace.services.actor import Actor
from marketplace.services.reviews import WriteReview
from marketplace.services.search import FindTutors
from tests.services.marketplace_world import (
    GUILD,
    STUDENT_ID,
    TUTOR_ID,
    action_rows,
    actor,
    add_student,
    add_tutor,
    at,
    book_cmd,
    build_world,
)

STUDENT = actor(STUDENT_ID)
TUTOR = actor(TUTOR_ID)
OTHER_TUTOR_ID = 22
MODERATOR = Actor(guild_id=GUILD, guild_name="Campus", user_id=50, has_manage_guild=True)
STARTS = (at(2, 10), at(2, 12), at(2, 14))


@pytest.fixture
async def ctx(service_context, clock):
    await build_world(service_context, clock)
    return service_context


async def completed_all(ctx, clock, starts=STARTS[:1], tutor_id=TUTOR_ID) -> list[Booking]:
    """Book and accept a session at each start, then complete them all after the last."""
    booked = [await bookings.book(book_cmd(STUDENT, tutor_id, start), ctx) for start in starts]
    for booking in booked:
        await bookings.accept(bookings.AcceptBooking(actor(tutor_id), booking.booking_id), ctx)
    clock.set(max(starts) + timedelta(minutes=5))
    return [
        await sessions.complete(sessions.CompleteSession(STUDENT, b.booking_id), ctx)
        for b in booked
    ]


async def completed(ctx, clock) -> Booking:
    [done] = await completed_all(ctx, clock)
    return done


def write(booking_id, stars="5", aspects=("on_time", "would_book_again"), text="", who=STUDENT):
    return WriteReview(who, booking_id, stars, tuple(aspects), text)


async def test_a_review_is_refused_before_the_session_is_completed(ctx):
    booking = await bookings.book(book_cmd(STUDENT, TUTOR_ID, STARTS[0]), ctx)
    await bookings.accept(bookings.AcceptBooking(TUTOR, booking.booking_id), ctx)
    with pytest.raises(InvalidTransitionError) as caught:
        await reviews.open_review(reviews.OpenReview(STUDENT, booking.booking_id), ctx)
    assert caught.value.from_state == "confirmed"
    with pytest.raises(InvalidTransitionError):
        await reviews.leave(write(booking.booking_id), ctx)


async def test_the_student_reviews_once_and_the_tutor_is_told(ctx, clock, uow_factory):
    booking = await completed(ctx, clock)
    prompt = await reviews.open_review(reviews.OpenReview(STUDENT, booking.booking_id), ctx)
    assert prompt.about is Party.TUTOR
    assert (prompt.own, prompt.received, prompt.writable) == (None, None, True)
    saved = await reviews.leave(write(booking.booking_id, text="Clear and patient"), ctx)
    assert saved.review.counts
    assert saved.editable_until == saved.review.created_at + timedelta(hours=24)
    kinds = [(r.payload["notice"], r.user_id) for r in await action_rows(uow_factory, "notify")]
    assert ("review_received", TUTOR_ID) in kinds
    with pytest.raises(ConflictError, match="already_reviewed"):
        await reviews.leave(write(booking.booking_id, stars="1"), ctx)
    again = await reviews.open_form(reviews.OpenReviewForm(STUDENT, booking.booking_id), ctx)
    assert again.own == saved.review
    assert (
        await reviews.open_review(reviews.OpenReview(TUTOR, booking.booking_id), ctx)
    ).received == saved.review


async def test_edit_within_the_window_then_it_is_locked(ctx, clock):
    booking = await completed(ctx, clock)
    saved = await reviews.leave(write(booking.booking_id), ctx)
    clock.set(saved.review.created_at + timedelta(hours=23))
    changed = await reviews.edit(write(booking.booking_id, stars="3", aspects=()), ctx)
    assert changed.review.content.stars == 3
    assert changed.review.content.yes == frozenset()
    clock.set(saved.review.created_at + timedelta(hours=25))
    with pytest.raises(ConflictError, match="review_locked"):
        await reviews.edit(write(booking.booking_id, stars="1"), ctx)
    with pytest.raises(ConflictError, match="review_locked"):
        await reviews.open_form(reviews.OpenReviewForm(STUDENT, booking.booking_id), ctx)
    assert not (
        await reviews.open_review(reviews.OpenReview(STUDENT, booking.booking_id), ctx)
    ).writable


async def test_the_tutor_replies_once(ctx, clock):
    booking = await completed(ctx, clock)
    with pytest.raises(NotFoundError):
        await reviews.open_reply(reviews.OpenReply(TUTOR, booking.booking_id), ctx)
    await reviews.leave(write(booking.booking_id), ctx)
    await reviews.open_reply(reviews.OpenReply(TUTOR, booking.booking_id), ctx)
    answered = await reviews.reply(
        reviews.ReplyToReview(TUTOR, booking.booking_id, "Thanks! Good luck."), ctx
    )
    assert answered.reply == "Thanks! Good luck."
    assert answered.content.stars == 5
    with pytest.raises(ConflictError, match="already_replied"):
        await reviews.reply(reviews.ReplyToReview(TUTOR, booking.booking_id, "Another"), ctx)
    with pytest.raises(ConflictError, match="already_replied"):
        await reviews.open_reply(reviews.OpenReply(TUTOR, booking.booking_id), ctx)
    with pytest.raises(NotFoundError):  # the tutor has not reviewed the student
        await reviews.reply(reviews.ReplyToReview(STUDENT, booking.booking_id, "Me?"), ctx)
    with pytest.raises(PermissionDeniedError):
        await reviews.reply(reviews.ReplyToReview(actor(99), booking.booking_id, "Me?"), ctx)


async def test_bad_input_is_refused_and_nothing_is_stored(ctx, clock):
    booking = await completed(ctx, clock)
    bad = [
        write(booking.booking_id, stars="7"),
        write(booking.booking_id, aspects=("on_time", "free_pizza")),
        write(booking.booking_id, text="x" * (TEXT_MAX_LEN + 1)),
    ]
    for cmd in bad:
        with pytest.raises(InputError):
            await reviews.leave(cmd, ctx)
    assert (
        await reviews.open_review(reviews.OpenReview(STUDENT, booking.booking_id), ctx)
    ).own is None
    with pytest.raises(PermissionDeniedError):
        await reviews.leave(write(booking.booking_id, who=actor(99)), ctx)


async def test_abusive_text_is_held_listed_for_moderators_and_released(ctx, clock, uow_factory):
    booking = await completed(ctx, clock)
    saved = await reviews.leave(write(booking.booking_id, text="Total scammer"), ctx)
    assert saved.review.status is ReviewStatus.HELD
    notified = [r.payload["notice"] for r in await action_rows(uow_factory, "notify")]
    assert "review_received" not in notified
    assert (await profiles.view(profiles.ViewProfile(GUILD, TUTOR_ID), ctx)).review_count == 0
    listing = await moderation.queue(moderation.ModerationQueue(MODERATOR, 1), ctx)
    assert [r.booking_id for r in listing.held_reviews] == [booking.booking_id]
    with pytest.raises(PermissionDeniedError):
        await reviews.release(reviews.ReleaseReviews(STUDENT, booking.booking_id), ctx)
    [released] = await reviews.release(reviews.ReleaseReviews(MODERATOR, booking.booking_id), ctx)
    assert released.counts
    assert (
        await moderation.queue(moderation.ModerationQueue(MODERATOR, 1), ctx)
    ).held_reviews == []
    assert (await profiles.view(profiles.ViewProfile(GUILD, TUTOR_ID), ctx)).review_count == 1


async def _find(ctx) -> list[int]:
    found = await search.find(FindTutors(STUDENT, "calculus"), ctx)
    return [hit.tutor_id for hit in found.hits]


async def test_the_rating_ranks_and_shows_once_enough_reviews_count(ctx, clock, uow_factory):
    await add_tutor(ctx, OTHER_TUTOR_ID)
    assert await _find(ctx) == [TUTOR_ID, OTHER_TUTOR_ID]
    # Both held every session they had, so only the rating can set them apart.
    await completed_all(ctx, clock, (at(2, 7),), TUTOR_ID)
    done = await completed_all(ctx, clock, STARTS, OTHER_TUTOR_ID)
    for booking in done[:2]:
        await reviews.leave(write(booking.booking_id, stars="5"), ctx)
    await reviews.leave(write(done[2].booking_id, stars="5", text="stupid"), ctx)  # held
    card = await profiles.view(profiles.ViewProfile(GUILD, OTHER_TUTOR_ID), ctx)
    assert (card.rating, card.review_count) == (None, 2)
    assert await _find(ctx) == [TUTOR_ID, OTHER_TUTOR_ID]
    await reviews.release(reviews.ReleaseReviews(MODERATOR, done[2].booking_id), ctx)
    card = await profiles.view(profiles.ViewProfile(GUILD, OTHER_TUTOR_ID), ctx)
    assert (card.rating, card.review_count) == (5.0, 3)
    assert await _find(ctx) == [OTHER_TUTOR_ID, TUTOR_ID]
    async with uow_factory() as uow:
        policy = with_setting(await uow.guilds.policy(GUILD), "min_reviews_for_rating", 4)
        await uow.guilds.save_policy(GUILD, policy, clock.now())
        await uow.commit()
    assert (await profiles.view(profiles.ViewProfile(GUILD, OTHER_TUTOR_ID), ctx)).rating is None
    assert await _find(ctx) == [TUTOR_ID, OTHER_TUTOR_ID]


async def test_autocomplete_offers_only_completed_sessions(ctx, clock):
    done = await completed(ctx, clock)
    await bookings.book(book_cmd(STUDENT, TUTOR_ID, at(4, 10)), ctx)
    offered = await reviews.reviewable(reviews.ListReviewable(STUDENT), ctx)
    assert [b.booking_id for b in offered] == [done.booking_id]
    assert (
        await reviews.reviewed_among(reviews.ReviewedAmong(STUDENT, (done.booking_id,)), ctx)
        == set()
    )


def of_student(booking_id, stars="4", aspects=("prepared", "respectful"), text=""):
    return write(booking_id, stars, aspects, text, who=TUTOR)


def notices(rows, kind):
    return [r.user_id for r in rows if r.payload["notice"] == kind]


async def test_the_tutor_reviews_the_student_once_after_completion(ctx, clock, uow_factory):
    booking = await bookings.book(book_cmd(STUDENT, TUTOR_ID, STARTS[0]), ctx)
    await bookings.accept(bookings.AcceptBooking(TUTOR, booking.booking_id), ctx)
    with pytest.raises(InvalidTransitionError):
        await reviews.open_form(reviews.OpenReviewForm(TUTOR, booking.booking_id), ctx)
    with pytest.raises(InvalidTransitionError):
        await reviews.leave(of_student(booking.booking_id), ctx)
    clock.set(STARTS[0] + timedelta(minutes=5))
    await sessions.complete(sessions.CompleteSession(STUDENT, booking.booking_id), ctx)

    prompt = await reviews.open_form(reviews.OpenReviewForm(TUTOR, booking.booking_id), ctx)
    assert (prompt.about, prompt.own, prompt.received) == (Party.STUDENT, None, None)
    saved = await reviews.leave(of_student(booking.booking_id, text="Came prepared"), ctx)
    assert (saved.review.reviewee_id, saved.review.about) == (STUDENT_ID, Party.STUDENT)
    assert saved.review.content.yes == {Aspect.PREPARED, Aspect.RESPECTFUL}
    assert notices(await action_rows(uow_factory, "notify"), "review_received") == [STUDENT_ID]
    with pytest.raises(ConflictError, match="already_reviewed"):
        await reviews.leave(of_student(booking.booking_id, stars="1"), ctx)
    with pytest.raises(InputError):  # the student's own ratings are not offered here
        await reviews.edit(of_student(booking.booking_id, aspects=("explained_clearly",)), ctx)
    clock.set(saved.review.created_at + timedelta(hours=25))
    with pytest.raises(ConflictError, match="review_locked"):
        await reviews.edit(of_student(booking.booking_id, stars="2"), ctx)


async def test_both_sides_review_and_each_replies_once(ctx, clock):
    booking = await completed(ctx, clock)
    await reviews.leave(write(booking.booking_id, stars="5"), ctx)
    await reviews.leave(of_student(booking.booking_id, stars="3"), ctx)
    seen_by_student = await reviews.open_review(
        reviews.OpenReview(STUDENT, booking.booking_id), ctx
    )
    assert seen_by_student.own is not None
    assert seen_by_student.own.content.stars == 5
    assert seen_by_student.received is not None
    assert seen_by_student.received.content.stars == 3
    await reviews.open_reply(reviews.OpenReply(STUDENT, booking.booking_id), ctx)
    answered = await reviews.reply(
        reviews.ReplyToReview(STUDENT, booking.booking_id, "Thanks, will do."), ctx
    )
    assert (answered.reviewer_id, answered.reply) == (TUTOR_ID, "Thanks, will do.")
    assert answered.content.stars == 3
    with pytest.raises(ConflictError, match="already_replied"):
        await reviews.open_reply(reviews.OpenReply(STUDENT, booking.booking_id), ctx)
    with pytest.raises(ConflictError, match="already_replied"):
        await reviews.reply(reviews.ReplyToReview(STUDENT, booking.booking_id, "Once more"), ctx)
    tutor_side = await reviews.reply(
        reviews.ReplyToReview(TUTOR, booking.booking_id, "Thank you!"), ctx
    )
    assert tutor_side.reviewer_id == STUDENT_ID


async def test_an_abusive_review_of_a_student_is_held_then_released(ctx, clock, uow_factory):
    booking = await completed(ctx, clock)
    saved = await reviews.leave(of_student(booking.booking_id, text="Rude and stupid"), ctx)
    assert saved.review.status is ReviewStatus.HELD
    assert notices(await action_rows(uow_factory, "notify"), "review_received") == []
    with pytest.raises(InvalidTransitionError):
        await reviews.open_reply(reviews.OpenReply(STUDENT, booking.booking_id), ctx)
    await reviews.leave(write(booking.booking_id, text="You scammer"), ctx)
    listing = await moderation.queue(moderation.ModerationQueue(MODERATOR, 1), ctx)
    assert sorted(r.reviewer_id for r in listing.held_reviews) == [STUDENT_ID, TUTOR_ID]
    released = await reviews.release(reviews.ReleaseReviews(MODERATOR, booking.booking_id), ctx)
    assert sorted(r.reviewer_id for r in released) == [STUDENT_ID, TUTOR_ID]
    assert all(r.counts for r in released)
    with pytest.raises(InvalidTransitionError):
        await reviews.release(reviews.ReleaseReviews(MODERATOR, booking.booking_id), ctx)


async def test_reviews_of_a_student_never_move_their_tutor_ranking(ctx, clock):
    """User 22 tutors calculus and also studies: five stars as a student count for nothing."""
    await add_student(ctx, OTHER_TUTOR_ID)
    await add_tutor(ctx, OTHER_TUTOR_ID)
    as_student = actor(OTHER_TUTOR_ID)
    assert await _find(ctx) == [TUTOR_ID, OTHER_TUTOR_ID]
    booked = [await bookings.book(book_cmd(as_student, TUTOR_ID, s), ctx) for s in STARTS]
    for booking in booked:
        await bookings.accept(bookings.AcceptBooking(TUTOR, booking.booking_id), ctx)
    clock.set(max(STARTS) + timedelta(minutes=5))
    for booking in booked:
        await sessions.complete(sessions.CompleteSession(as_student, booking.booking_id), ctx)
        await reviews.leave(of_student(booking.booking_id, stars="5"), ctx)
    card = await profiles.view(profiles.ViewProfile(GUILD, OTHER_TUTOR_ID), ctx)
    assert (card.rating, card.review_count) == (None, 0)
    assert await _find(ctx) == [TUTOR_ID, OTHER_TUTOR_ID]
    async with ctx.uow(read_only=True) as uow:
        standing = await reviews.student_standing(uow, booked[0], await uow.guilds.policy(GUILD))
    assert standing == {"student_reviews": "3", "student_rating": "5.00"}


async def test_the_request_dm_to_a_tutor_carries_what_tutors_said_of_the_student(
    ctx, clock, uow_factory
):
    booking = await completed(ctx, clock)
    first = await action_rows(uow_factory, "notify")
    assert [r.payload for r in first if r.payload["notice"] == "booking_requested"] == [
        {"notice": "booking_requested"}
    ]
    await reviews.leave(of_student(booking.booking_id, stars="4"), ctx)
    await bookings.book(book_cmd(STUDENT, TUTOR_ID, at(4, 10)), ctx)
    requests = [
        r.payload for r in await action_rows(uow_factory, "notify")
        if r.payload["notice"] == "booking_requested"
    ]  # fmt: skip
    assert requests[-1] == {"notice": "booking_requested", "student_reviews": "1"}


async def test_a_review_right_after_the_reviewer_disputed_the_session_is_held(
    ctx, clock, uow_factory
):
    from marketplace.services import disputes

    booking = await completed(ctx, clock)
    await disputes.open_dispute(
        disputes.OpenDispute(STUDENT, booking.booking_id, "Half the hour was lost."), ctx
    )
    saved = await reviews.leave(write(booking.booking_id, stars="1"), ctx)
    assert saved.review.status is ReviewStatus.HELD
    assert saved.review.flag_reason == "retaliation"
    assert (await profiles.view(profiles.ViewProfile(GUILD, TUTOR_ID), ctx)).review_count == 0
    [held] = (await moderation.queue(moderation.ModerationQueue(MODERATOR, 1), ctx)).held_reviews
    assert held.flag_reason == "retaliation"
    notified = [r.payload["notice"] for r in await action_rows(uow_factory, "notify")]
    assert "review_received" not in notified
    [released] = await reviews.release(reviews.ReleaseReviews(MODERATOR, booking.booking_id), ctx)
    assert released.counts
    assert (await profiles.view(profiles.ViewProfile(GUILD, TUTOR_ID), ctx)).review_count == 1
    notified = [r.payload["notice"] for r in await action_rows(uow_factory, "notify")]
    assert notified.count("review_received") == 1  # the tutor hears of it once released


async def test_a_review_after_the_tutor_reported_the_student_is_held(ctx, clock):
    booking = await completed(ctx, clock)
    await moderation.report(moderation.ReportUser(TUTOR, STUDENT_ID, "rude in chat"), ctx)
    saved = await reviews.leave(write(booking.booking_id, stars="1"), ctx)
    assert saved.review.flag_reason == "retaliation"


async def test_the_same_text_about_two_tutors_holds_the_second(ctx, clock):
    await add_tutor(ctx, OTHER_TUTOR_ID)
    [first] = await completed_all(ctx, clock, (at(2, 10),), TUTOR_ID)
    [second] = await completed_all(ctx, clock, (at(3, 10),), OTHER_TUTOR_ID)
    text = "Amazing tutor, explains everything, 10/10!"
    assert (await reviews.leave(write(first.booking_id, text=text), ctx)).review.counts
    copied = await reviews.leave(write(second.booking_id, text=text.upper()), ctx)
    assert copied.review.flag_reason == "copy"
    assert (await profiles.view(profiles.ViewProfile(GUILD, OTHER_TUTOR_ID), ctx)).review_count == 0


async def test_three_new_students_reviewing_one_tutor_within_a_day_hold_the_third(ctx, clock):
    starts = (at(2, 10), at(2, 12), at(2, 14))
    students = [STUDENT_ID, 12, 13]
    for student_id in students[1:]:
        await add_student(ctx, student_id)
    booked = [
        await bookings.book(book_cmd(actor(s), TUTOR_ID, start), ctx)
        for s, start in zip(students, starts, strict=True)
    ]
    for booking in booked:
        await bookings.accept(bookings.AcceptBooking(TUTOR, booking.booking_id), ctx)
    clock.set(max(starts) + timedelta(minutes=5))
    saved = []
    for booking, student_id in zip(booked, students, strict=True):
        await sessions.complete(
            sessions.CompleteSession(actor(student_id), booking.booking_id), ctx
        )
        saved.append(await reviews.leave(write(booking.booking_id, who=actor(student_id)), ctx))
    assert [s.review.flag_reason for s in saved] == [None, None, "burst"]
    assert (await profiles.view(profiles.ViewProfile(GUILD, TUTOR_ID), ctx)).review_count == 2
