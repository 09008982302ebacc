"""Domain errors: each carries data, never a user-facing sentence.

The presentation layer maps an error's attributes to text in the reader's language.
The ``str()`` of every error is meant for logs and developers only.
"""

from __future__ import annotations

from enum import StrEnum


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
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"


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
