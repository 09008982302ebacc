"""The notices waiting for members, as a field of `/admin config`."""

from __future__ import annotations

import discord

from bot import texts
from marketplace.ports.kept_notices import KeptNotice


def add_kept_notices(embed: discord.Embed, kept: list[KeptNotice]) -> None:
    """List what waits (nothing is added when nothing does)."""
    if not kept:
        return
    lines = [
        texts.KEPT_NOTICE_LINE.format(
            user=k.user_id,
            kind=k.kind.replace("_", " "),
            when=discord.utils.format_dt(k.kept_at, "R"),
        )
        for k in kept
    ]
    embed.add_field(
        name=texts.KEPT_NOTICES_TITLE,
        value="\n".join([*lines, texts.KEPT_NOTICES_HINT])[:1024],
        inline=False,
    )
