"""Verifying Stripe webhooks: the raw body and ``Stripe-Signature``, nothing else.

`verify_event` checks the signature over the exact bytes received (with the real
``stripe.Webhook.construct_event``) and returns the event as plain data. Handling it
(dedupe by event id, re-read from Stripe, compare-and-set) is the caller's job.
"""

from __future__ import annotations

import stripe

from marketplace.ports.payments import ProviderEvent

DEFAULT_TOLERANCE_SECONDS = 300


class InvalidWebhookError(Exception):
    """A webhook failed verification; the message never quotes the payload or signature."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"invalid webhook: {reason}")


VerifiedEvent = ProviderEvent
"""An authentic Stripe event (the port's `ProviderEvent`)."""


def verify_event(
    raw_body: bytes,
    signature_header: str,
    secret: str,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> VerifiedEvent:
    """Verify `raw_body` against `signature_header` and `secret`; return the event.

    Raises `InvalidWebhookError` when the signature is missing, wrong or older than
    `tolerance_seconds`, or the body is not a Stripe event.
    """
    if not secret:
        raise InvalidWebhookError("no signing secret configured")
    try:
        event = stripe.Webhook.construct_event(
            raw_body, signature_header, secret, tolerance=tolerance_seconds
        )
    except stripe.SignatureVerificationError:
        raise InvalidWebhookError("bad or stale signature") from None
    except (ValueError, TypeError, AttributeError, KeyError):  # JSON, UTF-8, shape
        raise InvalidWebhookError("malformed event") from None
    return _plain(event)


def _plain(event: stripe.Event) -> VerifiedEvent:
    try:
        values = event.to_dict()
        obj = values["data"]["object"]
        verified = VerifiedEvent(
            event_id=str(values["id"]),
            type=str(values["type"]),
            object_id=str(obj["id"]),
            object_type=str(obj["object"]),
            data=dict(obj),
        )
    except (KeyError, TypeError, AttributeError):
        raise InvalidWebhookError("malformed event") from None
    if not (verified.event_id.startswith("evt_") and verified.type):
        raise InvalidWebhookError("malformed event")
    return verified
