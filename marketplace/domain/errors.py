"""Domain errors: each carries data, never a user-facing sentence.

The presentation layer maps an error's attributes to text in the reader's language.
The ``str()`` of every error is meant for logs and developers only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TypeVar

Choice = TypeVar("Choice", bound=StrEnum)


class Problem(StrEnum):
    """Machine codes for what is wrong with a piece of input.

    Members are ``str`` values, so ``InputError(field, Problem.TOO_LONG)`` and
    ``InputError(field, "too_long")`` are the same thing.
    """

    EMPTY = "empty"
    TOO_LONG = "too_long"
    TOO_SHORT = "too_short"
    TOO_MANY = "too_many"
    BAD_CHARACTERS = "bad_characters"
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_RANGE = "out_of_range"
    NEGATIVE = "negative"
    TOO_PRECISE = "too_precise"
    WRONG_CURRENCY = "wrong_currency"
    UNKNOWN_CHOICE = "unknown_choice"
    THREE_DECIMAL_CURRENCY = "three_decimal_currency"  # BHD, JOD, KWD, OMR, TND: refused
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    # Times and intervals (availability, booking, natural-language time input).
    UNPARSEABLE = "unparseable"
    MISSING_TIME = "missing_time"
    MISSING_END = "missing_end"
    END_BEFORE_START = "end_before_start"
    ZERO_LENGTH = "zero_length"
    IN_THE_PAST = "in_the_past"
    TOO_SOON = "too_soon"
    TOO_FAR_AHEAD = "too_far_ahead"
    NONEXISTENT_TIME = "nonexistent_time"
    AMBIGUOUS_TIME = "ambiguous_time"


class DomainError(Exception):
    """Base class of every error the domain raises on purpose."""


class InputError(DomainError):
    """A value given by a user is unusable.

    ``limit`` is the bound that was broken (a length, a count, a maximum) when one applies.
    """

    def __init__(self, field: str, problem: str, limit: int | None = None) -> None:
        self.field = field
        self.problem = problem
        self.limit = limit
        super().__init__(f"{field}: {problem}" + ("" if limit is None else f" (limit {limit})"))


def choice(kind: type[Choice], value: str, field: str) -> Choice:
    """`value` as a member of `kind`; InputError(field, unknown_choice) when it is none."""
    try:
        return kind(value)
    except ValueError:
        raise InputError(field, Problem.UNKNOWN_CHOICE) from None


class UnknownTimeZoneError(DomainError):
    """The given name is not an IANA time zone this system knows."""

    def __init__(self, zone: str) -> None:
        self.zone = zone
        super().__init__(f"unknown time zone {zone!r}")


class UnknownSettingError(DomainError):
    """No guild setting has this key."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"unknown setting {key!r}")


class InvalidSettingError(DomainError):
    """A guild setting was given a value it cannot take.

    ``minimum``/``maximum`` describe the allowed range when one applies; ``related`` names
    the other setting involved when the problem is a conflict between two settings.
    """

    def __init__(
        self,
        key: str,
        value: str,
        problem: str,
        minimum: int | None = None,
        maximum: int | None = None,
        *,
        related: str | None = None,
    ) -> None:
        self.key = key
        self.value = value
        self.problem = problem
        self.minimum = minimum
        self.maximum = maximum
        self.related = related
        bounds = "" if minimum is None and maximum is None else f" [{minimum}..{maximum}]"
        other = "" if related is None else f" (with {related})"
        super().__init__(f"setting {key}={value!r}: {problem}{bounds}{other}")


class NotFoundError(DomainError):
    """An entity (``"booking"``, ``"tutor"``...) with this key does not exist or is not visible."""

    def __init__(self, entity: str, key: str) -> None:
        self.entity = entity
        self.key = key
        super().__init__(f"{entity} {key!r} not found")


class PermissionDeniedError(DomainError):
    """The caller may not perform ``action``; ``needed`` is "moderator", "admin" or "owner"."""

    def __init__(self, action: str, needed: str) -> None:
        self.action = action
        self.needed = needed
        super().__init__(f"{action} needs {needed}")


class InvalidTransitionError(DomainError):
    """``action`` is not allowed while ``entity`` is in ``from_state``."""

    def __init__(self, entity: str, from_state: str, action: str) -> None:
        self.entity = entity
        self.from_state = from_state
        self.action = action
        super().__init__(f"{entity} cannot {action} from {from_state}")


class ConflictError(DomainError):
    """The request clashes with existing state; ``reason`` is a machine code."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"conflict: {reason}")


class NonexistentTimeError(InputError):
    """``local`` (naive wall-clock) never happens in ``zone``: it falls in a spring-forward gap.

    An :class:`InputError` on field ``"when"`` with problem ``nonexistent_time``, so a
    caller that only knows input errors still answers sensibly; the presenter should ask
    the user to pick another time.
    """

    def __init__(self, local: datetime, zone: str) -> None:
        self.local = local
        self.zone = zone
        super().__init__("when", Problem.NONEXISTENT_TIME)
        self.args = (f"{local.isoformat()} does not exist in {zone}",)


class AmbiguousTimeError(InputError):
    """``local`` (naive wall-clock) happens twice in ``zone`` (fall back).

    ``earlier_utc`` and ``later_utc`` are the two aware UTC instants it may mean, so the
    presenter can ask which one. Field ``"when"``, problem ``ambiguous_time``.
    """

    def __init__(
        self, local: datetime, zone: str, earlier_utc: datetime, later_utc: datetime
    ) -> None:
        self.local = local
        self.zone = zone
        self.earlier_utc = earlier_utc
        self.later_utc = later_utc
        super().__init__("when", Problem.AMBIGUOUS_TIME)
        self.args = (f"{local.isoformat()} is ambiguous in {zone}",)


class TooSoonError(DomainError):
    """``action`` may be done again only after ``retry_after`` seconds (a rate limit)."""

    def __init__(self, action: str, retry_after: int) -> None:
        self.action = action
        self.retry_after = retry_after
        super().__init__(f"{action}: retry after {retry_after} s")
