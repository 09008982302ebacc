from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from emulator_sample_bot import SampleBot

from discord_emulator import Emulator, Guild, Role, User
from discord_emulator.testing import running_bot, running_emulator


@dataclass
class Campus:
    emu: Emulator
    bot: SampleBot
    guild: Guild
    alice: User
    bob: User
    mod: Role


async def build_campus(emu: Emulator) -> tuple[Guild, User, User, Role]:
    emu.add_bot(token="tkn", name="TutorBot")
    owner = emu.add_user("olga")
    alice = emu.add_user("alice")
    bob = emu.add_user("bob")
    guild = emu.add_guild("Campus", owner=owner)
    mod = emu.add_role(guild, "Moderator", permissions=1 << 5)
    emu.add_member(guild, alice)
    emu.add_member(guild, bob, roles=[mod])
    emu.add_category(guild, "Sessions")
    return guild, alice, bob, mod


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with running_emulator() as emu:
        yield emu


@pytest.fixture
async def campus(emu: Emulator) -> AsyncIterator[Campus]:
    guild, alice, bob, mod = await build_campus(emu)
    async with running_bot(emu, SampleBot(), "tkn") as bot:
        await emu.wait_for_commands_synced()
        yield Campus(emu, bot, guild, alice, bob, mod)
