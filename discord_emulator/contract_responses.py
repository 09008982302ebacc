"""What the emulator answers, checked against Discord's OpenAPI response schemas.

`check` is called by the server after each handler (gateway dispatches are checked by
`contract_dispatches`). A mismatch is an emulator bug, recorded in `b.emulator_faults`
(tests fail on any, see `Emulator.assert_no_faults`).

The REST status is taken from the description too (`success_status`): Discord answers
201 where the operation documents only 201 (creating a guild channel or a thread).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from aiohttp import web
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from discord_emulator import openapi, sampling

if TYPE_CHECKING:
    from discord_emulator.backend import Backend

JSON = dict[str, Any]

_UNDOCUMENTED = "undocumented"


def success_status(method: str, template: str, concrete_path: str, *, empty: bool) -> int:
    """The 2xx status Discord answers for this operation (201 where it documents 201)."""
    if empty:
        return 204
    try:
        responses = openapi.operation(method, template, concrete_path).spec.get("responses", {})
    except KeyError:
        return 200
    if "200" not in responses and "201" in responses:
        return 201
    return 200


@cache
def _response_validator(method: str, path: str, status: int) -> Draft202012Validator | str:
    op = openapi.document()["paths"][path][method.lower()]
    response = op.get("responses", {}).get(str(status))
    if response is None:
        return _UNDOCUMENTED
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return "no-body"
    return openapi.validator_for(schema)


def problems(validator: Draft202012Validator, value: Any, limit: int = 5) -> list[str]:
    """The first few schema errors, each as "path: message" (inside oneOf: the closest)."""
    out: list[str] = []
    for error in sorted(validator.iter_errors(value), key=lambda e: list(e.path))[:limit]:
        deepest = _closest(error)
        where = "/".join(str(p) for p in deepest.absolute_path) or "(root)"
        out.append(f"{where}: {_short(deepest.message)}")
    return out


def _closest(error: ValidationError) -> ValidationError:
    while error.context:
        picked = best_match(error.context)
        if picked is None:
            break
        error = picked
    return error


def _short(text: str, size: int = 240) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def response_faults(
    method: str, template: str, concrete_path: str, *, status: int, payload: Any
) -> list[str]:
    """Why `payload` (answered with `status`) is not what Discord documents, if it isn't."""
    try:
        op = openapi.operation(method, template, concrete_path)
    except KeyError:
        return [f"{method} {template}: not an operation in Discord's OpenAPI description"]
    validator = _response_validator(op.method, op.path, status)
    label = f"{method} {op.path} → {status}"
    if validator == _UNDOCUMENTED:
        return [f"{label}: status not documented for {op.operation_id}"]
    if validator == "no-body":
        return [] if payload is None else [f"{label}: documented without a body"]
    assert isinstance(validator, Draft202012Validator)  # noqa: S101 - the cache's two shapes
    return [f"{label} {p}" for p in problems(validator, payload)]


def check(
    b: Backend,
    method: str,
    template: str,
    request: web.Request,
    *,
    status: int,
    payload: Any,
) -> None:
    """Record in `b.emulator_faults` any way `payload` differs from the documented response."""
    if not sampling.wants_check(
        f"{method} {template} {status}", check_every_payload=b.check_every_payload
    ):
        return
    path = api_path(request.path)
    b.emulator_faults.extend(
        response_faults(method, template, path, status=status, payload=payload)
    )


def api_path(path: str) -> str:
    """The request path as the description writes it (without /api/v10)."""
    for prefix in ("/api/v10", "/api/v9"):
        if path.startswith(prefix + "/"):
            return path[len(prefix) :]
    return path
