"""`describe_error` picks the describer of the most specific error class it knows."""

from datetime import datetime

from bot import texts
from marketplace.domain.errors import (
    ConflictError,
    DomainError,
    InputError,
    NonexistentTimeError,
    NotFoundError,
)

GAP = datetime(2026, 3, 29, 2, 30)  # noqa: DTZ001 - a naive wall-clock time, as the error has


def test_a_nonexistent_time_is_told_as_such_not_as_any_input_error() -> None:
    told = texts.describe_error(NonexistentTimeError(GAP, "Europe/Berlin"))
    assert told == texts.NONEXISTENT.format(local="Sun 29 Mar 02:30", zone="Europe/Berlin")
    assert told != texts.describe_error(InputError("when", "nonexistent_time"))


def test_a_subclass_of_a_known_error_is_told_like_its_parent() -> None:
    class LateConflictError(ConflictError):
        pass

    reason = next(iter(texts.CONFLICTS))
    assert texts.describe_error(LateConflictError(reason)) == texts.CONFLICTS[reason]


def test_an_error_of_no_known_kind_is_unexpected() -> None:
    assert texts.describe_error(DomainError("new kind")) == texts.UNEXPECTED


def test_the_viewer_decides_whether_a_missing_tutor_is_themselves() -> None:
    missing = NotFoundError("tutor", "42")
    assert texts.describe_error(missing, 42) == texts.NOT_A_TUTOR_YOURSELF
    assert texts.describe_error(missing, 7) != texts.NOT_A_TUTOR_YOURSELF
