"""The message catalogs: complete for every language, placeholders intact, words chosen well."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot import catalogs, texts
from bot.i18n import ENGLISH, pick_language, speaking
from marketplace.domain.errors import ConflictError, NonexistentTimeError


def test_every_catalog_has_every_english_text_with_its_placeholders() -> None:
    found = catalogs.problems()
    assert not found, "\n".join([*found[:40], catalogs.how_to_fix()])


@pytest.mark.parametrize(
    ("english", "translated", "broken"),
    [
        ("Hi {name}", "Hola {name}", False),
        ("Hi {name}", "Hola {nombre}", True),
        ("{rows:,} rows", "{rows} filas", True),
        ("%(x)s left", "quedan %(x)s", False),
        ("%(x)s left", "quedan", True),
    ],
)
def test_a_translation_that_loses_or_renames_a_placeholder_counts_as_broken(
    english: str, translated: str, broken: bool
) -> None:
    assert (catalogs.fields(english) != catalogs.fields(translated)) is broken


def test_the_guild_language_is_its_first_spoken_one_unless_members_may_pick() -> None:
    assert pick_language(("fr", "es", "en")) == "es"
    assert pick_language(("fr",)) == ENGLISH
    assert pick_language(("es",), "de", allow_member=False) == "es"
    assert pick_language(("es",), "de", allow_member=True) == "de"
    assert pick_language(("es",), "ja", allow_member=True) == "es"  # not spoken: the guild's
    assert pick_language(("en",), "es-ES", allow_member=True) == "es"


def test_texts_and_their_tables_are_read_in_the_language_spoken() -> None:
    assert texts.CONFIRM_LABEL == "Confirm"
    with speaking("es"):
        assert texts.CONFIRM_LABEL == "Confirmar"
        assert texts.STATE_LABELS["confirmed"] == "✅ confirmada"
    with speaking("de"):
        assert texts.CONFIRM_LABEL == "Bestätigen"
    assert texts.CONFIRM_LABEL == "Confirm"


def test_error_messages_and_their_dates_are_worded_in_the_language_spoken() -> None:
    gap = NonexistentTimeError(
        datetime(2026, 3, 29, 2, 30),  # noqa: DTZ001 - a wall-clock time that never happens
        "Europe/Berlin",
    )
    assert texts.describe_error(gap).startswith("Sun 29 Mar 02:30 doesn't exist")
    with speaking("de"):
        assert texts.describe_error(gap).startswith("So. 29 März 02:30 gibt es in Europe/Berlin")
        assert texts.describe_error(ConflictError("slot_taken")).startswith("Dieser Termin")
    with speaking("es"):
        assert texts.human_join(["a", "b", "c"]) == "a, b y c"


def test_english_stays_exactly_the_text_written() -> None:
    assert texts.describe_error(ConflictError("slot_taken")) == texts.CONFLICTS["slot_taken"]
    assert texts.durations_list((30, 60, 90)) == "30, 60 or 90"
