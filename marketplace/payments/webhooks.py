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
    `tolerance_seconds`, or the body is not a Stripe event (not a JSON object with a
    string ``id`` and ``type``). Any other signed event is returned, whatever its
    ``data.object`` holds: the caller acknowledges what it does not handle.
    """
    if not secret:
        raise InvalidWebhookError("no signing secret configured")
    try:
        event = stripe.Webhook.construct_event(
            raw_body, signature_header, secret, tolerance=tolerance_seconds
        )
    except stripe.SignatureVerificationError:
        raise InvalidWebhookError("bad or stale signature") from None
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError):
        # not JSON, not UTF-8, nested too deep, or JSON that is not an object
        raise InvalidWebhookError("malformed event") from None
    return _plain(event)


def _plain(event: stripe.Event) -> VerifiedEvent:
    """The event as plain data: it needs only a top-level ``id`` and ``type``.

    Every Stripe Event has both; its ``data.object`` need not have an id (a
    ``balance.available`` event's Balance has none) or be a dict at all, so an absent id
    or ``object`` is left empty (``""``) for the services, which ignore such an event.
    """
    try:
        values = event.to_dict()
        event_id, event_type = values.get("id"), values.get("type")
        data = values.get("data")
    except (KeyError, TypeError, AttributeError):
        raise InvalidWebhookError("malformed event") from None
    if not (isinstance(event_id, str) and event_id.startswith("evt_")):
        raise InvalidWebhookError("malformed event")
    if not (isinstance(event_type, str) and event_type):
        raise InvalidWebhookError("malformed event")
    obj = data.get("object") if isinstance(data, dict) else None
    obj = dict(obj) if isinstance(obj, dict) else {}
    return VerifiedEvent(
        event_id=event_id,
        type=event_type,
        object_id=_text(obj.get("id")),
        object_type=_text(obj.get("object")),
        data=obj,
        account=_text(values.get("account")),
    )


def _text(value: object) -> str:
    """A string field of the object, or ``""`` when it is absent or not a string."""
    return value if isinstance(value, str) else ""
