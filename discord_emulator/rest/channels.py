"""Channel, message, overwrite and thread routes."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from discord_emulator import errors as err
from discord_emulator.backend import Backend
from discord_emulator.models import Channel
from discord_emulator.permissions import MANAGE_ROLES, VIEW_CHANNEL
from discord_emulator.rest.common import JSON, Routes, int_param, param, read_body
from discord_emulator.rest.guards import (
    manage_permission,
    require_in_channel,
    send_permission,
    thread_permission,
)

routes = Routes()


def _channel(b: Backend, r: web.Request) -> Channel:
    return b.world.get_channel(param(r, "channel_id"))


def _user_id(b: Backend, r: web.Request) -> int:
    raw = param(r, "user_id")
    return b.world.bot_user.id if raw == "@me" else int(raw)


@routes("GET", "/channels/{channel_id}")
async def get_channel(b: Backend, r: web.Request) -> JSON:
    return b.channel_payload(_channel(b, r))


@routes("PATCH", "/channels/{channel_id}")
async def edit_channel(b: Backend, r: web.Request) -> JSON:
    body, _ = await read_body(r)
    channel = _channel(b, r)
    owner_edit = channel.is_thread and channel.owner_id == b.world.bot_user.id
    require_in_channel(b, channel, VIEW_CHANNEL if owner_edit else manage_permission(channel))
    if "permission_overwrites" in body:
        require_in_channel(b, channel, MANAGE_ROLES)
    return b.channel_payload(b.edit_channel(channel, body))


@routes("DELETE", "/channels/{channel_id}")
async def delete_channel(b: Backend, r: web.Request) -> JSON:
    channel = _channel(b, r)
    require_in_channel(b, channel, manage_permission(channel))
    return b.delete_channel(channel)


# ---- messages ----
@routes("GET", "/channels/{channel_id}/messages")
async def list_messages(b: Backend, r: web.Request) -> list[Any]:
    channel = _channel(b, r)
    limit = int(r.query.get("limit", "50"))
    msgs = [m for m in b.world.channel_message_list(channel.id) if not m.ephemeral]
    if "before" in r.query:
        msgs = [m for m in msgs if m.id < int(r.query["before"])]
    if "after" in r.query:
        msgs = [m for m in msgs if m.id > int(r.query["after"])][:limit]
        return [b.message_as_read(m) for m in reversed(msgs)]
    return [b.message_as_read(m) for m in reversed(msgs[-limit:])]


@routes("POST", "/channels/{channel_id}/messages")
async def create_message(b: Backend, r: web.Request) -> JSON:
    channel = _channel(b, r)
    body, files = await read_body(r)
    require_in_channel(b, channel, send_permission(channel, bool(files)))
    msg = b.create_message(channel, b.world.bot_user.id, body, files)
    return b.message_payload(msg)


@routes("GET", "/channels/{channel_id}/messages/{message_id}")
async def get_message(b: Backend, r: web.Request) -> JSON:
    msg = b.world.get_message(param(r, "channel_id"), param(r, "message_id"))
    if msg.ephemeral:
        raise err.unknown("Message", err.UNKNOWN_MESSAGE)
    return b.message_as_read(msg)


@routes("PATCH", "/channels/{channel_id}/messages/{message_id}")
async def edit_message(b: Backend, r: web.Request) -> JSON:
    msg = b.world.get_message(param(r, "channel_id"), param(r, "message_id"))
    if msg.author_id != b.world.bot_user.id or msg.ephemeral:
        raise err.DiscordAPIError(403, 50005, "Cannot edit a message authored by another user")
    body, files = await read_body(r)
    return b.message_payload(b.edit_message(msg, body, files))


@routes("DELETE", "/channels/{channel_id}/messages/{message_id}")
async def delete_message(b: Backend, r: web.Request) -> None:
    msg = b.world.get_message(param(r, "channel_id"), param(r, "message_id"))
    if msg.ephemeral:
        raise err.unknown("Message", err.UNKNOWN_MESSAGE)
    b.delete_message(msg)


# ---- permission overwrites ----
@routes("PUT", "/channels/{channel_id}/permissions/{target}")
async def put_overwrite(b: Backend, r: web.Request) -> None:
    channel = _channel(b, r)
    body, _ = await read_body(r)
    require_in_channel(b, channel, MANAGE_ROLES)
    b.set_overwrite(channel, int_param(r, "target"), body)


@routes("DELETE", "/channels/{channel_id}/permissions/{target}")
async def delete_overwrite(b: Backend, r: web.Request) -> None:
    channel = _channel(b, r)
    target = int_param(r, "target")
    require_in_channel(b, channel, MANAGE_ROLES)
    if all(o.id != target for o in channel.permission_overwrites):
        raise err.unknown("Overwrite", err.UNKNOWN_OVERWRITE)
    b.delete_overwrite(channel, target)


# ---- threads ----
@routes("POST", "/channels/{channel_id}/threads")
async def create_thread(b: Backend, r: web.Request) -> JSON:
    body, _ = await read_body(r)
    parent = _channel(b, r)
    require_in_channel(b, parent, thread_permission(int(body.get("type") or 12)))
    thread = b.create_thread(parent, body, b.world.bot_user.id)
    return b.channel_payload(thread)


@routes("POST", "/channels/{channel_id}/messages/{message_id}/threads")
async def create_thread_from_message(b: Backend, r: web.Request) -> JSON:
    msg = b.world.get_message(param(r, "channel_id"), param(r, "message_id"))
    if msg.id in b.world.channels:
        raise err.DiscordAPIError(400, 160004, "A thread has already been created for this message")
    body, _ = await read_body(r)
    body.setdefault("type", 11)
    require_in_channel(b, _channel(b, r), thread_permission(11))
    thread = b.create_thread(_channel(b, r), body, b.world.bot_user.id, message_id=msg.id)
    return b.channel_payload(thread)


@routes("PUT", "/channels/{channel_id}/thread-members/{user_id}")
async def add_thread_member(b: Backend, r: web.Request) -> None:
    b.add_thread_member(_channel(b, r), _user_id(b, r))


@routes("DELETE", "/channels/{channel_id}/thread-members/{user_id}")
async def remove_thread_member(b: Backend, r: web.Request) -> None:
    b.remove_thread_member(_channel(b, r), _user_id(b, r))


@routes("GET", "/channels/{channel_id}/thread-members")
async def list_thread_members(b: Backend, r: web.Request) -> list[Any]:
    thread = _channel(b, r)
    return [
        {"id": str(thread.id), "user_id": str(u), "join_timestamp": thread.created_at, "flags": 0}
        for u in thread.member_ids
    ]


@routes("GET", "/channels/{channel_id}/threads/archived/{kind}")
async def archived_threads(b: Backend, r: web.Request) -> JSON:
    parent = _channel(b, r)
    want_private = param(r, "kind") == "private"
    threads = [
        c
        for c in b.world.channels.values()
        if c.parent_id == parent.id
        and c.is_thread
        and c.archived
        and (c.type == 12) == want_private
    ]
    return {"threads": [b.channel_payload(t) for t in threads], "members": [], "has_more": False}
