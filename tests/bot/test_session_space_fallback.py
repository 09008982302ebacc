"""Session spaces in a guild where no admin set a sessions channel (issue 17, SPEC §4).

The bot finds `#tutoring-sessions`, or creates it once, or uses the channel the booking
was made in; it tells the admins once what it chose. Only when none of these can hold a
private thread does the old "couldn't open a private space" alert stand.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from demo.journey import dm
from discord_emulator.permissions import CREATE_PRIVATE_THREADS, MANAGE_CHANNELS
from marketplace.domain.booking import BookingState
from marketplace.services import spaces
from tests.bot.journeys import confirmed_session, live_bookings, ready_tutor, request_first_slot

SESSIONS_NAME = "tutoring-sessions"


async def _run_jobs(c):
    while await c.bot.jobs.sweep():
        pass
    await c.emu.settle()


async def _open(c, clock, booking):
    clock.set(booking.start - timedelta(minutes=15))
    await _run_jobs(c)


def _named(c):
    return [ch for ch in c.emu.channels(c.guild) if ch.name == SESSIONS_NAME]


def _session_threads(c):
    return [t for t in c.emu.threads(c.guild) if t.name.startswith("Session #")]


def _told(c, words):
    return [m for m in c.emu.dm_messages(c.admin) if words in m.text]


def _without(c, bits):
    role = c.emu.bot_role(c.guild)
    c.emu.set_bot_permissions(c.guild, role.permissions & ~bits)


async def _sessions_setting(c):
    async with c.runtime.services.uow(read_only=True) as uow:
        return (await uow.guilds.policy(c.guild.id)).sessions_channel


async def _two_confirmed(c):
    await ready_tutor(c)
    seen: set[int] = set()
    for _ in range(2):
        await request_first_slot(c)
        request = await dm(c, c.tutor, "New session request", old=seen)
        seen.add(request.id)
        await c.emu.click(c.tutor, request, label="Accept")
    booked = sorted(await live_bookings(c, c.student), key=lambda b: b.start)
    assert [b.state for b in booked] == [BookingState.CONFIRMED] * 2
    return booked


async def test_with_no_setting_the_bot_creates_tutoring_sessions_once_and_opens_there(
    campus, clock
) -> None:
    c = campus
    first, second = await _two_confirmed(c)

    await _open(c, clock, first)
    await _open(c, clock, second)

    [channel] = _named(c)
    threads = _session_threads(c)
    assert len(threads) == 2
    assert {t.parent_id for t in threads} == {channel.id}
    assert all(any(m.embeds for m in c.emu.messages(t)) for t in threads)  # the notice
    [told] = _told(c, "I created")
    assert f"<#{channel.id}>" in told.content
    assert "/admin config setting:sessions_channel" in told.text
    assert _told(c, "private space") == []
    assert await _sessions_setting(c) == channel.id


async def test_an_existing_tutoring_sessions_channel_is_found_and_used(campus, clock) -> None:
    c = campus
    existing = c.emu.add_text_channel(c.guild, SESSIONS_NAME)
    await c.emu.settle()
    booking = await confirmed_session(c)

    await _open(c, clock, booking)

    assert _named(c) == [existing]
    [thread] = _session_threads(c)
    assert thread.parent_id == existing.id
    [told] = _told(c, "open as private threads in")
    assert f"<#{existing.id}>" in told.content
    assert await _sessions_setting(c) == existing.id


async def test_a_deleted_sessions_channel_falls_back_to_tutoring_sessions(campus, clock) -> None:
    c = campus
    result = await c.emu.slash(
        c.admin, c.guild, "admin config", setting="sessions_channel", value=f"<#{c.sessions.id}>"
    )
    assert "`sessions_channel` is now" in result.text
    booking = await confirmed_session(c)
    c.emu.delete_channel(c.emu.world.get_channel(c.sessions.id))
    await c.emu.settle()

    await _open(c, clock, booking)

    [channel] = _named(c)
    [thread] = _session_threads(c)
    assert thread.parent_id == channel.id
    assert len(_told(c, "I created")) == 1


async def test_without_manage_channels_the_space_opens_in_the_booking_channel(
    campus, clock
) -> None:
    c = campus
    _without(c, MANAGE_CHANNELS)
    await c.emu.settle()
    first, second = await _two_confirmed(c)

    await _open(c, clock, first)
    await _open(c, clock, second)

    general = c.emu.world.resolve_where(c.guild)
    assert _named(c) == []
    threads = _session_threads(c)
    assert len(threads) == 2
    assert {t.parent_id for t in threads} == {general.id}
    [told] = _told(c, "where it was booked")
    assert f"<#{general.id}>" in told.content
    assert _told(c, "private space") == []


async def test_two_bookings_opening_at_once_make_one_channel(campus, clock) -> None:
    c = campus
    bookings = await _two_confirmed(c)
    async with c.runtime.services.uow(read_only=True) as uow:
        plans = [await spaces._plan(uow, booking) for booking in bookings]

    opened = await asyncio.gather(*(c.bot.spaces.open(plan) for plan in plans))
    await c.emu.settle()

    [channel] = _named(c)
    assert [o.parent_id for o in opened] == [channel.id, channel.id]
    assert {t.parent_id for t in _session_threads(c)} == {channel.id}


async def test_with_nowhere_to_open_the_admins_get_the_old_alert_once(campus, clock) -> None:
    c = campus
    _without(c, MANAGE_CHANNELS)
    general = c.emu.world.resolve_where(c.guild)
    bot_role = c.emu.bot_role(c.guild)
    c.emu.set_overwrite(general, bot_role.id, {"type": 0, "deny": CREATE_PRIVATE_THREADS})
    await c.emu.settle()
    first, second = await _two_confirmed(c)

    await _open(c, clock, first)
    await _open(c, clock, second)

    assert _session_threads(c) == []
    [alert] = _told(c, "private space")
    assert "no sessions channel is set" in alert.text
