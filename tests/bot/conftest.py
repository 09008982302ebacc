"""Bot tests: the real TutorBot on the local Discord emulator, on a migrated SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from demo.campus import Campus, running_campus


@pytest.fixture
async def campus(sqlite_url: str) -> AsyncIterator[Campus]:
    async with running_campus(sqlite_url) as running:
        yield running
        assert running.emu.unexpected_errors == [], "the bot hit a Discord error"
