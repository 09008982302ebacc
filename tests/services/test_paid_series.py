"""Paid weekly series through the real services, the Stripe adapter and the Stripe fake.

The card is saved once (Checkout in setup mode); each week is held off-session two days
before it; a decline or a card that needs the student sends a Pay link for that week; a
week unpaid at the minimum notice is cancelled; cancelling the series or forgetting the
card stops the authorizations. Time moves with the suite's clock (the fake follows it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from marketplace.domain.booking import Booking, BookingState
from marketplace.ports import NoticeKind
from marketplace.services import checkout, privacy, rescheduling, series, series_payments
from marketplace.services.series import BookSeries, CancelFollowing, OnSeries
from tests.services.marketplace_world import at, book_cmd
from tests.services.paid_world import TOTAL_MINOR, PaidWorld, paid_world

DECLINES_WHEN_CHARGED = "4000000000000341"  # saved fine, declined whenever charged
ALWAYS_AUTHENTICATE = "4000002760003184"  # needs the student for every payment
FIRST = at(3, 10)  # Thursday; the clock starts on Tuesday 09:00 UTC


@pytest.fixture
async def paid(database, uow_factory, clock) -> AsyncIterator[PaidWorld]:
    async with paid_world(database, uow_factory, clock) as world:
        yield world


async def _series(paid: PaidWorld, weeks: int = 4) -> list[Booking]:
    cmd = BookSeries(book_cmd(paid.student, paid.tutor.user_id, FIRST), weeks)
    return list((await series.book(cmd, paid.ctx)).bookings)


async def _setup_session(paid: PaidWorld, week: Booking) -> str:
    async with paid.ctx.uow(read_only=True) as uow:
        membership = await uow.series.membership(week.booking_id)
        assert membership is not None
        session_id = await uow.series.card_setup(membership.series_id)
    assert session_id is not None
    return session_id


async def _saved_and_accepted(paid: PaidWorld, card: str = "4242424242424242") -> list[Booking]:
    weeks = await _series(paid)
    _token, url = await paid.open_checkout(weeks[0])
    assert "/c/pay/" in url
    await paid.fake.save_card(await _setup_session(paid, weeks[0]), card)
    assert await paid.deliver() != []
    async with paid.ctx.uow(read_only=True) as uow:
        membership = await uow.series.membership(weeks[0].booking_id)
    assert membership is not None
    await series.accept(OnSeries(paid.tutor, membership.series_id), paid.ctx)
    await paid.sweep()
    return [await paid.booking(w.booking_id) for w in weeks]


def _kinds(paid: PaidWorld, user_id: int) -> list[NoticeKind]:
    return [n.kind for n in paid.notifier.notices if n.user_id == user_id]


def _off_session_calls(paid: PaidWorld) -> int:
    return sum(
        1 for r in paid.fake.requests if r.method == "POST" and r.path == "/v1/payment_intents"
    )


async def test_a_paid_series_waits_for_the_card_then_reaches_the_tutor_once(paid):
    weeks = await _series(paid)
    assert {w.state for w in weeks} == {BookingState.AWAITING_PAYMENT}
    await paid.sweep()
    assert NoticeKind.SERIES_REQUESTED not in _kinds(paid, paid.tutor.user_id)

    _token, url = await paid.open_checkout(weeks[0])
    again = await paid.open_checkout(weeks[2])  # any week's link opens the same setup
    assert again[1] == url
    session_id = await _setup_session(paid, weeks[0])
    assert paid.fake.get(session_id)["mode"] == "setup"
    saved = await paid.fake.save_card(session_id)
    assert saved.succeeded
    await paid.deliver()
    await paid.sweep()

    states = [(await paid.booking(w.booking_id)).state for w in weeks]
    assert states == [BookingState.REQUESTED] * 4
    assert _kinds(paid, paid.tutor.user_id).count(NoticeKind.SERIES_REQUESTED) == 1
    async with paid.ctx.uow(read_only=True) as uow:
        card = await uow.saved_cards.card(paid.student.guild_id, paid.student.user_id)
    assert card is not None
    assert paid.fake.get(card.payment_method_id)["customer"] == card.customer_id
    assert paid.fake.violations == []


async def test_each_week_is_held_on_the_saved_card_two_days_before_it(paid):
    weeks = await _saved_and_accepted(paid)
    assert [w.state for w in weeks] == [BookingState.CONFIRMED] * 4
    assert _off_session_calls(paid) == 0  # Thursday 10:00 is held from Tuesday 10:00

    await paid.later(timedelta(hours=1))
    first = await paid.payment(weeks[0].booking_id)
    assert first.authorized == TOTAL_MINOR
    assert (await paid.intent(weeks[0].booking_id))["status"] == "requires_capture"
    assert not (await paid.payment(weeks[1].booking_id)).authorized

    await paid.later(timedelta(days=7))  # Tuesday 10:00 a week on: the second week
    assert (await paid.payment(weeks[1].booking_id)).authorized == TOTAL_MINOR
    assert not (await paid.payment(weeks[2].booking_id)).authorized
    assert _off_session_calls(paid) == 2
    assert paid.fake.violations == []
    assert (await paid.ledger()).ok


async def test_a_declined_week_gets_a_pay_link_and_paying_it_holds_that_week(paid):
    weeks = await _saved_and_accepted(paid, DECLINES_WHEN_CHARGED)
    await paid.later(timedelta(hours=1))

    assert not (await paid.payment(weeks[0].booking_id)).authorized
    needed = [n for n in paid.notifier.notices if n.kind is NoticeKind.SERIES_PAYMENT_NEEDED]
    assert [(n.user_id, n.booking.booking_id if n.booking else 0) for n in needed] == [
        (paid.student.user_id, weeks[0].booking_id)
    ]
    assert needed[0].details.fields()["reason"] == "declined"

    await paid.pay(weeks[0])  # the DM's Pay: the normal checkout for that week
    assert (await paid.payment(weeks[0].booking_id)).authorized == TOTAL_MINOR
    assert (await paid.booking(weeks[0].booking_id)).state is BookingState.CONFIRMED
    await paid.later(timedelta(days=1, hours=23))  # past the minimum notice: still on
    assert (await paid.booking(weeks[0].booking_id)).state is not BookingState.CANCELLED
    assert (await paid.ledger()).ok


async def test_a_card_that_needs_the_student_falls_back_to_the_pay_link(paid):
    weeks = await _saved_and_accepted(paid, ALWAYS_AUTHENTICATE)
    await paid.later(timedelta(hours=1))
    needed = [n for n in paid.notifier.notices if n.kind is NoticeKind.SERIES_PAYMENT_NEEDED]
    assert [n.details.fields()["reason"] for n in needed] == ["authentication"]
    page = await checkout.checkout_page((await paid.open_checkout(weeks[0]))[0], paid.ctx)
    assert page.payable


async def test_a_week_unpaid_at_the_minimum_notice_is_cancelled_and_both_are_told(paid):
    weeks = await _saved_and_accepted(paid, DECLINES_WHEN_CHARGED)
    await paid.later(timedelta(hours=1))
    await paid.later(timedelta(days=1, hours=22, minutes=1))  # Thursday 08:01 (2 h before)

    assert (await paid.booking(weeks[0].booking_id)).state is BookingState.CANCELLED
    assert (await paid.booking(weeks[1].booking_id)).state is BookingState.CONFIRMED
    for user in (paid.student.user_id, paid.tutor.user_id):
        assert _kinds(paid, user).count(NoticeKind.SERIES_WEEK_UNPAID) == 1
    assert (await paid.ledger()).ok


async def test_cancelling_the_series_stops_every_later_authorization(paid):
    weeks = await _saved_and_accepted(paid)
    await paid.later(timedelta(hours=1))
    assert _off_session_calls(paid) == 1
    cmd = CancelFollowing(paid.student, weeks[1].booking_id)
    await series.cancel_following(cmd, paid.ctx)
    await paid.later(timedelta(days=22))
    assert _off_session_calls(paid) == 1
    assert (await paid.ledger()).ok


async def test_forgetting_the_card_detaches_it_and_later_weeks_get_a_pay_link(paid):
    weeks = await _saved_and_accepted(paid)
    async with paid.ctx.uow(read_only=True) as uow:
        card = await uow.saved_cards.card(paid.student.guild_id, paid.student.user_id)
    assert card is not None

    forget = series_payments.ForgetCard(paid.student)
    assert await series_payments.forget_card(forget, paid.ctx)
    assert not await series_payments.forget_card(forget, paid.ctx)
    assert paid.fake.get(card.payment_method_id)["customer"] is None

    await paid.later(timedelta(hours=1))
    assert _off_session_calls(paid) == 0
    needed = [n for n in paid.notifier.notices if n.kind is NoticeKind.SERIES_PAYMENT_NEEDED]
    assert [(n.booking.booking_id if n.booking else 0) for n in needed] == [weeks[0].booking_id]
    assert needed[0].details.fields()["reason"] == "no_card"


async def test_duplicate_and_reordered_webhooks_save_the_card_once(paid):
    weeks = await _series(paid)
    await paid.open_checkout(weeks[0])
    paid.new_events()
    await paid.fake.save_card(await _setup_session(paid, weeks[0]))
    events = paid.new_events()
    statuses = await paid.deliver(events[::-1] + events)
    assert statuses.count("applied") == 1
    assert "duplicate" in statuses
    await paid.sweep()
    assert _kinds(paid, paid.tutor.user_id).count(NoticeKind.SERIES_REQUESTED) == 1
    states = [(await paid.booking(w.booking_id)).state for w in weeks]
    assert states == [BookingState.REQUESTED] * 4


async def test_the_return_page_records_the_card_before_the_webhook(paid):
    weeks = await _series(paid)
    token, _url = await paid.open_checkout(weeks[0])
    await paid.fake.save_card(await _setup_session(paid, weeks[0]))
    await checkout.returned(token, paid.ctx)
    assert (await paid.booking(weeks[0].booking_id)).state is BookingState.REQUESTED
    statuses = await paid.deliver()
    assert "applied" not in statuses  # the webhook finds the weeks already moved on


async def test_a_week_moved_earlier_is_held_two_days_before_its_new_time(paid):
    weeks = await _saved_and_accepted(paid)
    await paid.later(timedelta(hours=1))
    third = weeks[2]  # Thursday the 17th; moved to Monday the 14th at 10:00
    cmd = rescheduling.RescheduleBooking(paid.student, third.booking_id, at(14, 10))
    await rescheduling.reschedule(cmd, paid.ctx)
    await rescheduling.answer_reschedule(
        rescheduling.AnswerReschedule(paid.tutor, third.booking_id, accepted=True), paid.ctx
    )
    moved = await paid.booking(third.booking_id)
    assert moved.start == at(14, 10), moved
    await paid.later(timedelta(days=11))  # Saturday the 12th, 10:00
    assert (await paid.payment(third.booking_id)).authorized == TOTAL_MINOR


async def test_privacy_delete_detaches_the_saved_card(paid):
    weeks = await _saved_and_accepted(paid)
    async with paid.ctx.uow(read_only=True) as uow:
        card = await uow.saved_cards.card(paid.student.guild_id, paid.student.user_id)
    assert card is not None
    await series.cancel_following(CancelFollowing(paid.student, weeks[0].booking_id), paid.ctx)

    done = await privacy.delete(privacy.DeleteMyData(paid.student), paid.ctx)

    assert done.erased
    assert paid.fake.get(card.payment_method_id)["customer"] is None
    async with paid.ctx.uow(read_only=True) as uow:
        assert await uow.saved_cards.card(paid.student.guild_id, paid.student.user_id) is None


async def test_off_session_webhooks_in_any_order_never_undo_or_repeat_a_hold(paid):
    weeks = await _saved_and_accepted(paid)
    paid.fake.decline_next_charge(await _card_of(paid))
    paid.new_events()
    await paid.later(timedelta(hours=1))  # the first week's hold is declined: Pay link
    declined = paid.new_events()
    assert any(e.type == "payment_intent.payment_failed" for e in declined)
    await paid.pay(weeks[0])  # ...and paid by link (its events delivered as they come)
    late = [e for e in paid.results if e.status == "applied"]
    await paid.deliver(declined[::-1] + declined)  # the declined attempt's, late and twice
    await paid.sweep()
    payment = await paid.payment(weeks[0].booking_id)
    assert payment.authorized == TOTAL_MINOR
    assert (await paid.intent(weeks[0].booking_id))["status"] == "requires_capture"
    assert (await paid.ledger()).ok
    assert late


async def _card_of(paid: PaidWorld) -> str:
    async with paid.ctx.uow(read_only=True) as uow:
        card = await uow.saved_cards.card(paid.student.guild_id, paid.student.user_id)
    assert card is not None
    return card.payment_method_id
