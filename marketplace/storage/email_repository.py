"""Campus-email codes and verified addresses in SQL (addresses sealed, found by keyed hash)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from marketplace.domain.email_codes import EmailCode
from marketplace.storage.models import EmailCodeRow, VerifiedEmailRow
from marketplace.storage.sealing import email_lookup_purpose, keys_of_session
from marketplace.storage.sql_repository import SqlRepository, from_row


def _code(row: EmailCodeRow) -> EmailCode:
    return from_row(EmailCode, row)


class SqlEmailVerifications(SqlRepository):
    """Pending codes, one per member, and proved addresses, one member per address."""

    def _hashes(self, guild_id: int, address: str) -> tuple[str, ...]:
        keys = keys_of_session(self._session)
        return keys.lookup_hashes(email_lookup_purpose(guild_id), address.casefold())

    async def code(
        self, guild_id: int, user_id: int, *, for_update: bool = False
    ) -> EmailCode | None:
        query = select(EmailCodeRow).where(
            EmailCodeRow.guild_id == guild_id, EmailCodeRow.user_id == user_id
        )
        row = await self._fresh(query, for_update=for_update)
        return None if row is None else _code(row)

    async def save_code(self, code: EmailCode) -> None:
        values = {
            "address": code.address,
            "address_hash": self._hashes(code.guild_id, code.address)[0],
            "code_hash": code.code_hash,
            "expires_at": code.expires_at,
            "attempts": code.attempts,
            "last_sent_at": code.last_sent_at,
            "sends": code.sends,
            "sends_since": code.sends_since,
        }
        await self._put(EmailCodeRow, {"guild_id": code.guild_id, "user_id": code.user_id}, values)

    async def drop_code(self, guild_id: int, user_id: int) -> None:
        await self._session.execute(
            delete(EmailCodeRow).where(
                EmailCodeRow.guild_id == guild_id, EmailCodeRow.user_id == user_id
            )
        )

    async def count_attempt(self, guild_id: int, user_id: int) -> None:
        await self._session.execute(
            update(EmailCodeRow)
            .where(EmailCodeRow.guild_id == guild_id, EmailCodeRow.user_id == user_id)
            .values(attempts=EmailCodeRow.attempts + 1)
        )

    async def owner_of(self, guild_id: int, address: str) -> int | None:
        return await self._session.scalar(
            select(VerifiedEmailRow.user_id).where(
                VerifiedEmailRow.guild_id == guild_id,
                VerifiedEmailRow.address_hash.in_(self._hashes(guild_id, address)),
            )
        )

    async def add_verified(self, guild_id: int, user_id: int, address: str, now: datetime) -> bool:
        """A member keeps one proved address per guild: a new one replaces their old one."""
        owner = await self.owner_of(guild_id, address)
        if owner is not None:
            return owner == user_id
        await self._session.execute(
            delete(VerifiedEmailRow).where(
                VerifiedEmailRow.guild_id == guild_id, VerifiedEmailRow.user_id == user_id
            )
        )
        return await self._insert_new(
            VerifiedEmailRow,
            (),
            guild_id=guild_id,
            address_hash=self._hashes(guild_id, address)[0],
            user_id=user_id,
            address=address.casefold(),
            verified_at=now,
        )

    async def verified_address(self, guild_id: int, user_id: int) -> str | None:
        return await self._session.scalar(
            select(VerifiedEmailRow.address).where(
                VerifiedEmailRow.guild_id == guild_id, VerifiedEmailRow.user_id == user_id
            )
        )
