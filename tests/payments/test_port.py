"""The PaymentGateway port: its plain data, and both adapters implementing all of it."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import datetime

import pytest

from marketplace.domain.money import Money
from marketplace.payments import FreeGateway, StripeGateway
from marketplace.ports.payments import IntentState, PaymentGateway, PaymentGatewayError
from tests.payments.conftest import checkout_request

PORT_METHODS = [
    name
    for name, member in vars(PaymentGateway).items()
    if inspect.iscoroutinefunction(member) and not name.startswith("_")
]


def test_the_port_has_every_method_the_services_need() -> None:
    assert sorted(PORT_METHODS) == sorted(
        [
            "create_checkout",
            "checkout",
            "expire_checkout",
            "intent",
            "capture",
            "cancel",
            "refund",
            "dispute",
            "disputes_of",
            "submit_evidence",
            "reverse_transfer",
            "create_payout_account",
            "onboarding_link",
            "payout_account",
            "transfer",
            "create_customer",
            "create_card_setup",
            "card_setup",
            "authorize_saved_card",
            "forget_card",
            "close",
        ]
    )


@pytest.mark.parametrize("adapter", [StripeGateway, FreeGateway])
@pytest.mark.parametrize("name", PORT_METHODS)
def test_each_adapter_implements_each_method_with_the_same_signature(
    adapter: type, name: str
) -> None:
    own = getattr(adapter, name)
    assert own is not getattr(PaymentGateway, name)
    assert inspect.iscoroutinefunction(own)
    assert list(inspect.signature(own).parameters) == list(
        inspect.signature(getattr(PaymentGateway, name)).parameters
    )


def test_a_checkout_request_is_checked() -> None:
    with pytest.raises(ValueError, match="negative"):
        checkout_request(amount=-1)
    with pytest.raises(ValueError, match="aware"):
        dataclasses.replace(checkout_request(), expires_at=datetime(2026, 1, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="capture"):
        dataclasses.replace(checkout_request(), capture="later")  # type: ignore[arg-type]


def test_intent_state_says_held_failed_and_kept() -> None:
    held = IntentState("pi_1", "requires_capture", 5000, 5000, 0, 0, "ch_1", "USD")
    declined = IntentState(
        "pi_2",
        "requires_payment_method",
        5000,
        0,
        0,
        0,
        "ch_2",
        "USD",
        failure_code="generic_decline",
    )
    refunded = IntentState("pi_3", "succeeded", 5000, 0, 3000, 1000, "ch_3", "USD")
    assert (held.held, held.failed, held.kept) == (True, False, 0)
    assert (declined.held, declined.failed) == (False, True)
    assert refunded.kept == 2000
    assert Money(refunded.kept, refunded.currency) == Money(2000, "USD")


def test_a_gateway_error_carries_code_kind_and_retryable() -> None:
    error = PaymentGatewayError("amount_too_large", kind="invalid_request", message="too much")
    assert (error.code, error.kind, error.retryable) == (
        "amount_too_large",
        "invalid_request",
        False,
    )
    assert str(error) == "amount_too_large: too much"
    assert PaymentGatewayError("network", True).kind == "network"
