"""Scheduled work ports: durable due actions and the queue the job runner claims from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction, NewAction


class ScheduledActions(Protocol):
    """Durable due work, scheduled inside the caller's transaction."""

    async def schedule(self, action: NewAction) -> bool:
        """Add the action unless one with its dedupe key exists; True if added."""
        ...

    async def schedule_all(self, actions: Sequence[NewAction]) -> None:
        """`schedule` for each action, in one statement."""
        ...

    async def skip_pending(
        self, booking_id: int, kinds: frozenset[ActionKind] | None, now: datetime
    ) -> int:
        """Mark a booking's pending actions (of these kinds, or all) skipped; return how many."""
        ...


class ActionQueue(Protocol):
    """What the job runner needs: claim due rows with a lease, and finish them."""

    async def claim_due(
        self, now: datetime, owner: str, lease: timedelta, limit: int
    ) -> list[ClaimedAction]:
        """Lease up to `limit` due pending rows to `owner`; no row is leased twice."""
        ...

    async def finish(
        self, action_id: int, owner: str, state: ActionState, outcome: str, now: datetime
    ) -> bool:
        """Close a row this owner still leases; False if the lease was lost."""
        ...

    async def retry_later(
        self, action_id: int, owner: str, due_at: datetime, outcome: str, max_attempts: int
    ) -> bool:
        """Give the row back for another try at `due_at` (or fail it after max attempts)."""
        ...
