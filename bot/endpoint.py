"""Point discord.py at any Discord-compatible endpoint (a REST proxy, or the emulator)."""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl


def use_discord_endpoint(api_base: str, gateway_url: str) -> None:
    """Send REST calls (webhook follow-ups included) to `api_base` and connect to `gateway_url`.

    `api_base` is the full REST base including the version, e.g. `https://discord.com/api/v10`.
    discord.py reads both from class attributes, so this affects every client in the process.
    """
    discord.http.Route.BASE = api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
