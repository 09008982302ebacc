"""Webhook signatures exactly as Stripe makes them.

``Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`` keyed with
the endpoint's signing secret (``whsec_…``), which ``stripe.Webhook.construct_event``
verifies (and rejects when ``t`` is older than its tolerance, 300 s by default).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from stripe_fake.ids import random_part


def new_webhook_secret() -> str:
    """A fresh signing secret in Stripe's ``whsec_`` format."""
    return "whsec_" + random_part(32)


def compute_signature(payload: bytes, secret: str, timestamp: int) -> str:
    """The hex ``v1`` signature of `payload` signed at `timestamp`."""
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header value for `payload` (now, unless `timestamp`)."""
    when = int(time.time()) if timestamp is None else timestamp
    return f"t={when},v1={compute_signature(payload, secret, when)}"
