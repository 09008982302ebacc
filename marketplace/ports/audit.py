"""The audit log port: admin and moderator actions, for accountability."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol


class AuditLog(Protocol):
    """Admin and moderator actions, for accountability."""

    async def record(
        self, guild_id: int, actor_id: int, action: str, detail: dict[str, Any], at: datetime
    ) -> None:
        """Append one entry."""
        ...

    async def recent(self, guild_id: int, limit: int) -> Sequence[tuple[datetime, int, str]]:
        """The latest entries: when, who, what."""
        ...

    async def of_action(
        self, guild_id: int, action: str, limit: int
    ) -> Sequence[tuple[datetime, dict[str, Any]]]:
        """The latest entries of one action, newest first: when, and the detail."""
        ...
