"""The leased queue: due rows are claimed once, leases expire, and only the owner closes."""

from datetime import UTC, timedelta

import pytest
from sqlalchemy import insert

from marketplace.domain.scheduled import ActionKind, ActionState
from marketplace.storage.models import ScheduledActionRow
from marketplace.storage.scheduled_actions import SqlActionQueue, SqlScheduledActions
from tests.jobs.helpers import GUILD, action, add_bookings, rows, schedule

LEASE = timedelta(minutes=2)


@pytest.fixture
def queue(database, clock):
    return SqlActionQueue(database, clock=clock)


async def test_rows_not_yet_due_are_not_claimed(database, queue, clock):
    await schedule(database, action("later", clock.now() + timedelta(seconds=1)))

    assert await queue.claim_due(clock.now(), "worker-a", LEASE, 10) == []
    assert (await rows(database))["later"].attempts == 0


async def test_due_rows_are_claimed_once_oldest_first(database, queue, clock):
    now = clock.now()
    await schedule(
        database,
        action("second", now - timedelta(minutes=1)),
        action("third", now),
        action("first", now - timedelta(minutes=5)),
    )

    batch = await queue.claim_due(now, "worker-a", LEASE, 2)
    rest = await queue.claim_due(now, "worker-b", LEASE, 2)
    nothing = await queue.claim_due(now, "worker-c", LEASE, 2)

    stored = await rows(database)
    by_id = {row.id: key for key, row in stored.items()}
    assert [by_id[claimed.action_id] for claimed in batch] == ["first", "second"]
    assert [by_id[claimed.action_id] for claimed in rest] == ["third"]
    assert nothing == []
    assert stored["first"].lease_owner == "worker-a"
    assert stored["third"].lease_owner == "worker-b"
    assert stored["third"].lease_until == now + LEASE


async def test_a_claim_carries_the_row_and_counts_an_attempt(database, queue, clock):
    (booking,) = await add_bookings(database, 1, clock.now())
    await schedule(
        database,
        action("r", clock.now(), ActionKind.REMINDER, booking, payload={"offset_minutes": 15}),
    )

    (claimed,) = await queue.claim_due(clock.now(), "worker-a", LEASE, 10)

    assert claimed.kind is ActionKind.REMINDER
    assert (claimed.guild_id, claimed.booking_id, claimed.user_id) == (GUILD, booking, 7)
    assert claimed.payload == {"offset_minutes": 15}
    assert claimed.attempts == 1
    assert claimed.due_at == clock.now()
    assert claimed.due_at.tzinfo is not None
    assert claimed.due_at.utcoffset() == UTC.utcoffset(None)
    assert claimed.nonce == f"tb{claimed.action_id}"


async def test_a_live_lease_is_not_claimed_again(database, queue, clock):
    await schedule(database, action("held", clock.now()))
    await queue.claim_due(clock.now(), "worker-a", LEASE, 10)

    clock.advance(LEASE - timedelta(seconds=1))

    assert await queue.claim_due(clock.now(), "worker-b", LEASE, 10) == []
    assert (await rows(database))["held"].lease_owner == "worker-a"


async def test_an_expired_lease_is_claimed_again_by_another_worker(database, queue, clock):
    await schedule(database, action("crashed", clock.now()))
    await queue.claim_due(clock.now(), "worker-a", LEASE, 10)

    clock.advance(LEASE + timedelta(seconds=1))
    (reclaimed,) = await queue.claim_due(clock.now(), "worker-b", LEASE, 10)

    assert reclaimed.attempts == 2
    assert (await rows(database))["crashed"].lease_owner == "worker-b"


async def test_finish_closes_the_row_and_clears_its_lease(database, queue, clock):
    await schedule(database, action("ok", clock.now()))
    (claimed,) = await queue.claim_due(clock.now(), "worker-a", LEASE, 10)

    closed = await queue.finish(
        claimed.action_id, "worker-a", ActionState.DONE, "x" * 500, clock.now()
    )

    row = (await rows(database))["ok"]
    assert closed is True
    assert (row.state, row.finished_at, row.lease_owner, row.lease_until) == (
        "done",
        clock.now(),
        None,
        None,
    )
    assert row.outcome == "x" * 200
    assert await queue.claim_due(clock.now() + LEASE * 10, "worker-b", LEASE, 10) == []


async def test_finish_by_an_owner_that_lost_the_lease_returns_false_and_changes_nothing(
    database, queue, clock
):
    await schedule(database, action("contested", clock.now()))
    (claimed,) = await queue.claim_due(clock.now(), "worker-a", LEASE, 10)
    clock.advance(LEASE * 2)
    await queue.claim_due(clock.now(), "worker-b", LEASE, 10)
    before = (await rows(database))["contested"]

    closed = await queue.finish(
        claimed.action_id, "worker-a", ActionState.DONE, "late", clock.now()
    )
    retried = await queue.retry_later(claimed.action_id, "worker-a", clock.now(), "late", 5)

    after = (await rows(database))["contested"]
    assert (closed, retried) == (False, False)
    assert (after.state, after.lease_owner, after.lease_until, after.due_at, after.outcome) == (
        before.state,
        "worker-b",
        before.lease_until,
        before.due_at,
        None,
    )


async def test_a_row_skipped_while_leased_can_no_longer_be_closed(database, queue, clock):
    (booking,) = await add_bookings(database, 1, clock.now())
    await schedule(database, action("r", clock.now(), ActionKind.REMINDER, booking))
    (claimed,) = await queue.claim_due(clock.now(), "worker-a", LEASE, 10)
    async with database.writer() as session, session.begin():
        await SqlScheduledActions(session).skip_pending(booking, None, clock.now())

    closed = await queue.finish(claimed.action_id, "worker-a", ActionState.DONE, "", clock.now())

    assert closed is False
    assert (await rows(database))["r"].state == "skipped"


async def test_retry_later_gives_the_row_back_at_the_new_due_time(database, queue, clock):
    await schedule(database, action("flaky", clock.now()))
    (claimed,) = await queue.claim_due(clock.now(), "worker-a", LEASE, 10)
    retry_at = clock.now() + timedelta(seconds=30)

    assert await queue.retry_later(claimed.action_id, "worker-a", retry_at, "timeout", 5)

    row = (await rows(database))["flaky"]
    assert (row.state, row.due_at, row.lease_owner, row.lease_until, row.outcome) == (
        "pending",
        retry_at,
        None,
        None,
        "timeout",
    )
    assert await queue.claim_due(retry_at - timedelta(seconds=1), "worker-b", LEASE, 10) == []
    (again,) = await queue.claim_due(retry_at, "worker-b", LEASE, 10)
    assert again.attempts == 2


async def test_retry_later_fails_the_row_once_it_used_its_attempts(database, queue, clock):
    await schedule(database, action("hopeless", clock.now()))
    for _ in range(2):
        (claimed,) = await queue.claim_due(clock.now(), "worker-a", LEASE, 10)
        assert await queue.retry_later(claimed.action_id, "worker-a", clock.now(), "no", 2)

    row = (await rows(database))["hopeless"]
    assert (row.state, row.attempts, row.finished_at, row.lease_owner) == (
        "failed",
        2,
        clock.now(),
        None,
    )
    assert await queue.claim_due(clock.now(), "worker-a", LEASE, 10) == []


async def test_rows_of_a_kind_this_build_does_not_know_stay_pending(database, queue, clock):
    async with database.writer() as session, session.begin():
        await session.execute(
            insert(ScheduledActionRow).values(
                kind="from_the_future",
                dedupe_key="future",
                guild_id=GUILD,
                due_at=clock.now(),
                payload={},
                state="pending",
                attempts=0,
            )
        )

    assert await queue.claim_due(clock.now(), "worker-a", LEASE, 10) == []
    assert (await rows(database))["future"].attempts == 0
