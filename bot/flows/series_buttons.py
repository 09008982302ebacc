"""Weekly series in the bot: the question before Confirm, the tutor's Accept / Decline, Pay.

In a paid server the answer to Confirm carries **Save card** (the card-saving checkout);
a week its saved card did not pay comes with a persistent **Pay** for that week.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot import texts
from bot.actors import actor_for
from bot.flows.base import RecordButton, services_of
from bot.flows.confirm import Answer, ConfirmView
from bot.flows.pay import link_view, pay_url
from bot.presenters.series import move_text, plan_text
from marketplace.domain.booking import Booking, BookingState
from marketplace.services import checkout, series, series_moves
from marketplace.services.context import ServiceContext

DEFAULT_WEEKS = 4  # `/book repeat:weekly` without `weeks`


async def series_question(
    cmd: series.BookSeries, tutor_id: int, ctx: ServiceContext
) -> tuple[str, ConfirmView]:
    """Every week listed (skipped ones say why), with Confirm to book those that fit."""
    plan = await series.plan(cmd, ctx)
    owner = cmd.book.actor.user_id
    prompt = plan_text(plan, cmd.book.duration_minutes, tutor_id, owner)

    async def send() -> Answer:
        booked = await series.book(cmd, ctx)
        first = booked.bookings[0]
        skipped = texts.SERIES_SKIPPED_REPLY.format(count=len(booked.skipped))
        tail = skipped if booked.skipped else ""
        if first.state is BookingState.AWAITING_PAYMENT:
            text = texts.SERIES_SAVE_CARD_REPLY.format(
                count=len(booked.bookings), tutor=tutor_id, days=await _days_before(cmd, ctx)
            )
            url = await pay_url(first, cmd.book.actor, ctx)
            return Answer(text + tail, link_view(texts.SERIES_SAVE_CARD_LABEL, url))
        confirmed = first.state is BookingState.CONFIRMED
        template = texts.SERIES_CONFIRMED_REPLY if confirmed else texts.SERIES_REQUESTED_REPLY
        return Answer(template.format(count=len(booked.bookings), tutor=tutor_id) + tail)

    return prompt, ConfirmView(owner, send, key="series")


async def _days_before(cmd: series.BookSeries, ctx: ServiceContext) -> int:
    async with ctx.uow(read_only=True) as uow:
        policy = await uow.guilds.policy(cmd.book.actor.guild_id)
    return policy.series_authorize_days_before


def series_request_view(guild_id: int, series_id: int) -> discord.ui.View:
    """Accept and Decline for every week of one series."""
    view = discord.ui.View(timeout=None)
    view.add_item(SeriesAcceptButton(guild_id, series_id))
    view.add_item(SeriesDeclineButton(guild_id, series_id))
    return view


async def _answer(
    interaction: discord.Interaction,
    button: RecordButton,
    answer: Callable[[series.OnSeries, ServiceContext], Awaitable[list[Booking]]],
    template: str,
) -> None:
    """Answer every week still waiting and say how many weeks that was."""
    actor = actor_for(interaction, button.guild_id)
    weeks = await answer(series.OnSeries(actor, button.record_id), services_of(interaction))
    await interaction.response.send_message(template.format(count=len(weeks)), ephemeral=True)


class SeriesPayButton(RecordButton, prefix="series:pay"):
    """Pay (on a week its saved card did not pay): the link to that week's checkout."""

    label = texts.SERIES_PAY_LABEL
    style = discord.ButtonStyle.primary

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Only the week's student gets the link (anyone else: not found)."""
        actor = actor_for(interaction, self.guild_id)
        ctx = services_of(interaction)
        url = await checkout.link_for(checkout.CheckoutLink(actor, self.record_id), ctx)
        page = await checkout.checkout_page(url.rsplit("/", 1)[1], ctx)
        pay_by = page.week_pay_by or page.booking.expires_at
        await interaction.response.send_message(
            texts.SERIES_PAY_REPLY.format(pay_by=int(pay_by.timestamp())),
            view=link_view(texts.PAY_LABEL, url),
            ephemeral=True,
        )


def series_pay_view(guild_id: int, booking_id: int) -> discord.ui.View:
    """A week's **Pay**, on the DM saying its saved card did not pay it."""
    view = discord.ui.View(timeout=None)
    view.add_item(SeriesPayButton(guild_id, booking_id))
    return view


def series_move_view(guild_id: int, booking_id: int) -> discord.ui.View:
    """Accept all and Decline all, for a proposed move of a series' weeks."""
    view = discord.ui.View(timeout=None)
    view.add_item(SeriesMoveAcceptButton(guild_id, booking_id))
    view.add_item(SeriesMoveDeclineButton(guild_id, booking_id))
    return view


async def _answer_move(
    interaction: discord.Interaction, button: RecordButton, *, accepted: bool
) -> None:
    """Answer every week of the move still waiting, and say how many."""
    actor = actor_for(interaction, button.guild_id)
    cmd = series_moves.AnswerMove(actor, button.record_id, accepted)
    weeks = await series_moves.answer_move(cmd, services_of(interaction))
    template = texts.SERIES_MOVE_ACCEPTED if accepted else texts.SERIES_MOVE_DECLINED_REPLY
    await interaction.response.send_message(template.format(count=len(weeks)), ephemeral=True)


class SeriesMoveAcceptButton(RecordButton, prefix="series:move-accept"):
    """Accept all: every week of the proposed move takes its new time."""

    label = texts.SERIES_MOVE_ACCEPT_LABEL
    style = discord.ButtonStyle.success

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Accept the whole move."""
        await _answer_move(interaction, self, accepted=True)


class SeriesMoveDeclineButton(RecordButton, prefix="series:move-decline"):
    """Decline all: every week keeps its time."""

    label = texts.SERIES_MOVE_DECLINE_LABEL
    style = discord.ButtonStyle.secondary

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Decline the whole move."""
        await _answer_move(interaction, self, accepted=False)


async def move_question(
    cmd: series_moves.MoveFollowing, ctx: ServiceContext
) -> tuple[str, ConfirmView]:
    """Each week's new time (or why it stays), with Confirm to propose or make the move."""
    plan = await series_moves.plan(cmd, ctx)
    owner = cmd.actor.user_id
    tutor_id = plan.weeks[0].tutor_id
    prompt = move_text(plan.plan, cmd.booking_id, tutor_id, owner)

    async def send() -> str:
        weeks = await series_moves.move_following(cmd, ctx)
        proposed = weeks[0].proposed_start is not None
        template = texts.SERIES_MOVE_PROPOSED if proposed else texts.SERIES_MOVED_REPLY
        return template.format(count=len(weeks))

    return prompt, ConfirmView(owner, send, key="series-move")


class SeriesAcceptButton(RecordButton, prefix="series:accept"):
    """Accept: confirm every week still waiting."""

    label = texts.SERIES_ACCEPT_LABEL
    style = discord.ButtonStyle.success

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Accept the series and say how many weeks are now booked."""
        await _answer(interaction, self, series.accept, texts.SERIES_ACCEPTED)


class SeriesDeclineButton(RecordButton, prefix="series:decline"):
    """Decline: decline every week still waiting."""

    label = texts.SERIES_DECLINE_LABEL
    style = discord.ButtonStyle.secondary

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Decline the series and say so."""
        await _answer(interaction, self, series.decline, texts.SERIES_DECLINED)


SERIES_BUTTONS: tuple[type[RecordButton], ...] = (
    SeriesAcceptButton,
    SeriesDeclineButton,
    SeriesPayButton,
    SeriesMoveAcceptButton,
    SeriesMoveDeclineButton,
)
