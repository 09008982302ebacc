"""Decode Stripe's form encoding and read typed parameters with Stripe's error messages.

The library sends ``a[b][c]=v`` for nested objects and ``a[0][b]=v`` / ``expand[0]=v`` for
lists, every scalar as a string (``true``/``false`` for booleans).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from stripe_fake.errors import invalid, missing_param, unsupported

Params = dict[str, Any]
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def _split_key(key: str) -> list[str]:
    head, bracket, rest = key.partition("[")
    if not bracket:
        return [key]
    return [head, *_SEGMENT.findall("[" + rest)]


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _listify(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def decode_form(pairs: Iterable[tuple[str, str]]) -> Params:
    """Turn form pairs into nested dicts and lists, as Stripe reads them."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        segments = _split_key(key)
        node = root
        for position, segment in enumerate(segments):
            last = position == len(segments) - 1
            name = str(len(node)) if segment == "" else segment
            if last:
                node[name] = value
            else:
                child = node.setdefault(name, {})
                if not isinstance(child, dict):
                    raise invalid(f"Invalid parameter: {key}", param=segments[0])
                node = child
    result = _listify(root)
    return result if isinstance(result, dict) else {}


def path(prefix: str, name: str) -> str:
    """The parameter name Stripe reports: ``payment_intent_data[metadata]``."""
    return f"{prefix}[{name}]" if prefix else name


def reject_unmodelled(params: Mapping[str, Any], allowed: Iterable[str], prefix: str = "") -> None:
    """Refuse real Stripe parameters the fake does not model (a 400 that says so).

    Parameters Stripe itself does not know never get here: `stripe_fake.validation`
    answers those with ``parameter_unknown`` first.
    """
    known = {*allowed, "expand"}
    for name in params:
        if name not in known:
            raise unsupported(f"the parameter {path(prefix, name)}", param=path(prefix, name))


def get_str(
    params: Mapping[str, Any],
    name: str,
    *,
    prefix: str = "",
    required: bool = False,
    choices: Iterable[str] | None = None,
    max_length: int = 5000,
) -> str | None:
    """A string parameter (None when absent or empty)."""
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise missing_param(path(prefix, name))
        return None
    if not isinstance(value, str):
        raise invalid(f"Invalid string: {path(prefix, name)}", param=path(prefix, name))
    if len(value) > max_length:
        raise invalid(
            f"Invalid {path(prefix, name)}: must be at most {max_length} characters",
            param=path(prefix, name),
        )
    if choices is not None:
        options = list(choices)
        if value not in options:
            raise invalid(
                f"Invalid {path(prefix, name)}: must be one of {', '.join(options)}",
                param=path(prefix, name),
            )
    return value


def get_int(
    params: Mapping[str, Any],
    name: str,
    *,
    prefix: str = "",
    required: bool = False,
    minimum: int | None = None,
) -> int | None:
    """An integer parameter (None when absent)."""
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise missing_param(path(prefix, name))
        return None
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
        raise invalid(
            f"Invalid integer: {value}", param=path(prefix, name), code="parameter_invalid_integer"
        )
    number = int(value)
    if minimum is not None and number < minimum:
        raise invalid(
            f"This value must be greater than or equal to {minimum}.",
            param=path(prefix, name),
        )
    return number


def get_dict(params: Mapping[str, Any], name: str, *, prefix: str = "") -> dict[str, Any]:
    """A nested-object parameter ({} when absent)."""
    value = params.get(name)
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid(f"Invalid object: {path(prefix, name)}", param=path(prefix, name))
    return value


def get_list(params: Mapping[str, Any], name: str) -> list[Any]:
    """A list parameter ([] when absent)."""
    value = params.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return value
    raise invalid(f"Invalid array: {name}", param=name)


def get_metadata(
    params: Mapping[str, Any], name: str = "metadata", *, prefix: str = ""
) -> dict[str, str]:
    """Metadata within Stripe's limits: 50 keys, keys ≤ 40 and values ≤ 500 characters."""
    raw = get_dict(params, name, prefix=prefix)
    where = path(prefix, name)
    if len(raw) > 50:
        raise invalid(f"Invalid {where}: at most 50 keys", param=where)
    metadata: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(value, str):
            raise invalid(f"Invalid {where}[{key}]: must be a string", param=f"{where}[{key}]")
        if len(key) > 40 or len(value) > 500:
            raise invalid(
                f"Invalid {where}[{key}]: keys must be at most 40 and values at most 500 "
                "characters",
                param=f"{where}[{key}]",
            )
        if value != "":  # Stripe treats an empty value as "unset"
            metadata[key] = value
    return metadata


def merge_metadata(
    current: Mapping[str, str], params: Mapping[str, Any], name: str = "metadata"
) -> dict[str, str]:
    """The metadata after an update, by Stripe's rules.

    Keys sent are set, keys sent empty are unset, and ``metadata=""`` unsets them all.
    """
    if params.get(name) == "":
        return {}
    merged = {**current, **get_metadata(params, name)}
    for key, value in get_dict(params, name).items():
        if value == "":
            merged.pop(key, None)
    if len(merged) > 50:
        raise invalid(f"Invalid {name}: at most 50 keys", param=name)
    return merged


def get_currency(params: Mapping[str, Any], name: str = "currency", *, prefix: str = "") -> str:
    """A required three-letter currency code, lower-cased."""
    value = require_str(params, name, prefix=prefix)
    if not re.fullmatch(r"[A-Za-z]{3}", value):
        raise invalid(f"Invalid currency: {value}", param=path(prefix, name))
    return value.lower()


def require_str(
    params: Mapping[str, Any],
    name: str,
    *,
    prefix: str = "",
    choices: Iterable[str] | None = None,
    max_length: int = 5000,
) -> str:
    """A required string parameter."""
    value = get_str(params, name, prefix=prefix, choices=choices, max_length=max_length)
    if value is None:
        raise missing_param(path(prefix, name))
    return value


def require_int(
    params: Mapping[str, Any], name: str, *, prefix: str = "", minimum: int | None = None
) -> int:
    """A required integer parameter."""
    value = get_int(params, name, prefix=prefix, minimum=minimum)
    if value is None:
        raise missing_param(path(prefix, name))
    return value
