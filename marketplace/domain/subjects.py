"""Subject names, their stable keys, and the matching behind subject autocomplete."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from marketplace.domain.errors import InputError, Problem
from marketplace.domain.text import clean_text

SUBJECT_NAME_MAX = 60
SUBJECT_NAME_MIN = 2
# A key is stored in 80 characters and sent to Discord as a select or choice value (100).
# Casefolding can lengthen a name ("ß" → "ss", "ﬃ" → "ffi"), so the key is checked too.
SUBJECT_KEY_MAX = 80
AUTOCOMPLETE_LIMIT = 25

DEFAULT_SUBJECTS: tuple[str, ...] = (
    "Calculus",
    "Linear Algebra",
    "Statistics",
    "Discrete Mathematics",
    "Physics",
    "Chemistry",
    "Organic Chemistry",
    "Biology",
    "Biochemistry",
    "Computer Science",
    "Programming (Python)",
    "Data Structures & Algorithms",
    "Economics",
    "Accounting",
    "Psychology",
    "Philosophy",
    "History",
    "Academic Writing",
    "English",
    "Spanish",
    "French",
    "German",
)


def _fold(text: str) -> str:
    """Casefold ``text`` and strip accents, so "Éco" and "eco" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\W_]+", _fold(text)) if w]


def subject_key(name: str) -> str:
    """Return the stable key of a subject name: ``"Linear Algebra"`` → ``"linear-algebra"``.

    Casefolded, accents stripped, every run of other characters one ``-``, no ``-`` at
    either end; letters outside Latin script are kept. Applying it to a key returns the
    key. Raises ``InputError("subject", "bad_characters")`` when nothing is left.
    """
    key = "-".join(_words(name))
    if not key:
        raise InputError("subject", Problem.BAD_CHARACTERS)
    return key


def clean_subject_name(name: str) -> str:
    """Clean a subject name for display (2–60 characters, one line) and check it has a key.

    Raises :class:`InputError` on field ``"subject"``.
    """
    cleaned = clean_text(name, field="subject", max_len=SUBJECT_NAME_MAX, min_len=SUBJECT_NAME_MIN)
    if len(subject_key(cleaned)) > SUBJECT_KEY_MAX:
        raise InputError("subject", Problem.TOO_LONG, SUBJECT_NAME_MAX)
    return cleaned


def _tier(query_words: list[str], name: str) -> int | None:
    words = _words(name)
    joined = " ".join(words)
    if joined.startswith(" ".join(query_words)):
        return 0
    if all(any(w.startswith(q) for w in words) for q in query_words):
        return 1
    if "".join(query_words) in "".join(words):
        return 2
    return None


def match_subjects(query: str, names: Iterable[str], limit: int = AUTOCOMPLETE_LIMIT) -> list[str]:
    """Return up to ``limit`` (at most 25) of ``names`` that match ``query``, best first.

    Matching ignores case, accents and punctuation. Names that start with the query come
    first, then names whose words start with each query word, then names containing the
    query; alphabetical within each tier. An empty query lists names alphabetically.
    Duplicates are dropped.
    """
    limit = max(0, min(limit, AUTOCOMPLETE_LIMIT))
    query_words = _words(query)
    ranked: list[tuple[int, str, str]] = []
    for name in dict.fromkeys(names):
        tier = _tier(query_words, name) if query_words else 0
        if tier is not None:
            ranked.append((tier, _fold(name), name))
    ranked.sort()
    return [name for _, _, name in ranked[:limit]]
