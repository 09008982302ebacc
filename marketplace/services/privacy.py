"""`/privacy export` and `/privacy delete`: one user's data in one guild.

Per table, what the export holds and what a deletion does (everything is scoped to the
caller's guild except the two global rows, `app_user` and `dm_status`):

- `app_user` (global): name and time zone exported; the name becomes "Deleted user", the
  zone is cleared unless another guild still has them as a member.
- `member`, `student_profile`, `student_subject`, `tutor_profile`, `tutor_subject`,
  `availability_rule`, `availability_window`, `note_template`: exported; deleted.
- `booking`: both sides exported (times, state, outcome, price, cancellation, the other
  side's id, the student's note); kept for the ledger, the note they wrote is blanked.
- `payment`: amounts and flags only, a referral credit used included (no Stripe ids; no
  card data is stored); kept.
- `ledger_entry`: not exported (the payment amounts say the same); kept.
- `payout_account`: exported; kept, since what they are still owed is paid there.
- `review`: written ones (held too, without the other side's reply) and visible ones of
  them (with their reply) exported; their texts and replies blanked, the stars and yes/no
  ratings kept, so tutors' ratings and the counts on profiles do not move.
- `survey_response`: exported; the reason blanked, the answer kept (session statistics).
- `progress_note`: the ones they wrote exported (never the other side's); deleted.
- `note_goals`: the goals of every pair they are in exported; blanked where they wrote
  the current text (otherwise it is the other side's words).
- `attendance`: their check-ins exported; kept (what happened to a booking; no text).
- `dispute`: the ones they opened, with their statement, exported (not the evidence: it
  holds the other side's data); deleting is refused while one is open, afterwards their
  statement is blanked and the decision kept.
- `session_message`: what they wrote in session spaces (text, times, attachment names)
  exported; deleted. `message_flag`: the moderators' record of screened messages, with
  their context; not exported, kept until the session's log is purged.
- `email_code`, `verified_email`: the address they proved is not exported (it is on
  their own mailbox); the proof is deleted, so the address is free again.
- `moderation_case`: reports they made exported (not reports about them); kept, as the
  moderators' record of someone else's conduct.
- `restriction`: exported without the moderator's id; kept (erasing does not lift it).
- `user_block`: blocks they made exported and deleted; blocks of them stay (the other
  person's choice).
- `referral`: who brought them and whom they brought (with each one's state and credit)
  exported; both links deleted, so a credit not granted yet never is. `referral_credit`:
  their unused balance exported; deleted (unused credit is given up). What credit a
  booking used stays on its `payment` row and in the ledger.
- `delivery`: messages the bot sent them exported; their summaries blanked.
- `dm_status` (global): exported; deleted.
- `audit_log`: not exported (staff accountability); kept, plus one `privacy.delete`
  entry holding row counts only.
- `guild`, `subject`, `scheduled_action`, `stripe_event`, `checkout_token`,
  `session_space`: not about them, internal work, or secrets; neither exported nor changed.

Deleting is refused while they have requested, unpaid or confirmed bookings that are not
over yet (they cancel first) or an open dispute about any of their bookings. It runs in
one transaction; a second Confirm finds nothing left to change and records nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from marketplace.domain.errors import ConflictError
from marketplace.ports.privacy import PrivacyRepository, Record
from marketplace.services import series_payments
from marketplace.services.actor import Actor, ByActor
from marketplace.services.context import ServiceContext

EXPORT_LIST_CAP = 200  # newest first; with the text limits this keeps the file far under 8 MB
MAX_EXPORT_BYTES = 8 * 1024 * 1024  # Discord's smallest attachment limit is 10 MB
ANONYMOUS_NAME = "Deleted user"
SINGLE_SECTIONS = frozenset(
    {
        "user",
        "member",
        "student_profile",
        "tutor_profile",
        "payout_account",
        "dm_status",
        "referred_by",
    }
)
NOT_INCLUDED = (
    "reports_about_you",
    "held_reviews_of_you",
    "notes_by_the_other_side",
    "dispute_evidence",
    "blocks_of_you",
    "audit_log",
    "card_data",
)


@dataclass(frozen=True, slots=True)
class PrivacyExport:
    """The caller's data as one JSON-ready document, and which lists were capped."""

    document: dict[str, Any]
    capped: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PrivacyDeletion:
    """`erased` is False when nothing was left to change (a second Confirm)."""

    erased: bool
    rows_changed: int


def jsonable(value: object) -> str:
    """`json.dumps` default: dates and times as ISO 8601."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    msg = f"not JSON serialisable: {type(value).__name__}"
    raise TypeError(msg)


def encode(document: dict[str, Any]) -> bytes:
    """The export file's bytes (UTF-8 JSON, indented)."""
    return json.dumps(document, default=jsonable, indent=2, ensure_ascii=False).encode()


def _document(
    actor: Actor, now: datetime, sections: dict[str, list[Record]], cap: int
) -> PrivacyExport:
    document: dict[str, Any] = {
        "guild_id": actor.guild_id,
        "user_id": actor.user_id,
        "exported_at": now,
        "list_cap": cap,
        "not_included": list(NOT_INCLUDED),
    }
    capped = []
    for name, rows in sections.items():
        if name in SINGLE_SECTIONS:
            document[name] = rows[0] if rows else None
            continue
        if len(rows) > cap:
            capped.append(name)
        document[name] = rows[:cap]
    document["capped"] = capped
    return PrivacyExport(document, tuple(capped))


@dataclass(frozen=True, slots=True)
class ExportMyData(ByActor):
    """`/privacy export`: everything stored about you."""


async def export(command: ExportMyData, ctx: ServiceContext) -> PrivacyExport:
    """Everything stored about the caller in this guild, newest first, each list capped."""
    actor = command.actor
    async with ctx.uow(read_only=True) as uow:
        sections = await uow.privacy.records(actor.guild_id, actor.user_id, EXPORT_LIST_CAP)
    cap = EXPORT_LIST_CAP
    result = _document(actor, ctx.clock.now(), sections, cap)
    while len(encode(result.document)) > MAX_EXPORT_BYTES and cap > 1:
        cap //= 4
        result = _document(actor, ctx.clock.now(), sections, cap)
    return result


async def check_deletable(actor: Actor, ctx: ServiceContext) -> None:
    """Refuse early (before the Confirm question) what `delete` would refuse."""
    async with ctx.uow(read_only=True) as uow:
        await _refuse_obstacles(uow.privacy, actor, ctx.clock.now())


async def _refuse_obstacles(privacy: PrivacyRepository, actor: Actor, now: datetime) -> None:
    found = await privacy.obstacles(actor.guild_id, actor.user_id, now)
    if found.open_groups:  # first: calling it off also cancels its seats
        raise ConflictError("privacy_open_groups")
    if found.upcoming_bookings:
        raise ConflictError("privacy_upcoming_bookings")
    if found.open_disputes:
        raise ConflictError("privacy_open_dispute")


@dataclass(frozen=True, slots=True)
class DeleteMyData(ByActor):
    """`/privacy delete`: erase or anonymise your data here."""


async def delete(command: DeleteMyData, ctx: ServiceContext) -> PrivacyDeletion:
    """Erase or anonymise the caller's data in this guild, in one transaction.

    A card saved for a paid series is detached at Stripe first (`series_payments`).
    Bookings, payments and ledger rows stay (ids and amounts). Audited as
    `privacy.delete` with row counts only; nothing is recorded when nothing changed.
    """
    actor = command.actor
    now = ctx.clock.now()
    await check_deletable(actor, ctx)
    card_forgotten = await series_payments.forget_card(series_payments.ForgetCard(actor), ctx)
    async with ctx.uow() as uow:
        await _refuse_obstacles(uow.privacy, actor, now)
        counts = await uow.privacy.erase(actor.guild_id, actor.user_id, ANONYMOUS_NAME)
        changed = {name: n for name, n in counts.items() if n}
        if card_forgotten:
            changed["saved_payment_method"] = 1
        if not changed:
            return PrivacyDeletion(erased=False, rows_changed=0)
        await uow.audit.record(
            actor.guild_id, actor.user_id, "privacy.delete", {"rows": changed}, now
        )
        await uow.commit()
    return PrivacyDeletion(erased=True, rows_changed=sum(changed.values()))
