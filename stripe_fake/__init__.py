"""Stripe stand-ins for tests and demos (test infrastructure, not product code).

* `StripeFake` / `running_stripe_fake`: an in-process aiohttp fake of the Stripe API subset
  TutorBot uses (Checkout Sessions, PaymentIntents, refunds, Connect, transfers,
  idempotency keys) with signed webhooks and delivery controls.
* `stripe_fake.localstripe`: runs the real localstripe package as a separate loopback-only
  process (kept apart from this module so importing the fake never needs localstripe).
"""

from stripe_fake.cards import GENERIC_DECLINE_CARD, SUCCESS_CARD
from stripe_fake.checkout import Payment
from stripe_fake.client import TEST_API_KEY, make_stripe_client, stripe_client
from stripe_fake.errors import StripeFakeError
from stripe_fake.server import StripeFake, running_stripe_fake
from stripe_fake.signing import compute_signature, new_webhook_secret, signature_header
from stripe_fake.webhooks import Delivery, WebhookEndpoint

__all__ = [
    "GENERIC_DECLINE_CARD",
    "SUCCESS_CARD",
    "TEST_API_KEY",
    "Delivery",
    "Payment",
    "StripeFake",
    "StripeFakeError",
    "WebhookEndpoint",
    "compute_signature",
    "make_stripe_client",
    "new_webhook_secret",
    "running_stripe_fake",
    "signature_header",
    "stripe_client",
]
