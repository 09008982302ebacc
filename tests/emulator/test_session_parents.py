"""What Discord enforces where a bot makes a session's parent channel and private thread.

Creating a guild channel needs Manage Channels; a private thread needs Create Private
Threads in its parent, and only a text channel can hold one (announcement channels hold
announcement threads, forum channels public posts).
"""

from __future__ import annotations

import aiohttp

from discord_emulator import ChannelType, Emulator
from discord_emulator.permissions import BOT_DEFAULT, CREATE_PRIVATE_THREADS, MANAGE_CHANNELS

ANNOUNCEMENT = 5
PRIVATE_THREAD = {"name": "Session #1", "type": ChannelType.PRIVATE_THREAD, "invitable": False}


def _http() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(headers={"Authorization": "Bot tkn"})


async def test_creating_a_channel_needs_manage_channels(emu: Emulator):
    emu.add_bot(token="tkn")
    guild = emu.add_guild("Campus")
    url = f"{emu.api_base}/guilds/{guild.id}/channels"
    body = {"name": "tutoring-sessions", "type": ChannelType.TEXT}
    emu.set_bot_permissions(guild, BOT_DEFAULT & ~MANAGE_CHANNELS)
    async with _http() as http:
        async with http.post(url, json=body) as resp:
            assert resp.status == 403
            assert (await resp.json())["code"] == 50013
        emu.set_bot_permissions(guild, BOT_DEFAULT)
        async with http.post(url, json=body) as resp:
            assert resp.status in (200, 201)
    assert [c.name for c in emu.channels(guild)].count("tutoring-sessions") == 1


async def test_a_private_thread_needs_create_private_threads_in_its_parent(emu: Emulator):
    emu.add_bot(token="tkn")
    guild = emu.add_guild("Campus")
    general = emu.channels(guild)[0]
    bot_role = emu.bot_role(guild)
    emu.set_overwrite(general, bot_role.id, {"type": 0, "deny": CREATE_PRIVATE_THREADS})
    url = f"{emu.api_base}/channels/{general.id}/threads"
    async with _http() as http:
        async with http.post(url, json=PRIVATE_THREAD) as resp:
            assert resp.status == 403
            assert (await resp.json())["code"] == 50013
        emu.delete_overwrite(general, bot_role.id)
        async with http.post(url, json=PRIVATE_THREAD) as resp:
            assert resp.status in (200, 201)
    assert [t.type for t in emu.threads(guild)] == [ChannelType.PRIVATE_THREAD]


async def test_an_announcement_channel_cannot_hold_a_private_thread(emu: Emulator):
    emu.add_bot(token="tkn")
    guild = emu.add_guild("Campus")
    news = emu._new_channel(guild, "news", ANNOUNCEMENT, None, ())
    async with _http() as http:
        url = f"{emu.api_base}/channels/{news.id}/threads"
        async with http.post(url, json=PRIVATE_THREAD) as resp:
            assert resp.status == 400
            assert (await resp.json())["code"] == 50024
    assert emu.threads(guild) == []
