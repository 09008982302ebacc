"""Gateway dispatches checked against Discord's OpenAPI component schemas.

Gateway events have no operation in the description, but their payloads are the same
objects as the REST ones; `DISPATCH_SCHEMAS` says which component schema each event's
``d`` (or a part of it) must match. Events with no object schema (READY's and
INTERACTION_CREATE's envelopes, GUILD_MEMBER_REMOVE, GUILD_MEMBERS_CHUNK,
THREAD_MEMBERS_UPDATE) are checked part by part (their users, members, messages,
channels); RESUMED, MESSAGE_DELETE and THREAD_DELETE (ids only) for their ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from discord_emulator import openapi
from discord_emulator.contract_responses import problems

JSON = dict[str, Any]
Part = tuple[str, str, Any]  # (where in `d`, component schema, value)

CHANNEL = "GuildChannelResponse"
THREAD = "ThreadResponse"
MESSAGE = "MessageResponse"
MEMBER = "GuildMemberResponse"
USER = "UserResponse"
ROLE = "GuildRoleResponse"
VOICE_STATE = "VoiceStateResponse"
GUILD = "GuildResponse"
PRIVATE_CHANNEL = "PrivateChannelResponse"


def _channel_schema(d: JSON) -> str:
    kind = d.get("type")
    if kind in (10, 11, 12):
        return THREAD
    if kind == 1:
        return PRIVATE_CHANNEL
    return CHANNEL


def _whole(schema: str) -> Callable[[JSON], Iterator[Part]]:
    def parts(d: JSON) -> Iterator[Part]:
        yield "", schema, d

    return parts


def _channel(d: JSON) -> Iterator[Part]:
    yield "", _channel_schema(d), d


def _each(key: str, schema: str, d: JSON) -> Iterator[Part]:
    for i, item in enumerate(d.get(key) or []):
        yield f"{key}/{i}", schema, item


def _guild_create(d: JSON) -> Iterator[Part]:
    if d.get("unavailable"):
        return
    yield "", GUILD, d
    yield from _each("roles", ROLE, d)
    yield from _each("members", MEMBER, d)
    yield from _each("voice_states", VOICE_STATE, d)
    for i, c in enumerate(d.get("channels") or []):
        yield f"channels/{i}", _channel_schema(c), c
    yield from _each("threads", THREAD, d)


def _role_event(d: JSON) -> Iterator[Part]:
    yield "role", ROLE, d.get("role")


def _member_remove(d: JSON) -> Iterator[Part]:
    yield "user", USER, d.get("user")


def _members_chunk(d: JSON) -> Iterator[Part]:
    yield from _each("members", MEMBER, d)


def _thread_members(d: JSON) -> Iterator[Part]:
    yield from _each("added_members", "ThreadMemberResponse", d)


def _ready(d: JSON) -> Iterator[Part]:
    yield "user", USER, d.get("user")


def _interaction(d: JSON) -> Iterator[Part]:
    if "user" in d:
        yield "user", USER, d["user"]
    if "member" in d:
        yield "member", MEMBER, d["member"]
    if "message" in d:
        yield "message", MESSAGE, d["message"]
    if "channel" in d:
        yield "channel", _channel_schema(d["channel"]), d["channel"]
    resolved = (d.get("data") or {}).get("resolved") or {}
    for uid, u in (resolved.get("users") or {}).items():
        yield f"data/resolved/users/{uid}", USER, u
    for rid, r in (resolved.get("roles") or {}).items():
        yield f"data/resolved/roles/{rid}", ROLE, r
    for cid, c in (resolved.get("channels") or {}).items():
        yield f"data/resolved/channels/{cid}", _channel_schema(c), c
    for aid, a in (resolved.get("attachments") or {}).items():
        yield f"data/resolved/attachments/{aid}", "AttachmentResponse", a


# Which component schema each dispatched event's payload matches. The gateway adds a few
# fields the REST objects lack (guild_id, member, newly_created); the schemas allow extras.
DISPATCH_SCHEMAS: dict[str, Callable[[JSON], Iterator[Part]]] = {
    "READY": _ready,
    "GUILD_CREATE": _guild_create,
    "GUILD_UPDATE": _whole(GUILD),
    "GUILD_ROLE_CREATE": _role_event,
    "GUILD_ROLE_UPDATE": _role_event,
    "GUILD_MEMBER_ADD": _whole(MEMBER),
    "GUILD_MEMBER_UPDATE": _whole(MEMBER),
    "GUILD_MEMBER_REMOVE": _member_remove,
    "GUILD_MEMBERS_CHUNK": _members_chunk,
    "CHANNEL_CREATE": _channel,
    "CHANNEL_UPDATE": _channel,
    "CHANNEL_DELETE": _channel,
    "THREAD_CREATE": _whole(THREAD),
    "THREAD_UPDATE": _whole(THREAD),
    "THREAD_MEMBERS_UPDATE": _thread_members,
    "MESSAGE_CREATE": _whole(MESSAGE),
    "MESSAGE_UPDATE": _whole(MESSAGE),
    "VOICE_STATE_UPDATE": _whole(VOICE_STATE),
    "INTERACTION_CREATE": _interaction,
}
# Checked for their ids only (no component schema in the description).
ID_ONLY_EVENTS: dict[str, tuple[str, ...]] = {
    "RESUMED": (),
    "MESSAGE_DELETE": ("id", "channel_id"),
    "THREAD_DELETE": ("id", "guild_id", "parent_id", "type"),
}


def dispatch_faults(event: str, d: Any) -> list[str]:
    """Why a dispatch's `d` is not shaped like the objects Discord documents."""
    if event in ID_ONLY_EVENTS:
        missing = [k for k in ID_ONLY_EVENTS[event] if k not in (d or {})]
        return [f"gateway {event}: missing {', '.join(missing)}"] if missing else []
    parts = DISPATCH_SCHEMAS.get(event)
    if parts is None:
        return [f"gateway {event}: no schema mapped (add it to DISPATCH_SCHEMAS)"]
    if not isinstance(d, dict):
        return [f"gateway {event}: d is not an object"]
    out: list[str] = []
    for where, schema, value in parts(d):
        for problem in problems(openapi.component_validator(schema), value):
            out.append(f"gateway {event} {where or '(d)'} as {schema}: {problem}")
    return out
