"""`/privacy export` and `/privacy delete` through the emulator: the file, the Confirm step."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import func, select

from marketplace.storage.models import AuditLogRow
from tests.bot.journeys import onboard, ready_tutor, request_first_slot


def exported(result) -> dict:
    message = result.message
    assert message is not None
    assert message.ephemeral
    [attachment] = message.attachments
    assert attachment.filename.endswith(".json")
    return json.loads(attachment.data)


async def test_export_answers_with_a_json_file_of_the_callers_data(campus) -> None:
    await ready_tutor(campus)
    await request_first_slot(campus)
    student = exported(await campus.emu.slash(campus.student, campus.guild, "privacy export"))
    tutor = exported(await campus.emu.slash(campus.tutor, campus.guild, "privacy export"))

    assert student["user_id"] == campus.student.id
    assert student["member"]["role"] == "student"
    assert student["tutor_profile"] is None
    [booking] = student["bookings"]
    assert (booking["state"], booking["tutor_id"]) == ("requested", campus.tutor.id)
    assert any("Reports other members made about you" in n for n in student["not_included"])
    assert tutor["tutor_profile"]["bio"].startswith("I have tutored calculus")
    assert tutor["availability_rules"]
    assert [b["booking_id"] for b in tutor["bookings"]] == [booking["booking_id"]]


async def test_delete_is_refused_while_a_session_is_ahead(campus) -> None:
    await ready_tutor(campus)
    await request_first_slot(campus)
    refused = await campus.emu.slash(campus.student, campus.guild, "privacy delete")
    assert "Cancel them with `/cancel`" in refused.text
    assert not refused.message.buttons
    still = exported(await campus.emu.slash(campus.student, campus.guild, "privacy export"))
    assert still["member"] is not None


async def _deletions(campus) -> int:
    async with campus.runtime.services.uow(read_only=True) as uow:
        return await uow.session.scalar(
            select(func.count()).where(AuditLogRow.action == "privacy.delete")
        )


async def test_confirmed_delete_erases_once_and_the_export_is_then_empty(campus) -> None:
    await onboard(campus, campus.student, "student", ["calculus"])
    question = await campus.emu.slash(campus.student, campus.guild, "privacy delete")
    assert "Delete your data in this server?" in question.text
    first, second = await asyncio.gather(
        campus.emu.click(campus.student, question.message, label="Confirm"),
        campus.emu.click(campus.student, question.message, label="Confirm"),
    )
    for answer in (first, second):  # both read the one question, edited by the first press
        assert "Done: your data in this server is deleted" in answer.text
    assert await _deletions(campus) == 1

    after = exported(await campus.emu.slash(campus.student, campus.guild, "privacy export"))
    assert after["member"] is None
    assert after["student_profile"] is None
    assert after["student_subjects"] == []
    assert after["user"]["display_name"] == "Deleted user"
    assert after["user"]["timezone"] is None


async def test_cancel_keeps_everything(campus) -> None:
    await onboard(campus, campus.student, "student", ["calculus"])
    question = await campus.emu.slash(campus.student, campus.guild, "privacy delete")
    kept = await campus.emu.click(campus.student, question.message, label="Cancel")
    assert "Nothing was deleted" in kept.text
    after = exported(await campus.emu.slash(campus.student, campus.guild, "privacy export"))
    assert after["member"]["role"] == "student"
