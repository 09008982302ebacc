"""Notices (DMs the marketplace sends on its own) as Discord messages."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import discord

from bot import texts
from bot.flows.booking_buttons import notice_view
from bot.flows.group_buttons import claim_view
from bot.flows.series_buttons import series_move_view, series_pay_view, series_request_view
from bot.flows.survey import survey_view
from bot.presenters.bookings import ts
from bot.presenters.groups import group_cancelled_body, seat_offered_body
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.reviews import student_standing_line
from bot.presenters.text_limits import EMBED_DESCRIPTION_MAX, clip
from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.calendar import google_calendar_link, ics_event
from marketplace.domain.money import Money
from marketplace.formatting import DEFAULT_LOCALE, format_money
from marketplace.ports import Notice, NoticeKind
from marketplace.ports.notice_details import (
    AmountDetails,
    CancelledDetails,
    CardDisputeDecidedDetails,
    DisputeResolvedDetails,
    ExpiredDetails,
    GroupDetails,
    GuildDetails,
    NoShowDetails,
    NoticeDetails,
    PaymentDisputedDetails,
    QueueClosedDetails,
    QueueSkippedDetails,
    ReferralDetails,
    RequestDetails,
    RestrictedDetails,
    ScreeningWarningDetails,
    SeriesDetails,
    SeriesPaymentDetails,
    VerificationRejectedDetails,
    VerificationSetDetails,
)

D = TypeVar("D", bound=NoticeDetails)

CALENDAR_KINDS = frozenset(
    {NoticeKind.BOOKING_CONFIRMED, NoticeKind.BOOKING_RESCHEDULED, NoticeKind.BOOKING_CANCELLED}
)


DROP_IN_KINDS = frozenset({NoticeKind.QUEUE_CALLED, NoticeKind.QUEUE_SKIPPED})
RESTRICTION_KINDS = frozenset({NoticeKind.RESTRICTED, NoticeKind.RESTRICTION_LIFTED})
# Notices about the member's account, not about a booking.
ACCOUNT_KINDS = RESTRICTION_KINDS | {
    NoticeKind.VERIFICATION_SET,
    NoticeKind.VERIFICATION_REJECTED,
    NoticeKind.SCREENING_WARNING,
    NoticeKind.QUEUE_CLOSED,
    NoticeKind.SEAT_OFFERED,
    NoticeKind.GROUP_CANCELLED,
}

# A referrer's notices: about someone they brought, never about a booking of theirs.
REFERRAL_KINDS = frozenset({NoticeKind.REFERRAL_CREDITED, NoticeKind.REFERRAL_WITHDRAWN})


@dataclass(frozen=True, slots=True)
class RenderedNotice:
    """Everything one Discord message needs."""

    embed: discord.Embed
    view: discord.ui.View | None
    ics: tuple[str, bytes] | None


def when_line(booking: Booking) -> str:
    """The booking's time as every reader's local time, and its length."""
    minutes = int((booking.end - booking.start).total_seconds() // 60)
    return texts.WHEN_LINE.format(start=ts(booking.start), minutes=minutes)


def render_notice(
    notice: Notice, subject_name: str, now: datetime, locale: str = DEFAULT_LOCALE
) -> RenderedNotice:
    """The embed, buttons and calendar file for a notice (amounts in `locale`)."""
    if notice.kind in ACCOUNT_KINDS:
        return RenderedNotice(account_notice_embed(notice), _account_view(notice), None)
    if notice.kind in REFERRAL_KINDS:
        return RenderedNotice(_account_embed(notice, referral_body(notice, locale)), None, None)
    booking = notice.booking
    body = texts.NOTICE_BODIES[_body_key(notice)].format(
        student=booking.student_id if booking else "",
        other=notice.counterpart_id or "",
        subject=subject_name,
        who=texts.WHO_CANCELLED.get(booking.cancelled_by or "", "someone") if booking else "",
        relative=f"<t:{ts(booking.start)}:R>" if booking else "",
        amount=_amount(notice, locale),
    )
    embed = discord.Embed(
        title=texts.NOTICE_TITLES[notice.kind],
        description=clip(body, EMBED_DESCRIPTION_MAX),
        colour=BRAND_COLOUR,
    )
    if booking is None:
        return RenderedNotice(embed, None, None)
    if notice.kind in DROP_IN_KINDS:  # a help happening now, of no set length
        embed.set_footer(text=f"Booking #{booking.booking_id}")
        return RenderedNotice(embed, None, None)
    lines = _booking_lines(notice, booking, subject_name, locale)
    embed.description = clip(f"{body}\n\n" + "\n".join(lines), EMBED_DESCRIPTION_MAX)
    embed.set_footer(text=f"Booking #{booking.booking_id}")
    return RenderedNotice(embed, _view(notice, booking), _ics(notice, booking, subject_name, now))


def _account_view(notice: Notice) -> discord.ui.View | None:
    """A seat offer carries **Claim seat**; other account notices carry no buttons."""
    if notice.kind is not NoticeKind.SEAT_OFFERED:
        return None
    group = _details(notice, GroupDetails).group
    return claim_view(notice.guild_id, int(group)) if group else None


def _details(notice: Notice, kind: type[D]) -> D:
    """The notice's details as `kind`, or that kind's defaults if it carries other ones."""
    details = notice.details
    return details if isinstance(details, kind) else kind()


def _booking_lines(notice: Notice, booking: Booking, subject: str, locale: str) -> list[str]:
    """The lines under a booking notice's body: when, the kind's own, the calendar link."""
    lines = [when_line(booking)]
    if own := _KIND_LINES.get(notice.kind):
        lines.extend(own(notice, booking, locale))
    if notice.kind in CALENDAR_KINDS and booking.state is not BookingState.CANCELLED:
        title = f"Tutoring: {subject}"
        lines.append(
            texts.GCAL_LINK.format(
                url=google_calendar_link(booking.start, booking.end, title, "TutorBot session")
            )
        )
    return lines


def _proposed_lines(_notice: Notice, booking: Booking, _locale: str) -> list[str]:
    if booking.proposed_start is None:
        return []
    return [texts.PROPOSED_LINE.format(start=ts(booking.proposed_start))]


def _reason_lines(notice: Notice, _booking: Booking, _locale: str) -> list[str]:
    reason = _details(notice, CancelledDetails).reason
    return [texts.REASON_LINE.format(reason=reason)] if reason else []


def _request_lines(notice: Notice, booking: Booking, _locale: str) -> list[str]:
    """The student's note and standing, that payment is held, and when the request lapses."""
    lines = [texts.NOTE_LINE.format(note=booking.note)] if booking.note else []
    if standing := student_standing_line(_details(notice, RequestDetails).fields()):
        lines.append(standing)
    if booking.price is not None:
        lines.append(texts.PAID_HELD_LINE)
    lines.append(texts.EXPIRES_LINE.format(expires=ts(booking.expires_at)))
    return lines


def _confirmed_lines(notice: Notice, booking: Booking, locale: str) -> list[str]:
    """A paying student is told what is held on their card."""
    if booking.price is None or notice.user_id != booking.student_id:
        return []
    return [texts.PAYMENT_HELD_LINE.format(total=format_money(booking.price, locale))]


def _no_show_lines(notice: Notice, booking: Booking, _locale: str = "") -> list[str]:
    """What a no-show means for the money (paid sessions), and where to object."""
    money = [texts.NO_SHOW_MONEY[_absent(notice)]] if booking.price is not None else []
    return [*money, texts.NO_SHOW_DISPUTE]


def _series_lines(notice: Notice, _booking: Booking, _locale: str) -> list[str]:
    """Every week of the series, as each reader's local time."""
    details = _details(notice, SeriesDetails)
    starts = [f"<t:{start}:f>" for start in details.starts.split(",") if start]
    lines = [texts.SERIES_WEEKS_LINE.format(count=details.count, starts=", ".join(starts))]
    if details.reason:
        lines.append(texts.REASON_LINE.format(reason=details.reason))
    return lines


def _pay_by_lines(notice: Notice) -> list[str]:
    """Until when a paid series' week may still be paid."""
    pay_by = _details(notice, SeriesPaymentDetails).pay_by
    return [texts.SERIES_PAY_BY_LINE.format(pay_by=pay_by)] if pay_by.isdigit() else []


def _payment_needed_key(notice: Notice) -> str:
    reason = _details(notice, SeriesPaymentDetails).reason
    key = f"series_payment_needed_{reason}"
    return key if key in texts.NOTICE_BODIES else NoticeKind.SERIES_PAYMENT_NEEDED.value


def _dispute_resolved_lines(notice: Notice, _booking: Booking, _locale: str) -> list[str]:
    details = _details(notice, DisputeResolvedDetails)
    return [texts.DISPUTE_RESULT.get(details.outcome, "").format(refund=details.refund)]


_KIND_LINES: dict[NoticeKind, Callable[[Notice, Booking, str], list[str]]] = {
    NoticeKind.RESCHEDULE_REQUESTED: _proposed_lines,
    NoticeKind.BOOKING_CANCELLED: _reason_lines,
    NoticeKind.BOOKING_REQUESTED: _request_lines,
    NoticeKind.BOOKING_CONFIRMED: _confirmed_lines,
    NoticeKind.NO_SHOW_RECORDED: _no_show_lines,
    NoticeKind.DISPUTE_RESOLVED: _dispute_resolved_lines,
    NoticeKind.SERIES_REQUESTED: _series_lines,
    NoticeKind.SERIES_CONFIRMED: _series_lines,
    NoticeKind.SERIES_CANCELLED: _series_lines,
    NoticeKind.SERIES_MOVE_REQUESTED: _series_lines,
    NoticeKind.SERIES_MOVED: _series_lines,
    NoticeKind.SERIES_MOVE_DECLINED: _series_lines,
    NoticeKind.SERIES_PAYMENT_NEEDED: lambda notice, _b, _l: _pay_by_lines(notice),
}
"""The lines only some kinds of booking notice carry, by kind."""


def _view(notice: Notice, booking: Booking) -> discord.ui.View | None:
    """The notice's buttons: the survey's three answers, or the booking's own."""
    if notice.kind is NoticeKind.SURVEY:
        return survey_view(booking.guild_id, booking.booking_id)
    if notice.kind is NoticeKind.SERIES_REQUESTED:
        series_id = _details(notice, SeriesDetails).series
        return series_request_view(booking.guild_id, int(series_id)) if series_id else None
    if notice.kind is NoticeKind.SERIES_PAYMENT_NEEDED:
        return series_pay_view(booking.guild_id, booking.booking_id)
    if notice.kind is NoticeKind.SERIES_MOVE_REQUESTED:
        return series_move_view(booking.guild_id, booking.booking_id)
    return notice_view(notice)


def _body_key(notice: Notice) -> str:
    """The notice's wording: its kind's, unless the kind words some cases apart."""
    variant = _BODY_VARIANTS.get(notice.kind)
    return variant(notice) if variant else notice.kind.value


def _expired_key(notice: Notice) -> str:
    """An unpaid request that lapsed gets its own wording."""
    return (
        "booking_expired_unpaid" if _details(notice, ExpiredDetails).unpaid else "booking_expired"
    )


def _lapsed_key(notice: Notice) -> str:
    if notice.booking and notice.booking.state is not BookingState.CANCELLED:
        return "payment_lapsed_after_session"
    return NoticeKind.PAYMENT_LAPSED.value


def _disputed_key(notice: Notice) -> str:
    if _details(notice, PaymentDisputedDetails).paid_out:
        return "payment_disputed_after_payout"
    return NoticeKind.PAYMENT_DISPUTED.value


def _dispute_decided_key(notice: Notice) -> str:
    won = _details(notice, CardDisputeDecidedDetails).outcome == "won"
    return f"card_dispute_decided_{'won' if won else 'lost'}"


def _skipped_key(notice: Notice) -> str:
    out = _details(notice, QueueSkippedDetails).out
    return "queue_skipped_out" if out else NoticeKind.QUEUE_SKIPPED.value


def _no_show_key(notice: Notice) -> str:
    absent = _absent(notice)
    booking = notice.booking
    missed = booking is not None and notice.user_id == getattr(booking, f"{absent}_id")
    return f"no_show_recorded_{absent}{'_you' if missed else ''}"


_BODY_VARIANTS: dict[NoticeKind, Callable[[Notice], str]] = {
    NoticeKind.BOOKING_EXPIRED: _expired_key,
    NoticeKind.PAYMENT_LAPSED: _lapsed_key,
    NoticeKind.PAYMENT_DISPUTED: _disputed_key,
    NoticeKind.CARD_DISPUTE_DECIDED: _dispute_decided_key,
    NoticeKind.NO_SHOW_RECORDED: _no_show_key,
    NoticeKind.QUEUE_SKIPPED: _skipped_key,
    NoticeKind.SERIES_PAYMENT_NEEDED: _payment_needed_key,
}
"""Kinds whose wording depends on their details or booking, with how to pick it."""


def _absent(notice: Notice) -> str:
    """Who missed the session ("tutor" unless the notice says "student")."""
    return "student" if _details(notice, NoShowDetails).absent == "student" else "tutor"


def _amount(notice: Notice, locale: str) -> str:
    """A payout's amount, as people read it ("Your share" if the notice lacks a valid one)."""
    details = _details(notice, AmountDetails)
    try:
        return format_money(Money(int(details.amount), details.currency.upper()), locale)
    except (TypeError, ValueError):
        return "Your share"


def _ics(notice: Notice, booking: Booking, subject: str, now: datetime) -> tuple[str, bytes] | None:
    if notice.kind not in CALENDAR_KINDS:
        return None
    cancelled = booking.state is BookingState.CANCELLED
    body = ics_event(
        f"booking-{booking.booking_id}@tutorbot",
        booking.sequence,
        booking.start,
        booking.end,
        summary=f"Tutoring: {subject}",
        description=f"TutorBot booking #{booking.booking_id}",
        status="CANCELLED" if cancelled else "CONFIRMED",
        now=now,
    )
    return f"tutorbot-booking-{booking.booking_id}.ics", body.encode()


def ics_file(rendered: RenderedNotice) -> discord.File | None:
    """A fresh discord.File for the calendar attachment (files can be sent only once)."""
    if rendered.ics is None:
        return None
    name, data = rendered.ics
    return discord.File(io.BytesIO(data), filename=name)


def restriction_until(until: str) -> str:
    """When a restriction ends (Unix seconds as text, "" = until lifted), for any reader."""
    if not until:
        return texts.MOD_RESTRICT_UNTIL_LIFTED
    return texts.MOD_RESTRICT_UNTIL.format(until=until)


def _guild(notice: Notice, guild: str) -> str:
    """The guild's name as the notice stored it, or its id when it stored none."""
    return guild or str(notice.guild_id)


def _restricted_body(notice: Notice) -> str:
    details = _details(notice, RestrictedDetails)
    return texts.RESTRICTED_NOTICE.format(
        guild=_guild(notice, details.guild),
        until=restriction_until(details.until),
        reason=details.reason,
    )


def _lifted_body(notice: Notice) -> str:
    guild = _guild(notice, _details(notice, GuildDetails).guild)
    return texts.RESTRICTION_LIFTED_NOTICE.format(guild=guild)


def _rejected_body(notice: Notice) -> str:
    details = _details(notice, VerificationRejectedDetails)
    return texts.VERIFICATION_REJECTED_NOTICE.format(
        guild=_guild(notice, details.guild), reason=details.reason
    )


def _screening_body(notice: Notice) -> str:
    details = _details(notice, ScreeningWarningDetails)
    kinds = [texts.MOD_FLAG_KINDS.get(k, k) for k in details.kinds.split(details.SEPARATOR)]
    return texts.SCREENING_WARNING_NOTICE.format(
        guild=_guild(notice, details.guild),
        booking=details.booking or "?",
        kinds=texts.human_join([k for k in kinds if k]),
    )


def _queue_closed_body(notice: Notice) -> str:
    details = _details(notice, QueueClosedDetails)
    if not details.slot:
        return texts.QUEUE_CLOSED_NOTICE_NO_SLOT.format(subject=details.subject)
    return texts.QUEUE_CLOSED_NOTICE.format(
        subject=details.subject, tutor=details.tutor, slot=details.slot
    )


def _verification_body(notice: Notice) -> str:
    details = _details(notice, VerificationSetDetails)
    return texts.VERIFICATION_SET_NOTICE.format(
        guild=_guild(notice, details.guild),
        new=verification_level_name(details.new),
        old=verification_level_name(details.old),
    )


def referral_body(notice: Notice, locale: str = DEFAULT_LOCALE) -> str:
    """A referrer's DM: the credit granted (or, in a free guild, thanks), or withdrawn."""
    details = _details(notice, ReferralDetails)
    referred = details.referred if details.referred.isdigit() else "0"
    guild = _guild(notice, details.guild)
    try:
        amount = format_money(Money(int(details.amount), details.currency.upper()), locale)
    except (TypeError, ValueError):
        amount = ""
    if notice.kind is NoticeKind.REFERRAL_WITHDRAWN:
        template = texts.REFERRAL_WITHDRAWN_NOTICE
    else:
        template = texts.REFERRAL_CREDITED_NOTICE if amount else texts.REFERRAL_THANKS_NOTICE
    return template.format(referred=referred, guild=guild, amount=amount or texts.YOUR_CREDIT)


_ACCOUNT_BODIES: dict[NoticeKind, Callable[[Notice], str]] = {
    NoticeKind.RESTRICTED: _restricted_body,
    NoticeKind.RESTRICTION_LIFTED: _lifted_body,
    NoticeKind.SCREENING_WARNING: _screening_body,
    NoticeKind.VERIFICATION_REJECTED: _rejected_body,
    NoticeKind.VERIFICATION_SET: _verification_body,
    NoticeKind.QUEUE_CLOSED: _queue_closed_body,
    NoticeKind.SEAT_OFFERED: lambda notice: seat_offered_body(_details(notice, GroupDetails)),
    NoticeKind.GROUP_CANCELLED: lambda notice: group_cancelled_body(_details(notice, GroupDetails)),
}
"""The wording of each notice about the member's account, by kind."""


def _account_embed(notice: Notice, body: str) -> discord.Embed:
    return discord.Embed(
        title=texts.NOTICE_TITLES[notice.kind],
        description=clip(body, EMBED_DESCRIPTION_MAX),
        colour=BRAND_COLOUR,
    )


def account_notice_embed(notice: Notice) -> discord.Embed:
    """The DM for a notice about the member's account (restriction or verification).

    Any other kind is worded as a verification change, as before the table existed.
    """
    body = _ACCOUNT_BODIES.get(notice.kind, _verification_body)
    return _account_embed(notice, body(notice))


def restriction_notice_embed(notice: Notice) -> discord.Embed:
    """The DM telling a user they were restricted (until when, why, how to appeal) or freed."""
    restricted = notice.kind is NoticeKind.RESTRICTED
    return _account_embed(notice, (_restricted_body if restricted else _lifted_body)(notice))


def screening_warning_embed(notice: Notice) -> discord.Embed:
    """The DM telling a member a moderator warned them about a flagged message."""
    return _account_embed(notice, _screening_body(notice))


def verification_level_name(level: str) -> str:
    """A verification level as people read it (the raw value if unknown)."""
    return texts.VERIFICATION_LEVEL_NAMES.get(level, level)


def verification_notice_embed(notice: Notice) -> discord.Embed:
    """The DM telling a tutor a moderator changed their verification level."""
    return _account_embed(notice, _verification_body(notice))
