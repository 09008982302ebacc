"""`StripeGateway`: the PaymentGateway port on Stripe (`StripeClient`, async via aiohttp).

Checkout Sessions take the payment (``mode=payment``, one ``price_data`` line item in minor
units); PaymentIntents are captured, partially captured, canceled or refunded; tutors are
paid through Connect Express accounts and transfers with ``transfer_group``. Every Stripe
exception becomes a `PaymentGatewayError`. The secret key is handed to the client and never
kept, logged or shown in a repr.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

import stripe
from pydantic import SecretStr
from stripe.params.checkout import SessionCreateParams

from marketplace.logs import mark_logged
from marketplace.metrics import Metrics
from marketplace.ports.payments import (
    CardSetupRequest,
    CardSetupState,
    CheckoutRef,
    CheckoutRequest,
    DisputeState,
    IntentState,
    PaymentGateway,
    PaymentGatewayError,
    PayoutAccount,
    PayoutTransfer,
    RefundState,
    SavedCardCharge,
    SessionState,
    SessionStatus,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_NETWORK_RETRIES = 2  # safe: every POST that moves money carries an idempotency key
_SESSION_STATUSES: tuple[SessionStatus, ...] = ("open", "complete", "expired")
_EXPAND_CHARGE = ["latest_charge"]
# (exception class, kind, retryable): the first match wins, so subclasses come first.
_ERROR_KINDS: tuple[tuple[type[stripe.StripeError], str, bool], ...] = (
    (stripe.CardError, "card", False),
    (stripe.IdempotencyError, "idempotency", False),
    (stripe.InvalidRequestError, "invalid_request", False),
    (stripe.AuthenticationError, "authentication", False),
    (stripe.PermissionError, "permission", False),
    (stripe.RateLimitError, "rate_limit", True),
    (stripe.APIConnectionError, "network", True),
    (stripe.APIError, "api", True),
)
_KIND_CODES = {"idempotency": "idempotency_error"}


def gateway_error(error: stripe.StripeError) -> PaymentGatewayError:
    """The `PaymentGatewayError` for a Stripe exception (see its docstring for codes)."""
    kind, retryable = "api", True
    for error_type, error_kind, error_retryable in _ERROR_KINDS:
        if isinstance(error, error_type):
            kind, retryable = error_kind, error_retryable
            break
    status = error.http_status or 0
    if status == 409 or status >= 500:  # a concurrent request on the key, or Stripe trouble
        retryable = True
    code = _KIND_CODES.get(kind) or error.code or kind
    if kind == "card" and error.error is not None and error.error.decline_code:
        message = f"declined ({error.error.decline_code})"
    elif kind == "authentication":
        message = "Stripe refused the API key"  # its message can quote part of the key
    else:
        message = error.user_message or ""
    return PaymentGatewayError(code, retryable, kind=kind, message=message)


def _secret(key: SecretStr | str) -> str:
    value = key.get_secret_value() if isinstance(key, SecretStr) else key
    if not value.strip():
        msg = "StripeGateway needs a secret key; without one use FreeGateway (free mode)"
        raise ValueError(msg)
    return value


def _id_of(field: Any) -> str | None:
    """The id of an expandable field, whether Stripe sent the id or the object."""
    if field is None or isinstance(field, str):
        return field
    return str(field["id"])


def _field(obj: Any, name: str) -> Any:
    """A field of a Stripe object (or dict), None when absent: stand-ins omit some."""
    return obj[name] if obj is not None and name in obj else None


def _opt_int(obj: Any, name: str) -> int | None:
    value = _field(obj, name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _timestamp(when: datetime) -> int:
    return int(when.timestamp())


def _booking_id(metadata: Any) -> int | None:
    raw = _field(metadata, "booking_id")
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


def session_state(session: stripe.checkout.Session) -> SessionState:
    """The port's view of a Checkout Session."""
    status = session.status if session.status in _SESSION_STATUSES else "open"
    return SessionState(
        session_id=session.id,
        status=status,
        payment_intent_id=_id_of(_field(session, "payment_intent")),
        booking_id=_booking_id(_field(session, "metadata")),
        url=_field(session, "url"),
    )


def capture_before(charge: Any | None) -> datetime | None:
    """When the charge's card authorization lapses (``payment_method_details.card``)."""
    card = _field(_field(charge, "payment_method_details"), "card")
    deadline = _opt_int(card, "capture_before")
    return None if deadline is None else datetime.fromtimestamp(deadline, UTC)


def refund_state(refund: Any) -> RefundState:
    """The port's view of a Refund."""
    return RefundState(
        refund_id=str(refund["id"]),
        amount=int(refund["amount"]),
        status=str(_field(refund, "status") or "succeeded"),
        failure_reason=_field(refund, "failure_reason"),
    )


def dispute_state(dispute: Any) -> DisputeState:
    """The port's view of a Dispute: its balance transactions give what it cost."""
    moves = _field(dispute, "balance_transactions") or []
    details = _field(dispute, "evidence_details")
    due_by = _opt_int(details, "due_by")
    return DisputeState(
        dispute_id=str(dispute["id"]),
        intent_id=_id_of(_field(dispute, "payment_intent")),
        amount=int(dispute["amount"]),
        currency=str(dispute["currency"]).upper(),
        reason=str(_field(dispute, "reason") or "general"),
        status=str(dispute["status"]),
        due_by=None if due_by is None else datetime.fromtimestamp(due_by, UTC),
        withdrawn=-sum(int(_field(move, "amount") or 0) for move in moves),
        fee=sum(int(_field(move, "fee") or 0) for move in moves),
        submissions=_opt_int(details, "submission_count") or 0,
    )


def intent_state(
    intent: stripe.PaymentIntent, charge: Any | None, refunds: tuple[RefundState, ...] = ()
) -> IntentState:
    """The port's view of a PaymentIntent, its latest charge and the charge's refunds.

    A charge's ``amount_refunded`` includes a released hold (the uncaptured rest of a
    partial capture, or a canceled authorization) and refunds still pending; only refunds
    of captured money that succeeded count here (a failed one is no longer in it). Fields
    a Stripe stand-in leaves out (localstripe has no ``amount_capturable``,
    ``amount_received`` or ``amount_captured``) are derived from the status and the charge.
    """
    amount = int(intent.amount)
    status = str(intent.status)
    capturable = _opt_int(intent, "amount_capturable")
    if capturable is None:
        capturable = amount if status == "requires_capture" else 0
    captured_flag = bool(charge is not None and _field(charge, "captured"))
    charge_amount = _opt_int(charge, "amount") or 0
    charge_refunded = _opt_int(charge, "amount_refunded") or 0
    received = _opt_int(intent, "amount_received")
    if received is None:
        received = _opt_int(charge, "amount_captured")
    if received is None:  # exact only until the first refund (stand-ins only)
        received = charge_amount - charge_refunded if captured_flag else 0
    refunded = max(charge_refunded - (charge_amount - received), 0) if captured_flag else 0
    pending = sum(r.amount for r in refunds if r.status == "pending")
    refunded = max(refunded - pending, 0)
    error = _field(intent, "last_payment_error")
    failure = _field(error, "decline_code") or _field(error, "code")
    return IntentState(
        intent_id=intent.id,
        status=status,
        amount=amount,
        amount_capturable=capturable,
        amount_received=received,
        amount_refunded=refunded,
        latest_charge_id=_id_of(_field(intent, "latest_charge")),
        currency=str(intent.currency).upper(),
        failure_code=failure,
        disputed=bool(_field(charge, "disputed")),
        capture_before=capture_before(charge),
        cancellation_reason=_field(intent, "cancellation_reason"),
        refunds=refunds,
    )


def checkout_params(request: CheckoutRequest) -> SessionCreateParams:
    """The Checkout Session parameters for `request`."""
    metadata = {"booking_id": str(request.booking_id), "guild_id": str(request.guild_id)}
    return {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": request.amount.currency.lower(),
                    "unit_amount": request.amount.minor,
                    "product_data": {"name": request.description},
                },
                "quantity": 1,
            }
        ],
        "payment_intent_data": {
            "capture_method": request.capture,
            "transfer_group": request.transfer_group,
            "metadata": metadata,
            "description": request.description,
        },
        "metadata": metadata,
        "client_reference_id": f"booking-{request.booking_id}",
        "success_url": request.success_url,
        "cancel_url": request.cancel_url,
        "expires_at": _timestamp(request.expires_at),
        # Charged in the booking's own amount and currency, whatever the Dashboard says.
        "adaptive_pricing": {"enabled": False},
    }


def card_setup_params(request: CardSetupRequest) -> SessionCreateParams:
    """The Checkout Session parameters that save a card for a paid series (setup mode)."""
    metadata = {"series_id": str(request.series_id), "guild_id": str(request.guild_id)}
    return {
        "mode": "setup",
        "customer": request.customer_id,
        "currency": request.currency.lower(),
        "setup_intent_data": {"metadata": metadata, "description": request.description},
        "metadata": metadata,
        "client_reference_id": f"series-{request.series_id}",
        "success_url": request.success_url,
        "cancel_url": request.cancel_url,
        "expires_at": _timestamp(request.expires_at),
    }


def card_setup_state(session: stripe.checkout.Session) -> CardSetupState:
    """The port's view of a setup-mode Checkout Session (its SetupIntent expanded)."""
    status = session.status if session.status in _SESSION_STATUSES else "open"
    intent = _field(session, "setup_intent")
    expanded = intent is not None and not isinstance(intent, str)
    return CardSetupState(
        session_id=session.id,
        status=status,
        setup_intent_id=_id_of(intent),
        payment_method_id=_id_of(_field(intent, "payment_method")) if expanded else None,
        customer_id=_id_of(_field(session, "customer")),
        url=_field(session, "url"),
    )


class StripeGateway(PaymentGateway):
    """The PaymentGateway port on Stripe, or on anything answering at `api_base`.

    `api_base` is ``STRIPE_API_BASE`` (no ``/v1``). Network retries are on by default:
    every money-moving POST carries the caller's idempotency key, so Stripe answers a
    retried request with the first result. `installation` (the stored
    `installation_key_prefix`) goes before every key and into each transfer's metadata,
    so two deployments on one Stripe account never share a key or a transfer. With
    `metrics`, every failed call is counted by its error code. Call `close` when done.
    """

    def __init__(
        self,
        secret_key: SecretStr | str,
        api_base: str = "https://api.stripe.com",
        *,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        max_network_retries: int = DEFAULT_NETWORK_RETRIES,
        installation: str,
        metrics: Metrics | None = None,
    ) -> None:
        if not installation.strip():
            msg = "StripeGateway needs the installation's key prefix"
            raise ValueError(msg)
        self.api_base = api_base
        self.installation = installation
        self._http = stripe.AIOHTTPClient(timeout=timeout_seconds)
        self._client = stripe.StripeClient(
            _secret(secret_key),
            base_addresses={"api": api_base},
            http_client=self._http,
            max_network_retries=max_network_retries,
        )
        self._closed = False
        self._metrics = metrics

    def __repr__(self) -> str:
        return f"StripeGateway(api_base={self.api_base!r})"

    def _options(self, idempotency_key: str) -> stripe.RequestOptions:
        """The request options of a POST: the caller's key under this installation's."""
        return {"idempotency_key": f"{self.installation}-{idempotency_key}"}

    async def _call(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except stripe.StripeError as error:
            mapped = gateway_error(error)
            # A declined card is the customer's answer, not a failure of ours.
            level = logging.INFO if mapped.kind == "card" else logging.WARNING
            log.log(
                level,
                "stripe %s refused: %s (%s, request %s)",
                what,
                mapped.code,
                mapped.kind,
                getattr(error, "request_id", None) or "-",
            )
            if self._metrics is not None:
                self._metrics.stripe_error(mapped.code, mapped.kind)
            raise mark_logged(mapped) from error

    # --- checkout ---------------------------------------------------------------------

    async def create_checkout(self, request: CheckoutRequest, idempotency_key: str) -> CheckoutRef:
        """Create a Checkout Session (the same key returns the same session)."""
        return await self._new_session("create_checkout", checkout_params(request), idempotency_key)

    async def _new_session(
        self, what: str, params: SessionCreateParams, idempotency_key: str
    ) -> CheckoutRef:
        """Create a Checkout Session; where to send the payer, and until when."""
        session = await self._call(
            what,
            lambda: self._client.v1.checkout.sessions.create_async(
                params=params, options=self._options(idempotency_key)
            ),
        )
        if not session.url:
            raise PaymentGatewayError("invalid_response", kind="api", message="session has no url")
        return CheckoutRef(
            session_id=session.id,
            url=session.url,
            payment_intent_id=_id_of(_field(session, "payment_intent")),
            expires_at=datetime.fromtimestamp(session.expires_at, UTC),
        )

    async def checkout(self, session_id: str) -> SessionState:
        """Re-read a Checkout Session."""
        session = await self._call(
            "checkout", lambda: self._client.v1.checkout.sessions.retrieve_async(session_id)
        )
        return session_state(session)

    async def expire_checkout(self, session_id: str) -> SessionState:
        """Expire an open session; one already expired or complete is returned as it is."""
        try:
            session = await self._call(
                "expire_checkout",
                lambda: self._client.v1.checkout.sessions.expire_async(session_id),
            )
        except PaymentGatewayError as error:
            if error.kind != "invalid_request":
                raise
            current = await self.checkout(session_id)
            if current.status == "open":
                raise
            return current
        return session_state(session)

    # --- payments ---------------------------------------------------------------------

    async def _with_charge(self, intent: stripe.PaymentIntent) -> IntentState:
        charge = _field(intent, "latest_charge")
        if isinstance(charge, str):
            charge_id = charge
            charge = await self._call(
                "charge", lambda: self._client.v1.charges.retrieve_async(charge_id)
            )
        refunds: tuple[RefundState, ...] = ()
        if charge is not None and _field(charge, "captured"):
            refunds = await self._refunds(intent.id)
        return intent_state(intent, charge, refunds)

    async def _refunds(self, intent_id: str) -> tuple[RefundState, ...]:
        """Every refund of the payment, with its status (pending, succeeded, failed)."""
        page = await self._call(
            "refunds",
            lambda: self._client.v1.refunds.list_async(
                params={"payment_intent": intent_id, "limit": 100}
            ),
        )
        return tuple([refund_state(refund) async for refund in page.auto_paging_iter()])

    async def intent(self, intent_id: str) -> IntentState:
        """Re-read a PaymentIntent (with its latest charge)."""
        intent = await self._call(
            "intent",
            lambda: self._client.v1.payment_intents.retrieve_async(
                intent_id, params={"expand": _EXPAND_CHARGE}
            ),
        )
        return await self._with_charge(intent)

    async def capture(self, intent_id: str, amount_minor: int, idempotency_key: str) -> IntentState:
        """Capture `amount_minor` of the hold; Stripe releases the rest."""
        intent = await self._call(
            "capture",
            lambda: self._client.v1.payment_intents.capture_async(
                intent_id,
                params={"amount_to_capture": amount_minor, "expand": _EXPAND_CHARGE},
                options=self._options(idempotency_key),
            ),
        )
        return await self._with_charge(intent)

    async def cancel(self, intent_id: str, idempotency_key: str) -> IntentState:
        """Cancel an uncaptured PaymentIntent (the hold is released)."""
        intent = await self._call(
            "cancel",
            lambda: self._client.v1.payment_intents.cancel_async(
                intent_id,
                params={"expand": _EXPAND_CHARGE},
                options=self._options(idempotency_key),
            ),
        )
        return await self._with_charge(intent)

    async def refund(self, intent_id: str, amount_minor: int, idempotency_key: str) -> str:
        """Refund part of the captured amount; return the Refund id."""
        refund = await self._call(
            "refund",
            lambda: self._client.v1.refunds.create_async(
                params={"payment_intent": intent_id, "amount": amount_minor},
                options=self._options(idempotency_key),
            ),
        )
        return refund.id

    # --- saved cards (paid series) -----------------------------------------------------

    async def create_customer(self, member_ref: str, idempotency_key: str) -> str:
        """Create a Customer for one member of one guild (`member_ref` in its metadata)."""
        customer = await self._call(
            "create_customer",
            lambda: self._client.v1.customers.create_async(
                params={"metadata": {"member_ref": member_ref}},
                options=self._options(idempotency_key),
            ),
        )
        return customer.id

    async def create_card_setup(
        self, request: CardSetupRequest, idempotency_key: str
    ) -> CheckoutRef:
        """Create a Checkout Session in setup mode for the member's Customer."""
        params = card_setup_params(request)
        return await self._new_session("create_card_setup", params, idempotency_key)

    async def card_setup(self, session_id: str) -> CardSetupState:
        """Re-read a setup-mode session with its SetupIntent."""
        session = await self._call(
            "card_setup",
            lambda: self._client.v1.checkout.sessions.retrieve_async(
                session_id, params={"expand": ["setup_intent"]}
            ),
        )
        return card_setup_state(session)

    async def authorize_saved_card(
        self, charge: SavedCardCharge, idempotency_key: str
    ) -> IntentState:
        """Create and confirm a manual-capture PaymentIntent off-session on the saved card.

        Its metadata names the week as ``series_booking`` (not ``booking_id``): a webhook
        about a declined attempt must not make it the booking's payment; a held one is
        recorded by the caller from this answer.
        """
        metadata = {"series_booking": str(charge.booking_id), "guild_id": str(charge.guild_id)}
        intent = await self._call(
            "authorize_saved_card",
            lambda: self._client.v1.payment_intents.create_async(
                params={
                    "amount": charge.amount.minor,
                    "currency": charge.amount.currency.lower(),
                    "customer": charge.customer_id,
                    "payment_method": charge.payment_method_id,
                    "off_session": True,
                    "confirm": True,
                    "capture_method": "manual",
                    "description": charge.description,
                    "transfer_group": charge.transfer_group,
                    "metadata": metadata,
                    "expand": _EXPAND_CHARGE,
                },
                options=self._options(idempotency_key),
            ),
        )
        return await self._with_charge(intent)

    async def forget_card(self, payment_method_id: str) -> None:
        """Detach the PaymentMethod; one already detached (or unknown) is left alone."""
        try:
            await self._call(
                "forget_card",
                lambda: self._client.v1.payment_methods.detach_async(payment_method_id),
            )
        except PaymentGatewayError as error:
            if error.kind != "invalid_request":
                raise

    # --- card disputes --------------------------------------------------------------------

    async def dispute(self, dispute_id: str) -> DisputeState:
        """Re-read a Dispute."""
        found = await self._call(
            "dispute", lambda: self._client.v1.disputes.retrieve_async(dispute_id)
        )
        return dispute_state(found)

    async def disputes_of(self, intent_id: str) -> list[DisputeState]:
        """Every Dispute of a PaymentIntent, oldest first."""
        page = await self._call(
            "disputes",
            lambda: self._client.v1.disputes.list_async(
                params={"payment_intent": intent_id, "limit": 100}
            ),
        )
        found = [dispute_state(d) async for d in page.auto_paging_iter()]
        return found[::-1]  # Stripe lists newest first

    async def submit_evidence(
        self, dispute_id: str, evidence: dict[str, str], idempotency_key: str
    ) -> DisputeState:
        """Update the Dispute with `evidence` and ``submit=true`` (sent to the bank)."""
        params = cast("stripe.params.DisputeUpdateParams", {"evidence": evidence, "submit": True})
        updated = await self._call(
            "submit_evidence",
            lambda: self._client.v1.disputes.update_async(
                dispute_id, params=params, options=self._options(idempotency_key)
            ),
        )
        return dispute_state(updated)

    async def reverse_transfer(
        self, transfer_id: str, amount_minor: int, idempotency_key: str, reason_ref: str
    ) -> str:
        """Create a Transfer Reversal of `amount_minor`, once; return its id.

        The transfer's reversals are read first: one this installation already made for
        `reason_ref` is returned (a retry after the 24-hour idempotency window).
        """
        metadata = {"installation": self.installation, "reason": reason_ref}
        page = await self._call(
            "find_reversal",
            lambda: self._client.v1.transfers.reversals.list_async(
                transfer_id, params={"limit": 100}
            ),
        )
        async for made in page.auto_paging_iter():
            found = _field(made, "metadata")
            if all(_field(found, key) == value for key, value in metadata.items()):
                return made.id
        reversal = await self._call(
            "reverse_transfer",
            lambda: self._client.v1.transfers.reversals.create_async(
                transfer_id,
                params={"amount": amount_minor, "metadata": metadata},
                options=self._options(idempotency_key),
            ),
        )
        return reversal.id

    # --- payouts ----------------------------------------------------------------------

    async def create_payout_account(self, user_ref: str, idempotency_key: str) -> str:
        """Create a Connect Express account that can receive transfers."""
        account = await self._call(
            "create_payout_account",
            lambda: self._client.v1.accounts.create_async(
                params={
                    "type": "express",
                    "capabilities": {"transfers": {"requested": True}},
                    "metadata": {"user_ref": user_ref},
                },
                options=self._options(idempotency_key),
            ),
        )
        return account.id

    async def onboarding_link(self, account_id: str, return_url: str, refresh_url: str) -> str:
        """An ``account_onboarding`` Account Link for the account."""
        link = await self._call(
            "onboarding_link",
            lambda: self._client.v1.account_links.create_async(
                params={
                    "account": account_id,
                    "type": "account_onboarding",
                    "return_url": return_url,
                    "refresh_url": refresh_url,
                }
            ),
        )
        return link.url

    async def payout_account(self, account_id: str) -> PayoutAccount:
        """Re-read a Connect account."""
        account = await self._call(
            "payout_account", lambda: self._client.v1.accounts.retrieve_async(account_id)
        )
        return PayoutAccount(
            account_id=account.id,
            payouts_enabled=bool(_field(account, "payouts_enabled")),
            details_submitted=bool(_field(account, "details_submitted")),
            transfers_active=_field(_field(account, "capabilities"), "transfers") == "active",
        )

    async def transfer(self, payout: PayoutTransfer, idempotency_key: str) -> str:
        """Transfer `payout.amount` to a connected account, once; return the Transfer id.

        Stripe is asked first for a transfer of `transfer_group` that this installation
        made with this key (its metadata): a retry after the idempotency key expired (24
        hours) finds it instead of paying twice. One found for other arguments is an
        ``idempotency_error``, as a reused key would be.
        """
        amount, account_id, transfer_group = payout.amount, payout.account_id, payout.transfer_group
        metadata = {"installation": self.installation, "payout_key": idempotency_key}
        found = await self._made_transfer(transfer_group, metadata)
        if found is not None:
            if (
                found.amount != amount.minor
                or found.currency != amount.currency.lower()
                or _id_of(found.destination) != account_id
            ):
                raise PaymentGatewayError(
                    "idempotency_error",
                    kind="idempotency",
                    message="a transfer with this key was made with other arguments",
                )
            log.info("transfer %s of %s was already made", found.id, transfer_group)
            return found.id
        params: stripe.params.TransferCreateParams = {
            "amount": amount.minor,
            "currency": amount.currency.lower(),
            "destination": account_id,
            "transfer_group": transfer_group,
            "metadata": metadata,
        }
        if payout.source_charge_id is not None:
            params["source_transaction"] = payout.source_charge_id
        transfer = await self._call(
            "transfer",
            lambda: self._client.v1.transfers.create_async(
                params=params, options=self._options(idempotency_key)
            ),
        )
        return transfer.id

    async def _made_transfer(
        self, transfer_group: str, metadata: dict[str, str]
    ) -> stripe.Transfer | None:
        """This installation's transfer of `transfer_group` with `metadata`, if made."""
        page = await self._call(
            "find_transfer",
            lambda: self._client.v1.transfers.list_async(
                params={"transfer_group": transfer_group, "limit": 100}
            ),
        )
        async for transfer in page.auto_paging_iter():
            made = _field(transfer, "metadata")
            if all(_field(made, key) == value for key, value in metadata.items()):
                return transfer
        return None

    async def close(self) -> None:
        """Close the aiohttp session (idempotent)."""
        if not self._closed:
            self._closed = True
            await self._http.close_async()  # type: ignore[no-untyped-call]
