"""The profile card."""

from __future__ import annotations

import discord

from bot import texts
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.reviews import rating_line
from marketplace.domain.money import format_money
from marketplace.domain.profiles import SubjectLevel, TutorProfile, TutorStatus
from marketplace.domain.ranking import CompletionCounts
from marketplace.services.results import ProfileCard


def _subjects(items: tuple[SubjectLevel, ...], names: dict[str, str]) -> str:
    if not items:
        return "—"
    return ", ".join(
        f"{names.get(s.subject_key, s.subject_key)} ({texts.LEVEL_LABELS[s.level.value]})"
        for s in items
    )


def _tutor_lines(tutor: TutorProfile, names: dict[str, str], payments_on: bool) -> str:
    if not tutor.rate.minor:
        rate = texts.PROFILE_FREE
    elif payments_on:
        rate = texts.PROFILE_RATE.format(rate=format_money(tutor.rate))
    else:
        rate = texts.PROFILE_RATE_UNPAID.format(rate=format_money(tutor.rate))
    formats = ", ".join(texts.FORMAT_LABELS[f.value] for f in sorted(tutor.formats))
    lines = [
        f"**Teaches:** {_subjects(tutor.subjects, names)}",
        f"**Rate:** {rate}",
        f"**Formats:** {formats}",
        f"**Instant booking:** {'on' if tutor.instant_booking else 'off'}",
    ]
    if tutor.not_teaching:
        skipped = ", ".join(names.get(k, k) for k in sorted(tutor.not_teaching))
        lines.insert(1, f"**Doesn't teach:** {skipped}")
    if tutor.status is TutorStatus.PAUSED:
        lines.append(texts.PROFILE_PAUSED)
    return "\n".join(lines)


def sessions_line(completion: CompletionCounts | None) -> str | None:
    """The tutor's record, like "12 sessions · 91% completed"; None before the first.

    The sessions are those that ended on the tutor (see `marketplace.domain.ranking`); the
    percentage is rounded down, so 100% means every one of them was held.
    """
    if completion is None or not completion.ended:
        return None
    count = completion.ended
    return texts.PROFILE_SESSIONS.format(
        count=count,
        sessions="session" if count == 1 else "sessions",
        percent=100 * completion.held // count,
    )


def profile_embed(card: ProfileCard, display_name: str, *, viewer_is_owner: bool) -> discord.Embed:
    """The profile card; completeness and what is missing are shown to the owner only."""
    embed = discord.Embed(title=display_name[:200], colour=BRAND_COLOUR)
    if card.member:
        embed.add_field(name="Role", value=texts.ROLE_LABELS[card.member.role.value])
    embed.add_field(name="Time zone", value=card.timezone or "not set")
    if card.tutor:
        embed.add_field(
            name="Verification", value=texts.VERIFICATION_BADGES[card.tutor.verification.value]
        )
        embed.add_field(
            name="Tutoring",
            value=_tutor_lines(card.tutor, card.subject_names, card.payments_on),
            inline=False,
        )
        if rating := rating_line(card.rating, card.review_count):
            embed.add_field(name="Rating", value=rating)
        if sessions := sessions_line(card.completion):
            embed.add_field(name="Sessions", value=sessions)
        if card.tutor.bio:
            embed.add_field(name="Bio", value=card.tutor.bio[:1024], inline=False)
    if card.student:
        learning = f"**Learning:** {_subjects(card.student.subjects, card.subject_names)}"
        if card.student.goals:
            learning += f"\n**Goals:** {card.student.goals[:900]}"
        embed.add_field(name="Student", value=learning, inline=False)
    if viewer_is_owner and card.completeness:
        missing = ", ".join(texts.MISSING_ITEMS.get(m, m) for m in card.completeness.missing)
        value = f"{card.completeness.score}%" + (f" · missing: {missing}" if missing else " 🎉")
        embed.add_field(name="Profile completeness", value=value[:1024], inline=False)
    return embed
