"""`tutorbot export` from the command line, on a database a real week was played on."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import sys

from tests.services.marketplace_world import TUTOR_ID
from tests.services.stats_world import build_stats_world


async def _tutorbot(*argv: str, database_url: str) -> tuple[int, bytes, str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tutorbot.cli", *argv, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    return process.returncode or 0, out, err.decode()


async def test_a_nightly_job_writes_the_tutor_hours_file(
    service_context, clock, database_url, tmp_path
) -> None:
    built = await build_stats_world(service_context, clock)
    guild = str(built.world.student.guild_id)
    out = tmp_path / "hours.csv"

    code, _, err = await _tutorbot(
        "export", "tutor-hours", "--guild", guild, "--since", "2026-12-01",
        "--until", "2026-12-08", "--out", str(out), database_url=database_url,
    )  # fmt: skip

    assert code == 0, err
    assert f"wrote 1 tutor-hours rows to {out} (UTC)" in err
    [row] = list(csv.DictReader(io.StringIO(out.read_text("utf-8"), newline="")))
    assert (row["tutor_id"], row["held_contact_hours"]) == (str(TUTOR_ID), "1.00")


async def test_the_export_can_go_to_stdout_and_a_reversed_range_is_refused(
    service_context, clock, database_url
) -> None:
    built = await build_stats_world(service_context, clock)
    guild = str(built.world.student.guild_id)

    code, out, _ = await _tutorbot(
        "export", "sessions", "--guild", guild, "--since", "2026-12-02", "--until",
        "2026-12-03", "--out", "-", database_url=database_url,
    )  # fmt: skip
    assert code == 0
    [row] = list(csv.DictReader(io.StringIO(out.decode("utf-8"), newline="")))
    assert int(row["booking_id"]) == built.completed

    code, out, err = await _tutorbot(
        "export", "sessions", "--guild", guild, "--since", "2026-12-03", "--until",
        "2026-12-02", "--out", "-", database_url=database_url,
    )  # fmt: skip
    assert (code, out) == (2, b"")
    assert "--until must be after --since" in err
    assert "Traceback" not in err
