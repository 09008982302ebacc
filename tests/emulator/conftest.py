from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from discord_emulator import Emulator, Guild, Role, User
from discord_emulator.testing import running_bot, running_emulator
from tests.emulator.sample_bot import SampleBot, build_campus


@dataclass
class Campus:
    emu: Emulator
    bot: SampleBot
    guild: Guild
    alice: User
    bob: User
    mod: Role


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with running_emulator() as emu:
        emu.check_every_payload = True
        yield emu
        emu.assert_no_faults()


@pytest.fixture
async def campus(emu: Emulator) -> AsyncIterator[Campus]:
    guild, alice, bob, mod = await build_campus(emu)
    async with running_bot(emu, SampleBot(), "tkn") as bot:
        await emu.wait_for_commands_synced()
        yield Campus(emu, bot, guild, alice, bob, mod)
