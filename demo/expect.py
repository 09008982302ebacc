"""How a demo step checks what the bot answered, and how it fails."""

from __future__ import annotations

from discord_emulator import InteractionResult


class DemoStepFailedError(Exception):
    """The bot did not answer a step the way a user should see it."""


def expect(result: InteractionResult, *fragments: str) -> InteractionResult:
    """Fail the demo unless the reply contains every fragment (case-insensitive)."""
    text = (result.text or "").casefold()
    missing = [f for f in fragments if f.casefold() not in text]
    if missing or result.error:
        msg = f"expected {missing!r} in reply; got {result.text!r} (error {result.error})"
        raise DemoStepFailedError(msg)
    return result
