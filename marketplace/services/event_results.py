"""What handling one provider event came to (shared by the webhook handlers)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EventResult:
    """How an event was handled: ``applied``, ``duplicate`` or ``ignored`` (and why)."""

    status: str
    detail: str = ""
