"""Scheduling inside a transaction: idempotent by dedupe key, skipped when a booking changes."""

from datetime import timedelta

from marketplace.domain.scheduled import ActionKind, ActionState
from marketplace.storage.scheduled_actions import SKIPPED_OUTCOME, SqlScheduledActions
from tests.jobs.helpers import action, add_bookings, rows, schedule


async def test_scheduling_the_same_dedupe_key_twice_keeps_the_first_row(database, clock):
    first = action("reminder:1:120", clock.now(), payload={"offset_minutes": 120})
    again = action("reminder:1:120", clock.now() + timedelta(hours=1))

    added = await schedule(database, first)
    added += await schedule(database, again)

    assert added == [True, False]
    stored = await rows(database)
    assert list(stored) == ["reminder:1:120"]
    row = stored["reminder:1:120"]
    assert row.due_at == clock.now()
    assert row.payload == {"offset_minutes": 120}
    assert (row.state, row.attempts, row.lease_owner) == ("pending", 0, None)


async def test_work_scheduled_in_a_transaction_that_rolls_back_is_not_kept(database, clock):
    async with database.writer() as session, session.begin():
        assert await SqlScheduledActions(session).schedule(action("gone", clock.now()))
        await session.rollback()

    assert await rows(database) == {}


async def test_skip_pending_skips_only_that_bookings_pending_rows_of_the_given_kinds(
    database, clock
):
    booking, other = await add_bookings(database, 2, clock.now())
    due = clock.now() + timedelta(hours=2)
    await schedule(
        database,
        action("mine-reminder", due, ActionKind.REMINDER, booking),
        action("mine-expiry", due, ActionKind.EXPIRE_REQUEST, booking),
        action("other-reminder", due, ActionKind.REMINDER, other),
        action("unbooked", due, ActionKind.NUDGE),
    )
    async with database.writer() as session, session.begin():
        skipped = await SqlScheduledActions(session).skip_pending(
            booking, frozenset({ActionKind.REMINDER}), clock.now()
        )

    assert skipped == 1
    stored = await rows(database)
    assert stored["mine-reminder"].state == ActionState.SKIPPED
    assert stored["mine-reminder"].finished_at == clock.now()
    assert stored["mine-reminder"].outcome == SKIPPED_OUTCOME
    assert {key: row.state for key, row in stored.items() if key != "mine-reminder"} == {
        "mine-expiry": "pending",
        "other-reminder": "pending",
        "unbooked": "pending",
    }


async def test_skip_pending_without_kinds_skips_every_pending_row_of_the_booking_once(
    database, clock
):
    (booking,) = await add_bookings(database, 1, clock.now())
    due = clock.now() + timedelta(hours=2)
    await schedule(
        database,
        action("reminder", due, ActionKind.REMINDER, booking),
        action("expiry", due, ActionKind.EXPIRE_REQUEST, booking),
    )

    async with database.writer() as session, session.begin():
        first = await SqlScheduledActions(session).skip_pending(booking, None, clock.now())
    async with database.writer() as session, session.begin():
        second = await SqlScheduledActions(session).skip_pending(booking, None, clock.now())

    assert (first, second) == (2, 0)
    assert {row.state for row in (await rows(database)).values()} == {"skipped"}
