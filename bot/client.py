"""The Discord client: loads the cogs, installs the error handler, syncs commands."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
from discord.ext import commands

from bot import texts
from bot.adapters.notifier import DiscordNotifier
from bot.errors import handle_interaction_error
from bot.flows.booking_buttons import PERSISTENT_BUTTONS
from bot.flows.case_buttons import ResolveCaseButton
from bot.flows.disputes import DISPUTE_BUTTONS
from bot.flows.flag_buttons import FLAG_BUTTONS
from bot.flows.group_buttons import GROUP_BUTTONS
from bot.flows.money_buttons import RetryRefundButton, SettledRefundButton, SubmitEvidenceButton
from bot.flows.notes import NOTES_BUTTONS
from bot.flows.open_forms import OpenForms
from bot.flows.queue_buttons import QUEUE_BUTTONS
from bot.flows.report import REPORT_BUTTONS
from bot.flows.reviews import REVIEW_BUTTONS
from bot.flows.series_buttons import SERIES_BUTTONS
from bot.flows.space_buttons import SPACE_BUTTONS
from bot.flows.survey import SURVEY_BUTTONS
from bot.flows.verify_email import EnterCodeButton
from bot.flows.verify_request import REQUEST_BUTTONS
from bot.names import DisplayNames
from bot.replies import reply
from bot.speaking import speak_for
from bot.tree import CatalogTranslator, TutorTree
from marketplace.jobs.runner import JobRunner
from marketplace.ports import SessionSpaces
from marketplace.services import onboarding
from marketplace.services.context import ServiceContext

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.cogs.onboarding",
    "bot.cogs.profile",
    "bot.cogs.tutor",
    "bot.cogs.admin",
    "bot.cogs.find",
    "bot.cogs.bookings",
    "bot.cogs.safety",
    "bot.cogs.moderation",
    "bot.cogs.reviews",
    "bot.cogs.disputes",
    "bot.cogs.notes",
    "bot.cogs.sessions",
    "bot.cogs.privacy",
    "bot.cogs.payments",
    "bot.cogs.verify",
    "bot.cogs.screening",
    "bot.cogs.queue",
    "bot.cogs.groups",
    "bot.cogs.referrals",
)


@dataclass(frozen=True, slots=True)
class Shards:
    """Which gateway shards this process runs: `ids` of `count`, or Discord's advice.

    With neither set the client asks Discord (`GET /gateway/bot`) how many shards to run
    and runs them all; `ids` needs `count`.
    """

    ids: tuple[int, ...] | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        if self.ids is not None and self.count is None:
            msg = "shard ids need a shard count"
            raise ValueError(msg)
        if self.count is not None and self.count < 1:
            msg = "the shard count must be at least 1"
            raise ValueError(msg)
        bad = [i for i in self.ids or () if not 0 <= i < (self.count or 0)]
        if bad:
            msg = f"shard ids {bad} are outside 0..{(self.count or 1) - 1}"
            raise ValueError(msg)


ADVISED_SHARDS = Shards()
GUILD_READY_TIMEOUT_SECONDS = 0.5  # every shard, as many as Discord advises


class TutorBot(commands.AutoShardedBot):
    """TutorBot's client. It holds the services; cogs stay thin and call them.

    It runs the gateway shards `shards` names (by default as many as Discord advises).
    Any process can do any guild's work: what is not in this process's cache is fetched
    over REST, so several processes, each with its own shards, share one database.
    """

    def __init__(
        self,
        services: ServiceContext,
        *,
        dev_guild_id: int | None = None,
        sync: bool = True,
        start_jobs: Callable[[TutorBot], JobRunner] | None = None,
        message_content: bool = True,
        shards: Shards = ADVISED_SHARDS,
        http_trace: aiohttp.TraceConfig | None = None,
    ) -> None:
        intents = discord.Intents.default()  # with voice states: joining counts as check-in
        # Privileged: screening reads session messages. Without it, screening is off.
        intents.message_content = message_content
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=TutorTree,
            help_command=None,
            allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=True),
            http_trace=http_trace or aiohttp.TraceConfig(),  # metrics see every request
            # READY once GUILD_CREATEs pause for 0.5 s, not discord.py's 2 s; a later one
            # still arrives, just after on_ready. No message cache: screening reads the
            # raw events, so cached messages would only hold memory.
            guild_ready_timeout=GUILD_READY_TIMEOUT_SECONDS,
            max_messages=None,
            shard_count=shards.count,
            # None means every shard to discord.py (its typed options only say list[int])
            shard_ids=list(shards.ids) if shards.ids is not None else None,  # type: ignore[arg-type]
        )
        self.services = services
        self.dev_guild_id = dev_guild_id
        self._sync = sync
        self._start_jobs = start_jobs
        self.jobs: JobRunner | None = None
        self.spaces: SessionSpaces | None = None  # wired by the composition root
        self.open_forms = OpenForms()  # what `open_form` showed and is still waited for
        self._unclaimed_forms: set[int] = set()
        # Without the members intent the member cache stays nearly empty: names come from
        # what Discord shows the bot (interactions, messages, voice) or are fetched.
        self.names = DisplayNames(self)
        self.notifier = DiscordNotifier(self, services)  # also delivers what it kept
        self._kept_tasks: set[asyncio.Task[None]] = set()

    async def setup_hook(self) -> None:
        """Load every cog, route errors to the one handler, and sync commands."""
        self.tree.on_error = handle_interaction_error  # type: ignore[method-assign]
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.add_dynamic_items(
            *PERSISTENT_BUTTONS,
            ResolveCaseButton,
            SubmitEvidenceButton,
            RetryRefundButton,
            SettledRefundButton,
            *REVIEW_BUTTONS,
            *SURVEY_BUTTONS,
            *SPACE_BUTTONS,
            *REPORT_BUTTONS,
            *NOTES_BUTTONS,
            *DISPUTE_BUTTONS,
            EnterCodeButton,
            *FLAG_BUTTONS,
            *REQUEST_BUTTONS,
            *QUEUE_BUTTONS,
            *SERIES_BUTTONS,
            *GROUP_BUTTONS,
        )
        await self.tree.set_translator(CatalogTranslator())
        if self._sync:
            await self.sync_commands()
        if self._start_jobs is not None:
            self.jobs = self._start_jobs(self)
        # What start-up made lives as long as the process: keep it out of the collector's
        # generations, so later collections (pauses during interactions) stay short.
        gc.collect()
        gc.freeze()

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        """Dispatch as usual, noting a submitted form that no open form claims.

        discord.py drops such a submission silently (a form that timed out, was already
        sent, was open before a restart, or was forged), so the user would only see
        "This interaction failed"; `on_interaction` answers it instead. The check runs
        here, synchronously, right after discord.py looked the form up, against our own
        list of open forms (`open_forms`).
        """
        if event_name == "interaction" and args and self._is_unclaimed_form(args[0]):
            self._unclaimed_forms.add(args[0].id)
        self._note_names(event_name, args)
        super().dispatch(event_name, *args, **kwargs)

    def _note_names(self, event_name: str, args: tuple[Any, ...]) -> None:
        """Keep the display names Discord shows us with interactions, messages and voice."""
        if event_name == "interaction" and args:
            self.names.note_interaction(args[0])
        elif event_name == "message" and args:
            self.names.note(args[0].author)
        elif event_name == "voice_state_update" and args:
            self.names.note(args[0])

    def _is_unclaimed_form(self, interaction: discord.Interaction) -> bool:
        if interaction.type is not discord.InteractionType.modal_submit:
            return False
        custom_id = dict(interaction.data or {}).get("custom_id")
        return not (isinstance(custom_id, str) and self.open_forms.is_open(custom_id))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Deliver notices kept for this user; tell them a form nobody waits for expired."""
        if self.notifier.may_have_kept(interaction):  # no task for what is known to be none
            task = asyncio.create_task(self._deliver_kept(interaction))
            self._kept_tasks.add(task)  # held until done, so it is not collected mid-way
            task.add_done_callback(self._kept_tasks.discard)
        if interaction.id not in self._unclaimed_forms:
            return
        self._unclaimed_forms.discard(interaction.id)
        await speak_for(interaction)
        log.info("answered the submission of an unknown form (user %s)", interaction.user.id)
        try:
            await reply(interaction, texts.FORM_EXPIRED)
        except discord.HTTPException:
            log.warning("could not answer the submission of an unknown form")

    async def _deliver_kept(self, interaction: discord.Interaction) -> None:
        try:
            await self.notifier.deliver_kept(interaction)
        except Exception:
            log.exception("could not deliver kept notices to user %s", interaction.user.id)

    async def close(self) -> None:
        """Stop the job runner first, so no handler talks to a closed client."""
        if self.jobs is not None:
            await self.jobs.stop()
            self.jobs = None
        await super().close()

    async def sync_commands(self) -> int:
        """Sync to `DEV_GUILD_ID` when set (instant), else globally; return how many."""
        if self.dev_guild_id is not None:
            guild = discord.Object(id=self.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %d commands", len(synced))
        return len(synced)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Give a new guild its starter subject catalogue."""
        await onboarding.catalogue(guild.id, guild.name, self.services)
