"""The live queue message of drop-in hours, and the student's place in line."""

from __future__ import annotations

import discord

from bot import texts
from bot.presenters.bookings import ts
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.text_limits import FIELD_VALUE_MAX, fit_joined
from marketplace.domain.dropin import QueueBoard
from marketplace.services.dropin import QueuePlace


def board_embed(board: QueueBoard) -> discord.Embed:
    """Who is helping whom, how many wait, and how long someone joining now might wait.

    A queue of any length shows in one embed: it gives counts, never the whole line.
    """
    hours = board.hours
    description = (
        texts.QUEUE_BOARD_CLOSED
        if board.closed
        else texts.QUEUE_BOARD_OPEN.format(subject=board.subject, until=ts(hours.until))
    )
    embed = discord.Embed(
        title=texts.QUEUE_BOARD_TITLE.format(subject=board.subject),
        description=description,
        colour=BRAND_COLOUR,
    )
    if board.closed:
        return embed
    tutors = fit_joined([f"<@{tutor}>" for tutor in hours.tutor_ids], FIELD_VALUE_MAX, " ")
    embed.add_field(name=texts.QUEUE_BOARD_TUTORS, value=tutors or "—", inline=False)
    helping = [
        texts.QUEUE_BOARD_HELPING_LINE.format(tutor=tutor, student=student)
        for tutor, student in board.helping
    ]
    embed.add_field(
        name=texts.QUEUE_BOARD_HELPING,
        value=fit_joined(helping, FIELD_VALUE_MAX, "\n")
        if helping
        else texts.QUEUE_BOARD_NOBODY_HELPED,
        inline=False,
    )
    embed.add_field(
        name=texts.QUEUE_BOARD_WAITING,
        value=texts.QUEUE_BOARD_WAITING_VALUE.format(count=board.waiting),
    )
    wait = (
        texts.QUEUE_BOARD_WAIT_VALUE.format(minutes=board.next_wait_minutes)
        if board.waiting or board.helping
        else texts.QUEUE_BOARD_NO_WAIT
    )
    embed.add_field(name=texts.QUEUE_BOARD_WAIT, value=wait)
    embed.set_footer(text=texts.QUEUE_BOARD_FOOTER)
    return embed


def place_text(place: QueuePlace) -> str:
    """The student's answer to `/queue join` and `/queue status`."""
    if place.tutor_id is not None:
        return texts.QUEUE_BEING_HELPED.format(tutor=place.tutor_id, subject=place.subject)
    return texts.QUEUE_PLACE.format(
        position=place.position, subject=place.subject, minutes=place.wait_minutes
    )
