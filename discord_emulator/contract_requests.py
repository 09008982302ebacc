"""Every REST request checked against Discord's OpenAPI request schemas.

The server calls `check` before each handler. It validates, against the operation the
vendored ``openapi.json`` describes for the route:

* the path parameters (snowflakes, ``@me`` and ``@original`` only where the document has
  that literal path);
* the query parameters, coerced from their strings to the schema's type first (Discord
  parses ``limit=abc`` as an int and fails with ``NUMBER_TYPE_COERCE``);
* the JSON body, or a multipart body's ``payload_json`` against the operation's
  ``multipart/form-data`` schema (its file parts are not JSON and are not checked).

A failure answers what Discord answers: 400, code 50035 ``Invalid Form Body`` with the
``errors`` tree naming each field (`schema_errors`). Every emulator route is in the
document (`tests/emulator/test_request_contract.py` checks this), so a route the
document lacks fails loudly with a `KeyError` rather than skipping the check.

The documented limits the document does not carry (content 2,000, embed totals, the
command tree…) are checked by `limits` where the payload is used; `record_violation`
collects every 50035, from here or there, into ``b.contract_violations``.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from aiohttp import web
from jsonschema import Draft202012Validator, ValidationError, validators

from discord_emulator import openapi
from discord_emulator.backend import Backend
from discord_emulator.errors import DiscordAPIError, FormErrors
from discord_emulator.models import ErrorRecord
from discord_emulator.rest.common import parsed_body
from discord_emulator.schema_errors import add_schema_errors

JSON = dict[str, Any]
INVALID_FORM_BODY = 50035
INVALID_JSON = 50109
_INT = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


async def check(b: Backend, method: str, template: str, request: web.Request) -> None:
    """Raise `DiscordAPIError` 400/50035 on a request the document rejects."""
    del b  # violations are recorded with every other 50035 (`record_violation`)
    op = resolve(method, template, request.path)
    errors = FormErrors()
    _check_path(op, request.match_info, errors)
    _check_query(op, request.query, errors)
    errors.raise_if_any()
    await _check_body(op, request, errors)
    errors.raise_if_any()


def is_violation(exc: DiscordAPIError) -> bool:
    """A malformed request from the bot: a form error (50035) or a body that is not JSON.

    A 50035 that only the world's state explains (a full category) is Discord's answer
    to a well-formed request, so it is not one.
    """
    return (
        exc.status == 400 and exc.code in (INVALID_FORM_BODY, INVALID_JSON) and not exc.from_state
    )


def record_violation(b: Backend, exc: DiscordAPIError, record: ErrorRecord) -> None:
    """Keep `record` in ``b.contract_violations`` when `exc` is a malformed request."""
    if is_violation(exc):
        b.contract_violations.append(record)


def resolve(method: str, template: str, concrete_path: str) -> openapi.Operation:
    """The document's operation for this request, preferring a literal path segment.

    ``/webhooks/{id}/{token}/messages/@original`` and ``/channels/{id}/thread-members/@me``
    are paths of their own in the document; a concrete ``@original`` picks them, and
    where the document has no literal path (``/guilds/{id}/members/@me`` for GET) the
    parameter's own schema decides.
    """
    path = concrete_path
    for prefix in ("/api/v10", "/api/v9"):
        if path.startswith(prefix):
            path = path[len(prefix) :]
            break
    literal = _literal_operation(method.lower(), path)
    return literal or openapi.operation(method, template, path)


def _literal_operation(method: str, path: str) -> openapi.Operation | None:
    parts = path.split("/")
    best: tuple[int, str] | None = None
    for spec_path in _paths_with_literals(len(parts)):
        spec_parts = spec_path.split("/")
        literals = 0
        for want, got in zip(spec_parts, parts, strict=True):
            if want.startswith("{"):
                continue
            if want != got:
                break
            literals += 1
        else:
            op = openapi.document()["paths"][spec_path].get(method)
            if op is not None and (best is None or literals > best[0]):
                best = (literals, spec_path)
    if best is None or "@" not in best[1]:
        return None
    spec = openapi.document()["paths"][best[1]][method]
    return openapi.Operation(path=best[1], method=method.upper(), spec=spec)


@cache
def _paths_with_literals(segments: int) -> tuple[str, ...]:
    return tuple(p for p in openapi.document()["paths"] if len(p.split("/")) == segments)


def _parameters(op: openapi.Operation, where: str) -> list[JSON]:
    shared = openapi.document()["paths"][op.path].get("parameters", [])
    own = op.spec.get("parameters", [])
    return [p for p in [*shared, *own] if p.get("in") == where]


def _check_path(op: openapi.Operation, match_info: Mapping[str, str], errors: FormErrors) -> None:
    values = _path_values(op.path, match_info)
    for param in _parameters(op, "path"):
        name = param["name"]
        if name in values:
            _validate(param["schema"], values[name], [name], errors)


def _path_values(spec_path: str, match_info: Mapping[str, str]) -> dict[str, str]:
    """Path parameters by the document's names (the emulator's route may name them apart)."""
    names = re.findall(r"\{([^}]+)\}", spec_path)
    route_values = list(match_info.values())
    if len(route_values) == len(names):
        return dict(zip(names, route_values, strict=True))
    return {n: match_info[n] for n in names if n in match_info}


def _check_query(op: openapi.Operation, query: Mapping[str, str], errors: FormErrors) -> None:
    for param in _parameters(op, "query"):
        name = param["name"]
        if name in query:
            schema = param["schema"]
            _validate(schema, coerce(query[name], schema), [name], errors)


def coerce(raw: str, schema: JSON) -> Any:
    """A query string as the schema's type (left a string when it does not parse)."""
    kinds = _types(schema)
    if "integer" in kinds and _INT.match(raw):
        return int(raw)
    if "number" in kinds and _NUMBER.match(raw):
        return float(raw)
    if "boolean" in kinds and raw.lower() in _BOOLEANS:
        return _BOOLEANS[raw.lower()]
    return raw


def _types(schema: JSON) -> set[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _types(openapi.document()["components"]["schemas"][name])
    kind = schema.get("type")
    found = set(kind) if isinstance(kind, list) else {kind} if kind else set()
    for sub in schema.get("oneOf", []) + schema.get("anyOf", []) + schema.get("allOf", []):
        found |= _types(sub)
    return found


async def _check_body(op: openapi.Operation, request: web.Request, errors: FormErrors) -> None:
    content: JSON = op.spec.get("requestBody", {}).get("content", {})
    if not content:
        return
    body = await parsed_body(request)
    media = "multipart/form-data" if body.multipart else "application/json"
    schema = (content.get(media) or content.get("application/json") or {}).get("schema")
    if schema is None:
        return
    instance = body.json
    if instance is None:
        if not op.spec["requestBody"].get("required") or body.files:
            return
        instance = {}
    _validate(schema, instance, [], errors)


def _validate(schema: JSON, instance: Any, prefix: list[str | int], errors: FormErrors) -> None:
    key = _valid_key(schema, instance)
    if key in _KNOWN_VALID:
        _KNOWN_VALID.move_to_end(key)
        return
    found = list(_validator(schema).iter_errors(instance))
    if found:
        add_schema_errors(errors, found, prefix)
        return
    _KNOWN_VALID[key] = None
    if len(_KNOWN_VALID) > _KNOWN_VALID_MAX:
        _KNOWN_VALID.popitem(last=False)


# A bot sends the same payloads again and again (its command tree at every start, the same
# buttons and cards), and a whole command tree takes long to validate: a payload already
# found valid against a schema is not validated again.
_KNOWN_VALID: OrderedDict[tuple[int, str], None] = OrderedDict()
_KNOWN_VALID_MAX = 20_000


def _valid_key(schema: JSON, instance: Any) -> tuple[int, str]:
    return id(schema), json.dumps(instance, sort_keys=True, separators=(",", ":"), default=str)


def _request_type(
    validator: Draft202012Validator, types: Any, instance: Any, schema: JSON
) -> Iterator[ValidationError]:
    """The ``type`` check, with the two encodings Discord accepts beyond the document's.

    * A snowflake may be a JSON integer: the document types snowflakes as digit strings,
      but Discord parses them from integers too (discord.py sends ``parent_id`` and
      overwrite ``id``s as integers); Discord only *returns* them as strings.
    * A permission bitfield may be a digit string: "In API v8 and above, all permissions
      are serialized as strings, including the allow and deny fields in overwrites"
      (Discord's Permissions topic), while the document types them as integers. Those
      are the 64-bit integer fields without a ``format`` or ``enum``; their bounds still
      apply to the number.
    """
    if _integer_snowflake(instance, schema) or _string_bitfield(instance, schema, types):
        return
    yield from _draft_type(validator, types, instance, schema)


def _integer_snowflake(instance: Any, schema: JSON) -> bool:
    is_int = isinstance(instance, int) and not isinstance(instance, bool)
    return schema.get("format") == "snowflake" and is_int and instance >= 0


def _string_bitfield(instance: Any, schema: JSON, types: Any) -> bool:
    kinds = types if isinstance(types, list) else [types]
    if "integer" not in kinds or "format" in schema or "enum" in schema:
        return False
    if not isinstance(instance, str) or not _INT.match(instance):
        return False
    value = int(instance)
    low, high = schema.get("minimum", value), schema.get("maximum", value)
    return bool(low <= value <= high)


_draft_type = Draft202012Validator.VALIDATORS["type"]
RequestValidator: type[Draft202012Validator] = validators.extend(  # type: ignore[no-untyped-call]  # jsonschema leaves extend untyped
    Draft202012Validator, {"type": _request_type}
)


# The schemas come from the cached document, so each object lives (and keeps its id) for
# the whole process: one validator per schema object.
_VALIDATORS: dict[int, tuple[JSON, Draft202012Validator]] = {}


def _validator(schema: JSON) -> Draft202012Validator:
    found = _VALIDATORS.get(id(schema))
    if found is None or found[0] is not schema:
        found = (schema, openapi.validator_for(schema, RequestValidator))
        _VALIDATORS[id(schema)] = found
    return found[1]
