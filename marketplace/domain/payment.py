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
from marketplace.domain.money import Money, Quote, share
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
    charged_back: int = 0  # taken back by the student's bank (card disputes lost)
    dispute_fees: int = 0  # Stripe's fees for this payment's card disputes
    reversed: int = 0  # of `released`, what was taken back from the tutor
    covered: int = 0  # what the platform put in from its own funds (fees and losses)
    refunds_failed: int = 0  # refunds recorded and later failed (cumulative)
    refunded_elsewhere: int = 0  # of `refunded`, given back outside Stripe (a moderator)
    credit_restored: int = 0  # of the referral credit the price used, given back
    credited: int = 0  # of that credit, paid in towards the fee at the payout

    @property
    def held_on_platform(self) -> int:
        """Money on the platform for this booking: captured, covered and credited, not gone out."""
        came_in = self.captured + self.covered + self.credited - self.dispute_fees
        went_out = self.refunded + self.released - self.reversed + self.fees
        return came_in - went_out - self.charged_back

    @property
    def refunded_at_provider(self) -> int:
        """What the provider's refunds gave back (the refunds given elsewhere aside)."""
        return self.refunded - self.refunded_elsewhere

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

    def refund_failed(self, amount: int) -> Payment:
        """A refund recorded as given came back failed: the money is held again."""
        if not 0 < amount <= self.refunded_at_provider:
            raise self._refuse("refund_failed")
        return dataclasses.replace(
            self, refunded=self.refunded - amount, refunds_failed=self.refunds_failed + amount
        )

    def refund_elsewhere(self, amount: int) -> Payment:
        """A moderator settled a failed refund outside the provider (say, a bank transfer)."""
        if not 0 < amount <= self.held_on_platform:
            raise self._refuse("refund_elsewhere")
        return dataclasses.replace(
            self,
            refunded=self.refunded + amount,
            refunded_elsewhere=self.refunded_elsewhere + amount,
        )

    @property
    def credit_left(self) -> int:
        """The referral credit the price used that is neither given back nor paid in yet."""
        return self.price.credit_used.minor - self.credit_restored - self.credited

    def credit_to_give_back(self, refund_percent: int) -> int:
        """How much more of the price's referral credit a settlement gives back now.

        The same share of the credit as the refund is of the total (rounded half up), or
        all of it when nothing was charged (unpaid, or the hold voided); nothing once the
        payout is booked. What was given back before counts, so this is repeatable.
        """
        credit = self.price.credit_used
        if not credit.minor or self.released or self.fees or self.credited:
            return 0
        nothing_charged = not self.authorized or self.voided
        due = credit.minor if nothing_charged else share(credit, refund_percent).minor
        return max(0, due - self.credit_restored)

    def give_back_credit(self, amount: int) -> Payment:
        """`amount` of the price's referral credit went back to the student's balance."""
        if not 0 < amount <= self.credit_left:
            raise self._refuse("give_back_credit")
        return dataclasses.replace(self, credit_restored=self.credit_restored + amount)

    def redeem_credit(self) -> Payment:
        """At the payout, the credit still used pays in its part of the fee (into held)."""
        if self.credit_left <= 0 or self.released or self.fees:
            raise self._refuse("redeem_credit")
        return dataclasses.replace(self, credited=self.credited + self.credit_left)

    def with_dispute_open(self, is_open: bool) -> Payment:
        """A card dispute opened (the payout is frozen) or every one of them closed."""
        return dataclasses.replace(self, dispute_open=is_open)

    def cover(self, amount: int) -> Payment:
        """The platform puts `amount` of its own money in (to cover a loss)."""
        return dataclasses.replace(self, covered=self.covered + amount)

    def charge_dispute_fee(self, amount: int) -> Payment:
        """Stripe's fee for a card dispute, paid from the platform's own funds."""
        return dataclasses.replace(
            self, covered=self.covered + amount, dispute_fees=self.dispute_fees + amount
        )

    def charge_back(self, amount: int) -> Payment:
        """The student's bank took `amount` back (a dispute lost); never more than is held."""
        if not 0 < amount <= self.held_on_platform:
            raise self._refuse("charge_back")
        return dataclasses.replace(self, charged_back=self.charged_back + amount)

    def reverse_payout(self, amount: int) -> Payment:
        """`amount` of the tutor's payout came back to the platform."""
        if not 0 < amount <= self.released - self.reversed:
            raise self._refuse("reverse_payout")
        return dataclasses.replace(self, reversed=self.reversed + amount)

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

    def plan_with_pending(self, settlement: Settlement, refunding: int) -> list[GatewayOp]:
        """`plan`, counting refunds still pending at the provider as already asked for."""
        ops = self.plan(settlement)
        if refunding and ops and isinstance(ops[0], Refund):
            left = ops[0].amount - refunding
            return [Refund(left)] if left > 0 else []
        return ops


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
    refunding: int = 0  # refunds asked for and not yet succeeded (pending)


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
    payment, entries = _reconcile_refunds(payment, seen, entries)
    if seen.canceled and not payment.captured and not payment.voided:
        payment = payment.void()
    if seen.failed and not payment.authorized and not payment.failed:
        payment = dataclasses.replace(payment, failed=True)
    return payment, entries


def _reconcile_refunds(
    payment: Payment, seen: Observed, entries: list[Entry]
) -> tuple[Payment, list[Entry]]:
    """Record refunds that succeeded since, and take back any that failed since.

    References count every refund that ever succeeded (`refunds_failed` included), so a
    refund made again after one failed is a new entry, not a duplicate of the old one.
    """
    currency = payment.price.total.currency
    at_provider = payment.refunded_at_provider
    if seen.refunded < at_provider:
        amount = at_provider - seen.refunded
        payment = payment.refund_failed(amount)
        entries.append(
            Entry(payment.booking_id, Account.REFUNDED, Account.HELD, Money(amount, currency),
                  f"refund-failed:{seen.intent_id}:{payment.refunds_failed}")
        )  # fmt: skip
    elif seen.refunded > at_provider:
        amount = seen.refunded - at_provider
        payment = payment.refund(amount)
        ever = seen.refunded + payment.refunds_failed
        entries.append(
            Entry(payment.booking_id, Account.HELD, Account.REFUNDED, Money(amount, currency),
                  f"refund:{seen.intent_id}:{ever}")
        )  # fmt: skip
    return payment, entries


def credit_entry(payment: Payment) -> Entry:
    """The referral credit a payout redeems: it pays its part of the fee into `held`."""
    money = Money(payment.credited, payment.price.total.currency)
    return Entry(
        payment.booking_id, Account.REFERRAL_CREDIT, Account.HELD, money,
        f"credit:{payment.booking_id}",
    )  # fmt: skip


def payout_entries(payment: Payment, transfer_ref: str) -> list[Entry]:
    """The ledger entries of a payout: the tutor's share and the platform fee leave `held`.

    The fee is the whole fee: a referral credit's part of it came in by `credit_entry`.
    """
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
