"""Moderation cases: opening, the daily quota, resolving once."""

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.domain.cases import (
    NOTE_MAX_LEN,
    REASON_MAX_LEN,
    CaseAction,
    CaseStatus,
    check_report_quota,
    open_case,
    parse_action,
    resolve,
)
from marketplace.domain.errors import ConflictError, InputError, InvalidTransitionError

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _case(reason: str = "Rude in our session", booking: int | None = None):
    return open_case(1, 10, 20, booking, reason, NOW)


def test_a_report_opens_a_case_with_a_cleaned_reason():
    case = _case("  Asked me to pay\u200b by   @everyone  ")
    assert case.status is CaseStatus.OPEN
    assert case.is_open
    assert case.reason == "Asked me to pay by ＠everyone"
    assert (case.reporter_id, case.target_id, case.created_at) == (10, 20, NOW)


def test_reporting_yourself_is_refused():
    with pytest.raises(ConflictError) as caught:
        open_case(1, 10, 10, None, "me", NOW)
    assert caught.value.reason == "self_report"


@pytest.mark.parametrize(
    ("reason", "problem"), [("", "empty"), ("\u200b \n", "empty"), ("x" * 501, "too_long")]
)
def test_an_unusable_reason_is_refused(reason, problem):
    with pytest.raises(InputError) as caught:
        _case(reason)
    assert (caught.value.field, caught.value.problem) == ("reason", problem)


def test_a_reason_of_exactly_the_limit_is_kept():
    assert len(_case("y" * REASON_MAX_LEN).reason) == REASON_MAX_LEN


def test_a_nonsense_booking_number_is_refused():
    with pytest.raises(InputError):
        _case(booking=0)


def test_the_daily_quota_allows_up_to_the_limit():
    check_report_quota(9, 10)
    with pytest.raises(ConflictError) as caught:
        check_report_quota(10, 10)
    assert caught.value.reason == "report_limit"


@pytest.mark.parametrize("raw", ["warned", " Warned ", "no_action", "removed_content"])
def test_actions_are_read_from_their_names(raw):
    assert parse_action(raw) is CaseAction(raw.strip().lower())


@pytest.mark.parametrize("raw", ["", "ban", "banana"])
def test_unknown_actions_are_refused(raw):
    with pytest.raises(InputError) as caught:
        parse_action(raw)
    assert caught.value.field == "action"


def test_resolving_records_who_when_what_and_why():
    later = NOW + timedelta(hours=2)
    closed = resolve(_case(), 99, CaseAction.WARNED, "  first warning ", later)
    assert closed.status is CaseStatus.RESOLVED
    assert (closed.resolved_by, closed.resolved_at) == (99, later)
    assert (closed.action, closed.note) == (CaseAction.WARNED, "first warning")


def test_resolving_twice_is_an_invalid_transition():
    closed = resolve(_case(), 99, CaseAction.NO_ACTION, "", NOW)
    with pytest.raises(InvalidTransitionError) as caught:
        resolve(closed, 98, CaseAction.WARNED, "", NOW)
    assert (caught.value.entity, caught.value.action) == ("case", "resolve")


def test_an_overlong_note_is_refused():
    with pytest.raises(InputError) as caught:
        resolve(_case(), 99, CaseAction.WARNED, "n" * (NOTE_MAX_LEN + 1), NOW)
    assert caught.value.field == "note"
