"""Build INTERACTION_CREATE payloads the way Discord's client and API would."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from discord_emulator import payloads
from discord_emulator.models import JSON, Attachment, Channel, Role, User
from discord_emulator.permissions import ALL
from discord_emulator.world import World

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)


@dataclass
class Resolved:
    world: World
    guild_id: int | None
    where: Channel | None = None
    data: JSON = field(default_factory=dict)

    def user(self, user: User) -> str:
        self.data.setdefault("users", {})[str(user.id)] = payloads.user(user)
        if self.guild_id is not None:
            member = self.world.members.get((self.guild_id, user.id))
            if member is not None:
                perms = self.world.permissions_in(user.id, self.where) if self.where else 0
                self.data.setdefault("members", {})[str(user.id)] = payloads.member(
                    self.world, member, with_user=False, permissions=perms
                )
        return str(user.id)

    def role(self, role: Role) -> str:
        self.data.setdefault("roles", {})[str(role.id)] = payloads.role(role)
        return str(role.id)

    def channel(self, channel: Channel, for_user: int) -> str:
        data = payloads.channel(self.world, channel, permissions_for=for_user)
        self.data.setdefault("channels", {})[str(channel.id)] = data
        return str(channel.id)

    def attachment(self, att: Attachment, base_url: str, channel_id: int) -> str:
        self.data.setdefault("attachments", {})[str(att.id)] = payloads.attachment(
            att, base_url, channel_id
        )
        return str(att.id)


def describe_value(value: Any) -> str:
    if isinstance(value, User):
        return value.name
    if isinstance(value, Channel):
        return f"#{value.name}"
    if isinstance(value, Role):
        return f"@{value.name}"
    if isinstance(value, Attachment):
        return value.filename
    return str(value)


def check_availability(world: World, cmd: JSON, user: User, channel: Channel) -> None:
    """Refuse commands the Discord client would not offer this user here."""
    name = cmd["name"]
    if channel.guild_id is None:
        contexts = cmd.get("contexts")
        if cmd.get("dm_permission") is False or (contexts is not None and 1 not in contexts):
            raise PermissionError(f"/{name} cannot be used in DMs")
        return
    required = cmd.get("default_member_permissions")
    if required is None:
        return
    perms = world.permissions_in(user.id, channel)
    if perms & int(required) != int(required) or (int(required) == 0 and perms != ALL):
        raise PermissionError(f"/{name} is hidden from {user.name}: needs permissions {required}")


def find_command(world: World, guild_id: int | None, name: str) -> JSON:
    candidates = list(world.guild_commands.get(guild_id, [])) if guild_id else []
    candidates += world.global_commands
    for cmd in candidates:
        if cmd["name"] == name and int(cmd.get("type", 1)) == 1:
            return cmd
    known = ", ".join(sorted("/" + c["name"] for c in candidates)) or "none"
    raise LookupError(f"/{name} is not a synced command here (known: {known})")


_SCALARS: dict[int, type] = {STRING: str, INTEGER: int, NUMBER: float, BOOLEAN: bool}


def _convert_entity(kind: int, value: Any, resolved: Resolved, user_id: int) -> str | None:
    if kind in (USER, MENTIONABLE) and isinstance(value, User):
        return resolved.user(value)
    if kind in (ROLE, MENTIONABLE) and isinstance(value, Role):
        return resolved.role(value)
    if kind == CHANNEL and isinstance(value, Channel):
        return resolved.channel(value, user_id)
    return None


def _pick_choice(definition: JSON, value: Any) -> Any:
    choices = definition.get("choices") or []
    if not choices:
        return value
    for key in ("value", "name"):
        for choice in choices:
            if value == choice[key]:
                return choice["value"]
    allowed = ", ".join(repr(c["value"]) for c in choices)
    raise ValueError(f"{value!r} is not a choice of option {definition['name']!r} ({allowed})")


def convert_option(
    definition: JSON,
    value: Any,
    resolved: Resolved,
    user_id: int,
    *,
    focused: bool = False,
) -> Any:
    """Turn a harness value (User, Role, Channel, str, int...) into the wire value."""
    kind = int(definition["type"])
    if focused:
        return str(value)
    entity = _convert_entity(kind, value, resolved, user_id)
    if entity is not None:
        return entity
    if kind in (USER, ROLE, CHANNEL, MENTIONABLE, ATTACHMENT):
        raise TypeError(
            f"option {definition['name']!r} needs a User/Role/Channel object, got {value!r}"
        )
    cast = _SCALARS.get(kind)
    value = _pick_choice(definition, cast(value) if cast else value)
    _check_bounds(definition, value)
    return value


def _check_bounds(definition: JSON, value: Any) -> None:
    """Refuse what Discord's client won't send: a number out of its range, a wrong length.

    A number outside `min_value`..`max_value`, or a string shorter than `min_length` or
    longer than `max_length`, never reaches the bot.
    """
    name = definition["name"]
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = definition.get("min_value"), definition.get("max_value")
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError(f"option {name!r} takes {low}..{high}, not {value!r}")
    if isinstance(value, str):
        shortest, longest = definition.get("min_length"), definition.get("max_length")
        if (shortest is not None and len(value) < shortest) or (
            longest is not None and len(value) > longest
        ):
            raise ValueError(f"option {name!r} takes {shortest}..{longest} characters")


def command_options(
    cmd: JSON,
    path: list[str],
    values: dict[str, Any],
    resolved: Resolved,
    user_id: int,
    *,
    focused: str | None = None,
) -> list[JSON]:
    """Build the nested `options` array for a (sub)command invocation."""
    root: list[JSON] = []
    current = root
    defs: list[JSON] = list(cmd.get("options") or [])
    for sub in path:
        match = next((d for d in defs if d["name"] == sub and d["type"] in (1, 2)), None)
        if match is None:
            raise LookupError(f"/{cmd['name']} has no subcommand {sub!r}")
        node: JSON = {"type": match["type"], "name": sub, "options": []}
        current.append(node)
        current = node["options"]
        defs = list(match.get("options") or [])
    if any(d["type"] in (1, 2) for d in defs):
        subs = ", ".join(d["name"] for d in defs)
        raise LookupError(f"/{cmd['name']} {' '.join(path)} needs a subcommand ({subs})")
    by_name = {d["name"]: d for d in defs}
    for key, value in values.items():
        definition = by_name.get(key)
        if definition is None:
            raise LookupError(f"unknown option {key!r}; options are {sorted(by_name)}")
        is_focused = key == focused
        opt: JSON = {
            "name": key,
            "type": definition["type"],
            "value": convert_option(definition, value, resolved, user_id, focused=is_focused),
        }
        if is_focused:
            opt["focused"] = True
        current.append(opt)
    if focused is None:
        missing = [d["name"] for d in defs if d.get("required") and d["name"] not in values]
        if missing:
            raise ValueError(f"missing required option(s): {', '.join(missing)}")
    return root
