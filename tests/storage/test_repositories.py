"""Repositories: what goes in comes back out, on both backends."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from marketplace.domain.members import Member, Subject
from marketplace.domain.money import Money
from marketplace.domain.policy import DEFAULT_POLICY
from marketplace.domain.profiles import (
    Level,
    Role,
    SessionFormat,
    StudentProfile,
    SubjectLevel,
    TutorProfile,
    TutorStatus,
    VerificationLevel,
)
from marketplace.storage.models import GuildRow, SubjectRow, TutorSubjectRow

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=3, microseconds=17)
GUILD = 100
OTHER_GUILD = 200
MAX_SNOWFLAKE = 2**63 - 1


async def _onboard(uow, guild_id: int, user_id: int, role: Role = Role.STUDENT) -> None:
    await uow.guilds.ensure(guild_id, "Campus", NOW)
    await uow.users.ensure(user_id, NOW)
    await uow.members.save(Member(guild_id, user_id, role, NOW), NOW)


async def _stored_settings(uow_factory, guild_id: int) -> dict:
    async with uow_factory(read_only=True) as uow:
        return await uow.session.scalar(select(GuildRow.settings).where(GuildRow.id == guild_id))


# --- guilds and their policy -------------------------------------------------------------


async def test_a_guild_is_created_once_and_keeps_its_current_name(uow_factory):
    async with uow_factory() as uow:
        assert await uow.guilds.ensure(GUILD, "Campus", NOW) is True
        assert await uow.guilds.ensure(GUILD, "Campus", LATER) is False
        assert await uow.guilds.ensure(GUILD, "Campus (renamed)", LATER) is False
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        row = await uow.session.get(GuildRow, GUILD)
        assert row.name == "Campus (renamed)"
        assert row.created_at == NOW
        assert row.settings == {}


async def test_a_very_long_guild_name_is_cut_to_fit(uow_factory):
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "x" * 150, NOW)
        assert await uow.guilds.ensure(GUILD, "x" * 150, NOW) is False
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert (await uow.session.get(GuildRow, GUILD)).name == "x" * 100


async def test_a_guild_without_overrides_has_the_default_policy(uow_factory):
    async with uow_factory() as uow:
        assert await uow.guilds.policy(GUILD) == DEFAULT_POLICY  # not even created yet
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        assert await uow.guilds.policy(GUILD) == DEFAULT_POLICY


async def test_only_settings_that_differ_from_the_defaults_are_stored(uow_factory):
    policy = replace(
        DEFAULT_POLICY,
        platform_fee_bps=1000,
        languages=("en", "fr"),
        moderator_role=MAX_SNOWFLAKE,
        payments_enabled=False,
        currency="EUR",
        buffer_minutes=DEFAULT_POLICY.buffer_minutes,
    )
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        await uow.guilds.save_policy(GUILD, policy, LATER)
        await uow.commit()

    assert await _stored_settings(uow_factory, GUILD) == {
        "platform_fee_bps": 1000,
        "languages": ["en", "fr"],
        "moderator_role": MAX_SNOWFLAKE,
        "payments_enabled": False,
        "currency": "EUR",
    }
    async with uow_factory(read_only=True) as uow:
        assert await uow.guilds.policy(GUILD) == policy
        assert (await uow.session.get(GuildRow, GUILD)).updated_at == LATER


async def test_going_back_to_the_defaults_stores_nothing(uow_factory):
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        await uow.guilds.save_policy(GUILD, replace(DEFAULT_POLICY, buffer_minutes=0), NOW)
        await uow.guilds.save_policy(GUILD, DEFAULT_POLICY, LATER)
        await uow.commit()
    assert await _stored_settings(uow_factory, GUILD) == {}


async def test_a_setting_unknown_to_this_version_is_ignored(uow_factory):
    written_by_an_older_version = {"retired_feature": True, "buffer_minutes": 20}
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        await uow.session.execute(
            update(GuildRow)
            .where(GuildRow.id == GUILD)
            .values(settings=written_by_an_older_version)
        )
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        policy = await uow.guilds.policy(GUILD)
    assert policy == replace(DEFAULT_POLICY, buffer_minutes=20)


async def test_a_stored_value_no_longer_valid_falls_back_to_its_default(uow_factory):
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        await uow.session.execute(
            update(GuildRow)
            .where(GuildRow.id == GUILD)
            .values(settings={"platform_fee_bps": 99_999, "min_notice_minutes": 60})
        )
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        policy = await uow.guilds.policy(GUILD)
    assert policy == replace(DEFAULT_POLICY, min_notice_minutes=60)


# --- users -------------------------------------------------------------------------------


async def test_a_user_has_no_time_zone_until_they_set_one(uow_factory):
    async with uow_factory() as uow:
        assert await uow.users.timezone(1) is None
        await uow.users.ensure(1, NOW)
        assert await uow.users.timezone(1) is None
        await uow.users.set_timezone(1, "America/Chicago", NOW)
        await uow.users.ensure(1, LATER)  # does not reset it
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.users.timezone(1) == "America/Chicago"


async def test_setting_a_time_zone_creates_the_user_and_later_replaces_it(uow_factory):
    async with uow_factory() as uow:
        await uow.users.set_timezone(1, "Europe/London", NOW)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.users.set_timezone(1, "Asia/Kolkata", LATER)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.users.timezone(1) == "Asia/Kolkata"
        assert await uow.users.timezone(2) is None


# --- members -----------------------------------------------------------------------------


async def test_a_member_round_trips_and_keeps_when_they_started(uow_factory):
    started = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    first = Member(
        GUILD,
        MAX_SNOWFLAKE,
        Role.STUDENT,
        started,
        interests=("calculus", "linear-algebra"),
        level=Level.BEGINNER,
    )
    async with uow_factory() as uow:
        assert await uow.members.get(GUILD, MAX_SNOWFLAKE) is None
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        await uow.users.ensure(MAX_SNOWFLAKE, NOW)
        await uow.members.save(first, NOW)
        await uow.commit()

    changed = replace(first, role=Role.BOTH, started_at=LATER, interests=(), level=None)
    async with uow_factory() as uow:
        assert await uow.members.get(GUILD, MAX_SNOWFLAKE) == first
        await uow.members.save(changed, LATER)
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        assert await uow.members.get(GUILD, MAX_SNOWFLAKE) == replace(changed, started_at=started)
        assert await uow.members.get(OTHER_GUILD, MAX_SNOWFLAKE) is None


# --- subjects ----------------------------------------------------------------------------


async def _subject_rows(uow_factory, guild_id: int) -> int:
    async with uow_factory(read_only=True) as uow:
        query = select(func.count()).select_from(SubjectRow).where(SubjectRow.guild_id == guild_id)
        return int(await uow.session.scalar(query) or 0)


async def test_subjects_are_listed_by_name(uow_factory):
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        await uow.subjects.add(GUILD, Subject("physics", "Physics"))
        await uow.subjects.add(GUILD, Subject("calculus", "Calculus"))
        await uow.subjects.add(GUILD, Subject("art", "Zoology of Art"))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.subjects.all(GUILD) == [
            Subject("calculus", "Calculus"),
            Subject("physics", "Physics"),
            Subject("art", "Zoology of Art"),
        ]


async def test_adding_an_existing_key_renames_it_without_a_second_row(uow_factory):
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        await uow.subjects.add(GUILD, Subject("calculus", "Calculus"))
        await uow.subjects.add(GUILD, Subject("calculus", "Calculus I & II"))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.subjects.all(GUILD) == [Subject("calculus", "Calculus I & II")]
    assert await _subject_rows(uow_factory, GUILD) == 1


async def test_a_removed_subject_is_hidden_and_can_come_back(uow_factory):
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        await uow.subjects.add(GUILD, Subject("calculus", "Calculus"))
        await uow.subjects.add(GUILD, Subject("physics", "Physics"))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.subjects.remove(GUILD, "calculus") is True
        assert await uow.subjects.remove(GUILD, "calculus") is False  # already retired
        assert await uow.subjects.remove(GUILD, "alchemy") is False  # never there
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.subjects.all(GUILD) == [Subject("physics", "Physics")]

    async with uow_factory() as uow:
        await uow.subjects.add(GUILD, Subject("calculus", "Calculus (back)"))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.subjects.all(GUILD) == [
            Subject("calculus", "Calculus (back)"),
            Subject("physics", "Physics"),
        ]
    assert await _subject_rows(uow_factory, GUILD) == 2


async def test_each_guild_has_its_own_catalogue(uow_factory):
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        await uow.guilds.ensure(OTHER_GUILD, "Other campus", NOW)
        await uow.subjects.add(GUILD, Subject("calculus", "Calculus"))
        await uow.subjects.add(OTHER_GUILD, Subject("calculus", "Analysis"))
        assert await uow.subjects.remove(OTHER_GUILD, "calculus") is True
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.subjects.all(GUILD) == [Subject("calculus", "Calculus")]
        assert await uow.subjects.all(OTHER_GUILD) == []


# --- student profiles --------------------------------------------------------------------


async def test_a_student_profile_round_trips_and_is_replaced_whole(uow_factory):
    first = StudentProfile(
        subjects=(
            SubjectLevel("calculus", Level.BEGINNER),
            SubjectLevel("physics", Level.ADVANCED),
        ),
        goals="Pass calculus\nwith a B or better 🎯",
    )
    second = StudentProfile(subjects=(SubjectLevel("biology", Level.INTERMEDIATE),), goals="")
    async with uow_factory() as uow:
        assert await uow.students.get(GUILD, 1) is None
        await _onboard(uow, GUILD, 1)
        await uow.students.save(GUILD, 1, first, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.students.get(GUILD, 1) == first
        await uow.students.save(GUILD, 1, second, LATER)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.students.get(GUILD, 1) == second


# --- tutor profiles ----------------------------------------------------------------------


def _tutor(**changes) -> TutorProfile:
    profile = TutorProfile(
        subjects=(
            SubjectLevel("calculus", Level.ADVANCED),
            SubjectLevel("linear-algebra", Level.INTERMEDIATE),
        ),
        not_teaching=frozenset({"statistics", "physics"}),
        rate=Money(2550, "EUR"),
        bio="Ten years of maths olympiads.\n\nAsk me anything.",
        formats=frozenset({SessionFormat.TEXT, SessionFormat.VOICE}),
        instant_booking=True,
        verification=VerificationLevel.CAMPUS_EMAIL,
        status=TutorStatus.PAUSED,
    )
    return replace(profile, **changes)


async def test_a_tutor_profile_round_trips_with_its_not_teaching_flags(uow_factory):
    profile = _tutor()
    async with uow_factory() as uow:
        assert await uow.tutors.get(GUILD, 1) is None
        await _onboard(uow, GUILD, 1, Role.TUTOR)
        await uow.tutors.save(GUILD, 1, profile, NOW)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.tutors.get(GUILD, 1) == profile
        flags = await uow.session.execute(
            select(TutorSubjectRow.subject_key, TutorSubjectRow.teaches)
            .where(TutorSubjectRow.guild_id == GUILD)
            .order_by(TutorSubjectRow.subject_key)
        )
        assert flags.all() == [
            ("calculus", True),
            ("linear-algebra", True),
            ("physics", False),
            ("statistics", False),
        ]


async def test_a_tutor_profile_with_one_format_and_defaults_round_trips(uow_factory):
    profile = _tutor(
        not_teaching=frozenset(),
        rate=Money(0, "JPY"),
        bio="",
        formats=frozenset({SessionFormat.VOICE}),
        instant_booking=False,
        verification=VerificationLevel.NONE,
        status=TutorStatus.ACTIVE,
    )
    async with uow_factory() as uow:
        await _onboard(uow, GUILD, 1, Role.TUTOR)
        await uow.tutors.save(GUILD, 1, profile, NOW)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.tutors.get(GUILD, 1) == profile


async def test_saving_a_tutor_profile_again_replaces_subjects_and_flags(uow_factory):
    updated = _tutor(
        subjects=(SubjectLevel("statistics", Level.BEGINNER),),
        not_teaching=frozenset({"calculus"}),
        rate=Money(1_000_000_00, "EUR"),
        status=TutorStatus.ACTIVE,
        verification=VerificationLevel.MODERATOR_VERIFIED,
    )
    async with uow_factory() as uow:
        await _onboard(uow, GUILD, 1, Role.TUTOR)
        await uow.tutors.save(GUILD, 1, _tutor(), NOW)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.tutors.save(GUILD, 1, updated, LATER)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.tutors.get(GUILD, 1) == updated


async def test_a_subject_marked_not_taught_is_not_listed_as_taught(uow_factory):
    contradictory = _tutor(not_teaching=frozenset({"calculus"}))
    async with uow_factory() as uow:
        await _onboard(uow, GUILD, 1, Role.TUTOR)
        await uow.tutors.save(GUILD, 1, contradictory, NOW)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        stored = await uow.tutors.get(GUILD, 1)
    assert stored.subjects == (SubjectLevel("linear-algebra", Level.INTERMEDIATE),)
    assert stored.not_teaching == {"calculus"}
    assert not stored.teaches("calculus", Level.BEGINNER)


# --- audit log ---------------------------------------------------------------------------


async def test_the_audit_log_lists_the_latest_entries_first(uow_factory):
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        await uow.guilds.ensure(OTHER_GUILD, "Other campus", NOW)
        for minute, action in enumerate(("config.set", "subject.add", "subject.remove")):
            at = NOW + timedelta(minutes=minute, microseconds=minute)
            await uow.audit.record(GUILD, 1000 + minute, action, {"n": minute}, at)
        await uow.audit.record(OTHER_GUILD, 9, "config.set", {}, LATER)
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        assert await uow.audit.recent(GUILD, 2) == [
            (NOW + timedelta(minutes=2, microseconds=2), 1002, "subject.remove"),
            (NOW + timedelta(minutes=1, microseconds=1), 1001, "subject.add"),
        ]
        assert [action for _, _, action in await uow.audit.recent(GUILD, 10)] == [
            "subject.remove",
            "subject.add",
            "config.set",
        ]
        assert await uow.audit.recent(OTHER_GUILD, 10) == [(LATER, 9, "config.set")]
