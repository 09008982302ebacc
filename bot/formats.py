"""Dates, numbers and money written for the language being spoken (Babel, CLDR data).

English gives what `bot/texts/` always showed (``Sun 29 Mar 02:30``, ``1,234``,
``$25.00``); Spanish and German their own (``dom 29 mar 02:30``, ``1.234``, ``25,00 $``).
Times people read in their own zone stay Discord timestamps (``<t:…:F>``), which every
client writes in its own language.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_datetime
from babel.numbers import format_decimal
from babel.numbers import format_percent as format_percent_babel

from bot.i18n import current
from marketplace.domain.money import Money
from marketplace.formatting import format_money

DAY_TIME = "EEE dd MMM HH:mm"
"""A weekday, day, month and time, as ``%a %d %b %H:%M`` wrote them in English."""


def format_percent(share: float) -> str:
    """`share` (0.5) as a whole percentage for the locale: ``50%``, ``50 %``."""
    return format_percent_babel(share, locale=current.get())


def format_number(number: float) -> str:
    """`number` with the locale's separators: ``1,234.5`` / ``1.234,5``."""
    return format_decimal(number, locale=current.get())


LONG_DAY = "EEEE dd MMMM yyyy"
"""``%A %d %B %Y``: ``Thursday 03 December 2026``."""
DATE = "dd MMMM yyyy"
"""``%d %B %Y``: ``03 December 2026``."""
SHORT_DAY_TIME = "EEE dd MMM, HH:mm"
"""``%a %d %b, %H:%M``: ``Thu 03 Dec, 14:00``."""
MONTH_DAY = "MMM dd"
"""``%b %d``: ``Dec 03``."""
MONTH = "LLLL yyyy"
"""``%B %Y``: ``December 2026``."""


def format_moment(moment: date | datetime, pattern: str) -> str:
    """`moment`'s own wall clock (or day) by a CLDR `pattern`, in the current language."""
    if isinstance(moment, datetime):
        moment = moment.replace(tzinfo=None)
    return format_datetime(moment, pattern, locale=current.get())


def format_day_time(moment: datetime) -> str:
    """`moment`'s own wall clock as a weekday, day, month and time (``Sun 29 Mar 02:30``)."""
    return format_moment(moment, DAY_TIME)


def format_month(moment: date | datetime) -> str:
    """The month and year of `moment` (``December 2026``, ``diciembre 2026``)."""
    return format_moment(moment, MONTH)


def money(amount: Money) -> str:
    """`amount` as people who speak the current language write it."""
    return format_money(amount, current.get())
