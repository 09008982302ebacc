"""Platform disputes: opening one, the decision, and the moderators' side."""

from __future__ import annotations

from bot.texts.bookings import NOTICE_BODIES, NOTICE_TITLES
from bot.texts.common import ALREADY, CONFLICTS, ENTITY_NAMES, FIELD_NAMES

# --- disputes -------------------------------------------------------------------------------
DISPUTE_LABEL = "Open dispute"
DISPUTE_MODAL_TITLE = "Dispute booking #{booking}"
DISPUTE_STATEMENT_LABEL = "What went wrong?"
DISPUTE_STATEMENT_PLACEHOLDER = (
    "e.g. The tutor joined 25 minutes late and left early. Only moderators read this."
)
DISPUTE_OPENED = (
    "Your dispute #{dispute} is open. The moderators aim to decide within {hours} hours; "
    "the tutor's payout waits until then. You'll get a DM with the decision."
)
DISPUTE_DECIDED_AT_ONCE = (
    "Your dispute #{dispute} was decided at once from the check-ins: "
    "**{refund}%** of what you paid comes back to you."
)
CONFLICTS["dispute_not_held"] = (
    "You can dispute a session once it has started (or ended). "
    "To call one off before then, use Cancel on `/bookings`."
)
CONFLICTS["dispute_window_closed"] = (
    "The time to dispute this session has passed. If something serious happened, use `/report`."
)
CONFLICTS["dispute_exists"] = (
    "This session already has a dispute. The moderators will hear both sides there."
)
CONFLICTS["refund_below_settled"] = (
    "The session's settlement already refunded more than that. Pick at least that much, "
    "or `no_refund` to let it stand."
)
ENTITY_NAMES["dispute"] = (
    "I couldn't find that dispute in this server. `/mod queue` lists the open ones."
)
ALREADY[("decide", "resolved")] = "That dispute is already decided."
FIELD_NAMES["statement"] = "Your statement"
FIELD_NAMES["outcome"] = "The outcome"
FIELD_NAMES["refund_percent"] = "The refund percentage (only with `refund`, 0–100)"

DISPUTE_OUTCOMES = {
    "refund": "Refund",
    "no_refund": "No refund",
    "dismiss": "Dismiss",
}
MOD_DISPUTE_DECIDED = (
    "Dispute #{dispute} decided: **{outcome}**{refund}. Both sides are told; it's in the audit log."
)
MOD_DISPUTE_REFUND = " ({percent}% back to the student)"
MOD_DISPUTES = "Disputes (decide with `/mod dispute`)"
MOD_DISPUTE_LINE = (
    "**#{dispute}** booking #{booking} · by <@{by}> · opened <t:{at}:R> · due <t:{due}:R>{late}"
)
MOD_DISPUTE_OVERDUE = " · ⚠️ past the {hours} h target"

NOTICE_TITLES["dispute_opened"] = "⚖️ Dispute opened"
NOTICE_BODIES["dispute_opened"] = (
    "<@{other}> opened a dispute about your {subject} session. The moderators will look at "
    "the session's records and may contact you; payouts wait until it's decided."
)
NOTICE_TITLES["dispute_resolved"] = "⚖️ Dispute decided"
NOTICE_BODIES["dispute_resolved"] = "The dispute about your {subject} session was decided."
DISPUTE_RESULT = {
    "refund": "Decision: **{refund}%** of the total is refunded to the student.",
    "no_refund": "Decision: no refund; the session's settlement stands.",
    "dismiss": "Decision: dismissed; the session's settlement stands.",
}

DISPUTE_FILES_LABEL = "Files (optional)"
DISPUTE_FILES_HINT = "Screenshots or documents for the moderators: up to 5, 10 MB each."
DISPUTE_FILES_CAPTION = "📎 Evidence for the dispute about session #{booking}, from <@{user}>."
CONFLICTS["files_unavailable"] = (
    "I couldn't keep your files just now (Discord didn't hand them over, or I can't post "
    "in the evidence channel). Nothing was sent; please try again."
)

# `/mod evidence` (a dispute's case file)
CASE_FILE_TITLE = "Dispute #{dispute} · session #{booking}"
CASE_FILE_STATEMENT = "**<@{by}> says:** {statement}"
CASE_FILE_ERASED = "(erased at their request)"
CASE_FILE_RECORD_TITLE = "Record"
CASE_FILE_RECORD = (
    "Session: {state}\nStudent checked in: {student}\nTutor checked in: {tutor}\n"
    "Messages TutorBot sent about it: {sent}\nMessages in the session space: {said} "
    "(attached as a file)"
)
CASE_FILE_NEVER = "never"
CASE_FILE_FILES_TITLE = "Files handed in"
CASE_FILE_LOG_LINE = "[{at}] {author}: {text} {files}"
CASE_FILE_STUDENT = "student ({id})"
CASE_FILE_TUTOR = "tutor ({id})"
CASE_FILE_SOMEONE = "someone else ({id})"
