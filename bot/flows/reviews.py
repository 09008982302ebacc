"""The review flow: one modal (stars, four ratings, a comment) and the reviewee's reply.

Each side of a completed session reviews the other: the student rates the tutor, the
tutor the student, each on their side's four ratings. The persistent **Leave review**
button opens the modal, prefilled to edit while the window is open. `/review booking:`
opens it too, unless the other side has reviewed the caller: then it shows that review
with a persistent **Reply** button (also on the "New review" DM) and Leave review.
"""

from __future__ import annotations

from typing import Any

import discord

from bot import texts
from bot.actors import actor_for
from bot.flows.base import BookingModal, RecordButton, open_form, paragraph, services_of
from bot.presenters.reviews import review_embed
from bot.replies import reply
from marketplace.domain.reviews import ASPECTS, REPLY_MAX_LEN, TEXT_MAX_LEN
from marketplace.services import reviews
from marketplace.services.actor import Actor
from marketplace.services.reviews import ReviewPrompt


class ReviewModal(BookingModal):
    """Stars and the reviewed side's four yes/no ratings as selects, then a comment."""

    def __init__(self, guild_id: int, prompt: ReviewPrompt) -> None:
        existing = prompt.own
        aspects = ASPECTS[prompt.about]
        title = texts.REVIEW_EDIT_TITLE if existing else texts.REVIEW_MODAL_TITLE
        super().__init__(guild_id, prompt.booking.booking_id, title)
        self.editing = existing is not None
        stars = existing.content.stars if existing else None
        yes = existing.content.yes if existing else frozenset()
        self.stars: discord.ui.Select[Any] = discord.ui.Select(
            custom_id="review:stars",
            placeholder=texts.REVIEW_STARS_PLACEHOLDER,
            options=[
                discord.SelectOption(label=label, value=value, default=str(stars) == value)
                for value, label in texts.STAR_LABELS.items()
            ],
        )
        self.aspects: discord.ui.Select[Any] = discord.ui.Select(
            custom_id="review:aspects",
            placeholder=texts.REVIEW_ASPECTS_PLACEHOLDER,
            min_values=0,
            max_values=len(aspects),
            required=False,
            options=[
                discord.SelectOption(
                    label=texts.ASPECT_LABELS[a.value], value=a.value, default=a in yes
                )
                for a in aspects
            ],
        )
        self.comment: discord.ui.TextInput[ReviewModal] = paragraph(
            label=texts.REVIEW_TEXT_LABEL,
            custom_id="review:text",
            placeholder=texts.REVIEW_TEXT_PLACEHOLDER,
            default=existing.content.text if existing else None,
            max_length=TEXT_MAX_LEN,
            required=False,
        )
        self.add_item(discord.ui.Label(text=texts.REVIEW_STARS_LABEL, component=self.stars))
        self.add_item(discord.ui.Label(text=texts.REVIEW_ASPECTS_LABEL, component=self.aspects))
        self.add_item(self.comment)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Save (or change) the review; every value is checked again by the service."""
        cmd = reviews.WriteReview(
            self.actor(interaction),
            self.booking_id,
            stars=",".join(self.stars.values),  # exactly one option, or the service refuses
            aspects=tuple(self.aspects.values),
            text=self.comment.value,
        )
        ctx = services_of(interaction)
        saved = await (reviews.edit if self.editing else reviews.leave)(cmd, ctx)
        until = int(saved.editable_until.timestamp())
        if not saved.review.counts:
            text = (
                texts.REVIEW_HELD if saved.review.flag_reason == "abusive" else texts.REVIEW_CHECKED
            )
        elif self.editing:
            text = texts.REVIEW_UPDATED.format(until=until)
        else:
            text = texts.REVIEW_SAVED.format(reviewee=saved.review.reviewee_id, until=until)
        await interaction.response.send_message(text, ephemeral=True)


async def open_review_flow(interaction: discord.Interaction, actor: Actor, booking_id: int) -> None:
    """`/review`: the review of the caller if there is one (Reply, Leave review), else the form."""
    prompt = await reviews.open_review(
        reviews.OpenReview(actor, booking_id), services_of(interaction)
    )
    received = prompt.received
    if received is None:
        reviews.check_writable(prompt)
        await open_form(interaction, ReviewModal(actor.guild_id, prompt))
        return
    view = discord.ui.View(timeout=None)
    if received.counts and received.replied_at is None:
        view.add_item(ReplyButton(actor.guild_id, booking_id))
    if prompt.writable:
        view.add_item(LeaveReviewButton(actor.guild_id, booking_id))
    buttons = view if view.children else None
    if not received.counts:
        await reply(interaction, texts.REVIEW_HELD_FOR_REVIEWEE, view=buttons)
        return
    await reply(interaction, embed=review_embed(received), view=buttons)


class LeaveReviewButton(RecordButton, prefix="review:leave"):
    """Leave review, on completed sessions in `/bookings` (either side) and under `/review`."""

    label = texts.REVIEW_LEAVE_LABEL
    style = discord.ButtonStyle.primary

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Open the caller's review modal (or say why not)."""
        actor = actor_for(interaction, self.guild_id)
        cmd = reviews.OpenReviewForm(actor, self.record_id)
        prompt = await reviews.open_form(cmd, services_of(interaction))
        await open_form(interaction, ReviewModal(self.guild_id, prompt))


class ReplyModal(BookingModal):
    """The reviewee's one reply to the review of them."""

    def __init__(self, guild_id: int, booking_id: int) -> None:
        super().__init__(guild_id, booking_id, texts.REPLY_MODAL_TITLE)
        self.text: discord.ui.TextInput[ReplyModal] = paragraph(
            label=texts.REPLY_TEXT_LABEL, custom_id="review:reply", max_length=REPLY_MAX_LEN
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Post the reply once."""
        cmd = reviews.ReplyToReview(self.actor(interaction), self.booking_id, self.text.value)
        await reviews.reply(cmd, services_of(interaction))
        await interaction.response.send_message(texts.REPLY_SAVED, ephemeral=True)


class ReplyButton(RecordButton, prefix="review:reply"):
    """Reply, under the review its reviewee sees (in `/review` and in the review DM)."""

    label = texts.REVIEW_REPLY_LABEL
    style = discord.ButtonStyle.secondary

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Check the reviewee may still reply, then ask for the reply."""
        actor = actor_for(interaction, self.guild_id)
        await reviews.open_reply(reviews.OpenReply(actor, self.record_id), services_of(interaction))
        await open_form(interaction, ReplyModal(self.guild_id, self.record_id))


REVIEW_BUTTONS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (LeaveReviewButton, ReplyButton)
