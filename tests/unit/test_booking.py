from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.domain.booking import (
    ALLOWED_FROM,
    TERMINAL_STATES,
    Booking,
    BookingCancelled,
    BookingConfirmed,
    BookingDeclined,
    BookingExpired,
    BookingRequested,
    BookingRescheduled,
    BookingState,
    Party,
    RescheduleDeclined,
    RescheduleRequested,
    request_expiry,
    validate_booking_time,
)
from marketplace.domain.errors import (
    ConflictError,
    DomainError,
    InputError,
    InvalidTransitionError,
    PermissionDeniedError,
)
from marketplace.domain.money import Money
from marketplace.domain.policy import DEFAULT_POLICY

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
START = NOW + timedelta(days=3)
H = timedelta(hours=1)


def requested(start: datetime = START, *, instant: bool = False):
    return Booking.request(
        booking_id=7, guild_id=1, student_id=100, tutor_id=200, subject_key="calculus",
        start=start, end=start + H, now=NOW, policy=DEFAULT_POLICY, note="limits",
        price=Money(2500, "USD"), instant=instant,
    )  # fmt: skip


def confirmed():
    booking, _ = requested()
    return booking.accept(Party.TUTOR, NOW + H)[0]


def test_request_waits_for_the_tutor_and_expires_after_a_day():
    booking, event = requested()
    assert booking.state is BookingState.REQUESTED
    assert booking.expires_at == NOW + timedelta(hours=24)
    assert event == BookingRequested(7, 100, 200, START, START + H, booking.expires_at, NOW)


def test_instant_booking_is_confirmed_at_once():
    booking, event = requested(instant=True)
    assert booking.state is BookingState.CONFIRMED
    assert booking.instant
    assert event == BookingConfirmed(7, START, START + H, instant=True, at=NOW)


def test_request_close_to_the_start_expires_two_hours_before_it():
    start = NOW + timedelta(hours=5)
    assert request_expiry(NOW, start, DEFAULT_POLICY) == NOW + timedelta(hours=3)


def test_student_cannot_book_themselves():
    with pytest.raises(ConflictError):
        Booking.request(
            booking_id=1, guild_id=1, student_id=5, tutor_id=5, subject_key="x", start=START,
            end=START + H, now=NOW, policy=DEFAULT_POLICY,
        )  # fmt: skip


def test_tutor_accepts_a_request():
    booking, _ = requested()
    accepted, event = booking.accept(Party.TUTOR, NOW + H)
    assert accepted.state is BookingState.CONFIRMED
    assert isinstance(event, BookingConfirmed)
    assert not event.instant


@pytest.mark.parametrize("party", [Party.STUDENT, Party.SYSTEM, Party.MODERATOR])
def test_only_the_tutor_may_accept_or_decline(party):
    booking, _ = requested()
    for action in (booking.accept, booking.decline):
        with pytest.raises(PermissionDeniedError) as caught:
            action(party, NOW)
        assert caught.value.needed == "owner"


def test_accepting_after_expiry_time_is_refused():
    booking, _ = requested()
    with pytest.raises(ConflictError) as caught:
        booking.accept(Party.TUTOR, booking.expires_at)
    assert caught.value.reason == "request_expired"


def test_tutor_declines_a_request():
    booking, _ = requested()
    declined, event = booking.decline(Party.TUTOR, NOW)
    assert declined.state is BookingState.DECLINED
    assert event == BookingDeclined(7, NOW)


def test_request_expires_only_once_its_time_has_come():
    booking, _ = requested()
    with pytest.raises(ConflictError):
        booking.expire(booking.expires_at - timedelta(seconds=1))
    expired, event = booking.expire(booking.expires_at)
    assert expired.state is BookingState.EXPIRED
    assert event == BookingExpired(7, booking.expires_at)


def test_double_accept_is_an_invalid_transition():
    booking = confirmed()
    with pytest.raises(InvalidTransitionError) as caught:
        booking.accept(Party.TUTOR, NOW)
    assert (caught.value.entity, caught.value.from_state, caught.value.action) == (
        "booking",
        "confirmed",
        "accept",
    )


def test_student_cancelling_early_is_refunded_in_full_and_bumps_sequence():
    booking = confirmed()
    cancelled, event = booking.cancel(Party.STUDENT, NOW, DEFAULT_POLICY)
    assert cancelled.state is BookingState.CANCELLED
    assert (cancelled.cancelled_by, cancelled.cancelled_at) == (Party.STUDENT, NOW)
    assert not cancelled.cancelled_late
    assert cancelled.sequence == booking.sequence + 1
    assert (event.refund_percent, event.tutor_share_percent) == (100, 0)


def test_student_cancelling_late_records_it_and_gets_half_back():
    booking = confirmed()
    cancelled, event = booking.cancel(Party.STUDENT, START - 2 * H, DEFAULT_POLICY)
    assert cancelled.cancelled_late
    assert not cancelled.cancelled_after_start
    assert event == BookingCancelled(7, Party.STUDENT, True, False, 50, 50, 1, START - 2 * H)


def test_cancelling_after_start_is_recorded():
    cancelled, _ = confirmed().cancel(Party.TUTOR, START + H / 2, DEFAULT_POLICY)
    assert cancelled.cancelled_after_start
    assert cancelled.cancelled_late


def test_student_may_withdraw_a_request():
    booking, _ = requested()
    cancelled, _ = booking.cancel(Party.STUDENT, NOW, DEFAULT_POLICY)
    assert cancelled.state is BookingState.CANCELLED


def test_only_participants_map_to_a_party():
    booking = confirmed()
    assert booking.party_of(100, "cancel") is Party.STUDENT
    assert booking.party_of(200, "cancel") is Party.TUTOR
    with pytest.raises(PermissionDeniedError) as caught:
        booking.party_of(999, "cancel")
    assert (caught.value.action, caught.value.needed) == ("cancel", "owner")


def test_reschedule_waits_for_the_other_side_then_moves_and_bumps_sequence():
    booking = confirmed()
    new_start = START + timedelta(days=1)
    proposed, event = booking.request_reschedule(
        new_start, new_start + H, Party.STUDENT, NOW, instant=False
    )
    assert isinstance(event, RescheduleRequested)
    assert proposed.reschedule_pending
    assert (proposed.start, proposed.sequence) == (START, booking.sequence)
    with pytest.raises(PermissionDeniedError):
        proposed.accept_reschedule(Party.STUDENT, NOW)
    moved, moved_event = proposed.accept_reschedule(Party.TUTOR, NOW)
    assert (moved.start, moved.end) == (new_start, new_start + H)
    assert moved.sequence == booking.sequence + 1
    assert not moved.reschedule_pending
    assert moved_event == BookingRescheduled(
        7, START, START + H, new_start, new_start + H, moved.sequence, NOW
    )


def test_declined_reschedule_keeps_the_old_time():
    booking = confirmed()
    new_start = START + timedelta(days=1)
    proposed, _ = booking.request_reschedule(
        new_start, new_start + H, Party.TUTOR, NOW, instant=False
    )
    kept, event = proposed.decline_reschedule(Party.STUDENT, NOW)
    assert (kept.start, kept.end, kept.sequence) == (START, START + H, booking.sequence)
    assert not kept.reschedule_pending
    assert event == RescheduleDeclined(7, Party.STUDENT, NOW)


def test_instant_reschedule_moves_at_once():
    booking = confirmed()
    new_start = START + timedelta(days=2)
    moved, event = booking.request_reschedule(
        new_start, new_start + H, Party.STUDENT, NOW, instant=True
    )
    assert isinstance(event, BookingRescheduled)
    assert moved.start == new_start
    assert moved.sequence == 1


def test_answering_a_reschedule_nobody_proposed_is_invalid():
    with pytest.raises(InvalidTransitionError):
        confirmed().accept_reschedule(Party.TUTOR, NOW)


def test_rescheduling_a_request_is_invalid():
    booking, _ = requested()
    with pytest.raises(InvalidTransitionError):
        booking.request_reschedule(START + H, START + 2 * H, Party.STUDENT, NOW, instant=False)


def test_moderator_cannot_propose_a_new_time():
    with pytest.raises(PermissionDeniedError):
        confirmed().request_reschedule(
            START + H, START + 2 * H, Party.MODERATOR, NOW, instant=False
        )


@pytest.mark.parametrize(
    ("start", "duration", "problem"),
    [
        (NOW + timedelta(days=1), 45, "unknown_choice"),
        (NOW - H, 60, "in_the_past"),
        (NOW + H, 60, "too_soon"),
        (NOW + timedelta(days=61), 60, "too_far_ahead"),
    ],
)
def test_booking_times_outside_policy_are_refused(start, duration, problem):
    with pytest.raises(InputError) as caught:
        validate_booking_time(start, duration, NOW, DEFAULT_POLICY)
    assert caught.value.problem == problem


def test_booking_time_inside_policy_gives_its_end():
    start = NOW + 2 * H
    assert validate_booking_time(start, 90, NOW, DEFAULT_POLICY) == start + timedelta(minutes=90)


# --- property: random transition sequences ----------------------------------------------

ACTIONS = [
    "accept", "decline", "expire", "cancel", "request_reschedule", "accept_reschedule",
    "decline_reschedule",
]  # fmt: skip


def apply(booking: Booking, action: str, party: Party, at: datetime, instant: bool):
    if action == "expire":
        return booking.expire(at)
    if action == "cancel":
        return booking.cancel(party, at, DEFAULT_POLICY)
    if action == "request_reschedule":
        new_start = booking.start + timedelta(days=1)
        return booking.request_reschedule(new_start, new_start + H, party, at, instant=instant)
    return getattr(booking, action)(party, at)


steps = st.tuples(
    st.sampled_from(ACTIONS),
    st.sampled_from(list(Party)),
    st.integers(0, 96).map(lambda h: NOW + timedelta(hours=h)),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(st.booleans(), st.lists(steps, max_size=12))
def test_random_transitions_never_reach_an_illegal_state(instant, sequence_of_steps):
    booking, _ = requested(instant=instant)
    for action, party, at, step_instant in sequence_of_steps:
        before = booking
        try:
            booking, _event = apply(booking, action, party, at, step_instant)
        except DomainError:
            assert booking is before
            continue
        assert before.state in ALLOWED_FROM[action]
        assert before.state not in TERMINAL_STATES
        assert booking.sequence >= before.sequence
        assert booking.booking_id == before.booking_id
        assert booking.state in {
            BookingState.REQUESTED, BookingState.CONFIRMED, *TERMINAL_STATES,
        }  # fmt: skip
        assert booking.end > booking.start
        assert (booking.state is BookingState.CANCELLED) == (booking.cancelled_by is not None)
        if booking.reschedule_pending:
            assert booking.state is BookingState.CONFIRMED
            assert booking.proposed_by in {Party.STUDENT, Party.TUTOR}


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(ACTIONS), st.sampled_from(list(Party)), st.booleans())
def test_terminal_states_accept_no_further_transition(action, party, instant):
    booking, _ = requested()
    for ended in (
        booking.decline(Party.TUTOR, NOW)[0],
        booking.expire(booking.expires_at)[0],
        booking.cancel(Party.STUDENT, NOW, DEFAULT_POLICY)[0],
    ):
        with pytest.raises(InvalidTransitionError):
            apply(ended, action, party, NOW, instant)
