"""The weekly report: which week it covers, when it goes out, the subjects in demand.

Issue 16 item 2. Every Monday at `REPORT_HOUR` in the guild's zone the `report_channel`
gets the last full ISO week's `/admin stats` figures and chart, and the week's subjects
most searched for, and most searched for without a bookable tutor (unmet demand).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from marketplace.domain.caps import iso_week
from marketplace.domain.scheduled import ActionKind, NewAction
from marketplace.domain.stats import Window

REPORT_HOUR = 8  # Monday 08:00 where the guild is
TOP_SUBJECTS = 5


def report_week(now: datetime, zone: ZoneInfo) -> Window:
    """The last full ISO week before `now` (Monday to Monday, local midnights)."""
    this_week = iso_week(now, zone)
    return iso_week(this_week.start - timedelta(seconds=1), zone)


def next_report_at(now: datetime, zone: ZoneInfo) -> datetime:
    """The next Monday `REPORT_HOUR`:00 in `zone` after `now`."""
    week = iso_week(now, zone)
    due = week.start + timedelta(hours=REPORT_HOUR)
    return due if due > now else week.end + timedelta(hours=REPORT_HOUR)


@dataclass(frozen=True, slots=True)
class SubjectDemand:
    """One subject's searches over the week, and how many found no bookable tutor."""

    subject: str
    searches: int
    unmet: int


def most_searched(demand: list[SubjectDemand]) -> list[SubjectDemand]:
    """The week's most searched subjects, most first."""
    ranked = sorted(demand, key=lambda d: (-d.searches, d.subject))
    return [d for d in ranked if d.searches][:TOP_SUBJECTS]


def most_unmet(demand: list[SubjectDemand]) -> list[SubjectDemand]:
    """The subjects most often searched without a bookable tutor, most first."""
    ranked = sorted(demand, key=lambda d: (-d.unmet, d.subject))
    return [d for d in ranked if d.unmet][:TOP_SUBJECTS]


def report_work(guild_id: int, now: datetime, zone: ZoneInfo) -> NewAction:
    """The guild's next weekly report, once per Monday whoever schedules it."""
    due = next_report_at(now, zone)
    return NewAction(
        kind=ActionKind.WEEKLY_REPORT,
        dedupe_key=f"{ActionKind.WEEKLY_REPORT}:{guild_id}:{due.date().isoformat()}",
        guild_id=guild_id,
        due_at=due,
    )
