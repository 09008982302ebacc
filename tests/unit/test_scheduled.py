"""Scheduled work: Discord nonces that fit (≤ 25 characters) and the Check in reminder."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.scheduled import (
    NONCE_MAX_LENGTH,
    ActionKind,
    ClaimedAction,
    carries_check_in,
    delivery_nonce,
)

LARGEST_ID = 2**63 - 1  # a BIGINT row id, or a snowflake


def _action(action_id: int) -> ClaimedAction:
    return ClaimedAction(
        action_id=action_id, kind=ActionKind.REMINDER, guild_id=1,
        due_at=datetime(2026, 1, 1, tzinfo=UTC), booking_id=None, user_id=None,
        payload={}, attempts=1,
    )  # fmt: skip


def test_a_short_key_is_its_own_nonce() -> None:
    assert delivery_nonce("tb42s") == "tb42s"
    assert delivery_nonce("x" * 25) == "x" * 25


def test_the_thread_closing_nonce_that_discord_refused_now_fits() -> None:
    key = f"space-closed-{LARGEST_ID}"
    assert len(key) > NONCE_MAX_LENGTH
    assert len(delivery_nonce(key)) == NONCE_MAX_LENGTH


@given(st.text(min_size=0, max_size=500))
def test_every_nonce_fits_and_the_same_key_gives_the_same_nonce(key: str) -> None:
    nonce = delivery_nonce(key)
    assert len(nonce) <= NONCE_MAX_LENGTH
    assert nonce == delivery_nonce(key)


@given(st.integers(min_value=1, max_value=LARGEST_ID), st.sampled_from(["", "s", "t"]))
def test_a_rows_nonces_fit_and_differ_per_recipient(action_id: int, part: str) -> None:
    action = _action(action_id)
    assert len(action.nonce_for(part)) <= NONCE_MAX_LENGTH
    assert action.nonce_for("s") != action.nonce_for("t")
    assert action.nonce == action.nonce_for("")


def test_long_keys_that_differ_get_different_nonces() -> None:
    assert delivery_nonce("a" * 30) != delivery_nonce("a" * 31)


def test_the_last_reminder_carries_check_in_whatever_the_offsets() -> None:
    assert carries_check_in(15, (120, 15))
    assert not carries_check_in(120, (120, 15))
    assert carries_check_in(45, (240, 45))
    assert not carries_check_in(240, (240, 45))
    assert carries_check_in(10, (240, 45)), "scheduled before the offsets changed"
    assert carries_check_in(30, ())
