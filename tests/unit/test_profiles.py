import pytest

from marketplace.domain.errors import InputError
from marketplace.domain.money import Money
from marketplace.domain.profiles import (
    BIO_COMPLETE_MIN,
    BIO_MAX,
    GOALS_MAX,
    MAX_SUBJECTS,
    Completeness,
    Level,
    Role,
    SessionFormat,
    StudentProfile,
    SubjectLevel,
    TutorProfile,
    TutorStatus,
    VerificationLevel,
    parse_level,
    student_completeness,
    tutor_completeness,
    validate_student_profile,
    validate_tutor_profile,
)

GOOD_BIO = "Third-year maths student; I explain proofs step by step."


def tutor(**changes):
    fields = {
        "subjects": (SubjectLevel("calculus", Level.INTERMEDIATE),),
        "not_teaching": frozenset(),
        "rate": Money(2500, "USD"),
        "bio": GOOD_BIO,
        "formats": frozenset({SessionFormat.TEXT}),
        "instant_booking": False,
        "verification": VerificationLevel.CAMPUS_EMAIL,
        "status": TutorStatus.ACTIVE,
    }
    return TutorProfile(**(fields | changes))


def test_levels_order_from_beginner_to_advanced():
    assert Level.BEGINNER < Level.INTERMEDIATE < Level.ADVANCED
    assert max(Level) is Level.ADVANCED
    assert sorted([Level.ADVANCED, Level.BEGINNER]) == [Level.BEGINNER, Level.ADVANCED]


def test_verification_levels_order_from_none_to_moderator_verified():
    assert VerificationLevel.NONE < VerificationLevel.CAMPUS_EMAIL
    assert VerificationLevel.CAMPUS_EMAIL < VerificationLevel.MODERATOR_VERIFIED
    assert VerificationLevel.MODERATOR_VERIFIED.at_least(VerificationLevel.CAMPUS_EMAIL)
    assert not VerificationLevel.NONE.at_least(VerificationLevel.CAMPUS_EMAIL)
    assert VerificationLevel("campus-email") is VerificationLevel.CAMPUS_EMAIL


def test_enum_values_are_their_stored_strings():
    assert Role.BOTH == "both"
    assert VerificationLevel.MODERATOR_VERIFIED == "moderator-verified"
    assert SessionFormat.VOICE == "voice"
    assert TutorStatus.PAUSED == "paused"


def test_roles_know_whether_they_learn_and_teach():
    assert (Role.STUDENT.learns, Role.STUDENT.teaches) == (True, False)
    assert (Role.TUTOR.learns, Role.TUTOR.teaches) == (False, True)
    assert (Role.BOTH.learns, Role.BOTH.teaches) == (True, True)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Beginner", Level.BEGINNER),
        ("intro", Level.BEGINNER),
        (" basic ", Level.BEGINNER),
        ("Intermediate", Level.INTERMEDIATE),
        ("mid", Level.INTERMEDIATE),
        ("ADV.", Level.ADVANCED),
        ("expert", Level.ADVANCED),
        ("3", Level.ADVANCED),
    ],
)
def test_parse_level_accepts_common_synonyms(text, level):
    assert parse_level(text) is level


def test_parse_level_refuses_unknown_words():
    with pytest.raises(InputError) as caught:
        parse_level("wizard")
    assert (caught.value.field, caught.value.problem) == ("level", "unknown_choice")


def test_tutor_teaches_students_at_or_below_their_level():
    profile = tutor()
    assert profile.teaches("calculus", Level.BEGINNER)
    assert profile.teaches("calculus", Level.INTERMEDIATE)
    assert not profile.teaches("calculus", Level.ADVANCED)
    assert not profile.teaches("physics", Level.BEGINNER)


def test_not_teaching_wins_over_listed_subjects():
    profile = tutor(not_teaching=frozenset({"calculus"}))
    assert not profile.teaches("calculus", Level.BEGINNER)


def test_complete_tutor_profile_scores_100_with_nothing_missing():
    assert tutor_completeness(tutor(), timezone_set=True, has_availability=True) == Completeness(
        100, ()
    )


def test_empty_tutor_profile_lists_missing_items_weightiest_first():
    bare = tutor(
        subjects=(),
        rate=Money(0, "USD"),
        bio="",
        formats=frozenset(),
        verification=VerificationLevel.NONE,
    )
    result = tutor_completeness(bare, timezone_set=False, has_availability=False)
    assert result == Completeness(
        0,
        ("subjects", "availability", "timezone", "bio", "rate", "verification", "formats"),
    )


def test_short_bio_does_not_count_and_free_guilds_do_not_need_a_rate():
    profile = tutor(bio="x" * (BIO_COMPLETE_MIN - 1), rate=Money(0, "USD"))
    paid = tutor_completeness(profile, timezone_set=True, has_availability=True)
    free = tutor_completeness(
        profile, timezone_set=True, has_availability=True, rate_required=False
    )
    assert paid == Completeness(75, ("bio", "rate"))
    assert free == Completeness(85, ("bio",))


def test_student_completeness_weighs_subjects_timezone_and_goals():
    empty = StudentProfile(subjects=(), goals=" ")
    full = StudentProfile(subjects=(SubjectLevel("calculus", Level.BEGINNER),), goals="Pass")
    assert student_completeness(empty, timezone_set=False) == Completeness(
        0, ("subjects", "timezone", "goals")
    )
    assert student_completeness(full, timezone_set=True) == Completeness(100, ())
    assert student_completeness(full, timezone_set=False) == Completeness(70, ("timezone",))


def valid_tutor_input(**changes):
    fields = {
        "subjects": [SubjectLevel("calculus", Level.ADVANCED)],
        "rate": Money(2000, "USD"),
        "bio": "  Hi @everyone\n\n\n\n\nI teach calculus. ",
        "formats": [SessionFormat.VOICE],
    }
    return fields | changes


def test_validated_tutor_profile_is_cleaned_and_defaults_sensibly():
    profile = validate_tutor_profile(**valid_tutor_input())
    assert profile.bio == "Hi ＠everyone\n\n\nI teach calculus."
    assert profile.formats == frozenset({SessionFormat.VOICE})
    assert profile.status is TutorStatus.ACTIVE
    assert profile.verification is VerificationLevel.NONE
    assert profile.not_teaching == frozenset()


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"subjects": []}, "subjects", "empty"),
        (
            {"subjects": [SubjectLevel(f"s{i}", Level.BEGINNER) for i in range(MAX_SUBJECTS + 1)]},
            "subjects",
            "too_many",
        ),
        (
            {"subjects": [SubjectLevel("calculus", Level.BEGINNER)] * 2},
            "subjects",
            "duplicate",
        ),
        ({"subjects": [SubjectLevel("Not A Key", Level.BEGINNER)]}, "subjects", "bad_characters"),
        ({"rate": Money(-1, "USD")}, "rate", "negative"),
        ({"rate": Money(100_000_001, "USD")}, "rate", "out_of_range"),
        ({"bio": "x" * (BIO_MAX + 1)}, "bio", "too_long"),
        ({"formats": []}, "formats", "empty"),
    ],
)
def test_invalid_tutor_input_is_refused_with_the_field_and_problem(changes, field, problem):
    with pytest.raises(InputError) as caught:
        validate_tutor_profile(**valid_tutor_input(**changes))
    assert (caught.value.field, caught.value.problem) == (field, problem)


def test_student_profile_allows_no_subjects_but_bounds_goals():
    profile = validate_student_profile(subjects=[], goals="  Pass the midterm  ")
    assert profile == StudentProfile(subjects=(), goals="Pass the midterm")
    with pytest.raises(InputError) as caught:
        validate_student_profile(subjects=[], goals="x" * (GOALS_MAX + 1))
    assert (caught.value.field, caught.value.limit) == ("goals", GOALS_MAX)
