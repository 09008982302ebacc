"""The language the bot speaks right now, and its message catalogs (gettext through Babel).

Every sentence in `bot/texts/` is an English gettext message id. Which language a reply
is in is a context variable, `current`, set once where the bot learns who it talks to:
an interaction (`use_for_interaction`: the guild's `languages`, or the member's Discord
locale when the guild turned `member_locale` on) or a notice a job delivers (the
guild's, `use_for_guild`). Reading `texts.NAME` then gives that language's wording
(`bot.texts.__getattr__` calls `translate`); English is the message id itself, so an
English reply is exactly the text in `bot/texts/`.

The catalogs are `bot/locales/<lang>/LC_MESSAGES/messages.po`, compiled to `.mo` by
`make setup` (`python -m bot.catalogs compile`). A catalog without its `.mo` (a fresh
checkout before `make setup`) is compiled in memory from its `.po`.
"""

from __future__ import annotations

import contextvars
import io
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

log = logging.getLogger(__name__)

ENGLISH = "en"
LANGUAGES = (ENGLISH, "es", "de")
"""The languages the bot speaks (each but English has a catalog in `LOCALES_DIR`)."""
LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"

current: contextvars.ContextVar[str] = contextvars.ContextVar("tutorbot_language", default=ENGLISH)


def language_of(tag: str | None) -> str | None:
    """The bot language for a language tag (``es``, ``es-ES``, ``de_AT``), if it speaks it."""
    if not tag:
        return None
    base = str(tag).replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else None


def pick_language(
    languages: tuple[str, ...], member_locale: str | None = None, *, allow_member: bool = False
) -> str:
    """The language to answer in: the member's when allowed and spoken, else the guild's.

    The guild's is the first of its `languages` the bot speaks; English when none is.
    """
    if allow_member and (mine := language_of(member_locale)):
        return mine
    return next((lang for tag in languages if (lang := language_of(tag))), ENGLISH)


def set_language(language: str) -> None:
    """Speak `language` for the rest of this task (an interaction's or a job's own)."""
    current.set(language if language in LANGUAGES else ENGLISH)


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak `language` inside the block only (one notice among several)."""
    token = current.set(language if language in LANGUAGES else ENGLISH)
    try:
        yield
    finally:
        current.reset(token)


def catalog_path(language: str, suffix: str = ".po") -> Path:
    """Where `language`'s catalog lives (``.po``, or the compiled ``.mo``)."""
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@cache
def translations(language: str) -> NullTranslations:
    """`language`'s compiled catalog (English and unknown languages: none needed)."""
    if language == ENGLISH or language not in LANGUAGES:
        return NullTranslations()
    mo, po = catalog_path(language, ".mo"), catalog_path(language)
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as file:
            return Translations(file, domain=DOMAIN)
    if not po.exists():
        log.warning("no message catalog for %s; speaking English", language)
        return NullTranslations()
    with po.open("rb") as file:
        catalog = read_po(file, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext(message: str) -> str:
    """`message` (an English text of `bot/texts/`) in the current language."""
    language = current.get()
    if language == ENGLISH or not message:
        return message
    return translations(language).gettext(message)


_ = gettext


def translate(value: Any) -> Any:
    """A texts entry in the current language: strings, and those inside mappings and tuples.

    Functions and other values are returned as they are (they translate what they say).
    """
    if current.get() == ENGLISH:
        return value
    return _translated(value)


def _translated(value: Any) -> Any:
    if isinstance(value, str):
        return gettext(value)
    if isinstance(value, Mapping):
        return {key: _translated(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple(_translated(item) for item in value)
    if isinstance(value, list):
        return [_translated(item) for item in value]
    return value
