"""Verification: `/mod verify`, the tutor's DM, and per-subject requirements."""

from __future__ import annotations

from bot.texts.bookings import NOTICE_TITLES
from bot.texts.common import (
    ALREADY,
    CONFLICTS,
    ENTITY_NAMES,
    FIELD_NAMES,
    FIELD_PROBLEMS,
    TOO_SOON,
)

VERIFICATION_LEVEL_NAMES = {
    "none": "Not verified",
    "campus-email": "Campus email verified",
    "moderator-verified": "Verified by moderators",
}
MOD_VERIFICATION_SET = (
    "<@{user}> is now **{new}** (was {old}). They've been told by DM, and it's in the "
    "audit log. Students see it as a badge in `/find`."
)
CONFLICTS["verification_unchanged"] = (
    "That tutor already has that verification level, so nothing changed."
)
CONFLICTS["tutor_not_verified"] = (
    "This server asks tutors of that subject to be verified first, and this tutor isn't "
    "yet. Pick another tutor with `/find`: everyone it lists can be booked for it."
)
NOTICE_TITLES["verification_set"] = "🛡️ Your tutor verification changed"
VERIFICATION_SET_NOTICE = (
    "A moderator of **{guild}** set your verification to **{new}** (it was {old}). "
    "Students see it as a badge next to your name in `/find`; some subjects list only "
    "verified tutors."
)

# Campus email (`/verify email`)
EMAIL_CODE_SENT = (
    "📧 I sent a 6-digit code to **{address}**. It works until <t:{expires}:t> "
    "(<t:{expires}:R>). Press **Enter code** when you have it. No mail? Check spam, or "
    "run this again after <t:{resend}:T>."
)
ENTER_CODE_LABEL = "Enter code"
ENTER_CODE_TITLE = "Enter your email code"
ENTER_CODE_FIELD = "The 6-digit code from the email"
EMAIL_VERIFIED_TUTOR = (
    "✅ **{domain}** verified. Your tutor card and `/find` now show the "
    "**Campus email verified** badge."
)
EMAIL_VERIFIED_ALREADY_HIGHER = (
    "✅ **{domain}** verified. You keep your **Verified by moderators** badge."
)
EMAIL_VERIFIED_MEMBER = (
    "✅ **{domain}** verified. If you offer tutoring with `/tutor apply`, you'll start with "
    "the **Campus email verified** badge."
)
CONFLICTS["email_not_set_up"] = (
    "This server hasn't set up email yet, so codes can't be sent. Ask an admin, or ask a "
    "moderator to verify you instead with `/verify request`."
)
CONFLICTS["email_domains_not_set"] = (
    "This server hasn't said which campus email domains count yet. Ask an admin to set "
    "`allowed_email_domains` in `/admin config`."
)
CONFLICTS["email_domain_not_allowed"] = (
    "That address isn't on one of this server's campus domains. Use your campus email."
)
CONFLICTS["email_taken"] = (
    "That address already verifies another member here. Each address verifies one member."
)
CONFLICTS["email_already_verified"] = "You've already verified that address here. ✅"
CONFLICTS["email_send_failed"] = (
    "I couldn't send the email just now (the mail server refused it or is down). Check the "
    "address and try again in a few minutes."
)
CONFLICTS["email_code_expired"] = "That code has expired. Run `/verify email` again for a new one."
CONFLICTS["email_code_locked"] = (
    "That code has had too many wrong tries. Run `/verify email` again for a new one."
)
FIELD_NAMES["address"] = "The email address"
FIELD_PROBLEMS["address", "bad_characters"] = (
    "That doesn't look like an email address. Type it like `name@university.edu`."
)
FIELD_PROBLEMS["code", "bad_characters"] = "The code is the 6 digits from the email."
FIELD_PROBLEMS["code", "wrong_code"] = (
    "That code isn't right. You have {limit} more tries; check the newest email."
)
ENTITY_NAMES["email_code"] = "There's no code waiting for you. Run `/verify email` to get one."
TOO_SOON["email_code_resend"] = "I just sent you a code. You can ask for another in {seconds} s."
TOO_SOON["email_code_daily"] = (
    "That's the most codes for today. Try again in about {hours} h, or ask a moderator "
    "with `/verify request`."
)

# Credentials (`/verify request`)
NOTICE_TITLES["verification_rejected"] = "🛡️ Your verification request"
VERIFICATION_REJECTED_NOTICE = (
    "A moderator of **{guild}** looked at your verification request and couldn't approve "
    "it: “{reason}”. You can send a new one with `/verify request`."
)
CONFLICTS["already_moderator_verified"] = "You're already verified by the moderators. ✅"
CONFLICTS["verification_pending"] = (
    "Your verification request is with the moderators; you'll get a DM when they decide."
)
ENTITY_NAMES["verification_request"] = (
    "That request isn't waiting any more. `/mod queue` lists the ones that are."
)
FIELD_NAMES["files"] = "The files"
FIELD_PROBLEMS["files", "empty"] = "Please attach at least one file (a certificate, a transcript)."
FIELD_PROBLEMS["files", "too_many"] = "That's too many files: at most {limit}."
FIELD_PROBLEMS["files", "too_long"] = "A file is too big: each can be at most {limit} MB."
VERIFY_REQUEST_TITLE = "Ask the moderators to verify you"
VERIFY_REQUEST_NOTE = "A note for the moderators (optional)"
VERIFY_REQUEST_NOTE_HINT = "What the files show, e.g. 'TA for Calculus I, 2025-26'."
VERIFY_REQUEST_FILES = "Your credentials"
VERIFY_REQUEST_FILES_HINT = "A certificate, transcript or TA letter: 1 to 3 files, 10 MB each."
VERIFY_REQUEST_CAPTION = "🪪 Credentials from <@{user}> for moderator verification."
VERIFY_REQUEST_SENT = (
    "📨 Request #{request} is with the moderators. You'll get a DM when they decide."
)
VERIFY_REQUESTS_TITLE = "🪪 Verification requests"
VERIFY_REQUEST_FIELD = "Request #{request} · <t:{at}:R>"
VERIFY_REQUEST_LINE = "<@{user}>: {note}"
EVIDENCE_FILE_KEPT = "📎 [{name}]({link}) · {kib} KB · sha256 {sha}…"
EVIDENCE_FILE_LINK_ONLY = (
    "📎 [{name}]({link}) · {kib} KB · sha256 {sha}… (Discord's link: it expires; set "
    "`evidence_channel` to keep copies)"
)
VERIFY_APPROVE_LABEL = "Approve #{request}"
VERIFY_REJECT_LABEL = "Reject #{request}"
VERIFY_REJECT_TITLE = "Reject request #{request}"
VERIFY_REJECT_REASON = "Why (the tutor reads this)"
VERIFY_APPROVED = (
    "Request #{request} approved: <@{user}> is now **Verified by moderators**. They've been "
    "told by DM."
)
VERIFY_REJECTED = "Request #{request} rejected. <@{user}> has been told why by DM."
ALREADY["approve", "decided"] = "Someone already decided this request."
ALREADY["decide", "decided"] = "Someone already decided this request."
for _state in ("approved", "rejected"):
    for _action in ("approve", "reject"):
        ALREADY[_action, _state] = f"This request was already {_state}."
