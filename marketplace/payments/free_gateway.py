"""`FreeGateway`: the PaymentGateway port for free mode, where no money moves.

Used when no Stripe key is set or a guild turns payments off, so the services run the
very same loop (checkout → held → capture or void → payout) without a provider. It keeps
everything in memory and makes deterministic ids (``free_cs_b42_1``, ``free_pi_b42_1``,
...). A checkout is ``complete`` at once; its intent, for amount 0, is already
``requires_capture`` (manual capture) or ``succeeded`` (automatic). Any attempt to move a
positive amount is refused as Stripe would (``amount_too_large``, ``balance_insufficient``),
and idempotency keys behave as on Stripe: same key and arguments → the same answer, same
key with other arguments → ``idempotency_error``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from marketplace.ports.payments import (
    CANCELED,
    REQUIRES_CAPTURE,
    SUCCEEDED,
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
    SavedCardCharge,
    SessionState,
)

T = TypeVar("T")
FREE_PREFIX = "free_"


def _refused(code: str, message: str) -> PaymentGatewayError:
    return PaymentGatewayError(code, kind="invalid_request", message=message)


def _missing(what: str, object_id: str) -> PaymentGatewayError:
    return _refused("resource_missing", f"no such {what}: {object_id}")


class FreeGateway(PaymentGateway):
    """An in-memory PaymentGateway where every payment is free (see the module docstring)."""

    def __init__(self) -> None:
        self._sessions: dict[str, SessionState] = {}
        self._expiry: dict[str, datetime] = {}
        self._intents: dict[str, IntentState] = {}
        self._accounts: dict[str, PayoutAccount] = {}
        self._keys: dict[str, tuple[tuple[Any, ...], Any]] = {}
        self._counter = 0

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    def _once(self, key: str, fingerprint: tuple[Any, ...], make: Callable[[], T]) -> T:
        """Replay the first answer for `key`; refuse the key with other arguments."""
        saved = self._keys.get(key)
        if saved is not None:
            if saved[0] != fingerprint:
                raise PaymentGatewayError(
                    "idempotency_error",
                    kind="idempotency",
                    message="the key was first used with other arguments",
                )
            result: T = saved[1]
            return result
        result = make()
        self._keys[key] = (fingerprint, result)
        return result

    def _intent(self, intent_id: str) -> IntentState:
        try:
            return self._intents[intent_id]
        except KeyError:
            raise _missing("payment", intent_id) from None

    # --- checkout ---------------------------------------------------------------------

    async def create_checkout(self, request: CheckoutRequest, idempotency_key: str) -> CheckoutRef:
        """A checkout that is complete at once; refused for a positive amount."""
        if request.amount.minor != 0:
            raise _refused("not_free", "free mode takes no payment; the amount must be 0")
        return self._once(
            idempotency_key, ("checkout", request), lambda: self._new_checkout(request)
        )

    def _new_checkout(self, request: CheckoutRequest) -> CheckoutRef:
        number = self._next()
        session_id = f"{FREE_PREFIX}cs_b{request.booking_id}_{number}"
        intent_id = f"{FREE_PREFIX}pi_b{request.booking_id}_{number}"
        held = request.capture == "manual"
        self._intents[intent_id] = IntentState(
            intent_id=intent_id,
            status=REQUIRES_CAPTURE if held else SUCCEEDED,
            amount=0,
            amount_capturable=0,
            amount_received=0,
            amount_refunded=0,
            latest_charge_id=f"{FREE_PREFIX}ch_b{request.booking_id}_{number}",
            currency=request.amount.currency,
        )
        self._sessions[session_id] = SessionState(
            session_id=session_id,
            status="complete",
            payment_intent_id=intent_id,
            booking_id=request.booking_id,
        )
        self._expiry[session_id] = request.expires_at
        return CheckoutRef(
            session_id=session_id,
            url=request.success_url,
            payment_intent_id=intent_id,
            expires_at=request.expires_at,
        )

    async def checkout(self, session_id: str) -> SessionState:
        """The session (always ``complete``)."""
        try:
            return self._sessions[session_id]
        except KeyError:
            raise _missing("checkout session", session_id) from None

    async def expire_checkout(self, session_id: str) -> SessionState:
        """Nothing to expire: a free session is complete, and is returned as it is."""
        return await self.checkout(session_id)

    # --- payments ---------------------------------------------------------------------

    async def intent(self, intent_id: str) -> IntentState:
        """The free payment's state."""
        return self._intent(intent_id)

    async def capture(self, intent_id: str, amount_minor: int, idempotency_key: str) -> IntentState:
        """Capture 0 of a held free payment (anything more is ``amount_too_large``)."""
        return self._once(
            idempotency_key,
            ("capture", intent_id, amount_minor),
            lambda: self._capture(intent_id, amount_minor),
        )

    def _intent_in(self, intent_id: str, status: str) -> IntentState:
        """The free payment, refused unless it is in `status`."""
        intent = self._intent(intent_id)
        if intent.status != status:
            raise _refused("payment_intent_unexpected_state", f"the payment is {intent.status}")
        return intent

    def _settled(self, intent: IntentState, status: str) -> IntentState:
        """A held payment moved to `status` (nothing capturable any more), kept."""
        settled = dataclasses.replace(intent, status=status, amount_capturable=0)
        self._intents[intent.intent_id] = settled
        return settled

    def _capture(self, intent_id: str, amount_minor: int) -> IntentState:
        intent = self._intent_in(intent_id, REQUIRES_CAPTURE)
        if not 0 <= amount_minor <= intent.amount_capturable:
            raise _refused("amount_too_large", "more than the amount capturable")
        return self._settled(intent, SUCCEEDED)

    async def cancel(self, intent_id: str, idempotency_key: str) -> IntentState:
        """Void a held free payment."""
        return self._once(idempotency_key, ("cancel", intent_id), lambda: self._cancel(intent_id))

    def _cancel(self, intent_id: str) -> IntentState:
        return self._settled(self._intent_in(intent_id, REQUIRES_CAPTURE), CANCELED)

    async def refund(self, intent_id: str, amount_minor: int, idempotency_key: str) -> str:
        """A refund of 0 of a captured free payment (anything more is ``amount_too_large``)."""
        return self._once(
            idempotency_key,
            ("refund", intent_id, amount_minor),
            lambda: self._refund(intent_id, amount_minor),
        )

    def _refund(self, intent_id: str, amount_minor: int) -> str:
        intent = self._intent_in(intent_id, SUCCEEDED)
        if not 0 <= amount_minor <= intent.kept:
            raise _refused("amount_too_large", "more than is left of the captured amount")
        return f"{FREE_PREFIX}re_{self._next()}"

    # --- card disputes (a free payment has none) ----------------------------------------

    async def dispute(self, dispute_id: str) -> DisputeState:
        """Free payments cannot be disputed: every dispute id is unknown."""
        raise _missing("dispute", dispute_id)

    async def disputes_of(self, intent_id: str) -> list[DisputeState]:
        """None: nothing was charged."""
        self._intent(intent_id)
        return []

    async def submit_evidence(
        self, dispute_id: str, evidence: dict[str, str], idempotency_key: str
    ) -> DisputeState:
        """Free payments cannot be disputed."""
        raise _missing("dispute", dispute_id)

    async def reverse_transfer(
        self, transfer_id: str, amount_minor: int, idempotency_key: str, reason_ref: str
    ) -> str:
        """A free transfer moved nothing, so nothing can be reversed."""
        raise _refused("amount_too_large", "a free transfer moved nothing to reverse")

    # --- payouts ----------------------------------------------------------------------

    async def create_payout_account(self, user_ref: str, idempotency_key: str) -> str:
        """A payout account that is ready at once (there is nothing to pay out)."""
        return self._once(
            idempotency_key, ("account", user_ref), lambda: self._new_account(user_ref)
        )

    def _new_account(self, user_ref: str) -> str:
        account_id = f"{FREE_PREFIX}acct_{self._next()}"
        self._accounts[account_id] = PayoutAccount(
            account_id, True, details_submitted=True, transfers_active=True
        )
        return account_id

    async def onboarding_link(self, account_id: str, return_url: str, refresh_url: str) -> str:
        """No onboarding in free mode: the link is the return page itself."""
        await self.payout_account(account_id)
        return return_url

    async def payout_account(self, account_id: str) -> PayoutAccount:
        """The free payout account (payouts always enabled)."""
        try:
            return self._accounts[account_id]
        except KeyError:
            raise _missing("payout account", account_id) from None

    async def transfer(self, payout: PayoutTransfer, idempotency_key: str) -> str:
        """A transfer of 0 (the platform holds nothing to transfer in free mode)."""
        return self._once(idempotency_key, ("transfer", payout), lambda: self._transfer(payout))

    def _transfer(self, payout: PayoutTransfer) -> str:
        if payout.account_id not in self._accounts:
            raise _missing("payout account", payout.account_id)
        if payout.amount.minor != 0:
            raise _refused("balance_insufficient", "free mode holds no money to transfer")
        return f"{FREE_PREFIX}tr_{self._next()}"

    # Saved cards only serve paid series: in free mode a series is never paid for.

    async def create_customer(self, member_ref: str, idempotency_key: str) -> str:
        """Refused: free mode saves no cards."""
        raise _refused("free_mode", "free mode saves no cards")

    async def create_card_setup(
        self, request: CardSetupRequest, idempotency_key: str
    ) -> CheckoutRef:
        """Refused: free mode saves no cards."""
        raise _refused("free_mode", "free mode saves no cards")

    async def card_setup(self, session_id: str) -> CardSetupState:
        """Refused: there is no such session in free mode."""
        raise _missing("checkout session", session_id)

    async def authorize_saved_card(
        self, charge: SavedCardCharge, idempotency_key: str
    ) -> IntentState:
        """Refused: free mode saves no cards."""
        raise _refused("free_mode", "free mode saves no cards")

    async def forget_card(self, payment_method_id: str) -> None:
        """Nothing to detach in free mode."""

    async def close(self) -> None:
        """Nothing to release."""
