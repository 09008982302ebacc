"""The emulator's in-memory Discord world: users, guilds, channels, messages, commands."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from discord_emulator import errors as err
from discord_emulator import intents
from discord_emulator.ids import SnowflakeFactory
from discord_emulator.models import (
    Attachment,
    Channel,
    ChannelType,
    Guild,
    Member,
    Message,
    Role,
    User,
)
from discord_emulator.permissions import BOT_DEFAULT, channel_permissions

JSON = dict[str, Any]


@dataclass
class BotIdentity:
    user: User
    token: str
    application_id: int
    flags: int = 0  # application flags other than the privileged-intent ones
    privileged_intents: frozenset[str] = frozenset(intents.PRIVILEGED)  # enabled in the portal


@dataclass
class World:
    ids: SnowflakeFactory = field(default_factory=SnowflakeFactory)
    users: dict[int, User] = field(default_factory=dict)
    bot: BotIdentity | None = None
    guilds: dict[int, Guild] = field(default_factory=dict)
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[tuple[int, int], Member] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    messages: dict[int, Message] = field(default_factory=dict)
    # Files users picked in a modal's File Upload: served like message attachments.
    uploads: dict[int, Attachment] = field(default_factory=dict)
    channel_messages: dict[int, list[int]] = field(default_factory=dict)
    dm_channels: dict[int, int] = field(default_factory=dict)
    global_commands: list[JSON] = field(default_factory=list)
    guild_commands: dict[int, list[JSON]] = field(default_factory=dict)
    voice_states: dict[tuple[int, int], int] = field(default_factory=dict)

    # ---- lookups (raise Discord-shaped errors) ----
    def get_user(self, user_id: int | str) -> User:
        try:
            return self.users[int(user_id)]
        except (KeyError, ValueError):
            raise err.unknown("User", err.UNKNOWN_USER) from None

    def get_guild(self, guild_id: int | str) -> Guild:
        try:
            return self.guilds[int(guild_id)]
        except (KeyError, ValueError):
            raise err.unknown("Guild", err.UNKNOWN_GUILD) from None

    def get_channel(self, channel_id: int | str) -> Channel:
        try:
            return self.channels[int(channel_id)]
        except (KeyError, ValueError):
            raise err.unknown("Channel", err.UNKNOWN_CHANNEL) from None

    def get_message(self, channel_id: int | str, message_id: int | str) -> Message:
        try:
            msg = self.messages[int(message_id)]
        except (KeyError, ValueError):
            raise err.unknown("Message", err.UNKNOWN_MESSAGE) from None
        if msg.channel_id != int(channel_id) or msg.deleted:
            raise err.unknown("Message", err.UNKNOWN_MESSAGE)
        return msg

    def get_member(self, guild_id: int, user_id: int | str) -> Member:
        try:
            return self.members[(guild_id, int(user_id))]
        except (KeyError, ValueError):
            raise err.unknown("Member", err.UNKNOWN_MEMBER) from None

    def application_flags(self) -> int:
        """The application's `flags`, with the bits of its enabled privileged intents."""
        if self.bot is None:
            return 0
        enabled = self.bot.privileged_intents
        return self.bot.flags | intents.application_flags(enabled, len(self.guilds))

    @property
    def bot_user(self) -> User:
        if self.bot is None:
            raise RuntimeError("call emu.add_bot(...) first")
        return self.bot.user

    # ---- collections ----
    def guild_roles(self, guild_id: int) -> list[Role]:
        return sorted(
            (r for r in self.roles.values() if r.guild_id == guild_id), key=lambda r: r.position
        )

    def guild_members(self, guild_id: int) -> list[Member]:
        return [m for (g, _), m in self.members.items() if g == guild_id]

    def guild_channels(self, guild_id: int, *, threads: bool = False) -> list[Channel]:
        return [
            c for c in self.channels.values() if c.guild_id == guild_id and (c.is_thread == threads)
        ]

    def active_threads(self, guild_id: int) -> list[Channel]:
        return [c for c in self.guild_channels(guild_id, threads=True) if not c.archived]

    def channel_message_list(self, channel_id: int) -> list[Message]:
        ids = self.channel_messages.get(channel_id, [])
        return [self.messages[i] for i in ids if not self.messages[i].deleted]

    # ---- mutation helpers ----
    def add_channel(self, channel: Channel) -> Channel:
        self.channels[channel.id] = channel
        self.channel_messages.setdefault(channel.id, [])
        return channel

    def mention_name(self, kind: str, target_id: int) -> str | None:
        if kind == "user" and target_id in self.users:
            return f"@{self.users[target_id].name}"
        if kind == "role" and target_id in self.roles:
            return f"@{self.roles[target_id].name}"
        if kind == "channel" and target_id in self.channels:
            return f"#{self.channels[target_id].name}"
        return None

    def add_message(self, message: Message) -> Message:
        message.resolver = self.mention_name
        self.messages[message.id] = message
        self.channel_messages.setdefault(message.channel_id, []).append(message.id)
        channel = self.channels.get(message.channel_id)
        if channel is not None:
            channel.last_message_id = message.id
            if channel.is_thread:
                channel.message_count += 1
        return message

    def next_position(self, guild_id: int, kind: int) -> int:
        same = [c.position for c in self.guild_channels(guild_id) if c.type == kind]
        return max(same, default=-1) + 1

    # ---- permissions ----
    def permissions_in(self, user_id: int, channel: Channel) -> int:
        if channel.guild_id is None:
            return BOT_DEFAULT
        guild = self.guilds[channel.guild_id]
        member = self.members.get((guild.id, user_id))
        if member is None:
            return 0
        base_channel = channel
        if channel.is_thread and channel.parent_id is not None:
            base_channel = self.channels.get(channel.parent_id, channel)
        return channel_permissions(guild, member, self.roles, base_channel)

    def resolve_where(self, where: Any) -> Channel:
        """Accept a Channel, a channel id, a User (their DM channel) or a Guild (#general)."""
        if isinstance(where, Channel):
            return self.get_channel(where.id)
        if isinstance(where, User):
            dm_id = self.dm_channels.get(where.id)
            if dm_id is None:
                raise KeyError(f"no DM channel with {where.name} yet")
            return self.channels[dm_id]
        if isinstance(where, Guild):
            for c in self.guild_channels(where.id):
                if c.type == ChannelType.TEXT:
                    return c
            raise KeyError(f"guild {where.name} has no text channel")
        return self.get_channel(int(where))

    def iter_guild_ids_of(self, user_id: int) -> Iterable[int]:
        return (g for (g, u) in self.members if u == user_id)
