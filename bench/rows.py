"""Row dictionaries for bulk `insert(table)`, in the shapes the storage models define.

Both the big search data set (sync engine) and the small worlds of the booking and
sweeper benchmarks (async engine, either backend) are built from these.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from marketplace.domain.availability import WeeklyRule
from marketplace.domain.subjects import DEFAULT_SUBJECTS, subject_key
from marketplace.storage.availability_repository import utc_week_range
from marketplace.storage.models import (
    AvailabilityRuleRow,
    BookingRow,
    GuildRow,
    MemberRow,
    RestrictionRow,
    ReviewRow,
    ScheduledActionRow,
    StudentProfileRow,
    StudentSubjectRow,
    SubjectRow,
    TutorProfileRow,
    TutorSubjectRow,
    UserBlockRow,
    UserRow,
)

Row = dict[str, Any]

# Snowflake-shaped ids from one fixed millisecond (2024-01-01): far below the ids the
# Discord emulator hands out now, so the two never collide.
ID_BASE = (1_704_067_200_000 - 1_420_070_400_000) << 22
GUILD_ID = ID_BASE + 1
GUILD_NAME = "Bench University"
FIRST_USER_ID = ID_BASE + 1_000

SUBJECT_KEYS = tuple(subject_key(name) for name in DEFAULT_SUBJECTS)
TABLES: dict[str, Table] = {
    "guild": GuildRow.__table__,  # type: ignore[dict-item]
    "subject": SubjectRow.__table__,  # type: ignore[dict-item]
    "app_user": UserRow.__table__,  # type: ignore[dict-item]
    "member": MemberRow.__table__,  # type: ignore[dict-item]
    "student_profile": StudentProfileRow.__table__,  # type: ignore[dict-item]
    "student_subject": StudentSubjectRow.__table__,  # type: ignore[dict-item]
    "tutor_profile": TutorProfileRow.__table__,  # type: ignore[dict-item]
    "tutor_subject": TutorSubjectRow.__table__,  # type: ignore[dict-item]
    "availability_rule": AvailabilityRuleRow.__table__,  # type: ignore[dict-item]
    "booking": BookingRow.__table__,  # type: ignore[dict-item]
    "review": ReviewRow.__table__,  # type: ignore[dict-item]
    "user_block": UserBlockRow.__table__,  # type: ignore[dict-item]
    "restriction": RestrictionRow.__table__,  # type: ignore[dict-item]
    "scheduled_action": ScheduledActionRow.__table__,  # type: ignore[dict-item]
}


def guild(now: datetime, guild_id: int = GUILD_ID, name: str = GUILD_NAME) -> Row:
    return {"id": guild_id, "name": name, "settings": {}, "created_at": now, "updated_at": now}


def subjects(guild_id: int = GUILD_ID) -> list[Row]:
    return [
        {"guild_id": guild_id, "key": subject_key(name), "name": name, "active": True}
        for name in DEFAULT_SUBJECTS
    ]


def user(user_id: int, zone: str | None, now: datetime, name: str = "") -> Row:
    row: Row = {"id": user_id, "timezone": zone, "created_at": now, "updated_at": now}
    if "display_name" in TABLES["app_user"].c:
        row["display_name"] = name or f"User {user_id - FIRST_USER_ID}"
    return row


def member(
    user_id: int, role: str, interests: Iterable[str], *, level: str, now: datetime, guild_id: int
) -> Row:
    return {
        "guild_id": guild_id,
        "user_id": user_id,
        "role": role,
        "interests": ",".join(interests),
        "level": level,
        "started_at": now,
        "updated_at": now,
    }


def student_profile(user_id: int, now: datetime, guild_id: int) -> Row:
    return {"guild_id": guild_id, "user_id": user_id, "goals": "", "updated_at": now}


def student_subject(user_id: int, key: str, level: str, guild_id: int) -> Row:
    return {"guild_id": guild_id, "user_id": user_id, "subject_key": key, "level": level}


def tutor_profile(
    user_id: int,
    now: datetime,
    guild_id: int,
    *,
    rate_minor: int = 2500,
    instant: bool = False,
    verification: str = "none",
    status: str = "active",
    next_slot_at: datetime | None = None,
    penalty_until: datetime | None = None,
    sessions_held: int = 0,
    sessions_dropped: int = 0,
    review_count: int = 0,
    review_star_sum: int = 0,
) -> Row:
    return {
        "guild_id": guild_id,
        "user_id": user_id,
        "rate_minor": rate_minor,
        "currency": "USD",
        "bio": f"Peer tutor {user_id % 100_000}: patient, practical, exam-focused sessions.",
        "formats": "text,voice",
        "instant_booking": instant,
        "verification": verification,
        "status": status,
        "payouts_enabled": False,
        "next_slot_at": next_slot_at,
        "penalty_until": penalty_until,
        "sessions_held": sessions_held,
        "sessions_dropped": sessions_dropped,
        "review_count": review_count,
        "review_star_sum": review_star_sum,
        "created_at": now,
        "updated_at": now,
    }


def tutor_subject(user_id: int, key: str, level: str, guild_id: int) -> Row:
    return {
        "guild_id": guild_id,
        "user_id": user_id,
        "subject_key": key,
        "level": level,
        "teaches": True,
    }


def rule(
    tutor_id: int,
    weekday: int,
    start_minute: int,
    end_minute: int,
    *,
    zone: str,
    now: datetime,
    guild_id: int,
) -> Row:
    weekly = WeeklyRule(
        weekday,
        time(start_minute // 60 % 24, start_minute % 60),
        time(end_minute // 60 % 24, end_minute % 60),
        zone,
    )
    week_start, week_end = utc_week_range(weekly, now)
    return {
        "guild_id": guild_id,
        "tutor_id": tutor_id,
        "weekday": weekday,
        "start_minute": start_minute,
        "end_minute": end_minute % 1440,
        "zone": zone,
        "valid_from": None,
        "valid_until": None,
        "utc_week_start": week_start,
        "utc_week_end": week_end,
        "created_at": now,
    }


def refresh_action(tutor_id: int, next_slot: datetime, notice: timedelta, guild_id: int) -> Row:
    """The pending REFRESH_NEXT_SLOT row `refresh_next_slot` leaves behind for a tutor."""
    return {
        "kind": "refresh_next_slot",
        "dedupe_key": f"refresh:{guild_id}:{tutor_id}:{int(next_slot.timestamp())}",
        "guild_id": guild_id,
        "booking_id": None,
        "user_id": tutor_id,
        "due_at": next_slot - (notice - timedelta(minutes=1)),
        "payload": {},
        "state": "pending",
        "attempts": 0,
    }


LIVE_STATES = frozenset({"requested", "awaiting_payment", "confirmed"})
BUFFER = timedelta(minutes=10)


def booking(
    *,
    guild_id: int,
    student_id: int,
    tutor_id: int,
    subject: str,
    start: datetime,
    minutes: int,
    state: str,
    created_at: datetime,
    rate_minor: int,
    instant: bool,
    cancelled_by: str | None = None,
    cancelled_at: datetime | None = None,
) -> Row:
    end = start + timedelta(minutes=minutes)
    expires = min(created_at + timedelta(hours=24), start - timedelta(hours=2))
    return {
        "guild_id": guild_id,
        "student_id": student_id,
        "tutor_id": tutor_id,
        "subject_key": subject,
        "start_at": start,
        "end_at": end,
        "block_start": start,
        "block_end": end + BUFFER,
        "live": state in LIVE_STATES,
        "state": state,
        "created_at": created_at,
        "updated_at": cancelled_at or created_at,
        "expires_at": max(expires, created_at),
        "note": "",
        "price_minor": rate_minor * minutes // 60,
        "currency": "USD",
        "cancelled_by": cancelled_by,
        "cancelled_at": cancelled_at,
        "cancelled_late": False,
        "cancelled_after_start": False,
        "proposed_start": None,
        "proposed_end": None,
        "proposed_by": None,
        "sequence": 1 if cancelled_by else 0,
        "instant": instant,
        "version": 1 if state != "requested" else 0,
    }


def review(  # noqa: PLR0917 - one call site, positional for speed
    booking: Row, reviewer_id: int, reviewee_id: int, stars: int, status: str, at: datetime
) -> Row:
    """A review of `booking` (which must carry its `id`); the four ratings follow the stars."""
    good = stars >= 4
    return {
        "guild_id": booking["guild_id"],
        "booking_id": booking["id"],
        "reviewer_id": reviewer_id,
        "reviewee_id": reviewee_id,
        "stars": stars,
        "on_time": stars >= 3,
        "explained_clearly": good,
        "helped_understand": good,
        "would_book_again": good,
        "text": "",
        "status": status,
        "created_at": at,
        "edited_at": None,
        "reply": "",
        "replied_at": None,
    }


async def insert_rows(connection: AsyncConnection, table: str, rows: list[Row]) -> None:
    """Bulk insert through SQLAlchemy Core (executemany), in batches."""
    for start in range(0, len(rows), 5_000):
        await connection.execute(insert(TABLES[table]), rows[start : start + 5_000])
