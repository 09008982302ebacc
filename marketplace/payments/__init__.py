"""Payment adapters: Stripe, free mode, and webhook verification.

The composition root picks one gateway per process: `StripeGateway` when
``STRIPE_SECRET_KEY`` is set, `FreeGateway` otherwise (and for guilds with payments off).
"""

from marketplace.payments.free_gateway import FreeGateway
from marketplace.payments.stripe_gateway import StripeGateway
from marketplace.payments.webhooks import InvalidWebhookError, VerifiedEvent, verify_event

__all__ = [
    "FreeGateway",
    "InvalidWebhookError",
    "StripeGateway",
    "VerifiedEvent",
    "verify_event",
]
