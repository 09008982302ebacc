"""/admin export through the real client and the emulator: CSV files, refusals, the zone."""

from __future__ import annotations

import csv
import io

from tests.bot.journeys import completed_session


def _message(result):
    return result.followups[-1] if result.followups else result.message


def _csv(attachment) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(attachment.data.decode("utf-8"), newline="")))


async def test_an_admin_gets_the_sessions_as_a_csv_file(campus, clock) -> None:
    booking_id = await completed_session(campus, clock)
    await campus.emu.slash(
        campus.admin, campus.guild, "admin config", setting="timezone", value="Europe/Berlin"
    )

    result = await campus.emu.slash(
        campus.admin, campus.guild, "admin export", kind="sessions", period="30d"
    )

    message = _message(result)
    assert message.ephemeral
    assert "**Sessions** export" in message.text
    assert "(Europe/Berlin)" in message.text
    assert "1 row in 1 file" in message.text
    [attachment] = message.attachments
    assert attachment.filename.startswith(f"sessions-{campus.guild.id}-")
    [row] = _csv(attachment)
    assert (int(row["booking_id"]), row["status"]) == (booking_id, "completed")
    assert row["tutor_id"] == str(campus.tutor.id)
    assert row["tutor_name"]
    assert row["start_local"].endswith("+01:00")


async def test_tutor_hours_count_the_held_session(campus, clock) -> None:
    await completed_session(campus, clock)

    result = await campus.emu.slash(
        campus.admin, campus.guild, "admin export", kind="tutor-hours", period="30d"
    )

    [row] = _csv(_message(result).attachments[0])
    assert row["tutor_id"] == str(campus.tutor.id)
    assert float(row["held_contact_hours"]) > 0
    assert row["sessions_held"] == "1"


async def test_an_empty_period_gives_the_header_and_says_so(campus) -> None:
    result = await campus.emu.slash(
        campus.admin, campus.guild, "admin export", kind="reviews", period="2026-01"
    )

    message = _message(result)
    assert "Nothing to export for **Reviews** from 2026-01-01 to 2026-01-31 (UTC)" in message.text
    [attachment] = message.attachments
    assert attachment.data.decode().startswith("review_id,booking_id,")


async def test_a_period_that_cannot_be_read_is_explained(campus) -> None:
    result = await campus.emu.slash(
        campus.admin, campus.guild, "admin export", kind="sessions", period="last term"
    )

    message = _message(result)
    assert message.ephemeral
    assert "I can't read that period" in message.text
    assert "`2026-11`" in message.text
    assert message.attachments == []


async def test_a_member_without_manage_server_is_refused(campus) -> None:
    result = await campus.emu.slash(
        campus.member, campus.guild, "admin export", kind="sessions", period="30d"
    )

    message = _message(result)
    assert "Only server admins" in message.text
    assert message.attachments == []


async def test_the_period_suggests_spans_and_recent_months(campus) -> None:
    choices = await campus.emu.autocomplete(
        campus.admin, campus.guild, "admin export", focused="period", kind="sessions"
    )

    values = [c["value"] for c in choices]
    assert values[:4] == ["7d", "30d", "90d", "365d"]
    assert len(values) == 6
    assert all(len(c["name"]) <= 100 for c in choices)
