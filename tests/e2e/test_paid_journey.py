"""The paid journey end to end, on SQLite and on PostgreSQL.

The real bot on the Discord emulator, the checkout web app on loopback, the job runner,
and the Stripe fake delivering signed webhooks: the same steps `make demo` runs for the
paid server (payout onboarding, checkout, hold, accept, completion, payout after the
dispute window, a referral credited, spent at checkout and withdrawn after a full
chargeback, a late cancellation's partial refund, a moderator's dispute decision, a
tutor no-show, a chargeback lost after the payout and one won with evidence, a weekly
series whose first off-session hold is declined and paid by link, `tutorbot ledger
verify`).
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
        objects = list(stripe.store.objects.values())
        transfers = [o for o in objects if o.get("object") == "transfer"]
        # completed, then the late cancellation (50 %), the 30 % refund decided by a
        # moderator (70 % of the rate), Sam's session paid partly by his referral credit
        # (the tutor's rate in full), and the session whose chargeback was won
        assert sorted(t["amount"] for t in transfers) == [1250, 1750, 2500, 2500, 2500]
        reversals = [o for o in objects if o.get("object") == "transfer_reversal"]
        assert [(r["amount"], r["transfer"]) for r in reversals] == [(2500, transfers[0]["id"])]
        disputes = [o for o in objects if o.get("object") == "dispute"]
        assert sorted(d["status"] for d in disputes) == ["lost", "won"]
        won = next(d for d in disputes if d["status"] == "won")
        assert won["evidence_details"]["submission_count"] == 1
