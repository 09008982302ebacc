"""Reading and checking guild setting values, driven by a declarative :class:`SettingSpec`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from marketplace.domain.currencies import CURRENCIES, REFUSED_THREE_DECIMAL
from marketplace.domain.errors import (
    InputError,
    InvalidSettingError,
    Problem,
    UnknownTimeZoneError,
)
from marketplace.domain.timezones import validate_zone


class SettingKind(StrEnum):
    """How a setting's raw text is read."""

    INT = "int"
    BOOL = "bool"
    CURRENCY = "currency"
    CHANNEL = "channel"
    ROLE = "role"
    INT_LIST = "int_list"
    STR_LIST = "str_list"
    ZONE = "zone"  # an IANA time-zone name, or an alias such as EST


class SettingGroup(StrEnum):
    """Where a setting is shown in ``/admin config``."""

    GENERAL = "general"
    BOOKING = "booking"
    CANCELLATION = "cancellation"
    ATTENDANCE = "attendance"
    MONEY = "money"
    REVIEWS = "reviews"
    SAFETY = "safety"
    REMINDERS = "reminders"
    DROP_IN = "drop-in"
    GROUPS = "groups"


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """What one settable key accepts.

    ``minimum``/``maximum`` bound an int, or each item of an int list. ``min_items`` and
    ``max_items`` bound a list's length; ``descending`` orders an int list; ``pattern``
    is the full-match regex for each item of a str list (items are lower-cased first).
    """

    kind: SettingKind
    group: SettingGroup
    minimum: int | None = None
    maximum: int | None = None
    min_items: int = 0
    max_items: int = 10
    descending: bool = False
    pattern: str | None = None


_K = SettingKind
_MAX_RAW_LEN = 1_000
_MAX_SNOWFLAKE = 2**63 - 1
_TRUE = frozenset({"on", "true", "yes", "y", "1", "enable", "enabled"})
_FALSE = frozenset({"off", "false", "no", "n", "0", "disable", "disabled"})
_CLEAR = frozenset({"", "none", "off", "clear", "unset", "-"})
_MENTION = {_K.CHANNEL: re.compile(r"<#(\d+)>"), _K.ROLE: re.compile(r"<@&(\d+)>")}
_LIST_SPLIT = re.compile(r"[,\s;]+")


def read_value(key: str, spec: SettingSpec, raw: str) -> object:
    """Read the text an admin typed for ``key`` into a checked value (see ``parse_setting``)."""
    text = raw.strip()
    if len(text) > _MAX_RAW_LEN:
        raise InvalidSettingError(key, text[:50], Problem.TOO_LONG, maximum=_MAX_RAW_LEN)
    if spec.kind is _K.INT:
        return _check_int(key, spec, _read_int(key, text))
    if spec.kind is _K.BOOL:
        return _read_bool(key, text)
    if spec.kind in _NAMED:
        return _NAMED[spec.kind](key, text)
    if spec.kind in _MENTION:
        return _read_snowflake(key, spec, text)
    if spec.kind is _K.INT_LIST:
        items = [] if text.casefold() in _CLEAR else _LIST_SPLIT.split(text)
        return _check_int_list(key, spec, [_read_int(key, item) for item in items])
    items = [] if text.casefold() in _CLEAR else _LIST_SPLIT.split(text.lower())
    return _check_str_list(key, spec, items)


def _read_int(key: str, text: str) -> int:
    digits = text.replace("_", "")
    if not re.fullmatch(r"-?[0-9]{1,19}", digits):
        raise InvalidSettingError(key, text[:50], Problem.NOT_A_NUMBER)
    return int(digits)


def _read_bool(key: str, text: str) -> bool:
    word = text.casefold()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise InvalidSettingError(key, text[:50], Problem.UNKNOWN_CHOICE)


def _read_snowflake(key: str, spec: SettingSpec, text: str) -> int | None:
    if text.casefold() in _CLEAR:
        return None
    mention = _MENTION[spec.kind].fullmatch(text)
    return _check_snowflake(key, _read_int(key, mention.group(1) if mention else text))


def _range_error(key: str, value: object, spec: SettingSpec) -> InvalidSettingError:
    return InvalidSettingError(key, str(value), Problem.OUT_OF_RANGE, spec.minimum, spec.maximum)


def _whole(key: str, value: object) -> int:
    """The value when it is an int (a bool is not); InvalidSettingError not_a_number."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidSettingError(key, str(value)[:50], Problem.NOT_A_NUMBER)
    return value


def _check_int(key: str, spec: SettingSpec, value: object) -> int:
    value = _whole(key, value)
    low = spec.minimum if spec.minimum is not None else value
    high = spec.maximum if spec.maximum is not None else value
    if not low <= value <= high:
        raise _range_error(key, value, spec)
    return value


def _check_bool(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidSettingError(key, str(value)[:50], Problem.UNKNOWN_CHOICE)
    return value


def _check_currency(key: str, value: object) -> str:
    """A supported currency code; a three-decimal one (KWD, BHD…) is refused on its own."""
    if isinstance(value, str) and value in REFUSED_THREE_DECIMAL:
        raise InvalidSettingError(key, value, Problem.THREE_DECIMAL_CURRENCY)
    if not isinstance(value, str) or value not in CURRENCIES:
        raise InvalidSettingError(key, str(value)[:50], Problem.UNKNOWN_CHOICE)
    return value


def _check_snowflake(key: str, value: object) -> int | None:
    if value is None:
        return None
    value = _whole(key, value)
    if not 0 < value <= _MAX_SNOWFLAKE:
        raise InvalidSettingError(key, str(value), Problem.OUT_OF_RANGE, 1, _MAX_SNOWFLAKE)
    return value


def _check_count(key: str, spec: SettingSpec, items: list[object], shown: str) -> None:
    if len(items) > spec.max_items:
        raise InvalidSettingError(key, shown, Problem.TOO_MANY, maximum=spec.max_items)
    if len(items) < spec.min_items:
        raise InvalidSettingError(key, shown, Problem.TOO_SHORT, minimum=spec.min_items)


def _check_int_list(key: str, spec: SettingSpec, value: object) -> tuple[int, ...]:
    items = _as_list(key, value)
    ints = sorted({_check_int(key, spec, item) for item in items}, reverse=spec.descending)
    _check_count(key, spec, list(ints), ",".join(map(str, ints)))
    return tuple(ints)


def _check_str_list(key: str, spec: SettingSpec, value: object) -> tuple[str, ...]:
    items = _as_list(key, value)
    unique: list[str] = []
    for item in items:
        if not isinstance(item, str) or not re.fullmatch(spec.pattern or ".+", item):
            raise InvalidSettingError(key, str(item)[:50], Problem.BAD_CHARACTERS)
        if item not in unique:
            unique.append(item)
    _check_count(key, spec, list(unique), ",".join(unique)[:50])
    return tuple(unique)


def _as_list(key: str, value: object) -> list[object]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise InvalidSettingError(key, str(value)[:50], Problem.NOT_A_NUMBER)
    return list(value)


def check_value(key: str, spec: SettingSpec, value: object) -> object:
    """Check an already-typed (or JSON-loaded) value; return it normalised.

    See ``policy.validate_value``.
    """
    if spec.kind is _K.INT:
        return _check_int(key, spec, value)
    if spec.kind is _K.BOOL:
        return _check_bool(key, value)
    if spec.kind in _NAMED:
        return _NAMED_STORED[spec.kind](key, value)
    if spec.kind in _MENTION:
        return _check_snowflake(key, value)
    if spec.kind is _K.INT_LIST:
        return _check_int_list(key, spec, value)
    return _check_str_list(key, spec, value)


def _check_zone(key: str, value: object) -> str:
    try:
        return validate_zone(str(value))
    except (UnknownTimeZoneError, InputError):
        raise InvalidSettingError(key, str(value)[:50], Problem.UNKNOWN_CHOICE) from None


def _read_code(key: str, value: object) -> str:
    return _check_currency(key, value.upper() if isinstance(value, str) else value)


# Settings that name one thing from a known set: as an admin types it (a currency code in
# any case), and as it is stored (exactly as it was saved).
_NAMED: dict[SettingKind, Callable[[str, object], str]] = {
    _K.CURRENCY: _read_code,
    _K.ZONE: _check_zone,
}
_NAMED_STORED: dict[SettingKind, Callable[[str, object], str]] = {
    _K.CURRENCY: _check_currency,
    _K.ZONE: _check_zone,
}
