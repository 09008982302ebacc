"""The weekly report through the real bot on the emulator: Monday morning, in its channel."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from marketplace.domain.weekly_report import next_report_at
from tests.bot.journeys import ready_tutor


async def _run_jobs(c) -> None:
    while await c.bot.jobs.sweep():
        pass
    await c.emu.settle()


async def test_the_report_channel_gets_the_weeks_figures_and_chart_on_monday(campus, clock) -> None:
    c = campus
    await ready_tutor(c)
    await c.emu.slash(c.student, c.guild, "find", subject="calculus")
    reports = c.emu.add_text_channel(c.guild, "tutoring-reports")
    result = await c.emu.slash(
        c.admin, c.guild, "admin config", setting="report_channel", value=f"<#{reports.id}>"
    )
    assert "`report_channel` is now" in result.text

    clock.set(next_report_at(clock.now(), ZoneInfo("UTC")) + timedelta(minutes=1))
    await _run_jobs(c)

    [report] = [m for m in c.emu.messages(reports) if m.embeds]
    assert report.embeds[0]["title"] == "📊 Weekly report"
    fields = {f["name"]: f["value"] for f in report.embeds[0]["fields"]}
    assert "**Calculus** · searched 1×" in fields["Most searched subjects"]
    [chart] = report.attachments
    assert chart.filename.endswith(".png")
