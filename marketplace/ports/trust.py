"""Ports of the trust layer: campus-email codes, verified addresses."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from marketplace.domain.email_codes import EmailCode


class EmailVerifications(Protocol):
    """Members' pending email codes and the campus addresses they proved."""

    async def code(
        self, guild_id: int, user_id: int, *, for_update: bool = False
    ) -> EmailCode | None:
        """The member's pending code, if any."""
        ...

    async def save_code(self, code: EmailCode) -> None:
        """Insert or replace the member's pending code."""
        ...

    async def drop_code(self, guild_id: int, user_id: int) -> None:
        """Forget the member's pending code."""
        ...

    async def count_attempt(self, guild_id: int, user_id: int) -> None:
        """One more wrong try of the pending code."""
        ...

    async def owner_of(self, guild_id: int, address: str) -> int | None:
        """Who proved `address` in the guild, if anyone."""
        ...

    async def add_verified(self, guild_id: int, user_id: int, address: str, now: datetime) -> bool:
        """Record that the member proved `address`; False if someone else holds it."""
        ...

    async def verified_address(self, guild_id: int, user_id: int) -> str | None:
        """The address the member proved in the guild, if any."""
        ...


class MailError(Exception):
    """The mail could not be handed to the mail server; `reason` says why, briefly."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class Mailer(Protocol):
    """Sends one plain-text email."""

    async def send(self, to: str, subject: str, body: str) -> None:
        """Hand the mail to the mail server; raises MailError if it refuses or is down."""
        ...
