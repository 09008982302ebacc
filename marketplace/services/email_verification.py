"""Campus-email verification: `/verify email address:` sends a code, **Enter code** proves it.

SPEC.md "Verification". An address is checked (email-validator, no DNS lookups) and must
be on one of the guild's `allowed_email_domains`. The code rules are in
`marketplace.domain.email_codes`. A right code records the address as proved (one member
per address per guild) and raises a tutor to `campus-email` (never lowering
`moderator-verified`); it is audited without the address itself. A member who is not a
tutor yet starts at `campus-email` when they apply.

Sending is not part of a transaction: the code is stored and committed first, then sent;
if the mail server refuses, the member's previous code state is put back, so a failed
send changes nothing.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email

from marketplace import mail_words
from marketplace.domain.email_codes import (
    CodeCheck,
    EmailCode,
    attempts_left,
    check_entered,
    domain_allowed,
    hash_code,
    new_code,
)
from marketplace.domain.errors import ConflictError, InputError, NotFoundError, Problem
from marketplace.domain.profiles import VerificationLevel
from marketplace.ports.trust import Mailer, MailError
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext, enter_guild

ADDRESS_MAX_LEN = 254


@dataclass(frozen=True, slots=True)
class SendEmailCode:
    """`/verify email address:`."""

    actor: Actor
    address: str


@dataclass(frozen=True, slots=True)
class EnterEmailCode:
    """The **Enter code** form."""

    actor: Actor
    code: str


@dataclass(frozen=True, slots=True)
class CodeSent:
    """Where the code went (masked) and its times."""

    shown_address: str
    expires_at: datetime
    resend_at: datetime


@dataclass(frozen=True, slots=True)
class EmailVerified:
    """The address's domain, and whether the member's tutor level went up."""

    domain: str
    is_tutor: bool
    level_raised: bool


def read_address(text: str, allowed_domains: tuple[str, ...]) -> str:
    """The normalised address, if it is well formed and on an allowed domain.

    Raises InputError("address", bad_characters | too_long | empty) and
    ConflictError("email_domain_not_allowed").
    """
    text = text.strip()
    if not text:
        raise InputError("address", Problem.EMPTY)
    if len(text) > ADDRESS_MAX_LEN:
        raise InputError("address", Problem.TOO_LONG, ADDRESS_MAX_LEN)
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise InputError("address", Problem.BAD_CHARACTERS) from None
    if not domain_allowed(checked.ascii_domain, allowed_domains):
        raise ConflictError("email_domain_not_allowed")
    return checked.normalized.casefold()


def shown(address: str) -> str:
    """The address as the reply shows it: `j•••@uni.edu`."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


async def send_code(cmd: SendEmailCode, ctx: ServiceContext) -> CodeSent:
    """Send a new code to the address.

    Raises ConflictError "email_not_set_up" (no SMTP settings), "email_domains_not_set",
    "email_domain_not_allowed", "email_already_verified", "email_taken",
    "email_send_failed"; TooSoonError inside the resend wait or past the day's sends;
    InputError for a malformed address.
    """
    actor, now = cmd.actor, ctx.clock.now()
    mailer = ctx.mailer
    if mailer is None:
        raise ConflictError("email_not_set_up")
    code = f"{secrets.randbelow(10**6):06d}"
    async with ctx.uow() as uow:
        policy = await uow.guilds.policy(actor.guild_id)
        if not policy.allowed_email_domains:
            raise ConflictError("email_domains_not_set")
        address = read_address(cmd.address, policy.allowed_email_domains)
        owner = await uow.emails.owner_of(actor.guild_id, address)
        if owner is not None:
            raise ConflictError(
                "email_already_verified" if owner == actor.user_id else "email_taken"
            )
        await enter_guild(uow, actor, ctx)
        previous = await uow.emails.code(actor.guild_id, actor.user_id, for_update=True)
        fresh = EmailCode(
            guild_id=actor.guild_id,
            user_id=actor.user_id,
            address=address,
            code_hash=hash_code(code, secrets.token_hex(8)),
            expires_at=now + timedelta(minutes=policy.email_code_minutes),
            attempts=0,
            last_sent_at=now,
            sends=1,
            sends_since=now,
        )
        stored = new_code(previous, fresh, now, policy)
        await uow.emails.save_code(stored)
        domain = address.partition("@")[2]
        await uow.audit.record(
            actor.guild_id, actor.user_id, "verification.email_code", {"domain": domain}, now
        )
        await uow.commit()
    try:
        await _mail(mailer, address, code, actor.guild_name, policy.email_code_minutes)
    except MailError:
        await _put_back(ctx, actor, previous)
        raise ConflictError("email_send_failed") from None
    resend_at = now + timedelta(seconds=policy.email_code_resend_seconds)
    return CodeSent(shown(address), stored.expires_at, resend_at)


async def _mail(mailer: Mailer, address: str, code: str, guild: str, minutes: int) -> None:
    subject = mail_words.CODE_SUBJECT.format(guild=guild, code=code)
    body = mail_words.CODE_BODY.format(guild=guild, code=code, minutes=minutes)
    await mailer.send(address, subject, body)


async def _put_back(ctx: ServiceContext, actor: Actor, previous: EmailCode | None) -> None:
    async with ctx.uow() as uow:
        if previous is None:
            await uow.emails.drop_code(actor.guild_id, actor.user_id)
        else:
            await uow.emails.save_code(previous)
        await uow.commit()


async def enter_code(cmd: EnterEmailCode, ctx: ServiceContext) -> EmailVerified:
    """Check the entered code; a right one proves the address.

    Raises NotFoundError("email_code") with no code pending (never sent, or used
    already), ConflictError "email_code_expired" / "email_code_locked" / "email_taken",
    InputError("code", bad_characters) for something that is not 6 digits (not counted
    as a try) and InputError("code", "wrong_code", limit=tries left) for a wrong code.
    """
    actor, now = cmd.actor, ctx.clock.now()
    async with ctx.uow() as uow:
        code = await uow.emails.code(actor.guild_id, actor.user_id, for_update=True)
        if code is None:
            raise NotFoundError("email_code", str(actor.user_id))
        policy = await uow.guilds.policy(actor.guild_id)
        if check_entered(code, cmd.code, now, policy) is CodeCheck.WRONG:
            await uow.emails.count_attempt(actor.guild_id, actor.user_id)
            await uow.commit()
            left = attempts_left(code, policy) - 1
            raise InputError("code", "wrong_code", left)
        if not await uow.emails.add_verified(actor.guild_id, actor.user_id, code.address, now):
            raise ConflictError("email_taken")
        await uow.emails.drop_code(actor.guild_id, actor.user_id)
        raised, tutor = False, await uow.tutors.get(actor.guild_id, actor.user_id)
        old = tutor.verification if tutor else VerificationLevel.NONE
        if tutor is not None and old < VerificationLevel.CAMPUS_EMAIL:
            updated = dataclasses.replace(tutor, verification=VerificationLevel.CAMPUS_EMAIL)
            await uow.tutors.save(actor.guild_id, actor.user_id, updated, now)
            raised = True
        domain = code.address.partition("@")[2]
        detail = {"target": actor.user_id, "domain": domain, "old": old.value, "raised": raised}
        await uow.audit.record(actor.guild_id, actor.user_id, "verification.email", detail, now)
        await uow.commit()
    return EmailVerified(domain, tutor is not None, raised)
