"""Money as integer minor units: parsing, formatting, fees and shares.

No float ever touches an amount. Every division rounds half up (away from zero on a
tie), done in integer arithmetic so it is exact for any size of amount.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType

from marketplace.domain.currencies import CURRENCIES
from marketplace.domain.currencies import currency as currency_rule
from marketplace.domain.errors import InputError, Problem

# Minor-unit exponent per supported currency, as Stripe's API counts amounts: see
# marketplace.domain.currencies (the one table, from Stripe's currency documentation).
CURRENCY_EXPONENTS: MappingProxyType[str, int] = MappingProxyType(
    {code: rule.exponent for code, rule in CURRENCIES.items()}
)

# Two-decimal in the API, whole units only (ISK, UGX): amounts are multiples of 100 minor
# units, typed and shown without decimals.
WHOLE_UNITS_ONLY: frozenset[str] = frozenset(
    code for code, rule in CURRENCIES.items() if rule.charge_step == 100
)

# Symbols people type before or after an amount, read (and stripped) by parse_money. How
# amounts are *shown* is the presentation layer's (Babel, in marketplace.formatting); every
# symbol Babel writes for the "en" locale is here, so a shown amount parses back.
CURRENCY_SYMBOLS: MappingProxyType[str, str] = MappingProxyType(
    {
        "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩",
        "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "HKD": "HK$", "SGD": "S$",
        "MXN": "MX$", "BRL": "R$", "CNY": "CN¥", "TWD": "NT$", "ILS": "₪",
        "PHP": "₱", "VND": "₫", "NGN": "₦", "TRY": "₺",
    }
)  # fmt: skip

MAX_MAJOR_UNITS = 1_000_000
_MAX_INPUT_LEN = 32
_NUMBER = re.compile(r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?")
_MINUS_SIGNS = ("-", "−", "(")


def exponent(currency: str) -> int:
    """Return how many decimal places the minor unit of ``currency`` has.

    Raises ``UnsupportedCurrencyError`` (a ``ValueError``) outside :data:`CURRENCY_EXPONENTS`.
    """
    return currency_rule(currency).exponent


def minor_step(currency: str) -> int:
    """The smallest amount Stripe accepts in ``currency``, in minor units (100 for ISK)."""
    return currency_rule(currency).charge_step


def decimals(currency: str) -> int:
    """How many decimals people type and read for ``currency`` (0 for ISK and JPY)."""
    return currency_rule(currency).shown_decimals


def div_half_up(numerator: int, denominator: int) -> int:
    """Divide two integers, rounding a tie away from zero (Decimal ``ROUND_HALF_UP``)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in integer minor units (cents) of one supported currency.

    Amounts may be negative (differences); adding, subtracting or ordering amounts of
    different currencies raises ``ValueError``.
    """

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError("minor must be an int")
        exponent(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return nothing, in ``currency``."""
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"currency mismatch: {self.currency} vs {other.currency}")

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.minor <= other.minor

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.minor > other.minor

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.minor >= other.minor


def _own_marks(currency: str) -> list[str]:
    """The code and symbols that name ``currency`` (a bare ``$`` for dollar currencies)."""
    symbol = CURRENCY_SYMBOLS.get(currency, "")
    marks = {currency, symbol, "$" if symbol.endswith("$") else ""} - {""}
    return sorted(marks, key=len, reverse=True)


def _strip_currency_marks(text: str, currency: str) -> str:
    """Remove one mark of ``currency`` before and/or after the number."""
    marks = "|".join(re.escape(mark) for mark in _own_marks(currency))
    pattern = rf"(?:(?:{marks})\s*)?(?P<body>.*?)(?:\s*(?:{marks}))?"
    match = re.fullmatch(pattern, text, flags=re.IGNORECASE | re.DOTALL)
    return match.group("body") if match else text


def _names_other_currency(text: str, currency: str) -> bool:
    own = set(_own_marks(currency))
    symbols = [s for c, s in CURRENCY_SYMBOLS.items() if c != currency and s not in own]
    words = re.split(r"[^A-Z]+", text.upper())
    return any(s in text for s in symbols) or any(w in CURRENCY_EXPONENTS for w in words)


def parse_money(text: str, currency: str) -> Money:
    """Parse a non-negative amount a user typed, in ``currency``.

    Accepts ``25``, ``25.5``, ``25.50``, ``1,234.50``, with the currency's symbol or code
    before or after (``$25``, ``25 USD``). Raises ``InputError`` on field ``"rate"`` with
    problem ``empty``, ``too_long``, ``negative``, ``wrong_currency``, ``not_a_number``,
    ``too_precise`` (limit = the currency's :func:`decimals`) or ``out_of_range``
    (limit = :data:`MAX_MAJOR_UNITS`).
    """
    places = decimals(currency)
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw:
        raise InputError("rate", Problem.EMPTY)
    if len(raw) > _MAX_INPUT_LEN:
        raise InputError("rate", Problem.TOO_LONG, _MAX_INPUT_LEN)
    body = _strip_currency_marks(raw, currency)
    if body.startswith(_MINUS_SIGNS):
        raise InputError("rate", Problem.NEGATIVE)
    match = _NUMBER.fullmatch(body)
    if match is None:
        other = _names_other_currency(body, currency)
        problem = Problem.WRONG_CURRENCY if other else Problem.NOT_A_NUMBER
        raise InputError("rate", problem)
    return _to_money(match.group("int"), match.group("frac") or "", places, currency)


def _to_money(whole: str, frac: str, places: int, currency: str) -> Money:
    if len(frac) > places:
        raise InputError("rate", Problem.TOO_PRECISE, places)
    major = int(whole.replace(",", ""))
    if major > MAX_MAJOR_UNITS or (major == MAX_MAJOR_UNITS and frac.strip("0")):
        raise InputError("rate", Problem.OUT_OF_RANGE, MAX_MAJOR_UNITS)
    minor_places = exponent(currency)
    fraction = frac[:minor_places].ljust(minor_places, "0")
    return Money(major * 10**minor_places + int(fraction or "0"), currency)


def platform_fee(rate: Money, fee_bps: int) -> Money:
    """Return the platform fee on ``rate``: ``rate × fee_bps / 10 000``.

    Rounded half up to the minor unit (a tie of exactly half a cent goes up), computed
    with integers only. ``rate`` and ``fee_bps`` must not be negative (``ValueError``).
    """
    if rate.minor < 0 or fee_bps < 0:
        raise ValueError("rate and fee_bps must not be negative")
    return portion(rate, fee_bps, 10_000)


def share(amount: Money, percent: int) -> Money:
    """Return ``percent`` % of ``amount`` (0–100), rounded half up to the minor unit."""
    if not 0 <= percent <= 100:
        raise ValueError("percent must be within 0..100")
    return portion(amount, percent, 100)


def portion(amount: Money, numerator: int, denominator: int) -> Money:
    """``amount × numerator / denominator``, rounded half up to the currency's step.

    The step is :func:`minor_step` (a whole króna for ISK), so Stripe accepts every result.
    """
    step = minor_step(amount.currency)
    return Money(step * div_half_up(amount.minor * numerator, denominator * step), amount.currency)


@dataclass(frozen=True, slots=True)
class Quote:
    """What a student pays for one session: the tutor's rate plus the platform fee.

    `fee` and `total` are what the card is charged. A referral credit (`credit`, None
    when there is none) has already been taken off the fee: the fee before it is
    `full_fee`, and `total == rate + fee` always.
    """

    rate: Money
    fee: Money
    total: Money
    credit: Money | None = None

    @property
    def credit_used(self) -> Money:
        """The referral credit taken off the fee (zero when there is none)."""
        return self.credit if self.credit is not None else Money.zero(self.total.currency)

    @property
    def full_fee(self) -> Money:
        """The platform fee before any referral credit."""
        return self.fee + self.credit_used


def quote(rate: Money, fee_bps: int) -> Quote:
    """Price a session at ``rate`` with the guild's fee; ``total == rate + fee`` always."""
    fee = platform_fee(rate, fee_bps)
    return Quote(rate=rate, fee=fee, total=rate + fee)
