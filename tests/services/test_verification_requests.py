"""`/verify request`: a tutor's credentials, approved or rejected once by a moderator."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from marketplace.domain.errors import (
    ConflictError,
    InputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.domain.evidence_files import MAX_FILE_BYTES, EvidenceFile, KeptIn
from marketplace.domain.policy import with_setting
from marketplace.domain.profiles import VerificationLevel
from marketplace.domain.scheduled import ActionKind
from marketplace.domain.verification_requests import RequestState
from marketplace.ports import NoticeKind
from marketplace.services import verification_requests as vr
from marketplace.services.actor import Actor
from marketplace.storage.models import AuditLogRow, ScheduledActionRow
from tests.services.marketplace_world import GUILD, GUILD_NAME, TUTOR_ID, build_world

MOD_ROLE = 555
MODERATOR = Actor(GUILD, GUILD_NAME, 50, role_ids=frozenset({MOD_ROLE}))
DIPLOMA = EvidenceFile(
    "diploma.pdf", 48_213, "application/pdf", "ab" * 32, "https://discord.com/channels/1/2/3",
    KeptIn.EVIDENCE_CHANNEL,
)  # fmt: skip
NOTE = "Maths TA for two years; my certificate is attached."


@pytest.fixture
async def world(service_context, clock, uow_factory):
    built = await build_world(service_context, clock)
    async with uow_factory() as uow:
        policy = with_setting(await uow.guilds.policy(GUILD), "moderator_role", MOD_ROLE)
        await uow.guilds.save_policy(GUILD, policy, clock.now())
        await uow.commit()
    return built


async def _request(world, files=(DIPLOMA,), note=NOTE, who=None):
    cmd = vr.RequestVerification(who or world.tutor, note, files)
    return await vr.request(cmd, world.ctx)


async def _level(world):
    async with world.ctx.uow(read_only=True) as uow:
        return (await uow.tutors.get(GUILD, TUTOR_ID)).verification


async def _notices(world):
    async with world.ctx.uow(read_only=True) as uow:
        rows = await uow.session.scalars(
            select(ScheduledActionRow.payload).where(
                ScheduledActionRow.kind == ActionKind.NOTIFY.value
            )
        )
        return [p.get("notice") for p in rows]


async def test_an_approved_request_makes_the_tutor_moderator_verified(world):
    made = await _request(world)
    [waiting] = await vr.pending(vr.PendingRequests(MODERATOR), world.ctx)
    assert waiting.files == (DIPLOMA,)
    assert waiting.note == NOTE

    decided = await vr.decide_request(vr.DecideRequest(MODERATOR, made.request_id, True), world.ctx)

    assert decided.state is RequestState.APPROVED
    assert await _level(world) is VerificationLevel.MODERATOR_VERIFIED
    assert await vr.pending(vr.PendingRequests(MODERATOR), world.ctx) == []
    assert NoticeKind.VERIFICATION_SET.value in await _notices(world)
    with pytest.raises(InvalidTransitionError):
        await vr.decide_request(vr.DecideRequest(MODERATOR, made.request_id, False, "x"), world.ctx)


async def test_a_rejection_needs_a_reason_and_the_tutor_is_told(world):
    made = await _request(world)
    with pytest.raises(InputError):
        await vr.decide_request(vr.DecideRequest(MODERATOR, made.request_id, False, " "), world.ctx)
    decided = await vr.decide_request(
        vr.DecideRequest(MODERATOR, made.request_id, False, "The scan is unreadable."), world.ctx
    )
    assert decided.state is RequestState.REJECTED
    assert await _level(world) is VerificationLevel.NONE
    assert NoticeKind.VERIFICATION_REJECTED.value in await _notices(world)
    again = await _request(world)  # after a rejection they may try again
    assert again.request_id != made.request_id


async def test_one_request_waits_at_a_time_and_a_verified_tutor_has_nothing_to_ask(world):
    await _request(world)
    with pytest.raises(ConflictError) as waiting:
        await _request(world)
    assert waiting.value.reason == "verification_pending"
    with pytest.raises(ConflictError):
        await vr.check_can_request(world.tutor, world.ctx)
    [made] = await vr.pending(vr.PendingRequests(MODERATOR), world.ctx)
    await vr.decide_request(vr.DecideRequest(MODERATOR, made.request_id, True), world.ctx)
    with pytest.raises(ConflictError) as verified:
        await vr.check_can_request(world.tutor, world.ctx)
    assert verified.value.reason == "already_moderator_verified"


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ((), "empty"),
        ((DIPLOMA,) * 4, "too_many"),
        (
            (
                EvidenceFile(
                    "big.png", MAX_FILE_BYTES + 1, "image/png", "0" * 64, "", KeptIn.DISCORD_LINK
                ),
            ),
            "too_long",
        ),
    ],
)
async def test_bad_files_are_refused_and_nothing_is_stored(world, files, problem):
    with pytest.raises(InputError) as caught:
        await _request(world, files=files)
    assert caught.value.problem == problem
    assert await vr.pending(vr.PendingRequests(MODERATOR), world.ctx) == []


async def test_only_tutors_ask_and_only_moderators_decide(world):
    with pytest.raises(NotFoundError):
        await _request(world, who=world.student)
    made = await _request(world)
    with pytest.raises(PermissionDeniedError):
        await vr.decide_request(vr.DecideRequest(world.tutor, made.request_id, True), world.ctx)
    with pytest.raises(PermissionDeniedError):
        await vr.pending(vr.PendingRequests(world.tutor), world.ctx)
    with pytest.raises(NotFoundError):
        await vr.decide_request(vr.DecideRequest(MODERATOR, 999, True), world.ctx)


async def test_the_note_and_files_are_sealed_and_decisions_audited(world):
    made = await _request(world)
    await vr.decide_request(vr.DecideRequest(MODERATOR, made.request_id, True), world.ctx)
    async with world.ctx.uow(read_only=True) as uow:
        raw = (
            await uow.session.execute(text("SELECT note, files FROM verification_request"))
        ).one()
        actions = (await uow.session.scalars(select(AuditLogRow.action))).all()
    assert "certificate" not in raw.note
    assert "diploma" not in raw.files
    assert {"verification_request.add", "verification_request.decide", "verification.set"} <= set(
        actions
    )
