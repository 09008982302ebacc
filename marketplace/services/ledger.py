"""`tutorbot ledger verify`: check the ledger invariant and the payments against it.

For every guild and every booking with money on the books:

- the ledger balances: captured + covered + credited = refunded + released + fees +
  charged back + dispute fees + held, and no part is negative (`marketplace.domain.ledger`);
- the ledger's captured, refunded, released (net of payouts reversed), fees, charged
  back, dispute fees, covered and credited (referral credit paid in) equal the payment
  row's.

A problem's `expected` is what should be there (the payment row's amount, or 0 for a
negative account) and `actual` is what the ledger says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marketplace.domain.ledger import Balance
from marketplace.domain.payment import Payment
from marketplace.ports import UnitOfWork
from marketplace.services.context import ServiceContext

EMPTY = Balance(captured=0, refunded=0, released=0, fees=0, held=0)


@dataclass(frozen=True, slots=True)
class LedgerProblem:
    """One discrepancy; `booking_id` is None for a guild-wide one."""

    guild_id: int
    booking_id: int | None
    what: str
    expected: int
    actual: int

    def __str__(self) -> str:
        where = f"guild {self.guild_id}"
        if self.booking_id is not None:
            where += f" booking {self.booking_id}"
        return f"{where}: {self.what}: expected {self.expected}, ledger has {self.actual}"


@dataclass(frozen=True, slots=True)
class LedgerReport:
    """What `verify` checked, and every discrepancy it found."""

    guilds_checked: int
    bookings_checked: int
    problems: list[LedgerProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the ledger balances and agrees with every payment."""
        return not self.problems

    def summary(self) -> str:
        """One line when balanced; otherwise one line per discrepancy."""
        if self.ok:
            return (
                f"ledger balanced: {self.bookings_checked} bookings in "
                f"{self.guilds_checked} guild{'' if self.guilds_checked == 1 else 's'}"
            )
        return "\n".join(str(problem) for problem in self.problems)


def balance_problems(guild_id: int, booking_id: int | None, b: Balance) -> list[LedgerProblem]:
    """The ways `b` breaks the invariant (see the module docstring)."""
    found = [
        LedgerProblem(guild_id, booking_id, f"{name} is negative", 0, amount)
        for name, amount in b.parts.items()
        if amount < 0
    ]
    parts = sum(b.parts.values())
    if b.came_in != parts:
        what = "captured + covered + credited != " + " + ".join(b.parts)
        found.append(LedgerProblem(guild_id, booking_id, what, b.came_in, parts))
    return found


def payment_problems(
    guild_id: int, booking_id: int, payment: Payment | None, b: Balance
) -> list[LedgerProblem]:
    """Where the ledger's totals differ from the payment row's (all zero without one)."""
    if payment is None:
        return [
            LedgerProblem(guild_id, booking_id, "ledger entries without a payment", 0, b.captured)
        ]
    pairs = (
        ("captured", payment.captured, b.captured),
        ("refunded", payment.refunded, b.refunded),
        ("released", payment.released - payment.reversed, b.released),
        ("fees", payment.fees, b.fees),
        ("charged back", payment.charged_back, b.charged_back),
        ("dispute fees", payment.dispute_fees, b.dispute_fees),
        ("covered", payment.covered, b.covered),
        ("credited", payment.credited, b.credited),
    )
    return [
        LedgerProblem(guild_id, booking_id, what, expected, actual)
        for what, expected, actual in pairs
        if expected != actual
    ]


async def _verify_guild(uow: UnitOfWork, guild_id: int) -> tuple[int, list[LedgerProblem]]:
    balances = await uow.ledger.booking_balances(guild_id)
    payments = await uow.payments.in_guild(guild_id)
    problems = balance_problems(guild_id, None, await uow.ledger.guild_balance(guild_id))
    booking_ids = sorted(balances.keys() | payments.keys())
    for booking_id in booking_ids:
        b = balances.get(booking_id, EMPTY)
        problems += balance_problems(guild_id, booking_id, b)
        problems += payment_problems(guild_id, booking_id, payments.get(booking_id), b)
    return len(booking_ids), problems


async def verify(ctx: ServiceContext, guild_id: int | None = None) -> LedgerReport:
    """Check one guild, or every guild with payments or ledger entries, in one read."""
    async with ctx.uow(read_only=True) as uow:
        if guild_id is None:
            guild_ids = sorted(
                set(await uow.ledger.guild_ids()) | set(await uow.payments.guild_ids())
            )
        else:
            guild_ids = [guild_id]
        bookings = 0
        problems: list[LedgerProblem] = []
        for gid in guild_ids:
            checked, found = await _verify_guild(uow, gid)
            bookings += checked
            problems += found
    return LedgerReport(len(guild_ids), bookings, problems)
