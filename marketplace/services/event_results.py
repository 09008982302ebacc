"""What handling one provider event came to (shared by the webhook handlers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace.ports import ProviderEvent, UnitOfWork


@dataclass(frozen=True, slots=True)
class EventResult:
    """How an event was handled: ``applied``, ``duplicate`` or ``ignored`` (and why)."""

    status: str
    detail: str = ""


async def first_time(uow: UnitOfWork, event: ProviderEvent, now: datetime) -> bool:
    """Record the event as seen; False when it was already (Stripe delivered it again)."""
    return await uow.webhook_events.first_time(event.event_id, event.type, event.object_id, now)
