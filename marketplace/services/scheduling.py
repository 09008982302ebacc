"""What a booking change schedules: messages now, reminders and expiry later.

Each kind of work has a builder (`notice`, `expiry`, `reminders`...) that only says
what to schedule, and an async wrapper that schedules it. A use case that schedules
several things at once builds them and hands the lot to `schedule_all`: one INSERT.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from marketplace.domain.booking import Booking
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.scheduled import ActionKind, NewAction, booking_work
from marketplace.domain.spaces import closes_at, opens_at
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.ports.notice_details import NO_DETAILS, NoticeDetails

BOOKING_WORK = frozenset(
    {
        ActionKind.REMINDER,
        ActionKind.EXPIRE_REQUEST,
        ActionKind.ATTENDANCE_CHECK,
        ActionKind.AUTO_COMPLETE,
        ActionKind.OPEN_SPACE,
    }
)


async def schedule_all(uow: UnitOfWork, actions: Iterable[NewAction]) -> None:
    """Schedule every action (each once per dedupe key), in one statement."""
    await uow.scheduled.schedule_all(list(actions))


def notice(  # noqa: PLR0917 - a notice has this many facts
    booking: Booking,
    kind: NoticeKind,
    to_user: int,
    now: datetime,
    about: datetime | None = None,
    details: NoticeDetails = NO_DETAILS,
) -> NewAction:
    """One message to `to_user` about `booking`, once per booking version.

    `about` tells apart messages that don't change the version (each proposed time).
    """
    tag = f":{int(about.timestamp())}" if about else ""
    return booking_work(
        ActionKind.NOTIFY,
        booking,
        f"notify:{kind}:{booking.booking_id}:{to_user}:{booking.sequence}{tag}",
        now,
        user_id=to_user,
        payload={**details.fields(), "notice": kind.value},
    )


def notices_to_both(
    booking: Booking, kind: NoticeKind, now: datetime, details: NoticeDetails = NO_DETAILS
) -> list[NewAction]:
    """The same message to the student and the tutor."""
    return [
        notice(booking, kind, user, now, details=details)
        for user in (booking.student_id, booking.tutor_id)
    ]


async def notify(
    uow: UnitOfWork,
    booking: Booking,
    kind: NoticeKind,
    to_user: int,
    now: datetime,
    *,
    about: datetime | None = None,
    details: NoticeDetails = NO_DETAILS,
) -> None:
    """Queue one message to `to_user` about `booking`, once per booking version."""
    await uow.scheduled.schedule(notice(booking, kind, to_user, now, about, details))


async def notify_both(
    uow: UnitOfWork,
    booking: Booking,
    kind: NoticeKind,
    now: datetime,
    *,
    details: NoticeDetails = NO_DETAILS,
) -> None:
    """Queue the same message to the student and the tutor."""
    await schedule_all(uow, notices_to_both(booking, kind, now, details))


async def notify_user(  # noqa: PLR0917 - a notice has this many facts
    uow: UnitOfWork,
    guild_id: int,
    kind: NoticeKind,
    to_user: int,
    now: datetime,
    key: str,
    *,
    details: NoticeDetails = NO_DETAILS,
) -> None:
    """Queue one message to `to_user` about no booking, once per `key`."""
    await uow.scheduled.schedule(
        NewAction(
            kind=ActionKind.NOTIFY,
            dedupe_key=f"notify:{kind}:{guild_id}:{to_user}:{key}",
            guild_id=guild_id,
            due_at=now,
            user_id=to_user,
            payload={**details.fields(), "notice": kind.value},
        )
    )


def expiry(booking: Booking) -> NewAction:
    """Expire the request if nobody answers (or, awaiting payment, nobody pays) in time."""
    return booking_work(
        ActionKind.EXPIRE_REQUEST,
        booking,
        f"expire:{booking.booking_id}:{booking.state}",
        booking.expires_at,
    )


async def schedule_expiry(uow: UnitOfWork, booking: Booking) -> None:
    """Schedule the request's `expiry`."""
    await uow.scheduled.schedule(expiry(booking))


def reminders(booking: Booking, policy: GuildPolicy) -> list[NewAction]:
    """Reminders to both sides before the start, then the `session_checks`.

    One reminder per configured offset, keyed by the start time's sequence.
    """
    return [
        *(
            booking_work(
                ActionKind.REMINDER,
                booking,
                f"reminder:{booking.booking_id}:{offset}:{booking.sequence}",
                booking.start - timedelta(minutes=offset),
                payload={"offset_minutes": offset, "sequence": booking.sequence},
            )
            for offset in policy.reminder_offsets_minutes
        ),
        *session_checks(booking, policy),
    ]


async def schedule_reminders(uow: UnitOfWork, booking: Booking, policy: GuildPolicy) -> None:
    """Schedule the booking's `reminders` and session checks, in one statement."""
    await schedule_all(uow, reminders(booking, policy))


def session_checks(booking: Booking, policy: GuildPolicy) -> list[NewAction]:
    """The session space (open, close), the attendance check and auto-completion.

    Keyed by the booking's sequence: a moved booking gets fresh checks, and the old ones
    are skipped (dropped with the booking's work, and by the handlers' sequence check).
    """
    checks = (
        (ActionKind.OPEN_SPACE, opens_at(booking, policy)),
        (ActionKind.CLOSE_SPACE, closes_at(booking, policy)),
        (
            ActionKind.ATTENDANCE_CHECK,
            booking.start + timedelta(minutes=policy.no_show_after_minutes),
        ),
        (ActionKind.AUTO_COMPLETE, booking.end),
    )
    return [
        booking_work(
            kind,
            booking,
            f"{kind}:{booking.booking_id}:{booking.sequence}",
            due,
            payload={"sequence": booking.sequence},
        )
        for kind, due in checks
    ]


async def schedule_session_checks(uow: UnitOfWork, booking: Booking, policy: GuildPolicy) -> None:
    """Schedule the booking's `session_checks`, in one statement."""
    await schedule_all(uow, session_checks(booking, policy))


async def drop_booking_work(uow: UnitOfWork, booking: Booking, now: datetime) -> None:
    """The booking moved or ended: its pending reminders, expiry and checks no longer apply."""
    await uow.scheduled.skip_pending(booking.booking_id, BOOKING_WORK, now)


async def close_space_soon(uow: UnitOfWork, booking: Booking, now: datetime) -> None:
    """The booking was cancelled or moved: close its space now if it no longer serves it."""
    await uow.scheduled.schedule(
        booking_work(
            ActionKind.CLOSE_SPACE,
            booking,
            f"{ActionKind.CLOSE_SPACE}:{booking.booking_id}:{booking.sequence}:now",
            now,
        )
    )


async def schedule_nudge(
    uow: UnitOfWork, guild_id: int, student_id: int, started_at: datetime, policy: GuildPolicy
) -> None:
    """Nudge a student who has not booked within N days of /start (once per guild)."""
    await uow.scheduled.schedule(
        NewAction(
            kind=ActionKind.NUDGE,
            dedupe_key=f"nudge:{guild_id}:{student_id}",
            guild_id=guild_id,
            due_at=started_at + timedelta(days=policy.booking_nudge_days),
            user_id=student_id,
        )
    )
