"""Gateway sharding with the real discord.py AutoShardedClient, in process and out of it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest

from discord_emulator import Emulator, Guild, User, shard_of
from discord_emulator.shards import (
    event_guild_id,
    recommended_shards,
    routes_to,
    snowflake_on_shard,
)
from discord_emulator.testing import running_bot
from tests.emulator.shard_bot import ShardBot

ROOT = Path(__file__).resolve().parents[2]
FOUR = {(i, 4) for i in range(4)}


def _campus(emu: Emulator, count: int) -> tuple[User, dict[int, Guild]]:
    emu.add_bot(token="tkn")
    alice = emu.add_user("alice")
    guilds = {i: emu.add_guild(f"Shard{i}", shard=(i, count)) for i in range(count)}
    for guild in guilds.values():
        emu.add_member(guild, alice)
    return alice, guilds


def _sent(emu: Emulator, shard: tuple[int, int], event: str) -> list[Any]:
    [session] = [s for s in emu.hub.sessions.values() if s.shard == shard]
    return [f["d"] for f in session.history if f["t"] == event]


def _assert_routed_by_shard(emu: Emulator) -> None:
    """Every event a sharded session got belongs to its shard (DMs and READY-like: shard 0)."""
    for session in emu.hub.sessions.values():
        assert session.shard is not None
        for frame in session.history:
            if frame["t"] in ("READY", "RESUMED"):
                continue
            guild_id = event_guild_id(frame["t"], frame["d"])
            assert routes_to(session.shard, guild_id), (session.shard, frame["t"], guild_id)


def test_shard_helpers() -> None:
    assert shard_of(81384788765712384, 17) == 7  # the example in serenity's docs
    assert [recommended_shards(n) for n in (0, 1, 1000, 1001, 2500)] == [1, 1, 1, 2, 3]
    for shard_id in range(5):
        made = snowflake_on_shard(123 << 22, shard_id, 5)
        assert made > 123 << 22
        assert shard_of(made, 5) == shard_id
    with pytest.raises(ValueError, match="shard_id"):
        snowflake_on_shard(0, 5, 5)


async def test_two_clients_each_get_only_their_guilds(emu: Emulator) -> None:
    alice, guilds = _campus(emu, 4)
    assert [shard_of(g.id, 4) for g in guilds.values()] == [0, 1, 2, 3]
    assert emu.guilds_on_shard(2, 4) == [guilds[2]]
    first = ShardBot("A", shard_ids=[0, 1], shard_count=4)
    second = ShardBot("B", shard_ids=[2, 3], shard_count=4)
    async with running_bot(emu, first, "tkn") as a, running_bot(emu, second, "tkn") as b:
        await emu.wait_for_shards(FOUR)
        assert emu.connected_shards() == FOUR
        await emu.wait_for_commands_synced()
        assert {g.id for g in a.guilds} == {guilds[0].id, guilds[1].id}
        assert {g.id for g in b.guilds} == {guilds[2].id, guilds[3].id}
        for shard in FOUR:
            [ready] = _sent(emu, shard, "READY")
            assert ready["shard"] == list(shard)
            assert [g["id"] for g in ready["guilds"]] == [str(guilds[shard[0]].id)]
            assert [g["id"] for g in _sent(emu, shard, "GUILD_CREATE")] == [
                str(guilds[shard[0]].id)
            ]

        for i, guild in guilds.items():
            r = await emu.slash(alice, guild, "where")
            assert r.text == f"{'A' if i < 2 else 'B'} shard {i}"
        assert a.interactions == [guilds[0].id, guilds[1].id]
        assert b.interactions == [guilds[2].id, guilds[3].id]

        # DMs, interactions and messages alike, go to shard 0 only
        dm = await emu.slash(alice, None, "where")
        assert dm.text == "A shard 0"
        await emu.post_message(alice, alice, "hello in a DM")
        await emu.post_message(alice, guilds[3], "hello on shard 3")
        await emu.wait_for(lambda: len(a.messages) == 1 and len(b.messages) == 1)
        assert [m.content for m in a.messages] == ["hello in a DM"]
        assert [(m.content, m.guild.id if m.guild else None) for m in b.messages] == [
            ("hello on shard 3", guilds[3].id)
        ]
        assert _sent(emu, (3, 4), "INTERACTION_CREATE")[0]["guild_id"] == str(guilds[3].id)
        assert not any(f.get("guild_id") is None for f in _sent(emu, (1, 4), "MESSAGE_CREATE"))

        dm_events = {
            shard: [f for f in _sent(emu, shard, "INTERACTION_CREATE") if "guild_id" not in f]
            for shard in sorted(FOUR)
        }
        assert [len(found) for found in dm_events.values()] == [1, 0, 0, 0]

        # a guild made while connected, its channels and voice reach only its shard
        late = emu.add_guild("Late", shard=(3, 4))
        await emu.wait_for(lambda: b.get_guild(late.id) is not None)
        assert a.get_guild(late.id) is None
        lounge = emu.add_voice_channel(guilds[2], "Lounge")
        emu.voice_join(alice, lounge)

        def in_voice() -> bool:
            channel = b.get_channel(lounge.id)
            return isinstance(channel, discord.VoiceChannel) and alice.id in channel.voice_states

        await emu.wait_for(in_voice)
        assert a.get_channel(lounge.id) is None
        assert [v["channel_id"] for v in _sent(emu, (2, 4), "VOICE_STATE_UPDATE")] == [
            str(lounge.id)
        ]
        _assert_routed_by_shard(emu)


async def test_identify_for_a_connected_shard_is_refused(emu: Emulator) -> None:
    alice, guilds = _campus(emu, 2)
    async with running_bot(emu, ShardBot("A", shard_ids=[0, 1], shard_count=2), "tkn"):
        await emu.wait_for_shards({(0, 2), (1, 2)})
        sessions = dict(emu.hub.sessions)
        with pytest.raises(discord.ConnectionClosed) as refused:
            async with running_bot(emu, ShardBot("C", shard_ids=[1], shard_count=2), "tkn"):
                pass
        assert refused.value.code == 4010
        assert await _identify_closes(emu, [1, 2]) == (
            4010,
            "Shard [1, 2] already has a connected session.",
        )
        assert emu.hub.refused_shards == [(4010, [1, 2])] * 2
        assert emu.hub.sessions == sessions  # the first process keeps its shards
        assert (await emu.slash(alice, guilds[1], "where")).text == "A shard 1"
    # cleanly closed: the shard is free for a new process
    assert emu.connected_shards() == set()
    async with running_bot(emu, ShardBot("C", shard_ids=[1], shard_count=2), "tkn"):
        await emu.wait_for_shards({(1, 2)})
        assert (await emu.slash(alice, guilds[1], "where")).text == "C shard 1"


async def test_duplicate_shards_allowed_when_switched_on(emu: Emulator) -> None:
    alice, guilds = _campus(emu, 1)
    emu.hub.allow_duplicate_shards = True  # what Discord itself allows
    async with (
        running_bot(emu, ShardBot("A", shard_ids=[0], shard_count=1), "tkn") as a,
        running_bot(emu, ShardBot("B", shard_ids=[0], shard_count=1), "tkn") as b,
    ):
        assert len([s for s in emu.hub.sessions.values() if s.live]) == 2
        await emu.post_message(alice, guilds[0], "to both")
        await emu.wait_for(lambda: len(a.messages) == len(b.messages) == 1)


async def test_shard_id_out_of_range_closes_4010(emu: Emulator) -> None:
    _campus(emu, 1)
    with pytest.raises(discord.ConnectionClosed) as refused:
        async with running_bot(emu, ShardBot("X", shard_ids=[4], shard_count=4), "tkn"):
            pass
    assert refused.value.code == 4010
    assert emu.hub.refused_shards == [(4010, [4, 4])]
    assert emu.hub.sessions == {}


async def _identify_closes(emu: Emulator, shard: Any) -> tuple[int | None, str]:
    async with aiohttp.ClientSession() as http, http.ws_connect(emu.gateway_url) as ws:
        hello = await ws.receive_json()
        assert hello["op"] == 10
        identify = {"token": "tkn", "intents": 1, "properties": {}, "shard": shard}
        await ws.send_json({"op": 2, "d": identify})
        msg = await ws.receive()
        assert msg.type is aiohttp.WSMsgType.CLOSE, msg
        return ws.close_code, str(msg.extra)


@pytest.mark.parametrize("shard", [[0, 0], [-1, 2], [2, 2], [1], [0, 1, 2], "0,1", [True, 2]])
async def test_malformed_shard_closes_4010(emu: Emulator, shard: Any) -> None:
    emu.add_bot(token="tkn")
    assert await _identify_closes(emu, shard) == (4010, "Invalid shard.")
    assert emu.hub.sessions == {}


async def test_too_many_guilds_on_a_shard_closes_4011(emu: Emulator) -> None:
    emu.add_bot(token="tkn")
    emu.hub.max_guilds_per_shard = 2  # Discord's is 2,500
    for i in range(3):
        emu.add_guild(f"G{i}", shard=(0, 2))
    emu.add_guild("Other", shard=(1, 2))
    assert await _identify_closes(emu, [0, 2]) == (4011, "Sharding required.")
    assert await _identify_closes(emu, None) == (4011, "Sharding required.")
    assert await _identify_closes(emu, [0, 1]) == (4011, "Sharding required.")
    assert emu.hub.sessions == {}
    async with running_bot(emu, ShardBot("B", shard_ids=[1], shard_count=2), "tkn"):
        await emu.wait_for_shards({(1, 2)})  # one guild on that shard: fine


async def test_auto_sharded_client_uses_the_gateway_bot_recommendation(emu: Emulator) -> None:
    alice, guilds = _campus(emu, 3)
    emu.hub.guilds_per_recommended_shard = 1  # Discord recommends one shard per 1,000
    async with running_bot(emu, ShardBot("auto"), "tkn") as bot:
        await emu.wait_for_shards({(0, 3), (1, 3), (2, 3)})
        assert bot.shard_count == 3
        assert emu.connected_shards() == {(0, 3), (1, 3), (2, 3)}
        assert {g.id for g in bot.guilds} == {g.id for g in guilds.values()}
        assert bot.get_guild(guilds[2].id).shard_id == 2
        await emu.wait_for_commands_synced()
        assert (await emu.slash(alice, guilds[1], "where")).text == "auto shard 1"
        limits = await bot.fetch_session_start_limits()
        assert (limits.total, limits.remaining, limits.max_concurrency) == (1000, 997, 1)
        assert 0 < limits.reset_after <= 24 * 3600 * 1000


async def test_dropped_shard_resumes_and_gets_missed_events(emu: Emulator) -> None:
    alice, guilds = _campus(emu, 2)
    async with running_bot(emu, ShardBot("A", shard_ids=[0, 1], shard_count=2), "tkn") as bot:
        await emu.wait_for_shards({(0, 2), (1, 2)})
        [kept] = [s for s in emu.hub.sessions.values() if s.shard == (0, 2)]
        kept_connection = kept.connection
        await emu.drop_gateway(shards={(1, 2)})
        assert (1, 2) not in emu.hub.ready_shards()
        missed = await emu.post_message(alice, guilds[1], "sent while shard 1 was away")
        await emu.wait_for_shards({(1, 2)})
        await emu.wait_for(lambda: any(m.id == missed.id for m in bot.messages))
        assert (emu.hub.identify_count, emu.hub.resume_count) == (2, 1)
        assert kept.connection is kept_connection  # shard 0 never noticed
        [resume] = [f for f in emu.hub.received if f.get("op") == 6]
        [frame] = [
            f
            for f in emu.hub.sessions[resume["d"]["session_id"]].history
            if f["t"] == "MESSAGE_CREATE"
        ]
        assert frame["s"] > resume["d"]["seq"]  # replayed, not seen live
        assert (await emu.slash(alice, guilds[1], "where")).text == "A shard 1"
        _assert_routed_by_shard(emu)


async def test_rest_reads_follow_the_newest_connected_session(emu: Emulator) -> None:
    alice, guilds = _campus(emu, 2)
    general = emu.channel_named(guilds[0], "general")
    posted = await emu.post_message(alice, general, "readable with MESSAGE_CONTENT")

    async def read(bot: ShardBot) -> str:
        channel = bot.get_channel(general.id)
        assert isinstance(channel, discord.TextChannel)
        return (await channel.fetch_message(posted.id)).content

    async with running_bot(emu, ShardBot("A", shard_ids=[0], shard_count=2), "tkn") as a:
        await emu.wait_for_shards({(0, 2)})
        assert await read(a) == "readable with MESSAGE_CONTENT"
        blind = ShardBot("B", shard_ids=[1], shard_count=2, message_content=False)
        async with running_bot(emu, blind, "tkn"):
            await emu.wait_for_shards({(0, 2), (1, 2)})
            assert await read(a) == ""  # the newest session asked for no MESSAGE_CONTENT
        await emu.wait_for(lambda: emu.connected_shards() == {(0, 2)})
        assert await read(a) == "readable with MESSAGE_CONTENT"


# ---- bot processes ----
@contextlib.asynccontextmanager
async def _processes(emu: Emulator, tmp_path: Path) -> AsyncIterator[Any]:
    started: list[asyncio.subprocess.Process] = []
    logs: list[Path] = []

    async def start(label: str, count: int, *shard_ids: int) -> asyncio.subprocess.Process:
        log = tmp_path / f"{label}.log"
        logs.append(log)
        args = [emu.api_base, emu.gateway_url, "tkn", label, str(count), *map(str, shard_ids)]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with log.open("wb") as out:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.emulator.shard_bot", *args,
                cwd=ROOT, env=env, stdout=out, stderr=out,
            )  # fmt: skip
        started.append(proc)
        return proc

    try:
        yield start
    except BaseException as exc:
        for log in logs:
            exc.add_note(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")
        raise
    finally:
        for proc in started:
            if proc.returncode is None:
                proc.kill()
            await proc.wait()


async def test_bot_processes_share_the_emulator_one_per_shard_set(
    emu: Emulator, tmp_path: Path
) -> None:
    assert emu.port > 0
    assert emu.base_url == f"http://127.0.0.1:{emu.port}"
    assert emu.api_base == f"{emu.base_url}/api/v10"
    assert emu.gateway_url == f"ws://127.0.0.1:{emu.port}/gateway"
    alice, guilds = _campus(emu, 4)
    async with _processes(emu, tmp_path) as start:
        first = await start("A", 4, 0, 1)
        await start("B", 4, 2, 3)
        await emu.wait_for_shards(FOUR, timeout=90)
        await emu.wait_for_commands_synced(timeout=30)
        for i, guild in guilds.items():
            r = await emu.slash(alice, guild, "where")
            assert r.text == f"{'A' if i < 2 else 'B'} shard {i}"
        assert (await emu.slash(alice, None, "where")).text == "A shard 0"

        # the first process dies without closing: a new one may take its shards over
        first.send_signal(signal.SIGKILL)
        await first.wait()
        await emu.wait_for(lambda: emu.connected_shards() == {(2, 4), (3, 4)}, timeout=10)
        await start("A2", 4, 0, 1)
        await emu.wait_for_shards(FOUR, timeout=90)
        assert (await emu.slash(alice, guilds[0], "where")).text == "A2 shard 0"
        assert (await emu.slash(alice, guilds[3], "where")).text == "B shard 3"
        assert emu.hub.refused_shards == []
