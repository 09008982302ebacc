import dataclasses
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.errors import InvalidSettingError, UnknownSettingError
from marketplace.domain.policy import (
    DEFAULT_POLICY,
    SETTINGS,
    GuildPolicy,
    SettingGroup,
    SettingKind,
    apply_overrides,
    overrides_of,
    parse_setting,
    setting_keys,
    settings_in_group,
    validate_value,
    with_setting,
)

# Each number as SPEC.md section 3 (and the brief's configuration defaults) states it.
SPEC_DEFAULTS = {
    "currency": "USD",
    "payments_enabled": True,
    "moderator_role": None,
    "sessions_channel": None,
    "fallback_channel": None,
    "evidence_channel": None,
    "report_channel": None,  # the weekly report (issue 16): off until an admin sets it
    "languages": ("en",),  # "default English"
    "member_locale": False,  # the guild's language for everyone unless turned on
    "timezone": "UTC",  # the guild's zone, for exports and weekly reports
    "allowed_durations_minutes": (30, 60, 90),  # "Durations are 30, 60 or 90 min"
    "min_notice_minutes": 120,  # "Minimum notice is 2 h"
    "booking_horizon_days": 60,  # "up to 60 days ahead"
    "buffer_minutes": 10,  # "a 10-minute buffer"
    "request_expiry_hours": 24,  # "Requests expire after 24 h"
    "request_expiry_before_start_minutes": 120,  # "or 2 h before the start"
    "request_answer_minutes": 30,  # the least time a request leaves to answer it
    "student_weekly_hours_max": 0,  # "0 = no cap"
    "tutor_weekly_hours_max": 0,
    "full_refund_notice_hours": 24,  # "≥ 24 h before the start: full refund"
    "late_cancel_refund_percent": 50,  # "50% of the total is refunded"
    "late_cancel_tutor_share_percent": 50,  # "the tutor receives 50% of their rate"
    "late_cancel_limit": 3,  # "Three late cancellations"
    "late_cancel_window_days": 30,  # "in 30 days"
    "late_cancel_penalty_days": 30,  # "lower the tutor's search ranking for 30 days"
    "no_show_after_minutes": 15,  # "Tutor absent 15 min after the start"
    "late_start_refund_percent": 50,  # "partial refund of 50%"
    "platform_fee_bps": 1500,  # "default 1500 = 15%"
    "hold_max_days": 6,  # "ends within 6 days of the authorization keeps the hold"
    "checkout_expiry_minutes": 30,
    "series_authorize_days_before": 2,  # "authorized `series_authorize_days_before` (2)"
    "dispute_window_hours": 48,  # "up to 48 h after the scheduled end"
    "dispute_resolution_target_hours": 24,  # "resolution within 24 h"
    "chargeback_reverses_payout": True,  # "when `chargeback_reverses_payout` is on (the default)"
    "review_edit_hours": 24,  # "It can be edited for 24 h"
    "reminder_offsets_minutes": (120, 15),  # "2 h and 15 min before"
    "booking_nudge_days": 7,  # "hasn't booked within 7 days"
    # drop-in hours (issue 15): the spec names `queue_rejoin_minutes` without a number;
    # the others are ours, each settable per guild
    "queue_rejoin_minutes": 60,
    "queue_help_minutes": 10,
    "queue_help_max_minutes": 60,
    "queue_open_minutes": 120,
    "waitlist_claim_minutes": 30,
    "min_seats": 1,
    "group_min_seats_hours_before": 24,
    "session_log_retention_days": 30,  # "Session logs are kept 30 days"
    "space_opens_before_minutes": 15,
    "space_closes_after_minutes": 30,
    "min_reviews_for_rating": 3,
    "recording_allowed": False,  # "recording prohibited unless the guild allows it"
    "moderators_see_spaces": False,
    "message_rate_per_minute": 20,
    "referral_credit_minor": 500,
    "referral_window_days": 14,  # ours: a member names who brought them in their first 2 weeks
    "allowed_email_domains": (),
    "email_code_minutes": 10,
    "email_code_attempts": 5,
    "email_code_resend_seconds": 60,
    "email_codes_per_day": 5,
    "allowed_link_domains": (),
    "blocked_words": (),
    "verification_required_subjects": (),
    "reports_per_day": 10,
    "repeat_offense_threshold": 3,
    "repeat_offense_window_days": 90,
    "review_burst_count": 3,
    "review_burst_hours": 24,
}


def test_every_default_equals_the_spec():
    fields = {f.name for f in dataclasses.fields(GuildPolicy)}
    assert fields == set(SPEC_DEFAULTS)
    for name, value in SPEC_DEFAULTS.items():
        assert getattr(DEFAULT_POLICY, name) == value, name


def test_every_policy_field_is_a_setting_with_a_group():
    assert set(setting_keys()) == {f.name for f in dataclasses.fields(GuildPolicy)}
    assert all(isinstance(spec.group, SettingGroup) for spec in SETTINGS.values())
    grouped = [key for group in SettingGroup for key in settings_in_group(group)]
    assert sorted(grouped) == sorted(setting_keys())


def test_every_default_passes_its_own_validation():
    for key in setting_keys():
        default = getattr(DEFAULT_POLICY, key)
        assert validate_value(key, default) == default, key


def test_int_settings_have_bounds_around_their_defaults():
    for key, spec in SETTINGS.items():
        if spec.kind is SettingKind.INT:
            assert spec.minimum is not None
            assert spec.maximum is not None
            assert spec.minimum <= getattr(DEFAULT_POLICY, key) <= spec.maximum


@pytest.mark.parametrize(
    ("key", "raw", "value"),
    [
        ("platform_fee_bps", " 1000 ", 1000),
        ("min_notice_minutes", "1_440", 1440),
        ("payments_enabled", "off", False),
        ("recording_allowed", "Yes", True),
        ("moderators_see_spaces", "TRUE", True),
        ("currency", "eur", "EUR"),
        ("sessions_channel", "<#123456789012345678>", 123456789012345678),
        ("sessions_channel", "123456789012345678", 123456789012345678),
        ("moderator_role", "<@&42>", 42),
        ("moderator_role", "none", None),
        ("reminder_offsets_minutes", "15, 120,120", (120, 15)),
        ("reminder_offsets_minutes", "60 1440", (1440, 60)),
        ("reminder_offsets_minutes", "off", ()),
        ("allowed_durations_minutes", "90,30", (30, 90)),
        ("languages", "EN, fr, en", ("en", "fr")),
        ("allowed_email_domains", "Uni.edu; cs.uni.edu", ("uni.edu", "cs.uni.edu")),
        ("allowed_email_domains", "none", ()),
        ("blocked_words", "Scam, rip-off; SCAM", ("scam", "rip-off")),
    ],
)
def test_parse_setting_reads_what_admins_type(key, raw, value):
    assert parse_setting(key, raw) == value


@pytest.mark.parametrize(
    ("key", "raw", "problem"),
    [
        ("platform_fee_bps", "abc", "not_a_number"),
        ("platform_fee_bps", "12.5", "not_a_number"),
        ("platform_fee_bps", "-1", "out_of_range"),
        ("platform_fee_bps", "5001", "out_of_range"),
        ("hold_max_days", "7", "out_of_range"),
        ("checkout_expiry_minutes", "10", "out_of_range"),
        ("payments_enabled", "maybe", "unknown_choice"),
        ("currency", "XYZ", "unknown_choice"),
        ("currency", "dollars", "unknown_choice"),
        ("sessions_channel", "<@&123>", "not_a_number"),
        ("moderator_role", "<#123>", "not_a_number"),
        ("moderator_role", "0", "out_of_range"),
        ("moderator_role", "99999999999999999999", "not_a_number"),
        ("reminder_offsets_minutes", "120, soon", "not_a_number"),
        ("reminder_offsets_minutes", "0", "out_of_range"),
        ("reminder_offsets_minutes", "1,2,3,4,5,6", "too_many"),
        ("allowed_durations_minutes", "none", "too_short"),
        ("allowed_durations_minutes", "5", "out_of_range"),
        ("languages", "english!", "bad_characters"),
        ("languages", "", "too_short"),
        ("allowed_email_domains", "not a domain", "bad_characters"),
        ("allowed_email_domains", "@uni.edu", "bad_characters"),
        ("allowed_link_domains", "https://uni.edu", "bad_characters"),
        ("blocked_words", "<@123>", "bad_characters"),
        ("min_notice_minutes", "9" * 2000, "too_long"),
    ],
)
def test_parse_setting_rejects_bad_values_of_every_kind(key, raw, problem):
    with pytest.raises(InvalidSettingError) as caught:
        parse_setting(key, raw)
    assert (caught.value.key, caught.value.problem) == (key, problem)


def test_out_of_range_errors_carry_the_bounds():
    with pytest.raises(InvalidSettingError) as caught:
        parse_setting("late_cancel_refund_percent", "150")
    assert (caught.value.minimum, caught.value.maximum, caught.value.value) == (0, 100, "150")


def test_unknown_setting_key_is_refused():
    with pytest.raises(UnknownSettingError) as caught:
        parse_setting("bogus", "1")
    assert caught.value.key == "bogus"
    with pytest.raises(UnknownSettingError):
        with_setting(DEFAULT_POLICY, "bogus", 1)


def test_with_setting_returns_a_new_policy_and_leaves_the_old_one():
    changed = with_setting(DEFAULT_POLICY, "platform_fee_bps", 1000)
    assert changed.platform_fee_bps == 1000
    assert DEFAULT_POLICY.platform_fee_bps == 1500


def test_with_setting_revalidates_typed_values():
    with pytest.raises(InvalidSettingError):
        with_setting(DEFAULT_POLICY, "platform_fee_bps", True)
    with pytest.raises(InvalidSettingError):
        with_setting(DEFAULT_POLICY, "buffer_minutes", "10")
    with pytest.raises(InvalidSettingError):
        with_setting(DEFAULT_POLICY, "reminder_offsets_minutes", "120")


def test_late_cancel_refund_and_tutor_share_cannot_exceed_what_was_paid():
    with pytest.raises(InvalidSettingError) as caught:
        with_setting(DEFAULT_POLICY, "late_cancel_tutor_share_percent", 60)
    error = caught.value
    assert (error.key, error.problem, error.related) == (
        "late_cancel_tutor_share_percent",
        "conflict",
        "late_cancel_refund_percent",
    )
    lowered = with_setting(DEFAULT_POLICY, "late_cancel_refund_percent", 40)
    assert (
        with_setting(lowered, "late_cancel_tutor_share_percent", 60).late_cancel_refund_percent
        == 40
    )


def test_overrides_hold_only_non_defaults_as_json():
    policy = with_setting(DEFAULT_POLICY, "reminder_offsets_minutes", (60,))
    policy = with_setting(policy, "currency", "EUR")
    policy = with_setting(policy, "buffer_minutes", 10)
    overrides = overrides_of(policy)
    assert overrides == {"reminder_offsets_minutes": [60], "currency": "EUR"}
    assert json.loads(json.dumps(overrides)) == overrides
    assert overrides_of(DEFAULT_POLICY) == {}


def test_apply_overrides_ignores_keys_from_older_versions():
    policy = apply_overrides({"retired_setting": 5, "platform_fee_bps": 900})
    assert policy == dataclasses.replace(DEFAULT_POLICY, platform_fee_bps=900)


def test_apply_overrides_falls_back_to_defaults_for_stale_values_unless_strict():
    stored = {"hold_max_days": 9, "buffer_minutes": 5}
    assert apply_overrides(stored) == dataclasses.replace(DEFAULT_POLICY, buffer_minutes=5)
    with pytest.raises(InvalidSettingError):
        apply_overrides(stored, strict=True)


def test_apply_overrides_accepts_settings_that_are_only_valid_together():
    stored = {"late_cancel_refund_percent": 80, "late_cancel_tutor_share_percent": 20}
    policy = apply_overrides(stored)
    assert (policy.late_cancel_refund_percent, policy.late_cancel_tutor_share_percent) == (80, 20)


def test_apply_overrides_drops_contradicting_pairs_unless_strict():
    stored = {"late_cancel_refund_percent": 80, "late_cancel_tutor_share_percent": 80}
    assert apply_overrides(stored) == DEFAULT_POLICY
    with pytest.raises(InvalidSettingError):
        apply_overrides(stored, strict=True)


def _valid_value(key):
    spec = SETTINGS[key]
    by_kind = {
        SettingKind.INT: lambda: st.integers(spec.minimum, spec.maximum),
        SettingKind.BOOL: st.booleans,
        SettingKind.CURRENCY: lambda: st.sampled_from(["USD", "EUR", "JPY", "GBP"]),
        SettingKind.ZONE: lambda: st.sampled_from(["UTC", "Europe/Berlin", "America/New_York"]),
        SettingKind.CHANNEL: lambda: st.none() | st.integers(1, 2**63 - 1),
        SettingKind.ROLE: lambda: st.none() | st.integers(1, 2**63 - 1),
        SettingKind.INT_LIST: lambda: st.lists(
            st.integers(spec.minimum, spec.maximum),
            min_size=spec.min_items,
            max_size=spec.max_items,
            unique=True,
        ),
    }
    if spec.kind in by_kind:
        return by_kind[spec.kind]()
    if key == "languages":
        return st.lists(st.sampled_from(["en", "fr", "de", "pt-br"]), min_size=1, unique=True)
    if key == "verification_required_subjects":
        items = ["calculus", "physics=moderator-verified", "linear-algebra=campus-email"]
        return st.lists(st.sampled_from(items), unique=True)
    if key == "blocked_words":
        return st.lists(st.sampled_from(["scam", "rip-off", "loser"]), unique=True)
    return st.lists(st.sampled_from(["uni.edu", "cs.uni.edu", "college.ac.uk"]), unique=True)


@st.composite
def overrides(draw):
    keys = draw(st.lists(st.sampled_from(setting_keys()), unique=True, max_size=12))
    chosen = {key: draw(_valid_value(key)) for key in keys}
    if "late_cancel_refund_percent" in chosen or "late_cancel_tutor_share_percent" in chosen:
        chosen["late_cancel_refund_percent"] = draw(st.integers(0, 100))
        chosen["late_cancel_tutor_share_percent"] = draw(
            st.integers(0, 100 - chosen["late_cancel_refund_percent"])
        )
    return chosen


@given(overrides())
def test_policy_round_trips_through_json_overrides(stored):
    policy = apply_overrides(stored, strict=True)
    saved = json.loads(json.dumps(overrides_of(policy)))
    assert apply_overrides(saved, strict=True) == policy
    changed = {k for k in setting_keys() if getattr(policy, k) != getattr(DEFAULT_POLICY, k)}
    assert set(saved) == changed


@pytest.mark.parametrize(
    ("typed", "stored"), [("europe/berlin", "Europe/Berlin"), ("EST", "America/New_York")]
)
def test_the_guild_time_zone_is_read_as_an_iana_name(typed, stored):
    assert parse_setting("timezone", typed) == stored


def test_an_unknown_guild_time_zone_is_refused():
    with pytest.raises(InvalidSettingError) as refused:
        parse_setting("timezone", "Mars/Olympus")
    assert refused.value.problem == "unknown_choice"


def test_a_currency_is_read_in_any_case_but_stored_exactly():
    assert parse_setting("currency", "eur") == "EUR"
    assert validate_value("currency", "EUR") == "EUR"
    with pytest.raises(InvalidSettingError):
        validate_value("currency", "eur")
