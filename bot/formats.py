"""Dates, numbers and money written for the language being spoken (Babel, CLDR data).

English gives what `bot/texts/` always showed (``Sun 29 Mar 02:30``, ``1,234``,
``$25.00``); Spanish and German their own (``dom 29 mar 02:30``, ``1.234``, ``25,00 $``).
Times people read in their own zone stay Discord timestamps (``<t:…:F>``), which every
client writes in its own language.
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime
from babel.numbers import format_decimal

from bot.i18n import current
from marketplace.domain.money import Money
from marketplace.formatting import format_money

DAY_TIME = "EEE dd MMM HH:mm"
"""A weekday, day, month and time, as ``%a %d %b %H:%M`` wrote them in English."""


def format_number(number: float) -> str:
    """`number` with the locale's separators: ``1,234.5`` / ``1.234,5``."""
    return format_decimal(number, locale=current.get())


def format_day_time(moment: datetime) -> str:
    """`moment`'s own wall clock as a weekday, day, month and time (``Sun 29 Mar 02:30``)."""
    return format_datetime(moment.replace(tzinfo=None), DAY_TIME, locale=current.get())


def format_month(moment: datetime) -> str:
    """The month and year of `moment` (``December 2026``, ``diciembre de 2026``)."""
    return format_datetime(moment.replace(tzinfo=None), "LLLL yyyy", locale=current.get())


def money(amount: Money) -> str:
    """`amount` as people who speak the current language write it."""
    return format_money(amount, current.get())
