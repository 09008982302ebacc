"""Every sentence the bot says, in one place.

Keep replies short, friendly and specific: say what happened and what to do next.
"""

from __future__ import annotations

from marketplace.domain.errors import (
    ConflictError,
    DomainError,
    InputError,
    InvalidSettingError,
    InvalidTransitionError,
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
    "subjects": "Subjects",
    "subject": "The subject name",
    "formats": "Session format",
    "not_teaching": "“Subjects you don't teach”",
    "timezone": "The time zone",
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

NEEDS = {
    "admin": "Only server admins (Manage Server) can do that.",
    "moderator": "Only moderators can do that.",
    "owner": "Only the owner of this can do that.",
}

ENTITY_NAMES = {
    "member": "You haven't set up your profile here yet. Run `/start` first.",
    "tutor_profile": "You don't have a tutor profile yet. Run `/tutor apply` first.",
    "subject": "I couldn't find that subject.",
}

UNEXPECTED = (
    "Sorry, something went wrong on my side. It has been logged; please try again in a moment."
)
GUILD_ONLY = "TutorBot works inside a server. Please use this command there."
NOT_YOURS = "This menu belongs to someone else. Run the command yourself to get your own."
EXPIRED_MENU = "This menu has expired. Run the command again."


def human_join(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe_error(error: DomainError) -> str:  # noqa: PLR0911 - one case per error kind
    """One short sentence telling the user what was wrong and how to fix it."""
    match error:
        case InputError(field=field, problem=problem, limit=limit):
            return _input_problem(field, problem, limit)
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
        case NotFoundError(entity=entity):
            return ENTITY_NAMES.get(entity, "I couldn't find that. It may have been removed.")
        case InvalidTransitionError():
            return "That can't be done any more; things have moved on. Refresh and try again."
        case ConflictError():
            return "That clashes with something that just changed. Please try again."
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
        "Everyone",
        "`/start` set up your profile · `/profile view` · `/profile edit` · "
        "`/timezone set` · `/help`",
    ),
    (
        "Tutors",
        "`/tutor apply` create or update your tutor profile · "
        "`/tutor pause` / `/tutor resume` hide or show you in search",
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
