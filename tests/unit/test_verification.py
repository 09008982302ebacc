"""Verification levels and per-subject requirements (pure domain)."""

import pytest

from marketplace.domain.errors import InputError, InvalidSettingError
from marketplace.domain.policy import parse_setting
from marketplace.domain.profiles import VerificationLevel as V
from marketplace.domain.verification import (
    levels_meeting,
    parse_verification_level,
    required_level,
)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("none", V.NONE),
        (" Campus-Email ", V.CAMPUS_EMAIL),
        ("moderator-verified", V.MODERATOR_VERIFIED),
    ],
)
def test_levels_are_read_by_their_names(text, level):
    assert parse_verification_level(text) is level


def test_an_unknown_level_is_an_input_error():
    with pytest.raises(InputError) as caught:
        parse_verification_level("gold")
    assert (caught.value.field, caught.value.problem) == ("level", "unknown_choice")


@pytest.mark.parametrize(
    ("requirements", "subject", "needed"),
    [
        ((), "calculus", V.NONE),
        (("calculus",), "calculus", V.CAMPUS_EMAIL),
        (("calculus",), "physics", V.NONE),
        (("calculus=moderator-verified",), "calculus", V.MODERATOR_VERIFIED),
        (("calculus=moderator-verified", "calculus"), "calculus", V.MODERATOR_VERIFIED),
        (("linear-algebra=campus-email",), "linear-algebra", V.CAMPUS_EMAIL),
    ],
)
def test_the_strictest_requirement_naming_the_subject_wins(requirements, subject, needed):
    assert required_level(requirements, subject) is needed


def test_a_higher_level_meets_a_lower_requirement():
    assert levels_meeting(V.NONE) == tuple(V)
    assert levels_meeting(V.CAMPUS_EMAIL) == (V.CAMPUS_EMAIL, V.MODERATOR_VERIFIED)
    assert levels_meeting(V.MODERATOR_VERIFIED) == (V.MODERATOR_VERIFIED,)


def test_admins_set_requirements_as_a_list():
    value = parse_setting("verification_required_subjects", "Calculus, physics=moderator-verified")
    assert value == ("calculus", "physics=moderator-verified")
    assert parse_setting("verification_required_subjects", "none") == ()


@pytest.mark.parametrize("raw", ["calculus=gold", "calculus=none", "=campus-email"])
def test_a_bad_requirement_is_refused(raw):
    with pytest.raises(InvalidSettingError):
        parse_setting("verification_required_subjects", raw)
