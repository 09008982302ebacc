"""`/admin export` over a real week, on SQLite and PostgreSQL: rows, sums, rights, paging."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

import pytest

from marketplace.domain.errors import InputError, PermissionDeniedError
from marketplace.domain.exports import ExportKind
from marketplace.services import exports, guild_admin
from tests.services.marketplace_world import TUTOR_ID
from tests.services.stats_world import build_stats_world, play_drop_in_hour


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


async def _admin_world(service_context, clock):
    built = await build_stats_world(service_context, clock)
    admin = replace(built.world.student, user_id=5, has_manage_guild=True)
    return built, admin


def _export(admin, kind: ExportKind, period: str = "7d", limit: int = 10 * 1024 * 1024):
    return exports.ExportData(admin, kind, period, limit)


async def test_the_sessions_export_has_a_row_per_booking_with_times_in_both_zones(
    service_context, clock
):
    built, admin = await _admin_world(service_context, clock)
    await guild_admin.change_setting(
        guild_admin.ChangeSetting(admin, "timezone", "Europe/Berlin"), service_context
    )

    made = await exports.export(_export(admin, ExportKind.SESSIONS), service_context)

    assert made.zone == "Europe/Berlin"
    assert made.rows == 4
    assert len(made.files) == 1
    rows = {int(r["booking_id"]): r for r in _rows(made.files[0])}
    done = rows[built.completed]
    assert (done["status"], done["outcome"], done["subject"]) == (
        "completed",
        "completed",
        "Calculus",
    )
    assert done["start_utc"] == "2026-12-02T10:00:00Z"
    assert done["start_local"] == "2026-12-02T11:00:00+01:00"
    assert (done["student_id"], done["tutor_id"]) == ("11", str(TUTOR_ID))
    assert done["student_review_stars"] == "5"
    assert done["tutor_review_stars"] == ""
    assert done["duration_minutes"] == "60"
    assert rows[built.missed]["outcome"] == "tutor_no_show"
    assert rows[built.cancelled]["cancelled_by"] == "student"
    assert rows[built.declined]["status"] == "declined"
    assert all(r["payment_state"] == "" and r["amount_minor"] == "" for r in rows.values())
    assert "note" not in made.files[0].decode()


async def test_tutor_hours_sum_the_week_for_the_tutor(service_context, clock):
    _built, admin = await _admin_world(service_context, clock)

    made = await exports.export(_export(admin, ExportKind.TUTOR_HOURS), service_context)

    [tutor] = _rows(made.files[0])
    assert tutor["tutor_id"] == str(TUTOR_ID)
    assert (tutor["scheduled_hours"], tutor["held_contact_hours"]) == ("2.00", "1.00")
    assert (tutor["sessions_held"], tutor["tutor_no_shows"], tutor["cancellations"]) == (
        "1",
        "1",
        "1",
    )


async def test_the_reviews_export_has_ratings_and_no_text(service_context, clock):
    built, admin = await _admin_world(service_context, clock)

    made = await exports.export(_export(admin, ExportKind.REVIEWS), service_context)

    [review] = _rows(made.files[0])
    assert (review["booking_id"], review["stars"], review["reviewer_id"]) == (
        str(built.completed),
        "5",
        "11",
    )
    assert "text" not in review
    assert review["status"] == "visible"


async def test_a_queue_export_without_drop_in_hours_is_the_header_only(service_context, clock):
    _built, admin = await _admin_world(service_context, clock)

    made = await exports.export(_export(admin, ExportKind.QUEUE), service_context)

    assert made.rows == 0
    assert made.files[0].decode().startswith("student_id,student_name,tutor_id")
    assert _rows(made.files[0]) == []


async def test_drop_in_visits_are_exported_and_counted_once_as_drop_in_hours(
    service_context, clock
):
    built, admin = await _admin_world(service_context, clock)
    await play_drop_in_hour(service_context, clock, built.world.tutor)

    queue = await exports.export(_export(admin, ExportKind.QUEUE), service_context)
    hours = await exports.export(_export(admin, ExportKind.TUTOR_HOURS), service_context)
    sessions = await exports.export(_export(admin, ExportKind.SESSIONS), service_context)

    visits = _rows(queue.files[0])
    assert [(v["student_id"], v["tutor_id"], v["outcome"]) for v in visits] == [
        ("31", str(TUTOR_ID), "done"),
        ("32", str(TUTOR_ID), "done"),
    ]
    assert [(v["wait_minutes"], v["help_minutes"]) for v in visits] == [("22", "10"), ("2", "20")]
    [tutor] = _rows(hours.files[0])
    assert (tutor["scheduled_hours"], tutor["held_contact_hours"]) == ("2.00", "1.00")
    assert tutor["drop_in_hours"] == "0.50"
    assert tutor["student_no_shows"] == "0"  # a skipped call is not a booked no-show
    drop_ins = [r for r in _rows(sessions.files[0]) if r["format"] == "drop-in"]
    assert sorted(r["status"] for r in drop_ins) == ["completed", "completed", "no_show"]


async def test_a_large_export_is_paged_into_files_that_each_open_alone(service_context, clock):
    _built, admin = await _admin_world(service_context, clock)

    made = await exports.export(_export(admin, ExportKind.SESSIONS, limit=900), service_context)

    assert len(made.files) >= 2
    assert all(len(f) <= 900 for f in made.files)
    assert sum(len(_rows(f)) for f in made.files) == 4
    names = [made.file_name(1, i) for i in range(len(made.files))]
    assert names[0].startswith("sessions-1-")
    assert names[0].endswith("-part1.csv")


async def test_a_member_without_manage_server_gets_nothing(service_context, clock):
    built, _admin = await _admin_world(service_context, clock)

    with pytest.raises(PermissionDeniedError):
        await exports.export(_export(built.world.student, ExportKind.SESSIONS), service_context)


async def test_a_bad_period_is_refused_before_anything_is_read(service_context, clock):
    _built, admin = await _admin_world(service_context, clock)

    with pytest.raises(InputError):
        await exports.export(_export(admin, ExportKind.SESSIONS, "last term"), service_context)


async def test_the_command_line_export_covers_whole_days(service_context, clock):
    built, _admin = await _admin_world(service_context, clock)
    guild = built.world.student.guild_id

    command = exports.ExportDays(guild, ExportKind.SESSIONS, date(2026, 12, 3), date(2026, 12, 4))
    made = await exports.export_days(command, service_context)

    assert [int(r["booking_id"]) for r in _rows(made.files[0])] == [built.missed]
