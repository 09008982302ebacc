"""Links out to the web app: Pay (the checkout page) and Set up payouts (Stripe onboarding).

Link buttons open a browser tab; Discord never sends us an interaction for them, so they
carry no custom_id and need no persistence.
"""

from __future__ import annotations

from typing import Any

import discord

from bot import texts
from bot.flows.confirm import Answer
from bot.presenters.bookings import booked_text
from marketplace.domain.booking import Booking, BookingState
from marketplace.services import checkout
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext
from marketplace.services.guild_admin import money_locale


def link_button(label: str, url: str, *, row: int | None = None) -> discord.ui.Button[Any]:
    """A button that opens `url`."""
    return discord.ui.Button(label=label, url=url, style=discord.ButtonStyle.link, row=row)


def link_view(label: str, url: str) -> discord.ui.View:
    """A message's only button: a link."""
    view = discord.ui.View(timeout=None)
    view.add_item(link_button(label, url))
    return view


def awaits_payment(booking: Booking) -> bool:
    """Whether the student still has to pay before the request reaches the tutor."""
    return booking.state is BookingState.AWAITING_PAYMENT and booking.price is not None


async def pay_url(booking: Booking, actor: Actor, ctx: ServiceContext) -> str:
    """The link to the booking's checkout page (the student's own booking only)."""
    return await checkout.link_for(checkout.CheckoutLink(actor, booking.booking_id), ctx)


async def booked_answer(booking: Booking, actor: Actor, ctx: ServiceContext) -> Answer:
    """What the student reads right after booking; a paid booking comes with **Pay**."""
    text = booked_text(booking, locale=await money_locale(booking.guild_id, ctx))
    if not awaits_payment(booking):
        return Answer(text)
    return Answer(text, link_view(texts.PAY_LABEL, await pay_url(booking, actor, ctx)))
