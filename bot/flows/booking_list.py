"""`/bookings` buttons: per booking, what its viewer can do with it right now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import discord

from bot import texts
from bot.flows.booking_buttons import (
    CheckInButton,
    ManageButton,
    MarkCompleteButton,
    space_link,
)
from bot.flows.disputes import OpenDisputeButton
from bot.flows.pay import link_button, pay_url
from bot.flows.reviews import LeaveReviewButton
from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.booking_actions import Action, allowed_actions
from marketplace.services import attendance, disputes, spaces
from marketplace.services.commands import Actor
from marketplace.services.context import ServiceContext

MAX_ROWS = 5  # Discord's limit of action rows per message
MAX_PER_ROW = 5  # Discord's limit of components per action row (the tag is one)


def _actionable(booking: Booking, viewer_id: int, now: datetime, disputable: set[int]) -> bool:
    actions = allowed_actions(booking, viewer_id, now)
    offered = actions.allowed & {Action.CANCEL, Action.MARK_COMPLETE, Action.REVIEW}
    return bool(offered) or booking.booking_id in disputable


async def _row_items(
    booking: Booking, actor: Actor, now: datetime, ctx: ServiceContext, *, check_in: bool
) -> list[discord.ui.Item[Any]]:
    """The buttons after the booking's tag, in reading order."""
    guild_id, booking_id = booking.guild_id, booking.booking_id
    items: list[discord.ui.Item[Any]] = []
    actions = allowed_actions(booking, actor.user_id, now)
    if Action.REVIEW in actions:
        return [LeaveReviewButton(guild_id, booking_id)]  # each side reviews the other
    if booking.state is BookingState.NO_SHOW:
        return []  # only Open dispute, while its window lasts
    if check_in:
        items.append(CheckInButton(guild_id, booking_id))
    if (space := await spaces.live_space(booking_id, ctx)) and space.text_id is not None:
        items.append(space_link(guild_id, space.text_id, texts.JOIN_LABEL))
    if Action.PAY in actions:
        items.append(link_button(texts.PAY_LABEL, await pay_url(booking, actor, ctx)))
    if Action.MARK_COMPLETE in actions:
        items.append(MarkCompleteButton(guild_id, booking_id))
    elif Action.RESCHEDULE in actions:
        items.append(ManageButton("resched", guild_id, booking_id))
    if Action.CANCEL in actions:
        items.append(ManageButton("cancel", guild_id, booking_id))
    return items


async def bookings_view(
    items: list[Booking], actor: Actor, ctx: ServiceContext
) -> discord.ui.View | None:
    """One row per booking to act on: Check in, Join, Pay, Mark complete, Reschedule, Cancel.

    Open dispute joins a row while the booking's dispute window is open, if there is room.
    """
    now = ctx.clock.now()
    view = discord.ui.View(timeout=None)
    disputable = await disputes.open_window(items, actor.guild_id, ctx)
    shown = [b for b in items if _actionable(b, actor.user_id, now, disputable)][:MAX_ROWS]
    check_in = await attendance.check_in_open(shown, actor.guild_id, ctx)
    for row, booking in enumerate(shown):
        tag: discord.ui.Button[discord.ui.View] = discord.ui.Button(
            label=f"#{booking.booking_id}",
            disabled=True,
            row=row,
            custom_id=f"bookings:tag:{booking.booking_id}",
        )
        view.add_item(tag)
        row_items = await _row_items(
            booking, actor, now, ctx, check_in=booking.booking_id in check_in
        )
        if booking.booking_id in disputable and len(row_items) < MAX_PER_ROW - 1:
            row_items.append(OpenDisputeButton(booking.guild_id, booking.booking_id))
        for item in row_items:
            item.row = row
            view.add_item(item)
    return view if view.children else None
