"""What the emulator answers, checked against Discord's OpenAPI response schemas.

Filled in by the response-contract work; `check` is called by the server after a handler.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from discord_emulator.backend import Backend


def check(
    b: Backend, method: str, template: str, request: web.Request, *, status: int, payload: Any
) -> None:
    """Record in `b.emulator_faults` any way `payload` differs from the documented response."""
