from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.errors import InputError
from marketplace.domain.money import (
    CURRENCY_EXPONENTS,
    MAX_MAJOR_UNITS,
    Money,
    Quote,
    div_half_up,
    exponent,
    minor_step,
    parse_money,
    platform_fee,
    quote,
    share,
)
from marketplace.domain.settlement import session_quote
from marketplace.formatting import format_money

currencies = st.sampled_from(sorted(CURRENCY_EXPONENTS))
amounts = st.integers(min_value=0, max_value=10**12)
bps = st.integers(min_value=0, max_value=10_000)


def usd(minor):
    return Money(minor, "USD")


def test_money_of_the_same_currency_adds_and_subtracts():
    assert usd(250) + usd(100) == usd(350)
    assert usd(250) - usd(300) == usd(-50)
    assert -usd(5) == usd(-5)


def test_money_of_different_currencies_does_not_mix():
    with pytest.raises(ValueError, match="currency"):
        _ = usd(1) + Money(1, "EUR")
    with pytest.raises(ValueError, match="currency"):
        _ = usd(1) < Money(1, "EUR")


def test_money_compares_by_amount():
    assert usd(1) < usd(2) <= usd(2) < usd(3)
    assert usd(3) > usd(2) >= usd(2)
    assert max(usd(5), usd(9), usd(1)) == usd(9)
    with pytest.raises(TypeError):
        _ = usd(1) < 5


def test_money_rejects_unknown_or_lower_case_currency_and_non_int_amounts():
    with pytest.raises(ValueError, match="currency"):
        Money(1, "usd")
    with pytest.raises(ValueError, match="currency"):
        Money(1, "XXX")
    with pytest.raises(TypeError):
        Money(1.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True, "USD")


def test_zero_is_nothing_in_a_currency():
    assert Money.zero("JPY") == Money(0, "JPY")


def test_exponents_of_common_currencies():
    assert exponent("USD") == 2
    assert exponent("JPY") == 0
    assert exponent("KRW") == 0
    with pytest.raises(ValueError, match="unsupported"):
        exponent("ZZZ")


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("25", 2500),
        ("25.5", 2550),
        ("25.50", 2550),
        ("$25", 2500),
        ("$ 25", 2500),
        ("25 USD", 2500),
        ("usd 25", 2500),
        ("25USD", 2500),
        ("1,234.50", 123450),
        ("0", 0),
        ("  ＄２５ ", 2500),
        ("1,000,000", 100_000_000),
    ],
)
def test_parse_money_accepts_what_people_type(text, minor):
    assert parse_money(text, "USD") == usd(minor)


def test_parse_money_reads_zero_decimal_currencies_without_decimals():
    assert parse_money("¥2500", "JPY") == Money(2500, "JPY")
    with pytest.raises(InputError) as caught:
        parse_money("2500.5", "JPY")
    assert (caught.value.problem, caught.value.limit) == ("too_precise", 0)


def test_parse_money_accepts_a_generic_dollar_sign_for_dollar_currencies():
    assert parse_money("$30", "CAD") == Money(3000, "CAD")
    assert parse_money("CA$30", "CAD") == Money(3000, "CAD")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("-5", "negative"),
        ("$-5", "negative"),
        ("−5", "negative"),
        ("(5)", "negative"),
        ("25.555", "too_precise"),
        ("abc", "not_a_number"),
        ("25,50", "not_a_number"),
        ("1.2.3", "not_a_number"),
        ("25$$", "not_a_number"),
        ("1e5", "not_a_number"),
        ("€25", "wrong_currency"),
        ("25 EUR", "wrong_currency"),
        ("EUR25", "wrong_currency"),
        ("£25", "wrong_currency"),
        ("₿25", "not_a_number"),
        ("25 dollars", "not_a_number"),
        ("1000000.01", "out_of_range"),
        ("99999999999", "out_of_range"),
        ("1" * 40, "too_long"),
    ],
)
def test_parse_money_rejects_bad_amounts_on_the_rate_field(text, problem):
    with pytest.raises(InputError) as caught:
        parse_money(text, "USD")
    assert (caught.value.field, caught.value.problem) == ("rate", problem)


def test_parse_money_reports_the_ceiling_for_absurd_amounts():
    with pytest.raises(InputError) as caught:
        parse_money("2000000", "USD")
    assert caught.value.limit == MAX_MAJOR_UNITS


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (usd(2500), "$25.00"),
        (Money(2500, "EUR"), "€25.00"),
        (Money(2500, "JPY"), "¥2,500"),
        (Money(2500, "CHF"), "CHF25.00"),
        (usd(5), "$0.05"),
        (usd(-1999), "-$19.99"),
        (Money(123456, "GBP"), "£1,234.56"),
    ],
)
def test_format_money_writes_amounts_as_people_read_them(money, text):
    assert format_money(money) == text


@given(currencies, st.integers(min_value=0, max_value=MAX_MAJOR_UNITS))
def test_formatted_money_parses_back_to_the_same_amount(currency, major):
    money = Money(major * 10 ** exponent(currency), currency)
    assert parse_money(format_money(money), currency) == money


@given(currencies, st.integers(min_value=0, max_value=MAX_MAJOR_UNITS * 100))
def test_any_minor_amount_round_trips_through_format_and_parse(currency, minor):
    minor %= MAX_MAJOR_UNITS * 10 ** exponent(currency) + 1
    money = Money(minor - minor % minor_step(currency), currency)  # ISK: whole krónur
    assert parse_money(format_money(money), currency) == money


@pytest.mark.parametrize("currency", ["ISK", "UGX"])
def test_stripe_keeps_isk_and_ugx_two_decimal_in_whole_units(currency):
    # docs.stripe.com/currencies "Special cases": to charge 5 ISK, send 500.
    assert exponent(currency) == 2
    assert minor_step(currency) == 100
    assert parse_money("5", currency) == Money(500, currency)
    assert format_money(Money(500_000, currency)) == f"{currency}5,000"
    with pytest.raises(InputError) as refused:
        parse_money("5.50", currency)
    assert refused.value.limit == 0


@pytest.mark.parametrize("currency", ["HUF", "TWD"])
def test_huf_and_twd_are_charged_as_two_decimal_amounts(currency):
    assert (exponent(currency), minor_step(currency)) == (2, 1)
    assert parse_money("175.50", currency).minor == 17_550


@given(st.sampled_from(["ISK", "UGX"]), st.integers(0, 10_000), st.integers(0, 10_000))
def test_isk_fees_shares_and_prices_stay_in_whole_units(currency, whole, bps):
    rate = Money(whole * 100, currency)
    assert platform_fee(rate, bps).minor % 100 == 0
    assert share(rate, bps % 101).minor % 100 == 0
    assert session_quote(rate, 45, bps).total.minor % 100 == 0


def test_fee_rounds_half_up_to_the_minor_unit():
    # 15% of $0.10 is 1.5 cents: a tie, which goes up.
    assert platform_fee(usd(10), 1500) == usd(2)
    # 15% of $0.03 is 0.45 cents: below half, which goes down.
    assert platform_fee(usd(3), 1500) == usd(0)
    assert platform_fee(usd(2500), 1500) == usd(375)


def test_fee_rejects_negative_inputs():
    with pytest.raises(ValueError, match="negative"):
        platform_fee(usd(-1), 1500)
    with pytest.raises(ValueError, match="negative"):
        platform_fee(usd(1), -1)


@given(amounts, bps)
def test_fee_is_never_negative_and_matches_decimal_half_up(minor, fee_bps):
    fee = platform_fee(usd(minor), fee_bps)
    expected = (Decimal(minor) * fee_bps / 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert fee.minor >= 0
    assert fee.minor == int(expected)


@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(1, 10**6))
def test_integer_division_rounds_like_decimal_half_up(numerator, denominator):
    expected = (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    assert div_half_up(numerator, denominator) == int(expected)


@given(amounts, bps)
def test_quote_total_is_rate_plus_fee(minor, fee_bps):
    priced = quote(usd(minor), fee_bps)
    assert priced.total == priced.rate + priced.fee
    assert priced.rate == usd(minor)


def test_default_quote_for_a_25_dollar_session():
    assert quote(usd(2500), 1500) == Quote(rate=usd(2500), fee=usd(375), total=usd(2875))


def test_share_is_a_percentage_rounded_half_up():
    assert share(usd(2875), 50) == usd(1438)
    assert share(usd(2875), 100) == usd(2875)
    assert share(usd(2875), 0) == usd(0)
    with pytest.raises(ValueError, match="percent"):
        share(usd(1), 101)


@given(amounts, st.integers(0, 100))
def test_share_never_exceeds_the_amount_and_matches_decimal(minor, percent):
    part = share(usd(minor), percent)
    expected = (Decimal(minor) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert 0 <= part.minor <= minor
    assert part.minor == int(expected)
