import dataclasses
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.booking import ALLOWED_FROM, LIVE_STATES, Booking, BookingState
from marketplace.domain.booking_actions import Action, Refusal, allowed_actions
from marketplace.domain.errors import DomainError
from marketplace.domain.money import Money
from marketplace.domain.settlement import Outcome

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
STUDENT, TUTOR = 100, 200


def a_booking(state: BookingState, start: datetime, *, price: Money | None = None) -> Booking:
    return Booking(
        booking_id=7, guild_id=1, student_id=STUDENT, tutor_id=TUTOR, subject_key="calculus",
        start=start, end=start + timedelta(hours=1), state=state, created_at=NOW,
        expires_at=NOW + timedelta(hours=1), price=price,
    )  # fmt: skip


states = st.sampled_from(list(BookingState))
offsets = st.integers(min_value=-600, max_value=600).map(lambda m: NOW + timedelta(minutes=m))
viewers = st.sampled_from([STUDENT, TUTOR])
prices = st.sampled_from([None, Money(2500, "USD")])


@given(states, offsets, viewers, prices)
def test_mark_complete_is_offered_exactly_when_end_session_accepts_it(state, start, viewer, price):
    booking = a_booking(state, start, price=price)
    try:
        booking.end_session(Outcome.COMPLETED, NOW)
        accepted = True
    except DomainError:
        accepted = False
    assert (Action.MARK_COMPLETE in allowed_actions(booking, viewer, NOW)) is accepted


@given(states, offsets, viewers, prices)
def test_cancel_is_offered_on_live_bookings_only(state, start, viewer, price):
    actions = allowed_actions(a_booking(state, start, price=price), viewer, NOW)
    assert (Action.CANCEL in actions) is (state in LIVE_STATES)
    assert ALLOWED_FROM["cancel"] == LIVE_STATES


@given(states, offsets, viewers, prices)
def test_every_action_is_either_allowed_or_refused_with_a_reason(state, start, viewer, price):
    actions = allowed_actions(a_booking(state, start, price=price), viewer, NOW)
    assert actions.allowed | set(actions.refused) == set(Action)
    assert not actions.allowed & set(actions.refused)


def test_only_the_student_may_pay_a_paid_booking_awaiting_payment():
    booking = a_booking(BookingState.AWAITING_PAYMENT, NOW, price=Money(2500, "USD"))
    assert Action.PAY in allowed_actions(booking, STUDENT, NOW)
    assert allowed_actions(booking, TUTOR, NOW).refused[Action.PAY] is Refusal.ONLY_THE_STUDENT
    assert allowed_actions(booking, STUDENT, NOW).refused[Action.RESCHEDULE] is Refusal.UNPAID


def test_a_started_session_is_marked_complete_instead_of_rescheduled():
    started = allowed_actions(a_booking(BookingState.CONFIRMED, NOW), TUTOR, NOW)
    ahead = allowed_actions(a_booking(BookingState.CONFIRMED, NOW + timedelta(days=1)), TUTOR, NOW)
    assert Action.MARK_COMPLETE in started
    assert started.refused[Action.RESCHEDULE] is Refusal.ALREADY_STARTED
    assert Action.RESCHEDULE in ahead
    assert ahead.refused[Action.MARK_COMPLETE] is Refusal.NOT_STARTED


def test_only_a_completed_session_can_be_reviewed():
    done = dataclasses.replace(a_booking(BookingState.COMPLETED, NOW), outcome=Outcome.COMPLETED)
    assert allowed_actions(done, STUDENT, NOW).allowed == {Action.REVIEW}


def test_a_group_seat_is_never_offered_a_reschedule() -> None:
    seat = dataclasses.replace(
        a_booking(BookingState.CONFIRMED, NOW + timedelta(hours=5)), group_id=4
    )

    assert allowed_actions(seat, STUDENT, NOW).refused[Action.RESCHEDULE] is Refusal.GROUP_SEAT
    assert Action.CANCEL in allowed_actions(seat, STUDENT, NOW).allowed
