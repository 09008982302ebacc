"""Plain dataclasses for everything the emulator stores and hands back to tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from discord_emulator import render
from discord_emulator.render import MentionResolver

JSON = dict[str, Any]

EPHEMERAL = 1 << 6


def utcnow_iso() -> str:
    """Return the current UTC time in Discord's ISO 8601 format."""
    return dt.datetime.now(dt.UTC).isoformat()


class ChannelType:
    """Discord channel type numbers the emulator knows."""

    TEXT = 0
    DM = 1
    VOICE = 2
    CATEGORY = 4
    NEWS_THREAD = 10
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12

    THREADS = (10, 11, 12)
    GUILD = (0, 2, 4, 5, 13, 15)


@dataclass
class User:
    id: int
    name: str
    bot: bool = False
    global_name: str | None = None
    dms_open: bool = True
    locale: str = "en-US"

    @property
    def display_name(self) -> str:
        return self.global_name or self.name


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    managed: bool = False
    color: int = 0
    hoist: bool = False
    mentionable: bool = False


@dataclass
class Member:
    guild_id: int
    user_id: int
    role_ids: list[int] = field(default_factory=list)
    joined_at: str = field(default_factory=utcnow_iso)
    nick: str | None = None


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0


@dataclass
class Channel:
    id: int
    type: int
    name: str
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    topic: str | None = None
    nsfw: bool = False
    permission_overwrites: list[Overwrite] = field(default_factory=list)
    bitrate: int = 64000
    user_limit: int = 0
    rate_limit_per_user: int = 0
    last_message_id: int | None = None
    # threads
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 1440
    member_ids: list[int] = field(default_factory=list)
    message_count: int = 0
    created_at: str = field(default_factory=utcnow_iso)
    archive_timestamp: str = field(default_factory=utcnow_iso)
    # DMs
    recipient_id: int | None = None

    @property
    def is_thread(self) -> bool:
        return self.type in ChannelType.THREADS

    @property
    def is_dm(self) -> bool:
        return self.type == ChannelType.DM


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    max_channels: int = 500
    max_active_threads: int = 1000
    max_channels_per_category: int = 50
    preferred_locale: str = "en-US"
    created_at: str = field(default_factory=utcnow_iso)
    system_channel_id: int | None = None


@dataclass
class Attachment:
    id: int
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"
    description: str | None = None

    @property
    def bytes(self) -> bytes:  # the brief's name for the payload
        return self.data


@dataclass
class Message:
    id: int
    channel_id: int
    author_id: int
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    flags: int = 0
    attachments: list[Attachment] = field(default_factory=list)
    nonce: str | None = None
    guild_id: int | None = None
    timestamp: str = field(default_factory=utcnow_iso)
    edited_timestamp: str | None = None
    type: int = 0
    webhook_id: int | None = None
    interaction_id: int | None = None
    interaction_user_id: int | None = None
    interaction_name: str | None = None
    interaction_metadata: JSON | None = None
    deleted: bool = False
    resolver: MentionResolver | None = field(default=None, repr=False, compare=False)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def text(self) -> str:
        return render.message_text(
            self.content, self.embeds, self.components, self.attachment_names, self.resolver
        )

    @property
    def attachment_names(self) -> list[str]:
        return [a.filename for a in self.attachments]

    @property
    def buttons(self) -> list[tuple[str, str | None, bool]]:
        return render.buttons(self.components)

    @property
    def links(self) -> list[tuple[str, str]]:
        return render.links(self.components)

    @property
    def selects(self) -> list[JSON]:
        return render.selects(self.components)


@dataclass(frozen=True)
class InteractionOrigin:
    """The interaction a message answers: who ran it, and its `interaction_metadata`."""

    id: int
    user_id: int
    name: str
    metadata: JSON


@dataclass
class ModalField:
    custom_id: str
    label: str | None
    style: int = 1
    min_length: int | None = None
    max_length: int | None = None
    required: bool = True
    value: str | None = None
    placeholder: str | None = None
    type: int = 4
    min_values: int | None = None  # File Upload (type 19): how many files
    max_values: int | None = None


@dataclass
class Modal:
    title: str
    custom_id: str
    fields: list[ModalField]
    components: list[JSON]
    guild_id: int | None
    channel_id: int
    message_id: int | None = None
    # interaction_metadata of the interaction that opened it (a submit's "triggering" one)
    opened_by: JSON | None = None

    def field(self, key: str) -> ModalField:
        """Find a field by custom_id or label."""
        for f in self.fields:
            if key in (f.custom_id, f.label):
                return f
        raise KeyError(key)


@dataclass
class InteractionResult:
    kind: str
    interaction_id: int
    message: Message | None = None
    ephemeral: bool = False
    modal: Modal | None = None
    followups: list[Message] = field(default_factory=list)
    errors: list[int] = field(default_factory=list)
    choices: list[JSON] = field(default_factory=list)

    @property
    def error(self) -> int | None:
        return self.errors[0] if self.errors else None

    @property
    def text(self) -> str:
        if self.message is not None:
            return self.message.text
        if self.modal is not None:
            return render.modal_text(
                self.modal.title, [f.label or f.custom_id for f in self.modal.fields]
            )
        return ""


@dataclass
class ErrorRecord:
    status: int
    code: int
    message: str
    method: str
    route: str
    path: str
    injected: bool = False
    body: JSON = field(default_factory=dict)


@dataclass
class TranscriptEntry:
    who: str
    action: str
    text: str = ""
    where: str = ""
    kind: str = "bot"  # "user", "bot", "system", "error"
    ephemeral: bool = False
