"""Review integrity: which reviews wait for a moderator instead of counting at once.

SPEC.md "Reviews": patterns of review spam or retaliation are flagged. A review is held
(`ReviewStatus.HELD`, with its `flag_reason`) when:

- **burst**: it is a review of a tutor by a new member (in the guild less than
  `NEW_MEMBER_DAYS`), and with it `review_burst_count` or more different new members have
  reviewed that tutor within `review_burst_hours` (sock puppets; one student reviewing
  several sessions is not a burst);
- **retaliation**: within `RETALIATION_HOURS` before it, the reviewer opened a dispute
  about the session, or one of the two reported the other;
- **copy**: the same text (case and spacing aside, at least `COPY_MIN_CHARS`) was already
  posted by the reviewer about someone else.

Abusive words hold a review too (`reviews.is_abusive`, reason "abusive"); that check comes
first. Earlier reviews of a burst stay counted: only the one that completes it and later
ones wait.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from marketplace.domain.policy import GuildPolicy

NEW_MEMBER_DAYS = 7
RETALIATION_HOURS = 48
COPY_MIN_CHARS = 20
LOOKBACK = timedelta(hours=168)
"""How far back the facts reach: the longest `review_burst_hours` allowed (and 48 h)."""


class HoldReason(StrEnum):
    """Why a review waits for a moderator."""

    ABUSIVE = "abusive"
    BURST = "burst"
    RETALIATION = "retaliation"
    COPY = "copy"


@dataclass(frozen=True, slots=True)
class ReviewFacts:
    """What the review is judged on, gathered by the service in the same transaction."""

    now: datetime
    text: str
    reviewer_id: int
    reviewer_joined: datetime | None
    about_tutor: bool = True
    # (when, by whom, when that reviewer joined) for each earlier review of the reviewee
    earlier_reviews: tuple[tuple[datetime, int, datetime | None], ...] = ()
    # when the reviewer opened a dispute about the session / a report between the two
    conflicts: tuple[datetime, ...] = ()
    texts_about_others: tuple[str, ...] = ()


def is_new_member(joined: datetime | None, at: datetime) -> bool:
    """Whether someone who joined at `joined` was still new at `at` (unknown: new)."""
    return joined is None or at - joined < timedelta(days=NEW_MEMBER_DAYS)


def _same_text(text: str) -> str:
    return " ".join(text.casefold().split())


def _burst(facts: ReviewFacts, policy: GuildPolicy) -> bool:
    if not facts.about_tutor or not is_new_member(facts.reviewer_joined, facts.now):
        return False
    since = facts.now - timedelta(hours=policy.review_burst_hours)
    new_reviewers = {
        reviewer
        for at, reviewer, joined in facts.earlier_reviews
        if at >= since and is_new_member(joined, at)
    } | {facts.reviewer_id}
    return len(new_reviewers) >= policy.review_burst_count


def _retaliation(conflicts: Iterable[datetime], now: datetime) -> bool:
    window = timedelta(hours=RETALIATION_HOURS)
    return any(now - window <= at <= now for at in conflicts)


def _copy(facts: ReviewFacts) -> bool:
    text = _same_text(facts.text)
    if len(text) < COPY_MIN_CHARS:
        return False
    return any(_same_text(other) == text for other in facts.texts_about_others)


def integrity_hold(facts: ReviewFacts, policy: GuildPolicy) -> HoldReason | None:
    """Why the review should wait for a moderator, or None when it may count at once."""
    if _retaliation(facts.conflicts, facts.now):
        return HoldReason.RETALIATION
    if _copy(facts):
        return HoldReason.COPY
    if _burst(facts, policy):
        return HoldReason.BURST
    return None
