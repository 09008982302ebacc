"""Closed DMs in a guild where no admin configured a fallback channel (issue 17.1, SPEC §4).

The notice goes, with a mention, to a channel the member can read and the bot can post in:
the booking's channel, else the guild's system channel, else any text channel.
"""

from __future__ import annotations

import asyncio

from demo.journey import dm
from discord_emulator.permissions import VIEW_CHANNEL
from tests.bot.journeys import ready_tutor, request_first_slot

MEMBER_OVERWRITE = 1


def _mentions(c, channel, user):
    return [
        m for m in c.emu.messages(channel)
        if f"<@{user.id}>" in m.content and "New session request" in m.text
    ]  # fmt: skip


async def _request_with_closed_dms(c):
    await ready_tutor(c)
    c.emu.close_dms(c.tutor)
    await request_first_slot(c)


async def test_the_request_is_mentioned_in_the_booking_channel_and_can_be_accepted(
    campus,
) -> None:
    c = campus
    general = c.emu.world.resolve_where(c.guild)
    await _request_with_closed_dms(c)
    request = await c.emu.wait_for_message(
        general, lambda m: "couldn't DM you" in m.text, timeout=10
    )
    assert "New session request" in request.text
    accepted = await c.emu.click(c.tutor, request, label="Accept")
    assert "Accepted" in accepted.text
    c.emu.errors.clear()  # the 50007 was expected


async def test_a_channel_the_member_cannot_see_is_skipped_for_the_system_channel(
    campus,
) -> None:
    c = campus
    general = c.emu.world.resolve_where(c.guild)
    c.emu.set_system_channel(c.guild, c.help_desk)
    await ready_tutor(c)
    c.emu.set_overwrite(general, c.tutor.id, {"type": MEMBER_OVERWRITE, "deny": VIEW_CHANNEL})
    await c.emu.settle()
    c.emu.close_dms(c.tutor)
    await request_first_slot(c)
    request = await c.emu.wait_for_message(
        c.help_desk, lambda m: "couldn't DM you" in m.text, timeout=10
    )
    assert "New session request" in request.text
    assert _mentions(c, general, c.tutor) == []
    c.emu.errors.clear()  # the 50007 was expected


def _hide_every_channel_from(c, user):
    for channel in c.emu.channels(c.guild):
        c.emu.set_overwrite(channel, user.id, {"type": MEMBER_OVERWRITE, "deny": VIEW_CHANNEL})


async def _kept(c, user):
    async with c.runtime.services.uow(read_only=True) as uow:
        return await uow.kept_notices.for_user(user.id)


async def _wait_for(predicate, tries=50):
    for _ in range(tries):
        if await predicate():
            return True
        await asyncio.sleep(0.1)
    return False


async def test_with_no_usable_channel_the_notice_is_kept_and_delivered_once_on_the_next_visit(
    campus,
) -> None:
    c = campus
    await ready_tutor(c)
    _hide_every_channel_from(c, c.tutor)
    await c.emu.settle()
    c.emu.close_dms(c.tutor)
    await request_first_slot(c)
    assert await _wait_for(lambda: _has_kept(c, c.tutor))
    [kept] = await _kept(c, c.tutor)
    assert kept.kind == "booking_requested"
    assert kept.guild_id == c.guild.id
    config = await c.emu.slash(c.admin, c.guild, "admin config")
    assert "Messages waiting for members" in config.text
    assert "booking requested" in config.text
    c.emu.open_dms(c.tutor)
    await asyncio.gather(*(c.emu.slash(c.tutor, c.guild, "bookings") for _ in range(3)))
    request = await dm(c, c.tutor, "New session request")
    assert await _wait_for(lambda: _has_none(c, c.tutor))
    await c.emu.slash(c.tutor, c.guild, "bookings")
    await c.emu.settle()
    requests = [m for m in c.emu.dm_messages(c.tutor) if "New session request" in m.text]
    assert len(requests) == 1  # delivered once, though three commands raced for it
    accepted = await c.emu.click(c.tutor, request, label="Accept")
    assert "Accepted" in accepted.text
    c.emu.errors.clear()  # the 50007 was expected


async def _has_kept(c, user):
    return bool(await _kept(c, user))


async def _has_none(c, user):
    return not await _kept(c, user)
