"""Creating, editing and deleting messages, with Discord's checks and events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from discord_emulator import errors as err
from discord_emulator import intents, limits, payloads
from discord_emulator.core import EmulatorCore
from discord_emulator.models import (
    EPHEMERAL,
    Attachment,
    Channel,
    InteractionOrigin,
    Message,
    utcnow_iso,
)

JSON = dict[str, Any]

LOADING = 1 << 7
ALLOWED_FLAGS = EPHEMERAL | (1 << 2) | (1 << 12) | (1 << 15)


@dataclass
class UploadedFile:
    index: int
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


class MessageOps(EmulatorCore):
    def message_payload(self, message: Message) -> JSON:
        return payloads.message(self.world, message, self.base_url)

    def message_as_read(self, message: Message) -> JSON:
        """A message as the bot reads it over REST (MESSAGE_CONTENT applies, see intents)."""
        bot = self.world.bot
        bot_id = bot.user.id if bot else None
        return intents.message(self.message_payload(message), self.hub.intents, bot_id)

    def _attachments(
        self, payload: JSON, files: Sequence[UploadedFile], existing: Sequence[Attachment] = ()
    ) -> list[Attachment]:
        meta = {str(a.get("id")): a for a in payload.get("attachments") or []}
        out: list[Attachment] = []
        kept = {str(a.get("id")) for a in payload.get("attachments") or []}
        out.extend(a for a in existing if str(a.id) in kept)
        for f in files:
            info = meta.get(str(f.index), {})
            out.append(
                Attachment(
                    id=self.world.ids.next(),
                    filename=str(info.get("filename") or f.filename),
                    data=f.data,
                    content_type=f.content_type,
                    description=info.get("description"),
                )
            )
        return out

    def create_message(
        self,
        channel: Channel,
        author_id: int,
        payload: JSON,
        files: Sequence[UploadedFile] = (),
        *,
        prefix: Sequence[str] = (),
        message_type: int = 0,
        webhook_id: int | None = None,
        interaction: InteractionOrigin | None = None,
        extra_flags: int = 0,
        check_dm: bool = True,
        record: bool = True,
    ) -> Message:
        limits.check_message(
            payload, files=len(files), prefix=prefix, require_content=not extra_flags & LOADING
        )
        if check_dm and channel.is_dm and channel.recipient_id is not None:
            recipient = self.world.users[channel.recipient_id]
            if not recipient.dms_open:
                raise err.cannot_dm()
        nonce = payload.get("nonce")
        if nonce is not None and payload.get("enforce_nonce"):
            for existing in self.world.channel_message_list(channel.id):
                if existing.nonce == str(nonce) and existing.author_id == author_id:
                    return existing
        flags = (int(payload.get("flags") or 0) & ALLOWED_FLAGS) | extra_flags
        if interaction is None:
            flags &= ~EPHEMERAL
        msg = Message(
            id=self.world.ids.next(),
            channel_id=channel.id,
            author_id=author_id,
            content=str(payload.get("content") or ""),
            embeds=list(payload.get("embeds") or []),
            components=payloads.numbered_components(list(payload.get("components") or [])),
            flags=flags,
            attachments=self._attachments(payload, files),
            nonce=None if nonce is None else str(nonce),
            guild_id=channel.guild_id,
            type=message_type,
            webhook_id=webhook_id,
        )
        if interaction is not None:
            msg.interaction_id, msg.interaction_user_id = interaction.id, interaction.user_id
            msg.interaction_name = interaction.name
            msg.interaction_metadata = interaction.metadata
        self.world.add_message(msg)
        if not msg.ephemeral:
            self.dispatch("MESSAGE_CREATE", self.message_payload(msg))
        if record:
            self.record_message(msg)
        self.notify()
        return msg

    def record_message(self, msg: Message, action: str = "") -> None:
        if msg.flags & LOADING and not self.transcript_deferrals:
            return  # the follow-up that replaces "thinking…" is what readers care about
        text = "(thinking…)" if msg.flags & LOADING else msg.text
        self.say(
            self.bot_name()
            if msg.author_id == self._bot_id()
            else self.world.users[msg.author_id].name,
            action,
            text,
            where=self.where(msg.channel_id),
            ephemeral=msg.ephemeral,
        )

    def _bot_id(self) -> int:
        return self.world.bot.user.id if self.world.bot else 0

    def edit_message(
        self,
        msg: Message,
        payload: JSON,
        files: Sequence[UploadedFile] = (),
        *,
        prefix: Sequence[str] = (),
        record: bool = True,
    ) -> Message:
        limits.check_message(payload, files=len(files), prefix=prefix, require_content=False)
        if "content" in payload:
            msg.content = str(payload.get("content") or "")
        if "embeds" in payload:
            msg.embeds = list(payload.get("embeds") or [])
        if "components" in payload:
            msg.components = payloads.numbered_components(list(payload.get("components") or []))
        if "flags" in payload and payload["flags"] is not None:
            keep = msg.flags & (EPHEMERAL | (1 << 15))
            msg.flags = keep | (int(payload["flags"]) & ((1 << 2) | (1 << 15)))
        if "attachments" in payload or files:
            msg.attachments = self._attachments(payload, files, msg.attachments)
        was_loading = bool(msg.flags & LOADING)
        msg.flags &= ~LOADING
        if not (msg.content or msg.embeds or msg.components or msg.attachments):
            raise err.empty_message()
        msg.edited_timestamp = None if was_loading else utcnow_iso()
        if not msg.ephemeral:
            self.dispatch("MESSAGE_UPDATE", self.message_payload(msg))
        if record:
            self.record_message(msg, "" if was_loading else "✎")
        self.notify()
        return msg

    def delete_message(self, msg: Message) -> None:
        msg.deleted = True
        if not msg.ephemeral:
            data: JSON = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
            if msg.guild_id is not None:
                data["guild_id"] = str(msg.guild_id)
            self.dispatch("MESSAGE_DELETE", data)
        self.say(self.bot_name(), "🗑 deleted a message", "", where=self.where(msg.channel_id))
        self.notify()
