"""World building for tests: users, guilds, roles, members, channels, limits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from discord_emulator import intents, payloads, shards
from discord_emulator.backend import Backend
from discord_emulator.models import Channel, ChannelType, Guild, Member, Overwrite, Role, User
from discord_emulator.permissions import BOT_DEFAULT, CONNECT, EVERYONE_DEFAULT, VIEW_CHANNEL
from discord_emulator.ratelimit import RateLimitRule
from discord_emulator.world import BotIdentity

ChannelRef = Channel | int | None


class WorldBuilding(Backend):
    def add_bot(
        self,
        token: str = "tkn",  # noqa: S107
        name: str = "TutorBot",
        *,
        flags: int = 0,
        privileged_intents: Iterable[str] | None = None,
    ) -> User:
        """Create the bot account; its application id equals its user id.

        `privileged_intents` are the ones switched on in the Developer Portal, by Discord's
        name (GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT); None (the default) enables
        all three. An IDENTIFY asking for another is closed with 4014. Their application
        `flags` bits are derived from this, so `flags` must not carry them.
        """
        if flags & intents.PRIVILEGED_FLAG_BITS:
            raise ValueError("set privileged intents with privileged_intents=..., not flags")
        enabled = intents.privileged_names(
            intents.PRIVILEGED if privileged_intents is None else privileged_intents
        )
        user = User(id=self.world.ids.next(), name=name, bot=True)
        self.world.users[user.id] = user
        self.world.bot = BotIdentity(
            user=user,
            token=token,
            application_id=user.id,
            flags=flags,
            privileged_intents=enabled,
        )
        for guild in self.world.guilds.values():
            self._add_bot_member(guild)
        return user

    def enable_intent(self, *names: str) -> None:
        """Switch privileged intents on, as in the Developer Portal (next IDENTIFY on)."""
        bot = self._portal_bot()
        bot.privileged_intents = bot.privileged_intents | intents.privileged_names(names)

    def disable_intent(self, *names: str) -> None:
        """Switch privileged intents off: an IDENTIFY asking for one is closed with 4014.

        Sessions already connected keep what they identified with, until they reconnect
        with a new IDENTIFY.
        """
        bot = self._portal_bot()
        bot.privileged_intents = bot.privileged_intents - intents.privileged_names(names)

    def _portal_bot(self) -> BotIdentity:
        if self.world.bot is None:
            raise RuntimeError("call emu.add_bot(...) first")
        return self.world.bot

    def add_user(
        self, name: str, *, global_name: str | None = None, locale: str = "en-US", bot: bool = False
    ) -> User:
        user = User(
            id=self.world.ids.next(), name=name, global_name=global_name, locale=locale, bot=bot
        )
        self.world.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        owner: User | None = None,
        *,
        locale: str = "en-US",
        shard: tuple[int, int] | None = None,
    ) -> Guild:
        """Create a guild with @everyone, #general, its owner and the bot as members.

        `shard` ``(shard_id, num_shards)`` picks an id whose events Discord routes to that
        shard (``(id >> 22) % num_shards == shard_id``); ValueError if it is not a valid one.
        """
        valid = shards.parse(shard)
        guild_id = self.world.ids.next() if valid is None else self.world.ids.next_on_shard(*valid)
        if owner is None:
            owner = self.add_user(f"{name.lower()}-owner")
        guild = Guild(id=guild_id, name=name, owner_id=owner.id, preferred_locale=locale)
        self.world.guilds[guild.id] = guild
        self.world.roles[guild.id] = Role(
            id=guild.id,
            guild_id=guild.id,
            name="@everyone",
            permissions=EVERYONE_DEFAULT,
            position=0,
        )
        self.create_guild_channel(
            guild, {"name": "general", "type": 0}, enforce=False, record=False
        )
        self.world.members[(guild.id, owner.id)] = Member(guild_id=guild.id, user_id=owner.id)
        if self.world.bot is not None:
            self._add_bot_member(guild)
        if self.hub.connected:
            self.dispatch("GUILD_CREATE", payloads.guild_create(self.world, guild))
        return guild

    def guilds_on_shard(self, shard_id: int, shard_count: int) -> list[Guild]:
        """The guilds whose events Discord routes to `shard_id` of `shard_count` shards."""
        shards.parse([shard_id, shard_count])
        return [
            g for g in self.world.guilds.values() if shards.shard_of(g.id, shard_count) == shard_id
        ]

    def _add_bot_member(self, guild: Guild) -> None:
        bot = self.world.bot
        if bot is None or (guild.id, bot.user.id) in self.world.members:
            return
        role = Role(
            id=self.world.ids.next(),
            guild_id=guild.id,
            name=bot.user.name,
            permissions=BOT_DEFAULT,
            position=len(self.world.guild_roles(guild.id)),
            managed=True,
        )
        self.world.roles[role.id] = role
        self.world.members[(guild.id, bot.user.id)] = Member(guild.id, bot.user.id, [role.id])

    def bot_role(self, guild: Guild) -> Role:
        member = self.world.get_member(guild.id, self.world.bot_user.id)
        return self.world.roles[member.role_ids[0]]

    def set_bot_permissions(self, guild: Guild, permissions: int) -> None:
        role = self.bot_role(guild)
        role.permissions = permissions
        self.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": payloads.role(role)})

    def add_role(
        self, guild: Guild, name: str, permissions: int = 0, *, position: int | None = None
    ) -> Role:
        role = Role(
            id=self.world.ids.next(),
            guild_id=guild.id,
            name=name,
            permissions=permissions,
            position=len(self.world.guild_roles(guild.id)) if position is None else position,
        )
        self.world.roles[role.id] = role
        self.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": payloads.role(role)})
        return role

    def add_member(
        self, guild: Guild, user: User, roles: Sequence[Role] = (), *, nick: str | None = None
    ) -> Member:
        key = (guild.id, user.id)
        existing = self.world.members.get(key)
        role_ids = [r.id for r in roles]
        if existing is not None:
            existing.role_ids = sorted(set(existing.role_ids) | set(role_ids))
            existing.nick = nick or existing.nick
            data = payloads.member(self.world, existing)
            self.dispatch("GUILD_MEMBER_UPDATE", {**data, "guild_id": str(guild.id)})
            return existing
        member = Member(guild_id=guild.id, user_id=user.id, role_ids=role_ids, nick=nick)
        self.world.members[key] = member
        self.dispatch(
            "GUILD_MEMBER_ADD", {**payloads.member(self.world, member), "guild_id": str(guild.id)}
        )
        return member

    def _new_channel(
        self,
        guild: Guild,
        name: str,
        kind: int,
        parent: ChannelRef,
        overwrites: Sequence[Overwrite],
    ) -> Channel:
        parent_id = parent.id if isinstance(parent, Channel) else parent
        return self.create_guild_channel(
            guild,
            {
                "name": name,
                "type": kind,
                "parent_id": parent_id,
                "permission_overwrites": [
                    {"id": o.id, "type": o.type, "allow": o.allow, "deny": o.deny}
                    for o in overwrites
                ],
            },
            enforce=False,
            record=False,
        )

    def add_text_channel(
        self,
        guild: Guild,
        name: str,
        parent_id: ChannelRef = None,
        *,
        overwrites: Sequence[Overwrite] = (),
    ) -> Channel:
        return self._new_channel(guild, name, ChannelType.TEXT, parent_id, overwrites)

    def add_voice_channel(
        self,
        guild: Guild,
        name: str,
        parent_id: ChannelRef = None,
        *,
        overwrites: Sequence[Overwrite] = (),
    ) -> Channel:
        return self._new_channel(guild, name, ChannelType.VOICE, parent_id, overwrites)

    def add_category(
        self, guild: Guild, name: str, *, overwrites: Sequence[Overwrite] = ()
    ) -> Channel:
        return self._new_channel(guild, name, ChannelType.CATEGORY, None, overwrites)

    def set_system_channel(self, guild: Guild, channel: Channel | None) -> None:
        """Set (or clear) the guild's system channel, as Server Settings does."""
        guild.system_channel_id = channel.id if channel is not None else None
        if self.hub.connected:
            self.dispatch("GUILD_UPDATE", payloads.guild(self.world, guild))

    def close_dms(self, user: User) -> None:
        user.dms_open = False

    def open_dms(self, user: User) -> None:
        user.dms_open = True

    def set_limits(
        self,
        guild: Guild,
        *,
        max_channels: int | None = None,
        max_active_threads: int | None = None,
        max_channels_per_category: int | None = None,
    ) -> None:
        if max_channels is not None:
            guild.max_channels = max_channels
        if max_active_threads is not None:
            guild.max_active_threads = max_active_threads
        if max_channels_per_category is not None:
            guild.max_channels_per_category = max_channels_per_category

    def rate_limit(
        self,
        method: str,
        route: str,
        *,
        remaining: int = 0,
        retry_after: float = 0.2,
        times: int = 1,
        is_global: bool = False,
        scope: str = "user",
    ) -> None:
        """Answer the next `times` matching requests (after `remaining` pass) with 429."""
        self.rate_limits.add(
            RateLimitRule(method.upper(), route, remaining, retry_after, times, is_global, scope)
        )

    def voice_join(self, user: User, channel: Channel) -> None:
        """Join a voice channel, as the Discord client allows: View Channel and Connect."""
        if channel.guild_id is None:
            raise ValueError("voice channels belong to guilds")
        needed = VIEW_CHANNEL | CONNECT
        if self.world.permissions_in(user.id, channel) & needed != needed:
            raise PermissionError(f"{user.name} may not connect to {channel.name}")
        self.world.voice_states[(channel.guild_id, user.id)] = channel.id
        self._voice_event(channel.guild_id, user, channel.id)
        self.say(user.name, f"joined voice 🔊 {channel.name}", kind="user")

    def voice_leave(self, user: User) -> None:
        for guild_id, user_id in [k for k in self.world.voice_states if k[1] == user.id]:
            del self.world.voice_states[(guild_id, user_id)]
            self._voice_event(guild_id, user, None)
            self.say(user.name, "left voice", kind="user")

    def _voice_event(self, guild_id: int, user: User, channel_id: int | None) -> None:
        data = payloads.voice_state(self.world, guild_id, user.id, channel_id)
        self.dispatch("VOICE_STATE_UPDATE", data)
        self.notify()
