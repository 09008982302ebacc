import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.errors import InputError
from marketplace.domain.text import clean_text, is_unsafe_char

BIDI_AND_INVISIBLE = [
    *map(chr, range(0x200B, 0x2010)),
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    "\ufeff",
]

hostile_text = st.lists(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from([*BIDI_AND_INVISIBLE, "\n", "\r", "\t", "\x00", "\x85", "@", " "]),
        st.sampled_from(["@everyone", "@HERE", "\u0301", "e", "\u1100\u1161"]),
    ),
    max_size=60,
).map("".join)


def clean_or_none(value, **kwargs):
    try:
        return clean_text(value, field="f", **kwargs)
    except InputError:
        return None


def test_surrounding_whitespace_is_stripped_and_inner_runs_collapsed():
    assert clean_text("  hello \t  world \n", field="f", max_len=50) == "hello world"


def test_text_is_nfc_normalised():
    assert clean_text("cafe\u0301", field="f", max_len=50) == "café"


def test_zero_width_and_bidi_overrides_are_removed():
    assert clean_text("ad\u200bmin\u202egnp.exe\u2066", field="f", max_len=50) == "admingnp.exe"


def test_control_characters_are_removed():
    assert clean_text("a\x00b\x07c\x9fd", field="f", max_len=50) == "abcd"


def test_multiline_keeps_newlines_and_tabs_but_caps_blank_lines():
    value = "line one  \r\n\tindented\n\n\n\n\n\nlast"
    assert clean_text(value, field="f", max_len=100, multiline=True) == (
        "line one\n\tindented\n\n\nlast"
    )


def test_mass_mentions_cannot_ping():
    cleaned = clean_text("hi @everyone and @here and @Everyone", field="f", max_len=80)
    assert cleaned == "hi ＠everyone and ＠here and ＠Everyone"


def test_mention_hidden_by_a_zero_width_space_is_still_neutralised():
    assert clean_text("@\u200beveryone", field="f", max_len=20) == "＠everyone"


def test_empty_required_text_is_rejected():
    with pytest.raises(InputError) as caught:
        clean_text(" \u200b\n ", field="bio", max_len=10)
    assert (caught.value.field, caught.value.problem) == ("bio", "empty")


def test_empty_optional_text_is_allowed():
    assert clean_text("   ", field="bio", max_len=10, min_len=5, required=False) == ""


def test_text_over_the_limit_after_cleaning_is_rejected_with_the_limit():
    assert clean_text("ab\u200b\u200bc", field="f", max_len=3) == "abc"
    with pytest.raises(InputError) as caught:
        clean_text("abcd", field="name", max_len=3)
    assert (caught.value.problem, caught.value.limit) == ("too_long", 3)


def test_text_under_the_minimum_is_rejected():
    with pytest.raises(InputError) as caught:
        clean_text("a", field="subject", max_len=60, min_len=2)
    assert (caught.value.problem, caught.value.limit) == ("too_short", 2)


@given(hostile_text, st.booleans())
def test_cleaned_text_never_contains_control_or_bidi_characters(value, multiline):
    cleaned = clean_or_none(value, max_len=200, multiline=multiline)
    if cleaned is not None:
        assert not any(is_unsafe_char(c, multiline=multiline) for c in cleaned)
        assert not any(c in BIDI_AND_INVISIBLE for c in cleaned)
        assert all(unicodedata.category(c) != "Cc" or c in "\n\t" for c in cleaned)
        assert "@everyone" not in cleaned.lower()
        assert "@here" not in cleaned.lower()


@given(hostile_text, st.integers(min_value=0, max_value=60), st.booleans())
def test_cleaned_text_never_exceeds_max_len(value, max_len, multiline):
    cleaned = clean_or_none(value, max_len=max_len, required=False, multiline=multiline)
    assert cleaned is None or len(cleaned) <= max_len


@given(hostile_text, st.booleans())
def test_cleaning_is_idempotent(value, multiline):
    cleaned = clean_or_none(value, max_len=500, required=False, multiline=multiline)
    if cleaned is not None:
        again = clean_text(cleaned, field="f", max_len=500, required=False, multiline=multiline)
        assert again == cleaned
        assert unicodedata.is_normalized("NFC", cleaned)
