"""The fake's state: every object by id, the event log, the clock and the request context.

Objects are plain JSON-ready dicts in Stripe's wire shape. Keys starting with ``_`` are the
fake's private bookkeeping and never leave the server (see `public`).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from stripe_fake.errors import no_such
from stripe_fake.ids import new_id

Obj = dict[str, Any]
API_VERSION = "2026-10-28.endive"  # the version stripe 16.1.0 pins (stripe.api_version)


def public(obj: Obj) -> Obj:
    """A deep copy of `obj` without the fake's private keys."""
    return {key: copy.deepcopy(value) for key, value in obj.items() if not key.startswith("_")}


def changed_from(before: Obj, after: Obj) -> Obj:
    """Stripe's ``previous_attributes``: the old value of every key that changed.

    For a nested object only its changed keys are given; a list that changed is given
    whole (as Stripe does since API version 2017-04-06). Take `before` with `public`
    before changing the object.
    """
    changed: Obj = {}
    for key, old in before.items():
        new = after.get(key)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            changed[key] = changed_from(old, new)
        else:
            changed[key] = old
    for key in after.keys() - before.keys():
        if not key.startswith("_"):
            changed[key] = None
    return changed


@dataclass
class RequestContext:
    """The API request an object change comes from (None fields for harness actions)."""

    request_id: str | None = None
    idempotency_key: str | None = None


@dataclass
class Store:
    """All objects, the events made so far, and the clock the fake runs on."""

    clock: Callable[[], float] = time.time
    clock_offset: float = 0.0
    objects: dict[str, Obj] = field(default_factory=dict)
    events: list[Obj] = field(default_factory=list)
    listeners: list[Callable[[Obj], None]] = field(default_factory=list)
    context: RequestContext = field(default_factory=RequestContext)
    extra_balance: dict[str, int] = field(default_factory=dict)
    refunds_pending: bool = False  # new refunds start pending (the harness's switch)

    def now(self) -> int:
        """The fake's current Unix time in whole seconds."""
        return int(self.clock() + self.clock_offset)

    def create(self, kind: str, **fields: Any) -> Obj:
        """Make, store and return a new object of `kind` with a fresh id."""
        obj: Obj = {"id": new_id(kind), "object": kind, **fields}
        self.objects[obj["id"]] = obj
        return obj

    def get(self, kind: str, object_id: str, *, param: str | None = None) -> Obj:
        """The stored object (not a copy), or a 404 ``resource_missing``."""
        obj = self.objects.get(object_id)
        if obj is None or obj["object"] != kind:
            raise no_such(kind, object_id, param=param)
        return obj

    def all(self, kind: str) -> list[Obj]:
        """Every stored object of `kind`, oldest first."""
        return [obj for obj in self.objects.values() if obj["object"] == kind]

    @contextmanager
    def acting_for(self, context: RequestContext) -> Iterator[None]:
        """Attribute events made inside the block to the API request `context`."""
        previous, self.context = self.context, context
        try:
            yield
        finally:
            self.context = previous

    def emit(
        self, event_type: str, obj: Obj, previous: Obj | None = None, *, account: str = ""
    ) -> Obj:
        """Record an event with a snapshot of `obj` and hand it to the listeners.

        `account` is the connected account the event happened on (Stripe's ``account``).
        """
        data: Obj = {"object": public(obj)}
        if previous:
            data["previous_attributes"] = copy.deepcopy(previous)
        event = {
            "id": new_id("event"),
            "object": "event",
            "api_version": API_VERSION,
            "created": self.now(),
            "data": data,
            "livemode": False,
            "pending_webhooks": 0,
            "request": {
                "id": self.context.request_id,
                "idempotency_key": self.context.idempotency_key,
            },
            "type": event_type,
        }
        if account:
            event["account"] = account
        self.events.append(event)
        for listener in self.listeners:
            listener(event)
        return event
