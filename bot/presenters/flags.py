"""The `/mod queue` card of flagged messages: who, why, and the messages around it."""

from __future__ import annotations

import discord

from bot import texts
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.text_limits import FIELD_VALUE_MAX, clip, fit_embed, fit_joined
from marketplace.domain.session_log import MessageFlag
from marketplace.services.message_flags import FlagQueue

CONTEXT_TEXT_MAX = 180


def _kinds(flag: MessageFlag) -> str:
    return texts.human_join([texts.MOD_FLAG_KINDS.get(k, k) for k in flag.kinds])


def _context(flag: MessageFlag) -> str:
    if not flag.context:
        return texts.MOD_FLAG_PURGED
    lines = []
    for message in flag.context:
        template = (
            texts.MOD_FLAG_FLAGGED_LINE
            if message.message_id == flag.message_id
            else texts.MOD_FLAG_CONTEXT_LINE
        )
        shown = " ".join(message.text.split()) or "…"
        lines.append(template.format(author=message.author_id, text=clip(shown, CONTEXT_TEXT_MAX)))
    return "\n".join(lines)


def flags_embed(queue: FlagQueue) -> discord.Embed:
    """One field per open flag, oldest first."""
    embed = discord.Embed(
        title=texts.MOD_FLAGS_TITLE.format(total=queue.total), colour=BRAND_COLOUR
    )
    for flag in queue.flags:
        body = texts.MOD_FLAG_BODY.format(
            author=flag.author_id, kinds=_kinds(flag), context=_context(flag)
        )
        embed.add_field(
            name=texts.MOD_FLAG_TITLE.format(
                flag=flag.flag_id,
                booking=flag.booking_id or "?",
                at=int(flag.created_at.timestamp()),
            ),
            value=fit_joined(body.split("\n"), FIELD_VALUE_MAX, "\n"),
            inline=False,
        )
    return fit_embed(embed, texts.MOD_QUEUE_MORE)
