"""The free server's journey, in the order `make demo` runs it."""

from __future__ import annotations

from demo.campus_shapes import (
    a_group_session_fills_up_and_a_waitlisted_student_claims_a_seat,
    a_weekly_series_is_booked_and_accepted_once,
    office_hours_with_two_tutors,
)
from demo.journey import (
    a_free_session_from_space_to_review,
    a_member_exports_then_deletes_their_data,
    a_report_reaches_the_moderators,
    admin_configures_the_server,
    closed_dms_fall_back_to_the_help_channel,
    student_finds_and_books,
    student_looks_at_the_tutor,
    student_onboards,
    student_reschedules_then_cancels,
    tutor_onboards,
    tutor_publishes_availability,
)
from demo.trust_steps import tutor_verifies_a_campus_email

STEPS = (
    admin_configures_the_server,
    student_onboards,
    tutor_onboards,
    student_looks_at_the_tutor,
    tutor_publishes_availability,
    tutor_verifies_a_campus_email,
    student_finds_and_books,
    student_reschedules_then_cancels,
    closed_dms_fall_back_to_the_help_channel,
    a_report_reaches_the_moderators,
    a_free_session_from_space_to_review,
    office_hours_with_two_tutors,
    a_group_session_fills_up_and_a_waitlisted_student_claims_a_seat,
    a_weekly_series_is_booked_and_accepted_once,
    a_member_exports_then_deletes_their_data,
)
