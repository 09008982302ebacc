"""The command tree: every slash command is acknowledged before any database work.

Deferring first keeps every command well inside Discord's 3-second deadline however busy
the process is; the answer follows as an ephemeral follow-up. Commands that answer with a
modal cannot be deferred (a modal must be the first response), so they are listed here.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

OPENS_A_MODAL = frozenset(
    {("profile", "edit"), ("review",), ("notes-template",), ("dispute",), ("verify", "request")}
)


def _path(interaction: discord.Interaction) -> tuple[str, ...]:
    data: Any = interaction.data or {}
    path = [str(data.get("name", ""))]
    options = data.get("options") or []
    while options and options[0].get("type") in (1, 2):  # subcommand (group)
        path.append(str(options[0].get("name", "")))
        options = options[0].get("options") or []
    return tuple(path)


class TutorTree(app_commands.CommandTree[Any]):
    """Defers slash commands (ephemerally) before they run; autocomplete is untouched."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Acknowledge at once, unless the command answers with a modal."""
        is_command = interaction.type is discord.InteractionType.application_command
        if is_command and _path(interaction)[:2] not in OPENS_A_MODAL:
            await interaction.response.defer(ephemeral=True, thinking=True)
        return True
