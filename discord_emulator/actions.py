"""Acting as users: slash commands, autocomplete, clicks, selects, modal submits."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from discord_emulator import limits, payloads
from discord_emulator.build import (
    Resolved,
    check_availability,
    command_options,
    describe_value,
    find_command,
)
from discord_emulator.ids import new_token
from discord_emulator.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    PendingInteraction,
    handler_tasks,
)
from discord_emulator.models import JSON, Channel, Guild, InteractionResult, Message, User
from discord_emulator.world_api import WorldBuilding

ATTACHMENT_SIZE_LIMIT = limits.BOT_UPLOAD_MAX_BYTES


class Actions(WorldBuilding):
    async def wait_until_ready(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109 - public harness API
        """Wait until the bot has identified and received GUILD_CREATE for every guild."""
        await asyncio.wait_for(self.hub.ready.wait(), timeout)

    def connected_shards(self) -> set[tuple[int, int]]:
        """``(shard_id, num_shards)`` of every connected session that identified with one."""
        return self.hub.connected_shards()

    async def wait_for_shards(
        self,
        shards: Iterable[tuple[int, int]],
        timeout: float = 10.0,  # noqa: ASYNC109 - public harness API
    ) -> None:
        """Wait until each ``(shard_id, num_shards)`` is connected and READY (or RESUMED)."""
        await self.hub.wait_for_shards(shards, timeout)

    async def _wait_until_routed(self, guild_id: int | None, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until a ready session gets this guild's events (with shards: its shard's)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not self.hub.routed(guild_id):
            remaining = end - loop.time()
            if remaining <= 0:
                where = "DMs (shard 0)" if guild_id is None else f"guild {guild_id}"
                raise TimeoutError(f"no connected session gets the events of {where}")
            await self.wait_changed(min(remaining, 0.25))

    # ---- payload plumbing ----
    def _location(self, user: User, guild: Guild | None, in_channel: Channel | None) -> Channel:
        if in_channel is not None:
            return self.world.get_channel(in_channel.id)
        if guild is not None:
            return self.world.resolve_where(guild)
        return self.open_dm_channel(user)

    def _new_pending(
        self, kind: int, user: User, channel: Channel, label: str, source: Message | None = None
    ) -> PendingInteraction:
        now = asyncio.get_running_loop().time()
        return PendingInteraction(
            id=self.world.ids.next(),
            token=new_token(),
            type=kind,
            user_id=user.id,
            guild_id=channel.guild_id,
            channel_id=channel.id,
            created=now,
            deadline=now + self.interaction_deadline,
            label=label,
            source_message_id=source.id if source else None,
        )

    def _payload(
        self,
        p: PendingInteraction,
        user: User,
        channel: Channel,
        data: JSON,
        message: Message | None = None,
    ) -> JSON:
        bot = self.world.bot
        if bot is None:
            raise RuntimeError("call emu.add_bot(...) first")
        payload: JSON = {
            "id": str(p.id),
            "application_id": str(bot.application_id),
            "type": p.type,
            "token": p.token,
            "version": 1,
            "data": data,
            "channel_id": str(channel.id),
            "channel": payloads.channel(self.world, channel, permissions_for=user.id),
            "locale": user.locale,
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if channel.guild_id is not None:
            guild = self.world.guilds[channel.guild_id]
            member = self.world.members.get((guild.id, user.id))
            if member is None:
                raise ValueError(f"{user.name} is not a member of {guild.name}")
            perms = self.world.permissions_in(user.id, channel)
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
                guild_locale=guild.preferred_locale,
                member=payloads.member(self.world, member, permissions=perms),
                app_permissions=str(self.world.permissions_in(bot.user.id, channel)),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            payload.update(
                user=payloads.user(user),
                app_permissions=str(self.world.permissions_in(bot.user.id, channel)),
                authorizing_integration_owners={"1": str(user.id)},
                context=1,
            )
        if message is not None:
            payload["message"] = self.message_payload(message)
        return payload

    async def _run(self, p: PendingInteraction, payload: JSON) -> InteractionResult:
        await self.wait_until_ready()
        await self._wait_until_routed(p.guild_id)
        loop = asyncio.get_running_loop()
        # The deadline starts when the event is sent, like Discord's 3 seconds.
        p.created = loop.time()
        p.deadline = p.created + self.interaction_deadline
        self.interactions.add(p)
        self.in_flight.add(p.id)
        try:
            return await self._await_response(p, payload)
        finally:
            self.in_flight.discard(p.id)

    async def _await_response(self, p: PendingInteraction, payload: JSON) -> InteractionResult:
        loop = asyncio.get_running_loop()
        p.tasks_before = handler_tasks()
        self.dispatch("INTERACTION_CREATE", payload)
        while p.response_type is None and not await self._wait(p, p.deadline - loop.time()):
            pass
        if p.response_type is None:
            p.expired = True
            self.say(
                "⌛",
                f"no response to {p.label} within {self.interaction_deadline:g}s: "
                "the user sees “This interaction failed”",
                kind="error",
            )
        elif p.kind in ("deferred", "deferred_update"):
            source = self.world.messages.get(p.source_message_id or 0)
            edited_before = source.edited_timestamp if source else None
            end = loop.time() + self.deferred_wait

            def done() -> bool:
                if p.followups or p.completed or p.handlers_finished:
                    return True
                if p.kind == "deferred":
                    return not p.loading
                return source is not None and source.edited_timestamp != edited_before

            while not done() and not await self._wait(p, end - loop.time(), settle=done):
                pass
        return self._result(p)

    async def _wait(self, p: PendingInteraction, remaining: float, settle: Any = None) -> bool:
        """Wait for a change; True means 'stop waiting' (timeout or settled)."""
        if remaining <= 0:
            return True
        p.changed.clear()
        changed = asyncio.ensure_future(p.changed.wait())
        world = asyncio.ensure_future(self._changed.wait())
        done, pending = await asyncio.wait(
            {changed, world}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
        )
        for fut in pending:
            fut.cancel()
        if not done:
            return True
        return bool(settle()) if settle is not None else False

    def _result(self, p: PendingInteraction) -> InteractionResult:
        original = self.world.messages.get(p.original_message_id or 0)
        kind = p.kind
        message: Message | None = original
        if (
            kind == "deferred"
            and original is not None
            and original.flags & (1 << 7)
            and p.followups
        ):
            message = p.followups[0]
        if kind in ("modal", "none", "autocomplete"):
            message = None
        return InteractionResult(
            kind=kind,
            interaction_id=p.id,
            message=message,
            ephemeral=p.ephemeral,
            modal=p.modal,
            followups=p.followups,
            errors=p.errors,
            choices=p.choices,
        )

    # ---- slash commands ----
    def _command_data(
        self,
        user: User,
        channel: Channel,
        command: str,
        options: dict[str, Any],
        focused: str | None = None,
    ) -> tuple[JSON, str]:
        names = command.split()
        cmd = find_command(self.world, channel.guild_id, names[0])
        if self.enforce_command_permissions:
            check_availability(self.world, cmd, user, channel)
        resolved = Resolved(self.world, channel.guild_id, channel)
        opts = command_options(cmd, names[1:], options, resolved, user.id, focused=focused)
        data: JSON = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": opts}
        if resolved.data:
            data["resolved"] = resolved.data
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        shown = " ".join(f"{k}:{describe_value(v)}" for k, v in options.items())
        return data, f"/{' '.join(names)}" + (f" {shown}" if shown else "")

    async def slash(
        self,
        user: User,
        guild: Guild | None,
        command: str,
        /,
        *,
        in_channel: Channel | None = None,
        **options: Any,
    ) -> InteractionResult:
        """Run `/command [sub ...]` as `user`; options are keyword arguments."""
        await self.wait_until_ready()
        channel = self._location(user, guild, in_channel)
        data, label = self._command_data(user, channel, command, options)
        p = self._new_pending(APPLICATION_COMMAND, user, channel, label)
        self.say(user.name, label, where=self.where(channel), kind="user")
        return await self._run(p, self._payload(p, user, channel, data))

    async def autocomplete(
        self,
        user: User,
        guild: Guild | None,
        command: str,
        /,
        *,
        focused: str,
        in_channel: Channel | None = None,
        **options: Any,
    ) -> list[JSON]:
        """Ask for autocomplete choices while `user` types into option `focused`."""
        await self.wait_until_ready()
        channel = self._location(user, guild, in_channel)
        options.setdefault(focused, "")
        data, label = self._command_data(user, channel, command, options, focused=focused)
        p = self._new_pending(AUTOCOMPLETE, user, channel, f"autocomplete {label}")
        result = await self._run(p, self._payload(p, user, channel, data))
        return result.choices
