"""The stats aggregates read the same grouped counts on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime

from marketplace.domain.stats import GuildActivity, Period, SessionGroup, Window, window_of
from tests.services.marketplace_world import OTHER_GUILD, at
from tests.services.stats_world import END, build_stats_world, play_drop_in_hour


async def _activity(uow_factory, guild_id: int, window: Window) -> GuildActivity:
    async with uow_factory(read_only=True) as uow:
        return await uow.stats.activity(guild_id, window)


async def test_a_week_of_activity_is_counted_by_its_cohorts(service_context, clock, uow_factory):
    built = await build_stats_world(service_context, clock)
    guild = built.world.student.guild_id

    activity = await _activity(uow_factory, guild, window_of(Period.WEEK, END))

    assert activity.new_members == {"student": 1, "tutor": 1}
    assert activity.requests == {"completed": 1, "no_show": 1, "declined": 1, "cancelled": 1}
    assert sorted(activity.sessions, key=lambda g: (g.day, g.state)) == [
        SessionGroup(date(2026, 12, 2), "completed", "completed", False, 1),
        SessionGroup(date(2026, 12, 3), "no_show", "tutor_no_show", False, 1),
        SessionGroup(date(2026, 12, 4), "cancelled", None, False, 1),
        SessionGroup(date(2026, 12, 4), "declined", None, False, 1),
    ]
    assert (activity.students_with_sessions, activity.students_with_repeats) == (1, 1)
    assert (activity.reports_opened, activity.reports_resolved) == (1, 1)
    assert list(activity.resolve_seconds) == [7200.0]
    assert (activity.reviews, activity.review_star_sum) == (1, 5)
    assert activity.survey == {"helped": 1}
    assert (activity.disputes_opened, activity.disputes_decided) == (0, 0)
    assert activity.money == []  # a free guild: nothing on the ledger


async def test_the_window_bounds_and_the_guild_keep_other_activity_out(
    service_context, clock, uow_factory
):
    built = await build_stats_world(service_context, clock)
    guild = built.world.student.guild_id
    before = Window(datetime(2026, 11, 1, tzinfo=UTC), at(1, 8))  # ends before anyone joined
    only_the_3rd = Window(at(3, 0), at(4, 0))

    assert await _activity(uow_factory, guild, before) == GuildActivity(
        new_members={},
        requests={},
        sessions=[],
        survey={},
        money=[],
        resolve_seconds=[],
        drop_in_waits=[],
    )
    third = await _activity(uow_factory, guild, only_the_3rd)
    assert [(g.state, g.count) for g in third.sessions] == [("no_show", 1)]
    assert third.requests == {}  # every request was made on the 1st
    other = await _activity(uow_factory, OTHER_GUILD, window_of(Period.QUARTER, END))
    assert other.sessions == []
    assert other.new_members == {}


async def test_drop_in_help_has_its_own_line_and_leaves_the_booking_counts_alone(
    service_context, clock, uow_factory
):
    built = await build_stats_world(service_context, clock)
    guild = built.world.student.guild_id
    before = await _activity(uow_factory, guild, window_of(Period.WEEK, END))
    await play_drop_in_hour(service_context, clock, built.world.tutor)

    after = await _activity(uow_factory, guild, window_of(Period.WEEK, clock.now()))

    assert sorted(after.drop_in_waits) == [120.0, 1320.0]  # called after 2 and 22 minutes
    assert (after.requests, after.sessions) == (before.requests, before.sessions)
    assert after.students_with_sessions == before.students_with_sessions
