"""`members.profiles_of`: the one-statement profile-card read equals the separate reads."""

from datetime import UTC, datetime

from sqlalchemy import update

from marketplace.domain.members import Member
from marketplace.domain.money import Money
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
from marketplace.ports.members import MemberProfiles
from marketplace.storage.models import TutorProfileRow

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
GUILD, OTHER_GUILD = 100, 200
STUDENT, TUTOR, BOTH, NOBODY = 1, 2, 2**63 - 1, 4


def _tutor(*subjects: SubjectLevel, not_teaching: frozenset[str] = frozenset()) -> TutorProfile:
    return TutorProfile(
        subjects=subjects,
        not_teaching=not_teaching,
        rate=Money(2500, "USD"),
        bio="Patient.",
        formats=frozenset({SessionFormat.TEXT, SessionFormat.VOICE}),
        instant_booking=True,
        verification=VerificationLevel.NONE,
        status=TutorStatus.ACTIVE,
    )


async def _separately(uow, guild_id: int, user_id: int) -> MemberProfiles:
    tutor = await uow.tutors.get(guild_id, user_id)
    return MemberProfiles(
        member=await uow.members.get(guild_id, user_id),
        timezone=await uow.users.timezone(user_id),
        student=await uow.students.get(guild_id, user_id),
        tutor=tutor,
        tutor_reviews=(await uow.reviews.stats_of(guild_id, [user_id])).get(user_id)
        if tutor
        else None,
        completion=await uow.search.completion_of(guild_id, user_id) if tutor else None,
    )


async def _seed(uow_factory) -> None:
    async with uow_factory() as uow:
        for guild in (GUILD, OTHER_GUILD):
            await uow.guilds.ensure(guild, "Campus", NOW)
        for user in (STUDENT, TUTOR, BOTH):
            await uow.users.ensure(user, NOW)
        await uow.users.set_timezone(BOTH, "Asia/Kolkata", NOW)
        await uow.members.save(
            Member(GUILD, STUDENT, Role.STUDENT, NOW, interests=("physics", "art"), level=None),
            NOW,
        )
        await uow.students.save(
            GUILD,
            STUDENT,
            StudentProfile(
                (SubjectLevel("physics", Level.BEGINNER), SubjectLevel("art", Level.ADVANCED)),
                "Pass.",
            ),
            NOW,
        )
        await uow.members.save(Member(GUILD, TUTOR, Role.TUTOR, NOW), NOW)
        await uow.tutors.save(GUILD, TUTOR, _tutor(), NOW)  # no subjects at all
        await uow.members.save(
            Member(GUILD, BOTH, Role.BOTH, NOW, interests=("chem",), level=Level.INTERMEDIATE),
            NOW,
        )
        await uow.students.save(
            GUILD, BOTH, StudentProfile((SubjectLevel("chem", Level.INTERMEDIATE),), ""), NOW
        )
        await uow.tutors.save(
            GUILD,
            BOTH,
            _tutor(
                SubjectLevel("math", Level.ADVANCED),
                SubjectLevel("calculus", Level.BEGINNER),
                not_teaching=frozenset({"latin", "greek"}),
            ),
            NOW,
        )
        await uow.session.execute(
            update(TutorProfileRow)
            .where(TutorProfileRow.user_id == BOTH)
            .values(review_count=3, review_star_sum=13, sessions_held=5, sessions_dropped=1)
        )
        await uow.members.save(Member(OTHER_GUILD, STUDENT, Role.STUDENT, NOW), NOW)
        await uow.commit()


async def test_the_joined_read_equals_the_separate_reads(uow_factory):
    await _seed(uow_factory)
    cases = [(GUILD, u) for u in (STUDENT, TUTOR, BOTH, NOBODY)]
    cases += [(OTHER_GUILD, u) for u in (STUDENT, BOTH)]
    async with uow_factory(read_only=True) as uow:
        for guild_id, user_id in cases:
            joined = await uow.members.profiles_of(guild_id, user_id)
            assert joined == await _separately(uow, guild_id, user_id), (guild_id, user_id)


async def test_what_the_joined_read_finds(uow_factory):
    await _seed(uow_factory)
    async with uow_factory(read_only=True) as uow:
        nobody = await uow.members.profiles_of(GUILD, NOBODY)
        both = await uow.members.profiles_of(GUILD, BOTH)
        tutor = await uow.members.profiles_of(GUILD, TUTOR)
    assert nobody == MemberProfiles(None, None, None, None)
    assert both.timezone == "Asia/Kolkata"
    assert both.student == StudentProfile((SubjectLevel("chem", Level.INTERMEDIATE),), "")
    assert both.tutor is not None
    assert both.tutor.subjects == (
        SubjectLevel("calculus", Level.BEGINNER),
        SubjectLevel("math", Level.ADVANCED),
    )
    assert both.tutor.not_teaching == {"latin", "greek"}
    assert both.tutor_reviews is not None
    assert (both.tutor_reviews.count, both.tutor_reviews.mean) == (3, 13 / 3)
    assert (both.completion.held, both.completion.dropped) == (5, 1)
    assert tutor.tutor is not None
    assert tutor.tutor.subjects == ()
    assert tutor.student is None
    assert tutor.tutor_reviews is None
