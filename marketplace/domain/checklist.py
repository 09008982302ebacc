"""The next-step checklist that ``/start`` shows a member."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from marketplace.domain.profiles import Completeness, Role


class StepKey(StrEnum):
    """Machine keys of checklist steps; the presentation layer words them."""

    TIMEZONE = "timezone"
    SUBJECTS = "subjects"
    FIND_TUTOR = "find_tutor"
    TUTOR_APPLY = "tutor_apply"
    TUTOR_PROFILE = "tutor_profile"
    AVAILABILITY = "availability"
    PAYOUTS = "payouts"


@dataclass(frozen=True, slots=True)
class Step:
    """One checklist line: what to do, and whether it is done."""

    key: str
    done: bool


# Completeness items that have their own checklist step, so they are not counted twice.
_OWN_STEPS = frozenset({"timezone", "availability"})


def _student_steps(has_subjects: bool, has_bookings: bool) -> list[Step]:
    return [Step(StepKey.SUBJECTS, has_subjects), Step(StepKey.FIND_TUTOR, has_bookings)]


def _tutor_steps(
    profile: Completeness | None, has_availability: bool, payouts_enabled: bool | None
) -> list[Step]:
    steps = [Step(StepKey.TUTOR_APPLY, profile is not None)]
    if profile is not None:
        rest = [item for item in profile.missing if item not in _OWN_STEPS]
        steps.append(Step(StepKey.TUTOR_PROFILE, not rest))
    steps.append(Step(StepKey.AVAILABILITY, has_availability))
    if payouts_enabled is not None:
        steps.append(Step(StepKey.PAYOUTS, payouts_enabled))
    return steps


def next_steps(
    role: Role,
    *,
    timezone_set: bool,
    has_subjects: bool,
    tutor_profile_complete: Completeness | None,
    has_availability: bool,
    has_bookings: bool,
    payouts_enabled: bool | None = None,
) -> list[Step]:
    """Return the ordered checklist for a member with ``role``.

    Always starts with ``timezone``. Students (and ``both``) then get ``subjects`` and
    ``find_tutor`` (done once they have a booking). Tutors (and ``both``) then get
    ``tutor_apply`` (done once a tutor profile exists, i.e. ``tutor_profile_complete`` is
    not None), ``tutor_profile`` (only after applying; done when nothing but time zone or
    availability is missing), ``availability``, and ``payouts`` only when
    ``payouts_enabled`` is given (None means the guild takes no payments).
    """
    steps = [Step(StepKey.TIMEZONE, timezone_set)]
    if role.learns:
        steps += _student_steps(has_subjects, has_bookings)
    if role.teaches:
        steps += _tutor_steps(tutor_profile_complete, has_availability, payouts_enabled)
    return steps


def first_open_step(steps: list[Step]) -> Step | None:
    """Return the first step not yet done, or None when everything is done."""
    return next((step for step in steps if not step.done), None)
