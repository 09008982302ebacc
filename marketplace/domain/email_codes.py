"""Campus-email one-time codes: when one may be sent, and whether an entered one is right.

SPEC.md "Verification": a code has 6 digits, expires after `email_code_minutes` (10),
allows `email_code_attempts` (5) tries, can be resent after `email_code_resend_seconds`
(60), and at most `email_codes_per_day` (5) are sent to a member in 24 hours. Only a
salted, slow hash of the code is kept (`hash_code`), so a database copy does not give
away live codes; an address is kept sealed, beside a keyed hash to find it by.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from marketplace.domain.errors import ConflictError, InputError, Problem, TooSoonError
from marketplace.domain.policy import GuildPolicy

CODE_DIGITS = 6
_CODE = re.compile(rf"\d{{{CODE_DIGITS}}}")
_HASH_ROUNDS = 50_000
SENDS_WINDOW = timedelta(hours=24)


class CodeCheck(StrEnum):
    """What an entered code turned out to be."""

    RIGHT = "right"
    WRONG = "wrong"


@dataclass(frozen=True, slots=True)
class EmailCode:
    """The code a member was sent last, and how it has been used."""

    guild_id: int
    user_id: int
    address: str
    code_hash: str
    expires_at: datetime
    attempts: int
    last_sent_at: datetime
    sends: int  # sent since `sends_since` (the 24-hour window)
    sends_since: datetime


def hash_code(code: str, salt: str) -> str:
    """A salted PBKDF2 hash of `code`, as "salt$hex"."""
    digest = hashlib.pbkdf2_hmac("sha256", code.encode(), salt.encode(), _HASH_ROUNDS)
    return f"{salt}${digest.hex()}"


def code_matches(code: str, stored: str) -> bool:
    """Whether `code` is the one `stored` (from `hash_code`) was made from; constant-time."""
    salt, _, _ = stored.partition("$")
    return hmac.compare_digest(hash_code(code, salt), stored)


def read_code(text: str) -> str:
    """The 6 digits the member typed (spaces and dashes allowed); InputError otherwise."""
    digits = re.sub(r"[\s-]", "", text)
    if not _CODE.fullmatch(digits):
        raise InputError("code", Problem.BAD_CHARACTERS, CODE_DIGITS)
    return digits


def check_can_send(previous: EmailCode | None, now: datetime, policy: GuildPolicy) -> int:
    """How many codes the member has been sent in the current 24-hour window, before this one.

    Raises TooSoonError("email_code_resend", seconds) inside the resend wait, and
    TooSoonError("email_code_daily", seconds) once the day's sends are used up.
    """
    if previous is None:
        return 0
    wait = previous.last_sent_at + timedelta(seconds=policy.email_code_resend_seconds) - now
    if wait > timedelta(0):
        raise TooSoonError("email_code_resend", _ceil_seconds(wait))
    if now - previous.sends_since >= SENDS_WINDOW:
        return 0
    if previous.sends >= policy.email_codes_per_day:
        raise TooSoonError(
            "email_code_daily", _ceil_seconds(previous.sends_since + SENDS_WINDOW - now)
        )
    return previous.sends


def new_code(
    previous: EmailCode | None,
    fresh: EmailCode,
    now: datetime,
    policy: GuildPolicy,
) -> EmailCode:
    """`fresh` (just sent, counting one send) with the send count of the current window."""
    sent_before = check_can_send(previous, now, policy)
    if previous is None or sent_before == 0:
        return dataclasses.replace(fresh, sends=1, sends_since=now)
    return dataclasses.replace(fresh, sends=sent_before + 1, sends_since=previous.sends_since)


def check_entered(code: EmailCode, entered: str, now: datetime, policy: GuildPolicy) -> CodeCheck:
    """Judge an entered code.

    Raises ConflictError("email_code_expired") past its expiry and
    ConflictError("email_code_locked") once its attempts are used up; the caller counts a
    WRONG answer as an attempt.
    """
    if now >= code.expires_at:
        raise ConflictError("email_code_expired")
    if code.attempts >= policy.email_code_attempts:
        raise ConflictError("email_code_locked")
    return CodeCheck.RIGHT if code_matches(read_code(entered), code.code_hash) else CodeCheck.WRONG


def attempts_left(code: EmailCode, policy: GuildPolicy) -> int:
    """Tries still allowed for this code."""
    return max(0, policy.email_code_attempts - code.attempts)


def domain_allowed(domain: str, allowed: tuple[str, ...]) -> bool:
    """Whether an address at `domain` counts: an allowed domain or one of its subdomains."""
    domain = domain.casefold()
    return any(domain == a or domain.endswith("." + a) for a in allowed)


def _ceil_seconds(delta: timedelta) -> int:
    return max(1, int(-(-delta.total_seconds() // 1)))
