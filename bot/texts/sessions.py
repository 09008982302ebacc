"""Session spaces, attendance and the post-session survey."""

from __future__ import annotations

from bot.texts.bookings import NOTICE_BODIES, NOTICE_TITLES
from bot.texts.common import (
    ALREADY,
    CONFLICTS,
    FIELD_NAMES,
)

# --- attendance -----------------------------------------------------------------------------
CHECK_IN_LABEL = "Check in"
CHECKED_IN = "You're checked in. ✅ Have a good session!"
ALREADY_CHECKED_IN = "You're already checked in."
CHECK_IN_NOT_YOURS = "Only the student and the tutor of this session can check in."
CONFLICTS["check_in_too_early"] = (
    "It's too early to check in. Check in opens shortly before the start; "
    "your last reminder before the session has the button."
)
CONFLICTS["check_in_closed"] = "This session has ended, so check-in is closed."
ALREADY[("check_in", "completed")] = "This session is already complete. ✅"
ALREADY[("check_in", "no_show")] = "This session was already closed as a no-show."
ALREADY[("check_in", "cancelled")] = (
    "This booking was cancelled, so there's nothing to check in to."
)
ALREADY[("check_in", "requested")] = "The tutor hasn't accepted this request yet."
ALREADY[("check_in", "awaiting_payment")] = "This booking hasn't been paid for yet."
NOTICE_TITLES["no_show_recorded"] = "🚫 No-show recorded"
NOTICE_BODIES["no_show_recorded_tutor"] = (
    "The tutor didn't check in to the **{subject}** session with <@{other}>, so I recorded "
    "a tutor no-show."
)
NOTICE_BODIES["no_show_recorded_tutor_you"] = (
    "You didn't check in to your **{subject}** session with <@{other}> in time, so I "
    "recorded a tutor no-show."
)
NOTICE_BODIES["no_show_recorded_student_you"] = (
    "You didn't check in to your **{subject}** session with <@{other}> in time, so I "
    "recorded a student no-show."
)
NOTICE_BODIES["no_show_recorded_student"] = (
    "The student didn't check in to the **{subject}** session with <@{other}>, so I recorded "
    "a student no-show."
)
NO_SHOW_MONEY = {
    "tutor": "💳 The student gets a full refund.",
    "student": "💳 No refund for a missed session: the tutor is paid as booked.",
}
NO_SHOW_DISPUTE = "If this is wrong, tell a moderator with `/report`."

# --- session spaces -------------------------------------------------------------------------
SPACE_THREAD_NAME = "Session #{booking} · {subject}"
SPACE_VOICE_NAME = "Session #{booking} voice"
SPACE_TEXT_CHANNEL_NAME = "session-{booking}"
SPACES_CATEGORY = "TutorBot sessions"
SPACES_OVERFLOW_CATEGORY = "TutorBot sessions {n}"
SPACE_NOTICE_TITLE = "👋 Your session space"
SPACE_NOTICE_BODY = (
    "<@{student}> and <@{tutor}>: this private space is for your **{subject}** session, "
    "{start} ({relative}). Only the two of you{moderators} can see it."
)
SPACE_NOTICE_MODERATORS = " and the moderators"
SPACE_GROUP_NOTICE_BODY = (
    "<@{tutor}> and {students}: this private space is for your **{subject}** group session, "
    "{start} ({relative}). Only the group{moderators} can see it; anyone who takes a seat "
    "later is added. Each of you checks in with the button below."
)
SPACE_CONDUCT_TITLE = "Before you start"
SPACE_CONDUCT = (
    "• Be kind and respectful; no harassment of any kind.\n"
    "• Keep contact and payments on TutorBot: no phone numbers, emails or outside payments.\n"
    "• {recording}\n"
    "• Something wrong? Press **Report**: only moderators see it."
)
SPACE_RECORDING_PROHIBITED = "Recording is **not allowed**, of voice or screen."
SPACE_RECORDING_ALLOWED = "Recording is allowed only if you both say yes first."
SPACE_VOICE_HINT = "Press **I agree** to accept these rules and open the voice channel {voice}."
SPACE_TEXT_HINT = "Press **I agree** to accept these rules, then **Check in** when you're here."
SPACE_AGREE_LABEL = "I agree"
SPACE_REPORT_LABEL = "Report"
SPACE_AGREED_VOICE = "Thanks! The voice channel <#{voice}> is open to you now. 🎧"
SPACE_AGREED = "Thanks for agreeing. Have a good session!"
SPACE_ALREADY_AGREED = "You've already agreed. The voice channel <#{voice}> is open to you."
SPACE_ALREADY_AGREED_TEXT = "You've already agreed. Have a good session!"
SPACE_NOT_YOURS = "Only the student and the tutor of this session can press this."
SPACE_REPORT_TITLE = "Report: session #{booking}"
PROFILE_REPORT_TITLE = "Report this person"
SPACE_REPORT_LABEL_FIELD = "What happened?"
SPACE_REPORT_PLACEHOLDER = "Only moderators see this. Say what happened and when."
SPACE_CLOSED_MESSAGE = (
    "This session space is now closed. Thanks, both of you! Your shared notes stay in `/notes`."
)
SPACE_JOIN_LABEL = "Open session space"
JOIN_LABEL = "Join"
SPACE_ALERTS = {
    "no_sessions_channel": (
        "⚠️ I couldn't open a private space for session #{booking}: no sessions channel is "
        "set. An admin can set one with `/admin config setting:sessions_channel`."
    ),
    "missing_permissions": (
        "⚠️ I couldn't open a private space for session #{booking}: I'm missing permissions. "
        "Please let me Manage Channels, Manage Roles, Create Private Threads, Manage Threads "
        "and Send Messages in the sessions channel."
    ),
}
SPACE_ALERTS["server_full"] = (
    "⚠️ I couldn't open a private space for session #{booking}: the server is at Discord's "
    "limits for channels and active threads. Deleting unused channels or archiving old "
    "threads makes room."
)
SPACE_ALERTS["close_missing_permissions"] = (
    "⚠️ I couldn't fully close the private space of session #{booking}: I'm missing "
    "permissions. Please let me Manage Threads in the sessions channel and Manage Channels "
    "in the TutorBot sessions category, then lock its thread and delete its channels."
)
SPACE_ALERTS["close_refused"] = (
    "⚠️ Discord wouldn't let me fully close the private space of session #{booking}. "
    "Please lock its thread and delete its channels by hand."
)
SPACE_ALERTS["close_failed"] = (
    "⚠️ I couldn't close the private space of session #{booking}: Discord kept failing, "
    "so I stopped trying. Please lock its thread and delete its channels by hand."
)
# The same alert path tells the admins about a card hold at risk or lost (`card_holds`).
SPACE_ALERTS["capture_at_risk"] = (
    "⚠️ I can't reach Stripe to charge the card hold for session #{booking}, and the hold "
    "runs out within 12 hours. I keep trying until then; if Stripe stays down, check its "
    "status page and the session's payment in the Stripe Dashboard."
)
SPACE_ALERTS["capture_lapsed"] = (
    "⚠️ The card hold for session #{booking} ran out before I could charge it, so nothing "
    "was charged. A session still ahead is cancelled and both sides were told; a session "
    "that already took place is unpaid. It's listed in `/mod queue`."
)
SPACE_ALERTS["payment_disputed"] = (
    "⚠️ The student's bank disputed the payment for session #{booking}. The tutor's payout "
    "is on hold. An evidence draft is ready: send it with **Submit evidence** in "
    "`/mod queue` before the bank's due date."
)
SPACE_ALERTS["card_dispute_lost"] = (
    "⚠️ The bank decided the card dispute about session #{booking} for the student. The "
    "loss is in the ledger; the tutor was told."
)
SPACE_ALERTS["refund_failed"] = (
    "⚠️ A refund for session #{booking} didn't reach the student. It's in `/mod queue`: "
    "**Retry refund**, or **Settled elsewhere** if you gave it back another way."
)
SPACE_ALERTS["sessions_channel_found"] = (
    "ℹ️ No sessions channel I can use is set, so session #{booking} and the next ones open "
    "as private threads in {channel}. To pick another channel: "
    "`/admin config setting:sessions_channel`."
)
SPACE_ALERTS["sessions_channel_created"] = (
    "ℹ️ No sessions channel I can use is set, so I created {channel}: session #{booking} "
    "and the next ones open there as private threads. To pick another channel: "
    "`/admin config setting:sessions_channel`."
)
SPACE_ALERTS["sessions_channel_booking_channel"] = (
    "ℹ️ No sessions channel I can use is set, and I can't create one, so session "
    "#{booking} opened as a private thread in {channel}, where it was booked. To pick a "
    "channel for all sessions: `/admin config setting:sessions_channel`."
)
SPACE_ALERT_OTHER = "⚠️ I couldn't open a private space for session #{booking}."
SESSIONS_CHANNEL_NAME = "tutoring-sessions"
SESSIONS_CHANNEL_TOPIC = "Private tutoring sessions open here as threads, one per booking."
CONFLICTS["space_closed"] = "This session space is closed."
FIELD_NAMES["report_reason"] = "What happened"

# --- survey ---------------------------------------------------------------------------------
NOTICE_TITLES["survey"] = "📝 How did it go?"
NOTICE_BODIES["survey"] = (
    "How did your **{subject}** session with <@{other}> go? One tap is enough; "
    "it helps us match people well."
)
SURVEY_LABELS = {"helped": "Helped", "partially": "Partially", "not_helpful": "Not helpful"}
SURVEY_THANKS = "Thanks for answering! 🙏"
SURVEY_NOT_YOURS = "Only the student and the tutor of this session can answer its survey."
SURVEY_REASON_TITLE = "Not helpful: session #{booking}"
SURVEY_REASON_LABEL = "What went wrong? (optional)"
SURVEY_REASON_PLACEHOLDER = "A few words help us improve; you can leave this empty."
SURVEY_SORRY = "Thanks for telling us, and sorry the session didn't help."
SURVEY_SUGGESTIONS = "Other tutors of this subject you could try: {names}."
SURVEY_FIND_HINT = "Use `/find` to see their times and book one."
CONFLICTS["survey_answered"] = "Thanks, you already answered."
FIELD_NAMES["survey_reason"] = "Your reason"
FIELD_NAMES["survey_answer"] = "The answer"
for _state in ("requested", "awaiting_payment", "confirmed", "declined", "expired", "cancelled"):
    ALREADY[("survey", _state)] = "The survey opens once the session has been completed."
ALREADY[("survey", "no_show")] = "This session was closed as a no-show, so it has no survey."

# Message screening in session spaces
SCREENING_REMINDER = "<@{user}>, a quick reminder of this server's rules:\n{lines}"
SCREENING_REMINDERS = {
    "phone": "📵 Please keep contact in this space: don't share phone numbers.",
    "email": "📧 Please keep contact in this space: don't share email addresses.",
    "payment": (
        "💳 Please pay only through TutorBot: payments outside it aren't protected, and "
        "refunds and disputes can't help with them."
    ),
    "link": "🔗 Links outside the server's allowed sites are checked by the moderators.",
    "abuse": "🤝 Please keep it respectful. The moderators have been told.",
}
SCREENING_SLOWED = (
    "🐢 Lots of messages at once: this space is in slow mode ({seconds} s between messages)."
)
SPACE_ALERTS["screening_off"] = (
    "ℹ️ Message screening is off in this server's session spaces: TutorBot doesn't have "
    "Discord's Message Content intent. The bot's owner can switch it on in the Developer "
    "Portal (Bot → Privileged Gateway Intents) and restart TutorBot."
)
