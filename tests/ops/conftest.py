"""Operations tests: health, readiness, metrics and logs, on SQLite and the emulator."""

from __future__ import annotations

import pytest

from tests.bot.conftest import campus, clock  # noqa: F401 - the bot-on-emulator fixtures


@pytest.fixture
def backend() -> str:
    """What is tested here does not differ by backend; storage tests cover PostgreSQL."""
    return "sqlite"
