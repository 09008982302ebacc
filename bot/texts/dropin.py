"""Drop-in office hours: `/queue`, the live queue message, and the students' DMs."""

from __future__ import annotations

from bot.texts.bookings import NOTICE_BODIES, NOTICE_TITLES
from bot.texts.common import CONFLICTS, ENTITY_NAMES, FIELD_NAMES, FIELD_PROBLEMS

# --- buttons on the queue message -----------------------------------------------------------
QUEUE_NEXT_LABEL = "Next"
QUEUE_SKIP_LABEL = "Skip"
QUEUE_DONE_LABEL = "Done"

# --- the live queue message -----------------------------------------------------------------
QUEUE_BOARD_TITLE = "🙋 Drop-in hours: {subject}"
QUEUE_BOARD_OPEN = (
    "Join with `/queue join subject:{subject}`. First come, first served. "
    "Open until <t:{until}:t> (<t:{until}:R>)."
)
QUEUE_BOARD_CLOSED = "These drop-in hours have ended. Thanks for coming!"
QUEUE_BOARD_TUTORS = "Tutors"
QUEUE_BOARD_HELPING = "Helping now"
QUEUE_BOARD_HELPING_LINE = "<@{tutor}> with <@{student}>"
QUEUE_BOARD_NOBODY_HELPED = "Nobody yet"
QUEUE_BOARD_WAITING = "Waiting"
QUEUE_BOARD_WAITING_VALUE = "{count} in line"
QUEUE_BOARD_WAIT = "Estimated wait"
QUEUE_BOARD_WAIT_VALUE = "about {minutes} min if you join now"
QUEUE_BOARD_NO_WAIT = "none, join now"
QUEUE_BOARD_FOOTER = (
    "Tutors: Next calls the first in line, Skip if they're not here, Done when finished."
)

# --- /queue replies -------------------------------------------------------------------------
QUEUE_OPENED = (
    "Your **{subject}** drop-in hours are open until <t:{until}:t>. The queue is in <#{channel}>; "
    "press **Next** there to call the first student. `/queue close` ends them."
)
QUEUE_JOINED_HOURS = (
    "You're now helping with the **{subject}** drop-in hours in <#{channel}>, "
    "open until <t:{until}:t>. Press **Next** there to call the first student."
)
QUEUE_CLOSED_REPLY = "Your **{subject}** drop-in hours are closed. Thanks for helping!"
QUEUE_CLOSED_TOLD = " {count} student(s) still waiting were told and offered your next open slot."
QUEUE_LEFT_HOURS = (
    "You've stopped helping with the **{subject}** drop-in hours; the others carry on."
)
QUEUE_PLACE = (
    "You're **#{position}** in the **{subject}** queue. "
    "Estimated wait: about {minutes} min. I'll DM you when a tutor calls you."
)
QUEUE_BEING_HELPED = "<@{tutor}> is helping you with **{subject}** right now."
QUEUE_LEFT = "You've left the **{subject}** queue. Come back any time."
QUEUE_CALLED_REPLY = (
    "You called <@{student}>. Your session space is opening now.{topic} "
    "Press **Done** when you've finished, or **Skip** if they aren't here. {waiting} still waiting."
)
QUEUE_TOPIC_LINE = " Topic: “{topic}”."
QUEUE_SKIPPED_BACK = (
    "<@{student}> is back in line; they'll come up again. Press **Next** for the next one."
)
QUEUE_SKIPPED_OUT = (
    "<@{student}> was skipped twice and has left the queue. Press **Next** for the next one."
)
QUEUE_DONE_REPLY = "Done with <@{student}> ({minutes} min). Press **Next** for the next one."

# --- DMs ------------------------------------------------------------------------------------
NOTICE_TITLES["queue_called"] = "🙋 It's your turn"
NOTICE_BODIES["queue_called"] = (
    "<@{other}> is ready to help you with **{subject}** now. Your private session space is "
    "opening; you'll be mentioned there in a moment."
)
NOTICE_TITLES["queue_skipped"] = "You missed your turn"
NOTICE_BODIES["queue_skipped"] = (
    "<@{other}> called you for **{subject}** but couldn't find you, so you're back in line. "
    "`/queue status` shows your place."
)
NOTICE_BODIES["queue_skipped_out"] = (
    "<@{other}> called you for **{subject}** twice but couldn't find you, so you've left the "
    "queue. You can join again with `/queue join`."
)
NOTICE_TITLES["queue_closed"] = "Drop-in hours ended"
QUEUE_CLOSED_NOTICE = (
    "The **{subject}** drop-in hours ended before your turn, sorry. "
    "<@{tutor}> can still help you: their next open slot is <t:{slot}:F>. Book it with `/book`."
)
QUEUE_CLOSED_NOTICE_NO_SLOT = (
    "The **{subject}** drop-in hours ended before your turn, sorry. "
    "Find a tutor for a booked session with `/find subject:{subject}`."
)

# --- what can go wrong ----------------------------------------------------------------------
CONFLICTS.update(
    {
        "queue_not_open": (
            "There are no drop-in hours for that subject right now. "
            "`/find` shows tutors you can book instead."
        ),
        "queue_not_a_tutor": "Only tutors can open drop-in hours. Run `/tutor apply` first.",
        "queue_subject_not_taught": (
            "You don't list that subject on your tutor profile. Add it with `/tutor apply` first."
        ),
        "queue_already_serving": "You're already helping with these drop-in hours.",
        "queue_not_serving": "You aren't helping with any drop-in hours right now.",
        "queue_still_helping": (
            "You're still helping someone. Press **Done** (or **Skip**) on the queue message first."
        ),
        "queue_changed": "Those drop-in hours just changed. Please try again.",
        "queue_own_hours": "You're a tutor for these drop-in hours, so you can't queue in them.",
        "queue_already_in": (
            "You're already in a queue here. `/queue status` shows your place, "
            "`/queue leave` takes you out."
        ),
        "queue_not_in": "You aren't in any queue right now. Join one with `/queue join`.",
        "queue_being_helped": (
            "A tutor is helping you right now, so you can't leave the queue. "
            "Just say goodbye in your session space."
        ),
        "queue_closed": "These drop-in hours have ended.",
        "queue_not_your_hours": "Only the tutors of these drop-in hours can use these buttons.",
        "queue_empty": "Nobody is waiting right now. 🎉",
        "queue_not_helping": "You aren't helping anyone right now. Press **Next** to call someone.",
        "queue_not_waiting": "That student is no longer waiting.",
        "queue_tutor_busy": (
            "You have a booked session starting now, so you can't take a drop-in student. "
            "Come back after it."
        ),
    }
)
ENTITY_NAMES["queue"] = "I couldn't find those drop-in hours. They may have ended."
FIELD_NAMES["topic"] = "The topic"
FIELD_PROBLEMS.update(
    {
        ("until", "unparseable"): (
            "I couldn't read that end time. Try something like `17:00` or `6pm`."
        ),
        ("until", "in_the_past"): "That end time has already passed. Pick a later one.",
        ("until", "too_far_ahead"): "Drop-in hours can run for at most {limit} hours at a time.",
    }
)
