"""Parameter schemas read from the `stripe` library's own generated params TypedDicts.

stripe 16.1.0 ships one TypedDict per API method (``stripe.params.checkout.
SessionCreateParams``, ``stripe.params.RefundCreateParams`` …), generated from Stripe's
OpenAPI description for the pinned API version. `schema_of` turns one into a tree of
nodes that `stripe_fake.validation` checks decoded requests against, so the fake accepts
exactly the parameters, required keys, enums and types that the library declares.

How the generated annotations read:

* ``NotRequired[X]`` / ``Required[X]``: the key's presence (``__required_keys__``).
* ``Literal["a", "b"] | str``: an enum. The ``| str`` is the library's forward
  compatibility for values added later; the API itself refuses other values, so the
  enum is what is checked.
* ``Literal[""] | X``: X, or ``""`` to unset it ("emptyable").
* ``Dict[str, str] | UntypedStripeObject[str]``: a string map (metadata).
* Nested TypedDicts, ``List[X]``, ``int``, ``bool``, ``str``, ``Decimal``.

The request-option keys every method accepts (``api_key``, ``idempotency_key`` …) are
client options, never sent as parameters, and are left out.
"""

from __future__ import annotations

import functools
import sys
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Union

import stripe._request_options as request_options
import typing_extensions
from stripe._stripe_object import UntypedStripeObject

ScalarKind = Literal["string", "integer", "boolean", "decimal", "number", "any"]
_REQUEST_OPTION_KEYS = frozenset(request_options.RequestOptions.__annotations__)
_SCALARS: dict[object, ScalarKind] = {
    str: "string",
    int: "integer",
    bool: "boolean",
    Decimal: "decimal",
    float: "number",
    object: "any",
    Any: "any",
}
_WRAPPERS = (typing.NotRequired, typing.Required, typing.Annotated)


@dataclass(frozen=True)
class Scalar:
    """A form value read as one type (``any`` accepts whatever was sent)."""

    kind: ScalarKind


@dataclass(frozen=True)
class Enum:
    """One of a fixed set of strings."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class ListOf:
    """``a[0]=…&a[1]=…``: a list of `item`."""

    item: Node


@dataclass(frozen=True)
class MapOf:
    """``a[key]=…`` with free keys (metadata)."""

    value: Node


@dataclass(frozen=True)
class Emptyable:
    """`inner`, or ``""`` to unset it."""

    inner: Node


@dataclass(frozen=True)
class AnyOf:
    """The value must match one of `options`."""

    options: tuple[Node, ...]


@dataclass(eq=False)
class Fields:
    """A nested object with named keys (filled in after creation, for recursive types)."""

    name: str
    fields: dict[str, Node] = field(default_factory=dict)
    required: frozenset[str] = frozenset()


Node = Scalar | Enum | ListOf | MapOf | Emptyable | AnyOf | Fields


def _globals_for(cls: type) -> dict[str, Any]:
    """The names the generated annotations use (their module's, plus RequestOptions')."""
    names: dict[str, Any] = {**vars(request_options), "StripeContext": object}
    names.update(vars(sys.modules[cls.__module__]))
    return names


def _unwrap(hint: Any) -> Any:
    while typing.get_origin(hint) in _WRAPPERS:
        hint = typing.get_args(hint)[0]
    return hint


def _is_untyped_object(hint: Any) -> bool:
    return hint is UntypedStripeObject or typing.get_origin(hint) is UntypedStripeObject


class _Builder:
    """Turns annotations into nodes, building each TypedDict once (so recursion ends)."""

    def __init__(self) -> None:
        self.built: dict[type, Fields] = {}

    def typed_dict(self, cls: type) -> Fields:
        existing = self.built.get(cls)
        if existing is not None:
            return existing
        node = self.built[cls] = Fields(cls.__name__)
        hints = typing.get_type_hints(cls, globalns=_globals_for(cls), include_extras=True)
        required: frozenset[str] = getattr(cls, "__required_keys__", frozenset())
        node.fields = {
            name: self.node(hint)
            for name, hint in hints.items()
            if name not in _REQUEST_OPTION_KEYS
        }
        node.required = frozenset(required) - _REQUEST_OPTION_KEYS
        return node

    def node(self, hint: Any) -> Node:
        hint = _unwrap(hint)
        origin = typing.get_origin(hint)
        if origin in (Union, types.UnionType):
            return self.union(typing.get_args(hint))
        if origin is Literal:
            return Enum(tuple(str(value) for value in typing.get_args(hint)))
        if origin is not None or _is_untyped_object(hint):
            return self.container(hint)
        if typing_extensions.is_typeddict(hint):
            return self.typed_dict(hint)
        kind = _SCALARS.get(hint)
        if kind is None:
            msg = f"stripe_fake cannot read the parameter type {hint!r}"
            raise TypeError(msg)
        return Scalar(kind)

    def container(self, hint: Any) -> Node:
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin in (list, typing.List):  # noqa: UP006 - the generated code spells List
            return ListOf(self.node(args[0]))
        if origin in (dict, typing.Dict, typing.Mapping):  # noqa: UP006
            return MapOf(self.node(args[1]))
        if _is_untyped_object(hint):
            return MapOf(Scalar("any"))
        msg = f"stripe_fake cannot read the parameter type {hint!r}"
        raise TypeError(msg)

    def union(self, options: tuple[Any, ...]) -> Node:
        literals: list[str] = []
        others: list[Any] = []
        for raw in options:
            option = _unwrap(raw)
            if option is type(None) or _is_untyped_object(option):
                continue
            if typing.get_origin(option) is Literal:
                literals.extend(str(value) for value in typing.get_args(option))
            else:
                others.append(option)
        emptyable = "" in literals
        literals = [value for value in literals if value != ""]
        nodes: list[Node] = []
        if literals:
            nodes.append(Enum(tuple(literals)))
            others = [option for option in others if option is not str]
        nodes.extend(self.node(option) for option in others)
        node: Node = nodes[0] if len(nodes) == 1 else AnyOf(tuple(nodes))
        return Emptyable(node) if emptyable else node


@functools.cache
def schema_of(params_type: type) -> Fields:
    """The schema of one method's params TypedDict (cached: the library does not change)."""
    return _Builder().typed_dict(params_type)
