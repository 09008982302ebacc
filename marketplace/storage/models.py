"""SQLAlchemy 2 typed table models.

Rows are persistence shapes only; repositories translate them to domain objects.
Discord snowflakes are stored as BIGINT.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from marketplace.storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming convention (for Alembic)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), int: Integer()}


class GuildRow(Base):
    """A Discord server running its own marketplace."""

    __tablename__ = "guild"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class UserRow(Base):
    """A Discord user, across every guild; carries their IANA time zone."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MemberRow(Base):
    """A user's onboarding in one guild: the role they picked and when."""

    __tablename__ = "member"

    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16))
    interests: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SubjectRow(Base):
    """One subject of a guild's catalogue."""

    __tablename__ = "subject"
    __table_args__ = (UniqueConstraint("guild_id", "key", name="uq_subject_guild_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class StudentProfileRow(Base):
    """A student's learning profile in one guild."""

    __tablename__ = "student_profile"
    __table_args__ = (
        ForeignKeyConstraint(
            ["guild_id", "user_id"], ["member.guild_id", "member.user_id"], ondelete="CASCADE"
        ),
    )

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    goals: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime]


class StudentSubjectRow(Base):
    """A subject a student wants help with, at their level."""

    __tablename__ = "student_subject"
    __table_args__ = (
        ForeignKeyConstraint(
            ["guild_id", "user_id"],
            ["student_profile.guild_id", "student_profile.user_id"],
            ondelete="CASCADE",
        ),
    )

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))


class TutorProfileRow(Base):
    """A tutor's public profile in one guild."""

    __tablename__ = "tutor_profile"
    __table_args__ = (
        ForeignKeyConstraint(
            ["guild_id", "user_id"], ["member.guild_id", "member.user_id"], ondelete="CASCADE"
        ),
        Index("ix_tutor_profile_guild_status", "guild_id", "status"),
    )

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    rate_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    bio: Mapped[str] = mapped_column(Text, default="")
    formats: Mapped[str] = mapped_column(String(32))
    instant_booking: Mapped[bool] = mapped_column(Boolean, default=False)
    verification: Mapped[str] = mapped_column(String(24), default="none")
    status: Mapped[str] = mapped_column(String(16), default="active")
    payouts_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TutorSubjectRow(Base):
    """A subject a tutor teaches up to a level, or explicitly does not teach."""

    __tablename__ = "tutor_subject"
    __table_args__ = (
        ForeignKeyConstraint(
            ["guild_id", "user_id"],
            ["tutor_profile.guild_id", "tutor_profile.user_id"],
            ondelete="CASCADE",
        ),
        Index("ix_tutor_subject_lookup", "guild_id", "subject_key", "teaches"),
    )

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    teaches: Mapped[bool] = mapped_column(Boolean, default=True)


class AuditLogRow(Base):
    """Who changed what, when and why: admin and moderator actions."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_guild_at", "guild_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("guild.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime]
