"""`ledger.verify` and `tutorbot ledger verify`: balanced books pass, tampering is named."""

import asyncio
import dataclasses

from marketplace.domain.ledger import Account
from marketplace.services import ledger
from marketplace.services.ledger import LedgerProblem
from tests.storage.payment_rows import (
    add_booking,
    captured_and_paid_out,
    entry,
    new_payment,
)
from tutorbot.cli import main

GUILD = 8001
OTHER_GUILD = 8002


async def _settled_booking(uow, guild_id, now, *, refund: int, tutor: int) -> int:
    """A booking captured in full (2300), then refunded/released/fee'd as its entries say."""
    booking_id = await add_booking(uow, guild_id, now)
    payment = new_payment(booking_id).authorize(2300).capture(2300)
    if refund:
        payment = payment.refund(refund)
    payment = dataclasses.replace(payment, released=tutor, fees=2300 - refund - tutor)
    await uow.payments.add(payment, guild_id, "manual", now)
    for e in captured_and_paid_out(booking_id, 2300, refund, tutor):
        await uow.ledger.record(e, guild_id, now)
    return booking_id


async def _balanced_books(uow_factory, clock) -> list[int]:
    now = clock.now()
    async with uow_factory() as uow:
        ids = [
            await _settled_booking(uow, GUILD, now, refund=0, tutor=2000),
            await _settled_booking(uow, GUILD, now, refund=1150, tutor=1000),
            await _settled_booking(uow, OTHER_GUILD, now, refund=2300, tutor=0),
        ]
        awaiting = await add_booking(uow, OTHER_GUILD, now)  # no money moved yet
        await uow.payments.add(new_payment(awaiting), OTHER_GUILD, "automatic", now)
        await uow.commit()
    return [*ids, awaiting]


async def _extra_release(uow_factory, clock, booking_id: int, amount: int) -> None:
    """Tamper: a release nobody decided on, written straight into the ledger."""
    async with uow_factory() as uow:
        forged = entry(booking_id, Account.HELD, Account.TUTOR, amount, "forged-release")
        assert await uow.ledger.record(forged, GUILD, clock.now())
        await uow.commit()


async def test_balanced_books_verify_ok(service_context, uow_factory, clock):
    await _balanced_books(uow_factory, clock)

    report = await ledger.verify(service_context)

    assert report.ok
    assert report.problems == []
    assert (report.guilds_checked, report.bookings_checked) == (2, 4)
    assert report.summary() == "ledger balanced: 4 bookings in 2 guilds"


async def test_an_empty_database_verifies_ok(service_context):
    report = await ledger.verify(service_context)
    assert report.ok
    assert (report.guilds_checked, report.bookings_checked) == (0, 0)


async def test_an_extra_release_is_reported_with_its_booking_and_amounts(
    service_context, uow_factory, clock
):
    first, *_ = await _balanced_books(uow_factory, clock)
    await _extra_release(uow_factory, clock, first, 500)

    report = await ledger.verify(service_context)

    assert not report.ok
    assert set(report.problems) == {
        LedgerProblem(GUILD, None, "held is negative", 0, -500),
        LedgerProblem(GUILD, first, "held is negative", 0, -500),
        LedgerProblem(GUILD, first, "released", 2000, 2500),
    }
    assert f"guild {GUILD} booking {first}: released: expected 2000, ledger has 2500" in (
        report.summary().splitlines()
    )


async def test_a_payment_row_that_disagrees_with_a_balanced_ledger_is_reported(
    service_context, uow_factory, clock
):
    _, second, *_ = await _balanced_books(uow_factory, clock)
    async with uow_factory() as uow:
        payment = await uow.payments.get(second)
        await uow.payments.save(dataclasses.replace(payment, refunded=1000), clock.now())
        await uow.commit()

    report = await ledger.verify(service_context)

    assert report.problems == [LedgerProblem(GUILD, second, "refunded", 1000, 1150)]


async def test_ledger_entries_without_a_payment_are_reported(service_context, uow_factory, clock):
    async with uow_factory() as uow:
        orphan = await add_booking(uow, GUILD, clock.now())
        capture = entry(orphan, Account.STUDENT, Account.HELD, 700, "orphan-capture")
        await uow.ledger.record(capture, GUILD, clock.now())
        await uow.commit()

    report = await ledger.verify(service_context)

    assert report.problems == [
        LedgerProblem(GUILD, orphan, "ledger entries without a payment", 0, 700)
    ]


async def test_verify_checks_only_the_guild_asked_for(service_context, uow_factory, clock):
    first, *_ = await _balanced_books(uow_factory, clock)
    await _extra_release(uow_factory, clock, first, 500)

    other = await ledger.verify(service_context, OTHER_GUILD)
    broken = await ledger.verify(service_context, GUILD)

    assert other.ok
    assert (other.guilds_checked, other.bookings_checked) == (1, 2)
    assert not broken.ok


# --- the CLI -------------------------------------------------------------------------------


async def _cli(monkeypatch, database_url: str, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", database_url)
    # main() runs its own event loop, so it gets a thread of its own.
    return await asyncio.to_thread(main, ["ledger", "verify", *args])


async def test_the_cli_exits_0_and_prints_one_line_when_balanced(
    monkeypatch, capsys, sqlite_url, uow_factory, clock
):
    await _balanced_books(uow_factory, clock)

    code = await _cli(monkeypatch, sqlite_url)

    assert code == 0
    assert capsys.readouterr().out == "ledger balanced: 4 bookings in 2 guilds\n"


async def test_the_cli_exits_1_and_prints_each_discrepancy_when_tampered(
    monkeypatch, capsys, sqlite_url, uow_factory, clock
):
    first, *_ = await _balanced_books(uow_factory, clock)
    await _extra_release(uow_factory, clock, first, 500)

    code = await _cli(monkeypatch, sqlite_url)

    assert code == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert f"guild {GUILD} booking {first}: released: expected 2000, ledger has 2500" in lines


async def test_the_cli_checks_one_guild_with_the_guild_option(
    monkeypatch, capsys, sqlite_url, uow_factory, clock
):
    first, *_ = await _balanced_books(uow_factory, clock)
    await _extra_release(uow_factory, clock, first, 500)

    code = await _cli(monkeypatch, sqlite_url, "--guild", str(OTHER_GUILD))

    assert code == 0
    assert capsys.readouterr().out == "ledger balanced: 2 bookings in 1 guild\n"
