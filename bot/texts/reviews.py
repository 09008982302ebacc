"""Reviews and replies."""

from __future__ import annotations

from bot.texts.bookings import NOTICE_BODIES, NOTICE_TITLES
from bot.texts.common import (
    ALREADY,
    CONFLICTS,
    ENTITY_NAMES,
    FIELD_NAMES,
)

# --- reviews --------------------------------------------------------------------------------
REVIEW_LEAVE_LABEL = "Leave review"
REVIEW_MODAL_TITLE = "Review your session #{booking}"
REVIEW_EDIT_TITLE = "Edit your review of #{booking}"
REVIEW_STARS_LABEL = "Stars"
REVIEW_STARS_PLACEHOLDER = "How was it overall?"
STAR_LABELS = {
    "1": "★ 1: poor",
    "2": "★★ 2: below expectations",
    "3": "★★★ 3: okay",
    "4": "★★★★ 4: good",
    "5": "★★★★★ 5: excellent",
}
REVIEW_ASPECTS_LABEL = "What was true? (tick all that apply)"
REVIEW_ASPECTS_PLACEHOLDER = "Tick what applies; leave the rest"
ASPECT_LABELS = {  # a student rates the first four of the tutor, a tutor the student's
    "on_time": "On time",
    "explained_clearly": "Explained clearly",
    "helped_understand": "Helped me understand",
    "would_book_again": "I'd book again",
    "prepared": "Came prepared",
    "respectful": "Respectful and engaged",
    "would_teach_again": "I'd teach them again",
}
REVIEW_TEXT_LABEL = "Comment (optional)"
REVIEW_TEXT_PLACEHOLDER = "What went well, what could be better?"
REVIEW_SAVED = (
    "Thanks! Your review of <@{reviewee}> is saved. You can change it with `/review` "
    "until <t:{until}:f>."
)
REVIEW_UPDATED = "Updated. You can keep changing it until <t:{until}:f>."
REVIEW_HELD = (
    "Thanks. Your review is saved, but some of its wording needs a moderator's look first, "
    "so it won't show or count until then."
)
REVIEW_CHECKED = (
    "Thanks. Your review is saved; a moderator will have a quick look before it shows and "
    "counts (we check reviews that come in bunches or right after a dispute or report)."
)
REVIEW_TITLE = "{stars} Review of session #{booking}"
REVIEW_BY = "By <@{reviewer}> · <t:{at}:D>"
REVIEW_YES = "✅"
REVIEW_NO = "❌"
REVIEW_REPLY_BY = {  # by the reviewee's side
    "tutor": "**Tutor's reply:** {reply}",
    "student": "**Student's reply:** {reply}",
}
REVIEW_HELD_FOR_REVIEWEE = "The review of you on this session is waiting for a moderator."
REVIEW_REPLY_LABEL = "Reply"
REPLY_MODAL_TITLE = "Reply to the review of #{booking}"
REPLY_TEXT_LABEL = "Your reply (you can reply once)"
REPLY_SAVED = "Your reply is posted under the review. Thanks for answering!"
PROFILE_RATING = "⭐ {rating:.1f} / 5 from {count} reviews"
MOD_HELD_REVIEWS = "Held reviews (release with `/mod release booking:`)"
MOD_HELD_REVIEW = "Held review on booking #{booking}: {why}"
MOD_HELD_WHY = {
    "abusive": "abusive words",
    "burst": "several new members reviewed this tutor within a short time",
    "retaliation": "written right after a dispute or report between the two",
    "copy": "the same text was posted about someone else",
}
MOD_HELD_WHY_OTHER = "held for a moderator's look"
MOD_REVIEW_RELEASED = (
    "The held review on booking #{booking} is released (both sides' if both were held): "
    "it now shows and counts."
)
STUDENT_STANDING_RATED = "🎓 Past tutors rate this student ⭐ {rating:.1f} / 5 ({count} reviews)"
STUDENT_STANDING_FEW = "🎓 Past tutors' reviews of this student: {count}, too few for a rating yet"
NOTICE_TITLES["review_received"] = "⭐ New review"
NOTICE_BODIES["review_received"] = (
    "<@{other}> reviewed your **{subject}** session. Press **Reply** to answer once "
    "(or use `/review` on that booking)."
)
CONFLICTS["already_reviewed"] = (
    "You've already reviewed this session. Use `/review` on it to change your review."
)
CONFLICTS["review_locked"] = "This review can no longer be edited: its edit window has closed."
CONFLICTS["already_replied"] = "You've already replied to this review; a reply can't be changed."
CONFLICTS["reply_abusive"] = "Please keep replies respectful; some of that wording isn't allowed."
ENTITY_NAMES["review"] = "There's no review on that session yet."
FIELD_NAMES["stars"] = "The star rating"
FIELD_NAMES["aspects"] = "The ratings"
FIELD_NAMES["review_text"] = "Your comment"
FIELD_NAMES["reply"] = "Your reply"
for _state in ("requested", "awaiting_payment", "confirmed", "declined", "expired", "cancelled"):
    ALREADY[("review", _state)] = "You can review a session once it has been completed."
ALREADY[("review", "no_show")] = "This session was closed as a no-show, so it can't be reviewed."
ALREADY[("reply", "held")] = "This review is waiting for a moderator; you can reply once it shows."
ALREADY[("release", "visible")] = "That review isn't held; it already shows."
