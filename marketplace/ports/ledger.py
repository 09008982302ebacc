"""Payment storage ports: payments, the ledger, webhook dedupe, checkout tokens, payouts.

Every method runs inside the caller's unit of work, so a state change, its ledger entries
and the webhook event that caused it commit (or roll back) together.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from marketplace.domain.ledger import Balance, Entry
from marketplace.domain.payment import Payment
from marketplace.ports.payments import CaptureMethod, PayoutAccount

MAX_TOKEN_LENGTH = 128
"""Longer strings are never looked up: no issued token comes near this length."""


class PaymentRepository(Protocol):
    """One payment per booking, with its provider references."""

    async def get(self, booking_id: int, *, for_update: bool = False) -> Payment | None:
        """The booking's payment, locked for this transaction when `for_update`."""
        ...

    async def add(
        self, payment: Payment, guild_id: int, capture: CaptureMethod, now: datetime
    ) -> None:
        """Insert a new payment (version 0)."""
        ...

    async def save(self, payment: Payment, now: datetime) -> None:
        """Store the payment's amounts and flags, bumping its version.

        Raises `ConflictError("payment_changed")` when the row changed since this unit of
        work read it, and `NotFoundError` when there is no row.
        """
        ...

    async def by_intent(self, intent_id: str) -> int | None:
        """The booking id whose payment has this PaymentIntent."""
        ...

    async def refs(self, booking_id: int) -> tuple[str | None, str | None]:
        """(checkout session id, payment intent id) recorded for the booking's payment."""
        ...

    async def set_transfer(self, booking_id: int, transfer_id: str) -> None:
        """Record the tutor's transfer (in the transaction that books the payout)."""
        ...

    async def transfer_of(self, booking_id: int) -> str | None:
        """The id of the tutor's transfer for this booking, once the payout is booked."""
        ...

    async def by_session(self, session_id: str) -> int | None:
        """The booking id whose payment has this Checkout Session."""
        ...

    async def set_refs(
        self, booking_id: int, session_id: str | None, intent_id: str | None
    ) -> None:
        """Record the provider references; a None leaves the stored value as it is."""
        ...

    async def set_capture_before(self, booking_id: int, deadline: datetime | None) -> None:
        """Record the card authorization's deadline (None leaves the stored one)."""
        ...

    async def capture_before(self, booking_id: int) -> datetime | None:
        """The card authorization's deadline as Stripe last reported it (None: unknown)."""
        ...

    async def of_bookings(self, booking_ids: Sequence[int]) -> dict[int, Payment]:
        """The payments of these bookings (those that have one), by booking id."""
        ...

    async def in_guild(self, guild_id: int) -> dict[int, Payment]:
        """Every payment of the guild, by booking id."""
        ...

    async def guild_ids(self) -> list[int]:
        """The guilds that have at least one payment, ascending."""
        ...


class Ledger(Protocol):
    """The double-entry ledger (see `marketplace.domain.ledger`)."""

    async def record(self, entry: Entry, guild_id: int, at: datetime) -> bool:
        """Append the entry; False (and nothing written) if its reference already exists."""
        ...

    async def entries(self, booking_id: int) -> list[Entry]:
        """The booking's entries, oldest first."""
        ...

    async def guild_balance(self, guild_id: int) -> Balance:
        """Totals per account over every entry of the guild."""
        ...

    async def booking_balances(self, guild_id: int) -> dict[int, Balance]:
        """Totals per account for each booking of the guild that has entries."""
        ...

    async def guild_ids(self) -> list[int]:
        """The guilds that have at least one entry, ascending."""
        ...


class WebhookEvents(Protocol):
    """Provider events already handled."""

    async def first_time(
        self, event_id: str, type: str, object_id: str | None, at: datetime
    ) -> bool:
        """Store the event id; False when it was stored before (already handled)."""
        ...

    async def handled(self, event_id: str) -> bool:
        """Whether the event was handled already (a cheap look before any provider call)."""
        ...


class CheckoutTokens(Protocol):
    """Unguessable link tokens, each opening one booking's checkout until it expires."""

    async def issue(self, booking_id: int, expires_at: datetime, now: datetime) -> str:
        """A new url-safe token carrying at least 128 random bits."""
        ...

    async def current(self, booking_id: int, now: datetime) -> str | None:
        """The booking's newest token that has not expired, if any."""
        ...

    async def resolve(self, token: str, now: datetime) -> int | None:
        """The token's booking id; None when unknown, expired or malformed."""
        ...


class PayoutAccounts(Protocol):
    """Tutors' payout (Connect) accounts, per guild."""

    async def get(self, guild_id: int, user_id: int) -> PayoutAccount | None:
        """The tutor's account in this guild, if they started onboarding."""
        ...

    async def save(
        self, guild_id: int, user_id: int, account: PayoutAccount, now: datetime
    ) -> None:
        """Insert or update the tutor's account."""
        ...

    async def by_account(self, account_id: str) -> tuple[int, int] | None:
        """(guild id, user id) of the tutor owning this account."""
        ...

    async def enabled_among(self, guild_id: int, user_ids: Collection[int]) -> set[int]:
        """Which of these tutors can receive payouts in this guild (one query)."""
        ...
