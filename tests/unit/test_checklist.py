from marketplace.domain.checklist import Step, first_open_step, next_steps
from marketplace.domain.profiles import Completeness, Role


def keys(steps):
    return [(step.key, step.done) for step in steps]


def test_new_student_sees_timezone_subjects_then_find_a_tutor():
    steps = next_steps(
        Role.STUDENT,
        timezone_set=False,
        has_subjects=False,
        tutor_profile_complete=None,
        has_availability=False,
        has_bookings=False,
    )
    assert keys(steps) == [("timezone", False), ("subjects", False), ("find_tutor", False)]
    assert first_open_step(steps) == Step("timezone", False)


def test_new_tutor_is_asked_to_apply_and_add_availability():
    steps = next_steps(
        Role.TUTOR,
        timezone_set=True,
        has_subjects=False,
        tutor_profile_complete=None,
        has_availability=False,
        has_bookings=False,
    )
    assert keys(steps) == [("timezone", True), ("tutor_apply", False), ("availability", False)]
    assert first_open_step(steps) == Step("tutor_apply", False)


def test_tutor_with_an_incomplete_profile_in_a_paid_guild_sees_profile_and_payouts():
    partial = Completeness(70, ("availability", "bio"))
    steps = next_steps(
        Role.TUTOR,
        timezone_set=True,
        has_subjects=True,
        tutor_profile_complete=partial,
        has_availability=False,
        has_bookings=False,
        payouts_enabled=False,
    )
    assert keys(steps) == [
        ("timezone", True),
        ("tutor_apply", True),
        ("tutor_profile", False),
        ("availability", False),
        ("payouts", False),
    ]


def test_profile_step_is_done_when_only_items_with_their_own_step_are_missing():
    partial = Completeness(65, ("availability", "timezone"))
    steps = next_steps(
        Role.TUTOR,
        timezone_set=False,
        has_subjects=True,
        tutor_profile_complete=partial,
        has_availability=False,
        has_bookings=False,
    )
    assert ("tutor_profile", True) in keys(steps)


def test_member_who_is_both_sees_student_steps_before_tutor_steps():
    steps = next_steps(
        Role.BOTH,
        timezone_set=True,
        has_subjects=True,
        tutor_profile_complete=Completeness(100, ()),
        has_availability=True,
        has_bookings=True,
        payouts_enabled=True,
    )
    assert [step.key for step in steps] == [
        "timezone",
        "subjects",
        "find_tutor",
        "tutor_apply",
        "tutor_profile",
        "availability",
        "payouts",
    ]
    assert all(step.done for step in steps)
    assert first_open_step(steps) is None
