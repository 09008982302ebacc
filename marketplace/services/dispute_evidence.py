"""The evidence draft of a card dispute, from what the platform recorded of the session.

Written in Stripe's evidence fields (text only): the service date, what was sold, the
cancellation policy in the very words the checkout page showed, the access log (check-ins,
which joining the session's voice channel also records), and a timeline with the booking
and payment times, the messages delivered about the session, its completion, the
student's review and the receipt. Stored when the dispute opens; an admin submits it.
"""

from __future__ import annotations

from datetime import datetime

from marketplace.domain.booking import Booking
from marketplace.domain.cancellation import Party
from marketplace.domain.payment import Payment
from marketplace.policy_words import cancellation_policy_lines
from marketplace.ports import UnitOfWork

DELIVERIES_QUOTED = 20
"""The latest messages about the session quoted in the timeline."""


def _at(when: datetime | None) -> str:
    return "-" if when is None else when.strftime("%Y-%m-%d %H:%M UTC")


async def draft(
    uow: UnitOfWork, booking: Booking, payment: Payment, now: datetime
) -> dict[str, str]:
    """The evidence fields for a dispute of `booking`'s payment, as of `now`."""
    policy = await uow.guilds.policy(booking.guild_id)
    check_ins = await uow.attendance.check_ins(booking.booking_id)
    sent = await uow.deliveries.for_booking(booking.booking_id)
    review = await uow.reviews.of_booking(booking.booking_id, booking.student_id)
    minutes = int((booking.end - booking.start).total_seconds() // 60)
    total = payment.price.total
    roles = {booking.student_id: "student", booking.tutor_id: "tutor"}
    access = [
        f"{_at(at)}: the {roles.get(user, 'member')} checked in (button or session voice)"
        for user, at in sorted(check_ins.items(), key=lambda item: item[1])
    ]
    timeline = [
        f"Booking #{booking.booking_id} requested: {_at(booking.created_at)}",
        f"Session scheduled: {_at(booking.start)} to {_at(booking.end)} ({minutes} minutes)",
        f"Payment authorized: {total.minor} {total.currency} (minor units), "
        f"captured {payment.captured}, refunded {payment.refunded}",
        f"Session status: {booking.state.value}"
        + (f" ({booking.outcome.value})" if booking.outcome else ""),
        *(f"{_at(at)}: {kind} sent to the {roles.get(user, 'member')} by {channel}"
          for kind, user, channel, at in sent[-DELIVERIES_QUOTED:]),
    ]  # fmt: skip
    if review is not None and review.about is Party.TUTOR:
        timeline.append(f"Student's review after the session: {review.content.stars}/5 stars")
    price = payment.price
    credit = price.credit_used.minor
    fee = f"platform fee {price.fee.minor}" + (
        f" (after a referral credit of {credit})" if credit else ""
    )
    timeline.append(
        f"Receipt: booking #{booking.booking_id}, {minutes}-minute tutoring session, "
        f"rate {price.rate.minor} + {fee} = {total.minor} {total.currency} (minor units)"
    )
    return {
        "service_date": booking.start.date().isoformat(),
        "product_description": (
            f"A {minutes}-minute online peer-tutoring session booked through the server's "
            "tutoring bot, held in a private session space."
        ),
        "cancellation_policy_disclosure": (
            "Shown on the checkout page before payment:\n"
            + "\n".join(f"- {line}" for line in cancellation_policy_lines(policy))
        ),
        "access_activity_log": "\n".join(access) or "No check-ins were recorded.",
        "uncategorized_text": "\n".join(timeline) + f"\nDraft assembled {_at(now)}.",
    }
