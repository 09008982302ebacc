"""Acting as users on message components and modals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from discord_emulator import limits, payloads
from discord_emulator.actions import Actions
from discord_emulator.build import Resolved
from discord_emulator.interactions import COMPONENT, MODAL_SUBMIT
from discord_emulator.models import (
    JSON,
    Attachment,
    Channel,
    InteractionResult,
    Message,
    Modal,
    ModalField,
    Role,
    User,
)
from discord_emulator.render import SELECT_TYPES, walk_components


def _find_component(
    message: Message, *, label: str | None, custom_id: str | None, types: Sequence[int]
) -> JSON:
    matches = [c for c in walk_components(message.components) if c.get("type") in types]
    if custom_id is not None:
        matches = [c for c in matches if c.get("custom_id") == custom_id]
    if label is not None:
        matches = [c for c in matches if label in (c.get("label"), c.get("placeholder"))]
    if not matches:
        raise LookupError(
            f"no such component (label={label!r}, custom_id={custom_id!r}) "
            f"on message {message.id}: {message.buttons or message.selects}"
        )
    return matches[0]


class ComponentActions(Actions):
    def _message(self, message: Message | int) -> Message:
        msg = self.world.messages.get(message if isinstance(message, int) else message.id)
        if msg is None or msg.deleted:
            raise LookupError(f"message {message!r} does not exist (deleted?)")
        return msg

    async def click(
        self,
        user: User,
        message: Message | int,
        *,
        label: str | None = None,
        custom_id: str | None = None,
    ) -> InteractionResult:
        """Click a button (by label or custom_id) on a message."""
        await self.wait_until_ready()
        msg = self._message(message)
        button = _find_component(msg, label=label, custom_id=custom_id, types=(2,))
        if button.get("disabled"):
            raise ValueError(f"button {button.get('label')!r} is disabled")
        if not button.get("custom_id"):
            raise ValueError(f"button {button.get('label')!r} is a link button")
        channel = self.world.get_channel(msg.channel_id)
        data: JSON = {"custom_id": button["custom_id"], "component_type": 2}
        if "id" in button:
            data["id"] = button["id"]
        text = f"clicked [{button.get('label') or button['custom_id']}]"
        p = self._new_pending(COMPONENT, user, channel, text, source=msg)
        self.say(user.name, text, where=self.where(channel), kind="user")
        return await self._run(p, self._payload(p, user, channel, data, message=msg))

    async def select(
        self,
        user: User,
        message: Message | int,
        *,
        custom_id: str | None = None,
        values: Sequence[Any] = (),
        placeholder: str | None = None,
    ) -> InteractionResult:
        """Choose `values` (option values or labels; Users/Roles/Channels) in a select."""
        await self.wait_until_ready()
        msg = self._message(message)
        comp = _find_component(msg, label=placeholder, custom_id=custom_id, types=SELECT_TYPES)
        if comp.get("disabled"):
            raise ValueError("select is disabled")
        channel = self.world.get_channel(msg.channel_id)
        resolved = Resolved(self.world, channel.guild_id, channel)
        raw: list[str] = []
        shown: list[str] = []
        options = comp.get("options") or []
        for value in values:
            if isinstance(value, User):
                raw.append(resolved.user(value))
                shown.append(value.name)
            elif isinstance(value, Role):
                raw.append(resolved.role(value))
                shown.append(f"@{value.name}")
            elif isinstance(value, Channel):
                raw.append(resolved.channel(value, user.id))
                shown.append(f"#{value.name}")
            else:
                opt = next((o for o in options if value in (o.get("value"), o.get("label"))), None)
                if comp.get("type") == 3 and opt is None:
                    allowed = [o.get("value") for o in options]
                    raise ValueError(f"{value!r} is not an option of this select: {allowed}")
                raw.append(str(opt["value"] if opt else value))
                shown.append(str(opt.get("label") if opt else value))
        low, high = int(comp.get("min_values", 1)), int(comp.get("max_values", 1))
        if not low <= len(raw) <= high:
            raise ValueError(f"select needs between {low} and {high} values, got {len(raw)}")
        data: JSON = {"custom_id": comp["custom_id"], "component_type": comp["type"], "values": raw}
        if resolved.data:
            data["resolved"] = resolved.data
        text = f"chose {', '.join(shown) or 'nothing'} in [▾ {comp.get('placeholder') or 'select'}]"
        p = self._new_pending(COMPONENT, user, channel, text, source=msg)
        self.say(user.name, text, where=self.where(channel), kind="user")
        return await self._run(p, self._payload(p, user, channel, data, message=msg))

    async def submit_modal(
        self, user: User, modal: Modal, values: dict[str, Any]
    ) -> InteractionResult:
        """Submit a modal; keys are field custom_ids or labels.

        A File Upload field (type 19) takes a list of files, each ``(filename, bytes)``,
        ``(filename, bytes, content_type)`` or an `Attachment` (or anything with
        ``filename``, ``data`` and ``content_type``); see `picked_files`.
        """
        await self.wait_until_ready()
        filled: dict[str, Any] = {}
        for key, value in values.items():
            filled[modal.field(key).custom_id] = value
        picked = {
            f.custom_id: _check_upload(f, filled.get(f.custom_id))
            for f in modal.fields
            if f.type == 19
        }
        for f in modal.fields:
            value = filled.get(f.custom_id)
            if value is None and f.value is not None and f.type == 4:
                value = filled[f.custom_id] = f.value
            if f.type != 4:
                continue
            text = "" if value is None else str(value)
            if f.required and not text:
                raise ValueError(f"field {f.label or f.custom_id!r} is required")
            if text and f.min_length is not None and len(text) < f.min_length:
                raise ValueError(f"field {f.label!r} needs at least {f.min_length} characters")
            if f.max_length is not None and len(text) > f.max_length:
                raise ValueError(f"field {f.label!r} allows at most {f.max_length} characters")
        # Everything was checked: only now are the files uploaded (kept in the world).
        uploads = {k: [self._upload(f) for f in files] for k, files in picked.items()}
        for custom_id, attachments in uploads.items():
            filled[custom_id] = [a.id for a in attachments]
        components = [c for c in (self._submitted(top, filled) for top in modal.components) if c]
        channel = self.world.get_channel(modal.channel_id)
        source = self.world.messages.get(modal.message_id or 0)
        data: JSON = {"custom_id": modal.custom_id, "components": components}
        files = [a for attachments in uploads.values() for a in attachments]
        if files:
            data["resolved"] = {
                "attachments": {
                    str(a.id): payloads.attachment(a, self.base_url, modal.channel_id)
                    for a in files
                }
            }
        shown = ", ".join(
            f"{modal.field(k).label or k}="
            + (
                "📎 " + ", ".join(a.filename for a in uploads[k])
                if k in uploads
                else str(v).replace(chr(10), " ⏎ ")
            )
            for k, v in filled.items()
            if k not in uploads or uploads[k]
        )
        text = f"submitted ⧉ {modal.title}: {shown}"
        p = self._new_pending(MODAL_SUBMIT, user, channel, text, source=source)
        p.trigger_metadata = modal.opened_by
        self.say(user.name, text, where=self.where(channel), kind="user")
        return await self._run(p, self._payload(p, user, channel, data, message=source))

    def _upload(self, file: PickedFile) -> Attachment:
        """A file the user picked, uploaded: a new attachment, served at its CDN url."""
        attachment = Attachment(self.world.ids.next(), file.filename, file.data, file.content_type)
        self.world.uploads[attachment.id] = attachment
        return attachment

    @staticmethod
    def _submitted(top: JSON, filled: dict[str, Any]) -> JSON | None:
        def leaf(comp: JSON) -> JSON:
            value = filled.get(comp.get("custom_id", ""))
            out: JSON = {"type": comp["type"], "custom_id": comp["custom_id"]}
            if "id" in comp:
                out["id"] = comp["id"]
            if comp["type"] == 4:
                out["value"] = "" if value is None else str(value)
            else:
                seq = value if isinstance(value, list | tuple) else [] if value is None else [value]
                out["values"] = [str(v) for v in seq]
            return out

        if top.get("type") == 1:
            row: JSON = {
                "type": 1,
                "components": [leaf(c) for c in top.get("components", []) if c.get("custom_id")],
            }
            if "id" in top:
                row["id"] = top["id"]
            return row
        inner = top.get("component")
        if top.get("type") == 18 and isinstance(inner, dict) and inner.get("custom_id"):
            label: JSON = {"type": 18, "component": leaf(inner)}
            if "id" in top:
                label["id"] = top["id"]
            return label
        return None


@dataclass(frozen=True)
class PickedFile:
    """A file a user picked in Discord's client (not uploaded yet)."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


def picked_files(value: Any) -> list[PickedFile]:
    """The files a user picks, checked as Discord's client checks them before sending.

    `value` is a list (or other iterable) of files, each ``(filename, bytes)``,
    ``(filename, bytes, content_type)`` or an object with ``filename``, ``data`` and
    ``content_type`` (an `Attachment`). A file over the user's upload limit
    (`limits.USER_UPLOAD_MAX_BYTES`, 10 MiB without Nitro) → `ValueError`.
    """
    if value is None:
        return []
    if isinstance(value, str | bytes | Attachment) or (
        isinstance(value, tuple) and value and isinstance(value[0], str)
    ):
        raise TypeError(f"give a list of files, not one file: [{value!r}]")
    out: list[PickedFile] = []
    for item in value:
        if isinstance(item, tuple | list) and len(item) in (2, 3):
            name, data, *rest = item
            kind = rest[0] if rest else "application/octet-stream"
        elif all(hasattr(item, a) for a in ("filename", "data")):
            name, data = item.filename, item.data
            kind = getattr(item, "content_type", None) or "application/octet-stream"
        else:
            raise TypeError(f"not a file: {item!r} (give (filename, bytes[, content_type]))")
        if not isinstance(name, str) or not name:
            raise TypeError(f"a file name must be a non-empty str, got {name!r}")
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"the content of {name!r} must be bytes, got {type(data).__name__}")
        if len(data) > limits.USER_UPLOAD_MAX_BYTES:
            raise ValueError(
                f"{name!r} ({len(data)} bytes) is over the user's upload limit "
                f"({limits.USER_UPLOAD_MAX_BYTES} bytes, 10 MiB)"
            )
        out.append(PickedFile(name, bytes(data), str(kind)))
    return out


def _check_upload(field: ModalField, value: Any) -> list[PickedFile]:
    """The files for a File Upload, refused as the client refuses them.

    A required upload left empty, fewer than `min_values` or more than `max_values`
    (default 1) files, or a file over the upload limit → `ValueError`. An optional upload
    may be left empty whatever its `min_values`; without one it takes 0 to `max_values`
    (Discord's default `min_values` is 1, which only matters once a file is given).
    """
    files = picked_files(value)
    name = field.label or field.custom_id
    low = field.min_values if field.min_values is not None else (1 if field.required else 0)
    high = field.max_values if field.max_values is not None else 1
    if not files:
        if field.required:
            raise ValueError(f"file upload {name!r} is required")
        return files
    if not low <= len(files) <= high:
        raise ValueError(f"file upload {name!r} takes {low} to {high} files, got {len(files)}")
    return files
