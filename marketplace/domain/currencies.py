"""Each supported currency as Stripe's API counts it (docs.stripe.com/currencies).

One table, :data:`CURRENCIES`, built from the documented lists below:

* **Minor units.** Stripe takes every amount as an integer in the currency's minor unit:
  cents for two-decimal currencies ("to charge 10 USD, provide an amount value of 1000"),
  whole units for the zero-decimal ones ("to charge ¥500, provide an amount value of 500").
* **Special cases.** ISK (and UGX, which Stripe's zero-decimal list also names) stay
  two-decimal in the API for backwards compatibility, with the decimals always ``00``:
  "to charge 5 ISK, provide an amount value of 500", and an amount not divisible by 100
  is refused with ``invalid_charge_amount_no_decimal_compatible``. HUF and TWD are charged
  as ordinary two-decimal amounts; only *payouts* (from a Stripe balance to a bank) must
  be divisible by 100. This product makes no payouts: it sends Connect *transfers*
  (platform balance → the tutor's account), which Stripe counts like charges, and the
  tutor's own account pays out to the bank on Stripe's schedule. So ``payout_step`` is
  recorded here but no product amount is rounded to it.
* **Three-decimal currencies** (BHD, JOD, KWD, OMR, TND): Stripe wants the last digit 0
  ("5.124 KWD must be rounded to 5120 or 5130"). The product refuses them
  (:data:`REFUSED_THREE_DECIMAL`), so a guild can't pick one.
* **Minimum charge amounts.** Stripe's table (:data:`STRIPE_MINIMUM_CHARGES`, minor
  units); for the other currencies Stripe asks for the equivalent of 0.50 USD, which needs
  an exchange rate, so their minimum is unknown here (``None``).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

# Stripe's zero-decimal currencies, as its docs list them (UGX included: see below).
STRIPE_ZERO_DECIMAL: frozenset[str] = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND"}
    | {"VUV", "XAF", "XOF", "XPF"}
)
# Special cases: zero-decimal in practice, two-decimal in the API, amounts ending in 00.
STRIPE_TWO_DECIMAL_WHOLE_UNITS: frozenset[str] = frozenset({"ISK", "UGX"})
# Special cases: two-decimal charges, payouts in whole units (divisible by 100).
STRIPE_PAYOUTS_IN_WHOLE_UNITS: frozenset[str] = frozenset({"HUF", "TWD"})
# Three-decimal in Stripe's API; the product refuses them.
REFUSED_THREE_DECIMAL: frozenset[str] = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})

# Stripe's minimum charge amounts, in minor units (0.50 USD is 50; ¥50 is 50).
STRIPE_MINIMUM_CHARGES: MappingProxyType[str, int] = MappingProxyType(
    {
        "USD": 50, "AED": 200, "AUD": 50, "BGN": 100, "BRL": 50, "CAD": 50, "CHF": 50,
        "CZK": 1500, "DKK": 250, "EUR": 50, "GBP": 30, "HKD": 400, "HUF": 17500,
        "INR": 50, "JPY": 50, "MXN": 1000, "MYR": 200, "NOK": 300, "NZD": 50,
        "PLN": 200, "RON": 200, "SEK": 300, "SGD": 50, "THB": 1000,
    }
)  # fmt: skip

# The presentment currencies this product offers (a subset of Stripe's 135+).
SUPPORTED: tuple[str, ...] = (
    "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK",
    "HUF", "RON", "INR", "SGD", "HKD", "MXN", "BRL", "ZAR", "ILS", "TRY", "CNY", "TWD",
    "PHP", "MYR", "THB", "IDR", "AED", "NGN", "KES", "EGP", "ISK", "UGX",
    "JPY", "KRW", "VND", "CLP",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Currency:
    """How Stripe counts one currency.

    ``exponent``: decimal places of the API's minor unit (2 for USD and ISK, 0 for JPY).
    ``charge_step``: every charged, refunded or transferred amount is a multiple of it
    (100 for ISK and UGX, else 1). ``payout_step``: the same for bank payouts (100 also for
    HUF and TWD). ``minimum_charge``: Stripe's least charge in minor units, or ``None``
    when Stripe states it only as the equivalent of 0.50 USD.
    """

    code: str
    exponent: int
    charge_step: int
    payout_step: int
    minimum_charge: int | None

    @property
    def shown_decimals(self) -> int:
        """Decimals people type and read: none for whole-unit currencies (ISK, JPY)."""
        return 0 if self.charge_step == 100 else self.exponent


def stripe_rule(code: str) -> Currency:
    """Build the rule for ``code`` from Stripe's documented lists."""
    whole_units = code in STRIPE_TWO_DECIMAL_WHOLE_UNITS
    if code in REFUSED_THREE_DECIMAL:
        places = 3
    elif code in STRIPE_ZERO_DECIMAL and not whole_units:
        places = 0
    else:
        places = 2
    charge_step = 100 if whole_units else 10 if places == 3 else 1
    payout_step = 100 if code in STRIPE_PAYOUTS_IN_WHOLE_UNITS else charge_step
    return Currency(code, places, charge_step, payout_step, STRIPE_MINIMUM_CHARGES.get(code))


CURRENCIES: MappingProxyType[str, Currency] = MappingProxyType(
    {code: stripe_rule(code) for code in SUPPORTED}
)


class UnsupportedCurrencyError(ValueError):
    """A currency the product doesn't offer; ``three_decimal`` says Stripe's reason."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.three_decimal = code in REFUSED_THREE_DECIMAL
        why = "three-decimal currencies are refused" if self.three_decimal else "unsupported"
        super().__init__(f"unsupported currency {code!r}: {why}")


def currency(code: str) -> Currency:
    """The rule for ``code`` (upper case); raises :class:`UnsupportedCurrencyError`."""
    try:
        return CURRENCIES[code]
    except KeyError:
        raise UnsupportedCurrencyError(code) from None
