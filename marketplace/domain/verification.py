"""Verification: the levels a moderator sets, and what a guild requires per subject.

SPEC.md "Verification": a guild may require a level per subject. The requirement is the
guild setting ``verification_required_subjects``, a list of items ``subject-key`` (which
asks for ``campus-email`` or better) or ``subject-key=level``.
"""

from __future__ import annotations

from collections.abc import Iterable

from marketplace.domain.errors import choice
from marketplace.domain.profiles import VerificationLevel

# One item of ``verification_required_subjects`` (items are lower-cased before matching).
REQUIREMENT_PATTERN = r"[\w-]+(=(campus-email|moderator-verified))?"
DEFAULT_REQUIRED = VerificationLevel.CAMPUS_EMAIL


def parse_verification_level(text: str) -> VerificationLevel:
    """Read a level (``none``, ``campus-email``, ``moderator-verified``).

    Raises ``InputError("level", "unknown_choice")``.
    """
    return choice(VerificationLevel, text.strip().casefold(), "level")


def required_level(requirements: Iterable[str], subject_key: str) -> VerificationLevel:
    """The level a tutor needs to be listed and booked for ``subject_key``.

    The strictest item naming the subject wins; a subject no item names needs nothing.
    """
    needed = VerificationLevel.NONE
    for item in requirements:
        key, _, level = item.partition("=")
        if key == subject_key:
            wanted = VerificationLevel(level) if level else DEFAULT_REQUIRED
            needed = max(needed, wanted)
    return needed


def levels_meeting(required: VerificationLevel) -> tuple[VerificationLevel, ...]:
    """Every level that satisfies ``required``, lowest first."""
    return tuple(level for level in VerificationLevel if level.at_least(required))
