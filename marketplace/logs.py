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
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Literal, TypeVar

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


TRANSITIONS = logging.getLogger("tutorbot.transitions")
_E = TypeVar("_E", bound=BaseException)


@dataclass(frozen=True, slots=True)
class Transition:
    """One aggregate's state change (`before` is None for a new one)."""

    aggregate: str  # "booking", "payment", …
    entity_id: int
    before: str | None
    after: str
    guild_id: int | None = None
    user_id: int | None = None
    booking_id: int | None = None


class Transitions:
    """The state changes one unit of work writes, logged at INFO once it commits.

    Repositories call `loaded` with the state they read and `saved` with the state they
    write; `saved` keeps a record only when the two differ. `log_committed` logs the
    records (once each) and `discard` drops them: a rolled-back transaction logs nothing.
    """

    def __init__(self, logger: logging.Logger = TRANSITIONS) -> None:
        self._logger = logger
        self._states: dict[tuple[str, int], str] = {}
        self._pending: list[Transition] = []

    def loaded(self, aggregate: str, entity_id: int, state: str) -> None:
        """`entity_id` was read in state `state` in this unit of work."""
        self._states[aggregate, entity_id] = state

    def saved(
        self,
        aggregate: str,
        entity_id: int,
        state: str,
        *,
        new: bool = False,
        **ids: int | None,
    ) -> None:
        """`entity_id` is written in `state`; a record if it was read (or is new) in another.

        A save of an entity this unit of work never read nor created records nothing: its
        earlier state is unknown.
        """
        key = (aggregate, entity_id)
        if key not in self._states and not new:
            return
        before = self._states.get(key)
        self._states[key] = state
        if before != state:
            self.changed(aggregate, entity_id, before, state, **ids)

    def changed(
        self, aggregate: str, entity_id: int, before: str | None, after: str, **ids: int | None
    ) -> None:
        """Record a change whose earlier state the writer knows (a compare-and-set)."""
        self._states[aggregate, entity_id] = after
        self._pending.append(
            Transition(
                aggregate,
                entity_id,
                before,
                after,
                guild_id=ids.get("guild_id"),
                user_id=ids.get("user_id"),
                booking_id=ids.get("booking_id"),
            )
        )

    def log_committed(self) -> None:
        """Log each kept record once, then forget them."""
        pending, self._pending = self._pending, []
        for record in pending:
            self._logger.info(
                "%s %s: %s -> %s",
                record.aggregate,
                record.entity_id,
                record.before or "new",
                record.after,
                extra={
                    "guild_id": record.guild_id,
                    "user_id": record.user_id,
                    "booking_id": record.booking_id,
                },
            )

    def discard(self) -> None:
        """Forget the records (the transaction rolled back)."""
        self._pending = []
        self._states.clear()


def mark_logged(error: _E) -> _E:
    """Note that `error` was logged where it happened, so callers need not log it again."""
    error.__dict__["tutorbot_logged"] = True
    return error


def already_logged(error: BaseException) -> bool:
    """Whether `mark_logged` was called on `error` (or on the error it was raised from)."""
    seen: BaseException | None = error
    while seen is not None:
        if getattr(seen, "__dict__", {}).get("tutorbot_logged"):
            return True
        seen = seen.__cause__
    return False


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
