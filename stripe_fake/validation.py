"""Check decoded request parameters against a method's schema, answering as Stripe does.

* a key the method does not declare: ``parameter_unknown``, naming the full path
  (``line_items[0][price_data][colour]``);
* a required key that is absent: ``parameter_missing``;
* ``""`` for a key that cannot be unset: ``parameter_invalid_empty``;
* a non-integer where an integer goes: ``parameter_invalid_integer``;
* a value outside an enum, a bad boolean or number, an object or list of the wrong shape:
  an ``invalid_request_error`` naming the parameter (Stripe sends no code for these).

Every error is a 400 with Stripe's error object, so the `stripe` library raises
``stripe.InvalidRequestError`` with ``.code`` and ``.param`` set.
"""

from __future__ import annotations

import re
from typing import Any

from stripe_fake.errors import StripeFakeError, invalid, missing_param, unknown_param
from stripe_fake.params import path
from stripe_fake.schema import AnyOf, Emptyable, Enum, Fields, ListOf, MapOf, Node, Scalar

_INTEGER = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")
_BOOLEANS = ("true", "false")


def validate(schema: Fields, params: dict[str, Any]) -> None:
    """Raise the `StripeFakeError` Stripe would answer for `params`, if any."""
    _check_fields(schema, params, "")


def _empty(where: str) -> StripeFakeError:
    return invalid(
        f"You passed an empty string for '{where}'. We assume empty values are an attempt to "
        f"unset a parameter; however '{where}' cannot be unset. You should remove '{where}' "
        "from your request or supply a non-empty value.",
        param=where,
        code="parameter_invalid_empty",
    )


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else type(value).__name__


def _check(node: Node, value: Any, where: str) -> None:
    if isinstance(node, Emptyable):
        if value != "":
            _check(node.inner, value, where)
        return
    if value == "" and node != Scalar("any"):
        raise _empty(where)
    if isinstance(node, Scalar):
        _check_scalar(node, value, where)
    elif isinstance(node, Enum):
        _check_enum(node, value, where)
    elif isinstance(node, ListOf):
        _check_list(node, value, where)
    elif isinstance(node, MapOf):
        _check_map(node, value, where)
    elif isinstance(node, Fields):
        _check_object(node, value, where)
    else:
        _check_any_of(node, value, where)


def _check_enum(node: Enum, value: Any, where: str) -> None:
    if value not in node.values:
        choices = ", ".join(node.values[:-1]) + f", or {node.values[-1]}"
        if len(node.values) == 1:
            choices = node.values[0]
        raise invalid(f"Invalid {where}: must be one of {choices}", param=where)


def _check_object(node: Fields, value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise invalid(f"Invalid object: {where} must be an object", param=where)
    _check_fields(node, value, where)


def _check_scalar(node: Scalar, value: Any, where: str) -> None:
    if node.kind == "any":
        return
    if not isinstance(value, str):
        raise invalid(f"Invalid {node.kind}: {where} must be a {node.kind}", param=where)
    if node.kind == "integer" and not _INTEGER.fullmatch(value):
        raise invalid(f"Invalid integer: {value}", param=where, code="parameter_invalid_integer")
    if node.kind == "boolean" and value not in _BOOLEANS:
        raise invalid(f"Invalid boolean: {value}", param=where)
    if node.kind in ("decimal", "number") and not _NUMBER.fullmatch(value):
        raise invalid(f"Invalid {node.kind}: {value}", param=where)


def _check_list(node: ListOf, value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise invalid(f"Invalid array: {where} must be an array", param=where)
    for index, item in enumerate(value):
        _check(node.item, item, f"{where}[{index}]")


def _check_map(node: MapOf, value: Any, where: str) -> None:
    if isinstance(value, list):  # numeric keys were read as a list: a map all the same
        value = {str(index): item for index, item in enumerate(value)}
    if not isinstance(value, dict):
        raise invalid(f"Invalid object: {where} must be an object", param=where)
    for key, item in value.items():
        if item != "":  # an empty value unsets that key
            _check(node.value, item, f"{where}[{key}]")


def _check_fields(node: Fields, value: dict[str, Any], where: str) -> None:
    for name in value:
        if name not in node.fields:
            raise unknown_param(path(where, name))
    for name in sorted(node.required):
        if name not in value:
            raise missing_param(path(where, name))
    for name, item in value.items():
        _check(node.fields[name], item, path(where, name))


def _shape_fits(node: Node, value: Any) -> bool:
    if isinstance(node, Emptyable):
        return value == "" or _shape_fits(node.inner, value)
    if isinstance(value, dict):
        return isinstance(node, Fields | MapOf)
    if isinstance(value, list):
        return isinstance(node, ListOf | MapOf)
    return isinstance(node, Scalar | Enum)


def _check_any_of(node: AnyOf, value: Any, where: str) -> None:
    first: StripeFakeError | None = None
    for option in node.options:
        try:
            _check(option, value, where)
        except StripeFakeError as error:
            if first is None and _shape_fits(option, value):
                first = error
            continue
        return
    raise first or invalid(f"Invalid value for {where}: {_shown(value)}", param=where)
