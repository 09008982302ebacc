"""Notices kept because no DM or channel could carry them, as admins see them."""

from __future__ import annotations

from marketplace.ports.kept_notices import KeptNotice
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext
from marketplace.services.guild_admin import require_admin

SHOWN = 10  # how many waiting notices `/admin config` lists


async def waiting(actor: Actor, ctx: ServiceContext) -> list[KeptNotice]:
    """The guild's oldest notices still waiting for their member, for an admin."""
    async with ctx.uow(read_only=True) as uow:
        await require_admin(uow, actor)
        return await uow.kept_notices.in_guild(actor.guild_id, SHOWN)
