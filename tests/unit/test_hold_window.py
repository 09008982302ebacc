"""A card hold's window: the settings that wait on it, and the retries before it lapses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.domain.errors import InvalidSettingError
from marketplace.domain.policy import CARD_HOLD_DAYS, HOLD_WINDOW_DAYS, parse_setting
from marketplace.services.card_holds import LAST_TRY_BEFORE, RETRY_LONGEST, next_try

DEADLINE = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def test_the_window_leaves_a_day_before_the_card_network_drops_the_hold() -> None:
    assert (CARD_HOLD_DAYS, HOLD_WINDOW_DAYS) == (7, 6)


@pytest.mark.parametrize("hours", ["145", "168"])
def test_a_request_may_not_wait_longer_than_its_hold(hours: str) -> None:
    with pytest.raises(InvalidSettingError) as refused:
        parse_setting("request_expiry_hours", hours)
    assert refused.value.problem == "out_of_range"


def test_a_request_may_wait_up_to_the_hold_window() -> None:
    assert parse_setting("request_expiry_hours", "144") == HOLD_WINDOW_DAYS * 24


def test_retries_double_up_to_an_hour() -> None:
    now = DEADLINE - timedelta(days=1)
    delays = [next_try(attempt, now, DEADLINE) - now for attempt in (1, 2, 3, 7, 30)]
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 60, 60)]
    assert max(delays) == RETRY_LONGEST


def test_the_last_try_is_just_before_the_deadline_and_none_after() -> None:
    close = DEADLINE - timedelta(minutes=20)
    assert next_try(9, close, DEADLINE) == DEADLINE - LAST_TRY_BEFORE
    assert next_try(9, DEADLINE - LAST_TRY_BEFORE, DEADLINE) is None
    assert next_try(1, DEADLINE + timedelta(hours=1), DEADLINE) is None
