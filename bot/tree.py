"""The command tree: every slash command is acknowledged before any database work.

Deferring first keeps every command well inside Discord's 3-second deadline however busy
the process is; the answer follows as an ephemeral follow-up. Commands that answer with a
modal cannot be deferred (a modal must be the first response), so they are listed here.
The check then picks the language to answer in (`bot.speaking`), binds the guild and
user ids to the command's log records, and holds the
bot's telemetry (`bot.telemetry.instrument`) for the error handler to count with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.i18n import ENGLISH, language_of, translations
from bot.speaking import speak_for
from marketplace.logs import bind_log_context

if TYPE_CHECKING:
    from bot.telemetry import BotTelemetry

# Commands whose first answer is immediate, so they are not deferred: a modal must be the
# first response, and /help does no I/O (one request instead of a defer and a follow-up).
ANSWERS_AT_ONCE = frozenset(
    {
        ("profile", "edit"),
        ("review",),
        ("notes-template",),
        ("dispute",),
        ("verify", "request"),
        ("help",),
    }
)


def command_path(interaction: discord.Interaction) -> tuple[str, ...]:
    """The invoked command's name and subcommand names: ("tutor", "availability", "add")."""
    data: Any = interaction.data or {}
    path = [str(data.get("name", ""))]
    options = data.get("options") or []
    while options and options[0].get("type") in (1, 2):  # subcommand (group)
        path.append(str(options[0].get("name", "")))
        options = options[0].get("options") or []
    return tuple(path)


class TutorTree(app_commands.CommandTree[Any]):
    """Defers slash commands (ephemerally) before they run; autocomplete is untouched."""

    telemetry: BotTelemetry | None = None

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Acknowledge at once, unless the command answers at once (a modal, /help)."""
        # This runs in the command's own task, so the ids stay with its records only.
        bind_log_context(guild_id=interaction.guild_id, user_id=interaction.user.id)
        is_command = interaction.type is discord.InteractionType.application_command
        if is_command and command_path(interaction)[:2] not in ANSWERS_AT_ONCE:
            await interaction.response.defer(ephemeral=True, thinking=True)
        await speak_for(interaction)  # after the defer: it may read the guild's settings
        return True


DESCRIPTION_MAX = 100  # Discord: a description or a choice's name is 1-100 characters
NOT_TRANSLATED = frozenset(
    {
        app_commands.TranslationContextLocation.command_name,
        app_commands.TranslationContextLocation.group_name,
        app_commands.TranslationContextLocation.parameter_name,
    }
)


class CatalogTranslator(app_commands.Translator):
    """Discord localizations of the commands' descriptions and choices, from the catalogs.

    Names stay English: the texts name commands (`/find`, `/bookings`) in every language,
    and Discord shows the description beside the name in the member's language. A
    translation Discord would refuse (over 100 characters) falls back to the English.
    """

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """`string` in `locale`'s language, or None to leave Discord the English."""
        language = language_of(locale.value)
        if language is None or language == ENGLISH or context.location in NOT_TRANSLATED:
            return None
        translated = translations(language).gettext(string.message)
        if translated == string.message or not 1 <= len(translated) <= DESCRIPTION_MAX:
            return None
        return translated


def command_texts(cogs: list[type[Any]]) -> set[str]:
    """Every description and choice name of the slash commands the cog classes declare."""
    found: set[str] = set()

    def walk(command: app_commands.Command[Any, ..., Any] | app_commands.Group) -> None:
        found.add(command.description)
        if isinstance(command, app_commands.Group):
            for child in command.commands:
                walk(child)
            return
        for parameter in command.parameters:
            found.add(parameter.description)
            found.update(choice.name for choice in parameter.choices)

    for cog in cogs:
        for command in getattr(cog, "__cog_app_commands__", []):
            walk(command)
    return found
