"""`webhook_ms`: signed Stripe webhooks through the real web app, first time and again.

N paid bookings are paid at the in-repo Stripe fake with its deliveries held; then every
event is POSTed, signed, to `/stripe/webhook` of the checkout web app on loopback (the
path Stripe takes: signature check, dedupe, re-read from Stripe, reconcile, commit), one
at a time and then all again (duplicates). Stripe wants an answer within seconds and
retries otherwise, so the tail matters. `ledger_ok` re-checks the books afterwards.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import timedelta

import aiohttp
from aiohttp import web

from bench import world
from bench.common import Emit, Scale, log, scratch_database, summary_ms
from marketplace.payments import StripeGateway
from marketplace.ports import PayoutAccount, SystemClock
from marketplace.services import bookings, checkout
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext
from marketplace.services.ledger import verify
from marketplace.storage.engine import create_database
from marketplace.storage.unit_of_work import UnitOfWorkFactory
from stripe_fake import TEST_API_KEY, running_stripe_fake
from stripe_fake.signing import signature_header
from tests.data_keys import TEST_DATA_KEYS
from web.checkout.app import create_app

SECRET = "whsec_bench"  # noqa: S105 - signs the benchmark's own deliveries
BOOKINGS = {"quick": 40, "full": 200}


async def _post_all(
    http: aiohttp.ClientSession, url: str, bodies: list[bytes]
) -> tuple[list[float], Counter[int]]:
    latencies, statuses = [], Counter[int]()
    for body in bodies:
        headers = {"Stripe-Signature": signature_header(body, SECRET)}
        began = time.perf_counter()
        async with http.post(url, data=body, headers=headers) as response:
            await response.read()
            statuses[response.status] += 1
        latencies.append(time.perf_counter() - began)
    return latencies, statuses


async def run(scale: Scale, out: Emit) -> None:
    """Measure on SQLite (the embedded default)."""
    count = BOOKINGS.get(scale.name, BOOKINGS["quick"])
    async with scratch_database("sqlite", "webhook") as url, running_stripe_fake() as fake:
        database = create_database(url, keys=TEST_DATA_KEYS)
        gateway = StripeGateway(
            TEST_API_KEY, fake.base_url, max_network_retries=0, installation="bench"
        )
        ctx = ServiceContext(uow=UnitOfWorkFactory(database), clock=SystemClock(), gateway=gateway)
        runner = web.AppRunner(create_app(ctx, webhook_secret=SECRET), access_log=None)
        try:
            found = await world.build(ctx, tutors=1, students=1, instant=False)  # distinct times
            async with ctx.uow() as uow:
                for tutor in found.tutors:
                    account = PayoutAccount(
                        f"acct_bench{tutor.user_id}", payouts_enabled=True, transfers_active=True
                    )
                    await uow.payout_accounts.save(
                        tutor.guild_id, tutor.user_id, account, ctx.clock.now()
                    )
                await uow.commit()
            fake.hold_events()
            student = found.students[0]
            for tutor, start in world.distinct_slots(found.tutors, count):
                booking = await bookings.book(world.book_cmd(student, tutor, start), ctx)
                link = await checkout.link_for(
                    checkout.CheckoutLink(student, booking.booking_id), ctx
                )
                await checkout.start_checkout(link.rsplit("/", 1)[1], ctx)
                async with ctx.uow(read_only=True) as uow:
                    session_id, _ = await uow.payments.refs(booking.booking_id)
                await fake.pay(str(session_id))
            bodies = [_body(event) for event in fake.held_events]
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = runner.addresses[0][1]
            endpoint = f"http://127.0.0.1:{port}/stripe/webhook"
            log.info("webhook_ms: %d events for %d paid bookings", len(bodies), count)
            async with aiohttp.ClientSession() as http:
                first, first_status = await _post_all(http, endpoint, bodies)
                again, again_status = await _post_all(http, endpoint, bodies)
            report = await verify(ctx)
            requested = sum(1 for b in await _states(ctx, student) if b == "requested")
            for mode, samples, statuses in (
                ("first", first, first_status),
                ("duplicate", again, again_status),
            ):
                out(
                    {
                        "metric": "webhook_ms", "backend": "sqlite", "scale": scale.name,
                        "mode": mode, "events": len(samples), "bookings": count,
                        **summary_ms(samples, 50, 95, 99),
                        "per_second": round(len(samples) / sum(samples), 1),
                        "statuses": {str(k): v for k, v in sorted(statuses.items())},
                        "bookings_sent_to_tutor": requested, "ledger_ok": report.ok,
                    }
                )  # fmt: skip
        finally:
            await runner.cleanup()
            await gateway.close()
            await database.dispose()


def _body(event: dict[str, object]) -> bytes:
    return json.dumps(event, separators=(",", ":")).encode()


async def _states(ctx: ServiceContext, student: Actor) -> list[str]:
    async with ctx.uow(read_only=True) as uow:
        rows = await uow.bookings.for_user(
            student.guild_id, student.user_id, upcoming=True,
            now=ctx.clock.now() - timedelta(days=1), limit=10_000,
        )  # fmt: skip
    return [b.state.value for b in rows]
