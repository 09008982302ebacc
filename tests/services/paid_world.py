"""A paid guild for the payment tests: services wired to the Stripe fake, and a job runner.

Everything runs for real except Discord (a recording notifier): the services call the
`StripeGateway` adapter, which talks HTTP to the in-repo Stripe fake; the fake's clock
follows the suite's FixedClock, so Checkout expiry and the services agree on the time.
Webhook events are taken from the fake and handed to `webhooks.handle_event` in the
order a test chooses (the signed HTTP path is covered by the web tests).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from marketplace.domain.booking import Booking
from marketplace.domain.payment import Payment
from marketplace.jobs import JobRunner
from marketplace.payments import StripeGateway
from marketplace.ports import ProviderEvent
from marketplace.services import bookings, checkout, payouts, webhooks
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext
from marketplace.services.job_handlers import Handlers
from marketplace.services.ledger import LedgerReport, verify
from marketplace.storage.engine import Database
from marketplace.storage.installation import installation_key_prefix
from marketplace.storage.scheduled_actions import SqlActionQueue
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from stripe_fake import TEST_API_KEY, StripeFake, running_stripe_fake
from tests.conftest import FixedClock
from tests.services.marketplace_world import (
    NOW,
    RecordingNotifier,
    World,
    book_cmd,
    build_world,
)

RATE_MINOR = 2500  # the world's tutor charges $25/h
FEE_MINOR = 375  # 15 % of $25.00
TOTAL_MINOR = RATE_MINOR + FEE_MINOR
BASE_URL = "http://127.0.0.1:9"


def provider_event(event: dict[str, Any]) -> ProviderEvent:
    """A fake event as the signature check would hand it over."""
    obj = event["data"]["object"]
    return ProviderEvent(event["id"], event["type"], obj["id"], obj["object"], dict(obj))


@dataclass
class PaidWorld:
    """A guild with payments on, its student and tutor (payouts enabled), and Stripe."""

    world: World
    ctx: ServiceContext
    clock: FixedClock
    fake: StripeFake
    runner: JobRunner
    notifier: RecordingNotifier
    seen_events: int = 0
    results: list[webhooks.EventResult] = field(default_factory=list)

    @property
    def student(self) -> Actor:
        """The student (user 11)."""
        return self.world.student

    @property
    def tutor(self) -> Actor:
        """The tutor (user 21), $25/h, available daily 08:00-22:00 Berlin."""
        return self.world.tutor

    def new_events(self) -> list[ProviderEvent]:
        """The fake's events since the last call, oldest first."""
        events = self.fake.events[self.seen_events :]
        self.seen_events += len(events)
        return [provider_event(event) for event in events]

    async def deliver(self, events: list[ProviderEvent] | None = None) -> list[str]:
        """Handle `events` (default: every new one) in order; their result statuses."""
        statuses = []
        for event in self.new_events() if events is None else events:
            result = await webhooks.handle_event(event, self.ctx)
            self.results.append(result)
            statuses.append(result.status)
        return statuses

    async def sweep(self) -> None:
        """Run every due job (money moves, payouts, notices), as the runner's tick would."""
        while await self.runner.sweep():
            pass

    async def book(self, start: datetime, minutes: int = 60) -> Booking:
        """The student books the tutor at `start`."""
        return await bookings.book(
            book_cmd(self.student, self.tutor.user_id, start, minutes), self.ctx
        )

    async def open_checkout(self, booking: Booking) -> tuple[str, str]:
        """The student follows their link and presses Pay: (token, hosted checkout url)."""
        link = await checkout.link_for(
            checkout.CheckoutLink(self.student, booking.booking_id), self.ctx
        )
        token = link.rsplit("/", 1)[1]
        return token, await checkout.start_checkout(token, self.ctx)

    async def session_id(self, booking: Booking) -> str:
        """The booking's Checkout Session id."""
        async with self.ctx.uow(read_only=True) as uow:
            session_id, _ = await uow.payments.refs(booking.booking_id)
        assert session_id is not None
        return session_id

    async def pay(self, booking: Booking, card: str = "4242424242424242") -> None:
        """Open the checkout, pay it with `card`, and deliver the events."""
        await self.open_checkout(booking)
        await self.fake.pay(await self.session_id(booking), card)
        await self.deliver()
        await self.sweep()

    async def booking(self, booking_id: int) -> Booking:
        """The booking as stored now."""
        async with self.ctx.uow(read_only=True) as uow:
            found = await uow.bookings.get(booking_id)
        assert found is not None
        return found

    async def payment(self, booking_id: int) -> Payment:
        """The payment as stored now."""
        async with self.ctx.uow(read_only=True) as uow:
            found = await uow.payments.get(booking_id)
        assert found is not None
        return found

    async def intent(self, booking_id: int) -> dict[str, Any]:
        """The booking's PaymentIntent as the fake has it."""
        async with self.ctx.uow(read_only=True) as uow:
            _, intent_id = await uow.payments.refs(booking_id)
        assert intent_id is not None
        return self.fake.get(intent_id)

    async def ledger(self) -> LedgerReport:
        """`tutorbot ledger verify` over the whole database."""
        return await verify(self.ctx)

    async def later(self, delta: timedelta) -> None:
        """Move time on, then run whatever came due."""
        self.clock.advance(delta)
        await self.sweep()


async def enable_tutor_payouts(ctx: ServiceContext, fake: StripeFake, tutor: Actor) -> str:
    """`/tutor payouts`, then finish onboarding at Stripe (account.updated)."""
    await payouts.payout_setup(payouts.SetUpPayouts(tutor), ctx)
    async with ctx.uow(read_only=True) as uow:
        account = await uow.payout_accounts.get(tutor.guild_id, tutor.user_id)
    assert account is not None
    await fake.enable_payouts(account.account_id)
    return account.account_id


@contextlib.asynccontextmanager
async def paid_world(
    database: Database, uow_factory: UnitOfWorkFactory, clock: FixedClock, *, instant: bool = False
) -> AsyncIterator[PaidWorld]:
    """Start the Stripe fake and build the paid guild (time: `NOW`, Tuesday 09:00 UTC)."""
    clock.set(NOW)
    async with running_stripe_fake(clock=lambda: clock.now().timestamp()) as fake:
        installation = await installation_key_prefix(database, NOW)
        gateway = StripeGateway(
            TEST_API_KEY, fake.base_url, max_network_retries=0, installation=installation
        )
        ctx = ServiceContext(
            uow=uow_factory, clock=clock, gateway=gateway, public_base_url=BASE_URL
        )
        notifier = RecordingNotifier()
        runner = JobRunner(
            SqlActionQueue(database, clock=clock), Handlers(ctx, notifier).by_kind(), clock
        )
        try:
            world = await build_world(ctx, clock, instant=instant)
            paid = PaidWorld(world, ctx, clock, fake, runner, notifier)
            await enable_tutor_payouts(ctx, fake, world.tutor)
            await paid.deliver()
            yield paid
        finally:
            await gateway.close()
