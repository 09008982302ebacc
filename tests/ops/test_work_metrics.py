"""/metrics after real work: a Stripe webhook through the web app, a job through the runner."""

from __future__ import annotations

import json
from datetime import timedelta

from aiohttp.test_utils import TestClient, TestServer

from marketplace.domain.scheduled import ActionState
from marketplace.jobs import HandlerResult
from marketplace.jobs.runner import JobRunner
from marketplace.metrics import Metrics
from marketplace.services.context import ServiceContext
from marketplace.storage.scheduled_actions import SqlActionQueue
from stripe_fake import signature_header
from tests.jobs.helpers import action, schedule
from tutorbot.health import watch_job_queue
from web.checkout.app import create_app

SECRET = "whsec_ops_suite"


def _event(event_type: str = "checkout.session.completed") -> bytes:
    session = {
        "id": "cs_test_unknown",
        "object": "checkout.session",
        "status": "complete",
        "payment_intent": None,
        "metadata": {"booking_id": "999999", "guild_id": "700"},
    }
    body = {"id": "evt_ops_1", "object": "event", "type": event_type, "created": 1_796_000_000}
    return json.dumps({**body, "data": {"object": session}}).encode()


async def test_webhook_outcomes_are_counted_by_event_type_and_outcome(uow_factory, clock):
    metrics = Metrics()
    ctx = ServiceContext(uow=uow_factory, clock=clock)
    app = create_app(ctx, webhook_secret=SECRET, metrics=metrics, metrics_public=True)
    body = _event()
    async with TestClient(TestServer(app)) as client:
        signed = {"Stripe-Signature": signature_header(body, SECRET)}
        first = await client.post("/stripe/webhook", data=body, headers=signed)
        outcome = (await first.json())["status"]
        forged = await client.post("/stripe/webhook", data=body, headers={"Stripe-Signature": "x"})
        scraped = await (await client.get("/metrics")).text()
    assert forged.status == 400
    assert (
        f'tutorbot_webhooks_total{{event_type="checkout.session.completed",outcome="{outcome}"}}'
        " 1.0" in scraped
    )
    assert 'tutorbot_webhooks_total{event_type="unverified",outcome="rejected"} 1.0' in scraped


async def test_a_job_is_counted_and_the_queue_gauges_follow_the_table(database, clock):
    metrics = Metrics()
    queue = SqlActionQueue(database, clock=clock)
    watch_job_queue(metrics, queue, clock)
    now = clock.now()
    await schedule(
        database,
        action("waited", now - timedelta(minutes=5)),
        action("due", now - timedelta(seconds=30)),
        action("later", now + timedelta(hours=1)),
    )
    await metrics.refresh()
    assert metrics.registry.get_sample_value("tutorbot_jobs_due") == 2
    assert metrics.registry.get_sample_value("tutorbot_jobs_oldest_due_age_seconds") == 300

    async def notify(claimed):
        if claimed.payload.get("fail"):
            raise RuntimeError("boom")
        return HandlerResult(ActionState.DONE, "sent")

    kind = action("x", now).kind
    runner = JobRunner(queue, {kind: notify}, clock, metrics=metrics)
    assert await runner.sweep() == 2
    text = (await metrics.render()).decode()
    assert f'tutorbot_jobs_total{{kind="{kind.value}",outcome="done"}} 2.0' in text
    assert f'tutorbot_job_seconds_count{{kind="{kind.value}"}} 2.0' in text
    assert "tutorbot_jobs_due 0.0" in text
    assert "tutorbot_jobs_oldest_due_age_seconds 0.0" in text


async def test_a_failing_job_is_counted_as_a_retry(database, clock):
    metrics = Metrics()
    queue = SqlActionQueue(database, clock=clock)
    await schedule(database, action("fails", clock.now()))

    async def broken(_claimed):
        raise RuntimeError("boom")

    kind = action("x", clock.now()).kind
    await JobRunner(queue, {kind: broken}, clock, metrics=metrics).sweep()
    assert (
        metrics.registry.get_sample_value(
            "tutorbot_jobs_total", {"kind": kind.value, "outcome": "retry"}
        )
        == 1
    )
