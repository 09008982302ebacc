"""/find keeps one live results menu per person: a newer search replaces the older menu."""

from __future__ import annotations

from tests.bot.journeys import ready_tutor


async def test_a_new_find_replaces_the_previous_results_menu(campus) -> None:
    await ready_tutor(campus)
    first = await campus.emu.slash(campus.student, campus.guild, "find", subject="calculus")
    second = await campus.emu.slash(campus.student, campus.guild, "find", subject="calculus")
    assert first.message is not None
    assert second.message is not None
    assert "(1)" in first.text
    assert "(1)" in second.text

    booking = await campus.emu.click(campus.student, second.message, label="Book")
    assert booking.kind == "message"

    campus.emu.interaction_deadline = 0.5  # the old menu's click goes unanswered
    stale = await campus.emu.click(campus.student, first.message, label="Book")
    assert stale.kind == "none"
