"""How a session's money settles: the price, and who gets what for each outcome.

All amounts are integer minor units. A session's price is the tutor's hourly rate for its
length; the student pays that plus the platform fee (basis points of it, rounded half up).
An outcome is a refund percentage of the total and a tutor share of the price; the
platform keeps the rest. For every outcome: refund + tutor + platform == total.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from marketplace.domain.money import Money, Quote, portion, quote, share
from marketplace.domain.policy import GuildPolicy

MINUTES_PER_HOUR = 60


def session_quote(hourly_rate: Money, minutes: int, fee_bps: int) -> Quote:
    """The price of `minutes` at `hourly_rate` (rounded half up), the fee, and the total."""
    return quote(portion(hourly_rate, minutes, MINUTES_PER_HOUR), fee_bps)


@dataclass(frozen=True, slots=True)
class Settlement:
    """Where the total goes: back to the student, to the tutor, or to the platform."""

    refund: Money
    tutor: Money
    platform: Money

    @property
    def kept(self) -> Money:
        """What is captured in the end: the total minus the refund."""
        return self.tutor + self.platform


def settle(price: Quote, refund_percent: int, tutor_share_percent: int) -> Settlement:
    """Split the total for an outcome (see the module docstring).

    `refund_percent` applies to the total, `tutor_share_percent` to the price (the rate),
    each rounded half up. When both roundings together would exceed the total by a minor
    unit, the tutor's share gives that unit up. Raises ValueError when the percentages
    themselves would pay out more than the total.
    """
    total, rate = price.total.minor, price.rate.minor
    if refund_percent * total + tutor_share_percent * rate > 100 * total:
        msg = "refund and tutor share exceed the total"
        raise ValueError(msg)
    refund = share(price.total, refund_percent)
    tutor = share(price.rate, tutor_share_percent)
    tutor = Money(min(tutor.minor, total - refund.minor), tutor.currency)
    return Settlement(refund, tutor, price.total - refund - tutor)


FULL_REFUND = (100, 0)
PAID_IN_FULL = (0, 100)


class Outcome(StrEnum):
    """How a session that was on ended, for money and for the record."""

    COMPLETED = "completed"
    LATE_START = "late_start"  # the tutor came more than the no-show limit late
    TUTOR_NO_SHOW = "tutor_no_show"
    STUDENT_NO_SHOW = "student_no_show"


def outcome_split(outcome: Outcome, policy: GuildPolicy) -> tuple[int, int]:
    """(refund % of the total, tutor share % of the rate) for how a session ended.

    SPEC.md "Attendance": a tutor no-show is a full refund; a late start refunds
    ``late_start_refund_percent`` and the tutor receives the rest of the rate; a student
    no-show and a completed session pay the tutor in full.
    """
    if outcome is Outcome.TUTOR_NO_SHOW:
        return FULL_REFUND
    if outcome is Outcome.LATE_START:
        refund = policy.late_start_refund_percent
        return refund, 100 - refund
    return PAID_IN_FULL
