"""Disputes through the bot: Open dispute on /bookings, /dispute, the form, /mod dispute."""

from __future__ import annotations

import hashlib
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


PHOTO = ("whiteboard.png", b"\x89PNG\r\n\x1a\n" + b"chalk" * 100, "image/png")


async def _dispute_with(c, clock, files):
    booking_id = await _completed(c, clock)
    form = await c.emu.slash(c.student, c.guild, "dispute", booking=booking_id)
    assert form.modal is not None
    values = {"dispute:statement": "They left after ten minutes.", "dispute:files": files}
    return booking_id, await c.emu.submit_modal(c.student, form.modal, values)


async def test_a_dispute_keeps_its_files_in_the_evidence_channel_with_their_hash(
    campus, clock
) -> None:
    c = campus
    await c.emu.slash(
        c.admin, c.guild, "admin config", setting="evidence_channel", value=f"<#{c.help_desk.id}>"
    )
    booking_id, opened = await _dispute_with(c, clock, [PHOTO])
    assert "Your dispute #1 is open" in opened.text

    [copy] = [m for m in c.emu.messages(c.help_desk) if m.attachments]
    assert copy.attachments[0].filename == "whiteboard.png"
    assert copy.attachments[0].data == PHOTO[1]
    async with c.runtime.services.uow(read_only=True) as uow:
        dispute = await uow.disputes.for_booking(booking_id)
    [kept] = dispute.evidence["attachments"]
    assert kept["sha256"] == hashlib.sha256(PHOTO[1]).hexdigest()
    assert kept["kept"] == "evidence_channel"
    assert str(copy.id) in kept["link"]

    await make_moderator(c)
    case = await c.emu.slash(c.member, c.guild, "mod evidence", dispute=1)
    assert "whiteboard.png" in case.text
    assert "They left after ten minutes." in case.text


async def test_without_an_evidence_channel_the_discord_link_and_hash_are_kept(campus, clock):
    c = campus
    booking_id, opened = await _dispute_with(c, clock, [PHOTO, ("notes.txt", b"x" * 10)])
    assert "Your dispute #1 is open" in opened.text
    async with c.runtime.services.uow(read_only=True) as uow:
        dispute = await uow.disputes.for_booking(booking_id)
    assert [f["kept"] for f in dispute.evidence["attachments"]] == ["discord_link"] * 2
    assert [f["size"] for f in dispute.evidence["attachments"]] == [len(PHOTO[1]), 10]


async def test_the_client_refuses_too_many_or_too_big_files(campus, clock) -> None:
    c = campus
    booking_id = await _completed(c, clock)
    form = await c.emu.slash(c.student, c.guild, "dispute", booking=booking_id)
    statement = {"dispute:statement": "No show."}
    with pytest.raises(ValueError, match="0 to 5 files"):
        await c.emu.submit_modal(c.student, form.modal, {**statement, "dispute:files": [PHOTO] * 6})
    huge = ("video.mp4", b"0" * (10 * 1024 * 1024 + 1), "video/mp4")
    with pytest.raises(ValueError, match="upload limit"):
        await c.emu.submit_modal(c.student, form.modal, {**statement, "dispute:files": [huge]})
    assert await _open_count(c) == 0
