"""Repeat offenders: what counts against a member over the last `repeat_offense_window_days`.

SPEC.md "Safety" and issue 12: upheld cases (resolved with an action other than "no
action"), upheld screening flags (warned or restricted) and restrictions, over 90 days by
default. A member whose total reaches `repeat_offense_threshold` is shown to moderators.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OffenseCounts:
    """One member's record over the window."""

    user_id: int
    upheld_cases: int = 0
    upheld_flags: int = 0
    restrictions: int = 0

    @property
    def total(self) -> int:
        """Everything that counts against them."""
        return self.upheld_cases + self.upheld_flags + self.restrictions

    def reaches(self, threshold: int) -> bool:
        """Whether moderators should look at this member again."""
        return self.total >= threshold


def combine(
    cases: dict[int, int], flags: dict[int, int], restrictions: dict[int, int]
) -> list[OffenseCounts]:
    """Per-member counts from the three sources, most offences first."""
    members = set(cases) | set(flags) | set(restrictions)
    counts = [
        OffenseCounts(m, cases.get(m, 0), flags.get(m, 0), restrictions.get(m, 0)) for m in members
    ]
    return sorted(counts, key=lambda c: (-c.total, c.user_id))
