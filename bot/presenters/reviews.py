"""A review as the tutor (and later anyone) reads it, and the lines of the profile card."""

from __future__ import annotations

import discord

from bot import texts
from bot.presenters.onboarding import BRAND_COLOUR
from marketplace.domain.reviews import Aspect, Review


def stars_text(stars: int) -> str:
    """``★★★☆☆`` for 3 stars."""
    return "★" * stars + "☆" * (5 - stars)


def review_embed(review: Review) -> discord.Embed:
    """Stars, the four yes/no ratings, the comment and the tutor's reply."""
    content = review.content
    embed = discord.Embed(
        title=texts.REVIEW_TITLE.format(stars=stars_text(content.stars), booking=review.booking_id),
        colour=BRAND_COLOUR,
    )
    lines = [
        texts.REVIEW_BY.format(student=review.reviewer_id, at=int(review.created_at.timestamp())),
        " · ".join(
            f"{texts.REVIEW_YES if a in content.yes else texts.REVIEW_NO} "
            f"{texts.ASPECT_LABELS[a.value]}"
            for a in Aspect
        ),
    ]
    if content.text:
        lines.append(content.text)
    if review.reply:
        lines.append(texts.REVIEW_TUTOR_REPLY.format(reply=review.reply))
    embed.description = "\n".join(lines)[:4000]
    return embed


def rating_line(rating: float | None, count: int) -> str | None:
    """The profile card's rating, once enough reviews count (None before)."""
    if rating is None:
        return None
    return texts.PROFILE_RATING.format(rating=rating, count=count)
