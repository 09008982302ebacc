"""The KeptNotices port: notices no DM or channel could carry, waiting for their member."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from marketplace.ports.notice_details import Field


@dataclass(frozen=True, slots=True)
class KeptNotice:
    """One undelivered notice, in the stored form of its details."""

    nonce: str
    guild_id: int
    user_id: int
    kind: str
    booking_id: int | None
    counterpart_id: int | None
    details: Mapping[str, Field]
    kept_at: datetime


class KeptNotices(Protocol):
    """Undelivered notices, inside a transaction."""

    async def keep(self, notice: KeptNotice) -> None:
        """Keep the notice (a retried keep of the same nonce changes nothing)."""
        ...

    async def for_user(self, user_id: int) -> list[KeptNotice]:
        """The member's kept notices, oldest first."""
        ...

    async def take(self, nonce: str) -> bool:
        """Remove the notice; True only for the one caller that removed it."""
        ...

    async def in_guild(self, guild_id: int, limit: int) -> list[KeptNotice]:
        """The guild's kept notices, oldest first (for admins)."""
        ...
