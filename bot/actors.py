"""Who is acting: the facts Discord gives us about the caller, as a service `Actor`."""

from __future__ import annotations

import discord

from marketplace.domain.errors import NotFoundError
from marketplace.services.actor import Actor


class NotInGuildError(Exception):
    """The interaction came from a DM; marketplace actions need a guild."""


def actor_for(interaction: discord.Interaction, guild_id: int) -> Actor:
    """The clicker as an Actor of the record's guild (persistent buttons also live in DMs)."""
    return Actor(guild_id=guild_id, guild_name="", user_id=interaction.user.id)


def actor_in(interaction: discord.Interaction, guild_id: int, entity: str, key: int) -> Actor:
    """The caller with their standing, acting on a record of `guild_id`.

    A queue button is answered in its guild; pressed elsewhere, the record is not there
    (NotFoundError(entity, key)), whatever the caller's rights in that other guild.
    """
    actor = actor_of(interaction)
    if actor.guild_id != guild_id:
        raise NotFoundError(entity, str(key))
    return actor


def actor_of(interaction: discord.Interaction) -> Actor:
    """Build the service-layer Actor for the interaction's caller in its guild."""
    guild = interaction.guild
    if guild is None or interaction.guild_id is None:
        raise NotInGuildError
    user = interaction.user
    role_ids = (
        frozenset(r.id for r in user.roles) if isinstance(user, discord.Member) else frozenset()
    )
    return Actor(
        guild_id=interaction.guild_id,
        guild_name=guild.name,
        user_id=user.id,
        role_ids=role_ids,
        has_manage_guild=interaction.permissions.manage_guild,
        is_owner=guild.owner_id == user.id,
        display_name=user.display_name,
    )


def guild_of(interaction: discord.Interaction) -> discord.Guild:
    """The interaction's guild; commands are guild-only, so a DM is refused politely."""
    if interaction.guild is None:
        raise NotInGuildError
    return interaction.guild


def standing_of(user: discord.User | discord.Member, guild: discord.Guild) -> Actor:
    """Another user's standing in the guild (roles, Manage Server, owner), as an Actor.

    A user who is not a member (any more) has no roles and no permissions here.
    """
    member = user if isinstance(user, discord.Member) else None
    return Actor(
        guild_id=guild.id,
        guild_name=guild.name,
        user_id=user.id,
        role_ids=frozenset(r.id for r in member.roles) if member else frozenset(),
        has_manage_guild=member.guild_permissions.manage_guild if member else False,
        is_owner=guild.owner_id == user.id,
        display_name=user.display_name,
    )
