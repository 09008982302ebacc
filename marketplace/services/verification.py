"""Verification: a moderator sets a tutor's level (`/mod verify user: level:`).

SPEC.md "Verification". The change is checked server-side (moderator role or Manage
Server), goes into the audit log as "verification.set", and the tutor is told by DM.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.domain.profiles import VerificationLevel
from marketplace.domain.text import clean_text
from marketplace.domain.verification import parse_verification_level
from marketplace.ports import NoticeKind, UnitOfWork
from marketplace.ports.notice_details import VerificationSetDetails
from marketplace.services import scheduling
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext, enter_guild
from marketplace.services.moderation import require_moderator

NOTE_MAX_LEN = 500


@dataclass(frozen=True, slots=True)
class SetVerification:
    """`/mod verify user: level: [note]`: `level` is a `VerificationLevel` value."""

    actor: Actor
    tutor_id: int
    level: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class VerificationSet:
    """The tutor's level before and after."""

    tutor_id: int
    old: VerificationLevel
    new: VerificationLevel


async def set_level(cmd: SetVerification, ctx: ServiceContext) -> VerificationSet:
    """Set the tutor's verification level; audited, and the tutor is told by DM.

    Raises PermissionDeniedError for non-moderators, InputError for an unknown level or a
    bad note, NotFoundError("tutor") without a tutor profile, and
    ConflictError("verification_unchanged") when the tutor already has that level.
    """
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        await require_moderator(uow, actor, "mod_verify")
        level = parse_verification_level(cmd.level)
        note = clean_text(cmd.note, field="note", max_len=NOTE_MAX_LEN, required=False)
        await enter_guild(uow, actor, ctx)
        old = await apply_level(uow, actor, cmd.tutor_id, level, note, now)
        await uow.commit()
    ctx.after_commit()
    return VerificationSet(cmd.tutor_id, old, level)


async def apply_level(  # noqa: PLR0917 - a change of level has this many facts
    uow: UnitOfWork,
    actor: Actor,
    tutor_id: int,
    level: VerificationLevel,
    note: str,
    now: datetime,
) -> VerificationLevel:
    """Set the tutor's level inside the caller's transaction; audited, the tutor told.

    Returns the old level. Raises NotFoundError("tutor") and
    ConflictError("verification_unchanged").
    """
    tutor = await uow.tutors.get(actor.guild_id, tutor_id)
    if tutor is None:
        raise NotFoundError("tutor", str(tutor_id))
    old = tutor.verification
    if old is level:
        raise ConflictError("verification_unchanged")
    await uow.tutors.save(
        actor.guild_id, tutor_id, dataclasses.replace(tutor, verification=level), now
    )
    await uow.audit.record(
        actor.guild_id,
        actor.user_id,
        "verification.set",
        {"target": tutor_id, "old": old.value, "new": level.value, "note": note},
        now,
    )
    await scheduling.notify_user(
        uow, actor.guild_id, NoticeKind.VERIFICATION_SET, tutor_id, now,
        key=f"{int(now.timestamp())}:{level.value}",
        details=VerificationSetDetails(old.value, level.value, actor.guild_name),
    )  # fmt: skip
    return old
