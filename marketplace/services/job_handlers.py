"""What each kind of scheduled work does. Each acts only if the booking still expects it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from marketplace.domain.booking import Booking, BookingState
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.scheduled import (
    ActionKind,
    ActionState,
    ClaimedAction,
    carries_check_in,
    delivery_nonce,
)
from marketplace.jobs.runner import Handler, HandlerResult
from marketplace.ports import Notice, NoticeKind, Notifier, SessionSpaces
from marketplace.ports.dropin import QueueBoards
from marketplace.ports.notice_details import (
    NO_DETAILS,
    ExpiredDetails,
    NoticeDetails,
    ReminderDetails,
)
from marketplace.ports.notify import notice_details
from marketplace.services import (
    attendance,
    card_disputes,
    checkout,
    dropin,
    group_waitlist,
    groups,
    money_jobs,
    payments,
    referrals,
    scheduling,
    series_jobs,
    session_messages,
    spaces,
    weekly_report,
)
from marketplace.services.availability import refresh_next_slot
from marketplace.services.context import SYSTEM_ACTOR, ServiceContext
from marketplace.services.weekly_report import ReportChannel

DM_RETRY_AFTER = timedelta(hours=24)


def _reminder_nonces(
    action: ClaimedAction, booking: Booking, offset: int
) -> tuple[tuple[int, str], ...]:
    """Who a reminder goes to, each with its nonce.

    A group's tutor gets one reminder per group: its nonce is the group's, so the first
    seat's reminder sends it and the other seats' see it sent.
    """
    tutor_nonce = action.nonce_for("t")
    if booking.group_id is not None:
        tutor_nonce = delivery_nonce(f"tbg{booking.group_id}r{offset}")
    return ((booking.student_id, action.nonce_for("s")), (booking.tutor_id, tutor_nonce))


EXPIRABLE = frozenset({BookingState.REQUESTED, BookingState.AWAITING_PAYMENT})


def _skip(why: str) -> HandlerResult:
    return HandlerResult(ActionState.SKIPPED, why)


def _done(what: str) -> HandlerResult:
    return HandlerResult(ActionState.DONE, what)


class Handlers:
    """Handlers bound to the services, a notifier and the session spaces.

    Without session spaces (None) the space work is skipped.
    """

    def __init__(
        self,
        ctx: ServiceContext,
        notifier: Notifier,
        spaces: SessionSpaces | None = None,
        boards: QueueBoards | None = None,
        reports: ReportChannel | None = None,
    ) -> None:
        self.ctx = ctx
        self.notifier = notifier
        self.spaces = spaces
        self.boards = boards
        self.reports = reports

    def by_kind(self) -> Mapping[ActionKind, Handler]:
        """The handler for each kind the runner may claim."""
        return {
            ActionKind.NOTIFY: self.notify,
            ActionKind.REMINDER: self.remind,
            ActionKind.EXPIRE_REQUEST: self.expire,
            ActionKind.NUDGE: self.nudge,
            ActionKind.REFRESH_NEXT_SLOT: self.refresh_next_slot,
            ActionKind.MOVE_MONEY: lambda action: money_jobs.move_money(action, self.ctx),
            ActionKind.PAY_OUT: lambda action: money_jobs.pay_out(action, self.ctx),
            ActionKind.RETRY_REFUND: lambda action: money_jobs.retry_refund(action, self.ctx),
            ActionKind.REVERSE_PAYOUT: lambda action: card_disputes.reverse_payout(
                action, self.ctx
            ),
            ActionKind.ATTENDANCE_CHECK: lambda action: attendance.check_attendance(
                action, self.ctx
            ),
            ActionKind.AUTO_COMPLETE: lambda action: attendance.auto_complete(action, self.ctx),
            ActionKind.OPEN_SPACE: self.open_space,
            ActionKind.CLOSE_SPACE: self.close_space,
            ActionKind.SWEEP_SPACES: self.sweep_spaces,
            ActionKind.ALERT_ADMINS: self.alert_admins,
            ActionKind.PURGE_SESSION_LOG: lambda action: session_messages.purge_log(
                action, self.ctx
            ),
            ActionKind.SHOW_QUEUE: self.show_queue,
            ActionKind.CLOSE_HOURS: lambda action: dropin.close_due(action, self.ctx),
            ActionKind.WEEKLY_REPORT: self.weekly_report,
            ActionKind.SEAT_OFFER_ENDS: lambda action: group_waitlist.offer_ends_job(
                action, self.ctx
            ),
            ActionKind.GROUP_MIN_SEATS: lambda action: groups.min_seats_job(action, self.ctx),
            ActionKind.AUTHORIZE_WEEK: lambda action: series_jobs.authorize_week(action, self.ctx),
            ActionKind.WEEK_PAY_DEADLINE: lambda action: series_jobs.week_pay_deadline(
                action, self.ctx
            ),
            ActionKind.GRANT_REFERRAL: lambda action: referrals.grant_due(action, self.ctx),
        }

    async def gave_up(self, action: ClaimedAction, error: str) -> None:
        """A row failed for good: put it in the audit log, where `/mod queue` shows it.

        A space that could not be closed stops being retried, and the admins are told.
        """
        detail = {"kind": action.kind.value, "action": action.action_id, "error": error[:300]}
        if action.booking_id is not None:
            detail["booking"] = action.booking_id
        async with self.ctx.uow() as uow:
            await uow.audit.record(
                action.guild_id, SYSTEM_ACTOR, "job_failed", detail, self.ctx.clock.now()
            )
            await uow.commit()
        if action.kind is ActionKind.CLOSE_SPACE and action.booking_id is not None:
            await spaces.give_up_closing(action.booking_id, self.ctx, self.spaces)

    async def alert_admins(self, action: ClaimedAction) -> HandlerResult:
        """Tell the guild's admins (fallback channel, else the owner) what needs them."""
        if self.spaces is None:
            return _skip("no way to reach the admins")
        reason = str(action.payload.get("reason", ""))
        async with self.ctx.uow(read_only=True) as uow:
            policy = await uow.guilds.policy(action.guild_id)
        await self.spaces.alert_admins(
            action.guild_id, policy.fallback_channel, reason, action.booking_id or 0
        )
        return _done(f"admins told: {reason}")

    async def open_space(self, action: ClaimedAction) -> HandlerResult:
        """Open the session's space, if the booking still has this time."""
        booking = await self._booking(action)
        if self.spaces is None:
            return _skip("no session spaces")
        if booking is None or action.payload.get("sequence") != booking.sequence:
            return _skip("booking moved or gone")
        return _done(await spaces.open_space(booking.booking_id, self.ctx, self.spaces))

    async def close_space(self, action: ClaimedAction) -> HandlerResult:
        """Close the session's space if it no longer serves the booking."""
        if self.spaces is None or action.booking_id is None:
            return _skip("no session spaces")
        return _done(await spaces.close_space(action.booking_id, self.ctx, self.spaces))

    async def show_queue(self, action: ClaimedAction) -> HandlerResult:
        """Post or edit a drop-in queue's live message."""
        if self.boards is None:
            return _skip("no queue messages")
        return await dropin.show_board(action, self.ctx, self.boards)

    async def weekly_report(self, action: ClaimedAction) -> HandlerResult:
        """Post the guild's weekly report and schedule the next one."""
        if self.reports is None:
            return _skip("no report channel to post in")
        return await weekly_report.send_due(action, self.ctx, self.reports)

    async def sweep_spaces(self, action: ClaimedAction) -> HandlerResult:
        """The reconciler: close spaces whose booking is over, then come back later."""
        if self.spaces is None:
            return _skip("no session spaces")
        return await spaces.sweep_job(action, self.ctx)

    async def _deliver(
        self,
        action: ClaimedAction,
        *,
        kind: NoticeKind,
        user_id: int,
        booking: Booking | None,
        nonce: str,
        details: NoticeDetails = NO_DETAILS,
    ) -> str:
        """Send one notice, then record how it went out (and closed DMs)."""
        now = self.ctx.clock.now()
        async with self.ctx.uow(read_only=True) as uow:
            try_dm = not await uow.deliveries.dms_closed(user_id, now)
        counterpart = None
        if booking is not None:
            counterpart = booking.tutor_id if user_id == booking.student_id else booking.student_id
        outcome = await self.notifier.deliver(
            Notice(kind, action.guild_id, user_id, nonce, booking, counterpart, try_dm, details)
        )
        async with self.ctx.uow() as uow:
            await uow.deliveries.record(
                nonce=nonce, guild_id=action.guild_id, user_id=user_id,
                booking_id=booking.booking_id if booking else None, kind=kind.value,
                channel=outcome.channel, now=now,
            )  # fmt: skip
            if outcome.dm_closed:
                await uow.deliveries.mark_dms_closed(user_id, now, now + DM_RETRY_AFTER)
            await uow.commit()
        return outcome.channel

    async def _already_sent(self, nonce: str) -> bool:
        async with self.ctx.uow(read_only=True) as uow:
            return await uow.deliveries.delivered(nonce)

    async def _booking(self, action: ClaimedAction) -> Booking | None:
        if action.booking_id is None:
            return None
        async with self.ctx.uow(read_only=True) as uow:
            return await uow.bookings.get(action.booking_id)

    async def notify(self, action: ClaimedAction) -> HandlerResult:
        """Deliver a queued message (the outbox)."""
        if action.user_id is None:
            return _skip("no recipient")
        booking = await self._booking(action)
        kind = NoticeKind(str(action.payload.get("notice")))
        channel = await self._deliver(
            action,
            kind=kind,
            user_id=action.user_id,
            booking=booking,
            nonce=action.nonce,
            details=notice_details(kind, action.payload),
        )
        return _done(f"{kind} via {channel}")

    async def remind(self, action: ClaimedAction) -> HandlerResult:
        """Remind both sides, if the booking is still on at that time and it still helps."""
        booking = await self._booking(action)
        now = self.ctx.clock.now()
        if booking is None or booking.state is not BookingState.CONFIRMED:
            return _skip("booking not confirmed")
        if action.payload.get("sequence") != booking.sequence:
            return _skip("booking moved")
        offset = int(action.payload.get("offset_minutes", 0))
        async with self.ctx.uow(read_only=True) as uow:
            policy = await uow.guilds.policy(booking.guild_id)
        if not _still_useful(booking, offset, policy, now):
            return _skip("too late to be useful")
        space_id = None
        if self.spaces is not None:
            space = await spaces.opened_for_reminder(booking.booking_id, self.ctx, self.spaces)
            space_id = space.text_id if space is not None else None
        details = ReminderDetails(
            offset, carries_check_in(offset, policy.reminder_offsets_minutes), space_id
        )
        for user, nonce in _reminder_nonces(action, booking, offset):
            if await self._already_sent(nonce):
                continue  # a retry after the other side failed: this side has it already
            await self._deliver(
                action,
                kind=NoticeKind.REMINDER,
                user_id=user,
                booking=booking,
                nonce=nonce,
                details=details,
            )
        return _done("reminded both")

    async def expire(self, action: ClaimedAction) -> HandlerResult:
        """Expire a request nobody answered (or paid for); any hold is released."""
        if action.booking_id is None:
            return _skip("no booking")
        if await self._paid_at_the_last_minute(action.booking_id):
            return _skip("paid just in time")
        now = self.ctx.clock.now()
        async with self.ctx.uow() as uow:
            booking = await uow.bookings.get(action.booking_id, for_update=True)
            if booking is None or booking.state not in EXPIRABLE:
                return _skip("no longer requested")
            if now < booking.expires_at:
                return _skip("not yet due")
            policy = await uow.guilds.policy(booking.guild_id)
            unpaid = booking.state is BookingState.AWAITING_PAYMENT
            booking, _ = booking.expire(now)
            await uow.bookings.save(booking, timedelta(minutes=policy.buffer_minutes), now)
            await payments.release_hold(uow, booking, policy, now)
            await group_waitlist.seat_freed(uow, booking, policy, now)
            membership = await uow.series.membership(booking.booking_id)
            if membership is not None and not membership.is_first:
                pass  # a series' later week: its first week's notice speaks for the series
            elif unpaid:  # the tutor never saw it
                unpaid_notice = ExpiredDetails(unpaid=True)
                await scheduling.notify(
                    uow, booking, NoticeKind.BOOKING_EXPIRED, booking.student_id, now,
                    details=unpaid_notice,
                )  # fmt: skip
            else:
                for user in (booking.student_id, booking.tutor_id):
                    await scheduling.notify(uow, booking, NoticeKind.BOOKING_EXPIRED, user, now)
            await refresh_next_slot(uow, booking.guild_id, booking.tutor_id, policy, now)
            await uow.commit()
        self.ctx.after_commit()
        return _done("expired")

    async def _paid_at_the_last_minute(self, booking_id: int) -> bool:
        """Close an unpaid checkout before expiring its booking; True if it was paid."""
        return await checkout.paid_before_closing(
            booking_id, self.ctx, frozenset({BookingState.AWAITING_PAYMENT})
        )

    async def refresh_next_slot(self, action: ClaimedAction) -> HandlerResult:
        """The cached next slot is about to pass: recompute it (and schedule the next refresh)."""
        if action.user_id is None:
            return _skip("no tutor")
        now = self.ctx.clock.now()
        async with self.ctx.uow() as uow:
            if await uow.tutors.get(action.guild_id, action.user_id) is None:
                return _skip("no longer a tutor")
            policy = await uow.guilds.policy(action.guild_id)
            await refresh_next_slot(uow, action.guild_id, action.user_id, policy, now)
            await uow.commit()
        return _done("refreshed")

    async def nudge(self, action: ClaimedAction) -> HandlerResult:
        """Nudge a student who still hasn't booked."""
        if action.user_id is None:
            return _skip("no student")
        async with self.ctx.uow(read_only=True) as uow:
            if await uow.bookings.student_has_booked(action.guild_id, action.user_id):
                return _skip("already booked")
        channel = await self._deliver(
            action, kind=NoticeKind.NUDGE, user_id=action.user_id, booking=None, nonce=action.nonce
        )
        return _done(f"nudged via {channel}")


def _still_useful(booking: Booking, offset: int, policy: GuildPolicy, now: datetime) -> bool:
    """A reminder helps until the next (closer) one is due, or the start."""
    later = [o for o in policy.reminder_offsets_minutes if o < offset]
    useful_until = booking.start - timedelta(minutes=max(later, default=0))
    return now < useful_until
