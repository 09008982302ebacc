"""Files members hand in as evidence: a dispute's attachments, a tutor's credentials.

Discord's attachment links expire, so the bot downloads each file at once, keeps its
name, size, type and SHA-256, and re-posts it to the guild's `evidence_channel` (a
private channel for moderators); `link` is then that message. Without an evidence
channel `link` is Discord's own link, which works for a while only (`kept` says which).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from marketplace.domain.errors import InputError, Problem
from marketplace.domain.text import clean_text

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Discord's upload limit for members without Nitro (and for bots): 10 MiB a file."""

MAX_DISPUTE_FILES = 5
MAX_CREDENTIAL_FILES = 3
FILENAME_MAX = 100


class KeptIn(StrEnum):
    """Where the file can be opened later."""

    EVIDENCE_CHANNEL = "evidence_channel"
    DISCORD_LINK = "discord_link"  # expires: no evidence channel is set


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    """One handed-in file, as kept."""

    filename: str
    size: int
    content_type: str
    sha256: str
    link: str
    kept: KeptIn

    def to_json(self) -> dict[str, Any]:
        """The file as stored inside sealed evidence."""
        return {**asdict(self), "kept": self.kept.value}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EvidenceFile:
        """A file read back from stored evidence."""
        return cls(
            str(data["filename"]),
            int(data["size"]),
            str(data.get("content_type", "")),
            str(data["sha256"]),
            str(data.get("link", "")),
            KeptIn(str(data.get("kept", KeptIn.DISCORD_LINK.value))),
        )


def check_upload(sizes: list[int], max_files: int, *, required: bool = False) -> None:
    """Refuse too many files, a file over Discord's limit, or none when one is required.

    Raises InputError("files", too_many | too_long | empty, limit).
    """
    if required and not sizes:
        raise InputError("files", Problem.EMPTY)
    if len(sizes) > max_files:
        raise InputError("files", Problem.TOO_MANY, max_files)
    if any(size > MAX_FILE_BYTES for size in sizes):
        raise InputError("files", Problem.TOO_LONG, MAX_FILE_BYTES // (1024 * 1024))


def clean_filename(name: str) -> str:
    """A file name fit to show (control characters out, at most 100 characters)."""
    cleaned = clean_text(name, field="files", max_len=1_000, required=False) or "file"
    return cleaned[:FILENAME_MAX]
