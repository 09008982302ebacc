r"""Application command rules Discord documents but its OpenAPI description does not carry.

Checked on bulk overwrite (``PUT .../commands``), for chat input commands (type 1):

* names (of commands, subcommands, groups and options) match Discord's regex
  ``^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`` and are lowercase wherever the
  character has a lowercase form → ``APPLICATION_COMMAND_INVALID_NAME``;
* a command's description is 1-100 characters;
* required options come before optional ones at each level;
* at most 25 options and 25 choices at each level;
* a command counts at most 4,000 characters over its name, description and every
  option's, subcommand's and choice's name, description and value
  → ``APPLICATION_COMMAND_TOO_LARGE`` on the command.

* ``name_localizations`` and ``description_localizations`` (of commands, options and
  choices) are keyed by Discord's locales (``es-ES``, ``de``, …) → ``LOCALE_INVALID``;
  a localized name follows the name rule, a localized description (or choice name) is
  1-100 characters, and the size counts each field's longest version.

User and message commands (types 2 and 3) may have capitals and spaces; only their
length (1-32) applies, which the document carries.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from discord_emulator.errors import FormErrors

JSON = dict[str, Any]
Path = list[str | int]

CHAT_INPUT = 1
NAME_MAX = 32
DESCRIPTION_MAX = 100
OPTIONS_MAX = 25
CHOICES_MAX = 25
COMMAND_SIZE_MAX = 4000
SUBCOMMAND_TYPES = (1, 2)
_NAME_PUNCTUATION = frozenset("-_'")
DISCORD_LOCALES = frozenset({
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu",
    "nl", "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk",
    "hi", "th", "zh-CN", "ja", "zh-TW", "ko",
})  # fmt: skip


def check_commands(commands: Sequence[Any], errors: FormErrors) -> None:
    """Add an error for every documented command rule each of `commands` breaks."""
    for i, command in enumerate(commands):
        if not isinstance(command, dict) or int(command.get("type") or CHAT_INPUT) != CHAT_INPUT:
            continue
        _check_name(command.get("name"), [i, "name"], errors)
        _check_localizations(command, [i], errors, name_rule=True)
        description = command.get("description")
        if not isinstance(description, str) or not 1 <= len(description) <= DESCRIPTION_MAX:
            errors.add(
                [i, "description"],
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between 1 and {DESCRIPTION_MAX} in length.",
            )
        _check_options(command.get("options") or [], [i, "options"], errors)
        if command_size(command) > COMMAND_SIZE_MAX:
            errors.add(
                [i],
                "APPLICATION_COMMAND_TOO_LARGE",
                f"Command exceeds maximum size ({COMMAND_SIZE_MAX})",
            )


def valid_name(name: object) -> bool:
    """Discord's chat input name rule: 1-32 letters, digits, ``-``, ``_`` or ``'``, lowercase."""
    if not isinstance(name, str) or not 1 <= len(name) <= NAME_MAX:
        return False
    return all(_name_char(ch) for ch in name)


def _name_char(ch: str) -> bool:
    if ch in _NAME_PUNCTUATION:
        return True
    category = unicodedata.category(ch)
    # \p{L} and \p{N}; combining marks (M) stand in for the Devanagari and Thai scripts.
    if category[0] not in "LNM":
        return False
    return ch.lower() == ch


def _check_name(name: object, path: Path, errors: FormErrors) -> None:
    if not valid_name(name):
        errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _check_options(options: Sequence[Any], path: Path, errors: FormErrors) -> None:
    if len(options) > OPTIONS_MAX:
        errors.max_length(path, OPTIONS_MAX)
    seen_optional = False
    for j, option in enumerate(options):
        if not isinstance(option, dict):
            continue
        _check_name(option.get("name"), [*path, j, "name"], errors)
        _check_localizations(option, [*path, j], errors, name_rule=True)
        nested = option.get("type") in SUBCOMMAND_TYPES
        if nested:
            _check_options(option.get("options") or [], [*path, j, "options"], errors)
        elif option.get("required"):
            if seen_optional:
                errors.add(
                    path,
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = option.get("choices") or []
        if len(choices) > CHOICES_MAX:
            errors.max_length([*path, j, "choices"], CHOICES_MAX)
        for k, choice in enumerate(choices):
            if isinstance(choice, dict):
                _check_localizations(choice, [*path, j, "choices", k], errors, name_rule=False)


def _check_localizations(node: JSON, path: Path, errors: FormErrors, *, name_rule: bool) -> None:
    """Locale keys Discord knows; localized names by the name rule (choices: 1-100 long)."""
    for field in ("name_localizations", "description_localizations"):
        localized = node.get(field)
        if not isinstance(localized, dict):
            continue
        for locale, text in localized.items():
            where = [*path, field, locale]
            if locale not in DISCORD_LOCALES:
                errors.add(where, "LOCALE_INVALID", f"Invalid locale: {locale}")
            elif field == "name_localizations" and name_rule:
                _check_name(text, where, errors)
            elif not isinstance(text, str) or not 1 <= len(text) <= DESCRIPTION_MAX:
                errors.add(
                    where,
                    "BASE_TYPE_BAD_LENGTH",
                    f"Must be between 1 and {DESCRIPTION_MAX} in length.",
                )


def command_size(node: JSON) -> int:
    """Characters Discord counts towards a command's 4,000: names, descriptions, values."""
    size = _longest(node, "name") + _longest(node, "description")
    for choice in node.get("choices") or []:
        if isinstance(choice, dict):
            size += _longest(choice, "name") + len(str(choice.get("value", "")))
    for option in node.get("options") or []:
        if isinstance(option, dict):
            size += command_size(option)
    return size


def _longest(node: JSON, field: str) -> int:
    """The length of `field`, or of its longest localization (Discord counts that one)."""
    localized = node.get(f"{field}_localizations")
    versions = [node.get(field), *(localized.values() if isinstance(localized, dict) else ())]
    return max(_text_len(version) for version in versions)


def _text_len(value: object) -> int:
    return len(value) if isinstance(value, str) else 0
