"""`first_slot_start` is the first of `expand_slots`' starts in a window, found faster."""

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.domain.availability import SlotSearch, expand_slots, first_slot_start
from tests.unit.test_availability import scenarios

H = timedelta(hours=1)


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.integers(-6, 10 * 24), st.integers(0, 12), st.sampled_from([0, 2]))
def test_the_first_start_in_the_window_is_expand_slots_first(case, offset, hours, notice):
    now = case["now"]
    start = now + offset * H + timedelta(minutes=15 * (offset % 4))
    end = start + hours * H
    args = (case["rules"], case["one_offs"], case["days_off"], case["busy"])
    options = {
        "duration": case["duration"], "buffer": case["buffer"], "now": now,
        "min_notice": max(notice * H, start - now), "horizon": min(timedelta(days=10), end - now),
    }  # fmt: skip
    slots = expand_slots(SlotSearch(*args, **options))
    expected = next((s.start for s in slots if start <= s.start < end), None)
    assert first_slot_start(SlotSearch(*args, **options), (start, end)) == expected
