"""Drop-in office hours: who is next in the queue, Skip and Done, and the estimated wait.

SPEC.md section 3 "Series, groups and drop-ins" and issue 15 item 3. One or more tutors
open drop-in hours for a subject; students queue first come, first served, except that a
student helped in the last `queue_rejoin_minutes` goes behind everyone not yet helped.
**Next** calls the first in line, **Skip** (not here) sends them to the back once and the
second time out of the queue, **Done** ends the help and records its length.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from marketplace.domain.errors import ConflictError

MAX_SKIPS = 2  # the second Skip takes the student out of the queue
RECENT_HELPS = 20  # the estimate is the median of this many latest helps
MIN_HELP_WINDOW = timedelta(minutes=5)  # Next needs at least this much free time
MAX_HOURS = 12  # drop-in hours stay open at most this many hours at a time


class VisitState(StrEnum):
    """Where one student's visit to the queue is."""

    WAITING = "waiting"
    HELPING = "helping"  # called by a tutor, in a session space with them
    DONE = "done"  # helped; the help's length is recorded
    LEFT = "left"  # the student left the queue
    SKIPPED = "skipped"  # skipped twice: out of the queue
    CLOSED = "closed"  # the hours ended while the student was still waiting


IN_QUEUE = frozenset({VisitState.WAITING, VisitState.HELPING})


@dataclass(frozen=True, slots=True)
class DropInHours:
    """One subject's open drop-in hours in one guild, and the tutors serving them."""

    hours_id: int
    guild_id: int
    subject_key: str
    channel_id: int
    opened_by: int
    opened_at: datetime
    until: datetime
    tutor_ids: tuple[int, ...]
    message_id: int | None = None
    closed_at: datetime | None = None
    board_version: int = 0  # grows with every change the live queue message must show

    @property
    def is_open(self) -> bool:
        """Whether students can still join."""
        return self.closed_at is None

    def served_by(self, user_id: int) -> bool:
        """Whether `user_id` is one of the tutors serving these hours."""
        return user_id in self.tutor_ids


@dataclass(frozen=True, slots=True)
class Visit:
    """One student's place in one drop-in queue, from joining until they leave it.

    `order_at` is when their current place in line began (joining, or the Skip that sent
    them to the back); `behind` puts a student helped in the last `queue_rejoin_minutes`
    after everyone not yet helped.
    """

    visit_id: int
    hours_id: int
    guild_id: int
    student_id: int
    topic: str
    joined_at: datetime
    order_at: datetime
    state: VisitState = VisitState.WAITING
    behind: bool = False
    skips: int = 0
    tutor_id: int | None = None
    booking_id: int | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None

    def line_key(self) -> tuple[bool, datetime, int]:
        """Where the visit stands in line: the not-yet-helped first, then by time."""
        return (self.behind, self.order_at, self.visit_id)

    def called(self, tutor_id: int, booking_id: int, now: datetime) -> Visit:
        """A tutor pressed Next and this visit was first in line."""
        self._expect_waiting()
        return replace(
            self,
            state=VisitState.HELPING,
            tutor_id=tutor_id,
            booking_id=booking_id,
            started_at=now,
        )

    def skipped(self, now: datetime) -> Visit:
        """The tutor pressed Skip: back of the line once, out of the queue the second time."""
        self._expect_helping()
        skips = self.skips + 1
        if skips >= MAX_SKIPS:
            return replace(self, state=VisitState.SKIPPED, skips=skips, ended_at=now)
        return replace(
            self,
            state=VisitState.WAITING,
            skips=skips,
            order_at=now,
            tutor_id=None,
            booking_id=None,
            started_at=None,
        )

    def done(self, now: datetime) -> Visit:
        """The tutor pressed Done: the help is over and its length is recorded."""
        self._expect_helping()
        return replace(self, state=VisitState.DONE, ended_at=now)

    def left(self, now: datetime) -> Visit:
        """The student left the queue before being called."""
        self._expect_waiting()
        return replace(self, state=VisitState.LEFT, ended_at=now)

    def closed(self, now: datetime) -> Visit:
        """The hours ended: a waiting student is out of line, a help in progress is done."""
        if self.state is VisitState.HELPING:
            return self.done(now)
        self._expect_waiting()
        return replace(self, state=VisitState.CLOSED, ended_at=now)

    @property
    def help_minutes(self) -> float | None:
        """How long the help took, once it is done."""
        if self.state is not VisitState.DONE or self.started_at is None or not self.ended_at:
            return None
        return (self.ended_at - self.started_at).total_seconds() / 60

    def _expect_waiting(self) -> None:
        if self.state is not VisitState.WAITING:
            raise ConflictError("queue_not_waiting")

    def _expect_helping(self) -> None:
        if self.state is not VisitState.HELPING:
            raise ConflictError("queue_not_helping")


def goes_behind(last_helped_at: datetime | None, now: datetime, rejoin_minutes: int) -> bool:
    """Whether a student joining now was helped too recently to go ahead of the others."""
    if last_helped_at is None or rejoin_minutes <= 0:
        return False
    return now - last_helped_at < timedelta(minutes=rejoin_minutes)


def in_line(visits: Iterable[Visit]) -> list[Visit]:
    """The waiting visits, first in line first."""
    return sorted((v for v in visits if v.state is VisitState.WAITING), key=Visit.line_key)


def median_help_minutes(recent: Sequence[float], default_minutes: int) -> float:
    """The typical help: the median of the recent ones, else the guild's default."""
    return statistics.median(recent) if recent else float(default_minutes)


def estimated_wait_minutes(position: int, tutors: int, median_minutes: float) -> int:
    """Minutes until the student at `position` (1 = next) is likely called.

    Each tutor takes one student per typical help: the first `tutors` in line wait for
    the current helps to end, the next group for one more, and so on.
    """
    if position < 1:
        return 0
    rounds = math.ceil(position / max(tutors, 1))
    return max(1, round(rounds * median_minutes))


def help_end(now: datetime, longest: timedelta, next_busy: datetime | None) -> datetime:
    """When a drop-in help's session ends at the latest: before the tutor's next booking.

    `ConflictError("queue_tutor_busy")` when less than `MIN_HELP_WINDOW` is free.
    """
    end = now + longest
    if next_busy is not None and next_busy < end:
        end = next_busy
    if end - now < MIN_HELP_WINDOW:
        raise ConflictError("queue_tutor_busy")
    return end


@dataclass(frozen=True, slots=True)
class QueueBoard:
    """What the live queue message shows: who is helping whom, the line, the wait."""

    hours: DropInHours
    subject: str
    helping: tuple[tuple[int, int], ...]  # (tutor, student) pairs in progress
    waiting: int
    next_wait_minutes: int  # for someone joining now
    closed: bool


def board_of(
    hours: DropInHours, subject: str, visits: Sequence[Visit], median_minutes: float
) -> QueueBoard:
    """The live queue message's content for these hours and visits."""
    helping = tuple(
        (v.tutor_id, v.student_id)
        for v in visits
        if v.state is VisitState.HELPING and v.tutor_id is not None
    )
    waiting = len(in_line(visits))
    wait = estimated_wait_minutes(waiting + 1, len(hours.tutor_ids), median_minutes)
    return QueueBoard(hours, subject, helping, waiting, wait, closed=not hours.is_open)
