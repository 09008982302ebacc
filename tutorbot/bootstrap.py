"""The composition root: the only place that wires concrete adapters together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

import discord
from aiohttp import web

from bot.adapters.queue_board import DiscordQueueBoards
from bot.adapters.report_channel import DiscordReportChannel
from bot.adapters.spaces import DiscordSessionSpaces
from bot.client import ADVISED_SHARDS, Shards, TutorBot
from bot.endpoint import use_discord_endpoint
from bot.telemetry import BotTelemetry, gateway_check, instrument
from marketplace.health import Readiness
from marketplace.jobs.runner import JobRunner
from marketplace.mail import mailer_for
from marketplace.metrics import Metrics
from marketplace.ports import Clock, Notifier, PaymentGateway, SessionSpaces, SystemClock
from marketplace.ports.dropin import QueueBoards
from marketplace.services.context import ServiceContext
from marketplace.services.job_handlers import Handlers
from marketplace.services.weekly_report import ReportChannel
from marketplace.settings import Settings
from marketplace.storage.cache_sync import CacheSync
from marketplace.storage.engine import Database, create_database
from marketplace.storage.installation import installation_key_prefix
from marketplace.storage.migrate import upgrade_async
from marketplace.storage.read_cache import ReadCache
from marketplace.storage.scheduled_actions import SqlActionQueue
from marketplace.storage.sealing import DataKeys, key_file_for, load_or_create_key_file
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from tutorbot.health import (
    database_check,
    start_health_server,
    watch_job_queue,
)

log = logging.getLogger(__name__)

JOB_CONCURRENCY = 4


class MissingSettingError(Exception):
    """A setting needed for the requested mode is not set; `name` says which."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(name)


class JobWaker:
    """Lets services wake the job runner, which is built after them."""

    def __init__(self) -> None:
        self.runner: JobRunner | None = None

    def __call__(self) -> None:
        """Ask for a sweep now, if a runner is running in this process."""
        if self.runner is not None:
            self.runner.kick()


class WebStartError(Exception):
    """The web app could not listen where WEB_HOST/WEB_PORT say."""

    def __init__(self, address: str, reason: str) -> None:
        self.address = address
        self.reason = reason
        super().__init__(f"{address}: {reason}")


@dataclass(frozen=True, slots=True)
class Runtime:
    """The wired parts of one process, with its metrics and readiness checks."""

    settings: Settings
    database: Database
    services: ServiceContext
    waker: JobWaker
    metrics: Metrics = field(default_factory=Metrics)
    readiness: Readiness = field(default_factory=Readiness)
    cache_sync: CacheSync | None = None  # PostgreSQL: the read cache kept right across processes


async def build_runtime(
    settings: Settings, *, auto_migrate: bool | None = None, clock: Clock | None = None
) -> Runtime:
    """Open the database (upgrading SQLite automatically) and build the services.

    The runtime's readiness checks the database; its metrics watch the job queue.
    """
    if auto_migrate if auto_migrate is not None else settings.is_sqlite:
        await upgrade_async(settings.database_url)
    database = create_database(settings.database_url, keys=data_keys(settings))
    waker = JobWaker()
    clock = clock or SystemClock()
    metrics, readiness = Metrics(), Readiness()
    readiness.add("database", database_check(database))
    watch_job_queue(metrics, SqlActionQueue(database, clock=clock), clock)
    gateway = None
    if settings.payments_configured:
        installation = await installation_key_prefix(database, clock.now())
        gateway = payment_gateway(settings, installation, metrics)
    cache = ReadCache()
    cache_sync = None
    if not database.is_sqlite:
        cache_sync = CacheSync(settings.database_url, cache)
        await cache_sync.start()
    services = ServiceContext(
        uow=UnitOfWorkFactory(database, cache),
        clock=clock,
        gateway=gateway,
        public_base_url=settings.public_base_url,
        wake_jobs=waker,
        mailer=mailer_for(settings),
    )
    return Runtime(settings, database, services, waker, metrics, readiness, cache_sync)


def data_keys(settings: Settings) -> DataKeys:
    """The keyring of the sealed columns: `TUTORBOT_DATA_KEYS`, or on SQLite the key file.

    Raises MissingSettingError("TUTORBOT_DATA_KEYS") on PostgreSQL without keys, and
    DataKeysError for a malformed key.
    """
    if settings.tutorbot_data_keys is not None and settings.tutorbot_data_keys.get_secret_value():
        return DataKeys.parse(settings.tutorbot_data_keys.get_secret_value())
    if not settings.is_sqlite:
        raise MissingSettingError("TUTORBOT_DATA_KEYS")
    return load_or_create_key_file(key_file_for(settings.database_url))


def payment_gateway(
    settings: Settings, installation: str, metrics: Metrics | None = None
) -> PaymentGateway | None:
    """Stripe when STRIPE_SECRET_KEY is set; otherwise None (every guild is free).

    `installation` is the stored prefix of this installation's idempotency keys; Stripe's
    errors are counted in `metrics`.
    """
    if not settings.payments_configured or settings.stripe_secret_key is None:
        return None
    # Imported here: a bot-only or free installation never loads Stripe's library.
    from marketplace.payments import StripeGateway  # noqa: PLC0415

    return StripeGateway(
        settings.stripe_secret_key,
        settings.stripe_api_base,
        installation=installation,
        metrics=metrics,
    )


async def close_runtime(runtime: Runtime) -> None:
    """Release the payment client and the database pool (safe to call twice)."""
    if runtime.services.gateway is not None:
        with contextlib.suppress(Exception):
            await runtime.services.gateway.close()
    if runtime.cache_sync is not None:
        await runtime.cache_sync.close()
    with contextlib.suppress(Exception):
        await runtime.database.dispose()


def start_jobs(
    runtime: Runtime,
    notifier: Notifier,
    spaces: SessionSpaces,
    boards: QueueBoards,
    reports: ReportChannel,
) -> JobRunner:
    """Start the durable job runner: APScheduler ticks it, services wake it."""
    handlers = Handlers(runtime.services, notifier, spaces, boards, reports)
    queue = SqlActionQueue(runtime.database, clock=runtime.services.clock)
    # One writer at a time on SQLite anyway: parallel handlers would only queue.
    concurrency = 1 if runtime.database.is_sqlite else JOB_CONCURRENCY
    runner = JobRunner(
        queue,
        handlers.by_kind(),
        runtime.services.clock,
        concurrency=concurrency,
        on_give_up=handlers.gave_up,
        metrics=runtime.metrics,
    )
    runner.start(runtime.settings.sweep_interval_seconds)
    runtime.waker.runner = runner
    return runner


def build_bot(
    runtime: Runtime,
    *,
    with_jobs: bool = True,
    message_content: bool | None = None,
    shards: Shards = ADVISED_SHARDS,
) -> TutorBot:
    """The Discord client, pointed at the configured endpoint; it starts the job runner.

    `message_content` (default: DISCORD_MESSAGE_CONTENT) asks for the privileged Message
    Content intent that message screening needs. `shards` picks this process's gateway
    shards; only the process that runs shard 0 syncs the slash commands. The bot records
    into the runtime's metrics, and its gateway joins the runtime's readiness checks.
    """
    settings = runtime.settings
    use_discord_endpoint(settings.discord_api_base, settings.discord_gateway_url)
    wanted = settings.discord_message_content if message_content is None else message_content
    telemetry = BotTelemetry(runtime.metrics)
    bot = TutorBot(
        runtime.services,
        http_trace=telemetry.trace_config(),
        dev_guild_id=settings.dev_guild_id,
        message_content=wanted,
        shards=shards,
        sync=shards.ids is None or 0 in shards.ids,
        start_jobs=(
            (
                lambda bot: start_jobs(
                    runtime,
                    bot.notifier,
                    spaces,
                    DiscordQueueBoards(bot),
                    DiscordReportChannel(bot),
                )
            )
            if with_jobs
            else None
        ),
    )
    spaces = bot.spaces = DiscordSessionSpaces(bot)
    instrument(bot, telemetry)
    runtime.readiness.add("gateway", gateway_check(bot))
    return bot


def discord_token(settings: Settings) -> str:
    """The bot token, or MissingSettingError."""
    token = settings.discord_token.get_secret_value() if settings.discord_token else ""
    if not token.strip():
        raise MissingSettingError("DISCORD_TOKEN")
    return token.strip()


async def start_web(runtime: Runtime) -> web.AppRunner:
    """Start the web app on WEB_HOST:WEB_PORT."""
    secret = runtime.settings.stripe_webhook_secret
    if runtime.services.payments_configured and secret is None:
        log.warning(
            "STRIPE_WEBHOOK_SECRET is not set: Stripe's webhooks will be refused, and "
            "payments are only recorded when a student comes back from checkout"
        )
    from web.checkout.app import create_app  # noqa: PLC0415 - `tutorbot bot` never needs it

    app = create_app(
        runtime.services,
        webhook_secret=secret.get_secret_value() if secret else "",
        readiness=runtime.readiness,
        metrics=runtime.metrics,
        metrics_public=runtime.settings.metrics_public,
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    host, port = runtime.settings.web_host, runtime.settings.web_port
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise WebStartError(f"{host}:{port}", str(error)) from error
    log.info("web app listening on %s:%s", runtime.settings.web_host, runtime.settings.web_port)
    return runner


async def run_bot(runtime: Runtime, token: str, shards: Shards = ADVISED_SHARDS) -> None:
    """Run the bot until it is closed.

    If Discord refuses the Message Content intent (not switched on in the Developer
    Portal), run without it: screening is off, and `/admin config` and the admins say so.
    """
    bot = build_bot(runtime, shards=shards)
    try:
        async with bot:
            await bot.start(token)
    except discord.PrivilegedIntentsRequired:
        log.warning(
            "Discord refused the Message Content intent: running without it, so session "
            "spaces are not screened. Switch it on in the Developer Portal (Bot → "
            "Privileged Gateway Intents) and restart."
        )
        bot = build_bot(runtime, message_content=False, shards=shards)
        async with bot:
            await bot.start(token)


async def serve(
    settings: Settings,
    *,
    with_bot: bool,
    with_web: bool,
    shards: Shards = ADVISED_SHARDS,
) -> None:
    """Run the chosen parts until cancelled, then shut them down cleanly.

    With HEALTH_PORT set, the health server runs beside them.
    """
    token = discord_token(settings) if with_bot else ""
    runtime = await build_runtime(settings)
    servers: list[web.AppRunner] = []
    try:
        health = await start_health_server(settings, runtime.readiness, runtime.metrics)
        servers.extend([health] if health is not None else [])
        if with_web:
            servers.append(await start_web(runtime))
        if with_bot:
            await run_bot(runtime, token, shards)
        else:
            await asyncio.Event().wait()
    finally:
        for server in reversed(servers):
            await server.cleanup()
        await close_runtime(runtime)
