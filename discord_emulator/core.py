"""Shared state and services used by the REST routes, the gateway and the harness."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from discord_emulator import render
from discord_emulator.gateway import GatewayHub
from discord_emulator.interactions import InteractionRegistry
from discord_emulator.models import Channel, ErrorRecord, TranscriptEntry, User
from discord_emulator.ratelimit import RateLimitRules
from discord_emulator.world import World

log = logging.getLogger("discord_emulator")
JSON = dict[str, Any]


class EmulatorCore:
    """State every part of the emulator shares; the public harness extends it."""

    def __init__(self, *, interaction_deadline: float = 3.0, host: str = "127.0.0.1") -> None:
        self.interaction_deadline = interaction_deadline
        self.deferred_wait = 10.0
        # Show "(thinking…)" acknowledgements in the transcript (off: only the answers).
        self.transcript_deferrals = False
        self.enforce_permissions = True
        # Guild admins can override command permissions in Discord, so by default any member
        # may run any command; set True to refuse commands the client would hide.
        self.enforce_command_permissions = False
        self.host = host
        self.port = 0
        self.world = World()
        self.hub = GatewayHub(self)
        self.interactions = InteractionRegistry()
        self.rate_limits = RateLimitRules()
        self.transcript: list[TranscriptEntry] = []
        self.errors: list[ErrorRecord] = []
        # Requests Discord would refuse as malformed (its OpenAPI schemas and documented
        # limits): the bot's bugs. Tests and the demo fail on any (see contract_requests).
        self.contract_violations: list[ErrorRecord] = []
        # What the emulator itself sent that Discord's response schemas reject: emulator
        # bugs (see contract_responses).
        self.emulator_faults: list[str] = []
        # Check every payload the emulator sends, not only a sample per kind (`sampling`).
        self.check_every_payload = False
        self.requests: list[tuple[str, str]] = []
        self._changed = asyncio.Event()
        self._commands_synced: dict[int | None, asyncio.Event] = {}
        self.in_flight: set[int] = set()

    # ---- addresses ----
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    # ---- change notification ----
    def notify(self) -> None:
        """Wake everything waiting for a change in the world."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_changed(self, within: float) -> bool:
        try:
            await asyncio.wait_for(self._changed.wait(), within)
        except TimeoutError:
            return False
        return True

    def commands_synced_event(self, guild_id: int | None) -> asyncio.Event:
        return self._commands_synced.setdefault(guild_id, asyncio.Event())

    # ---- gateway ----
    def dispatch(self, event: str, data: Any) -> None:
        self.hub.dispatch(event, data)

    # ---- errors and transcript ----
    def record_error(self, record: ErrorRecord) -> None:
        self.errors.append(record)
        if record.status != 429:
            log.info(
                "emulator returned %s %s on %s %s",
                record.status,
                record.code,
                record.method,
                record.path,
            )
        self.say(
            "⚠",
            f"{record.code or record.status} {record.message} ({record.method} {record.route})",
            kind="error",
        )
        self.notify()

    def attribute_error(self, record: ErrorRecord, token: str | None) -> None:
        """Attach an error code to its interaction (or to every interaction in flight)."""
        pending = self.interactions.by_token.get(token) if token else None
        targets = [pending] if pending else [self.interactions.by_id[i] for i in self.in_flight]
        for target in targets:
            target.errors.append(record.code or record.status)
            target.touch()

    def say(
        self,
        who: str,
        action: str,
        text: str = "",
        *,
        where: str = "",
        kind: str = "bot",
        ephemeral: bool = False,
    ) -> None:
        self.transcript.append(
            TranscriptEntry(
                who=who, action=action, text=text, where=where, kind=kind, ephemeral=ephemeral
            )
        )

    def say_system(self, text: str, *, kind: str = "system") -> None:
        self.say("⚙" if kind == "system" else "⚠", text, kind=kind)

    def bot_name(self) -> str:
        bot = self.world.bot
        return bot.user.display_name if bot else "bot"

    def where(self, channel: Channel | int | None) -> str:
        if channel is None:
            return ""
        if isinstance(channel, int):
            found = self.world.channels.get(channel)
            if found is None:
                return ""
            channel = found
        if channel.is_dm and channel.recipient_id is not None:
            return f"[DM {self.world.users[channel.recipient_id].name}]"
        return f"[#{channel.name}]"

    def format_transcript(self) -> str:
        return render.format_transcript(self.transcript)

    def user_label(self, user: User) -> str:
        return user.name
