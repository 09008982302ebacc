"""The fake checks every request against the stripe library's own params types.

Each case goes through the real `stripe` library, so it also proves the library raises
`stripe.InvalidRequestError` with Stripe's ``code`` and ``param``.
"""

from __future__ import annotations

from typing import Any

import pytest
import stripe
import stripe.params.checkout as checkout_params

from stripe_fake import StripeFake
from stripe_fake.schema import Emptyable, Enum, ListOf, MapOf, Scalar, schema_of
from tests.stripe_contract.support import new_session

ITEM = "line_items[0][price_data]"


def _price(**changes: Any) -> dict[str, Any]:
    price: dict[str, Any] = {
        "currency": "usd",
        "unit_amount": 5750,
        "product_data": {"name": "Calculus tutoring, 60 min"},
    }
    price.update(changes)
    return price


def _items(**changes: Any) -> list[dict[str, Any]]:
    return [{"price_data": _price(**changes), "quantity": 1}]


async def _refused(call: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await call
    assert refused.value.http_status == 400
    return refused.value


def test_the_schema_comes_from_the_library_types() -> None:
    schema = schema_of(checkout_params.SessionCreateParams)
    assert "api_key" not in schema.fields  # request options are not parameters
    assert schema.fields["mode"] == Enum(("payment", "setup", "subscription"))
    assert schema.fields["metadata"] == MapOf(Scalar("string"))
    assert schema.fields["expires_at"] == Scalar("integer")
    items = schema.fields["line_items"]
    assert isinstance(items, ListOf)
    price_data = items.item.fields["price_data"]  # type: ignore[union-attr]
    assert price_data.required == frozenset({"currency"})  # type: ignore[union-attr]
    capture = stripe.params.PaymentIntentCaptureParams
    assert schema_of(capture).fields["metadata"] == Emptyable(MapOf(Scalar("string")))


@pytest.mark.parametrize(
    ("overrides", "param"),
    [
        ({"surprise": "x"}, "surprise"),
        ({"line_items": _items(colour="blue")}, f"{ITEM}[colour]"),
        (
            {"line_items": _items(product_data={"name": "x", "size": "L"})},
            f"{ITEM}[product_data][size]",
        ),
        ({"payment_intent_data": {"capture": "manual"}}, "payment_intent_data[capture]"),
    ],
)
async def test_unknown_parameters_are_named_by_their_full_path(
    client: stripe.StripeClient, overrides: dict[str, Any], param: str
) -> None:
    error = await _refused(new_session(client, **overrides))
    assert (error.code, error.param) == ("parameter_unknown", param)
    assert error.user_message == f"Received unknown parameter: {param}"


async def test_unknown_parameter_on_a_retrieve(client: stripe.StripeClient) -> None:
    session = await new_session(client)
    error = await _refused(
        client.v1.checkout.sessions.retrieve_async(session.id, params={"expnad": ["x"]})
    )
    assert (error.code, error.param) == ("parameter_unknown", "expnad")


async def test_missing_required_parameters(client: stripe.StripeClient) -> None:
    no_currency = {"unit_amount": 5750, "product_data": {"name": "x"}}
    error = await _refused(
        new_session(client, line_items=[{"price_data": no_currency, "quantity": 1}])
    )
    assert (error.code, error.param) == ("parameter_missing", f"{ITEM}[currency]")
    error = await _refused(
        new_session(client, line_items=_items(product_data={"description": "no name"}))
    )
    assert (error.code, error.param) == ("parameter_missing", f"{ITEM}[product_data][name]")
    error = await _refused(
        client.v1.account_links.create_async(params={"type": "account_onboarding"})
    )
    assert (error.code, error.param) == ("parameter_missing", "account")
    error = await _refused(
        client.v1.transfers.create_async(params={"amount": 100, "currency": "usd"})
    )
    assert (error.code, error.param) == ("parameter_missing", "destination")


async def test_values_outside_an_enum(client: stripe.StripeClient) -> None:
    error = await _refused(new_session(client, payment_intent_data={"capture_method": "later"}))
    assert error.param == "payment_intent_data[capture_method]"
    assert error.code is None  # Stripe sends no code for an enum violation
    assert "must be one of automatic, automatic_async, or manual" in (error.user_message or "")
    error = await _refused(client.v1.refunds.create_async(params={"reason": "changed_mind"}))
    assert error.param == "reason"


async def test_values_of_the_wrong_type(client: stripe.StripeClient) -> None:
    error = await _refused(new_session(client, line_items=_items(unit_amount="57.50")))
    assert (error.code, error.param) == ("parameter_invalid_integer", f"{ITEM}[unit_amount]")
    assert error.user_message == "Invalid integer: 57.50"
    error = await _refused(new_session(client, expires_at="tomorrow"))
    assert (error.code, error.param) == ("parameter_invalid_integer", "expires_at")
    error = await _refused(
        client.v1.accounts.create_async(
            params={"type": "express", "capabilities": {"transfers": {"requested": "yes"}}}
        )
    )
    assert error.param == "capabilities[transfers][requested]"
    assert error.user_message == "Invalid boolean: yes"
    error = await _refused(new_session(client, metadata="booking 42"))
    assert error.param == "metadata"


async def test_empty_values_only_where_stripe_allows_unsetting(
    client: stripe.StripeClient,
) -> None:
    error = await _refused(new_session(client, line_items=_items(currency="")))
    assert (error.code, error.param) == ("parameter_invalid_empty", f"{ITEM}[currency]")
    session = await new_session(client, metadata={"booking_id": "42", "note": ""})
    assert session.metadata.to_dict() == {"booking_id": "42"}  # an empty value unsets a key


async def test_errors_are_shaped_like_stripes(client: stripe.StripeClient) -> None:
    error = await _refused(new_session(client, line_items=_items(unit_amount="x")))
    assert error.json_body is not None
    body = error.json_body["error"]
    assert body == {
        "type": "invalid_request_error",
        "code": "parameter_invalid_integer",
        "param": f"{ITEM}[unit_amount]",
        "message": "Invalid integer: x",
        "doc_url": "https://docs.stripe.com/error-codes/parameter-invalid-integer",
    }


async def test_real_parameters_the_fake_does_not_model_say_so(
    client: stripe.StripeClient,
) -> None:
    error = await _refused(new_session(client, allow_promotion_codes=True))
    assert error.param == "allow_promotion_codes"
    assert "stripe_fake does not support" in (error.user_message or "")
    assert error.code is None


async def test_a_refused_request_saves_no_idempotent_result(
    client: stripe.StripeClient,
) -> None:
    await _refused(new_session(client, key="k-1", surprise="x"))
    session = await new_session(client, key="k-1")  # the same key now works
    assert session.status == "open"


# --- expires_at -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "accepted"),
    [(29 * 60, False), (30 * 60, True), (24 * 3600, True), (24 * 3600 + 60, False)],
)
async def test_expires_at_between_30_minutes_and_24_hours(
    fake: StripeFake, client: stripe.StripeClient, after: int, accepted: bool
) -> None:
    expires_at = fake.store.now() + after
    if accepted:
        session = await new_session(client, expires_at=expires_at)
        assert session.expires_at == expires_at
        return
    error = await _refused(new_session(client, expires_at=expires_at))
    assert error.param == "expires_at"
    assert "between 30 minutes and 24 hours" in (error.user_message or "")


# --- the 7-day authorization -------------------------------------------------------------


async def _held(fake: StripeFake, client: stripe.StripeClient) -> str:
    session = await new_session(client, expires_at=fake.store.now() + 3600)
    payment = await fake.pay(session.id)
    assert payment.payment_intent["status"] == "requires_capture"
    return str(payment.payment_intent["id"])


async def test_a_hold_lapses_after_7_days(fake: StripeFake, client: stripe.StripeClient) -> None:
    intent_id = await _held(fake, client)
    charge = fake.get(str(fake.get(intent_id)["latest_charge"]))
    capture_before = charge["payment_method_details"]["card"]["capture_before"]
    assert capture_before == fake.store.now() + 7 * 24 * 3600

    await fake.advance_clock(7 * 24 * 3600)
    intent = await client.v1.payment_intents.retrieve_async(intent_id)
    assert (intent.status, intent.cancellation_reason) == ("canceled", "automatic")
    assert intent.amount_capturable == 0
    assert [e["data"]["object"]["id"] for e in fake.events_of_type("payment_intent.canceled")] == [
        intent_id
    ]
    expired = fake.events_of_type("charge.expired")
    assert [e["data"]["object"]["refunded"] for e in expired] == [True]

    error = await _refused(client.v1.payment_intents.capture_async(intent_id))
    assert error.code == "payment_intent_unexpected_state"
    assert "status of canceled" in (error.user_message or "")


async def test_a_hold_captured_within_7_days_succeeds(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    intent_id = await _held(fake, client)
    await fake.advance_clock(7 * 24 * 3600 - 60)
    captured = await client.v1.payment_intents.capture_async(intent_id)
    assert captured.status == "succeeded"
    assert not fake.events_of_type("charge.expired")


async def test_a_hold_lapses_on_the_next_request_too(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    intent_id = await _held(fake, client)
    fake.store.clock_offset += 8 * 24 * 3600  # time passes without the harness
    error = await _refused(client.v1.payment_intents.capture_async(intent_id))
    assert error.code == "payment_intent_unexpected_state"
    assert fake.get(intent_id)["cancellation_reason"] == "automatic"


# --- special currencies -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "amount"),
    [
        ("isk", 500_000),  # 5,000 ISK: two-decimal in the API, whole krónur only
        ("ugx", 2_000_000),  # 20,000 UGX, the same rule
        ("huf", 17_550),  # HUF charges may have fillér (only payouts are whole forints)
        ("twd", 12_345),  # TWD charges too
        ("jpy", 500),  # zero-decimal: 500 yen
        ("kwd", 1_230),  # three-decimal, ending in 0
    ],
)
async def test_special_currency_amounts_accepted(
    client: stripe.StripeClient, currency: str, amount: int
) -> None:
    session = await new_session(client, line_items=_items(currency=currency, unit_amount=amount))
    assert (session.currency, session.amount_total) == (currency, amount)


@pytest.mark.parametrize(
    ("currency", "amount", "code"),
    [
        ("isk", 500_050, "invalid_charge_amount_no_decimal_compatible"),
        ("ugx", 5_050, "invalid_charge_amount_no_decimal_compatible"),
        ("kwd", 1_235, "invalid_charge_amount"),
        ("huf", 17_499, "amount_too_small"),  # Stripe's minimum charge: 175.00 Ft
        ("jpy", 49, "amount_too_small"),
    ],
)
async def test_special_currency_amounts_refused(
    client: stripe.StripeClient, currency: str, amount: int, code: str
) -> None:
    error = await _refused(
        new_session(client, line_items=_items(currency=currency, unit_amount=amount))
    )
    assert error.code == code
    expected = "line_items" if code == "amount_too_small" else f"{ITEM}[unit_amount]"
    assert error.param == expected


async def test_isk_captures_and_refunds_in_whole_kronur(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    session = await new_session(client, line_items=_items(currency="isk", unit_amount=900_000))
    payment = await fake.pay(session.id)
    intent_id = str(payment.payment_intent["id"])
    error = await _refused(
        client.v1.payment_intents.capture_async(intent_id, params={"amount_to_capture": 450_050})
    )
    assert (error.code, error.param) == (
        "invalid_charge_amount_no_decimal_compatible",
        "amount_to_capture",
    )
    await client.v1.payment_intents.capture_async(intent_id, params={"amount_to_capture": 450_000})
    error = await _refused(
        client.v1.refunds.create_async(params={"payment_intent": intent_id, "amount": 150})
    )
    assert (error.code, error.param) == ("invalid_charge_amount_no_decimal_compatible", "amount")
    refund = await client.v1.refunds.create_async(
        params={"payment_intent": intent_id, "amount": 100_000}
    )
    assert refund.amount == 100_000


async def test_violations_are_recorded_apart_from_state_errors(
    fake: StripeFake, client: stripe.StripeClient
) -> None:
    await _refused(new_session(client, surprise="x"))
    await _refused(new_session(client, allow_promotion_codes=True))
    await _refused(new_session(client, line_items=_items(currency="isk", unit_amount=150)))
    session = await new_session(client)
    await client.v1.checkout.sessions.expire_async(session.id)
    await _refused(client.v1.checkout.sessions.expire_async(session.id))  # no longer open
    violations = [record.violation for record in fake.violations]
    assert violations[:2] == [
        "surprise: Received unknown parameter: surprise",
        "allow_promotion_codes: stripe_fake does not support the parameter allow_promotion_codes.",
    ]
    assert len(violations) == 3
    assert str(violations[2]).startswith(f"{ITEM}[unit_amount]: Invalid amount.")
