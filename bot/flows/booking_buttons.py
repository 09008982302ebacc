"""Persistent booking buttons (DynamicItem): they keep working after a restart.

Each custom_id carries the guild and the booking; the services refuse anyone who is not
the right party to that booking, so a button carrying someone else's booking does nothing.
"""

from __future__ import annotations

import re
from typing import Any, Self

import discord

from bot import texts
from bot.actors import actor_for
from bot.flows.base import PersistentButton, RecordButton, services_of
from bot.flows.booking_manage import ask_new_time, confirm_cancellation
from bot.flows.reviews import ReplyButton
from bot.i18n import gettext as _
from marketplace.ports import Notice, NoticeKind
from marketplace.ports.notice_details import ReminderDetails
from marketplace.services import attendance, bookings, rescheduling, sessions

ANSWER_KINDS = {NoticeKind.BOOKING_REQUESTED: "booking", NoticeKind.RESCHEDULE_REQUESTED: "resched"}
MANAGE_KINDS = frozenset(
    {NoticeKind.BOOKING_CONFIRMED, NoticeKind.BOOKING_RESCHEDULED, NoticeKind.REMINDER}
)


class AnswerButton(
    PersistentButton,
    template=r"(?P<what>booking|resched):(?P<answer>accept|decline):(?P<guild>\d+):(?P<id>\d+)",
):
    """Accept or Decline: a request (tutor) or a proposed new time (the other side)."""

    def __init__(self, what: str, answer: str, guild_id: int, booking_id: int) -> None:
        self.what, self.answer, self.guild_id, self.booking_id = what, answer, guild_id, booking_id
        accept = answer == "accept"
        super().__init__(
            discord.ui.Button(
                label=texts.ACCEPT_LABEL if accept else texts.DECLINE_LABEL,
                style=discord.ButtonStyle.success if accept else discord.ButtonStyle.secondary,
                custom_id=f"{what}:{answer}:{guild_id}:{booking_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its custom_id (after a restart too)."""
        return cls(match["what"], match["answer"], int(match["guild"]), int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Make the one transition; a second click gets a friendly 'already done'."""
        actor, ctx = actor_for(interaction, self.guild_id), services_of(interaction)
        accepted = self.answer == "accept"
        if self.what == "resched":
            await rescheduling.answer_reschedule(
                rescheduling.AnswerReschedule(actor, self.booking_id, accepted), ctx
            )
            reply = texts.RESCHEDULE_ACCEPTED if accepted else texts.RESCHEDULE_KEPT
        elif accepted:
            await bookings.accept(bookings.AcceptBooking(actor, self.booking_id), ctx)
            reply = texts.ACCEPTED
        else:
            await bookings.decline(bookings.DeclineBooking(actor, self.booking_id), ctx)
            reply = texts.DECLINED
        await interaction.response.send_message(reply, ephemeral=True)


class ManageButton(
    PersistentButton,
    template=r"manage:(?P<action>cancel|resched):(?P<guild>\d+):(?P<id>\d+)",
):
    """Cancel booking / Reschedule, on confirmations, reminders and `/bookings`."""

    def __init__(self, action: str, guild_id: int, booking_id: int) -> None:
        self.action, self.guild_id, self.booking_id = action, guild_id, booking_id
        cancel = action == "cancel"
        super().__init__(
            discord.ui.Button(
                label=texts.CANCEL_BOOKING_LABEL if cancel else texts.RESCHEDULE_BUTTON_LABEL,
                style=discord.ButtonStyle.danger if cancel else discord.ButtonStyle.secondary,
                custom_id=f"manage:{action}:{guild_id}:{booking_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its custom_id (after a restart too)."""
        return cls(match["action"], int(match["guild"]), int(match["id"]))

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Show the cancellation outcome to confirm, or ask for the new time."""
        actor = actor_for(interaction, self.guild_id)
        if self.action == "cancel":
            await confirm_cancellation(interaction, actor, self.booking_id)
        else:
            await ask_new_time(interaction, actor, self.booking_id)


class MarkCompleteButton(RecordButton, prefix="session:complete"):
    """Mark complete: either side ends a session that has started; the money follows."""

    label = texts.MARK_COMPLETE_LABEL
    style = discord.ButtonStyle.success

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Complete once; a second click gets a friendly 'already marked complete'."""
        actor, ctx = actor_for(interaction, self.guild_id), services_of(interaction)
        booking = await sessions.complete(sessions.CompleteSession(actor, self.record_id), ctx)
        done = texts.COMPLETED if booking.price is not None else texts.COMPLETED_FREE
        await interaction.response.send_message(done, ephemeral=True)


class CheckInButton(RecordButton, prefix="session:checkin"):
    """Check in: either participant says they are there; the time is kept as evidence."""

    label = texts.CHECK_IN_LABEL
    style = discord.ButtonStyle.primary
    denied_text = texts.CHECK_IN_NOT_YOURS

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Check in once; a second click gets "already checked in"."""
        actor, ctx = actor_for(interaction, self.guild_id), services_of(interaction)
        recorded = await attendance.check_in(attendance.CheckIn(actor, self.record_id), ctx)
        done = texts.CHECKED_IN if recorded else texts.ALREADY_CHECKED_IN
        await interaction.response.send_message(done, ephemeral=True)


def space_link(
    guild_id: int, channel_id: int, label: str = texts.SPACE_JOIN_LABEL
) -> discord.ui.Button[Any]:
    """One click to the session space (a thread or channel of the guild)."""
    return discord.ui.Button(
        label=_(label),
        url=f"https://discord.com/channels/{guild_id}/{channel_id}",
    )


PERSISTENT_BUTTONS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    ManageButton,
    MarkCompleteButton,
    CheckInButton,
)


def notice_view(notice: Notice) -> discord.ui.View | None:
    """The buttons a notice carries, if any."""
    booking = notice.booking
    if booking is None:
        return None
    view = discord.ui.View(timeout=None)
    if what := ANSWER_KINDS.get(notice.kind):
        view.add_item(AnswerButton(what, "accept", booking.guild_id, booking.booking_id))
        view.add_item(AnswerButton(what, "decline", booking.guild_id, booking.booking_id))
    elif notice.kind is NoticeKind.REVIEW_RECEIVED:
        view.add_item(ReplyButton(booking.guild_id, booking.booking_id))
    elif notice.kind in MANAGE_KINDS:
        if _checks_in(notice):
            view.add_item(CheckInButton(booking.guild_id, booking.booking_id))
        if (space := _space_of(notice)) is not None:
            view.add_item(space_link(booking.guild_id, space))
        view.add_item(ManageButton("resched", booking.guild_id, booking.booking_id))
        view.add_item(ManageButton("cancel", booking.guild_id, booking.booking_id))
    return view if view.children else None


def _checks_in(notice: Notice) -> bool:
    """The reminder the guild's policy picks (the last before the start) carries Check in."""
    details = notice.details
    if notice.kind is not NoticeKind.REMINDER or not isinstance(details, ReminderDetails):
        return False
    return details.check_in


def _space_of(notice: Notice) -> int | None:
    """The session space a reminder links to, if one was open when it was sent."""
    return notice.details.space_id if isinstance(notice.details, ReminderDetails) else None
