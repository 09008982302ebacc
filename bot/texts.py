"""Every sentence the bot says, in one place.

Keep replies short, friendly and specific: say what happened and what to do next.
"""

from __future__ import annotations

from marketplace.domain.errors import (
    AmbiguousTimeError,
    ConflictError,
    DomainError,
    InputError,
    InvalidSettingError,
    InvalidTransitionError,
    NonexistentTimeError,
    NotFoundError,
    PermissionDeniedError,
    UnknownSettingError,
    UnknownTimeZoneError,
)
from marketplace.domain.policy import SETTINGS, SettingKind

FIELD_NAMES = {
    "bio": "Your bio",
    "goals": "Your goals",
    "rate": "The rate",
    "max_price": "The price limit",
    "note": "The note",
    "reason": "The reason",
    "subjects": "Subjects",
    "subject": "The subject name",
    "formats": "Session format",
    "not_teaching": "“Subjects you don't teach”",
    "timezone": "The time zone",
    "zone": "The time zone",
    "role": "Role",
    "level": "Level",
}

PROBLEMS = {
    "empty": "can't be empty.",
    "too_long": "is too long (at most {limit} characters).",
    "too_short": "is too short (at least {limit} characters).",
    "too_many": "has too many items (at most {limit}).",
    "bad_characters": "has characters I can't use.",
    "not_a_number": "should be a number, like 25 or 25.50.",
    "out_of_range": "is out of range{limit_text}.",
    "negative": "can't be negative.",
    "too_precise": "has too many decimal places.",
    "wrong_currency": "is in a different currency from this server's.",
    "unknown_choice": "isn't one of the options. Pick from the list.",
    "duplicate": "lists the same thing twice.",
    "conflict": "clashes with something else.",
}

WHEN_PROBLEMS = {
    "unparseable": (
        "I couldn't read that time. Try something like `tomorrow 3pm-5pm`, "
        "`Mondays 17:00-19:00` or `2026-12-03 14:00`."
    ),
    "missing_time": "Please add a time, like `Friday 4pm`.",
    "missing_end": "Please give a start and an end, like `Mondays 17:00-19:00`.",
    "end_before_start": "The end must come after the start.",
    "zero_length": "The start and end are the same; give a range, like `15:00-17:00`.",
    "in_the_past": "That time has already passed.",
    "too_soon": "Sessions need at least {limit} minutes' notice. Pick a later time.",
    "too_far_ahead": "You can book up to {limit} days ahead. Pick an earlier date.",
    "too_long": "That's too long; keep it under {limit} characters.",
    "empty": "Please say when, like `tomorrow 3pm`.",
    "out_of_range": "That time is out of range.",
}
ZONE_MISSING = "Please type a time zone, like `Europe/Berlin` or `America/New_York`."
NOT_TEACHING_EVERYTHING = (
    "That leaves no subject to teach: every subject you picked is also under "
    "“Subjects you don't teach”. Remove it there, or pick another subject."
)
DURATION_PROBLEM = "Sessions can be {choices} minutes long."
NONEXISTENT = (
    "{local} doesn't exist in {zone}: the clocks jump forward then. "
    "Pick a time after the change, like one hour later."
)
AMBIGUOUS = (
    "{local} happens twice in {zone} (the clocks go back). "
    "Did you mean the first (<t:{earlier}:t>) or the second (<t:{later}:t>)? "
    "Say it with a time just before or after, like 00:59 or 02:00."
)

NEEDS = {
    "admin": "Only server admins (Manage Server) can do that.",
    "moderator": "Only moderators can do that.",
    "owner": "Only the owner of this can do that.",
}

ENTITY_NAMES = {
    "member": "You haven't set up your profile here yet. Run `/start` first.",
    "tutor_profile": "You don't have a tutor profile yet. Run `/tutor apply` first.",
    "subject": "I couldn't find that subject.",
    "timezone": "Set your time zone first with `/timezone set`, so I read times right.",
    "availability": (
        "I couldn't find that availability entry. `/tutor availability list` shows them."
    ),
    "booking": "I couldn't find that booking among yours.",
    "tutor": "That person isn't offering tutoring here.",
    "checkout": "That payment link isn't valid any more. Get a fresh one from `/bookings`.",
    "payment": "That booking has no payment.",
    "payout_account": "I couldn't find that payout account. Run `/tutor payouts` again.",
}
NOT_A_TUTOR_YOURSELF = "You don't have a tutor profile here yet. Run `/tutor apply` first."

UNEXPECTED = (
    "Sorry, something went wrong on my side. It has been logged; please try again in a moment."
)
GUILD_ONLY = "TutorBot works inside a server. Please use this command there."
NOT_YOURS = "This menu belongs to someone else. Run the command yourself to get your own."
EXPIRED_MENU = "This menu has expired. Run the command again."
FORM_NOT_YOURS = "This form was opened by someone else. Open your own to fill it in."
FORM_EXPIRED = "This form has expired or was already sent. Please open it again."


def human_join(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe_error(  # noqa: PLR0911, PLR0912 - one case per error kind
    error: DomainError, viewer_id: int | None = None
) -> str:
    """One short sentence telling the user (`viewer_id`) what was wrong and how to fix it."""
    match error:
        case NonexistentTimeError(local=local, zone=zone):
            return NONEXISTENT.format(local=f"{local:%a %d %b %H:%M}", zone=zone)
        case AmbiguousTimeError(local=local, zone=zone, earlier_utc=a, later_utc=b):
            return AMBIGUOUS.format(
                local=f"{local:%a %d %b %H:%M}",
                zone=zone,
                earlier=int(a.timestamp()),
                later=int(b.timestamp()),
            )
        case InputError(field="when", problem=problem, limit=limit):
            return WHEN_PROBLEMS.get(problem, WHEN_PROBLEMS["unparseable"]).format(limit=limit)
        case InputError(field="duration"):
            return DURATION_PROBLEM.format(choices="30, 60 or 90")
        case InputError(field="not_teaching", problem="conflict"):
            return NOT_TEACHING_EVERYTHING
        case InputError(field=field, problem=problem, limit=limit):
            return _input_problem(field, problem, limit)
        case UnknownTimeZoneError(zone=""):
            return ZONE_MISSING
        case UnknownTimeZoneError(zone=zone):
            shown = zone if len(zone) <= 40 else zone[:40] + "…"
            return (
                f"I don't know the time zone “{shown}”. Use a name like `Europe/Berlin` "
                "or `America/New_York`; the list suggests names as you type."
            )
        case UnknownSettingError(key=key):
            return f"There's no setting called `{key[:40]}`. Run `/admin config` to see them all."
        case InvalidSettingError():
            return _setting_problem(error)
        case PermissionDeniedError(needed=needed):
            return NEEDS.get(needed, NEEDS["admin"])
        case NotFoundError(entity="tutor", key=key) if key == str(viewer_id):
            return NOT_A_TUTOR_YOURSELF
        case NotFoundError(entity=entity):
            return ENTITY_NAMES.get(entity, "I couldn't find that. It may have been removed.")
        case InvalidTransitionError(action=action, from_state=state):
            return ALREADY.get(
                (action, str(state)),
                "That can't be done any more; things have moved on. Check `/bookings`.",
            )
        case ConflictError(reason=reason):
            return CONFLICTS.get(reason, "That clashes with something that just changed.")
    return UNEXPECTED


def _input_problem(field: str, problem: str, limit: int | None) -> str:
    name = FIELD_NAMES.get(field, field.replace("_", " ").capitalize())
    template = PROBLEMS.get(problem, "isn't valid.")
    limit_text = f" (at most {limit:,})" if limit is not None else ""
    return f"{name} {template.format(limit=limit, limit_text=limit_text)}"


def _setting_problem(error: InvalidSettingError) -> str:
    key = f"`{error.key}`"
    if error.related:
        return f"{key} can't be set to that: it conflicts with `{error.related}`."
    if error.problem == "too_long":
        return f"That value for {key} is too long."
    if error.problem in ("unknown_channel", "unknown_role"):
        thing = "channel" if error.problem == "unknown_channel" else "role"
        return f"I can't find that {thing} in this server. Mention it, like {key}: #sessions."
    spec = SETTINGS.get(error.key)
    kind = spec.kind if spec else None
    shape = SETTING_SHAPES.get(kind, "a valid value") if kind else "a valid value"
    if spec and spec.minimum is not None and spec.maximum is not None:
        shape += f" between {spec.minimum:,} and {spec.maximum:,}"
    if error.problem == "too_many" and error.maximum is not None:
        shape += f" (at most {error.maximum} items)"
    return f"{key} must be {shape}."


SETTING_SHAPES = {
    SettingKind.INT: "a whole number",
    SettingKind.BOOL: "`on` or `off`",
    SettingKind.CURRENCY: "a currency code such as USD, EUR or GBP",
    SettingKind.CHANNEL: "a channel: mention it like #sessions, or `none` to clear it",
    SettingKind.ROLE: "a role: mention it like @Moderators, or `none` to clear it",
    SettingKind.INT_LIST: "a list of whole numbers, like `120, 15`, each",
    SettingKind.STR_LIST: "a comma-separated list, like `en, fr`",
}

BAD_OPTION = "One of the options isn't valid. Check it and try again."
COOLDOWN = "Slow down a little: try again in {seconds} s."

# --- onboarding ---------------------------------------------------------------------------
START_INTRO = (
    "**Welcome to TutorBot!** Tell me a little about you, then press **Save**.\n"
    "Pick your role, your time zone, the subjects you care about and your level."
)
START_MISSING = "Almost there: please pick {missing} first."
START_SAVED_TITLE = "You're all set, {name}!"
START_SAVED = "Role: **{role}** · Time zone: **{zone}**\nSubjects: {subjects} ({level})"
ROLE_LABELS = {"student": "Student", "tutor": "Tutor", "both": "Both: I learn and I teach"}
LEVEL_LABELS = {"beginner": "Beginner", "intermediate": "Intermediate", "advanced": "Advanced"}
FORMAT_LABELS = {"text": "Text chat", "voice": "Voice call"}
OTHER_ZONE_LABEL = "Other time zone…"
ZONE_MODAL_TITLE = "Your time zone"
ZONE_MODAL_LABEL = "IANA time zone name"
ZONE_MODAL_PLACEHOLDER = "e.g. Europe/Berlin, America/Chicago, Asia/Kolkata"
ZONE_SET = "Time zone set to **{zone}**. Times will show in your local time everywhere."
CHECKLIST_TITLE = "Next steps"
STEP_TEXT = {
    "timezone": "Set your time zone: `/timezone set`",
    "subjects": "Pick your subjects: `/start`",
    "find_tutor": "Find a tutor: `/find subject:`",
    "tutor_apply": "Create your tutor profile: `/tutor apply`",
    "tutor_profile": "Finish your tutor profile: `/profile edit`",
    "availability": "Publish when you're free: `/tutor availability add`",
    "payouts": "Set up payouts: `/tutor payouts`",
}
ALL_DONE = "Everything's done. Nice!"

# --- help -----------------------------------------------------------------------------------
HELP_TITLE = "TutorBot help"
HELP_SECTIONS = (
    (
        "Getting started",
        "`/start` set up your profile · `/timezone set` · `/profile view` · `/profile edit`",
    ),
    (
        "Students",
        "`/find subject:` find a tutor, then press **Book** · `/book tutor: when:` · "
        "`/bookings` · `/reschedule` · `/cancel` · `/review` and `/notes` for your sessions",
    ),
    (
        "Tutors",
        "`/tutor apply` your tutor profile · `/tutor availability add|list|remove` when "
        "you're free · `/tutor payouts` to get paid · `/tutor pause` / `/tutor resume` · "
        "requests arrive in your DMs with **Accept** / **Decline** · `/notes-template`",
    ),
    (
        "Sessions",
        "Each session gets a private thread (and voice channel) 15 minutes before the start: "
        "press **I agree**, then **Check in** · **Report** reaches the moderators",
    ),
    (
        "Safety",
        "`/block user:` / `/unblock user:` hide someone from your search and bookings · "
        "`/report` a problem to the moderators",
    ),
    ("Admins", "`/admin config` view or change this server's settings · `/admin subjects`"),
)
HELP_FOOTER = "Replies about you are only visible to you."
ZONE_PICKED = "Got it: **{zone}**. Press **Save** when you're ready."

# --- profiles -------------------------------------------------------------------------------
VERIFICATION_BADGES = {
    "none": "Not verified yet",
    "campus-email": "✉️ Campus email verified",
    "moderator-verified": "🛡️ Verified by moderators",
}
MISSING_ITEMS = {
    "subjects": "subjects",
    "availability": "availability (`/tutor availability add`)",
    "timezone": "time zone (`/timezone set`)",
    "bio": "a bio of a few sentences (`/profile edit`)",
    "rate": "a rate (`/profile edit`)",
    "verification": "verification",
    "formats": "session formats (`/tutor apply`)",
    "goals": "your goals (`/profile edit`)",
}
NO_PROFILE_SELF = "You haven't set up a profile here yet. Run `/start` to begin."
NO_PROFILE_OTHER = "{name} hasn't set up a profile here yet."
PROFILE_PAUSED = "⏸️ Paused: not taking new bookings"
PROFILE_FREE = "Free"
PROFILE_RATE = "{rate} / hour"
PROFILE_RATE_UNPAID = "{rate} / hour (sessions are free here while payments are off)"
PROFILE_SESSIONS = "{count} {sessions} · {percent}% completed"
PROFILE_EDIT_TITLE = "Edit your profile"
PROFILE_EDIT_NOTHING = (
    "There's nothing to edit yet. Run `/start` to set up a student profile "
    "or `/tutor apply` to become a tutor."
)
PROFILE_SAVED = "Saved. Here's your profile now:"

# --- tutors ---------------------------------------------------------------------------------
TUTOR_APPLY_INTRO = (
    "**Become a tutor.** Pick what you teach, up to which level, and how you'd like to meet. "
    "Then press **Continue** to add your rate and bio."
)
TUTOR_APPLY_MODAL_TITLE = "Your tutor profile"
TUTOR_APPLY_MISSING = "Please pick {missing} first."
TUTOR_APPLY_SAVED = (
    "Your tutor profile is saved. Next, publish when you're free: `/tutor availability add`."
)
INSTANT_LABELS = {
    "off": "Instant booking off: I accept each request",
    "on": "Instant booking on: confirm bookings at once",
}
TUTOR_PAUSED = (
    "You're paused: you won't show up in search or get new requests. `/tutor resume` to come back."
)
TUTOR_RESUMED = "Welcome back! You're visible in search again."

# --- admin ----------------------------------------------------------------------------------
CONFIG_TITLE = "Server settings"
CONFIG_HELP = (
    "Change one with `/admin config setting:<name> value:<new value>`. "
    "Numbers are minutes, hours, days or percent as the name says; fees are basis points."
)
CONFIG_PAYMENTS_OFF = "💡 No Stripe key is configured, so every session is free for now."
CONFIG_CHANGED = "`{key}` is now **{value}**."
CONFIG_GROUP_TITLES = {
    "general": "General",
    "booking": "Booking",
    "cancellation": "Cancellation",
    "attendance": "Attendance",
    "money": "Money",
    "reviews": "Reviews",
    "safety": "Safety",
    "reminders": "Reminders",
}
SUBJECT_ADDED = "Added **{name}** to this server's subjects."
SUBJECT_REMOVED = "Removed **{name}** from this server's subjects."
SUBJECT_NOT_FOUND = "There's no subject called “{name}” here."
NOT_SET = "not set"

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
    "payment_disputed": (
        "The student's bank disputed the charge for your **{subject}** session with "
        "<@{other}>. Your payout for it is on hold while the moderators look into it; "
        "they'll contact you if they need anything."
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
ALREADY = {
    ("accept", "confirmed"): "You already accepted this one. ✅",
    ("decline", "declined"): "You already declined this one.",
    ("accept", "declined"): "You declined this request earlier.",
    ("decline", "confirmed"): "You accepted this already; use Cancel booking if plans changed.",
    ("accept", "expired"): "This request expired before it was answered.",
    ("decline", "expired"): "This request expired before it was answered.",
    ("accept", "cancelled"): "The student cancelled this request.",
    ("decline", "cancelled"): "The student cancelled this request.",
    ("cancel", "cancelled"): "This booking is already cancelled.",
    ("cancel", "declined"): "The tutor declined this request, so there's nothing to cancel.",
    ("cancel", "expired"): "This request expired, so there's nothing to cancel.",
    ("cancel", "completed"): "This session is already completed, so it can't be cancelled.",
    ("cancel", "no_show"): "This session is already closed, so it can't be cancelled.",
    ("complete", "completed"): "This session is already marked complete. ✅",
    ("complete", "no_show"): "This session was already closed as a no-show.",
    ("complete", "cancelled"): "This booking was cancelled, so it can't be completed.",
    ("complete", "requested"): "The tutor hasn't accepted this request yet.",
    ("complete", "awaiting_payment"): "This booking hasn't been paid for yet.",
    ("accept", "completed"): "This session is already over.",
}
CONFLICTS = {
    "slot_taken": "That slot was just taken. Pick another time with `/find`.",
    "not_available": "That tutor isn't available then. Their open times are on `/find`.",
    "tutor_paused": "That tutor is taking a break and isn't accepting bookings right now.",
    "restricted": "Booking isn't possible for this account right now. Contact a moderator.",
    "self_booking": "You can't book yourself. 🙂",
    "student_busy": "You already have a session at that time.",
    "request_expired": "This request has expired.",
    "same_time": "That's the time it already has.",
    "not_yet_expired": "This request hasn't expired yet.",
    "tutor_not_accepting_payments": (
        "That tutor isn't accepting paid bookings yet (their payouts aren't set up). "
        "Pick another tutor with `/find`, or try them again later."
    ),
    "payments_off": "Payments are off in this server: every session here is free.",
    "payment_unavailable": (
        "I can't reach the payment service right now. Nothing was charged; "
        "please try again in a minute."
    ),
    "checkout_closed": (
        "This booking can't be paid any more: it's paid already, or its payment window "
        "closed. Check `/bookings`."
    ),
    "not_started": "This session hasn't started yet. Mark it complete once it's under way.",
    "payment_changed": "The payment changed just now. Please try again.",
}
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
    "{count} message(s) reached you only in the server's help channel because your DMs are "
    "closed. Open DMs from server members to get them privately."
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

# --- payments -------------------------------------------------------------------------------
NOT_ACCEPTING_PAYMENTS = "not accepting paid bookings yet"
BOOK_AWAITING_PAYMENT = (
    "Almost there! Pay **{total}** for your session with <@{tutor}> on <t:{start}:F>. "
    "Please pay by <t:{deadline}:t> (<t:{deadline}:R>), or the time is released.\n"
    "Your card is only held (authorized), not charged, until the session. "
    "The request goes to <@{tutor}> once it's paid."
)
PAY_LABEL = "Pay"
PAY_BY = "pay by <t:{deadline}:t> (<t:{deadline}:R>)"
PAYMENT_LABELS = {
    "awaiting_payment": "💳 awaiting payment",
    "held": "💳 held",
    "released": "💳 released to tutor",
    "refunded": "💳 refunded",
    "partially_refunded": "💳 partially refunded",
    "failed": "💳 payment failed",
    "voided": "💳 hold released, nothing charged",
    "unpaid": "💳 not paid, nothing charged",
}
PAYMENT_FREE = "free"
PAYOUTS_SETUP = (
    "To get paid for sessions here, connect a payout account. It takes a few minutes "
    "on Stripe's secure page: press **Set up payouts**.\n"
    "Until then students see you as not accepting paid bookings yet."
)
PAYOUTS_SETUP_LABEL = "Set up payouts"
PAYOUTS_ON = (
    "Payouts are on ✅. Your share of each paid session is sent to your payout account "
    "once the session's dispute window has closed."
)
MARK_COMPLETE_LABEL = "Mark complete"
COMPLETED = (
    "Marked complete. ✅ Thanks! The payment is released to the tutor once the dispute "
    "window has closed."
)
COMPLETED_FREE = "Marked complete. ✅ Thanks!"

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
MOD_QUEUE_PAGE = "Page {page} of {pages} · {total} open · `/mod queue page:{next}` for more"
MOD_QUEUE_LAST_PAGE = "Page {page} of {pages} · {total} open"
MOD_CASE_TITLE = "Case #{case} · reported <t:{at}:R>"
MOD_CASE_BODY = "**Reported:** <@{target}>\n**By:** <@{reporter}>{booking}\n**Reason:** {reason}"
MOD_CASE_BOOKING = "\n**Booking:** #{booking}"
MOD_CARD_DISPUTES = "Card disputes (read-only)"
MOD_CARD_DISPUTE = "Card dispute on booking #{booking} (<t:{at}:R>)"
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
MOD_HELD_REVIEW = "Held review on booking #{booking}"
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

# --- attendance -----------------------------------------------------------------------------
CHECK_IN_LABEL = "Check in"
CHECKED_IN = "You're checked in. ✅ Have a good session!"
ALREADY_CHECKED_IN = "You're already checked in."
CHECK_IN_NOT_YOURS = "Only the student and the tutor of this session can check in."
CONFLICTS["check_in_too_early"] = (
    "It's too early to check in. Check in opens shortly before the start; "
    "the 15-minute reminder has the button."
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
SPACE_ALERT_OTHER = "⚠️ I couldn't open a private space for session #{booking}."
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

# --- notes ----------------------------------------------------------------------------------
NOTES_TITLE = "📒 Session notes · {subject}"
NOTES_SHARED = (
    "Shared by <@{student}> (student) and <@{tutor}> (tutor), across all your sessions "
    "together. Only you two can see them."
)
NOTES_GOALS_HEADING = "**🎯 Goals**"
NOTES_NO_GOALS = "No goals yet. Press **Edit goals** to write down what you're working towards."
NOTES_GOALS_EDITED = "_Last edited by <@{user}> <t:{at}:R>_"
NOTES_NONE_HEADING = "Progress notes"
NOTES_NONE = "No notes yet. Press **Add note** after a session to record what you covered."
NOTE_FIELD_BOOKING = " · session #{booking}"
NOTE_CONTINUED = "↳ continued"
NOTE_BODY = "<@{author}> · <t:{at}:f>\n{text}"
NOTE_ROLES = {"student": "🎓 Student", "tutor": "🧑‍🏫 Tutor"}
NOTES_PAGE = "Notes {first}–{last} of {total}, newest first · page {page} of {pages}"
NOTES_COUNT = "{total} notes, newest first"
NOTES_COUNT_ONE = "1 note"
NOTES_MORE_THAN_LOADED = " · only the latest {loaded} are shown here"
NOTES_EDIT_GOALS_LABEL = "Edit goals"
NOTES_ADD_LABEL = "Add note"
NOTES_NEWER_LABEL = "◀ Newer"
NOTES_OLDER_LABEL = "Older ▶"
NOTES_GOALS_MODAL_TITLE = "Shared goals (session #{booking})"
NOTES_GOALS_LABEL = "Goals (both of you can edit these)"
NOTES_GOALS_PLACEHOLDER = "e.g. Pass the calculus midterm; get confident with integrals."
NOTE_MODAL_TITLE = "Add a note (session #{booking})"
NOTE_LABEL = "Your note"
NOTE_PLACEHOLDER = "What did you cover? What's next? Both of you will see it."
NOTES_GOALS_SAVED = "✅ Goals saved."
NOTES_GOALS_CLEARED = "✅ Goals cleared."
NOTE_ADDED = "✅ Note added."
NOTES_TEMPLATE_MODAL_TITLE = "Notes template: {subject}"
NOTES_TEMPLATE_LABEL = "Template (leave empty to remove it)"
NOTES_TEMPLATE_PLACEHOLDER = "e.g.\nGoals:\nTopics covered:\nHomework:"
NOTES_TEMPLATE_SAVED = (
    "✅ Template saved. Your **Add note** form starts with it on your **{subject}** sessions."
)
NOTES_TEMPLATE_REMOVED = "Template removed: your **{subject}** notes start empty again."
CONFLICTS["goals_changed"] = (
    "The other person changed the goals while you were editing. Press **Edit goals** "
    "again to see their version, then make your change."
)
CONFLICTS["note_is_template"] = "Your note is still just the template. Fill it in, then save."
CONFLICTS["template_subject_not_taught"] = (
    "You can only set templates for subjects you teach. Pick one from the list, or add it "
    "with `/tutor apply`."
)
FIELD_NAMES["notes_goals"] = "The goals"
FIELD_NAMES["progress_note"] = "Your note"
FIELD_NAMES["note_template"] = "The template"
ALREADY[("notes", "awaiting_payment")] = "Notes open once this booking is paid for."
ALREADY[("notes", "declined")] = (
    "This request was declined, so it has no notes. Pick a booking you actually had with them."
)
ALREADY[("notes", "expired")] = (
    "This request expired unanswered, so it has no notes. Pick a booking you actually had "
    "with them."
)
