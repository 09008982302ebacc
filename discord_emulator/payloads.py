"""Serialise world objects into the JSON shapes Discord (and discord.py) use."""

from __future__ import annotations

import re
from typing import Any

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
from discord_emulator.render import walk_components
from discord_emulator.world import World

JSON = dict[str, Any]
COMPONENT_INTERACTION, MODAL_SUBMIT_INTERACTION = 3, 5


def user(u: User) -> JSON:
    return {
        "id": str(u.id),
        "username": u.name,
        "global_name": u.global_name,
        "discriminator": "0",
        "avatar": None,
        "bot": u.bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "collectibles": None,
        "primary_guild": None,
    }


def user_with_pii(u: User) -> JSON:
    """The current user as GET /users/@me shows it (UserPIIResponse)."""
    return {**user(u), "mfa_enabled": False, "locale": u.locale, "verified": True}


def voice_state(world: World, guild_id: int, user_id: int, channel_id: int | None) -> JSON:
    """A voice state (VoiceStateResponse) with the fields Discord always sends."""
    data: JSON = {
        "guild_id": str(guild_id),
        "channel_id": None if channel_id is None else str(channel_id),
        "user_id": str(user_id),
        "session_id": f"voice-{user_id}",
        "deaf": False,
        "mute": False,
        "self_deaf": False,
        "self_mute": False,
        "self_video": False,
        "self_stream": False,
        "suppress": False,
        "request_to_speak_timestamp": None,
    }
    found = world.members.get((guild_id, user_id))
    if found is not None:
        data["member"] = member(world, found)
    return data


def member(
    world: World, m: Member, *, with_user: bool = True, permissions: int | None = None
) -> JSON:
    data: JSON = {
        "roles": [str(r) for r in m.role_ids],
        "joined_at": m.joined_at,
        "nick": m.nick,
        "avatar": None,
        "banner": None,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user(world.users[m.user_id])
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def role(r: Role) -> JSON:
    return {
        "id": str(r.id),
        "name": r.name,
        "color": r.color,
        "colors": {"primary_color": r.color, "secondary_color": None, "tertiary_color": None},
        "hoist": r.hoist,
        "icon": None,
        "unicode_emoji": None,
        "position": r.position,
        "permissions": str(r.permissions),
        "managed": r.managed,
        "mentionable": r.mentionable,
        "flags": 0,
    }


def overwrites(channel: Channel) -> list[JSON]:
    return [
        {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
        for o in channel.permission_overwrites
    ]


def thread_member(channel: Channel, user_id: int, join_timestamp: str) -> JSON:
    return {
        "id": str(channel.id),
        "user_id": str(user_id),
        "join_timestamp": join_timestamp,
        "flags": 0,
    }


def channel(world: World, c: Channel, *, permissions_for: int | None = None) -> JSON:
    if c.is_dm:
        recipient = world.users[c.recipient_id] if c.recipient_id else None
        return {
            "id": str(c.id),
            "type": ChannelType.DM,
            "last_message_id": _opt(c.last_message_id),
            "recipients": [user(recipient)] if recipient else [],
            "flags": 0,
        }
    data: JSON = {
        "id": str(c.id),
        "type": c.type,
        "guild_id": _opt(c.guild_id),
        "name": c.name,
        "parent_id": _opt(c.parent_id),
        "last_message_id": _opt(c.last_message_id),
        "rate_limit_per_user": c.rate_limit_per_user,
        "flags": 0,
    }
    if c.is_thread:
        data.update(
            owner_id=_opt(c.owner_id),
            message_count=c.message_count,
            total_message_sent=c.message_count,
            member_count=len(c.member_ids),
            thread_metadata={
                "archived": c.archived,
                "auto_archive_duration": c.auto_archive_duration,
                "archive_timestamp": c.archive_timestamp,
                "locked": c.locked,
                "invitable": c.invitable,
                "create_timestamp": c.created_at,
            },
        )
        bot = world.bot
        if bot is not None and bot.user.id in c.member_ids:
            data["member"] = thread_member(c, bot.user.id, c.created_at)
    else:
        data.update(
            position=c.position,
            permission_overwrites=overwrites(c),
            nsfw=c.nsfw,
            topic=c.topic,
        )
        if c.type == ChannelType.VOICE:
            data.update(bitrate=c.bitrate, user_limit=c.user_limit, rtc_region=None)
    if permissions_for is not None:
        data["permissions"] = str(world.permissions_in(permissions_for, c))
    return data


def _opt(value: int | None) -> str | None:
    return None if value is None else str(value)


def guild(world: World, g: Guild) -> JSON:
    return {
        "id": str(g.id),
        "name": g.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "owner_id": str(g.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role(r) for r in world.guild_roles(g.id)],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": str(g.system_channel_id) if g.system_channel_id else None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": g.preferred_locale,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "nsfw": False,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "home_header": None,
        "region": "deprecated",
        "widget_enabled": False,
        "widget_channel_id": None,
        "max_presences": None,
        "max_members": 500_000,
        "max_stage_video_channel_users": 50,
        "max_video_channel_users": 25,
        "incidents_data": None,
    }


def guild_create(world: World, g: Guild) -> JSON:
    members = world.guild_members(g.id)
    data = guild(world, g)
    data.update(
        joined_at=g.created_at,
        large=False,
        unavailable=False,
        member_count=len(members),
        voice_states=[
            {k: v for k, v in voice_state(world, g.id, u, ch).items() if k != "member"}
            for (gid, u), ch in world.voice_states.items()
            if gid == g.id
        ],
        members=[member(world, m) for m in members],
        channels=[channel(world, c) for c in world.guild_channels(g.id)],
        threads=[channel(world, c) for c in world.active_threads(g.id)],
        presences=[],
        stage_instances=[],
        guild_scheduled_events=[],
        soundboard_sounds=[],
    )
    return data


def attachment(a: Attachment, base_url: str, channel_id: int) -> JSON:
    url = f"{base_url}/attachments/{channel_id}/{a.id}/{a.filename}"
    data: JSON = {
        "id": str(a.id),
        "filename": a.filename,
        "size": len(a.data),
        "url": url,
        "proxy_url": url,
        "content_type": a.content_type,
    }
    if a.description is not None:
        data["description"] = a.description
    return data


def _mentioned(content: str, kind: str) -> list[int]:
    """Ids mentioned in `content` as <@id> (users) or <@&id> (roles), once each, in order."""
    found = re.findall(rf"<{kind}(\d+)>", content)
    return [int(i) for i in dict.fromkeys(found)]


def embed(e: JSON) -> JSON:
    """An embed as Discord answers it: `type` "rich" and each field's `inline` filled in."""
    out: JSON = {"type": "rich", **e}
    if "fields" in e:
        out["fields"] = [{"inline": False, **f} for f in e["fields"] or []]
    return out


def message(world: World, m: Message, base_url: str = "") -> JSON:
    author = world.users[m.author_id]
    data: JSON = {
        "id": str(m.id),
        "channel_id": str(m.channel_id),
        "author": user(author),
        "content": m.content,
        "timestamp": m.timestamp,
        "edited_timestamp": m.edited_timestamp,
        "tts": False,
        "mention_everyone": False,
        "mentions": [
            user(world.users[u]) for u in _mentioned(m.content, "@!?") if u in world.users
        ],
        "mention_roles": [str(r) for r in _mentioned(m.content, "@&") if r in world.roles],
        "attachments": [attachment(a, base_url, m.channel_id) for a in m.attachments],
        "embeds": [embed(e) for e in m.embeds],
        "components": m.components,
        "pinned": False,
        "type": m.type,
        "flags": m.flags,
    }
    if m.guild_id is not None:
        data["guild_id"] = str(m.guild_id)
        mem = world.members.get((m.guild_id, m.author_id))
        if mem is not None and m.webhook_id is None:
            data["member"] = member(world, mem, with_user=False)
    if m.nonce is not None:
        data["nonce"] = m.nonce
    if m.webhook_id is not None:
        data["webhook_id"] = str(m.webhook_id)
        data["application_id"] = str(m.webhook_id)
    if m.interaction_metadata is not None:
        data["interaction_metadata"] = m.interaction_metadata
    return data


def interaction_metadata(
    world: World,
    *,
    interaction_id: int,
    kind: int,
    user_id: int,
    guild_id: int | None,
    interacted_message_id: int | None = None,
    original_response_message_id: int | None = None,
    triggering: JSON | None = None,
) -> JSON:
    """A message's `interaction_metadata`, by interaction type (command, component, modal)."""
    owners = {"0": str(guild_id)} if guild_id is not None else {"1": str(user_id)}
    data: JSON = {
        "id": str(interaction_id),
        "type": kind,
        "user": user(world.users[user_id]),
        "authorizing_integration_owners": owners,
    }
    if original_response_message_id is not None:
        data["original_response_message_id"] = str(original_response_message_id)
    if kind == COMPONENT_INTERACTION and interacted_message_id is not None:
        data["interacted_message_id"] = str(interacted_message_id)
    if kind == MODAL_SUBMIT_INTERACTION and triggering is not None:
        data["triggering_interaction_metadata"] = triggering
    return data


def numbered_components(components: list[JSON]) -> list[JSON]:
    """Components with Discord's numeric `id`s (depth first from 1, existing ids kept)."""
    used = {c["id"] for c in walk_components(components) if isinstance(c.get("id"), int)}
    counter = iter(i for i in range(1, 10_000) if i not in used)

    def number(comp: JSON) -> JSON:
        out = dict(comp)
        if not isinstance(out.get("id"), int):
            out["id"] = next(counter)
        if isinstance(out.get("components"), list):
            out["components"] = [number(c) for c in out["components"]]
        for key in ("component", "accessory"):
            if isinstance(out.get(key), dict):
                out[key] = number(out[key])
        return out

    return [number(c) for c in components]
