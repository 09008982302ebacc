"""`/block` and `/unblock`."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.domain.errors import ConflictError
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext, enter_guild


@dataclass(frozen=True, slots=True)
class BlockMember:
    """`/block`: hide another member from your search and bookings."""

    actor: Actor
    other_id: int


async def block(command: BlockMember, ctx: ServiceContext) -> None:
    """Hide the two users from each other's search results and bookings."""
    actor, other_id = command.actor, command.other_id
    if other_id == actor.user_id:
        raise ConflictError("self_block")
    async with ctx.uow() as uow:
        await enter_guild(uow, actor, ctx)
        await uow.blocks.block(actor.guild_id, actor.user_id, other_id, ctx.clock.now())
        await uow.commit()


@dataclass(frozen=True, slots=True)
class UnblockMember:
    """`/unblock`: lift a block you made."""

    actor: Actor
    other_id: int


async def unblock(command: UnblockMember, ctx: ServiceContext) -> bool:
    """Lift the caller's block; False if there was none."""
    actor, other_id = command.actor, command.other_id
    async with ctx.uow() as uow:
        lifted = await uow.blocks.unblock(actor.guild_id, actor.user_id, other_id)
        await uow.commit()
    return lifted
