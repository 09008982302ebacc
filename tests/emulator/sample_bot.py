"""A tiny but complete discord.py bot used to exercise the emulator."""

from __future__ import annotations

import asyncio
import io
import re

import discord
from discord import app_commands
from discord.ext import commands
from discord.webhook.async_ import async_context, interaction_response_params

from discord_emulator import Emulator, Guild, Role, User

ZONES = ["Europe/Berlin", "Europe/Belgrade", "Europe/Brussels", "America/New_York", "Asia/Tokyo"]


class AcceptBooking(
    discord.ui.DynamicItem[discord.ui.Button], template=r"booking:accept:(?P<id>\d+)"
):
    def __init__(self, booking_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Accept",
                style=discord.ButtonStyle.success,
                custom_id=f"booking:accept:{booking_id}",
            )
        )
        self.booking_id = booking_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]):
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(
            content=f"Booking {self.booking_id} accepted by {interaction.user.name}", view=None
        )


class FeedbackModal(discord.ui.Modal, title="Session feedback"):
    rating = discord.ui.TextInput(label="Rating", custom_id="rating", max_length=1)
    comment = discord.ui.TextInput(
        label="Comment", custom_id="comment", style=discord.TextStyle.paragraph, required=False
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"Thanks! rating={self.rating.value} comment={self.comment.value or '-'}",
            ephemeral=True,
        )


class PanelView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)
        self.picked: list[str] = []

    @discord.ui.button(label="Ping", custom_id="panel:ping")
    async def ping(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message("pong from button", ephemeral=True)

    @discord.ui.button(label="Feedback", custom_id="panel:feedback")
    async def feedback(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_modal(FeedbackModal())

    @discord.ui.button(label="Slow", custom_id="panel:slow")
    async def slow(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer()
        await asyncio.sleep(0.05)
        await interaction.edit_original_response(content="slow edit done", view=None)

    @discord.ui.select(
        custom_id="panel:subject",
        placeholder="Pick subjects",
        min_values=1,
        max_values=2,
        options=[
            discord.SelectOption(label=s, value=s.lower()) for s in ("Math", "Physics", "Chemistry")
        ],
    )
    async def subject(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        self.picked = list(select.values)
        await interaction.response.edit_message(content=f"Subjects: {', '.join(select.values)}")


class SampleBot(commands.Bot):
    def __init__(
        self,
        *,
        sync_guild: discord.abc.Snowflake | None = None,
        intents: discord.Intents | None = None,
    ) -> None:
        if intents is None:
            intents = discord.Intents.default()
            intents.members = True
        super().__init__(command_prefix="!", intents=intents)
        self.sync_guild = sync_guild
        self.failures: list[discord.HTTPException] = []
        self.ready_seen = asyncio.Event()

    async def on_ready(self) -> None:
        self.ready_seen.set()

    async def setup_hook(self) -> None:
        self.add_dynamic_items(AcceptBooking)
        register_commands(self)
        if self.sync_guild is not None:
            self.tree.copy_global_to(guild=self.sync_guild)
            await self.tree.sync(guild=self.sync_guild)
        else:
            await self.tree.sync()


def register_commands(bot: SampleBot) -> None:
    register_basic(bot)
    register_components(bot)
    register_failures(bot)
    register_channels(bot)
    register_webhook_edits(bot)


def register_basic(bot: SampleBot) -> None:
    tree = bot.tree

    @tree.command(description="Say pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    @tree.command(description="Echo text")
    async def echo(
        interaction: discord.Interaction, text: str, times: int = 1, secret: bool = False
    ) -> None:
        await interaction.response.send_message(" ".join([text] * times), ephemeral=secret)

    profile = app_commands.Group(name="profile", description="Profiles")

    @profile.command(name="view", description="View a profile")
    async def profile_view(interaction: discord.Interaction, user: discord.Member) -> None:
        embed = discord.Embed(
            title=f"Profile of {user.display_name}",
            description=f"Roles: {', '.join(r.name for r in user.roles[1:]) or 'none'}",
        )
        embed.add_field(name="Is member", value=str(isinstance(user, discord.Member)))
        embed.set_footer(text=f"asked by {interaction.user.name}")
        await interaction.response.send_message(embed=embed)

    tree.add_command(profile)

    timezone = app_commands.Group(name="timezone", description="Time zones")

    @timezone.command(name="set", description="Set your zone")
    async def tz_set(interaction: discord.Interaction, zone: str) -> None:
        await interaction.response.send_message(f"Zone set to {zone}", ephemeral=True)

    @tz_set.autocomplete("zone")
    async def tz_complete(interaction: discord.Interaction, current: str):
        return [app_commands.Choice(name=z, value=z) for z in ZONES if z.startswith(current)]

    tree.add_command(timezone)


def register_components(bot: SampleBot) -> None:
    tree = bot.tree

    @tree.command(description="Show the panel")
    async def panel(interaction: discord.Interaction) -> None:
        view = PanelView()
        view.add_item(AcceptBooking(42))
        await interaction.response.send_message("Session panel", view=view)

    @tree.command(description="Private panel")
    async def mypanel(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Your panel", view=PanelView(), ephemeral=True)

    @tree.command(description="Open the feedback modal")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal())

    @tree.command(description="Deferred then followup")
    async def slow(interaction: discord.Interaction, secret: bool = False) -> None:
        await interaction.response.defer(ephemeral=secret, thinking=True)
        await asyncio.sleep(0.1)
        await interaction.followup.send(
            "done thinking", file=discord.File(io.BytesIO(b"hello"), "notes.txt")
        )
        await interaction.followup.send("second followup")


def register_failures(bot: SampleBot) -> None:
    tree = bot.tree

    @tree.command(description="Responds too late")
    async def late(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.6)
        try:
            await interaction.response.send_message("too late")
        except discord.HTTPException as exc:
            bot.failures.append(exc)

    @tree.command(description="Responds twice")
    async def double(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")
        params = interaction_response_params(4, {"content": "second"})
        try:
            await async_context.get().create_interaction_response(
                interaction.id, interaction.token, session=interaction._session, params=params
            )
        except discord.HTTPException as exc:
            bot.failures.append(exc)

    @tree.command(description="DM a user")
    async def dm(interaction: discord.Interaction, user: discord.User) -> None:
        try:
            await user.send(f"Hello {user.name}, from {interaction.user.name}")
        except discord.Forbidden as exc:
            bot.failures.append(exc)
            await interaction.response.send_message(
                f"Cannot DM {user.name} ({exc.code})", ephemeral=True
            )
            return
        await interaction.response.send_message("sent", ephemeral=True)


def register_channels(bot: SampleBot) -> None:
    tree = bot.tree

    @tree.command(description="Make a private session channel")
    async def room(interaction: discord.Interaction, name: str) -> None:
        guild = interaction.guild
        assert guild is not None
        await interaction.response.defer(ephemeral=True)
        overwrites = {
            guild.default_role: discord.PermissionOverwrite(view_channel=False),
            interaction.user: discord.PermissionOverwrite(view_channel=True, send_messages=True),
            guild.me: discord.PermissionOverwrite(view_channel=True),
        }
        try:
            category = discord.utils.get(guild.categories, name="Sessions")
            channel = await guild.create_text_channel(
                name, overwrites=overwrites, category=category
            )
        except discord.HTTPException as exc:
            bot.failures.append(exc)
            await interaction.followup.send(f"failed: {exc.code}", ephemeral=True)
            return
        await channel.send(f"Welcome {interaction.user.mention}")
        await interaction.followup.send(f"created {channel.mention}", ephemeral=True)

    @tree.command(description="Make a private thread")
    async def huddle(interaction: discord.Interaction, name: str, partner: discord.Member) -> None:
        assert isinstance(interaction.channel, discord.TextChannel)
        try:
            thread = await interaction.channel.create_thread(
                name=name, type=discord.ChannelType.private_thread, invitable=False
            )
            await thread.add_user(interaction.user)
            await thread.add_user(partner)
            await thread.send("Huddle started")
        except discord.HTTPException as exc:
            bot.failures.append(exc)
            await interaction.response.send_message(f"failed: {exc.code}", ephemeral=True)
            return
        await interaction.response.send_message(f"thread {thread.mention}", ephemeral=True)

    @tree.command(description="Close a thread")
    async def close(interaction: discord.Interaction, thread: discord.Thread) -> None:
        real = interaction.guild.get_thread(thread.id) if interaction.guild else None
        assert real is not None
        await real.edit(archived=True, locked=True)
        await interaction.response.send_message("closed", ephemeral=True)

    @tree.command(description="Oversized output")
    async def big(interaction: discord.Interaction, kind: str) -> None:
        try:
            if kind == "content":
                await interaction.response.send_message("x" * 2001)
            else:
                embed = discord.Embed(title="t" * 257, description="ok")
                await interaction.response.send_message(embed=embed)
        except discord.HTTPException as exc:
            bot.failures.append(exc)

    @tree.command(description="Announce in this channel")
    async def announce(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.defer(ephemeral=True)
        assert isinstance(interaction.channel, discord.TextChannel)
        await interaction.channel.send(text)
        await interaction.followup.send("announced", ephemeral=True)


class AckView(discord.ui.View):
    @discord.ui.button(label="Ack", custom_id="ack:only")
    async def ack(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer()  # acknowledge, change nothing
        await asyncio.sleep(0.05)


def register_webhook_edits(bot: SampleBot) -> None:
    tree = bot.tree

    @tree.command(description="A button that only acknowledges")
    async def ackpanel(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ack panel", view=AckView())

    @tree.command(description="Respond, then keep working")
    async def background(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("started")
        await asyncio.sleep(0.1)
        await interaction.followup.send("finished later")

    @tree.command(description="Edit and delete via the interaction webhook")
    async def edits(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("v1")
        await interaction.edit_original_response(content="v2")
        original = await interaction.original_response()
        follow = await interaction.followup.send(f"follow of {original.content}", wait=True)
        await follow.edit(content="follow edited")
        await interaction.delete_original_response()

    @tree.command(description="Send twice with the same nonce")
    async def nonce(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        assert isinstance(interaction.channel, discord.TextChannel)
        first = await interaction.channel.send("once", nonce=12345)
        second = await interaction.channel.send("once", nonce=12345)
        await interaction.followup.send(f"same={first.id == second.id}", ephemeral=True)


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
