"""Booking, managing, reminders and the notices about them."""

from __future__ import annotations

from bot.i18n import gettext as _
from bot.texts.common import (
    CONFLICTS,
)

# --- bookings -------------------------------------------------------------------------------
NOTICE_TITLES = {
    "booking_requested": "📬 New session request",
    "booking_confirmed": "✅ Session confirmed",
    "booking_declined": "Request declined",
    "booking_expired": "⌛ Request expired",
    "booking_cancelled": "Session cancelled",
    "reschedule_requested": "🔁 New time proposed",
    "booking_rescheduled": "🔁 Session moved",
    "reschedule_declined": "New time declined",
    "reminder": "⏰ Reminder",
    "nudge": "Ready for your first session?",
    "payment_released": "💳 Card hold released",
    "payout_sent": "💸 Payout sent",
    "payouts_needed": "💸 A payout is waiting for you",
    "payment_disputed": "⚠️ Payment disputed",
    "payment_lapsed": "💳 Card hold ran out",
    "card_dispute_decided": "💳 Card dispute decided",
    "payout_reversed": "↩️ Payout taken back",
    "refund_failed": "↩️ Your refund didn't go through",
}
NOTICE_BODIES = {
    "booking_requested": "<@{student}> would like a **{subject}** session with you.",
    "booking_confirmed": "Your **{subject}** session with <@{other}> is on.",
    "booking_declined": (
        "<@{other}> can't take your **{subject}** request. Nothing was charged. "
        "Try another time or tutor with `/find`."
    ),
    "booking_expired": (
        "The **{subject}** request between you and <@{other}> wasn't answered in time, "
        "so it expired. Nothing was charged."
    ),
    "booking_cancelled": "The **{subject}** session with <@{other}> was cancelled by {who}.",
    "reschedule_requested": "<@{other}> proposes a new time for your **{subject}** session.",
    "booking_rescheduled": "Your **{subject}** session with <@{other}> has a new time.",
    "reschedule_declined": "<@{other}> kept the original time for your **{subject}** session.",
    "reminder": "Your **{subject}** session with <@{other}> starts {relative}.",
    "nudge": (
        "You set up TutorBot a few days ago. Find a tutor in a minute with `/find`, "
        "then press **Book**."
    ),
    "booking_expired_unpaid": (
        "The time for your **{subject}** session with <@{other}> was released because it "
        "wasn't paid in time. Nothing was charged. Book again with `/find`."
    ),
    "payment_released": (
        "Your payment for the **{subject}** session with <@{other}> arrived after the "
        "booking had closed, so I released the hold on your card. Nothing was charged."
    ),
    "payout_sent": (
        "**{amount}** for your **{subject}** session with <@{other}> is on its way to your "
        "payout account. Thanks for tutoring!"
    ),
    "payouts_needed": (
        "Your share for the **{subject}** session with <@{other}> is ready, but you haven't "
        "set up payouts yet. Run `/tutor payouts` in the server; I'll send it once that's done."
    ),
    "payment_disputed_after_payout": (
        "The student's bank disputed the charge for your **{subject}** session with "
        "<@{other}>. You were paid already; if the bank decides for the student, your "
        "share may be taken back. The moderators are sending the session's record to the bank."
    ),
    "card_dispute_decided_won": (
        "The bank decided the card dispute about your **{subject}** session with <@{other}> "
        "for us. Your payout goes ahead as usual."
    ),
    "card_dispute_decided_lost": (
        "The bank decided the card dispute about your **{subject}** session with <@{other}> "
        "for the student, so that money went back to them. If your payout hadn't gone "
        "out yet, it is smaller or cancelled; the moderators can tell you more."
    ),
    "payout_reversed": (
        "The student's bank took back the payment for your **{subject}** session with "
        "<@{other}> (a card dispute the bank decided for them), so **{amount}** of your "
        "payout went back too. If you think the bank got it wrong, talk to a moderator."
    ),
    "refund_failed": (
        "Your refund of **{amount}** for the **{subject}** session with <@{other}> didn't "
        "reach your card (the bank sent it back). The money is safe with us: a moderator "
        "will try again or sort it out with you."
    ),
    "payment_disputed": (
        "The student's bank disputed the charge for your **{subject}** session with "
        "<@{other}>. Your payout for it is on hold while the moderators look into it; "
        "they'll contact you if they need anything."
    ),
    "payment_lapsed": (
        "The card hold for the **{subject}** session with <@{other}> ran out before it could "
        "be charged, so nothing was charged and the session is cancelled. You can book "
        "again with `/find`."
    ),
    "payment_lapsed_after_session": (
        "The card hold for the **{subject}** session with <@{other}> ran out before it could "
        "be charged, so nothing was charged for it. The server's admins know and will sort "
        "it out."
    ),
}
PAID_HELD_LINE = (
    "💳 **Paid and held:** the student's payment is held until the session is done, "
    "then your share is paid out."
)
PAYMENT_HELD_LINE = "💳 Your payment of **{total}** is held until the session is done."
WHO_CANCELLED = {"student": "the student", "tutor": "the tutor", "system": "TutorBot",
                 "moderator": "a moderator"}  # fmt: skip
WHEN_LINE = "**When:** <t:{start}:F> (<t:{start}:R>) · {minutes} min"
PROPOSED_LINE = "**Proposed:** <t:{start}:F> (<t:{start}:R>)"
NOTE_LINE = "**Note:** {note}"
REASON_LINE = "**Reason:** {reason}"
EXPIRES_LINE = "Answer by <t:{expires}:f>, or the request expires."
GCAL_LINK = "[Add to Google Calendar]({url})"
FREE_SESSION = "This session is free."
FALLBACK_PREFIX = "<@{user}> I couldn't DM you (your DMs are closed), so here it is:"
ACCEPTED = "Accepted. You're both booked; details are in your DMs."
DECLINED = "Declined. The student has been told."
RESCHEDULE_ACCEPTED = "New time accepted. Updated calendar details are in your DMs."
RESCHEDULE_KEPT = "Kept the original time. They've been told."
CANCEL_PREVIEW = (
    "Cancel your **{subject}** session <t:{start}:F>?\n{outcome}\nPress **Confirm** to cancel."
)
CANCEL_OUTCOMES = {
    "free": "It's a free session, so nothing changes hands.",
    "unpaid": "It hasn't been paid for yet, so nothing is charged.",
    "full": "You'll get a full refund.",
    "partial": "You'll get {refund}% back; the tutor receives {share}% of their rate.",
    "none": "It has already started, so there's no refund.",
    "tutor": "The student gets a full refund.",
    "tutor_late": "The student gets a full refund. This counts as a late cancellation.",
}
CANCELLED = "Cancelled. You both have the calendar update in your DMs."
KEEP = "Kept. Nothing changed."
RESCHEDULE_MODAL_TITLE = "Pick a new time"
RESCHEDULE_LABEL = "New time"
RESCHEDULE_PLACEHOLDER = "e.g. Thursday 4pm"
RESCHEDULED = "Moved to <t:{start}:F>. You both have the update in your DMs."
RESCHEDULE_PROPOSED = "Proposed <t:{start}:F>. I'll let you know when they answer."
BOOKINGS_UPCOMING = "Your upcoming sessions"
BOOKINGS_PAST = "Your past sessions"
BOOKINGS_NONE = "Nothing here yet. Find a tutor with `/find`."
BOOKINGS_FALLBACK = (
    "Your DMs are closed, so {count} message(s) reached you as a mention in a server "
    "channel. Open DMs from server members to get them privately."
)
NO_OPEN_SLOT = "no open times soon"
FIND_TITLE = "{subject} tutors ({count})"
FIND_NONE = (
    "No tutors match yet. Try another level or time, or remove the price limit. "
    "New tutors join all the time."
)
FIND_WINDOW = "Free at"
FIND_FOOTER = "Page {page} of {pages} · press Book to pick a time"
BOOK_PICK_INTRO = "Book <@{tutor}>: pick a length and one of their open times."
BOOK_NO_SLOTS = "<@{tutor}> has no open times in the next {days} days for that length."
BOOK_REQUESTED = (
    "Request sent to <@{tutor}> for <t:{start}:F>. They have until <t:{expires}:f> to accept; "
    "I'll DM you either way."
)
BOOK_CONFIRMED = "Booked! <t:{start}:F> with <@{tutor}>. The details are in your DMs."
BLOCKED = "Blocked. You and <@{user}> won't see each other in search or bookings."
UNBLOCKED = "Unblocked <@{user}>."
NOT_BLOCKED = "You hadn't blocked <@{user}>."
AVAILABILITY_PREVIEW_TITLE = "Is this right?"
AVAILABILITY_WEEKLY = "Every {day}, {start}–{end} ({zone})"
AVAILABILITY_UNTIL = " until {until}"
AVAILABILITY_WINDOW = "<t:{start}:F> – <t:{end}:t>"
AVAILABILITY_DAY_OFF = "Day off: **{day}** ({zone})"
AVAILABILITY_SAVED = "Saved. Students can now book you at these times."
AVAILABILITY_DISCARDED = "Not saved."
AVAILABILITY_LIST_TITLE = "Your availability"
AVAILABILITY_NONE = (
    "You haven't published any times yet. Try `/tutor availability add when:Mondays 17:00-19:00`."
)
AVAILABILITY_REMOVED = "Removed."
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CONFLICTS["self_block"] = "You can't block yourself."
BOOK_PICKED = "Picked <t:{start}:F> (your local time). Press **Confirm** to send the request."
BOOK_PICK_FIRST = "Pick one of the open times first."
NOTHING_CHANGED = "Okay, nothing changed."
BOOK_CONFIRM = (
    "Request a {minutes}-minute session with <@{tutor}> on <t:{start}:F> (<t:{start}:R>)? "
    "That's your local time."
)
RESCHEDULE_CONFIRM = "Move booking #{booking} to <t:{start}:F> (<t:{start}:R>)?"
BOOK_DURATION_LABEL = "{minutes} minutes"
BOOK_DURATION_NOT_OFFERED = (
    "Sessions here can be {choices} minutes long. Pick one of those lengths for `duration`."
)


def durations_list(durations: tuple[int, ...]) -> str:
    """The guild's session lengths for a sentence: "45 or 120", "30, 60 or 90"."""
    words = [str(m) for m in durations]
    if len(words) == 1:
        return words[0]
    return _("{items} or {last}").format(items=", ".join(words[:-1]), last=words[-1])


# --- booking lists, search results and their buttons --------------------------------------
STATE_LABELS = {
    "requested": "⏳ waiting for the tutor",
    "awaiting_payment": "💳 awaiting payment",
    "confirmed": "✅ confirmed",
    "declined": "declined",
    "expired": "expired",
    "cancelled": "cancelled",
    "completed": "✅ completed",
    "no_show": "missed (no-show)",
}
WITH_TUTOR = "with tutor"
WITH_STUDENT = "with student"
NEW_TIME_PROPOSED_LINE = "\n  ↪ new time proposed: <t:{start}:F>"
NEXT_FREE = "next free <t:{start}:F>"
INSTANT_TAG = " · ⚡ instant"
HIT_LINE = "**{number}.** <@{tutor}> · up to {level} · {price} · {next}{instant} · {badge}"
BOOKING_CHOICE = "#{booking} with {name} · {start} UTC"
ACCEPT_LABEL = "Accept"
DECLINE_LABEL = "Decline"
CANCEL_BOOKING_LABEL = "Cancel booking"
RESCHEDULE_BUTTON_LABEL = "Reschedule"
KEEP_LABEL = "Keep"
BOOK_LABEL = "Book"
PREV_PAGE_LABEL = "◀ Prev"
NEXT_PAGE_LABEL = "Next ▶"
DURATION_PLACEHOLDER = "Length…"
OPEN_TIMES_PLACEHOLDER = "Open times ({zone})…"
# The days of a weekly time that need no list: every day, Monday to Friday, the weekend.
DAYS_NAMED = {tuple(range(7)): "day", tuple(range(5)): "weekday", (5, 6): "weekend day"}
KEPT_NOTICES_TITLE = "Messages waiting for members"
KEPT_NOTICE_LINE = "<@{user}>: {kind}, kept {when}"
KEPT_NOTICES_HINT = (
    "Their DMs are closed and they can't see a channel I can post in. They get these the "
    "next time they use me; a fallback channel they can see would reach them sooner."
)
