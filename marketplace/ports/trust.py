"""Ports of the trust layer: campus-email codes, mail, session logs and screening flags."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from marketplace.domain.email_codes import EmailCode
from marketplace.domain.offenses import OffenseCounts
from marketplace.domain.session_log import LoggedMessage, MessageFlag
from marketplace.domain.verification_requests import VerificationRequest


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


class SessionLogs(Protocol):
    """The sealed log of what was said in session spaces."""

    async def record(self, message: LoggedMessage) -> bool:
        """Store a message, or its edit; True when it is new."""
        ...

    async def of_booking(self, booking_id: int, *, limit: int = 500) -> list[LoggedMessage]:
        """The session's messages, oldest first."""
        ...

    async def before(self, booking_id: int, sent_at: datetime, limit: int) -> list[LoggedMessage]:
        """The `limit` messages of the session just before `sent_at`, oldest first."""
        ...

    async def count_since(self, booking_id: int, author_id: int, since: datetime) -> int:
        """How many messages the member wrote in the session since `since`."""
        ...

    async def purge_booking(self, booking_id: int) -> int:
        """Delete the session's log and the context of its decided flags; how many messages."""
        ...


class MessageFlags(Protocol):
    """Flagged messages in the moderator queue, and reminders given once per kind."""

    async def add(self, flag: MessageFlag) -> MessageFlag:
        """Store a new flag; return it with its id."""
        ...

    async def get(self, guild_id: int, flag_id: int) -> MessageFlag | None:
        """One flag of the guild."""
        ...

    async def close(self, flag: MessageFlag) -> bool:
        """Store a decided flag, only if it is still open; False if someone decided first."""
        ...

    async def open_flags(self, guild_id: int, limit: int) -> list[MessageFlag]:
        """The guild's open flags, oldest first."""
        ...

    async def count_open(self, guild_id: int) -> int:
        """How many flags wait for a moderator."""
        ...

    async def kinds_of_message(self, message_id: int) -> set[str]:
        """Every kind this message was already flagged for (an edit is screened again)."""
        ...

    async def remind_once(self, booking_id: int, user_id: int, kind: str, now: datetime) -> bool:
        """Note a reminder of this kind for the member in the session; False if given before."""
        ...


class Offenses(Protocol):
    """What counts against members (upheld cases, upheld flags, restrictions)."""

    async def all_since(self, guild_id: int, since: datetime) -> list[OffenseCounts]:
        """Every member with something against them since `since`, most first."""
        ...

    async def of_member(self, guild_id: int, user_id: int, since: datetime) -> OffenseCounts:
        """One member's counts since `since`."""
        ...


class VerificationRequests(Protocol):
    """Tutors' requests for `moderator-verified`, decided once."""

    async def add(self, request: VerificationRequest) -> VerificationRequest:
        """Store a new request; return it with its id."""
        ...

    async def get(self, guild_id: int, request_id: int) -> VerificationRequest | None:
        """One request of the guild."""
        ...

    async def pending_of(self, guild_id: int, user_id: int) -> VerificationRequest | None:
        """The member's request still waiting, if any."""
        ...

    async def pending(self, guild_id: int, limit: int) -> list[VerificationRequest]:
        """The guild's waiting requests, oldest first."""
        ...

    async def close(self, request: VerificationRequest) -> bool:
        """Store a decided request, only if it is still pending; False if decided first."""
        ...
