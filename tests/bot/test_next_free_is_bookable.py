"""What /find says is next free is the first time Book offers, under the guild's settings.

Run in a server no admin has configured (issue 17.4), then with every notice setting at 0,
where a tutor free in 23 minutes must be shown and offered.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from demo.journey import option_values
from tests.bot.journeys import ready_tutor
from tests.conftest import FixedClock

NOW = datetime(2026, 12, 9, 10, 7, tzinfo=UTC)  # 11:07 in Berlin, the tutor's zone
NEXT_FREE = re.compile(r"next free <t:(\d+):F>")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def _shown_and_offered(campus) -> tuple[int, list[int]]:
    """The next free start /find shows for the tutor, and the starts Book then offers."""
    results = await campus.emu.slash(campus.student, campus.guild, "find", subject="calculus")
    assert results.message is not None
    raw = " ".join(str(embed) for embed in results.message.embeds)
    shown = NEXT_FREE.search(raw)
    assert shown is not None, f"/find shows no next free time: {results.text}"
    picker = await campus.emu.click(
        campus.student, results.message, custom_id=f"find:book:{campus.tutor.id}"
    )
    assert picker.message is not None
    return int(shown.group(1)), [int(v) for v in option_values(picker.message, "book:slot")]


async def test_with_no_settings_the_next_free_time_is_the_first_that_book_offers(campus) -> None:
    await ready_tutor(campus)

    shown, offered = await _shown_and_offered(campus)

    assert offered[0] == shown
    # the defaults: 2 h notice, and a request leaves 2 h + 30 min for the tutor to answer
    assert shown >= (NOW + timedelta(minutes=150)).timestamp()


async def test_with_every_notice_at_zero_a_slot_in_minutes_is_shown_and_offered(campus) -> None:
    for setting in (
        "min_notice_minutes",
        "request_expiry_before_start_minutes",
        "request_answer_minutes",
    ):
        answer = await campus.emu.slash(
            campus.admin, campus.guild, "admin config", setting=setting, value="0"
        )
        assert setting in answer.text
    await ready_tutor(campus)

    shown, offered = await _shown_and_offered(campus)

    assert shown == (NOW + timedelta(minutes=23)).timestamp()  # 11:30 in Berlin
    assert offered[0] == shown
