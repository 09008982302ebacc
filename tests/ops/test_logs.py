"""LOG_FORMAT=json: one object per line with the ids of the work at hand, and no secrets."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from pydantic import SecretStr

from marketplace.domain.scheduled import ActionState
from marketplace.jobs import HandlerResult
from marketplace.jobs.runner import JobRunner
from marketplace.logs import REDACTED, configure_logging, log_context, settings_secrets
from marketplace.settings import load_settings
from marketplace.storage.scheduled_actions import SqlActionQueue
from tests.jobs.helpers import GUILD, action, schedule

log = logging.getLogger("tests.ops")


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Root records as JSON lines into a buffer, at DEBUG, for the test's length."""
    root = logging.getLogger()
    level = root.level
    stream = io.StringIO()
    handler = configure_logging(
        "DEBUG", "json", secrets=["sk_test_ops_secret_key", "emulated-bot-token"], stream=stream
    )
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_line_is_one_object_with_time_level_logger_message_and_ids(json_logs) -> None:
    with log_context(guild_id=700, user_id=42):
        log.info("booked %s", "calculus", extra={"booking_id": 9})
    (line,) = [entry for entry in lines(json_logs) if entry["logger"] == "tests.ops"]
    assert line["level"] == "INFO"
    assert line["message"] == "booked calculus"
    assert (line["guild_id"], line["user_id"], line["booking_id"]) == (700, 42, 9)
    assert line["time"].endswith("+00:00")
    assert "job_id" not in line


def test_an_exception_is_a_field_of_the_same_line(json_logs) -> None:
    try:
        raise ValueError("bad slot")
    except ValueError:
        log.exception("could not book")
    (line,) = [entry for entry in lines(json_logs) if entry["logger"] == "tests.ops"]
    assert line["message"] == "could not book"
    assert "ValueError: bad slot" in line["exception"]
    assert line["exception"].startswith("Traceback")


def test_the_context_ends_with_its_block(json_logs) -> None:
    with log_context(job_id=5):
        log.info("inside")
    log.info("outside")
    inside, outside = [entry for entry in lines(json_logs) if entry["logger"] == "tests.ops"]
    assert inside["job_id"] == 5
    assert "job_id" not in outside


def test_secrets_and_discord_tokens_are_redacted(json_logs) -> None:
    log.warning("stripe said no to sk_test_ops_secret_key")
    log.debug("POST https://discord.com/api/v10/interactions/123/aW50ZXJhY3Rpb24.abc/callback")
    log.debug("event: {'t': 'INTERACTION_CREATE', 'd': {'token': 'aW50ZXJhY3Rpb24.secret'}}")
    log.debug("PATCH /api/v10/webhooks/55/aW50ZXJhY3Rpb24.xyz/messages/@original")
    text = json_logs.getvalue()
    assert "sk_test_ops_secret_key" not in text
    assert "aW50ZXJhY3Rpb24" not in text
    assert text.count(REDACTED) == 4


def test_every_secret_setting_is_known_to_the_redactor() -> None:
    settings = load_settings(
        _env_file=None,
        discord_token=SecretStr("discord-token-value"),
        stripe_secret_key=SecretStr("sk_test_value"),
        stripe_webhook_secret=SecretStr("whsec_value"),
        smtp_password=SecretStr("smtp-password"),
        tutorbot_data_keys=SecretStr("key-one-aaaa,key-two-bbbb"),
    )
    found = set(settings_secrets(settings))
    assert {"discord-token-value", "sk_test_value", "whsec_value", "smtp-password"} <= found
    assert {"key-one-aaaa", "key-two-bbbb"} <= found


def test_text_lines_carry_the_ids_too() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("tests.ops.text")
    logger.propagate = False
    handler = configure_logging(
        "INFO", "text", secrets=["hunter2-secret"], stream=stream, root=logger
    )
    try:
        with log_context(booking_id=3):
            logger.info("refunded hunter2-secret")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert stream.getvalue().rstrip().endswith(f"refunded {REDACTED} [booking_id=3]")


async def test_a_job_handler_logs_with_the_job_booking_guild_and_user(database, clock, json_logs):
    queue = SqlActionQueue(database, clock=clock)
    await schedule(database, action("logged", clock.now() - timedelta(seconds=1), booking_id=None))

    async def notify(_claimed):
        logging.getLogger("tests.ops.job").info("reminding")
        return HandlerResult(ActionState.DONE, "sent")

    kind = action("x", clock.now()).kind
    await JobRunner(queue, {kind: notify}, clock).sweep()
    (line,) = [entry for entry in lines(json_logs) if entry["logger"] == "tests.ops.job"]
    assert line["guild_id"] == GUILD
    assert line["user_id"] == 7
    assert isinstance(line["job_id"], int)


async def test_a_bot_session_logs_json_with_ids_and_no_token(campus, json_logs) -> None:
    await campus.emu.slash(campus.student, campus.guild, "review", booking="999999")
    entries = lines(json_logs)
    refused = [entry for entry in entries if entry["message"].startswith("refused /review")]
    assert refused
    assert refused[0]["guild_id"] == campus.guild.id
    assert refused[0]["user_id"] == campus.student.id
    text = json_logs.getvalue()
    assert "emulated-bot-token" not in text
    assert REDACTED in text  # discord.py logged the tokens at DEBUG: they were blotted out
    assert "aW50ZXJhY3Rpb24" not in text  # the emulator's interaction tokens


async def test_a_button_logs_with_the_guild_and_the_user_on_every_line(campus, json_logs) -> None:
    from demo.journey import dm
    from tests.bot.journeys import confirmed_session

    await confirmed_session(campus)
    request = await dm(campus, campus.tutor, "New session request")
    json_logs.truncate(0)
    json_logs.seek(0)
    await campus.emu.click(campus.tutor, request, label="Accept")  # a second, late click
    # the bot logs the answer's HTTP status once Discord's reply reaches it, which can be
    # a moment after the emulator took the answer
    await campus.emu.wait_for(lambda: "/callback has returned" in json_logs.getvalue(), 5)
    entries = lines(json_logs)
    assert [e for e in entries if e["message"].startswith("refused")]
    # the HTTP lines of the answer come from the button's own task: they carry the user
    # who pressed it (a DM button has no guild)
    answered = [e for e in entries if "/callback has returned" in e["message"]]
    assert answered, [e["message"] for e in entries]
    assert {e.get("user_id") for e in answered} == {campus.tutor.id}
