"""/start, the checklist and /help."""

from __future__ import annotations

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
        "`/start` set up your profile (`referred_by:` who brought you) · `/timezone set` · "
        "`/profile view` · `/profile edit` · `/referrals` who you brought and your credit",
    ),
    (
        "Students",
        "`/find subject:` find a tutor, then press **Book** · `/book tutor: when:` "
        "(`repeat:weekly` for every week) · `/bookings` · `/reschedule` · `/cancel` · "
        "`/review` and `/notes` for your sessions · `/queue join` drop-in hours",
    ),
    (
        "Tutors",
        "`/tutor apply` your tutor profile · `/tutor availability add|list|remove` when "
        "you're free · `/tutor payouts` to get paid · `/tutor pause` / `/tutor resume` · "
        "requests arrive in your DMs with **Accept** / **Decline** · `/notes-template` · "
        "`/queue open` / `/queue close` drop-in hours",
    ),
    (
        "Sessions",
        "Each session gets a private thread (and voice channel) shortly before the start: "
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
ROLE_PLACEHOLDER = "I am a…"
ZONE_PLACEHOLDER = "My time zone…"
SUBJECTS_PLACEHOLDER = "Subjects (to learn or to teach)…"
LEVEL_PLACEHOLDER = "My level…"
# The choices still to make on /start, as START_MISSING lists them.
START_CHOICES = {
    "role": "a role",
    "zone": "a time zone",
    "subjects": "at least one subject",
    "level": "a level",
}
