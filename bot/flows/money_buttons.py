"""The moderator queue's money buttons: Submit evidence, Retry refund, Settled elsewhere.

Each carries the guild and the booking in its custom_id, so it works after a restart;
the services check the clicker's moderator rights again. Evidence and a retried refund
wait on Stripe, so the answer is deferred first.
"""

from __future__ import annotations

from typing import Any

import discord

from bot import texts
from bot.actors import actor_in
from bot.flows.base import NumberedButton, services_of
from bot.i18n import gettext as _
from bot.replies import reply
from marketplace.domain.card_disputes import AWAITING_EVIDENCE
from marketplace.services import card_disputes, refund_failures
from marketplace.services.moderation import ModQueue


class SubmitEvidenceButton(NumberedButton, prefix="mod:evidence"):
    """Submit evidence #N: sends the booking's card-dispute evidence draft to the bank."""

    style = discord.ButtonStyle.primary
    label, number = texts.MOD_SUBMIT_EVIDENCE_LABEL, "booking"

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Send it once; a second click is told it was already sent."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        cmd = card_disputes.SubmitEvidence(
            actor_in(interaction, self.guild_id, "booking", self.record_id), self.record_id
        )
        await card_disputes.submit_evidence(cmd, services_of(interaction))
        await reply(interaction, texts.MOD_EVIDENCE_SENT.format(booking=self.record_id))


class _RefundDecisionButton(NumberedButton, prefix="mod:refund-decision"):
    """The shared callback of the two decisions about a booking's failed refunds."""

    number = "booking"
    decision: refund_failures.Decision = "retry"
    done: str = ""

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Decide once; a second click is told there is nothing left to decide."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        actor = actor_in(interaction, self.guild_id, "booking", self.record_id)
        cmd = refund_failures.DecideRefund(actor, self.record_id, self.decision)
        await refund_failures.decide(cmd, services_of(interaction))
        await reply(interaction, _(self.done).format(booking=self.record_id))


class RetryRefundButton(_RefundDecisionButton, prefix="mod:refund-retry"):
    """Retry refund #N: asks Stripe for the failed refund again."""

    style = discord.ButtonStyle.primary
    decision, label, done = "retry", texts.MOD_RETRY_REFUND_LABEL, texts.MOD_REFUND_RETRIED


class SettledRefundButton(_RefundDecisionButton, prefix="mod:refund-settled"):
    """Settled elsewhere #N: the money was given back outside Stripe."""

    style = discord.ButtonStyle.secondary
    decision, label, done = "settled", texts.MOD_SETTLED_REFUND_LABEL, texts.MOD_REFUND_SETTLED


def money_items(guild_id: int, queue: ModQueue) -> list[discord.ui.Item[Any]]:
    """The buttons for the queue's card disputes awaiting evidence and failed refunds."""
    items: list[discord.ui.Item[Any]] = [
        SubmitEvidenceButton(guild_id, booking)
        for booking in dict.fromkeys(
            d.booking_id for d in queue.card_disputes if d.status in AWAITING_EVIDENCE
        )
    ]
    for booking in dict.fromkeys(f.booking_id for f in queue.refund_failures):
        items += [RetryRefundButton(guild_id, booking), SettledRefundButton(guild_id, booking)]
    return items
