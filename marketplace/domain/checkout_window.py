"""When a hosted checkout may expire: Stripe accepts 30 minutes to 24 hours ahead."""

from __future__ import annotations

from datetime import datetime, timedelta

CHECKOUT_MIN_LIFETIME = timedelta(minutes=30)
CHECKOUT_MAX_LIFETIME = timedelta(hours=24)
CHECKOUT_WINDOW_MARGIN = timedelta(minutes=2)
"""Kept inside both ends, for the clock difference and the time the request takes."""


def checkout_expires_at(wanted: datetime, now: datetime) -> datetime:
    """`wanted`, moved inside Stripe's window for a session created at `now`."""
    earliest = now + CHECKOUT_MIN_LIFETIME + CHECKOUT_WINDOW_MARGIN
    latest = now + CHECKOUT_MAX_LIFETIME - CHECKOUT_WINDOW_MARGIN
    return min(max(wanted, earliest), latest)
