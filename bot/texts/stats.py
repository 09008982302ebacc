"""`/admin stats`: the KPI card and the chart's labels."""

from __future__ import annotations

STATS_TITLE = "Marketplace stats: last {days} days"
STATS_DESCRIPTION = (
    "{start} to {end} (UTC). Sessions, surveys and money count by the session's start; "
    "requests by when they were made."
)
STATS_NOT_APPLICABLE = "—"
STATS_CHART_FILENAME = "stats-{period}.png"
STATS_PERIOD_CHOICES = {"7d": "Last 7 days", "30d": "Last 30 days", "90d": "Last 90 days"}

STATS_GROUPS = {
    "growth": "Growth",
    "bookings": "Bookings",
    "quality": "Quality",
    "money": "Money",
    "safety": "Safety",
}
STATS_LINES = {
    "growth": (
        "New students: **{new_students}**\nNew tutors: **{new_tutors}**\n"
        "Referrals: **{referrals}** named · **{referrals_credited}** credited"
    ),
    "bookings": (
        "Requests: **{requests}** · accepted **{acceptance_rate}**\n"
        "Confirmed sessions: **{confirmed_sessions}**\n"
        "Completed: **{completed_sessions}** · completion **{completion_rate}**\n"
        "No-shows: tutor **{tutor_no_shows}** · student **{student_no_shows}**\n"
        "Cancellations: late **{late_cancellations}** · early **{early_cancellations}**\n"
        "Students booking again (≥ 2 sessions): **{repeat_rate}**\n"
        "Drop-in: **{drop_in_helped}** helped · median wait **{median_drop_in_wait}**"
    ),
    "quality": (
        "Reviews: **{reviews}** · average **{average_rating}**\n"
        "Survey answers: **{survey_answers}** · helped **{helped_share}** · "
        "partly **{partially_share}** · not helpful **{not_helpful_share}**"
    ),
    "money": "Sales (GMV): **{captured}**\nPlatform fees: **{fees}**\nRefunded: **{refunded}**",
    "safety": (
        "Disputes: opened **{disputes_opened}** · decided **{disputes_decided}**\n"
        "Reports: opened **{reports_opened}** · resolved **{reports_resolved}**\n"
        "Median time to resolve a report: **{median_resolve}**"
    ),
}
STATS_FREE_GUILD = "Free server: no money moves."
STATS_RATING = "{stars:.1f} ★"
STATS_HOURS = "{hours:.1f} h"
STATS_MINUTES = "{minutes} min"
STATS_DAYS = "{days:.1f} days"

CHART_TITLE = "Sessions per day, last {days} days (UTC)"
CHART_SERIES = {"confirmed": "Confirmed", "completed": "Completed", "cancelled": "Cancelled"}
CHART_EMPTY = "No sessions in this period"

# --- the weekly report (issue 16) --------------------------------------------------------
REPORT_TITLE = "📊 Weekly report"
REPORT_SEARCHED = "Most searched subjects"
REPORT_UNMET = "Searched without a bookable tutor"
REPORT_SEARCHED_LINE = "{rank}. **{subject}** · searched {searches}×"
REPORT_UNMET_LINE = "{rank}. **{subject}** · {unmet} of {searches} searches found nobody free"
REPORT_NO_SEARCHES = "No searches this week."
