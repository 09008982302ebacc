"""Discord's official OpenAPI description, vendored, as JSON Schema validators.

`vendor/discord-api-spec/openapi.json` is Discord's own description of API v10 (MIT, see
the LICENSE and SOURCE beside it). OpenAPI 3.1 schemas are JSON Schema 2020-12, so every
``#/components/...`` reference resolves inside one `referencing` resource: the document.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

JSON = dict[str, Any]
SPEC_DIR = Path(__file__).parent / "vendor" / "discord-api-spec"
SPEC_URI = "urn:discord-api-spec:openapi.json"
_PARAM = re.compile(r"\{[^}]+\}")


@cache
def document() -> JSON:
    """The whole OpenAPI document (parsed once per process)."""
    with (SPEC_DIR / "openapi.json").open(encoding="utf-8") as fh:
        doc: JSON = json.load(fh)
    return doc


@cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(document(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
    return registry


@cache
def validator_for_ref(ref: str) -> Draft202012Validator:
    """A validator for a schema inside the document, e.g. ``#/components/schemas/X``."""
    return Draft202012Validator({"$ref": SPEC_URI + ref}, registry=_registry())


def validator_for(
    schema: JSON, cls: type[Draft202012Validator] = Draft202012Validator
) -> Draft202012Validator:
    """A validator (of class `cls`) for an inline schema whose ``$ref``s point into the document."""
    return cls(_anchor_refs(schema), registry=_registry())


def component_validator(name: str) -> Draft202012Validator:
    """A validator for ``#/components/schemas/<name>`` (for gateway payloads)."""
    return validator_for_ref(f"#/components/schemas/{name}")


def _anchor_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (
                SPEC_URI + v
                if k == "$ref" and isinstance(v, str) and v.startswith("#")
                else _anchor_refs(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_anchor_refs(v) for v in node]
    return node


@dataclass(frozen=True)
class Operation:
    """One operation of the document: its path template, method and OpenAPI object."""

    path: str
    method: str
    spec: JSON

    @property
    def operation_id(self) -> str:
        return str(self.spec.get("operationId", ""))


@cache
def _paths_by_shape() -> dict[str, list[str]]:
    shapes: dict[str, list[str]] = {}
    for path in document()["paths"]:
        shapes.setdefault(_PARAM.sub("{}", path), []).append(path)
    return shapes


def operation(method: str, route_template: str, concrete_path: str | None = None) -> Operation:
    """The document's operation for an emulator route (parameter names may differ).

    Where the document splits one emulator route into literal paths (for example
    ``/channels/{channel_id}/threads/archived/public`` and ``.../private``), the concrete
    request path picks the literal one.
    """
    candidates = list(_paths_by_shape().get(_PARAM.sub("{}", route_template), []))
    if not candidates and concrete_path is not None:
        candidates = [p for p in document()["paths"] if _matches(p, concrete_path)]
    for path in candidates:
        op = document()["paths"][path].get(method.lower())
        if op is not None:
            return Operation(path=path, method=method.upper(), spec=op)
    raise KeyError(f"{method} {route_template} is not in Discord's OpenAPI description")


def _matches(spec_path: str, concrete_path: str) -> bool:
    spec_parts, parts = spec_path.split("/"), concrete_path.split("/")
    return len(spec_parts) == len(parts) and all(
        a == b or _PARAM.fullmatch(a) is not None for a, b in zip(spec_parts, parts, strict=True)
    )
