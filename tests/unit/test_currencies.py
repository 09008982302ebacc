"""The currency table against the cases Stripe's currency documentation spells out.

Quotes are from docs.stripe.com/currencies and the ISK deprecation note
(support.stripe.com/questions/deprecation-of-fractional-isk-charges-and-refunds).
"""

import pytest

from marketplace.domain.currencies import (
    CURRENCIES,
    REFUSED_THREE_DECIMAL,
    STRIPE_MINIMUM_CHARGES,
    UnsupportedCurrencyError,
    currency,
)
from marketplace.domain.errors import InvalidSettingError
from marketplace.domain.money import Money, decimals, exponent, minor_step, parse_money
from marketplace.domain.policy import parse_setting
from stripe_fake import currencies as fake
from stripe_fake.errors import StripeFakeError


def test_two_decimal_amounts_are_cents():
    # "to charge 10 USD, provide an amount value of 1000 (that is, 1000 cents)"
    assert parse_money("10", "USD") == Money(1000, "USD")


def test_zero_decimal_amounts_are_whole_units():
    # "to charge ¥500, provide an amount value of 500"
    assert parse_money("500", "JPY") == Money(500, "JPY")
    for code in ("JPY", "KRW", "VND", "CLP"):
        assert (exponent(code), minor_step(code), decimals(code)) == (0, 1, 0)


@pytest.mark.parametrize("code", ["ISK", "UGX"])
def test_isk_and_ugx_stay_two_decimal_with_whole_units(code):
    # "ISK will remain a two-decimal currency in the Stripe API, and an ISK amount of
    # `100` will continue to represent 1 króna"; "to charge 5 ISK, provide an amount
    # value of 500"; amounts "must be evenly divisible by 100".
    rule = currency(code)
    assert (rule.exponent, rule.charge_step, rule.shown_decimals) == (2, 100, 0)
    assert parse_money("5", code) == Money(500, code)
    assert parse_money("5,000", code).minor == 500_000


@pytest.mark.parametrize("code", ["HUF", "TWD"])
def test_huf_and_twd_charge_two_decimal_and_pay_out_whole_units(code):
    # "Stripe treats HUF as a zero-decimal currency for payouts, even though you can
    # charge two-decimal amounts"; a payout amount "must be evenly divisible by 100".
    rule = currency(code)
    assert (rule.exponent, rule.charge_step, rule.payout_step) == (2, 1, 100)
    assert parse_money("175.45", code).minor == 17_545


def test_three_decimal_currencies_are_refused():
    # "5.124 KWD must be rounded to 5120 or 5130": the product offers none of them.
    assert {"BHD", "JOD", "KWD", "OMR", "TND"} == REFUSED_THREE_DECIMAL
    for code in REFUSED_THREE_DECIMAL:
        assert code not in CURRENCIES
        with pytest.raises(UnsupportedCurrencyError) as refused:
            currency(code)
        assert refused.value.three_decimal
        with pytest.raises(ValueError, match="three-decimal currencies are refused"):
            Money(5120, code)


def test_admin_setting_a_three_decimal_currency_is_told_why():
    with pytest.raises(InvalidSettingError) as refused:
        parse_setting("currency", "kwd")
    assert (refused.value.problem, refused.value.value) == ("three_decimal_currency", "KWD")
    with pytest.raises(InvalidSettingError) as unknown:
        parse_setting("currency", "XYZ")
    assert unknown.value.problem == "unknown_choice"
    assert parse_setting("currency", "isk") == "ISK"


def test_stripe_minimum_charges():
    # Stripe's table: 0.50 USD, 0.30 GBP, ¥50, 175.00 HUF, 15.00 CZK.
    assert currency("USD").minimum_charge == 50
    assert currency("GBP").minimum_charge == 30
    assert currency("JPY").minimum_charge == 50
    assert currency("HUF").minimum_charge == 17_500
    assert currency("CZK").minimum_charge == 1_500
    assert currency("ISK").minimum_charge is None  # "the equivalent of 0.50 USD"


def test_every_stripe_minimum_is_a_whole_step():
    for code, minimum in STRIPE_MINIMUM_CHARGES.items():
        if code in CURRENCIES:
            assert minimum % currency(code).charge_step == 0


def test_the_product_and_the_stripe_fake_agree():
    # The product can't import the fake; this test holds both to one reading of the docs.
    assert {c.lower() for c in REFUSED_THREE_DECIMAL} == fake.THREE_DECIMAL
    for code, rule in CURRENCIES.items():
        low = code.lower()
        whole_units = low in fake.WHOLE_UNITS_ONLY
        zero = low in fake.ZERO_DECIMAL and not whole_units
        assert rule.exponent == (0 if zero else 2), code
        assert rule.charge_step == (100 if whole_units else 1), code
        assert (rule.payout_step == 100) == (whole_units or low in fake.PAYOUTS_IN_WHOLE_UNITS)
        assert (rule.minimum_charge or 1) == fake.minimum_amount(low), code
    assert {c.upper() for c in fake.MINIMUM_AMOUNTS} == set(STRIPE_MINIMUM_CHARGES)


@pytest.mark.parametrize("code", sorted(CURRENCIES))
def test_the_fake_accepts_every_step_and_refuses_less(code):
    rule = currency(code)
    fake.check_divisibility(rule.charge_step * 7, code.lower(), "amount")
    if rule.charge_step > 1:
        with pytest.raises(StripeFakeError, match="divisible by 100"):
            fake.check_divisibility(rule.charge_step * 7 + 1, code.lower(), "amount")
