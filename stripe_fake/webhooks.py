"""Signed webhook delivery to registered endpoints, with controls for failure-path tests.

Every event is POSTed as Stripe does: the JSON body, ``Content-Type: application/json;
charset=utf-8`` and ``Stripe-Signature: t=…,v1=…`` signed with the endpoint's secret at the
time of each attempt. Deliveries run in the background (`settle` waits for them), or are
held and released later in another order and/or twice. Each attempt is recorded with the
HTTP status the endpoint answered, so a test can see a 5xx and redeliver.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import aiohttp

from stripe_fake.ids import new_id
from stripe_fake.signing import new_webhook_secret, signature_header
from stripe_fake.store import Obj

ReleaseOrder = Literal["as_is", "reverse", "shuffle"]
USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"


@dataclass(frozen=True)
class WebhookEndpoint:
    """Where events go; `events` None means every event type."""

    id: str
    url: str
    secret: str
    events: tuple[str, ...] | None = None

    def wants(self, event_type: str) -> bool:
        """Whether this endpoint subscribes to `event_type`."""
        return self.events is None or event_type in self.events or "*" in self.events


@dataclass(frozen=True)
class Delivery:
    """One attempt to deliver one event to one endpoint."""

    event_id: str
    event_type: str
    endpoint_id: str
    url: str
    attempt: int
    timestamp: int
    status: int | None
    error: str | None
    body: bytes
    signature: str

    @property
    def ok(self) -> bool:
        """True when the endpoint answered 2xx."""
        return self.status is not None and 200 <= self.status < 300


class WebhookDispatcher:
    """Signs and sends events; keeps every attempt in `deliveries`."""

    def __init__(self, clock: Callable[[], int], *, timeout: float = 10.0) -> None:
        self._clock = clock
        self._timeout = timeout
        self.endpoints: list[WebhookEndpoint] = []
        self.deliveries: list[Delivery] = []
        self.held: list[Obj] = []
        self.holding = False
        self._events: dict[str, Obj] = {}
        self._tasks: set[asyncio.Task[list[Delivery]]] = set()
        self._session: aiohttp.ClientSession | None = None

    def add_endpoint(
        self, url: str, secret: str | None = None, events: Sequence[str] | None = None
    ) -> WebhookEndpoint:
        """Register `url`; a ``whsec_`` secret is made when none is given."""
        endpoint = WebhookEndpoint(
            id=new_id("webhook_endpoint"),
            url=url,
            secret=secret or new_webhook_secret(),
            events=None if events is None else tuple(events),
        )
        self.endpoints.append(endpoint)
        return endpoint

    def remove_endpoint(self, endpoint_id: str) -> None:
        """Stop sending to an endpoint."""
        self.endpoints = [e for e in self.endpoints if e.id != endpoint_id]

    def on_event(self, event: Obj) -> None:
        """Store listener: deliver now (in the background) or hold."""
        self._events[event["id"]] = event
        event["pending_webhooks"] = sum(e.wants(event["type"]) for e in self.endpoints)
        if self.holding:
            self.held.append(event)
            return
        task = asyncio.get_running_loop().create_task(self._deliver_to_all(event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def hold(self) -> None:
        """Keep new events until `release`."""
        self.holding = True

    async def release(
        self,
        order: ReleaseOrder = "as_is",
        *,
        duplicate: bool = False,
        seed: int | None = None,
        keep_holding: bool = False,
    ) -> list[Delivery]:
        """Deliver the held events one after another; `duplicate` sends each twice."""
        await self.settle()
        batch = self.held * (2 if duplicate else 1)
        self.held = []
        self.holding = keep_holding
        if order == "reverse":
            batch.reverse()
        elif order == "shuffle":
            random.Random(seed).shuffle(batch)  # noqa: S311 - test ordering, not crypto
        results: list[Delivery] = []
        for event in batch:
            results.extend(await self._deliver_to_all(event))
        return results

    async def redeliver(
        self, event_id: str, *, timestamp: int | None = None, endpoint_id: str | None = None
    ) -> list[Delivery]:
        """Send an event again (optionally signed at `timestamp`, to one endpoint)."""
        event = self._events[event_id]
        targets = [e for e in self.endpoints if endpoint_id in (None, e.id)]
        return [await self._deliver(event, e, timestamp) for e in targets if e.wants(event["type"])]

    async def retry_failed(self) -> list[Delivery]:
        """Redeliver once every (event, endpoint) pair whose last attempt failed."""
        await self.settle()
        last: dict[tuple[str, str], Delivery] = {}
        for delivery in self.deliveries:
            last[delivery.event_id, delivery.endpoint_id] = delivery
        failed = [key for key, delivery in last.items() if not delivery.ok]
        results = []
        for event_id, endpoint_id in failed:
            results.extend(await self.redeliver(event_id, endpoint_id=endpoint_id))
        return results

    def forget(self) -> None:
        """Drop recorded events, deliveries and held events (endpoints stay)."""
        self._events.clear()
        self.deliveries.clear()
        self.held.clear()
        self.holding = False

    async def settle(self) -> None:
        """Wait until no background delivery is running."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Finish background deliveries and close the HTTP session."""
        await self.settle()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _deliver_to_all(self, event: Obj) -> list[Delivery]:
        targets = [e for e in self.endpoints if e.wants(event["type"])]
        return [await self._deliver(event, endpoint) for endpoint in targets]

    async def _deliver(
        self, event: Obj, endpoint: WebhookEndpoint, timestamp: int | None = None
    ) -> Delivery:
        body = json.dumps(event, indent=2).encode()
        when = self._clock() if timestamp is None else timestamp
        signature = signature_header(body, endpoint.secret, when)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": signature,
            "User-Agent": USER_AGENT,
        }
        if self._session is None:
            self._session = aiohttp.ClientSession()
        status: int | None = None
        error: str | None = None
        try:
            timeout = aiohttp.ClientTimeout(total=self._timeout)
            async with self._session.post(
                endpoint.url, data=body, headers=headers, timeout=timeout
            ) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        attempt = 1 + sum(
            d.event_id == event["id"] and d.endpoint_id == endpoint.id for d in self.deliveries
        )
        delivery = Delivery(
            event_id=event["id"],
            event_type=event["type"],
            endpoint_id=endpoint.id,
            url=endpoint.url,
            attempt=attempt,
            timestamp=when,
            status=status,
            error=error,
            body=body,
            signature=signature,
        )
        self.deliveries.append(delivery)
        return delivery
