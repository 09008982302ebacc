"""Weekly series: `/book ... repeat:weekly`, the tutor's request, the confirmation."""

from __future__ import annotations

from bot.texts.bookings import NOTICE_BODIES, NOTICE_TITLES
from bot.texts.common import CONFLICTS, FIELD_PROBLEMS

SERIES_ACCEPT_LABEL = "Accept"
SERIES_DECLINE_LABEL = "Decline"

REPEAT_PLACEHOLDER = "Repeat weekly"
REPEAT_ONCE = "Just this once"
REPEAT_WEEKS = "Every week for {weeks} weeks"

SERIES_CONFIRM = (
    "Book **{count} weekly sessions** of {minutes} minutes with <@{tutor}>? "
    "The tutor answers once for all of them."
)
SERIES_WEEK_OK = "✅ <t:{start}:F>"
SERIES_WEEK_SKIPPED = "⚠️ ~~<t:{start}:F>~~ {why} It will be skipped."
SERIES_WEEK_GAP = (
    "⚠️ Week {week}: that time doesn't exist where the tutor is (the clocks jump forward). "
    "It will be skipped."
)
SERIES_REQUESTED_REPLY = (
    "Request sent for **{count} weekly sessions**; <@{tutor}> answers once for all of them. "
    "`/bookings` shows each one."
)
SERIES_CONFIRMED_REPLY = (
    "Booked: **{count} weekly sessions** with <@{tutor}>. `/bookings` shows each one."
)
SERIES_SKIPPED_REPLY = " {count} week(s) that didn't fit were skipped."
SERIES_ACCEPTED = (
    "Accepted: **{count} weekly sessions**. They're in your calendar with reminders. ✅"
)
SERIES_DECLINED = "Declined: the {count} weekly sessions. The student has been told."

NOTICE_TITLES["series_requested"] = "📬 New weekly series request"
NOTICE_BODIES["series_requested"] = (
    "<@{student}> would like a **weekly {subject}** session with you. "
    "Accept or decline once for every week below."
)
NOTICE_TITLES["series_confirmed"] = "✅ Weekly sessions confirmed"
NOTICE_BODIES["series_confirmed"] = (
    "Your weekly **{subject}** sessions with <@{other}> are on. Each one has its own "
    "reminders and space; `/bookings` lets you move or cancel any of them."
)
SERIES_CANCEL_FOLLOWING = (
    "\n\nThis also cancels the later weeks of this weekly series, each by the same policy."
)
SERIES_CANCELLED_REPLY = "Cancelled: this week and the following, **{count} sessions** in all."
NOTICE_TITLES["series_cancelled"] = "Weekly sessions cancelled"
NOTICE_BODIES["series_cancelled"] = (
    "Your weekly **{subject}** sessions from this week on were cancelled by {who}. "
    "The weeks are below; the earlier ones stay booked."
)
SERIES_WEEK_TAG = " · 🔁 week {week} of {weeks}"
SERIES_GROUP_LINE = "🔁 **Weekly series**: {count} of its weeks"
SERIES_WEEKS_LINE = "**Weeks ({count}):** {starts}"

CONFLICTS.update(
    {
        "series_answered": "This series has been answered already, or its requests expired.",
        "not_a_series": (
            "That booking isn't part of a weekly series. Cancel it without `following`."
        ),
    }
)
FIELD_PROBLEMS.update(
    {
        ("weeks", "out_of_range"): "A weekly series is 2 to {limit} weeks long.",
        ("weeks", "too_short"): (
            "Fewer than {limit} of those weeks are free, so there's no series to book. "
            "Try another time."
        ),
    }
)

# Paid series (issue 15 item 1): the card saved once, each week held before it.
SERIES_SAVE_CARD_REPLY = (
    "**{count} weekly sessions** are kept for you. Press **Save card** to save your card "
    "once (nothing is charged now): the request then goes to <@{tutor}>, and each week is "
    "held on your card {days} day(s) before it."
)
SERIES_SAVE_CARD_LABEL = "Save card"
SERIES_PAY_LABEL = "Pay"
SERIES_PAY_REPLY = "Pay for this week here (until <t:{pay_by}:F>):"
NOTICE_TITLES["series_payment_needed"] = "💳 This week needs paying"
NOTICE_BODIES["series_payment_needed_declined"] = (
    "Your saved card was declined for this week's **{subject}** session with <@{other}>. "
    "Press **Pay** to pay for it another way."
)
NOTICE_BODIES["series_payment_needed_authentication"] = (
    "Your bank wants you to confirm this week's **{subject}** session with <@{other}>. "
    "Press **Pay** to confirm it."
)
NOTICE_BODIES["series_payment_needed_no_card"] = (
    "You have no saved card for this week's **{subject}** session with <@{other}>. "
    "Press **Pay** to pay for it."
)
NOTICE_BODIES["series_payment_needed"] = NOTICE_BODIES["series_payment_needed_declined"]
SERIES_PAY_BY_LINE = "**Pay by:** <t:{pay_by}:F> (<t:{pay_by}:R>), or this week is cancelled."
NOTICE_TITLES["series_week_unpaid"] = "Weekly session cancelled: unpaid"
NOTICE_BODIES["series_week_unpaid"] = (
    "This week's **{subject}** session with <@{other}> wasn't paid in time, so it was "
    "cancelled. Nothing was charged; the other weeks stay booked."
)
FORGET_CARD_DONE = (
    "Your saved card was removed from this server. Later weeks of a weekly series will "
    "ask you to pay each one with **Pay**."
)
FORGET_CARD_NONE = "You have no saved card in this server."
FORGET_CARD_CONFIRM = (
    "**Remove your saved card from this server?** It is detached at Stripe. Weeks of a "
    "weekly series not yet paid will then each ask you to pay with **Pay**."
)

# Rescheduling "this and the following" weeks of a series.
SERIES_MOVE_CONFIRM = (
    "Move booking #{booking} and the later weeks of its series: **{count} weeks** move "
    "(each keeps <@{tutor}>'s local time); the other side answers once for all of them."
)
SERIES_MOVE_PROPOSED = (
    "Proposed new times for **{count} weeks**. I'll let you know when they answer."
)
SERIES_MOVED_REPLY = "Moved: **{count} weeks**. You both have the new times in your DMs."
SERIES_MOVE_ACCEPTED = "Accepted: **{count} weeks** moved to their new times."
SERIES_MOVE_DECLINED_REPLY = "Declined: the {count} weeks keep their times."
NOTICE_TITLES["series_move_requested"] = "🕑 New times proposed for weekly sessions"
NOTICE_BODIES["series_move_requested"] = (
    "<@{other}> would like to move your weekly **{subject}** sessions from this week on. "
    "The new times are below; accept or decline once for all of them."
)
NOTICE_TITLES["series_moved"] = "🕑 Weekly sessions moved"
NOTICE_BODIES["series_moved"] = (
    "Your weekly **{subject}** sessions with <@{other}> have new times from this week on "
    "(below). Each keeps its reminders and space."
)
NOTICE_TITLES["series_move_declined"] = "Weekly sessions keep their times"
NOTICE_BODIES["series_move_declined"] = (
    "<@{other}> declined the new times for your weekly **{subject}** sessions; they stay "
    "as they were."
)
SERIES_MOVE_ACCEPT_LABEL = "Accept all"
SERIES_MOVE_DECLINE_LABEL = "Decline all"
CONFLICTS["series_move_gap"] = (
    "That time doesn't exist for this week (the clocks change then). Pick another time."
)
