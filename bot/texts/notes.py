"""Shared session notes and templates."""

from __future__ import annotations

from bot.texts.common import (
    ALREADY,
    CONFLICTS,
    FIELD_NAMES,
)

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
