"""A hypothesis state machine over the whole paid loop: money can never go wrong.

People book, pay, accept, decline, cancel, reschedule and end sessions (completed, late
start, either no-show); a moderator decides failed refunds (retry, or settled elsewhere).
Time passes. Stripe and the banks act on their own: the student's bank disputes a charge,
in full or in part, before or after the payout, and later decides, won or lost (each run
draws the guild's `chargeback_reverses_payout`); refunds go pending, succeed, or fail
(pending or long succeeded); Stripe is unreachable for a while as time passes, up to just
before or past a card hold's capture deadline, while another process's jobs keep failing;
and a second installation on the same Stripe account pays out with this one's transfer
groups and keys. The fake's webhooks are delivered late, reordered and twice. Crashes
between steps: a webhook whose transaction dies before commit; a money move made at
Stripe and never recorded; a payout transfer (or reversal) made at Stripe whose
transaction never commits, retried at once or after Stripe's 24-hour idempotency window.

After every step:

- the ledger balances and agrees with every payment (`tutorbot ledger verify`);
- nothing is refunded or charged back beyond what was captured, nothing captured beyond
  the hold, nothing held on the platform is negative;
- nobody is paid twice: at most one transfer per booking from this installation (its
  `booking_<id>` group and its own installation in the metadata; the other
  installation's transfers with the same group and key never count), the transfer the
  database stores is this installation's and of this booking and of the amount released,
  never more than the rate; no transfer is reversed beyond its amount, and the database
  never records more reversed than Stripe did;
- no payout while a dispute opened before it is still open.

At the end Stripe finishes the refunds it kept pending, every held webhook is delivered
and all due work runs (twice, 15 days apart); then nothing is frozen forever:

- every dispute the bank decided is closed in the database, an undecided one keeps the
  payout frozen;
- no money job failed for good, and a session that is over (settled by an outcome, a
  cancellation, a decline or an expiry) and not frozen by an open dispute or an open
  failed refund holds nothing on the platform: its payout was made, or deliberately
  cancelled (a lost dispute the tutor bears);
- what the database records equals what Stripe holds, to the cent: captured; refunded =
  succeeded refunds + refunded elsewhere; the transfer and its reversals; dispute fees
  and what the lost disputes took.
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
from hypothesis import event as note
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
from marketplace.domain.money import Money
from marketplace.domain.payment import Payment
from marketplace.domain.scheduled import ActionKind, ActionState
from marketplace.domain.settlement import Outcome
from marketplace.jobs import JobRunner
from marketplace.payments import StripeGateway
from marketplace.ports import PaymentGatewayError, PayoutTransfer, ProviderEvent
from marketplace.services import (
    bookings,
    money_jobs,
    payments,
    refund_failures,
    rescheduling,
    sessions,
    webhooks,
)
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext
from marketplace.services.refund_failures import DecideRefund
from marketplace.storage.engine import create_database
from marketplace.storage.installation import installation_key_prefix
from marketplace.storage.models import PaymentRow, ScheduledActionRow
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from stripe_fake import TEST_API_KEY
from stripe_fake.disputes import kept_on_charge
from stripe_fake.errors import StripeFakeError
from tests.conftest import FixedClock, sqlite_url_for
from tests.data_keys import TEST_DATA_KEYS
from tests.services.marketplace_world import NOW, at
from tests.services.paid_loop_parts import (
    CrashingFactory,
    Obj,
    SimulatedCrashError,
    StripeView,
    dispute_fee,
    dispute_is_open,
    dispute_withdrawn,
    runner_for,
    unreachable_gateway,
)
from tests.services.paid_world import RATE_MINOR, TOTAL_MINOR, PaidWorld, paid_world


@pytest.fixture
def sqlite_template(_sqlite_template: Path) -> Path:
    """The migrated SQLite file each run of the machine copies."""
    return _sqlite_template


STARTS = [at(2, 10), at(2, 14), at(3, 10), at(4, 16), at(11, 10), at(12, 15)]
OUTCOMES = list(Outcome)
PLATFORM_FUNDS = 1_000_000  # other payments' money: dispute fees and covered payouts are funded
OTHER_INSTALLATION = "0ther0install0n"  # another deployment's key prefix, same Stripe account
REFUND_FAILURES = ["expired_or_canceled_card", "lost_or_stolen_card", "declined"]
MONEY_JOBS = frozenset(
    {ActionKind.MOVE_MONEY, ActionKind.PAY_OUT, ActionKind.REVERSE_PAYOUT, ActionKind.RETRY_REFUND}
)


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
        self.stripe: StripeView
        self.down: ServiceContext  # this installation while Stripe cannot be reached
        self.down_runner: JobRunner
        self.other: StripeGateway  # another installation on the same Stripe account

    def run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    @initialize(reverses=st.booleans(), refunds_pending=st.booleans())
    def start(self, reverses: bool, refunds_pending: bool) -> None:
        path = self.workdir / f"loop-{id(self)}.db"
        shutil.copyfile(self.template, path)
        self.database = create_database(sqlite_url_for(path), keys=TEST_DATA_KEYS)
        self.stack.push_async_callback(self.database.dispose)
        clock = FixedClock(NOW)
        self.paid = self.run(
            self.stack.enter_async_context(
                paid_world(self.database, UnitOfWorkFactory(self.database), clock)
            )
        )
        self.run(self._wire(reverses))
        note(f"chargeback_reverses_payout={reverses}")
        self.paid.fake.refunds_pending = refunds_pending
        self.run(self._three_paid_sessions())

    async def _wire(self, reverses: bool) -> None:
        """Stripe's balance, the guild's chargeback policy, the outage, the other install."""
        self.paid.fake.add_balance(PLATFORM_FUNDS)
        installation = await installation_key_prefix(self.database, NOW)
        self.stripe = StripeView(self.paid.fake, installation)
        down_gateway = unreachable_gateway(installation)
        self.stack.push_async_callback(down_gateway.close)
        self.down = dataclasses.replace(self.ctx, gateway=down_gateway)
        self.down_runner = runner_for(self.database, self.down, self.paid.clock, self.paid.notifier)
        self.other = StripeGateway(
            TEST_API_KEY,
            self.paid.fake.base_url,
            max_network_retries=0,
            installation=OTHER_INSTALLATION,
        )
        self.stack.push_async_callback(self.other.close)
        guild_id = self.paid.tutor.guild_id
        async with self.ctx.uow() as uow:
            policy = await uow.guilds.policy(guild_id)
            policy = dataclasses.replace(policy, chargeback_reverses_payout=reverses)
            await uow.guilds.save_policy(guild_id, policy, self.paid.clock.now())
            await uow.commit()

    async def _three_paid_sessions(self) -> None:
        """Every run starts with three paid sessions the tutor accepted: one inside the
        hold window (still only held), one beyond it (captured at acceptance) and one
        beyond it that the student then cancelled (refunded, or the refund pending)."""
        for slot in (STARTS[0], STARTS[-1], STARTS[-2]):
            booking = await self.paid.book(slot)
            self.booking_ids.append(booking.booking_id)
            await self._pay(booking.booking_id, "4242424242424242")
        await self._deliver(self.held)
        self.held = []
        for booking_id in self.booking_ids:
            await bookings.accept(bookings.AcceptBooking(self.paid.tutor, booking_id), self.ctx)
        await self.paid.sweep()
        await bookings.cancel(
            bookings.CancelBooking(self.paid.student, self.booking_ids[-1]), self.ctx
        )
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

    @property
    def admin(self) -> Actor:
        """Someone with Manage Server in the paid guild."""
        return Actor(self.paid.tutor.guild_id, "", 900, has_manage_guild=True)

    def _collect(self) -> None:
        self.held.extend(self.paid.new_events())

    async def _try(self, work: Any) -> None:
        # a refusal the product shows as a message; the state must stay consistent
        with contextlib.suppress(DomainError, PaymentGatewayError):
            await work

    async def _sweep(self, runner: JobRunner) -> None:
        while await runner.sweep():
            pass

    async def _intent_id(self, booking_id: int) -> str | None:
        async with self.ctx.uow(read_only=True) as uow:
            _session, intent_id = await uow.payments.refs(booking_id)
        return intent_id

    async def _payments(self) -> dict[int, tuple[Payment, str | None, str | None]]:
        """Every booking's payment, PaymentIntent id and stored transfer id."""
        async with self.ctx.uow(read_only=True) as uow:
            found = await uow.payments.of_bookings(self.booking_ids)
            refs = {
                row.booking_id: (row.payment_intent_id, row.transfer_id)
                for row in await uow.session.execute(
                    select(
                        PaymentRow.booking_id, PaymentRow.payment_intent_id, PaymentRow.transfer_id
                    )
                )
            }
        return {b: (payment, *refs[b]) for b, payment in found.items()}

    def _refunds(self, *statuses: str) -> list[Obj]:
        if not hasattr(self, "stripe"):
            return []
        return [r for r in self.stripe.all("refund") if r["status"] in statuses]

    def _open_disputes(self) -> list[Obj]:
        if not hasattr(self, "stripe"):
            return []
        return [d for d in self.stripe.disputes() if dispute_is_open(d)]

    async def _money_jobs(self, *states: ActionState) -> list[tuple[str, int, datetime, str]]:
        """(kind, booking id, due at, outcome) of the money work in `states`."""
        tz = self.paid.clock.now().tzinfo
        async with self.ctx.uow(read_only=True) as uow:
            rows = await uow.session.execute(
                select(
                    ScheduledActionRow.kind,
                    ScheduledActionRow.booking_id,
                    ScheduledActionRow.due_at,
                    ScheduledActionRow.outcome,
                ).where(
                    ScheduledActionRow.kind.in_([k.value for k in MONEY_JOBS]),
                    ScheduledActionRow.state.in_([s.value for s in states]),
                )
            )
            return [
                (str(kind), booking_id, due.replace(tzinfo=tz), outcome or "")
                for kind, booking_id, due, outcome in rows
            ]

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
            await bookings.cancel(
                bookings.CancelBooking(self.paid.student, booking.booking_id), self.ctx
            )
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
        preferred = self.run(self._in_state(*states))
        return data.draw(st.sampled_from(preferred or self.booking_ids))

    async def _in_state(self, *states: BookingState) -> list[int]:
        found = []
        for booking_id in self.booking_ids:
            if (await self.paid.booking(booking_id)).state in states:
                found.append(booking_id)
        return found

    async def _session_happens(self, booking_id: int) -> None:
        """A confirmed session takes place and is marked complete at its end."""
        booking = await self.paid.booking(booking_id)
        if booking.state is BookingState.CONFIRMED:
            self.paid.clock.set(max(self.paid.clock.now(), booking.end))
            await sessions.record_outcome(booking_id, Outcome.COMPLETED, self.ctx)
            await self.paid.sweep()

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
            "accept": lambda: bookings.accept(bookings.AcceptBooking(tutor, booking_id), self.ctx),
            "decline": lambda: bookings.decline(
                bookings.DeclineBooking(tutor, booking_id), self.ctx
            ),
            "cancel_s": lambda: bookings.cancel(
                bookings.CancelBooking(student, booking_id), self.ctx
            ),
            "cancel_t": lambda: bookings.cancel(
                bookings.CancelBooking(tutor, booking_id), self.ctx
            ),
        }[action]
        self.run(self._try(work()))

    @precondition(lambda self: self.booking_ids)
    @rule(data=st.data(), slot=st.sampled_from(STARTS))
    def reschedule(self, data: st.DataObject, slot: datetime) -> None:
        booking_id = self._pick(data, BookingState.CONFIRMED)

        async def go() -> None:
            moved = await rescheduling.reschedule(
                rescheduling.RescheduleBooking(self.paid.student, booking_id, slot), self.ctx
            )
            if moved.reschedule_pending:
                await rescheduling.answer_reschedule(
                    rescheduling.AnswerReschedule(self.paid.tutor, booking_id, True), self.ctx
                )

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

    @precondition(lambda self: self._refunds("failed"))
    @rule(data=st.data(), decision=st.sampled_from(["retry", "settled"]))
    def a_moderator_decides_failed_refunds(self, data: st.DataObject, decision: str) -> None:
        """`/mod queue`: Retry refund, or Settled elsewhere (refused if none is open)."""

        async def waiting() -> list[int]:
            async with self.ctx.uow(read_only=True) as uow:
                return [
                    b for b in self.booking_ids if await uow.refund_failures.open_for_booking(b)
                ]

        booking_id = data.draw(st.sampled_from(self.run(waiting()) or self.booking_ids))
        cmd = DecideRefund(self.admin, booking_id, "retry" if decision == "retry" else "settled")

        async def go() -> None:
            with contextlib.suppress(DomainError):  # nothing waiting for a decision
                await refund_failures.decide(cmd, self.ctx)
                note(f"a moderator decided: {decision}")

        self.run(go())

    # --- the banks ----------------------------------------------------------------------

    @precondition(lambda self: self.booking_ids)
    @rule(
        data=st.data(),
        after_payout=st.booleans(),
        half=st.booleans(),
        reason=st.sampled_from(["fraudulent", "product_not_received", "duplicate"]),
        decided=st.sampled_from(["", "won", "lost"]),
    )
    def the_bank_disputes_a_charge(
        self, data: st.DataObject, after_payout: bool, half: bool, reason: str, decided: str
    ) -> None:
        """A captured charge is disputed, in full or half of it, before or after the payout;
        maybe the bank decides at once (the webhooks of both still arrive late).

        A session still ahead happens first; "after the payout" lets its payout come due.
        """

        async def go() -> None:
            candidates = await self._disputable()
            if not candidates:
                return
            paid_out = [c for c in candidates if self.stripe.our_transfers(c[0])]
            booking_id, intent_id = data.draw(
                st.sampled_from(paid_out if after_payout and paid_out else candidates)
            )
            await self._session_happens(booking_id)
            if after_payout and not self.stripe.our_transfers(booking_id):
                await self.paid.later(timedelta(hours=49))  # the dispute window closes
                await self.paid.fake.advance_clock(0)
            charge = self._charge(intent_id)
            if charge is None or not charge["captured"]:
                return
            left = kept_on_charge(self.paid.fake.store, charge)
            before_payout = not self.stripe.our_transfers(booking_id)
            try:
                dispute = await self.paid.fake.dispute(
                    intent_id, reason, max(1, left // 2) if half else None
                )
            except StripeFakeError:
                return  # e.g. everything was refunded already: nothing to dispute
            if before_payout:
                self.disputed.add(booking_id)
            note(f"disputed {'before' if before_payout else 'after'} the payout")
            if decided:
                await self.paid.fake.close_dispute(dispute["id"], decided)
                note(f"the bank decided: {decided}")
            self._collect()

        self.run(go())

    def _charge(self, intent_id: str) -> Obj | None:
        charge_id = self.paid.fake.get(intent_id).get("latest_charge")
        return self.paid.fake.store.objects.get(str(charge_id)) if charge_id else None

    async def _disputable(self) -> list[tuple[int, str]]:
        """(booking, PaymentIntent) of charges captured, or about to be, and not disputed."""
        found = []
        for booking_id in self.booking_ids:
            intent_id = await self._intent_id(booking_id)
            if intent_id is None or self.stripe.disputes(intent_id):
                continue
            charge = self._charge(intent_id)
            if charge is None:
                continue
            if charge["captured"] or (
                (await self.paid.booking(booking_id)).state is BookingState.CONFIRMED
            ):
                found.append((booking_id, intent_id))
        return found

    @precondition(lambda self: self._open_disputes())
    @rule(data=st.data(), outcome=st.sampled_from(["won", "lost"]))
    def the_bank_decides(self, data: st.DataObject, outcome: str) -> None:
        """The bank decides an open dispute, evidence or not."""
        dispute = data.draw(st.sampled_from(self._open_disputes()))
        self.run(self.paid.fake.close_dispute(dispute["id"], outcome))
        note(f"the bank decided: {outcome}")
        self._collect()

    @rule(pending=st.booleans())
    def stripe_keeps_refunds_pending(self, pending: bool) -> None:
        """From now on new refunds start pending (until they succeed or fail), or not."""
        self.paid.fake.refunds_pending = pending

    @precondition(lambda self: self._refunds("pending"))
    @rule(data=st.data())
    def a_pending_refund_succeeds(self, data: st.DataObject) -> None:
        refund = data.draw(st.sampled_from(self._refunds("pending")))
        self.run(self.paid.fake.succeed_refund(refund["id"]))
        self._collect()

    @precondition(lambda self: self._refunds("pending", "succeeded"))
    @rule(data=st.data(), reason=st.sampled_from(REFUND_FAILURES), delivered=st.booleans())
    def a_refund_fails(self, data: st.DataObject, reason: str, delivered: bool) -> None:
        """A refund fails, still pending or long succeeded (a closed card, say); maybe
        its webhooks arrive at once."""
        refund = data.draw(st.sampled_from(self._refunds("pending", "succeeded")))
        note(f"a {refund['status']} refund failed")
        self.run(self.paid.fake.fail_refund(refund["id"], reason))
        self._collect()
        if delivered:
            batch, self.held = self.held, []
            self.run(self._deliver(batch))

    # --- time, Stripe and crashes -------------------------------------------------------

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
        crashing = dataclasses.replace(self.ctx, uow=CrashingFactory(self.ctx.uow))

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

    @rule(data=st.data(), late=st.booleans())
    def a_payout_is_made_but_its_write_is_lost(self, data: st.DataObject, late: bool) -> None:
        """The next payout (or reversal) comes due (a session happens first if none is
        waiting); its transfer is made at Stripe, then the process dies: nothing after it
        commits. The job runs again at once, or only after Stripe's idempotency keys have
        expired (24 h)."""

        async def go() -> None:
            due = await self._payouts_due()
            if not due:
                confirmed = await self._in_state(BookingState.CONFIRMED)
                if confirmed:
                    await self._session_happens(data.draw(st.sampled_from(confirmed)))
                    due = await self._payouts_due()
            if not due:
                return
            when = min(due)
            if when > self.paid.clock.now() + timedelta(seconds=1):
                await self.paid.later(when - self.paid.clock.now() - timedelta(seconds=1))
            self.paid.clock.set(max(when, self.paid.clock.now()))
            await self.paid.fake.advance_clock(0)
            before = self.stripe.moves()
            dying = dataclasses.replace(
                self.ctx,
                uow=CrashingFactory(self.ctx.uow, lambda: self.stripe.moves() > before),
            )
            await self._sweep(runner_for(self.database, dying, self.paid.clock, self.paid.notifier))
            note(f"a transfer's write was lost: {self.stripe.moves() > before}, late: {late}")
            self._collect()
            if late:
                await self.paid.later(timedelta(hours=25))
                await self.paid.fake.advance_clock(0)
                self._collect()

        self.run(go())

    @rule(
        data=st.data(),
        span=st.sampled_from(["hours", "until_just_before_a_deadline", "past_a_deadline"]),
    )
    def stripe_is_unreachable_for_a_while(self, data: st.DataObject, span: str) -> None:
        """Stripe cannot be reached while time passes (up to or past a card hold's capture
        deadline): the job runner's moves fail and a webhook cannot be handled. Then
        Stripe is back and the work is retried."""

        async def go() -> None:
            now = self.paid.clock.now()
            steps = [now + timedelta(minutes=5), now + timedelta(hours=2)]
            holds = await self._hold_deadlines()
            note(f"Stripe down {span.replace('_', ' ')}{'' if holds else ' (no hold)'}")
            if span != "hours" and holds:
                deadline = data.draw(st.sampled_from(holds))
                end = deadline + (
                    timedelta(hours=1) if span == "past_a_deadline" else -timedelta(minutes=45)
                )
                steps = [t for t in (deadline - timedelta(hours=11), end) if t > now]
            for when in steps:
                self.paid.clock.set(max(when, self.paid.clock.now()))
                await self.paid.fake.advance_clock(0)  # Stripe goes on: holds lapse
                await self._sweep(self.down_runner)
                self._collect()
            if self.held:
                event = data.draw(st.sampled_from(self.held))
                with contextlib.suppress(PaymentGatewayError, webhooks.NotReadyError):
                    await webhooks.handle_event(event, self.down)  # it stays held
            await self.paid.later(timedelta(minutes=31))  # Stripe is back: retries come due
            await self.paid.fake.advance_clock(0)
            self._collect()

        self.run(go())

    async def _payouts_due(self) -> list[datetime]:
        """When the pending payouts and payout reversals are due."""
        return [
            due_at
            for kind, _booking, due_at, _outcome in await self._money_jobs(ActionState.PENDING)
            if kind in (ActionKind.PAY_OUT, ActionKind.REVERSE_PAYOUT)
        ]

    async def _hold_deadlines(self) -> list[datetime]:
        """When the card holds still waiting for capture lapse (Stripe's capture_before)."""
        tz = self.paid.clock.now().tzinfo
        async with self.ctx.uow(read_only=True) as uow:
            rows = await uow.session.execute(
                select(PaymentRow.capture_before).where(
                    PaymentRow.booking_id.in_(self.booking_ids),
                    PaymentRow.authorized > 0,
                    PaymentRow.captured == 0,
                    PaymentRow.voided.is_(False),
                    PaymentRow.capture_before.is_not(None),
                )
            )
            found = [row.capture_before.replace(tzinfo=tz) for row in rows]
        return [d for d in sorted(found) if d > self.paid.clock.now()]

    @precondition(lambda self: self.booking_ids)
    @rule(
        data=st.data(),
        amount=st.sampled_from([RATE_MINOR, RATE_MINOR // 2, TOTAL_MINOR]),
        reverses=st.booleans(),
    )
    def another_installation_pays_out(
        self, data: st.DataObject, amount: int, reverses: bool
    ) -> None:
        """A second deployment on the same Stripe account (its own database, the same
        booking ids) pays the same tutor account with this one's group and key."""
        booking_id = data.draw(st.sampled_from(self.booking_ids))

        async def go() -> None:
            async with self.ctx.uow(read_only=True) as uow:
                account = await uow.payout_accounts.get(
                    self.paid.tutor.guild_id, self.paid.tutor.user_id
                )
            assert account is not None
            with contextlib.suppress(PaymentGatewayError):
                transfer_id = await self.other.transfer(
                    PayoutTransfer(
                        Money(amount, "USD"), account.account_id, f"booking_{booking_id}"
                    ),
                    f"booking-{booking_id}-payout",
                )
                if reverses:
                    await self.other.reverse_transfer(
                        transfer_id,
                        amount // 2,
                        f"booking-{booking_id}-reversal-theirs",
                        f"theirs-{booking_id}",
                    )
            self._collect()

        self.run(go())

    # --- what must always hold ----------------------------------------------------------

    @invariant()
    def money_is_consistent(self) -> None:
        if not hasattr(self, "paid"):
            return
        note("STEP")
        report = self.run(self.paid.ledger())
        assert report.ok, report.summary()
        for booking_id, (payment, _intent, transfer_id) in self.run(self._payments()).items():
            assert payment.refunded <= payment.captured <= max(payment.authorized, 0) or (
                payment.captured == 0
            )
            assert payment.charged_back <= payment.captured
            assert payment.held_on_platform >= 0, f"booking {booking_id}: {payment}"
            assert 0 <= payment.reversed <= payment.released <= RATE_MINOR * 2  # 90 min at most
            ours = self.stripe.our_transfers(booking_id)
            assert len(ours) <= 1, f"booking {booking_id} was paid out twice: {ours}"
            if transfer_id is not None:
                transfer = self.paid.fake.get(transfer_id)
                assert self.stripe.ours(transfer), "another installation's transfer was taken"
                assert transfer["transfer_group"] == f"booking_{booking_id}"
                assert transfer["amount"] == payment.released
                assert payment.reversed <= transfer["amount_reversed"]
            if booking_id in self.disputed and payment.dispute_open:
                assert not ours, f"booking {booking_id} was paid out during a dispute"
        for transfer in self.stripe.all("transfer"):
            reversed_ = sum(r["amount"] for r in self.stripe.reversals(transfer["id"]))
            assert reversed_ == transfer["amount_reversed"] <= transfer["amount"]

    async def _settle_everything(self) -> None:
        """Stripe finishes its refunds; deliver everything, let all work come due (twice),
        then nothing may be frozen and the database must equal Stripe."""
        self.paid.fake.refunds_pending = False
        for refund in self._refunds("pending"):
            await self.paid.fake.succeed_refund(refund["id"])
        for _ in range(2):
            self._collect()
            for event in self.held:
                with contextlib.suppress(webhooks.NotReadyError):
                    await webhooks.handle_event(event, self.ctx)
            self.held = []
            await self.paid.later(timedelta(days=15))
            await self.paid.later(timedelta(minutes=30))  # retries after a backoff
            await self.paid.fake.advance_clock(0)
        failed = await self._money_jobs(ActionState.FAILED)
        assert not failed, f"money work failed for good: {failed}" + "".join(
            [
                f"\n{await self.paid.booking(b)}\n{await self.paid.payment(b)}"
                for _k, b, _d, _o in failed
            ]
        )
        for booking_id, (payment, intent_id, transfer_id) in (await self._payments()).items():
            await self._agrees_with_stripe(booking_id, payment, intent_id, transfer_id)
        report = await self.paid.ledger()
        assert report.ok, report.summary()

    async def _agrees_with_stripe(
        self, booking_id: int, payment: Payment, intent_id: str | None, transfer_id: str | None
    ) -> None:
        if intent_id is None:
            assert payment.captured == 0
            return
        where = f"booking {booking_id}: {payment}"
        intent = self.paid.fake.get(intent_id)
        assert payment.captured == intent["amount_received"], where
        succeeded = sum(r["amount"] for r in self.stripe.refunds(intent_id, "succeeded"))
        assert payment.refunded == succeeded + payment.refunded_elsewhere, where
        disputes = self.stripe.disputes(intent_id)
        assert payment.dispute_open == any(dispute_is_open(d) for d in disputes), where
        decided = [d for d in disputes if not dispute_is_open(d)]  # booked once decided
        assert payment.dispute_fees == sum(dispute_fee(d) for d in decided), where
        lost = sum(dispute_withdrawn(d) for d in disputes if d["status"] == "lost")
        assert payment.charged_back == lost, where
        ours = self.stripe.our_transfers(booking_id)
        assert transfer_id == (ours[0]["id"] if ours else None), where
        if ours:
            assert (payment.released, payment.reversed) == (
                ours[0]["amount"],
                ours[0]["amount_reversed"],
            ), where
        else:
            assert payment.released == 0, where
        async with self.ctx.uow(read_only=True) as uow:
            refund_waits = bool(await uow.refund_failures.open_for_booking(booking_id))
        booking = await self.paid.booking(booking_id)
        if booking.terminal and booking.cancelled_by is None and not refund_waits:
            assert payment.captured - payment.refunded == 0, "declined/expired kept money"
        if booking.terminal or booking.outcome is not None:
            assert intent["status"] != "requires_capture", f"{where}: the card is still held"
        self._tell(booking_id, payment, decided, ours)
        settled = booking.terminal or booking.outcome is not None  # else left to the people
        if settled and not (payment.dispute_open or refund_waits):
            assert payment.held_on_platform == 0, f"{where}: money frozen on the platform"
        if booking_id in self.disputed and any(dispute_is_open(d) for d in disputes):
            assert not ours, f"{where}: paid out during a dispute"

    def _tell(self, booking_id: int, payment: Payment, decided: list[Obj], ours: list[Obj]) -> None:
        """What a run reached, for `--hypothesis-show-statistics`."""
        for dispute in decided:
            paid = "after" if booking_id not in self.disputed else "before"
            note(f"end: a dispute {dispute['status']} {paid} the payout")
        if payment.reversed:
            note("end: a payout reversed")
        if payment.covered > payment.dispute_fees:
            note("end: the platform covered a loss")
        if payment.refunds_failed:
            note("end: a refund failed")
        if payment.refunded_elsewhere:
            note("end: a refund settled elsewhere")
        group = [
            t for t in self.stripe.all("transfer") if t["transfer_group"] == f"booking_{booking_id}"
        ]
        if ours and len(group) > 1:
            note("end: two installations paid the same booking id")


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
