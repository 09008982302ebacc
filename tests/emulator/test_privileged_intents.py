"""Privileged intents: an IDENTIFY asking for one the app has not enabled is refused (4014)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import discord
import pytest

from discord_emulator import Emulator, intents, point_discord_py_at
from discord_emulator.testing import running_bot
from tests.emulator.sample_bot import SampleBot, build_campus

IDENTIFY, RESUME = 2, 6


def wanting(**flags: bool) -> discord.Intents:
    wanted = discord.Intents.default()
    for name, value in flags.items():
        setattr(wanted, name, value)
    return wanted


def ops(emu: Emulator, op: int) -> list[dict[str, Any]]:
    return [f for f in emu.hub.received if f.get("op") == op]


async def identify_raw(emu: Emulator, d: dict[str, Any]) -> aiohttp.WSMessage:
    """IDENTIFY over a bare WebSocket; the first thing the gateway answers."""
    identity = emu.world.bot
    assert identity is not None
    async with aiohttp.ClientSession() as http, http.ws_connect(emu.gateway_url) as ws:
        assert (await ws.receive_json())["op"] == 10  # HELLO
        await ws.send_json({"op": IDENTIFY, "d": {"token": identity.token, "properties": {}, **d}})
        return await ws.receive(timeout=5)


async def test_message_content_disabled_refuses_a_client_asking_for_it(emu: Emulator) -> None:
    await build_campus(emu)
    emu.disable_intent("MESSAGE_CONTENT")
    asking = wanting(members=True, message_content=True)
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with running_bot(emu, SampleBot(intents=asking), "tkn", timeout=5):
            raise AssertionError("should not become ready")
    assert emu.hub.refused == [(4014, asking.value)]
    assert emu.hub.sessions == {}
    # 4014 is not resumable: discord.py neither re-identifies nor resumes
    assert len(ops(emu, IDENTIFY)) == 1
    assert ops(emu, RESUME) == []


async def test_without_message_content_the_client_connects_and_reads_empty_content(
    emu: Emulator,
) -> None:
    guild, alice, _, _ = await build_campus(emu)
    emu.disable_intent("MESSAGE_CONTENT")
    async with running_bot(emu, SampleBot(intents=wanting(members=True)), "tkn") as bot:
        general = emu.channel_named(guild, "general")
        seen = asyncio.create_task(bot.wait_for("message", timeout=5))
        await asyncio.sleep(0)
        posted = await emu.post_message(alice, general, "can anyone read this?")
        received = await seen
        assert received.id == posted.id
        assert received.content == ""
        assert received.author.id == alice.id
        channel = bot.get_channel(general.id)
        assert isinstance(channel, discord.TextChannel)
        assert (await channel.fetch_message(posted.id)).content == ""
        mention = await emu.post_message(alice, general, f"<@{emu.world.bot_user.id}> help")
        assert (await channel.fetch_message(mention.id)).content.endswith("help")
        assert not bot.application_flags.gateway_message_content_limited
        assert bot.application_flags.gateway_guild_members_limited


async def test_guild_members_disabled_refuses_connect(emu: Emulator) -> None:
    emu.add_bot(token="tkn", privileged_intents={"MESSAGE_CONTENT", "GUILD_PRESENCES"})
    guild = emu.add_guild("Campus")
    point_discord_py_at(emu.api_base, emu.gateway_url)
    asking = SampleBot(intents=wanting(members=True))
    try:
        await asking.login("tkn")
        with pytest.raises(discord.PrivilegedIntentsRequired):
            await asyncio.wait_for(asking.connect(), 5)
    finally:
        await asking.close()
    assert [code for code, _ in emu.hub.refused] == [4014]
    async with running_bot(emu, SampleBot(intents=discord.Intents.default()), "tkn") as bot:
        cached = bot.get_guild(guild.id)
        assert cached is not None
        assert cached.get_member(emu.world.bot_user.id) is not None
    assert len(ops(emu, IDENTIFY)) == 2


@pytest.mark.parametrize("name", sorted(intents.PRIVILEGED))
async def test_each_privileged_intent_is_refused_only_when_disabled(
    emu: Emulator, name: str
) -> None:
    emu.add_bot(token="tkn")
    emu.disable_intent(name)
    asked = intents.GUILDS | intents.PRIVILEGED[name]
    refused = await identify_raw(emu, {"intents": asked})
    assert refused.type is aiohttp.WSMsgType.CLOSE
    assert (refused.data, refused.extra) == (4014, "Disallowed intent(s).")
    others = sum(bit for other, bit in intents.PRIVILEGED.items() if other != name)
    ready = await identify_raw(emu, {"intents": intents.GUILDS | others})
    assert ready.type is aiohttp.WSMsgType.TEXT
    assert ready.json()["t"] == "READY"
    emu.enable_intent(name)
    again = await identify_raw(emu, {"intents": asked})
    assert again.type is aiohttp.WSMsgType.TEXT


@pytest.mark.parametrize(
    "d",
    [
        {"intents": intents.GUILDS | 1 << 17},  # a gap between documented intents
        {"intents": 1 << 26},
        {"intents": -1},
        {"intents": "513"},
        {"intents": True},
        {},  # intents are required since v8
    ],
    ids=["bit17", "bit26", "negative", "string", "bool", "missing"],
)
async def test_bits_that_are_no_intent_close_with_4013(emu: Emulator, d: dict[str, Any]) -> None:
    emu.add_bot(token="tkn")
    closed = await identify_raw(emu, d)
    assert closed.type is aiohttp.WSMsgType.CLOSE
    assert (closed.data, closed.extra) == (4013, "Invalid intent(s).")
    assert emu.hub.sessions == {}
    assert emu.hub.identify_count == 0


async def test_4013_is_not_resumable_for_discord_py(emu: Emulator) -> None:
    await build_campus(emu)
    bogus = discord.Intents._from_value(discord.Intents.default().value | 1 << 30)
    with pytest.raises(discord.ConnectionClosed) as closed:
        async with running_bot(emu, SampleBot(intents=bogus), "tkn", timeout=5):
            raise AssertionError("should not become ready")
    assert closed.value.code == 4013
    assert len(ops(emu, IDENTIFY)) == 1
    assert ops(emu, RESUME) == []


async def test_all_intents_are_allowed_by_default(emu: Emulator) -> None:
    emu.add_bot(token="tkn")
    ready = await identify_raw(emu, {"intents": discord.Intents.all().value})
    assert ready.json()["t"] == "READY"
    limited = 1 << 13 | 1 << 15 | 1 << 19
    assert ready.json()["d"]["application"]["flags"] == limited


async def test_application_flags_reflect_the_switches(emu: Emulator) -> None:
    await build_campus(emu)
    emu.disable_intent("GUILD_PRESENCES")
    identity = emu.world.bot
    assert identity is not None
    headers = {"Authorization": f"Bot {identity.token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        for path in ("/applications/@me", "/oauth2/applications/@me"):
            async with http.get(emu.api_base + path) as resp:
                assert resp.status == 200
                app = await resp.json()
            assert app["flags"] == 1 << 15 | 1 << 19, path
            assert app["flags_new"] == str(app["flags"])
    async with running_bot(emu, SampleBot(), "tkn") as bot:
        info = await bot.application_info()
        assert info.flags.gateway_guild_members_limited
        assert info.flags.gateway_message_content_limited
        assert not info.flags.gateway_presence_limited
        assert bot.application_flags == info.flags
        emu.disable_intent("GUILD_MEMBERS")
        info = await bot.application_info()
        assert not info.flags.gateway_guild_members_limited


async def test_apps_in_100_servers_report_the_approved_flags(emu: Emulator) -> None:
    emu.add_bot(token="tkn", privileged_intents=["message_content"])
    assert emu.world.application_flags() == 1 << 19
    for n in range(intents.LIMITED_BELOW_GUILDS):
        emu.add_guild(f"Guild {n}")
    assert emu.world.application_flags() == 1 << 18


def test_harness_refuses_unknown_names_and_privileged_flags() -> None:
    emu = Emulator()
    with pytest.raises(ValueError, match="not privileged intents"):
        emu.add_bot(privileged_intents={"GUILDS"})
    with pytest.raises(ValueError, match="privileged_intents="):
        emu.add_bot(flags=1 << 18)
    with pytest.raises(RuntimeError, match="add_bot"):
        emu.disable_intent("MESSAGE_CONTENT")
    emu.add_bot()
    with pytest.raises(ValueError, match="MEMBERS"):
        emu.disable_intent("members")
    emu.disable_intent("guild_members", "MESSAGE_CONTENT")
    identity = emu.world.bot
    assert identity is not None
    assert identity.privileged_intents == {"GUILD_PRESENCES"}
    assert intents.refusal(intents.GUILD_MEMBERS, identity.privileged_intents) == (
        4014,
        "Disallowed intent(s).",
    )
    assert intents.refusal(discord.Intents.all().value, intents.PRIVILEGED) is None


async def test_rest_reads_follow_the_switch_at_once(emu: Emulator) -> None:
    guild, alice, _, _ = await build_campus(emu)
    reading = wanting(members=True, message_content=True)
    async with running_bot(emu, SampleBot(intents=reading), "tkn") as bot:
        general = emu.channel_named(guild, "general")
        posted = await emu.post_message(alice, general, "visible for now")
        channel = bot.get_channel(general.id)
        assert isinstance(channel, discord.TextChannel)
        assert (await channel.fetch_message(posted.id)).content == "visible for now"
        emu.disable_intent("MESSAGE_CONTENT")
        assert (await channel.fetch_message(posted.id)).content == ""
        assert bot.ws is not None  # the session itself stays connected
        assert emu.hub.connected
