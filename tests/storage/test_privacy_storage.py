"""The privacy export and erase on SQLite and PostgreSQL: the same service tests, both backends.

The tests live in tests/services/test_privacy.py (SQLite only there); importing them here
runs them under this directory's `backend` parametrization.
"""

from tests.services.test_privacy import (  # noqa: F401 - fixtures and tests, collected here
    ctx,
    paid,
    test_a_queued_students_topic_is_exported_then_erased_and_they_leave_the_line,
    test_a_second_delete_changes_nothing_and_is_recorded_once,
    test_a_students_export_holds_their_data_and_nothing_of_others,
    test_after_delete_the_export_shows_nothing_personal,
    test_delete_is_refused_while_a_session_is_still_ahead,
    test_the_payout_goes_out_and_the_ledger_verifies_after_both_sides_delete,
)
