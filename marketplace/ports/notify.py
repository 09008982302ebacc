"""The Notifier port: how services reach people (Discord DMs, or a fallback channel)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from marketplace.domain.booking import Booking
from marketplace.ports.notice_details import (
    NO_DETAILS,
    AmountDetails,
    CancelledDetails,
    CardDisputeDecidedDetails,
    DisputeOpenedDetails,
    DisputeResolvedDetails,
    ExpiredDetails,
    GroupDetails,
    GuildDetails,
    NoDetails,
    NoShowDetails,
    NoticeDetails,
    PaymentDisputedDetails,
    QueueClosedDetails,
    QueueSkippedDetails,
    ReferralDetails,
    ReminderDetails,
    RequestDetails,
    RestrictedDetails,
    ScreeningWarningDetails,
    SeriesDetails,
    SeriesPaymentDetails,
    VerificationRejectedDetails,
    VerificationSetDetails,
)


class NoticeKind(StrEnum):
    """Every message the marketplace sends on its own; presenters word them."""

    BOOKING_REQUESTED = "booking_requested"  # to the tutor, with Accept / Decline
    BOOKING_CONFIRMED = "booking_confirmed"  # to both, with the calendar file
    BOOKING_DECLINED = "booking_declined"  # to the student
    BOOKING_EXPIRED = "booking_expired"  # to the student (and the tutor)
    BOOKING_CANCELLED = "booking_cancelled"  # to the other side
    RESCHEDULE_REQUESTED = "reschedule_requested"  # to the other side, Accept / Decline
    BOOKING_RESCHEDULED = "booking_rescheduled"  # to both, with the updated calendar file
    RESCHEDULE_DECLINED = "reschedule_declined"  # to whoever proposed it
    REMINDER = "reminder"  # to both, at each of the guild's reminder offsets before the start
    NUDGE = "nudge"  # to a student who has not booked yet
    RESTRICTED = "restricted"  # to a restricted user: extra {"until": unix | "", "reason"}
    RESTRICTION_LIFTED = "restriction_lifted"  # to the user a moderator un-restricted
    PAYMENT_RELEASED = "payment_released"  # to the student: paid too late, hold released
    PAYOUT_SENT = "payout_sent"  # to the tutor: their share is on its way
    PAYOUTS_NEEDED = "payouts_needed"  # to the tutor: set up payouts to receive a payout
    PAYMENT_DISPUTED = "payment_disputed"  # to the tutor: a card dispute froze the payout
    PAYMENT_LAPSED = "payment_lapsed"  # to both: the card hold lapsed, nothing was charged
    CARD_DISPUTE_DECIDED = "card_dispute_decided"  # to the tutor: {"outcome": "won" | "lost"}
    PAYOUT_REVERSED = "payout_reversed"  # to the tutor: {"amount", "currency"} taken back
    REFUND_FAILED = "refund_failed"  # to the student: {"amount", "currency"} did not arrive
    REVIEW_RECEIVED = "review_received"  # to whoever was reviewed, with Reply
    NO_SHOW_RECORDED = "no_show_recorded"  # to both: extra {"absent": "tutor" | "student"}
    SURVEY = "survey"  # to both after a session took place: Helped / Partially / Not helpful
    DISPUTE_OPENED = "dispute_opened"  # to the other side: a dispute about their session
    DISPUTE_RESOLVED = "dispute_resolved"  # to both: extra {"outcome": ..., "refund": "30"}
    VERIFICATION_SET = "verification_set"  # to the tutor: extra {"old", "new", "guild"}
    VERIFICATION_REJECTED = "verification_rejected"  # to the tutor: {"guild", "reason"}
    SCREENING_WARNING = "screening_warning"  # to a sender: extra {"kinds", "guild", "booking"}
    QUEUE_CALLED = "queue_called"  # to a drop-in student: a tutor called them (the booking)
    QUEUE_SKIPPED = "queue_skipped"  # to a drop-in student: skipped, back in line or out
    QUEUE_CLOSED = "queue_closed"  # to a student still waiting when drop-in hours ended
    SERIES_REQUESTED = "series_requested"  # to the tutor: a weekly series, Accept / Decline
    SERIES_CONFIRMED = "series_confirmed"  # to the student (and both if instant): the weeks
    SERIES_CANCELLED = "series_cancelled"  # to both: a week and the ones after it, cancelled
    SEAT_OFFERED = "seat_offered"  # to the first on a group's waitlist: Claim seat, until when
    GROUP_CANCELLED = "group_cancelled"  # to the tutor and every seat: the group is off
    SERIES_PAYMENT_NEEDED = "series_payment_needed"  # to the student: the card failed, Pay
    SERIES_WEEK_UNPAID = "series_week_unpaid"  # to both: a week unpaid in time, cancelled
    SERIES_MOVE_REQUESTED = "series_move_requested"  # to the other side: Accept / Decline all
    SERIES_MOVED = "series_moved"  # to both: this week and the following moved
    SERIES_MOVE_DECLINED = "series_move_declined"  # to whoever proposed the series' move
    REFERRAL_CREDITED = "referral_credited"  # to a referrer: credit granted (free: thanks)
    REFERRAL_WITHDRAWN = "referral_withdrawn"  # to a referrer: that credit was taken back


@dataclass(frozen=True, slots=True)
class Notice:
    """One message for one person. `nonce` is deterministic so a retry never posts twice."""

    kind: NoticeKind
    guild_id: int
    user_id: int
    nonce: str
    booking: Booking | None = None
    counterpart_id: int | None = None
    try_dm: bool = True
    details: NoticeDetails = NO_DETAILS


DETAILS_OF: Mapping[NoticeKind, type[NoticeDetails]] = {
    NoticeKind.BOOKING_REQUESTED: RequestDetails,
    NoticeKind.BOOKING_CANCELLED: CancelledDetails,
    NoticeKind.BOOKING_EXPIRED: ExpiredDetails,
    NoticeKind.REMINDER: ReminderDetails,
    NoticeKind.PAYOUT_SENT: AmountDetails,
    NoticeKind.PAYMENT_DISPUTED: PaymentDisputedDetails,
    NoticeKind.CARD_DISPUTE_DECIDED: CardDisputeDecidedDetails,
    NoticeKind.PAYOUT_REVERSED: AmountDetails,
    NoticeKind.REFUND_FAILED: AmountDetails,
    NoticeKind.NO_SHOW_RECORDED: NoShowDetails,
    NoticeKind.DISPUTE_OPENED: DisputeOpenedDetails,
    NoticeKind.DISPUTE_RESOLVED: DisputeResolvedDetails,
    NoticeKind.RESTRICTED: RestrictedDetails,
    NoticeKind.RESTRICTION_LIFTED: GuildDetails,
    NoticeKind.VERIFICATION_SET: VerificationSetDetails,
    NoticeKind.VERIFICATION_REJECTED: VerificationRejectedDetails,
    NoticeKind.SCREENING_WARNING: ScreeningWarningDetails,
    NoticeKind.QUEUE_SKIPPED: QueueSkippedDetails,
    NoticeKind.QUEUE_CLOSED: QueueClosedDetails,
    NoticeKind.SERIES_REQUESTED: SeriesDetails,
    NoticeKind.SERIES_CONFIRMED: SeriesDetails,
    NoticeKind.SERIES_CANCELLED: SeriesDetails,
    NoticeKind.SEAT_OFFERED: GroupDetails,
    NoticeKind.GROUP_CANCELLED: GroupDetails,
    NoticeKind.SERIES_PAYMENT_NEEDED: SeriesPaymentDetails,
    NoticeKind.SERIES_MOVE_REQUESTED: SeriesDetails,
    NoticeKind.SERIES_MOVED: SeriesDetails,
    NoticeKind.SERIES_MOVE_DECLINED: SeriesDetails,
    NoticeKind.REFERRAL_CREDITED: ReferralDetails,
    NoticeKind.REFERRAL_WITHDRAWN: ReferralDetails,
}
"""Which details each kind carries; a kind not listed carries none."""


def notice_details(kind: NoticeKind, fields: Mapping[str, object]) -> NoticeDetails:
    """A kind's details read from their stored form (fields it does not use are ignored)."""
    return DETAILS_OF.get(kind, NoDetails).from_fields(fields)


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """How the message went out: by DM, in a fallback channel, or kept for later."""

    channel: str  # "dm" | "fallback" | "none" | "kept" (for the member's next visit)
    dm_closed: bool = False
    channel_id: int | None = None  # the channel a fallback mention went to


class Notifier(Protocol):
    """Sends a notice; never raises for a closed DM (it falls back instead)."""

    async def deliver(self, notice: Notice) -> DeliveryOutcome:
        """Deliver the notice and say how."""
        ...
