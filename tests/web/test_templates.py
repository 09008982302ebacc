"""The templates ship with the package, compile, and escape what users typed."""

from __future__ import annotations

from datetime import UTC, datetime

import jinja2
import pytest

from web.checkout.render import template_environment
from web.checkout.view import percent_of_bps, session_time

PAGES = ["checkout.html", "status.html", "payout.html", "payout_refresh.html", "error.html"]


def test_every_page_template_is_found_and_compiles():
    env = template_environment()
    assert set(PAGES) <= set(env.list_templates())
    for name in env.list_templates():
        env.get_template(name)


def test_templates_escape_and_refuse_missing_values():
    env = template_environment()
    html = env.get_template("error.html").render(kind="closed", token='"><script>')
    assert "<script>" not in html
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("error.html").render()


@pytest.mark.parametrize(
    ("bps", "shown"), [(1500, "15"), (1250, "12.5"), (1525, "15.25"), (1, "0.01"), (0, "0")]
)
def test_the_fee_percentage_is_written_without_trailing_zeros(bps, shown):
    assert percent_of_bps(bps) == shown


def test_a_session_past_midnight_shows_both_days_and_an_unset_zone_is_utc():
    when = session_time(
        datetime(2026, 12, 2, 23, 30, tzinfo=UTC), datetime(2026, 12, 3, 0, 30, tzinfo=UTC), None
    )
    assert (when.day, when.start, when.end_day, when.end) == (
        "Wednesday 2 December 2026",
        "23:30",
        "Thursday 3 December 2026",
        "00:30",
    )
    assert (when.zone, when.offset) == ("UTC", "UTC+00:00")


def test_an_unknown_stored_zone_falls_back_to_utc():
    start = datetime(2026, 12, 2, 14, tzinfo=UTC)
    assert session_time(start, start, "Mars/Olympus_Mons").zone == "UTC"
    assert session_time(start, start, "../../etc/passwd").zone == "UTC"


@pytest.mark.parametrize(
    ("zone", "abbreviation", "offset"),
    [
        ("Europe/Berlin", "CET", "UTC+01:00"),
        ("America/Sao_Paulo", "", "UTC−03:00"),  # its abbreviation is only "-03"
        ("Asia/Kolkata", "IST", "UTC+05:30"),
        ("UTC", "", "UTC+00:00"),
    ],
)
def test_the_zone_is_named_with_its_offset(zone, abbreviation, offset):
    start = datetime(2026, 12, 2, 14, tzinfo=UTC)
    when = session_time(start, start, zone)
    assert (when.zone, when.abbreviation, when.offset) == (zone, abbreviation, offset)
