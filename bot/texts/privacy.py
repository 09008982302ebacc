"""`/privacy export` and `/privacy delete`."""

from __future__ import annotations

from bot.texts.common import CONFLICTS

# --- export ---------------------------------------------------------------------------------
PRIVACY_EXPORT_FILENAME = "tutorbot-data-{guild}-{user}.json"
PRIVACY_EXPORTED = (
    "📦 Here is everything TutorBot stores about you in this server, as one JSON file. "
    "Only you can see this message."
)
PRIVACY_EXPORT_CAPPED = (
    "\nSome lists were long, so only the latest {cap} entries of each are included: {lists}."
)
PRIVACY_EXPORT_ABOUT = (
    "Everything TutorBot stores about you in this server (your name and time zone are "
    "shared by every server). Times are UTC, amounts are in minor units (cents)."
)
# Sentences for the file's "not_included" keys (marketplace.services.privacy.NOT_INCLUDED).
PRIVACY_NOT_INCLUDED = {
    "reports_about_you": (
        "Reports other members made about you are not included: they belong to the "
        "reporter and the moderators. Restrictions on you are included."
    ),
    "held_reviews_of_you": "Reviews of you that moderators are holding are not included.",
    "notes_by_the_other_side": (
        "Progress notes the other person of a pair wrote are not included; the shared goals are."
    ),
    "dispute_evidence": (
        "The evidence kept with a dispute is not included (it holds the other side's data); "
        "your statement is."
    ),
    "blocks_of_you": "Blocks other members made of you are not included.",
    "audit_log": "The moderators' and admins' audit log is not included.",
    "card_data": (
        "No card data is stored by TutorBot (Stripe holds it); payments show amounts only."
    ),
}

# --- delete ---------------------------------------------------------------------------------
PRIVACY_DELETE_CONFIRM = (
    "⚠️ **Delete your data in this server?** This can't be undone.\n"
    "• **Deleted:** your student and tutor profiles, subjects, availability, note "
    "templates, the progress notes you wrote, your blocks, your DM status, who brought "
    "you and whom you brought (referrals), and any unused referral credit.\n"
    "• **Blanked:** your review texts and replies (the stars and yes/no ratings stay, so "
    "ratings don't change), survey reasons, shared goals you wrote last, your booking notes "
    "and dispute statements, and the text of messages the bot sent you.\n"
    "• **Anonymised:** your name becomes “Deleted user”.\n"
    "• **Kept:** your past bookings, payments and the money ledger (ids, times and amounts "
    "only), check-ins, reports you made, and any restriction on you.\n"
    "Press **Confirm** to delete."
)
PRIVACY_DELETED = (
    "🗑️ Done: your data in this server is deleted or anonymised. "
    "Run `/start` if you ever want to come back."
)
PRIVACY_NOTHING_TO_DELETE = "There is nothing left to delete: your data here is already erased."
PRIVACY_DELETE_KEPT = "Nothing was deleted."

CONFLICTS["privacy_upcoming_bookings"] = (
    "You still have upcoming sessions (requested, awaiting payment or confirmed). "
    "Cancel them with `/cancel` (or wait until they're over), then run `/privacy delete` again."
)
CONFLICTS["privacy_open_groups"] = (
    "You teach an upcoming group session. Call it off with `/group leave` (everyone "
    "in it is refunded), then run `/privacy delete` again."
)
CONFLICTS["privacy_open_dispute"] = (
    "One of your sessions has an open dispute. Once the moderators have decided it, "
    "run `/privacy delete` again."
)
