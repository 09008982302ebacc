"""The queue message's persistent buttons: Next, Skip and Done, for the hours' tutors.

Each custom_id carries the guild and the hours, so the buttons work after a restart;
the services refuse anyone who isn't one of the hours' tutors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot import texts
from bot.actors import actor_for
from bot.flows.base import RecordButton, services_of
from marketplace.domain.dropin import QueueBoard, Visit, VisitState
from marketplace.services import dropin
from marketplace.services.context import ServiceContext


def hours_view(guild_id: int, hours_id: int) -> discord.ui.View:
    """Next, Skip and Done for one hours' queue."""
    view = discord.ui.View(timeout=None)
    for button in QUEUE_BUTTONS:
        view.add_item(button(guild_id, hours_id))
    return view


def board_view(board: QueueBoard) -> discord.ui.View | None:
    """The queue message's buttons while the hours are open; none once they ended."""
    return None if board.closed else hours_view(board.hours.guild_id, board.hours.hours_id)


class NextButton(RecordButton, prefix="queue:next"):
    """Next: call the first student in line; their session space opens at once."""

    label = texts.QUEUE_NEXT_LABEL
    style = discord.ButtonStyle.success

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Call the first in line and tell the tutor who it is."""
        actor = actor_for(interaction, self.guild_id)
        called = await dropin.call_next(
            dropin.OnHours(actor, self.record_id), services_of(interaction)
        )
        topic = called.visit.topic
        await interaction.response.send_message(
            texts.QUEUE_CALLED_REPLY.format(
                student=called.visit.student_id,
                topic=texts.QUEUE_TOPIC_LINE.format(topic=topic) if topic else "",
                waiting=called.waiting,
            ),
            ephemeral=True,
        )


async def _end_help(
    interaction: discord.Interaction,
    button: RecordButton,
    end: Callable[[dropin.OnHours, ServiceContext], Awaitable[Visit]],
) -> Visit:
    """Skip or finish the help this tutor is giving; the visit as it now stands."""
    actor = actor_for(interaction, button.guild_id)
    return await end(dropin.OnHours(actor, button.record_id), services_of(interaction))


class SkipButton(RecordButton, prefix="queue:skip"):
    """Skip: the student called isn't here; back in line once, out the second time."""

    label = texts.QUEUE_SKIP_LABEL
    style = discord.ButtonStyle.secondary

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Skip the student this tutor is helping."""
        visit = await _end_help(interaction, self, dropin.skip)
        out = visit.state is VisitState.SKIPPED
        template = texts.QUEUE_SKIPPED_OUT if out else texts.QUEUE_SKIPPED_BACK
        await interaction.response.send_message(
            template.format(student=visit.student_id), ephemeral=True
        )


class DoneButton(RecordButton, prefix="queue:done"):
    """Done: the help is over; its length is recorded and the student gets the survey."""

    label = texts.QUEUE_DONE_LABEL
    style = discord.ButtonStyle.primary

    async def on_press(self, interaction: discord.Interaction) -> None:
        """End the help this tutor is giving."""
        visit = await _end_help(interaction, self, dropin.done)
        minutes = round(visit.help_minutes or 0)
        await interaction.response.send_message(
            texts.QUEUE_DONE_REPLY.format(student=visit.student_id, minutes=minutes),
            ephemeral=True,
        )


QUEUE_BUTTONS: tuple[type[RecordButton], ...] = (NextButton, SkipButton, DoneButton)
