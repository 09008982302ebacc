"""jsonschema errors turned into Discord's 50035 ``errors`` tree (codes like Discord's).

Discord names each failing field by its path (``embeds.0.title``) with a code such as
``BASE_TYPE_MAX_LENGTH``. A union (``oneOf``/``anyOf``) failure is reported inside the
branch the value was meant to be: the one whose ``type`` discriminator matches (message
components, callbacks, command options), else the branch that got furthest, so the error
names the real field rather than the union.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from jsonschema import ValidationError

from discord_emulator.errors import FormErrors

JSON = dict[str, Any]
Path = list[str | int]

SNOWFLAKE_PATTERN = "^(0|[1-9][0-9]*)$"
_UNIONS = ("oneOf", "anyOf")


def add_schema_errors(
    errors: FormErrors, found: Iterable[ValidationError], prefix: Sequence[str | int] = ()
) -> None:
    """Add every leaf of `found` to `errors` at ``prefix + the field's path``."""
    for error in found:
        for leaf in _leaves(error):
            _add(errors, leaf, [*prefix, *leaf.absolute_path])


def _leaves(error: ValidationError) -> list[ValidationError]:
    if error.validator not in _UNIONS or not error.context:
        return [error]
    branch = _chosen_branch(error)
    if branch is None:
        return [error]
    out: list[ValidationError] = []
    for sub in branch:
        out.extend(_leaves(sub))
    return out


def _branches(error: ValidationError) -> dict[int, list[ValidationError]]:
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or []:
        index = sub.relative_schema_path[0]
        branches.setdefault(int(index), []).append(sub)
    return branches


def _fails_on_type_field(sub: ValidationError) -> bool:
    return list(sub.relative_path) == ["type"] and sub.validator in ("enum", "const")


def _fails_at_root_type(sub: ValidationError) -> bool:
    return not sub.relative_path and sub.validator == "type"


def _chosen_branch(error: ValidationError) -> list[ValidationError] | None:
    """The branch the value was meant for, or None when its ``type`` matches no branch."""
    branches = _branches(error)
    instance = error.instance
    if isinstance(instance, dict) and "type" in instance:
        typed = {
            i: subs
            for i, subs in branches.items()
            if not any(_fails_on_type_field(s) for s in subs)
            and not any(_fails_at_root_type(s) for s in subs)
        }
        if not typed and any(any(_fails_on_type_field(s) for s in b) for b in branches.values()):
            return None
        branches = typed or branches
    shaped = {
        i: subs for i, subs in branches.items() if not any(_fails_at_root_type(s) for s in subs)
    }
    pool = shaped or branches
    if not pool:
        return None
    return max(pool.values(), key=_branch_rank)


def _branch_rank(subs: list[ValidationError]) -> tuple[int, int, int]:
    """Deepest errors first, then a branch that is not just ``null``, then fewest errors."""
    only_null = all(s.validator == "type" and s.validator_value == "null" for s in subs)
    return (max(len(s.path) for s in subs), 0 if only_null else 1, -len(subs))


def _union_type_choices(error: ValidationError) -> str:
    values: list[str] = []
    for sub in error.context or []:
        if _fails_on_type_field(sub):
            allowed = sub.validator_value
            for v in allowed if isinstance(allowed, list) else [allowed]:
                if str(v) not in values:
                    values.append(str(v))
    return f'Value of field "type" must be one of ({", ".join(values)},).'


def _plain(value: object) -> Any:
    """A validator's value (jsonschema types it as possibly unset; it is set on errors)."""
    return value


def _add(errors: FormErrors, error: ValidationError, path: Path) -> None:
    kind, value = error.validator, _plain(error.validator_value)
    if kind in _UNIONS:
        errors.add([*path, "type"], "UNION_TYPE_CHOICES", _union_type_choices(error))
    elif kind == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        for name in value:
            if name not in instance:
                errors.add([*path, name], "BASE_TYPE_REQUIRED", "This field is required")
    elif kind in ("maxLength", "minLength", "maxItems", "minItems"):
        errors.add(path, *_length_error(error))
    else:
        errors.add(path, *_value_error(error))


def _length_error(error: ValidationError) -> tuple[str, str]:
    kind, value = str(error.validator), error.validator_value
    schema = error.schema if isinstance(error.schema, dict) else {}
    keys = ("minLength", "maxLength") if "Length" in kind else ("minItems", "maxItems")
    low, high = schema.get(keys[0]), schema.get(keys[1])
    if low is not None and high is not None and low > 0:
        return "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length."
    if kind.startswith("max"):
        return "BASE_TYPE_MAX_LENGTH", f"Must be {value} or fewer in length."
    return "BASE_TYPE_MIN_LENGTH", f"Must be {value} or more in length."


_VALUE_ERRORS: dict[str, tuple[str, str]] = {
    "maximum": ("NUMBER_TYPE_MAX", "int value should be less than or equal to {value}."),
    "exclusiveMaximum": ("NUMBER_TYPE_MAX", "int value should be less than {value}."),
    "minimum": ("NUMBER_TYPE_MIN", "int value should be greater than or equal to {value}."),
    "exclusiveMinimum": ("NUMBER_TYPE_MIN", "int value should be greater than {value}."),
    "pattern": ("STRING_TYPE_REGEX", "String value did not match validation regex."),
    "uniqueItems": ("BASE_TYPE_DUPLICATES", "Must not contain duplicates."),
    "maxProperties": ("BASE_TYPE_MAX_LENGTH", "Must be {value} or fewer in length."),
}


def _value_error(error: ValidationError) -> tuple[str, str]:
    kind, value, instance = str(error.validator), _plain(error.validator_value), error.instance
    if kind == "type":
        return _type_error(value, instance)
    if kind in ("enum", "const"):
        allowed = value if kind == "enum" else [value]
        return "BASE_TYPE_CHOICES", f"Value must be one of ({', '.join(map(repr, allowed))})."
    if kind == "pattern" and value == SNOWFLAKE_PATTERN:
        return "NUMBER_TYPE_COERCE", f'Value "{instance}" is not snowflake.'
    code, message = _VALUE_ERRORS.get(kind, ("BASE_TYPE_INVALID", error.message))
    return code, message.replace("{value}", str(value))


def _type_error(expected: Any, instance: Any) -> tuple[str, str]:
    wanted = [t for t in (expected if isinstance(expected, list) else [expected]) if t != "null"]
    first = wanted[0] if wanted else "null"
    if first in ("integer", "number"):
        return "NUMBER_TYPE_COERCE", f'Value "{instance}" is not int.'
    if first == "boolean":
        return "BASE_TYPE_BOOLEAN", "Must be either true or false."
    if first == "string":
        return "BASE_TYPE_STRING", f'Could not interpret "{instance}" as string.'
    if first == "object":
        return "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"
    if first == "array":
        return "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType"
    return "BASE_TYPE_INVALID", "Must be null."
