"""The paid journey end to end, on SQLite and on PostgreSQL.

The real bot on the Discord emulator, the checkout web app on loopback, the job runner,
and the Stripe fake delivering signed webhooks: the same steps `make demo` runs for the
paid server (payout onboarding, checkout, hold, accept, completion, payout after the
dispute window, a late cancellation's partial refund, `tutorbot ledger verify`).
"""

from __future__ import annotations

from demo.campus import running_campus
from demo.clock import DemoClock
from demo.paid_steps import PAID_STEPS
from stripe_fake import running_stripe_fake


async def test_the_paid_journey_end_to_end(database_url: str) -> None:
    clock = DemoClock()
    async with (
        running_stripe_fake(clock=clock.timestamp) as stripe,
        running_campus(database_url, clock=clock, stripe=stripe) as campus,
    ):
        for step in PAID_STEPS:
            await step(campus)
        assert campus.emu.unexpected_errors == []
        # Every Stripe request validated against the stripe library's params types.
        assert stripe.violations == []
        assert stripe.requests
        transfers = [o for o in stripe.store.objects.values() if o.get("object") == "transfer"]
        assert [t["amount"] for t in transfers] == [2500]  # the completed session's rate
