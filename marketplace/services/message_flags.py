"""Flagged messages in `/mod queue`: Dismiss, Warn (the sender) or Restrict (them).

Each decision is made once (the repository closes the flag with a compare-and-set), is
checked against moderator rights server-side, and goes into the audit log. A warning is
sent to the member by DM; a restriction goes through `restrictions.restrict`, so staff
cannot be restricted and the member is told as for `/mod restrict`.
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.domain.errors import InvalidTransitionError, NotFoundError
from marketplace.domain.session_log import FlagAction, MessageFlag, decide, parse_flag_action
from marketplace.ports import NoticeKind
from marketplace.ports.notice_details import ScreeningWarningDetails
from marketplace.services import restrictions, scheduling
from marketplace.services.actor import Actor, ByActor
from marketplace.services.context import ServiceContext, enter_guild
from marketplace.services.moderation import require_moderator

FLAGS_SHOWN = 5
RESTRICT_FOR = "7d"
"""How long Restrict on a flag restricts for (`/mod restrict` sets any other length)."""


@dataclass(frozen=True, slots=True)
class DecideFlag:
    """A moderator's button on a flag. `target`: the sender's standing, for Restrict."""

    actor: Actor
    flag_id: int
    action: str
    target: Actor | None = None


@dataclass(frozen=True, slots=True)
class FlagQueue:
    """The oldest open flags, and how many are open."""

    flags: list[MessageFlag]
    total: int


@dataclass(frozen=True, slots=True)
class ViewFlags(ByActor):
    """`/mod queue`: the open message flags."""


async def open_flags(command: ViewFlags, ctx: ServiceContext) -> FlagQueue:
    """The guild's open flags, for a moderator."""
    actor = command.actor
    async with ctx.uow(read_only=True) as uow:
        await require_moderator(uow, actor, "mod_queue")
        flags = await uow.message_flags.open_flags(actor.guild_id, FLAGS_SHOWN)
        total = await uow.message_flags.count_open(actor.guild_id)
    return FlagQueue(flags, total)


@dataclass(frozen=True, slots=True)
class FlagAuthor:
    """A flag's Restrict button: who sent the flagged message."""

    actor: Actor
    flag_id: int


async def author_of(command: FlagAuthor, ctx: ServiceContext) -> int:
    """Who sent the flagged message (the bot looks up their standing for Restrict)."""
    actor, flag_id = command.actor, command.flag_id
    async with ctx.uow(read_only=True) as uow:
        await require_moderator(uow, actor, "mod_flag")
        flag = await uow.message_flags.get(actor.guild_id, flag_id)
    if flag is None:
        raise NotFoundError("message_flag", str(flag_id))
    return flag.author_id


async def decide_flag(cmd: DecideFlag, ctx: ServiceContext) -> MessageFlag:
    """Close an open flag with the moderator's action.

    Raises PermissionDeniedError for non-moderators, NotFoundError("message_flag"),
    InvalidTransitionError once it was decided, and for Restrict whatever
    `restrictions.restrict` refuses (staff, a bad length).
    """
    actor, action = cmd.actor, parse_flag_action(cmd.action)
    async with ctx.uow(read_only=True) as uow:
        await require_moderator(uow, actor, "mod_flag")
        flag = await uow.message_flags.get(actor.guild_id, cmd.flag_id)
    if flag is None:
        raise NotFoundError("message_flag", str(cmd.flag_id))
    decided = decide(flag, action, actor.user_id, ctx.clock.now())
    if action is FlagAction.RESTRICT:
        target = cmd.target or Actor(actor.guild_id, actor.guild_name, flag.author_id)
        reason = f"flagged message in session #{flag.booking_id}" if flag.booking_id else "flag"
        await restrictions.restrict(
            restrictions.RestrictUser(actor, target, RESTRICT_FOR, reason), ctx
        )
    await _close(decided, action, actor, ctx)
    return decided


async def _close(flag: MessageFlag, action: FlagAction, actor: Actor, ctx: ServiceContext) -> None:
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        await enter_guild(uow, actor, ctx)
        if not await uow.message_flags.close(flag):
            raise InvalidTransitionError("message_flag", "decided", action.value)
        detail = {"flag": flag.flag_id, "target": flag.author_id, "state": flag.state.value}
        await uow.audit.record(actor.guild_id, actor.user_id, "flag.decide", detail, now)
        if action is FlagAction.WARN:
            await scheduling.notify_user(
                uow, actor.guild_id, NoticeKind.SCREENING_WARNING, flag.author_id, now,
                key=f"flag:{flag.flag_id}",
                details=ScreeningWarningDetails(
                    ",".join(flag.kinds), actor.guild_name, str(flag.booking_id or "")
                ),
            )  # fmt: skip
        await uow.commit()
    ctx.after_commit()
