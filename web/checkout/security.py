"""Security headers on every response, and the Content-Security-Policy they carry.

The pages load nothing but our own stylesheet and icon, run no script and may not be
framed. Pay posts to us and we answer 303 to the provider's hosted checkout; Chromium
checks `form-action` on that redirect too, so the hosted checkout's origin is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from aiohttp import web

from marketplace.payments import StripeGateway
from marketplace.ports import PaymentGateway

STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
STRIPE_API_ORIGIN = "https://api.stripe.com"
CSP_KEY = web.AppKey("content_security_policy", str)

_FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the token in our URLs never leaves in a Referer
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",  # token pages; the stylesheet sets its own
}


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL; None for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def checkout_origins(gateway: PaymentGateway | None) -> list[str]:
    """Where Pay may redirect: Stripe Checkout, plus a stand-in's own address."""
    origins = [STRIPE_CHECKOUT_ORIGIN]
    if isinstance(gateway, StripeGateway):
        stand_in = origin_of(gateway.api_base)
        if stand_in is not None and stand_in != STRIPE_API_ORIGIN:
            origins.append(stand_in)  # a test stand-in serves its hosted page itself
    return origins


def content_security_policy(form_targets: Iterable[str]) -> str:
    """A policy that allows our own styles and images, and forms to us and `form_targets`."""
    targets = " ".join(["'self'", *form_targets])
    return "; ".join(
        [
            "default-src 'none'",
            "style-src 'self'",
            "img-src 'self'",
            f"form-action {targets}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare` hook: every response, errors included, gets the headers."""
    response.headers.setdefault("Content-Security-Policy", request.app[CSP_KEY])
    for name, value in _FIXED_HEADERS.items():
        response.headers.setdefault(name, value)
