"""Amounts written for people, in a guild's locale, by Babel (CLDR's currency formats).

Shared by the bot and the checkout pages (which may not import each other); it lives
outside ``marketplace.domain`` so the domain keeps no locale data. ``en`` gives
``$25.00``, ``€1,234.50``, ``¥2,500``, ``ISK5,000`` and ``CHF25.00``; ``de`` gives
``25,00 $`` and ``5.000 ISK``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency

from marketplace.domain.money import Money, exponent

DEFAULT_LOCALE = "en"


@lru_cache(maxsize=256)
def _known(tag: str) -> Locale | None:
    """The Babel locale for a language tag such as ``en``, ``pt-br`` (None if unknown)."""
    try:
        return Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def _locale(tag: str) -> Locale:
    return _known(tag) or Locale.parse(DEFAULT_LOCALE)


def guild_locale(languages: Sequence[str]) -> str:
    """The locale a guild reads amounts in: its first language Babel knows, else ``en``."""
    return next((tag for tag in languages if _known(tag) is not None), DEFAULT_LOCALE)


def format_money(money: Money, locale: str = DEFAULT_LOCALE) -> str:
    """Write ``money`` as people of ``locale`` read it (``babel.numbers.format_currency``).

    The currency's usual decimals (none for ISK, UGX, JPY); an amount with more minor
    units than that (an old fractional króna) shows them rather than rounding. An
    unknown locale falls back to ``en``.
    """
    number = Decimal(money.minor).scaleb(-exponent(money.currency))
    return format_currency(
        number, money.currency, locale=_locale(locale), decimal_quantization=False
    )
