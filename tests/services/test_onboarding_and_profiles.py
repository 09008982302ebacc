"""Onboarding, profiles and guild administration, through the services on a real database."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.domain.errors import (
    InputError,
    InvalidSettingError,
    NotFoundError,
    PermissionDeniedError,
    UnknownTimeZoneError,
)
from marketplace.domain.members import Subject
from marketplace.domain.money import Money
from marketplace.domain.profiles import Level, Role, SessionFormat, TutorStatus
from marketplace.domain.subjects import DEFAULT_SUBJECTS, subject_key
from marketplace.domain.text import is_unsafe_char
from marketplace.services import guild_admin, onboarding, profiles
from marketplace.services.actor import Actor
from marketplace.services.guild_admin import ChangeSetting
from marketplace.services.onboarding import StartOnboarding
from marketplace.services.profiles import ApplyAsTutor, EditProfile
from marketplace.storage.models import AuditLogRow, Base, GuildRow

GUILD = 500
MOD_ROLE = 555


def actor(user_id: int = 1, **standing) -> Actor:
    return Actor(guild_id=GUILD, guild_name="Campus", user_id=user_id, **standing)


ADMIN = actor(900, has_manage_guild=True)
STUDENT = actor(1)


def start_cmd(who: Actor = STUDENT, **changes) -> StartOnboarding:
    values = {
        "actor": who,
        "role": Role.STUDENT,
        "timezone": "europe/berlin",
        "subject_keys": ("calculus", "physics"),
        "level": Level.BEGINNER,
    } | changes
    return StartOnboarding(**values)


def application(who: Actor = STUDENT, **changes) -> ApplyAsTutor:
    values = {
        "actor": who,
        "subject_keys": ("calculus",),
        "level": Level.ADVANCED,
        "rate": "$25",
        "bio": "I have tutored calculus for three years and love it.",
        "formats": frozenset({SessionFormat.TEXT, SessionFormat.VOICE}),
        "instant_booking": False,
    } | changes
    return ApplyAsTutor(**values)


async def row_counts(uow_factory) -> dict[str, int]:
    """Rows per table, skipping empty tables: `{}` means nothing was ever written."""
    counts = {}
    async with uow_factory(read_only=True) as uow:
        for name, table in Base.metadata.tables.items():
            count = await uow.session.scalar(select(func.count()).select_from(table))
            if count:
                counts[name] = count
    return counts


async def audit_details(uow_factory) -> list[tuple[str, dict]]:
    async with uow_factory(read_only=True) as uow:
        rows = await uow.session.execute(
            select(AuditLogRow.action, AuditLogRow.detail).order_by(AuditLogRow.id)
        )
        return [(action, detail) for action, detail in rows]


# --- /start ------------------------------------------------------------------------------


async def test_a_new_student_gets_their_zone_subjects_and_a_checklist(service_context, clock):
    result = await onboarding.start(start_cmd(), service_context)

    assert result.member.role is Role.STUDENT
    assert result.member.started_at == clock.now()
    assert result.member.interests == ("calculus", "physics")
    assert result.member.level is Level.BEGINNER
    assert result.timezone == "Europe/Berlin"
    assert result.subjects == (Subject("calculus", "Calculus"), Subject("physics", "Physics"))
    assert [(step.key, step.done) for step in result.checklist] == [
        ("timezone", True),
        ("subjects", True),
        ("find_tutor", False),
    ]
    card = await profiles.view(profiles.ViewProfile(GUILD, STUDENT.user_id), service_context)
    assert card.timezone == "Europe/Berlin"
    assert [(s.subject_key, s.level) for s in card.student.subjects] == [
        ("calculus", Level.BEGINNER),
        ("physics", Level.BEGINNER),
    ]


async def test_the_first_member_of_a_guild_seeds_its_starter_catalogue(service_context):
    await onboarding.start(start_cmd(), service_context)

    catalogue = await onboarding.catalogue(GUILD, "Campus", service_context)
    assert [s.name for s in catalogue] == sorted(DEFAULT_SUBJECTS)
    assert {s.key for s in catalogue} == {subject_key(name) for name in DEFAULT_SUBJECTS}


async def test_looking_at_a_new_guilds_catalogue_seeds_it_once(service_context, uow_factory):
    first = await onboarding.catalogue(GUILD, "Campus", service_context)
    second = await onboarding.catalogue(GUILD, "Campus", service_context)

    assert first == second
    assert len(first) == len(DEFAULT_SUBJECTS)
    assert (await row_counts(uow_factory))["subject"] == len(DEFAULT_SUBJECTS)


async def test_starting_again_changes_the_role_but_keeps_the_start_date_and_goals(
    service_context, clock
):
    first = await onboarding.start(start_cmd(), service_context)
    await profiles.edit(EditProfile(STUDENT, goals="Pass the midterm"), service_context)
    clock.advance(timedelta(days=2))

    again = await onboarding.start(
        start_cmd(role=Role.BOTH, subject_keys=("biology",), level=Level.ADVANCED),
        service_context,
    )

    assert again.member.role is Role.BOTH
    assert again.member.started_at == first.member.started_at
    card = await profiles.view(profiles.ViewProfile(GUILD, STUDENT.user_id), service_context)
    assert card.student.goals == "Pass the midterm"
    assert [s.subject_key for s in card.student.subjects] == ["biology"]


async def test_a_subject_picked_twice_counts_once(service_context):
    result = await onboarding.start(
        start_cmd(subject_keys=("calculus", "calculus")), service_context
    )
    assert result.subjects == (Subject("calculus", "Calculus"),)


async def test_an_unknown_time_zone_is_refused_and_nothing_is_written(service_context, uow_factory):
    with pytest.raises(UnknownTimeZoneError) as caught:
        await onboarding.start(start_cmd(timezone="Mars/Olympus_Mons"), service_context)
    assert caught.value.zone == "Mars/Olympus_Mons"
    assert await row_counts(uow_factory) == {}


async def test_an_unknown_subject_key_is_refused_and_nothing_is_written(
    service_context, uow_factory
):
    with pytest.raises(InputError) as caught:
        await onboarding.start(start_cmd(subject_keys=("calculus", "alchemy")), service_context)
    assert (caught.value.field, caught.value.problem) == ("subjects", "unknown_choice")
    assert await row_counts(uow_factory) == {}


async def test_more_than_ten_subjects_are_refused(service_context, uow_factory):
    eleven = tuple(subject_key(name) for name in DEFAULT_SUBJECTS[:11])
    with pytest.raises(InputError) as caught:
        await onboarding.start(start_cmd(subject_keys=eleven), service_context)
    assert (caught.value.field, caught.value.problem, caught.value.limit) == (
        "subjects",
        "too_many",
        10,
    )
    assert await row_counts(uow_factory) == {}


async def test_no_subjects_at_all_are_refused(service_context, uow_factory):
    with pytest.raises(InputError) as caught:
        await onboarding.start(start_cmd(subject_keys=()), service_context)
    assert (caught.value.field, caught.value.problem) == ("subjects", "empty")
    assert await row_counts(uow_factory) == {}


async def test_setting_a_time_zone_stores_its_canonical_name(service_context, uow_factory):
    assert (
        await onboarding.set_timezone(
            onboarding.SetTimezone(STUDENT.user_id, "pst"), service_context
        )
        == "America/Los_Angeles"
    )
    async with uow_factory(read_only=True) as uow:
        assert await uow.users.timezone(STUDENT.user_id) == "America/Los_Angeles"


@pytest.mark.parametrize("zone", ["Atlantis/Capital", "x" * 65, ""])
async def test_setting_a_bad_time_zone_stores_nothing(service_context, uow_factory, zone):
    with pytest.raises((UnknownTimeZoneError, InputError)):
        await onboarding.set_timezone(
            onboarding.SetTimezone(STUDENT.user_id, zone), service_context
        )
    assert await row_counts(uow_factory) == {}


# --- profiles ----------------------------------------------------------------------------


async def test_a_stranger_applying_as_a_tutor_becomes_a_tutor(service_context):
    card = await profiles.apply_as_tutor(
        application(not_teaching="Statistics; physics, "), service_context
    )

    assert card.member.role is Role.TUTOR
    assert card.tutor.rate == Money(2500, "USD")
    assert card.tutor.formats == {SessionFormat.TEXT, SessionFormat.VOICE}
    assert card.tutor.not_teaching == {"statistics", "physics"}
    assert card.tutor.status is TutorStatus.ACTIVE
    assert card.subject_names["calculus"] == "Calculus"


async def test_applying_as_a_tutor_makes_a_student_both(service_context):
    await onboarding.start(start_cmd(), service_context)

    card = await profiles.apply_as_tutor(application(), service_context)

    assert card.member.role is Role.BOTH
    assert card.member.interests == ("calculus", "physics")
    assert card.student is not None
    assert card.tutor is not None


async def test_a_paused_tutor_who_applies_again_stays_paused(service_context):
    await profiles.apply_as_tutor(application(), service_context)
    await profiles.set_paused(profiles.PauseProfile(GUILD, STUDENT.user_id, True), service_context)

    card = await profiles.apply_as_tutor(application(rate="30"), service_context)

    assert card.member.role is Role.TUTOR
    assert card.tutor.status is TutorStatus.PAUSED
    assert card.tutor.rate == Money(3000, "USD")


async def test_a_tutor_can_pause_and_resume(service_context):
    await profiles.apply_as_tutor(application(), service_context)

    await profiles.set_paused(profiles.PauseProfile(GUILD, STUDENT.user_id, True), service_context)
    paused = await profiles.view(profiles.ViewProfile(GUILD, STUDENT.user_id), service_context)
    await profiles.set_paused(profiles.PauseProfile(GUILD, STUDENT.user_id, False), service_context)
    resumed = await profiles.view(profiles.ViewProfile(GUILD, STUDENT.user_id), service_context)

    assert paused.tutor.status is TutorStatus.PAUSED
    assert resumed.tutor.status is TutorStatus.ACTIVE


async def test_pausing_someone_who_is_not_a_tutor_is_not_found(service_context, uow_factory):
    await onboarding.start(start_cmd(), service_context)
    before = await row_counts(uow_factory)

    with pytest.raises(NotFoundError) as caught:
        await profiles.set_paused(
            profiles.PauseProfile(GUILD, STUDENT.user_id, True), service_context
        )
    with pytest.raises(NotFoundError):
        await profiles.set_paused(profiles.PauseProfile(GUILD, 31337, True), service_context)

    assert caught.value.entity == "tutor_profile"
    assert await row_counts(uow_factory) == before


async def test_an_oversized_bio_is_refused(service_context, uow_factory):
    with pytest.raises(InputError) as caught:
        await profiles.apply_as_tutor(application(bio="a" * 1001), service_context)
    assert (caught.value.field, caught.value.problem, caught.value.limit) == (
        "bio",
        "too_long",
        1000,
    )
    assert await row_counts(uow_factory) == {}


async def test_a_bio_of_exactly_the_limit_is_kept(service_context):
    card = await profiles.apply_as_tutor(application(bio="a" * 1000), service_context)
    assert card.tutor.bio == "a" * 1000


async def test_invisible_and_direction_changing_characters_are_stripped_from_a_bio(
    service_context,
):
    hostile = (
        "\ufeffHi\u200b, I\u200d teach \u202ecalculus\u202c\u2066 and\u2069 "
        "stats\u061c.\r\nPing @everyone"
    )

    card = await profiles.apply_as_tutor(application(bio=hostile), service_context)

    assert card.tutor.bio == "Hi, I teach calculus and stats.\nPing ＠everyone"
    assert not any(is_unsafe_char(c, multiline=True) for c in card.tutor.bio)


@pytest.mark.parametrize(
    ("rate", "problem"),
    [
        ("abc", "not_a_number"),
        ("-5", "negative"),
        ("10.999", "too_precise"),
        ("1e9", "not_a_number"),
        ("1000001", "out_of_range"),
        ("€25", "wrong_currency"),
        ("", "empty"),
    ],
)
async def test_a_bad_rate_is_refused_and_nothing_is_written(
    service_context, uow_factory, rate, problem
):
    with pytest.raises(InputError) as caught:
        await profiles.apply_as_tutor(application(rate=rate), service_context)
    assert (caught.value.field, caught.value.problem) == ("rate", problem)
    assert await row_counts(uow_factory) == {}


async def test_the_rate_is_read_in_the_guilds_currency(service_context):
    await guild_admin.change_setting(ChangeSetting(ADMIN, "currency", "eur"), service_context)

    card = await profiles.apply_as_tutor(application(rate="19.50"), service_context)

    assert card.tutor.rate == Money(1950, "EUR")


async def test_applying_without_a_format_is_refused(service_context, uow_factory):
    with pytest.raises(InputError) as caught:
        await profiles.apply_as_tutor(application(formats=frozenset()), service_context)
    assert (caught.value.field, caught.value.problem) == ("formats", "empty")
    assert await row_counts(uow_factory) == {}


async def test_not_teaching_an_unknown_subject_is_refused(service_context, uow_factory):
    with pytest.raises(InputError) as caught:
        await profiles.apply_as_tutor(application(not_teaching="Alchemy"), service_context)
    assert (caught.value.field, caught.value.problem) == ("not_teaching", "unknown_choice")
    assert await row_counts(uow_factory) == {}


async def test_editing_goals_cleans_them(service_context):
    await onboarding.start(start_cmd(), service_context)

    card = await profiles.edit(
        EditProfile(STUDENT, goals="  Pass\u200b   the\tmidterm  "), service_context
    )

    assert card.student.goals == "Pass the midterm"


async def test_editing_a_tutors_bio_and_rate_applies_both(service_context):
    await profiles.apply_as_tutor(application(), service_context)

    card = await profiles.edit(EditProfile(STUDENT, bio="New bio", rate="40"), service_context)

    assert card.tutor.bio == "New bio"
    assert card.tutor.rate == Money(4000, "USD")


async def test_editing_without_having_started_is_not_found(service_context, uow_factory):
    with pytest.raises(NotFoundError):
        await profiles.edit(EditProfile(STUDENT, goals="Anything"), service_context)
    assert await row_counts(uow_factory) == {}


async def test_viewing_a_stranger_shows_an_empty_card(service_context):
    card = await profiles.view(profiles.ViewProfile(GUILD, 4040), service_context)
    assert (card.member, card.timezone, card.student, card.tutor) == (None, None, None, None)


# --- /admin ------------------------------------------------------------------------------


async def test_an_admin_with_manage_server_changes_a_setting(service_context, uow_factory):
    config = await guild_admin.change_setting(
        ChangeSetting(ADMIN, "platform_fee_bps", "1000"), service_context
    )

    assert config.policy.platform_fee_bps == 1000
    assert (
        await guild_admin.view_config(guild_admin.ViewConfig(ADMIN), service_context)
    ).policy == config.policy
    async with uow_factory(read_only=True) as uow:
        stored = await uow.session.scalar(select(GuildRow.settings).where(GuildRow.id == GUILD))
    assert stored == {"platform_fee_bps": 1000}


async def test_the_guild_owner_is_an_admin(service_context):
    owner = actor(901, is_owner=True)
    config = await guild_admin.change_setting(
        ChangeSetting(owner, "buffer_minutes", "0"), service_context
    )
    assert config.policy.buffer_minutes == 0


async def test_changing_a_setting_is_audited(service_context, uow_factory, clock):
    await guild_admin.change_setting(ChangeSetting(ADMIN, "languages", "en, FR"), service_context)

    async with uow_factory(read_only=True) as uow:
        assert await uow.audit.recent(GUILD, 10) == [(clock.now(), ADMIN.user_id, "config.set")]
    assert await audit_details(uow_factory) == [
        ("config.set", {"key": "languages", "value": ["en", "fr"]})
    ]


async def test_a_member_without_manage_server_cannot_change_settings(service_context, uow_factory):
    with pytest.raises(PermissionDeniedError) as caught:
        await guild_admin.change_setting(
            ChangeSetting(STUDENT, "platform_fee_bps", "0"), service_context
        )
    assert caught.value.needed == "admin"
    assert await row_counts(uow_factory) == {}


async def test_a_member_without_manage_server_cannot_view_the_config(service_context, uow_factory):
    with pytest.raises(PermissionDeniedError):
        await guild_admin.view_config(guild_admin.ViewConfig(STUDENT), service_context)
    assert await row_counts(uow_factory) == {}


async def test_a_moderator_is_not_an_admin(service_context, uow_factory):
    await guild_admin.change_setting(
        ChangeSetting(ADMIN, "moderator_role", f"<@&{MOD_ROLE}>", role_ids=frozenset({MOD_ROLE})),
        service_context,
    )
    moderator = actor(2, role_ids=frozenset({MOD_ROLE}))
    before = await row_counts(uow_factory)

    with pytest.raises(PermissionDeniedError):
        await guild_admin.change_setting(
            ChangeSetting(moderator, "moderator_role", "none"), service_context
        )
    with pytest.raises(PermissionDeniedError):
        await guild_admin.view_config(guild_admin.ViewConfig(moderator), service_context)
    with pytest.raises(PermissionDeniedError):
        await guild_admin.add_subject(
            guild_admin.AddSubject(moderator, "Astrology"), service_context
        )
    with pytest.raises(PermissionDeniedError):
        await guild_admin.remove_subject(
            guild_admin.RemoveSubject(moderator, "calculus"), service_context
        )

    assert await row_counts(uow_factory) == before
    config = await guild_admin.view_config(guild_admin.ViewConfig(ADMIN), service_context)
    assert config.policy.moderator_role == MOD_ROLE


async def test_a_role_that_is_not_in_the_guild_is_refused(service_context, uow_factory):
    with pytest.raises(InvalidSettingError):
        await guild_admin.change_setting(
            ChangeSetting(ADMIN, "moderator_role", "777", role_ids=frozenset({MOD_ROLE})),
            service_context,
        )
    assert await audit_details(uow_factory) == []


async def test_an_invalid_setting_changes_nothing_and_is_not_audited(service_context, uow_factory):
    await guild_admin.view_config(guild_admin.ViewConfig(ADMIN), service_context)
    before = await row_counts(uow_factory)

    with pytest.raises(InvalidSettingError):
        await guild_admin.change_setting(
            ChangeSetting(ADMIN, "platform_fee_bps", "9000"), service_context
        )

    assert await row_counts(uow_factory) == before
    assert await audit_details(uow_factory) == []


async def test_an_admin_adds_and_retires_a_subject_with_an_audit_trail(
    service_context, uow_factory
):
    added = await guild_admin.add_subject(
        guild_admin.AddSubject(ADMIN, "  Quantum   Mechanics "), service_context
    )
    assert added == Subject("quantum-mechanics", "Quantum Mechanics")
    catalogue = await onboarding.catalogue(GUILD, "Campus", service_context)
    assert added in catalogue

    assert await guild_admin.remove_subject(
        guild_admin.RemoveSubject(ADMIN, "quantum-mechanics"), service_context
    )
    assert not await guild_admin.remove_subject(
        guild_admin.RemoveSubject(ADMIN, "quantum-mechanics"), service_context
    )

    catalogue = await onboarding.catalogue(GUILD, "Campus", service_context)
    assert added not in catalogue
    assert await audit_details(uow_factory) == [
        ("subject.add", {"key": "quantum-mechanics"}),
        ("subject.remove", {"key": "quantum-mechanics"}),
    ]
