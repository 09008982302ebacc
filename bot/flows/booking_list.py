"""`/bookings` buttons: per booking, what its viewer can do with it right now."""

from __future__ import annotations

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
from bot.flows.pay import link_button
from bot.flows.reviews import LeaveReviewButton
from marketplace.domain.booking import BookingState
from marketplace.domain.booking_actions import Action
from marketplace.services import attendance, disputes
from marketplace.services.actor import Actor
from marketplace.services.booking_views import BookingListRow
from marketplace.services.context import ServiceContext

MAX_ROWS = 5  # Discord's limit of action rows per message
MAX_PER_ROW = 5  # Discord's limit of components per action row (the tag is one)


def _actionable(row: BookingListRow, disputable: set[int]) -> bool:
    offered = row.actions.allowed & {Action.CANCEL, Action.MARK_COMPLETE, Action.REVIEW}
    return bool(offered) or row.booking.booking_id in disputable


def _row_items(row: BookingListRow, *, check_in: bool) -> list[discord.ui.Item[Any]]:
    """The buttons after the booking's tag, in reading order."""
    booking, actions = row.booking, row.actions
    guild_id, booking_id = booking.guild_id, booking.booking_id
    items: list[discord.ui.Item[Any]] = []
    if Action.REVIEW in actions:
        return [LeaveReviewButton(guild_id, booking_id)]  # each side reviews the other
    if booking.state is BookingState.NO_SHOW:
        return []  # only Open dispute, while its window lasts
    if check_in:
        items.append(CheckInButton(guild_id, booking_id))
    if row.space_text_id is not None:
        items.append(space_link(guild_id, row.space_text_id, texts.JOIN_LABEL))
    if row.pay_url is not None:
        items.append(link_button(texts.PAY_LABEL, row.pay_url))
    if Action.MARK_COMPLETE in actions:
        items.append(MarkCompleteButton(guild_id, booking_id))
    elif Action.RESCHEDULE in actions:
        items.append(ManageButton("resched", guild_id, booking_id))
    if Action.CANCEL in actions:
        items.append(ManageButton("cancel", guild_id, booking_id))
    return items


async def bookings_view(
    rows: list[BookingListRow], actor: Actor, ctx: ServiceContext
) -> discord.ui.View | None:
    """One row per booking to act on: Check in, Join, Pay, Mark complete, Reschedule, Cancel.

    Open dispute joins a row while the booking's dispute window is open, if there is room.
    """
    view = discord.ui.View(timeout=None)
    disputable = await disputes.open_window([r.booking for r in rows], actor.guild_id, ctx)
    shown = [r for r in rows if _actionable(r, disputable)][:MAX_ROWS]
    check_in = await attendance.check_in_open([r.booking for r in shown], actor.guild_id, ctx)
    for row, listed in enumerate(shown):
        booking = listed.booking
        tag: discord.ui.Button[discord.ui.View] = discord.ui.Button(
            label=f"#{booking.booking_id}",
            disabled=True,
            row=row,
            custom_id=f"bookings:tag:{booking.booking_id}",
        )
        view.add_item(tag)
        row_items = _row_items(listed, check_in=booking.booking_id in check_in)
        if booking.booking_id in disputable and len(row_items) < MAX_PER_ROW - 1:
            row_items.append(OpenDisputeButton(booking.guild_id, booking.booking_id))
        for item in row_items:
            item.row = row
            view.add_item(item)
    return view if view.children else None
