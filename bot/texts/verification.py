"""Verification: `/mod verify`, the tutor's DM, and per-subject requirements."""

from __future__ import annotations

from bot.texts.bookings import NOTICE_TITLES
from bot.texts.common import CONFLICTS

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
