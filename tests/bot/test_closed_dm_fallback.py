"""Closed DMs in a guild where no admin configured a fallback channel (issue 17.1, SPEC §4).

The notice goes, with a mention, to a channel the member can read and the bot can post in:
the booking's channel, else the guild's system channel, else any text channel.
"""

from __future__ import annotations

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
