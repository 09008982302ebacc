"""Profiles, tutor applications and /admin."""

from __future__ import annotations

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
CONFIG_SETUP_TITLE = "Set up by the host"
CONFIG_EMAIL_ON = "📧 Email: on. `/verify email` sends codes to `allowed_email_domains`."
CONFIG_EMAIL_OFF = (
    "📧 Email: off. Set SMTP_HOST and SMTP_FROM (README, 'Campus email') so `/verify email` "
    "can send codes."
)
CONFIG_SCREENING_ON = "🛡️ Message screening: on in session spaces."
CONFIG_SCREENING_OFF = (
    "🛡️ Message screening: off. Switch on the Message Content intent in the Developer "
    "Portal (README, 'Message screening') and restart the bot."
)
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
    "drop-in": "Drop-in hours",
    "groups": "Group sessions",
}
SUBJECT_ADDED = "Added **{name}** to this server's subjects."
SUBJECT_REMOVED = "Removed **{name}** from this server's subjects."
SUBJECT_NOT_FOUND = "There's no subject called “{name}” here."
NOT_SET = "not set"

# --- profile card fields and the profile forms ---------------------------------------------
PROFILE_ROLE = "Role"
PROFILE_ZONE = "Time zone"
PROFILE_ZONE_UNSET = "not set"
PROFILE_VERIFICATION = "Verification"
PROFILE_TUTORING = "Tutoring"
PROFILE_RATING = "Rating"
PROFILE_SESSIONS_FIELD = "Sessions"
PROFILE_BIO = "Bio"
PROFILE_STUDENT = "Student"
PROFILE_COMPLETENESS = "Profile completeness"
PROFILE_MISSING = " · missing: {missing}"
PROFILE_RATE_LINE = "**Rate:** {rate}"
PROFILE_FORMATS_LINE = "**Formats:** {formats}"
PROFILE_INSTANT_LINE = "**Instant booking:** {instant}"
PROFILE_INSTANT_STATES = {True: "on", False: "off"}
PROFILE_GOALS_LINE = "\n**Goals:** {goals}"
PROFILE_TEACHES = "Teaches"
PROFILE_NOT_TEACHING = "Doesn't teach"
PROFILE_LEARNING = "Learning"
GOALS_LABEL = "Your goals"
GOALS_PLACEHOLDER = "What do you want to get better at?"
BIO_LABEL = "Bio"
BIO_PLACEHOLDER = "Who you are, what you teach, how you teach."
RATE_LABEL = "Hourly rate"
RATE_PLACEHOLDER = "e.g. 25 or 25.50"
APPLY_RATE_LABEL = "Hourly rate (0 for free)"
NOT_TEACHING_LABEL = "Subjects you don't teach (optional)"
NOT_TEACHING_PLACEHOLDER = "Comma-separated, e.g. Statistics, Organic Chemistry"
APPLY_SUBJECTS_PLACEHOLDER = "Subjects I teach…"
APPLY_LEVEL_OPTION = "Up to {level}"
APPLY_LEVEL_PLACEHOLDER = "I teach up to…"
APPLY_FORMATS_PLACEHOLDER = "Session formats…"
APPLY_INSTANT_PLACEHOLDER = "Instant booking…"
# The choices still to make on /tutor apply, as the "missing" sentence lists them.
APPLY_CHOICES = {"subjects": "subjects", "level": "a level", "formats": "a format"}
