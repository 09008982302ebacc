"""Session-space messages: logged sealed, screened, rate-limited, decided by moderators, purged."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.domain.booking import BookingState
from marketplace.domain.errors import InvalidTransitionError, PermissionDeniedError
from marketplace.domain.policy import with_setting
from marketplace.domain.scheduled import ActionKind
from marketplace.domain.spaces import SessionSpace, SpaceStatus, TextPlace
from marketplace.jobs import JobRunner
from marketplace.ports import NoticeKind
from marketplace.services import bookings, disputes, message_flags, session_messages
from marketplace.services.actor import Actor
from marketplace.services.job_handlers import Handlers
from marketplace.services.session_messages import IncomingMessage
from marketplace.storage.models import AuditLogRow, ScheduledActionRow
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.services.marketplace_world import (
    GUILD,
    GUILD_NAME,
    STUDENT_ID,
    TUTOR_ID,
    RecordingNotifier,
    at,
    book_cmd,
    build_world,
)

START = at(2, 10)
THREAD, VOICE = 7001, 7002
MOD_ROLE = 555
MODERATOR = Actor(GUILD, GUILD_NAME, 50, role_ids=frozenset({MOD_ROLE}))


@pytest.fixture
async def world(service_context, clock, uow_factory):
    built = await build_world(service_context, clock, instant=True)
    async with uow_factory() as uow:
        policy = with_setting(await uow.guilds.policy(GUILD), "moderator_role", MOD_ROLE)
        await uow.guilds.save_policy(GUILD, policy, clock.now())
        await uow.commit()
    return built


@pytest.fixture
async def session(world, uow_factory):
    """A confirmed booking whose space is open: a thread and a voice channel."""
    booking = await bookings.book(book_cmd(world.student, TUTOR_ID, START), world.ctx)
    assert booking.state is BookingState.CONFIRMED
    world.clock.set(START)
    space = SessionSpace(
        booking.booking_id, GUILD, SpaceStatus.OPEN, START, THREAD, TextPlace.THREAD, VOICE,
        opened_at=START,
    )  # fmt: skip
    async with uow_factory() as uow:
        assert await uow.spaces.claim(booking.booking_id, GUILD, START)
        await uow.spaces.save(space)
        await uow.commit()
    return booking


_ids = iter(range(10_000, 99_999))


async def _say(world, text, *, author=STUDENT_ID, channel=THREAD, after=timedelta(seconds=5)):
    world.clock.advance(after)
    msg = IncomingMessage(GUILD, channel, next(_ids), author, world.clock.now(), text)
    return await session_messages.record_message(msg, world.ctx)


async def test_a_message_outside_a_session_space_is_neither_logged_nor_screened(world, session):
    result = await _say(world, "venm0 me at 555-0100", channel=12345)
    assert result == session_messages.Screened()
    async with world.ctx.uow(read_only=True) as uow:
        assert await uow.session_logs.of_booking(session.booking_id) == []


async def test_an_off_platform_attempt_is_flagged_with_context_and_reminded_once(world, session):
    await _say(world, "hi! ready for derivatives?", author=TUTOR_ID)
    await _say(world, "yes, chain rule please")
    first = await _say(world, "venm0 me at 555-0100")

    assert set(first.kinds) == {"phone", "payment"}
    assert set(first.remind) == {"phone", "payment"}
    again = await _say(world, "call 555 0199 instead")
    assert again.kinds == ("phone",)
    assert again.remind == ()  # once per kind per session

    queue = await message_flags.open_flags(message_flags.ViewFlags(MODERATOR), world.ctx)
    assert queue.total == 2
    flag = queue.flags[0]
    assert [m.text for m in flag.context] == [
        "hi! ready for derivatives?",
        "yes, chain rule please",
        "venm0 me at 555-0100",
    ]
    assert flag.author_id == STUDENT_ID


async def test_an_edit_is_logged_and_screened_again(world, session):
    said = IncomingMessage(GUILD, THREAD, 55, STUDENT_ID, world.clock.now(), "see you soon")
    assert (await session_messages.record_message(said, world.ctx)).kinds == ()
    edited = IncomingMessage(
        GUILD, THREAD, 55, STUDENT_ID, said.sent_at, "text me: five five five oh one oh oh",
        edited_at=said.sent_at + timedelta(minutes=1),
    )  # fmt: skip
    assert (await session_messages.record_message(edited, world.ctx)).kinds == ("phone",)
    async with world.ctx.uow(read_only=True) as uow:
        logged = await uow.session_logs.of_booking(session.booking_id)
    assert [m.text for m in logged] == ["text me: five five five oh one oh oh"]


async def test_voice_text_chat_is_screened_too(world, session):
    result = await _say(world, "add me on paypal.me/maya", channel=VOICE)
    assert "payment" in result.kinds


async def test_a_member_past_the_rate_is_slowed_once_and_moderators_see_it(world, session):
    results = [await _say(world, f"msg {i}", after=timedelta(seconds=1)) for i in range(22)]
    slowed = [r for r in results if r.slow_down]
    assert len(slowed) == 1
    assert results.index(slowed[0]) == 20  # the 21st message in a minute (rate is 20)
    assert slowed[0].kinds == ("rate",)
    assert (
        await message_flags.open_flags(message_flags.ViewFlags(MODERATOR), world.ctx)
    ).total == 1


async def test_the_log_is_sealed_in_the_database_file(world, session, sqlite_url):
    await _say(world, "my number is 555-0100, secret plan")
    path = Path(sqlite_url.split(":///", 1)[1])
    stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert b"secret plan" not in stored
    assert b"555-0100" not in stored


async def test_moderators_dismiss_warn_or_restrict_once(world, session, uow_factory):
    for text in ("venmo me", "kys", "cashapp $maya"):
        await _say(world, text)
    flags = (await message_flags.open_flags(message_flags.ViewFlags(MODERATOR), world.ctx)).flags
    dismiss, warn, restrict = (f.flag_id for f in flags)

    await message_flags.decide_flag(
        message_flags.DecideFlag(MODERATOR, dismiss, "dismiss"), world.ctx
    )
    with pytest.raises(InvalidTransitionError):
        await message_flags.decide_flag(
            message_flags.DecideFlag(MODERATOR, dismiss, "warn"), world.ctx
        )
    await message_flags.decide_flag(message_flags.DecideFlag(MODERATOR, warn, "warn"), world.ctx)
    await message_flags.decide_flag(
        message_flags.DecideFlag(MODERATOR, restrict, "restrict"), world.ctx
    )

    async with uow_factory(read_only=True) as uow:
        assert await uow.message_flags.count_open(GUILD) == 0
        restriction = await uow.blocks.current(GUILD, STUDENT_ID, world.clock.now())
        actions = (await uow.session.scalars(select(AuditLogRow.action))).all()
        notices = (
            await uow.session.scalars(
                select(ScheduledActionRow.payload).where(
                    ScheduledActionRow.kind == ActionKind.NOTIFY.value
                )
            )
        ).all()
    assert restriction is not None
    assert actions.count("flag.decide") == 3
    assert any(p.get("notice") == NoticeKind.SCREENING_WARNING.value for p in notices)


async def test_only_moderators_decide_flags(world, session):
    await _say(world, "venmo me")
    flag = (await message_flags.open_flags(message_flags.ViewFlags(MODERATOR), world.ctx)).flags[0]
    with pytest.raises(PermissionDeniedError):
        await message_flags.decide_flag(
            message_flags.DecideFlag(world.tutor, flag.flag_id, "dismiss"), world.ctx
        )
    with pytest.raises(PermissionDeniedError):
        await message_flags.open_flags(message_flags.ViewFlags(world.tutor), world.ctx)


async def _run_jobs(world, database):
    runner = JobRunner(
        SqlActionQueue(database, clock=world.clock),
        Handlers(world.ctx, RecordingNotifier()).by_kind(),
        world.clock,
        owner="test",
    )
    await runner.sweep()


async def test_the_log_is_purged_after_the_retention_days(world, session, database):
    await _say(world, "see you at the library")
    world.clock.set(session.end + timedelta(days=29))
    await _run_jobs(world, database)
    async with world.ctx.uow(read_only=True) as uow:
        assert len(await uow.session_logs.of_booking(session.booking_id)) == 1
    world.clock.set(session.end + timedelta(days=30, minutes=1))
    await _run_jobs(world, database)
    async with world.ctx.uow(read_only=True) as uow:
        assert await uow.session_logs.of_booking(session.booking_id) == []


async def test_the_log_is_kept_while_a_dispute_is_open(world, session, database):
    await _say(world, "they never showed up properly")
    world.clock.set(session.end + timedelta(hours=1))
    await disputes.open_dispute(
        disputes.OpenDispute(world.student, session.booking_id, "Left after ten minutes."),
        world.ctx,
    )
    world.clock.set(session.end + timedelta(days=31))
    await _run_jobs(world, database)
    async with world.ctx.uow(read_only=True) as uow:
        assert len(await uow.session_logs.of_booking(session.booking_id)) == 1


async def test_an_edit_that_only_fixes_a_typo_is_not_flagged_twice(world, session):
    said = IncomingMessage(GUILD, THREAD, 77, STUDENT_ID, world.clock.now(), "venmo me plz")
    assert (await session_messages.record_message(said, world.ctx)).kinds == ("payment",)
    typo = IncomingMessage(
        GUILD, THREAD, 77, STUDENT_ID, said.sent_at, "venmo me please", edited_at=said.sent_at
    )
    assert (await session_messages.record_message(typo, world.ctx)).kinds == ()
    more = IncomingMessage(
        GUILD, THREAD, 77, STUDENT_ID, said.sent_at, "venmo me please, 555-0100",
        edited_at=said.sent_at,
    )  # fmt: skip
    assert (await session_messages.record_message(more, world.ctx)).kinds == ("phone",)
    assert (
        await message_flags.open_flags(message_flags.ViewFlags(MODERATOR), world.ctx)
    ).total == 2
