"""The message catalogs' tooling: `python -m bot.catalogs update|compile|check`.

- ``update`` (``make catalogs``): extract every English text (each string a `bot/texts/`
  entry holds, and each ``_("...")`` / ``gettext("...")`` call in `bot/`) into
  `bot/locales/messages.pot`, then add what is new to each language's ``messages.po``
  with an empty translation and drop what is gone. Fill in the empty ``msgstr`` s.
- ``compile`` (``make setup``): each ``messages.po`` → ``messages.mo`` (build output, not
  committed).
- ``check``: say what a catalog lacks or breaks (exit 1), as the completeness test does.

The files are written sorted and without line numbers, so two people adding texts at
once rarely touch the same lines.
"""

from __future__ import annotations

import importlib
import inspect
import string
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from discord.ext.commands import Cog

from bot.i18n import DOMAIN, ENGLISH, LANGUAGES, LOCALES_DIR, catalog_path
from bot.tree import DESCRIPTION_MAX, command_texts

TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
UPDATE_COMMAND = "make catalogs"
_FIXED_DATE = datetime(2026, 12, 1, tzinfo=UTC)  # no date churn in the files
_BOT = Path(__file__).parent


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)


def is_message(text: str) -> bool:
    """Whether `text` has words to translate (not only emoji, marks or placeholders)."""
    return any(ch.isalpha() for ch in _without_fields(text))


def _without_fields(text: str) -> str:
    try:
        return "".join(literal for literal, *_ in string.Formatter().parse(text))
    except ValueError:
        return text


def english_messages() -> dict[str, set[str]]:
    """Every English message id, with where it comes from (``texts.NAME`` or a file)."""
    from bot import texts  # noqa: PLC0415 - loads every area

    found: dict[str, set[str]] = {}
    for name, value in sorted(texts.ENGLISH_ENTRIES.items()):
        for text in _strings(value):
            if is_message(text):
                found.setdefault(text, set()).add(f"texts.{name}")
    for text in command_texts(_cog_classes()):
        if is_message(text):
            found.setdefault(text, set()).add("slash commands")
    calls = extract_from_dir(
        str(_BOT), method_map=[("**.py", "python")], keywords={"_": None, "gettext": None}
    )
    for filename, _lineno, message, _comments, _context in calls:
        if isinstance(message, str) and is_message(message):
            found.setdefault(message, set()).add(f"bot/{filename}")
    return found


def _cog_classes() -> list[type[Any]]:
    """Every cog class of the bot's extensions (their slash commands are declared there)."""
    from bot.client import EXTENSIONS  # noqa: PLC0415 - the whole bot, only when extracting

    cogs = []
    for extension in EXTENSIONS:
        module = importlib.import_module(extension)
        cogs += [
            cls for cls in vars(module).values()
            if inspect.isclass(cls) and issubclass(cls, Cog) and cls.__module__ == extension
        ]  # fmt: skip
    return cogs


def template() -> Catalog:
    """The English catalog (the `.pot`): every message id, sorted."""
    catalog = Catalog(
        project="TutorBot", domain=DOMAIN, creation_date=_FIXED_DATE, revision_date=_FIXED_DATE
    )
    for message, origins in sorted(english_messages().items()):
        catalog.add(message, auto_comments=sorted(origins))
    return catalog


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(
            file, catalog, sort_output=True, include_lineno=False, ignore_obsolete=True,
            include_previous=False, width=100,
        )  # fmt: skip


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    """A `.po` or `.pot` file."""
    with path.open("rb") as file:
        return read_po(file, locale=language)


def update() -> None:
    """Re-extract the template and merge it into every language's catalog."""
    pot = template()
    _write(pot, TEMPLATE)
    for language in LANGUAGES:
        if language == ENGLISH:
            continue
        path = catalog_path(language)
        if path.exists():
            catalog = read_catalog(path, language)
        else:
            catalog = Catalog(locale=language, domain=DOMAIN, creation_date=_FIXED_DATE)
        catalog.update(pot, no_fuzzy_matching=True, update_creation_date=False)
        catalog.revision_date = _FIXED_DATE
        _write(catalog, path)


def compile_all() -> None:
    """Compile each language's `.po` into the `.mo` the bot reads."""
    for language in LANGUAGES:
        if language == ENGLISH:
            continue
        catalog = read_catalog(catalog_path(language), language)
        with catalog_path(language, ".mo").open("wb") as file:
            write_mo(file, catalog)


def fields(text: str) -> list[str]:
    """The placeholders of `text`, sorted: ``{name}``, ``{start:%H:%M}``, ``%(x)s``."""
    found = []
    try:
        for _literal, name, spec, conversion in string.Formatter().parse(text):
            if name is not None:
                found.append(f"{{{name}{'!' + conversion if conversion else ''}:{spec or ''}}}")
    except ValueError:
        found.append("<unbalanced braces>")
    found += [f"%({key})" for key in _percent_keys(text)]
    return sorted(found)


def _percent_keys(text: str) -> list[str]:
    keys, start = [], text.find("%(")
    while start != -1:
        end = text.find(")", start)
        if end == -1:
            break
        keys.append(text[start + 2 : end])
        start = text.find("%(", end)
    return keys


def problems() -> list[str]:
    """What is wrong with the catalogs, one line each (nothing when complete)."""
    english = english_messages()
    commands = {m for m, origins in english.items() if "slash commands" in origins}
    found: list[str] = []
    if not TEMPLATE.exists() or {m.id for m in read_catalog(TEMPLATE) if m.id} != set(english):
        found.append(f"{TEMPLATE.name} is not up to date with bot/texts")
    for language in LANGUAGES:
        if language == ENGLISH:
            continue
        path = catalog_path(language)
        catalog = read_catalog(path, language) if path.exists() else Catalog(locale=language)
        for message in sorted(english):
            entry = catalog.get(message)
            translated = entry.string if entry is not None and not entry.fuzzy else ""
            if not isinstance(translated, str) or not translated.strip():
                found.append(f"{language}: no translation of {message!r}")
            elif message in commands and len(translated) > DESCRIPTION_MAX:
                found.append(
                    f"{language}: the translation of the command text {message!r} is longer "
                    f"than Discord's {DESCRIPTION_MAX} characters"
                )
            elif fields(translated) != fields(message):
                found.append(
                    f"{language}: the translation of {message!r} has placeholders "
                    f"{fields(translated)}, the English has {fields(message)}"
                )
    return found


def how_to_fix() -> str:
    """What to run and edit when `problems` finds something."""
    files = ", ".join(str(catalog_path(lang).relative_to(_BOT.parent)) for lang in LANGUAGES[1:])
    return (
        f"Run `{UPDATE_COMMAND}` (python -m bot.catalogs update), then fill in each empty "
        f'msgstr "" in {files} keeping every {{placeholder}} of the English, and run '
        "`python -m bot.catalogs check`."
    )


def main(argv: list[str]) -> int:
    """The command line: update, compile or check."""
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = problems()
        for line in found:
            sys.stderr.write(line + "\n")
        if found:
            sys.stderr.write(how_to_fix() + "\n")
            return 1
    else:
        sys.stderr.write("usage: python -m bot.catalogs update|compile|check\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
