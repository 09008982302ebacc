"""The composition root: the only place that wires concrete adapters together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from aiohttp import web

from bot.client import TutorBot
from bot.endpoint import use_discord_endpoint
from marketplace.ports import SystemClock
from marketplace.services.context import ServiceContext
from marketplace.settings import Settings
from marketplace.storage.engine import Database, create_database
from marketplace.storage.migrate import upgrade_async
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from web.checkout.app import create_app

log = logging.getLogger(__name__)


class MissingSettingError(Exception):
    """A setting needed for the requested mode is not set; `name` says which."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(name)


@dataclass(frozen=True, slots=True)
class Runtime:
    """The wired parts of one process."""

    settings: Settings
    database: Database
    services: ServiceContext


async def build_runtime(settings: Settings, *, auto_migrate: bool | None = None) -> Runtime:
    """Open the database (upgrading SQLite automatically) and build the services."""
    if auto_migrate if auto_migrate is not None else settings.is_sqlite:
        await upgrade_async(settings.database_url)
    database = create_database(settings.database_url)
    services = ServiceContext(
        uow=UnitOfWorkFactory(database),
        clock=SystemClock(),
        payments_configured=settings.payments_configured,
    )
    return Runtime(settings, database, services)


def build_bot(runtime: Runtime) -> TutorBot:
    """The Discord client, pointed at the configured Discord-compatible endpoint."""
    settings = runtime.settings
    use_discord_endpoint(settings.discord_api_base, settings.discord_gateway_url)
    return TutorBot(runtime.services, dev_guild_id=settings.dev_guild_id)


def discord_token(settings: Settings) -> str:
    """The bot token, or MissingSettingError."""
    token = settings.discord_token.get_secret_value() if settings.discord_token else ""
    if not token.strip():
        raise MissingSettingError("DISCORD_TOKEN")
    return token.strip()


async def start_web(runtime: Runtime) -> web.AppRunner:
    """Start the web app on WEB_HOST:WEB_PORT."""
    runner = web.AppRunner(create_app(runtime.services), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, runtime.settings.web_host, runtime.settings.web_port)
    await site.start()
    log.info("web app listening on %s:%s", runtime.settings.web_host, runtime.settings.web_port)
    return runner


async def serve(settings: Settings, *, with_bot: bool, with_web: bool) -> None:
    """Run the chosen parts until cancelled, then shut them down cleanly."""
    token = discord_token(settings) if with_bot else ""
    runtime = await build_runtime(settings)
    runner = await start_web(runtime) if with_web else None
    try:
        if with_bot:
            bot = build_bot(runtime)
            async with bot:
                await bot.start(token)
        else:
            await asyncio.Event().wait()
    finally:
        if runner is not None:
            await runner.cleanup()
        with contextlib.suppress(Exception):
            await runtime.database.dispose()
