"""Users, gateway discovery, application info, commands and guild reads."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from discord_emulator import errors as err
from discord_emulator import payloads, shards
from discord_emulator.backend import Backend
from discord_emulator.errors import DiscordAPIError, FormErrors
from discord_emulator.limits_commands import check_commands
from discord_emulator.permissions import MANAGE_CHANNELS, MANAGE_ROLES
from discord_emulator.rest.common import JSON, Routes, int_param, param, read_body
from discord_emulator.rest.guards import overwrite_bits, require_in_guild

routes = Routes()


@routes("GET", "/users/@me")
async def get_me(b: Backend, _: web.Request) -> JSON:
    return payloads.user_with_pii(b.world.bot_user)


@routes("GET", "/users/{user_id}")
async def get_user(b: Backend, r: web.Request) -> JSON:
    return payloads.user(b.world.get_user(param(r, "user_id")))


@routes("POST", "/users/@me/channels")
async def open_dm(b: Backend, r: web.Request) -> JSON:
    body, _ = await read_body(r)
    user = b.world.get_user(body.get("recipient_id", ""))
    return b.channel_payload(b.open_dm_channel(user))


@routes("GET", "/users/@me/guilds")
async def my_guilds(b: Backend, _: web.Request) -> list[Any]:
    return [
        {
            "id": str(g.id),
            "name": g.name,
            "icon": None,
            "banner": None,
            "owner": False,
            "permissions": "0",
            "features": [],
        }
        for g in b.world.guilds.values()
    ]


@routes("GET", "/gateway")
async def gateway(b: Backend, _: web.Request) -> JSON:
    return {"url": b.gateway_url}


@routes("GET", "/gateway/bot")
async def gateway_bot(b: Backend, _: web.Request) -> JSON:
    """The gateway URL, Discord's recommended shard count and the session start limit."""
    hub = b.hub
    return {
        "url": b.gateway_url,
        "shards": shards.recommended_shards(len(b.world.guilds), hub.guilds_per_recommended_shard),
        "session_start_limit": hub.session_start_limit(),
    }


def application(b: Backend) -> JSON:
    bot = b.world.bot
    if bot is None:
        raise err.unauthorized()
    flags = b.world.application_flags()
    return {
        "id": str(bot.application_id),
        "name": bot.user.name,
        "icon": None,
        "description": "",
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "bot": payloads.user(bot.user),
        "owner": payloads.user(bot.user),
        "summary": "",
        "verify_key": "0" * 64,
        "team": None,
        "flags": flags,
        "tags": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "approximate_guild_count": len(b.world.guilds),
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "integration_types_config": {"0": {}},
        "type": None,
        "flags_new": str(flags),
        "explicit_content_filter": 0,
        "eligible_oauth2_scopes": ["bot", "applications.commands"],
    }


@routes("GET", "/oauth2/applications/@me")
async def oauth_app(b: Backend, _: web.Request) -> JSON:
    return application(b)


@routes("GET", "/applications/@me")
async def app_me(b: Backend, _: web.Request) -> JSON:
    return application(b)


# ---- application commands ----
def _check_app(b: Backend, r: web.Request) -> None:
    bot = b.world.bot
    if bot is None or param(r, "application_id") != str(bot.application_id):
        raise DiscordAPIError(403, 50001, "Missing Access")


def _normalise_commands(
    b: Backend, body: Any, existing: list[JSON], guild_id: int | None
) -> list[JSON]:
    if not isinstance(body, list):
        raise DiscordAPIError(400, 50035, "Invalid Form Body")
    errors = FormErrors()
    if len(body) > 100:
        errors.max_length([], 100)
    check_commands(body, errors)
    by_key = {(c["name"], c.get("type", 1)): c for c in existing}
    out: list[JSON] = []
    seen: set[tuple[str, int]] = set()
    for i, cmd in enumerate(body):
        name = cmd.get("name", "")
        kind = int(cmd.get("type", 1))
        if not 1 <= len(name) <= 32:
            errors.add([i, "name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")
        if kind == 1 and len(cmd.get("description", "")) > 100:
            errors.max_length([i, "description"], 100)
        if (name, kind) in seen:
            errors.add(
                [i, "name"],
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique: {name}",
            )
        seen.add((name, kind))
        old = by_key.get((name, kind))
        bot = b.world.bot
        data: JSON = {
            "description": "",
            "options": [],
            "dm_permission": True,
            "nsfw": False,
            **cmd,
            "integration_types": cmd.get("integration_types") or [0],
            "default_member_permissions": _permissions_string(
                cmd.get("default_member_permissions")
            ),
            "id": old["id"] if old else str(b.world.ids.next()),
            "application_id": str(bot.application_id if bot else 0),
            "type": kind,
            "version": str(b.world.ids.next()),
        }
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        out.append(data)
    if errors:
        raise DiscordAPIError(400, 50035, "Invalid Form Body", errors.tree)
    return out


def _permissions_string(value: Any) -> str | None:
    """Discord answers a command's permission bits as a string (or null)."""
    return None if value is None else str(value)


@routes("GET", "/applications/{application_id}/commands")
async def get_global_commands(b: Backend, r: web.Request) -> list[Any]:
    _check_app(b, r)
    return b.world.global_commands


@routes("PUT", "/applications/{application_id}/commands")
async def put_global_commands(b: Backend, r: web.Request) -> list[Any]:
    _check_app(b, r)
    body = await r.json()
    b.world.global_commands = _normalise_commands(b, body, b.world.global_commands, None)
    b.commands_synced_event(None).set()
    b.say_system(
        f"commands synced globally: {', '.join('/' + c['name'] for c in b.world.global_commands)}"
    )
    b.notify()
    return b.world.global_commands


@routes("GET", "/applications/{application_id}/guilds/{guild_id}/commands")
async def get_guild_commands(b: Backend, r: web.Request) -> list[Any]:
    _check_app(b, r)
    guild = b.world.get_guild(param(r, "guild_id"))
    return b.world.guild_commands.get(guild.id, [])


@routes("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")
async def put_guild_commands(b: Backend, r: web.Request) -> list[Any]:
    _check_app(b, r)
    guild = b.world.get_guild(param(r, "guild_id"))
    body = await r.json()
    commands = _normalise_commands(b, body, b.world.guild_commands.get(guild.id, []), guild.id)
    b.world.guild_commands[guild.id] = commands
    b.commands_synced_event(guild.id).set()
    b.say_system(f"commands synced to {guild.name}: {', '.join('/' + c['name'] for c in commands)}")
    b.notify()
    return commands


@routes("GET", "/applications/{application_id}/emojis")
async def app_emojis(b: Backend, r: web.Request) -> JSON:
    _check_app(b, r)
    return {"items": []}


# ---- guild reads ----
@routes("GET", "/guilds/{guild_id}")
async def get_guild(b: Backend, r: web.Request) -> JSON:
    guild = b.world.get_guild(param(r, "guild_id"))
    data = payloads.guild(b.world, guild)
    if r.query.get("with_counts") in ("1", "true"):
        data["approximate_member_count"] = len(b.world.guild_members(guild.id))
        data["approximate_presence_count"] = 0
    return data


@routes("GET", "/guilds/{guild_id}/channels")
async def guild_channels(b: Backend, r: web.Request) -> list[Any]:
    guild = b.world.get_guild(param(r, "guild_id"))
    return [b.channel_payload(c) for c in b.world.guild_channels(guild.id)]


@routes("GET", "/guilds/{guild_id}/threads/active")
async def active_threads(b: Backend, r: web.Request) -> JSON:
    guild = b.world.get_guild(param(r, "guild_id"))
    threads = b.world.active_threads(guild.id)
    bot_id = b.world.bot_user.id
    return {
        "threads": [b.channel_payload(c) for c in threads],
        "members": [
            payloads.thread_member(c, bot_id, c.created_at)
            for c in threads
            if bot_id in c.member_ids
        ],
        "has_more": False,
    }


@routes("GET", "/guilds/{guild_id}/members")
async def guild_members(b: Backend, r: web.Request) -> list[Any]:
    guild = b.world.get_guild(param(r, "guild_id"))
    limit = int(r.query.get("limit", "1"))
    after = int(r.query.get("after", "0"))
    members = sorted(b.world.guild_members(guild.id), key=lambda m: m.user_id)
    return [payloads.member(b.world, m) for m in members if m.user_id > after][:limit]


@routes("GET", "/guilds/{guild_id}/members/{user_id}")
async def guild_member(b: Backend, r: web.Request) -> JSON:
    guild = b.world.get_guild(param(r, "guild_id"))
    return payloads.member(b.world, b.world.get_member(guild.id, int_param(r, "user_id")))


@routes("GET", "/guilds/{guild_id}/roles")
async def guild_roles(b: Backend, r: web.Request) -> list[Any]:
    guild = b.world.get_guild(param(r, "guild_id"))
    return [payloads.role(x) for x in b.world.guild_roles(guild.id)]


@routes("GET", "/guilds/{guild_id}/roles/{role_id}")
async def guild_role(b: Backend, r: web.Request) -> JSON:
    guild = b.world.get_guild(param(r, "guild_id"))
    role = b.world.roles.get(int_param(r, "role_id"))
    if role is None or role.guild_id != guild.id:
        raise err.unknown("Role", err.UNKNOWN_ROLE)
    return payloads.role(role)


@routes("POST", "/guilds/{guild_id}/channels")
async def create_channel(b: Backend, r: web.Request) -> JSON:
    guild = b.world.get_guild(param(r, "guild_id"))
    body, _ = await read_body(r)
    granted = overwrite_bits(body.get("permission_overwrites"))
    require_in_guild(b, guild, MANAGE_CHANNELS | (MANAGE_ROLES if granted else 0), granted)
    return b.channel_payload(b.create_guild_channel(guild, body))
