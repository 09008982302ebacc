"""The operator's side of a process: readiness checks, scrape hooks and the HEALTH_PORT server.

The composition root builds one `Metrics` and one `Readiness` per process, adds the checks
of the parts it runs (`database_check`, and `bot.telemetry.gateway_check` when it runs the
bot), watches the job queue (`watch_job_queue`), and hands both to the web app and, when
HEALTH_PORT is set, to `start_health_server`.
"""

from __future__ import annotations

import logging

from aiohttp import web
from sqlalchemy import text

from marketplace.health import Check, Readiness
from marketplace.metrics import Metrics
from marketplace.ports import Clock
from marketplace.settings import Settings
from marketplace.storage.engine import Database
from marketplace.storage.scheduled_actions import SqlActionQueue
from web.checkout.health import health_app

log = logging.getLogger(__name__)


class HealthStartError(Exception):
    """The health server could not listen where HEALTH_HOST/HEALTH_PORT say."""

    def __init__(self, address: str, reason: str) -> None:
        self.address = address
        self.reason = reason
        super().__init__(f"{address}: {reason}")


def database_check(database: Database) -> Check:
    """Ready when the database answers ``SELECT 1`` (Readiness bounds how long it may take)."""

    async def check() -> str | None:
        try:
            # A reader: on SQLite a writer's BEGIN IMMEDIATE would wait for the write lock.
            async with database.reader() as session:
                await session.execute(text("SELECT 1"))
        except Exception as error:
            # The driver's message can carry the connection URL: name only the kind.
            return f"the database does not answer ({type(error).__name__})"
        return None

    return check


def watch_job_queue(metrics: Metrics, queue: SqlActionQueue, clock: Clock) -> None:
    """Fill the job queue gauges (due rows, age of the oldest) on every scrape."""

    async def read_backlog() -> None:
        now = clock.now()
        backlog = await queue.backlog(now)
        metrics.job_backlog(backlog.due, backlog.oldest_due_at, now)

    metrics.on_scrape("job_queue", read_backlog)


async def start_health_server(
    settings: Settings, readiness: Readiness, metrics: Metrics
) -> web.AppRunner | None:
    """Serve /healthz, /readyz and /metrics on HEALTH_HOST:HEALTH_PORT; None when unset.

    Raises HealthStartError when the address cannot be listened on.
    """
    if settings.health_port is None:
        return None
    runner = web.AppRunner(health_app(readiness, metrics), access_log=None)
    await runner.setup()
    host, port = settings.health_host, settings.health_port
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as error:
        await runner.cleanup()
        raise HealthStartError(f"{host}:{port}", str(error)) from error
    log.info("health server listening on %s:%s", host, port)
    return runner
