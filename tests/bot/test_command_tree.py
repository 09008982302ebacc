"""Meta-tests over the whole command tree: names, descriptions, and the spec's contract."""

from __future__ import annotations

from collections.abc import Iterator

import discord
import pytest
from discord import app_commands

from bot.client import TutorBot
from marketplace.domain.cases import CaseAction
from marketplace.ports import SystemClock
from marketplace.services.context import ServiceContext

SPEC_OPTIONS = {
    "start": ["referred_by"],
    "referrals": [],
    "help": [],
    "profile view": ["user"],
    "profile edit": [],
    "timezone set": ["zone"],
    "tutor apply": [],
    "tutor pause": [],
    "tutor resume": [],
    "tutor payouts": [],
    "tutor availability add": ["when", "repeat", "until"],
    "tutor availability list": [],
    "tutor availability remove": [],
    "find": ["subject", "level", "when", "max_price", "sort"],
    "book": ["tutor", "when", "duration", "subject", "note"],
    "bookings": ["scope"],
    "cancel": ["booking", "reason"],
    "reschedule": ["booking", "when"],
    "block": ["user"],
    "unblock": ["user"],
    "admin config": [],
    "report": ["target", "reason", "booking"],
    "mod queue": [],
    "mod resolve": ["case", "action", "note"],
    "mod history": ["user"],
    "review": ["booking"],
    "mod release": ["booking"],
    "dispute": ["booking"],
    "mod dispute": ["case", "outcome", "refund_percent", "note"],
    "privacy export": [],
    "privacy delete": [],
}
SPEC_COMMANDS = set(SPEC_OPTIONS)


def _unused_uow(**_kwargs: object) -> object:
    raise AssertionError("no database in the meta-test")


@pytest.fixture
async def tree() -> app_commands.CommandTree[TutorBot]:
    bot = TutorBot(ServiceContext(uow=_unused_uow, clock=SystemClock()), sync=False)  # type: ignore[arg-type]
    async with bot:  # the sharded client's event queue is made on entering
        await bot.setup_hook()
        yield bot.tree


def _walk(
    items: list[app_commands.Command | app_commands.Group],
) -> Iterator[app_commands.Command | app_commands.Group]:
    for item in items:
        yield item
        if isinstance(item, app_commands.Group):
            yield from _walk(item.commands)


async def test_every_command_and_option_has_a_description(tree) -> None:
    for item in _walk(tree.get_commands()):
        assert item.description, item.qualified_name
        assert item.description != "…", item.qualified_name
        assert len(item.description) <= 100, item.qualified_name
        if isinstance(item, app_commands.Command):
            for param in item.parameters:
                assert param.description, f"{item.qualified_name} {param.name}"
                assert param.description != "…", f"{item.qualified_name} {param.name}"


async def test_command_names_are_unique_and_valid(tree) -> None:
    names = [item.qualified_name for item in _walk(tree.get_commands())]
    assert len(names) == len(set(names))
    for name in names:
        for part in name.split():
            assert part == part.lower()
            assert 1 <= len(part) <= 32


async def test_the_spec_commands_of_this_release_exist(tree) -> None:
    names = {
        item.qualified_name
        for item in _walk(tree.get_commands())
        if isinstance(item, app_commands.Command)
    }
    assert names >= SPEC_COMMANDS


async def test_marketplace_commands_are_guild_only_except_help(tree) -> None:
    for item in tree.get_commands():
        if item.name == "help":
            continue
        assert item.guild_only, item.name


async def test_admin_commands_default_to_manage_server(tree) -> None:
    admin = tree.get_command("admin")
    assert admin is not None
    assert admin.default_permissions is not None
    assert admin.default_permissions.manage_guild


async def test_spec_option_names_are_kept(tree) -> None:
    commands = {
        item.qualified_name: item
        for item in _walk(tree.get_commands())
        if isinstance(item, app_commands.Command)
    }
    for name, options in SPEC_OPTIONS.items():
        have = [p.name for p in commands[name].parameters]
        assert have[: len(options)] == options, name


async def test_spec_choices_are_offered(tree) -> None:
    find = tree.get_command("find")
    book = tree.get_command("book")
    assert isinstance(find, app_commands.Command)
    assert isinstance(book, app_commands.Command)
    sort = next(p for p in find.parameters if p.name == "sort")
    duration = next(p for p in book.parameters if p.name == "duration")
    assert [c.value for c in sort.choices] == ["best", "price", "soonest"]
    # the guild's allowed_durations_minutes, offered by autocomplete (not fixed choices)
    assert (duration.type, duration.autocomplete, duration.choices) == (
        discord.AppCommandOptionType.integer, True, [],
    )  # fmt: skip


async def test_mod_resolve_offers_the_domains_actions(tree) -> None:
    resolve = tree.get_command("mod").get_command("resolve")
    action = next(p for p in resolve.parameters if p.name == "action")
    assert [c.value for c in action.choices] == [a.value for a in CaseAction]
