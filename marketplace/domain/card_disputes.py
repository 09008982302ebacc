"""Card disputes (chargebacks): what the bank decided, and where the money goes.

A student's bank can dispute a captured payment weeks after the session. The payout is
frozen while any dispute of the payment is open. When the bank decides, Stripe's balance
transactions for the dispute say what it cost: `withdrawn` (the disputed amount, given
back if the platform won) and `fee` (Stripe's dispute fee). A lost dispute is charged to
the booking: the tutor bears their share when the guild's `chargeback_reverses_payout` is
on (a payout already made is reversed; one not made yet is reduced), and the platform
covers the rest from its own funds, so nothing held ever goes negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace.domain.ledger import Account, Entry
from marketplace.domain.money import Money
from marketplace.domain.payment import Payment

OPEN_STATUSES = frozenset(
    {"warning_needs_response", "needs_response", "warning_under_review", "under_review"}
)
"""Stripe's dispute statuses while the bank has not decided."""

AWAITING_EVIDENCE = frozenset({"warning_needs_response", "needs_response"})
"""The statuses in which evidence may still be submitted."""


@dataclass(frozen=True, slots=True)
class CardDispute:
    """One dispute of a booking's payment, as Stripe last reported it.

    `withdrawn` is what the dispute took from the platform's balance, net of any
    reinstatement (0 once won); `fee` is what Stripe charged for it.
    """

    dispute_id: str
    booking_id: int
    guild_id: int
    amount: int
    currency: str
    reason: str
    status: str
    due_by: datetime | None
    withdrawn: int
    fee: int
    submissions: int
    created_at: datetime

    @property
    def is_open(self) -> bool:
        """The bank has not decided yet."""
        return self.status in OPEN_STATUSES

    @property
    def lost(self) -> bool:
        """The bank kept the money for the student."""
        return self.status == "lost"

    def can_take_evidence(self, now: datetime) -> bool:
        """Evidence may still be submitted: not yet submitted, and not past Stripe's date."""
        due = self.due_by is None or now < self.due_by
        return self.status in AWAITING_EVIDENCE and due


@dataclass(frozen=True, slots=True)
class Decided:
    """What a decided dispute does to the payment.

    The new payment, its ledger entries, and how much of a payout already made is to be
    reversed (by a gateway call).
    """

    payment: Payment
    entries: list[Entry]
    reverse: int


def decide(payment: Payment, dispute: CardDispute, tutor_bears: bool) -> Decided:
    """Book a dispute the bank has decided (call once, when it is first seen closed).

    The fee is booked whatever the outcome. A lost dispute's amount leaves `held` as
    charged back: if the tutor was already paid and bears their share (their part of
    what was kept, `tutor_part`), that much is reversed later (`reverse`; the
    reversal's own entries come back into `held` and out again as charged back), and the
    platform covers the rest at once.
    """
    currency = payment.price.total.currency
    ref, entries = dispute.dispute_id, list[Entry]()

    def move(source: Account, target: Account, amount: int, what: str) -> None:
        entries.append(
            Entry(payment.booking_id, source, target, Money(amount, currency), f"{what}:{ref}")
        )

    if dispute.fee > 0:
        payment = payment.charge_dispute_fee(dispute.fee)
        move(Account.PLATFORM_FUNDS, Account.DISPUTE_FEES, dispute.fee, "dispute-fee")
    lost = dispute.withdrawn if dispute.lost else 0
    if lost <= 0:
        return Decided(payment, entries, 0)
    paid = payment.released - payment.reversed
    kept = paid + payment.fees - payment.credited  # what was charged and kept, in money
    reverse = min(paid, tutor_part(lost, paid, kept)) if tutor_bears else 0
    now_lost = lost - reverse
    short = max(0, now_lost - payment.held_on_platform)
    if short:
        payment = payment.cover(short)
        move(Account.PLATFORM_FUNDS, Account.HELD, short, "cover")
    if now_lost:
        payment = payment.charge_back(now_lost)
        move(Account.HELD, Account.CHARGED_BACK, now_lost, "chargeback")
    return Decided(payment, entries, reverse)


def tutor_part(lost: int, tutor: int, kept: int) -> int:
    """The tutor's share of a loss: the part of what was kept that was theirs (floor)."""
    return 0 if kept <= 0 else lost * tutor // kept


def reversal_entries(payment: Payment, amount: int, reversal_id: str) -> list[Entry]:
    """A payout reversal made for a lost dispute: back from the tutor, out as charged back."""
    money = Money(amount, payment.price.total.currency)
    return [
        Entry(payment.booking_id, Account.TUTOR, Account.HELD, money, f"reversal:{reversal_id}"),
        Entry(
            payment.booking_id, Account.HELD, Account.CHARGED_BACK, money,
            f"chargeback:{reversal_id}",
        ),
    ]  # fmt: skip


@dataclass(frozen=True, slots=True)
class PayoutAfterLosses:
    """A payout not made yet, once lost disputes are taken into account."""

    tutor: int
    platform: int
    cover: int  # what the platform must put in first (it bears the loss)


def payout_after_losses(
    payment: Payment, tutor: int, platform: int, tutor_bears: bool
) -> PayoutAfterLosses:
    """Adjust a planned payout (tutor + platform = what was held) for money charged back.

    When the tutor bears their share, their payout shrinks by their part of the loss and
    the platform's fee by the rest; otherwise the tutor is paid in full and the platform
    covers what is missing from its own funds.
    """
    held = payment.held_on_platform
    if not payment.charged_back or tutor + platform <= held:
        return PayoutAfterLosses(tutor, platform, 0)
    if tutor_bears:
        lost = tutor + platform - held
        kept_tutor = max(0, tutor - tutor_part(lost, tutor, tutor + platform))
        return PayoutAfterLosses(kept_tutor, max(0, held - kept_tutor), 0)
    cover = max(0, tutor - held)
    return PayoutAfterLosses(tutor, held + cover - tutor, cover)
