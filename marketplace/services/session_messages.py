"""Messages in session spaces: logged (sealed), screened, rate-limited, and purged on time.

SPEC.md "Safety" and "Privacy". The bot hands every message (and every edit) written in a
session's thread or its voice channel's text chat to `record_message`. It is logged, then
screened (`marketplace.screening`): a flag goes to the moderator queue with the messages
before it as context, and the sender is reminded of the policy once per kind of flag per
session. A member writing faster than `message_rate_per_minute` is flagged once per
session and the space is slowed down.

The log is deleted `session_log_retention_days` after the session ends (`purge_log`),
later while a dispute about the booking (on the platform or with the bank) is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from marketplace.domain.booking import Booking
from marketplace.domain.card_disputes import OPEN_STATUSES
from marketplace.domain.disputes import DisputeStatus
from marketplace.domain.policy import GuildPolicy
from marketplace.domain.scheduled import (
    ActionKind,
    ActionState,
    ClaimedAction,
    NewAction,
    booking_work,
)
from marketplace.domain.session_log import (
    CONTEXT_MESSAGES,
    RATE_FLAG,
    LoggedMessage,
    MessageFlag,
    clip_log_text,
    keep_until,
    too_fast,
)
from marketplace.jobs import HandlerResult
from marketplace.ports import UnitOfWork
from marketplace.screening import ScreeningRules, screen
from marketplace.services.context import SYSTEM_ACTOR, ServiceContext

RATE_WINDOW = timedelta(minutes=1)
PURGE_RECHECK = timedelta(days=1)
"""A log kept for an open dispute is looked at again this often."""


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A message (or an edit) as Discord delivered it."""

    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    sent_at: datetime
    text: str
    attachments: tuple[str, ...] = ()
    edited_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Screened:
    """What the bot should do about a message (nothing, outside a session space)."""

    booking_id: int | None = None
    flag_id: int | None = None
    kinds: tuple[str, ...] = ()
    remind: tuple[str, ...] = ()  # kinds the sender is reminded of now (first time here)
    slow_down: bool = False  # the sender just went past the rate: slow the space down


def rules_of(policy: GuildPolicy, public_base_url: str) -> ScreeningRules:
    """The guild's screening rules; links to TutorBot's own web app are always fine."""
    own = urlsplit(public_base_url).hostname or ""
    allowed = policy.allowed_link_domains + ((own,) if own else ())
    return ScreeningRules(blocked_words=policy.blocked_words, allowed_link_domains=allowed)


async def record_message(msg: IncomingMessage, ctx: ServiceContext) -> Screened:
    """Log and screen one message of a session space, in one transaction."""
    async with ctx.uow() as uow:
        space = await uow.spaces.by_channel(msg.guild_id, msg.channel_id)
        booking = await uow.bookings.get(space.booking_id) if space else None
        if space is None or booking is None:
            return Screened()
        policy = await uow.guilds.policy(msg.guild_id)
        logged = LoggedMessage(
            msg.message_id, msg.guild_id, booking.booking_id, msg.channel_id, msg.author_id,
            msg.sent_at, clip_log_text(msg.text), msg.attachments, msg.edited_at,
        )  # fmt: skip
        new = await uow.session_logs.record(logged)
        if new:
            due = keep_until(booking.end, policy.session_log_retention_days)
            await uow.scheduled.schedule(_purge_at(booking, due, 0))
        found = [f.kind.value for f in screen(msg.text, rules_of(policy, ctx.public_base_url))]
        # An edit is screened again; only what it newly shows becomes a flag.
        earlier = set() if new else await uow.message_flags.kinds_of_message(msg.message_id)
        kinds = [kind for kind in found if kind not in earlier]
        slow = new and await _went_too_fast(uow, logged, policy)
        if slow:
            kinds.append(RATE_FLAG)
        if not kinds:
            await uow.commit()
            return Screened(booking.booking_id)
        flag = await _flag(uow, logged, tuple(kinds))
        remind = [
            kind
            for kind in kinds
            if kind != RATE_FLAG
            and await uow.message_flags.remind_once(
                booking.booking_id, msg.author_id, kind, msg.sent_at
            )
        ]
        await uow.commit()
    return Screened(booking.booking_id, flag.flag_id, flag.kinds, tuple(remind), slow)


async def _went_too_fast(uow: UnitOfWork, logged: LoggedMessage, policy: GuildPolicy) -> bool:
    """Past the rate for the first time in this session (later bursts are already known)."""
    since = logged.sent_at - RATE_WINDOW
    sent = await uow.session_logs.count_since(logged.booking_id, logged.author_id, since)
    if not too_fast(sent, policy.message_rate_per_minute):
        return False
    return await uow.message_flags.remind_once(
        logged.booking_id, logged.author_id, RATE_FLAG, logged.sent_at
    )


async def _flag(uow: UnitOfWork, logged: LoggedMessage, kinds: tuple[str, ...]) -> MessageFlag:
    before = await uow.session_logs.before(logged.booking_id, logged.sent_at, CONTEXT_MESSAGES)
    flag = await uow.message_flags.add(
        MessageFlag(
            0,
            logged.guild_id,
            logged.booking_id,
            logged.message_id,
            logged.channel_id,
            logged.author_id,
            kinds,
            (*before, logged),
            logged.edited_at or logged.sent_at,
        )
    )
    detail = {
        "flag": flag.flag_id,
        "booking": logged.booking_id,
        "target": logged.author_id,
        "kinds": list(kinds),
    }
    await uow.audit.record(logged.guild_id, SYSTEM_ACTOR, "screening.flag", detail, flag.created_at)
    return flag


def _purge_at(booking: Booking, due: datetime, check: int) -> NewAction:
    return booking_work(
        ActionKind.PURGE_SESSION_LOG,
        booking,
        f"purge_log:{booking.booking_id}:{check}",
        due,
        payload={"check": check},
    )


async def purge_log(action: ClaimedAction, ctx: ServiceContext) -> HandlerResult:
    """Delete a session's log once it is past its keeping time and no dispute is open."""
    now, booking_id = ctx.clock.now(), action.booking_id
    check = int(action.payload.get("check", 0)) + 1
    async with ctx.uow() as uow:
        booking = await uow.bookings.get(booking_id) if booking_id is not None else None
        if booking is None:
            return HandlerResult(ActionState.SKIPPED, "booking gone (its log went with it)")
        policy = await uow.guilds.policy(booking.guild_id)
        due = keep_until(booking.end, policy.session_log_retention_days)
        held = await _dispute_open(uow, booking.booking_id)
        if due > now or held:
            later = max(due, now + PURGE_RECHECK)
            await uow.scheduled.schedule(_purge_at(booking, later, check))
            await uow.commit()
            why = "a dispute is open" if held else "kept longer (retention was raised)"
            return HandlerResult(ActionState.SKIPPED, f"{why}; checked again {later.isoformat()}")
        purged = await uow.session_logs.purge_booking(booking.booking_id)
        detail = {"booking": booking.booking_id, "messages": purged}
        await uow.audit.record(booking.guild_id, SYSTEM_ACTOR, "session_log.purged", detail, now)
        await uow.commit()
    return HandlerResult(ActionState.DONE, f"purged {purged} messages")


async def _dispute_open(uow: UnitOfWork, booking_id: int) -> bool:
    dispute = await uow.disputes.for_booking(booking_id)
    if dispute is not None and dispute.status is DisputeStatus.OPEN:
        return True
    return any(d.status in OPEN_STATUSES for d in await uow.card_disputes.of_booking(booking_id))


async def screening_off(guild_id: int, ctx: ServiceContext) -> None:
    """The bot runs without the Message Content intent: tell the guild's admins, once ever."""
    async with ctx.uow() as uow:
        await uow.scheduled.schedule(
            NewAction(
                kind=ActionKind.ALERT_ADMINS,
                dedupe_key=f"alert:screening_off:{guild_id}",
                guild_id=guild_id,
                due_at=ctx.clock.now(),
                payload={"reason": "screening_off"},
            )
        )
        await uow.commit()
    ctx.after_commit()
