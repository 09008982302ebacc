"""Prometheus metrics of one process, on a registry of its own.

`Metrics` owns a `CollectorRegistry` (never the global default), so each process, and each
test, counts only what it did. The bot, the web app, the job runner and the Stripe adapter
record through its small methods; labels are names and kinds, never ids, so the number of
series stays bounded. Gauges that describe outside state (the job queue, gateway latency)
are filled by scrape hooks that `render` awaits just before it writes the text format.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Discord's deadline for the first response is 3 s; the target is p99 ≤ 100 ms.
ACK_BUCKETS = (0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
JOB_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
SCRAPE_HOOK_TIMEOUT_SECONDS = 2.0
LABEL_MAX = 60

ScrapeHook = Callable[[], Awaitable[None]]
"""Refreshes some gauges from outside state; awaited on every scrape."""


def _label(value: object) -> str:
    return str(value)[:LABEL_MAX]


class Metrics:
    """Every metric TutorBot exports, registered on `registry` (a fresh one by default)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self._hooks: list[tuple[str, ScrapeHook]] = []
        r = self.registry
        self.interaction_ack = Histogram(
            "tutorbot_interaction_ack_seconds",
            "From an interaction's creation (its snowflake time) to our first response.",
            buckets=ACK_BUCKETS,
            registry=r,
        )
        self.interactions = Counter(
            "tutorbot_interactions", "Interactions received.", ["kind", "name"], registry=r
        )
        self.interaction_errors = Counter(
            "tutorbot_interaction_errors",
            "Interactions that ended in an error: refused (a rule said no) or failed.",
            ["kind", "name", "error"],
            registry=r,
        )
        self.jobs = Counter(
            "tutorbot_jobs", "Scheduled actions run, by outcome.", ["kind", "outcome"], registry=r
        )
        self.job_seconds = Histogram(
            "tutorbot_job_seconds",
            "Time a job handler took.",
            ["kind"],
            buckets=JOB_BUCKETS,
            registry=r,
        )
        self.jobs_due = Gauge("tutorbot_jobs_due", "Pending scheduled actions now due.", registry=r)
        self.oldest_due_age = Gauge(
            "tutorbot_jobs_oldest_due_age_seconds",
            "How long the oldest due pending action has waited (0 when none is due).",
            registry=r,
        )
        self.webhooks = Counter(
            "tutorbot_webhooks", "Stripe webhooks answered.", ["event_type", "outcome"], registry=r
        )
        self.stripe_errors = Counter(
            "tutorbot_stripe_errors", "Stripe calls that failed.", ["code", "kind"], registry=r
        )
        self.discord_http_errors = Counter(
            "tutorbot_discord_http_errors",
            "Discord HTTP responses of 400 or more, by status and Discord error code.",
            ["status", "code"],
            registry=r,
        )
        self.gateway_latency = Gauge(
            "tutorbot_gateway_latency_seconds",
            "Heartbeat latency of each gateway shard this process runs.",
            ["shard"],
            registry=r,
        )
        self.scrape_errors = Counter(
            "tutorbot_scrape_hook_errors",
            "Scrape hooks that failed or timed out.",
            ["hook"],
            registry=r,
        )

    # --- recording ---------------------------------------------------------------------

    def acknowledged(self, seconds: float) -> None:
        """An interaction got its first response `seconds` after it was created."""
        self.interaction_ack.observe(max(0.0, seconds))

    def interaction(self, kind: str, name: str) -> None:
        """An interaction of `kind` (command, button, select, modal, …) named `name`."""
        self.interactions.labels(_label(kind), _label(name)).inc()

    def interaction_error(self, kind: str, name: str, error: str) -> None:
        """An interaction ended in `error` ("refused" or "failed")."""
        self.interaction_errors.labels(_label(kind), _label(name), _label(error)).inc()

    def job(self, kind: str, outcome: str, seconds: float | None = None) -> None:
        """A job of `kind` ended with `outcome` (done, skipped, retry, failed, …)."""
        self.jobs.labels(_label(kind), _label(outcome)).inc()
        if seconds is not None:
            self.job_seconds.labels(_label(kind)).observe(max(0.0, seconds))

    def job_backlog(self, due: int, oldest_due_at: datetime | None, now: datetime) -> None:
        """Set the queue gauges: `due` rows waiting, the oldest due since `oldest_due_at`."""
        self.jobs_due.set(due)
        age = 0.0 if oldest_due_at is None else (now - oldest_due_at).total_seconds()
        self.oldest_due_age.set(max(0.0, age))

    def webhook(self, event_type: str, outcome: str) -> None:
        """A webhook of `event_type` was answered with `outcome`."""
        self.webhooks.labels(_label(event_type), _label(outcome)).inc()

    def stripe_error(self, code: str, kind: str) -> None:
        """A Stripe call failed with `code` (Stripe's error code) of `kind`."""
        self.stripe_errors.labels(_label(code), _label(kind)).inc()

    def discord_http_error(self, status: int, code: int | str) -> None:
        """Discord answered `status` (≥ 400) with its JSON error `code` (0 when none)."""
        self.discord_http_errors.labels(_label(status), _label(code)).inc()

    def gateway_latencies(self, latencies: Iterable[tuple[int, float]]) -> None:
        """Replace the per-shard latency gauges; a shard without a heartbeat yet is left out."""
        self.gateway_latency.clear()
        for shard_id, seconds in latencies:
            if math.isfinite(seconds):
                self.gateway_latency.labels(_label(shard_id)).set(seconds)

    # --- scraping ----------------------------------------------------------------------

    def on_scrape(self, name: str, hook: ScrapeHook) -> None:
        """Await `hook` before every scrape (a hook of the same name is replaced)."""
        self._hooks = [(known, fn) for known, fn in self._hooks if known != name]
        self._hooks.append((name, hook))

    async def refresh(self) -> None:
        """Run every scrape hook; one that fails or hangs keeps its gauges' last values."""
        for name, hook in list(self._hooks):
            try:
                await asyncio.wait_for(hook(), SCRAPE_HOOK_TIMEOUT_SECONDS)
            except Exception:
                log.warning("metrics scrape hook %s failed", name, exc_info=True)
                self.scrape_errors.labels(_label(name)).inc()

    async def render(self) -> bytes:
        """The Prometheus text exposition of this registry, refreshed first."""
        await self.refresh()
        return generate_latest(self.registry)
