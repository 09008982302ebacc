"""The double-entry ledger: every movement of money is one entry between two accounts.

Money enters the platform when it is captured (student → held). It leaves `held` only as
a refund (held → refunded), a release to the tutor (held → tutor) or the platform fee
(held → platform). So for every booking and every guild, always:

    captured = refunded + released + fees + held

An authorization hold (manual capture) is not captured money and has no entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from marketplace.domain.money import Money


class Account(StrEnum):
    """The accounts money moves between."""

    STUDENT = "student"  # outside the platform: the student's card
    HELD = "held"  # captured and held on the platform
    REFUNDED = "refunded"  # back to the student
    TUTOR = "tutor"  # released to the tutor
    PLATFORM = "platform"  # the platform fee


MOVES = {
    (Account.STUDENT, Account.HELD),
    (Account.HELD, Account.REFUNDED),
    (Account.HELD, Account.TUTOR),
    (Account.HELD, Account.PLATFORM),
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One movement: `amount` from `source` to `target`, for one booking.

    `reference` is unique (a Stripe object id, or a derived key), so recording the same
    movement twice is a no-op.
    """

    booking_id: int
    source: Account
    target: Account
    amount: Money
    reference: str

    def __post_init__(self) -> None:
        if (self.source, self.target) not in MOVES:
            msg = f"money cannot move from {self.source} to {self.target}"
            raise ValueError(msg)
        if self.amount.minor <= 0:
            msg = "a ledger entry moves a positive amount"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class Balance:
    """Totals per account for a set of entries (one booking, or a whole guild)."""

    captured: int
    refunded: int
    released: int
    fees: int
    held: int

    @property
    def balanced(self) -> bool:
        """Whether captured = refunded + released + fees + held, and nothing is negative."""
        parts = (self.refunded, self.released, self.fees, self.held)
        return self.captured == sum(parts) and min(parts) >= 0


def balance(entries: Iterable[Entry]) -> Balance:
    """Sum the entries per account."""
    totals = dict.fromkeys(Account, 0)
    for entry in entries:
        totals[entry.source] -= entry.amount.minor
        totals[entry.target] += entry.amount.minor
    captured = -totals[Account.STUDENT]
    return Balance(
        captured=captured,
        refunded=totals[Account.REFUNDED],
        released=totals[Account.TUTOR],
        fees=totals[Account.PLATFORM],
        held=totals[Account.HELD],
    )


def discrepancy(entries: Iterable[Entry]) -> int:
    """How far captured is from refunded + released + fees + held (0 when it balances)."""
    b = balance(entries)
    return b.captured - (b.refunded + b.released + b.fees + b.held)
