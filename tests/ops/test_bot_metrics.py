"""The bot's metrics and readiness, after real interactions through the Discord emulator."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.telemetry import BotTelemetry, custom_id_kind, gateway_check
from marketplace.metrics import Metrics


def sample(metrics: Metrics, metric: str, /, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(metric, labels)


async def test_a_command_and_a_button_are_counted_and_their_acknowledgement_timed(campus) -> None:
    metrics = campus.runtime.metrics
    menu = await campus.emu.slash(campus.student, campus.guild, "start")
    await campus.emu.click(campus.student, menu.message, custom_id="start:save")

    text = (await metrics.render()).decode()
    assert sample(metrics, "tutorbot_interactions_total", kind="command", name="start") == 1
    assert sample(metrics, "tutorbot_interactions_total", kind="button", name="start:save") == 1
    acknowledged = sample(metrics, "tutorbot_interaction_ack_seconds_count")
    assert acknowledged is not None
    assert acknowledged >= 2
    # Both answers came well inside Discord's 3 s (the emulator would have refused them).
    assert sample(metrics, "tutorbot_interaction_ack_seconds_bucket", le="3.0") == acknowledged
    assert 'tutorbot_gateway_latency_seconds{shard="0"}' in text
    assert "tutorbot_jobs_due 0.0" in text
    assert "tutorbot_jobs_oldest_due_age_seconds 0.0" in text


async def test_a_refused_command_is_counted_by_name_not_by_id(campus) -> None:
    metrics = campus.runtime.metrics
    await campus.emu.slash(campus.student, campus.guild, "review", booking="999999")
    errors = [
        sample.labels
        for family in metrics.registry.collect()
        if family.name == "tutorbot_interaction_errors"
        for sample in family.samples
        if sample.name == "tutorbot_interaction_errors_total"
    ]
    assert errors == [{"kind": "command", "name": "review", "error": "refused"}]


async def test_the_running_bot_is_ready_and_a_closed_one_is_not(campus) -> None:
    await asyncio.wait_for(campus.bot.wait_until_ready(), timeout=10)
    report = await campus.runtime.readiness.report()
    assert report.checks == {"database": "ok", "gateway": "ok"}
    await campus.bot.close()
    report = await campus.runtime.readiness.report()
    assert report.not_ready == ["gateway"]
    assert report.checks["gateway"] == "the client is closed"
    assert await gateway_check(campus.bot)() == "the client is closed"


def test_component_kinds_drop_every_id() -> None:
    assert custom_id_kind("booking:accept:700:12") == "booking:accept"
    assert custom_id_kind("notes:older:700:12:3") == "notes:older"
    assert custom_id_kind("start:save") == "start:save"
    assert custom_id_kind("find:page:2") == "find:page"
    assert custom_id_kind("9f8e7d6c5b4a39281706f5e4d3c2b1a0") == "view"  # discord.py's own ids


async def test_discord_http_errors_are_counted_by_status_and_code_and_the_body_still_reads():
    async def closed_dms(_request: web.Request) -> web.Response:
        body = {"message": "Cannot send messages to this user", "code": 50007}
        return web.json_response(body, status=403)

    app = web.Application()
    app.router.add_post("/api/v10/channels/1/messages", closed_dms)
    metrics = Metrics()
    telemetry = BotTelemetry(metrics)
    async with TestServer(app) as server:
        trace = telemetry.trace_config()
        async with (
            aiohttp.ClientSession(trace_configs=[trace]) as http,
            http.post(server.make_url("/api/v10/channels/1/messages")) as response,
        ):
            assert (await response.json())["code"] == 50007  # discord.py reads it after us
    assert sample(metrics, "tutorbot_discord_http_errors_total", status="403", code="50007") == 1


def test_only_the_first_response_to_an_interaction_is_timed() -> None:
    metrics = Metrics()
    telemetry = BotTelemetry(metrics)
    created_ms = 1_800_000_000_000
    snowflake = (created_ms - 1_420_070_400_000) << 22
    telemetry.acknowledging(snowflake, now=created_ms / 1000 + 0.04)
    telemetry.acknowledging(snowflake, now=created_ms / 1000 + 2.5)  # a retried callback
    assert sample(metrics, "tutorbot_interaction_ack_seconds_count") == 1
    assert sample(metrics, "tutorbot_interaction_ack_seconds_bucket", le="0.05") == 1
