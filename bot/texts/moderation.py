"""Reports, the moderator queue and blocking."""

from __future__ import annotations

from bot.texts.common import (
    ALREADY,
    CONFLICTS,
    ENTITY_NAMES,
    FIELD_NAMES,
)

# --- moderation -----------------------------------------------------------------------------
REPORT_THANKS = (
    "Thanks, the moderators have your report #{case}. They'll look at it soon; "
    "you don't need to do anything else."
)
CONFLICTS["self_report"] = "You can't report yourself. If you need help, ask a moderator."
CONFLICTS["report_limit"] = (
    "You've sent as many reports as this server allows in a day. "
    "If it's urgent, contact a moderator directly."
)
ENTITY_NAMES["case"] = "I couldn't find that case in this server. `/mod queue` lists the open ones."
ALREADY[("resolve", "resolved")] = "That case is already resolved."
FIELD_NAMES["action"] = "The action"
FIELD_NAMES["booking"] = "The booking number"
MOD_QUEUE_TITLE = "Moderator queue"
MOD_QUEUE_EMPTY = "No open cases. 🎉"
MOD_QUEUE_PAGE = "Page {page} of {pages} · {total} open · `/mod queue page:{next}` for more"
MOD_QUEUE_LAST_PAGE = "Page {page} of {pages} · {total} open"
MOD_CASE_TITLE = "Case #{case} · reported <t:{at}:R>"
MOD_CASE_BODY = "**Reported:** <@{target}>\n**By:** <@{reporter}>{booking}\n**Reason:** {reason}"
MOD_CASE_BOOKING = "\n**Booking:** #{booking}"
MOD_CARD_DISPUTES = "Card disputes (read-only)"
MOD_CARD_DISPUTE = "Card dispute on booking #{booking} (<t:{at}:R>)"
MOD_RESOLVE_LABEL = "Resolve #{case}"
MOD_RESOLVE_TITLE = "Resolve case #{case}"
MOD_ACTION_LABEL = "Action"
MOD_NOTE_LABEL = "Note (why; kept in the audit log)"
MOD_NOTE_PLACEHOLDER = "e.g. Talked to them; first warning."
MOD_ACTIONS = {
    "no_action": "No action",
    "warned": "Warned",
    "restricted": "Restricted",
    "removed_content": "Removed content",
}
MOD_RESOLVED = "Case #{case} resolved: **{action}**. It's in the audit log."
MOD_HISTORY_TITLE = "Cases about {name}"
MOD_HISTORY_EMPTY = "<@{user}> has no cases here."
MOD_HISTORY_LINE = "**#{case}** <t:{at}:d> · {status}{booking}: {reason}"
MOD_HISTORY_OPEN = "open"
REPORT_BOOKING_CHOICE = "#{booking} · {start} UTC · you were the {role}"
MOD_HISTORY_BOOKING = " · booking #{booking}"
MOD_HISTORY_CLOSED = "{action} by <@{by}>"
