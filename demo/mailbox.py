"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for tests and the demo."""

from __future__ import annotations

import contextlib
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

CODE = re.compile(r"\b(\d{6})\b")


@dataclass
class Mailbox:
    """Every message the server accepted; `refused` addresses get a 550 at RCPT."""

    messages: list[EmailMessage] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    port: int = 0

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        """Accept the recipient, unless it is one of `refused`."""
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Keep the message."""
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages addressed to `address`, oldest first."""
        return [m for m in self.messages if m["To"] == address]

    def code_for(self, address: str) -> str:
        """The 6-digit code in the newest mail to `address`."""
        body = self.to(address)[-1].get_body(preferencelist=("plain",))
        assert body is not None
        found = CODE.search(body.get_content())
        assert found is not None, "no code in the mail"
        return found.group(1)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_mailbox() -> Iterator[Mailbox]:
    """Start the SMTP server on a free loopback port; stop it on exit."""
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
