import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.errors import InputError, UnknownTimeZoneError
from marketplace.domain.timezones import COMMON_ZONES, suggest_zones, validate_zone


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Europe/London", "Europe/London"),
        ("europe/london", "Europe/London"),
        ("  AMERICA/NEW YORK ", "America/New_York"),
        ("utc", "UTC"),
        ("Etc/UTC", "Etc/UTC"),
        ("EST", "America/New_York"),
        ("pst", "America/Los_Angeles"),
        ("london", "Europe/London"),
        ("Kolkata", "Asia/Kolkata"),
    ],
)
def test_validate_zone_returns_the_canonical_iana_name(text, zone):
    assert validate_zone(text) == zone


@pytest.mark.parametrize("text", ["Mars/Olympus_Mons", "", "localtime", "Factory", "New"])
def test_validate_zone_refuses_what_is_not_a_zone(text):
    with pytest.raises(UnknownTimeZoneError):
        validate_zone(text)


def test_validate_zone_refuses_absurdly_long_input():
    with pytest.raises(InputError) as caught:
        validate_zone("Europe/" + "x" * 500)
    assert (caught.value.field, caught.value.problem, caught.value.limit) == (
        "zone",
        "too_long",
        64,
    )


def test_every_common_zone_is_loadable():
    for zone in COMMON_ZONES:
        assert validate_zone(zone) == zone
        zoneinfo.ZoneInfo(zone)


def test_empty_query_suggests_common_campus_zones_first():
    suggestions = suggest_zones("")
    assert suggestions[: len(COMMON_ZONES)] == list(COMMON_ZONES)
    assert len(suggestions) == 25


def test_suggestions_match_the_full_name_prefix_first():
    assert suggest_zones("europe/lo") == ["Europe/London"]


def test_suggestions_match_city_names_with_spaces_as_underscores():
    assert suggest_zones("new york")[0] == "America/New_York"
    assert suggest_zones("TOKYO") == ["Asia/Tokyo"]


def test_suggestions_rank_prefix_before_substring():
    suggestions = suggest_zones("ber")
    assert suggestions[0] == "Europe/Berlin"
    assert suggestions == ["Europe/Berlin", "Atlantic/Bermuda", "Australia/Canberra"]


def test_aliases_are_suggested_as_their_zone():
    assert suggest_zones("pst")[0] == "America/Los_Angeles"


@given(st.text(max_size=100))
def test_suggestions_are_always_valid_zones_and_at_most_25(query):
    suggestions = suggest_zones(query)
    assert len(suggestions) <= 25
    assert len(set(suggestions)) == len(suggestions)
    assert all(validate_zone(zone) == zone for zone in suggestions)
