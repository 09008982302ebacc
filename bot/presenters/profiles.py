"""The profile card."""

from __future__ import annotations

import discord

from bot import texts
from bot.formats import money
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.reviews import rating_line
from bot.presenters.text_limits import EMBED_TITLE_MAX, FIELD_VALUE_MAX, clip, fit_joined
from marketplace.domain.profiles import StudentProfile, SubjectLevel, TutorProfile, TutorStatus
from marketplace.domain.ranking import CompletionCounts
from marketplace.services.results import ProfileCard


def _subject_labels(items: tuple[SubjectLevel, ...], names: dict[str, str]) -> list[str]:
    return [
        f"{names.get(s.subject_key, s.subject_key)} ({texts.LEVEL_LABELS[s.level.value]})"
        for s in items
    ]


def _listed(label: str, items: list[str], room: int) -> str:
    """A labelled list like "Teaches: a, b, …and 3 more" in `room` characters ("—" if none)."""
    head = f"**{label}:** "
    return head + (fit_joined(items, max(room - len(head), 1)) if items else "—")


def _tutor_lines(tutor: TutorProfile, names: dict[str, str], payments_on: bool) -> str:
    """The Tutoring field; the two subject lists share what the other lines leave of 1,024."""
    if not tutor.rate.minor:
        rate = texts.PROFILE_FREE
    elif payments_on:
        rate = texts.PROFILE_RATE.format(rate=money(tutor.rate))
    else:
        rate = texts.PROFILE_RATE_UNPAID.format(rate=money(tutor.rate))
    formats = ", ".join(texts.FORMAT_LABELS[f.value] for f in sorted(tutor.formats))
    fixed = [
        texts.PROFILE_RATE_LINE.format(rate=rate),
        texts.PROFILE_FORMATS_LINE.format(formats=formats),
        texts.PROFILE_INSTANT_LINE.format(
            instant=texts.PROFILE_INSTANT_STATES[tutor.instant_booking]
        ),
    ]
    if tutor.status is TutorStatus.PAUSED:
        fixed.append(texts.PROFILE_PAUSED)
    skipped = [names.get(k, k) for k in sorted(tutor.not_teaching)]
    lists = 2 if skipped else 1
    room = FIELD_VALUE_MAX - len("\n".join(fixed)) - lists  # a newline before each list
    teaches = _listed(texts.PROFILE_TEACHES, _subject_labels(tutor.subjects, names), room // lists)
    lines = [teaches, *fixed]
    if skipped:
        lines.insert(1, _listed(texts.PROFILE_NOT_TEACHING, skipped, room - len(teaches)))
    return "\n".join(lines)


def _student_lines(student: StudentProfile, names: dict[str, str]) -> str:
    """The Student field: the goals in full, the subjects in what is left of 1,024."""
    goals = texts.PROFILE_GOALS_LINE.format(goals=student.goals) if student.goals else ""
    goals = clip(goals, FIELD_VALUE_MAX // 2)
    learning = _listed(
        texts.PROFILE_LEARNING,
        _subject_labels(student.subjects, names),
        FIELD_VALUE_MAX - len(goals),
    )
    return learning + goals


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
    embed = discord.Embed(title=clip(display_name, EMBED_TITLE_MAX), colour=BRAND_COLOUR)
    if card.member:
        embed.add_field(name=texts.PROFILE_ROLE, value=texts.ROLE_LABELS[card.member.role.value])
    embed.add_field(name=texts.PROFILE_ZONE, value=card.timezone or texts.PROFILE_ZONE_UNSET)
    if card.tutor:
        embed.add_field(
            name=texts.PROFILE_VERIFICATION,
            value=texts.VERIFICATION_BADGES[card.tutor.verification.value],
        )
        embed.add_field(
            name=texts.PROFILE_TUTORING,
            value=_tutor_lines(card.tutor, card.subject_names, card.payments_on),
            inline=False,
        )
        if rating := rating_line(card.rating, card.review_count):
            embed.add_field(name=texts.PROFILE_RATING, value=rating)
        if sessions := sessions_line(card.completion):
            embed.add_field(name=texts.PROFILE_SESSIONS_FIELD, value=sessions)
        if card.tutor.bio:
            embed.add_field(
                name=texts.PROFILE_BIO, value=clip(card.tutor.bio, FIELD_VALUE_MAX), inline=False
            )
    if card.student:
        embed.add_field(
            name=texts.PROFILE_STUDENT,
            value=_student_lines(card.student, card.subject_names),
            inline=False,
        )
    if viewer_is_owner and card.completeness:
        missing = ", ".join(texts.MISSING_ITEMS.get(m, m) for m in card.completeness.missing)
        value = f"{card.completeness.score}%" + (
            texts.PROFILE_MISSING.format(missing=missing) if missing else " 🎉"
        )
        embed.add_field(
            name=texts.PROFILE_COMPLETENESS, value=clip(value, FIELD_VALUE_MAX), inline=False
        )
    return embed
