"""The flagged-message buttons in `/mod queue`: Dismiss #N, Warn #N, Restrict #N.

Each carries the guild and the flag in its custom_id, so it still works after a restart;
the service checks the clicker's moderator rights and decides a flag only once.
"""

from __future__ import annotations

from typing import Any, ClassVar

import discord

from bot import texts
from bot.actors import actor_in, standing_of
from bot.flows.base import NumberedButton, services_of
from bot.i18n import gettext as _
from bot.replies import reply
from marketplace.services import message_flags
from marketplace.services.actor import Actor
from marketplace.services.message_flags import FlagQueue


class _FlagButton(NumberedButton, prefix="flag:decide"):
    """The shared callback: decide the flag with this button's action."""

    number = "flag"
    action: ClassVar[str] = "dismiss"
    done: ClassVar[str] = ""

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Decide once; a second click is told it was decided already."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        actor = actor_in(interaction, self.guild_id, "message_flag", self.record_id)
        cmd = message_flags.DecideFlag(
            actor, self.record_id, self.action, await self._target(interaction, actor)
        )
        decided = await message_flags.decide_flag(cmd, services_of(interaction))
        await reply(interaction, _(self.done).format(flag=self.record_id, user=decided.author_id))

    async def _target(self, interaction: discord.Interaction, actor: Actor) -> Actor | None:
        return None


class DismissFlagButton(_FlagButton, prefix="flag:dismiss"):
    """Dismiss #N: nothing wrong after all."""

    style = discord.ButtonStyle.secondary
    action, label, done = "dismiss", texts.MOD_FLAG_DISMISS_LABEL, texts.MOD_FLAG_DISMISSED


class WarnFlagButton(_FlagButton, prefix="flag:warn"):
    """Warn #N: the sender is told by DM."""

    style = discord.ButtonStyle.primary
    action, label, done = "warn", texts.MOD_FLAG_WARN_LABEL, texts.MOD_FLAG_WARNED


class RestrictFlagButton(_FlagButton, prefix="flag:restrict"):
    """Restrict #N: the sender can't book or be booked for 7 days."""

    style = discord.ButtonStyle.danger
    action, label, done = "restrict", texts.MOD_FLAG_RESTRICT_LABEL, texts.MOD_FLAG_RESTRICTED

    async def _target(self, interaction: discord.Interaction, actor: Actor) -> Actor | None:
        """The sender's standing (staff can't be restricted), looked up on Discord."""
        guild = interaction.guild
        if guild is None:
            return None
        author = await message_flags.author_of(
            message_flags.FlagAuthor(actor, self.record_id), services_of(interaction)
        )
        try:
            member: discord.User | discord.Member = await guild.fetch_member(author)
        except discord.NotFound:
            return Actor(guild.id, guild.name, author)
        return standing_of(member, guild)


FLAG_BUTTONS = (DismissFlagButton, WarnFlagButton, RestrictFlagButton)


def flags_view(guild_id: int, queue: FlagQueue) -> discord.ui.View:
    """Three buttons per listed flag (at most 5 flags: 15 of Discord's 25)."""
    view = discord.ui.View(timeout=None)
    for flag in queue.flags:
        row: list[discord.ui.Item[Any]] = [b(guild_id, flag.flag_id) for b in FLAG_BUTTONS]
        for item in row:
            view.add_item(item)
    return view
