"""Payment storage on SQLite and PostgreSQL: payments, ledger, webhook dedupe, tokens."""

import asyncio
import dataclasses
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.domain.ledger import Account, balance
from marketplace.domain.money import Money, Quote
from marketplace.ports.payments import PayoutAccount
from marketplace.storage.models import LedgerEntryRow, PaymentRow
from tests.storage.payment_rows import (
    add_booking,
    captured_and_paid_out,
    entry,
    new_payment,
)

GUILD = 7001
OTHER_GUILD = 7002


async def _version(uow, booking_id: int) -> int:
    return await uow.session.scalar(
        select(PaymentRow.version).where(PaymentRow.booking_id == booking_id)
    )


# --- payments ----------------------------------------------------------------------------


async def test_a_payment_round_trips_with_its_quote_and_references(uow_factory, clock):
    now = clock.now()
    async with uow_factory() as uow:
        booking_id = await add_booking(uow, GUILD, now)
        payment = new_payment(booking_id, rate_minor=2345).authorize(2697)
        await uow.payments.add(payment, GUILD, "manual", now)
        await uow.payments.set_refs(booking_id, "cs_test_1", None)
        await uow.payments.set_refs(booking_id, None, "pi_test_1")
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        stored = await uow.payments.get(booking_id)
        assert await uow.payments.by_session("cs_test_1") == booking_id
        assert await uow.payments.by_intent("pi_test_1") == booking_id
        assert await uow.payments.by_intent("pi_unknown") is None
        assert await uow.payments.by_session("cs_unknown") is None
        assert await uow.payments.get(booking_id + 1000) is None
        row = await uow.session.get(PaymentRow, booking_id)
        assert (row.capture, row.guild_id, row.version) == ("manual", GUILD, 0)
        assert (row.checkout_session_id, row.payment_intent_id) == ("cs_test_1", "pi_test_1")

    assert stored == payment
    assert stored.price == Quote(Money(2345, "EUR"), Money(352, "EUR"), Money(2697, "EUR"))


async def test_saving_a_payment_stores_its_new_state_and_bumps_the_version(uow_factory, clock):
    now = clock.now()
    async with uow_factory() as uow:
        booking_id = await add_booking(uow, GUILD, now)
        await uow.payments.add(new_payment(booking_id).authorize(2300), GUILD, "manual", now)
        await uow.commit()

    for _ in range(2):
        async with uow_factory() as uow:
            payment = await uow.payments.get(booking_id, for_update=True)
            changed = dataclasses.replace(payment, dispute_open=not payment.dispute_open)
            await uow.payments.save(changed, clock.advance(timedelta(minutes=1)))
            await uow.commit()

    async with uow_factory() as uow:
        payment = await uow.payments.get(booking_id)
        captured = payment.capture(2300).refund(300)
        await uow.payments.save(captured, clock.now())
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        assert await uow.payments.get(booking_id) == captured
        assert await _version(uow, booking_id) == 3
        row = await uow.session.get(PaymentRow, booking_id)
        assert (row.created_at, row.updated_at) == (now, clock.now())


async def test_a_save_over_a_payment_changed_since_it_was_read_is_refused(uow_factory, clock):
    now = clock.now()
    async with uow_factory() as uow:
        booking_id = await add_booking(uow, GUILD, now)
        await uow.payments.add(new_payment(booking_id).authorize(2300), GUILD, "manual", now)
        await uow.commit()

    async with uow_factory(read_only=True) as reader:
        stale = await reader.payments.get(booking_id)
    async with uow_factory() as uow:
        await uow.payments.save(stale.capture(2300), now)
        await uow.commit()

    async with uow_factory() as uow:
        await uow.payments.get(booking_id)
        await uow.session.execute(  # another writer got in between (simulated)
            PaymentRow.__table__.update().values(version=PaymentRow.version + 1)
        )
        with pytest.raises(ConflictError):
            await uow.payments.save(stale.void(), now)


async def test_saving_a_payment_that_was_never_added_is_refused(uow_factory, clock):
    async with uow_factory() as uow:
        with pytest.raises(NotFoundError):
            await uow.payments.save(new_payment(424242), clock.now())


# --- ledger ------------------------------------------------------------------------------


async def test_recording_a_duplicate_ledger_reference_is_a_no_op(uow_factory, clock):
    now = clock.now()
    async with uow_factory() as uow:
        booking_id = await add_booking(uow, GUILD, now)
        capture = entry(booking_id, Account.STUDENT, Account.HELD, 2300, "ch_1")
        assert await uow.ledger.record(capture, GUILD, now) is True
        await uow.commit()

    async with uow_factory() as uow:
        again = entry(booking_id, Account.STUDENT, Account.HELD, 9999, "ch_1")
        assert await uow.ledger.record(again, GUILD, now) is False
        refund = entry(booking_id, Account.HELD, Account.REFUNDED, 300, "re_1")
        assert await uow.ledger.record(refund, GUILD, now) is True  # the transaction lives on
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        assert await uow.ledger.entries(booking_id) == [capture, refund]
        rows = (await uow.session.scalars(select(LedgerEntryRow))).all()
    assert len(rows) == 2


async def test_guild_and_booking_balances_summed_in_sql_equal_the_domain_balance(
    uow_factory, clock
):
    now = clock.now()
    plans = [(GUILD, 2300, 0, 2000), (GUILD, 4600, 2300, 1000), (GUILD, 1150, 1150, 0)]
    plans += [(OTHER_GUILD, 3_000_000_000, 0, 2_500_000_000)]  # beyond 32-bit integers
    by_guild: dict[int, dict[int, list]] = {}
    async with uow_factory() as uow:
        for guild_id, total, refund, tutor in plans:
            booking_id = await add_booking(uow, guild_id, now)
            entries = captured_and_paid_out(booking_id, total, refund, tutor)
            by_guild.setdefault(guild_id, {})[booking_id] = entries
            for e in entries:
                await uow.ledger.record(e, guild_id, now)
        held_back = await add_booking(uow, GUILD, now)  # captured, still held
        capture = entry(held_back, Account.STUDENT, Account.HELD, 999, f"b{held_back}-capture")
        by_guild[GUILD][held_back] = [capture]
        await uow.ledger.record(capture, GUILD, now)
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        for guild_id, bookings in by_guild.items():
            every_entry = [e for entries in bookings.values() for e in entries]
            guild_balance = await uow.ledger.guild_balance(guild_id)
            assert guild_balance == balance(every_entry)
            assert guild_balance.balanced
            assert await uow.ledger.booking_balances(guild_id) == {
                booking_id: balance(entries) for booking_id, entries in bookings.items()
            }
        assert await uow.ledger.guild_ids() == [GUILD, OTHER_GUILD]
        assert await uow.ledger.guild_balance(9999) == balance([])
        assert await uow.ledger.booking_balances(9999) == {}
    assert balance(by_guild[GUILD][held_back]).held == 999


# --- webhook events ----------------------------------------------------------------------


async def test_a_webhook_event_is_handled_the_first_time_only(uow_factory, clock):
    async with uow_factory() as uow:
        assert await uow.webhook_events.first_time("evt_1", "charge.refunded", "ch_1", clock.now())
        await uow.commit()
    async with uow_factory() as uow:
        assert not await uow.webhook_events.first_time(
            "evt_1", "charge.refunded", "ch_1", clock.now()
        )
        assert await uow.webhook_events.first_time("evt_2", "account.updated", None, clock.now())


async def test_a_webhook_event_rolled_back_with_its_change_can_be_handled_again(uow_factory, clock):
    async with uow_factory() as uow:
        assert await uow.webhook_events.first_time("evt_1", "charge.refunded", "ch_1", clock.now())
        # no commit: the handler crashed before its state change was durable
    async with uow_factory() as uow:
        assert await uow.webhook_events.first_time("evt_1", "charge.refunded", "ch_1", clock.now())


async def test_ten_concurrent_deliveries_of_one_webhook_event_handle_it_exactly_once(
    uow_factory, clock
):
    async def deliver() -> bool:
        async with uow_factory() as uow:
            first = await uow.webhook_events.first_time(
                "evt_race", "payment_intent.succeeded", "pi_1", clock.now()
            )
            await asyncio.sleep(0.01)  # the state change, inside the same transaction
            await uow.commit()
            return first

    results = await asyncio.wait_for(
        asyncio.gather(*(deliver() for _ in range(10)), return_exceptions=True), timeout=30
    )

    assert [r for r in results if isinstance(r, BaseException)] == []
    assert sorted(results) == [False] * 9 + [True]


# --- checkout tokens ---------------------------------------------------------------------


async def test_checkout_tokens_are_long_url_safe_and_unique(uow_factory, clock):
    now = clock.now()
    async with uow_factory() as uow:
        booking_id = await add_booking(uow, GUILD, now)
        tokens = [
            await uow.checkout_tokens.issue(booking_id, now + timedelta(minutes=30), now)
            for _ in range(50)
        ]
        await uow.commit()
    assert len(set(tokens)) == 50
    assert all(len(token) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", token) for token in tokens)


async def test_a_checkout_token_resolves_to_its_booking_until_it_expires(uow_factory, clock):
    now = clock.now()
    async with uow_factory() as uow:
        first = await add_booking(uow, GUILD, now)
        second = await add_booking(uow, GUILD, now, student_id=3)
        token = await uow.checkout_tokens.issue(first, now + timedelta(minutes=30), now)
        other = await uow.checkout_tokens.issue(second, now + timedelta(minutes=30), now)
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        assert await uow.checkout_tokens.resolve(token, now) == first
        assert await uow.checkout_tokens.resolve(other, now) == second
        almost = now + timedelta(minutes=30) - timedelta(microseconds=1)
        assert await uow.checkout_tokens.resolve(token, almost) == first
        assert await uow.checkout_tokens.resolve(token, now + timedelta(minutes=30)) is None
        assert await uow.checkout_tokens.resolve(token, now + timedelta(days=1)) is None


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("A" * 43, id="unknown"),
        pytest.param("", id="empty"),
        pytest.param("A" * 129, id="oversized"),
        pytest.param("x" * 1_000_000, id="huge"),
        pytest.param("abc/def+ghi=", id="not-url-safe"),
        pytest.param("' OR 1=1 --", id="sql-ish"),
        pytest.param("abc\x00def", id="nul"),
    ],
)
async def test_an_unknown_or_malformed_checkout_token_resolves_to_nothing(
    uow_factory, clock, token
):
    async with uow_factory(read_only=True) as uow:
        assert await uow.checkout_tokens.resolve(token, clock.now()) is None


# --- payout accounts ---------------------------------------------------------------------


async def test_a_payout_account_is_stored_then_updated_in_place(uow_factory, clock):
    async with uow_factory() as uow:
        assert await uow.payout_accounts.get(GUILD, 2) is None
        await uow.payout_accounts.save(GUILD, 2, PayoutAccount("acct_1", False), clock.now())
        await uow.commit()
    async with uow_factory() as uow:
        ready = PayoutAccount("acct_1", True, transfers_active=True)
        await uow.payout_accounts.save(GUILD, 2, ready, clock.now())
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        assert await uow.payout_accounts.get(GUILD, 2) == ready
        assert await uow.payout_accounts.get(OTHER_GUILD, 2) is None
        assert await uow.payout_accounts.by_account("acct_1") == (GUILD, 2)
        assert await uow.payout_accounts.by_account("acct_other") is None


def _ready(account_id: str) -> PayoutAccount:
    return PayoutAccount(account_id, True, transfers_active=True)


async def test_enabled_among_names_only_this_guilds_tutors_with_payouts_on(uow_factory, clock):
    now = clock.now()
    async with uow_factory() as uow:
        await uow.payout_accounts.save(GUILD, 2, _ready("acct_on"), now)
        await uow.payout_accounts.save(GUILD, 3, PayoutAccount("acct_off", False), now)
        # Payouts on, but Stripe paused the transfers capability: no transfer can go.
        paused = PayoutAccount("acct_paused", True, transfers_active=False)
        await uow.payout_accounts.save(GUILD, 5, paused, now)
        await uow.payout_accounts.save(OTHER_GUILD, 4, _ready("acct_else"), now)
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        assert await uow.payout_accounts.enabled_among(GUILD, [2, 3, 4, 5]) == {2}
        assert await uow.payout_accounts.enabled_among(OTHER_GUILD, [2, 4]) == {4}
        assert await uow.payout_accounts.enabled_among(GUILD, []) == set()
