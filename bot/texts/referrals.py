"""Referrals: `/start referred_by:`, `/referrals`, and the referrer's DMs."""

from __future__ import annotations

from bot.texts.bookings import NOTICE_TITLES
from bot.texts.common import CONFLICTS

# --- /start referred_by: ---------------------------------------------------------------
REFERRAL_RECORDED = (
    "🤝 Noted: <@{referrer}> brought you here. Once your first session has taken place, "
    "they get a thank-you from this server."
)
REFERRAL_NOT_RECORDED = "⚠️ I didn't record who brought you: {why}"
CONFLICTS["referral_self"] = "You can't name yourself as the person who brought you. 🙂"
CONFLICTS["referral_bot"] = "A bot can't be the person who brought you here."
CONFLICTS["referral_not_member"] = (
    "That person isn't a member of this server, so they can't be named as who brought you."
)
CONFLICTS["referral_already"] = (
    "You've already named who brought you here, and that can't be changed."
)
CONFLICTS["referral_circular"] = (
    "You brought that person here yourself, so they can't be named as who brought you."
)
CONFLICTS["referral_too_late"] = (
    "Who brought you can only be named while you're new here, and you joined (or started "
    "with TutorBot) too long ago."
)
CONFLICTS["referral_not_new"] = (
    "Who brought you can only be named before your first session, and you've had one already."
)

# --- /referrals ------------------------------------------------------------------------
REFERRALS_TITLE = "🤝 Your referrals"
REFERRALS_NONE = (
    "You haven't brought anyone yet. A friend who joins can name you with "
    "`/start referred_by:` in their first {days} days."
)
REFERRALS_INTRO = (
    "You brought **{total}** {people} here. Once someone you brought has their first "
    "session, and the {hours}-hour dispute window after it has closed, you get "
    "**{amount}** of credit off the platform fee of your next paid bookings."
)
REFERRALS_INTRO_FREE = (
    "You brought **{total}** {people} here. Sessions are free on this server, so each "
    "first session someone you brought has is counted and thanked, with no credit."
)
REFERRALS_LIST = "Who you brought"
REFERRALS_MORE = "…and {count} earlier"
REFERRAL_LINE = "<@{referred}> · {status} · <t:{at}:d>"
REFERRAL_STATUS = {
    "joined": "joined",
    "session_done": "first session done, credit after the dispute window",
    "credited": "credited {amount}",
    "credited_free": "first session done, thank you!",
    "withdrawn": "withdrawn (that session was refunded in full)",
}
REFERRALS_CREDIT = "Your credit"
REFERRALS_CREDIT_LINE = (
    "**{amount}** to use: it comes off the platform fee of your next paid bookings, never "
    "the tutor's rate"
)
REFERRALS_NO_CREDIT = "None right now."
REFERRALS_BROUGHT_BY = "You were brought by <@{referrer}>."
REFERRAL_PEOPLE = {1: "person"}
REFERRAL_PEOPLE_OTHER = "people"

# --- the referrer's DMs ----------------------------------------------------------------
NOTICE_TITLES["referral_credited"] = "🎉 Thanks for bringing a friend"
REFERRAL_CREDITED_NOTICE = (
    "<@{referred}>, whom you brought to **{guild}**, has had their first session. "
    "**{amount}** of credit is yours: it comes off the platform fee of your next paid "
    "bookings there (never the tutor's share). `/referrals` shows your balance."
)
REFERRAL_THANKS_NOTICE = (
    "<@{referred}>, whom you brought to **{guild}**, has had their first session. "
    "Thank you for bringing them! `/referrals` lists everyone you brought."
)
NOTICE_TITLES["referral_withdrawn"] = "Referral credit withdrawn"
YOUR_CREDIT = "Your credit"  # an amount the notice could not read
REFERRAL_WITHDRAWN_NOTICE = (
    "The **{amount}** of credit for bringing <@{referred}> to **{guild}** was withdrawn: "
    "their first session was refunded in full. Credit you already spent stays spent."
)
