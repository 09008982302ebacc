"""/healthz, /readyz and /metrics on the web app and on the HEALTH_PORT server."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from demo.mailbox import free_port
from marketplace.health import Readiness
from marketplace.metrics import Metrics
from marketplace.ports import SystemClock
from marketplace.services.context import ServiceContext
from marketplace.settings import load_settings
from marketplace.storage.engine import create_database
from tutorbot.health import database_check, start_health_server
from web.checkout.app import create_app


def _app(uow_factory, **kwargs):
    ctx = ServiceContext(uow=uow_factory, clock=SystemClock())
    return create_app(ctx, webhook_secret="whsec_ops", **kwargs)


async def _get(app, path: str) -> tuple[int, str, str]:
    async with TestClient(TestServer(app)) as client:
        response = await client.get(path)
        return response.status, response.headers.get("Content-Type", ""), await response.text()


def _never_connected():
    async def check() -> str | None:
        return "not connected (waiting for READY)"

    return check


async def test_healthz_says_ok(uow_factory) -> None:
    async with TestClient(TestServer(_app(uow_factory))) as client:
        response = await client.get("/healthz")
        assert response.status == 200
        assert await response.json() == {"status": "ok"}


async def test_readyz_is_200_when_the_database_answers(uow_factory, database) -> None:
    readiness = Readiness()
    readiness.add("database", database_check(database))
    async with TestClient(TestServer(_app(uow_factory, readiness=readiness))) as client:
        response = await client.get("/readyz")
        assert response.status == 200
        assert await response.json() == {"status": "ready", "checks": {"database": "ok"}}


async def test_readyz_is_503_naming_a_database_that_does_not_answer(uow_factory, tmp_path) -> None:
    down = create_database(f"sqlite+aiosqlite:///{tmp_path}/no/such/dir/x.db")
    readiness = Readiness()
    readiness.add("database", database_check(down))
    try:
        async with TestClient(TestServer(_app(uow_factory, readiness=readiness))) as client:
            response = await client.get("/readyz")
            body = await response.json()
    finally:
        await down.dispose()
    assert response.status == 503
    assert body["status"] == "not ready"
    assert body["not_ready"] == ["database"]
    assert body["checks"]["database"].startswith("the database does not answer")
    assert str(tmp_path) not in body["checks"]["database"]  # no connection details


async def test_readyz_is_503_naming_a_gateway_that_is_not_connected(uow_factory, database) -> None:
    readiness = Readiness()
    readiness.add("database", database_check(database))
    readiness.add("gateway", _never_connected())
    async with TestClient(TestServer(_app(uow_factory, readiness=readiness))) as client:
        response = await client.get("/readyz")
        body = await response.json()
    assert response.status == 503
    assert body["not_ready"] == ["gateway"]
    assert body["checks"] == {"database": "ok", "gateway": "not connected (waiting for READY)"}


async def test_a_check_that_hangs_is_not_ready_within_the_timeout() -> None:
    async def hangs() -> str | None:
        await asyncio.sleep(10)
        return None

    readiness = Readiness(timeout_seconds=0.05)
    readiness.add("slow", hangs)
    report = await readiness.report()
    assert not report.ready
    assert report.checks["slow"] == "no answer within 0.05 s"


async def test_metrics_are_not_on_the_public_web_port_by_default(uow_factory) -> None:
    status, _, _ = await _get(_app(uow_factory), "/metrics")
    assert status == 404


async def test_metrics_are_on_the_web_port_when_the_operator_opts_in(uow_factory) -> None:
    metrics = Metrics()
    metrics.webhook("checkout.session.completed", "applied")
    status, kind, text = await _get(
        _app(uow_factory, metrics=metrics, metrics_public=True), "/metrics"
    )
    assert status == 200
    assert kind.startswith("text/plain")
    assert (
        'tutorbot_webhooks_total{event_type="checkout.session.completed",outcome="applied"} 1.0'
        in text
    )


def test_metrics_public_is_off_and_the_health_server_unset_by_default(monkeypatch) -> None:
    for name in ("METRICS_PUBLIC", "HEALTH_PORT", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.metrics_public is False
    assert settings.health_port is None
    assert settings.log_format == "text"


async def test_no_health_server_without_health_port() -> None:
    settings = load_settings(_env_file=None, health_port=None)
    assert await start_health_server(settings, Readiness(), Metrics()) is None


async def test_the_health_server_serves_all_three_routes(database) -> None:
    port = free_port()
    settings = load_settings(_env_file=None, health_host="127.0.0.1", health_port=port)
    readiness, metrics = Readiness(), Metrics()
    readiness.add("database", database_check(database))
    readiness.add("gateway", _never_connected())
    metrics.stripe_error("card_declined", "card")
    runner = await start_health_server(settings, readiness, metrics)
    assert runner is not None
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
            async with http.get("/healthz") as alive:
                assert (alive.status, await alive.json()) == (200, {"status": "ok"})
            async with http.get("/readyz") as ready:
                assert ready.status == 503
                assert (await ready.json())["not_ready"] == ["gateway"]
            async with http.get("/metrics") as scraped:
                text = await scraped.text()
        assert 'tutorbot_stripe_errors_total{code="card_declined",kind="card"} 1.0' in text
    finally:
        await runner.cleanup()


def test_each_metrics_object_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()
    first.interaction("command", "start")
    assert first.registry is not second.registry
    assert (
        first.registry.get_sample_value(
            "tutorbot_interactions_total", {"kind": "command", "name": "start"}
        )
        == 1
    )
    assert (
        second.registry.get_sample_value(
            "tutorbot_interactions_total", {"kind": "command", "name": "start"}
        )
        is None
    )
