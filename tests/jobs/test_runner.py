"""The job runner: handlers run once per due row, failures back off, nothing escapes a sweep."""

import asyncio
import logging
from datetime import timedelta

import pytest

from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction
from marketplace.jobs import HandlerResult, JobRunner, default_owner, exponential_backoff
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.jobs.helpers import (
    RecordingHandler,
    action,
    add_bookings,
    rows,
    schedule,
    schedule_due,
    states,
)

LEASE = timedelta(minutes=2)


def _runner(database, clock, handlers, **options):
    return JobRunner(SqlActionQueue(database, clock=clock), handlers, clock, **options)


def test_backoff_starts_at_30_seconds_doubles_and_is_capped_at_30_minutes():
    waits = [exponential_backoff(attempts) for attempts in range(1, 9)]

    assert [wait.total_seconds() for wait in waits] == [30, 60, 120, 240, 480, 960, 1800, 1800]
    assert exponential_backoff(10_000) == timedelta(minutes=30)


def test_a_handler_can_only_end_a_row_done_or_skipped():
    HandlerResult(ActionState.SKIPPED, "booking cancelled")
    with pytest.raises(ValueError, match="DONE or SKIPPED"):
        HandlerResult(ActionState.FAILED, "nope")


def test_default_owners_differ_and_fit_the_lease_column():
    first, second = default_owner(), default_owner()

    assert first != second
    assert len(first) <= 64


async def test_a_sweep_runs_each_due_action_once_and_records_the_handlers_outcome(database, clock):
    await schedule(
        database,
        action("notice", clock.now()),
        action("nudge", clock.now(), ActionKind.NUDGE),
        action("tomorrow", clock.now() + timedelta(days=1)),
    )
    notify, nudge = RecordingHandler(), RecordingHandler(ActionState.SKIPPED)
    runner = _runner(database, clock, {ActionKind.NOTIFY: notify, ActionKind.NUDGE: nudge})

    handled = await runner.sweep()
    again = await runner.sweep()

    stored = await rows(database)
    assert (handled, again) == (2, 0)
    assert notify.seen == {stored["notice"].id: 1}
    assert nudge.seen == {stored["nudge"].id: 1}
    assert (stored["notice"].state, stored["notice"].outcome) == (
        "done",
        f"sent tb{stored['notice'].id}",
    )
    assert stored["nudge"].state == "skipped"
    assert stored["tomorrow"].state == "pending"


async def test_overdue_work_runs_exactly_once_after_a_crashed_worker_restarts(database, clock):
    await schedule_due(database, 3, clock.now())
    crashed = SqlActionQueue(database, clock=clock)
    await crashed.claim_due(clock.now(), "crashed-worker", LEASE, 10)  # then it dies
    handler = RecordingHandler()
    restarted = _runner(database, clock, {ActionKind.NOTIFY: handler}, lease=LEASE)

    while_leased = await restarted.sweep()
    clock.advance(LEASE + timedelta(seconds=1))
    after_expiry = await restarted.sweep()
    later = await restarted.sweep()

    assert (while_leased, after_expiry, later) == (0, 3, 0)
    assert sorted(handler.seen.values()) == [1, 1, 1]
    assert await states(database) == {"done": 3}


async def test_a_failing_handler_backs_off_then_fails_while_other_rows_complete(
    database, clock, caplog
):
    await schedule_due(database, 4, clock.now())
    handler = RecordingHandler()
    bad = (await rows(database))["due-1"]
    handler.failing.add(bad.id)
    runner = _runner(database, clock, {ActionKind.NOTIFY: handler}, max_attempts=3)

    with caplog.at_level(logging.ERROR, logger="marketplace.jobs"):
        assert await runner.sweep() == 4
        retry_delays = []
        for _ in range(2):
            due_at = (await rows(database))["due-1"].due_at
            retry_delays.append(due_at - clock.now())
            assert await runner.sweep() == 0  # not due yet
            clock.set(due_at)
            assert await runner.sweep() == 1

    stored = await rows(database)
    assert retry_delays == [timedelta(seconds=30), timedelta(seconds=60)]
    assert handler.seen[bad.id] == 3
    assert (stored["due-1"].state, stored["due-1"].attempts) == ("failed", 3)
    assert stored["due-1"].outcome == f"RuntimeError: boom on {bad.id}"
    assert await states(database) == {"done": 3, "failed": 1}
    assert "giving up" in caplog.records[-1].getMessage()
    assert all(record.exc_info for record in caplog.records)


async def test_an_action_with_no_handler_is_failed_not_retried(database, clock):
    await schedule(database, action("orphan", clock.now(), ActionKind.REFRESH_NEXT_SLOT))
    runner = _runner(database, clock, {ActionKind.NOTIFY: RecordingHandler()})

    assert await runner.sweep() == 1

    row = (await rows(database))["orphan"]
    assert (row.state, row.outcome) == ("failed", "no handler for refresh_next_slot")


async def test_one_sweep_drains_a_backlog_bigger_than_a_batch(database, clock):
    await schedule_due(database, 23, clock.now())
    handler = RecordingHandler()
    runner = _runner(database, clock, {ActionKind.NOTIFY: handler}, batch=5)

    assert await runner.sweep() == 23
    assert await states(database) == {"done": 23}


async def test_concurrent_sweeps_of_one_runner_do_not_overlap(database, clock):
    await schedule_due(database, 6, clock.now())
    running = 0
    most = 0

    async def handler(claimed: ClaimedAction) -> HandlerResult:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        running -= 1
        return HandlerResult(ActionState.DONE, "ok")

    runner = _runner(database, clock, {ActionKind.NOTIFY: handler}, concurrency=1, batch=2)

    results = await asyncio.gather(runner.sweep(), runner.sweep(), runner.sweep())

    assert sorted(results) == [0, 0, 6]
    assert most == 1


class BrokenQueue:
    """An ActionQueue whose database is down."""

    async def claim_due(self, now, owner, lease, limit):
        raise ConnectionError("database unreachable")

    async def finish(self, action_id, owner, state, outcome, now):
        raise ConnectionError("database unreachable")

    async def retry_later(self, action_id, owner, due_at, outcome, max_attempts):
        raise ConnectionError("database unreachable")


async def test_a_sweep_logs_a_failing_queue_and_returns_instead_of_raising(clock, caplog):
    runner = JobRunner(BrokenQueue(), {}, clock)

    with caplog.at_level(logging.ERROR, logger="marketplace.jobs"):
        assert await runner.sweep() == 0

    assert "claiming due actions failed" in caplog.text


async def test_one_bookings_actions_run_in_turn_oldest_first_others_alongside(database, clock):
    [first, second] = await add_bookings(database, 2, clock.now())
    running: set[int] = set()
    overlaps: list[tuple[int, int]] = []
    order: list[str] = []

    async def handler(claimed):
        for other in running:
            overlaps.append((claimed.booking_id, other))
        running.add(claimed.booking_id)
        order.append(claimed.payload["name"])
        await asyncio.sleep(0.05)
        running.discard(claimed.booking_id)
        return HandlerResult(ActionState.DONE, "ok")

    now = clock.now()
    await schedule(
        database,
        action("payout", now, booking_id=first, payload={"name": "payout"}),
        action("refund", now - timedelta(minutes=1), booking_id=first, payload={"name": "refund"}),
        action("other", now, booking_id=second, payload={"name": "other"}),
    )
    runner = _runner(database, clock, {ActionKind.NOTIFY: handler}, concurrency=4)
    assert await runner.sweep() == 3
    assert order.index("refund") < order.index("payout")  # due first, done first
    assert {frozenset(pair) for pair in overlaps} <= {frozenset((first, second))}
    assert overlaps  # the other booking's action did run alongside
