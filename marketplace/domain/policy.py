"""A guild's policy numbers and configuration, with SPEC.md section 3 as the defaults.

``SETTINGS`` declares every key an admin may set with ``/admin config``: its kind, its
bounds and its group. Stored overrides are plain JSON (see :func:`overrides_of`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from marketplace.domain.errors import InvalidSettingError, Problem, UnknownSettingError
from marketplace.domain.setting_values import (
    SettingGroup,
    SettingKind,
    SettingSpec,
    check_value,
    read_value,
)
from marketplace.domain.verification import REQUIREMENT_PATTERN

__all__ = [
    "CARD_HOLD_DAYS",
    "DEFAULT_POLICY",
    "HOLD_MARGIN_DAYS",
    "HOLD_WINDOW_DAYS",
    "SETTINGS",
    "GuildPolicy",
    "SettingGroup",
    "SettingKind",
    "SettingSpec",
    "apply_overrides",
    "check_invariants",
    "overrides_of",
    "parse_setting",
    "setting_keys",
    "settings_in_group",
    "validate_value",
    "with_setting",
]


@dataclass(frozen=True, slots=True)
class GuildPolicy:
    """Every policy number and setting of one guild; the defaults are SPEC.md's."""

    # general
    moderator_role: int | None = None
    sessions_channel: int | None = None
    fallback_channel: int | None = None
    evidence_channel: int | None = None  # private: moderators open handed-in files here
    report_channel: int | None = None  # gets the weekly report every Monday (None: none)
    languages: tuple[str, ...] = ("en",)  # reading times; the first the bot speaks, its own
    member_locale: bool = False  # a member's Discord language picks the bot's for them
    timezone: str = "UTC"  # the guild's own zone: exports, weekly reports, ISO weeks
    # booking
    allowed_durations_minutes: tuple[int, ...] = (30, 60, 90)
    min_notice_minutes: int = 120
    booking_horizon_days: int = 60
    buffer_minutes: int = 10
    request_expiry_hours: int = 24
    request_expiry_before_start_minutes: int = 120
    request_answer_minutes: int = 30
    student_weekly_hours_max: int = 0  # hours one student may book per ISO week; 0 = no cap
    tutor_weekly_hours_max: int = 0  # hours one tutor may be booked per ISO week; 0 = no cap
    # cancellation
    full_refund_notice_hours: int = 24
    late_cancel_refund_percent: int = 50
    late_cancel_tutor_share_percent: int = 50
    late_cancel_limit: int = 3
    late_cancel_window_days: int = 30
    late_cancel_penalty_days: int = 30
    # attendance
    no_show_after_minutes: int = 15
    late_start_refund_percent: int = 50
    space_opens_before_minutes: int = 15
    space_closes_after_minutes: int = 30
    # money
    currency: str = "USD"
    payments_enabled: bool = True
    platform_fee_bps: int = 1500
    hold_max_days: int = 6
    checkout_expiry_minutes: int = 30
    dispute_window_hours: int = 48
    dispute_resolution_target_hours: int = 24
    chargeback_reverses_payout: bool = True
    referral_credit_minor: int = 500
    series_authorize_days_before: int = 2  # a paid series' week is authorized this early
    referral_window_days: int = 14  # a member may name who brought them this long after joining
    # reviews
    review_edit_hours: int = 24
    min_reviews_for_rating: int = 3
    # safety
    recording_allowed: bool = False
    moderators_see_spaces: bool = False
    message_rate_per_minute: int = 20
    session_log_retention_days: int = 30
    allowed_email_domains: tuple[str, ...] = ()
    email_code_minutes: int = 10
    email_code_attempts: int = 5
    email_code_resend_seconds: int = 60
    email_codes_per_day: int = 5
    allowed_link_domains: tuple[str, ...] = ()
    blocked_words: tuple[str, ...] = ()
    verification_required_subjects: tuple[str, ...] = ()
    reports_per_day: int = 10
    repeat_offense_threshold: int = 3
    repeat_offense_window_days: int = 90
    review_burst_count: int = 3
    review_burst_hours: int = 24
    # reminders
    reminder_offsets_minutes: tuple[int, ...] = (120, 15)
    booking_nudge_days: int = 7
    # drop-in office hours
    queue_rejoin_minutes: int = 60  # helped this recently: behind those not yet helped
    queue_help_minutes: int = 10  # the typical help, until the queue has its own median
    queue_help_max_minutes: int = 60  # a drop-in session space's longest life
    queue_open_minutes: int = 120  # how long hours stay open when `until` isn't given
    # group sessions
    waitlist_claim_minutes: int = 30  # how long a freed seat waits for the first in line
    min_seats: int = 1  # seats a group session needs taken to go ahead
    group_min_seats_hours_before: int = 24  # when `min_seats` is checked before the start


CARD_HOLD_DAYS = 7
"""A card authorization lapses this long after it is made (Stripe, online card payments)."""

HOLD_MARGIN_DAYS = 1
"""What the money keeps clear of the lapse: capture retries and a late webhook fit in it."""

HOLD_WINDOW_DAYS = CARD_HOLD_DAYS - HOLD_MARGIN_DAYS
"""The longest a hold may wait: for the tutor's answer, or for the session's end."""

_K, _G = SettingKind, SettingGroup
_LANGUAGE = r"[a-z]{2,3}(-[a-z0-9]{2,8})*"
_DOMAIN = r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
_WORD = r"[^\W\d_]+(['-][^\W\d_]+){0,3}"


def _int(group: SettingGroup, minimum: int, maximum: int) -> SettingSpec:
    return SettingSpec(_K.INT, group, minimum, maximum)


SETTINGS: MappingProxyType[str, SettingSpec] = MappingProxyType(
    {
        "moderator_role": SettingSpec(_K.ROLE, _G.GENERAL),
        "sessions_channel": SettingSpec(_K.CHANNEL, _G.GENERAL),
        "fallback_channel": SettingSpec(_K.CHANNEL, _G.GENERAL),
        "evidence_channel": SettingSpec(_K.CHANNEL, _G.GENERAL),
        "report_channel": SettingSpec(_K.CHANNEL, _G.GENERAL),
        "languages": SettingSpec(_K.STR_LIST, _G.GENERAL, min_items=1, pattern=_LANGUAGE),
        "member_locale": SettingSpec(_K.BOOL, _G.GENERAL),
        "timezone": SettingSpec(_K.ZONE, _G.GENERAL),
        "allowed_durations_minutes": SettingSpec(_K.INT_LIST, _G.BOOKING, 15, 240, 1, 6),
        "min_notice_minutes": _int(_G.BOOKING, 0, 10_080),
        "booking_horizon_days": _int(_G.BOOKING, 1, 365),
        "buffer_minutes": _int(_G.BOOKING, 0, 120),
        # A paid request holds the card while it waits: it never outlives the hold.
        "request_expiry_hours": _int(_G.BOOKING, 1, HOLD_WINDOW_DAYS * 24),
        "request_expiry_before_start_minutes": _int(_G.BOOKING, 0, 1_440),
        # The least time a request leaves the tutor to answer before it expires.
        "request_answer_minutes": _int(_G.BOOKING, 0, 1_440),
        "student_weekly_hours_max": _int(_G.BOOKING, 0, 168),
        "tutor_weekly_hours_max": _int(_G.BOOKING, 0, 168),
        "full_refund_notice_hours": _int(_G.CANCELLATION, 0, 336),
        "late_cancel_refund_percent": _int(_G.CANCELLATION, 0, 100),
        "late_cancel_tutor_share_percent": _int(_G.CANCELLATION, 0, 100),
        "late_cancel_limit": _int(_G.CANCELLATION, 1, 50),
        "late_cancel_window_days": _int(_G.CANCELLATION, 1, 365),
        "late_cancel_penalty_days": _int(_G.CANCELLATION, 0, 365),
        "no_show_after_minutes": _int(_G.ATTENDANCE, 1, 120),
        "late_start_refund_percent": _int(_G.ATTENDANCE, 0, 100),
        "space_opens_before_minutes": _int(_G.ATTENDANCE, 0, 120),
        "space_closes_after_minutes": _int(_G.ATTENDANCE, 0, 240),
        "currency": SettingSpec(_K.CURRENCY, _G.MONEY),
        "payments_enabled": SettingSpec(_K.BOOL, _G.MONEY),
        "platform_fee_bps": _int(_G.MONEY, 0, 5_000),
        # Card authorisations lapse after 7 days; 6 leaves a day of margin.
        "hold_max_days": _int(_G.MONEY, 0, HOLD_WINDOW_DAYS),
        # Stripe Checkout Sessions live between 30 minutes and 24 hours.
        "checkout_expiry_minutes": _int(_G.MONEY, 30, 1_440),
        "dispute_window_hours": _int(_G.MONEY, 1, 720),
        "dispute_resolution_target_hours": _int(_G.MONEY, 1, 168),
        # A card dispute lost after the payout takes the tutor's share back from them.
        "chargeback_reverses_payout": SettingSpec(_K.BOOL, _G.MONEY),
        "referral_credit_minor": _int(_G.MONEY, 0, 100_000),
        # A paid series' week is authorized off-session this many days before it (a card
        # hold lasts 7 days, and the hold must cover the session's end).
        "series_authorize_days_before": _int(_G.MONEY, 0, HOLD_WINDOW_DAYS - 1),
        "referral_window_days": _int(_G.MONEY, 1, 365),
        "review_edit_hours": _int(_G.REVIEWS, 0, 720),
        "min_reviews_for_rating": _int(_G.REVIEWS, 1, 100),
        "recording_allowed": SettingSpec(_K.BOOL, _G.SAFETY),
        "moderators_see_spaces": SettingSpec(_K.BOOL, _G.SAFETY),
        "message_rate_per_minute": _int(_G.SAFETY, 1, 120),
        "session_log_retention_days": _int(_G.SAFETY, 1, 365),
        "allowed_email_domains": SettingSpec(_K.STR_LIST, _G.SAFETY, max_items=20, pattern=_DOMAIN),
        "email_code_minutes": _int(_G.SAFETY, 1, 60),
        "email_code_attempts": _int(_G.SAFETY, 1, 10),
        "email_code_resend_seconds": _int(_G.SAFETY, 10, 3_600),
        "email_codes_per_day": _int(_G.SAFETY, 1, 20),
        "allowed_link_domains": SettingSpec(_K.STR_LIST, _G.SAFETY, max_items=50, pattern=_DOMAIN),
        # single words, matched whole with evasions folded (marketplace/screening.py)
        "blocked_words": SettingSpec(_K.STR_LIST, _G.SAFETY, max_items=200, pattern=_WORD),
        # "calculus" (campus-email or better) or "calculus=moderator-verified"
        "verification_required_subjects": SettingSpec(
            _K.STR_LIST, _G.SAFETY, max_items=50, pattern=REQUIREMENT_PATTERN
        ),
        "reports_per_day": _int(_G.SAFETY, 1, 100),
        # upheld cases + flags + restrictions in 90 days that bring a member to moderators
        "repeat_offense_threshold": _int(_G.SAFETY, 1, 50),
        "repeat_offense_window_days": _int(_G.SAFETY, 1, 365),
        # this many reviews of one tutor in review_burst_hours from new members: held
        "review_burst_count": _int(_G.REVIEWS, 2, 50),
        "review_burst_hours": _int(_G.REVIEWS, 1, 168),
        "queue_rejoin_minutes": _int(_G.DROP_IN, 0, 1_440),
        "queue_help_minutes": _int(_G.DROP_IN, 1, 120),
        "queue_help_max_minutes": _int(_G.DROP_IN, 5, 240),
        "queue_open_minutes": _int(_G.DROP_IN, 15, 720),
        "waitlist_claim_minutes": _int(_G.GROUPS, 5, 1_440),
        "min_seats": _int(_G.GROUPS, 1, 25),
        "group_min_seats_hours_before": _int(_G.GROUPS, 1, 168),
        "reminder_offsets_minutes": SettingSpec(
            _K.INT_LIST, _G.REMINDERS, 1, 10_080, 0, 5, descending=True
        ),
        "booking_nudge_days": _int(_G.REMINDERS, 1, 90),
    }
)

DEFAULT_POLICY = GuildPolicy()


def setting_keys() -> list[str]:
    """Return every settable key, grouped in the order ``/admin config`` shows them."""
    return list(SETTINGS)


def _spec(key: str) -> SettingSpec:
    try:
        return SETTINGS[key]
    except KeyError:
        raise UnknownSettingError(key) from None


def parse_setting(key: str, raw: str) -> object:
    """Read the text an admin typed for ``key`` into the value :class:`GuildPolicy` holds.

    Ints are range-checked; bools take on/off, true/false, yes/no; channels and roles take
    a raw id or a ``<#id>``/``<@&id>`` mention (``none`` clears them); a currency must be
    supported; an int list (``"120, 15"``) is deduped and sorted; a str list is lower-cased
    and deduped (``none`` empties it). Raises :class:`UnknownSettingError` or
    :class:`InvalidSettingError` (problem ``too_long``, ``not_a_number``,
    ``out_of_range``, ``unknown_choice``, ``bad_characters``, ``too_many``, ``too_short``).
    """
    return read_value(key, _spec(key), raw)


def validate_value(key: str, value: object) -> object:
    """Check an already-typed (or JSON-loaded) value for ``key``; return it normalised.

    Lists become tuples, int lists are deduped and ordered. Raises the same errors as
    :func:`parse_setting`.
    """
    return check_value(key, _spec(key), value)


def check_invariants(policy: GuildPolicy, changed: str | None = None) -> None:
    """Raise :class:`InvalidSettingError` (problem ``conflict``) if settings contradict.

    The one true invariant: a late cancellation may not refund the student a share and pay
    the tutor a share that together exceed what was paid (refund % + tutor share % ≤ 100).
    ``changed`` names the key being set, so the error is reported against it.
    """
    refund, tutor = "late_cancel_refund_percent", "late_cancel_tutor_share_percent"
    if policy.late_cancel_refund_percent + policy.late_cancel_tutor_share_percent > 100:
        key, other = (tutor, refund) if changed == tutor else (refund, tutor)
        value = str(getattr(policy, key))
        raise InvalidSettingError(key, value, Problem.CONFLICT, 0, 100, related=other)


def _replaced(policy: GuildPolicy, values: Mapping[str, object]) -> GuildPolicy:
    # Values were validated per key by validate_value; the dataclass cannot see that.
    changes: dict[str, Any] = dict(values)
    return dataclasses.replace(policy, **changes)


def with_setting(policy: GuildPolicy, key: str, value: object) -> GuildPolicy:
    """Return ``policy`` with ``key`` set to ``value`` (a parsed or JSON value).

    The value is validated again and the cross-setting invariants are checked.
    """
    updated = _replaced(policy, {key: validate_value(key, value)})
    check_invariants(updated, changed=key)
    return updated


def apply_overrides(overrides: Mapping[str, object], *, strict: bool = False) -> GuildPolicy:
    """Build a guild's policy from the defaults plus its stored overrides.

    Keys no longer known (saved by older versions) are ignored. A stored value that is no
    longer valid, or two that contradict each other, fall back to their defaults, unless
    ``strict`` is set, in which case :class:`InvalidSettingError` is raised.
    """
    values: dict[str, object] = {}
    for key, value in overrides.items():
        if key not in SETTINGS:
            continue
        try:
            values[key] = validate_value(key, value)
        except InvalidSettingError:
            if strict:
                raise
    while True:
        policy = _replaced(DEFAULT_POLICY, values)
        try:
            check_invariants(policy)
        except InvalidSettingError as error:
            if strict:
                raise
            values.pop(error.key, None)
            values.pop(error.related or "", None)
            continue
        return policy


def _to_json(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def overrides_of(policy: GuildPolicy) -> dict[str, object]:
    """Return the settings of ``policy`` that differ from the defaults, as JSON values."""
    return {
        key: _to_json(getattr(policy, key))
        for key in SETTINGS
        if getattr(policy, key) != getattr(DEFAULT_POLICY, key)
    }


def settings_in_group(group: SettingGroup) -> list[str]:
    """Return the keys of one ``/admin config`` group, in display order."""
    return [key for key, spec in SETTINGS.items() if spec.group is group]
