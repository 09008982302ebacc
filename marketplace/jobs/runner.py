"""The job runner: sweeps due rows off the durable queue and runs one handler per kind.

All state lives in the queue's table. A sweep leases a batch of due rows, runs their
handlers, and closes each row with a compare-and-set on its lease, so any number of
runners, in one process or many, can share a database and each row is handled once
while its lease holds. A handler that raises is retried with backoff and given up on
after `max_attempts`. APScheduler only drives the periodic tick. While a handler runs,
every log record carries the row's job, booking, guild and user ids; with `metrics`, each
run is counted by kind and outcome and timed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction
from marketplace.logs import already_logged, log_context
from marketplace.metrics import Metrics
from marketplace.ports import ActionQueue, Clock

logger = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(minutes=30)
OWNER_LENGTH = 64  # the width of scheduled_action.lease_owner
SWEEP_JOB_ID = "tutorbot-sweep"


@dataclass(frozen=True, slots=True)
class HandlerResult:
    """How a handler closed its row: DONE (it acted) or SKIPPED (nothing left to do)."""

    state: ActionState
    outcome: str

    def __post_init__(self) -> None:
        if self.state not in (ActionState.DONE, ActionState.SKIPPED):
            msg = f"a handler ends a row DONE or SKIPPED, not {self.state}"
            raise ValueError(msg)


Handler = Callable[[ClaimedAction], Awaitable[HandlerResult]]
"""Acts on one claimed row. Raising means "try again later"."""

Backoff = Callable[[int], timedelta]
"""How long to wait before the next try, given how many attempts were made."""

GiveUp = Callable[[ClaimedAction, str], Awaitable[None]]
"""Told when a row failed its last attempt (with the last error), so a person can act."""


def exponential_backoff(attempts: int) -> timedelta:
    """30 s after the first failure, doubling each time, never more than 30 minutes."""
    if attempts <= 1:
        return FIRST_RETRY
    doublings = min(attempts - 1, 16)  # 30 s · 2¹⁶ is far past the cap already
    return min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)


def default_owner() -> str:
    """A lease owner unique to this process: host, pid and a random suffix."""
    suffix = f"-{os.getpid()}-{secrets.token_hex(4)}"
    return socket.gethostname()[: OWNER_LENGTH - len(suffix)] + suffix


class JobRunner:
    """Runs due scheduled actions through their handlers, at most one sweep at a time."""

    def __init__(
        self,
        queue: ActionQueue,
        handlers: Mapping[ActionKind, Handler],
        clock: Clock,
        *,
        owner: str | None = None,
        lease: timedelta = timedelta(minutes=2),
        batch: int = 20,
        max_attempts: int = 5,
        backoff: Backoff = exponential_backoff,
        concurrency: int = 4,
        on_give_up: GiveUp | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._queue = queue
        self._metrics = metrics
        self._on_give_up = on_give_up
        self._handlers = dict(handlers)
        self._clock = clock
        self.owner = (owner or default_owner())[:OWNER_LENGTH]
        self._lease = lease
        self._batch = batch
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._concurrency = max(1, concurrency)
        self._lock = asyncio.Lock()
        self._again = False
        self._stopping = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self._kick_task: asyncio.Task[int] | None = None
        self._scheduler: Any = None

    async def sweep(self) -> int:
        """Handle every due row this runner can lease; return how many it handled.

        Sweeps in one runner never overlap. A `kick()` during a sweep makes it go round
        once more. Nothing raises out of a sweep: failures are logged and retried later.
        """
        async with self._lock:
            handled = 0
            while not self._stopping:
                self._again = False
                handled += await self._drain()
                if not self._again:
                    break
            return handled

    def kick(self) -> None:
        """Ask for a sweep now, without waiting for the next tick; call it on the loop."""
        if self._stopping:
            return
        self._again = True
        if self._lock.locked() or (self._kick_task is not None and not self._kick_task.done()):
            return  # the running (or queued) sweep sees `_again` and goes round once more
        self._kick_task = self._spawn(self.sweep())

    def start(self, interval_seconds: float) -> None:
        """Sweep now and then every `interval_seconds` on the running event loop."""
        if self._scheduler is not None:
            msg = "the job runner is already started"
            raise RuntimeError(msg)
        self._stopping = False
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(
            self._tick,
            IntervalTrigger(seconds=interval_seconds, timezone=UTC),
            id=SWEEP_JOB_ID,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=datetime.now(UTC),  # overdue work runs right at startup
        )
        scheduler.start()
        self._scheduler = scheduler

    async def stop(self) -> None:
        """Stop ticking and wait for any sweep in progress to finish."""
        self._stopping = True
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.pause()
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        async with self._lock:  # a sweep someone awaited directly
            pass
        if scheduler is not None:
            scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # the asyncio scheduler shuts down on the next loop turn

    async def _tick(self) -> None:
        if self._stopping:
            return
        # Shielded: shutting the scheduler down cancels its jobs, never a sweep mid-handler.
        await asyncio.shield(self._spawn(self.sweep()))

    def _spawn(self, work: Coroutine[Any, Any, int]) -> asyncio.Task[int]:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _drain(self) -> int:
        """Claim and run batches until a claim comes back short."""
        handled = 0
        while not self._stopping:
            now = self._clock.now()
            try:
                claimed = await self._queue.claim_due(now, self.owner, self._lease, self._batch)
            except Exception:
                logger.exception("claiming due actions failed; the next sweep tries again")
                break
            await self._run_batch(claimed, lease_until=now + self._lease)
            handled += len(claimed)
            if len(claimed) < self._batch:
                break
        return handled

    async def _run_batch(self, claimed: list[ClaimedAction], lease_until: datetime) -> None:
        """Run a batch `concurrency` at a time; one booking's actions in turn, oldest first.

        Two actions of one booking at once (a refund and the payout after it) would each
        plan from a state the other is changing; the later one would fail and wait for
        its retry.
        """
        slots = asyncio.Semaphore(self._concurrency)

        async def run(actions: list[ClaimedAction]) -> None:
            for action in sorted(actions, key=lambda a: (a.due_at, a.action_id)):
                async with slots:
                    await self._run_one(action, lease_until)

        await asyncio.gather(*(run(actions) for actions in _by_booking(claimed)))

    async def _run_one(self, action: ClaimedAction, lease_until: datetime) -> None:
        with log_context(
            job_id=action.action_id,
            booking_id=action.booking_id,
            guild_id=action.guild_id,
            user_id=action.user_id,
        ):
            outcome = await self._handle(action, lease_until)
        if self._metrics is not None and outcome is not None:
            self._metrics.job(action.kind.value, *outcome)

    async def _handle(
        self, action: ClaimedAction, lease_until: datetime
    ) -> tuple[str, float | None] | None:
        """Run the row's handler and close or reschedule it; (outcome, seconds) for metrics."""
        if self._clock.now() >= lease_until:
            # Another runner may hold it by now; leave it to whoever claims it next.
            logger.warning("lease on action %s ran out before its turn", action.action_id)
            return None
        handler = self._handlers.get(action.kind)
        if handler is None:
            await self._close(action, ActionState.FAILED, f"no handler for {action.kind}")
            return "no_handler", None
        started = time.perf_counter()
        try:
            result = await handler(action)
        except Exception as error:
            seconds = time.perf_counter() - started
            final = await self._retry(action, error)
            return ("failed" if final else "retry"), seconds
        seconds = time.perf_counter() - started
        await self._close(action, result.state, result.outcome)
        return result.state.value, seconds

    async def _close(self, action: ClaimedAction, state: ActionState, outcome: str) -> None:
        try:
            closed = await self._queue.finish(
                action.action_id, self.owner, state, outcome, self._clock.now()
            )
        except Exception:
            logger.exception("closing action %s failed; its lease will lapse", action.action_id)
            return
        if not closed:
            logger.warning("action %s was taken over before it could close", action.action_id)
            return
        logger.info(
            "%s action %s: running -> %s (attempt %s)",
            action.kind,
            action.action_id,
            state.value,
            action.attempts,
        )

    async def _retry(self, action: ClaimedAction, error: Exception) -> bool:
        """Reschedule the row (or fail it after its last attempt); True if that was final."""
        final = action.attempts >= self._max_attempts
        # The adapter that logged the failure said what failed; here only what happens next
        # (and the traceback of a failure nobody logged yet).
        logger.log(
            logging.ERROR if final else logging.WARNING,
            "%s action %s failed (attempt %s of %s): %s%s",
            action.kind,
            action.action_id,
            action.attempts,
            self._max_attempts,
            type(error).__name__,
            "; giving up" if final else "; will retry",
            exc_info=None if already_logged(error) else error,
        )
        due_at = self._clock.now() + self._backoff(action.attempts)
        outcome = f"{type(error).__name__}: {error}"
        try:
            held = await self._queue.retry_later(
                action.action_id, self.owner, due_at, outcome, self._max_attempts
            )
        except Exception:
            logger.exception(
                "rescheduling action %s failed; its lease will lapse", action.action_id
            )
            return final
        if final and held and self._on_give_up is not None:
            try:
                await self._on_give_up(action, outcome)
            except Exception:
                logger.exception("reporting the failure of action %s failed", action.action_id)
        return final


def _by_booking(claimed: list[ClaimedAction]) -> list[list[ClaimedAction]]:
    """The batch in groups that must run in turn: each booking's actions, the rest alone."""
    groups: dict[int, list[ClaimedAction]] = {}
    alone: list[list[ClaimedAction]] = []
    for action in claimed:
        if action.booking_id is None:
            alone.append([action])
        else:
            groups.setdefault(action.booking_id, []).append(action)
    return [*groups.values(), *alone]
