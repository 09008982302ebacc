"""A group's persistent buttons: Join, Join waitlist, and Claim seat in the offer's DM.

Each custom_id carries the guild and the group, so they work after a restart; the
services decide (full, already seated, offer gone) and the base turns refusals into
a clear ephemeral reply.
"""

from __future__ import annotations

import discord

from bot import texts
from bot.actors import actor_for
from bot.flows.base import NumberedButton, RecordButton, services_of
from bot.flows.pay import link_view, pay_url
from bot.presenters.bookings import ts
from marketplace.ports.groups import ListedGroup
from marketplace.services import groups
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext


async def seat_reply(
    interaction: discord.Interaction, seat: groups.Seat, actor: Actor, ctx: ServiceContext
) -> None:
    """Tell the member their seat is theirs, or held until they pay (with **Pay**)."""
    group, booking = seat.group, seat.booking
    if seat.price is None:
        text = texts.GROUP_JOINED.format(
            title=group.title, tutor=group.tutor_id, start=ts(group.start)
        )
        await interaction.response.send_message(text, ephemeral=True)
        return
    url = await pay_url(booking, actor, ctx)
    text = texts.GROUP_JOINED_PAY.format(title=group.title, until=ts(booking.expires_at))
    await interaction.response.send_message(
        text, view=link_view(texts.PAY_LABEL, url), ephemeral=True
    )


class GroupJoinButton(NumberedButton, prefix="group:join"):
    """Join #n: take a free seat in group n (the list shows each group's number)."""

    label = texts.GROUP_JOIN_LABEL
    number = "group"
    style = discord.ButtonStyle.success

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Take a seat, then say it's held (paid: until paid) or the session is full."""
        actor, ctx = actor_for(interaction, self.guild_id), services_of(interaction)
        seat = await groups.join(groups.OnGroup(actor, self.record_id), ctx)
        await seat_reply(interaction, seat, actor, ctx)


class GroupWaitlistButton(NumberedButton, prefix="group:wait"):
    """Join waitlist #n: a place in line for group n's next freed seat."""

    label = texts.GROUP_WAITLIST_LABEL
    number = "group"
    style = discord.ButtonStyle.secondary

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Join the line and say where in it the member is."""
        actor = actor_for(interaction, self.guild_id)
        spot = await groups.join_waitlist(
            groups.OnGroup(actor, self.record_id), services_of(interaction)
        )
        text = texts.GROUP_WAITLISTED.format(position=spot.position, title=spot.group.title)
        await interaction.response.send_message(text, ephemeral=True)


class ClaimSeatButton(RecordButton, prefix="group:claim"):
    """Claim seat: take the seat an offer holds for this member, while it runs."""

    label = texts.GROUP_CLAIM_LABEL
    style = discord.ButtonStyle.success

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Claim the held seat (paid: it waits for the member's checkout)."""
        actor, ctx = actor_for(interaction, self.guild_id), services_of(interaction)
        seat = await groups.claim(groups.OnGroup(actor, self.record_id), ctx)
        await seat_reply(interaction, seat, actor, ctx)


def group_button(listed: ListedGroup) -> RecordButton:
    """Join while seats are free, else Join waitlist."""
    kind = GroupWaitlistButton if listed.seats.full else GroupJoinButton
    return kind(listed.group.guild_id, listed.group.group_id)


def groups_view(listed: list[ListedGroup]) -> discord.ui.View | None:
    """One button per listed group, in the list's order, each with the group's number."""
    if not listed:
        return None
    view = discord.ui.View(timeout=None)
    for item in listed[:25]:
        view.add_item(group_button(item))
    return view


def claim_view(guild_id: int, group_id: int) -> discord.ui.View:
    """The seat offer's DM: one **Claim seat** button."""
    view = discord.ui.View(timeout=None)
    view.add_item(ClaimSeatButton(guild_id, group_id))
    return view


GROUP_BUTTONS: tuple[type[RecordButton], ...] = (
    GroupJoinButton,
    GroupWaitlistButton,
    ClaimSeatButton,
)
