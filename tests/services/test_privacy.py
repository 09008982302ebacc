"""`/privacy export` and `/privacy delete` through the services on a real SQLite file."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.errors import ConflictError
from marketplace.services import (
    bookings,
    disputes,
    dropin,
    groups,
    moderation,
    notes,
    privacy,
    reviews,
    safety,
    sessions,
)
from marketplace.services import survey as surveys
from marketplace.services.actor import Actor
from marketplace.services.disputes import OpenDispute
from marketplace.services.moderation import ReportUser
from marketplace.services.notes import AddNote, SetGoals
from marketplace.services.reviews import WriteReview
from marketplace.services.survey import AnswerSurvey
from marketplace.storage.models import AuditLogRow, TutorProfileRow
from tests.services.marketplace_world import (
    OTHER_GUILD,
    STUDENT_ID,
    TUTOR_ID,
    actor,
    add_student,
    at,
    book_cmd,
    build_world,
)
from tests.services.paid_world import PaidWorld, paid_world

STUDENT = actor(STUDENT_ID)
TUTOR = actor(TUTOR_ID)
OTHER_STUDENT = actor(12)
STRANGER = actor(31)
START = at(2, 10)
STUDENT_REVIEW = "Clear explanations of integrals, thank you"
TUTOR_REVIEW = "Came prepared with good questions"
OTHER_REVIEW = "Secret words of another student"
STUDENT_NOTE = "Student note: practise substitution"
TUTOR_NOTE = "Tutor note: weak on chain rule"
OTHER_NOTE = "Tutor note about another student"


@pytest.fixture
async def ctx(service_context, clock):
    await build_world(service_context, clock)
    await add_student(service_context, OTHER_STUDENT.user_id)
    await add_student(service_context, STRANGER.user_id)
    return service_context


async def completed(ctx, clock, student=STUDENT, start=START):
    booking = await bookings.book(book_cmd(student, TUTOR_ID, start), ctx)
    await bookings.accept(bookings.AcceptBooking(TUTOR, booking.booking_id), ctx)
    clock.set(start + timedelta(minutes=65))
    return await sessions.complete(sessions.CompleteSession(student, booking.booking_id), ctx)


async def lived(ctx, clock):
    """A completed session with everything a member can leave behind, both sides."""
    done = await completed(ctx, clock)
    other = await completed(ctx, clock, student=OTHER_STUDENT, start=at(3, 10))
    bid = done.booking_id
    await reviews.leave(
        WriteReview(STUDENT, bid, "5", ("on_time", "would_book_again"), STUDENT_REVIEW), ctx
    )
    await reviews.leave(WriteReview(TUTOR, bid, "4", ("prepared",), TUTOR_REVIEW), ctx)
    await reviews.leave(WriteReview(OTHER_STUDENT, other.booking_id, "3", (), OTHER_REVIEW), ctx)
    await surveys.answer(AnswerSurvey(STUDENT, bid, "not_helpful", "Too fast for me"), ctx)
    await notes.set_goals(SetGoals(STUDENT, bid, "Pass the midterm", 0), ctx)
    await notes.add_note(AddNote(STUDENT, bid, STUDENT_NOTE), ctx)
    await notes.add_note(AddNote(TUTOR, bid, TUTOR_NOTE), ctx)
    await notes.add_note(AddNote(TUTOR, other.booking_id, OTHER_NOTE), ctx)
    await safety.block(safety.BlockMember(STUDENT, STRANGER.user_id), ctx)
    await moderation.report(ReportUser(STUDENT, STRANGER.user_id, "Spammed me", None), ctx)
    await moderation.report(ReportUser(STRANGER, STUDENT_ID, "Report about the student", None), ctx)
    return done


async def exported(who, ctx):
    export = await privacy.export(privacy.ExportMyData(who), ctx)
    return export.document, privacy.encode(export.document).decode()


async def test_a_students_export_holds_their_data_and_nothing_of_others(ctx, clock):
    done = await lived(ctx, clock)
    doc, text = await exported(STUDENT, ctx)

    assert doc["user"]["timezone"] == "Europe/Berlin"
    assert doc["member"]["role"] == "student"
    assert [s["subject_key"] for s in doc["student_subjects"]] == ["calculus"]
    assert doc["tutor_profile"] is None
    [booking] = doc["bookings"]
    assert (booking["booking_id"], booking["state"], booking["tutor_id"]) == (
        done.booking_id, "completed", TUTOR_ID,
    )  # fmt: skip
    assert [r["text"] for r in doc["reviews_written"]] == [STUDENT_REVIEW]
    assert [r["text"] for r in doc["reviews_received"]] == [TUTOR_REVIEW]
    assert [(a["answer"], a["reason"]) for a in doc["survey_answers"]] == [
        ("not_helpful", "Too fast for me")
    ]
    assert [n["text"] for n in doc["notes_written"]] == [STUDENT_NOTE]
    assert [g["text"] for g in doc["shared_goals"]] == ["Pass the midterm"]
    assert [b["blocked_id"] for b in doc["blocks_made"]] == [STRANGER.user_id]
    assert [r["reason"] for r in doc["reports_made"]] == ["Spammed me"]
    assert "reports_about_you" in doc["not_included"]
    for secret in (TUTOR_NOTE, OTHER_NOTE, OTHER_REVIEW, "Report about the student"):
        assert secret not in text
    json.loads(text)  # one valid JSON document


async def test_a_tutors_export_holds_their_profile_availability_and_both_sides(ctx, clock):
    await lived(ctx, clock)
    doc, text = await exported(TUTOR, ctx)

    assert doc["tutor_profile"]["rate_minor"] == 2500
    assert doc["availability_rules"]
    assert [s["subject_key"] for s in doc["tutor_subjects"]] == ["calculus"]
    assert {b["student_id"] for b in doc["bookings"]} == {STUDENT_ID, OTHER_STUDENT.user_id}
    assert [r["text"] for r in doc["reviews_written"]] == [TUTOR_REVIEW]
    assert sorted(r["text"] for r in doc["reviews_received"]) == sorted(
        [STUDENT_REVIEW, OTHER_REVIEW]
    )
    assert sorted(n["text"] for n in doc["notes_written"]) == sorted([TUTOR_NOTE, OTHER_NOTE])
    assert STUDENT_NOTE not in text
    assert "Spammed me" not in text


async def test_long_lists_are_capped_and_the_file_says_so(ctx, clock, monkeypatch):
    monkeypatch.setattr(privacy, "EXPORT_LIST_CAP", 1)
    await lived(ctx, clock)
    export = await privacy.export(privacy.ExportMyData(TUTOR), ctx)
    assert len(export.document["bookings"]) == 1
    assert "bookings" in export.capped
    assert export.document["capped"] == list(export.capped)


async def test_delete_is_refused_while_a_session_is_still_ahead(ctx):
    await bookings.book(book_cmd(STUDENT, TUTOR_ID, START), ctx)
    with pytest.raises(ConflictError) as refused:
        await privacy.check_deletable(STUDENT, ctx)
    assert refused.value.reason == "privacy_upcoming_bookings"
    with pytest.raises(ConflictError):
        await privacy.delete(privacy.DeleteMyData(TUTOR), ctx)
    doc, _ = await exported(STUDENT, ctx)
    assert doc["member"] is not None


async def test_delete_is_refused_while_a_dispute_is_open(ctx, clock):
    done = await completed(ctx, clock)
    await disputes.open_dispute(OpenDispute(TUTOR, done.booking_id, "The student left early"), ctx)
    with pytest.raises(ConflictError) as refused:
        await privacy.delete(privacy.DeleteMyData(STUDENT), ctx)
    assert refused.value.reason == "privacy_open_dispute"


async def _audit(uow_factory):
    async with uow_factory(read_only=True) as uow:
        rows = await uow.session.scalars(
            select(AuditLogRow).where(AuditLogRow.action == "privacy.delete")
        )
        return [(row.actor_id, row.detail) for row in rows]


async def _tutor_counts(uow_factory):
    async with uow_factory(read_only=True) as uow:
        row = await uow.session.get(TutorProfileRow, (700, TUTOR_ID))
        return row.review_count, row.review_star_sum


async def test_after_delete_the_export_shows_nothing_personal(ctx, clock, uow_factory):
    done = await lived(ctx, clock)
    before = await _tutor_counts(uow_factory)
    result = await privacy.delete(privacy.DeleteMyData(STUDENT), ctx)
    assert result.erased

    doc, text = await exported(STUDENT, ctx)
    assert doc["user"] == {**doc["user"], "display_name": "Deleted user", "timezone": None}
    for gone in ("member", "student_profile", "tutor_profile"):
        assert doc[gone] is None
    for empty in ("student_subjects", "notes_written", "blocks_made"):
        assert doc[empty] == []
    for secret in (STUDENT_REVIEW, STUDENT_NOTE, "Too fast for me", "Pass the midterm"):
        assert secret not in text
    [booking] = doc["bookings"]  # kept for the ledger: ids, times, state
    assert booking["booking_id"] == done.booking_id
    assert [r["stars"] for r in doc["reviews_written"]] == [5]  # stars kept
    assert await _tutor_counts(uow_factory) == before  # the tutor's rating did not move
    tutor_doc, tutor_text = await exported(TUTOR, ctx)
    assert TUTOR_NOTE in tutor_text  # the other side's own data stays
    assert tutor_doc["shared_goals"][0]["text"] == ""  # the student wrote the goals
    [(who, detail)] = await _audit(uow_factory)
    assert who == STUDENT_ID
    assert set(detail) == {"rows"}
    assert all(isinstance(n, int) for n in detail["rows"].values())


async def test_a_second_delete_changes_nothing_and_is_recorded_once(ctx, clock, uow_factory):
    await lived(ctx, clock)
    assert (await privacy.delete(privacy.DeleteMyData(STUDENT), ctx)).erased
    again = await privacy.delete(privacy.DeleteMyData(STUDENT), ctx)
    assert not again.erased
    assert len(await _audit(uow_factory)) == 1


async def test_the_time_zone_stays_while_another_guild_still_uses_it(ctx, clock):
    await add_student(ctx, STUDENT_ID, guild_id=OTHER_GUILD)
    await privacy.delete(privacy.DeleteMyData(STUDENT), ctx)
    doc, _ = await exported(STUDENT, ctx)
    assert doc["user"]["timezone"] == "Europe/Berlin"
    elsewhere, _ = await exported(actor(STUDENT_ID, OTHER_GUILD), ctx)
    assert elsewhere["member"]["role"] == "student"


@pytest.fixture
async def paid(database, uow_factory, clock):
    async with paid_world(database, uow_factory, clock) as world:
        yield world


async def test_the_payout_goes_out_and_the_ledger_verifies_after_both_sides_delete(paid: PaidWorld):
    booking = await paid.book(START)
    await paid.pay(booking)
    await bookings.accept(bookings.AcceptBooking(paid.tutor, booking.booking_id), paid.ctx)
    await paid.sweep()
    paid.clock.set(START + timedelta(minutes=61))
    await sessions.complete(sessions.CompleteSession(paid.student, booking.booking_id), paid.ctx)
    await paid.sweep()

    assert (await privacy.delete(privacy.DeleteMyData(paid.student), paid.ctx)).erased
    assert (await privacy.delete(privacy.DeleteMyData(paid.tutor), paid.ctx)).erased
    await paid.later(timedelta(hours=49))  # the payout still goes out after the window
    report = await paid.ledger()
    assert report.ok, report.summary()
    assert report.bookings_checked == 1
    payment = await paid.payment(booking.booking_id)
    assert (payment.released, payment.fees) == (2500, 375)
    doc, _ = await exported(paid.student, paid.ctx)
    [kept] = doc["payments"]
    assert (kept["total_minor"], kept["captured"]) == (2875, payment.captured)


async def _log(ctx, booking_id, author, text, message_id):
    from marketplace.domain.session_log import LoggedMessage

    async with ctx.uow() as uow:
        await uow.session_logs.record(
            LoggedMessage(message_id, 700, booking_id, 1, author, ctx.clock.now(), text, ("a.pdf",))
        )
        await uow.commit()


async def test_the_export_holds_my_session_messages_and_delete_erases_only_mine(ctx, clock):
    done = await completed(ctx, clock)
    await _log(ctx, done.booking_id, STUDENT_ID, "my own words in the session", 1)
    await _log(ctx, done.booking_id, TUTOR_ID, "the tutor's words", 2)

    doc, text = await exported(STUDENT, ctx)
    assert [m["text"] for m in doc["session_messages"]] == ["my own words in the session"]
    assert doc["session_messages"][0]["attachments"] == ["a.pdf"]
    assert "the tutor's words" not in text

    assert (await privacy.delete(privacy.DeleteMyData(STUDENT), ctx)).erased
    doc, _ = await exported(STUDENT, ctx)
    assert doc["session_messages"] == []
    async with ctx.uow(read_only=True) as uow:
        left = await uow.session_logs.of_booking(done.booking_id)
    assert [m.text for m in left] == ["the tutor's words"]


async def test_a_sealed_dispute_statement_is_blanked_once(ctx, clock, uow_factory):
    done = await completed(ctx, clock)
    opened = await disputes.open_dispute(
        OpenDispute(STUDENT, done.booking_id, "Left after ten minutes"), ctx
    )
    moderator = Actor(700, "Campus", 50, has_manage_guild=True)
    await disputes.resolve_dispute(
        disputes.ResolveDispute(moderator, opened.dispute_id, "no_refund", None, "checked"), ctx
    )
    assert (await privacy.delete(privacy.DeleteMyData(STUDENT), ctx)).erased
    assert not (await privacy.delete(privacy.DeleteMyData(STUDENT), ctx)).erased
    async with uow_factory(read_only=True) as uow:
        dispute = await uow.disputes.for_booking(done.booking_id)
    assert dispute.statement == ""


async def test_a_queued_students_topic_is_exported_then_erased_and_they_leave_the_line(ctx):
    await dropin.open_hours(dropin.OpenHours(TUTOR, "calculus", 9000), ctx)
    await dropin.join(dropin.JoinQueue(STUDENT, "calculus", "Stuck on limits at infinity"), ctx)
    doc, _ = await exported(STUDENT, ctx)
    assert [(v["topic"], v["state"]) for v in doc["queue_visits"]] == [
        ("Stuck on limits at infinity", "waiting")
    ]

    assert (await privacy.delete(privacy.DeleteMyData(STUDENT), ctx)).erased

    doc, text = await exported(STUDENT, ctx)
    assert [(v["topic"], v["state"]) for v in doc["queue_visits"]] == [("", "left")]
    assert "limits at infinity" not in text
    with pytest.raises(ConflictError, match="queue_not_in"):
        await dropin.status(dropin.ByQueueStudent(STUDENT), ctx)


async def test_a_waitlisted_member_is_exported_then_taken_off_the_waitlist(ctx):
    published = await groups.create(
        groups.CreateGroup(TUTOR, "calculus", "2026-12-04 17:00", 2, 60), ctx
    )
    group_id = published.group.group_id
    for who in (OTHER_STUDENT, STRANGER):
        await groups.join(groups.OnGroup(who, group_id), ctx)
    await groups.join_waitlist(groups.OnGroup(STUDENT, group_id), ctx)
    doc, _ = await exported(STUDENT, ctx)
    assert [(w["group_id"], w["state"]) for w in doc["group_waitlists"]] == [(group_id, "waiting")]

    assert (await privacy.delete(privacy.DeleteMyData(STUDENT), ctx)).erased

    doc, _ = await exported(STUDENT, ctx)
    assert [w["state"] for w in doc["group_waitlists"]] == ["left"]
    with pytest.raises(ConflictError, match="group_not_member"):
        await groups.leave(groups.OnGroup(STUDENT, group_id), ctx)


async def test_a_tutor_with_an_upcoming_group_calls_it_off_before_deleting(ctx):
    published = await groups.create(
        groups.CreateGroup(TUTOR, "calculus", "2026-12-04 17:00", 2, 60), ctx
    )
    await groups.join(groups.OnGroup(STUDENT, published.group.group_id), ctx)

    with pytest.raises(ConflictError, match="privacy_open_groups"):
        await privacy.delete(privacy.DeleteMyData(TUTOR), ctx)
    await groups.leave(groups.OnGroup(TUTOR, published.group.group_id), ctx)

    assert (await privacy.delete(privacy.DeleteMyData(TUTOR), ctx)).erased
