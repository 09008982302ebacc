"""Reports and the moderator queue: open a case, list, resolve, look back at a user.

Restrictions are in `marketplace.services.restrictions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from marketplace.domain.card_disputes import CardDispute
from marketplace.domain.cases import (
    Case,
    check_report_quota,
    open_case,
    parse_action,
    resolve,
)
from marketplace.domain.disputes import Dispute
from marketplace.domain.errors import (
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.domain.offenses import OffenseCounts
from marketplace.domain.refund_failures import RefundFailure
from marketplace.domain.restrictions import Restriction
from marketplace.domain.reviews import Review
from marketplace.formatting import DEFAULT_LOCALE, guild_locale
from marketplace.ports import UnitOfWork
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext, enter_guild, seat_booking
from marketplace.services.guild_admin import rights

QUEUE_PAGE_SIZE = 5
HISTORY_LIMIT = 15
CARD_DISPUTES_SHOWN = 5
REFUND_FAILURES_SHOWN = 5
HELD_REVIEWS_SHOWN = 5
DISPUTES_SHOWN = 10
FAILED_WORK_SHOWN = 5
REPEAT_OFFENDERS_SHOWN = 10
FAILED_WORK_ACTION = "job_failed"  # written by the job handlers when work gives up


@dataclass(frozen=True, slots=True)
class ReportUser:
    """`/report target: reason: [booking]`."""

    actor: Actor
    target_id: int
    reason: str
    booking_id: int | None = None


@dataclass(frozen=True, slots=True)
class ResolveCase:
    """`/mod resolve case: action: [note]`, or the Resolve button's modal."""

    actor: Actor
    case_id: int
    action: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class FailedWork:
    """Scheduled work that failed its last attempt (read-only in the queue)."""

    kind: str
    booking_id: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class OpenDisputeLine:
    """An open platform dispute in the queue, with when its decision is due."""

    dispute: Dispute
    due_at: datetime
    overdue: bool


@dataclass(frozen=True, slots=True)
class ModQueue:
    """One page of open cases, oldest first, plus what else needs a moderator's eye."""

    cases: list[Case]
    total: int
    page: int
    pages: int
    card_disputes: list[CardDispute]
    held_reviews: list[Review] = field(default_factory=list)
    disputes: list[OpenDisputeLine] = field(default_factory=list)
    failed_work: list[FailedWork] = field(default_factory=list)
    refund_failures: list[RefundFailure] = field(default_factory=list)
    locale: str = DEFAULT_LOCALE  # the guild's, for amounts
    repeat_offenders: list[OffenseCounts] = field(default_factory=list)
    offense_window_days: int = 90


async def require_moderator(uow: UnitOfWork, actor: Actor, action: str) -> None:
    """Refuse anyone without the moderator role or Manage Server, server-side."""
    if not (await rights(uow, actor)).is_moderator:
        raise PermissionDeniedError(action, "moderator")


async def check_moderator(actor: Actor, ctx: ServiceContext) -> None:
    """Raise PermissionDeniedError unless the actor moderates their guild."""
    async with ctx.uow(read_only=True) as uow:
        await require_moderator(uow, actor, "mod")


async def report(cmd: ReportUser, ctx: ServiceContext) -> Case:
    """Open a case for the moderators; the reporter's daily quota is enforced."""
    actor, now = cmd.actor, ctx.clock.now()
    case = open_case(actor.guild_id, actor.user_id, cmd.target_id, cmd.booking_id, cmd.reason, now)
    async with ctx.uow() as uow:
        await enter_guild(uow, actor, ctx)
        policy = await uow.guilds.policy(actor.guild_id)
        made = await uow.cases.reported_since(
            actor.guild_id, actor.user_id, now - timedelta(days=1)
        )
        check_report_quota(made, policy.reports_per_day)
        if cmd.booking_id is not None:
            await _check_booking(uow, actor, cmd.booking_id)
        stored = await uow.cases.add(case)
        await uow.audit.record(
            actor.guild_id,
            actor.user_id,
            "case.report",
            {"case": stored.case_id, "target": cmd.target_id, "booking": cmd.booking_id},
            now,
        )
        await uow.commit()
    return stored


async def _check_booking(uow: UnitOfWork, actor: Actor, booking_id: int) -> None:
    """A reported booking must be one of the reporter's own, in this guild."""
    booking = await seat_booking(uow, actor, booking_id)
    if actor.user_id not in (booking.student_id, booking.tutor_id):
        raise NotFoundError("booking", str(booking_id))


@dataclass(frozen=True, slots=True)
class ModerationQueue:
    """`/mod queue`: one page of open cases."""

    actor: Actor
    page: int


async def queue(command: ModerationQueue, ctx: ServiceContext) -> ModQueue:
    """One page (1-based) of the guild's open cases, for a moderator."""
    actor, page = command.actor, command.page
    async with ctx.uow(read_only=True) as uow:
        await require_moderator(uow, actor, "mod_queue")
        total = await uow.cases.count_open(actor.guild_id)
        pages = max(1, -(-total // QUEUE_PAGE_SIZE))
        page = min(max(1, page), pages)
        cases = await uow.cases.open_cases(
            actor.guild_id, limit=QUEUE_PAGE_SIZE, offset=(page - 1) * QUEUE_PAGE_SIZE
        )
        card_disputes = await uow.card_disputes.open_in_guild(actor.guild_id, CARD_DISPUTES_SHOWN)
        refund_failures = await uow.refund_failures.open_in_guild(
            actor.guild_id, REFUND_FAILURES_SHOWN
        )
        held = await uow.reviews.held(actor.guild_id, HELD_REVIEWS_SHOWN)
        gave_up = await uow.audit.of_action(actor.guild_id, FAILED_WORK_ACTION, FAILED_WORK_SHOWN)
        open_disputes = await uow.disputes.open_disputes(actor.guild_id, DISPUTES_SHOWN)
        policy = await uow.guilds.policy(actor.guild_id)
        since = ctx.clock.now() - timedelta(days=policy.repeat_offense_window_days)
        offenders = [
            c
            for c in await uow.offenses.all_since(actor.guild_id, since)
            if c.reaches(policy.repeat_offense_threshold)
        ][:REPEAT_OFFENDERS_SHOWN]
    target = timedelta(hours=policy.dispute_resolution_target_hours)
    now = ctx.clock.now()
    lines = [
        OpenDisputeLine(d, d.created_at + target, now > d.created_at + target)
        for d in open_disputes
    ]
    failed = [
        FailedWork(
            str(d.get("kind", "")), b if isinstance(b := d.get("booking"), int) else None, at
        )
        for at, d in gave_up
    ]
    return ModQueue(
        cases, total, page, pages, card_disputes, held, lines, failed, refund_failures,
        guild_locale(policy.languages), offenders, policy.repeat_offense_window_days,
    )  # fmt: skip


async def resolve_case(cmd: ResolveCase, ctx: ServiceContext) -> Case:
    """Close an open case with a recorded action; the decision goes into the audit log."""
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        await require_moderator(uow, actor, "mod_resolve")
        action = parse_action(cmd.action)
        case = await uow.cases.get(actor.guild_id, cmd.case_id)
        if case is None:
            raise NotFoundError("case", str(cmd.case_id))
        closed = resolve(case, actor.user_id, action, cmd.note, now)
        if not await uow.cases.close(closed):
            raise InvalidTransitionError("case", "resolved", "resolve")
        await enter_guild(uow, actor, ctx)
        await uow.audit.record(
            actor.guild_id,
            actor.user_id,
            "case.resolve",
            {
                "case": closed.case_id,
                "target": closed.target_id,
                "action": action.value,
                "note": closed.note,
            },
            now,
        )
        await uow.commit()
    return closed


@dataclass(frozen=True, slots=True)
class OffenseRecord:
    """What counts against a member over the guild's window, and whether it is too much."""

    counts: OffenseCounts
    window_days: int
    threshold: int

    @property
    def repeat_offender(self) -> bool:
        """At or over the guild's `repeat_offense_threshold`."""
        return self.counts.reaches(self.threshold)


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """`/mod history` of a member: past cases, the last restriction, the offense record."""

    cases: list[Case]
    restriction: Restriction | None
    offenses: OffenseRecord


@dataclass(frozen=True, slots=True)
class CaseHistory:
    """`/mod history`: a member's record."""

    actor: Actor
    user_id: int


async def history(command: CaseHistory, ctx: ServiceContext) -> MemberRecord:
    """A member's record for a moderator, in one read.

    Their cases as the reported party (newest first), their last restriction (in force or
    ended), and the upheld cases, upheld flags and restrictions over the guild's window.
    """
    actor, user_id = command.actor, command.user_id
    async with ctx.uow(read_only=True) as uow:
        await require_moderator(uow, actor, "mod_history")
        cases = await uow.cases.about(actor.guild_id, user_id, HISTORY_LIMIT)
        restriction = await uow.blocks.latest(actor.guild_id, user_id)
        policy = await uow.guilds.policy(actor.guild_id)
        since = ctx.clock.now() - timedelta(days=policy.repeat_offense_window_days)
        counts = await uow.offenses.of_member(actor.guild_id, user_id, since)
    window, threshold = policy.repeat_offense_window_days, policy.repeat_offense_threshold
    return MemberRecord(cases, restriction, OffenseRecord(counts, window, threshold))


# --- Restrictions -------------------------------------------------------------------------
