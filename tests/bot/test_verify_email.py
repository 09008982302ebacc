"""`/verify email` through the emulator, with the code read from a real SMTP server's mail."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot import texts
from demo.campus import Campus, running_campus
from demo.mailbox import running_mailbox
from tests.bot.journeys import ready_tutor
from tests.conftest import FixedClock

ADDRESS = "theo@cs.campus.example.edu"


@pytest.fixture
async def mailed_campus(sqlite_url: str, clock: FixedClock) -> AsyncIterator[Campus]:
    with running_mailbox() as mailbox:
        async with running_campus(sqlite_url, clock=clock, mailbox=mailbox) as running:
            await running.emu.slash(
                running.admin, running.guild, "admin config",
                setting="allowed_email_domains", value="campus.example.edu",
            )  # fmt: skip
            yield running
            assert running.emu.unexpected_errors == []
            running.emu.assert_no_faults()


async def _request_code(c: Campus, address: str = ADDRESS):
    return await c.emu.slash(c.tutor, c.guild, "verify email", address=address)


async def test_a_tutor_verifies_with_the_code_from_the_mail(mailed_campus) -> None:
    c = mailed_campus
    await ready_tutor(c)
    sent = await _request_code(c)
    assert sent.ephemeral
    assert "t•••@cs.campus.example.edu" in sent.text

    form = await c.emu.click(c.tutor, sent.message, label=texts.ENTER_CODE_LABEL)
    assert form.modal is not None
    done = await c.emu.submit_modal(
        c.tutor, form.modal, {"verify:code": c.mailbox.code_for(ADDRESS)}
    )

    assert done.ephemeral
    assert "**cs.campus.example.edu** verified" in done.text
    card = await c.emu.slash(c.student, c.guild, "profile view", user=c.tutor)
    assert texts.VERIFICATION_BADGES["campus-email"] in card.text
    found = await c.emu.slash(c.student, c.guild, "find", subject="calculus")
    assert texts.VERIFICATION_BADGES["campus-email"] in found.text


async def test_a_wrong_code_says_how_many_tries_are_left(mailed_campus) -> None:
    c = mailed_campus
    sent = await _request_code(c)
    right = c.mailbox.code_for(ADDRESS)
    form = await c.emu.click(c.tutor, sent.message, label=texts.ENTER_CODE_LABEL)
    wrong = await c.emu.submit_modal(
        c.tutor, form.modal, {"verify:code": f"{(int(right) + 7) % 10**6:06d}"}
    )
    assert wrong.ephemeral
    assert "4 more tries" in wrong.text
    letters = await c.emu.submit_modal(
        c.tutor, (await c.emu.click(c.tutor, sent.message, label=texts.ENTER_CODE_LABEL)).modal,
        {"verify:code": "abcdef"},
    )  # fmt: skip
    assert "6 digits" in letters.text


async def test_an_address_off_campus_is_refused_and_nothing_is_mailed(mailed_campus) -> None:
    c = mailed_campus
    refused = await _request_code(c, "theo@gmail.com")
    assert refused.text == texts.CONFLICTS["email_domain_not_allowed"]
    assert c.mailbox.messages == []
    malformed = await _request_code(c, "theo at campus")
    assert "doesn't look like an email address" in malformed.text


async def test_asking_again_at_once_says_when_a_new_code_can_come(mailed_campus) -> None:
    c = mailed_campus
    await _request_code(c)
    again = await _request_code(c)
    assert "You can ask for another in 60 s" in again.text
    assert len(c.mailbox.messages) == 1


async def test_without_smtp_the_server_has_not_set_up_email(campus) -> None:
    result = await campus.emu.slash(campus.tutor, campus.guild, "verify email", address=ADDRESS)
    assert result.text == texts.CONFLICTS["email_not_set_up"]
    config = await campus.emu.slash(campus.admin, campus.guild, "admin config")
    assert texts.CONFIG_EMAIL_OFF in config.text
