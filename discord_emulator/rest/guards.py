"""Permission checks Discord applies to the bot's own REST calls (50001 / 50013)."""

from __future__ import annotations

from discord_emulator import errors as err
from discord_emulator import permissions as p
from discord_emulator.backend import Backend
from discord_emulator.models import Channel, Guild


def require_in_channel(b: Backend, channel: Channel, needed: int) -> None:
    """Bot needs VIEW_CHANNEL (else 50001) and `needed` (else 50013) in a guild channel."""
    if not b.enforce_permissions or channel.guild_id is None:
        return
    perms = b.world.permissions_in(b.world.bot_user.id, channel)
    if not perms & p.VIEW_CHANNEL:
        raise err.missing_access()
    if perms & needed != needed:
        raise err.missing_permissions()


def require_in_guild(b: Backend, guild: Guild, needed: int, granted: int = 0) -> None:
    """Guild-level permission check; `granted` are overwrite bits the bot wants to set."""
    if not b.enforce_permissions:
        return
    member = b.world.get_member(guild.id, b.world.bot_user.id)
    perms = p.base_permissions(guild, member, b.world.roles)
    if perms & needed != needed:
        raise err.missing_permissions()
    if granted & ~perms:
        # Discord: you cannot grant or deny permissions you do not have yourself.
        raise err.missing_permissions()


def overwrite_bits(raw: object) -> int:
    bits = 0
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict):
                bits |= int(item.get("allow") or 0) | int(item.get("deny") or 0)
    return bits


def send_permission(channel: Channel, has_files: bool) -> int:
    needed = p.SEND_MESSAGES_IN_THREADS if channel.is_thread else p.SEND_MESSAGES
    return needed | (p.ATTACH_FILES if has_files else 0)


def thread_permission(kind: int) -> int:
    return p.CREATE_PRIVATE_THREADS if kind == 12 else p.CREATE_PUBLIC_THREADS


def manage_permission(channel: Channel) -> int:
    return p.MANAGE_THREADS if channel.is_thread else p.MANAGE_CHANNELS
