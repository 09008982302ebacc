"""The checkout web app (aiohttp.web). Payments pages arrive with the payments work."""

from __future__ import annotations

from aiohttp import web

from marketplace.services.context import ServiceContext

SERVICES_KEY = web.AppKey("services", ServiceContext)


async def health(_request: web.Request) -> web.Response:
    """Liveness probe for process managers and load balancers."""
    return web.json_response({"status": "ok"})


def create_app(services: ServiceContext, *, webhook_secret: str = "") -> web.Application:
    """Build the web application around the shared services."""
    app = web.Application(client_max_size=256 * 1024)
    app[SERVICES_KEY] = services
    app.router.add_get("/healthz", health)
    return app
