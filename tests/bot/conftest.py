"""Bot tests: the real TutorBot on the local Discord emulator, on a migrated SQLite file.

The campus runs on a `FixedClock` that starts at the real time and moves only when a
test sets it, so a test can step to a session's start, its end, or days later.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from demo.campus import Campus, running_campus
from tests.conftest import FixedClock


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def campus(sqlite_url: str, clock: FixedClock) -> AsyncIterator[Campus]:
    async with running_campus(sqlite_url, clock=clock) as running:
        yield running
        assert running.emu.unexpected_errors == [], "the bot hit a Discord error"
        running.emu.assert_no_faults()
