"""The status page after the money moved: released holds and refunds, as the student sees them."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from marketplace.jobs import JobRunner
from marketplace.services import bookings
from marketplace.services.job_handlers import Handlers
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.services.marketplace_world import TUTOR_ID, RecordingNotifier, actor
from tests.web.world import PaidBooking, text_of


@pytest.fixture
def runner(database, ctx, clock) -> JobRunner:
    handlers = Handlers(ctx, RecordingNotifier()).by_kind()
    return JobRunner(SqlActionQueue(database, clock=clock), handlers, clock)


async def pay_and_return(client, fake, paid: PaidBooking) -> None:
    response = await client.post(f"{paid.path}/pay", allow_redirects=False)
    await fake.pay(urlsplit(response.headers["Location"]).path.rsplit("/", 1)[1])
    assert (await client.get(f"{paid.path}/done")).status == 200


async def status_text(client, paid: PaidBooking) -> str:
    response = await client.get(f"/bookings/{paid.token}")
    assert response.status == 200
    return text_of(await response.text())


async def test_a_declined_request_shows_the_hold_released_in_full(client, fake, paid, ctx, runner):
    await pay_and_return(client, fake, paid)
    await bookings.decline(bookings.DeclineBooking(actor(TUTOR_ID), paid.booking.booking_id), ctx)
    await runner.sweep()  # the void
    text = await status_text(client, paid)
    assert "Status: Refunded" in text
    assert "Refunded. $44.08 went back to you." in text
    assert "Refunded to you $44.08" in text


async def test_a_late_cancel_shows_the_half_that_went_back(client, fake, paid, ctx, runner):
    await pay_and_return(client, fake, paid)
    await bookings.accept(bookings.AcceptBooking(actor(TUTOR_ID), paid.booking.booking_id), ctx)
    ctx.clock.set(paid.booking.start - timedelta(hours=2))  # inside the 24 h notice
    await bookings.cancel(bookings.CancelBooking(paid.student, paid.booking.booking_id), ctx)
    await runner.sweep()  # captures the half that is kept; the rest of the hold is released
    text = await status_text(client, paid)
    assert "Status: Partially refunded" in text
    assert "Partially refunded. $22.04 of $44.08 went back to you." in text
    assert "Refunded to you $22.04" in text
