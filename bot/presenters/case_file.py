"""`/mod evidence dispute:`: a dispute's case file.

The card shows the statement, the record (state, check-ins, what was sent) and the
handed-in files; the session log goes along as a text file, since it can be long.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import discord

from bot import texts
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.requests import file_line
from bot.presenters.text_limits import (
    EMBED_DESCRIPTION_MAX,
    FIELD_VALUE_MAX,
    clip,
    fit_embed,
    fit_joined,
)
from marketplace.domain.disputes import Dispute
from marketplace.domain.evidence_files import EvidenceFile


def _when(iso: object) -> str:
    if not isinstance(iso, str):
        return texts.CASE_FILE_NEVER
    return f"<t:{int(datetime.fromisoformat(iso).timestamp())}:f>"


def case_file_embed(dispute: Dispute) -> discord.Embed:
    """The statement, the record and the files of one dispute."""
    evidence: dict[str, Any] = dispute.evidence
    embed = discord.Embed(
        title=texts.CASE_FILE_TITLE.format(dispute=dispute.dispute_id, booking=dispute.booking_id),
        description=clip(
            texts.CASE_FILE_STATEMENT.format(
                by=dispute.opened_by, statement=dispute.statement or texts.CASE_FILE_ERASED
            ),
            EMBED_DESCRIPTION_MAX,
        ),
        colour=BRAND_COLOUR,
    )
    check_ins = evidence.get("check_ins") or {}
    record = texts.CASE_FILE_RECORD.format(
        state=evidence.get("state", "?"),
        student=_when(check_ins.get("student")),
        tutor=_when(check_ins.get("tutor")),
        sent=len(evidence.get("deliveries") or []),
        said=len(evidence.get("session_log") or []),
    )
    embed.add_field(name=texts.CASE_FILE_RECORD_TITLE, value=clip(record, FIELD_VALUE_MAX))
    files = [EvidenceFile.from_json(f) for f in evidence.get("attachments") or []]
    if files:
        embed.add_field(
            name=texts.CASE_FILE_FILES_TITLE,
            value=fit_joined([file_line(f) for f in files], FIELD_VALUE_MAX, "\n"),
            inline=False,
        )
    return fit_embed(embed, texts.MOD_QUEUE_MORE)


def session_log_file(dispute: Dispute) -> discord.File | None:
    """The session log as `dispute-<id>-log.txt` (None when nothing was said in the space)."""
    said = dispute.evidence.get("session_log") or []
    if not said:
        return None
    roles = {
        dispute.evidence.get("student"): texts.CASE_FILE_STUDENT,
        dispute.evidence.get("tutor"): texts.CASE_FILE_TUTOR,
    }
    lines = [
        texts.CASE_FILE_LOG_LINE.format(
            at=m.get("at", ""),
            author=roles.get(m.get("author"), texts.CASE_FILE_SOMEONE).format(id=m.get("author")),
            text=m.get("text", ""),
            files=", ".join(m.get("files") or []),
        ).rstrip()
        for m in said
    ]
    data = ("\n".join(lines) + "\n").encode()
    return discord.File(io.BytesIO(data), filename=f"dispute-{dispute.dispute_id}-log.txt")
