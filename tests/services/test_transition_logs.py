"""Each state transition is logged once at INFO with its ids, and only once it commits."""

from __future__ import annotations

import io
import json
import logging
import socket
from datetime import timedelta

import pytest

from marketplace.domain.booking import BookingState
from marketplace.domain.cancellation import Party
from marketplace.domain.policy import with_setting
from marketplace.logs import configure_logging, log_context
from marketplace.payments import StripeGateway
from marketplace.ports.payments import PaymentGatewayError
from marketplace.services import bookings, restrictions
from marketplace.services.actor import Actor
from tests.services.marketplace_world import (
    GUILD,
    GUILD_NAME,
    STUDENT_ID,
    TUTOR_ID,
    actor,
    at,
    book_cmd,
    build_world,
)

TRANSITIONS = "tutorbot.transitions"


def closed_port() -> int:
    """A local port nothing listens on: Stripe is unreachable there."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def booking_lines(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str, int, int]]:
    """(level, message, guild id, booking id) of each booking transition logged."""
    return [
        (record.levelno, record.getMessage(), record.guild_id, record.booking_id)  # type: ignore[attr-defined]
        for record in caplog.records
        if record.name == TRANSITIONS and record.getMessage().startswith("booking ")
    ]


async def test_requested_confirmed_cancelled_is_logged_once_each(service_context, clock, caplog):
    world = await build_world(service_context, clock)
    caplog.set_level(logging.INFO, logger=TRANSITIONS)

    booking = await bookings.book(book_cmd(actor(STUDENT_ID), TUTOR_ID, at(2, 10)), world.ctx)
    await bookings.accept(bookings.AcceptBooking(actor(TUTOR_ID), booking.booking_id), world.ctx)
    cancelled = await bookings.cancel(
        bookings.CancelBooking(actor(STUDENT_ID), booking.booking_id), world.ctx
    )

    assert cancelled.state is BookingState.CANCELLED
    number = booking.booking_id
    assert booking_lines(caplog) == [
        (logging.INFO, f"booking {number}: new -> requested", GUILD, number),
        (logging.INFO, f"booking {number}: requested -> confirmed", GUILD, number),
        (logging.INFO, f"booking {number}: confirmed -> cancelled", GUILD, number),
    ]


def restriction_lines(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str, int, int]]:
    """(level, message, guild id, user id) of each restriction transition logged."""
    return [
        (record.levelno, record.getMessage(), record.guild_id, record.user_id)  # type: ignore[attr-defined]
        for record in caplog.records
        if record.name == TRANSITIONS and record.getMessage().startswith("restriction ")
    ]


async def test_a_restriction_imposed_replaced_lifted_and_imposed_again_is_logged(
    service_context, clock, uow_factory, caplog
):
    await build_world(service_context, clock)
    mod_role = 555
    async with uow_factory() as uow:
        policy = with_setting(await uow.guilds.policy(GUILD), "moderator_role", mod_role)
        await uow.guilds.save_policy(GUILD, policy, clock.now())
        await uow.commit()
    moderator = Actor(GUILD, GUILD_NAME, 50, role_ids=frozenset({mod_role}))
    target = Actor(GUILD, GUILD_NAME, STUDENT_ID)
    caplog.set_level(logging.INFO, logger=TRANSITIONS)

    await restrictions.restrict(
        restrictions.RestrictUser(moderator, target, "7d", "Off-platform payment"), service_context
    )
    clock.advance(timedelta(hours=1))
    await restrictions.restrict(  # replaces the one in force: no change of state
        restrictions.RestrictUser(moderator, target, "1d", "Again"), service_context
    )
    clock.advance(timedelta(hours=1))
    await restrictions.unrestrict(restrictions.Unrestrict(moderator, STUDENT_ID), service_context)
    clock.advance(timedelta(hours=1))
    await restrictions.restrict(
        restrictions.RestrictUser(moderator, target, None, "Once more"), service_context
    )

    assert restriction_lines(caplog) == [
        (logging.INFO, f"restriction {STUDENT_ID}: new -> imposed", GUILD, STUDENT_ID),
        (logging.INFO, f"restriction {STUDENT_ID}: imposed -> lifted", GUILD, STUDENT_ID),
        (logging.INFO, f"restriction {STUDENT_ID}: lifted -> imposed", GUILD, STUDENT_ID),
    ]


async def test_a_rolled_back_unit_of_work_logs_no_transition(
    service_context, clock, uow_factory, caplog
):
    world = await build_world(service_context, clock)
    booking = await bookings.book(book_cmd(actor(STUDENT_ID), TUTOR_ID, at(2, 10)), world.ctx)
    caplog.set_level(logging.INFO, logger=TRANSITIONS)

    async with uow_factory() as uow:  # left without commit: rolled back
        loaded = await uow.bookings.get(booking.booking_id, for_update=True)
        assert loaded is not None
        declined, _event = loaded.decline(Party.TUTOR, clock.now())
        await uow.bookings.save(declined, timedelta(minutes=10), clock.now())
        await uow.session.flush()

    async with uow_factory() as uow:
        still = await uow.bookings.get(booking.booking_id)
    assert still is not None
    assert still.state is BookingState.REQUESTED
    assert booking_lines(caplog) == []


async def test_a_stripe_failure_is_logged_once_at_warning_with_the_booking_id():
    stream = io.StringIO()
    target = logging.getLogger("marketplace.payments")
    handler = configure_logging("DEBUG", "json", stream=stream, root=target)
    gateway = StripeGateway(
        "sk_test_x",
        f"http://127.0.0.1:{closed_port()}",
        max_network_retries=0,
        installation="tests",
    )
    try:
        with log_context(booking_id=4242, guild_id=GUILD), pytest.raises(PaymentGatewayError):
            await gateway.intent("pi_123")
    finally:
        await gateway.close()
        target.removeHandler(handler)
        target.setLevel(logging.NOTSET)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["level"], line["booking_id"], line["guild_id"]) for line in lines] == [
        ("WARNING", 4242, GUILD)
    ]
    assert "stripe intent refused: network" in lines[0]["message"]
