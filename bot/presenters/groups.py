"""Group sessions as people read them: a card per group, the list, the DMs' bodies."""

from __future__ import annotations

import discord

from bot import texts
from bot.presenters.bookings import ts
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.text_limits import EMBED_DESCRIPTION_MAX, clip
from marketplace.formatting import DEFAULT_LOCALE, format_money
from marketplace.ports.groups import ListedGroup
from marketplace.ports.notice_details import GroupDetails


def group_line(listed: ListedGroup, locale: str = DEFAULT_LOCALE) -> str:
    """One group as a line: what, who, when, seats, price, level."""
    group, seats = listed.group, listed.seats
    if seats.full:
        seat_text = texts.GROUP_SEATS_FULL.format(seats=group.seats, waiting=listed.waiting)
    else:
        seat_text = texts.GROUP_SEATS_FREE.format(free=seats.free, seats=group.seats)
    price = texts.GROUP_PRICE.format(price=format_money(group.price, locale)) if group.price else ""
    minutes = int((group.end - group.start).total_seconds() // 60)
    return texts.GROUP_CARD_LINE.format(
        group=group.group_id, title=group.title, tutor=group.tutor_id, start=ts(group.start),
        minutes=minutes, seats=seat_text, price=price,
        level=texts.GROUP_LEVEL.format(level=group.level) if group.level else "",
    )  # fmt: skip


def group_list_embed(lines: list[str]) -> discord.Embed:
    """`/group list`: one line per group; the buttons below carry the groups' numbers."""
    body = "\n".join(lines)
    embed = discord.Embed(
        title=texts.GROUP_LIST_TITLE,
        description=clip(body or texts.GROUP_LIST_EMPTY, EMBED_DESCRIPTION_MAX),
        colour=BRAND_COLOUR,
    )
    if lines:
        embed.set_footer(text=texts.GROUP_LIST_FOOTER)
    return embed


def seat_offered_body(details: GroupDetails) -> str:
    """The DM with **Claim seat**: which group, until when."""
    return texts.SEAT_OFFERED_NOTICE.format(
        title=details.title, start=details.start, until=details.until
    )


def group_cancelled_body(details: GroupDetails) -> str:
    """The DM telling a seat (or the tutor) the group is off, and why."""
    template = (
        texts.GROUP_CANCELLED_TOO_FEW
        if details.reason == "too_few"
        else texts.GROUP_CANCELLED_BY_TUTOR
    )
    return template.format(title=details.title, start=details.start)
