"""`/admin stats` through the services on SQLite: admins only, KPIs, money in paid guilds."""

from dataclasses import replace
from datetime import timedelta

import pytest

from marketplace.domain.errors import PermissionDeniedError
from marketplace.domain.stats import Period
from marketplace.services import bookings, sessions, stats
from tests.services.marketplace_world import at
from tests.services.paid_world import FEE_MINOR, TOTAL_MINOR, paid_world
from tests.services.stats_world import build_stats_world


async def test_a_member_without_manage_server_is_refused(service_context, clock):
    built = await build_stats_world(service_context, clock)

    with pytest.raises(PermissionDeniedError):
        await stats.guild_stats(stats.ViewStats(built.world.student, Period.MONTH), service_context)


async def test_an_admin_gets_the_kpis_of_a_free_guild_without_money(service_context, clock):
    built = await build_stats_world(service_context, clock)
    admin = replace(built.world.student, user_id=5, has_manage_guild=True)

    report = await stats.guild_stats(stats.ViewStats(admin, Period.WEEK), service_context)

    kpis = report.stats
    assert (kpis.new_students, kpis.new_tutors, kpis.requests) == (1, 1, 4)
    assert kpis.acceptance_rate == 2 / 3  # two accepted, one declined; the cancelled one is out
    assert (kpis.confirmed_sessions, kpis.completed_sessions) == (2, 1)
    assert kpis.completion_rate == 0.5
    assert (kpis.tutor_no_shows, kpis.student_no_shows) == (1, 0)
    assert (kpis.late_cancellations, kpis.early_cancellations) == (0, 1)
    assert kpis.repeat_rate == 1.0
    assert kpis.average_rating == 5.0
    assert kpis.helped_share == 1.0
    assert kpis.median_resolve_hours == 2.0
    assert report.paid is False
    assert kpis.money == ()
    assert len(report.series.days) == 8
    assert sum(report.series.confirmed) == 2
    assert sum(report.series.cancelled) == 1


async def test_the_owner_gets_an_empty_quarter_with_nothing_applicable(service_context, clock):
    owner = replace(
        (await build_stats_world(service_context, clock)).world.student, user_id=6, is_owner=True
    )
    clock.set(at(1, 9, month=6) + timedelta(days=365))  # long after everything happened

    report = await stats.guild_stats(stats.ViewStats(owner, Period.QUARTER), service_context)

    assert report.stats.requests == report.stats.confirmed_sessions == 0
    assert report.stats.acceptance_rate is None
    assert report.stats.average_rating is None
    assert len(report.series.days) == 91


async def test_a_paid_guild_shows_sales_and_platform_fees_from_the_ledger(
    database, uow_factory, clock
):
    async with paid_world(database, uow_factory, clock) as paid:
        start = paid.clock.now() + timedelta(days=1)
        booking = await paid.book(start)
        await paid.pay(booking)
        await bookings.accept(bookings.AcceptBooking(paid.tutor, booking.booking_id), paid.ctx)
        await paid.sweep()
        paid.clock.set(start + timedelta(minutes=61))
        await sessions.complete(
            sessions.CompleteSession(paid.student, booking.booking_id), paid.ctx
        )
        await paid.sweep()
        await paid.later(timedelta(hours=49))  # past the dispute window: paid out
        admin = replace(paid.student, user_id=5, has_manage_guild=True)

        report = await stats.guild_stats(stats.ViewStats(admin, Period.WEEK), paid.ctx)

    assert report.paid is True
    [money] = report.stats.money
    assert (money.currency, money.captured, money.fees, money.refunded) == (
        "USD",
        TOTAL_MINOR,
        FEE_MINOR,
        0,
    )
    assert report.stats.completed_sessions == 1
