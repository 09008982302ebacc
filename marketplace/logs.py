"""Logging: text or JSON lines, the ids of the work at hand, and no secrets.

`log_context` (or `bind_log_context` in a task that ends with its work) puts guild, user,
booking and job ids on every record logged inside it; `extra={"booking_id": …}` does the
same for one call. `configure_logging` installs one handler on the root logger whose
formatter writes either the classic text line or one JSON object per line, and replaces
every known secret (the settings' `SecretStr` values) and every Discord interaction or
webhook token with ``[redacted]``, whoever logged it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import IO, Literal

from pydantic import SecretStr

from marketplace.settings import Settings

LogFormat = Literal["text", "json"]
LOG_IDS = ("guild_id", "user_id", "booking_id", "job_id")
REDACTED = "[redacted]"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
SHORTEST_SECRET = 6  # shorter values would blot out ordinary words

_context: ContextVar[tuple[tuple[str, int], ...]] = ContextVar("tutorbot_log_ids", default=())
# Tokens that ride in Discord URLs and payloads (discord.py logs both at DEBUG).
_TOKEN_PATTERNS = (
    re.compile(r"(/interactions/\d+/)[^/\s'\"]+"),
    re.compile(r"(/webhooks/\d+/)[^/\s'\"?]+"),
    re.compile(r"""(['"]token['"]\s*:\s*['"])[^'"]+"""),
    re.compile(r"(Bot\s+)[A-Za-z0-9._-]{20,}"),
)


def bind_log_context(**ids: int | None) -> Token[tuple[tuple[str, int], ...]]:
    """Add `ids` (None ones are skipped) to this task's log context; return the reset token."""
    merged = dict(_context.get())
    merged.update({key: value for key, value in ids.items() if value is not None})
    return _context.set(tuple(merged.items()))


@contextlib.contextmanager
def log_context(**ids: int | None) -> Iterator[None]:
    """Within the block, every record carries `ids` (besides those already bound)."""
    token = bind_log_context(**ids)
    try:
        yield
    finally:
        _context.reset(token)


def current_log_context() -> dict[str, int]:
    """The ids bound in this task."""
    return dict(_context.get())


class ContextFilter(logging.Filter):
    """Copies the bound ids onto each record, unless the call gave its own in `extra`."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotate `record`; never drops one."""
        for key, value in _context.get():
            if getattr(record, key, None) is None:
                setattr(record, key, value)
        return True


class Redactor:
    """Replaces the given secret values and Discord tokens in text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values = {value for value in secrets if len(value) >= SHORTEST_SECRET}
        self._secrets = sorted(values, key=len, reverse=True)  # longest first: no leftovers

    def __call__(self, text: str) -> str:
        """`text` with every secret replaced by ``[redacted]``."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        for pattern in _TOKEN_PATTERNS:
            text = pattern.sub(rf"\g<1>{REDACTED}", text)
        return text


def _ids(record: logging.LogRecord) -> dict[str, object]:
    found = {key: getattr(record, key, None) for key in LOG_IDS}
    return {key: value for key, value in found.items() if value is not None}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the ids, the exception."""

    def __init__(self, redact: Redactor | None = None) -> None:
        super().__init__()
        self._redact = redact or Redactor()

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON."""
        when = datetime.fromtimestamp(record.created, UTC)
        line: dict[str, object] = {
            "time": when.isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self._redact(record.getMessage()),
        }
        line.update(_ids(record))
        if record.exc_info:
            line["exception"] = self._redact(self.formatException(record.exc_info))
        if record.stack_info:
            line["stack"] = self._redact(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The classic line, with the ids appended in brackets and secrets redacted."""

    def __init__(self, redact: Redactor | None = None) -> None:
        super().__init__(TEXT_FORMAT)
        self._redact = redact or Redactor()

    def format(self, record: logging.LogRecord) -> str:
        """The record as text; the ids as ``[guild_id=… user_id=…]`` when known."""
        text = super().format(record)
        ids = _ids(record)
        if ids:
            first, newline, rest = text.partition("\n")
            tags = " ".join(f"{key}={value}" for key, value in ids.items())
            text = f"{first} [{tags}]{newline}{rest}"
        return self._redact(text)


def settings_secrets(settings: Settings) -> list[str]:
    """Every secret value in `settings` (each data key of the keyring on its own too)."""
    found: list[str] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr) and value.get_secret_value():
            secret = value.get_secret_value()
            found.append(secret)
            found.extend(part.strip() for part in secret.split(",") if part.strip())
    return found


# APScheduler logs every tick of the job runner ("Running job …") at INFO.
CHATTY_LOGGERS = ("apscheduler",)


class _OurHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler `configure_logging` installs (so a second call can find it)."""


def configure_logging(
    level: str = "INFO",
    log_format: LogFormat = "text",
    *,
    secrets: Iterable[str] = (),
    stream: IO[str] | None = None,
    root: logging.Logger | None = None,
) -> logging.Handler:
    """Send the root logger's records to `stream` (stderr) as text or JSON; return the handler.

    A handler this function installed before is replaced, so calling it twice leaves one;
    handlers that others installed (a test runner's) stay.
    """
    target = root or logging.getLogger()
    handler = _OurHandler(stream or sys.stderr)
    redact = Redactor(secrets)
    formatter = JsonFormatter(redact) if log_format == "json" else TextFormatter(redact)
    handler.setFormatter(formatter)
    handler.addFilter(ContextFilter())
    for old in [known for known in target.handlers if isinstance(known, _OurHandler)]:
        target.removeHandler(old)
    target.addHandler(handler)
    target.setLevel(level.upper())
    if root is None:
        for chatty in CHATTY_LOGGERS:  # a line per tick or per request is noise at INFO
            logging.getLogger(chatty).setLevel(max(target.level, logging.WARNING))
    return handler
