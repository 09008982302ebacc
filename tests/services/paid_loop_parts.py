"""Parts of the paid-loop state machine (`test_ledger_stateful`): crashes, outages, Stripe.

- `CrashingFactory`: units of work that die instead of committing, from some point on;
- `unreachable_gateway`: a `StripeGateway` pointed at a port nobody listens on, so every
  call fails as a real network error does (`PaymentGatewayError`, kind ``network``,
  retryable);
- `runner_for`: a job runner over the same queue with other services (a process whose
  Stripe is down, or one that dies after moving money);
- `StripeView`: what the Stripe fake holds, read straight from its store, split by
  installation where that matters (transfers carry their installation in metadata).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marketplace.jobs import JobRunner
from marketplace.payments import StripeGateway
from marketplace.services.context import ServiceContext
from marketplace.services.job_handlers import Handlers
from marketplace.storage.engine import Database
from marketplace.storage.scheduled_actions import SqlActionQueue
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from stripe_fake import TEST_API_KEY, StripeFake
from tests.conftest import FixedClock
from tests.services.marketplace_world import RecordingNotifier

Obj = dict[str, Any]


class SimulatedCrashError(Exception):
    """The process died here."""


class _CrashOnCommit:
    """A unit of work that dies instead of committing when `crash()` says so."""

    def __init__(self, inner: Any, crash: Callable[[], bool]) -> None:
        self._inner = inner
        self._crash = crash

    async def __aenter__(self) -> Any:
        work = await self._inner.__aenter__()
        commit = work.commit

        async def maybe_crash() -> None:
            if self._crash():
                raise SimulatedCrashError
            await commit()

        work.commit = maybe_crash
        return work

    async def __aexit__(self, *exc: object) -> None:
        await self._inner.__aexit__(*exc)


class CrashingFactory:
    """Units of work whose commit dies (everything rolls back) once `crash()` is true.

    Read-only units of work are untouched. By default every commit dies.
    """

    def __init__(self, inner: UnitOfWorkFactory, crash: Callable[[], bool] = lambda: True):
        self._inner = inner
        self._crash = crash

    def __call__(self, *, read_only: bool = False) -> Any:
        work = self._inner(read_only=read_only)
        return work if read_only else _CrashOnCommit(work, self._crash)


def closed_port() -> int:
    """A local TCP port nobody listens on (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unreachable_gateway(installation: str) -> StripeGateway:
    """This installation's gateway while Stripe cannot be reached (call `close`)."""
    return StripeGateway(
        TEST_API_KEY,
        f"http://127.0.0.1:{closed_port()}",
        max_network_retries=0,
        installation=installation,
    )


def runner_for(
    database: Database, ctx: ServiceContext, clock: FixedClock, notifier: RecordingNotifier
) -> JobRunner:
    """A job runner on the shared queue whose handlers use `ctx` (another process)."""
    return JobRunner(
        SqlActionQueue(database, clock=clock), Handlers(ctx, notifier).by_kind(), clock
    )


@dataclass(frozen=True)
class StripeView:
    """What the fake holds, for the installation whose key prefix is `installation`."""

    fake: StripeFake
    installation: str

    def all(self, kind: str) -> list[Obj]:
        """Every object of `kind`, oldest first."""
        return self.fake.store.all(kind)

    def ours(self, transfer: Obj) -> bool:
        """Whether this installation made the transfer (or reversal)."""
        return (transfer.get("metadata") or {}).get("installation") == self.installation

    def our_transfers(self, booking_id: int | None = None) -> list[Obj]:
        """This installation's transfers, of one booking's transfer group if given."""
        return [
            t
            for t in self.all("transfer")
            if self.ours(t)
            and (booking_id is None or t["transfer_group"] == f"booking_{booking_id}")
        ]

    def moves(self) -> int:
        """How many transfers and transfer reversals Stripe has made (anyone's)."""
        return len(self.all("transfer")) + len(self.all("transfer_reversal"))

    def refunds(self, intent_id: str, *statuses: str) -> list[Obj]:
        """The payment's refunds, in any of `statuses` (all if none given)."""
        return [
            r
            for r in self.all("refund")
            if r["payment_intent"] == intent_id and (not statuses or r["status"] in statuses)
        ]

    def disputes(self, intent_id: str | None = None) -> list[Obj]:
        """Every dispute, or those of one payment."""
        return [d for d in self.all("dispute") if intent_id in (None, d["payment_intent"])]

    def reversals(self, transfer_id: str) -> list[Obj]:
        """The transfer's reversals."""
        return [r for r in self.all("transfer_reversal") if r["transfer"] == transfer_id]


def dispute_is_open(dispute: Obj) -> bool:
    """The bank has not decided yet."""
    return dispute["status"] not in ("won", "lost")


def dispute_withdrawn(dispute: Obj) -> int:
    """What the dispute took from the balance, net of a reinstatement (fees aside)."""
    return -sum(int(move["amount"]) for move in dispute["balance_transactions"])


def dispute_fee(dispute: Obj) -> int:
    """Stripe's fee for the dispute."""
    return sum(int(move["fee"]) for move in dispute["balance_transactions"])
