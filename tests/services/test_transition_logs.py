"""Each state transition is logged once at INFO with its ids, and only once it commits."""

from __future__ import annotations

import io
import json
import logging
import socket

import pytest

from marketplace.logs import configure_logging, log_context
from marketplace.payments import StripeGateway
from marketplace.ports.payments import PaymentGatewayError
from tests.services.marketplace_world import GUILD


def closed_port() -> int:
    """A local port nothing listens on: Stripe is unreachable there."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_a_stripe_failure_is_logged_once_at_warning_with_the_booking_id():
    stream = io.StringIO()
    target = logging.getLogger("marketplace.payments")
    handler = configure_logging("DEBUG", "json", stream=stream, root=target)
    gateway = StripeGateway(
        "sk_test_x",
        f"http://127.0.0.1:{closed_port()}",
        max_network_retries=0,
        installation="tests",
    )
    try:
        with log_context(booking_id=4242, guild_id=GUILD), pytest.raises(PaymentGatewayError):
            await gateway.intent("pi_123")
    finally:
        await gateway.close()
        target.removeHandler(handler)
        target.setLevel(logging.NOTSET)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["level"], line["booking_id"], line["guild_id"]) for line in lines] == [
        ("WARNING", 4242, GUILD)
    ]
    assert "stripe intent refused: network" in lines[0]["message"]
