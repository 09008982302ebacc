"""The double-entry ledger: every movement of money is one entry between two accounts.

Money enters the platform when it is captured (student → held), and from the platform's
own funds when it covers a loss (platform funds → held, or → dispute fees), and from a
referral credit that pays part of a fee (referral credit → held, at the payout). It leaves
`held` as a refund (held → refunded), a release to the tutor (held → tutor), the
platform fee (held → platform) or a card dispute lost (held → charged back). A refund
that fails comes back (refunded → held), and so does a tutor's share reversed after a
lost dispute (tutor → held). So for every booking and every guild, always:

    captured + covered + credited
        = refunded + released + fees + charged back + dispute fees + held

with every term on the right never negative. An authorization hold (manual capture) is
not captured money and has no entry. `fees` is the whole platform fee; the part of it a
referral credit paid is `credited` (the platform's own promise to the referrer, so the
fee it really received is fees − credited).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    CHARGED_BACK = "charged_back"  # taken back by the student's bank (a dispute lost)
    DISPUTE_FEES = "dispute_fees"  # what Stripe charged the platform for card disputes
    PLATFORM_FUNDS = "platform_funds"  # outside: the platform's own money covering a loss
    REFERRAL_CREDIT = "referral_credit"  # outside: credit the platform granted a referrer


MOVES = {
    (Account.STUDENT, Account.HELD),
    (Account.HELD, Account.REFUNDED),
    (Account.REFUNDED, Account.HELD),  # a refund that failed
    (Account.HELD, Account.TUTOR),
    (Account.TUTOR, Account.HELD),  # a payout reversed after a lost dispute
    (Account.HELD, Account.PLATFORM),
    (Account.HELD, Account.CHARGED_BACK),
    (Account.PLATFORM_FUNDS, Account.HELD),
    (Account.PLATFORM_FUNDS, Account.DISPUTE_FEES),
    (Account.REFERRAL_CREDIT, Account.HELD),  # a referral credit pays part of the fee
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
    charged_back: int = 0
    dispute_fees: int = 0
    covered: int = 0
    credited: int = 0

    @property
    def came_in(self) -> int:
        """What came onto the platform: captured, covered and credited."""
        return self.captured + self.covered + self.credited

    @property
    def parts(self) -> dict[str, int]:
        """Where the money that came in is now, by name."""
        return {
            "refunded": self.refunded,
            "released": self.released,
            "fees": self.fees,
            "charged back": self.charged_back,
            "dispute fees": self.dispute_fees,
            "held": self.held,
        }

    @property
    def balanced(self) -> bool:
        """Whether what came in equals the parts, and no part is negative."""
        parts = self.parts.values()
        return self.came_in == sum(parts) and min(parts) >= 0


def balance_of(net: Mapping[Account, int]) -> Balance:
    """The totals from what flowed into each account, net (missing accounts: 0)."""
    return Balance(
        captured=-net.get(Account.STUDENT, 0),
        refunded=net.get(Account.REFUNDED, 0),
        released=net.get(Account.TUTOR, 0),
        fees=net.get(Account.PLATFORM, 0),
        held=net.get(Account.HELD, 0),
        charged_back=net.get(Account.CHARGED_BACK, 0),
        dispute_fees=net.get(Account.DISPUTE_FEES, 0),
        covered=-net.get(Account.PLATFORM_FUNDS, 0),
        credited=-net.get(Account.REFERRAL_CREDIT, 0),
    )


def balance(entries: Iterable[Entry]) -> Balance:
    """Sum the entries per account."""
    totals = dict.fromkeys(Account, 0)
    for entry in entries:
        totals[entry.source] -= entry.amount.minor
        totals[entry.target] += entry.amount.minor
    return balance_of(totals)


def discrepancy(entries: Iterable[Entry]) -> int:
    """How far what came in is from where it is now (0 when it balances)."""
    b = balance(entries)
    return b.came_in - sum(b.parts.values())
