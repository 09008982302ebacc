"""The PaymentGateway port: how services move money (Stripe, or free mode).

Everything here is plain data; no Stripe type crosses the port. Amounts are integer minor
units. Every call that moves money takes an `idempotency_key` the caller derives from the
booking (e.g. ``booking-42-capture``), so a retry after a crash never moves it twice: the
same key with the same arguments answers the first result again, and the same key with
different arguments raises ``PaymentGatewayError("idempotency_error")``. The Stripe
gateway puts this installation's own prefix before every key, so two deployments on one
Stripe account never share one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from marketplace.domain.money import Money

CaptureMethod = Literal["manual", "automatic"]
SessionStatus = Literal["open", "complete", "expired"]

# PaymentIntent statuses the services act on (Stripe has a few more in between).
REQUIRES_PAYMENT_METHOD = "requires_payment_method"
REQUIRES_CAPTURE = "requires_capture"
SUCCEEDED = "succeeded"
CANCELED = "canceled"


class PaymentGatewayError(Exception):
    """A payment provider refused or failed a call; raised instead of provider exceptions.

    `code` is the provider's specific code when it gave one (``card_declined``,
    ``amount_too_large``, ``charge_already_refunded``, ``balance_insufficient``,
    ``insufficient_capabilities_for_transfer``, ``payment_intent_unexpected_state``,
    ``resource_missing``, ...), otherwise the `kind`. `kind` is one of ``card``,
    ``invalid_request``, ``idempotency``, ``authentication``, ``permission``,
    ``rate_limit``, ``network`` or ``api``. `retryable` is True when the same call, with
    the same idempotency key, may succeed later (network trouble, rate limits, provider
    errors). The message never holds secrets or request payloads.
    """

    def __init__(
        self, code: str, retryable: bool = False, *, kind: str = "", message: str = ""
    ) -> None:
        self.code = code
        self.retryable = retryable
        self.kind = kind or code
        self.message = message
        super().__init__(f"{code}: {message}" if message else code)


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    """One hosted checkout page for one booking.

    `capture` is ``manual`` (an authorization hold, captured at completion) or
    ``automatic`` (captured at payment, held on the platform). `expires_at` must be aware
    and, for Stripe, 30 minutes to 24 hours ahead. `transfer_group` ties the payment to the
    tutor's later transfer (``booking_<id>``).
    """

    booking_id: int
    guild_id: int
    amount: Money
    description: str
    capture: CaptureMethod
    success_url: str
    cancel_url: str
    expires_at: datetime
    transfer_group: str

    def __post_init__(self) -> None:
        if self.amount.minor < 0:
            msg = "a checkout amount cannot be negative"
            raise ValueError(msg)
        if self.capture not in ("manual", "automatic"):
            msg = f"unknown capture method {self.capture!r}"
            raise ValueError(msg)
        if self.expires_at.tzinfo is None or self.expires_at.utcoffset() is None:
            msg = "expires_at must be an aware datetime"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class CardSetupRequest:
    """A hosted checkout in setup mode: it saves a card for a paid series, charging nothing.

    `customer_id` is the member's provider customer; `currency` the guild's (Stripe asks
    for it in setup mode); `expires_at` as for `CheckoutRequest`.
    """

    series_id: int
    guild_id: int
    customer_id: str
    currency: str
    description: str
    success_url: str
    cancel_url: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class CardSetupState:
    """A card-saving checkout as the provider sees it now.

    Once ``complete``, `payment_method_id` is the saved card (from its SetupIntent,
    `setup_intent_id`) and `customer_id` the customer it is attached to.
    """

    session_id: str
    status: SessionStatus
    setup_intent_id: str | None
    payment_method_id: str | None
    customer_id: str | None
    url: str | None = None  # while open, so reopening the link resumes it


@dataclass(frozen=True, slots=True)
class SavedCardCharge:
    """One week of a paid series authorized off-session with the member's saved card.

    Always a manual-capture hold of `amount`; `transfer_group` as for a checkout.
    """

    booking_id: int
    guild_id: int
    amount: Money
    customer_id: str
    payment_method_id: str
    description: str
    transfer_group: str


@dataclass(frozen=True, slots=True)
class CheckoutRef:
    """A created checkout: where to send the payer, and until when it is open.

    `payment_intent_id` is None until the payer submits a card (Stripe makes the intent
    then); read it later through `PaymentGateway.checkout`.
    """

    session_id: str
    url: str
    payment_intent_id: str | None
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SessionState:
    """A checkout as the provider sees it now.

    `booking_id` comes from the session's metadata (None when absent or not a number).
    `url` is set while the session is open, so reopening the link resumes it.
    """

    session_id: str
    status: SessionStatus
    payment_intent_id: str | None
    booking_id: int | None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class PayoutTransfer:
    """One payout to send: `amount` to payout account `account_id`, for `transfer_group`.

    `source_charge_id` (the booking's charge) funds it from that payment rather than the
    platform's available balance.
    """

    amount: Money
    account_id: str
    transfer_group: str
    source_charge_id: str | None = None


@dataclass(frozen=True, slots=True)
class RefundState:
    """One refund as the provider reports it: ``pending``, ``succeeded``, ``failed``...

    `failure_reason` is Stripe's (``expired_or_canceled_card``, ``lost_or_stolen_card``,
    ...) once it failed.
    """

    refund_id: str
    amount: int
    status: str
    failure_reason: str | None = None


@dataclass(frozen=True, slots=True)
class DisputeState:
    """A card dispute as the provider reports it now.

    `status` is Stripe's (``needs_response``, ``under_review``, ``won``, ``lost``, ...).
    `withdrawn` is what its balance transactions took from the platform net of any
    reinstatement, `fee` the dispute fees they charged; `due_by` is the evidence deadline.
    """

    dispute_id: str
    intent_id: str | None
    amount: int
    currency: str
    reason: str
    status: str
    due_by: datetime | None
    withdrawn: int
    fee: int
    submissions: int = 0


@dataclass(frozen=True, slots=True)
class IntentState:
    """A payment (PaymentIntent) as the provider sees it now, in minor units of `currency`.

    `status` is Stripe's: ``requires_payment_method`` (unpaid, or the last card was
    declined: see `failure_code`), ``requires_capture`` (held), ``succeeded`` (captured),
    ``canceled`` (voided), or an in-between state. `amount_received` is what was captured;
    `amount_refunded` is what refunds gave back of it (a released hold, or the uncaptured
    rest of a partial capture, is not counted as refunded). `capture_before` is when the
    card's authorization lapses (the charge's ``payment_method_details.card
    .capture_before``); Stripe then cancels it with `cancellation_reason` ``automatic``.
    """

    intent_id: str
    status: str
    amount: int
    amount_capturable: int
    amount_received: int
    amount_refunded: int
    latest_charge_id: str | None
    currency: str = ""
    failure_code: str | None = None
    disputed: bool = False  # the charge has a dispute (open, or decided)
    capture_before: datetime | None = None  # a hold's deadline (the card network's)
    cancellation_reason: str | None = None  # "automatic": the hold lapsed uncaptured
    refunds: tuple[RefundState, ...] = ()  # every refund of the charge, when it has any

    @property
    def refunding(self) -> int:
        """Refunds asked for and not yet succeeded (not counted in `amount_refunded`)."""
        return sum(r.amount for r in self.refunds if r.status == "pending")

    @property
    def failed_refunds(self) -> tuple[RefundState, ...]:
        """The refunds that failed: their money is back on the platform."""
        return tuple(r for r in self.refunds if r.status == "failed")

    @property
    def held(self) -> bool:
        """Authorized and waiting for capture."""
        return self.status == REQUIRES_CAPTURE

    @property
    def lapsed(self) -> bool:
        """The hold expired uncaptured: the provider voided it, nothing was charged."""
        return self.status == "canceled" and self.cancellation_reason == "automatic"

    @property
    def failed(self) -> bool:
        """The last attempt to pay was declined."""
        return self.status == REQUIRES_PAYMENT_METHOD and self.failure_code is not None

    @property
    def kept(self) -> int:
        """Captured and not refunded."""
        return self.amount_received - self.amount_refunded


@dataclass(frozen=True, slots=True)
class ProviderEvent:
    """An authentic (signature-checked) provider event: its id, type and object.

    `data` is the object as it was when the event was made; services use it only to find
    which booking or account it is about, and re-read the current state before acting.
    """

    event_id: str
    type: str
    object_id: str
    object_type: str
    data: dict[str, Any]
    account: str = ""
    """The connected account the event happened on (Stripe's ``account``), else ``""``."""


@dataclass(frozen=True, slots=True)
class PayoutAccount:
    """A tutor's payout (Connect Express) account, and whether it can receive transfers.

    Stripe refuses a transfer unless the account's ``transfers`` capability is active,
    whatever ``payouts_enabled`` says (`transfers_active`); `can_receive_transfers` asks
    for both, so the tutor can also take the money out to their bank.
    """

    account_id: str
    payouts_enabled: bool
    details_submitted: bool = False
    transfers_active: bool = False

    @property
    def can_receive_transfers(self) -> bool:
        """Transfers may be sent to it: the capability is active and payouts are on."""
        return self.payouts_enabled and self.transfers_active


class PaymentGateway(Protocol):
    """Moves money for bookings: checkout, hold, capture, void, refund, tutor payouts.

    Implementations: `marketplace.payments.StripeGateway` and, for free mode,
    `marketplace.payments.FreeGateway`. Every method raises `PaymentGatewayError` on a
    refusal or failure; nothing else escapes for a provider problem.
    """

    async def create_checkout(self, request: CheckoutRequest, idempotency_key: str) -> CheckoutRef:
        """Open a hosted checkout for `request` (the same key returns the same session)."""
        ...

    async def checkout(self, session_id: str) -> SessionState:
        """Re-read a checkout session."""
        ...

    async def expire_checkout(self, session_id: str) -> SessionState:
        """Close an open checkout so it can no longer be paid; return its state.

        A session that is already expired or complete is returned as it is (check
        `status`: a ``complete`` one was paid and must be voided or refunded instead).
        """
        ...

    async def intent(self, intent_id: str) -> IntentState:
        """Re-read a payment."""
        ...

    async def capture(self, intent_id: str, amount_minor: int, idempotency_key: str) -> IntentState:
        """Capture `amount_minor` of a held payment; the rest of the hold is released."""
        ...

    async def cancel(self, intent_id: str, idempotency_key: str) -> IntentState:
        """Void a payment that was not captured (the hold is released)."""
        ...

    async def refund(self, intent_id: str, amount_minor: int, idempotency_key: str) -> str:
        """Refund `amount_minor` of a captured payment; return the refund id.

        Refusing more than is left of the captured amount (``amount_too_large`` or
        ``charge_already_refunded``).
        """
        ...

    async def dispute(self, dispute_id: str) -> DisputeState:
        """Re-read a card dispute."""
        ...

    async def disputes_of(self, intent_id: str) -> list[DisputeState]:
        """Every card dispute of a payment, oldest first."""
        ...

    async def submit_evidence(
        self, dispute_id: str, evidence: dict[str, str], idempotency_key: str
    ) -> DisputeState:
        """Send the dispute's evidence (text fields) to the bank, once, and submit it.

        Refused (``invalid_request``) once it was submitted, after its due date, or when
        the dispute is closed.
        """
        ...

    async def reverse_transfer(
        self, transfer_id: str, amount_minor: int, idempotency_key: str, reason_ref: str
    ) -> str:
        """Take `amount_minor` of a transfer back from the tutor; return the reversal id.

        `reason_ref` goes into its metadata (the dispute it is for); a reversal this
        installation already made for it is found and returned, however late the retry.
        """
        ...

    async def create_payout_account(self, user_ref: str, idempotency_key: str) -> str:
        """Create a payout account for a tutor (`user_ref` is kept in its metadata)."""
        ...

    async def onboarding_link(self, account_id: str, return_url: str, refresh_url: str) -> str:
        """A single-use link where the tutor sets up payouts."""
        ...

    async def payout_account(self, account_id: str) -> PayoutAccount:
        """Re-read a payout account."""
        ...

    async def transfer(self, payout: PayoutTransfer, idempotency_key: str) -> str:
        """Send `payout`; return the transfer id.

        Exactly once for its `transfer_group` and `idempotency_key`, however late it is
        retried: a transfer this installation already made for them is found and its id
        returned instead of sending another (idempotency keys alone last only 24 hours).
        Refused before the account can receive transfers
        (`PayoutAccount.can_receive_transfers`).
        """
        ...

    async def create_customer(self, member_ref: str, idempotency_key: str) -> str:
        """Make a provider customer for one member of one guild; return its id."""
        ...

    async def create_card_setup(
        self, request: CardSetupRequest, idempotency_key: str
    ) -> CheckoutRef:
        """Open a hosted checkout that saves a card (setup mode; nothing is charged)."""
        ...

    async def card_setup(self, session_id: str) -> CardSetupState:
        """Re-read a card-saving checkout, with the card it saved once complete."""
        ...

    async def authorize_saved_card(
        self, charge: SavedCardCharge, idempotency_key: str
    ) -> IntentState:
        """Hold `charge.amount` on the saved card, off-session (manual capture).

        A decline, or a card that needs its holder (``authentication_required``), raises
        `PaymentGatewayError` of kind ``card``: the student must pay themselves.
        """
        ...

    async def forget_card(self, payment_method_id: str) -> None:
        """Detach a saved card from its customer (one already detached is fine)."""
        ...

    async def close(self) -> None:
        """Release network resources (idempotent)."""
        ...
