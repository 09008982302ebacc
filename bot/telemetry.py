"""What the bot tells the operator: interaction counts and latency, HTTP errors, the gateway.

`BotTelemetry(metrics)` and `instrument(bot, telemetry)` wire it all through discord.py's
public hooks:
- an aiohttp `TraceConfig` on the client's HTTP session (`http_trace`) sees every request.
  The interaction callback (``POST /interactions/{id}/{token}/callback``) is always the
  first response, so its start, minus the interaction's snowflake time, is the
  acknowledgement latency, whichever of the many `interaction.response` calls made it.
  Every answer of 400 or more is counted by status and Discord's JSON error code.
- an ``on_interaction`` listener counts interactions by kind and name (the command path,
  or a component's custom_id up to its first id), never by id.
- a scrape hook reads each shard's heartbeat latency.
`gateway_check(bot)` is the readiness check: every shard this process runs is connected.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from types import SimpleNamespace
from typing import Any

import aiohttp
import discord
from discord.ext import commands

from bot.tree import TutorTree, command_path
from marketplace.health import Check
from marketplace.metrics import Metrics

DISCORD_EPOCH_MS = 1_420_070_400_000
_CALLBACK = re.compile(r"/interactions/(\d+)/[^/]+/callback$")
_REMEMBERED = 2048  # interaction ids kept to tell a retried callback from a first one
_NAME_PARTS = 2

_KINDS = {
    discord.InteractionType.application_command: "command",
    discord.InteractionType.autocomplete: "autocomplete",
    discord.InteractionType.modal_submit: "modal",
}


def snowflake_seconds(snowflake: int) -> float:
    """The Unix time (seconds) a Discord snowflake was made."""
    return ((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000


def custom_id_kind(custom_id: str) -> str:
    """A component's kind from its custom_id: the parts before the first one with a digit.

    ``booking:accept:12:34`` → ``booking:accept``; discord.py's random ids → ``view``.
    """
    kept: list[str] = []
    for part in custom_id.split(":")[:_NAME_PARTS]:
        if not part or any(char.isdigit() for char in part):
            break
        kept.append(part)
    return ":".join(kept) or "view"


def interaction_label(interaction: discord.Interaction) -> tuple[str, str]:
    """(kind, name) of an interaction: ("command", "tutor apply"), ("button", "review:leave")."""
    data: Any = interaction.data or {}
    kind = _KINDS.get(interaction.type)
    if kind in ("command", "autocomplete"):
        return kind or "", " ".join(command_path(interaction))
    name = custom_id_kind(str(data.get("custom_id", "")))
    if kind == "modal":
        return kind, name
    if interaction.type is discord.InteractionType.component:
        is_button = data.get("component_type") == discord.ComponentType.button.value
        return ("button" if is_button else "select"), name
    return interaction.type.name, ""


class BotTelemetry:
    """Records the bot's interactions, HTTP errors and gateway latency into `metrics`."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        # The last `_REMEMBERED` ids: in order, to forget the oldest, and as a set, to look
        # one up without scanning 2,048 of them for every callback.
        self._answered: deque[int] = deque()
        self._answered_set: set[int] = set()

    def trace_config(self) -> aiohttp.TraceConfig:
        """The aiohttp trace to give the client's HTTP session."""
        trace = aiohttp.TraceConfig()
        trace.on_request_start.append(self._request_started)
        trace.on_request_end.append(self._request_ended)
        return trace

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Count one received interaction."""
        self.metrics.interaction(*interaction_label(interaction))

    def interaction_failed(self, interaction: discord.Interaction, error: str) -> None:
        """Count an interaction that ended in `error` ("refused" or "failed")."""
        self.metrics.interaction_error(*interaction_label(interaction), error)

    def acknowledging(self, interaction_id: int, now: float | None = None) -> None:
        """The first response to `interaction_id` is being sent (retries are not counted)."""
        if interaction_id in self._answered_set:
            return
        if len(self._answered) >= _REMEMBERED:
            self._answered_set.discard(self._answered.popleft())
        self._answered.append(interaction_id)
        self._answered_set.add(interaction_id)
        sent = time.time() if now is None else now
        self.metrics.acknowledged(sent - snowflake_seconds(interaction_id))

    async def _request_started(
        self, _session: aiohttp.ClientSession, _ctx: SimpleNamespace, params: Any
    ) -> None:
        if params.method == "POST" and (found := _CALLBACK.search(params.url.path)):
            self.acknowledging(int(found[1]))

    async def _request_ended(
        self, _session: aiohttp.ClientSession, _ctx: SimpleNamespace, params: Any
    ) -> None:
        response: aiohttp.ClientResponse = params.response
        if response.status >= 400:
            self.metrics.discord_http_error(response.status, await _discord_code(response))


async def _discord_code(response: aiohttp.ClientResponse) -> int | str:
    """Discord's JSON error code; the body is read once and aiohttp keeps it for discord.py."""
    try:
        body = json.loads(await response.read())
    except (ValueError, aiohttp.ClientError):
        return 0
    code = body.get("code", 0) if isinstance(body, dict) else 0
    return code if isinstance(code, int | str) else 0


def shard_latencies(bot: discord.Client) -> list[tuple[int, float]]:
    """(shard id, heartbeat latency in seconds) for each shard this client runs."""
    if isinstance(bot, discord.AutoShardedClient):
        return bot.latencies
    return [(bot.shard_id or 0, bot.latency)]


def instrument(bot: commands.Bot | commands.AutoShardedBot, telemetry: BotTelemetry) -> None:
    """Count `bot`'s interactions and read its shards' latencies into `telemetry`'s metrics.

    The HTTP side (`telemetry.trace_config()`) is given to the client when it is made
    (discord.py's `http_trace` option), since its session is made at login.
    """
    metrics = telemetry.metrics
    bot.add_listener(telemetry.on_interaction, "on_interaction")
    if isinstance(bot.tree, TutorTree):
        bot.tree.telemetry = telemetry

    async def read_latencies() -> None:
        metrics.gateway_latencies(shard_latencies(bot))

    metrics.on_scrape("gateway_latency", read_latencies)


def gateway_check(bot: discord.Client) -> Check:
    """The readiness check: READY, and every shard this process runs connected."""

    async def check() -> str | None:
        if bot.is_closed():
            return "the client is closed"
        if not bot.is_ready():
            return "not connected (waiting for READY)"
        down = _closed_shards(bot)
        if down:
            return "shard " + ", ".join(map(str, down)) + " not connected"
        return None

    return check


def _closed_shards(bot: discord.Client) -> list[int]:
    if isinstance(bot, discord.AutoShardedClient):
        wanted = bot.shard_ids if bot.shard_ids is not None else range(bot.shard_count or 1)
        return [i for i in wanted if (shard := bot.get_shard(i)) is None or shard.is_closed()]
    ws: discord.gateway.DiscordWebSocket | None = bot.ws
    return [] if ws is not None and ws.open else [bot.shard_id or 0]
