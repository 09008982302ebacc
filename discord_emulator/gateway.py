"""Gateway v10 (JSON, uncompressed) for the real discord.py client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from discord_emulator import contract_dispatches, intents, payloads, sampling, shards
from discord_emulator.ids import new_token

if TYPE_CHECKING:
    from discord_emulator.core import EmulatorCore

log = logging.getLogger(__name__)
JSON = dict[str, Any]

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11
HEARTBEAT_INTERVAL_MS = 41_250
HISTORY = 2000
SESSION_START_RESET_MS = 24 * 60 * 60 * 1000

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
    shard: shards.Shard | None = None  # as identified; None: the session gets every event
    ready: bool = False  # READY (or RESUMED) and what came before it have been written

    @property
    def live(self) -> bool:
        """Attached to a connection that is still open."""
        return self.connection is not None and not self.connection.ws.closed

    def sees(self, guild_id: int | None) -> bool:
        """Whether this session gets the events of `guild_id` (None: a DM)."""
        return shards.routes_to(self.shard, guild_id)

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
        self.refused_shards: list[tuple[int, Any]] = []  # (close code, `shard` as sent)
        # Sharding rules (shards.py); lower them in a test instead of making 2,500 guilds.
        self.max_guilds_per_shard = shards.MAX_GUILDS_PER_SHARD
        self.guilds_per_recommended_shard = shards.GUILDS_PER_RECOMMENDED_SHARD
        # Discord lets several sessions share one [shard_id, num_shards]; the emulator
        # refuses a second live one (4010) unless this is True. See the README.
        self.allow_duplicate_shards = False
        self.session_start_total = 1000
        self.max_concurrency = 1
        self._first_identify: float | None = None

    @property
    def connected(self) -> bool:
        return any(c.session is not None and not c.ws.closed for c in self.connections)

    def connected_shards(self) -> set[shards.Shard]:
        """The ``(shard_id, num_shards)`` of every live session that identified with one."""
        return {s.shard for s in self.sessions.values() if s.shard is not None and s.live}

    def ready_shards(self) -> set[shards.Shard]:
        """Connected shards whose READY (or RESUMED) has been written to the bot."""
        return {
            s.shard for s in self.sessions.values() if s.shard is not None and s.live and s.ready
        }

    async def wait_for_shards(
        self,
        wanted: Iterable[shards.Shard],
        timeout: float = 10.0,  # noqa: ASYNC109 - public harness API
    ) -> None:
        """Wait until every shard in `wanted` is connected and READY (or RESUMED)."""
        want = {(int(a), int(b)) for a, b in wanted}
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not want <= self.ready_shards():
            remaining = end - loop.time()
            if remaining <= 0:
                missing = sorted(want - self.ready_shards())
                raise TimeoutError(f"shards {missing} not ready within {timeout}s")
            await self.core.wait_changed(min(remaining, 0.25))

    def routed(self, guild_id: int | None) -> bool:
        """Whether some live, ready session gets the events of `guild_id` (None: DMs)."""
        return any(s.live and s.ready and s.sees(guild_id) for s in self.sessions.values())

    def session_start_limit(self) -> JSON:
        """``session_start_limit`` of GET /gateway/bot: IDENTIFYs left in the 24 h window."""
        reset_after = 0
        if self._first_identify is not None:
            elapsed_ms = int((time.monotonic() - self._first_identify) * 1000)
            reset_after = max(0, SESSION_START_RESET_MS - elapsed_ms)
        return {
            "total": self.session_start_total,
            "remaining": max(0, self.session_start_total - self.identify_count),
            "reset_after": reset_after,
            "max_concurrency": self.max_concurrency,
        }

    @property
    def intents(self) -> int:
        """The intents REST message reads are shaped by: the newest live session's.

        With several sessions (one per shard) that is the one that identified last; when
        none is connected, the newest detached one; with none at all, every intent.
        """
        ordered = list(self.sessions.values())
        live = [s for s in ordered if s.live]
        newest = (live or ordered)[-1:]
        wanted = newest[0].intents if newest else intents.ALL
        bot = self.core.world.bot
        if bot is None:
            return wanted
        # REST reads also follow the portal switch (a privileged intent switched off since)
        return wanted & ~intents.disallowed_mask(bot.privileged_intents)

    def dispatch(self, event: str, data: Any) -> None:
        """Send to every session that gets this event's guild, attached or not.

        Detached sessions keep it and replay it on RESUME. A sharded session only gets
        the guilds of its shard, and DMs only on shard 0 (`shards.routes_to`).
        """
        guild_id = shards.event_guild_id(event, data)
        for session in list(self.sessions.values()):
            if session.sees(guild_id):
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
                conn.session.ready = False
                if not conn.dropped and ws.close_code in (1000, 1001):
                    # the client closed cleanly: Discord ends the session
                    self.sessions.pop(conn.session.session_id, None)
            if not self.connected:
                self.ready.clear()
            self.core.notify()
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
        session.ready = False
        conn.session = session
        session.replay_after(int(data.get("seq") or 0))
        self.deliver(session, "RESUMED", {})
        session.call_when_flushed(lambda: self._mark_ready(session))

    def _mark_ready(self, session: GatewaySession) -> None:
        session.ready = session.live
        self.ready.set()
        self.core.notify()

    def _shard_refusal(self, raw: Any) -> tuple[int, str] | None:
        """Why an IDENTIFY's `shard` is refused (close code and reason), or None."""
        try:
            shard = shards.parse(raw)
        except ValueError:
            return shards.INVALID_SHARD, "Invalid shard."
        on_shard = sum(1 for g in self.core.world.guilds if shards.routes_to(shard, g))
        if on_shard > self.max_guilds_per_shard:
            return shards.SHARDING_REQUIRED, "Sharding required."
        if (
            shard is not None
            and not self.allow_duplicate_shards
            and shard in self.connected_shards()
        ):
            return shards.INVALID_SHARD, f"Shard {list(shard)} already has a connected session."
        return None

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
        shard_refused = self._shard_refusal(data.get("shard"))
        if shard_refused is not None:
            code, reason = shard_refused
            log.info("IDENTIFY refused with %s %s (shard %r)", code, reason, data.get("shard"))
            self.refused.append((code, data.get("intents")))
            self.refused_shards.append((code, data.get("shard")))
            await conn.ws.close(code=code, message=reason.encode())
            return
        self.identify_count += 1
        if self._first_identify is None:
            self._first_identify = time.monotonic()
        shard = shards.parse(data.get("shard"))
        if shard is not None and not self.allow_duplicate_shards:
            # a new process took the shard over: the old one's detached session is gone
            for old in [s for s in self.sessions.values() if s.shard == shard]:
                self.sessions.pop(old.session_id, None)
        session = GatewaySession(intents=int(data["intents"]), connection=conn, shard=shard)
        conn.session = session
        self.sessions[session.session_id] = session
        world = self.core.world
        guild_ids = [g for g in world.guilds if session.sees(g)]
        ready: JSON = {
            "v": 10,
            "user": payloads.user(bot.user),
            "guilds": [{"id": str(g), "unavailable": True} for g in guild_ids],
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
        if shard is not None:
            ready["shard"] = list(shard)
        self.deliver(session, "READY", ready)
        for gid in guild_ids:
            self.deliver(session, "GUILD_CREATE", payloads.guild_create(world, world.guilds[gid]))
        session.call_when_flushed(lambda: self._mark_ready(session))

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
            if gid in world.guilds and session.sees(gid):
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

    async def drop(
        self,
        code: int = 4000,
        *,
        invalidate: bool = False,
        only: Iterable[shards.Shard] | None = None,
    ) -> None:
        """Close bot connections with `code`; discord.py reconnects and RESUMEs.

        With `invalidate` the sessions are forgotten first, so the RESUME is refused
        (INVALID_SESSION) and the client re-identifies (discord.py waits 5 s before that).
        `only` limits it to the sessions of those ``(shard_id, num_shards)``.
        """
        wanted = None if only is None else {(int(a), int(b)) for a, b in only}

        def hit(session: GatewaySession | None) -> bool:
            return wanted is None or (session is not None and session.shard in wanted)

        for session in list(self.sessions.values()):
            if hit(session):
                session.ready = False
                if invalidate:
                    self.sessions.pop(session.session_id, None)
        if not any(s.ready for s in self.sessions.values()):
            self.ready.clear()
        for conn in [c for c in self.connections if hit(c.session)]:
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
