"""Booking use cases: book, accept, decline, cancel, reschedule, on a real SQLite database."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.cancellation import Party
from marketplace.domain.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
)
from marketplace.services import booking_views, bookings, profiles, rescheduling, safety, search
from marketplace.services.search import FindTutors
from marketplace.storage.models import RestrictionRow, TutorProfileRow
from tests.services.marketplace_world import (
    GUILD,
    NOW,
    OTHER_GUILD,
    STUDENT_ID,
    TUTOR_ID,
    action_rows,
    actor,
    add_tutor,
    at,
    book_cmd,
    booking_rows,
    build_world,
    failure_summary,
)

STUDENT = actor(STUDENT_ID)
TUTOR = actor(TUTOR_ID)
TOMORROW_10 = at(2, 10)  # 11:00 Berlin, 25 h ahead


@pytest.fixture
async def world(service_context, clock):
    """Student 11 and tutor 21 (requests need accepting), the clock at NOW."""
    return await build_world(service_context, clock)


@pytest.fixture
async def instant_world(service_context, clock):
    """Student 11 and tutor 21 with instant booking, the clock at NOW."""
    return await build_world(service_context, clock, instant=True)


async def book(ctx, start=TOMORROW_10, student=STUDENT, tutor_id=TUTOR_ID, **options) -> Booking:
    return await bookings.book(book_cmd(student, tutor_id, start, **options), ctx)


async def confirmed(ctx, start=TOMORROW_10, student=STUDENT) -> Booking:
    booking = await book(ctx, start, student)
    return await bookings.accept(bookings.AcceptBooking(TUTOR, booking.booking_id), ctx)


async def notices(uow_factory, booking_id: int | None = None) -> list[tuple[str, int, str]]:
    """Queued NOTIFY rows: (notice kind, recipient, state)."""
    return [
        (row.payload["notice"], row.user_id, row.state)
        for row in await action_rows(uow_factory, "notify")
        if booking_id is None or row.booking_id == booking_id
    ]


async def reminders(uow_factory, state: str = "pending") -> list[tuple]:
    """Reminder rows in `state`: (due_at, offset, sequence)."""
    return [
        (row.due_at, row.payload["offset_minutes"], row.payload["sequence"])
        for row in await action_rows(uow_factory, "reminder")
        if row.state == state
    ]


async def restrict(uow_factory, user_id: int) -> None:
    async with uow_factory() as uow:
        uow.session.add(
            RestrictionRow(
                guild_id=GUILD, user_id=user_id, until=None, reason="", created_by=1, created_at=NOW
            )
        )
        await uow.commit()


# --- Validation ----------------------------------------------------------------------------


BAD_BOOKINGS = {
    "45 minutes": ({"minutes": 45}, ("duration", Problem.UNKNOWN_CHOICE)),
    "0 minutes": ({"minutes": 0}, ("duration", Problem.UNKNOWN_CHOICE)),
    "in the past": ({"start": at(1, 8)}, ("when", Problem.IN_THE_PAST)),
    "1 h notice": ({"start": at(1, 10)}, ("when", Problem.TOO_SOON)),
    "1 h 59 notice": ({"start": at(1, 10, 59)}, ("when", Problem.TOO_SOON)),
    "60 days 30 min ahead": (
        {"start": NOW + timedelta(days=60, minutes=30)},
        ("when", Problem.TOO_FAR_AHEAD),
    ),
    "a subject not taught": ({"subject": "physics"}, ("subject", Problem.UNKNOWN_CHOICE)),
    "an unknown subject": ({"subject": "astrology"}, ("subject", Problem.UNKNOWN_CHOICE)),
    "a 301-character note": ({"note": "n" * 301}, ("note", Problem.TOO_LONG)),
}


async def test_bad_booking_input_is_refused_and_nothing_is_written(world, uow_factory):
    refusals = {}
    for label, (changes, _expected) in BAD_BOOKINGS.items():
        options = {"start": TOMORROW_10} | changes
        start = options.pop("start")
        with pytest.raises(InputError) as refused:
            await book(world.ctx, start, **options)
        refusals[label] = (refused.value.field, refused.value.problem)

    assert refusals == {label: expected for label, (_c, expected) in BAD_BOOKINGS.items()}
    assert await booking_rows(uow_factory) == []


async def test_a_typed_time_is_read_in_the_students_zone(world):
    booking = await bookings.book(
        book_cmd(STUDENT, TUTOR_ID, None, when="tomorrow 11:00"), world.ctx
    )

    assert (booking.start, booking.end) == (TOMORROW_10, at(2, 11))


async def test_an_unreadable_typed_time_is_refused(world, uow_factory):
    problems = {}
    for when in ("whenever you like", "Mondays 10:00-11:00", "", "25:00"):
        with pytest.raises(InputError) as refused:
            await bookings.book(book_cmd(STUDENT, TUTOR_ID, None, when=when), world.ctx)
        problems[when] = (refused.value.field, refused.value.problem)

    assert problems == {
        "whenever you like": ("when", Problem.UNPARSEABLE),
        "Mondays 10:00-11:00": ("when", Problem.UNPARSEABLE),
        "": ("when", Problem.EMPTY),
        "25:00": ("when", Problem.UNPARSEABLE),
    }
    assert await booking_rows(uow_factory) == []


async def test_a_time_outside_the_tutors_availability_is_not_available(world, uow_factory):
    with pytest.raises(ConflictError) as refused:
        await book(world.ctx, at(1, 21, 30))  # 22:30 Berlin

    assert refused.value.reason == "not_available"
    assert await booking_rows(uow_factory) == []


async def test_a_session_running_past_the_end_of_availability_is_not_available(world):
    with pytest.raises(ConflictError) as refused:
        await book(world.ctx, at(2, 20, 30))  # 21:30-22:30 Berlin, availability ends at 22:00

    assert refused.value.reason == "not_available"


async def test_a_start_off_the_slot_grid_is_not_available(world):
    with pytest.raises(ConflictError) as refused:
        await book(world.ctx, at(2, 10, 7))

    assert refused.value.reason == "not_available"


async def test_a_tutor_cannot_book_themselves(world, uow_factory):
    with pytest.raises(ConflictError) as refused:
        await book(world.ctx, student=TUTOR)

    assert refused.value.reason == "self_booking"
    assert await booking_rows(uow_factory) == []


async def test_a_paused_tutor_takes_no_requests(world, uow_factory):
    await profiles.set_paused(profiles.PauseProfile(GUILD, TUTOR_ID, True), world.ctx)

    with pytest.raises(ConflictError) as refused:
        await book(world.ctx)

    assert refused.value.reason == "tutor_paused"
    assert await booking_rows(uow_factory) == []


@pytest.mark.parametrize("blocker", [STUDENT, TUTOR])
async def test_a_blocked_pair_cannot_book_each_other(world, uow_factory, blocker):
    other = TUTOR_ID if blocker is STUDENT else STUDENT_ID
    await safety.block(safety.BlockMember(blocker, other), world.ctx)

    with pytest.raises(NotFoundError):
        await book(world.ctx)

    assert await booking_rows(uow_factory) == []


@pytest.mark.parametrize("restricted", [STUDENT_ID, TUTOR_ID])
async def test_a_restricted_user_cannot_book_or_be_booked(world, uow_factory, restricted):
    await restrict(uow_factory, restricted)

    with pytest.raises(ConflictError) as refused:
        await book(world.ctx)

    assert refused.value.reason == "restricted"
    assert await booking_rows(uow_factory) == []


async def test_booking_someone_who_is_not_a_tutor_is_not_found(world):
    with pytest.raises(NotFoundError):
        await book(world.ctx, tutor_id=999)


# --- Requested or confirmed ----------------------------------------------------------------


async def test_a_request_waits_for_the_tutor_and_expires_in_time(world, uow_factory):
    booking = await book(world.ctx)

    assert booking.state is BookingState.REQUESTED
    assert booking.booking_id > 0
    assert booking.subject_key == "calculus"
    assert await notices(uow_factory, booking.booking_id) == [
        ("booking_requested", TUTOR_ID, "pending")
    ]
    (expiry,) = await action_rows(uow_factory, "expire_request")
    assert (expiry.booking_id, expiry.due_at, expiry.state) == (
        booking.booking_id,
        booking.expires_at,
        "pending",
    )
    assert await reminders(uow_factory) == []


async def test_instant_booking_confirms_at_once_with_reminders(instant_world, uow_factory):
    booking = await book(instant_world.ctx)

    assert booking.state is BookingState.CONFIRMED
    assert booking.instant is True
    assert sorted(await notices(uow_factory, booking.booking_id)) == [
        ("booking_confirmed", STUDENT_ID, "pending"),
        ("booking_confirmed", TUTOR_ID, "pending"),
    ]
    assert await action_rows(uow_factory, "expire_request") == []
    assert await reminders(uow_factory) == [
        (TOMORROW_10 - timedelta(minutes=120), 120, 0),
        (TOMORROW_10 - timedelta(minutes=15), 15, 0),
    ]


async def test_a_request_expires_after_24_hours_or_2_hours_before_the_start(world):
    starts = {
        "2 h before the start comes first": at(2, 10),
        "2 h before a start later today": at(1, 12),
        "24 h after the request comes first": at(5, 10),
        "both at once": at(2, 11),
    }

    expiries = {
        label: (await book(world.ctx, start, student=actor(100 + n), minutes=30)).expires_at
        for n, (label, start) in enumerate(starts.items())
    }

    assert expiries == {
        "2 h before the start comes first": at(2, 8),
        "2 h before a start later today": at(1, 10),
        "24 h after the request comes first": at(2, 9),
        "both at once": at(2, 9),
    }


async def test_the_booked_time_leaves_the_tutors_open_slots(world):
    await book(world.ctx, at(1, 12))

    starts = await booking_views.open_times(
        booking_views.OpenTimes(STUDENT, TUTOR_ID, 60), world.ctx
    )

    # A request needs 2 h 30 min (2 h expiry + 30 min to answer): nothing before 11:30.
    # 12:00-13:00 is taken; with the 10-minute buffer the next hour starts at 13:30.
    assert at(1, 11) not in starts
    assert at(1, 11, 30) not in starts
    assert at(1, 12, 30) not in starts
    assert at(1, 13) not in starts
    assert starts[0] == at(1, 13, 30)


async def test_a_request_leaves_the_tutor_time_to_answer_before_it_expires(world):
    with pytest.raises(InputError) as refused:
        await book(world.ctx, at(1, 11))

    assert refused.value.problem == "too_soon"
    assert refused.value.limit == 150


# --- Accept and decline --------------------------------------------------------------------


async def test_the_tutor_accepts_and_both_sides_are_told(world, uow_factory):
    booking = await book(world.ctx)

    accepted = await bookings.accept(bookings.AcceptBooking(TUTOR, booking.booking_id), world.ctx)

    assert accepted.state is BookingState.CONFIRMED
    assert accepted.booking_id == booking.booking_id
    assert sorted(await notices(uow_factory, booking.booking_id)) == [
        ("booking_confirmed", STUDENT_ID, "pending"),
        ("booking_confirmed", TUTOR_ID, "pending"),
        ("booking_requested", TUTOR_ID, "pending"),
    ]
    (expiry,) = await action_rows(uow_factory, "expire_request")
    assert expiry.state == "skipped"
    assert [(r[1], r[2]) for r in await reminders(uow_factory)] == [(120, 0), (15, 0)]


@pytest.mark.parametrize(
    ("action", "command"),
    [(bookings.accept, bookings.AcceptBooking), (bookings.decline, bookings.DeclineBooking)],
)
async def test_the_student_cannot_answer_their_own_request(world, uow_factory, action, command):
    booking = await book(world.ctx)

    with pytest.raises(PermissionDeniedError):
        await action(command(STUDENT, booking.booking_id), world.ctx)

    (row,) = await booking_rows(uow_factory)
    assert row.state == "requested"


async def test_a_stranger_cannot_act_on_someone_elses_booking(world, uow_factory):
    booking = await book(world.ctx)

    for action, command in (
        (bookings.accept, bookings.AcceptBooking),
        (bookings.decline, bookings.DeclineBooking),
        (bookings.cancel, bookings.CancelBooking),
    ):
        with pytest.raises(PermissionDeniedError):
            await action(command(actor(99), booking.booking_id), world.ctx)
        with pytest.raises(NotFoundError):
            await action(command(actor(TUTOR_ID, OTHER_GUILD), booking.booking_id), world.ctx)
        with pytest.raises(NotFoundError):
            await action(command(TUTOR, booking.booking_id + 1000), world.ctx)

    (row,) = await booking_rows(uow_factory)
    assert row.state == "requested"


async def test_a_stranger_cannot_preview_or_reschedule_someone_elses_booking(world):
    booking = await confirmed(world.ctx)

    with pytest.raises(PermissionDeniedError):
        await bookings.cancellation_preview(
            bookings.PreviewCancellation(actor(99), booking.booking_id), world.ctx
        )
    with pytest.raises(PermissionDeniedError):
        await rescheduling.reschedule(
            rescheduling.RescheduleBooking(actor(99), booking.booking_id, "2026-12-03 12:00"),
            world.ctx,
        )
    with pytest.raises(NotFoundError):
        await bookings.cancellation_preview(
            bookings.PreviewCancellation(actor(99, OTHER_GUILD), booking.booking_id), world.ctx
        )


async def test_a_double_clicked_accept_makes_one_transition(world, uow_factory):
    booking = await book(world.ctx)

    results = await asyncio.gather(
        bookings.accept(bookings.AcceptBooking(TUTOR, booking.booking_id), world.ctx),
        bookings.accept(bookings.AcceptBooking(TUTOR, booking.booking_id), world.ctx),
        return_exceptions=True,
    )

    assert sum(isinstance(r, Booking) for r in results) == 1
    assert failure_summary(results) == {
        "InvalidTransitionError: booking cannot accept from confirmed": 1
    }
    (row,) = await booking_rows(uow_factory)
    assert row.state == "confirmed"
    assert len(await reminders(uow_factory)) == 2
    confirmations = [n for n in await notices(uow_factory) if n[0] == "booking_confirmed"]
    assert sorted(confirmations) == [
        ("booking_confirmed", STUDENT_ID, "pending"),
        ("booking_confirmed", TUTOR_ID, "pending"),
    ]


async def test_a_request_cannot_be_accepted_once_it_expired(world, uow_factory):
    booking = await book(world.ctx)
    world.clock.set(booking.expires_at)

    with pytest.raises(ConflictError) as refused:
        await bookings.accept(bookings.AcceptBooking(TUTOR, booking.booking_id), world.ctx)

    assert refused.value.reason == "request_expired"
    assert await reminders(uow_factory) == []


async def test_a_declined_request_tells_the_student_and_frees_the_time(world, uow_factory):
    booking = await book(world.ctx)

    declined = await bookings.decline(bookings.DeclineBooking(TUTOR, booking.booking_id), world.ctx)

    assert declined.state is BookingState.DECLINED
    assert ("booking_declined", STUDENT_ID, "pending") in await notices(uow_factory)
    assert (await action_rows(uow_factory, "expire_request"))[0].state == "skipped"
    with pytest.raises(InvalidTransitionError):
        await bookings.accept(bookings.AcceptBooking(TUTOR, booking.booking_id), world.ctx)
    again = await book(world.ctx, student=actor(12))
    assert again.state is BookingState.REQUESTED


# --- Cancel --------------------------------------------------------------------------------


async def test_the_cancellation_preview_follows_the_policy(world, uow_factory):
    starts = {
        "49 h ahead": at(3, 10),
        "exactly 24 h ahead": at(2, 9),
        "22.5 h ahead": at(2, 7, 30),
    }
    booked = {label: await confirmed(world.ctx, start) for label, start in starts.items()}

    outcomes = {}
    for label, booking in booked.items():
        for who in (STUDENT, TUTOR):
            shown, outcome = await bookings.cancellation_preview(
                bookings.PreviewCancellation(who, booking.booking_id), world.ctx
            )
            assert shown.booking_id == booking.booking_id
            assert outcome.after_start is False
            party = "student" if who is STUDENT else "tutor"
            outcomes[label, party] = (
                outcome.refund_percent,
                outcome.tutor_share_percent,
                outcome.late,
            )

    # (refund % of the total, tutor's share % of the rate, counts as late)
    assert outcomes == {
        ("49 h ahead", "student"): (100, 0, False),
        ("49 h ahead", "tutor"): (100, 0, False),
        ("exactly 24 h ahead", "student"): (100, 0, False),
        ("exactly 24 h ahead", "tutor"): (100, 0, False),
        ("22.5 h ahead", "student"): (50, 50, True),
        ("22.5 h ahead", "tutor"): (100, 0, True),
    }
    assert {row.state for row in await booking_rows(uow_factory)} == {"confirmed"}

    world.clock.set(at(2, 7, 45))  # the 22.5-h booking started 15 minutes ago
    _, started = await bookings.cancellation_preview(
        bookings.PreviewCancellation(STUDENT, booked["22.5 h ahead"].booking_id), world.ctx
    )
    assert (started.refund_percent, started.tutor_share_percent, started.after_start) == (
        0,
        100,
        True,
    )


async def test_a_cancellation_tells_both_sides_and_drops_the_reminders(world, uow_factory):
    booking = await confirmed(world.ctx)

    cancelled = await bookings.cancel(
        bookings.CancelBooking(STUDENT, booking.booking_id), world.ctx
    )

    assert cancelled.state is BookingState.CANCELLED
    assert cancelled.cancelled_by is Party.STUDENT
    assert cancelled.sequence == booking.sequence + 1
    cancel_notices = [n for n in await notices(uow_factory) if n[0] == "booking_cancelled"]
    assert sorted(cancel_notices) == [
        ("booking_cancelled", STUDENT_ID, "pending"),
        ("booking_cancelled", TUTOR_ID, "pending"),
    ]
    assert await reminders(uow_factory) == []
    assert len(await reminders(uow_factory, "skipped")) == 2
    with pytest.raises(InvalidTransitionError):
        await bookings.cancel(bookings.CancelBooking(STUDENT, booking.booking_id), world.ctx)
    with pytest.raises(InvalidTransitionError):
        await bookings.cancellation_preview(
            bookings.PreviewCancellation(STUDENT, booking.booking_id), world.ctx
        )


async def test_a_cancelled_time_can_be_booked_again(world):
    booking = await confirmed(world.ctx)
    await bookings.cancel(bookings.CancelBooking(TUTOR, booking.booking_id), world.ctx)

    again = await book(world.ctx, student=actor(12))

    assert again.start == booking.start


async def test_a_student_can_withdraw_a_request(world, uow_factory):
    booking = await book(world.ctx)

    cancelled = await bookings.cancel(
        bookings.CancelBooking(STUDENT, booking.booking_id), world.ctx
    )

    assert cancelled.state is BookingState.CANCELLED
    assert (await action_rows(uow_factory, "expire_request"))[0].state == "skipped"


async def penalty_until(uow_factory, tutor_id=TUTOR_ID):
    async with uow_factory(read_only=True) as uow:
        return await uow.session.scalar(
            select(TutorProfileRow.penalty_until).where(
                TutorProfileRow.guild_id == GUILD, TutorProfileRow.user_id == tutor_id
            )
        )


async def test_three_late_tutor_cancellations_in_30_days_lower_their_ranking(world, uow_factory):
    await add_tutor(world.ctx, 22)
    find = FindTutors(STUDENT, "calculus")
    assert [h.tutor_id for h in (await search.find(find, world.ctx)).hits] == [21, 22]
    starts = [at(1, 12), at(1, 14), at(1, 16)]
    late = [await confirmed(world.ctx, start) for start in starts]

    for n, booking in enumerate(late):
        world.clock.set(NOW + timedelta(hours=n))
        await bookings.cancel(bookings.CancelBooking(TUTOR, booking.booking_id), world.ctx)
        if n < 2:
            assert await penalty_until(uow_factory) is None

    assert await penalty_until(uow_factory) == NOW + timedelta(hours=2, days=30)
    assert [h.tutor_id for h in (await search.find(find, world.ctx)).hits] == [22, 21]
    world.clock.set(NOW + timedelta(hours=2, days=30))
    assert await penalty_until(uow_factory) <= world.clock.now()  # the penalty is over…
    hits = (await search.find(find, world.ctx)).hits
    assert [h.tutor_id for h in hits] == [22, 21]  # …but 3 dropped sessions still count


async def test_early_tutor_and_late_student_cancellations_do_not_penalise_the_tutor(
    world, uow_factory
):
    early = [await confirmed(world.ctx, start) for start in (at(3, 10), at(3, 12), at(3, 14))]
    student_late = [await confirmed(world.ctx, start) for start in (at(1, 12), at(1, 14))]

    for booking in early:
        await bookings.cancel(bookings.CancelBooking(TUTOR, booking.booking_id), world.ctx)
    for booking in student_late:
        await bookings.cancel(bookings.CancelBooking(STUDENT, booking.booking_id), world.ctx)

    assert await penalty_until(uow_factory) is None


# --- Reschedule ----------------------------------------------------------------------------


async def test_a_student_reschedule_with_instant_booking_moves_at_once(instant_world, uow_factory):
    booking = await book(instant_world.ctx)

    moved = await rescheduling.reschedule(
        rescheduling.RescheduleBooking(STUDENT, booking.booking_id, "2026-12-03 12:00"),
        instant_world.ctx,
    )

    new_start = at(3, 11)
    assert moved.booking_id == booking.booking_id
    assert (moved.start, moved.end, moved.sequence) == (new_start, at(3, 12), 1)
    assert moved.proposed_start is None
    assert await reminders(uow_factory) == [
        (new_start - timedelta(minutes=120), 120, 1),
        (new_start - timedelta(minutes=15), 15, 1),
    ]
    assert [r[2] for r in await reminders(uow_factory, "skipped")] == [0, 0]
    rescheduled = [n for n in await notices(uow_factory) if n[0] == "booking_rescheduled"]
    assert sorted(rescheduled) == [
        ("booking_rescheduled", STUDENT_ID, "pending"),
        ("booking_rescheduled", TUTOR_ID, "pending"),
    ]
    (row,) = await booking_rows(uow_factory)
    assert (row.start_at, row.block_end) == (new_start, at(3, 12, 10))


async def test_a_student_reschedule_is_proposed_and_the_tutor_accepts(world, uow_factory):
    booking = await confirmed(world.ctx)

    proposed = await rescheduling.reschedule(
        rescheduling.RescheduleBooking(STUDENT, booking.booking_id, "2026-12-03 12:00"), world.ctx
    )

    assert (proposed.start, proposed.sequence) == (booking.start, 0)
    assert (proposed.proposed_start, proposed.proposed_end) == (at(3, 11), at(3, 12))
    assert proposed.proposed_by is Party.STUDENT
    assert ("reschedule_requested", TUTOR_ID, "pending") in await notices(uow_factory)
    assert [r[2] for r in await reminders(uow_factory)] == [0, 0]
    with pytest.raises(PermissionDeniedError):
        await rescheduling.answer_reschedule(
            rescheduling.AnswerReschedule(STUDENT, booking.booking_id, True), world.ctx
        )

    moved = await rescheduling.answer_reschedule(
        rescheduling.AnswerReschedule(TUTOR, booking.booking_id, True), world.ctx
    )

    assert moved.booking_id == booking.booking_id
    assert (moved.start, moved.end, moved.sequence) == (at(3, 11), at(3, 12), 1)
    assert moved.proposed_start is None
    assert await reminders(uow_factory) == [
        (at(3, 9), 120, 1),
        (at(3, 10, 45), 15, 1),
    ]


async def test_a_declined_reschedule_keeps_the_time(world, uow_factory):
    booking = await confirmed(world.ctx)
    await rescheduling.reschedule(
        rescheduling.RescheduleBooking(STUDENT, booking.booking_id, "2026-12-03 12:00"), world.ctx
    )

    kept = await rescheduling.answer_reschedule(
        rescheduling.AnswerReschedule(TUTOR, booking.booking_id, False), world.ctx
    )

    assert (kept.start, kept.end, kept.sequence) == (booking.start, booking.end, 0)
    assert kept.proposed_start is None
    assert ("reschedule_declined", STUDENT_ID, "pending") in await notices(uow_factory)
    assert await reminders(uow_factory) == [
        (TOMORROW_10 - timedelta(minutes=120), 120, 0),
        (TOMORROW_10 - timedelta(minutes=15), 15, 0),
    ]
    with pytest.raises(InvalidTransitionError):
        await rescheduling.answer_reschedule(
            rescheduling.AnswerReschedule(TUTOR, booking.booking_id, True), world.ctx
        )


async def test_a_second_proposal_and_its_refusal_are_sent_too(world, uow_factory):
    booking = await confirmed(world.ctx)
    await rescheduling.reschedule(
        rescheduling.RescheduleBooking(STUDENT, booking.booking_id, "2026-12-03 12:00"), world.ctx
    )
    await rescheduling.answer_reschedule(
        rescheduling.AnswerReschedule(TUTOR, booking.booking_id, False), world.ctx
    )

    await rescheduling.reschedule(
        rescheduling.RescheduleBooking(STUDENT, booking.booking_id, "2026-12-04 12:00"), world.ctx
    )
    await rescheduling.answer_reschedule(
        rescheduling.AnswerReschedule(TUTOR, booking.booking_id, False), world.ctx
    )

    # Each proposal and each refusal is its own message.
    sent = [n for n in await notices(uow_factory) if n[0].startswith("reschedule_")]
    assert sent == [
        ("reschedule_requested", TUTOR_ID, "pending"),
        ("reschedule_declined", STUDENT_ID, "pending"),
        ("reschedule_requested", TUTOR_ID, "pending"),
        ("reschedule_declined", STUDENT_ID, "pending"),
    ]


async def test_a_tutor_reschedule_needs_the_students_answer(instant_world, uow_factory):
    booking = await book(instant_world.ctx)

    proposed = await rescheduling.reschedule(
        rescheduling.RescheduleBooking(TUTOR, booking.booking_id, "2026-12-03 12:00"),
        instant_world.ctx,
    )

    assert (proposed.start, proposed.proposed_by) == (booking.start, Party.TUTOR)
    assert ("reschedule_requested", STUDENT_ID, "pending") in await notices(uow_factory)
    moved = await rescheduling.answer_reschedule(
        rescheduling.AnswerReschedule(STUDENT, booking.booking_id, True), instant_world.ctx
    )
    assert (moved.start, moved.sequence) == (at(3, 11), 1)


async def test_rescheduling_into_a_taken_slot_is_refused(world, uow_factory):
    booking = await confirmed(world.ctx)
    await book(world.ctx, at(3, 11), student=actor(12))

    with pytest.raises(ConflictError) as refused:
        await rescheduling.reschedule(
            rescheduling.RescheduleBooking(STUDENT, booking.booking_id, "2026-12-03 12:00"),
            world.ctx,
        )

    assert refused.value.reason == "slot_taken"
    (row, _other) = await booking_rows(uow_factory)
    assert (row.start_at, row.proposed_start, row.sequence) == (TOMORROW_10, None, 0)


async def test_accepting_a_proposal_whose_time_was_taken_meanwhile_is_refused(world, uow_factory):
    booking = await confirmed(world.ctx)
    await rescheduling.reschedule(
        rescheduling.RescheduleBooking(STUDENT, booking.booking_id, "2026-12-03 12:00"), world.ctx
    )
    await book(world.ctx, at(3, 11), student=actor(12))

    with pytest.raises(ConflictError) as refused:
        await rescheduling.answer_reschedule(
            rescheduling.AnswerReschedule(TUTOR, booking.booking_id, True), world.ctx
        )

    assert refused.value.reason == "slot_taken"
    (row, _other) = await booking_rows(uow_factory)
    assert (row.start_at, row.sequence) == (TOMORROW_10, 0)


async def test_rescheduling_to_half_an_hour_later_overlapping_itself_is_fine(instant_world):
    booking = await book(instant_world.ctx)

    moved = await rescheduling.reschedule(
        rescheduling.RescheduleBooking(STUDENT, booking.booking_id, "tomorrow 11:30"),
        instant_world.ctx,
    )

    assert moved.start == TOMORROW_10 + timedelta(minutes=30)


async def test_a_bad_reschedule_is_refused_and_keeps_the_time(instant_world, uow_factory):
    booking = await book(instant_world.ctx)

    refusals = {}
    for when in (
        "2026-12-03 23:00",
        "tomorrow 11:00",
        "today 10:30",
        "yesterday 12:00",
        "gibberish",
    ):
        with pytest.raises((ConflictError, InputError)) as refused:
            await rescheduling.reschedule(
                rescheduling.RescheduleBooking(STUDENT, booking.booking_id, when), instant_world.ctx
            )
        error = refused.value
        refusals[when] = getattr(error, "reason", None) or getattr(error, "problem", None)

    assert refusals == {
        "2026-12-03 23:00": "not_available",
        "tomorrow 11:00": "same_time",
        "today 10:30": Problem.TOO_SOON,
        "yesterday 12:00": Problem.IN_THE_PAST,
        "gibberish": Problem.UNPARSEABLE,
    }
    (row,) = await booking_rows(uow_factory)
    assert (row.start_at, row.sequence, row.proposed_start) == (TOMORROW_10, 0, None)


async def test_a_request_cannot_be_rescheduled_before_it_is_accepted(world):
    booking = await book(world.ctx)

    with pytest.raises(InvalidTransitionError):
        await rescheduling.reschedule(
            rescheduling.RescheduleBooking(STUDENT, booking.booking_id, "2026-12-03 12:00"),
            world.ctx,
        )


# --- Listing -------------------------------------------------------------------------------


async def test_both_sides_see_the_booking_in_their_list(world):
    booking = await confirmed(world.ctx)

    for who in (STUDENT, TUTOR):
        listed = await booking_views.list_for(booking_views.ListBookings(who), world.ctx)
        assert [b.booking_id for b in listed.bookings] == [booking.booking_id]
    assert (
        await booking_views.list_for(booking_views.ListBookings(actor(12)), world.ctx)
    ).bookings == []
