"""`/verify request`: a tutor hands credentials to the moderators, who Approve or Reject.

The files arrive already kept (the bot downloads them, hashes them and re-posts them to
the guild's `evidence_channel`; see `marketplace.domain.evidence_files`). Approving makes
the tutor `moderator-verified` through `verification.apply_level` (audited as
`verification.set`, the tutor told); rejecting needs a reason, which the tutor is told.
Both are moderator-only, decided once, and audited as `verification_request.decide`.
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.domain.errors import ConflictError, InvalidTransitionError, NotFoundError
from marketplace.domain.evidence_files import EvidenceFile
from marketplace.domain.profiles import VerificationLevel
from marketplace.domain.verification_requests import VerificationRequest, decide, new_request
from marketplace.ports import NoticeKind
from marketplace.ports.notice_details import VerificationRejectedDetails
from marketplace.services import scheduling
from marketplace.services.actor import Actor, ByActor
from marketplace.services.context import ServiceContext, enter_guild
from marketplace.services.moderation import require_moderator
from marketplace.services.verification import apply_level

REQUESTS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class RequestVerification:
    """The `/verify request` form: a note and the kept files."""

    actor: Actor
    note: str
    files: tuple[EvidenceFile, ...]


@dataclass(frozen=True, slots=True)
class DecideRequest:
    """Approve or Reject (with a reason) on a request in `/mod queue`."""

    actor: Actor
    request_id: int
    approve: bool
    reason: str = ""


async def check_can_request(actor: Actor, ctx: ServiceContext) -> None:
    """Refuse before the form opens what `request` would refuse about the member."""
    async with ctx.uow(read_only=True) as uow:
        tutor = await uow.tutors.get(actor.guild_id, actor.user_id)
        if tutor is None:
            raise NotFoundError("tutor_profile", str(actor.user_id))
        if tutor.verification is VerificationLevel.MODERATOR_VERIFIED:
            raise ConflictError("already_moderator_verified")
        if await uow.verification_requests.pending_of(actor.guild_id, actor.user_id):
            raise ConflictError("verification_pending")


async def request(cmd: RequestVerification, ctx: ServiceContext) -> VerificationRequest:
    """Store the request for the moderators (one waiting per tutor); audited."""
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        tutor = await uow.tutors.get(actor.guild_id, actor.user_id)
        if tutor is None:
            raise NotFoundError("tutor_profile", str(actor.user_id))
        made = new_request(
            actor.guild_id, actor.user_id, tutor.verification, cmd.note, cmd.files, now
        )
        if await uow.verification_requests.pending_of(actor.guild_id, actor.user_id):
            raise ConflictError("verification_pending")
        await enter_guild(uow, actor, ctx)
        stored = await uow.verification_requests.add(made)
        detail = {"request": stored.request_id, "files": len(stored.files)}
        await uow.audit.record(
            actor.guild_id, actor.user_id, "verification_request.add", detail, now
        )
        await uow.commit()
    return stored


@dataclass(frozen=True, slots=True)
class PendingRequests(ByActor):
    """`/mod queue`: the pending verification requests."""


async def pending(command: PendingRequests, ctx: ServiceContext) -> list[VerificationRequest]:
    """The guild's waiting requests, oldest first, for a moderator."""
    actor = command.actor
    async with ctx.uow(read_only=True) as uow:
        await require_moderator(uow, actor, "mod_queue")
        return await uow.verification_requests.pending(actor.guild_id, REQUESTS_SHOWN)


async def decide_request(cmd: DecideRequest, ctx: ServiceContext) -> VerificationRequest:
    """Approve (the tutor becomes moderator-verified) or reject (they are told why), once."""
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        await require_moderator(uow, actor, "mod_verify")
        found = await uow.verification_requests.get(actor.guild_id, cmd.request_id)
        if found is None:
            raise NotFoundError("verification_request", str(cmd.request_id))
        decided = decide(
            found, approve=cmd.approve, moderator_id=actor.user_id, reason=cmd.reason, now=now
        )
        if not await uow.verification_requests.close(decided):
            raise InvalidTransitionError("verification_request", "decided", "decide")
        await enter_guild(uow, actor, ctx)
        if cmd.approve:
            level = VerificationLevel.MODERATOR_VERIFIED
            await apply_level(uow, actor, found.user_id, level, f"request #{found.request_id}", now)
        else:
            await scheduling.notify_user(
                uow, actor.guild_id, NoticeKind.VERIFICATION_REJECTED, found.user_id, now,
                key=f"request:{found.request_id}",
                details=VerificationRejectedDetails(actor.guild_name, decided.reason),
            )  # fmt: skip
        detail = {
            "request": found.request_id,
            "target": found.user_id,
            "state": decided.state.value,
        }
        await uow.audit.record(
            actor.guild_id, actor.user_id, "verification_request.decide", detail, now
        )
        await uow.commit()
    ctx.after_commit()
    return decided
