"""The `/admin config` card."""

from __future__ import annotations

from dataclasses import asdict

import discord

from bot import texts
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.text_limits import FIELD_VALUE_MAX, fit_joined
from marketplace.domain.policy import SETTINGS, SettingGroup, SettingKind, settings_in_group
from marketplace.services.results import GuildConfig


def setting_value_text(key: str, value: object) -> str:
    """A setting's value as an admin reads it: mentions, on/off, lists."""
    kind = SETTINGS[key].kind
    if value is None or value == ():
        return texts.NOT_SET
    if kind is SettingKind.CHANNEL:
        return f"<#{value}>"
    if kind is SettingKind.ROLE:
        return f"<@&{value}>"
    if kind is SettingKind.BOOL:
        return "on" if value else "off"
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return str(value)


def config_embed(config: GuildConfig, *, screening_on: bool = True) -> discord.Embed:
    """Every setting, grouped, with its current value, then what the host has set up.

    `screening_on`: the bot has the Message Content intent, so session spaces are screened.
    """
    values = asdict(config.policy)
    embed = discord.Embed(
        title=texts.CONFIG_TITLE, description=texts.CONFIG_HELP, colour=BRAND_COLOUR
    )
    for group in SettingGroup:
        lines = [
            f"`{key}`: {setting_value_text(key, values[key])}" for key in settings_in_group(group)
        ]
        if lines:
            embed.add_field(
                name=texts.CONFIG_GROUP_TITLES[group.value],
                value=fit_joined(lines, FIELD_VALUE_MAX, "\n"),
                inline=False,
            )
    setup = [
        texts.CONFIG_EMAIL_ON if config.email_available else texts.CONFIG_EMAIL_OFF,
        texts.CONFIG_SCREENING_ON if screening_on else texts.CONFIG_SCREENING_OFF,
    ]
    embed.add_field(name=texts.CONFIG_SETUP_TITLE, value="\n".join(setup), inline=False)
    if not config.payments_available:
        embed.set_footer(text=texts.CONFIG_PAYMENTS_OFF)
    return embed
