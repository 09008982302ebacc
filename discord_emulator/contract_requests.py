"""Every REST request checked against Discord's OpenAPI request schemas and limits.

Filled in by the request-contract work; `check` is called by the server before a handler.
"""

from __future__ import annotations

from aiohttp import web

from discord_emulator.backend import Backend


async def check(b: Backend, method: str, template: str, request: web.Request) -> None:
    """Raise `DiscordAPIError` 400/50035 (recorded in `b.contract_violations`) on a violation."""
