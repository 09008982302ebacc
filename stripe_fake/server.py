"""`StripeFake`: the server, its lifecycle and the harness tests drive it with."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from types import TracebackType

from aiohttp import web

from stripe_fake import balance, cards, checkout, connect, disputes, payments, refunds, setup
from stripe_fake.api import Backend, RequestRecord
from stripe_fake.checkout import Payment
from stripe_fake.hosted import add_hosted_routes
from stripe_fake.routes import add_api_routes
from stripe_fake.store import Obj, Store, public
from stripe_fake.webhooks import Delivery, ReleaseOrder, WebhookDispatcher, WebhookEndpoint

LOOPBACK = "127.0.0.1"


def _wall_clock() -> int:
    return int(time.time())


class StripeFake:
    """An in-process fake of the Stripe API subset TutorBot uses, on a loopback port.

    Point ``stripe.StripeClient(..., base_addresses={"api": fake.base_url})`` at it. The
    harness methods act as the customer (`pay`), the bank (`dispute`) and Stripe itself
    (`expire`, `enable_payouts`), and control webhook delivery.
    """

    def __init__(
        self,
        *,
        host: str = LOOPBACK,
        port: int = 0,
        clock: Callable[[], float] = time.time,
        webhook_timeout: float = 10.0,
    ) -> None:
        self.store = Store(clock=clock)
        self.backend = Backend(self.store)
        # Signatures carry real time: construct_event compares them with time.time().
        self.webhooks = WebhookDispatcher(_wall_clock, timeout=webhook_timeout)
        self.store.listeners.append(self.webhooks.on_event)
        self._host, self._port = host, port
        self._runner: web.AppRunner | None = None

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on `host`:`port` (a free loopback port by default)."""
        app = web.Application()
        add_api_routes(self.backend, app)
        add_hosted_routes(self.backend, app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        port = int(self._runner.addresses[0][1])
        self.backend.base_url = f"http://{self._host}:{port}"

    async def stop(self) -> None:
        """Finish webhook deliveries, close the HTTP session and the server."""
        await self.webhooks.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StripeFake:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``: the ``api`` base address for ``StripeClient``."""
        return self.backend.base_url

    async def reset(self) -> None:
        """Forget every object, event, request and delivery (endpoints stay registered)."""
        await self.webhooks.settle()
        self.store.objects.clear()
        self.store.events.clear()
        self.store.extra_balance.clear()
        self.store.clock_offset = 0.0
        self.backend.links.clear()
        self.backend.idempotency.saved.clear()
        self.backend.requests.clear()
        self.webhooks.forget()

    def send_event(self, event_type: str, obj: Obj, *, account: str = "") -> Obj:
        """Emit (and deliver, signed) an event the fake does not model, of any shape.

        For the events Stripe sends a Connect platform that nothing here causes, e.g.
        ``balance.available`` (whose Balance has no id) or, with the connected `account`,
        ``account.application.deauthorized``, ``payout.paid`` or ``person.updated``.
        """
        return self.store.emit(event_type, obj, account=account)

    def platform_balance(self) -> Obj:
        """The platform's Balance, as ``GET /v1/balance`` answers it (no ``id``)."""
        currencies = sorted({c["currency"] for c in self.store.all("charge")} | {"usd"})
        available = [
            {"amount": balance.available_balance(self.store, cur), "currency": cur}
            for cur in currencies
        ]
        return {"object": "balance", "available": available, "pending": [], "livemode": False}

    # --- reading state --------------------------------------------------------------------

    def get(self, object_id: str) -> Obj:
        """A snapshot of any object by id (KeyError when unknown)."""
        return public(self.store.objects[object_id])

    @property
    def events(self) -> list[Obj]:
        """Every event made so far, oldest first."""
        return list(self.store.events)

    def events_of_type(self, event_type: str) -> list[Obj]:
        """The events of one type, oldest first."""
        return [e for e in self.store.events if e["type"] == event_type]

    @property
    def deliveries(self) -> list[Delivery]:
        """Every webhook delivery attempt, in the order they finished."""
        return list(self.webhooks.deliveries)

    @property
    def requests(self) -> list[RequestRecord]:
        """Every API request answered, oldest first."""
        return list(self.backend.requests)

    @property
    def violations(self) -> list[RequestRecord]:
        """Requests refused for their parameters, not for the state of things.

        Unknown, missing, wrong type, outside an enum (Stripe's contract), or a real
        Stripe feature the fake does not model.
        """
        return [record for record in self.backend.requests if record.violation is not None]

    def balance(self, currency: str = "usd") -> int:
        """The platform's available balance in `currency`."""
        return balance.available_balance(self.store, currency)

    def add_balance(self, amount: int, currency: str = "usd") -> None:
        """Top up the platform balance (like Stripe's 4000000000000077 test card)."""
        self.store.extra_balance[currency] = self.store.extra_balance.get(currency, 0) + amount

    # --- acting as the customer, the bank and Stripe --------------------------------------

    async def pay(
        self, session_id: str, card: str = "4242424242424242", *, email: str | None = None
    ) -> Payment:
        """Pay an open Checkout Session with a test card, then wait for the webhooks."""
        payment = checkout.pay_session(self.store, session_id, card, email)
        await self.webhooks.settle()
        return payment

    async def save_card(
        self, session_id: str, card: str = "4242424242424242", *, email: str | None = None
    ) -> setup.CardSaved:
        """Save a test card on a setup-mode Checkout Session, then wait for the webhooks."""
        saved = setup.save_card(self.store, session_id, card, email)
        await self.webhooks.settle()
        return saved

    def decline_next_charge(self, payment_method_id: str, card: str = "4000000000009995") -> None:
        """The bank declines the next charge of a saved card, as it would test card `card`."""
        if card not in cards.DECLINES:
            msg = f"{card} is not a decline test card"
            raise ValueError(msg)
        self.store.get("payment_method", payment_method_id)["_decline_next"] = card

    async def expire(self, session_id: str) -> Obj:
        """Expire an open Checkout Session now (``checkout.session.expired``)."""
        session = checkout.expire_session(self.store, session_id)
        await self.webhooks.settle()
        return public(session)

    async def advance_clock(self, seconds: float) -> list[Obj]:
        """Move the fake's clock, then do what Stripe does by itself when time passes.

        Sessions past ``expires_at`` expire (``checkout.session.expired``); held
        PaymentIntents whose 7-day authorization has passed are canceled
        (``charge.expired``, ``payment_intent.canceled`` with reason ``automatic``).
        Returns the expired sessions.
        """
        self.store.clock_offset += seconds
        expired = checkout.expire_due(self.store)
        payments.lapse_due(self.store)
        await self.webhooks.settle()
        return [public(s) for s in expired]

    async def enable_payouts(self, account_id: str) -> Obj:
        """Finish the account's onboarding: payouts on (``account.updated``)."""
        account = connect.set_payouts(self.store, account_id, enabled=True)
        await self.webhooks.settle()
        return public(account)

    async def disable_payouts(self, account_id: str) -> Obj:
        """Restrict the account: payouts off (``account.updated``)."""
        account = connect.set_payouts(self.store, account_id, enabled=False)
        await self.webhooks.settle()
        return public(account)

    async def set_capability(self, account_id: str, name: str, status: str) -> Obj:
        """One capability of the account changes alone (``account.updated``)."""
        account = connect.set_capability(self.store, account_id, name, status)
        await self.webhooks.settle()
        return public(account)

    async def dispute(
        self,
        payment_intent_id: str,
        reason: str = "fraudulent",
        amount: int | None = None,
        *,
        due_in_days: float = disputes.DUE_DAYS,
    ) -> Obj:
        """The customer's bank disputes the captured payment, or `amount` of it.

        ``charge.dispute.created`` then ``charge.dispute.funds_withdrawn``: the amount and
        Stripe's dispute fee leave the balance. Evidence is due `due_in_days` from now.
        """
        dispute = disputes.open_dispute(self.store, payment_intent_id, reason, amount, due_in_days)
        await self.webhooks.settle()
        return public(dispute)

    async def close_dispute(self, dispute_id: str, outcome: str = "lost") -> Obj:
        """The bank decides, ``won`` or ``lost``, whether or not evidence came.

        ``won`` reinstates the amount (``charge.dispute.funds_reinstated``), then
        ``charge.dispute.closed`` either way.
        """
        dispute = disputes.close_dispute(self.store, dispute_id, outcome)
        await self.webhooks.settle()
        return public(dispute)

    @property
    def refunds_pending(self) -> bool:
        """Whether new refunds start ``pending`` (until `succeed_refund` or `fail_refund`)."""
        return self.store.refunds_pending

    @refunds_pending.setter
    def refunds_pending(self, pending: bool) -> None:
        self.store.refunds_pending = pending

    async def succeed_refund(self, refund_id: str) -> Obj:
        """A pending refund reaches the customer (``refund.updated``)."""
        refund = refunds.succeed_refund(self.store, refund_id)
        await self.webhooks.settle()
        return public(refund)

    async def fail_refund(self, refund_id: str, reason: str = "expired_or_canceled_card") -> Obj:
        """A refund fails, pending or already succeeded (``refund.failed``)."""
        refund = refunds.fail_refund(self.store, refund_id, reason)
        await self.webhooks.settle()
        return public(refund)

    # --- webhooks ---------------------------------------------------------------------------

    def add_webhook_endpoint(
        self, url: str, secret: str | None = None, events: Sequence[str] | None = None
    ) -> WebhookEndpoint:
        """Send events (all, or those in `events`) to `url`, signed with `secret`."""
        return self.webhooks.add_endpoint(url, secret, events)

    def remove_webhook_endpoint(self, endpoint_id: str) -> None:
        """Stop sending to an endpoint."""
        self.webhooks.remove_endpoint(endpoint_id)

    def hold_events(self) -> None:
        """Queue new events instead of delivering them."""
        self.webhooks.hold()

    @property
    def held_events(self) -> list[Obj]:
        """The events waiting for `release_events`."""
        return list(self.webhooks.held)

    async def release_events(
        self,
        order: ReleaseOrder = "as_is",
        *,
        duplicate: bool = False,
        seed: int | None = None,
        keep_holding: bool = False,
    ) -> list[Delivery]:
        """Deliver the held events in `order` (twice each with `duplicate`)."""
        return await self.webhooks.release(
            order, duplicate=duplicate, seed=seed, keep_holding=keep_holding
        )

    async def redeliver(
        self, event_id: str, *, timestamp: int | None = None, endpoint_id: str | None = None
    ) -> list[Delivery]:
        """Send one event again, signed now (or at `timestamp`)."""
        return await self.webhooks.redeliver(event_id, timestamp=timestamp, endpoint_id=endpoint_id)

    async def retry_failed(self) -> list[Delivery]:
        """Stripe's retry: redeliver every event whose last attempt was not 2xx."""
        return await self.webhooks.retry_failed()

    async def settle(self) -> None:
        """Wait until background webhook deliveries have finished."""
        await self.webhooks.settle()


@asynccontextmanager
async def running_stripe_fake(
    *, port: int = 0, clock: Callable[[], float] = time.time, webhook_timeout: float = 10.0
) -> AsyncIterator[StripeFake]:
    """Start a `StripeFake` on 127.0.0.1 (a free port by default); stop it afterwards."""
    fake = StripeFake(port=port, clock=clock, webhook_timeout=webhook_timeout)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
