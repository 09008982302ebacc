"""StripeGateway's edges: error mapping, retryable failures, and keeping the key secret."""

from __future__ import annotations

import logging
import socket

import pytest
import stripe
from pydantic import SecretStr

from marketplace.payments import StripeGateway
from marketplace.payments.stripe_gateway import gateway_error
from marketplace.ports.payments import PaymentGatewayError
from stripe_fake import StripeFake


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_an_unreachable_stripe_is_a_retryable_network_error() -> None:
    gateway = StripeGateway(
        "sk_test_x",
        f"http://127.0.0.1:{_closed_port()}",
        max_network_retries=0,
        installation="tests",
    )
    try:
        with pytest.raises(PaymentGatewayError) as failed:
            await gateway.intent("pi_123")
    finally:
        await gateway.close()
        await gateway.close()  # closing twice is fine
    assert (failed.value.kind, failed.value.code, failed.value.retryable) == (
        "network",
        "network",
        True,
    )


async def test_a_refused_key_is_never_shown_or_logged(
    fake: StripeFake, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "sk_live_very_secret_value_123"
    gateway = StripeGateway(
        SecretStr(secret), fake.base_url, max_network_retries=0, installation="tests"
    )
    caplog.set_level(logging.DEBUG)
    try:
        with pytest.raises(PaymentGatewayError) as refused:
            await gateway.checkout("cs_123")
    finally:
        await gateway.close()
    assert (refused.value.kind, refused.value.retryable) == ("authentication", False)
    for text in (str(refused.value), repr(gateway), caplog.text):
        assert "very_secret" not in text


def test_an_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="FreeGateway"):
        StripeGateway(SecretStr(" "), "http://127.0.0.1:9", installation="tests")


@pytest.mark.parametrize(
    ("error", "kind", "code", "retryable"),
    [
        (stripe.CardError("declined", None, "card_declined"), "card", "card_declined", False),
        (
            stripe.InvalidRequestError("bad", "amount", "amount_too_large"),
            "invalid_request",
            "amount_too_large",
            False,
        ),
        (stripe.InvalidRequestError("bad", None), "invalid_request", "invalid_request", False),
        (stripe.IdempotencyError("reused"), "idempotency", "idempotency_error", False),
        (
            stripe.InvalidRequestError("in use", None, http_status=409),
            "invalid_request",
            "invalid_request",
            True,
        ),
        (stripe.RateLimitError("slow down"), "rate_limit", "rate_limit", True),
        (stripe.APIConnectionError("down"), "network", "network", True),
        (stripe.APIError("oops", http_status=500), "api", "api", True),
        (stripe.PermissionError("no"), "permission", "permission", False),
        (stripe.StripeError("other"), "api", "api", True),
    ],
)
def test_stripe_errors_map_to_gateway_errors(
    error: stripe.StripeError, kind: str, code: str, retryable: bool
) -> None:
    mapped = gateway_error(error)
    assert (mapped.kind, mapped.code, mapped.retryable) == (kind, code, retryable)
