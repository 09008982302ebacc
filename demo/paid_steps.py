"""The paid guild's whole journey, in order: from payouts set up to the ledger verified."""

from __future__ import annotations

from demo.chargebacks import CHARGEBACK_STEPS
from demo.journey import (
    admin_configures_the_server,
    student_onboards,
    tutor_onboards,
    tutor_publishes_availability,
)
from demo.paid_journey import (
    a_dispute_is_decided_by_a_moderator,
    a_late_cancellation_gets_a_partial_refund,
    a_tutor_no_show_is_refunded_in_full,
    student_pays_and_the_session_is_completed,
    the_admin_exports_the_sessions,
    the_admin_reads_the_weeks_figures,
    the_ledger_verifies,
    the_student_reviews_the_tutor,
    tutor_sets_up_payouts,
)
from demo.paid_series import a_weekly_series_is_held_week_by_week
from demo.referral_steps import (
    maya_names_who_brought_her,
    sam_is_credited_and_spends_it_at_checkout,
    the_referral_is_withdrawn_after_the_full_chargeback,
)

PAID_STEPS = (
    admin_configures_the_server,
    student_onboards,
    tutor_onboards,
    tutor_publishes_availability,
    tutor_sets_up_payouts,
    maya_names_who_brought_her,
    student_pays_and_the_session_is_completed,
    the_student_reviews_the_tutor,
    sam_is_credited_and_spends_it_at_checkout,
    a_late_cancellation_gets_a_partial_refund,
    a_dispute_is_decided_by_a_moderator,
    a_tutor_no_show_is_refunded_in_full,
    the_admin_reads_the_weeks_figures,
    the_admin_exports_the_sessions,
    *CHARGEBACK_STEPS,
    a_weekly_series_is_held_week_by_week,
    the_referral_is_withdrawn_after_the_full_chargeback,
    the_ledger_verifies,
)
