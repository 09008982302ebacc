"""The moderator queue, a user's case history and restrictions, as Discord text."""

from __future__ import annotations

from datetime import datetime

import discord

from bot import texts
from bot.formats import format_day_time
from bot.presenters.notices import restriction_until
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.text_limits import (
    CHOICE_NAME_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_TITLE_MAX,
    FIELD_VALUE_MAX,
    clip,
    fit_embed,
    fit_joined,
)
from marketplace.domain.booking import Booking
from marketplace.domain.card_disputes import CardDispute
from marketplace.domain.cases import Case
from marketplace.domain.disputes import Dispute
from marketplace.domain.money import Money
from marketplace.domain.offenses import OffenseCounts
from marketplace.domain.refund_failures import RefundFailure
from marketplace.domain.restrictions import Restriction
from marketplace.formatting import format_money
from marketplace.services.moderation import FailedWork, ModQueue, OffenseRecord, OpenDisputeLine
from marketplace.services.restrictions import Restricted

HISTORY_REASON_MAX = 120  # a line per case: the start of the reason is enough to recall it
RESTRICTION_REASON_MAX = 300


def _ts(case: Case) -> int:
    return int(case.created_at.timestamp())


def _booking(case: Case, template: str) -> str:
    return "" if case.booking_id is None else template.format(booking=case.booking_id)


def action_name(action: str) -> str:
    """A resolution action as moderators read it."""
    return texts.MOD_ACTIONS.get(action, action)


def queue_embed(queue: ModQueue) -> discord.Embed:
    """Open cases, oldest first, with who reported whom and why; then card disputes."""
    embed = discord.Embed(title=texts.MOD_QUEUE_TITLE, colour=BRAND_COLOUR)
    if not (
        queue.cases
        or queue.held_reviews
        or queue.disputes
        or queue.failed_work
        or queue.card_disputes
        or queue.refund_failures
        or queue.repeat_offenders
    ):
        embed.description = texts.MOD_QUEUE_EMPTY
    for case in queue.cases:
        embed.add_field(
            name=texts.MOD_CASE_TITLE.format(case=case.case_id, at=_ts(case)),
            value=clip(
                texts.MOD_CASE_BODY.format(
                    target=case.target_id,
                    reporter=case.reporter_id,
                    booking=_booking(case, texts.MOD_CASE_BOOKING),
                    reason=case.reason,
                ),
                FIELD_VALUE_MAX,
            ),
            inline=False,
        )
    if queue.card_disputes:
        lines = [_card_dispute_line(d, queue.locale) for d in queue.card_disputes]
        value = fit_joined(lines, FIELD_VALUE_MAX, "\n")
        embed.add_field(name=texts.MOD_CARD_DISPUTES, value=value, inline=False)
    if queue.refund_failures:
        lines = [_refund_failure_line(f, queue.locale) for f in queue.refund_failures]
        value = fit_joined(lines, FIELD_VALUE_MAX, "\n")
        embed.add_field(name=texts.MOD_REFUND_FAILURES, value=value, inline=False)
    if queue.disputes:
        embed.add_field(name=texts.MOD_DISPUTES, value=_dispute_lines(queue.disputes), inline=False)
    if queue.failed_work:
        embed.add_field(
            name=texts.MOD_FAILED_WORK, value=_failed_lines(queue.failed_work), inline=False
        )
    if queue.repeat_offenders:
        lines = [
            texts.MOD_REPEAT_OFFENDER_LINE.format(
                user=c.user_id, line=offense_line(c, queue.offense_window_days)
            )
            for c in queue.repeat_offenders
        ]
        value = fit_joined(lines, FIELD_VALUE_MAX, "\n")
        embed.add_field(name=texts.MOD_REPEAT_OFFENDERS, value=value, inline=False)
    if queue.held_reviews:
        lines = [
            texts.MOD_HELD_REVIEW.format(
                booking=r.booking_id,
                why=texts.MOD_HELD_WHY.get(r.flag_reason or "", texts.MOD_HELD_WHY_OTHER),
            )
            for r in queue.held_reviews
        ]
        value = fit_joined(lines, FIELD_VALUE_MAX, "\n")
        embed.add_field(name=texts.MOD_HELD_REVIEWS, value=value, inline=False)
    footer = texts.MOD_QUEUE_PAGE if queue.page < queue.pages else texts.MOD_QUEUE_LAST_PAGE
    embed.set_footer(
        text=footer.format(
            page=queue.page, pages=queue.pages, total=queue.total, next=queue.page + 1
        )
    )
    return fit_embed(embed, texts.MOD_QUEUE_MORE)


def _card_dispute_line(dispute: CardDispute, locale: str) -> str:
    """A card dispute: its booking, amount, where it stands and when evidence is due."""
    amount = format_money(Money(dispute.amount, dispute.currency), locale)
    status = texts.CARD_DISPUTE_STATUS.get(dispute.status, dispute.status)
    if dispute.due_by is None:
        return texts.MOD_CARD_DISPUTE_NO_DUE.format(
            booking=dispute.booking_id, amount=amount, status=status
        )
    return texts.MOD_CARD_DISPUTE.format(
        booking=dispute.booking_id, amount=amount, status=status,
        due=int(dispute.due_by.timestamp()),
    )  # fmt: skip


def _refund_failure_line(failure: RefundFailure, locale: str) -> str:
    """A failed refund: its booking, amount and the bank's reason."""
    reason = texts.REFUND_FAILURE_REASONS.get(failure.reason, texts.REFUND_FAILURE_OTHER)
    amount = format_money(Money(failure.amount, failure.currency), locale)
    return texts.MOD_REFUND_FAILURE.format(booking=failure.booking_id, amount=amount, reason=reason)


def _failed_lines(failed: list[FailedWork]) -> str:
    """Work that gave up, newest first: what it was, for which booking, when."""
    lines = []
    for work in failed:
        what = texts.JOB_NAMES.get(work.kind, texts.JOB_NAME_OTHER)
        booking = (
            texts.MOD_FAILED_BOOKING.format(booking=work.booking_id) if work.booking_id else ""
        )
        lines.append(
            texts.MOD_FAILED_LINE.format(what=what, booking=booking, at=int(work.at.timestamp()))
        )
    return fit_joined(lines, FIELD_VALUE_MAX, "\n")


def offense_line(counts: OffenseCounts, window_days: int) -> str:
    """What counts against a member, in one line (upheld cases, flags, restrictions)."""
    return texts.MOD_OFFENSES.format(
        cases=counts.upheld_cases,
        flags=counts.upheld_flags,
        restrictions=counts.restrictions,
        days=window_days,
    )


def history_embed(
    user: discord.abc.User,
    cases: list[Case],
    restriction: Restriction | None = None,
    now: datetime | None = None,
    offenses: OffenseRecord | None = None,
) -> discord.Embed:
    """A user's cases (reported party), newest first, their last restriction and record."""
    embed = discord.Embed(
        title=clip(texts.MOD_HISTORY_TITLE.format(name=user.display_name), EMBED_TITLE_MAX),
        colour=BRAND_COLOUR,
    )
    if offenses is not None:
        line = offense_line(offenses.counts, offenses.window_days)
        if offenses.repeat_offender:
            line = texts.MOD_REPEAT_OFFENDER.format(line=line, threshold=offenses.threshold)
        embed.add_field(name=texts.MOD_OFFENSES_FIELD, value=clip(line, FIELD_VALUE_MAX))
    if restriction is not None and now is not None:
        embed.add_field(
            name=texts.MOD_RESTRICTION_FIELD,
            value=clip(restriction_line(restriction, now), FIELD_VALUE_MAX),
            inline=False,
        )
    if not cases:
        embed.description = texts.MOD_HISTORY_EMPTY.format(user=user.id)
        return embed
    lines = []
    for case in cases:
        status = texts.MOD_HISTORY_OPEN
        if case.action is not None:
            status = texts.MOD_HISTORY_CLOSED.format(
                action=action_name(case.action.value), by=case.resolved_by
            )
        line = texts.MOD_HISTORY_LINE.format(
            case=case.case_id,
            at=_ts(case),
            status=status,
            booking=_booking(case, texts.MOD_HISTORY_BOOKING),
            reason=clip(case.reason, HISTORY_REASON_MAX),
        )
        lines.append(line)
    embed.description = fit_joined(lines, EMBED_DESCRIPTION_MAX, "\n")
    return embed


def booking_choice_label(booking: Booking, viewer: int) -> str:
    """A booking as the reporter picks it in autocomplete."""
    role = "tutor" if viewer == booking.tutor_id else "student"
    label = texts.REPORT_BOOKING_CHOICE.format(
        booking=booking.booking_id, start=format_day_time(booking.start), role=role
    )
    return clip(label, CHOICE_NAME_MAX)


def _unix(when: datetime | None) -> str:
    return "" if when is None else str(int(when.timestamp()))


def restriction_line(restriction: Restriction, now: datetime) -> str:
    """A user's last restriction for `/mod history`: in force until when, or when it ended."""
    facts = {
        "by": restriction.created_by,
        "at": _unix(restriction.created_at),
        "reason": clip(restriction.reason, RESTRICTION_REASON_MAX),
    }
    if restriction.active(now):
        until = restriction_until(_unix(restriction.until))
        return texts.MOD_RESTRICTION_ACTIVE.format(until=until, **facts)
    return texts.MOD_RESTRICTION_ENDED.format(ended=_unix(restriction.until), **facts)


def restricted_text(done: Restricted) -> str:
    """The moderator's confirmation of `/mod restrict`: who, until when, what it means."""
    restriction = done.restriction
    text = texts.MOD_RESTRICTED.format(
        user=restriction.user_id, until=restriction_until(_unix(restriction.until))
    )
    if done.replaced is not None:
        was = restriction_until(_unix(done.replaced.until))
        text += "\n" + texts.MOD_RESTRICTION_REPLACED.format(until=was)
    return text


def _dispute_lines(lines: list[OpenDisputeLine]) -> str:
    """Open disputes, oldest first, with when each is due against the target."""
    out = []
    for line in lines:
        d = line.dispute
        target = int((line.due_at - d.created_at).total_seconds() // 3600)
        out.append(
            texts.MOD_DISPUTE_LINE.format(
                dispute=d.dispute_id,
                booking=d.booking_id,
                by=d.opened_by,
                at=int(d.created_at.timestamp()),
                due=int(line.due_at.timestamp()),
                late=texts.MOD_DISPUTE_OVERDUE.format(hours=target) if line.overdue else "",
            )
        )
    return fit_joined(out, FIELD_VALUE_MAX, "\n")


def dispute_decided_text(dispute: Dispute) -> str:
    """What a moderator is told after deciding a dispute."""
    outcome = "" if dispute.outcome is None else dispute.outcome.value
    refund = ""
    if dispute.refund_percent is not None:
        refund = texts.MOD_DISPUTE_REFUND.format(percent=dispute.refund_percent)
    return texts.MOD_DISPUTE_DECIDED.format(
        dispute=dispute.dispute_id,
        outcome=texts.DISPUTE_OUTCOMES.get(outcome, outcome),
        refund=refund,
    )
