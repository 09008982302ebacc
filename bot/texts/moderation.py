"""Reports, the moderator queue, restrictions and blocking."""

from __future__ import annotations

from bot.texts.bookings import NOTICE_TITLES
from bot.texts.common import (
    ALREADY,
    CONFLICTS,
    ENTITY_NAMES,
    FIELD_NAMES,
    FIELD_PROBLEMS,
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
MOD_QUEUE_PAGE = "Page {page} of {pages} · {total} open reports · `/mod queue page:{next}` for more"
MOD_QUEUE_LAST_PAGE = "Page {page} of {pages} · {total} open reports"
MOD_CASE_TITLE = "Case #{case} · reported <t:{at}:R>"
MOD_CASE_BODY = "**Reported:** <@{target}>\n**By:** <@{reporter}>{booking}\n**Reason:** {reason}"
MOD_CASE_BOOKING = "\n**Booking:** #{booking}"
MOD_QUEUE_MORE = "More needs you than fits here: deal with these, then run `/mod queue` again."
MOD_CARD_DISPUTES = "💳 Card disputes (chargebacks)"
MOD_CARD_DISPUTE = "Booking #{booking}: {amount}, {status}; evidence due <t:{due}:R>"
MOD_CARD_DISPUTE_NO_DUE = "Booking #{booking}: {amount}, {status}"
CARD_DISPUTE_STATUS = {
    "needs_response": "waiting for your evidence",
    "warning_needs_response": "waiting for your evidence (inquiry)",
    "under_review": "evidence sent, the bank is deciding",
    "warning_under_review": "evidence sent, the bank is deciding (inquiry)",
}
MOD_SUBMIT_EVIDENCE_LABEL = "Submit evidence #{booking}"
MOD_EVIDENCE_SENT = (
    "Evidence for booking #{booking} is with the bank: the session's record, check-ins, "
    "messages and the cancellation policy. I'll tell the tutor when the bank decides."
)
MOD_REFUND_FAILURES = "↩️ Refunds that failed"
MOD_REFUND_FAILURE = "Booking #{booking}: {amount} didn't reach the student ({reason})"
REFUND_FAILURE_REASONS = {
    "lost_or_stolen_card": "the card was reported lost or stolen",
    "expired_or_canceled_card": "the card expired or was closed",
    "insufficient_funds": "the bank refused it",
    "declined": "the bank declined it",
    "charge_for_pending_refund_disputed": "the charge was disputed",
    "merchant_request": "it was cancelled",
}
REFUND_FAILURE_OTHER = "reason unknown"
MOD_RETRY_REFUND_LABEL = "Retry refund #{booking}"
MOD_SETTLED_REFUND_LABEL = "Settled elsewhere #{booking}"
MOD_REFUND_RETRIED = "I'm asking Stripe for the refund of booking #{booking} again."
MOD_REFUND_SETTLED = (
    "Noted: the refund of booking #{booking} was given back another way. "
    "The ledger counts it as refunded."
)
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

# --- restrictions ---------------------------------------------------------------------------
_LENGTH_EXAMPLES = "like `7d`, `24h`, `2 weeks` or `1w 3d`; leave it empty for until lifted"
FIELD_NAMES["restrict_for"] = "The duration"
FIELD_PROBLEMS[("restrict_for", "unparseable")] = (
    f"I couldn't read that duration. Write it {_LENGTH_EXAMPLES}."
)
FIELD_PROBLEMS[("restrict_for", "negative")] = (
    f"The duration can't be negative. Write it {_LENGTH_EXAMPLES}."
)
FIELD_PROBLEMS[("restrict_for", "zero_length")] = (
    f"The duration must be longer than zero. Write it {_LENGTH_EXAMPLES}."
)
FIELD_PROBLEMS[("restrict_for", "out_of_range")] = (
    "A restriction can last at most {limit} days. For longer, leave the duration empty: "
    "it then lasts until a moderator lifts it."
)
FIELD_PROBLEMS[("restrict_for", "too_long")] = (
    f"That duration is too long to read. Write it {_LENGTH_EXAMPLES}."
)
CONFLICTS["restrict_self"] = "You can't restrict yourself."
CONFLICTS["restrict_staff"] = (
    "That member is a moderator or admin here, so they could lift a restriction themselves. "
    "Take away their moderator role (or Manage Server) first."
)
CONFLICTS["not_restricted"] = "That member isn't restricted right now, so there's nothing to lift."
MOD_RESTRICT_UNTIL = "until <t:{until}:F> (<t:{until}:R>)"
MOD_RESTRICT_UNTIL_LIFTED = "until a moderator lifts it"
MOD_RESTRICTED = (
    "<@{user}> is restricted {until}: they can't book sessions or be booked. I've told them "
    "by DM, with the reason and how to appeal. It's in the audit log.\n"
    "Their confirmed sessions go ahead (cancel them one by one if needed); requests "
    "involving them can't be accepted and will lapse. `/mod unrestrict` lifts it early."
)
MOD_RESTRICTION_REPLACED = "This replaces their earlier restriction, which ran {until}."
MOD_UNRESTRICTED = (
    "<@{user}>'s restriction is lifted: they can book and be booked again. "
    "I've told them by DM, and it's in the audit log."
)
MOD_RESTRICTION_FIELD = "Restriction"
MOD_RESTRICTION_ACTIVE = "**In force** {until} · by <@{by}> <t:{at}:d>: {reason}"
MOD_RESTRICTION_ENDED = "Last one ended <t:{ended}:d> · by <@{by}> <t:{at}:d>: {reason}"
NOTICE_TITLES["restricted"] = "⛔ You can't book sessions for now"
NOTICE_TITLES["restriction_lifted"] = "✅ You can book sessions again"
RESTRICTED_NOTICE = (
    "A moderator of **{guild}** restricted your account: you can't book sessions or be "
    "booked {until}.\n**Reason:** {reason}\n"
    "Sessions already confirmed go ahead as planned. If you think this is a mistake, "
    "ask one of the server's moderators to look at it again."
)
RESTRICTION_LIFTED_NOTICE = (
    "A moderator of **{guild}** lifted your restriction. You can book sessions and be "
    "booked again: find a tutor with `/find`."
)
MOD_FAILED_WORK = "⚠️ Needs attention: work that failed for good"
MOD_FAILED_LINE = "{what}{booking} gave up <t:{at}:R>; the details are in the logs."
MOD_FAILED_BOOKING = " for booking #{booking}"
JOB_NAMES = {
    "move_money": "A capture or refund",
    "pay_out": "A tutor payout",
    "notify": "A message",
    "reminder": "A reminder",
    "open_space": "Opening a session space",
    "close_space": "Closing a session space",
    "retry_refund": "A refund asked for again",
    "reverse_payout": "Taking a payout back after a chargeback",
}
JOB_NAME_OTHER = "Scheduled work"

# Flagged messages (screening)
MOD_FLAGS_TITLE = "🚩 Flagged messages in session spaces ({total} open)"
MOD_FLAG_TITLE = "Flag #{flag} · session #{booking} · <t:{at}:R>"
MOD_FLAG_BODY = "<@{author}>: {kinds}\n{context}"
MOD_FLAG_CONTEXT_LINE = "> <@{author}>: {text}"
MOD_FLAG_FLAGGED_LINE = "> **<@{author}>: {text}**"
MOD_FLAG_KINDS = {
    "abuse": "abusive words",
    "phone": "a phone number",
    "email": "an email address",
    "payment": "a payment outside TutorBot",
    "link": "a link outside the allowed sites",
    "rate": "too many messages at once",
}
MOD_FLAG_PURGED = "(the session's log has been deleted)"
MOD_FLAG_DISMISS_LABEL = "Dismiss #{flag}"
MOD_FLAG_WARN_LABEL = "Warn #{flag}"
MOD_FLAG_RESTRICT_LABEL = "Restrict #{flag}"
MOD_FLAG_DISMISSED = "Flag #{flag} dismissed. It's in the audit log."
MOD_FLAG_WARNED = "Flag #{flag}: <@{user}> has been warned by DM. It's in the audit log."
MOD_FLAG_RESTRICTED = (
    "Flag #{flag}: <@{user}> is restricted for 7 days (no booking or being booked). "
    "`/mod unrestrict` lifts it early."
)
ALREADY["dismiss", "decided"] = "Someone already decided this flag."
ALREADY["warn", "decided"] = "Someone already decided this flag."
ALREADY["restrict", "decided"] = "Someone already decided this flag."
for _state in ("dismissed", "warned", "restricted"):
    for _action in ("dismiss", "warn", "restrict"):
        ALREADY[_action, _state] = f"This flag was already decided ({_state})."
ENTITY_NAMES["message_flag"] = "That flag isn't in this server's queue. `/mod queue` lists them."
NOTICE_TITLES["screening_warning"] = "⚠️ A warning from the moderators"
SCREENING_WARNING_NOTICE = (
    "A moderator of **{guild}** looked at a message you sent in session #{booking} "
    "({kinds}) and is warning you about it. Please keep contact and payments inside "
    "TutorBot and keep it respectful; another one may restrict your account."
)

# Repeat offenders
MOD_OFFENSES_FIELD = "Record"
MOD_OFFENSES = (
    "{cases} upheld cases, {flags} upheld flags and {restrictions} restrictions "
    "in the last {days} days"
)
MOD_REPEAT_OFFENDER = "🔁 {line}: at or over this server's limit of {threshold}."
MOD_REPEAT_OFFENDERS = "🔁 Repeat offenders"
MOD_REPEAT_OFFENDER_LINE = "<@{user}>: {line} · `/mod history`"
