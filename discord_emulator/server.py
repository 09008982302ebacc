"""The aiohttp application: REST under /api/v10, the gateway at /gateway."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from discord_emulator import contract_requests, contract_responses
from discord_emulator import errors as err
from discord_emulator.backend import Backend
from discord_emulator.errors import DiscordAPIError
from discord_emulator.models import ErrorRecord
from discord_emulator.ratelimit import limited_headers, ok_headers
from discord_emulator.rest import channels, interactions, misc
from discord_emulator.rest.common import BACKEND_KEY, Handler

log = logging.getLogger(__name__)
Endpoint = Callable[[web.Request], Awaitable[web.StreamResponse]]

API_PREFIXES = ("/api/v10", "/api/v9")
NO_AUTH_PREFIXES = ("/interactions/", "/webhooks/", "/gateway")


def json_response(
    data: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """JSON with a bare ``application/json`` content type (discord.py compares it exactly)."""
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=all_headers)


def _needs_auth(template: str) -> bool:
    return not template.startswith(NO_AUTH_PREFIXES)


def _error_response(
    b: Backend,
    exc: DiscordAPIError,
    request: web.Request,
    route: str,
    headers: dict[str, str] | None = None,
    *,
    injected: bool = False,
    body: Any = None,
) -> web.Response:
    payload = body if body is not None else exc.body()
    record = ErrorRecord(
        status=exc.status,
        code=exc.code,
        message=exc.message,
        method=request.method,
        route=route,
        path=request.path,
        injected=injected,
        body=payload,
    )
    b.record_error(record)
    contract_requests.record_violation(b, exc, record)
    b.attribute_error(
        record, request.match_info.get("interaction_token") or request.match_info.get("token")
    )
    return json_response(payload, status=exc.status, headers=headers)


def _wrap(b: Backend, method: str, template: str, fn: Handler) -> Endpoint:
    async def handler(request: web.Request) -> web.StreamResponse:
        b.requests.append((method, request.path))
        try:
            if _needs_auth(template):
                bot = b.world.bot
                if bot is None or request.headers.get("Authorization") != f"Bot {bot.token}":
                    raise err.unauthorized()
            decision = b.rate_limits.check(method, template, request.path)
            if decision.limited:
                body = {
                    "message": "You are being rate limited.",
                    "retry_after": decision.retry_after,
                    "global": decision.is_global,
                }
                limited = DiscordAPIError(429, 0, "You are being rate limited.")
                return _error_response(
                    b,
                    limited,
                    request,
                    template,
                    limited_headers(decision),
                    injected=True,
                    body=body,
                )
            await contract_requests.check(b, method, template, request)
            result = await fn(b, request)
        except DiscordAPIError as exc:
            return _error_response(b, exc, request, template, ok_headers(template))
        except Exception:
            log.exception("emulator handler crashed on %s %s", method, request.path)
            crash = DiscordAPIError(503, 0, "emulator bug: see the discord_emulator log")
            return _error_response(b, crash, request, template)
        if isinstance(result, web.StreamResponse):
            return result
        status = contract_responses.success_status(
            method, template, contract_responses.api_path(request.path), empty=result is None
        )
        contract_responses.check(b, method, template, request, status=status, payload=result)
        if result is None:
            return web.Response(status=204, headers=ok_headers(template))
        return json_response(result, status=status, headers=ok_headers(template))

    return handler


def build_app(backend: Backend) -> web.Application:
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app[BACKEND_KEY] = backend

    for module in (misc, channels, interactions):
        for method, path, fn in module.routes.defs:
            wrapped = _wrap(backend, method, path, fn)
            for prefix in API_PREFIXES:
                app.router.add_route(method, prefix + path, wrapped)

    async def not_found(request: web.Request) -> web.StreamResponse:
        backend.requests.append((request.method, request.path))
        exc = DiscordAPIError(404, 0, "404: Not Found")
        return _error_response(backend, exc, request, f"UNKNOWN {request.path}")

    async def attachment(request: web.Request) -> web.StreamResponse:
        att_id = int(request.match_info["attachment_id"])
        if (upload := backend.world.uploads.get(att_id)) is not None:
            return web.Response(body=upload.data, content_type=upload.content_type)
        for msg in backend.world.messages.values():
            for att in msg.attachments:
                if att.id == att_id:
                    return web.Response(body=att.data, content_type=att.content_type)
        raise web.HTTPNotFound()

    app.router.add_get("/gateway", backend.hub.handle)
    app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", attachment)
    app.router.add_route("*", "/api/{tail:.*}", not_found)
    return app


class Server:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.runner: web.AppRunner | None = None

    async def start(self) -> int:
        self.runner = web.AppRunner(build_app(self.backend), access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.backend.host, self.backend.port or 0)
        await site.start()
        address = self.runner.addresses[0]
        return int(address[1])

    async def stop(self) -> None:
        await self.backend.hub.close()
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
