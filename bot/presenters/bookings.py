"""Bookings, search results and cancellation previews as Discord text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import discord
from discord import app_commands

from bot import texts
from bot.formats import format_day_time, money
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.text_limits import (
    CHOICE_NAME_MAX,
    CHOICES_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_TITLE_MAX,
    clip,
    fit_joined,
)
from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.cancellation import CancellationOutcome
from marketplace.domain.payment import Payment, PaymentStatus
from marketplace.domain.series import SeriesPlace
from marketplace.formatting import DEFAULT_LOCALE, format_money
from marketplace.services.search import SearchResults, TutorHit


def ts(moment: datetime) -> int:
    """Unix seconds for Discord timestamps."""
    return int(moment.timestamp())


def cancellation_text(
    booking: Booking, outcome: CancellationOutcome, subject: str, by_tutor: bool
) -> str:
    """What cancelling means, in one short paragraph."""
    if booking.state is BookingState.AWAITING_PAYMENT:
        key = "unpaid"
    elif by_tutor:
        key = "tutor_late" if outcome.late else "tutor"
    elif booking.price is None:
        key = "free"
    elif outcome.after_start:
        key = "none"
    elif outcome.refund_percent == 100:
        key = "full"
    else:
        key = "partial"
    result = texts.CANCEL_OUTCOMES[key].format(
        refund=outcome.refund_percent, share=outcome.tutor_share_percent
    )
    return texts.CANCEL_PREVIEW.format(subject=subject, start=ts(booking.start), outcome=result)


HELD_LATER = frozenset({BookingState.REQUESTED, BookingState.CONFIRMED})
"""A paid series' week in these states is held on the saved card shortly before it."""


def payment_label(
    booking: Booking,
    payment: Payment | None,
    *,
    locale: str = DEFAULT_LOCALE,
    series_week: bool = False,
) -> str:
    """The money side as both parties see it: "free", or the payment's state.

    A paid series' week not held yet says it will be, on the saved card.
    """
    if booking.price is None:
        return texts.PAYMENT_FREE
    status = payment.status if payment else PaymentStatus.AWAITING_PAYMENT
    key = status.value
    if payment is not None and payment.voided and not payment.captured:
        key = "voided"  # an authorization let go: nothing was ever charged
    elif status is PaymentStatus.AWAITING_PAYMENT and booking.terminal:
        key = "unpaid"
    elif status is PaymentStatus.AWAITING_PAYMENT and series_week and booking.state in HELD_LATER:
        key = "series_later"
    return f"{texts.PAYMENT_LABELS[key]} ({format_money(booking.price, locale)})"


def booking_line(
    booking: Booking,
    viewer_id: int,
    names: dict[str, str],
    payment: Payment | None = None,
    locale: str = DEFAULT_LOCALE,
    *,
    week: SeriesPlace | None = None,
) -> str:
    """One booking as the viewer sees it, with its payment state (amounts in `locale`).

    A week of a weekly series says which week it is; a group's seat says so.
    """
    other = booking.tutor_id if viewer_id == booking.student_id else booking.student_id
    role = texts.WITH_TUTOR if viewer_id == booking.student_id else texts.WITH_STUDENT
    states = [payment_label(booking, payment, locale=locale, series_week=week is not None)]
    if booking.state is not BookingState.AWAITING_PAYMENT:  # the payment label says it
        states.insert(0, texts.STATE_LABELS.get(booking.state, booking.state))
    line = (
        f"**#{booking.booking_id}** {names.get(booking.subject_key, booking.subject_key)} "
        f"{role} <@{other}> · <t:{ts(booking.start)}:F> (<t:{ts(booking.start)}:R>) · "
        + " · ".join(states)
    )
    if booking.state is BookingState.AWAITING_PAYMENT and viewer_id == booking.student_id:
        line += " · " + texts.PAY_BY.format(deadline=ts(booking.expires_at))
    if week is not None:
        line += texts.SERIES_WEEK_TAG.format(week=week.week_number, weeks=week.weeks)
    if booking.group_id is not None:
        line += texts.GROUP_SEAT_TAG
    if booking.proposed_start is not None:
        line += texts.NEW_TIME_PROPOSED_LINE.format(start=ts(booking.proposed_start))
    return line


def series_groups(items: list[Booking], weeks: Mapping[int, SeriesPlace]) -> list[list[Booking]]:
    """The bookings in order, a weekly series' listed weeks together where its first is."""
    groups: list[list[Booking]] = []
    by_series: dict[int, list[Booking]] = {}
    for booking in items:
        place = weeks.get(booking.booking_id)
        if place is None or not place.series_id:
            groups.append([booking])
        elif place.series_id in by_series:
            by_series[place.series_id].append(booking)
        else:
            by_series[place.series_id] = [booking]
            groups.append(by_series[place.series_id])
    return groups


def bookings_embed(
    items: list[Booking],
    viewer_id: int,
    names: dict[str, str],
    *,
    upcoming: bool,
    fallback_count: int,
    payments: Mapping[int, Payment] | None = None,
    locale: str = DEFAULT_LOCALE,
    series: Mapping[int, SeriesPlace] | None = None,
) -> discord.Embed:
    """The `/bookings` card (amounts in the guild's `locale`); series weeks say their week."""
    title = texts.BOOKINGS_UPCOMING if upcoming else texts.BOOKINGS_PAST
    paid, weeks = payments or {}, series or {}
    lines: list[str] = []
    for group in series_groups(items, weeks):
        if len(group) > 1:
            lines.append(texts.SERIES_GROUP_LINE.format(count=len(group)))
        lines += [
            booking_line(
                b, viewer_id, names, paid.get(b.booking_id), locale, week=weeks.get(b.booking_id)
            )
            for b in group
        ]
    lines = lines or [texts.BOOKINGS_NONE]
    description = fit_joined(lines, EMBED_DESCRIPTION_MAX, "\n")
    embed = discord.Embed(title=title, description=description, colour=BRAND_COLOUR)
    if fallback_count:
        embed.set_footer(text=texts.BOOKINGS_FALLBACK.format(count=fallback_count))
    return embed


def hit_line(hit: TutorHit, number: int, payments_on: bool) -> str:
    """One search result."""
    badge = texts.VERIFICATION_BADGES.get(hit.verification, "")
    price = money(hit.rate) + "/h" if payments_on and hit.rate.minor else texts.PROFILE_FREE
    if not hit.accepting_payments:
        price = texts.NOT_ACCEPTING_PAYMENTS
    nxt = texts.NEXT_FREE.format(start=ts(hit.next_slot)) if hit.next_slot else texts.NO_OPEN_SLOT
    instant = texts.INSTANT_TAG if hit.instant_booking else ""
    level = texts.LEVEL_LABELS[hit.level.value]
    return texts.HIT_LINE.format(
        number=number, tutor=hit.tutor_id, level=level, price=price, next=nxt,
        instant=instant, badge=badge,
    )  # fmt: skip


def results_embed(results: SearchResults, page: int) -> discord.Embed:
    """One page of `/find` results."""
    hits = results.page(page)
    start = page * len(results.page(0)) if results.hits else 0
    lines = [hit_line(h, start + i + 1, results.payments_on) for i, h in enumerate(hits)]
    embed = discord.Embed(
        title=clip(
            texts.FIND_TITLE.format(subject=results.subject_name, count=len(results.hits)),
            EMBED_TITLE_MAX,
        ),
        description=fit_joined(lines, EMBED_DESCRIPTION_MAX, "\n") or texts.FIND_NONE,
        colour=BRAND_COLOUR,
    )
    if results.window is not None:
        embed.add_field(
            name=texts.FIND_WINDOW,
            value=f"<t:{ts(results.window[0])}:F> – <t:{ts(results.window[1])}:t>",
        )
    embed.set_footer(text=texts.FIND_FOOTER.format(page=page + 1, pages=results.pages))
    return embed


def is_live(booking: Booking) -> bool:
    """Whether the booking can still be cancelled."""
    return booking.live


def can_mark_complete(booking: Booking, now: datetime) -> bool:
    """A confirmed session that has started can be marked complete by either side."""
    return booking.can_end_session(now)


def booked_text(booking: Booking, *, locale: str = DEFAULT_LOCALE) -> str:
    """What the student reads right after booking (a paid one: how to pay, in `locale`)."""
    if booking.state is BookingState.AWAITING_PAYMENT and booking.price is not None:
        return texts.BOOK_AWAITING_PAYMENT.format(
            total=format_money(booking.price, locale), tutor=booking.tutor_id,
            start=ts(booking.start), deadline=ts(booking.expires_at),
        )  # fmt: skip
    if booking.state is BookingState.CONFIRMED:
        return texts.BOOK_CONFIRMED.format(start=ts(booking.start), tutor=booking.tutor_id)
    return texts.BOOK_REQUESTED.format(
        start=ts(booking.start), tutor=booking.tutor_id, expires=ts(booking.expires_at)
    )


def counterpart(booking: Booking, viewer: int) -> int:
    """The other person of a booking, seen from `viewer`."""
    return booking.tutor_id if viewer == booking.student_id else booking.student_id


def booking_choices(
    bookings: Iterable[Booking], names: Mapping[int, str], viewer: int, typed: str
) -> list[app_commands.Choice[int]]:
    """Autocomplete choices for a `booking:` option: "#12 with Theo · Mon 07 Dec 15:00 UTC".

    `names` holds the other people's display names (see `bot.names`); only labels
    containing what was typed (a leading "#" ignored) are offered.
    """
    wanted = typed.strip().lstrip("#")
    choices = []
    for booking in bookings:
        other_id = counterpart(booking, viewer)
        name = names.get(other_id) or texts.UNKNOWN_PERSON
        label = clip(
            texts.BOOKING_CHOICE.format(
                booking=booking.booking_id, name=name, start=format_day_time(booking.start)
            ),
            CHOICE_NAME_MAX,
        )
        if wanted in label:
            choices.append(app_commands.Choice(name=label, value=booking.booking_id))
    return choices[:CHOICES_MAX]
