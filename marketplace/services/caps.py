"""Weekly booking caps, checked where a booking takes time: book, accept, reschedule."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from marketplace.domain.booking import Booking
from marketplace.domain.caps import CapSide, WeeklyLoad, check_cap, iso_week
from marketplace.domain.policy import GuildPolicy
from marketplace.ports.unit_of_work import UnitOfWork

BOTH_SIDES = (CapSide.STUDENT, CapSide.TUTOR)


def _cap(policy: GuildPolicy, side: CapSide) -> int:
    if side is CapSide.STUDENT:
        return policy.student_weekly_hours_max
    return policy.tutor_weekly_hours_max


async def ensure_within_caps(
    uow: UnitOfWork, booking: Booking, policy: GuildPolicy, sides: Iterable[CapSide] = BOTH_SIDES
) -> None:
    """Refuse (`WeeklyCapError`) if the booking takes a side past its cap for its week.

    No cap set (the default), no query: the booking path stays as short as it was.
    """
    capped = [side for side in sides if _cap(policy, side) > 0]
    if not capped:
        return
    week = iso_week(booking.start, ZoneInfo(policy.timezone))
    minutes = int((booking.end - booking.start).total_seconds() // 60)
    for side in capped:
        member = booking.student_id if side is CapSide.STUDENT else booking.tutor_id
        booked = await uow.bookings.booked_minutes(
            booking.guild_id, member, side, week, exclude=booking.booking_id or None
        )
        check_cap(WeeklyLoad(side, member, week, booked), minutes, _cap(policy, side))
