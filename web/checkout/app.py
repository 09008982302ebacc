"""The checkout web app (aiohttp.web): checkout, return and status pages, Stripe webhooks.

It also answers the operator's /healthz and /readyz, and /metrics when asked to (see
`create_app`). `create_app` builds everything per call; nothing is created at import time.
"""

from __future__ import annotations

from importlib.resources import files

from aiohttp import web

from marketplace.health import Readiness
from marketplace.metrics import Metrics
from marketplace.services.context import ServiceContext
from web.checkout.errors import error_pages
from web.checkout.health import METRICS_KEY, add_health_routes
from web.checkout.limits import WEBHOOK_MAX_BYTES
from web.checkout.pages import SERVICES_KEY, add_page_routes
from web.checkout.render import TEMPLATES_KEY, template_environment
from web.checkout.security import (
    CSP_KEY,
    add_security_headers,
    checkout_origins,
    content_security_policy,
)
from web.checkout.webhook import WEBHOOK_SECRET_KEY, stripe_webhook

__all__ = ["METRICS_KEY", "SERVICES_KEY", "create_app"]

_STATIC = {"checkout.css": "text/css", "favicon.svg": "image/svg+xml"}


def _static_route(name: str, content_type: str) -> web.RouteDef:
    body = files("web.checkout").joinpath("static", name).read_bytes()

    async def serve(_request: web.Request) -> web.Response:
        response = web.Response(body=body, content_type=content_type)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    return web.get(f"/static/{name}", serve)


def create_app(
    services: ServiceContext,
    *,
    webhook_secret: str = "",
    readiness: Readiness | None = None,
    metrics: Metrics | None = None,
    metrics_public: bool = False,
) -> web.Application:
    """Build the web application around the shared services.

    `webhook_secret` is the Stripe endpoint's signing secret; without it every webhook is
    refused (400). `readiness` holds the checks /readyz runs (none: always ready);
    `metrics` is the process's registry (a fresh one by default), served on /metrics only
    when `metrics_public`, because this port faces the public.
    """
    metrics = metrics if metrics is not None else Metrics()
    app = web.Application(client_max_size=WEBHOOK_MAX_BYTES, middlewares=[error_pages])
    app[SERVICES_KEY] = services
    app[WEBHOOK_SECRET_KEY] = webhook_secret
    app[TEMPLATES_KEY] = template_environment()
    app[CSP_KEY] = content_security_policy(checkout_origins(services.gateway))
    app.on_response_prepare.append(add_security_headers)
    add_health_routes(app, readiness or Readiness(), metrics, with_metrics=metrics_public)
    app.router.add_post("/stripe/webhook", stripe_webhook)
    app.router.add_routes([_static_route(name, kind) for name, kind in _STATIC.items()])
    add_page_routes(app)
    return app
