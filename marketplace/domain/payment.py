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
from marketplace.domain.money import Quote
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
