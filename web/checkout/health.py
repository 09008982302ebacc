"""The operator's routes: /healthz (alive), /readyz (the given checks), /metrics (Prometheus).

The checks and the metrics are passed in by the composition root; this module knows
nothing of databases or gateways. `health_app` is the same routes as an application of
their own, for the HEALTH_PORT server of a process that runs only the bot.
"""

from __future__ import annotations

from aiohttp import web

from marketplace.health import Readiness
from marketplace.metrics import CONTENT_TYPE, Metrics

READINESS_KEY = web.AppKey("readiness", Readiness)
METRICS_KEY = web.AppKey("metrics", Metrics)


async def healthz(_request: web.Request) -> web.Response:
    """Liveness: the process answers."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """200 when every check is ready; 503 naming those that are not."""
    report = await request.app[READINESS_KEY].report()
    return web.json_response(report.to_json(), status=200 if report.ready else 503)


async def metrics_page(request: web.Request) -> web.Response:
    """The Prometheus text format of this process's registry."""
    body = await request.app[METRICS_KEY].render()
    response = web.Response(body=body)
    response.headers["Content-Type"] = CONTENT_TYPE
    response.headers["Cache-Control"] = "no-store"
    return response


def add_health_routes(
    app: web.Application, readiness: Readiness, metrics: Metrics, *, with_metrics: bool
) -> None:
    """Serve /healthz and /readyz on `app`, and /metrics when `with_metrics`."""
    app[READINESS_KEY] = readiness
    app[METRICS_KEY] = metrics
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    if with_metrics:
        app.router.add_get("/metrics", metrics_page)


def health_app(readiness: Readiness, metrics: Metrics) -> web.Application:
    """An application with only the three operator routes, /metrics included."""
    app = web.Application()
    add_health_routes(app, readiness, metrics, with_metrics=True)
    return app
