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
# the full-scale interaction bench (50 users, no pause, two runs each on a quiet machine):
# no slots 240 and 204 acks/s, ack p50 31-34 ms, peak RSS 191-197 MB (a pooled
# connection, thread and page cache per command reading); 8 slots 203 and 179 acks/s,
# ack p50 20-23 ms, peak RSS ~171 MB; 4 slots held the acks/s back further. A trade of
# some throughput for prompter acknowledgements and memory headroom.
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
    files: Sequence[discord.File] = (),
    ephemeral: bool = True,
) -> None:
    """Answer the interaction; follow up instead if it was deferred or answered already.

    Give one `embed`, or several `embeds` (at most 10, 6,000 characters together); one
    `file`, or several `files` (at most 10, each within the attachment limit).
    """
    cards = [embed] if embed is not None else list(embeds)
    attached = [file] if file else list(files)  # MISSING, like None, is no file
    if interaction.response.is_done():
        await interaction.followup.send(
            content or MISSING,
            embeds=cards or MISSING,
            view=view or MISSING,
            files=attached or MISSING,
            ephemeral=ephemeral,
        )
    else:
        await interaction.response.send_message(
            content,
            embeds=cards or MISSING,
            view=view or MISSING,
            files=attached or MISSING,
            ephemeral=ephemeral,
        )
