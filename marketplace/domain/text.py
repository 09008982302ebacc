"""Cleaning of free text that users type and that the bot later echoes into Discord."""

from __future__ import annotations

import re
import unicodedata

from marketplace.domain.errors import InputError, Problem

# Zero-width characters and bidi embedding/override/isolate controls: they hide or
# reorder text, which is how impersonation and spoofed links are built.
_INVISIBLE = frozenset(
    [chr(c) for c in range(0x200B, 0x2010)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u061c", "\u2060", "\ufeff"]
)
_NEWLINES = re.compile("\r\n|[\r\u0085\u2028\u2029]")
_SPACE_RUN = re.compile(r"\s+")
_BLANK_RUN = re.compile(r"\n{4,}")
_MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
# Kept: up to two blank lines in a row, i.e. three consecutive newlines.
_MAX_NEWLINES = "\n\n\n"


def is_unsafe_char(char: str, *, multiline: bool = False) -> bool:
    """Tell whether ``char`` is one that :func:`clean_text` never lets through."""
    if char in _INVISIBLE:
        return True
    if multiline and char in "\n\t":
        return False
    return unicodedata.category(char) == "Cc"


def _drop_unsafe(value: str, multiline: bool) -> str:
    return "".join(c for c in value if not is_unsafe_char(c, multiline=multiline))


def _tidy_whitespace(value: str, multiline: bool) -> str:
    if not multiline:
        return _SPACE_RUN.sub(" ", value).strip()
    lines = [line.rstrip() for line in value.split("\n")]
    return _BLANK_RUN.sub(_MAX_NEWLINES, "\n".join(lines)).strip()


def neutralise_mass_mentions(value: str) -> str:
    """Replace the ``@`` of ``@everyone``/``@here`` with a fullwidth ``＠`` so nobody is pinged."""
    return _MASS_MENTION.sub(lambda m: "＠" + m.group(1), value)


def clean_text(
    value: str,
    *,
    field: str,
    max_len: int,
    min_len: int = 0,
    required: bool = True,
    multiline: bool = False,
) -> str:
    r"""Return ``value`` made safe to store and to echo into Discord.

    Promises about the result:
    - NFC-normalised, stripped, and free of zero-width, bidi-control and C0/C1 control
      characters (``\n`` and ``\t`` survive only when ``multiline``; all line breaks
      become ``\n``, and at most two blank lines follow one another);
    - in single-line mode, every run of whitespace is one space;
    - ``@everyone`` and ``@here`` cannot ping;
    - at most ``max_len`` characters, at least ``min_len`` unless it is empty and not
      ``required``;
    - cleaning the result again returns it unchanged.

    Raises :class:`InputError` with problem ``empty``, ``too_short`` or ``too_long``.
    """
    text = _NEWLINES.sub("\n", value)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    text = unicodedata.normalize("NFC", _drop_unsafe(text, multiline))
    text = neutralise_mass_mentions(_tidy_whitespace(text, multiline))
    if not text:
        if required:
            raise InputError(field, Problem.EMPTY)
        return text
    if len(text) > max_len:
        raise InputError(field, Problem.TOO_LONG, max_len)
    if len(text) < min_len:
        raise InputError(field, Problem.TOO_SHORT, min_len)
    return text
