"""SQLAlchemy repositories: translate rows to domain objects and back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    insert,
    literal_column,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.domain.members import Member, Subject
from marketplace.domain.money import Money
from marketplace.domain.policy import GuildPolicy, apply_overrides, overrides_of
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
from marketplace.domain.ranking import CompletionCounts
from marketplace.ports.members import MemberProfiles
from marketplace.ports.reviews import RatingStats
from marketplace.storage.models import (
    AuditLogRow,
    GuildRow,
    MemberRow,
    StudentProfileRow,
    StudentSubjectRow,
    SubjectRow,
    TutorProfileRow,
    TutorSubjectRow,
    UserRow,
)
from marketplace.storage.read_cache import CacheAccess
from marketplace.storage.sql_repository import SqlRepository, upsert, value_of


@cache
def _insert_user(dialect: str) -> PgInsert | SqliteInsert:
    """INSERT app_user ... ON CONFLICT DO NOTHING, built once per dialect (a hot write)."""
    table = cast(Table, UserRow.__table__)
    statement = postgresql_insert(table) if dialect == "postgresql" else sqlite_insert(table)
    return statement.on_conflict_do_nothing(index_elements=[table.c.id])


class SqlGuildRepository:
    """Guild rows and their policy overrides (the policy is cached per process)."""

    def __init__(self, session: AsyncSession, cache: CacheAccess | None = None) -> None:
        self._session = session
        self._cache = cache

    async def ensure(self, guild_id: int, name: str, now: datetime) -> bool:
        """Guild rows are never deleted, so the check is cached.

        Once this process has committed (or read) the row under this name, the check is
        skipped for the cache's lifetime.
        """
        name = name[:100]
        key = ("guild", guild_id)
        if self._cache and self._cache.get(key) == name:
            return False
        # ON CONFLICT: two first contacts at once must not both insert (or both seed).
        inserted = await self._session.scalar(
            upsert(self._session, GuildRow)
            .values(id=guild_id, name=name, settings={}, created_at=now, updated_at=now)
            .on_conflict_do_nothing(index_elements=[GuildRow.id])
            .returning(GuildRow.id)
        )
        if self._cache:
            self._cache.remember(key, name)
        if inserted is not None:
            return True
        await self._session.execute(
            update(GuildRow)
            .where(GuildRow.id == guild_id, GuildRow.name != name)
            .values(name=name, updated_at=now)
        )
        return False

    async def name(self, guild_id: int) -> str:
        name = await self._session.scalar(select(GuildRow.name).where(GuildRow.id == guild_id))
        return name or ""

    async def policy(self, guild_id: int) -> GuildPolicy:
        key = ("policy", guild_id)
        if self._cache and (cached := self._cache.get(key)) is not None:
            return cached  # type: ignore[no-any-return]
        overrides = await self._session.scalar(
            select(GuildRow.settings).where(GuildRow.id == guild_id)
        )
        policy = apply_overrides(overrides or {})
        if self._cache:
            self._cache.put(key, policy)
        return policy

    async def save_policy(self, guild_id: int, policy: GuildPolicy, now: datetime) -> None:
        if self._cache:
            self._cache.changed(("policy", guild_id))
        await self._session.execute(
            update(GuildRow)
            .where(GuildRow.id == guild_id)
            .values(settings=overrides_of(policy), updated_at=now)
        )


class SqlUserRepository:
    """Users and their time zones."""

    def __init__(self, session: AsyncSession, cache: CacheAccess | None = None) -> None:
        self._session = session
        self._cache = cache

    async def ensure(self, user_id: int, now: datetime, display_name: str = "") -> None:
        """Create the user row if it is missing, and hold it for this transaction.

        The row lock makes one user's concurrent writes (a double click) take turns on
        PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers, so it is not
        asked for there (SQLite has no FOR UPDATE: the SELECT would only read). User rows
        are never deleted, so on SQLite a row this process committed under this name is
        not written again for the cache's lifetime (erasure drops the entry).
        """
        dialect = self._session.get_bind().dialect.name
        key, name = ("user", user_id), display_name[:100]
        if dialect == "sqlite" and self._cache and self._cache.get(key) == name:
            return
        await self._session.execute(
            _insert_user(dialect), {"id": user_id, "created_at": now, "updated_at": now}
        )
        if dialect != "sqlite":
            await self._session.execute(
                select(UserRow.id).where(UserRow.id == user_id).with_for_update()
            )
        if name:
            await self._session.execute(
                update(UserRow)
                .where(UserRow.id == user_id, UserRow.display_name != name)
                .values(display_name=name)
            )
        if self._cache:
            self._cache.remember(key, name)

    async def timezone(self, user_id: int) -> str | None:
        return await self._session.scalar(select(UserRow.timezone).where(UserRow.id == user_id))

    async def display_name(self, user_id: int) -> str:
        name = await self._session.scalar(select(UserRow.display_name).where(UserRow.id == user_id))
        return name or ""

    async def set_timezone(self, user_id: int, zone: str, now: datetime) -> None:
        await self.ensure(user_id, now)
        await self._session.execute(
            update(UserRow).where(UserRow.id == user_id).values(timezone=zone, updated_at=now)
        )


def _member_profiles() -> Select[Any]:
    """One user in one guild: one row per subject of theirs (or one row without any).

    The (guild, user) pair is a one-row anchor that everything is outer-joined to, so a
    user with no member, user or profile rows still reads one row (of NULLs).
    """
    table = {model: cast(Table, model.__table__) for model in _PROFILE_TABLES}
    m, u = table[MemberRow].c, table[UserRow].c
    sp, tp = table[StudentProfileRow].c, table[TutorProfileRow].c
    ss, ts = table[StudentSubjectRow].c, table[TutorSubjectRow].c
    key = select(
        bindparam("guild_id", type_=BigInteger).label("guild_id"),
        bindparam("user_id", type_=BigInteger).label("user_id"),
    ).subquery("k")
    # From the profile: a user without one skips the subjects (SQLite reads a tutor's off
    # the guild-wide search index, not the primary key, so that skip is worth having).
    tutor_subjects = (
        select(literal_column("'t'").label("kind"), ts.subject_key, ts.level, ts.teaches)
        .select_from(table[TutorProfileRow])
        .join(table[TutorSubjectRow], and_(ts.guild_id == tp.guild_id, ts.user_id == tp.user_id))
        .where(tp.guild_id == bindparam("guild_id"), tp.user_id == bindparam("user_id"))
    )
    subjects = union_all(
        tutor_subjects,
        select(literal_column("'s'"), ss.subject_key, ss.level, true()).where(
            ss.guild_id == bindparam("guild_id"), ss.user_id == bindparam("user_id")
        ),
    ).subquery("subjects")
    k, sub = key.c, subjects.c
    return (
        select(
            *(m.user_id.label("m_user"), m.role, m.interests, m.level, m.started_at),
            u.timezone,
            *(sp.user_id.label("s_user"), sp.goals),
            *(tp.user_id.label("t_user"), tp.rate_minor, tp.currency, tp.bio, tp.formats),
            *(tp.instant_booking, tp.verification, tp.status),
            *(tp.review_count, tp.review_star_sum, tp.sessions_held, tp.sessions_dropped),
            *(sub.kind, sub.subject_key, sub.level.label("subject_level"), sub.teaches),
        )
        .select_from(key)
        .outerjoin(table[MemberRow], and_(m.guild_id == k.guild_id, m.user_id == k.user_id))
        .outerjoin(table[UserRow], u.id == k.user_id)
        .outerjoin(
            table[StudentProfileRow], and_(sp.guild_id == k.guild_id, sp.user_id == k.user_id)
        )
        .outerjoin(table[TutorProfileRow], and_(tp.guild_id == k.guild_id, tp.user_id == k.user_id))
        .outerjoin(subjects, true())
        .order_by(sub.kind, sub.subject_key)
    )


_PROFILE_TABLES = (
    MemberRow,
    UserRow,
    StudentProfileRow,
    StudentSubjectRow,
    TutorProfileRow,
    TutorSubjectRow,
)

# Built once (the /profile view read): a Core statement, with no ORM layer on execution.
_MEMBER_PROFILES = _member_profiles()


def _tutor_of(first: Any, subjects: Sequence[tuple[str, str, bool]]) -> TutorProfile:
    """A tutor profile from its row's columns and its (key, level, teaches) subjects."""
    return TutorProfile(
        subjects=tuple(SubjectLevel(k, Level(lv)) for k, lv, teaches in subjects if teaches),
        not_teaching=frozenset(k for k, _lv, teaches in subjects if not teaches),
        rate=Money(first.rate_minor, first.currency),
        bio=first.bio,
        formats=frozenset(SessionFormat(f) for f in first.formats.split(",") if f),
        instant_booking=first.instant_booking,
        verification=VerificationLevel(first.verification),
        status=TutorStatus(first.status),
    )


class SqlMemberRepository(SqlRepository):
    """Onboarded members."""

    async def get(self, guild_id: int, user_id: int) -> Member | None:
        row = await self._session.get(MemberRow, (guild_id, user_id))
        if row is None:
            return None
        return _member_of(guild_id, user_id, row)

    async def profiles_of(self, guild_id: int, user_id: int) -> MemberProfiles:
        """The member, their time zone, student and tutor profiles (one statement)."""
        params = {"guild_id": guild_id, "user_id": user_id}
        rows = (await self._session.execute(_MEMBER_PROFILES, params)).all()
        first = rows[0]
        student = tutor = None
        if first.s_user is not None:
            student = StudentProfile(
                subjects=tuple(
                    SubjectLevel(r.subject_key, Level(r.subject_level))
                    for r in rows
                    if r.kind == "s"
                ),
                goals=first.goals,
            )
        reviews = completion = None
        if first.t_user is not None:
            subjects = [(r.subject_key, r.subject_level, r.teaches) for r in rows if r.kind == "t"]
            tutor = _tutor_of(first, subjects)
            if first.review_count > 0:
                reviews = RatingStats(
                    first.review_count, first.review_star_sum / first.review_count
                )
            completion = CompletionCounts(first.sessions_held, first.sessions_dropped)
        return MemberProfiles(
            member=None if first.m_user is None else _member_of(guild_id, user_id, first),
            timezone=first.timezone,
            student=student,
            tutor=tutor,
            tutor_reviews=reviews,
            completion=completion,
        )

    async def save(self, member: Member, now: datetime) -> None:
        row = await self._session.get(MemberRow, (member.guild_id, member.user_id))
        if row is None:
            self._session.add(
                MemberRow(
                    guild_id=member.guild_id,
                    user_id=member.user_id,
                    role=member.role.value,
                    interests=",".join(member.interests),
                    level=value_of(member.level),
                    started_at=member.started_at,
                    updated_at=now,
                )
            )
        else:
            row.role = member.role.value
            row.interests = ",".join(member.interests)
            row.level = value_of(member.level)
            row.updated_at = now
        await self._session.flush()


def _member_of(guild_id: int, user_id: int, row: Any) -> Member:
    """A member from a row (or an ORM object) with its columns."""
    return Member(
        guild_id,
        user_id,
        Role(row.role),
        row.started_at,
        interests=tuple(k for k in row.interests.split(",") if k),
        level=Level(row.level) if row.level else None,
    )


class SqlSubjectRepository(SqlRepository):
    """A guild's subject catalogue (cached per process)."""

    def __init__(self, session: AsyncSession, cache: CacheAccess | None = None) -> None:
        super().__init__(session)
        self._cache = cache

    async def all(self, guild_id: int) -> list[Subject]:
        key = ("subjects", guild_id)
        if self._cache and (cached := self._cache.get(key)) is not None:
            return list(cached)
        rows = await self._session.execute(
            select(SubjectRow.key, SubjectRow.name)
            .where(SubjectRow.guild_id == guild_id, SubjectRow.active.is_(True))
            .order_by(SubjectRow.name)
        )
        subjects = [Subject(key, name) for key, name in rows]
        if self._cache and subjects:
            self._cache.put(key, tuple(subjects))
        return subjects

    async def names(self, guild_id: int) -> dict[str, str]:
        return {subject.key: subject.name for subject in await self.all(guild_id)}

    async def name_of(self, guild_id: int, key: str) -> str:
        return (await self.names(guild_id)).get(key, key)

    async def add(self, guild_id: int, subject: Subject) -> None:
        """Add a subject (or reactivate and rename it)."""
        if self._cache:
            self._cache.changed(("subjects", guild_id))
        key = {"guild_id": guild_id, "key": subject.key}
        await self._put(SubjectRow, key, {"name": subject.name, "active": True})

    async def remove(self, guild_id: int, key: str) -> bool:
        if self._cache:
            self._cache.changed(("subjects", guild_id))
        return bool(
            await self._affected(
                update(SubjectRow)
                .where(SubjectRow.guild_id == guild_id, SubjectRow.key == key, SubjectRow.active)
                .values(active=False)
            )
        )


class SqlStudentRepository(SqlRepository):
    """Student profiles with their subjects."""

    async def get(self, guild_id: int, user_id: int) -> StudentProfile | None:
        row = await self._session.get(StudentProfileRow, (guild_id, user_id))
        if row is None:
            return None
        subjects = await self._session.execute(
            select(StudentSubjectRow.subject_key, StudentSubjectRow.level)
            .where(StudentSubjectRow.guild_id == guild_id, StudentSubjectRow.user_id == user_id)
            .order_by(StudentSubjectRow.subject_key)
        )
        return StudentProfile(
            subjects=tuple(SubjectLevel(key, Level(level)) for key, level in subjects),
            goals=row.goals,
        )

    async def save(
        self, guild_id: int, user_id: int, profile: StudentProfile, now: datetime
    ) -> None:
        row = await self._session.get(StudentProfileRow, (guild_id, user_id))
        if row is None:
            self._session.add(
                StudentProfileRow(
                    guild_id=guild_id, user_id=user_id, goals=profile.goals, updated_at=now
                )
            )
        else:
            row.goals, row.updated_at = profile.goals, now
        await self._session.flush()
        await self._session.execute(
            delete(StudentSubjectRow).where(
                StudentSubjectRow.guild_id == guild_id, StudentSubjectRow.user_id == user_id
            )
        )
        self._session.add_all(
            StudentSubjectRow(
                guild_id=guild_id, user_id=user_id, subject_key=s.subject_key, level=s.level.value
            )
            for s in profile.subjects
        )
        await self._session.flush()


def _tutor_with_subjects() -> Select[Any]:
    # The tables' own columns: a Core statement, with no ORM layer on execution.
    profiles = cast(Table, TutorProfileRow.__table__)
    subjects = cast(Table, TutorSubjectRow.__table__)
    p, s = profiles.c, subjects.c
    return (
        select(
            *(p.rate_minor, p.currency, p.bio, p.formats, p.instant_booking),
            *(p.verification, p.status, s.subject_key, s.level, s.teaches),
        )
        .select_from(profiles)
        .outerjoin(subjects, and_(s.guild_id == p.guild_id, s.user_id == p.user_id))
        .where(p.guild_id == bindparam("guild_id"), p.user_id == bindparam("user_id"))
        .order_by(s.subject_key)
    )


# Built once (a hot read): the profile joined to its subjects, one row per subject.
_TUTOR_WITH_SUBJECTS = _tutor_with_subjects()


class SqlTutorRepository(SqlRepository):
    """Tutor profiles with their subjects and "doesn't teach" flags."""

    async def get(self, guild_id: int, user_id: int) -> TutorProfile | None:
        """The tutor's profile in this guild (one query: the profile joined to its subjects)."""
        params = {"guild_id": guild_id, "user_id": user_id}
        rows = (await self._session.execute(_TUTOR_WITH_SUBJECTS, params)).all()
        if not rows:
            return None
        subjects = [(r.subject_key, r.level, r.teaches) for r in rows if r.subject_key is not None]
        return _tutor_of(rows[0], subjects)

    async def save(self, guild_id: int, user_id: int, profile: TutorProfile, now: datetime) -> None:
        values: dict[str, Any] = {
            "rate_minor": profile.rate.minor,
            "currency": profile.rate.currency,
            "bio": profile.bio,
            "formats": ",".join(sorted(f.value for f in profile.formats)),
            "instant_booking": profile.instant_booking,
            "verification": profile.verification.value,
            "status": profile.status.value,
            "updated_at": now,
        }
        row = await self._session.get(TutorProfileRow, (guild_id, user_id))
        if row is None:
            self._session.add(
                TutorProfileRow(guild_id=guild_id, user_id=user_id, created_at=now, **values)
            )
        else:
            for name, value in values.items():
                setattr(row, name, value)
        await self._session.flush()
        await self._replace_subjects(guild_id, user_id, profile)

    async def _replace_subjects(self, guild_id: int, user_id: int, profile: TutorProfile) -> None:
        await self._session.execute(
            delete(TutorSubjectRow).where(
                TutorSubjectRow.guild_id == guild_id, TutorSubjectRow.user_id == user_id
            )
        )
        rows = [
            TutorSubjectRow(
                guild_id=guild_id,
                user_id=user_id,
                subject_key=s.subject_key,
                level=s.level.value,
                teaches=True,
            )
            for s in profile.subjects
            if s.subject_key not in profile.not_teaching
        ]
        rows += [
            TutorSubjectRow(
                guild_id=guild_id, user_id=user_id, subject_key=key, level="", teaches=False
            )
            for key in sorted(profile.not_teaching)
        ]
        self._session.add_all(rows)
        await self._session.flush()


class SqlAuditLog(SqlRepository):
    """Append-only audit entries."""

    async def record(
        self, guild_id: int, actor_id: int, action: str, detail: dict[str, Any], at: datetime
    ) -> None:
        """Append one entry (a plain INSERT: nothing is loaded or flushed)."""
        await self._session.execute(
            insert(AuditLogRow).values(
                guild_id=guild_id, actor_id=actor_id, action=action, detail=detail, at=at
            )
        )

    async def recent(self, guild_id: int, limit: int) -> Sequence[tuple[datetime, int, str]]:
        rows = await self._session.execute(
            select(AuditLogRow.at, AuditLogRow.actor_id, AuditLogRow.action)
            .where(AuditLogRow.guild_id == guild_id)
            .order_by(AuditLogRow.id.desc())
            .limit(limit)
        )
        return [(at, actor, action) for at, actor, action in rows]

    async def of_action(
        self, guild_id: int, action: str, limit: int
    ) -> Sequence[tuple[datetime, dict[str, Any]]]:
        rows = await self._session.execute(
            select(AuditLogRow.at, AuditLogRow.detail)
            .where(AuditLogRow.guild_id == guild_id, AuditLogRow.action == action)
            .order_by(AuditLogRow.id.desc())
            .limit(limit)
        )
        return [(at, dict(detail or {})) for at, detail in rows]
