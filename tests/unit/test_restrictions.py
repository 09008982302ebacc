"""Restriction rules: the duration grammar, and who may be restricted."""

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.domain.errors import ConflictError, InputError, Problem
from marketplace.domain.restrictions import (
    LENGTH_FIELD,
    MAX_DAYS,
    Restriction,
    new_restriction,
    parse_length,
)

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("7d", timedelta(days=7)),
        ("24h", timedelta(hours=24)),
        ("2 weeks", timedelta(weeks=2)),
        ("1 week", timedelta(weeks=1)),
        ("1w 3d", timedelta(days=10)),
        ("1w, 3d", timedelta(days=10)),
        ("3d12h", timedelta(days=3, hours=12)),
        ("90 min", timedelta(minutes=90)),
        ("  36 Hours ", timedelta(hours=36)),
        ("365d", timedelta(days=MAX_DAYS)),
        ("52w 1d", timedelta(days=365)),
    ],
)
def test_a_typed_duration_is_the_sum_of_its_parts(text, length):
    assert parse_length(text) == length


@pytest.mark.parametrize(
    "text", [None, "", "   ", "permanent", "Permanent", "indefinite", "forever", "until  lifted"]
)
def test_an_empty_or_permanent_duration_lasts_until_lifted(text):
    assert parse_length(text) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("0d", Problem.ZERO_LENGTH),
        ("0h 0m", Problem.ZERO_LENGTH),
        ("-7d", Problem.NEGATIVE),
        ("366d", Problem.OUT_OF_RANGE),
        ("53 weeks", Problem.OUT_OF_RANGE),
        ("9000h", Problem.OUT_OF_RANGE),
        ("7", Problem.UNPARSEABLE),
        ("seven days", Problem.UNPARSEABLE),
        ("7 fortnights", Problem.UNPARSEABLE),
        ("1.5d", Problem.UNPARSEABLE),
        ("d", Problem.UNPARSEABLE),
        ("tomorrow", Problem.UNPARSEABLE),
        ("7d" * 30, Problem.TOO_LONG),
    ],
)
def test_a_bad_duration_is_refused_with_the_reason(text, problem):
    with pytest.raises(InputError) as caught:
        parse_length(text)
    assert (caught.value.field, caught.value.problem) == (LENGTH_FIELD, problem)


def test_the_cap_is_reported_in_days():
    with pytest.raises(InputError) as caught:
        parse_length("400d")
    assert caught.value.limit == MAX_DAYS


def _restrict(moderator=1, target=2, length=timedelta(days=7), reason="Harassment", staff=False):
    return new_restriction(10, moderator, target, length, reason, NOW, target_is_staff=staff)


def test_a_restriction_runs_from_now_for_its_length_with_a_cleaned_reason():
    restriction = _restrict(reason="  Asked for\u200b payment  off-platform ")
    assert restriction == Restriction(
        10, 2, NOW + timedelta(days=7), "Asked for payment off-platform", 1, NOW
    )
    assert restriction.active(NOW + timedelta(days=7) - timedelta(seconds=1))
    assert not restriction.active(NOW + timedelta(days=7))


def test_a_restriction_without_a_length_never_runs_out():
    restriction = _restrict(length=None)
    assert restriction.until is None
    assert restriction.active(NOW + timedelta(days=10_000))


def test_nobody_restricts_themselves():
    with pytest.raises(ConflictError) as caught:
        _restrict(moderator=2, target=2)
    assert caught.value.reason == "restrict_self"


def test_moderators_and_admins_are_not_restricted():
    with pytest.raises(ConflictError) as caught:
        _restrict(staff=True)
    assert caught.value.reason == "restrict_staff"


@pytest.mark.parametrize(
    ("reason", "problem"), [("", "empty"), ("  ", "empty"), ("r" * 501, "too_long")]
)
def test_a_reason_is_required_and_at_most_500_characters(reason, problem):
    with pytest.raises(InputError) as caught:
        _restrict(reason=reason)
    assert (caught.value.field, caught.value.problem) == ("reason", problem)
