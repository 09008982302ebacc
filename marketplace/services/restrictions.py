"""Restrictions: a moderator stops a user booking or being booked, then lifts it.

SPEC.md "Safety": a restricted user cannot book or be booked. Both actions check
moderator rights server-side, go into the audit log, and tell the user by DM.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace.domain.errors import ConflictError
from marketplace.domain.restrictions import Restriction, new_restriction, parse_length
from marketplace.domain.text import clean_text
from marketplace.ports import NoticeKind
from marketplace.ports.notice_details import GuildDetails, RestrictedDetails
from marketplace.services import scheduling
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext, enter_guild
from marketplace.services.guild_admin import rights
from marketplace.services.moderation import require_moderator

LIFT_NOTE_MAX_LEN = 500


@dataclass(frozen=True, slots=True)
class RestrictUser:
    """`/mod restrict user: [duration] reason:`.

    `target` is what Discord says about the user's standing (roles, Manage Server, owner),
    so staff can be refused; `length` follows `marketplace.domain.restrictions`.
    """

    actor: Actor
    target: Actor
    length: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Restricted:
    """The restriction now in force, and the one it replaced (if one was in force)."""

    restriction: Restriction
    replaced: Restriction | None


async def restrict(cmd: RestrictUser, ctx: ServiceContext) -> Restricted:
    """Restrict a user from booking and being booked; audited, and the user is told by DM.

    Restricting someone already restricted replaces their restriction: the new length
    counts from now and the new reason stands. Confirmed sessions are left alone.
    """
    actor, target, now = cmd.actor, cmd.target, ctx.clock.now()
    async with ctx.uow() as uow:
        await require_moderator(uow, actor, "mod_restrict")
        length = parse_length(cmd.length)
        staff = (await rights(uow, target)).is_moderator
        restriction = new_restriction(
            actor.guild_id, actor.user_id, target.user_id, length, cmd.reason, now,
            target_is_staff=staff,
        )  # fmt: skip
        replaced = await uow.blocks.current(actor.guild_id, target.user_id, now)
        await enter_guild(uow, actor, ctx)
        await uow.blocks.restrict(restriction)
        until = _unix(restriction.until)
        await uow.audit.record(
            actor.guild_id,
            actor.user_id,
            "restriction.add",
            {
                "target": target.user_id,
                "until": until or None,
                "reason": restriction.reason,
                "replaced": replaced is not None,
            },
            now,
        )
        await scheduling.notify_user(
            uow, actor.guild_id, NoticeKind.RESTRICTED, target.user_id, now,
            key=str(int(now.timestamp())),
            details=RestrictedDetails(until, restriction.reason, actor.guild_name),
        )  # fmt: skip
        await uow.commit()
    ctx.after_commit()
    return Restricted(restriction, replaced)


@dataclass(frozen=True, slots=True)
class Unrestrict:
    """`/mod unrestrict`: lift a member's restriction now."""

    actor: Actor
    user_id: int
    note: str = ""


async def unrestrict(command: Unrestrict, ctx: ServiceContext) -> Restriction:
    """Lift the user's restriction now; audited, and the user is told by DM.

    Returns the restriction that was in force; ConflictError("not_restricted") if none was.
    """
    actor, user_id, note = command.actor, command.user_id, command.note
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        await require_moderator(uow, actor, "mod_unrestrict")
        note = clean_text(note, field="note", max_len=LIFT_NOTE_MAX_LEN, required=False)
        current = await uow.blocks.current(actor.guild_id, user_id, now)
        if current is None or not await uow.blocks.lift(actor.guild_id, user_id, now):
            raise ConflictError("not_restricted")
        await enter_guild(uow, actor, ctx)
        await uow.audit.record(
            actor.guild_id,
            actor.user_id,
            "restriction.lift",
            {"target": user_id, "was_until": _unix(current.until) or None, "note": note},
            now,
        )
        await scheduling.notify_user(
            uow, actor.guild_id, NoticeKind.RESTRICTION_LIFTED, user_id, now,
            key=str(int(now.timestamp())), details=GuildDetails(actor.guild_name),
        )  # fmt: skip
        await uow.commit()
    ctx.after_commit()
    return current


def _unix(when: datetime | None) -> str:
    """A time as Unix seconds for payloads; "" for none (until lifted)."""
    return "" if when is None else str(int(when.timestamp()))
