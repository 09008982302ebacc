"""Stripe's amount rules per currency (docs.stripe.com/currencies).

* Amounts are integers in the currency's minor unit: cents for two-decimal currencies,
  whole units for the zero-decimal ones (`ZERO_DECIMAL`).
* Special cases: ISK and UGX became zero-decimal in practice, but the API keeps them
  two-decimal for backwards compatibility, so their amounts must be whole units:
  divisible by 100 (``invalid_charge_amount_no_decimal_compatible``). HUF and TWD are
  charged as two-decimal amounts; only their payouts (which the fake does not model)
  must be divisible by 100.
* Three-decimal currencies (`THREE_DECIMAL`) must end in 0 (rounded to the nearest ten).
* Charges must reach the currency's minimum (`MINIMUM_AMOUNTS`, ``amount_too_small``).
"""

from __future__ import annotations

from stripe_fake.errors import invalid

ZERO_DECIMAL = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv"}
    | {"xaf", "xof", "xpf"}
)
THREE_DECIMAL = frozenset({"bhd", "jod", "kwd", "omr", "tnd"})
WHOLE_UNITS_ONLY = frozenset({"isk", "ugx"})  # two-decimal in the API, ending in 00
PAYOUTS_IN_WHOLE_UNITS = frozenset({"huf", "twd"})  # charges are two-decimal as usual

# Stripe's minimum charge amounts (minor units); other currencies: 1 here (Stripe asks
# for the equivalent of 0.50 USD, which needs exchange rates the fake does not have).
MINIMUM_AMOUNTS: dict[str, int] = {
    "usd": 50,
    "aed": 200,
    "aud": 50,
    "bgn": 100,
    "brl": 50,
    "cad": 50,
    "chf": 50,
    "czk": 1500,
    "dkk": 250,
    "eur": 50,
    "gbp": 30,
    "hkd": 400,
    "huf": 17500,
    "inr": 50,
    "jpy": 50,
    "mxn": 1000,
    "myr": 200,
    "nok": 300,
    "nzd": 50,
    "pln": 200,
    "ron": 200,
    "sek": 300,
    "sgd": 50,
    "thb": 1000,
}


def minimum_amount(currency: str) -> int:
    """The least Stripe will charge in `currency`."""
    return MINIMUM_AMOUNTS.get(currency, 1)


def amount_step(currency: str) -> int:
    """What every amount in `currency` must be a multiple of.

    100 for ISK and UGX, 10 for the three-decimal currencies, else 1.
    """
    if currency in WHOLE_UNITS_ONLY:
        return 100
    if currency in THREE_DECIMAL:
        return 10
    return 1


def check_divisibility(amount: int, currency: str, param: str) -> None:
    """Refuse an amount the currency's special rules do not allow."""
    if currency in WHOLE_UNITS_ONLY and amount % 100 != 0:
        raise invalid(
            f"Invalid amount. Currency {currency.upper()} has become effectively zero-decimal "
            "and charged amounts must be evenly divisible by 100. See "
            "https://stripe.com/docs/currencies#special-cases for more information.",
            param=param,
            code="invalid_charge_amount_no_decimal_compatible",
            violation=True,
        )
    if currency in THREE_DECIMAL and amount % 10 != 0:
        raise invalid(
            f"Invalid amount. {currency.upper()} is a three-decimal currency: amounts must "
            "end in 0 (round to the nearest ten).",
            param=param,
            code="invalid_charge_amount",
            violation=True,
        )


def check_charge_amount(amount: int, currency: str, param: str, *, message: str) -> None:
    """Divisibility, then the minimum (`message` is the ``amount_too_small`` text)."""
    check_divisibility(amount, currency, param)
    if amount < minimum_amount(currency):
        raise invalid(message, param=param, code="amount_too_small", violation=True)
