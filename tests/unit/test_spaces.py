"""Session space rules: when a space opens and closes, voice, and consent (pure)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.domain.booking import Booking, BookingState, Party
from marketplace.domain.errors import PermissionDeniedError
from marketplace.domain.policy import DEFAULT_POLICY
from marketplace.domain.profiles import SessionFormat
from marketplace.domain.spaces import (
    SessionSpace,
    SpaceStatus,
    agree,
    closes_at,
    opens_at,
    should_close,
    should_open,
    with_voice,
)

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
START = NOW + timedelta(days=3)
M = timedelta(minutes=1)
TICK = timedelta(microseconds=1)
STUDENT, TUTOR, STRANGER = 100, 200, 300
OPENS = START - 15 * M  # the default policy: 15 minutes before the start
CLOSES = START + 60 * M + 30 * M  # ... and 30 minutes after a 60-minute session


def requested() -> Booking:
    booking, _ = Booking.request(
        booking_id=7, guild_id=1, student_id=STUDENT, tutor_id=TUTOR, subject_key="calculus",
        start=START, end=START + 60 * M, now=NOW, policy=DEFAULT_POLICY, note="",
        price=None, instant=False,
    )  # fmt: skip
    return booking


def confirmed() -> Booking:
    return requested().accept(Party.TUTOR, NOW)[0]


def a_space(**changes: object) -> SessionSpace:
    space = SessionSpace(
        booking_id=7, guild_id=1, status=SpaceStatus.OPEN, claimed_at=OPENS, text_id=5,
        voice_id=6, opened_at=OPENS,
    )  # fmt: skip
    return replace(space, **changes)


policies = st.builds(
    lambda before, after: replace(
        DEFAULT_POLICY, space_opens_before_minutes=before, space_closes_after_minutes=after
    ),
    st.integers(0, 120),
    st.integers(0, 240),
)
instants = st.integers(-24 * 60, 24 * 60).map(
    lambda minutes: START + minutes * M
) | st.sampled_from([OPENS - TICK, OPENS, CLOSES - TICK, CLOSES])


# --- The window ----------------------------------------------------------------------------


def test_the_window_runs_from_before_the_start_to_after_the_end_by_the_policy():
    booking = confirmed()
    tight = replace(DEFAULT_POLICY, space_opens_before_minutes=0, space_closes_after_minutes=0)

    assert (opens_at(booking, DEFAULT_POLICY), closes_at(booking, DEFAULT_POLICY)) == (
        OPENS,
        CLOSES,
    )
    assert (opens_at(booking, tight), closes_at(booking, tight)) == (booking.start, booking.end)


@pytest.mark.parametrize(
    ("now", "opens", "closes"),
    [
        (OPENS - TICK, False, True),
        (OPENS, True, False),
        (START, True, False),
        (CLOSES - TICK, True, False),
        (CLOSES, False, True),
    ],
)
def test_a_confirmed_space_opens_at_its_opening_time_and_closes_at_the_end_plus_grace(
    now, opens, closes
):
    booking = confirmed()

    assert should_open(booking, DEFAULT_POLICY, now) is opens
    assert should_close(booking, DEFAULT_POLICY, now) is closes


@settings(max_examples=300, deadline=None)
@given(policy=policies, now=instants)
def test_a_confirmed_booking_is_either_due_to_open_or_to_close_never_both(policy, now):
    booking = confirmed()

    assert should_open(booking, policy, now) != should_close(booking, policy, now)
    assert should_open(booking, policy, now) == (
        opens_at(booking, policy) <= now < closes_at(booking, policy)
    )


@settings(max_examples=300, deadline=None)
@given(state=st.sampled_from(list(BookingState)), policy=policies, now=instants)
def test_only_a_confirmed_booking_opens_and_nothing_is_due_to_open_and_close_at_once(
    state, policy, now
):
    booking = replace(confirmed(), state=state)

    assert not (should_open(booking, policy, now) and should_close(booking, policy, now))
    if should_open(booking, policy, now):
        assert state is BookingState.CONFIRMED


@pytest.mark.parametrize("state", [BookingState.COMPLETED, BookingState.NO_SHOW])
def test_an_ended_session_keeps_its_space_until_the_grace_is_over_but_never_opens_one(state):
    ended = replace(confirmed(), state=state)

    assert not should_open(ended, DEFAULT_POLICY, START + 61 * M)
    assert not should_close(ended, DEFAULT_POLICY, START + 61 * M)
    assert should_close(ended, DEFAULT_POLICY, CLOSES)


def test_a_cancelled_booking_closes_its_space_at_once_even_inside_the_window():
    cancelled, _ = confirmed().cancel(Party.STUDENT, START - 5 * M, DEFAULT_POLICY)

    assert not should_open(cancelled, DEFAULT_POLICY, START)
    assert should_close(cancelled, DEFAULT_POLICY, START)


@pytest.mark.parametrize(
    "ended",
    [
        pytest.param(lambda b: b.decline(Party.TUTOR, NOW)[0], id="declined"),
        pytest.param(lambda b: b.expire(b.expires_at)[0], id="expired"),
        pytest.param(lambda b: b, id="still-requested"),
        pytest.param(lambda b: replace(b, state=BookingState.AWAITING_PAYMENT), id="unpaid"),
    ],
)
def test_a_booking_that_never_became_a_session_has_no_space(ended):
    booking = ended(requested())

    assert not should_open(booking, DEFAULT_POLICY, START)
    assert should_close(booking, DEFAULT_POLICY, START)


def test_a_deleted_booking_closes_its_space():
    assert should_close(None, DEFAULT_POLICY, START)


def test_a_booking_moved_a_day_later_closes_the_old_space_and_opens_at_the_new_time():
    moved, _ = confirmed().request_reschedule(
        START + timedelta(days=1), START + timedelta(days=1, minutes=60), Party.STUDENT, NOW,
        instant=True,
    )  # fmt: skip

    assert should_close(moved, DEFAULT_POLICY, START)
    assert not should_open(moved, DEFAULT_POLICY, START)
    assert should_open(moved, DEFAULT_POLICY, OPENS + timedelta(days=1))


def test_a_booking_moved_earlier_and_already_over_closes_its_space():
    moved, _ = confirmed().request_reschedule(
        START - timedelta(hours=4), START - timedelta(hours=3), Party.STUDENT, NOW, instant=True
    )

    assert should_close(moved, DEFAULT_POLICY, START)


def test_a_proposed_but_unanswered_move_keeps_the_space_serving_the_booked_time():
    proposed, _ = confirmed().request_reschedule(
        START + timedelta(days=1), START + timedelta(days=1, minutes=60), Party.STUDENT, NOW,
        instant=False,
    )  # fmt: skip

    assert should_open(proposed, DEFAULT_POLICY, START)
    assert not should_close(proposed, DEFAULT_POLICY, START)


# --- Voice -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formats", "voice"),
    [
        (frozenset({SessionFormat.TEXT, SessionFormat.VOICE}), True),
        (frozenset({SessionFormat.VOICE}), True),
        (frozenset({SessionFormat.TEXT}), False),
        (frozenset(), False),
    ],
)
def test_a_voice_channel_is_made_only_for_tutors_who_hold_sessions_by_voice(formats, voice):
    assert with_voice(formats) is voice


# --- The space itself ------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(SpaceStatus))
def test_only_an_open_space_is_live(status):
    assert a_space(status=status).is_live is (status is SpaceStatus.OPEN)


# --- Consent ---------------------------------------------------------------------------------


def test_each_participant_agrees_for_their_own_side():
    booking = confirmed()

    by_student = agree(a_space(), booking, STUDENT, START)
    by_both = agree(by_student, booking, TUTOR, START + M)

    assert (by_student.student_agreed_at, by_student.tutor_agreed_at) == (START, None)
    assert by_both.agreed_at(Party.STUDENT) == START
    assert by_both.agreed_at(Party.TUTOR) == START + M


def test_agreeing_again_keeps_the_first_time_and_changes_nothing():
    booking = confirmed()
    once = agree(a_space(), booking, TUTOR, START)

    again = agree(once, booking, TUTOR, START + 10 * M)

    assert again == once
    assert again.tutor_agreed_at == START


def test_a_stranger_cannot_agree_for_a_session_they_are_not_in():
    space = a_space()

    with pytest.raises(PermissionDeniedError) as refused:
        agree(space, confirmed(), STRANGER, START)

    assert (refused.value.action, refused.value.needed) == ("agree", "owner")


presses = st.lists(
    st.tuples(st.sampled_from([STUDENT, TUTOR, STRANGER]), st.integers(0, 100)), max_size=12
)


@settings(max_examples=200, deadline=None)
@given(presses)
def test_any_run_of_presses_keeps_each_sides_first_agreement_and_refuses_strangers(run):
    booking = confirmed()
    space = a_space()
    first: dict[int, datetime] = {}
    for user_id, minute in run:
        when = OPENS + minute * M
        if user_id == STRANGER:
            with pytest.raises(PermissionDeniedError):
                agree(space, booking, user_id, when)
            continue
        first.setdefault(user_id, when)
        space = agree(space, booking, user_id, when)

    assert space.student_agreed_at == first.get(STUDENT)
    assert space.tutor_agreed_at == first.get(TUTOR)
    assert replace(space, student_agreed_at=None, tutor_agreed_at=None) == a_space()
