"""The moderator queue and a user's case history, as embeds."""

from __future__ import annotations

import discord

from bot import texts
from bot.presenters.onboarding import BRAND_COLOUR
from marketplace.domain.booking import Booking
from marketplace.domain.cases import Case
from marketplace.services.moderation import ModQueue


def _ts(case: Case) -> int:
    return int(case.created_at.timestamp())


def _booking(case: Case, template: str) -> str:
    return "" if case.booking_id is None else template.format(booking=case.booking_id)


def action_name(action: str) -> str:
    """A resolution action as moderators read it."""
    return texts.MOD_ACTIONS.get(action, action)


def queue_embed(queue: ModQueue) -> discord.Embed:
    """Open cases, oldest first, with who reported whom and why; then card disputes."""
    embed = discord.Embed(title=texts.MOD_QUEUE_TITLE, colour=BRAND_COLOUR)
    if not queue.cases and not queue.held_reviews:
        embed.description = texts.MOD_QUEUE_EMPTY
    for case in queue.cases:
        embed.add_field(
            name=texts.MOD_CASE_TITLE.format(case=case.case_id, at=_ts(case)),
            value=texts.MOD_CASE_BODY.format(
                target=case.target_id,
                reporter=case.reporter_id,
                booking=_booking(case, texts.MOD_CASE_BOOKING),
                reason=case.reason,
            )[:1024],
            inline=False,
        )
    if queue.card_disputes:
        lines = [
            texts.MOD_CARD_DISPUTE.format(booking=d.booking_id, at=int(d.at.timestamp()))
            for d in queue.card_disputes
        ]
        embed.add_field(name=texts.MOD_CARD_DISPUTES, value="\n".join(lines), inline=False)
    if queue.held_reviews:
        lines = [texts.MOD_HELD_REVIEW.format(booking=r.booking_id) for r in queue.held_reviews]
        embed.add_field(name=texts.MOD_HELD_REVIEWS, value="\n".join(lines), inline=False)
    footer = texts.MOD_QUEUE_PAGE if queue.page < queue.pages else texts.MOD_QUEUE_LAST_PAGE
    embed.set_footer(
        text=footer.format(
            page=queue.page, pages=queue.pages, total=queue.total, next=queue.page + 1
        )
    )
    return embed


def history_embed(user: discord.abc.User, cases: list[Case]) -> discord.Embed:
    """A user's cases as the reported party, newest first."""
    embed = discord.Embed(
        title=texts.MOD_HISTORY_TITLE.format(name=user.display_name[:80]), colour=BRAND_COLOUR
    )
    if not cases:
        embed.description = texts.MOD_HISTORY_EMPTY.format(user=user.id)
        return embed
    lines = []
    for case in cases:
        status = texts.MOD_HISTORY_OPEN
        if case.action is not None:
            status = texts.MOD_HISTORY_CLOSED.format(
                action=action_name(case.action.value), by=case.resolved_by
            )
        line = texts.MOD_HISTORY_LINE.format(
            case=case.case_id,
            at=_ts(case),
            status=status,
            booking=_booking(case, texts.MOD_HISTORY_BOOKING),
            reason=case.reason[:120],
        )
        lines.append(line)
    embed.description = "\n".join(lines)[:4096]
    return embed


def booking_choice_label(booking: Booking, viewer: int) -> str:
    """A booking as the reporter picks it in autocomplete."""
    role = "tutor" if viewer == booking.tutor_id else "student"
    return texts.REPORT_BOOKING_CHOICE.format(
        booking=booking.booking_id, start=f"{booking.start:%a %d %b %H:%M}", role=role
    )[:100]
