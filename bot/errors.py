"""The one error handler: domain errors become a short ephemeral message, nothing else leaks."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot import texts
from bot.actors import NotInGuildError
from bot.replies import reply
from bot.telemetry import BotTelemetry
from marketplace.domain.errors import DomainError

log = logging.getLogger(__name__)


def unwrap(error: BaseException) -> BaseException:
    """The original exception behind discord.py's invoke wrappers."""
    if isinstance(error, app_commands.CommandInvokeError):
        return error.original
    return error


def message_for(error: BaseException, viewer_id: int | None = None) -> str:
    """The user-facing sentence for any error raised while `viewer_id` interacted."""
    match error:
        case DomainError():
            return texts.describe_error(error, viewer_id)
        case app_commands.NoPrivateMessage() | NotInGuildError():
            return texts.GUILD_ONLY
        case app_commands.MissingPermissions():
            return texts.NEEDS["admin"]
        case app_commands.TransformerError():
            return texts.BAD_OPTION
        case app_commands.CommandOnCooldown(retry_after=retry):
            return texts.COOLDOWN.format(seconds=max(1, round(retry)))
    return texts.UNEXPECTED


async def handle_interaction_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Log the detail (with the guild and user ids), count it, then tell the user plainly.

    Never shows a traceback.
    """
    original = unwrap(error)
    ids = {"guild_id": interaction.guild_id, "user_id": interaction.user.id}
    refused = isinstance(original, DomainError)
    if refused:
        log.info("refused %s: %r", _where(interaction), original, extra=ids)
    else:
        log.error("error in %s", _where(interaction), exc_info=original, extra=ids)
    telemetry = _telemetry(interaction)
    if telemetry is not None:
        telemetry.interaction_failed(interaction, "refused" if refused else "failed")
    try:
        await reply(interaction, message_for(original, interaction.user.id))
    except discord.HTTPException:
        log.warning("could not tell the user about an error in %s", _where(interaction), extra=ids)


def _telemetry(interaction: discord.Interaction) -> BotTelemetry | None:
    """The bot's telemetry, when the client is an instrumented TutorBot."""
    found = getattr(getattr(interaction.client, "tree", None), "telemetry", None)
    return found if isinstance(found, BotTelemetry) else None


def _where(interaction: discord.Interaction) -> str:
    command = interaction.command.qualified_name if interaction.command else None
    return f"/{command}" if command else f"component {interaction.data!r:.80}"
