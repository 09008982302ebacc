"""Two bot processes with two shards each, on one PostgreSQL, against the emulator.

Each process is `tutorbot bot --shard-ids … --shard-count 4`, started as the production
guide says. The emulator routes each guild's events to its shard and DMs to shard 0, so:
- the north campus (shard 0) is served by process A, the south campus (shard 3) by B;
- time passing is played by moving the bookings' due work to now, in the database;
- a tutor's **Accept** in a DM arrives on shard 0 (process A) for either campus, and the
  session space then opens from whichever process's job runner claims the work, over
  REST when that process doesn't run the guild's shard;
- process B is killed mid-session (SIGKILL); a new process C takes shards 2 and 3 and the
  south campus goes on;
- each reminder is sent exactly once, though A and C both run the job queue.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from demo.journey import dm
from discord_emulator import Channel, Emulator, Guild, Role, User
from marketplace.ports import SystemClock
from marketplace.services.context import ServiceContext
from marketplace.storage.engine import create_database
from marketplace.storage.models import ScheduledActionRow
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from tests.bot.journeys import apply_as_tutor, live_bookings, onboard, publish, request_first_slot
from tests.data_keys import TEST_DATA_KEYS
from tests.scale.processes import (
    BOT_TOKEN,
    TutorbotProcess,
    describe,
    process_env,
    start_tutorbot,
    tutorbot_processes,
)

pytestmark = pytest.mark.postgres

COUNT = 4
FIRST, SECOND = ("0,1", ((0, COUNT), (1, COUNT))), ("2,3", ((2, COUNT), (3, COUNT)))
START_TIMEOUT = 60.0  # two shards identify 5 s apart (discord.py's pacing), on a busy machine


@dataclass
class ShardCampus:
    """A campus guild on a chosen shard: what the shared journey steps use."""

    emu: Emulator
    guild: Guild
    admin: User
    student: User
    tutor: User
    member: User
    moderators: Role
    sessions: Channel
    runtime: SimpleNamespace


def _campus(emu: Emulator, name: str, shard: int, ctx: ServiceContext) -> ShardCampus:
    admin = emu.add_user(f"{name} admin")
    guild = emu.add_guild(f"{name} Study Hall", owner=admin, shard=(shard, COUNT))
    moderators = emu.add_role(guild, "Moderators")
    sessions = emu.add_text_channel(guild, "sessions")
    student, tutor, member = (emu.add_user(f"{name} {who}") for who in ("Maya", "Theo", "Sam"))
    for user in (student, tutor, member):
        emu.add_member(guild, user)
    runtime = SimpleNamespace(services=ctx)
    return ShardCampus(emu, guild, admin, student, tutor, member, moderators, sessions, runtime)


async def _start(
    env: dict[str, str], tmp: Path, label: str, shards: tuple[str, tuple[tuple[int, int], ...]]
) -> TutorbotProcess:
    ids, _ = shards
    log = tmp / f"bot-{label}.log"
    return await start_tutorbot(env, log, "bot", "--shard-ids", ids, "--shard-count", str(COUNT))


SETTINGS = {  # sessions in the next hour or two, so the space opens and reminders are due
    "min_notice_minutes": "0",
    "request_expiry_before_start_minutes": "0",
    "space_opens_before_minutes": "120",
}


async def _configure(c: ShardCampus) -> None:
    """The admin points TutorBot at the sessions channel and allows near sessions."""
    settings = {**SETTINGS, "sessions_channel": f"<#{c.sessions.id}>"}
    for setting, value in settings.items():
        reply = await c.emu.slash(c.admin, c.guild, "admin config", setting=setting, value=value)
        assert setting in reply.text, reply.text


async def _book_and_accept(c: ShardCampus) -> int:
    """The student books, the tutor accepts in a DM (shard 0); the confirmed booking's id."""
    await onboard(c, c.tutor, "tutor", ["calculus"], zone="Europe/Berlin", level="advanced")
    await apply_as_tutor(c, c.tutor)
    await publish(c, when="daily 00:00-23:59")  # whatever the hour the test runs at
    await onboard(c, c.student, "student", ["calculus"], zone="Europe/Berlin")
    confirm = await request_first_slot(c)
    assert "request" in confirm.text.lower()
    request = await dm(c, c.tutor, "New session request")  # type: ignore[arg-type]
    accepted = await c.emu.click(c.tutor, request, label="Accept")
    assert "accepted" in accepted.text.lower() or "confirmed" in accepted.text.lower()
    [booking] = await live_bookings(c, c.student)
    return int(booking.booking_id)


async def _space_opened(c: ShardCampus, booking_id: int) -> None:
    """The private thread exists in this guild's sessions channel, with the two in it."""

    def opened() -> bool:
        return any(
            t.name.startswith(f"Session #{booking_id}")
            and t.parent_id == c.sessions.id
            and {c.student.id, c.tutor.id} <= set(t.member_ids)
            and any(m.embeds for m in c.emu.messages(t))  # the consent notice, posted last
            for t in c.emu.threads(c.guild)
        )

    await c.emu.wait_for(opened, timeout=20)


async def _time_passes(database_url: str, kind: str, booking_ids: list[int]) -> int:
    """The bookings' pending work of `kind` falls due now; how many rows that is."""
    database = create_database(database_url, keys=TEST_DATA_KEYS)
    try:
        async with database.engine.begin() as connection:
            result = await connection.execute(
                update(ScheduledActionRow)
                .where(
                    ScheduledActionRow.kind == kind,
                    ScheduledActionRow.state == "pending",
                    ScheduledActionRow.booking_id.in_(booking_ids),
                )
                .values(due_at=datetime.now(UTC))
            )
            return int(result.rowcount or 0)
    finally:
        await database.dispose()


async def _reminder_rows(database_url: str) -> list[tuple[int, str]]:
    database = create_database(database_url, keys=TEST_DATA_KEYS)
    try:
        async with database.engine.connect() as connection:
            rows = await connection.execute(
                select(ScheduledActionRow.booking_id, ScheduledActionRow.state).where(
                    ScheduledActionRow.kind == "reminder"
                )
            )
            return [(int(b), str(s)) for b, s in rows]
    finally:
        await database.dispose()


async def _until_no_pending_reminders(database_url: str, booking_ids: list[int]) -> None:
    for _ in range(150):
        rows = await _reminder_rows(database_url)
        if not [b for b, state in rows if b in booking_ids and state == "pending"]:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"reminders still pending: {rows}")


async def _reminders_done(database_url: str) -> Counter[int]:
    return Counter(b for b, state in await _reminder_rows(database_url) if state == "done")


def _reminder_dms(emu: Emulator, user: User) -> int:
    return sum("Reminder" in m.text or "⏰" in m.text for m in emu.dm_messages(user))


async def test_two_processes_four_shards_survive_a_killed_process(postgres_url, tmp_path) -> None:
    emu = Emulator(interaction_deadline=10.0)
    # A select the bot only acknowledges (the menu keeps the choice) has no edit to wait
    # for, and the emulator can't see another process's handlers finish: don't wait long.
    emu.deferred_wait = 1.0
    await emu.start()
    emu.add_bot(token=BOT_TOKEN, name="TutorBot")
    database = create_database(postgres_url, keys=TEST_DATA_KEYS)
    ctx = ServiceContext(uow=UnitOfWorkFactory(database), clock=SystemClock())
    north = _campus(emu, "North", 0, ctx)
    south = _campus(emu, "South", 3, ctx)
    env = process_env(emu, postgres_url)
    try:
        async with tutorbot_processes() as running:
            running.append(a := await _start(env, tmp_path, "a", FIRST))
            running.append(b := await _start(env, tmp_path, "b", SECOND))
            try:
                await emu.wait_for_shards([*FIRST[1], *SECOND[1]], timeout=START_TIMEOUT)
                await emu.wait_for_commands_synced(timeout=START_TIMEOUT)
                assert a.process.returncode is None

                for campus in (north, south):
                    await _configure(campus)
                north_booking = await _book_and_accept(north)
                south_booking = await _book_and_accept(south)
                bookings = [north_booking, south_booking]
                await _space_opened(north, north_booking)
                await _space_opened(south, south_booking)

                b.kill()  # mid-session: the south campus's shards go dark
                await b.process.wait()
                await emu.wait_for(lambda: (3, COUNT) not in emu.connected_shards(), timeout=10)
                running.append(await _start(env, tmp_path, "c", SECOND))
                await emu.wait_for_shards(SECOND[1], timeout=START_TIMEOUT)

                listing = await emu.slash(south.student, south.guild, "bookings")
                assert f"#{south_booking}" in listing.text

                await _time_passes(postgres_url, "reminder", bookings)
                await _until_no_pending_reminders(postgres_url, bookings)
                await asyncio.sleep(2)  # time for a second sender, if there were one
                sent = await _reminders_done(postgres_url)
                assert min(sent[north_booking], sent[south_booking]) >= 1, sent
                for campus, booking in ((north, north_booking), (south, south_booking)):
                    for person in (campus.student, campus.tutor):
                        assert _reminder_dms(emu, person) == sent[booking], person.name
                assert emu.unexpected_errors == []
            except BaseException as error:
                error.add_note(describe(running))
                raise
    finally:
        await database.dispose()
        await emu.stop()
    emu.assert_no_violations()
