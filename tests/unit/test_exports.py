"""Export periods, tutor-hour sums, CSV safety and paging, as the domain defines them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.errors import InputError
from marketplace.domain.exports import (
    MAX_PERIOD_DAYS,
    SESSION_COLUMNS,
    Person,
    QueueVisit,
    SessionRecord,
    csv_pages,
    days_window,
    export_window,
    safe_cell,
    session_row,
    tutor_hours,
)

NOW = datetime(2026, 12, 7, 19, 30, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TUTOR, OTHER = Person(21, "Theo"), Person(22, '=HYPERLINK("x")')
STUDENT = Person(11, "Maya")


def _record(booking_id: int, state: str, start: datetime, *, minutes: int = 60, **extra):
    return SessionRecord(
        booking_id=booking_id, student=STUDENT, tutor=extra.pop("tutor", TUTOR),
        subject="Calculus", session_format="online", start=start,
        end=start + timedelta(minutes=minutes), state=state, outcome=extra.pop("outcome", ""),
        cancelled_by="", student_checked_in=None, tutor_checked_in=None, **extra,
    )  # fmt: skip


def test_a_rolling_period_ends_now() -> None:
    window = export_window(" 30d ", BERLIN, NOW)

    assert (window.start, window.end) == (NOW - timedelta(days=30), NOW)
    assert export_window("7 days", BERLIN, NOW).start == NOW - timedelta(days=7)


def test_a_month_runs_from_local_midnight_to_local_midnight() -> None:
    window = export_window("2026-11", BERLIN, NOW)

    assert window.start == datetime(2026, 10, 31, 23, tzinfo=UTC)  # CET, UTC+1
    assert window.end == datetime(2026, 11, 30, 23, tzinfo=UTC)
    december = export_window("2026-12", BERLIN, NOW)
    assert december.end == datetime(2026, 12, 31, 23, tzinfo=UTC)  # into the next year


def test_a_range_includes_both_days_and_follows_daylight_saving() -> None:
    window = export_window("2026-03-01..2026-03-31", NEW_YORK, NOW)

    assert window.start == datetime(2026, 3, 1, 5, tzinfo=UTC)  # EST
    assert window.end == datetime(2026, 4, 1, 4, tzinfo=UTC)  # EDT after 8 March
    assert export_window("2026-11-05", BERLIN, NOW).end - export_window(
        "2026-11-05", BERLIN, NOW
    ).start == timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("last term", "unparseable"),
        ("2026/11", "unparseable"),
        ("0d", "out_of_range"),
        (f"{MAX_PERIOD_DAYS + 1}d", "out_of_range"),
        ("2026-13", "out_of_range"),
        ("2026-02-30", "out_of_range"),
        ("2026-12-18..2026-09-01", "end_before_start"),
        ("2000-01-01..2026-01-01", "out_of_range"),
        ("x" * 41, "too_long"),
    ],
)
def test_a_period_that_names_no_range_is_refused_with_its_problem(text, problem) -> None:
    with pytest.raises(InputError) as refused:
        export_window(text, BERLIN, NOW)

    assert (refused.value.field, refused.value.problem) == ("period", problem)


def test_days_window_is_half_open() -> None:
    window = days_window(date(2026, 12, 6), date(2026, 12, 7), ZoneInfo("UTC"))

    assert (window.start, window.end) == (
        datetime(2026, 12, 6, tzinfo=UTC),
        datetime(2026, 12, 7, tzinfo=UTC),
    )
    with pytest.raises(InputError):
        days_window(date(2026, 12, 7), date(2026, 12, 7), ZoneInfo("UTC"))


def test_tutor_hours_count_held_scheduled_no_shows_cancellations_and_drop_ins() -> None:
    monday = datetime(2026, 11, 30, 15, tzinfo=UTC)
    records = [
        _record(1, "completed", monday),
        _record(2, "completed", monday + timedelta(days=1), minutes=90),
        _record(3, "no_show", monday + timedelta(days=2), outcome="student_no_show"),
        _record(4, "no_show", monday + timedelta(days=3), outcome="tutor_no_show"),
        _record(5, "confirmed", monday + timedelta(days=8), minutes=30),
        _record(6, "cancelled", monday + timedelta(days=4)),
        _record(7, "declined", monday + timedelta(days=5)),
        _record(8, "expired", monday + timedelta(days=5), tutor=OTHER),
    ]
    visit = QueueVisit(
        STUDENT, TUTOR, "Calculus", monday, monday, monday + timedelta(minutes=12), "helped"
    )

    sums = tutor_hours(records, [visit])

    assert [t.tutor.name for t in sums] == [OTHER.name, "Theo"]  # by name, case folded
    other, theo = sums

    assert theo.tutor == TUTOR
    assert (theo.held_minutes, theo.sessions_held) == (150, 2)
    assert theo.scheduled_minutes == 60 + 90 + 60 + 60 + 30
    assert (theo.student_no_shows, theo.tutor_no_shows, theo.cancellations) == (1, 1, 1)
    assert theo.drop_in_minutes == 12
    assert other.tutor == OTHER
    assert other.scheduled_minutes == 0


def test_one_time_block_counts_once_for_the_tutor_however_many_seats() -> None:
    start = datetime(2026, 12, 1, 17, tzinfo=UTC)
    seats = [_record(i, "completed", start) for i in range(1, 6)]

    [sums] = tutor_hours(seats, [])

    assert (sums.held_minutes, sums.scheduled_minutes, sums.sessions_held) == (60, 60, 1)


def test_a_group_hour_is_held_if_any_seat_was_even_when_the_first_seat_was_absent() -> None:
    start = datetime(2026, 12, 1, 17, tzinfo=UTC)
    seats = [_record(1, "no_show", start), _record(2, "completed", start)]

    [sums] = tutor_hours(seats, [])

    assert (sums.held_minutes, sums.scheduled_minutes, sums.sessions_held) == (60, 60, 1)


def test_a_row_has_a_cell_for_every_column_and_both_times() -> None:
    row = session_row(_record(9, "completed", datetime(2026, 12, 1, 17, tzinfo=UTC)), BERLIN)

    assert len(row) == len(SESSION_COLUMNS)
    cells = dict(zip(SESSION_COLUMNS, row, strict=True))
    assert cells["start_utc"] == "2026-12-01T17:00:00Z"
    assert cells["start_local"] == "2026-12-01T18:00:00+01:00"
    assert cells["duration_minutes"] == "60"
    assert cells["amount_minor"] == ""
    assert cells["student_review_stars"] == ""


@pytest.mark.parametrize("name", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx"])
def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text(name) -> None:
    assert safe_cell(name) == "'" + name
    assert safe_cell("Maya") == "Maya"


_cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@given(st.lists(st.lists(_cells, min_size=3, max_size=3), max_size=60), st.integers(60, 600))
def test_pages_fit_the_limit_start_with_the_header_and_keep_every_row(rows, limit) -> None:
    columns = ("a", "b", "c")
    fitting = [r for r in rows if len(_one_line(r)) + len(b"a,b,c\r\n") <= limit]

    pages = csv_pages(columns, fitting, limit)

    assert all(len(page) <= limit for page in pages)
    read_back = []
    for page in pages:
        [header, *body] = list(csv.reader(io.StringIO(page.decode("utf-8"), newline="")))
        assert header == list(columns)
        read_back.extend(body)
    assert read_back == [[safe_cell(c) for c in r] for r in fitting]


def _one_line(cells) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([safe_cell(c) for c in cells])
    return out.getvalue().encode("utf-8")


def test_an_empty_export_is_one_file_with_the_header_only() -> None:
    assert csv_pages(("a", "b"), [], 100) == [b"a,b\r\n"]


def test_a_row_larger_than_a_file_is_refused_not_split() -> None:
    with pytest.raises(ValueError, match="larger than a file"):
        csv_pages(("a",), [["x" * 200]], 100)
