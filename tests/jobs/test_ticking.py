"""The APScheduler tick and kicks: overdue work runs at start, a kick runs work at once."""

import asyncio
from datetime import timedelta

from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction
from marketplace.jobs import HandlerResult, JobRunner
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.jobs.helpers import action, schedule, states

INTERVAL = 60.0  # far longer than any test: only the start-up tick and kicks can fire


class SignallingHandler:
    """Records handled rows; `wait_for(n)` returns once n rows were handled."""

    def __init__(self) -> None:
        self.handled: list[int] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self._changed = asyncio.Condition()

    async def __call__(self, claimed: ClaimedAction) -> HandlerResult:
        await self.gate.wait()
        async with self._changed:
            self.handled.append(claimed.action_id)
            self._changed.notify_all()
        return HandlerResult(ActionState.DONE, "ok")

    async def wait_for(self, count: int, seconds: float = 1.0) -> None:
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.handled) >= count), seconds
            )


def _runner(database, clock, handler):
    return JobRunner(
        SqlActionQueue(database, clock=clock), {ActionKind.NOTIFY: handler}, clock, batch=5
    )


async def test_overdue_rows_present_at_start_are_handled_immediately(database, clock):
    await schedule(database, *(action(f"overdue-{n}", clock.now()) for n in range(7)))
    handler = SignallingHandler()
    runner = _runner(database, clock, handler)

    runner.start(INTERVAL)
    try:
        await handler.wait_for(7)
    finally:
        await runner.stop()

    assert await states(database) == {"done": 7}


async def test_a_kick_after_scheduling_a_due_row_handles_it_within_a_second(database, clock):
    handler = SignallingHandler()
    runner = _runner(database, clock, handler)
    runner.start(INTERVAL)
    try:
        await asyncio.sleep(0.2)  # the start-up sweep finds nothing
        await schedule(database, action("just-booked", clock.now()))
        runner.kick()
        await handler.wait_for(1, seconds=1.0)
    finally:
        await runner.stop()

    assert await states(database) == {"done": 1}


async def test_a_kick_during_a_sweep_makes_it_go_round_once_more(database, clock):
    await schedule(database, action("first", clock.now()))
    handler = SignallingHandler()
    handler.gate.clear()
    runner = _runner(database, clock, handler)
    sweep = asyncio.create_task(runner.sweep())
    await asyncio.sleep(0.2)  # the sweep now waits inside the handler

    await schedule(database, action("second", clock.now() + timedelta(seconds=1)))
    clock.advance(timedelta(seconds=1))
    runner.kick()
    handler.gate.set()

    assert await asyncio.wait_for(sweep, 2) == 2
    assert await states(database) == {"done": 2}


async def test_stop_waits_for_the_sweep_in_progress(database, clock):
    await schedule(database, action("slow", clock.now()))
    handler = SignallingHandler()
    handler.gate.clear()
    runner = _runner(database, clock, handler)
    runner.start(INTERVAL)
    await asyncio.sleep(0.2)  # the start-up sweep now waits inside the handler

    stopping = asyncio.create_task(runner.stop())
    await asyncio.sleep(0.05)
    assert not stopping.done()
    handler.gate.set()
    await asyncio.wait_for(stopping, 2)

    assert await states(database) == {"done": 1}
    runner.kick()  # a kick after stop does nothing
    assert await runner.sweep() == 0
