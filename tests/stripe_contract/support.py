"""Helpers for the Stripe contract suites: a webhook sink and a Checkout Session factory."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import stripe
from aiohttp import web


@dataclass(frozen=True)
class Received:
    """One webhook POST as it arrived: the raw body and the signature header."""

    body: bytes
    signature: str
    content_type: str

    @property
    def event(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


@dataclass
class WebhookReceiver:
    """A tiny aiohttp endpoint that records every POST and answers `status`."""

    url: str = ""
    status: int = 200
    received: list[Received] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append(
            Received(
                await request.read(),
                request.headers.get("Stripe-Signature", ""),
                request.headers.get("Content-Type", ""),
            )
        )
        self._arrived.set()
        return web.Response(status=self.status)

    def events(self) -> list[dict[str, Any]]:
        return [r.event for r in self.received]

    async def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], within: float = 8.0
    ) -> Received:
        async def first() -> Received:
            while True:
                for item in self.received:
                    if predicate(item.event):
                        return item
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(first(), within)


async def new_session(
    client: stripe.StripeClient,
    *,
    amount: int = 5750,
    capture_method: str = "manual",
    key: str | None = None,
    **overrides: Any,
) -> stripe.checkout.Session:
    """A Checkout Session the way the product makes one (rate + fee as one line item)."""
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": "usd",
                    "unit_amount": amount,
                    "product_data": {"name": "Calculus tutoring, 60 min"},
                },
                "quantity": 1,
            }
        ],
        "payment_intent_data": {
            "capture_method": capture_method,
            "transfer_group": "booking_42",
            "metadata": {"booking_id": "42"},
        },
        "metadata": {"booking_id": "42"},
        "client_reference_id": "booking-42",
        "success_url": "http://127.0.0.1:9/checkout/done?session={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://127.0.0.1:9/checkout/cancel",
        "expires_at": int(time.time()) + 30 * 60,
        **overrides,
    }
    options: dict[str, Any] = {"idempotency_key": key} if key else {}
    return await client.v1.checkout.sessions.create_async(params=params, options=options)
