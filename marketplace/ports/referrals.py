"""The referrals port: who brought whom, and each member's referral credit."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from marketplace.domain.referrals import CreditAccount, Referral, ReferralStatus


class ReferralRepository(Protocol):
    """Referrals and credit balances, inside one transaction."""

    async def add(self, referral: Referral) -> Referral | None:
        """Store a new referral (its id is assigned); None when the member named one before.

        One referral per member and guild: a concurrent second one loses on the unique
        key and is answered None, never an error.
        """
        ...

    async def of_member(self, guild_id: int, user_id: int) -> Referral | None:
        """Who brought `user_id` to the guild, if anyone."""
        ...

    async def get(self, referral_id: int) -> Referral | None:
        """One referral by its id."""
        ...

    async def for_booking(self, booking_id: int) -> Referral | None:
        """The referral whose first session is this booking, if any."""
        ...

    async def made_by(self, guild_id: int, referrer_id: int, limit: int) -> list[Referral]:
        """The referrals `referrer_id` made in the guild, newest first, at most `limit`."""
        ...

    async def counts_by(self, guild_id: int, referrer_id: int) -> dict[ReferralStatus, int]:
        """How many of the referrer's referrals are in each status (missing: none)."""
        ...

    async def move(self, referral: Referral, before: ReferralStatus) -> bool:
        """Store `referral` (a transition of it) if its stored status is still `before`.

        A compare-and-set: False (nothing written) when another transaction moved it first.
        """
        ...

    async def had_session(self, guild_id: int, student_id: int) -> bool:
        """Whether a session of `student_id` as the student already took place here."""
        ...

    async def credit(self, guild_id: int, user_id: int, currency: str) -> CreditAccount:
        """The member's credit in `currency` (empty when there is none), unlocked."""
        ...

    async def lock_credit(
        self, guild_id: int, user_id: int, currency: str, now: datetime
    ) -> CreditAccount:
        """The member's credit in `currency`, locked until the transaction ends.

        The row is made (empty) first if it is missing, so there is always one to lock:
        two transactions changing one balance take turns (PostgreSQL `FOR UPDATE`; SQLite
        serialises writers), and a booking can never use credit another one just took.
        """
        ...

    async def save_credit(
        self, guild_id: int, user_id: int, currency: str, account: CreditAccount, now: datetime
    ) -> None:
        """Store the balance `lock_credit` read in this transaction."""
        ...

    async def credits_of(self, guild_id: int, user_id: int) -> dict[str, CreditAccount]:
        """The member's credit in every currency they have some, by currency."""
        ...
