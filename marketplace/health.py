"""Readiness: named checks that the composition root passes in, run together on demand.

A check is a small async callable returning None when its part is ready, or a short
reason when it is not. The web app and the health server only run the checks they are
given, so neither needs to know what a database or a gateway is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

Check = Callable[[], Awaitable[str | None]]
"""None when ready; otherwise why not (short, no secrets)."""

CHECK_TIMEOUT_SECONDS = 2.0
READY = "ok"


@dataclass(frozen=True, slots=True)
class ReadinessReport:
    """Each check's answer: "ok" or the reason it is not ready."""

    checks: Mapping[str, str]

    @property
    def ready(self) -> bool:
        """Whether every check answered "ok"."""
        return all(answer == READY for answer in self.checks.values())

    @property
    def not_ready(self) -> list[str]:
        """The names of the checks that are not ready."""
        return [name for name, answer in self.checks.items() if answer != READY]

    def to_json(self) -> dict[str, object]:
        """The body of /readyz."""
        body: dict[str, object] = {"status": "ready" if self.ready else "not ready"}
        body["checks"] = dict(self.checks)
        if not self.ready:
            body["not_ready"] = self.not_ready
        return body


@dataclass
class Readiness:
    """The checks /readyz runs; `add` one per part this process depends on."""

    timeout_seconds: float = CHECK_TIMEOUT_SECONDS
    _checks: dict[str, Check] = field(default_factory=dict)

    def add(self, name: str, check: Check) -> None:
        """Run `check` under `name` (replacing a check of that name)."""
        self._checks[name] = check

    def remove(self, name: str) -> None:
        """Stop running the check called `name`, if there is one."""
        self._checks.pop(name, None)

    async def report(self) -> ReadinessReport:
        """Run every check at once, each within `timeout_seconds`."""
        names = list(self._checks)
        answers = await asyncio.gather(*(self._run(self._checks[name]) for name in names))
        return ReadinessReport(dict(zip(names, answers, strict=True)))

    async def _run(self, check: Check) -> str:
        try:
            reason = await asyncio.wait_for(check(), self.timeout_seconds)
        except TimeoutError:
            return f"no answer within {self.timeout_seconds:g} s"
        except Exception as error:
            return f"check failed ({type(error).__name__})"
        return READY if reason is None else reason
