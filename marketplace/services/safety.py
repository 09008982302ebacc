"""`/block` and `/unblock`."""

from __future__ import annotations

from marketplace.domain.errors import ConflictError
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext, enter_guild


async def block(actor: Actor, other_id: int, ctx: ServiceContext) -> None:
    """Hide the two users from each other's search results and bookings."""
    if other_id == actor.user_id:
        raise ConflictError("self_block")
    async with ctx.uow() as uow:
        await enter_guild(uow, actor, ctx)
        await uow.blocks.block(actor.guild_id, actor.user_id, other_id, ctx.clock.now())
        await uow.commit()


async def unblock(actor: Actor, other_id: int, ctx: ServiceContext) -> bool:
    """Lift the caller's block; False if there was none."""
    async with ctx.uow() as uow:
        lifted = await uow.blocks.unblock(actor.guild_id, actor.user_id, other_id)
        await uow.commit()
    return lifted
