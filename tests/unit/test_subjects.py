import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.errors import InputError
from marketplace.domain.subjects import (
    DEFAULT_SUBJECTS,
    clean_subject_name,
    match_subjects,
    subject_key,
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Linear Algebra", "linear-algebra"),
        ("  Économie   Politique ", "economie-politique"),
        ("Data Structures & Algorithms", "data-structures-algorithms"),
        ("Programming (Python)", "programming-python"),
        ("C++", "c"),
        ("Straße", "strasse"),
        ("snake_case", "snake-case"),
        ("物理", "物理"),
    ],
)
def test_subject_key_is_a_folded_slug(name, key):
    assert subject_key(name) == key


def test_subject_key_of_punctuation_only_is_refused():
    with pytest.raises(InputError) as caught:
        subject_key("!!! ---")
    assert (caught.value.field, caught.value.problem) == ("subject", "bad_characters")


@given(st.text(max_size=40))
def test_subject_key_is_idempotent_and_slug_shaped(name):
    try:
        key = subject_key(name)
    except InputError:
        return
    assert subject_key(key) == key
    assert not key.startswith("-")
    assert not key.endswith("-")
    assert "--" not in key
    assert " " not in key


def test_clean_subject_name_tidies_and_bounds_the_name():
    assert clean_subject_name("  Linear   Algebra ") == "Linear Algebra"
    with pytest.raises(InputError) as caught:
        clean_subject_name("x")
    assert caught.value.problem == "too_short"
    with pytest.raises(InputError) as caught:
        clean_subject_name("x" * 61)
    assert (caught.value.problem, caught.value.limit) == ("too_long", 60)
    with pytest.raises(InputError) as caught:
        clean_subject_name("?!")
    assert caught.value.problem == "bad_characters"


def test_default_catalogue_is_a_campus_starter_set_with_distinct_keys():
    assert 15 <= len(DEFAULT_SUBJECTS) <= 30
    keys = [subject_key(name) for name in DEFAULT_SUBJECTS]
    assert len(set(keys)) == len(keys)
    assert all(clean_subject_name(name) == name for name in DEFAULT_SUBJECTS)


def test_prefix_matches_come_before_word_prefix_and_substring_matches():
    names = ["Organic Chemistry", "Chemistry", "Biochemistry", "Chemical Engineering"]
    assert match_subjects("chem", names) == [
        "Chemical Engineering",
        "Chemistry",
        "Organic Chemistry",
        "Biochemistry",
    ]


def test_matching_ignores_case_and_accents():
    assert match_subjects("ECONO", ["Économie", "History"]) == ["Économie"]


def test_words_can_be_matched_in_any_order():
    assert match_subjects("alg lin", DEFAULT_SUBJECTS) == ["Linear Algebra"]


def test_an_empty_query_lists_names_alphabetically_up_to_the_limit():
    assert match_subjects("", ["b", "A", "c", "A"], limit=2) == ["A", "b"]


def test_no_more_than_25_matches_are_returned():
    names = [f"Subject {i:02}" for i in range(40)]
    assert len(match_subjects("sub", names, limit=100)) == 25


def test_nothing_matches_a_query_that_appears_nowhere():
    assert match_subjects("zzz", DEFAULT_SUBJECTS) == []
