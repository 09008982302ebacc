"""Notices (DMs the marketplace sends on its own) as Discord messages."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

import discord

from bot import texts
from bot.flows.booking_buttons import notice_view
from bot.flows.survey import survey_view
from bot.presenters.bookings import ts
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.reviews import student_standing_line
from bot.presenters.text_limits import EMBED_DESCRIPTION_MAX, clip
from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.calendar import google_calendar_link, ics_event
from marketplace.domain.money import Money
from marketplace.formatting import DEFAULT_LOCALE, format_money
from marketplace.ports import Notice, NoticeKind

CALENDAR_KINDS = frozenset(
    {NoticeKind.BOOKING_CONFIRMED, NoticeKind.BOOKING_RESCHEDULED, NoticeKind.BOOKING_CANCELLED}
)


RESTRICTION_KINDS = frozenset({NoticeKind.RESTRICTED, NoticeKind.RESTRICTION_LIFTED})
# Notices about the member's account, not about a booking.
ACCOUNT_KINDS = RESTRICTION_KINDS | {
    NoticeKind.VERIFICATION_SET,
    NoticeKind.VERIFICATION_REJECTED,
    NoticeKind.SCREENING_WARNING,
}


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
        return RenderedNotice(account_notice_embed(notice), None, None)
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
    lines = [when_line(booking)]
    if notice.kind is NoticeKind.RESCHEDULE_REQUESTED and booking.proposed_start:
        lines.append(texts.PROPOSED_LINE.format(start=ts(booking.proposed_start)))
    if reason := str(notice.extra.get("reason", "")):
        lines.append(texts.REASON_LINE.format(reason=reason))
    if notice.kind is NoticeKind.BOOKING_REQUESTED:
        if booking.note:
            lines.append(texts.NOTE_LINE.format(note=booking.note))
        if standing := student_standing_line(notice.extra):
            lines.append(standing)
        if booking.price is not None:
            lines.append(texts.PAID_HELD_LINE)
        lines.append(texts.EXPIRES_LINE.format(expires=ts(booking.expires_at)))
    if (
        notice.kind is NoticeKind.BOOKING_CONFIRMED
        and booking.price is not None
        and notice.user_id == booking.student_id
    ):
        lines.append(texts.PAYMENT_HELD_LINE.format(total=format_money(booking.price, locale)))
    if notice.kind is NoticeKind.NO_SHOW_RECORDED:
        lines.extend(_no_show_lines(notice, booking))
    if notice.kind is NoticeKind.DISPUTE_RESOLVED:
        result = texts.DISPUTE_RESULT.get(str(notice.extra.get("outcome")), "")
        lines.append(result.format(refund=notice.extra.get("refund", "")))
    if notice.kind in CALENDAR_KINDS and booking.state is not BookingState.CANCELLED:
        title = f"Tutoring: {subject_name}"
        lines.append(
            texts.GCAL_LINK.format(
                url=google_calendar_link(booking.start, booking.end, title, "TutorBot session")
            )
        )
    embed.description = clip(f"{body}\n\n" + "\n".join(lines), EMBED_DESCRIPTION_MAX)
    embed.set_footer(text=f"Booking #{booking.booking_id}")
    return RenderedNotice(embed, _view(notice, booking), _ics(notice, booking, subject_name, now))


def _view(notice: Notice, booking: Booking) -> discord.ui.View | None:
    """The notice's buttons: the survey's three answers, or the booking's own."""
    if notice.kind is NoticeKind.SURVEY:
        return survey_view(booking.guild_id, booking.booking_id)
    return notice_view(notice)


def _body_key(notice: Notice) -> str:
    """The notice's wording; an unpaid request that lapsed gets its own."""
    if notice.kind is NoticeKind.BOOKING_EXPIRED and notice.extra.get("unpaid"):
        return "booking_expired_unpaid"
    lapsed = notice.kind is NoticeKind.PAYMENT_LAPSED
    if lapsed and notice.booking and notice.booking.state is not BookingState.CANCELLED:
        return "payment_lapsed_after_session"
    if notice.kind is NoticeKind.PAYMENT_DISPUTED and notice.extra.get("paid_out"):
        return "payment_disputed_after_payout"
    if notice.kind is NoticeKind.CARD_DISPUTE_DECIDED:
        return f"card_dispute_decided_{'won' if notice.extra.get('outcome') == 'won' else 'lost'}"
    if notice.kind is NoticeKind.NO_SHOW_RECORDED:
        absent = _absent(notice)
        booking = notice.booking
        missed = booking is not None and notice.user_id == getattr(booking, f"{absent}_id")
        return f"no_show_recorded_{absent}{'_you' if missed else ''}"
    return notice.kind.value


def _absent(notice: Notice) -> str:
    """Who missed the session ("tutor" unless the notice says "student")."""
    return "student" if notice.extra.get("absent") == "student" else "tutor"


def _no_show_lines(notice: Notice, booking: Booking) -> list[str]:
    """What a no-show means for the money (paid sessions), and where to object."""
    money = [texts.NO_SHOW_MONEY[_absent(notice)]] if booking.price is not None else []
    return [*money, texts.NO_SHOW_DISPUTE]


def _amount(notice: Notice, locale: str) -> str:
    """A payout's amount, as people read it ("Your share" if the notice lacks a valid one)."""
    minor, currency = notice.extra.get("amount"), notice.extra.get("currency")
    try:
        return format_money(Money(int(str(minor)), str(currency).upper()), locale)
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


def restriction_notice_embed(notice: Notice) -> discord.Embed:
    """The DM telling a user they were restricted (until when, why, how to appeal) or freed."""
    guild = str(notice.extra.get("guild") or notice.guild_id)
    if notice.kind is NoticeKind.RESTRICTED:
        body = texts.RESTRICTED_NOTICE.format(
            guild=guild,
            until=restriction_until(str(notice.extra.get("until", ""))),
            reason=str(notice.extra.get("reason", "")),
        )
    else:
        body = texts.RESTRICTION_LIFTED_NOTICE.format(guild=guild)
    return discord.Embed(
        title=texts.NOTICE_TITLES[notice.kind],
        description=clip(body, EMBED_DESCRIPTION_MAX),
        colour=BRAND_COLOUR,
    )


def account_notice_embed(notice: Notice) -> discord.Embed:
    """The DM for a notice about the member's account (restriction or verification)."""
    if notice.kind in RESTRICTION_KINDS:
        return restriction_notice_embed(notice)
    if notice.kind is NoticeKind.SCREENING_WARNING:
        return screening_warning_embed(notice)
    if notice.kind is NoticeKind.VERIFICATION_REJECTED:
        return _account_embed(
            notice,
            texts.VERIFICATION_REJECTED_NOTICE.format(
                guild=str(notice.extra.get("guild") or notice.guild_id),
                reason=str(notice.extra.get("reason") or ""),
            ),
        )
    return verification_notice_embed(notice)


def _account_embed(notice: Notice, body: str) -> discord.Embed:
    return discord.Embed(
        title=texts.NOTICE_TITLES[notice.kind],
        description=clip(body, EMBED_DESCRIPTION_MAX),
        colour=BRAND_COLOUR,
    )


def screening_warning_embed(notice: Notice) -> discord.Embed:
    """The DM telling a member a moderator warned them about a flagged message."""
    kinds = [texts.MOD_FLAG_KINDS.get(k, k) for k in str(notice.extra.get("kinds", "")).split(",")]
    body = texts.SCREENING_WARNING_NOTICE.format(
        guild=str(notice.extra.get("guild") or notice.guild_id),
        booking=str(notice.extra.get("booking") or "?"),
        kinds=texts.human_join([k for k in kinds if k]),
    )
    return discord.Embed(
        title=texts.NOTICE_TITLES[notice.kind],
        description=clip(body, EMBED_DESCRIPTION_MAX),
        colour=BRAND_COLOUR,
    )


def verification_level_name(level: str) -> str:
    """A verification level as people read it (the raw value if unknown)."""
    return texts.VERIFICATION_LEVEL_NAMES.get(level, level)


def verification_notice_embed(notice: Notice) -> discord.Embed:
    """The DM telling a tutor a moderator changed their verification level."""
    body = texts.VERIFICATION_SET_NOTICE.format(
        guild=str(notice.extra.get("guild") or notice.guild_id),
        new=verification_level_name(str(notice.extra.get("new", ""))),
        old=verification_level_name(str(notice.extra.get("old", ""))),
    )
    return discord.Embed(
        title=texts.NOTICE_TITLES[notice.kind],
        description=clip(body, EMBED_DESCRIPTION_MAX),
        colour=BRAND_COLOUR,
    )
