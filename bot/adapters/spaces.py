"""The Discord SessionSpaces: a private thread, a private voice channel, and their fallbacks.

- The thread is private (`invitable=False`) in the guild's sessions channel, with the two
  participants added. When that channel is unset or unusable, the thread goes in
  `#tutoring-sessions` (found, or created once per guild), else in the channel the
  booking was made in; `OpenedSpace.parent_choice` says which. Moderators see session
  threads when the guild allows it, through their role's Manage Threads in the sessions
  channel.
  When the guild has too many active threads (160006) a private text channel stands in.
- The voice channel sits in a "TutorBot sessions" category; a full category (50 channels)
  overflows into "TutorBot sessions 2", 3, …; at the guild's channel cap (30013) the
  session goes on in text only. Its overwrites: nobody but the two participants (and the
  moderator role, if allowed) sees it, and a participant may connect and speak only after
  pressing **I agree**.
- Missing permissions, or a server so full that nothing could be made, raise
  `SpaceUnavailableError`, after removing whatever was made.
- Closing takes each step on its own (goodbye, lock and archive, delete the channels):
  a step Discord refuses is reported, not retried; a 5xx or network error is raised
  once the other steps were tried, so the scheduled work tries again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Literal, TypeGuard, TypeVar

import aiohttp
import discord

from bot import texts
from bot.flows.space_buttons import space_notice
from bot.i18n import speaking
from bot.speaking import language_in
from marketplace.domain.scheduled import delivery_nonce
from marketplace.domain.spaces import SessionSpace, TextPlace
from marketplace.ports import (
    ClosedSpace,
    OpenedSpace,
    ParentChoice,
    SpacePlan,
    SpaceUnavailableError,
)

log = logging.getLogger(__name__)

MAX_CHANNELS = 30013
MAX_ACTIVE_THREADS = 160006
INVALID_FORM = 50035
MAX_OVERFLOW_CATEGORIES = 10
ARCHIVE_AFTER_MINUTES: Literal[1440] = 1440

Made = list[discord.abc.GuildChannel | discord.Thread]
C = TypeVar("C", bound=discord.abc.GuildChannel)


def _is(error: discord.HTTPException, code: int) -> bool:
    return error.code == code


def _category_full(error: discord.HTTPException) -> bool:
    return error.code == INVALID_FORM and "parent_id" in error.text


def _refusal(error: discord.HTTPException, what: str) -> list[str]:
    """A 4xx as the reason a step cannot be done (none when it is gone already).

    Anything else (5xx) is raised again: it may work later.
    """
    if not 400 <= error.status < 500:
        raise error
    if isinstance(error, discord.NotFound):
        log.info("%s is already gone", what)
        return []
    log.warning("Discord refused %s: %s (code %s) %s", what, error.status, error.code, error.text)
    return ["missing_permissions" if isinstance(error, discord.Forbidden) else "refused"]


async def _attempt(step: Awaitable[object], what: str) -> list[str]:
    """Run one closing step; a 4xx comes back as the reason it was refused."""
    try:
        await step
    except discord.HTTPException as error:
        return _refusal(error, what)
    return []


def _holds_threads(
    channel: discord.abc.GuildChannel | None, me: discord.Member
) -> TypeGuard[discord.TextChannel]:
    """Whether the bot can open a private session thread in this channel."""
    if not isinstance(channel, discord.TextChannel) or channel.is_news():
        return False
    can = channel.permissions_for(me)
    return can.view_channel and can.create_private_threads and can.send_messages_in_threads


def _named_parent(
    channels: Sequence[discord.abc.GuildChannel], me: discord.Member
) -> discord.TextChannel | None:
    """The oldest `#tutoring-sessions` channel that can hold session threads."""
    named = [c for c in channels if c.name == texts.SESSIONS_CHANNEL_NAME and _holds_threads(c, me)]
    return min(named, key=lambda c: c.id, default=None)


@dataclass(frozen=True, slots=True)
class GuildView:
    """What opening a space needs of a guild: the guild, the bot as a member, its channels.

    From this process's cache when it runs the guild's shard, otherwise over REST, so
    whichever process claims the work can do it.
    """

    guild: discord.Guild
    me: discord.Member
    channels: Sequence[discord.abc.GuildChannel]

    def channel(self, channel_id: int | None) -> discord.abc.GuildChannel | None:
        """The guild's channel with this id, if there is one."""
        return discord.utils.get(self.channels, id=channel_id or 0)

    @property
    def categories(self) -> list[discord.CategoryChannel]:
        """The guild's categories."""
        return [c for c in self.channels if isinstance(c, discord.CategoryChannel)]


async def guild_view(bot: discord.Client, guild_id: int) -> GuildView | None:
    """The guild as cached, or fetched when another process runs its shard; None if gone."""
    guild = bot.get_guild(guild_id)
    if guild is not None and guild.me is not None:
        return GuildView(guild, guild.me, guild.channels)
    if bot.user is None:
        return None
    try:
        guild = await bot.fetch_guild(guild_id)
        me = await guild.fetch_member(bot.user.id)
        channels = await guild.fetch_channels()
    except (discord.NotFound, discord.Forbidden):
        return None
    return GuildView(guild, me, channels)


class DiscordSessionSpaces:
    """Makes and closes session spaces with the bot's own Discord client."""

    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot
        self._creating: dict[int, asyncio.Lock] = {}

    async def open(self, plan: SpacePlan) -> OpenedSpace:
        """Make the space and post the consent notice; undo everything on failure."""
        with speaking(await language_in(self.bot, plan.guild_id)):
            return await self._open_worded(plan)

    async def _open_worded(self, plan: SpacePlan) -> OpenedSpace:
        guild = await guild_view(self.bot, plan.guild_id)
        if guild is None:
            raise SpaceUnavailableError("no_sessions_channel")
        parent, choice = await self._parent(guild, plan)
        made: Made = []
        try:
            place, text, fallback = await self._text_place(
                guild, parent, plan, made, shared=choice == "booking_channel"
            )
            voice, voice_fallback = await self._voice(guild, plan, made)
            if text is None and voice is None:
                raise SpaceUnavailableError("server_full")
            if text is not None:
                await self._post_notice(text, plan, voice)
        except discord.Forbidden as error:
            await self._undo(made)
            raise SpaceUnavailableError("missing_permissions", error.text) from error
        except BaseException:
            await self._undo(made)
            raise
        return OpenedSpace(
            text_place=place,
            text_id=text.id if text else None,
            voice_id=voice.id if voice else None,
            fallback="+".join(f for f in (fallback, voice_fallback) if f),
            parent_id=parent.id,
            parent_choice=choice,
        )

    async def _parent(
        self, guild: GuildView, plan: SpacePlan
    ) -> tuple[discord.TextChannel, ParentChoice]:
        """Where the session thread goes (SPEC §4: fall back when a channel can't be used).

        The sessions channel if it can hold the thread; else a `#tutoring-sessions` channel
        found or created (once per guild); else the channel the booking was made in.
        """
        configured = guild.channel(plan.sessions_channel_id)
        if _holds_threads(configured, guild.me):
            return configured, ""
        found = _named_parent(guild.channels, guild.me)
        if found is not None:
            return found, "found"
        created = await self._created_parent(guild)
        if created is not None:
            return created, "created"
        booked_in = guild.channel(plan.booking_channel_id)
        if _holds_threads(booked_in, guild.me):
            return booked_in, "booking_channel"
        raise SpaceUnavailableError("no_sessions_channel")

    async def _created_parent(self, guild: GuildView) -> discord.TextChannel | None:
        """Find or create `#tutoring-sessions`; None if the bot may not make channels.

        One creator per guild in this process; across processes, the oldest channel of
        that name wins and a later twin is deleted, so everyone settles on the same one.
        """
        me = guild.me
        if not me.guild_permissions.manage_channels:
            return None
        lock = self._creating.setdefault(guild.guild.id, asyncio.Lock())
        async with lock:
            found = _named_parent(await guild.guild.fetch_channels(), me)
            if found is not None:
                return found
            try:
                created = await guild.guild.create_text_channel(
                    texts.SESSIONS_CHANNEL_NAME, topic=texts.SESSIONS_CHANNEL_TOPIC
                )
            except discord.HTTPException as error:
                if not 400 <= error.status < 500:
                    raise
                log.info("could not create the sessions channel: %s", error.text)
                return None
            oldest = _named_parent(await guild.guild.fetch_channels(), me) or created
            if oldest.id != created.id:
                await _attempt(created.delete(), f"twin sessions channel {created.id}")
            return oldest

    async def _text_place(
        self,
        guild: GuildView,
        parent: discord.TextChannel,
        plan: SpacePlan,
        made: Made,
        *,
        shared: bool = False,
    ) -> tuple[TextPlace, discord.Thread | discord.TextChannel | None, str]:
        """The private thread, or a private text channel when threads are at their cap.

        In a `shared` parent (the booking's own channel) the moderator role's overwrite is
        left as the admins made it: Manage Threads there would reach every thread in it.
        """
        name = texts.SPACE_THREAD_NAME.format(booking=plan.booking_id, subject=plan.subject)
        try:
            thread = await parent.create_thread(
                name=name[:100],
                type=discord.ChannelType.private_thread,
                invitable=False,
                auto_archive_duration=ARCHIVE_AFTER_MINUTES,
            )
        except discord.HTTPException as error:
            if not _is(error, MAX_ACTIVE_THREADS):
                raise
        else:
            made.append(thread)
            for user_id in (*plan.students, plan.tutor_id):
                await thread.add_user(discord.Object(user_id))
            if not shared:
                await self._moderators_see_threads(guild, parent, plan)
            return TextPlace.THREAD, thread, ""
        channel_name = texts.SPACE_TEXT_CHANNEL_NAME.format(booking=plan.booking_id)
        channel = await self._in_category(
            guild, made, lambda category: category.create_text_channel(
                channel_name, overwrites=self._overwrites(guild, plan, text=True)
            )
        )  # fmt: skip
        if channel is None:
            return TextPlace.NONE, None, "thread_cap+channel_cap"
        return TextPlace.CHANNEL, channel, "thread_cap"

    async def _voice(
        self, guild: GuildView, plan: SpacePlan, made: Made
    ) -> tuple[discord.VoiceChannel | None, str]:
        if not plan.with_voice:
            return None, ""
        name = texts.SPACE_VOICE_NAME.format(booking=plan.booking_id)
        voice = await self._in_category(
            guild, made, lambda category: category.create_voice_channel(
                name, overwrites=self._overwrites(guild, plan, text=False)
            )
        )  # fmt: skip
        return voice, "" if voice is not None else "voice_channel_cap"

    async def _in_category(
        self,
        guild: GuildView,
        made: Made,
        create: Callable[[discord.CategoryChannel], Awaitable[C]],
    ) -> C | None:
        """Create a channel in the first sessions category with room; None at the cap."""
        for n in range(1, MAX_OVERFLOW_CATEGORIES + 1):
            name = texts.SPACES_CATEGORY if n == 1 else texts.SPACES_OVERFLOW_CATEGORY.format(n=n)
            try:
                category = discord.utils.get(guild.categories, name=name)
                if category is None:
                    category = await guild.guild.create_category(
                        name, overwrites=self._hidden(guild)
                    )
                channel = await create(category)
            except discord.HTTPException as error:
                if _is(error, MAX_CHANNELS):
                    return None
                if _category_full(error):
                    continue
                raise
            made.append(channel)
            return channel
        return None

    def _hidden(
        self, guild: GuildView
    ) -> dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite]:
        return {
            guild.guild.default_role: discord.PermissionOverwrite(
                view_channel=False, connect=False
            ),
            guild.me: discord.PermissionOverwrite(view_channel=True, connect=True),
        }

    def _overwrites(
        self, guild: GuildView, plan: SpacePlan, *, text: bool
    ) -> dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite]:
        """Exactly the participants (and moderators, if allowed); voice opens on I agree."""
        participant = (
            discord.PermissionOverwrite(
                view_channel=True, send_messages=True, read_message_history=True
            )
            if text
            else discord.PermissionOverwrite(view_channel=True, connect=False, speak=False)
        )
        overwrites = self._hidden(guild)
        overwrites[guild.me] = discord.PermissionOverwrite(
            view_channel=True, connect=True, send_messages=True, read_message_history=True
        )
        for user_id in (*plan.students, plan.tutor_id):
            overwrites[discord.Object(user_id)] = participant
        role = guild.guild.get_role(plan.moderator_role_id or 0)
        if role is not None and plan.moderators_see:
            overwrites[role] = discord.PermissionOverwrite(
                view_channel=True, connect=True, send_messages=True, read_message_history=True
            )
        return overwrites

    async def _moderators_see_threads(
        self, guild: GuildView, parent: discord.TextChannel, plan: SpacePlan
    ) -> None:
        """Keep the moderator role's Manage Threads in the sessions channel as the guild says.

        Private threads show to their members and to whoever manages threads in the
        parent, so this one overwrite lets moderators see every session thread, or not.
        """
        role = guild.guild.get_role(plan.moderator_role_id or 0)
        if role is None:
            return
        current = parent.overwrites_for(role)
        if bool(current.manage_threads) == plan.moderators_see:
            return
        current.update(manage_threads=True if plan.moderators_see else None)
        await parent.set_permissions(role, overwrite=None if current.is_empty() else current)

    async def _post_notice(
        self,
        where: discord.Thread | discord.TextChannel,
        plan: SpacePlan,
        voice: discord.VoiceChannel | None,
    ) -> None:
        embed, view = space_notice(plan, voice.id if voice else None)
        people = (*plan.students, plan.tutor_id)
        mentions = discord.AllowedMentions(users=[discord.Object(user) for user in people])
        await where.send(
            " ".join(f"<@{user}>" for user in people),
            embed=embed,
            view=view,
            allowed_mentions=mentions,
            nonce=delivery_nonce(f"space-{plan.booking_id}"),
        )

    async def _undo(self, made: Made) -> None:
        for thing in reversed(made):
            try:
                await thing.delete()
            except discord.HTTPException:
                log.warning("could not remove %s after a failed opening", thing.id)

    async def let_in(self, space: SessionSpace, user_id: int) -> None:
        """Add a late seat to an open group space: the thread, or the channels' overwrites.

        The voice channel is seen, not joined, until they press **I agree**, as for anyone.
        """
        member = discord.Object(user_id)
        for channel_id in (space.text_id, space.voice_id):
            if channel_id is None:
                continue
            channel = await self.bot.fetch_channel(channel_id)
            if isinstance(channel, discord.Thread):
                await channel.add_user(member)
                continue
            if not isinstance(channel, discord.TextChannel | discord.VoiceChannel):
                continue
            guild = channel.guild
            person = guild.get_member(user_id) or await guild.fetch_member(user_id)
            if isinstance(channel, discord.TextChannel):
                await channel.set_permissions(
                    person, view_channel=True, send_messages=True, read_message_history=True
                )
            else:
                await channel.set_permissions(person, view_channel=True, connect=False)

    async def let_speak(self, guild_id: int, voice_id: int, user_id: int) -> None:
        """Let a participant who agreed connect to and speak in the voice channel.

        Called from the space's own **I agree** button, so the guild's shard runs here.
        """
        guild = self.bot.get_guild(guild_id)
        channel = guild.get_channel(voice_id) if guild else None
        if guild is None or not isinstance(channel, discord.VoiceChannel):
            return  # closed meanwhile: nothing to open
        member = guild.get_member(user_id) or await guild.fetch_member(user_id)
        await channel.set_permissions(member, view_channel=True, connect=True, speak=True)

    async def close(self, space: SessionSpace) -> ClosedSpace:
        """Say goodbye, lock and archive the thread, delete the channels, each on its own.

        A step Discord refuses (any 4xx) is left for the admins; one that fails for a
        while (5xx, the network) raises once every other step has been tried.
        """
        with speaking(await language_in(self.bot, space.guild_id)):
            return await self._close_worded(space)

    async def _close_worded(self, space: SessionSpace) -> ClosedSpace:
        steps: list[Callable[[], Awaitable[list[str]]]] = []
        if space.text_place is TextPlace.THREAD and space.text_id is not None:
            steps.append(partial(self._archive, space.text_id))
        doomed = [space.voice_id]
        if space.text_place is TextPlace.CHANNEL:
            doomed.append(space.text_id)
        steps.extend(partial(self._delete, channel_id) for channel_id in doomed if channel_id)
        refused: list[str] = []
        transient: Exception | None = None
        for step in steps:
            try:
                refused += await step()
            except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as error:
                transient = transient or error  # 5xx or the network: the others go on
        if transient is not None:
            raise transient
        return ClosedSpace(tuple(dict.fromkeys(refused)))

    async def _archive(self, thread_id: int) -> list[str]:
        """Post the goodbye, then lock and archive; what Discord refused, if anything."""
        try:
            thread = await self.bot.fetch_channel(thread_id)
        except discord.HTTPException as error:
            return _refusal(error, f"session thread {thread_id}")
        if not isinstance(thread, discord.Thread) or (thread.archived and thread.locked):
            return []
        refused: list[str] = []
        if thread.archived:  # archived by hand or by inactivity: reopen it to say goodbye
            refused += await _attempt(thread.edit(archived=False), f"reopening {thread_id}")
        if not refused:
            nonce = delivery_nonce(f"sc{thread_id}")
            goodbye = thread.send(texts.SPACE_CLOSED_MESSAGE, nonce=nonce)
            refused += await _attempt(goodbye, f"goodbye in {thread_id}")
        refused += await _attempt(thread.edit(archived=True, locked=True), f"locking {thread_id}")
        return refused

    async def _delete(self, channel_id: int) -> list[str]:
        try:
            channel = await self.bot.fetch_channel(channel_id)
        except discord.HTTPException as error:
            return _refusal(error, f"session channel {channel_id}")
        if not isinstance(channel, discord.abc.GuildChannel):
            return []
        return await _attempt(channel.delete(), f"deleting {channel_id}")

    async def alert_admins(
        self,
        guild_id: int,
        fallback_channel_id: int | None,
        reason: str,
        booking_id: int,
        channel_id: int | None = None,
    ) -> None:
        """Post in the fallback channel, or DM the owner when there is none."""
        with speaking(await language_in(self.bot, guild_id)):
            text = texts.SPACE_ALERTS.get(reason, texts.SPACE_ALERT_OTHER).format(
                booking=booking_id, channel=f"<#{channel_id}>"
            )
        try:
            if fallback_channel_id is not None:
                await self.bot.get_partial_messageable(fallback_channel_id).send(text)
                return
            guild = self.bot.get_guild(guild_id) or await self.bot.fetch_guild(guild_id)
            if guild.owner_id is not None:
                owner = guild.owner or await self.bot.fetch_user(guild.owner_id)
                await owner.send(text)
        except discord.HTTPException:
            log.warning("could not tell the admins of guild %s: %s", guild_id, reason)
