"""Weekly series: the weeks listed before Confirm."""

from __future__ import annotations

from bot import texts
from bot.presenters.bookings import ts
from bot.presenters.text_limits import MESSAGE_CONTENT_MAX, fit_joined
from marketplace.services.series import SeriesPlan


def plan_text(plan: SeriesPlan, minutes: int, tutor_id: int, viewer_id: int) -> str:
    """The question before Confirm, then every week: booked, or skipped and why."""
    head = texts.SERIES_CONFIRM.format(count=len(plan.bookable), minutes=minutes, tutor=tutor_id)
    return _with_weeks(head, plan, viewer_id)


def move_text(plan: SeriesPlan, booking_id: int, tutor_id: int, viewer_id: int) -> str:
    """Before Confirm of "this and the following": each week's new time, or why it stays."""
    head = texts.SERIES_MOVE_CONFIRM.format(
        booking=booking_id, count=len(plan.bookable), tutor=tutor_id
    )
    return _with_weeks(head, plan, viewer_id)


def _with_weeks(head: str, plan: SeriesPlan, viewer_id: int) -> str:
    lines = [head]
    for planned in plan.weeks:
        start = planned.week.start
        if start is None:
            lines.append(texts.SERIES_WEEK_GAP.format(week=planned.week.index + 1))
        elif planned.refusal is not None:
            why = texts.describe_error(planned.refusal, viewer_id)
            lines.append(texts.SERIES_WEEK_SKIPPED.format(start=ts(start), why=why))
        else:
            lines.append(texts.SERIES_WEEK_OK.format(start=ts(start)))
    return fit_joined(lines, MESSAGE_CONTENT_MAX, "\n")
