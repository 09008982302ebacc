"""Gateway intents, applied the way Discord applies them to what a session receives.

- Each dispatched event needs its intent (GUILDS, GUILD_MEMBERS, GUILD_VOICE_STATES,
  GUILD_MESSAGES / DIRECT_MESSAGES); READY, RESUMED, INTERACTION_CREATE and
  GUILD_MEMBERS_CHUNK need none. GUILD_MEMBER_UPDATE about the bot itself arrives without
  GUILD_MEMBERS; THREAD_MEMBERS_UPDATE then only when the bot itself was added or removed.
- GUILD_CREATE lists every member only with GUILD_PRESENCES (Discord's gateway docs:
  without it "it will only send members who are in voice, plus the member for you");
  `member_count` stays the real count.
- Without MESSAGE_CONTENT, a guild message the bot did not write and that does not
  mention it has empty `content`, `embeds`, `attachments`, `components` and no `poll`,
  in dispatches and in REST fetches (DMs and interaction payloads keep theirs).
"""

from __future__ import annotations

import re
from typing import Any

JSON = dict[str, Any]

GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_VOICE_STATES = 1 << 7
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15
ALL = (1 << 26) - 1

EVENT_INTENT: dict[str, int] = {
    "GUILD_CREATE": GUILDS,
    "GUILD_UPDATE": GUILDS,
    "GUILD_DELETE": GUILDS,
    "GUILD_ROLE_CREATE": GUILDS,
    "GUILD_ROLE_UPDATE": GUILDS,
    "GUILD_ROLE_DELETE": GUILDS,
    "CHANNEL_CREATE": GUILDS,
    "CHANNEL_UPDATE": GUILDS,
    "CHANNEL_DELETE": GUILDS,
    "THREAD_CREATE": GUILDS,
    "THREAD_UPDATE": GUILDS,
    "THREAD_DELETE": GUILDS,
    "THREAD_LIST_SYNC": GUILDS,
    "THREAD_MEMBER_UPDATE": GUILDS,
    "THREAD_MEMBERS_UPDATE": GUILDS,
    "GUILD_MEMBER_ADD": GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": GUILD_MEMBERS,
    "VOICE_STATE_UPDATE": GUILD_VOICE_STATES,
}
MESSAGE_EVENTS = ("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE")
_CONTENT_FIELDS: JSON = {"content": "", "embeds": [], "attachments": [], "components": []}


def has(intents: int, flag: int) -> bool:
    return intents & flag == flag


def shape(event: str, d: Any, intents: int, bot_id: int | None) -> Any | None:
    """What a session with `intents` receives for this dispatch (None: nothing)."""
    if not isinstance(d, dict):
        return d
    if event in MESSAGE_EVENTS:
        return _message_event(event, d, intents, bot_id)
    if event == "GUILD_CREATE":
        return guild_create(d, intents, bot_id) if has(intents, GUILDS) else None
    if event == "GUILD_MEMBER_UPDATE" and _user_id(d) == bot_id:
        return d
    if event == "THREAD_MEMBERS_UPDATE" and not has(intents, GUILD_MEMBERS):
        return _own_thread_membership(d, bot_id)
    needed = EVENT_INTENT.get(event, 0)
    return d if has(intents, needed) else None


def _message_event(event: str, d: JSON, intents: int, bot_id: int | None) -> JSON | None:
    wanted = DIRECT_MESSAGES if d.get("guild_id") is None else GUILD_MESSAGES
    if not has(intents, wanted):
        return None
    return d if event == "MESSAGE_DELETE" else message(d, intents, bot_id)


def _user_id(member: JSON) -> int | None:
    user = member.get("user") or {}
    return int(user["id"]) if "id" in user else None


def guild_create(d: JSON, intents: int, bot_id: int | None) -> JSON:
    """Without GUILD_PRESENCES only the bot's member and the members in voice are listed."""
    if has(intents, GUILD_PRESENCES) or "members" not in d:
        return d
    in_voice = {int(v["user_id"]) for v in d.get("voice_states") or []}
    keep = in_voice | ({bot_id} if bot_id is not None else set())
    return {**d, "members": [m for m in d["members"] if _user_id(m) in keep]}


def _own_thread_membership(d: JSON, bot_id: int | None) -> JSON | None:
    added = [m for m in d.get("added_members") or [] if int(m["user_id"]) == bot_id]
    removed = [u for u in d.get("removed_member_ids") or [] if int(u) == bot_id]
    if not added and not removed:
        return None
    return {**d, "added_members": added, "removed_member_ids": removed}


def mentions(content: str, user_id: int) -> bool:
    return re.search(rf"<@!?{user_id}>", content) is not None


def content_visible(d: JSON, intents: int, bot_id: int | None) -> bool:
    """Whether the app may read this message's content (Discord's MESSAGE_CONTENT rule)."""
    if has(intents, MESSAGE_CONTENT) or d.get("guild_id") is None or bot_id is None:
        return True
    author = d.get("author") or {}
    if str(author.get("id")) == str(bot_id):
        return True
    if any(str(u.get("id")) == str(bot_id) for u in d.get("mentions") or []):
        return True
    return mentions(str(d.get("content") or ""), bot_id)


def message(d: JSON, intents: int, bot_id: int | None) -> JSON:
    """A message as an app with `intents` sees it (content fields emptied if it may not)."""
    if content_visible(d, intents, bot_id):
        return d
    shaped = {**d, **_CONTENT_FIELDS}
    shaped.pop("poll", None)
    return shaped
