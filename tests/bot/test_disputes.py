"""Disputes through the bot: Open dispute on /bookings, /dispute, the form, /mod dispute."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import texts
from demo.journey import dm
from tests.bot.journeys import (
    completed_session,
    confirmed_session,
    make_moderator,
)


async def _completed(c, clock):
    booking_id = await completed_session(c, clock)
    async with c.runtime.services.uow(read_only=True) as uow:
        booking = await uow.bookings.get(booking_id)
    clock.set(booking.end + timedelta(hours=1))
    return booking_id


async def _open_count(c) -> int:
    async with c.runtime.services.uow(read_only=True) as uow:
        return await uow.disputes.count_open(c.guild.id)


async def test_open_dispute_from_bookings_then_a_moderator_refunds_30_percent(
    campus, clock
) -> None:
    c = campus
    booking_id = await _completed(c, clock)
    past = await c.emu.slash(c.student, c.guild, "bookings", scope="past")
    form = await c.emu.click(c.student, past.message, label=texts.DISPUTE_LABEL)
    assert form.modal is not None
    opened = await c.emu.submit_modal(
        c.student, form.modal, {"dispute:statement": "They spent the hour on their phone."}
    )
    assert "Your dispute #1 is open" in opened.text
    assert opened.ephemeral
    assert "opened a dispute" in (await dm(c, c.tutor, "Dispute opened")).text
    after = await c.emu.slash(c.student, c.guild, "bookings", scope="past")
    assert texts.DISPUTE_LABEL not in [label for label, _, _ in after.message.buttons]

    await make_moderator(c)
    queue = await c.emu.slash(c.member, c.guild, "mod queue")
    assert f"booking #{booking_id}" in queue.text
    decided = await c.emu.slash(
        c.member, c.guild, "mod dispute", case=1, outcome="refund", refund_percent=30
    )
    assert "Dispute #1 decided: **Refund** (30% back to the student)" in decided.text
    assert "30%" in (await dm(c, c.student, "Dispute decided")).text
    assert await _open_count(c) == 0
    again = await c.emu.slash(c.member, c.guild, "mod dispute", case=1, outcome="dismiss")
    assert again.text == texts.ALREADY[("decide", "resolved")]


async def test_dispute_command_suggests_the_session_and_refuses_a_bad_statement(
    campus, clock
) -> None:
    c = campus
    booking_id = await _completed(c, clock)
    choices = await c.emu.autocomplete(c.student, c.guild, "dispute", focused="booking", booking="")
    assert [choice["value"] for choice in choices] == [booking_id]
    form = await c.emu.slash(c.student, c.guild, "dispute", booking=booking_id)
    assert form.modal is not None, form.text
    blank = await c.emu.submit_modal(c.student, form.modal, {"dispute:statement": " \u200b "})
    assert "can't be empty" in blank.text
    assert texts.UNEXPECTED not in blank.text
    with pytest.raises(ValueError, match="at most"):
        await c.emu.submit_modal(c.student, form.modal, {"dispute:statement": "x" * 1501})
    assert await _open_count(c) == 0


async def test_a_session_not_started_yet_or_a_stranger_is_refused_before_the_form(
    campus,
) -> None:
    c = campus
    booking = await confirmed_session(c)
    early = await c.emu.slash(c.student, c.guild, "dispute", booking=booking.booking_id)
    assert early.modal is None
    assert early.text == texts.CONFLICTS["dispute_not_held"]
    stranger = await c.emu.slash(c.member, c.guild, "dispute", booking=booking.booking_id)
    assert stranger.text == texts.NEEDS["owner"]


async def test_a_second_dispute_is_refused_and_non_moderators_cannot_decide(campus, clock) -> None:
    c = campus
    booking_id = await _completed(c, clock)
    form = await c.emu.slash(c.student, c.guild, "dispute", booking=booking_id)
    await c.emu.submit_modal(c.student, form.modal, {"dispute:statement": "No show."})
    second = await c.emu.slash(c.tutor, c.guild, "dispute", booking=booking_id)
    assert second.text == texts.CONFLICTS["dispute_exists"]
    refused = await c.emu.slash(c.tutor, c.guild, "mod dispute", case=1, outcome="dismiss")
    assert refused.text == texts.NEEDS["moderator"]
    assert await _open_count(c) == 1
