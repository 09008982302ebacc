"""A hypothesis state machine over the whole paid loop: money can never go wrong.

It books, pays, accepts, declines, cancels, reschedules and ends sessions (completed,
late start, either no-show); lets time pass; delivers the Stripe fake's webhooks late,
reordered and twice; and crashes between steps: a webhook whose transaction dies before
commit, and a money job that dies after Stripe moved the money but before it was
recorded. Students' banks dispute charges before and after the payout, and decide them
won or lost (with `chargeback_reverses_payout` on or off for the run); refunds fail after
they succeeded, and a moderator retries them or settles them elsewhere. After every step:

- the ledger balances and agrees with every payment (`tutorbot ledger verify`);
- nothing is refunded beyond what was captured, nothing captured beyond the hold;
- nobody is paid twice: at most one transfer per booking, never more than the rate, and
  never more reversed than was transferred.

At the end every held webhook is delivered and all due work runs; then what the database
records must equal what Stripe holds, to the cent, and nothing is frozen forever: a
payment whose disputes the bank has all decided is no longer held back by one.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from marketplace.domain.booking import BookingState
from marketplace.domain.errors import DomainError
from marketplace.domain.settlement import Outcome
from marketplace.ports import PaymentGatewayError, ProviderEvent
from marketplace.services import (
    bookings,
    money_jobs,
    payments,
    refund_failures,
    rescheduling,
    sessions,
    webhooks,
)
from marketplace.services.commands import Actor
from marketplace.services.context import ServiceContext
from marketplace.storage.engine import create_database
from marketplace.storage.models import ScheduledActionRow
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from stripe_fake.errors import StripeFakeError
from tests.conftest import FixedClock, sqlite_url_for
from tests.services.marketplace_world import NOW, at
from tests.services.paid_world import RATE_MINOR, PaidWorld, paid_world


@pytest.fixture
def sqlite_template(_sqlite_template: Path) -> Path:
    """The migrated SQLite file each run of the machine copies."""
    return _sqlite_template


STARTS = [at(2, 10), at(2, 14), at(3, 10), at(4, 16), at(11, 10), at(12, 15)]
OUTCOMES = list(Outcome)


class SimulatedCrashError(Exception):
    """The process died here."""


class _CrashOnCommit:
    """A unit of work that dies instead of committing (everything rolls back)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    async def __aenter__(self) -> Any:
        work = await self._inner.__aenter__()

        async def crash() -> None:
            raise SimulatedCrashError

        work.commit = crash
        return work

    async def __aexit__(self, *exc: object) -> None:
        await self._inner.__aexit__(*exc)


class _CrashingFactory:
    def __init__(self, inner: UnitOfWorkFactory) -> None:
        self._inner = inner

    def __call__(self, *, read_only: bool = False) -> Any:
        work = self._inner(read_only=read_only)
        return work if read_only else _CrashOnCommit(work)


class PaidLoop(RuleBasedStateMachine):
    """See the module docstring."""

    def __init__(self, template: Path, workdir: Path) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.stack = contextlib.AsyncExitStack()
        self.workdir = workdir
        self.template = template
        self.held: list[ProviderEvent] = []  # made by Stripe, not delivered yet
        self.delivered: list[ProviderEvent] = []
        self.booking_ids: list[int] = []
        self.disputed: set[int] = set()  # disputed before any payout
        self.paid: PaidWorld

    def run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    @initialize(reverses=st.booleans())
    def start(self, reverses: bool) -> None:
        path = self.workdir / f"loop-{id(self)}.db"
        shutil.copyfile(self.template, path)
        database = create_database(sqlite_url_for(path))
        self.stack.push_async_callback(database.dispose)
        clock = FixedClock(NOW)
        self.paid = self.run(
            self.stack.enter_async_context(paid_world(database, UnitOfWorkFactory(database), clock))
        )
        self.run(self._set_chargeback_policy(reverses))
        self.run(self._two_paid_sessions())
        self.paid.fake.add_balance(1_000_000)  # other sales: dispute fees can be paid

    async def _set_chargeback_policy(self, reverses: bool) -> None:
        """Whether a lost dispute takes the tutor's share back (the guild's setting)."""
        async with self.ctx.uow() as uow:
            guild_id = self.paid.tutor.guild_id
            policy = await uow.guilds.policy(guild_id)
            changed = dataclasses.replace(policy, chargeback_reverses_payout=reverses)
            await uow.guilds.save_policy(guild_id, changed, self.paid.clock.now())
            await uow.commit()

    async def _two_paid_sessions(self) -> None:
        """Every run starts with two paid sessions the tutor accepted: one inside the hold
        window (still only held) and one beyond it (captured at acceptance)."""
        for slot in (STARTS[0], STARTS[-1]):
            booking = await self.paid.book(slot)
            self.booking_ids.append(booking.booking_id)
            await self._pay(booking.booking_id, "4242424242424242")
        await self._deliver(self.held)
        self.held = []
        for booking_id in self.booking_ids:
            await bookings.accept(booking_id, self.paid.tutor, self.ctx)
        await self.paid.sweep()
        self._collect()

    def teardown(self) -> None:
        if hasattr(self, "paid"):
            try:
                self.run(self._settle_everything())
            finally:
                self.run(self.stack.aclose())
        self.loop.close()

    # --- helpers ------------------------------------------------------------------------

    @property
    def ctx(self) -> ServiceContext:
        return self.paid.ctx

    def _collect(self) -> None:
        self.held.extend(self.paid.new_events())

    async def _try(self, work: Any) -> None:
        # a refusal the product shows as a message; the state must stay consistent
        with contextlib.suppress(DomainError, PaymentGatewayError):
            await work

    # --- people -------------------------------------------------------------------------

    @rule(
        slot=st.sampled_from(STARTS),
        minutes=st.sampled_from([30, 60, 90]),
        pays=st.booleans(),
        delivered=st.booleans(),
    )
    def book(self, slot: datetime, minutes: int, pays: bool, delivered: bool) -> None:
        """Book; maybe pay at once; maybe Stripe's webhooks arrive at once too."""

        async def go() -> None:
            try:
                booking = await self.paid.book(slot, minutes)
            except DomainError:
                return
            self.booking_ids.append(booking.booking_id)
            if pays:
                await self._pay(booking.booking_id, "4242424242424242")
            if delivered:
                await self._deliver(self.held)
                self.held = []
                await self.paid.sweep()

        self.run(go())

    async def _pay(self, booking_id: int, card: str) -> None:
        booking = await self.paid.booking(booking_id)
        try:
            await self.paid.open_checkout(booking)
        except DomainError:
            return
        session_id = await self.paid.session_id(booking)
        if self.paid.fake.get(session_id)["status"] == "open":
            await self.paid.fake.pay(session_id, card)
        self._collect()

    async def _deliver(self, batch: list[ProviderEvent]) -> None:
        for event in batch:
            try:
                await webhooks.handle_event(event, self.ctx)
            except webhooks.NotReadyError:
                self.held.append(event)  # Stripe retries later
                continue
            self.delivered.append(event)

    @rule(slot=st.sampled_from(STARTS))
    def pays_in_an_old_tab_after_cancelling(self, slot: datetime) -> None:
        """The Stripe page was still open in a tab: the payment lands after the cancel."""

        async def go() -> None:
            try:
                booking = await self.paid.book(slot)
            except DomainError:
                return
            self.booking_ids.append(booking.booking_id)
            await self.paid.open_checkout(booking)
            await bookings.cancel(booking.booking_id, self.paid.student, self.ctx)
            await self.paid.fake.pay(await self.paid.session_id(booking))
            self._collect()

        self.run(go())

    @precondition(lambda self: self.booking_ids)
    @rule(data=st.data(), card=st.sampled_from(["4242424242424242", "4000000000000002"]))
    def pay(self, data: st.DataObject, card: str) -> None:
        booking_id = self._pick(data, BookingState.AWAITING_PAYMENT)
        self.run(self._pay(booking_id, card))

    def _pick(self, data: st.DataObject, *states: BookingState) -> int:
        """A booking, preferring those in `states` (the interesting ones for the rule)."""

        async def matching() -> list[int]:
            found = []
            for booking_id in self.booking_ids:
                if (await self.paid.booking(booking_id)).state in states:
                    found.append(booking_id)
            return found

        preferred = self.run(matching())
        return data.draw(st.sampled_from(preferred or self.booking_ids))

    @precondition(lambda self: self.booking_ids)
    @rule(
        data=st.data(),
        action=st.sampled_from(["accept", "accept", "decline", "cancel_s", "cancel_t"]),
    )
    def answer(self, data: st.DataObject, action: str) -> None:
        live = (BookingState.REQUESTED, BookingState.CONFIRMED, BookingState.AWAITING_PAYMENT)
        booking_id = self._pick(data, *live)
        student, tutor = self.paid.student, self.paid.tutor
        work = {
            "accept": lambda: bookings.accept(booking_id, tutor, self.ctx),
            "decline": lambda: bookings.decline(booking_id, tutor, self.ctx),
            "cancel_s": lambda: bookings.cancel(booking_id, student, self.ctx),
            "cancel_t": lambda: bookings.cancel(booking_id, tutor, self.ctx),
        }[action]
        self.run(self._try(work()))

    @precondition(lambda self: self.booking_ids)
    @rule(data=st.data(), slot=st.sampled_from(STARTS))
    def reschedule(self, data: st.DataObject, slot: datetime) -> None:
        booking_id = self._pick(data, BookingState.CONFIRMED)

        async def go() -> None:
            moved = await rescheduling.reschedule(booking_id, self.paid.student, slot, self.ctx)
            if moved.reschedule_pending:
                await rescheduling.answer_reschedule(booking_id, self.paid.tutor, True, self.ctx)

        self.run(self._try(go()))

    @precondition(lambda self: self.booking_ids)
    @rule(data=st.data(), outcome=st.sampled_from(OUTCOMES))
    def end_session(self, data: st.DataObject, outcome: Outcome) -> None:
        booking_id = self._pick(data, BookingState.CONFIRMED)

        async def go() -> None:
            booking = await self.paid.booking(booking_id)
            if booking.start > self.paid.clock.now():
                self.paid.clock.set(booking.start + timedelta(minutes=16))
            await sessions.record_outcome(booking_id, outcome, self.ctx)

        self.run(self._try(go()))

    # --- time, Stripe and crashes -------------------------------------------------------

    @precondition(lambda self: self.booking_ids)
    @rule(data=st.data())
    def the_bank_disputes_a_charge(self, data: st.DataObject) -> None:
        """A completed session's charge is disputed before the payout: it stays frozen."""
        booking_id = data.draw(st.sampled_from(self.booking_ids))

        async def go() -> None:
            async with self.ctx.uow(read_only=True) as uow:
                _session, intent_id = await uow.payments.refs(booking_id)
            if intent_id is None or booking_id in self.disputed:
                return
            booking = await self.paid.booking(booking_id)
            if booking.state is BookingState.CONFIRMED:  # the session happens first
                self.paid.clock.set(max(self.paid.clock.now(), booking.end))
                await sessions.record_outcome(booking_id, Outcome.COMPLETED, self.ctx)
                await self.paid.sweep()
            charge = self.paid.fake.get(intent_id).get("latest_charge")
            if not charge or not self.paid.fake.get(str(charge)).get("captured"):
                return
            before_payout = (await self.paid.payment(booking_id)).released == 0
            try:
                await self.paid.fake.dispute(intent_id)
            except StripeFakeError:
                return  # e.g. everything was refunded already: nothing to dispute
            if before_payout:
                self.disputed.add(booking_id)
            self._collect()

        self.run(go())

    def _objects(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.paid.fake.store.objects.values() if o.get("object") == kind]

    @rule(data=st.data(), outcome=st.sampled_from(["won", "lost"]))
    def the_bank_decides_a_dispute(self, data: st.DataObject, outcome: str) -> None:
        """The student's bank decides an open dispute, with or without evidence."""
        open_ones = [d for d in self._objects("dispute") if d["status"] == "needs_response"]
        if not open_ones:
            return
        dispute = data.draw(st.sampled_from(open_ones))
        self.run(self.paid.fake.close_dispute(dispute["id"], outcome))
        self._collect()

    @rule(data=st.data())
    def a_refund_fails(self, data: st.DataObject) -> None:
        """A refund that had succeeded fails days later (the card was closed)."""
        done = [r for r in self._objects("refund") if r["status"] == "succeeded"]
        if not done:
            return
        refund = data.draw(st.sampled_from(done))
        self.run(self.paid.fake.fail_refund(refund["id"], "expired_or_canceled_card"))
        self._collect()

    @precondition(lambda self: self.booking_ids)
    @rule(data=st.data(), decision=st.sampled_from(["retry", "settled"]))
    def a_moderator_decides_a_failed_refund(self, data: st.DataObject, decision: str) -> None:
        booking_id = data.draw(st.sampled_from(self.booking_ids))
        admin = Actor(self.paid.tutor.guild_id, "", 900, has_manage_guild=True)
        cmd = refund_failures.DecideRefund(admin, booking_id, decision)  # type: ignore[arg-type]
        self.run(self._try(refund_failures.decide(cmd, self.ctx)))

    @rule(minutes=st.sampled_from([5, 5, 31, 120, 60 * 25, 60 * 50]))
    def time_passes(self, minutes: int) -> None:
        async def go() -> None:
            await self.paid.later(timedelta(minutes=minutes))
            await self.paid.fake.advance_clock(0)  # expire Stripe sessions that are due
            self._collect()

        self.run(go())

    @rule()
    def jobs_run(self) -> None:
        async def go() -> None:
            await self.paid.sweep()
            self._collect()

        self.run(go())

    @precondition(lambda self: self.held)
    @rule(
        data=st.data(),
        order=st.sampled_from(["as_is", "reverse", "shuffle"]),
        twice=st.booleans(),
    )
    def webhooks_arrive(self, data: st.DataObject, order: str, twice: bool) -> None:
        count = data.draw(st.integers(1, len(self.held)))
        batch, self.held = self.held[:count], self.held[count:]
        if order == "reverse":
            batch.reverse()
        elif order == "shuffle":
            batch = data.draw(st.permutations(batch))
        batch = batch + batch if twice else batch
        self.run(self._deliver(batch))

    @precondition(lambda self: self.delivered)
    @rule(data=st.data())
    def an_old_webhook_again(self, data: st.DataObject) -> None:
        event = data.draw(st.sampled_from(self.delivered))
        self.run(webhooks.handle_event(event, self.ctx))

    @precondition(lambda self: self.held)
    @rule(data=st.data())
    def crash_while_handling_a_webhook(self, data: st.DataObject) -> None:
        event = data.draw(st.sampled_from(self.held))
        crashing = ServiceContext(
            uow=_CrashingFactory(self.ctx.uow),  # type: ignore[arg-type]
            clock=self.ctx.clock,
            gateway=self.ctx.gateway,
            public_base_url=self.ctx.public_base_url,
        )

        async def go() -> None:
            with contextlib.suppress(SimulatedCrashError, webhooks.NotReadyError):
                await webhooks.handle_event(event, crashing)

        self.run(go())  # the event stays held: Stripe sends it again later

    @rule()
    def crash_after_stripe_moved_money(self) -> None:
        """A money job made its first move at Stripe, then died before recording it."""

        async def go() -> None:
            async with self.ctx.uow(read_only=True) as uow:
                pending = [
                    (row.booking_id, dict(row.payload))
                    for row in await uow.session.scalars(
                        select(ScheduledActionRow).where(
                            ScheduledActionRow.kind == "move_money",
                            ScheduledActionRow.state == "pending",
                        )
                    )
                ]
            gateway = self.ctx.gateway
            for booking_id, payload in pending[:1]:
                async with self.ctx.uow(read_only=True) as uow:
                    _session, intent_id = await uow.payments.refs(booking_id)
                    payment = await uow.payments.get(booking_id)
                    booking = await uow.bookings.get(booking_id)
                if None in (intent_id, payment, booking, gateway):
                    continue
                ops = payments.moves_needed(payment, booking, payload)
                if ops:
                    key = money_jobs.move_key(booking_id, ops[0], str(payload["tag"]))
                    with contextlib.suppress(PaymentGatewayError):
                        await money_jobs.perform(gateway, intent_id, ops[0], key)
            self._collect()

        self.run(go())

    # --- what must always hold ----------------------------------------------------------

    @invariant()
    def money_is_consistent(self) -> None:
        if not hasattr(self, "paid"):
            return
        report = self.run(self.paid.ledger())
        assert report.ok, report.summary()
        for booking_id in self.booking_ids:
            payment = self.run(self.paid.payment(booking_id))
            assert payment.refunded <= payment.captured <= max(payment.authorized, 0) or (
                payment.captured == 0
            )
            assert payment.released + payment.fees <= payment.captured - payment.refunded
            assert payment.released <= RATE_MINOR * 2  # 90 min at most
        transfers = [
            o for o in self.paid.fake.store.objects.values() if o.get("object") == "transfer"
        ]
        for booking_id in self.disputed:
            if self.run(self.paid.payment(booking_id)).dispute_open:
                assert not any(t["transfer_group"] == f"booking_{booking_id}" for t in transfers)
        groups = [t["transfer_group"] for t in transfers]
        assert len(groups) == len(set(groups)), "a booking was paid out twice"
        for transfer in transfers:
            assert 0 <= transfer["amount_reversed"] <= transfer["amount"]

    async def _settle_everything(self) -> None:
        """Deliver everything, let all work come due, then compare with Stripe."""
        for _ in range(2):
            self._collect()
            for event in self.held:
                with contextlib.suppress(webhooks.NotReadyError):
                    await webhooks.handle_event(event, self.ctx)
            self.held = []
            await self.paid.later(timedelta(days=15))
            await self.paid.later(timedelta(minutes=30))  # retries after a backoff
        for booking_id in self.booking_ids:
            payment = await self.paid.payment(booking_id)
            async with self.ctx.uow(read_only=True) as uow:
                _session, intent_id = await uow.payments.refs(booking_id)
            if intent_id is None or self.ctx.gateway is None:
                assert payment.captured == 0
                continue
            intent = await self.ctx.gateway.intent(intent_id)
            assert payment.captured == intent.amount_received
            assert payment.refunded == intent.amount_refunded + payment.refunded_elsewhere
            decided = all(
                d["status"] in ("won", "lost")
                for d in self._objects("dispute")
                if d["payment_intent"] == intent_id
            )
            if decided:
                assert not payment.dispute_open, f"booking {booking_id} is frozen forever"
            booking = await self.paid.booking(booking_id)
            if booking.terminal and booking.cancelled_by is None:
                assert payment.captured - payment.refunded == 0, "declined/expired kept money"
            if booking.terminal or booking.outcome is not None:
                assert not intent.held, f"booking {booking_id} is over but the card is still held"
        report = await self.paid.ledger()
        assert report.ok, report.summary()
        transfers = {
            o["transfer_group"]
            for o in self.paid.fake.store.objects.values()
            if o.get("object") == "transfer"
        }
        for booking_id in self.disputed:
            if (await self.paid.payment(booking_id)).dispute_open:
                assert f"booking_{booking_id}" not in transfers, "paid out during a dispute"


def test_money_never_goes_wrong(sqlite_template: Path, tmp_path: Path) -> None:
    run_state_machine_as_test(
        lambda: PaidLoop(sqlite_template, tmp_path),
        settings=settings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        ),
    )
