"""The weekly report through the real services, on SQLite and PostgreSQL.

`/find` counts each search per subject and local day; setting `report_channel` schedules
Monday 08:00's report; the job posts the last week's figures and demand, then schedules
the next Monday's; clearing the channel ends the chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction
from marketplace.services import guild_admin, search
from marketplace.services.weekly_report import WeeklyReport, send_due
from tests.services.marketplace_world import action_rows, build_world, pending

CHANNEL = 4242
TUESDAY = datetime(2026, 12, 1, 9, tzinfo=UTC)  # the world's NOW


@dataclass
class RecordingChannel:
    """A `ReportChannel` that keeps what it was asked to post."""

    posted: list[WeeklyReport] = field(default_factory=list)

    async def post(self, report: WeeklyReport) -> bool:
        self.posted.append(report)
        return True


def _claimed(row) -> ClaimedAction:
    return ClaimedAction(
        row.id, ActionKind(row.kind), row.guild_id, row.due_at, row.booking_id, row.user_id,
        row.payload, 0,
    )  # fmt: skip


async def _admin(world, ctx, key: str, value: str) -> None:
    admin = replace(world.student, user_id=5, has_manage_guild=True)
    change = guild_admin.ChangeSetting(admin, key, value, channel_ids=frozenset({CHANNEL}))
    await guild_admin.change_setting(change, ctx)


async def test_searches_are_counted_and_the_monday_report_shows_the_weeks_demand(
    service_context, clock, uow_factory
):
    world = await build_world(service_context, clock)
    await _admin(world, service_context, "timezone", "Europe/Berlin")
    for subject in ("calculus", "calculus", "physics"):
        found = await search.find(search.FindTutors(world.student, subject), service_context)
        await search.count_demand(world.student.guild_id, found, service_context)

    await _admin(world, service_context, "report_channel", f"<#{CHANNEL}>")
    (due,) = await pending(uow_factory, "weekly_report")
    assert due.due_at == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # Monday 08:00 in Berlin
    clock.set(due.due_at)
    channel = RecordingChannel()
    result = await send_due(_claimed(due), service_context, channel)

    assert result.state is ActionState.DONE
    (report,) = channel.posted
    assert report.channel_id == CHANNEL
    assert [(d.subject, d.searches, d.unmet) for d in report.most_searched] == [
        ("Calculus", 2, 0),
        ("Physics", 1, 1),
    ]
    assert [d.subject for d in report.most_unmet] == ["Physics"]  # no tutor teaches it
    assert report.stats.window.start == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    later = [r.due_at for r in await pending(uow_factory, "weekly_report") if r.id != due.id]
    assert later == [datetime(2026, 12, 14, 7, 0, tzinfo=UTC)]


async def test_without_a_report_channel_the_chain_ends(service_context, clock, uow_factory):
    world = await build_world(service_context, clock)
    await _admin(world, service_context, "report_channel", f"<#{CHANNEL}>")
    await _admin(world, service_context, "report_channel", "none")
    (due,) = await pending(uow_factory, "weekly_report")
    clock.set(due.due_at + timedelta(minutes=1))

    result = await send_due(_claimed(due), service_context, RecordingChannel())

    assert result.state is ActionState.SKIPPED
    assert len(await action_rows(uow_factory, "weekly_report")) == 1  # nothing scheduled next
