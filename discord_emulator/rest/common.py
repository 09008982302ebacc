"""Helpers shared by the REST route modules."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import BodyPartReader, web

from discord_emulator.backend import Backend
from discord_emulator.errors import DiscordAPIError
from discord_emulator.ops_messages import UploadedFile

JSON = dict[str, Any]
Result = JSON | list[Any] | None | web.StreamResponse
Handler = Callable[[Backend, web.Request], Awaitable[Result]]
RouteDef = tuple[str, str, Handler]

BACKEND_KEY = web.AppKey("backend", Backend)


class Routes:
    """Collects (method, path, handler) triples with a decorator."""

    def __init__(self) -> None:
        self.defs: list[RouteDef] = []

    def __call__(self, method: str, path: str) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            self.defs.append((method, path, fn))
            return fn

        return deco


def param(request: web.Request, name: str) -> str:
    return request.match_info[name]


def int_param(request: web.Request, name: str) -> int:
    try:
        return int(request.match_info[name])
    except ValueError:
        raise DiscordAPIError(404, 0, "404: Not Found") from None


def flag(request: web.Request, name: str) -> bool:
    return request.query.get(name, "").lower() in ("1", "true")


async def read_body(request: web.Request) -> tuple[JSON, list[UploadedFile]]:
    """Read a JSON body, or a multipart body with `payload_json` and `files[n]` parts."""
    if request.content_type.startswith("multipart/"):
        payload: JSON = {}
        files: list[UploadedFile] = []
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                continue
            data = await part.read(decode=False)
            if part.name == "payload_json":
                payload = json.loads(data.decode())
            elif part.name and part.name.startswith("files["):
                index = int(part.name[6:-1])
                files.append(
                    UploadedFile(
                        index=index,
                        filename=part.filename or f"file{index}",
                        data=bytes(data),
                        content_type=part.headers.get("Content-Type", "application/octet-stream"),
                    )
                )
        return payload, files
    raw = await request.read()
    if not raw:
        return {}, []
    try:
        body = json.loads(raw)
    except ValueError:
        raise DiscordAPIError(400, 50109, "The request body contains invalid JSON.") from None
    if not isinstance(body, dict):
        raise DiscordAPIError(400, 50035, "Invalid Form Body")
    return body, []
