import pytest

from marketplace.domain.errors import (
    ConflictError,
    DomainError,
    InputError,
    InvalidSettingError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
    UnknownSettingError,
    UnknownTimeZoneError,
)


def test_input_error_carries_field_problem_and_limit():
    error = InputError("bio", Problem.TOO_LONG, 1000)
    assert (error.field, error.problem, error.limit) == ("bio", "too_long", 1000)
    assert error.problem == "too_long"


def test_invalid_setting_error_carries_bounds_and_related_key():
    error = InvalidSettingError("fee", "9", "out_of_range", 0, 5, related="other")
    assert (error.key, error.value, error.problem) == ("fee", "9", "out_of_range")
    assert (error.minimum, error.maximum, error.related) == (0, 5, "other")


@pytest.mark.parametrize(
    ("error", "attrs"),
    [
        (UnknownTimeZoneError("Mars/Base"), {"zone": "Mars/Base"}),
        (UnknownSettingError("nope"), {"key": "nope"}),
        (NotFoundError("booking", "42"), {"entity": "booking", "key": "42"}),
        (PermissionDeniedError("mod_resolve", "moderator"), {"needed": "moderator"}),
        (
            InvalidTransitionError("booking", "cancelled", "accept"),
            {"entity": "booking", "from_state": "cancelled", "action": "accept"},
        ),
        (ConflictError("slot_taken"), {"reason": "slot_taken"}),
    ],
)
def test_every_domain_error_carries_its_data(error, attrs):
    assert isinstance(error, DomainError)
    for name, value in attrs.items():
        assert getattr(error, name) == value
    assert str(error)
