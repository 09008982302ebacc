"""/report and /mod through the emulator: reports reach moderators, moderators act on them."""

from __future__ import annotations

import pytest

from bot import texts
from demo.journey import dm
from tests.bot.journeys import (
    make_moderator,
    ready_tutor,
    request_first_slot,
)


async def _report(campus, reason="Asked me to pay them off-platform", **options):
    return await campus.emu.slash(
        campus.student, campus.guild, "report", target=campus.tutor, reason=reason, **options
    )


async def _open_cases(campus) -> int:
    async with campus.runtime.services.uow(read_only=True) as uow:
        return await uow.cases.count_open(campus.guild.id)


async def test_a_report_is_acknowledged_at_once_and_privately(campus) -> None:
    result = await _report(campus)
    assert result.ephemeral
    assert "Thanks, the moderators have your report #1" in result.text
    assert await _open_cases(campus) == 1


@pytest.mark.parametrize(
    ("reason", "expected"), [(" \u200b ", "can't be empty"), ("r" * 600, "too long")]
)
async def test_a_bad_report_reason_gets_a_clear_answer_and_writes_nothing(
    campus, reason, expected
) -> None:
    result = await _report(campus, reason)
    assert expected in result.text
    assert texts.UNEXPECTED not in result.text
    assert await _open_cases(campus) == 0


async def test_reporting_yourself_is_refused_politely(campus) -> None:
    result = await campus.emu.slash(
        campus.student, campus.guild, "report", target=campus.student, reason="me"
    )
    assert result.text == texts.CONFLICTS["self_report"]
    assert await _open_cases(campus) == 0


async def test_a_booking_can_be_reported_and_is_suggested(campus) -> None:
    await ready_tutor(campus)
    await request_first_slot(campus)
    choices = await campus.emu.autocomplete(
        campus.student, campus.guild, "report", focused="booking", booking=""
    )
    assert choices
    booking = choices[0]["value"]
    result = await _report(campus, booking=booking)
    assert "your report #1" in result.text
    await make_moderator(campus)
    queue = await campus.emu.slash(campus.member, campus.guild, "mod queue")
    assert f"Booking:** #{booking}" in queue.text


MOD_COMMANDS = [
    pytest.param("mod queue", {}),
    pytest.param("mod resolve", {"case": 1, "action": "warned"}),
    pytest.param("mod history", {"user": "tutor"}),
    pytest.param("mod release", {"booking": 1}),
    pytest.param("mod dispute", {"case": 1, "outcome": "refund", "refund_percent": 30}),
    pytest.param("mod evidence", {"dispute": 1}),
    pytest.param("mod restrict", {"user": "tutor", "reason": "Spam"}),
    pytest.param("mod unrestrict", {"user": "tutor"}),
    pytest.param("mod verify", {"user": "tutor", "level": "moderator-verified"}),
]


@pytest.mark.parametrize(
    ("command", "options"),
    MOD_COMMANDS,
)
async def test_a_non_moderator_is_refused_every_mod_command(campus, command, options) -> None:
    await _report(campus)
    if options.get("user") == "tutor":
        options = {**options, "user": campus.tutor}
    result = await campus.emu.slash(campus.member, campus.guild, command, **options)
    assert result.ephemeral
    assert result.text == texts.NEEDS["moderator"]
    assert await _open_cases(campus) == 1


async def test_the_refusal_test_covers_every_mod_command(campus) -> None:
    [mod] = [c for c in campus.emu.commands(campus.guild) if c["name"] == "mod"]
    names = {f"mod {sub['name']}" for sub in mod["options"]}
    covered = {case.values[0] for case in MOD_COMMANDS}
    assert names == covered


async def test_a_moderator_resolves_a_case_from_the_queue_with_the_modal(campus) -> None:
    await _report(campus)
    await make_moderator(campus)
    queue = await campus.emu.slash(campus.member, campus.guild, "mod queue")
    assert queue.ephemeral
    assert "Case #1" in queue.text
    assert "Asked me to pay them off-platform" in queue.text
    form = await campus.emu.click(
        campus.member, queue.message, custom_id=f"case:resolve:{campus.guild.id}:1"
    )
    assert form.modal is not None
    done = await campus.emu.submit_modal(
        campus.member, form.modal, {"case:action": ["warned"], "case:note": "First warning"}
    )
    assert "Case #1 resolved: **Warned**" in done.text
    assert await _open_cases(campus) == 0
    async with campus.runtime.services.uow(read_only=True) as uow:
        entries = await uow.audit.recent(campus.guild.id, 1)
    assert entries[0][1:] == (campus.member.id, "case.resolve")
    again = await campus.emu.slash(campus.member, campus.guild, "mod queue")
    assert texts.MOD_QUEUE_EMPTY in again.text


async def test_a_non_moderator_cannot_open_the_resolve_modal(campus) -> None:
    await _report(campus)
    queue = await campus.emu.slash(campus.admin, campus.guild, "mod queue")
    form = await campus.emu.click(
        campus.member, queue.message, custom_id=f"case:resolve:{campus.guild.id}:1"
    )
    assert form.modal is None
    assert form.text == texts.NEEDS["moderator"]


async def test_a_forged_action_on_the_modal_is_refused_and_changes_nothing(campus) -> None:
    await _report(campus)
    queue = await campus.emu.slash(campus.admin, campus.guild, "mod queue")
    form = await campus.emu.click(
        campus.admin, queue.message, custom_id=f"case:resolve:{campus.guild.id}:1"
    )
    result = await campus.emu.submit_modal(campus.admin, form.modal, {"case:action": ["banish"]})
    assert "The action isn't one of the options" in result.text
    assert await _open_cases(campus) == 1


async def test_resolve_by_command_then_twice_says_already_resolved(campus) -> None:
    await _report(campus)
    await make_moderator(campus)
    first = await campus.emu.slash(
        campus.member,
        campus.guild,
        "mod resolve",
        case=1,
        action="no_action",
        note="Misunderstanding",
    )
    assert "Case #1 resolved: **No action**" in first.text
    second = await campus.emu.slash(
        campus.member, campus.guild, "mod resolve", case=1, action="warned"
    )
    assert second.text == "That case is already resolved."
    missing = await campus.emu.slash(
        campus.member, campus.guild, "mod resolve", case=99, action="warned"
    )
    assert missing.text == texts.ENTITY_NAMES["case"]


async def test_a_too_long_note_is_refused(campus) -> None:
    await _report(campus)
    result = await campus.emu.slash(
        campus.admin, campus.guild, "mod resolve", case=1, action="warned", note="n" * 600
    )
    assert "The note is too long" in result.text
    assert await _open_cases(campus) == 1


async def test_history_lists_a_users_cases_newest_first(campus) -> None:
    await _report(campus, "First time")
    await _report(campus, "Second time")
    await campus.emu.slash(campus.admin, campus.guild, "mod resolve", case=1, action="warned")
    result = await campus.emu.slash(campus.admin, campus.guild, "mod history", user=campus.tutor)
    assert result.ephemeral
    assert result.text.index("#2") < result.text.index("#1")
    assert "Warned by" in result.text
    empty = await campus.emu.slash(campus.admin, campus.guild, "mod history", user=campus.member)
    assert "has no cases here" in empty.text


# --- /mod restrict and /mod unrestrict ------------------------------------------------------


async def _restrict(campus, user, by=None, **options):
    options.setdefault("reason", "Asked for payment off-platform")
    return await campus.emu.slash(
        by or campus.member, campus.guild, "mod restrict", user=user, **options
    )


async def _restricted(campus, user) -> bool:
    async with campus.runtime.services.uow(read_only=True) as uow:
        return await uow.blocks.restricted(
            campus.guild.id, user.id, campus.runtime.services.clock.now()
        )


async def test_a_restricted_student_is_told_by_dm_and_cannot_book_until_lifted(campus) -> None:
    await ready_tutor(campus)
    await make_moderator(campus)
    done = await _restrict(campus, campus.student, duration="7d")
    assert done.ephemeral
    assert "@Maya is restricted until" in done.text
    assert "confirmed sessions go ahead" in done.text
    notice = await dm(campus, campus.student, "You can't book sessions for now")
    assert "Asked for payment off-platform" in notice.text
    assert "ask one of the server's moderators" in notice.text
    assert campus.guild.name in notice.text
    results = await campus.emu.slash(campus.student, campus.guild, "find", subject="calculus")
    picker = await campus.emu.click(
        campus.student, results.message, custom_id=f"find:book:{campus.tutor.id}"
    )
    assert picker.text == texts.CONFLICTS["restricted"]
    lifted = await campus.emu.slash(
        campus.member, campus.guild, "mod unrestrict", user=campus.student, note="Appealed"
    )
    assert "@Maya's restriction is lifted" in lifted.text
    await dm(campus, campus.student, "You can book sessions again")
    sent = await request_first_slot(campus)
    assert "Request sent" in sent.text
    async with campus.runtime.services.uow(read_only=True) as uow:
        entries = await uow.audit.recent(campus.guild.id, 2)
    assert [entry[1:] for entry in entries] == [
        (campus.member.id, "restriction.lift"),
        (campus.member.id, "restriction.add"),
    ]


async def test_restricting_again_says_it_replaces_the_earlier_one(campus) -> None:
    await _restrict(campus, campus.tutor, by=campus.admin, duration="30d")
    again = await _restrict(campus, campus.tutor, by=campus.admin)
    assert "until a moderator lifts it" in again.text
    assert "This replaces their earlier restriction" in again.text
    assert await _restricted(campus, campus.tutor)


async def test_lifting_when_nobody_is_restricted_is_a_friendly_no(campus) -> None:
    result = await campus.emu.slash(campus.admin, campus.guild, "mod unrestrict", user=campus.tutor)
    assert result.ephemeral
    assert result.text == texts.CONFLICTS["not_restricted"]


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        ("soon", "I couldn't read that duration"),
        ("0d", "must be longer than zero"),
        ("400d", "at most 365 days"),
        ("-3d", "can't be negative"),
    ],
)
async def test_a_bad_duration_gets_a_clear_answer_and_restricts_nobody(
    campus, duration, expected
) -> None:
    result = await _restrict(campus, campus.tutor, by=campus.admin, duration=duration)
    assert expected in result.text
    assert texts.UNEXPECTED not in result.text
    assert not await _restricted(campus, campus.tutor)


async def test_yourself_and_the_owner_cannot_be_restricted(campus) -> None:
    await make_moderator(campus)
    himself = await _restrict(campus, campus.member)
    assert himself.text == texts.CONFLICTS["restrict_self"]
    owner = await _restrict(campus, campus.admin)
    assert owner.text == texts.CONFLICTS["restrict_staff"]
    assert not await _restricted(campus, campus.admin)


async def test_history_shows_the_restriction(campus) -> None:
    await _restrict(campus, campus.tutor, by=campus.admin, duration="2 weeks", reason="Rude")
    result = await campus.emu.slash(campus.admin, campus.guild, "mod history", user=campus.tutor)
    assert "Restriction" in result.text
    assert "In force" in result.text
    assert "Rude" in result.text
    await campus.emu.slash(campus.admin, campus.guild, "mod unrestrict", user=campus.tutor)
    after = await campus.emu.slash(campus.admin, campus.guild, "mod history", user=campus.tutor)
    assert "Last one ended" in after.text


async def test_work_that_failed_for_good_shows_in_the_queue(campus) -> None:
    await make_moderator(campus)
    empty = await campus.emu.slash(campus.member, campus.guild, "mod queue")
    assert "Needs attention" not in empty.text
    now = campus.runtime.services.clock.now()
    async with campus.runtime.services.uow() as uow:
        detail = {"kind": "pay_out", "action": 7, "booking": 12, "error": "StripeError: down"}
        await uow.audit.record(campus.guild.id, 0, "job_failed", detail, now)
        await uow.commit()
    queue = await campus.emu.slash(campus.member, campus.guild, "mod queue")
    assert "Needs attention" in queue.text
    assert "A tutor payout for booking #12 gave up" in queue.text
    assert "StripeError" not in queue.text  # details stay in the logs


# --- /mod verify and per-subject requirements ------------------------------------------------


async def _verify(campus, level, by=None, **options):
    return await campus.emu.slash(
        by or campus.member, campus.guild, "mod verify", user=campus.tutor, level=level, **options
    )


async def test_a_moderator_verifies_a_tutor_who_is_told_and_shown_with_the_badge(campus) -> None:
    await ready_tutor(campus)
    await make_moderator(campus)
    done = await _verify(campus, "moderator-verified", note="Checked their transcript")
    assert done.ephemeral
    assert "@Theo is now **Verified by moderators** (was Not verified)" in done.text
    notice = await dm(campus, campus.tutor, "Your tutor verification changed")
    assert "Verified by moderators" in notice.text
    assert campus.guild.name in notice.text
    found = await campus.emu.slash(campus.student, campus.guild, "find", subject="calculus")
    assert texts.VERIFICATION_BADGES["moderator-verified"] in found.text
    async with campus.runtime.services.uow(read_only=True) as uow:
        [entry] = await uow.audit.recent(campus.guild.id, 1)
    assert entry[1:] == (campus.member.id, "verification.set")
    again = await _verify(campus, "moderator-verified")
    assert again.text == texts.CONFLICTS["verification_unchanged"]


async def test_verifying_someone_who_is_not_a_tutor_says_so(campus) -> None:
    result = await _verify(campus, "campus-email", by=campus.admin)
    assert result.ephemeral
    assert "isn't offering tutoring" in result.text


async def test_a_required_subject_hides_and_refuses_unverified_tutors(campus) -> None:
    await ready_tutor(campus)
    config = await campus.emu.slash(
        campus.admin,
        campus.guild,
        "admin config",
        setting="verification_required_subjects",
        value="calculus",
    )
    assert texts.UNEXPECTED not in config.text
    found = await campus.emu.slash(campus.student, campus.guild, "find", subject="calculus")
    assert "(0)" in found.text
    booked = await campus.emu.slash(
        campus.student, campus.guild, "book", tutor=campus.tutor, when="in 2 days at 3pm"
    )
    assert booked.text == texts.CONFLICTS["tutor_not_verified"]
    await _verify(campus, "campus-email", by=campus.admin)
    found = await campus.emu.slash(campus.student, campus.guild, "find", subject="calculus")
    assert "(1)" in found.text
    assert "Request sent" in (await request_first_slot(campus)).text
