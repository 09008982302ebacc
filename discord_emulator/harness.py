"""The public `Emulator`: start/stop, world building, acting as users, reading back."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from discord_emulator import limits
from discord_emulator.actions_components import ComponentActions, picked_files
from discord_emulator.interactions import handler_tasks
from discord_emulator.models import (
    Channel,
    ChannelType,
    ErrorRecord,
    Guild,
    Member,
    Message,
    Overwrite,
    User,
)
from discord_emulator.ops_messages import UploadedFile
from discord_emulator.permissions import MANAGE_THREADS, VIEW_CHANNEL
from discord_emulator.server import Server
from discord_emulator.violations import ViolationChecks

MessagePredicate = Callable[[Message], bool]


class Emulator(ComponentActions, ViolationChecks):
    """A local Discord (REST v10 + Gateway v10) for the real discord.py client."""

    def __init__(
        self, *, interaction_deadline: float = 3.0, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        super().__init__(interaction_deadline=interaction_deadline, host=host)
        self.port = port
        self._server = Server(self)

    async def start(self) -> None:
        """Bind the server (a free port unless one was given); sets api_base and gateway_url."""
        self.port = await self._server.start()

    async def stop(self) -> None:
        await self._server.stop()

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def drop_gateway(
        self,
        code: int = 4000,
        *,
        invalidate: bool = False,
        shards: Iterable[tuple[int, int]] | None = None,
    ) -> None:
        """Disconnect the bot's gateway; it RESUMEs and gets the events it missed replayed.

        With `invalidate=True` the RESUME is refused and the bot re-identifies (slow:
        discord.py sleeps 5 s before a non-initial IDENTIFY). `shards` drops only the
        sessions of those ``(shard_id, num_shards)``.
        """
        await self.hub.drop(code, invalidate=invalidate, only=shards)

    # ---- waiting ----
    async def wait_for_commands_synced(
        self,
        guild: Guild | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - public harness API
    ) -> None:
        """Wait until the bot has PUT its commands globally (or to `guild`)."""
        event = self.commands_synced_event(guild.id if guild else None)
        await asyncio.wait_for(event.wait(), timeout)

    async def wait_for_message(
        self,
        where: Any,
        predicate: MessagePredicate | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - public harness API
    ) -> Message:
        """Return the newest message in `where` matching `predicate`, waiting up to `timeout`.

        Without a predicate, waits for the next message created after the call.
        `where` is a Channel, a channel id, a User (their DM) or a Guild (its first text channel).
        """
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        seen = {m.id for m in self._messages_or_empty(where)} if predicate is None else set()
        while True:
            for msg in reversed(self._messages_or_empty(where)):
                if msg.id in seen:
                    continue
                if predicate is None or predicate(msg):
                    return msg
            remaining = end - loop.time()
            if remaining <= 0 or not await self.wait_changed(remaining):
                raise TimeoutError(f"no matching message in {where!r} within {timeout}s")

    async def wait_for_error(self, code: int, timeout: float = 5.0) -> ErrorRecord:  # noqa: ASYNC109 - public harness API
        """Wait until the emulator has answered some request with this error code (or status)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            for record in self.errors:
                if code in (record.code, record.status):
                    return record
            remaining = end - loop.time()
            if remaining <= 0 or not await self.wait_changed(remaining):
                raise TimeoutError(f"the bot never hit error {code} within {timeout}s")

    async def settle(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109 - public harness API
        """Wait until the in-process bot has finished every running interaction handler.

        Useful after a ``message``/``update`` result when the handler goes on to send
        followups, create channels or DM people after its initial response.
        """
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while tasks := handler_tasks():
            remaining = end - loop.time()
            if remaining <= 0:
                raise TimeoutError("bot interaction handlers still running")
            await asyncio.wait(tasks, timeout=remaining)

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109 - public harness API
        """Wait until `condition()` is true (re-checked whenever the world changes)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not condition():
            remaining = end - loop.time()
            if remaining <= 0:
                raise TimeoutError("condition not met in time")
            await self.wait_changed(min(remaining, 0.25))

    # ---- reading back ----
    def _messages_or_empty(self, where: Any) -> list[Message]:
        try:
            channel = self.world.resolve_where(where)
        except KeyError:
            return []
        return self.world.channel_message_list(channel.id)

    def messages(self, where: Any) -> list[Message]:
        """Messages in a channel (Channel or id; a User means their DM), oldest first."""
        return self._messages_or_empty(where)

    def dm_messages(self, user: User) -> list[Message]:
        return self._messages_or_empty(user)

    def dm_channel(self, user: User) -> Channel | None:
        channel_id = self.world.dm_channels.get(user.id)
        return None if channel_id is None else self.world.channels[channel_id]

    def channel(self, channel_id: int) -> Channel:
        return self.world.get_channel(channel_id)

    def channel_named(self, guild: Guild, name: str) -> Channel:
        for c in self.world.channels.values():
            if c.guild_id == guild.id and c.name == name:
                return c
        raise LookupError(f"no channel #{name} in {guild.name}")

    def channels(self, guild: Guild) -> list[Channel]:
        """Guild channels (text, voice, categories), not threads."""
        return sorted(self.world.guild_channels(guild.id), key=lambda c: (c.type, c.position))

    def threads(self, guild: Guild) -> list[Channel]:
        """All threads of the guild (active and archived)."""
        return self.world.guild_channels(guild.id, threads=True)

    def permission_overwrites(self, channel: Channel | int) -> list[Overwrite]:
        cid = channel.id if isinstance(channel, Channel) else channel
        return list(self.world.get_channel(cid).permission_overwrites)

    def permissions_for(self, user: User, channel: Channel) -> int:
        """Effective permission bits of `user` in `channel`."""
        return self.world.permissions_in(user.id, channel)

    def can_see(self, user: User, channel: Channel) -> bool:
        """Whether `user` sees `channel`.

        A private thread shows only to its members and to those who manage threads.
        """
        perms = self.world.permissions_in(user.id, channel)
        if not perms & VIEW_CHANNEL:
            return False
        if channel.type == ChannelType.PRIVATE_THREAD:
            return user.id in channel.member_ids or bool(perms & MANAGE_THREADS)
        return True

    def member(self, guild: Guild, user: User) -> Member | None:
        return self.world.members.get((guild.id, user.id))

    def user(self, user_id: int) -> User:
        return self.world.get_user(user_id)

    def commands(self, guild: Guild | None = None) -> list[dict[str, Any]]:
        if guild is None:
            return list(self.world.global_commands)
        return list(self.world.guild_commands.get(guild.id, []))

    @property
    def unexpected_errors(self) -> list[ErrorRecord]:
        """Errors the bot hit that were not injected by `rate_limit`."""
        return [e for e in self.errors if not e.injected]

    def assert_no_faults(self) -> None:
        """Fail if anything the emulator sent differs from Discord's documented shapes."""
        if self.emulator_faults:
            shown = "\n  ".join(dict.fromkeys(self.emulator_faults))
            raise AssertionError(f"the emulator sent payloads Discord would not:\n  {shown}")

    async def post_message(
        self, user: User, where: Any, content: str = "", *, files: Any = None
    ) -> Message:
        """Post a message as a user (dispatches MESSAGE_CREATE to the bot).

        `files` are attachments, as for a File Upload (`picked_files`): a list of
        ``(filename, bytes)`` / ``(filename, bytes, content_type)`` / `Attachment`. The client
        refuses more than 10 files or a file over the user's 10 MiB limit (`ValueError`).
        """
        channel = (
            self.world.resolve_where(where)
            if not isinstance(where, User)
            else (self.open_dm_channel(where))
        )
        picked = picked_files(files)
        if len(picked) > limits.MESSAGE_FILES_MAX:
            raise ValueError(
                f"a message takes at most {limits.MESSAGE_FILES_MAX} files, got {len(picked)}"
            )
        uploads = [
            UploadedFile(i, f.filename, f.data, f.content_type) for i, f in enumerate(picked)
        ]
        return self.create_message(channel, user.id, {"content": content}, uploads, check_dm=False)
