"""Requests the bot sent that Discord would refuse as malformed, made loud in tests.

Every 50035 (and 50109) the emulator answers is kept in ``emu.contract_violations``
(`contract_requests.record_violation`). `running_emulator` and the demo's
`running_campus` fail when any is left at the end; a test that sends a bad payload on
purpose says so with ``with emu.expect_violations() as found:``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from discord_emulator.models import ErrorRecord


class ContractViolationError(AssertionError):
    """The bot sent requests that Discord's published contract rejects."""


def describe_violations(records: Sequence[ErrorRecord]) -> str:
    """One readable block per violation: method, path, code and the ``errors`` tree."""
    lines = [f"the bot sent {len(records)} request(s) Discord would refuse:"]
    for record in records:
        tree = record.body.get("errors") if isinstance(record.body, dict) else None
        lines.append(f"  {record.method} {record.path} → {record.status} {record.code}")
        if tree:
            lines.extend("      " + line for line in json.dumps(tree, indent=2).splitlines())
    return "\n".join(lines)


class ViolationChecks:
    """Harness methods over ``contract_violations`` (mixed into `Emulator`)."""

    contract_violations: list[ErrorRecord]

    def assert_no_violations(self) -> None:
        """Raise `ContractViolationError` describing every violation not expected."""
        if self.contract_violations:
            raise ContractViolationError(describe_violations(self.contract_violations))

    def take_violations(self) -> list[ErrorRecord]:
        """The violations so far, forgotten here (the caller reports them)."""
        taken = list(self.contract_violations)
        self.contract_violations.clear()
        return taken

    @contextmanager
    def expect_violations(self) -> Iterator[list[ErrorRecord]]:
        """Mark the violations inside the block as deliberate; fail if there are none.

        The list it gives fills in when the block ends::

            with emu.expect_violations() as found:
                await http.post(url, json={"content": "x" * 2001})
            assert found[0].body["errors"]["content"]
        """
        start = len(self.contract_violations)
        found: list[ErrorRecord] = []
        yield found
        found.extend(self.contract_violations[start:])
        del self.contract_violations[start:]
        if not found:
            raise ContractViolationError("expected a request Discord refuses; none was sent")
