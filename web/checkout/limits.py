"""Input limits: request bodies are read with a cap, never whole and unchecked."""

from __future__ import annotations

from aiohttp import web

WEBHOOK_MAX_BYTES = 64 * 1024  # Stripe events are a few KiB
FORM_MAX_BYTES = 4 * 1024  # the Pay form sends nothing we read


class BodyTooLargeError(Exception):
    """The request body is larger than the route accepts; `limit` is the cap in bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"request body over {limit} bytes")


async def read_capped(request: web.Request, limit: int) -> bytes:
    """The raw body, or `BodyTooLargeError` as soon as it is known to exceed `limit`."""
    if request.content_length is not None and request.content_length > limit:
        raise BodyTooLargeError(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_any():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError(limit)
        chunks.append(chunk)
    return b"".join(chunks)
