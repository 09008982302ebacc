"""Weekly booking caps: no one student or tutor takes all of a centre's time.

`student_weekly_hours_max` and `tutor_weekly_hours_max` (0 = no cap) bound the hours a
member has booked in one ISO week (Monday 00:00 to Monday 00:00 in the guild's zone).
A session counts in the week it starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from marketplace.domain.errors import DomainError
from marketplace.domain.stats import Window
from marketplace.domain.timezones import local_midnight


class CapSide(StrEnum):
    """Whose cap a booking would break."""

    STUDENT = "student"
    TUTOR = "tutor"


class WeeklyCapError(DomainError):
    """A booking would take a member past their weekly cap.

    `user_id` is that member and `side` which side they are; `booked_minutes` is what
    they already have booked in the week, which ends (and the cap resets) at `resets_at`.
    """

    def __init__(
        self, side: CapSide, user_id: int, cap_hours: int, booked_minutes: int, resets_at: datetime
    ) -> None:
        self.side = side
        self.user_id = user_id
        self.cap_hours = cap_hours
        self.booked_minutes = booked_minutes
        self.resets_at = resets_at
        super().__init__(f"{side} weekly cap {cap_hours} h reached ({booked_minutes} min booked)")


def iso_week(moment: datetime, zone: ZoneInfo) -> Window:
    """The ISO week (Monday to Monday, local midnights in `zone`) holding `moment`."""
    local_day = moment.astimezone(zone).date()
    monday = local_day - timedelta(days=local_day.weekday())
    return Window(local_midnight(monday, zone), local_midnight(monday + timedelta(days=7), zone))


@dataclass(frozen=True, slots=True)
class WeeklyLoad:
    """What one member already has booked in a week, and that week."""

    side: CapSide
    user_id: int
    week: Window
    booked_minutes: int


def check_cap(load: WeeklyLoad, adding_minutes: int, cap_hours: int) -> None:
    """Refuse the booking if it takes the member past the cap; 0 means no cap."""
    if cap_hours <= 0:
        return
    if load.booked_minutes + adding_minutes > cap_hours * 60:
        raise WeeklyCapError(load.side, load.user_id, cap_hours, load.booked_minutes, load.week.end)
