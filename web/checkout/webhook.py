"""POST /stripe/webhook: verify the raw body, hand the event to the services, answer.

400 only for a bad signature or a body that is not a Stripe event (only the reason is
logged, never the body or signature); every authentic event is acknowledged, one we do
not act on (or whose object has no id, like ``balance.available``'s) as ``ignored``;
503 when the event is early or the provider is briefly unreachable, so Stripe retries;
200 with the outcome otherwise, a duplicate included. Every answer is counted in
`tutorbot_webhooks_total` by event type (``unverified`` when the event could not be
verified) and outcome.
"""

from __future__ import annotations

import logging

from aiohttp import web

from marketplace.payments import InvalidWebhookError, verify_event
from marketplace.ports import PaymentGatewayError, ProviderEvent
from marketplace.services.context import ServiceContext
from marketplace.services.webhooks import NotReadyError, handle_event
from web.checkout.health import METRICS_KEY
from web.checkout.limits import WEBHOOK_MAX_BYTES, BodyTooLargeError, read_capped
from web.checkout.pages import SERVICES_KEY

log = logging.getLogger(__name__)

WEBHOOK_SECRET_KEY = web.AppKey("webhook_secret", str)
UNVERIFIED = "unverified"

Answer = tuple[str, int]
"""The outcome named in the body, and the HTTP status."""


async def stripe_webhook(request: web.Request) -> web.Response:
    """Verify and handle one Stripe event (see the module docstring)."""
    verified = await _verified(request)
    if isinstance(verified, ProviderEvent):
        event_type = verified.type
        outcome, code = await _handled(verified, request.app[SERVICES_KEY])
    else:
        event_type, (outcome, code) = UNVERIFIED, verified
    request.app[METRICS_KEY].webhook(event_type, outcome)
    return web.json_response({"status": outcome}, status=code)


async def _verified(request: web.Request) -> ProviderEvent | Answer:
    """The authentic event, or the answer refusing it."""
    try:
        body = await read_capped(request, WEBHOOK_MAX_BYTES)
    except BodyTooLargeError:
        log.warning("rejected webhook: body over %d bytes", WEBHOOK_MAX_BYTES)
        return "too_large", 413
    signature = request.headers.get("Stripe-Signature", "")
    try:
        return verify_event(body, signature, request.app[WEBHOOK_SECRET_KEY])
    except InvalidWebhookError as error:
        log.warning("rejected webhook: %s", error.reason)
        return "rejected", 400


async def _handled(event: ProviderEvent, ctx: ServiceContext) -> Answer:
    """Hand the event to the services; 503 asks Stripe to send it again later."""
    what = f"webhook {event.event_id} ({event.type})"
    try:
        result = await handle_event(event, ctx)
    except NotReadyError:
        log.info("%s arrived early; asking for a retry", what)
        return "retry", 503
    except PaymentGatewayError as error:
        if not error.retryable:
            log.exception("%s failed: %s", what, error.code)
            return "error", 500
        log.warning("%s needs a retry: %s", what, error.code)
        return "retry", 503
    except Exception:
        log.exception("%s failed", what)
        return "error", 500
    if result.status == "ignored":
        log.info("%s ignored: %s", what, result.detail)
    return result.status, 200
