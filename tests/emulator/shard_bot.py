"""A sharded discord.py bot for test_shards, in the test process or as its own process.

As a process: ``python -m tests.emulator.shard_bot API_BASE GATEWAY_URL TOKEN LABEL
SHARD_COUNT SHARD_ID...`` runs one ``AutoShardedBot`` on those shards until killed.
"""

from __future__ import annotations

import sys

import discord
from discord.ext import commands

from discord_emulator import point_discord_py_at


class ShardBot(commands.AutoShardedBot):
    """Answers ``/where`` with its label and the shard of the guild; records what it saw."""

    def __init__(
        self,
        label: str,
        *,
        shard_ids: list[int] | None = None,
        shard_count: int | None = None,
        message_content: bool = True,
    ) -> None:
        intents = discord.Intents.default()
        intents.message_content = message_content
        super().__init__(
            command_prefix="!", intents=intents, shard_ids=shard_ids, shard_count=shard_count
        )
        self.label = label
        self.messages: list[discord.Message] = []
        self.interactions: list[int | None] = []  # guild ids (None: a DM)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5 s wait between shards: the emulator does not enforce max_concurrency."""

    async def setup_hook(self) -> None:
        @self.tree.command(description="Which process and shard answers")
        async def where(interaction: discord.Interaction) -> None:
            self.interactions.append(interaction.guild_id)
            shard = interaction.guild.shard_id if interaction.guild is not None else 0
            await interaction.response.send_message(f"{self.label} shard {shard}")

        await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        if message.author != self.user:
            self.messages.append(message)


def main(argv: list[str]) -> None:
    api_base, gateway_url, token, label, count, *ids = argv
    point_discord_py_at(api_base, gateway_url)
    bot = ShardBot(label, shard_ids=[int(i) for i in ids], shard_count=int(count))
    bot.run(token, log_handler=None)


if __name__ == "__main__":
    main(sys.argv[1:])
