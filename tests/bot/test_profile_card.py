"""The profile card's sessions line: the tutor's record, once there is one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.presenters.profiles import profile_embed, sessions_line
from marketplace.domain.members import Member
from marketplace.domain.money import Money
from marketplace.domain.profiles import (
    Role,
    SessionFormat,
    TutorProfile,
    TutorStatus,
    VerificationLevel,
)
from marketplace.domain.ranking import CompletionCounts
from marketplace.services.results import ProfileCard


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        (None, None),
        (CompletionCounts(), None),
        (CompletionCounts(held=1), "1 session · 100% completed"),
        (CompletionCounts(dropped=1), "1 session · 0% completed"),
        (CompletionCounts(held=11, dropped=1), "12 sessions · 91% completed"),
        (CompletionCounts(held=199, dropped=1), "200 sessions · 99% completed"),
    ],
)
def test_the_sessions_line_counts_every_session_that_ended_on_the_tutor(counts, line) -> None:
    assert sessions_line(counts) == line


def test_a_tutor_card_shows_the_sessions_line() -> None:
    tutor = TutorProfile(
        subjects=(), not_teaching=frozenset(), rate=Money(0, "USD"), bio="",
        formats=frozenset({SessionFormat.TEXT}), instant_booking=False,
        verification=VerificationLevel.NONE, status=TutorStatus.ACTIVE,
    )  # fmt: skip
    member = Member(700, 21, Role.TUTOR, datetime(2026, 12, 1, tzinfo=UTC))
    card = ProfileCard(
        user_id=21, member=member, timezone=None, student=None, tutor=tutor,
        completeness=None, subject_names={}, payments_on=False,
        completion=CompletionCounts(held=3, dropped=1),
    )  # fmt: skip

    fields = {f.name: f.value for f in profile_embed(card, "Ada", viewer_is_owner=False).fields}

    assert fields["Sessions"] == "4 sessions · 75% completed"
