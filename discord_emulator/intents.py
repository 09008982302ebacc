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
- IDENTIFY is refused as Discord refuses it: close 4013 "Invalid intent(s)" when
  `intents` is missing, not an integer or has a bit that is no documented intent, 4014
  "Disallowed intent(s)" when it asks for a privileged intent (GUILD_MEMBERS,
  GUILD_PRESENCES, MESSAGE_CONTENT) the application has not enabled. Neither is resumable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
# every intent Discord documents: bits 0-16, 20, 21 (auto moderation), 24, 25 (polls)
DOCUMENTED = (1 << 17) - 1 | 1 << 20 | 1 << 21 | 1 << 24 | 1 << 25

PRIVILEGED: dict[str, int] = {
    "GUILD_MEMBERS": GUILD_MEMBERS,
    "GUILD_PRESENCES": GUILD_PRESENCES,
    "MESSAGE_CONTENT": MESSAGE_CONTENT,
}
# application flags per privileged intent: (approved, app in 100+ servers; the Developer
# Portal switch of an app in fewer than 100 servers, the `_LIMITED` flag)
APPLICATION_FLAGS: dict[str, tuple[int, int]] = {
    "GUILD_PRESENCES": (1 << 12, 1 << 13),
    "GUILD_MEMBERS": (1 << 14, 1 << 15),
    "MESSAGE_CONTENT": (1 << 18, 1 << 19),
}
PRIVILEGED_FLAG_BITS = sum(a | b for a, b in APPLICATION_FLAGS.values())
LIMITED_BELOW_GUILDS = 100
INVALID_INTENTS = 4013
DISALLOWED_INTENTS = 4014

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


def privileged_names(names: Iterable[str]) -> frozenset[str]:
    """Validate privileged intent names (Discord's, any case): GUILD_MEMBERS, ..."""
    if isinstance(names, str):
        names = [names]
    chosen = frozenset(n.upper() for n in names)
    unknown = sorted(chosen - PRIVILEGED.keys())
    if unknown:
        raise ValueError(f"not privileged intents: {unknown}; choose from {sorted(PRIVILEGED)}")
    return chosen


def privileged_mask(enabled: Iterable[str]) -> int:
    """The intent bits of the enabled privileged intents."""
    return sum(PRIVILEGED[name] for name in set(enabled))


def disallowed_mask(enabled: Iterable[str]) -> int:
    """The intent bits of the privileged intents that are not enabled."""
    return privileged_mask(PRIVILEGED) & ~privileged_mask(enabled)


def application_flags(enabled: Iterable[str], guild_count: int) -> int:
    """The application `flags` bits that say which privileged intents are enabled."""
    limited = guild_count < LIMITED_BELOW_GUILDS
    return sum(APPLICATION_FLAGS[name][1 if limited else 0] for name in set(enabled))


def refusal(raw: Any, enabled: Iterable[str]) -> tuple[int, str] | None:
    """The close code and reason Discord answers this IDENTIFY `intents` with, if any."""
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0 or raw & ~DOCUMENTED:
        return INVALID_INTENTS, "Invalid intent(s)."
    if raw & disallowed_mask(enabled):
        return DISALLOWED_INTENTS, "Disallowed intent(s)."
    return None
