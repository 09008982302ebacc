"""Ports for card disputes (chargebacks) and refunds that failed."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from marketplace.domain.card_disputes import CardDispute
from marketplace.domain.refund_failures import RefundFailure


class CardDisputeRepository(Protocol):
    """Card disputes of bookings' payments, as Stripe last reported them."""

    async def get(self, dispute_id: str, *, for_update: bool = False) -> CardDispute | None:
        """One dispute (locked for this transaction when `for_update`)."""
        ...

    async def save(self, dispute: CardDispute, now: datetime) -> bool:
        """Insert or update it; True when it is new."""
        ...

    async def of_booking(self, booking_id: int) -> list[CardDispute]:
        """The booking's disputes, oldest first."""
        ...

    async def open_in_guild(self, guild_id: int, limit: int) -> list[CardDispute]:
        """The guild's disputes the bank has not decided, soonest due first."""
        ...

    async def evidence(self, dispute_id: str) -> dict[str, Any]:
        """The evidence draft assembled when it opened ({} when none)."""
        ...

    async def set_evidence(self, dispute_id: str, evidence: dict[str, Any]) -> None:
        """Store the evidence draft."""
        ...

    async def set_submitted_by(self, dispute_id: str, user_id: int) -> None:
        """Record who submitted the evidence."""
        ...

    async def set_reversal(self, dispute_id: str, reversal_id: str) -> None:
        """Record the transfer reversal made for it."""
        ...

    async def reversal_of(self, dispute_id: str) -> str | None:
        """The transfer reversal made for it, if any."""
        ...


class RefundFailureRepository(Protocol):
    """Refunds Stripe reported failed, and the moderators' decisions."""

    async def add(self, failure: RefundFailure) -> bool:
        """Store it once; False when its refund id is already stored."""
        ...

    async def get(self, refund_id: str, *, for_update: bool = False) -> RefundFailure | None:
        """One failure."""
        ...

    async def save(self, failure: RefundFailure) -> None:
        """Store a decision."""
        ...

    async def open_in_guild(self, guild_id: int, limit: int) -> list[RefundFailure]:
        """The guild's failures waiting for a moderator, oldest first."""
        ...

    async def open_for_booking(self, booking_id: int) -> list[RefundFailure]:
        """The booking's failures waiting for a moderator."""
        ...
