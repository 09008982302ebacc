from __future__ import annotations

import time

import discord
import pytest

from discord_emulator import Emulator
from discord_emulator.testing import running_bot, running_emulator
from tests.emulator.sample_bot import SampleBot, build_campus


async def test_late_response_gets_10062():
    async with running_emulator(interaction_deadline=0.3) as emu:
        guild, alice, _, _ = await build_campus(emu)
        async with running_bot(emu, bot := SampleBot(), "tkn"):
            r = await emu.slash(alice, guild, "late")
            assert r.kind == "none"
            assert r.message is None
            record = await emu.wait_for_error(10062)
            assert record.status == 404
            assert record.route.endswith("/callback")
            await emu.wait_for(lambda: bool(bot.failures))
            assert isinstance(bot.failures[0], discord.NotFound)
            assert bot.failures[0].code == 10062
            assert r.error == 10062
            assert "This interaction failed" in emu.format_transcript()


async def test_double_acknowledgement_gets_40060(campus):
    r = await campus.emu.slash(campus.alice, campus.guild, "double")
    assert r.text == "first"
    await campus.emu.wait_for(lambda: bool(campus.bot.failures))
    exc = campus.bot.failures[0]
    assert exc.status == 400
    assert exc.code == 40060
    assert exc.text == "Interaction has already been acknowledged."


async def test_closed_dms_raise_forbidden_50007(campus):
    emu = campus.emu
    emu.close_dms(campus.bob)
    r = await emu.slash(campus.alice, campus.guild, "dm", user=campus.bob)
    assert r.text == "Cannot DM bob (50007)"
    exc = campus.bot.failures[0]
    assert isinstance(exc, discord.Forbidden)
    assert exc.code == 50007
    assert emu.dm_messages(campus.bob) == []
    emu.open_dms(campus.bob)
    await emu.slash(campus.alice, campus.guild, "dm", user=campus.bob)
    assert len(emu.dm_messages(campus.bob)) == 1


async def test_channel_cap_30013(campus):
    emu, guild = campus.emu, campus.guild
    emu.set_limits(guild, max_channels=len(emu.channels(guild)) + 1)
    ok = await emu.slash(campus.alice, guild, "room", name="room-1")
    assert ok.text.startswith("created")
    full = await emu.slash(campus.alice, guild, "room", name="room-2")
    assert full.text == "failed: 30013"
    assert (
        campus.bot.failures[0].text
        == f"Maximum number of guild channels reached ({len(emu.channels(guild))})"
    )


async def test_category_full_is_a_form_error_but_no_contract_violation(campus):
    emu, guild = campus.emu, campus.guild
    emu.set_limits(guild, max_channels_per_category=0)
    r = await emu.slash(campus.alice, guild, "room", name="room-1")
    assert emu.contract_violations == []  # a well-formed request Discord refuses for the state
    assert r.text == "failed: 50035"
    assert "parent_id" in campus.bot.failures[0].text or campus.bot.failures[0].code == 50035
    assert emu.errors[-1].body["errors"]["parent_id"]["_errors"][0]["code"] == (
        "CHANNEL_PARENT_MAX_CHANNELS"
    )


async def test_thread_cap_160006(campus):
    emu, guild = campus.emu, campus.guild
    emu.set_limits(guild, max_active_threads=1)
    ok = await emu.slash(campus.alice, guild, "huddle", name="h1", partner=campus.bob)
    assert ok.text.startswith("thread")
    full = await emu.slash(campus.alice, guild, "huddle", name="h2", partner=campus.bob)
    assert full.text == "failed: 160006"


@pytest.mark.parametrize(
    ("kind", "path"), [("content", ["content"]), ("embed", ["embeds", "0", "title"])]
)
async def test_oversized_output_gets_50035(campus, kind, path):
    campus.emu.interaction_deadline = 0.3  # the bot never manages to respond
    with campus.emu.expect_violations() as found:
        r = await campus.emu.slash(campus.alice, campus.guild, "big", kind=kind)
    assert [v.code for v in found] == [50035]
    assert r.kind == "none"
    exc = campus.bot.failures[0]
    assert exc.status == 400
    assert exc.code == 50035
    node = campus.emu.errors[0].body["errors"]["data"]
    for part in path:
        node = node[part]
    assert node["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"


async def test_429_is_retried_by_discord_py(campus):
    emu = campus.emu
    emu.rate_limit("POST", "/channels/{channel_id}/messages", retry_after=0.2, times=1)
    started = time.monotonic()
    r = await emu.slash(campus.alice, campus.guild, "announce", text="after a wait")
    assert r.text == "announced"
    assert time.monotonic() - started >= 0.2
    limited = [e for e in emu.errors if e.status == 429]
    assert len(limited) == 1
    assert limited[0].injected
    assert limited[0].body["retry_after"] == 0.2
    assert emu.unexpected_errors == []
    assert [
        m.content
        for m in emu.messages(emu.channel_named(campus.guild, "general"))
        if not m.ephemeral
    ] == ["after a wait"]


async def test_429_on_interaction_webhook_is_retried(campus):
    emu = campus.emu
    emu.rate_limit("POST", "/webhooks/{application_id}/{token}", retry_after=0.1, times=1)
    r = await emu.slash(campus.alice, campus.guild, "announce", text="x")
    assert r.text == "announced"
    assert len(emu.errors) == 1


async def test_unknown_route_is_404_and_recorded(campus):
    with pytest.raises(discord.NotFound):
        await campus.bot.http.request(discord.http.Route("GET", "/nope/{x}", x=1))
    assert emu_errors_routes(campus.emu) == ["UNKNOWN /api/v10/nope/1"]


def emu_errors_routes(emu: Emulator) -> list[str]:
    return [e.route for e in emu.errors]


async def test_missing_bot_permissions_50013(campus):
    emu, guild = campus.emu, campus.guild
    emu.set_bot_permissions(guild, 1 << 10 | 1 << 11)  # view + send only
    r = await emu.slash(campus.alice, guild, "room", name="nope")
    assert r.text == "failed: 50013"
    assert campus.bot.failures[0].text == "Missing Permissions"


async def test_gateway_drop_resumes_and_replays_missed_events(campus):
    emu, bot = campus.emu, campus.bot
    identifies = emu.hub.identify_count
    await emu.drop_gateway()
    carol = emu.add_user("carol")
    emu.add_member(campus.guild, carol)  # dispatched while the bot is away
    r = await emu.slash(campus.alice, campus.guild, "ping")
    assert r.text == "pong"
    assert emu.hub.identify_count == identifies
    assert emu.hub.resume_count == 1
    assert bot.get_guild(campus.guild.id).get_member(carol.id) is not None
