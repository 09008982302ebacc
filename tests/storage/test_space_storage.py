"""Session spaces: the opening claim, the round trip, voice and live lookups, on both backends."""

import asyncio
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from marketplace.domain.spaces import CLAIM_TIMEOUT, SessionSpace, SpaceStatus, TextPlace
from marketplace.services import bookings
from tests.services.marketplace_world import (
    GUILD,
    OTHER_GUILD,
    TUTOR_ID,
    add_student,
    add_tutor,
    at,
    book_cmd,
    build_world,
)

T = at(2, 9, 45)  # when the first opener claims
BIG_SNOWFLAKE = 2**63 - 1
SECOND = timedelta(seconds=1)
OTHER_STUDENT, OTHER_TUTOR = 12, 22


@pytest.fixture
async def booking_ids(service_context, clock):
    """Five confirmed bookings in the test guild, two hours apart."""
    world = await build_world(service_context, clock, instant=True)
    ids = []
    for hour in (8, 10, 12, 14, 16):
        booked = await bookings.book(book_cmd(world.student, TUTOR_ID, at(2, hour)), world.ctx)
        ids.append(booked.booking_id)
    return ids


async def _other_guilds_booking(ctx):
    student = await add_student(ctx, OTHER_STUDENT, guild_id=OTHER_GUILD)
    await add_tutor(ctx, OTHER_TUTOR, instant=True, guild_id=OTHER_GUILD)
    booked = await bookings.book(book_cmd(student, OTHER_TUTOR, at(2, 10)), ctx)
    return booked.booking_id


async def _claim(uow_factory, booking_id, now, guild_id=GUILD):
    async with uow_factory() as uow:
        won = await uow.spaces.claim(booking_id, guild_id, now)
        await uow.commit()
    return won


async def _get(uow_factory, booking_id):
    async with uow_factory(read_only=True) as uow:
        return await uow.spaces.get(booking_id)


async def _save(uow_factory, space):
    async with uow_factory() as uow:
        await uow.spaces.save(space)
        await uow.commit()


async def _opened(uow_factory, booking_id, claimed_at=T, voice_id=None, guild_id=GUILD):
    """Claim, then record the space as open (as the service does after Discord answers)."""
    assert await _claim(uow_factory, booking_id, claimed_at, guild_id)
    space = await _get(uow_factory, booking_id)
    opened = replace(
        space, status=SpaceStatus.OPEN, text_place=TextPlace.THREAD, text_id=booking_id * 1000,
        voice_id=voice_id, opened_at=claimed_at,
    )  # fmt: skip
    await _save(uow_factory, opened)
    return opened


# --- The claim -------------------------------------------------------------------------------


async def test_the_first_claim_inserts_a_space_that_is_opening(uow_factory, booking_ids):
    booking_id = booking_ids[0]

    assert await _claim(uow_factory, booking_id, T) is True

    assert await _get(uow_factory, booking_id) == SessionSpace(
        booking_id=booking_id, guild_id=GUILD, status=SpaceStatus.OPENING, claimed_at=T
    )
    assert await _get(uow_factory, booking_ids[1]) is None


async def test_a_second_claim_is_refused_while_the_first_opener_works_and_once_open(
    uow_factory, booking_ids
):
    booking_id = booking_ids[0]
    await _claim(uow_factory, booking_id, T)

    assert await _claim(uow_factory, booking_id, T + timedelta(minutes=1)) is False
    assert (await _get(uow_factory, booking_id)).claimed_at == T

    await _opened(uow_factory, booking_ids[1])
    assert await _claim(uow_factory, booking_ids[1], T + timedelta(days=1)) is False
    assert (await _get(uow_factory, booking_ids[1])).status is SpaceStatus.OPEN


@pytest.mark.parametrize("status", [SpaceStatus.FAILED, SpaceStatus.CLOSED])
async def test_a_failed_or_closed_space_may_be_claimed_again(uow_factory, booking_ids, status):
    booking_id = booking_ids[0]
    await _claim(uow_factory, booking_id, T)
    await _save(uow_factory, replace(await _get(uow_factory, booking_id), status=status))
    later = T + timedelta(minutes=1)

    assert await _claim(uow_factory, booking_id, later) is True

    space = await _get(uow_factory, booking_id)
    assert (space.status, space.claimed_at) == (SpaceStatus.OPENING, later)
    assert await _claim(uow_factory, booking_id, later) is False


async def test_a_silent_openers_claim_is_taken_over_after_the_timeout_and_not_before(
    uow_factory, booking_ids
):
    booking_id = booking_ids[0]
    await _claim(uow_factory, booking_id, T)

    assert await _claim(uow_factory, booking_id, T + CLAIM_TIMEOUT - SECOND) is False
    assert await _claim(uow_factory, booking_id, T + CLAIM_TIMEOUT) is True

    space = await _get(uow_factory, booking_id)
    assert (space.status, space.claimed_at) == (SpaceStatus.OPENING, T + CLAIM_TIMEOUT)
    assert await _claim(uow_factory, booking_id, T + CLAIM_TIMEOUT + SECOND) is False


async def test_a_claim_that_was_not_committed_is_gone(uow_factory, booking_ids):
    async with uow_factory() as uow:
        assert await uow.spaces.claim(booking_ids[0], GUILD, T) is True

    assert await _get(uow_factory, booking_ids[0]) is None
    assert await _claim(uow_factory, booking_ids[0], T) is True


async def _race(uow_factory, booking_id, now):
    """Two units of work claim at once; each holds its transaction a moment before commit."""

    async def attempt():
        async with uow_factory() as uow:
            won = await uow.spaces.claim(booking_id, GUILD, now)
            await asyncio.sleep(0.05)
            await uow.commit()
        return won

    return await asyncio.wait_for(asyncio.gather(attempt(), attempt()), timeout=30)


async def test_two_units_of_work_claiming_a_new_space_at_once_get_one_win(uow_factory, booking_ids):
    results = await _race(uow_factory, booking_ids[0], T)

    assert sorted(results) == [False, True]
    assert (await _get(uow_factory, booking_ids[0])).status is SpaceStatus.OPENING


@pytest.mark.parametrize("stale", [False, True], ids=["failed", "stale opening"])
async def test_two_units_of_work_taking_over_a_free_space_at_once_get_one_win(
    uow_factory, booking_ids, stale
):
    booking_id = booking_ids[0]
    await _claim(uow_factory, booking_id, T)
    if not stale:
        await _save(
            uow_factory, replace(await _get(uow_factory, booking_id), status=SpaceStatus.FAILED)
        )
    later = T + CLAIM_TIMEOUT + timedelta(minutes=1)

    results = await _race(uow_factory, booking_id, later)

    assert sorted(results) == [False, True]
    space = await _get(uow_factory, booking_id)
    assert (space.status, space.claimed_at) == (SpaceStatus.OPENING, later)


# --- What is stored --------------------------------------------------------------------------


async def test_every_field_round_trips_with_big_snowflakes_and_aware_utc_times(
    uow_factory, booking_ids
):
    booking_id = booking_ids[0]
    await _claim(uow_factory, booking_id, T)
    berlin = ZoneInfo("Europe/Berlin")
    full = SessionSpace(
        booking_id=booking_id,
        guild_id=GUILD,
        status=SpaceStatus.CLOSED,
        claimed_at=T + timedelta(microseconds=250),
        text_id=BIG_SNOWFLAKE,
        text_place=TextPlace.CHANNEL,
        voice_id=BIG_SNOWFLAKE - 1,
        fallback="thread_cap",
        opened_at=(T + SECOND).astimezone(berlin),
        closed_at=T + timedelta(hours=2),
        student_agreed_at=T + timedelta(minutes=3),
        tutor_agreed_at=(T + timedelta(minutes=4)).astimezone(berlin),
    )

    await _save(uow_factory, full)

    stored = await _get(uow_factory, booking_id)
    assert stored == full
    times = (
        stored.claimed_at, stored.opened_at, stored.closed_at, stored.student_agreed_at,
        stored.tutor_agreed_at,
    )  # fmt: skip
    assert all(t is not None and t.utcoffset() == timedelta(0) for t in times)


async def test_saving_can_clear_what_was_set(uow_factory, booking_ids):
    booking_id = booking_ids[0]
    opened = await _opened(uow_factory, booking_id, voice_id=5)
    await _save(uow_factory, replace(opened, voice_id=None, opened_at=None, fallback=""))

    stored = await _get(uow_factory, booking_id)

    assert (stored.voice_id, stored.opened_at, stored.text_id) == (None, None, booking_id * 1000)


async def test_a_voice_channel_finds_only_the_open_space_of_its_guild(
    service_context, uow_factory, booking_ids
):
    other_booking = await _other_guilds_booking(service_context)
    mine = await _opened(uow_factory, booking_ids[0], voice_id=BIG_SNOWFLAKE)
    theirs = await _opened(uow_factory, other_booking, voice_id=777, guild_id=OTHER_GUILD)
    closed = await _opened(uow_factory, booking_ids[1], voice_id=888)
    await _save(uow_factory, replace(closed, status=SpaceStatus.CLOSED))
    await _claim(uow_factory, booking_ids[2], T)  # opening: no voice yet

    async with uow_factory(read_only=True) as uow:
        assert await uow.spaces.by_voice(GUILD, BIG_SNOWFLAKE) == mine
        assert await uow.spaces.by_voice(OTHER_GUILD, 777) == theirs
        assert await uow.spaces.by_voice(GUILD, 777) is None
        assert await uow.spaces.by_voice(OTHER_GUILD, BIG_SNOWFLAKE) is None
        assert await uow.spaces.by_voice(GUILD, 888) is None
        assert await uow.spaces.by_voice(GUILD, 999) is None


async def test_live_lists_open_spaces_oldest_claim_first_up_to_the_limit(
    service_context, uow_factory, booking_ids
):
    other_booking = await _other_guilds_booking(service_context)
    claimed = {
        booking_ids[0]: T + timedelta(minutes=30),
        booking_ids[1]: T,
        booking_ids[2]: T + timedelta(minutes=10),
    }
    for booking_id, when in claimed.items():
        await _opened(uow_factory, booking_id, claimed_at=when)
    await _opened(
        uow_factory, other_booking, claimed_at=T + timedelta(minutes=20), guild_id=OTHER_GUILD
    )
    failed = await _opened(uow_factory, booking_ids[3], claimed_at=T - timedelta(hours=1))
    await _save(uow_factory, replace(failed, status=SpaceStatus.FAILED))
    await _claim(uow_factory, booking_ids[4], T - timedelta(hours=1))  # still opening

    async with uow_factory(read_only=True) as uow:
        every = await uow.spaces.live(10)
        first_two = await uow.spaces.live(2)

    oldest_first = [booking_ids[1], booking_ids[2], other_booking, booking_ids[0]]
    assert [s.booking_id for s in every] == oldest_first
    assert all(s.status is SpaceStatus.OPEN for s in every)
    assert [s.booking_id for s in first_two] == oldest_first[:2]
