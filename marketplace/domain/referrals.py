"""Referral credits (issue 16 item 4; SPEC.md "Reminders and nudges"), as pure rules.

A new member names who brought them with `/start referred_by:`. A referral is refused
for yourself, a bot, someone who is not a member, a member who already named someone
(the first one named stays), someone the member brought themselves, and a member who
is not new: in the server (Discord's join time) or on TutorBot (their first `/start`)
for longer than `referral_window_days`, or with a session already behind them.

A referral goes `joined` → `session_done` (the referred student's first session took
place: completed, or a late start not refunded in full) → `credited` once the dispute
window after that session has closed (in a paid guild the referrer gets
`referral_credit_minor` as credit; in a free guild the referral is counted and thanked,
no money), or → `withdrawn` when that first session is refunded in full, before or after
the credit was granted.

The credit is a balance per guild, member and currency (`CreditAccount`). It comes off
the platform fee of the referrer's next paid bookings, never the tutor's rate: as much
as the fee in whole charge steps (`credit_to_use`), the rest carrying over. When a
booking that used credit is settled with a refund, the same share of the credit as of
the total comes back (`credit_back`: a full refund gives it all back, the 50 % of a late
cancellation half of it); a booking nothing was charged for gives it all back. A
withdrawal takes back what is still unused; what was already spent is owed, and credit
later given back by a refund pays that debt first, so a withdrawn credit is never spent.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from marketplace.domain.errors import ConflictError, InvalidTransitionError
from marketplace.domain.money import Money, Quote, minor_step, share


class ReferralStatus(StrEnum):
    """Where a referral is (`/referrals` shows each)."""

    JOINED = "joined"
    SESSION_DONE = "session_done"  # first session took place; waiting for the dispute window
    CREDITED = "credited"  # credit granted (a free guild: counted and thanked)
    WITHDRAWN = "withdrawn"  # the first session was refunded in full


class Refusal(StrEnum):
    """Why `/start referred_by:` recorded nothing (the `ConflictError` reasons)."""

    SELF = "referral_self"
    BOT = "referral_bot"
    NOT_MEMBER = "referral_not_member"
    ALREADY = "referral_already"
    CIRCULAR = "referral_circular"
    TOO_LATE = "referral_too_late"
    NOT_NEW = "referral_not_new"


@dataclass(frozen=True, slots=True)
class Referral:
    """One member brought by another, in one guild.

    `booking_id` is the referred student's first session that took place; `credit` what
    the referrer was granted for it (None until credited, and in a free guild).
    """

    referral_id: int
    guild_id: int
    referrer_id: int
    referred_id: int
    status: ReferralStatus
    created_at: datetime
    booking_id: int | None = None
    credit: Money | None = None
    earned_at: datetime | None = None
    decided_at: datetime | None = None  # when it was credited or withdrawn

    def _refuse(self, action: str) -> InvalidTransitionError:
        return InvalidTransitionError("referral", self.status.value, action)

    def session_held(self, booking_id: int, now: datetime) -> Referral:
        """The referred student's first session took place: the credit is earned."""
        if self.status is not ReferralStatus.JOINED:
            raise self._refuse("session_held")
        return dataclasses.replace(
            self, status=ReferralStatus.SESSION_DONE, booking_id=booking_id, earned_at=now
        )

    def credited(self, credit: Money | None, now: datetime) -> Referral:
        """The dispute window closed: the referrer gets `credit` (None: a free guild)."""
        if self.status is not ReferralStatus.SESSION_DONE:
            raise self._refuse("credit")
        return dataclasses.replace(
            self, status=ReferralStatus.CREDITED, credit=credit, decided_at=now
        )

    def withdrawn(self, now: datetime) -> Referral:
        """The first session was refunded in full: no credit, or the credit taken back."""
        if self.status not in (ReferralStatus.SESSION_DONE, ReferralStatus.CREDITED):
            raise self._refuse("withdraw")
        return dataclasses.replace(self, status=ReferralStatus.WITHDRAWN, decided_at=now)


@dataclass(frozen=True, slots=True)
class Newcomer:
    """The member naming a referrer, as far as the referral rules need to know them."""

    user_id: int
    joined_at: datetime | None  # when they joined the server (Discord), if known
    started_at: datetime | None  # their first `/start` here, if any
    had_session: bool  # a session of theirs already took place


@dataclass(frozen=True, slots=True)
class Nominee:
    """The member named as the referrer, as Discord describes them."""

    user_id: int
    is_bot: bool
    is_member: bool


def ensure_can_refer(
    newcomer: Newcomer,
    nominee: Nominee,
    *,
    window_days: int,
    now: datetime,
    already_referred: bool,
    brought_by_newcomer: bool,
) -> None:
    """Raise `ConflictError(<Refusal>)` when `newcomer` may not name `nominee`.

    See the module docstring; the rules are checked in the order people read them.
    `already_referred`: the newcomer named someone before. `brought_by_newcomer`: the
    nominee was brought by the newcomer (naming them back would be a circle).
    """
    if nominee.user_id == newcomer.user_id:
        raise ConflictError(Refusal.SELF)
    if nominee.is_bot:
        raise ConflictError(Refusal.BOT)
    if not nominee.is_member:
        raise ConflictError(Refusal.NOT_MEMBER)
    if already_referred:
        raise ConflictError(Refusal.ALREADY)
    if brought_by_newcomer:
        raise ConflictError(Refusal.CIRCULAR)
    known = [at for at in (newcomer.joined_at, newcomer.started_at) if at is not None]
    if known and now - min(known) > timedelta(days=window_days):
        raise ConflictError(Refusal.TOO_LATE)
    if newcomer.had_session:
        raise ConflictError(Refusal.NOT_NEW)


@dataclass(frozen=True, slots=True)
class CreditAccount:
    """One member's referral credit in one guild and currency (minor units).

    `owed` is credit withdrawn after it had been spent: credit given back later pays it
    first. Neither is ever negative.
    """

    balance: int = 0
    owed: int = 0

    def grant(self, amount: int) -> CreditAccount:
        """A referral's credit is granted."""
        _positive(amount)
        return dataclasses.replace(self, balance=self.balance + amount)

    def take(self, amount: int) -> CreditAccount:
        """A booking uses `amount` (never more than the balance)."""
        _positive(amount)
        if amount > self.balance:
            msg = "a booking cannot use more credit than the balance"
            raise ValueError(msg)
        return dataclasses.replace(self, balance=self.balance - amount)

    def give_back(self, amount: int) -> CreditAccount:
        """Credit a refunded booking had used comes back (first paying what is owed)."""
        _positive(amount)
        repaid = min(self.owed, amount)
        return CreditAccount(self.balance + amount - repaid, self.owed - repaid)

    def withdraw(self, amount: int) -> CreditAccount:
        """A granted credit is taken back: what is unused now, the rest owed."""
        _positive(amount)
        taken = min(self.balance, amount)
        return CreditAccount(self.balance - taken, self.owed + amount - taken)


def _positive(amount: int) -> None:
    if amount <= 0:
        msg = "a credit movement is a positive amount"
        raise ValueError(msg)


def credit_to_use(available: Money, price: Quote) -> Money:
    """How much of `available` a booking priced `price` takes off its platform fee.

    At most the fee (so it never goes below zero, and never touches the tutor's rate), in
    whole charge steps of the currency (a whole króna for ISK), so the card is charged an
    amount Stripe accepts; credit in another currency is not used.
    """
    fee = price.full_fee
    if available.currency != fee.currency or available.minor <= 0:
        return Money.zero(fee.currency)
    step = minor_step(fee.currency)
    return Money(min(available.minor, fee.minor) // step * step, fee.currency)


def with_credit(price: Quote, credit: Money) -> Quote:
    """`price` with `credit` taken off its fee (and so off its total)."""
    if credit.minor <= 0:
        return price
    if credit > price.fee:
        msg = "a referral credit cannot exceed the platform fee"
        raise ValueError(msg)
    return Quote(
        rate=price.rate,
        fee=price.fee - credit,
        total=price.total - credit,
        credit=price.credit_used + credit,
    )


def credit_back(credit: Money, refund_percent: int) -> Money:
    """The share of a booking's credit a refund of `refund_percent` % gives back."""
    return share(credit, refund_percent)
