"""/admin stats: an admin gets the KPI card with the chart attached; others are refused."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from PIL import Image

from bot.presenters.stats_chart import HEIGHT, WIDTH, render_chart
from marketplace.domain.stats import Period, SessionGroup, daily_series, window_of


def _message(result):
    return result.followups[-1] if result.followups else result.message


async def test_an_admin_gets_the_kpis_and_a_png_chart(campus) -> None:
    result = await campus.emu.slash(campus.admin, campus.guild, "admin stats", period="7d")

    message = _message(result)
    assert message.ephemeral
    for title in ("Growth", "Bookings", "Quality", "Money", "Safety"):
        assert title in message.text
    assert "last 7 days" in message.text
    [attachment] = message.attachments
    assert attachment.filename == "stats-7d.png"
    with Image.open(io.BytesIO(attachment.data)) as image:
        assert image.format == "PNG"
        assert image.size == (WIDTH, HEIGHT)
    assert message.embeds[0]["image"]["url"].endswith("stats-7d.png")


async def test_the_period_defaults_to_thirty_days(campus) -> None:
    result = await campus.emu.slash(campus.admin, campus.guild, "admin stats")

    message = _message(result)
    assert "last 30 days" in message.text
    assert [a.filename for a in message.attachments] == ["stats-30d.png"]


async def test_a_member_without_manage_server_is_refused(campus) -> None:
    result = await campus.emu.slash(campus.member, campus.guild, "admin stats")

    message = _message(result)
    assert "Only server admins" in message.text
    assert message.attachments == []


def test_the_chart_decodes_at_its_size_with_and_without_sessions() -> None:
    window = window_of(Period.QUARTER, datetime(2026, 12, 1, 9, tzinfo=UTC))
    empty = daily_series(window, [])
    for png in (render_chart(empty, 90), render_chart(_busy(window), 90)):
        with Image.open(io.BytesIO(png)) as image:
            image.load()
            assert (image.format, image.size) == ("PNG", (WIDTH, HEIGHT))


def _busy(window):
    groups = [
        SessionGroup(day, state, None, False, (i * 7 + len(state)) % 13)
        for i, day in enumerate(window.days)
        for state in ("completed", "confirmed", "cancelled")
    ]
    assert window.days[0] == date(2026, 9, 2)
    return daily_series(window, groups)
