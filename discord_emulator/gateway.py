"""Gateway v10 (JSON, uncompressed) for the real discord.py client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from discord_emulator import payloads
from discord_emulator.ids import new_token

if TYPE_CHECKING:
    from discord_emulator.core import EmulatorCore

log = logging.getLogger(__name__)
JSON = dict[str, Any]

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11
HEARTBEAT_INTERVAL_MS = 41_250

Frame = JSON | Callable[[], None]


@dataclass
class GatewaySession:
    ws: web.WebSocketResponse
    session_id: str = field(default_factory=lambda: new_token("session"))
    seq: int = 0
    identified: bool = False
    intents: int = 0
    queue: asyncio.Queue[Frame | None] = field(default_factory=asyncio.Queue)

    def send(self, op: int, d: Any, t: str | None = None) -> None:
        frame: JSON = {"op": op, "d": d, "s": None, "t": t}
        self.queue.put_nowait(frame)

    def dispatch(self, t: str, d: Any) -> None:
        self.queue.put_nowait({"op": DISPATCH, "d": d, "t": t})

    def call_when_flushed(self, fn: Callable[[], None]) -> None:
        self.queue.put_nowait(fn)

    async def writer(self) -> None:
        while True:
            frame = await self.queue.get()
            if frame is None:
                return
            if callable(frame):
                frame()
                continue
            if frame["op"] == DISPATCH:
                self.seq += 1
                frame["s"] = self.seq
            if self.ws.closed:
                continue
            try:
                await self.ws.send_str(json.dumps(frame))
            except (ConnectionError, RuntimeError):  # peer went away mid-write
                log.debug("gateway write failed; dropping frame %s", frame.get("t"))


class GatewayHub:
    """Accepts bot connections and fans dispatch events out to identified sessions."""

    def __init__(self, core: EmulatorCore) -> None:
        self.core = core
        self.sessions: list[GatewaySession] = []
        self.ready = asyncio.Event()
        self.identify_count = 0
        self.received: list[JSON] = []

    @property
    def connected(self) -> bool:
        return any(s.identified and not s.ws.closed for s in self.sessions)

    def dispatch(self, event: str, data: Any) -> None:
        for session in self.sessions:
            if session.identified:
                session.dispatch(event, data)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        session = GatewaySession(ws)
        self.sessions.append(session)
        writer = asyncio.create_task(session.writer())
        session.send(HELLO, {"heartbeat_interval": HEARTBEAT_INTERVAL_MS})
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_frame(session, json.loads(msg.data))
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            session.identified = False
            if session in self.sessions:
                self.sessions.remove(session)
            if not self.connected:
                self.ready.clear()
            session.queue.put_nowait(None)
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        return ws

    async def _on_frame(self, session: GatewaySession, frame: JSON) -> None:
        op = frame.get("op")
        data = frame.get("d")
        self.received.append(frame)
        if op == HEARTBEAT:
            session.send(HEARTBEAT_ACK, None)
        elif op == IDENTIFY:
            await self._identify(session, data or {})
        elif op == RESUME:
            # Sessions are not resumable here; discord.py then re-identifies.
            session.send(INVALID_SESSION, False)
        elif op == REQUEST_MEMBERS:
            self._members_chunk(session, data or {})
        elif op in (PRESENCE, VOICE_STATE):
            return
        else:
            log.debug("ignoring gateway op %s", op)

    async def _identify(self, session: GatewaySession, data: JSON) -> None:
        bot = self.core.world.bot
        if bot is None or data.get("token") != bot.token:
            await session.ws.close(code=4004, message=b"Authentication failed.")
            return
        self.identify_count += 1
        session.identified = True
        session.intents = int(data.get("intents", 0))
        world = self.core.world
        ready: JSON = {
            "v": 10,
            "user": payloads.user(bot.user),
            "guilds": [{"id": str(g), "unavailable": True} for g in world.guilds],
            "session_id": session.session_id,
            "resume_gateway_url": self.core.gateway_url,
            "application": {"id": str(bot.application_id), "flags": bot.flags},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        session.dispatch("READY", ready)
        for guild in world.guilds.values():
            session.dispatch("GUILD_CREATE", payloads.guild_create(world, guild))
        session.call_when_flushed(self.ready.set)

    def _members_chunk(self, session: GatewaySession, data: JSON) -> None:
        world = self.core.world
        guild_ids = data.get("guild_id")
        ids = guild_ids if isinstance(guild_ids, list) else [guild_ids]
        for raw in ids:
            gid = int(raw)
            if gid not in world.guilds:
                continue
            query = str(data.get("query") or "").lower()
            members = [
                payloads.member(world, m)
                for m in world.guild_members(gid)
                if world.users[m.user_id].name.lower().startswith(query)
            ]
            chunk: JSON = {
                "guild_id": str(gid),
                "members": members,
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
            }
            if data.get("nonce") is not None:
                chunk["nonce"] = data["nonce"]
            session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    async def close(self) -> None:
        for session in list(self.sessions):
            with contextlib.suppress(Exception):
                await session.ws.close(code=1001)
