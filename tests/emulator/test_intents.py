"""Intents as Discord applies them: what a bot with default intents does and doesn't get."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import discord
import pytest

from discord_emulator import Emulator, Guild, User, intents
from discord_emulator.testing import running_bot
from tests.emulator.sample_bot import SampleBot, build_campus


@dataclass
class Plain:
    emu: Emulator
    bot: SampleBot
    guild: Guild
    alice: User
    bob: User


def sent(emu: Emulator, event: str) -> list[dict[str, object]]:
    return [f["d"] for s in emu.hub.sessions.values() for f in s.history if f["t"] == event]


async def _start(emu: Emulator, wanted: discord.Intents) -> AsyncIterator[Plain]:
    guild, alice, bob, _ = await build_campus(emu)
    voice = emu.add_voice_channel(guild, "Quiet room")
    emu.voice_join(bob, voice)
    async with running_bot(emu, SampleBot(intents=wanted), "tkn") as bot:
        await emu.wait_for_commands_synced()
        yield Plain(emu, bot, guild, alice, bob)


@pytest.fixture
async def plain(emu: Emulator) -> AsyncIterator[Plain]:
    """The sample bot with discord.py's default intents (no members, presences, content)."""
    async for running in _start(emu, discord.Intents.default()):
        yield running


@pytest.fixture
async def reader(emu: Emulator) -> AsyncIterator[Plain]:
    """The sample bot with MESSAGE_CONTENT but without GUILD_MESSAGES."""
    wanted = discord.Intents.default()
    wanted.message_content = True
    wanted.guild_messages = False
    async for running in _start(emu, wanted):
        yield running


async def test_guild_create_lists_only_the_bot_and_members_in_voice(plain: Plain) -> None:
    emu, guild = plain.emu, plain.guild
    (created,) = sent(emu, "GUILD_CREATE")
    listed = {int(m["user"]["id"]) for m in created["members"]}  # type: ignore[index]
    assert listed == {emu.world.bot_user.id, plain.bob.id}
    assert created["member_count"] == 4
    cached = plain.bot.get_guild(guild.id)
    assert cached is not None
    assert cached.member_count == 4
    assert cached.get_member(plain.alice.id) is None
    assert cached.get_member(plain.bob.id) is not None


async def test_no_member_events_without_guild_members(plain: Plain) -> None:
    emu, guild = plain.emu, plain.guild
    carol = emu.add_user("carol")
    emu.add_member(guild, carol)
    emu.add_member(guild, plain.alice, nick="Ali")
    emu.add_member(guild, emu.world.bot_user, nick="Tutor")
    await emu.settle()
    assert sent(emu, "GUILD_MEMBER_ADD") == []
    updates = sent(emu, "GUILD_MEMBER_UPDATE")
    assert [u["nick"] for u in updates] == ["Tutor"]  # only the bot's own member
    cached = plain.bot.get_guild(guild.id)
    assert cached is not None
    assert cached.get_member(carol.id) is None


async def test_member_requests_by_name_or_id_work_without_the_intent(plain: Plain) -> None:
    cached = plain.bot.get_guild(plain.guild.id)
    assert cached is not None
    by_name = await cached.query_members("ali")
    assert [m.id for m in by_name] == [plain.alice.id]
    by_id = await cached.query_members(user_ids=[plain.alice.id])
    assert [m.name for m in by_id] == ["alice"]
    with pytest.raises(discord.ClientException):
        await cached.chunk()  # the whole list needs GUILD_MEMBERS (discord.py refuses too)


async def test_message_content_is_empty_for_other_peoples_guild_messages(plain: Plain) -> None:
    emu, guild, bot = plain.emu, plain.guild, plain.bot
    general = emu.channel_named(guild, "general")
    plain_msg = await emu.post_message(plain.alice, general, "hello everyone")
    mention = await emu.post_message(plain.alice, general, f"hi <@{emu.world.bot_user.id}>")
    dm = await emu.post_message(plain.alice, plain.alice, "a private word")
    await emu.settle()
    created = {str(d["id"]): d for d in sent(emu, "MESSAGE_CREATE")}
    assert created[str(plain_msg.id)]["content"] == ""
    assert created[str(plain_msg.id)]["embeds"] == []
    assert created[str(mention.id)]["content"].endswith(f"<@{emu.world.bot_user.id}>")  # type: ignore[union-attr]
    assert created[str(dm.id)]["content"] == "a private word"
    mentioned = created[str(mention.id)]["mentions"]
    assert [u["id"] for u in mentioned] == [str(emu.world.bot_user.id)]  # type: ignore[union-attr,index]
    channel = bot.get_channel(general.id)
    assert isinstance(channel, discord.TextChannel)
    fetched = await channel.fetch_message(plain_msg.id)
    assert fetched.content == ""
    assert (await channel.fetch_message(mention.id)).content != ""
    # the bot's own messages keep their content
    answer = await emu.slash(plain.alice, guild, "announce", text="for all")
    assert answer.kind == "deferred"
    own = [m async for m in channel.history(limit=5)]
    assert "for all" in [m.content for m in own]


async def test_events_need_their_intent(reader: Plain) -> None:
    emu = reader.emu
    general = emu.channel_named(reader.guild, "general")
    await emu.post_message(reader.alice, general, "unseen")
    dm = await emu.post_message(reader.alice, reader.alice, "seen")
    await emu.settle()
    assert [d["id"] for d in sent(emu, "MESSAGE_CREATE")] == [str(dm.id)]
    channel = reader.bot.get_channel(general.id)
    assert isinstance(channel, discord.TextChannel)
    history = [m.content async for m in channel.history(limit=1)]
    assert history == ["unseen"]  # MESSAGE_CONTENT: REST reads keep the content


def test_shape_rules() -> None:
    bot = 7
    message = {"id": "1", "guild_id": "2", "author": {"id": "3"}, "content": "x", "poll": {}}
    hidden = intents.shape("MESSAGE_CREATE", message, intents.GUILD_MESSAGES, bot)
    assert hidden is not None
    assert (hidden["content"], hidden["embeds"], hidden["components"]) == ("", [], [])
    assert "poll" not in hidden
    assert intents.shape("MESSAGE_CREATE", message, intents.ALL, bot) == message
    assert intents.shape("VOICE_STATE_UPDATE", {"user_id": "3"}, intents.GUILDS, bot) is None
    assert intents.shape("INTERACTION_CREATE", {"id": "9"}, 0, bot) == {"id": "9"}
    thread_members = {"id": "5", "added_members": [{"user_id": "3"}], "removed_member_ids": []}
    assert intents.shape("THREAD_MEMBERS_UPDATE", thread_members, intents.GUILDS, bot) is None
    own = {"id": "5", "added_members": [{"user_id": "7"}, {"user_id": "3"}]}
    shaped = intents.shape("THREAD_MEMBERS_UPDATE", own, intents.GUILDS, bot)
    assert shaped is not None
    assert shaped["added_members"] == [{"user_id": "7"}]


async def test_the_whole_member_list_needs_guild_members(emu: Emulator) -> None:
    guild, alice, _, _ = await build_campus(emu)
    identity = emu.world.bot
    assert identity is not None
    async with aiohttp.ClientSession() as http, http.ws_connect(emu.gateway_url) as ws:
        await ws.receive_json()  # HELLO
        identify = {"token": identity.token, "intents": intents.GUILDS, "properties": {}}
        await ws.send_json({"op": 2, "d": identify})
        while (await ws.receive_json()).get("t") != "GUILD_CREATE":
            pass
        whole = {"guild_id": str(guild.id), "query": "", "limit": 0, "nonce": "all"}
        await ws.send_json({"op": 8, "d": whole})
        by_id = {"guild_id": str(guild.id), "user_ids": [str(alice.id), "1"], "nonce": "ids"}
        await ws.send_json({"op": 8, "d": by_id})
        chunk = await ws.receive_json()
    assert chunk["t"] == "GUILD_MEMBERS_CHUNK"
    assert chunk["d"]["nonce"] == "ids"  # the whole-list request got no answer
    assert [m["user"]["id"] for m in chunk["d"]["members"]] == [str(alice.id)]
    assert chunk["d"]["not_found"] == ["1"]
