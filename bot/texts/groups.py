"""Group sessions: `/group`, the group cards with Join / Join waitlist, and the DMs."""

from __future__ import annotations

from bot.texts.bookings import NOTICE_TITLES
from bot.texts.common import CONFLICTS, ENTITY_NAMES, FIELD_NAMES

# --- buttons --------------------------------------------------------------------------------
GROUP_JOIN_LABEL = "Join #{group}"
GROUP_WAITLIST_LABEL = "Join waitlist #{group}"
GROUP_CLAIM_LABEL = "Claim seat"

# --- the group card (`/group list`, `/group create`, `/find`) --------------------------------
GROUP_CARD_LINE = (
    "**#{group} {title}** with <@{tutor}>: <t:{start}:F> for {minutes} min. {seats}{price}{level}"
)
GROUP_SEATS_FREE = "🪑 {free} of {seats} seats free."
GROUP_SEATS_FULL = "🪑 Full ({seats} seats), {waiting} on the waitlist."
GROUP_PRICE = " {price} a seat."
GROUP_LEVEL = " Level: {level}."
GROUP_LIST_TITLE = "👥 Group sessions"
GROUP_LIST_EMPTY = (
    "There are no open group sessions right now. `/find` shows tutors you can book one-to-one."
)
GROUP_LIST_FOOTER = "Press Join for a seat, or Join waitlist when a session is full."
FIND_GROUPS_LINE = "👥 Also open in this subject: {count} group session(s). Take a seat below."

# --- /group replies -------------------------------------------------------------------------
GROUP_CREATED = (
    "Your group session **{title}** is published: <t:{start}:F>, {seats} seats. "
    "Students join with `/group list`. It goes ahead with at least {min_seats} student(s) "
    "by <t:{check}:f>; otherwise it's called off and everyone is refunded."
)
GROUP_CREATED_LATE = (
    "Your group session **{title}** is published: <t:{start}:F>, {seats} seats. "
    "Students join with `/group list`."
)
GROUP_JOINED = (
    "You have a seat in **{title}** with <@{tutor}>, <t:{start}:F>. "
    "You'll get reminders, and the session space opens shortly before the start."
)
GROUP_JOINED_PAY = "A seat in **{title}** is held for you until <t:{until}:t>. Pay to keep it."
GROUP_WAITLISTED = (
    "You're number {position} on the waitlist for **{title}**. If a seat frees up, "
    "I'll DM you a **Claim seat** button."
)
GROUP_LEFT_WAITLIST = "You've left the waitlist for **{title}**."
GROUP_CALLED_OFF = (
    "You've called off **{title}**. Everyone who had a seat ({count}) is refunded in full and told."
)
GROUP_PICK_NONE = "You aren't in any upcoming group session."
GROUP_CHOICE = "#{group} {title} · {start} UTC"
GROUP_SEAT_TAG = " · 👥 group session"

# --- DMs ------------------------------------------------------------------------------------
NOTICE_TITLES["seat_offered"] = "🪑 A seat is free for you"
SEAT_OFFERED_NOTICE = (
    "A seat in **{title}** (<t:{start}:F>) just freed up, and you're first on the waitlist. "
    "It's yours if you press **Claim seat** before <t:{until}:t> (<t:{until}:R>); "
    "after that it goes to the next person."
)
NOTICE_TITLES["group_cancelled"] = "Group session called off"
GROUP_CANCELLED_BY_TUTOR = (
    "The tutor called off **{title}** (<t:{start}:F>). If you paid, you get a full refund."
)
GROUP_CANCELLED_TOO_FEW = (
    "**{title}** (<t:{start}:F>) is called off: not enough people joined. "
    "If you paid, you get a full refund."
)

# --- what can go wrong ----------------------------------------------------------------------
CONFLICTS.update(
    {
        "group_not_a_tutor": "Only tutors can publish group sessions. Run `/tutor apply` first.",
        "group_subject_not_taught": (
            "You don't list that subject on your tutor profile. Add it with `/tutor apply` first."
        ),
        "group_price_unpaid_server": (
            "This server doesn't take payments, so group sessions here are free. Leave out `price`."
        ),
        "group_full": (
            "That group session is full. Press **Join waitlist** and I'll DM you "
            "if a seat frees up."
        ),
        "group_has_seats": "That group session still has free seats. Press **Join** instead.",
        "group_already_seated": "You already have a seat in that group session.",
        "group_already_waiting": "You're already on the waitlist for that group session.",
        "group_not_member": "You aren't in that group session or on its waitlist.",
        "group_cancelled": "That group session was called off.",
        "group_started": "That group session has already started, so it can't be joined now.",
        "group_seat_fixed": (
            "A group session's time is set by its tutor, so a seat can't be moved. "
            "You can cancel your seat instead."
        ),
        "seat_offer_gone": (
            "That seat offer has run out or went to someone else. "
            "You can join the waitlist again with `/group list`."
        ),
    }
)
ENTITY_NAMES["group"] = "I couldn't find that group session. It may have been called off."
FIELD_NAMES["seats"] = "The number of seats"
FIELD_NAMES["title"] = "The title"
