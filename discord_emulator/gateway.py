"""Gateway v10 (JSON, uncompressed) for the real discord.py client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from discord_emulator import contract_dispatches, intents, payloads, sampling
from discord_emulator.ids import new_token

if TYPE_CHECKING:
    from discord_emulator.core import EmulatorCore

log = logging.getLogger(__name__)
JSON = dict[str, Any]

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11
HEARTBEAT_INTERVAL_MS = 41_250
HISTORY = 2000

Frame = JSON | Callable[[], None]


@dataclass
class Connection:
    """One WebSocket; frames go through a queue so sync code can dispatch in order."""

    ws: web.WebSocketResponse
    queue: asyncio.Queue[Frame | None] = field(default_factory=asyncio.Queue)
    session: GatewaySession | None = None
    dropped: bool = False

    def send(self, op: int, d: Any) -> None:
        self.queue.put_nowait({"op": op, "d": d, "s": None, "t": None})

    async def writer(self) -> None:
        while True:
            frame = await self.queue.get()
            if frame is None:
                return
            if callable(frame):
                frame()
                continue
            if self.ws.closed:
                continue
            try:
                await self.ws.send_str(json.dumps(frame))
            except (ConnectionError, RuntimeError):  # peer went away mid-write
                log.debug("gateway write failed; dropping frame %s", frame.get("t"))


@dataclass
class GatewaySession:
    """A gateway session; it survives disconnects so the client can RESUME it."""

    session_id: str = field(default_factory=lambda: new_token("session"))
    seq: int = 0
    intents: int = 0
    history: deque[JSON] = field(default_factory=lambda: deque(maxlen=HISTORY))
    connection: Connection | None = None

    def dispatch(self, t: str, d: Any) -> None:
        self.seq += 1
        frame: JSON = {"op": DISPATCH, "d": d, "s": self.seq, "t": t}
        self.history.append(frame)
        if self.connection is not None:
            self.connection.queue.put_nowait(frame)

    def replay_after(self, seq: int) -> None:
        if self.connection is not None:
            for frame in self.history:
                if frame["s"] > seq:
                    self.connection.queue.put_nowait(frame)

    def call_when_flushed(self, fn: Callable[[], None]) -> None:
        if self.connection is not None:
            self.connection.queue.put_nowait(fn)


class GatewayHub:
    """Accepts bot connections and fans dispatch events out to identified sessions."""

    def __init__(self, core: EmulatorCore) -> None:
        self.core = core
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: list[Connection] = []
        self.ready = asyncio.Event()
        self.identify_count = 0
        self.resume_count = 0
        self.received: list[JSON] = []
        self.refused: list[tuple[int, Any]] = []  # (close code, intents) of refused IDENTIFYs

    @property
    def connected(self) -> bool:
        return any(c.session is not None and not c.ws.closed for c in self.connections)

    @property
    def intents(self) -> int:
        """The intents of the newest session (what REST message reads are shaped by)."""
        newest = list(self.sessions.values())[-1:]
        wanted = newest[0].intents if newest else intents.ALL
        bot = self.core.world.bot
        if bot is None:
            return wanted
        # REST reads also follow the portal switch (a privileged intent switched off since)
        return wanted & ~intents.disallowed_mask(bot.privileged_intents)

    def dispatch(self, event: str, data: Any) -> None:
        """Send to every session, attached or not (detached ones replay on RESUME)."""
        for session in self.sessions.values():
            self.deliver(session, event, data)

    def deliver(self, session: GatewaySession, event: str, data: Any) -> None:
        """Dispatch `data` as this session's intents let it see it, checked against the spec."""
        bot = self.core.world.bot
        shaped = intents.shape(event, data, session.intents, bot.user.id if bot else None)
        if shaped is None:
            return
        if sampling.wants_check(event, check_every_payload=self.core.check_every_payload):
            self.core.emulator_faults.extend(contract_dispatches.dispatch_faults(event, shaped))
        session.dispatch(event, shaped)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws)
        self.connections.append(conn)
        writer = asyncio.create_task(conn.writer())
        conn.send(HELLO, {"heartbeat_interval": HEARTBEAT_INTERVAL_MS})
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_frame(conn, json.loads(msg.data))
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            self.connections.remove(conn)
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
                if not conn.dropped and ws.close_code in (1000, 1001):
                    # the client closed cleanly: Discord ends the session
                    self.sessions.pop(conn.session.session_id, None)
            if not self.connected:
                self.ready.clear()
            conn.queue.put_nowait(None)
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        return ws

    async def _on_frame(self, conn: Connection, frame: JSON) -> None:
        op = frame.get("op")
        data = frame.get("d")
        self.received.append(frame)
        if op == HEARTBEAT:
            conn.send(HEARTBEAT_ACK, None)
        elif op == IDENTIFY:
            await self._identify(conn, data or {})
        elif op == RESUME:
            self._resume(conn, data or {})
        elif op == REQUEST_MEMBERS and conn.session is not None:
            self._members_chunk(conn.session, data or {})
        elif op not in (PRESENCE, VOICE_STATE):
            log.debug("ignoring gateway op %s", op)

    def _resume(self, conn: Connection, data: JSON) -> None:
        bot = self.core.world.bot
        session = self.sessions.get(str(data.get("session_id")))
        if bot is None or data.get("token") != bot.token or session is None:
            conn.send(INVALID_SESSION, False)
            return
        self.resume_count += 1
        if session.connection is not None and session.connection is not conn:
            session.connection.session = None
        session.connection = conn
        conn.session = session
        session.replay_after(int(data.get("seq") or 0))
        self.deliver(session, "RESUMED", {})
        session.call_when_flushed(self.ready.set)

    async def _identify(self, conn: Connection, data: JSON) -> None:
        bot = self.core.world.bot
        if bot is None or data.get("token") != bot.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        refused = intents.refusal(data.get("intents"), bot.privileged_intents)
        if refused is not None:
            code, reason = refused
            log.info("IDENTIFY refused with %s %s (intents %r)", code, reason, data.get("intents"))
            self.refused.append((code, data.get("intents")))
            await conn.ws.close(code=code, message=reason.encode())
            return
        self.identify_count += 1
        session = GatewaySession(intents=int(data["intents"]), connection=conn)
        conn.session = session
        self.sessions[session.session_id] = session
        world = self.core.world
        ready: JSON = {
            "v": 10,
            "user": payloads.user(bot.user),
            "guilds": [{"id": str(g), "unavailable": True} for g in world.guilds],
            "session_id": session.session_id,
            "resume_gateway_url": self.core.gateway_url,
            "application": {"id": str(bot.application_id), "flags": world.application_flags()},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        self.deliver(session, "READY", ready)
        for guild in world.guilds.values():
            self.deliver(session, "GUILD_CREATE", payloads.guild_create(world, guild))
        session.call_when_flushed(self.ready.set)

    def _members_chunk(self, session: GatewaySession, data: JSON) -> None:
        """Answer REQUEST_GUILD_MEMBERS: by user_ids or by name prefix, as Discord allows.

        The whole list (query "" with limit 0) needs GUILD_MEMBERS; without it Discord
        answers nothing, and neither does the emulator.
        """
        world = self.core.world
        guild_ids = data.get("guild_id")
        ids = guild_ids if isinstance(guild_ids, list) else [guild_ids]
        user_ids = data.get("user_ids")
        query = data.get("query")
        limit = int(data.get("limit") or 0)
        whole_list = user_ids is None and not query and limit == 0
        if whole_list and not intents.has(session.intents, intents.GUILD_MEMBERS):
            log.info("REQUEST_GUILD_MEMBERS for the whole list without GUILD_MEMBERS")
            return
        for raw in ids:
            gid = int(str(raw))
            if gid in world.guilds:
                self.deliver(session, "GUILD_MEMBERS_CHUNK", self._chunk(gid, data))

    def _chunk(self, gid: int, data: JSON) -> JSON:
        world = self.core.world
        raw_ids = data.get("user_ids")
        wanted = None
        if raw_ids is not None:
            wanted = {int(str(u)) for u in (raw_ids if isinstance(raw_ids, list) else [raw_ids])}
        query = str(data.get("query") or "").lower()
        limit = int(data.get("limit") or 0) or (100 if query or wanted is not None else 0)
        found = [
            m
            for m in world.guild_members(gid)
            if (wanted is None or m.user_id in wanted)
            and _name_matches(world.users[m.user_id].name, m.nick, query)
        ]
        if limit:
            found = found[:limit]
        seen = {m.user_id for m in found}
        chunk: JSON = {
            "guild_id": str(gid),
            "members": [payloads.member(world, m) for m in found],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [str(u) for u in sorted(wanted or set()) if u not in seen],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        return chunk

    async def drop(self, code: int = 4000, *, invalidate: bool = False) -> None:
        """Close every bot connection with `code`; discord.py reconnects and RESUMEs.

        With `invalidate` the sessions are forgotten first, so the RESUME is refused
        (INVALID_SESSION) and the client re-identifies (discord.py waits 5 s before that).
        """
        self.ready.clear()
        if invalidate:
            self.sessions.clear()
        for conn in list(self.connections):
            conn.dropped = True
            with contextlib.suppress(Exception):
                await conn.ws.close(code=code)

    async def close(self) -> None:
        for conn in list(self.connections):
            with contextlib.suppress(Exception):
                await conn.ws.close(code=1001)


def _name_matches(username: str, nick: str | None, query: str) -> bool:
    """Discord matches a query as a prefix of the username or the nickname."""
    return username.lower().startswith(query) or (nick or "").lower().startswith(query)
