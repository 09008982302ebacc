"""Discord permission bits and the standard overwrite resolution algorithm."""

from __future__ import annotations

from discord_emulator.models import Channel, Guild, Member, Overwrite, Role

CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CONNECT = 1 << 20
SPEAK = 1 << 21
MANAGE_ROLES = 1 << 28
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38

ALL = (1 << 51) - 1

EVERYONE_DEFAULT = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CONNECT
    | SPEAK
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | CREATE_PRIVATE_THREADS
    | SEND_MESSAGES_IN_THREADS
)

BOT_DEFAULT = (
    EVERYONE_DEFAULT
    | MANAGE_CHANNELS
    | MANAGE_ROLES
    | MANAGE_MESSAGES
    | MANAGE_THREADS
    | MENTION_EVERYONE
)


def base_permissions(guild: Guild, member: Member, roles: dict[int, Role]) -> int:
    """Guild-level permissions of a member (owner and administrator get everything)."""
    if member.user_id == guild.owner_id:
        return ALL
    everyone = roles.get(guild.id)
    perms = everyone.permissions if everyone else 0
    for role_id in member.role_ids:
        role = roles.get(role_id)
        if role is not None:
            perms |= role.permissions
    if perms & ADMINISTRATOR:
        return ALL
    return perms


def _apply(perms: int, overwrite: Overwrite | None) -> int:
    if overwrite is None:
        return perms
    return (perms & ~overwrite.deny) | overwrite.allow


def channel_permissions(
    guild: Guild,
    member: Member,
    roles: dict[int, Role],
    channel: Channel,
) -> int:
    """Permissions of a member in a channel; `channel` should be a non-thread channel."""
    perms = base_permissions(guild, member, roles)
    if perms == ALL:
        return ALL
    by_id = {o.id: o for o in channel.permission_overwrites}
    perms = _apply(perms, by_id.get(guild.id))
    allow = deny = 0
    for role_id in member.role_ids:
        ow = by_id.get(role_id)
        if ow is not None and ow.type == 0:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    member_ow = by_id.get(member.user_id)
    if member_ow is not None and member_ow.type == 1:
        perms = _apply(perms, member_ow)
    if not perms & VIEW_CHANNEL:
        return 0
    return perms
