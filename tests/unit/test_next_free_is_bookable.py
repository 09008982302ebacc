"""What `/find` shows as next free is one of the starts **Book** offers (issue 17, point 4).

Both sides are built as the services build them: the search's exact check
(`search._free_in`) asks `first_slot_start` for a start no earlier than
`earliest_start`; the picker (`booking_views.open_times`) takes `expand_slots` under the
guild's minimum notice and keeps the starts from `earliest_start` on.
"""

from dataclasses import replace
from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.domain.availability import SlotSearch, expand_slots, first_slot_start
from marketplace.domain.booking import earliest_start
from marketplace.domain.policy import DEFAULT_POLICY, GuildPolicy
from tests.unit.test_availability import NOWS, scenarios

H = timedelta(hours=1)
M = timedelta(minutes=1)
PICKER_DAYS = 14

minutes = st.sampled_from([0, 0, 5, 10, 30, 45, 120, 150, 600])
policies = st.builds(
    lambda notice, expiry, answer, checkout: replace(
        DEFAULT_POLICY,
        min_notice_minutes=notice,
        request_expiry_before_start_minutes=expiry,
        request_answer_minutes=answer,
        checkout_expiry_minutes=checkout,
    ),
    minutes,
    minutes,
    minutes,
    st.sampled_from([15, 30, 60]),
)


@settings(max_examples=300, deadline=None)
@given(
    case=scenarios(),
    policy=policies,
    instant=st.booleans(),
    paying=st.booleans(),
    drift=st.integers(0, 14),
    offset=st.integers(-6, 5 * 24),
    hours=st.integers(0, 12),
)
def test_the_next_free_start_shown_is_offered_by_book(
    *,
    case: dict[str, Any],
    policy: GuildPolicy,
    instant: bool,
    paying: bool,
    drift: int,
    offset: int,
    hours: int,
) -> None:
    now = case["now"] + drift * M
    duration, buffer = case["duration"], case["buffer"]
    args = (case["rules"], case["one_offs"], case["days_off"], case["busy"])
    earliest = earliest_start(now, policy, instant=instant, paying=paying)
    # The search, with a `when` window.
    start = now + offset * H + timedelta(minutes=15 * (offset % 4))
    end = start + hours * H
    shown = first_slot_start(
        SlotSearch(
            *args,
            duration=duration,
            buffer=buffer,
            now=now,
            min_notice=max(timedelta(minutes=policy.min_notice_minutes), start - now),
            horizon=min(timedelta(days=policy.booking_horizon_days), end - now),
        ),
        (max(start, earliest), end),
    )
    # Book's picker for the same tutor, duration and settings.
    reach = timedelta(days=min(PICKER_DAYS, policy.booking_horizon_days))
    slots = expand_slots(
        SlotSearch(
            *args,
            duration=duration,
            buffer=buffer,
            now=now,
            min_notice=timedelta(minutes=policy.min_notice_minutes),
            horizon=reach,
        )
    )
    offered = [s.start for s in slots if s.start >= earliest]
    if shown is not None and shown < now + reach:
        assert shown in offered
    # And nothing Book offers in the window is hidden from the search.
    in_window = [s for s in offered if start <= s < end]
    if in_window and end <= now + reach:
        assert shown == in_window[0]


def test_with_every_wait_at_zero_a_request_may_start_in_ten_minutes() -> None:
    policy = replace(
        DEFAULT_POLICY,
        min_notice_minutes=0,
        request_expiry_before_start_minutes=0,
        request_answer_minutes=0,
    )
    now = NOWS[0]
    assert earliest_start(now, policy, instant=False) == now
    assert earliest_start(now, DEFAULT_POLICY, instant=False) == now + 150 * M
