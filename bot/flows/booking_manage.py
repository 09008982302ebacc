"""Cancel (with the policy outcome shown first) and reschedule, from buttons or commands."""

from __future__ import annotations

import discord

from bot import texts
from bot.flows.base import SafeModal, open_form, services_of
from bot.flows.confirm import ConfirmView
from bot.presenters.bookings import cancellation_text
from bot.replies import reply
from marketplace.services import bookings, onboarding, rescheduling, series
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext
from marketplace.timeparse import MAX_WHEN_LENGTH


async def confirm_cancellation(
    interaction: discord.Interaction,
    actor: Actor,
    booking_id: int,
    reason: str = "",
    *,
    following: bool = False,
) -> None:
    """Show what cancelling means, then wait for Confirm.

    With `following`, the later weeks of the booking's weekly series go too.
    """
    ctx = services_of(interaction)
    booking, outcome = await bookings.cancellation_preview(
        bookings.PreviewCancellation(actor, booking_id), ctx
    )
    subject = await onboarding.subject_name(booking.guild_id, booking.subject_key, ctx)
    text = cancellation_text(booking, outcome, subject, by_tutor=actor.user_id == booking.tutor_id)
    if following:
        text += texts.SERIES_CANCEL_FOLLOWING

    async def cancel() -> str:
        if following:
            weeks = await series.cancel_following(
                series.CancelFollowing(actor, booking_id, reason), ctx
            )
            return texts.SERIES_CANCELLED_REPLY.format(count=len(weeks))
        await bookings.cancel(bookings.CancelBooking(actor, booking_id, reason=reason), ctx)
        return texts.CANCELLED

    view = ConfirmView(
        actor.user_id,
        cancel,
        key="cancel",
        back_label=texts.KEEP_LABEL,
        back_text=texts.KEEP,
        danger=True,
    )
    await reply(interaction, text, view=view, ephemeral=True)


async def ask_new_time(interaction: discord.Interaction, actor: Actor, booking_id: int) -> None:
    """Open the new-time modal."""
    await open_form(interaction, RescheduleModal(actor, booking_id, services_of(interaction)))


class RescheduleModal(SafeModal, title=texts.RESCHEDULE_MODAL_TITLE):
    """One field: the new time, in the caller's words."""

    when: discord.ui.TextInput[RescheduleModal] = discord.ui.TextInput(
        custom_id="when",
        label=texts.RESCHEDULE_LABEL,
        placeholder=texts.RESCHEDULE_PLACEHOLDER,
        max_length=MAX_WHEN_LENGTH,
    )

    def __init__(self, actor: Actor, booking_id: int, ctx: ServiceContext) -> None:
        super().__init__()
        self.actor, self.booking_id, self.ctx = actor, booking_id, ctx

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Move the booking, or propose the time to the other side."""
        await reschedule_and_reply(
            interaction, self.actor, self.booking_id, self.when.value, self.ctx
        )


async def reschedule_and_reply(
    interaction: discord.Interaction, actor: Actor, booking_id: int, when: str, ctx: ServiceContext
) -> None:
    """Echo the new time; Confirm moves the booking (or proposes the time)."""
    start = await rescheduling.read_time(
        rescheduling.PreviewReschedule(actor, booking_id, when), ctx
    )

    async def move() -> str:
        booking = await rescheduling.reschedule(
            rescheduling.RescheduleBooking(actor, booking_id, start), ctx
        )
        if booking.proposed_start is not None:
            return texts.RESCHEDULE_PROPOSED.format(start=int(booking.proposed_start.timestamp()))
        return texts.RESCHEDULED.format(start=int(booking.start.timestamp()))

    prompt = texts.RESCHEDULE_CONFIRM.format(booking=booking_id, start=int(start.timestamp()))
    view = ConfirmView(actor.user_id, move, key="time")
    await reply(interaction, prompt, view=view, ephemeral=True)
