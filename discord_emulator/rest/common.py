"""Helpers shared by the REST route modules."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, MultipartReader, web
from aiohttp.base_protocol import BaseProtocol
from aiohttp.streams import StreamReader

from discord_emulator import limits
from discord_emulator.backend import Backend
from discord_emulator.errors import DiscordAPIError, FormErrors
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


@dataclass(frozen=True)
class Body:
    """A request body read once: its JSON (None when empty) and its uploaded files."""

    json: Any
    files: list[UploadedFile]
    multipart: bool = False


_BODY_KEY = web.RequestKey("discord_emulator.body", Body)


async def parsed_body(request: web.Request) -> Body:
    """The request's body, read and parsed once (the contract check and the handler share it).

    A multipart body's stream can be read only once, so the raw bytes are read and parsed
    here and the result kept on the request.
    """
    if _BODY_KEY in request:
        return request[_BODY_KEY]
    raw = await request.read()
    if request.content_type.startswith("multipart/"):
        body = await _parse_multipart(request, raw)
    elif not raw:
        body = Body(None, [])
    else:
        try:
            body = Body(json.loads(raw), [])
        except ValueError:
            raise DiscordAPIError(400, 50109, "The request body contains invalid JSON.") from None
    request[_BODY_KEY] = body
    return body


async def _parse_multipart(request: web.Request, raw: bytes) -> Body:
    loop = asyncio.get_running_loop()
    # The whole body is fed at once: a limit above its size keeps the reader from pausing.
    stream = StreamReader(BaseProtocol(loop), max(2**16, len(raw)), loop=loop)
    stream.feed_data(raw)
    stream.feed_eof()
    reader = MultipartReader(request.headers, stream)
    payload: Any = None
    files: list[UploadedFile] = []
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader):
            continue
        data = await part.read(decode=False)
        if part.name == "payload_json":
            try:
                payload = json.loads(data.decode())
            except ValueError:
                raise DiscordAPIError(
                    400, 50109, "The request body contains invalid JSON."
                ) from None
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
    _check_files(files)
    return Body(payload, files, multipart=True)


def _check_files(files: list[UploadedFile]) -> None:
    """Refuse what Discord refuses: a file over the upload limit, more than 10 files."""
    if any(len(f.data) > limits.BOT_UPLOAD_MAX_BYTES for f in files):
        raise DiscordAPIError(413, 40005, "Request entity too large")
    if len(files) > limits.MESSAGE_FILES_MAX:
        errors = FormErrors()
        errors.max_length(["attachments"], limits.MESSAGE_FILES_MAX)
        errors.raise_if_any()


async def read_body(request: web.Request) -> tuple[JSON, list[UploadedFile]]:
    """Read a JSON body, or a multipart body with `payload_json` and `files[n]` parts."""
    body = await parsed_body(request)
    if body.json is None:
        return {}, body.files
    if not isinstance(body.json, dict):
        raise DiscordAPIError(400, 50035, "Invalid Form Body")
    return body.json, body.files
