"""The paid booking loop on the services, against the Stripe fake (SQLite, real HTTP).

Time starts at `NOW` (Tuesday 2026-12-01 09:00 UTC). The tutor charges $25/h; the fee is
15 %, so an hour costs $28.75.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from marketplace.domain.booking import BookingState
from marketplace.domain.checklist import StepKey
from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.domain.payment import PaymentStatus
from marketplace.domain.profiles import Level, Role
from marketplace.domain.settlement import Outcome
from marketplace.ports import NoticeKind
from marketplace.ports.notice_details import ExpiredDetails
from marketplace.services import bookings, checkout, onboarding, rescheduling, sessions, webhooks
from marketplace.services.onboarding import StartOnboarding
from tests.services.marketplace_world import at
from tests.services.paid_world import (
    FEE_MINOR,
    RATE_MINOR,
    TOTAL_MINOR,
    PaidWorld,
    paid_world,
    provider_event,
)

SOON = at(2, 10)  # Wednesday 10:00 UTC: 25 h ahead, inside the 6-day hold window
FAR = at(10, 10)  # 9 days ahead: captured when the tutor accepts
DECLINED_CARD = "4000000000000002"


@pytest.fixture
async def paid(database, uow_factory, clock) -> AsyncIterator[PaidWorld]:
    async with paid_world(database, uow_factory, clock) as world:
        yield world


async def _held(paid: PaidWorld, start=SOON, minutes: int = 60):
    booking = await paid.book(start, minutes)
    await paid.pay(booking)
    return await paid.booking(booking.booking_id)


async def _confirmed(paid: PaidWorld, start=SOON):
    booking = await _held(paid, start)
    await bookings.accept(bookings.AcceptBooking(paid.tutor, booking.booking_id), paid.ctx)
    await paid.sweep()
    return await paid.booking(booking.booking_id)


async def test_a_paid_request_awaits_payment_and_the_tutor_hears_nothing_yet(paid):
    booking = await paid.book(SOON)

    assert booking.state is BookingState.AWAITING_PAYMENT
    assert booking.expires_at == paid.clock.now() + timedelta(minutes=30)
    payment = await paid.payment(booking.booking_id)
    assert (payment.price.rate.minor, payment.price.fee.minor) == (RATE_MINOR, FEE_MINOR)
    assert payment.price.total.minor == TOTAL_MINOR
    assert payment.status is PaymentStatus.AWAITING_PAYMENT
    await paid.sweep()
    assert paid.notifier.of(NoticeKind.BOOKING_REQUESTED) == []


async def test_pay_opens_one_checkout_session_and_reopening_resumes_it(paid):
    booking = await paid.book(SOON)
    token, first = await paid.open_checkout(booking)
    again = await checkout.start_checkout(token, paid.ctx)

    assert again == first
    sessions_made = [r for r in paid.fake.requests if r.path == "/v1/checkout/sessions"]
    assert len(sessions_made) == 1
    session = paid.fake.get(await paid.session_id(booking))
    assert session["amount_total"] == TOTAL_MINOR
    request = sessions_made[0]
    assert request.params["payment_intent_data"]["capture_method"] == "manual"
    prefix = paid.ctx.gateway.installation  # this installation's own, stored
    assert request.idempotency_key == f"{prefix}-booking-{booking.booking_id}-checkout"


async def test_once_the_hold_exists_the_request_reaches_the_tutor(paid):
    booking = await _held(paid)

    assert booking.state is BookingState.REQUESTED
    payment = await paid.payment(booking.booking_id)
    assert payment.status is PaymentStatus.HELD
    assert payment.authorized == TOTAL_MINOR
    assert payment.captured == 0
    assert (await paid.intent(booking.booking_id))["status"] == "requires_capture"
    assert paid.notifier.sent(NoticeKind.BOOKING_REQUESTED) == {paid.tutor.user_id: 1}
    assert (await paid.ledger()).ok


async def test_a_completed_session_is_captured_then_paid_out_after_the_dispute_window(paid):
    booking = await _confirmed(paid)
    assert (await paid.payment(booking.booking_id)).captured == 0  # still only held

    paid.clock.set(SOON + timedelta(minutes=61))
    await sessions.complete(sessions.CompleteSession(paid.student, booking.booking_id), paid.ctx)
    await paid.sweep()
    payment = await paid.payment(booking.booking_id)
    assert payment.captured == TOTAL_MINOR
    assert payment.released == 0

    await paid.later(timedelta(hours=47))
    assert (await paid.payment(booking.booking_id)).released == 0
    await paid.later(timedelta(hours=2))

    payment = await paid.payment(booking.booking_id)
    assert (payment.released, payment.fees) == (RATE_MINOR, FEE_MINOR)
    assert payment.status is PaymentStatus.RELEASED
    transfers = [o for o in paid.fake.store.objects.values() if o.get("object") == "transfer"]
    assert [(t["amount"], t["transfer_group"]) for t in transfers] == [
        (RATE_MINOR, f"booking_{booking.booking_id}")
    ]
    assert paid.notifier.sent(NoticeKind.PAYOUT_SENT) == {paid.tutor.user_id: 1}
    report = await paid.ledger()
    assert report.ok, report.summary()


async def test_a_session_beyond_the_hold_window_is_captured_at_acceptance(paid):
    booking = await _confirmed(paid, FAR)

    payment = await paid.payment(booking.booking_id)
    assert payment.captured == TOTAL_MINOR
    assert payment.status is PaymentStatus.HELD
    assert (await paid.intent(booking.booking_id))["status"] == "succeeded"
    assert (await paid.ledger()).ok


async def test_decline_releases_the_hold_at_no_cost(paid):
    booking = await _held(paid)

    await bookings.decline(bookings.DeclineBooking(paid.tutor, booking.booking_id), paid.ctx)
    await paid.sweep()
    await paid.deliver()

    payment = await paid.payment(booking.booking_id)
    assert payment.voided
    assert payment.captured == 0
    assert payment.status is PaymentStatus.REFUNDED
    assert (await paid.intent(booking.booking_id))["status"] == "canceled"


async def test_an_unpaid_checkout_expires_after_30_minutes_and_frees_the_slot(paid):
    booking = await paid.book(SOON)
    await paid.open_checkout(booking)

    await paid.later(timedelta(minutes=31))

    assert (await paid.booking(booking.booking_id)).state is BookingState.EXPIRED
    assert paid.fake.get(await paid.session_id(booking))["status"] == "expired"
    again = await paid.book(SOON)  # the slot is free again
    assert again.state is BookingState.AWAITING_PAYMENT


async def test_a_request_nobody_answers_expires_and_voids_the_hold(paid):
    booking = await _held(paid)

    await paid.later(timedelta(hours=25))

    assert (await paid.booking(booking.booking_id)).state is BookingState.EXPIRED
    assert (await paid.payment(booking.booking_id)).voided


async def test_a_payment_after_the_booking_was_cancelled_is_released(paid):
    booking = await paid.book(SOON)
    await paid.open_checkout(booking)  # the Stripe page is open in another tab
    await bookings.cancel(bookings.CancelBooking(paid.student, booking.booking_id), paid.ctx)

    await paid.fake.pay(await paid.session_id(booking))
    await paid.deliver()
    await paid.sweep()

    payment = await paid.payment(booking.booking_id)
    assert payment.voided
    assert payment.captured == 0
    assert paid.notifier.sent(NoticeKind.PAYMENT_RELEASED) == {paid.student.user_id: 1}
    assert paid.notifier.of(NoticeKind.BOOKING_REQUESTED) == []


async def test_pay_on_a_closed_checkout_is_refused(paid):
    booking = await paid.book(SOON)
    token, _ = await paid.open_checkout(booking)
    await bookings.cancel(bookings.CancelBooking(paid.student, booking.booking_id), paid.ctx)

    with pytest.raises(ConflictError) as refused:
        await checkout.start_checkout(token, paid.ctx)
    assert refused.value.reason == "checkout_closed"


async def test_a_declined_card_leaves_the_booking_awaiting_payment(paid):
    booking = await paid.book(SOON)
    await paid.pay(booking, card=DECLINED_CARD)

    assert (await paid.booking(booking.booking_id)).state is BookingState.AWAITING_PAYMENT
    payment = await paid.payment(booking.booking_id)
    assert payment.authorized == 0
    assert paid.notifier.of(NoticeKind.BOOKING_REQUESTED) == []

    await paid.fake.pay(await paid.session_id(booking))  # a second card works
    await paid.deliver()
    assert (await paid.booking(booking.booking_id)).state is BookingState.REQUESTED


async def test_a_late_student_cancellation_captures_only_what_is_kept(paid):
    booking = await _confirmed(paid)
    paid.clock.set(SOON - timedelta(hours=5))

    await bookings.cancel(bookings.CancelBooking(paid.student, booking.booking_id), paid.ctx)
    await paid.sweep()

    refund = (TOTAL_MINOR + 1) // 2  # 50 % of the total, half up
    payment = await paid.payment(booking.booking_id)
    assert payment.captured == TOTAL_MINOR - refund
    assert payment.status is PaymentStatus.PARTIALLY_REFUNDED
    await paid.later(timedelta(days=3))
    payment = await paid.payment(booking.booking_id)
    assert payment.released == RATE_MINOR // 2
    assert payment.fees == TOTAL_MINOR - refund - RATE_MINOR // 2
    assert (await paid.ledger()).ok


async def test_an_early_cancellation_of_a_captured_booking_refunds_it_all(paid):
    booking = await _confirmed(paid, FAR)

    await bookings.cancel(bookings.CancelBooking(paid.student, booking.booking_id), paid.ctx)
    await paid.sweep()
    await paid.deliver()

    payment = await paid.payment(booking.booking_id)
    assert (payment.captured, payment.refunded) == (TOTAL_MINOR, TOTAL_MINOR)
    assert payment.status is PaymentStatus.REFUNDED
    await paid.later(timedelta(days=12))
    assert (await paid.payment(booking.booking_id)).released == 0
    assert (await paid.ledger()).ok


@pytest.mark.parametrize(
    ("outcome", "kept", "tutor"),
    [
        (Outcome.TUTOR_NO_SHOW, 0, 0),
        (Outcome.LATE_START, TOTAL_MINOR - (TOTAL_MINOR + 1) // 2, RATE_MINOR // 2),
        (Outcome.STUDENT_NO_SHOW, TOTAL_MINOR, RATE_MINOR),
    ],
)
async def test_attendance_outcomes_move_money_by_policy(paid, outcome, kept, tutor):
    booking = await _confirmed(paid)
    paid.clock.set(SOON + timedelta(minutes=16))

    await sessions.record_outcome(booking.booking_id, outcome, paid.ctx)
    await paid.sweep()
    await paid.later(timedelta(days=3))

    payment = await paid.payment(booking.booking_id)
    assert payment.captured == kept
    assert payment.released == tutor
    assert (await paid.ledger()).ok


async def test_completing_before_the_start_is_refused(paid):
    booking = await _confirmed(paid)

    with pytest.raises(ConflictError) as refused:
        await sessions.complete(
            sessions.CompleteSession(paid.student, booking.booking_id), paid.ctx
        )
    assert refused.value.reason == "not_started"


async def test_reschedule_keeps_the_payment_and_captures_when_moved_past_the_window(paid):
    booking = await _confirmed(paid)
    async with paid.ctx.uow(read_only=True) as uow:
        refs_before = await uow.payments.refs(booking.booking_id)

    moved = await rescheduling.reschedule(
        rescheduling.RescheduleBooking(paid.student, booking.booking_id, FAR), paid.ctx
    )
    await rescheduling.answer_reschedule(
        rescheduling.AnswerReschedule(paid.tutor, moved.booking_id, True), paid.ctx
    )
    await paid.sweep()

    async with paid.ctx.uow(read_only=True) as uow:
        assert await uow.payments.refs(booking.booking_id) == refs_before
    payment = await paid.payment(booking.booking_id)
    assert payment.captured == TOTAL_MINOR
    assert len([r for r in paid.fake.requests if r.path == "/v1/checkout/sessions"]) == 1


async def test_a_duplicated_webhook_changes_nothing(paid):
    booking = await paid.book(SOON)
    await paid.open_checkout(booking)
    await paid.fake.pay(await paid.session_id(booking))
    events = paid.new_events()

    assert "applied" in await paid.deliver(events)
    await paid.sweep()
    before = (await paid.payment(booking.booking_id), await paid.booking(booking.booking_id))
    notices = len(paid.notifier.notices)

    assert set(await paid.deliver(events)) == {"duplicate"}
    await paid.sweep()
    after = (await paid.payment(booking.booking_id), await paid.booking(booking.booking_id))
    assert after == before
    assert len(paid.notifier.notices) == notices


async def test_events_in_reverse_order_reach_the_same_state(paid):
    booking = await paid.book(SOON)
    await paid.open_checkout(booking)
    await paid.fake.pay(await paid.session_id(booking))

    await paid.deliver(list(reversed(paid.new_events())))

    assert (await paid.booking(booking.booking_id)).state is BookingState.REQUESTED
    assert (await paid.payment(booking.booking_id)).authorized == TOTAL_MINOR


async def test_an_event_for_a_booking_not_stored_yet_asks_for_a_retry(paid):
    event = provider_event(
        {
            "id": "evt_unknown",
            "type": "checkout.session.completed",
            "data": {
                "object": {
                    "id": "cs_unknown",
                    "object": "checkout.session",
                    "metadata": {"booking_id": "999"},
                }
            },
        }
    )
    with pytest.raises(webhooks.NotReadyError):
        await webhooks.handle_event(event, paid.ctx)


async def test_a_dispute_freezes_the_payout(paid):
    booking = await _confirmed(paid)
    paid.clock.set(SOON + timedelta(minutes=61))
    await sessions.complete(sessions.CompleteSession(paid.student, booking.booking_id), paid.ctx)
    await paid.sweep()
    intent = await paid.intent(booking.booking_id)

    await paid.fake.dispute(intent["id"])
    await paid.deliver()
    await paid.later(timedelta(days=3))

    payment = await paid.payment(booking.booking_id)
    assert payment.dispute_open
    assert payment.released == 0
    assert paid.notifier.sent(NoticeKind.PAYMENT_DISPUTED) == {paid.tutor.user_id: 1}
    async with paid.ctx.uow(read_only=True) as uow:
        recent = await uow.audit.recent(paid.tutor.guild_id, 5)
    assert "payment_disputed" in [what for _when, _who, what in recent]


async def test_a_payout_waits_for_the_tutor_to_finish_payout_setup(paid):
    booking = await _confirmed(paid)
    async with paid.ctx.uow(read_only=True) as uow:
        account = await uow.payout_accounts.get(paid.tutor.guild_id, paid.tutor.user_id)
    await paid.fake.disable_payouts(account.account_id)
    await paid.deliver()
    paid.clock.set(SOON + timedelta(minutes=61))
    await sessions.complete(sessions.CompleteSession(paid.student, booking.booking_id), paid.ctx)
    await paid.sweep()

    await paid.later(timedelta(days=3))
    assert (await paid.payment(booking.booking_id)).released == 0
    assert paid.notifier.sent(NoticeKind.PAYOUTS_NEEDED) == {paid.tutor.user_id: 1}

    await paid.fake.enable_payouts(account.account_id)
    await paid.deliver()
    await paid.later(timedelta(days=1, minutes=1))
    assert (await paid.payment(booking.booking_id)).released == RATE_MINOR


async def test_a_tutor_without_payouts_cannot_be_booked_for_money(paid):
    async with paid.ctx.uow(read_only=True) as uow:
        account = await uow.payout_accounts.get(paid.tutor.guild_id, paid.tutor.user_id)
    await paid.fake.disable_payouts(account.account_id)
    await paid.deliver()

    with pytest.raises(ConflictError) as refused:
        await paid.book(SOON)
    assert refused.value.reason == "tutor_not_accepting_payments"


async def test_only_the_student_gets_a_checkout_link(paid):
    booking = await paid.book(SOON)

    with pytest.raises(NotFoundError):
        await checkout.link_for(checkout.CheckoutLink(paid.tutor, booking.booking_id), paid.ctx)


async def test_an_unpaid_request_that_lapses_tells_only_the_student(paid):
    booking = await paid.book(SOON)

    await paid.later(timedelta(minutes=31))

    expired = paid.notifier.of(NoticeKind.BOOKING_EXPIRED)
    assert [(n.user_id, n.details) for n in expired] == [
        (paid.student.user_id, ExpiredDetails(unpaid=True))
    ]
    assert (await paid.booking(booking.booking_id)).state is BookingState.EXPIRED


async def test_the_checkout_link_is_one_per_booking(paid):
    booking = await paid.book(SOON)

    first = await checkout.link_for(
        checkout.CheckoutLink(paid.student, booking.booking_id), paid.ctx
    )
    again = await checkout.link_for(
        checkout.CheckoutLink(paid.student, booking.booking_id), paid.ctx
    )

    assert first == again
    assert len(first.rsplit("/", 1)[1]) >= 22  # at least 128 random bits, url-safe


async def test_a_tutors_checklist_asks_for_payouts_in_a_paid_guild(paid):
    restart = StartOnboarding(
        paid.tutor, Role.TUTOR, "Europe/Berlin", subject_keys=("calculus",), level=Level.ADVANCED
    )
    with_payouts = await onboarding.start(restart, paid.ctx)
    assert (StepKey.PAYOUTS, True) in [(s.key, s.done) for s in with_payouts.checklist]

    async with paid.ctx.uow(read_only=True) as uow:
        account = await uow.payout_accounts.get(paid.tutor.guild_id, paid.tutor.user_id)
    await paid.fake.disable_payouts(account.account_id)
    await paid.deliver()
    without = await onboarding.start(restart, paid.ctx)
    assert (StepKey.PAYOUTS, False) in [(s.key, s.done) for s in without.checklist]


async def test_a_dispute_whose_webhook_is_late_still_freezes_the_payout(paid):
    booking = await _confirmed(paid)
    paid.clock.set(SOON + timedelta(minutes=61))
    await sessions.complete(sessions.CompleteSession(paid.student, booking.booking_id), paid.ctx)
    await paid.sweep()
    await paid.deliver()
    await paid.fake.dispute((await paid.intent(booking.booking_id))["id"])
    paid.new_events()  # the dispute's webhook is lost for now

    await paid.later(timedelta(days=3))

    payment = await paid.payment(booking.booking_id)
    assert payment.dispute_open
    assert payment.released == 0
    transfers = [o for o in paid.fake.store.objects.values() if o.get("object") == "transfer"]
    assert transfers == []
    assert paid.notifier.sent(NoticeKind.PAYMENT_DISPUTED) == {paid.tutor.user_id: 1}


async def test_a_hold_nobody_settles_is_captured_before_the_card_drops_it(paid):
    booking = await _confirmed(paid)  # inside the window: only held
    assert (await paid.payment(booking.booking_id)).captured == 0

    await paid.later(timedelta(days=6))  # nobody marked it complete

    payment = await paid.payment(booking.booking_id)
    assert payment.captured == TOTAL_MINOR
    assert payment.status is PaymentStatus.HELD
    assert (await paid.ledger()).ok


async def test_a_released_hold_is_not_captured_at_the_deadline(paid):
    booking = await _confirmed(paid)
    await bookings.cancel(
        bookings.CancelBooking(paid.student, booking.booking_id), paid.ctx
    )  # 25 h ahead: full refund
    await paid.sweep()

    await paid.later(timedelta(days=7))

    payment = await paid.payment(booking.booking_id)
    assert payment.voided
    assert payment.captured == 0
