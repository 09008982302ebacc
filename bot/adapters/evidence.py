"""Keeping files members hand in (dispute attachments, credentials).

Discord's attachment links expire, so each file is downloaded at once, hashed (SHA-256)
and re-posted to the guild's `evidence_channel`, whose message is the lasting link.
Without that channel the record keeps Discord's own link (it works for a while) and the
hash.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Sequence

import discord

from bot.presenters.text_limits import MESSAGE_CONTENT_MAX, clip
from marketplace.domain.errors import ConflictError
from marketplace.domain.evidence_files import EvidenceFile, KeptIn, check_upload, clean_filename
from marketplace.services import guild_admin
from marketplace.services.context import ServiceContext

log = logging.getLogger(__name__)


async def keep_files(
    client: discord.Client,
    services: ServiceContext,
    guild_id: int,
    attachments: Sequence[discord.Attachment],
    *,
    caption: str,
    max_files: int,
) -> tuple[EvidenceFile, ...]:
    """The files, kept; refuses too many or too big before downloading anything.

    Raises InputError("files", ...) and ConflictError("files_unavailable") when Discord
    can't hand a file over or the evidence channel refuses it.
    """
    check_upload([a.size for a in attachments], max_files)
    if not attachments:
        return ()
    try:
        contents = [await a.read() for a in attachments]
    except discord.HTTPException as error:
        _failed("downloading an attachment", guild_id, error)
        raise ConflictError("files_unavailable") from None
    digests = [hashlib.sha256(data).hexdigest() for data in contents]
    channel_id = await guild_admin.evidence_channel(guild_id, services)
    links = [a.url for a in attachments]
    kept = KeptIn.DISCORD_LINK
    if channel_id is not None:
        channel = client.get_partial_messageable(channel_id, guild_id=guild_id)
        try:
            # One message per file: each stays under Discord's per-request size limit.
            posted = [
                await channel.send(
                    clip(caption, MESSAGE_CONTENT_MAX),
                    file=discord.File(io.BytesIO(data), filename=a.filename),
                )
                for a, data in zip(attachments, contents, strict=True)
            ]
        except discord.HTTPException as error:
            _failed(f"posting to evidence channel {channel_id}", guild_id, error)
            raise ConflictError("files_unavailable") from None
        links, kept = [m.jump_url for m in posted], KeptIn.EVIDENCE_CHANNEL
    return tuple(
        EvidenceFile(clean_filename(a.filename), a.size, a.content_type or "", digest, link, kept)
        for a, digest, link in zip(attachments, digests, links, strict=True)
    )


def _failed(what: str, guild_id: int, error: discord.HTTPException) -> None:
    log.warning(
        "Discord failed %s: %s (code %s)",
        what,
        error.status,
        error.code,
        extra={"guild_id": guild_id},
    )
