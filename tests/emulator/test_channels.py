from __future__ import annotations

from discord_emulator import ChannelType
from discord_emulator.permissions import SEND_MESSAGES, VIEW_CHANNEL


async def test_private_channel_overwrites_read_back(campus):
    emu, guild, alice = campus.emu, campus.guild, campus.alice
    r = await emu.slash(alice, guild, "room", name="algebra-with-alice")
    assert r.kind == "deferred"
    assert r.ephemeral
    room = emu.channel_named(guild, "algebra-with-alice")
    assert room.type == ChannelType.TEXT
    assert room.parent_id == emu.channel_named(guild, "Sessions").id
    overwrites = {o.id: o for o in emu.permission_overwrites(room)}
    assert overwrites[guild.id].deny & VIEW_CHANNEL
    assert overwrites[alice.id].type == 1
    assert overwrites[alice.id].allow & (VIEW_CHANNEL | SEND_MESSAGES)
    assert emu.permissions_for(alice, room) & VIEW_CHANNEL
    assert not emu.permissions_for(campus.bob, room) & VIEW_CHANNEL
    welcome = emu.messages(room)[0]
    assert welcome.content == f"Welcome <@{alice.id}>"
    # discord.py's cache saw the CHANNEL_CREATE too
    cached = campus.bot.get_channel(room.id)
    assert cached is not None
    assert cached.overwrites_for(cached.guild.default_role).view_channel is False


async def test_private_thread_members_and_flags(campus):
    emu, guild = campus.emu, campus.guild
    r = await emu.slash(campus.alice, guild, "huddle", name="calc-help", partner=campus.bob)
    assert r.text.startswith("thread")
    (thread,) = emu.threads(guild)
    assert thread.type == ChannelType.PRIVATE_THREAD
    assert thread.invitable is False
    assert thread.archived is False
    assert set(thread.member_ids) == {emu.world.bot_user.id, campus.alice.id, campus.bob.id}
    assert [m.content for m in emu.messages(thread)] == ["Huddle started"]
    closed = await emu.slash(campus.bob, guild, "close", thread=thread)
    assert closed.text == "closed"
    assert thread.archived
    assert thread.locked
    # discord.py drops archived threads from its cache on THREAD_UPDATE
    await emu.wait_for(lambda: campus.bot.get_guild(guild.id).get_thread(thread.id) is None)


async def test_click_in_thread_and_dm(campus):
    emu = campus.emu
    await emu.slash(campus.alice, campus.guild, "huddle", name="t", partner=campus.bob)
    (thread,) = emu.threads(campus.guild)
    r = await emu.slash(campus.alice, campus.guild, "panel", in_channel=thread)
    assert r.message.channel_id == thread.id
    pong = await emu.click(campus.bob, r.message, label="Ping")
    assert pong.text == "pong from button"
    dm_panel = await emu.slash(campus.alice, None, "panel")
    assert dm_panel.message.channel_id == emu.dm_channel(campus.alice).id
    assert (
        await emu.click(campus.alice, dm_panel.message, label="Ping")
    ).text == "pong from button"
