"""The `/mod queue` card of verification requests: who, their note, their files."""

from __future__ import annotations

import discord

from bot import texts
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.text_limits import FIELD_VALUE_MAX, fit_embed, fit_joined
from marketplace.domain.evidence_files import EvidenceFile, KeptIn
from marketplace.domain.verification_requests import VerificationRequest


def file_line(file: EvidenceFile) -> str:
    """A handed-in file: name (linked), size, first characters of its hash."""
    template = (
        texts.EVIDENCE_FILE_KEPT
        if file.kept is KeptIn.EVIDENCE_CHANNEL
        else texts.EVIDENCE_FILE_LINK_ONLY
    )
    return template.format(
        name=file.filename.replace("]", ")"),
        link=file.link,
        kib=max(1, file.size // 1024),
        sha=file.sha256[:12],
    )


def requests_embed(requests: list[VerificationRequest]) -> discord.Embed:
    """One field per waiting request, oldest first."""
    embed = discord.Embed(title=texts.VERIFY_REQUESTS_TITLE, colour=BRAND_COLOUR)
    for request in requests:
        lines = [texts.VERIFY_REQUEST_LINE.format(user=request.user_id, note=request.note or "—")]
        lines += [file_line(f) for f in request.files]
        embed.add_field(
            name=texts.VERIFY_REQUEST_FIELD.format(
                request=request.request_id, at=int(request.created_at.timestamp())
            ),
            value=fit_joined(lines, FIELD_VALUE_MAX, "\n"),
            inline=False,
        )
    return fit_embed(embed, texts.MOD_QUEUE_MORE)
