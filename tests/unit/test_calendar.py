from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from marketplace.domain.calendar import escape_text, fold_line, google_calendar_link, ics_event

START = datetime(2026, 9, 3, 15, 0, tzinfo=UTC)
END = START + timedelta(hours=1)
NOW = datetime(2026, 9, 1, 12, 0, 5, tzinfo=UTC)


def event(**changes) -> str:
    values = {
        "uid": "booking-7@tutorbot",
        "sequence": 0,
        "start": START,
        "end": END,
        "summary": "Calculus with Ada",
        "description": "Limits",
        "status": "CONFIRMED",
        "now": NOW,
    }
    values.update(changes)
    return ics_event(**values)


def unfolded(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").split("\r\n")


def test_confirmed_event_is_a_request_with_utc_times():
    lines = unfolded(event())
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-2:] == ["END:VCALENDAR", ""]
    for line in (
        "VERSION:2.0",
        "METHOD:REQUEST",
        "UID:booking-7@tutorbot",
        "SEQUENCE:0",
        "DTSTAMP:20260901T120005Z",
        "DTSTART:20260903T150000Z",
        "DTEND:20260903T160000Z",
        "STATUS:CONFIRMED",
    ):
        assert line in lines
    assert any(line.startswith("PRODID:") for line in lines)


def test_every_line_ends_with_crlf():
    ics = event()
    assert ics.endswith("\r\n")
    assert "\n" not in ics.replace("\r\n", "")


def test_uid_is_stable_and_sequence_grows_on_reschedule():
    first = unfolded(event())
    moved = unfolded(
        event(sequence=1, start=START + timedelta(days=1), end=END + timedelta(days=1))
    )
    assert [line for line in first if line.startswith("UID:")] == [
        line for line in moved if line.startswith("UID:")
    ]
    assert "SEQUENCE:1" in moved


def test_cancelled_event_uses_cancel_method_and_status():
    lines = unfolded(event(status="CANCELLED", sequence=2))
    assert "METHOD:CANCEL" in lines
    assert "STATUS:CANCELLED" in lines
    assert "SEQUENCE:2" in lines


def test_zoned_times_are_written_in_utc():
    local = START.astimezone(ZoneInfo("America/New_York"))
    assert "DTSTART:20260903T150000Z" in unfolded(event(start=local))


def test_text_is_escaped():
    lines = unfolded(event(summary="Maths; stats, and\\more", description="line one\nline two"))
    assert "SUMMARY:Maths\\; stats\\, and\\\\more" in lines
    assert "DESCRIPTION:line one\\nline two" in lines


def test_control_characters_are_dropped():
    assert escape_text("a\x00b\r\nc\td") == "ab\\nc\td"


def test_long_lines_are_folded_at_75_octets_without_splitting_characters():
    description = "é" * 100 + "x" * 60
    ics = event(description=description)
    for line in ics.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert f"DESCRIPTION:{description}" in unfolded(ics)


def test_fold_line_leaves_short_lines_alone():
    assert fold_line("SUMMARY:short") == "SUMMARY:short"


@pytest.mark.parametrize(
    "changes",
    [{"status": "TENTATIVE"}, {"sequence": -1}, {"uid": "a\r\nb"}, {"start": datetime(2026, 1, 1)}],  # noqa: DTZ001
)
def test_invalid_arguments_are_refused(changes):
    with pytest.raises(ValueError):  # noqa: PT011
        event(**changes)


def test_google_link_carries_encoded_title_dates_and_details():
    link = google_calendar_link(START, END, "Calculus & more", "Join: https://x.test/?a=1&b=2")
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://calendar.google.com/calendar/render"
    )
    query = parse_qs(parts.query)
    assert query["action"] == ["TEMPLATE"]
    assert query["text"] == ["Calculus & more"]
    assert query["dates"] == ["20260903T150000Z/20260903T160000Z"]
    assert query["details"] == ["Join: https://x.test/?a=1&b=2"]
    assert " " not in link
