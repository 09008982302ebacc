"""A review as its reviewee reads it, the profile card's rating, a student's standing."""

from __future__ import annotations

from collections.abc import Mapping

import discord

from bot import texts
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.text_limits import EMBED_DESCRIPTION_MAX, fit_joined
from marketplace.domain.reviews import ASPECTS, Review


def stars_text(stars: int) -> str:
    """``★★★☆☆`` for 3 stars."""
    return "★" * stars + "☆" * (5 - stars)


def review_embed(review: Review) -> discord.Embed:
    """Stars, the four yes/no ratings of the reviewed side, the comment and the reply."""
    content = review.content
    embed = discord.Embed(
        title=texts.REVIEW_TITLE.format(stars=stars_text(content.stars), booking=review.booking_id),
        colour=BRAND_COLOUR,
    )
    lines = [
        texts.REVIEW_BY.format(reviewer=review.reviewer_id, at=int(review.created_at.timestamp())),
        " · ".join(
            f"{texts.REVIEW_YES if a in content.yes else texts.REVIEW_NO} "
            f"{texts.ASPECT_LABELS[a.value]}"
            for a in ASPECTS[review.about]
        ),
    ]
    if content.text:
        lines.append(content.text)
    if review.reply:
        lines.append(texts.REVIEW_REPLY_BY[review.about.value].format(reply=review.reply))
    embed.description = fit_joined(lines, EMBED_DESCRIPTION_MAX, "\n")
    return embed


def rating_line(rating: float | None, count: int) -> str | None:
    """The profile card's rating, once enough reviews count (None before)."""
    if rating is None:
        return None
    return texts.PROFILE_RATING.format(rating=rating, count=count)


def student_standing_line(extra: Mapping[str, object]) -> str | None:
    """What past tutors said of the student, from a request notice's extras (None if nothing)."""
    try:
        count = int(str(extra.get("student_reviews", 0)))
        rating = float(str(extra["student_rating"])) if "student_rating" in extra else None
    except ValueError:
        return None
    if count <= 0:
        return None
    if rating is None:
        return texts.STUDENT_STANDING_FEW.format(count=count)
    return texts.STUDENT_STANDING_RATED.format(rating=rating, count=count)
