"""Sending replies that work whether or not the interaction was already answered.

`work_slot()` paces the database work of deferred commands (see its docstring).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence

import discord
from discord.utils import MISSING

# How many deferred commands of one process do their database work at once. Measured on
# the full-scale interaction bench (50 users, no pause): 4 slots cut the acks/s (the
# searches' SQLite time in worker threads no longer overlapped enough); 16 or none peaked
# at ~194 MB RSS (a pooled connection, thread and page cache per command reading); 8 kept
# the acks/s of none at a peak of ~170 MB.
WORK_SLOTS = 8

_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def work_slot() -> asyncio.Semaphore:
    """The slots for deferred commands' database work, one semaphore per event loop.

    Use as `async with work_slot(): ...` around a command's reads. The bot acknowledges
    every command before it runs (`bot.tree`), and then has 15 minutes to answer. Fifty
    commands reading at once finish no sooner than if they took turns (one SQLite file,
    one event loop), but they fill the loop with their steps, so the next command's
    acknowledgement waits behind all of them, and they hold as many pooled connections
    (each with its own thread and page cache). With a few slots, acknowledgements go
    straight through and the rest wait their turn here.
    """
    loop = asyncio.get_running_loop()
    slots = _slots.get(loop)
    if slots is None:
        slots = _slots[loop] = asyncio.Semaphore(WORK_SLOTS)
    return slots


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
    ephemeral: bool = True,
) -> None:
    """Answer the interaction; follow up instead if it was deferred or answered already.

    Give one `embed`, or several `embeds` (at most 10, 6,000 characters together).
    """
    cards = [embed] if embed is not None else list(embeds)
    if interaction.response.is_done():
        await interaction.followup.send(
            content or MISSING,
            embeds=cards or MISSING,
            view=view or MISSING,
            file=file or MISSING,
            ephemeral=ephemeral,
        )
    else:
        await interaction.response.send_message(
            content,
            embeds=cards or MISSING,
            view=view or MISSING,
            file=file or MISSING,
            ephemeral=ephemeral,
        )
