"""Platform disputes: open one with its evidence; an automated rule or a moderator decides.

SPEC.md "Disputes" (the rules are in `marketplace.domain.disputes`). Opening snapshots
the evidence (the session's status, the check-in times, what was sent about it) with the
statement. Where an automated rule decides, the dispute is closed at once; otherwise it
waits in `/mod queue` against `dispute_resolution_target_hours`. While it is open the
tutor's payout waits (`money_jobs.pay_out` skips it); the decision re-settles the money
through `payments.settle_booking` (the same durable moves and payout as any session) and
schedules a fresh payout of what is kept, so the ledger stays balanced. Every decision
goes to the audit log with who, when, what and why, and both sides are told.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marketplace.domain.attendance import Attendance
from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.disputes import (
    Dispute,
    DisputeOutcome,
    automated_outcome,
    can_open,
    dispute_deadline,
    ensure_can_open,
    parse_outcome,
    refund_split,
    resolve,
    settled_refund,
)
from marketplace.domain.disputes import open_dispute as new_dispute
from marketplace.domain.errors import ConflictError, InvalidTransitionError, NotFoundError
from marketplace.domain.evidence_files import MAX_DISPUTE_FILES, EvidenceFile, check_upload
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.scheduled import ActionKind
from marketplace.domain.settlement import FULL_REFUND, Outcome, outcome_split
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.ports.notice_details import DisputeOpenedDetails, DisputeResolvedDetails
from marketplace.services import payments, referral_credit, scheduling, sessions
from marketplace.services.actor import ByActor, OnBooking
from marketplace.services.context import (
    SYSTEM_ACTOR,
    ServiceContext,
    enter_guild,
    guild_booking,
)
from marketplace.services.moderation import require_moderator

CHOICES_LIMIT = 25
DELIVERIES_KEPT = 50
SESSION_LOG_KEPT = 500
"""The session log the evidence carries (sealed, like the statement)."""
_PAYOUTS = frozenset({ActionKind.PAY_OUT})


@dataclass(frozen=True, slots=True)
class OpenDispute(OnBooking):
    """`/dispute booking:` (or Open dispute on `/bookings`), with the modal's statement."""

    statement: str
    files: tuple[EvidenceFile, ...] = ()  # already kept (see domain.evidence_files)


@dataclass(frozen=True, slots=True)
class ResolveDispute(ByActor):
    """`/mod dispute case: outcome: [refund_percent] [note]`."""

    dispute_id: int
    outcome: str
    refund_percent: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class ListDisputable(ByActor):
    """`/dispute`'s booking choices: the caller's sessions that may be disputed now."""


async def disputable(command: ListDisputable, ctx: ServiceContext) -> list[Booking]:
    """The caller's sessions a dispute may be opened about now (none yet), latest first."""
    actor, now = command.actor, ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        policy = await uow.guilds.policy(actor.guild_id)
        found: list[Booking] = []
        for upcoming in (True, False):
            found += await uow.bookings.for_user(
                actor.guild_id, actor.user_id, upcoming=upcoming, now=now, limit=CHOICES_LIMIT
            )
        found = [b for b in found if can_open(b, policy, now)]
        taken = {b.booking_id for b in found if await uow.disputes.for_booking(b.booking_id)}
    return sorted(
        (b for b in found if b.booking_id not in taken), key=lambda b: b.start, reverse=True
    )[:CHOICES_LIMIT]


@dataclass(frozen=True, slots=True)
class CheckCanDispute(OnBooking):
    """`/dispute booking:` (or Open dispute) before the form opens, and again on submit."""


async def check_can_open(command: CheckCanDispute, ctx: ServiceContext) -> None:
    """Raise what `open_dispute` would, before its form is shown (the statement aside)."""
    actor, booking_id = command.actor, command.booking_id
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        booking = await guild_booking(uow, actor, booking_id)
        ensure_can_open(booking, actor.user_id, await uow.guilds.policy(booking.guild_id), now)
        if await uow.disputes.for_booking(booking_id) is not None:
            raise ConflictError("dispute_exists")


async def open_dispute(cmd: OpenDispute, ctx: ServiceContext) -> Dispute:
    """Open a dispute with its evidence; an automated rule that applies decides it at once.

    Refuses strangers (`PermissionDeniedError`), a session not held yet or past the window
    (`ConflictError` "dispute_not_held" / "dispute_window_closed"), a second dispute about
    the booking ("dispute_exists") and a bad statement (`InputError`).
    """
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        booking = await guild_booking(uow, actor, cmd.booking_id, for_update=True)
        policy = await uow.guilds.policy(booking.guild_id)
        party = ensure_can_open(booking, actor.user_id, policy, now)
        dispute = new_dispute(booking, party, actor.user_id, cmd.statement, now)
        if await uow.disputes.for_booking(booking.booking_id) is not None:
            raise ConflictError("dispute_exists")
        await enter_guild(uow, actor, ctx)
        attendance = Attendance.of(booking, await uow.attendance.check_ins(booking.booking_id))
        check_upload([f.size for f in cmd.files], MAX_DISPUTE_FILES)
        evidence = await _evidence(uow, booking, attendance)
        evidence["attachments"] = [f.to_json() for f in cmd.files]
        stored = await uow.disputes.add(dataclasses.replace(dispute, evidence=evidence))
        detail = {"dispute": stored.dispute_id, "booking": booking.booking_id, "role": party}
        await uow.audit.record(booking.guild_id, actor.user_id, "dispute.open", detail, now)
        other = booking.tutor_id if actor.user_id == booking.student_id else booking.student_id
        opened = DisputeOpenedDetails(str(stored.dispute_id))
        await scheduling.notify(uow, booking, NoticeKind.DISPUTE_OPENED, other, now, details=opened)
        rule = automated_outcome(booking, attendance, party, policy, now)
        if rule is not None:
            stored = await _apply_rule(uow, booking, stored, rule, policy, now)
        await uow.commit()
    ctx.after_commit()
    return stored


async def resolve_dispute(cmd: ResolveDispute, ctx: ServiceContext) -> Dispute:
    """A moderator decides an open dispute; the money follows and both sides are told.

    A session nobody closed yet is closed as completed first, so the decision settles it.
    """
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        await require_moderator(uow, actor, "mod_dispute")
        outcome = parse_outcome(cmd.outcome)
        dispute = await uow.disputes.get(actor.guild_id, cmd.dispute_id)
        if dispute is None:
            raise NotFoundError("dispute", str(cmd.dispute_id))
        booking = await guild_booking(uow, actor, dispute.booking_id, for_update=True)
        policy = await uow.guilds.policy(booking.guild_id)
        decided = resolve(
            dispute, actor.user_id, outcome, cmd.refund_percent, cmd.note, now,
            already_refunded=settled_refund(booking, policy),
        )  # fmt: skip
        if booking.state is BookingState.CONFIRMED:
            booking = await sessions.end_session(uow, booking, Outcome.COMPLETED, now)
        if outcome is DisputeOutcome.REFUND and decided.refund_percent is not None:
            split = refund_split(decided.refund_percent)
        else:
            split = outcome_split(booking.outcome or Outcome.COMPLETED, policy)
        await _resettle(uow, booking, decided, split, policy, now)
        await enter_guild(uow, actor, ctx)
        await _close(uow, booking, decided, now)
        await uow.commit()
    ctx.after_commit()
    return decided


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


async def _evidence(uow: UnitOfWork, booking: Booking, attendance: Attendance) -> dict[str, Any]:
    """What the records say about the session when the dispute was opened."""
    sent = await uow.deliveries.for_booking(booking.booking_id)
    said = await uow.session_logs.of_booking(booking.booking_id, limit=SESSION_LOG_KEPT)
    return {
        "state": booking.state.value,
        "outcome": None if booking.outcome is None else booking.outcome.value,
        "student": booking.student_id,
        "tutor": booking.tutor_id,
        "start": booking.start.isoformat(),
        "end": booking.end.isoformat(),
        "check_ins": {"student": _iso(attendance.student_at), "tutor": _iso(attendance.tutor_at)},
        "deliveries": [
            {"kind": kind, "to": user, "channel": channel, "at": at.isoformat()}
            for kind, user, channel, at in sent[-DELIVERIES_KEPT:]
        ],
        "session_log": [m.to_record() for m in said],
    }


async def _apply_rule(  # noqa: PLR0917 - the rule needs the whole picture
    uow: UnitOfWork,
    booking: Booking,
    dispute: Dispute,
    rule: Outcome,
    policy: GuildPolicy,
    now: datetime,
) -> Dispute:
    """Decide by the automated rule; left open when it would take back a refund already made."""
    split = outcome_split(rule, policy)
    refund, settled = split[0], settled_refund(booking, policy)
    if booking.state is BookingState.CONFIRMED:
        booking = await sessions.end_session(uow, booking, rule, now)  # settles by the rule
    elif refund < settled:
        return dispute
    elif refund > settled:
        await _resettle(uow, booking, dispute, split, policy, now)
    decided = resolve(dispute, SYSTEM_ACTOR, DisputeOutcome.REFUND, refund, rule.value, now)
    await _close(uow, booking, decided, now)
    return decided


async def _resettle(  # noqa: PLR0917
    uow: UnitOfWork,
    booking: Booking,
    dispute: Dispute,
    split: tuple[int, int],
    policy: GuildPolicy,
    now: datetime,
) -> None:
    """Settle the payment by the decision and release the (frozen) payout of what is kept."""
    payment = await uow.payments.get(booking.booking_id, for_update=True)
    if payment is None or not payment.authorized:
        return  # a free session, or nothing was paid: no money to move
    await uow.scheduled.skip_pending(booking.booking_id, _PAYOUTS, now)
    await payments.settle_booking(
        uow, booking, split, policy, now,
        tag=f"dispute-{dispute.dispute_id}",
        payout_key=f"payout:{booking.booking_id}:dispute-{dispute.dispute_id}",
        payout_due=max(now, dispute_deadline(booking, policy)),
    )  # fmt: skip


async def _close(uow: UnitOfWork, booking: Booking, decided: Dispute, now: datetime) -> None:
    """Store the decision (once), audit it, and tell both sides."""
    if not await uow.disputes.close(decided):
        raise InvalidTransitionError("dispute", "resolved", "decide")
    outcome = "" if decided.outcome is None else decided.outcome.value
    detail = {
        "dispute": decided.dispute_id,
        "booking": booking.booking_id,
        "outcome": outcome,
        "refund_percent": decided.refund_percent,
        "note": decided.note,
    }
    by = decided.resolved_by or SYSTEM_ACTOR
    await uow.audit.record(booking.guild_id, by, "dispute.resolve", detail, now)
    if decided.outcome is DisputeOutcome.REFUND and decided.refund_percent == FULL_REFUND[0]:
        await referral_credit.session_refunded(uow, booking.booking_id, now)
    resolved = DisputeResolvedDetails(outcome, str(decided.refund_percent or 0))
    await scheduling.notify_both(uow, booking, NoticeKind.DISPUTE_RESOLVED, now, details=resolved)


@dataclass(frozen=True, slots=True)
class ReadTargetHours(ByActor):
    """What a dispute's opener is told: how soon the moderators aim to decide."""


async def target_hours(command: ReadTargetHours, ctx: ServiceContext) -> int:
    """The guild's target for deciding a dispute (`dispute_resolution_target_hours`)."""
    async with ctx.uow(read_only=True) as uow:
        return (await uow.guilds.policy(command.actor.guild_id)).dispute_resolution_target_hours


async def open_window(bookings: list[Booking], guild_id: int, ctx: ServiceContext) -> set[int]:
    """Which of these bookings (of one guild) may be disputed right now (and have none)."""
    now = ctx.clock.now()
    async with ctx.uow(read_only=True) as uow:
        policy = await uow.guilds.policy(guild_id)
        within = [b.booking_id for b in bookings if can_open(b, policy, now)]
        return {b for b in within if await uow.disputes.for_booking(b) is None}


@dataclass(frozen=True, slots=True)
class ViewCaseFile(ByActor):
    """`/mod evidence dispute:`: a moderator reads one dispute's case file."""

    dispute_id: int


async def case_file(command: ViewCaseFile, ctx: ServiceContext) -> Dispute:
    """A dispute with its statement and evidence (log and attachments), for a moderator.

    Reading it is audited (`dispute.view`): the evidence holds both sides' private words.
    """
    actor, dispute_id = command.actor, command.dispute_id
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        await require_moderator(uow, actor, "mod_dispute")
        dispute = await uow.disputes.get(actor.guild_id, dispute_id)
        if dispute is None:
            raise NotFoundError("dispute", str(dispute_id))
        detail = {"dispute": dispute_id, "booking": dispute.booking_id}
        await uow.audit.record(actor.guild_id, actor.user_id, "dispute.view", detail, now)
        await uow.commit()
    return dispute
