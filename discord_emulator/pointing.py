"""Point discord.py's class-level endpoints at an emulator (or back at Discord)."""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg/"


def point_discord_py_at(api_base: str, gateway_url: str) -> None:
    """Set ``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY``; safe to call repeatedly.

    ``api_base`` is the full REST base including the version, e.g.
    ``http://127.0.0.1:8080/api/v10``; ``gateway_url`` is the WebSocket URL, e.g.
    ``ws://127.0.0.1:8080/gateway``.  Interaction webhooks use the same ``Route`` class, so
    no separate webhook base exists in discord.py 2.7.
    """
    discord.http.Route.BASE = api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def point_discord_py_at_discord() -> None:
    """Restore the real Discord endpoints."""
    point_discord_py_at(DISCORD_API_BASE, DISCORD_GATEWAY)
