"""What a page shows for one booking, worked out from the services' `CheckoutPage`.

Only values here: amounts as people read them, the session time in the student's zone,
the fee as a percentage. The sentences around them live in the templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marketplace.domain.money import Money
from marketplace.domain.policy import GuildPolicy
from marketplace.formatting import format_money, guild_locale
from marketplace.policy_words import cancellation_policy_lines
from marketplace.services.checkout import CheckoutPage


@dataclass(frozen=True, slots=True)
class SessionTime:
    """A session's time in one zone: ``Wednesday 2 December 2026``, ``09:00``–``10:30``."""

    day: str
    start: str
    end: str
    end_day: str | None  # set when the session ends on another date
    zone: str  # the IANA name, or "UTC"
    abbreviation: str  # "CET"; "" where the zone has no lettered one (or is UTC itself)
    offset: str  # "UTC+01:00", "UTC−05:00" (a real minus sign: it never breaks a line)
    minutes: int
    iso_start: str  # for <time datetime>
    iso_end: str


@dataclass(frozen=True, slots=True)
class BookingView:
    """Everything the checkout, return and status pages fill in."""

    token: str
    tutor: str
    subject: str
    when: SessionTime
    booking_state: str
    rate: str
    fee: str  # the platform fee before any referral credit
    fee_percent: str
    credit: str  # the referral credit taken off the fee, "" when there is none
    total: str
    given_back: str
    given_back_minor: int
    status: str
    payable: bool
    policy: GuildPolicy
    policy_lines: list[str]
    saves_card: bool = False  # Pay saves the card for a paid weekly series


def zone_of(name: str | None) -> tuple[str, tzinfo]:
    """The zone to show times in: the student's, or UTC when unset or unknown."""
    if name:
        try:
            return name, ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return "UTC", UTC


def _day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def _offset(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset / timedelta(minutes=1))
    sign = "+" if minutes >= 0 else "\N{MINUS SIGN}"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def _abbreviation(moment: datetime, zone_name: str) -> str:
    name = moment.tzname() or ""
    return name if name[:1].isalpha() and name != zone_name else ""


def session_time(start: datetime, end: datetime, zone_name: str | None) -> SessionTime:
    """`start`–`end` (aware) on the wall clock of `zone_name` (UTC when None)."""
    name, zone = zone_of(zone_name)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    other_day = local_end.date() != local_start.date()
    return SessionTime(
        day=_day(local_start),
        start=f"{local_start:%H:%M}",
        end=f"{local_end:%H:%M}",
        end_day=_day(local_end) if other_day else None,
        zone=name,
        abbreviation=_abbreviation(local_start, name),
        offset=_offset(local_start),
        minutes=int((end - start) / timedelta(minutes=1)),
        iso_start=local_start.isoformat(timespec="minutes"),
        iso_end=local_end.isoformat(timespec="minutes"),
    )


def percent_of_bps(bps: int) -> str:
    """Basis points as a percentage without trailing zeros: 1500 → ``15``, 1250 → ``12.5``."""
    whole, hundredths = divmod(bps, 100)
    fraction = f"{hundredths:02d}".rstrip("0")
    return f"{whole}.{fraction}" if fraction else str(whole)


def booking_view(page: CheckoutPage) -> BookingView:
    """The values the pages show for `page`."""
    booking, price = page.booking, page.price
    locale = guild_locale(page.policy.languages)
    return BookingView(
        token=page.token,
        tutor=page.tutor_name,
        subject=page.subject_name,
        when=session_time(booking.start, booking.end, page.zone),
        booking_state=booking.state.value,
        rate=format_money(price.rate, locale),
        fee=format_money(price.full_fee, locale),
        fee_percent=percent_of_bps(page.fee_bps),
        credit=format_money(price.credit, locale) if price.credit else "",
        total=format_money(price.total, locale),
        given_back=format_money(Money(page.refunded_minor, price.total.currency), locale),
        given_back_minor=page.refunded_minor,
        status=page.status.value,
        payable=page.payable,
        policy=page.policy,
        policy_lines=cancellation_policy_lines(page.policy),
        saves_card=page.saves_card,
    )
