from __future__ import annotations

import discord

from discord_emulator import Emulator, point_discord_py_at
from discord_emulator.testing import running_bot
from tests.emulator.sample_bot import SampleBot


async def test_bot_connects_and_caches_guilds(campus):
    bot, emu, guild = campus.bot, campus.emu, campus.guild
    assert bot.is_ready()
    assert bot.user is not None
    assert bot.user.id == emu.world.bot_user.id
    assert bot.application_id == bot.user.id
    cached = bot.get_guild(guild.id)
    assert cached is not None
    assert cached.name == "Campus"
    assert cached.owner_id == guild.owner_id
    assert {c.name for c in cached.text_channels} == {"general"}
    assert [c.name for c in cached.categories] == ["Sessions"]
    assert {r.name for r in cached.roles} >= {"@everyone", "Moderator", "TutorBot"}
    assert cached.me is not None
    assert cached.me.guild_permissions.manage_channels
    bob = cached.get_member(campus.bob.id)
    assert bob is not None
    assert [r.name for r in bob.roles[1:]] == ["Moderator"]
    assert cached.chunked


async def test_global_commands_synced(campus):
    names = {c["name"] for c in campus.emu.commands()}
    assert {"ping", "profile", "timezone", "panel"} <= names
    profile = next(c for c in campus.emu.commands() if c["name"] == "profile")
    assert [o["name"] for o in profile["options"]] == ["view"]
    assert all(c["id"] and c["application_id"] for c in campus.emu.commands())


async def test_guild_sync_and_world_changes_after_connect(emu: Emulator):
    emu.add_bot(token="tkn")
    guild = emu.add_guild("Campus")
    bot = SampleBot(sync_guild=discord.Object(guild.id))
    async with running_bot(emu, bot, "tkn"):
        await emu.wait_for_commands_synced(guild)
        assert {c["name"] for c in emu.commands(guild)} >= {"ping"}
        carol = emu.add_user("carol")
        emu.add_member(guild, carol)
        room = emu.add_voice_channel(guild, "Study room")
        emu.voice_join(carol, room)
        await emu.wait_for(
            lambda: (
                (m := bot.get_guild(guild.id).get_member(carol.id)) is not None
                and m.voice is not None
            )
        )
        member = bot.get_guild(guild.id).get_member(carol.id)
        assert member.voice.channel.id == room.id
        emu.voice_leave(carol)
        await emu.wait_for(lambda: bot.get_guild(guild.id).get_member(carol.id).voice is None)
        # a command run as a guild command works too
        r = await emu.slash(carol, guild, "ping")
        assert r.text == "pong"
        second = emu.add_guild("Library")
        await emu.wait_for(lambda: bot.get_guild(second.id) is not None)


async def test_point_discord_py_at_is_idempotent(emu: Emulator):
    point_discord_py_at(emu.api_base, emu.gateway_url)
    point_discord_py_at(emu.api_base + "/", emu.gateway_url)
    assert emu.api_base == discord.http.Route.BASE
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == emu.gateway_url
    route = discord.http.Route("GET", "/users/@me")
    assert route.url == f"{emu.api_base}/users/@me"


async def test_wrong_token_is_rejected(emu: Emulator):
    emu.add_bot(token="right")
    bot = SampleBot()
    try:
        async with running_bot(emu, bot, "wrong", timeout=5):
            raise AssertionError("should not start")
    except discord.LoginFailure:
        pass
    assert emu.errors[0].status == 401
