"""Where a space opens when the guild set no sessions channel (issue 17), on the services.

The platform reports the channel it chose (`OpenedSpace.parent_choice`); the service makes
a found or created channel the guild's `sessions_channel` and tells the admins once, even
with two openers racing; the booking's own channel is told like a failure, once a day.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import timedelta

from marketplace.domain.spaces import TextPlace
from marketplace.ports import OpenedSpace, SpacePlan
from marketplace.services import bookings, spaces
from tests.services.marketplace_world import GUILD, TUTOR_ID, at, book_cmd, build_world
from tests.services.test_spaces import FakeSpaces

CHOSEN = 4242
BOOKED_IN = 777


@dataclass
class ChoosingSpaces(FakeSpaces):
    """Opens every space in `CHOSEN`, reached as `choice`; alerts keep their channel."""

    choice: str = "created"
    channel_alerts: list[tuple[str, int | None]] = field(default_factory=list)

    async def open(self, plan: SpacePlan) -> OpenedSpace:
        opened = await super().open(plan)
        parent = plan.booking_channel_id if self.choice == "booking_channel" else CHOSEN
        return replace(opened, parent_id=parent, parent_choice=self.choice)  # type: ignore[arg-type]

    async def alert_admins(
        self, guild_id, fallback_channel_id, reason, booking_id, channel_id=None
    ) -> None:
        await super().alert_admins(guild_id, fallback_channel_id, reason, booking_id)
        self.channel_alerts.append((reason, channel_id))


async def _policy(ctx):
    async with ctx.uow(read_only=True) as uow:
        return await uow.guilds.policy(GUILD)


async def _two_bookings(world, channel_id=None):
    made = []
    for start in (at(2, 10), at(2, 11, 30)):
        cmd = replace(book_cmd(world.student, TUTOR_ID, start), channel_id=channel_id)
        made.append(await bookings.book(cmd, world.ctx))
    return made


async def test_two_openers_racing_set_the_created_channel_once_and_tell_the_admins_once(
    service_context, clock
):
    world = await build_world(service_context, clock, instant=True)
    first, second = await _two_bookings(world)
    world.clock.set(second.start - timedelta(minutes=15))  # both are due
    fake = ChoosingSpaces()

    results = await asyncio.gather(
        spaces.open_space(first.booking_id, world.ctx, fake),
        spaces.open_space(second.booking_id, world.ctx, fake),
    )

    assert results == ["opened", "opened"]
    assert (await _policy(world.ctx)).sessions_channel == CHOSEN
    assert fake.channel_alerts == [("sessions_channel_created", CHOSEN)]
    for booking in (first, second):
        space = await spaces.live_space(booking.booking_id, world.ctx)
        assert space is not None
        assert space.text_place is TextPlace.THREAD


async def test_a_space_in_the_sessions_channel_changes_no_setting_and_tells_nobody(
    service_context, clock
):
    world = await build_world(service_context, clock, instant=True)
    [first, _] = await _two_bookings(world)
    world.clock.set(first.start - timedelta(minutes=15))
    fake = ChoosingSpaces(choice="")

    assert await spaces.open_space(first.booking_id, world.ctx, fake) == "opened"

    assert (await _policy(world.ctx)).sessions_channel is None
    assert fake.alerts == []


async def test_the_booking_channel_is_planned_and_told_once_a_day(service_context, clock):
    world = await build_world(service_context, clock, instant=True)
    first, second = await _two_bookings(world, channel_id=BOOKED_IN)
    fake = ChoosingSpaces(choice="booking_channel")

    for booking in (first, second):
        world.clock.set(booking.start - timedelta(minutes=15))
        assert await spaces.open_space(booking.booking_id, world.ctx, fake) == "opened"

    assert [p.booking_channel_id for p in fake.opened] == [BOOKED_IN, BOOKED_IN]
    assert fake.channel_alerts == [("sessions_channel_booking_channel", BOOKED_IN)]
    assert (await _policy(world.ctx)).sessions_channel is None
