"""A tutor's request for `moderator-verified`: their files and a note, decided once.

SPEC.md "Verification": `/verify request` hands credentials to the moderators, who
**Approve** (the tutor becomes `moderator-verified`) or **Reject** with a reason. A tutor
has at most one request waiting; one already `moderator-verified` has nothing to ask.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from marketplace.domain.errors import ConflictError, InvalidTransitionError
from marketplace.domain.evidence_files import MAX_CREDENTIAL_FILES, EvidenceFile, check_upload
from marketplace.domain.profiles import VerificationLevel
from marketplace.domain.text import clean_text

NOTE_MAX_LEN = 1_000
REASON_MAX_LEN = 500


class RequestState(StrEnum):
    """Where a request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class VerificationRequest:
    """One request; `request_id` is 0 until stored."""

    request_id: int
    guild_id: int
    user_id: int
    note: str
    files: tuple[EvidenceFile, ...]
    created_at: datetime
    state: RequestState = RequestState.PENDING
    decided_by: int | None = None
    decided_at: datetime | None = None
    reason: str = ""


def new_request(  # noqa: PLR0917 - a request has this many facts
    guild_id: int,
    user_id: int,
    level: VerificationLevel,
    note: str,
    files: tuple[EvidenceFile, ...],
    now: datetime,
) -> VerificationRequest:
    """A pending request, checked.

    Raises ConflictError("already_moderator_verified"), InputError("note", ...) for a bad
    note and InputError("files", ...) for no file, too many, or one too big.
    """
    if level is VerificationLevel.MODERATOR_VERIFIED:
        raise ConflictError("already_moderator_verified")
    check_upload([f.size for f in files], MAX_CREDENTIAL_FILES, required=True)
    clean = clean_text(note, field="note", max_len=NOTE_MAX_LEN, required=False)
    return VerificationRequest(0, guild_id, user_id, clean, files, now)


def decide(
    request: VerificationRequest, *, approve: bool, moderator_id: int, reason: str, now: datetime
) -> VerificationRequest:
    """The request approved or rejected (a rejection needs a reason); once only."""
    action = "approve" if approve else "reject"
    if request.state is not RequestState.PENDING:
        raise InvalidTransitionError("verification_request", request.state.value, action)
    why = clean_text(reason, field="reason", max_len=REASON_MAX_LEN, required=not approve)
    state = RequestState.APPROVED if approve else RequestState.REJECTED
    return replace(request, state=state, decided_by=moderator_id, decided_at=now, reason=why)
