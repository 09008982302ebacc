"""A group's freed seats go to its waitlist, first come first served, one timed offer each.

Whatever frees a seat (a cancelled seat, a checkout that expired, an offer that ran out)
calls `offer_freed_seats` in its own transaction, with the group locked: each free seat
is held for the next in line for `waitlist_claim_minutes`, they get a DM with **Claim
seat**, and a `SEAT_OFFER_ENDS` job passes the seat on if they let it go. Nothing is
charged until a claim takes the seat.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from marketplace.domain.booking import Booking
from marketplace.domain.groups import GroupSession, WaitlistPlace, WaitState
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.scheduled import ActionKind, ActionState, ClaimedAction, NewAction
from marketplace.jobs.runner import HandlerResult
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.ports.notice_details import GroupDetails
from marketplace.services import scheduling
from marketplace.services.context import ServiceContext


def group_details(group: GroupSession, **more: str) -> GroupDetails:
    """What a group's notices carry: which group, its title and start."""
    start = str(int(group.start.timestamp()))
    return GroupDetails(group=str(group.group_id), title=group.title, start=start, **more)


async def seat_freed(uow: UnitOfWork, booking: Booking, policy: GuildPolicy, now: datetime) -> None:
    """A seat booking stopped being live: offer its seat to the waitlist (a group seat only)."""
    if booking.group_id is None:
        return
    group = await uow.groups.get(booking.group_id, for_update=True)
    if group is not None:
        await offer_freed_seats(uow, group, policy, now)


async def offer_freed_seats(
    uow: UnitOfWork, group: GroupSession, policy: GuildPolicy, now: datetime
) -> int:
    """Hold each free seat for the next in line, and tell them; how many offers went out."""
    if not group.joinable(now):
        return 0
    count = await uow.groups.seat_count(group, now)
    offers = 0
    for _ in range(count.free):
        place = await uow.groups.first_waiting(group.group_id)
        if place is None:
            break
        await _offer(uow, group, place.offered(now, policy), now)
        offers += 1
    return offers


async def _offer(uow: UnitOfWork, group: GroupSession, place: WaitlistPlace, now: datetime) -> None:
    assert place.offered_until is not None  # noqa: S101 - `offered` sets it
    await uow.groups.put_place(place)
    until = str(int(place.offered_until.timestamp()))
    details = group_details(group, until=until)
    key = f"{group.group_id}:{until}"
    await scheduling.notify_user(
        uow, group.guild_id, NoticeKind.SEAT_OFFERED, place.user_id, now, key, details=details
    )
    await uow.scheduled.schedule(
        NewAction(
            kind=ActionKind.SEAT_OFFER_ENDS,
            dedupe_key=f"seat_offer:{place.entry_id}:{until}",
            guild_id=group.guild_id,
            due_at=place.offered_until,
            user_id=place.user_id,
            payload={"group": group.group_id},
        )
    )


async def offer_ends_job(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """An offer's time is up: unclaimed, the seat passes to the next in line."""
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        group = await uow.groups.get(int(action.payload["group"]), for_update=True)
        if group is None:
            return HandlerResult(ActionState.SKIPPED, "group gone")
        lapsed = await uow.groups.due_offers(group.group_id, now)
        for place in lapsed:
            await uow.groups.put_place(_passed(place))
        policy = await uow.guilds.policy(group.guild_id)
        offered = await offer_freed_seats(uow, group, policy, now)
        await uow.commit()
    return HandlerResult(ActionState.DONE, f"{len(lapsed)} lapsed, {offered} offered")


def _passed(place: WaitlistPlace) -> WaitlistPlace:
    return replace(place, state=WaitState.PASSED, offered_until=None)
