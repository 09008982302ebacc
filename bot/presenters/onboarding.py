"""Embeds for onboarding: the saved summary, the checklist, help."""

from __future__ import annotations

import discord

from bot import texts
from bot.presenters.text_limits import EMBED_TITLE_MAX, FIELD_VALUE_MAX, clip, fit_joined
from marketplace.domain.checklist import Step
from marketplace.services.results import Onboarded

BRAND_COLOUR = discord.Colour(0x3B82F6)


def checklist_lines(steps: tuple[Step, ...] | list[Step]) -> str:
    """One line per step, ticked when done."""
    lines = [f"{'✅' if s.done else '⬜'} {texts.STEP_TEXT.get(s.key, s.key)}" for s in steps]
    if all(s.done for s in steps):
        lines.append(texts.ALL_DONE)
    return "\n".join(lines)


def onboarded_embed(result: Onboarded, display_name: str) -> discord.Embed:
    """What `/start` shows once saved: a summary and the next-step checklist."""
    embed = discord.Embed(
        title=clip(texts.START_SAVED_TITLE.format(name=display_name), EMBED_TITLE_MAX),
        description=texts.START_SAVED.format(
            role=texts.ROLE_LABELS[result.member.role.value],
            zone=result.timezone,
            subjects=fit_joined([s.name for s in result.subjects], FIELD_VALUE_MAX),
            level=texts.LEVEL_LABELS[result.level.value],
        ),
        colour=BRAND_COLOUR,
    )
    embed.add_field(name=texts.CHECKLIST_TITLE, value=checklist_lines(result.checklist))
    return embed


def help_embed() -> discord.Embed:
    """The `/help` card."""
    embed = discord.Embed(title=texts.HELP_TITLE, colour=BRAND_COLOUR)
    for name, value in texts.HELP_SECTIONS:
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=texts.HELP_FOOTER)
    return embed
