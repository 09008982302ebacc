"""`/mod queue`, `/mod resolve`, `/mod history`, `/mod restrict`, `/mod unrestrict`, `/mod verify`.

Rights are checked by the services.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot import texts
from bot.actors import actor_of, guild_of, standing_of
from bot.cogs.base import BotCog, extension
from bot.flows.case_buttons import queue_view, resolved_text
from bot.flows.flag_buttons import flags_view
from bot.flows.verify_request import requests_view
from bot.presenters.case_file import case_file_embed, session_log_file
from bot.presenters.flags import flags_embed
from bot.presenters.moderation import (
    dispute_decided_text,
    history_embed,
    queue_embed,
    restricted_text,
)
from bot.presenters.notices import verification_level_name
from bot.presenters.requests import requests_embed
from bot.replies import reply
from marketplace.domain.cases import CaseAction
from marketplace.domain.disputes import DisputeOutcome
from marketplace.domain.profiles import VerificationLevel
from marketplace.services import (
    disputes,
    message_flags,
    moderation,
    restrictions,
    reviews,
    verification,
    verification_requests,
)

ACTION_CHOICES = [
    app_commands.Choice(name=texts.MOD_ACTIONS[a.value], value=a.value) for a in CaseAction
]

DISPUTE_OUTCOME_CHOICES = [
    app_commands.Choice(name=texts.DISPUTE_OUTCOMES[o.value], value=o.value) for o in DisputeOutcome
]

VERIFICATION_CHOICES = [
    app_commands.Choice(name=verification_level_name(v.value), value=v.value)
    for v in VerificationLevel
]


class ModerationCog(BotCog):
    """The moderator queue: reports in, decisions out, all audited."""

    mod = app_commands.Group(
        name="mod",
        description="Moderator tools: the report queue and case history",
        guild_only=True,
    )

    @mod.command(name="queue", description="Open reports, oldest first, with Resolve buttons")
    @app_commands.describe(page="Which page of the queue (default 1)")
    async def queue(
        self, interaction: discord.Interaction, page: app_commands.Range[int, 1, 1000] = 1
    ) -> None:
        """List open cases."""
        actor = actor_of(interaction)
        listing = await moderation.queue(moderation.ModerationQueue(actor, page), self.bot.services)
        view = queue_view(actor.guild_id, listing)
        await reply(
            interaction,
            embed=queue_embed(listing),
            view=view or discord.utils.MISSING,
            ephemeral=True,
        )
        flagged = await message_flags.open_flags(message_flags.ViewFlags(actor), self.bot.services)
        if flagged.flags:
            await reply(
                interaction, embed=flags_embed(flagged), view=flags_view(actor.guild_id, flagged)
            )
        waiting = await verification_requests.pending(
            verification_requests.PendingRequests(actor), self.bot.services
        )
        if waiting:
            view = requests_view(actor.guild_id, waiting)
            await reply(interaction, embed=requests_embed(waiting), view=view)

    @mod.command(name="resolve", description="Close a case with a recorded action")
    @app_commands.describe(
        case="The case number (from /mod queue)",
        action="What you did about it",
        note="Why (kept in the audit log)",
    )
    @app_commands.choices(action=ACTION_CHOICES)
    async def resolve(
        self,
        interaction: discord.Interaction,
        case: app_commands.Range[int, 1],
        action: app_commands.Choice[str],
        note: str | None = None,
    ) -> None:
        """Resolve one case."""
        cmd = moderation.ResolveCase(actor_of(interaction), case, action.value, note or "")
        closed = await moderation.resolve_case(cmd, self.bot.services)
        await reply(interaction, resolved_text(closed), ephemeral=True)

    @mod.command(name="release", description="Let a held review through so it shows and counts")
    @app_commands.describe(booking="The booking number of the held review (from /mod queue)")
    async def release(
        self, interaction: discord.Interaction, booking: app_commands.Range[int, 1]
    ) -> None:
        """Release one held review."""
        await reviews.release(
            reviews.ReleaseReviews(actor_of(interaction), booking), self.bot.services
        )
        await reply(interaction, texts.MOD_REVIEW_RELEASED.format(booking=booking), ephemeral=True)

    @mod.command(name="history", description="A user's past cases, newest first")
    @app_commands.describe(user="Whose cases to show")
    async def history(self, interaction: discord.Interaction, user: discord.User) -> None:
        """Show the cases about a user."""
        actor = actor_of(interaction)
        record = await moderation.history(moderation.CaseHistory(actor, user.id), self.bot.services)
        now = self.bot.services.clock.now()
        embed = history_embed(user, record.cases, record.restriction, now, record.offenses)
        await reply(interaction, embed=embed, ephemeral=True)

    # --- restrictions (keep at the end of the class) ---------------------------------------

    @mod.command(name="restrict", description="Stop a user booking or being booked")
    @app_commands.describe(
        user="Who to restrict",
        reason="Why (they see it in their DM; kept in the audit log)",
        duration="How long, like 7d, 24h or 2 weeks (at most 365 days); empty = until lifted",
    )
    async def restrict(
        self,
        interaction: discord.Interaction,
        user: discord.User,
        reason: app_commands.Range[str, 1, 500],
        duration: app_commands.Range[str, 0, 40] | None = None,
    ) -> None:
        """Restrict one user (again: replaces their restriction)."""
        target = standing_of(user, guild_of(interaction))
        cmd = restrictions.RestrictUser(actor_of(interaction), target, duration, reason)
        done = await restrictions.restrict(cmd, self.bot.services)
        await reply(interaction, restricted_text(done), ephemeral=True)

    @mod.command(name="unrestrict", description="Lift a user's restriction now")
    @app_commands.describe(user="Whose restriction to lift", note="Why (kept in the audit log)")
    async def unrestrict(
        self,
        interaction: discord.Interaction,
        user: discord.User,
        note: app_commands.Range[str, 0, 500] | None = None,
    ) -> None:
        """Lift one user's restriction."""
        actor = actor_of(interaction)
        await restrictions.unrestrict(
            restrictions.Unrestrict(actor, user.id, note or ""), self.bot.services
        )
        await reply(interaction, texts.MOD_UNRESTRICTED.format(user=user.id), ephemeral=True)

    # --- platform disputes (keep separate from restrictions) -------------------------------

    @mod.command(name="dispute", description="Decide a dispute: refund a share, or not")
    @app_commands.describe(
        case="The dispute number (from /mod queue)",
        outcome="Your decision",
        refund_percent="With refund: the share of the total the student gets back (0-100)",
        note="Why (kept in the audit log)",
    )
    @app_commands.choices(outcome=DISPUTE_OUTCOME_CHOICES)
    async def dispute(
        self,
        interaction: discord.Interaction,
        case: app_commands.Range[int, 1],
        outcome: app_commands.Choice[str],
        refund_percent: app_commands.Range[int, 0, 100] | None = None,
        note: app_commands.Range[str, 0, 500] | None = None,
    ) -> None:
        """Decide one open dispute; the money follows and both sides are told."""
        cmd = disputes.ResolveDispute(
            actor_of(interaction), case, outcome.value, refund_percent, note or ""
        )
        decided = await disputes.resolve_dispute(cmd, self.bot.services)
        await reply(interaction, dispute_decided_text(decided), ephemeral=True)

    @mod.command(
        name="evidence", description="Read a dispute's case file: statement, record, files, log"
    )
    @app_commands.describe(dispute="The dispute number (from /mod queue)")
    async def evidence(
        self, interaction: discord.Interaction, dispute: app_commands.Range[int, 1]
    ) -> None:
        """Show one dispute's case file (reading it is audited)."""
        cmd = disputes.ViewCaseFile(actor_of(interaction), dispute)
        found = await disputes.case_file(cmd, self.bot.services)
        log_file = session_log_file(found)
        await reply(
            interaction,
            embed=case_file_embed(found),
            file=log_file,
            ephemeral=True,
        )

    # --- verification --------------------------------------------------------------------

    @mod.command(name="verify", description="Set a tutor's verification level (a badge in /find)")
    @app_commands.describe(
        user="The tutor",
        level="Their new verification level",
        note="What you checked (kept in the audit log)",
    )
    @app_commands.choices(level=VERIFICATION_CHOICES)
    async def verify(
        self,
        interaction: discord.Interaction,
        user: discord.User,
        level: app_commands.Choice[str],
        note: app_commands.Range[str, 0, 500] | None = None,
    ) -> None:
        """Set one tutor's verification level; they are told by DM."""
        cmd = verification.SetVerification(actor_of(interaction), user.id, level.value, note or "")
        done = await verification.set_level(cmd, self.bot.services)
        text = texts.MOD_VERIFICATION_SET.format(
            user=done.tutor_id,
            new=verification_level_name(done.new.value),
            old=verification_level_name(done.old.value),
        )
        await reply(interaction, text, ephemeral=True)


setup = extension(ModerationCog)
