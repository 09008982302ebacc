"""Discord's documented size and layout limits, reported as 50035 form errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from discord_emulator.errors import DiscordAPIError, FormErrors, empty_message
from discord_emulator.render import walk_components

JSON = dict[str, Any]
Path = list[str | int]

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
ROWS_MAX = 5
ROW_WIDTH = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_PLACEHOLDER_MAX = 100
TEXT_INPUT_LENGTH_MAX = 4000
CHOICES_MAX = 25
# A user's per-file upload limit without Nitro: 10 MiB. Discord's changelog "Adding More
# Modal Components!" (2025-10-15, with the components reference's File Upload section,
# https://discord.com/developers/docs/components/reference#file-upload): "the max file
# size is based on the user's upload limit in that channel"; the help centre gives 10 MB
# without Nitro. The client refuses a larger file, so the harness does (ValueError).
USER_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# File Upload: min_values 0-10 (default 1), max_values 1-10 (default 1); the ranges are in
# the OpenAPI document (FileUploadComponentForModalRequest), so its validation refuses them.
FILE_UPLOAD_MAX_FILES = 10
# Files in one message (Discord's message resource docs: up to 10 attachments).
MESSAGE_FILES_MAX = 10
# What a bot may attach, per file, in a guild without boosts (or boost level 1): 10 MiB.
# It is the `attachment_size_limit` every interaction carries; a larger file is refused
# with 413 "Request entity too large" (40005), as Discord does.
BOT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
CHOICE_NAME_MAX = 100
V2_COMPONENTS_MAX = 40
IS_COMPONENTS_V2 = 1 << 15
CHANNEL_NAME_MAX = 100

_EMBED_STR_LIMITS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("title",), 256),
    (("description",), 4096),
    (("footer", "text"), 2048),
    (("author", "name"), 256),
)


def _str_len(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def _embed_size(embed: JSON) -> int:
    size = _str_len(embed.get("title")) + _str_len(embed.get("description"))
    size += _str_len((embed.get("footer") or {}).get("text"))
    size += _str_len((embed.get("author") or {}).get("name"))
    for f in embed.get("fields", []) or []:
        size += _str_len(f.get("name")) + _str_len(f.get("value"))
    return size


def _check_embed_strings(i: int, embed: JSON, errors: FormErrors) -> None:
    for keys, limit in _EMBED_STR_LIMITS:
        node: Any = embed
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        if _str_len(node) > limit:
            errors.max_length(["embeds", i, *keys], limit)


def _check_embed_fields(i: int, fields: Sequence[JSON], errors: FormErrors) -> None:
    if len(fields) > 25:
        errors.max_length(["embeds", i, "fields"], 25)
    for j, f in enumerate(fields):
        if _str_len(f.get("name")) > 256:
            errors.max_length(["embeds", i, "fields", j, "name"], 256)
        if _str_len(f.get("value")) > 1024:
            errors.max_length(["embeds", i, "fields", j, "value"], 1024)


def check_embeds(embeds: Sequence[JSON], errors: FormErrors) -> None:
    if len(embeds) > EMBEDS_MAX:
        errors.max_length(["embeds"], EMBEDS_MAX)
    for i, embed in enumerate(embeds):
        _check_embed_strings(i, embed, errors)
        _check_embed_fields(i, embed.get("fields", []) or [], errors)
    if sum(_embed_size(e) for e in embeds) > EMBED_TOTAL_MAX:
        errors.add(["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def _check_select(comp: JSON, path: Path, errors: FormErrors) -> None:
    options = comp.get("options", []) or []
    if len(options) > SELECT_OPTIONS_MAX:
        errors.max_length([*path, "options"], SELECT_OPTIONS_MAX)
    for k, opt in enumerate(options):
        for key in ("label", "value", "description"):
            if _str_len(opt.get(key)) > 100:
                errors.max_length([*path, "options", k, key], 100)
    min_v = comp.get("min_values", 1)
    max_v = comp.get("max_values", 1)
    if not 0 <= min_v <= 25:
        errors.add([*path, "min_values"], "BASE_TYPE_MAX", "int value should be in [0, 25].")
    if not 1 <= max_v <= 25:
        errors.add([*path, "max_values"], "BASE_TYPE_MAX", "int value should be in [1, 25].")
    if min_v > max_v:
        errors.add(
            [*path, "min_values"],
            "SELECT_COMPONENT_MIN_VALUES_TOO_LARGE",
            "min_values must be less than or equal to max_values",
        )
    if comp.get("type") == 3 and options and max_v > len(options):
        errors.add(
            [*path, "max_values"],
            "SELECT_COMPONENT_MAX_VALUES_TOO_LARGE",
            "max_values must be less than or equal to the number of options",
        )
    if _str_len(comp.get("placeholder")) > 150:
        errors.max_length([*path, "placeholder"], 150)


def _check_leaf(comp: JSON, path: Path, errors: FormErrors, seen: set[str]) -> None:
    custom_id = comp.get("custom_id")
    if isinstance(custom_id, str):
        if len(custom_id) > CUSTOM_ID_MAX:
            errors.max_length([*path, "custom_id"], CUSTOM_ID_MAX)
        if custom_id in seen:
            errors.add(
                [*path, "custom_id"],
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        seen.add(custom_id)
    kind = comp.get("type")
    if kind == 2:
        if _str_len(comp.get("label")) > BUTTON_LABEL_MAX:
            errors.max_length([*path, "label"], BUTTON_LABEL_MAX)
        style = comp.get("style", 1)
        if style == 5 and not comp.get("url"):
            errors.add([*path, "url"], "BASE_TYPE_REQUIRED", "This field is required")
        if style in (1, 2, 3, 4) and not custom_id:
            errors.add([*path, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
    elif kind in (3, 5, 6, 7, 8):
        _check_select(comp, path, errors)


def _check_row(row: JSON, path: Path, errors: FormErrors, seen: set[str]) -> None:
    children = row.get("components", []) or []
    if len(children) > ROW_WIDTH:
        errors.max_length([*path, "components"], ROW_WIDTH)
    has_select = any(c.get("type") in (3, 5, 6, 7, 8) for c in children)
    if has_select and len(children) > 1:
        errors.add(
            [*path, "components"],
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
        )
    for j, child in enumerate(children):
        _check_leaf(child, [*path, "components", j], errors, seen)


def check_components(components: Sequence[JSON], errors: FormErrors, flags: int = 0) -> None:
    seen: set[str] = set()
    if flags & IS_COMPONENTS_V2:
        if sum(1 for _ in walk_components(components)) > V2_COMPONENTS_MAX:
            errors.max_length(["components"], V2_COMPONENTS_MAX)
        for i, comp in enumerate(components):
            _check_v2(comp, ["components", i], errors, seen)
        return
    if len(components) > ROWS_MAX:
        errors.max_length(["components"], ROWS_MAX)
    for i, row in enumerate(components):
        if row.get("type") != 1:
            errors.add(
                ["components", i],
                "UNION_TYPE_CHOICES",
                'Value of field "type" must be one of (1,).',
            )
            continue
        _check_row(row, ["components", i], errors, seen)


def _check_v2(comp: JSON, path: Path, errors: FormErrors, seen: set[str]) -> None:
    if comp.get("type") == 1:
        _check_row(comp, path, errors, seen)
        return
    _check_leaf(comp, path, errors, seen)
    for j, child in enumerate(comp.get("components", []) or []):
        _check_v2(child, [*path, "components", j], errors, seen)
    accessory = comp.get("accessory")
    if isinstance(accessory, dict):
        _check_leaf(accessory, [*path, "accessory"], errors, seen)


def check_message(
    payload: JSON,
    *,
    files: int = 0,
    prefix: Sequence[str] = (),
    require_content: bool = True,
) -> None:
    """Validate a create/edit message body; raise 50035 (or 50006 when empty)."""
    errors = FormErrors()
    content = payload.get("content")
    if isinstance(content, str) and len(content) > CONTENT_MAX:
        errors.max_length(["content"], CONTENT_MAX)
    embeds = payload.get("embeds") or []
    check_embeds(embeds, errors)
    components = payload.get("components") or []
    check_components(components, errors, int(payload.get("flags") or 0))
    errors.raise_if_any(prefix)
    if (
        require_content
        and not (content or embeds or components or files or payload.get("sticker_ids"))
        and not payload.get("poll")
    ):
        raise empty_message()


def check_modal(data: JSON) -> None:
    errors = FormErrors()
    if _str_len(data.get("title")) > MODAL_TITLE_MAX:
        errors.max_length(["title"], MODAL_TITLE_MAX)
    if _str_len(data.get("custom_id")) > CUSTOM_ID_MAX:
        errors.max_length(["custom_id"], CUSTOM_ID_MAX)
    components = data.get("components", []) or []
    if not components:
        errors.add(["components"], "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
    if len(components) > MODAL_COMPONENTS_MAX:
        errors.max_length(["components"], MODAL_COMPONENTS_MAX)
    seen: set[str] = set()
    for i, top in enumerate(components):
        if top.get("type") == 18 and _str_len(top.get("label")) > TEXT_INPUT_LABEL_MAX:
            errors.max_length(["components", i, "label"], TEXT_INPUT_LABEL_MAX)
        inner: list[tuple[Path, JSON]] = []
        if top.get("type") == 1:
            inner = [
                (["components", i, "components", j], c) for j, c in enumerate(top["components"])
            ]
        elif isinstance(top.get("component"), dict):
            inner = [(["components", i, "component"], top["component"])]
        for path, comp in inner:
            _check_modal_input(comp, path, errors, seen)
    errors.raise_if_any(["data"])


def _check_modal_input(comp: JSON, path: Path, errors: FormErrors, seen: set[str]) -> None:
    _check_leaf(comp, path, errors, seen)
    if comp.get("type") != 4:
        return
    if _str_len(comp.get("label")) > TEXT_INPUT_LABEL_MAX:
        errors.max_length([*path, "label"], TEXT_INPUT_LABEL_MAX)
    if _str_len(comp.get("placeholder")) > TEXT_INPUT_PLACEHOLDER_MAX:
        errors.max_length([*path, "placeholder"], TEXT_INPUT_PLACEHOLDER_MAX)
    _check_prefill(comp, path, errors)
    for key in ("min_length", "max_length"):
        value = comp.get(key)
        if isinstance(value, int) and value > TEXT_INPUT_LENGTH_MAX:
            errors.add(
                [*path, key], "BASE_TYPE_MAX", "int value should be less than or equal to 4000."
            )


def _check_prefill(comp: JSON, path: Path, errors: FormErrors) -> None:
    """A prefilled ``value`` must fit the field's own bounds (and 4,000)."""
    value = comp.get("value")
    if not isinstance(value, str) or not value:
        return
    most = comp.get("max_length")
    most = min(most, TEXT_INPUT_LENGTH_MAX) if isinstance(most, int) else TEXT_INPUT_LENGTH_MAX
    least = comp.get("min_length")
    if len(value) > most:
        errors.max_length([*path, "value"], most)
    elif isinstance(least, int) and len(value) < least:
        errors.add([*path, "value"], "BASE_TYPE_MIN_LENGTH", f"Must be {least} or more in length.")


def check_channel_name(payload: JSON) -> None:
    """A channel or thread name, where one is given, is 1-100 characters (create and update)."""
    if "name" not in payload:
        return
    name = payload["name"]
    if not isinstance(name, str) or not 1 <= len(name) <= CHANNEL_NAME_MAX:
        errors = FormErrors()
        errors.add(
            ["name"], "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {CHANNEL_NAME_MAX} in length."
        )
        errors.raise_if_any()


def check_choices(data: JSON) -> None:
    errors = FormErrors()
    choices = data.get("choices", []) or []
    if len(choices) > CHOICES_MAX:
        errors.max_length(["choices"], CHOICES_MAX)
    for i, choice in enumerate(choices):
        if _str_len(choice.get("name")) > CHOICE_NAME_MAX:
            errors.max_length(["choices", i, "name"], CHOICE_NAME_MAX)
        if _str_len(choice.get("value")) > CHOICE_NAME_MAX:
            errors.max_length(["choices", i, "value"], CHOICE_NAME_MAX)
    errors.raise_if_any(["data"])


def channel_cap(limit: int) -> DiscordAPIError:
    return DiscordAPIError(400, 30013, f"Maximum number of guild channels reached ({limit})")


def thread_cap() -> DiscordAPIError:
    return DiscordAPIError(400, 160006, "Maximum number of active threads reached")


def category_full(limit: int) -> DiscordAPIError:
    errors = FormErrors()
    errors.add(
        ["parent_id"],
        "CHANNEL_PARENT_MAX_CHANNELS",
        f"Maximum number of channels in category reached ({limit})",
    )
    return DiscordAPIError(400, 50035, "Invalid Form Body", errors.tree, from_state=True)
