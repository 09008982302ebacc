"""the trust layer: campus-email codes, verification requests, session logs, flags

`email_code` holds a member"s pending one-time code (only its hash) and
`verified_email` the addresses proved, one member per address per guild (by a keyed hash:
the address itself is sealed). `verification_request` keeps a tutor"s files and note for
`moderator-verified`. `session_message` is the sealed log of session spaces;
`message_flag` what screening flagged, `screening_reminder` the reminders given once per
kind and session. The evidence of disputes and card disputes becomes sealed text (a
stored JSON value is read as it is until `tutorbot keys rotate` seals it), and a review
can be held with a `flag_reason`.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 10:43:39
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.storage.types

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table("email_code",
    sa.Column("guild_id", sa.BigInteger(), nullable=False),
    sa.Column("user_id", sa.BigInteger(), nullable=False),
    sa.Column("address", sa.Text(), nullable=False),
    sa.Column("address_hash", sa.String(length=64), nullable=False),
    sa.Column("code_hash", sa.String(length=200), nullable=False),
    sa.Column("expires_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column("attempts", sa.SmallInteger(), nullable=False),
    sa.Column("last_sent_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column("sends", sa.SmallInteger(), nullable=False),
    sa.Column("sends_since", marketplace.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["guild_id"], ["guild.id"], name=op.f("fk_email_code_guild_id_guild"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_email_code"))
    )
    op.create_table("verification_request",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("guild_id", sa.BigInteger(), nullable=False),
    sa.Column("user_id", sa.BigInteger(), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
    sa.Column("files", sa.Text(), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("created_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column("decided_by", sa.BigInteger(), nullable=True),
    sa.Column("decided_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["guild_id"], ["guild.id"], name=op.f("fk_verification_request_guild_id_guild"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_request"))
    )
    with op.batch_alter_table("verification_request", schema=None) as batch_op:
        batch_op.create_index("ix_verification_request_guild_status", ["guild_id", "status", "created_at"], unique=False)

    op.create_table("verified_email",
    sa.Column("guild_id", sa.BigInteger(), nullable=False),
    sa.Column("address_hash", sa.String(length=64), nullable=False),
    sa.Column("user_id", sa.BigInteger(), nullable=False),
    sa.Column("address", sa.Text(), nullable=False),
    sa.Column("verified_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["guild_id"], ["guild.id"], name=op.f("fk_verified_email_guild_id_guild"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("guild_id", "address_hash", name=op.f("pk_verified_email"))
    )
    with op.batch_alter_table("verified_email", schema=None) as batch_op:
        batch_op.create_index("ix_verified_email_guild_user", ["guild_id", "user_id"], unique=False)

    op.create_table("message_flag",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("guild_id", sa.BigInteger(), nullable=False),
    sa.Column("booking_id", sa.Integer(), nullable=True),
    sa.Column("message_id", sa.BigInteger(), nullable=False),
    sa.Column("channel_id", sa.BigInteger(), nullable=False),
    sa.Column("author_id", sa.BigInteger(), nullable=False),
    sa.Column("kinds", sa.String(length=64), nullable=False),
    sa.Column("context", sa.Text(), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("created_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column("decided_by", sa.BigInteger(), nullable=True),
    sa.Column("decided_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["booking_id"], ["booking.id"], name=op.f("fk_message_flag_booking_id_booking"), ondelete="SET NULL"),
    sa.ForeignKeyConstraint(["guild_id"], ["guild.id"], name=op.f("fk_message_flag_guild_id_guild"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_message_flag"))
    )
    with op.batch_alter_table("message_flag", schema=None) as batch_op:
        batch_op.create_index("ix_message_flag_guild_author", ["guild_id", "author_id", "created_at"], unique=False)
        batch_op.create_index("ix_message_flag_guild_status", ["guild_id", "status", "created_at"], unique=False)

    op.create_table("screening_reminder",
    sa.Column("booking_id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.BigInteger(), nullable=False),
    sa.Column("kind", sa.String(length=16), nullable=False),
    sa.Column("sent_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["booking_id"], ["booking.id"], name=op.f("fk_screening_reminder_booking_id_booking"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("booking_id", "user_id", "kind", name=op.f("pk_screening_reminder"))
    )
    op.create_table("session_message",
    sa.Column("message_id", sa.BigInteger(), nullable=False),
    sa.Column("guild_id", sa.BigInteger(), nullable=False),
    sa.Column("booking_id", sa.Integer(), nullable=False),
    sa.Column("channel_id", sa.BigInteger(), nullable=False),
    sa.Column("author_id", sa.BigInteger(), nullable=False),
    sa.Column("sent_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column("edited_at", marketplace.storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("attachments", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["booking_id"], ["booking.id"], name=op.f("fk_session_message_booking_id_booking"), ondelete="CASCADE"),
    sa.ForeignKeyConstraint(["guild_id"], ["guild.id"], name=op.f("fk_session_message_guild_id_guild"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("message_id", name=op.f("pk_session_message"))
    )
    with op.batch_alter_table("session_message", schema=None) as batch_op:
        batch_op.create_index("ix_session_message_booking_author_sent", ["booking_id", "author_id", "sent_at"], unique=False)
        batch_op.create_index("ix_session_message_booking_sent", ["booking_id", "sent_at"], unique=False)
        batch_op.create_index("ix_session_message_guild_author", ["guild_id", "author_id"], unique=False)
        batch_op.create_index("ix_session_message_sent", ["sent_at"], unique=False)

    with op.batch_alter_table("card_dispute", schema=None) as batch_op:
        batch_op.alter_column("evidence",
               existing_type=sa.JSON(),
               type_=sa.Text(),
               existing_nullable=False,
               postgresql_using="evidence::text")

    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.alter_column("evidence",
               existing_type=sa.JSON(),
               type_=sa.Text(),
               existing_nullable=False,
               postgresql_using="evidence::text")

    op.create_index("ix_session_space_text", "session_space", ["guild_id", "text_id"])
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flag_reason", sa.String(length=32), nullable=True))



def downgrade() -> None:
    op.drop_index("ix_session_space_text", table_name="session_space")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_column("flag_reason")

    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.alter_column("evidence",
               existing_type=sa.Text(),
               type_=sa.JSON(),
               existing_nullable=False,
               postgresql_using="evidence::json")

    with op.batch_alter_table("card_dispute", schema=None) as batch_op:
        batch_op.alter_column("evidence",
               existing_type=sa.Text(),
               type_=sa.JSON(),
               existing_nullable=False,
               postgresql_using="evidence::json")

    with op.batch_alter_table("session_message", schema=None) as batch_op:
        batch_op.drop_index("ix_session_message_sent")
        batch_op.drop_index("ix_session_message_guild_author")
        batch_op.drop_index("ix_session_message_booking_sent")
        batch_op.drop_index("ix_session_message_booking_author_sent")

    op.drop_table("session_message")
    op.drop_table("screening_reminder")
    with op.batch_alter_table("message_flag", schema=None) as batch_op:
        batch_op.drop_index("ix_message_flag_guild_status")
        batch_op.drop_index("ix_message_flag_guild_author")

    op.drop_table("message_flag")
    with op.batch_alter_table("verified_email", schema=None) as batch_op:
        batch_op.drop_index("ix_verified_email_guild_user")

    op.drop_table("verified_email")
    with op.batch_alter_table("verification_request", schema=None) as batch_op:
        batch_op.drop_index("ix_verification_request_guild_status")

    op.drop_table("verification_request")
    op.drop_table("email_code")
