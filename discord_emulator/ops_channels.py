"""Guild channels, permission overwrites, DMs and threads."""

from __future__ import annotations

from typing import Any

from discord_emulator import errors as err
from discord_emulator import limits, payloads
from discord_emulator.errors import DiscordAPIError, FormErrors
from discord_emulator.models import Channel, ChannelType, Guild, Overwrite, User, utcnow_iso
from discord_emulator.ops_messages import MessageOps

JSON = dict[str, Any]

CREATABLE_TYPES = (0, 2, 4, 5, 13, 15)


def parse_overwrites(raw: Any) -> list[Overwrite]:
    out: list[Overwrite] = []
    for i, item in enumerate(raw or []):
        try:
            out.append(
                Overwrite(
                    id=int(item["id"]),
                    type=int(item.get("type", 0)),
                    allow=int(item.get("allow") or 0),
                    deny=int(item.get("deny") or 0),
                )
            )
        except (KeyError, TypeError, ValueError):
            errors = FormErrors()
            errors.add(["permission_overwrites", i], "BASE_TYPE_REQUIRED", "This field is required")
            errors.raise_if_any()
    return out


class ChannelOps(MessageOps):
    def channel_payload(self, channel: Channel) -> JSON:
        return payloads.channel(self.world, channel)

    def _channel_event(self, event: str, channel: Channel) -> None:
        self.dispatch(event, self.channel_payload(channel))
        self.notify()

    # ---- guild channels ----
    def create_guild_channel(
        self, guild: Guild, payload: JSON, *, enforce: bool = True, record: bool = True
    ) -> Channel:
        errors = FormErrors()
        name = payload.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            errors.add(["name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        kind = int(payload.get("type") or 0)
        if kind not in CREATABLE_TYPES:
            errors.add(["type"], "BASE_TYPE_CHOICES", f"Value must be one of {CREATABLE_TYPES}.")
        parent_id = payload.get("parent_id")
        parent: Channel | None = None
        if parent_id is not None:
            parent = self.world.channels.get(int(parent_id))
            if parent is None or parent.guild_id != guild.id or parent.type != ChannelType.CATEGORY:
                errors.add(["parent_id"], "CHANNEL_PARENT_INVALID", "Category does not exist")
        errors.raise_if_any()
        overwrites = parse_overwrites(payload.get("permission_overwrites"))
        if enforce:
            count = len(self.world.guild_channels(guild.id))
            if count >= guild.max_channels:
                raise limits.channel_cap(guild.max_channels)
            if parent is not None:
                children = [
                    c for c in self.world.guild_channels(guild.id) if c.parent_id == parent.id
                ]
                if len(children) >= guild.max_channels_per_category:
                    raise limits.category_full(guild.max_channels_per_category)
        channel = Channel(
            id=self.world.ids.next(),
            type=kind,
            name=str(name),
            guild_id=guild.id,
            parent_id=parent.id if parent else None,
            position=int(payload.get("position") or self.world.next_position(guild.id, kind)),
            topic=payload.get("topic"),
            nsfw=bool(payload.get("nsfw", False)),
            permission_overwrites=overwrites,
            user_limit=int(payload.get("user_limit") or 0),
            bitrate=int(payload.get("bitrate") or 64000),
        )
        self.world.add_channel(channel)
        self._channel_event("CHANNEL_CREATE", channel)
        if record:
            self.say(
                self.bot_name(),
                f"created {self.describe_channel(channel)}",
                where=f"[{guild.name}]",
            )
        return channel

    def describe_channel(self, channel: Channel) -> str:
        kinds = {
            0: "text channel",
            2: "voice channel",
            4: "category",
            11: "thread",
            12: "private thread",
            10: "announcement thread",
        }
        label = f"{kinds.get(channel.type, 'channel')} #{channel.name}"
        private = [o for o in channel.permission_overwrites if o.type == 1]
        if private:
            names = ", ".join(
                self.world.users[o.id].name for o in private if o.id in self.world.users
            )
            label += f" (overwrites for {names})"
        return label

    def edit_channel(self, channel: Channel, payload: JSON) -> Channel:
        limits.check_channel_name(payload)
        if channel.is_thread:
            return self.edit_thread(channel, payload)
        if "name" in payload:
            channel.name = str(payload["name"])
        if "topic" in payload:
            channel.topic = payload["topic"]
        if "nsfw" in payload:
            channel.nsfw = bool(payload["nsfw"])
        if payload.get("rate_limit_per_user") is not None:
            channel.rate_limit_per_user = int(payload["rate_limit_per_user"])
        if "position" in payload and payload["position"] is not None:
            channel.position = int(payload["position"])
        if "parent_id" in payload:
            channel.parent_id = None if payload["parent_id"] is None else int(payload["parent_id"])
        if "permission_overwrites" in payload:
            channel.permission_overwrites = parse_overwrites(payload["permission_overwrites"])
        self._channel_event("CHANNEL_UPDATE", channel)
        return channel

    def delete_channel(self, channel: Channel) -> JSON:
        data = self.channel_payload(channel)
        del self.world.channels[channel.id]
        self.dispatch(
            "THREAD_DELETE" if channel.is_thread else "CHANNEL_DELETE",
            {k: data.get(k) for k in ("id", "guild_id", "parent_id", "type")}
            if channel.is_thread
            else data,
        )
        self.say(self.bot_name(), f"deleted #{channel.name}")
        self.notify()
        return data

    def set_overwrite(self, channel: Channel, target_id: int, payload: JSON) -> None:
        ow = Overwrite(
            id=target_id,
            type=int(payload.get("type", 0)),
            allow=int(payload.get("allow") or 0),
            deny=int(payload.get("deny") or 0),
        )
        channel.permission_overwrites = [
            o for o in channel.permission_overwrites if o.id != target_id
        ]
        channel.permission_overwrites.append(ow)
        self._channel_event("CHANNEL_UPDATE", channel)

    def delete_overwrite(self, channel: Channel, target_id: int) -> None:
        channel.permission_overwrites = [
            o for o in channel.permission_overwrites if o.id != target_id
        ]
        self._channel_event("CHANNEL_UPDATE", channel)

    # ---- DMs ----
    def open_dm_channel(self, user: User) -> Channel:
        existing = self.world.dm_channels.get(user.id)
        if existing is not None:
            return self.world.channels[existing]
        channel = Channel(
            id=self.world.ids.next(),
            type=ChannelType.DM,
            name=f"dm-{user.name}",
            recipient_id=user.id,
        )
        self.world.add_channel(channel)
        self.world.dm_channels[user.id] = channel.id
        return channel

    # ---- threads ----
    def create_thread(
        self, parent: Channel, payload: JSON, owner_id: int, message_id: int | None = None
    ) -> Channel:
        if parent.guild_id is None or parent.type not in (ChannelType.TEXT, 5, 15):
            raise DiscordAPIError(400, 50024, "Cannot execute action on this channel type")
        guild = self.world.guilds[parent.guild_id]
        name = payload.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            errors = FormErrors()
            errors.add(["name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
            errors.raise_if_any()
        if len(self.world.active_threads(guild.id)) >= guild.max_active_threads:
            raise limits.thread_cap()
        default_type = ChannelType.PUBLIC_THREAD if message_id else ChannelType.PRIVATE_THREAD
        kind = int(payload.get("type") or default_type)
        if kind == ChannelType.PRIVATE_THREAD and parent.type != ChannelType.TEXT:
            # a private thread is "a sub-channel within a GUILD_TEXT channel" only
            raise DiscordAPIError(400, 50024, "Cannot execute action on this channel type")
        thread = Channel(
            id=message_id or self.world.ids.next(),
            type=kind,
            name=str(name),
            guild_id=guild.id,
            parent_id=parent.id,
            owner_id=owner_id,
            invitable=bool(payload.get("invitable", True)),
            auto_archive_duration=int(payload.get("auto_archive_duration") or 1440),
            rate_limit_per_user=int(payload.get("rate_limit_per_user") or 0),
            member_ids=[owner_id],
        )
        self.world.add_channel(thread)
        self.dispatch("THREAD_CREATE", {**self.channel_payload(thread), "newly_created": True})
        self.say(
            self.bot_name(), f"created {self.describe_channel(thread)}", where=self.where(parent)
        )
        self.notify()
        return thread

    def edit_thread(self, thread: Channel, payload: JSON) -> Channel:
        guild = self.world.guilds[thread.guild_id or 0]
        reopening = payload.get("archived") is False and thread.archived
        if reopening and len(self.world.active_threads(guild.id)) >= guild.max_active_threads:
            raise limits.thread_cap()
        for key in ("name",):
            if key in payload:
                thread.name = str(payload[key])
        for flag in ("archived", "locked", "invitable"):
            if flag in payload and payload[flag] is not None:
                setattr(thread, flag, bool(payload[flag]))
                if flag == "archived":
                    thread.archive_timestamp = utcnow_iso()
        if "auto_archive_duration" in payload:
            thread.auto_archive_duration = int(payload["auto_archive_duration"])
        if payload.get("rate_limit_per_user") is not None:  # slow mode; the spec bounds it
            thread.rate_limit_per_user = int(payload["rate_limit_per_user"])
        self.dispatch("THREAD_UPDATE", self.channel_payload(thread))
        state = ", ".join(f for f in ("archived", "locked") if getattr(thread, f)) or "open"
        self.say(
            self.bot_name(), f"updated thread #{thread.name} ({state})", where=self.where(thread)
        )
        self.notify()
        return thread

    def thread_members_event(self, thread: Channel, added: list[int], removed: list[int]) -> None:
        now = utcnow_iso()
        self.dispatch(
            "THREAD_MEMBERS_UPDATE",
            {
                "id": str(thread.id),
                "guild_id": str(thread.guild_id),
                "member_count": len(thread.member_ids),
                "added_members": [payloads.thread_member(thread, u, now) for u in added],
                "removed_member_ids": [str(u) for u in removed],
            },
        )
        self.notify()

    def add_thread_member(self, thread: Channel, user_id: int) -> None:
        if not thread.is_thread:
            raise DiscordAPIError(400, 50024, "Cannot execute action on this channel type")
        if thread.archived:
            raise DiscordAPIError(400, 50083, "Thread is archived")
        self.world.get_member(thread.guild_id or 0, user_id)
        if user_id not in thread.member_ids:
            thread.member_ids.append(user_id)
            self.thread_members_event(thread, [user_id], [])

    def remove_thread_member(self, thread: Channel, user_id: int) -> None:
        if not thread.is_thread:
            raise DiscordAPIError(400, 50024, "Cannot execute action on this channel type")
        if user_id in thread.member_ids:
            thread.member_ids.remove(user_id)
            self.thread_members_event(thread, [], [user_id])
        else:
            raise err.unknown("Member", err.UNKNOWN_MEMBER)
