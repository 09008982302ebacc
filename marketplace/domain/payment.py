"""One booking's payment: what the card holds, what was captured, refunded and paid out.

The gateway (Stripe, or free mode) does the moving; this state machine decides which
moves an outcome needs, and refuses any that would pay someone twice or refund more than
was captured. Amounts are integer minor units of `price.total.currency`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from marketplace.domain.errors import InvalidTransitionError
from marketplace.domain.ledger import Account, Entry
from marketplace.domain.money import Money, Quote
from marketplace.domain.settlement import Settlement


class PaymentStatus(StrEnum):
    """What both sides see: awaiting payment, held, released, refunded, partially refunded."""

    AWAITING_PAYMENT = "awaiting_payment"
    HELD = "held"  # authorized on the card, or captured and held on the platform
    RELEASED = "released"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Capture:
    """Capture this much of the authorization; the rest of the hold is released."""

    amount: int


@dataclass(frozen=True, slots=True)
class Void:
    """Cancel the authorization: nothing is charged."""


@dataclass(frozen=True, slots=True)
class Refund:
    """Refund this much of what was captured."""

    amount: int


GatewayOp = Capture | Void | Refund


@dataclass(frozen=True, slots=True)
class Payment:
    """The money side of one booking."""

    booking_id: int
    price: Quote
    authorized: int = 0
    captured: int = 0
    refunded: int = 0
    released: int = 0
    fees: int = 0
    voided: bool = False
    failed: bool = False
    dispute_open: bool = False

    @property
    def held_on_platform(self) -> int:
        """Captured money not yet refunded or paid out."""
        return self.captured - self.refunded - self.released - self.fees

    @property
    def status(self) -> PaymentStatus:
        """The state people see."""
        if self.released or self.fees:
            return PaymentStatus.RELEASED
        if not (self.authorized or self.captured):
            return PaymentStatus.FAILED if self.failed else PaymentStatus.AWAITING_PAYMENT
        settled = self.captured or self.voided
        kept = self.captured - self.refunded if settled else self.price.total.minor
        if kept <= 0:
            return PaymentStatus.REFUNDED
        if kept < self.price.total.minor:
            return PaymentStatus.PARTIALLY_REFUNDED
        return PaymentStatus.HELD

    def _refuse(self, action: str) -> InvalidTransitionError:
        return InvalidTransitionError("payment", self.status.value, action)

    def authorize(self, amount: int) -> Payment:
        """The card hold succeeded (idempotent for the same amount)."""
        if self.authorized == amount:
            return self
        if self.authorized or self.voided or amount != self.price.total.minor:
            raise self._refuse("authorize")
        return dataclasses.replace(self, authorized=amount, failed=False)

    def capture(self, amount: int) -> Payment:
        """Money was captured (at acceptance, at completion, or partially on cancel)."""
        if self.captured == amount:
            return self
        if self.captured or self.voided or not 0 < amount <= self.authorized:
            raise self._refuse("capture")
        return dataclasses.replace(self, captured=amount)

    def void(self) -> Payment:
        """The hold was cancelled: nothing charged."""
        if self.captured:
            raise self._refuse("void")
        return dataclasses.replace(self, voided=True)

    def refund(self, amount: int) -> Payment:
        """Part of the captured money went back; never more than is held."""
        if not 0 < amount <= self.held_on_platform:
            raise self._refuse("refund")
        return dataclasses.replace(self, refunded=self.refunded + amount)

    def pay_out(self, settlement: Settlement) -> Payment:
        """Release the tutor's share and the fee; only once, and never during a dispute."""
        if self.released or self.fees or self.dispute_open:
            raise self._refuse("pay_out")
        if settlement.tutor.minor + settlement.platform.minor != self.held_on_platform:
            raise self._refuse("pay_out")
        return dataclasses.replace(
            self, released=settlement.tutor.minor, fees=settlement.platform.minor
        )

    def open_dispute(self) -> Payment:
        """The student disputed the charge with their bank: the payout is frozen."""
        return dataclasses.replace(self, dispute_open=True)

    def plan(self, settlement: Settlement) -> list[GatewayOp]:
        """The gateway moves that settle this payment by `settlement` (refund part only).

        An authorization is voided (nothing kept) or partially captured (the refund part
        is simply never charged); captured money is refunded by the refund part. What is
        kept stays held until the payout.
        """
        kept = settlement.kept.minor
        if self.voided or self.released or self.fees:
            return []
        if self.authorized and not self.captured:
            return [Void()] if kept == 0 else [Capture(kept)]
        owed_back = self.captured - self.refunded - kept
        return [Refund(owed_back)] if owed_back > 0 else []


@dataclass(frozen=True, slots=True)
class Observed:
    """A payment as the provider reports it now (re-read, never taken from an event).

    `held` is the amount authorized and waiting for capture, `captured` what was charged,
    `refunded` what refunds gave back of that (a released hold is not a refund).
    """

    intent_id: str
    amount: int
    held: int
    captured: int
    refunded: int
    canceled: bool
    failed: bool
    disputed: bool = False


def reconcile(payment: Payment, seen: Observed) -> tuple[Payment, list[Entry]]:
    """Bring `payment` up to what the provider reports; the ledger entries for the difference.

    Order-proof and repeatable: whatever order events arrive in, and however often, the
    result only depends on the provider's current state, and each entry's reference is
    derived from it, so an entry already recorded is never recorded twice. Raises
    `InvalidTransitionError` when the provider reports something this payment cannot
    become (a different amount, or more refunded than is held).
    """
    entries: list[Entry] = []
    currency = payment.price.total.currency
    if (seen.held or seen.captured) and not payment.authorized:
        payment = payment.authorize(seen.amount)
    if seen.captured > payment.captured:
        amount = seen.captured - payment.captured
        payment = payment.capture(seen.captured)
        entries.append(
            Entry(payment.booking_id, Account.STUDENT, Account.HELD, Money(amount, currency),
                  f"capture:{seen.intent_id}")
        )  # fmt: skip
    if seen.refunded > payment.refunded:
        amount = seen.refunded - payment.refunded
        payment = payment.refund(amount)
        entries.append(
            Entry(payment.booking_id, Account.HELD, Account.REFUNDED, Money(amount, currency),
                  f"refund:{seen.intent_id}:{seen.refunded}")
        )  # fmt: skip
    if seen.canceled and not payment.captured and not payment.voided:
        payment = payment.void()
    if seen.failed and not payment.authorized and not payment.failed:
        payment = dataclasses.replace(payment, failed=True)
    if seen.disputed and not payment.dispute_open:
        payment = payment.open_dispute()
    return payment, entries


def payout_entries(payment: Payment, transfer_ref: str) -> list[Entry]:
    """The ledger entries of a payout: the tutor's share and the platform fee leave `held`."""
    currency = payment.price.total.currency
    moves = (
        (Account.TUTOR, payment.released, f"payout:{transfer_ref}"),
        (Account.PLATFORM, payment.fees, f"fee:{payment.booking_id}"),
    )
    return [
        Entry(payment.booking_id, Account.HELD, target, Money(amount, currency), ref)
        for target, amount, ref in moves
        if amount > 0
    ]
