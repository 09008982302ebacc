"""Persistent buttons: an error is answered once, by the one handler, and logged.

discord.py only logs what a persistent (DynamicItem) button's callback raises, so without
`PersistentButton.callback` the presser would see "This interaction failed".
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path

import discord
import pytest

from bot import texts
from bot.flows.base import PersistentButton, RecordButton
from marketplace.services import attendance
from tests.bot.journeys import confirmed_session


async def test_an_unexpected_error_in_a_persistent_button_is_answered_and_logged(
    campus, clock, monkeypatch, caplog
) -> None:
    c = campus
    booking = await confirmed_session(c)
    clock.set(booking.start - timedelta(minutes=5))
    listing = await c.emu.slash(c.student, c.guild, "bookings", scope="upcoming")
    exploded = RuntimeError("database exploded")

    async def broken(command: attendance.CheckIn, _ctx: object) -> bool:
        # The button still calls the use case as it is shaped: its command, for this booking.
        assert command == attendance.CheckIn(command.actor, booking.booking_id)
        assert command.actor.user_id == c.student.id
        raise exploded

    monkeypatch.setattr(attendance, "check_in", broken)
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        result = await c.emu.click(c.student, listing.message, label="Check in")

    assert result.ephemeral
    assert result.text == texts.UNEXPECTED
    assert "exploded" not in result.text
    [logged] = [r for r in caplog.records if r.name == "bot.errors"]
    assert logged.levelno == logging.ERROR
    assert logged.exc_info is not None
    assert logged.exc_info[1] is exploded


def test_a_button_cannot_bypass_the_error_handling() -> None:
    with pytest.raises(TypeError, match="on_press"):

        class Bypass(RecordButton, prefix="test:bypass"):  # pragma: no cover - refused
            label = "Bypass"

            async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[misc]
                raise NotImplementedError

    assert issubclass(RecordButton, PersistentButton)


def test_every_dynamic_item_derives_from_persistent_button() -> None:
    """Only `PersistentButton` derives from DynamicItem, so every one handles its errors."""
    root = Path(__file__).resolve().parents[2] / "bot"
    direct = re.compile(r"^class \w+\(\s*discord\.ui\.DynamicItem", re.MULTILINE)
    raw = [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*.py"))
        if path.name != "base.py" and direct.search(path.read_text())
    ]
    assert raw == [], "derive persistent buttons from bot.flows.base.PersistentButton"
