"""`/verify request` through the emulator: credentials in a form, decided from /mod queue."""

from __future__ import annotations

import pytest

from bot import texts
from demo.journey import dm
from tests.bot.journeys import make_moderator, ready_tutor

LETTER = ("ta-letter.pdf", b"%PDF-1.7 teaching assistant letter", "application/pdf")


async def _request(c, files=(LETTER,), note="TA for Calculus I, 2025-26"):
    form = await c.emu.slash(c.tutor, c.guild, "verify request")
    assert form.modal is not None, form.text
    values = {"verify:note": note, "verify:files": list(files)}
    return await c.emu.submit_modal(c.tutor, form.modal, values)


async def _requests_card(c):
    queue = await c.emu.slash(c.member, c.guild, "mod queue")
    await c.emu.settle()
    return next(m for m in queue.followups if "Verification requests" in m.text)


async def test_a_request_is_approved_from_the_queue(campus) -> None:
    c = campus
    await ready_tutor(c)
    sent = await _request(c)
    assert "Request #1 is with the moderators" in sent.text
    assert (await c.emu.slash(c.tutor, c.guild, "verify request")).text == texts.CONFLICTS[
        "verification_pending"
    ]

    await make_moderator(c)
    card = await _requests_card(c)
    assert "ta-letter.pdf" in card.text
    assert "TA for Calculus I" in card.text
    approved = await c.emu.click(c.member, card, label="Approve #1")
    assert "Verified by moderators" in approved.text
    again = await c.emu.click(c.member, card, label="Approve #1")
    assert "already" in again.text
    await dm(c, c.tutor, "verification changed")
    profile = await c.emu.slash(c.student, c.guild, "profile view", user=c.tutor)
    assert texts.VERIFICATION_BADGES["moderator-verified"] in profile.text
    done = await c.emu.slash(c.tutor, c.guild, "verify request")
    assert done.text == texts.CONFLICTS["already_moderator_verified"]


async def test_a_rejection_asks_for_a_reason_and_tells_the_tutor(campus) -> None:
    c = campus
    await ready_tutor(c)
    await _request(c)
    await make_moderator(c)
    card = await _requests_card(c)
    form = await c.emu.click(c.member, card, label="Reject #1")
    assert form.modal is not None
    rejected = await c.emu.submit_modal(
        c.member, form.modal, {"verify:reason": "The letter is not signed."}
    )
    assert "rejected" in rejected.text
    told = await dm(c, c.tutor, "couldn't approve")
    assert "The letter is not signed." in told.text


async def test_only_tutors_may_ask_and_a_file_is_required(campus) -> None:
    c = campus
    refused = await c.emu.slash(c.student, c.guild, "verify request")
    assert refused.text == texts.ENTITY_NAMES["tutor_profile"]
    await ready_tutor(c)
    form = await c.emu.slash(c.tutor, c.guild, "verify request")
    with pytest.raises(ValueError, match="required"):
        await c.emu.submit_modal(c.tutor, form.modal, {"verify:note": "no file"})
    with pytest.raises(ValueError, match="1 to 3 files"):
        await c.emu.submit_modal(c.tutor, form.modal, {"verify:files": [LETTER] * 4})
