"""Shared wording: field and entity names, problems, and the error → message mapping."""

from __future__ import annotations

import functools
from datetime import datetime

from bot.formats import format_day_time, format_number
from bot.i18n import gettext as _
from marketplace.domain.caps import WeeklyCapError
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
    TooSoonError,
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

# What a rate limit says, by `TooSoonError.action` ({seconds}, {minutes}, {hours} left).
TOO_SOON: dict[str, str] = {}
WEEKLY_CAP_YOURS = (
    "That would take you past this server's weekly cap of {cap} hours: you already have "
    "{booked} hours booked that week. The cap resets <t:{resets}:F>."
)
CAP_SIDES = {"student": "student", "tutor": "tutor"}
WEEKLY_CAP_THEIRS = (
    "That {side} has reached this server's weekly cap of {cap} hours for that week. "
    "Try another week: the cap resets <t:{resets}:F>."
)

# Whole sentences for one field's problem, where the generic "<field> <problem>" won't do;
# areas add their own.
FIELD_PROBLEMS: dict[tuple[str, str], str] = {}

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
DURATION_PROBLEM = "That session length isn't offered here. Pick one of the lengths offered."
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
    "card_dispute": "That booking has no card dispute. `/mod queue` lists the open ones.",
    "refund_failure": "That booking has no failed refund waiting. `/mod queue` lists them.",
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
    "evidence_closed": (
        "Evidence can't be sent for that dispute any more: it was already sent, the bank "
        "has decided, or the due date has passed."
    ),
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


def human_join(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def describe_error(error: DomainError, viewer_id: int | None = None) -> str:
    """One short sentence telling the user (`viewer_id`) what was wrong and how to fix it.

    Each error kind has its own describer below, found by the error's class (the most
    specific one registered, so a `NonexistentTimeError` is not told as any `InputError`).
    The sentence is in the language being spoken (`bot.i18n.current`).
    """
    return _describe(error, viewer_id)


def _local(moment: datetime) -> str:
    return format_day_time(moment)


@functools.singledispatch
def _describe(error: DomainError, viewer_id: int | None) -> str:
    return _(UNEXPECTED)


@_describe.register
def _nonexistent_time(error: NonexistentTimeError, viewer_id: int | None) -> str:
    return _(NONEXISTENT).format(local=_local(error.local), zone=error.zone)


@_describe.register
def _ambiguous_time(error: AmbiguousTimeError, viewer_id: int | None) -> str:
    return _(AMBIGUOUS).format(
        local=_local(error.local),
        zone=error.zone,
        earlier=int(error.earlier_utc.timestamp()),
        later=int(error.later_utc.timestamp()),
    )


@_describe.register
def _input(error: InputError, viewer_id: int | None) -> str:
    field, problem, limit = error.field, error.problem, error.limit
    if field == "when":
        return _(WHEN_PROBLEMS.get(problem, WHEN_PROBLEMS["unparseable"])).format(limit=limit)
    if field == "duration":
        return _(DURATION_PROBLEM)
    if field == "not_teaching" and problem == "conflict":
        return _(NOT_TEACHING_EVERYTHING)
    return _input_problem(field, problem, limit)


UNKNOWN_ZONE = (
    "I don't know the time zone “{zone}”. Use a name like `Europe/Berlin` "
    "or `America/New_York`; the list suggests names as you type."
)
UNKNOWN_SETTING = "There's no setting called `{key}`. Run `/admin config` to see them all."
UNKNOWN_THING = "I couldn't find that. It may have been removed."
MOVED_ON = "That can't be done any more; things have moved on. Check `/bookings`."
CLASHES = "That clashes with something that just changed."
NOT_VALID = "isn't valid."
AT_MOST = " (at most {limit})"
SETTING_CONFLICTS = "{key} can't be set to that: it conflicts with `{related}`."
SETTING_TOO_LONG = "That value for {key} is too long."
UNKNOWN_CHANNEL = "I can't find that channel in this server. Mention it, like {key}: #sessions."
UNKNOWN_ROLE = "I can't find that role in this server. Mention it, like {key}: #sessions."
SETTING_SHAPE = "{key} must be {shape}."
SHAPE_BETWEEN = "{shape} between {minimum} and {maximum}"
SHAPE_AT_MOST_ITEMS = "{shape} (at most {maximum} items)"
A_VALID_VALUE = "a valid value"


@_describe.register
def _unknown_zone(error: UnknownTimeZoneError, viewer_id: int | None) -> str:
    zone = error.zone
    if not zone:
        return _(ZONE_MISSING)
    shown = zone if len(zone) <= 40 else zone[:40] + "…"
    return _(UNKNOWN_ZONE).format(zone=shown)


@_describe.register
def _unknown_setting(error: UnknownSettingError, viewer_id: int | None) -> str:
    return _(UNKNOWN_SETTING).format(key=error.key[:40])


@_describe.register
def _invalid_setting(error: InvalidSettingError, viewer_id: int | None) -> str:
    return _setting_problem(error)


@_describe.register
def _permission_denied(error: PermissionDeniedError, viewer_id: int | None) -> str:
    return _(NEEDS.get(error.needed, NEEDS["admin"]))


@_describe.register
def _not_found(error: NotFoundError, viewer_id: int | None) -> str:
    if error.entity == "tutor" and error.key == str(viewer_id):
        return _(NOT_A_TUTOR_YOURSELF)
    return _(ENTITY_NAMES.get(error.entity, UNKNOWN_THING))


@_describe.register
def _invalid_transition(error: InvalidTransitionError, viewer_id: int | None) -> str:
    return _(ALREADY.get((error.action, str(error.from_state)), MOVED_ON))


@_describe.register
def _conflict(error: ConflictError, viewer_id: int | None) -> str:
    return _(CONFLICTS.get(error.reason, CLASHES))


@_describe.register
def _weekly_cap(error: WeeklyCapError, viewer_id: int | None) -> str:
    template = WEEKLY_CAP_YOURS if error.user_id == viewer_id else WEEKLY_CAP_THEIRS
    return _(template).format(
        side=_(CAP_SIDES.get(error.side.value, error.side.value)), cap=error.cap_hours,
        booked=format_number(round(error.booked_minutes / 60, 2)),
        resets=int(error.resets_at.timestamp()),
    )  # fmt: skip


@_describe.register
def _too_soon(error: TooSoonError, viewer_id: int | None) -> str:
    seconds = error.retry_after
    template = TOO_SOON.get(error.action, COOLDOWN)
    return _(template).format(seconds=seconds, minutes=-(-seconds // 60), hours=-(-seconds // 3600))


def _input_problem(field: str, problem: str, limit: int | None) -> str:
    if (field, problem) in FIELD_PROBLEMS:
        return _(FIELD_PROBLEMS[field, problem]).format(limit=limit)
    name = _(FIELD_NAMES[field]) if field in FIELD_NAMES else field.replace("_", " ").capitalize()
    template = _(PROBLEMS.get(problem, NOT_VALID))
    limit_text = _(AT_MOST).format(limit=format_number(limit)) if limit is not None else ""
    return f"{name} {template.format(limit=limit, limit_text=limit_text)}"


def _setting_problem(error: InvalidSettingError) -> str:
    key = f"`{error.key}`"
    if error.related:
        return _(SETTING_CONFLICTS).format(key=key, related=error.related)
    if error.problem == "too_long":
        return _(SETTING_TOO_LONG).format(key=key)
    if error.problem == "three_decimal_currency":
        return _(THREE_DECIMAL_CURRENCY).format(key=key, code=error.value)
    if error.problem in ("unknown_channel", "unknown_role"):
        unknown = UNKNOWN_CHANNEL if error.problem == "unknown_channel" else UNKNOWN_ROLE
        return _(unknown).format(key=key)
    spec = SETTINGS.get(error.key)
    kind = spec.kind if spec else None
    shape = _(SETTING_SHAPES.get(kind, A_VALID_VALUE) if kind else A_VALID_VALUE)
    if spec and spec.minimum is not None and spec.maximum is not None:
        shape = _(SHAPE_BETWEEN).format(
            shape=shape, minimum=format_number(spec.minimum), maximum=format_number(spec.maximum)
        )
    if error.problem == "too_many" and error.maximum is not None:
        shape = _(SHAPE_AT_MOST_ITEMS).format(shape=shape, maximum=error.maximum)
    return _(SETTING_SHAPE).format(key=key, shape=shape)


THREE_DECIMAL_CURRENCY = (
    "{key} can't be {code}: it counts in thousandths, and TutorBot only handles currencies "
    "with two decimals or none. Pick another, such as USD, EUR or GBP."
)

SETTING_SHAPES = {
    SettingKind.INT: "a whole number",
    SettingKind.BOOL: "`on` or `off`",
    SettingKind.CURRENCY: "a currency code such as USD, EUR or GBP",
    SettingKind.CHANNEL: "a channel: mention it like #sessions, or `none` to clear it",
    SettingKind.ROLE: "a role: mention it like @Moderators, or `none` to clear it",
    SettingKind.INT_LIST: "a list of whole numbers, like `120, 15`, each",
    SettingKind.STR_LIST: "a comma-separated list, like `en, fr`",
    SettingKind.ZONE: "a time zone, like `America/New_York` or `Europe/Berlin`",
}

BAD_OPTION = "One of the options isn't valid. Check it and try again."
COOLDOWN = "Slow down a little: try again in {seconds} s."

# --- buttons shared by many menus --------------------------------------------------------
CONFIRM_LABEL = "Confirm"
CANCEL_LABEL = "Cancel"
SAVE_LABEL = "Save"
CONTINUE_LABEL = "Continue"
