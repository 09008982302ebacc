"""Campus-email codes through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from demo.mailbox import CODE, Mailbox, running_mailbox
from marketplace.domain.errors import ConflictError, InputError, NotFoundError, TooSoonError
from marketplace.domain.policy import with_setting
from marketplace.domain.profiles import VerificationLevel
from marketplace.mail import SmtpMailer
from marketplace.services import email_verification as ev
from marketplace.services import verification
from marketplace.services.actor import Actor
from marketplace.settings import load_settings
from marketplace.storage.models import AuditLogRow, EmailCodeRow
from tests.services.marketplace_world import GUILD, GUILD_NAME, TUTOR_ID, build_world

ADDRESS = "Ada.Lovelace@cs.uni.edu"
MOD_ROLE = 555
MODERATOR = Actor(GUILD, GUILD_NAME, 50, role_ids=frozenset({MOD_ROLE}))


@pytest.fixture
def mailbox():
    with running_mailbox() as box:
        yield box


def _mailer(mailbox: Mailbox, **changes: object) -> SmtpMailer:
    options = {
        "smtp_host": "127.0.0.1",
        "smtp_port": mailbox.port,
        "smtp_from": "tutorbot@uni.edu",
        "smtp_security": "none",
        **changes,
    }
    settings = load_settings(**options)
    return SmtpMailer(settings)


@pytest.fixture
async def world(service_context, clock, mailbox, uow_factory):
    ctx = dataclasses.replace(service_context, mailer=_mailer(mailbox))
    built = await build_world(ctx, clock)
    await _set(uow_factory, clock, "allowed_email_domains", ("uni.edu",))
    await _set(uow_factory, clock, "moderator_role", MOD_ROLE)
    return built


async def _set(uow_factory, clock, key, value):
    async with uow_factory() as uow:
        policy = with_setting(await uow.guilds.policy(GUILD), key, value)
        await uow.guilds.save_policy(GUILD, policy, clock.now())
        await uow.commit()


async def _send(world, address=ADDRESS, who=None):
    return await ev.send_code(ev.SendEmailCode(who or world.tutor, address), world.ctx)


async def _enter(world, code, who=None):
    return await ev.enter_code(ev.EnterEmailCode(who or world.tutor, code), world.ctx)


async def _level(uow_factory, user_id=TUTOR_ID):
    async with uow_factory(read_only=True) as uow:
        tutor = await uow.tutors.get(GUILD, user_id)
        return tutor.verification


async def test_the_code_from_the_mail_verifies_the_tutor(world, mailbox, uow_factory):
    sent = await _send(world)

    assert sent.shown_address == "a•••@cs.uni.edu"
    mail = mailbox.to("ada.lovelace@cs.uni.edu")[-1]
    assert GUILD_NAME in mail["Subject"]
    verified = await _enter(world, mailbox.code_for("ada.lovelace@cs.uni.edu"))

    assert verified == ev.EmailVerified("cs.uni.edu", is_tutor=True, level_raised=True)
    assert await _level(uow_factory) is VerificationLevel.CAMPUS_EMAIL
    async with uow_factory(read_only=True) as uow:
        actions = (await uow.session.scalars(select(AuditLogRow.action))).all()
    assert "verification.email" in actions


async def test_only_a_hash_of_the_code_and_no_plain_address_is_stored(world, mailbox, uow_factory):
    await _send(world)
    code = mailbox.code_for("ada.lovelace@cs.uni.edu")
    async with uow_factory(read_only=True) as uow:
        raw = (await uow.session.execute(text("SELECT * FROM email_code"))).one()
        details = (await uow.session.scalars(select(AuditLogRow.detail))).all()
    stored = " ".join(str(v) for v in raw)
    assert code not in stored
    assert "lovelace" not in stored
    assert "lovelace" not in str(details)


async def test_a_wrong_code_costs_a_try_and_the_sixth_is_refused(world, mailbox):
    await _send(world)
    right = mailbox.code_for("ada.lovelace@cs.uni.edu")
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(InputError) as caught:
            await _enter(world, wrong)
        assert (caught.value.problem, caught.value.limit) == ("wrong_code", left)

    with pytest.raises(ConflictError) as locked:
        await _enter(world, right)  # brute force: even the right code is too late now
    assert locked.value.reason == "email_code_locked"


async def test_something_that_is_not_six_digits_is_not_counted(world, mailbox):
    await _send(world)
    for typed in ("12345", "abcdef", "1234567", ""):
        with pytest.raises(InputError) as caught:
            await _enter(world, typed)
        assert caught.value.problem == "bad_characters"
    verified = await _enter(world, " " + mailbox.code_for("ada.lovelace@cs.uni.edu")[:3] + "-"
                            + mailbox.code_for("ada.lovelace@cs.uni.edu")[3:])  # fmt: skip
    assert verified.level_raised


async def test_an_expired_code_is_refused(world, mailbox):
    await _send(world)
    world.clock.advance(timedelta(minutes=10))
    with pytest.raises(ConflictError) as caught:
        await _enter(world, mailbox.code_for("ada.lovelace@cs.uni.edu"))
    assert caught.value.reason == "email_code_expired"


async def test_a_used_code_cannot_be_used_again(world, mailbox, service_context):
    await _send(world)
    code = mailbox.code_for("ada.lovelace@cs.uni.edu")
    await _enter(world, code)
    with pytest.raises(NotFoundError) as caught:
        await _enter(world, code)
    assert caught.value.entity == "email_code"


async def test_a_resend_waits_a_minute_and_only_the_newest_code_works(world, mailbox):
    await _send(world)
    first = mailbox.code_for("ada.lovelace@cs.uni.edu")
    with pytest.raises(TooSoonError) as caught:
        await _send(world)
    assert caught.value.retry_after == 60
    world.clock.advance(timedelta(seconds=61))
    await _send(world)
    newest = mailbox.code_for("ada.lovelace@cs.uni.edu")
    assert len(mailbox.to("ada.lovelace@cs.uni.edu")) == 2
    if first != newest:
        with pytest.raises(InputError):
            await _enter(world, first)
    assert (await _enter(world, newest)).level_raised


async def test_at_most_five_codes_a_day(world, mailbox):
    for _ in range(5):
        await _send(world)
        world.clock.advance(timedelta(minutes=2))
    with pytest.raises(TooSoonError) as caught:
        await _send(world)
    assert caught.value.action == "email_code_daily"
    world.clock.advance(timedelta(hours=24))
    await _send(world)
    assert len(mailbox.messages) == 6


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("ada@gmail.com", "email_domain_not_allowed"),
        ("ada@evil-uni.edu", "email_domain_not_allowed"),
        ("ada@uni.edu.evil.com", "email_domain_not_allowed"),
        ("not an address", "bad_characters"),
        ("ada@", "bad_characters"),
        ("", "empty"),
        ("a" * 250 + "@uni.edu", "too_long"),
    ],
)
async def test_disallowed_and_malformed_addresses_are_refused_and_nothing_is_sent(
    world, mailbox, uow_factory, address, problem
):
    with pytest.raises((ConflictError, InputError)) as caught:
        await _send(world, address)
    assert getattr(caught.value, "reason", None) == problem or caught.value.problem == problem
    assert mailbox.messages == []
    async with uow_factory(read_only=True) as uow:
        assert (await uow.session.scalars(select(EmailCodeRow))).all() == []


async def test_an_address_verifies_one_member_per_guild(world, mailbox):
    await _send(world)
    await _enter(world, mailbox.code_for("ada.lovelace@cs.uni.edu"))
    with pytest.raises(ConflictError) as taken:
        await _send(world, ADDRESS.upper(), who=world.student)
    assert taken.value.reason == "email_taken"
    with pytest.raises(ConflictError) as again:
        await _send(world)
    assert again.value.reason == "email_already_verified"


async def test_a_race_for_one_address_lets_only_the_first_prove_it(world, mailbox):
    await _send(world)
    await _send(world, who=world.student)
    code = mailbox.code_for("ada.lovelace@cs.uni.edu")  # both were sent to the one address
    first, second = (CODE.search(m.get_content()).group(1) for m in mailbox.messages)
    await _enter(world, first)
    with pytest.raises(ConflictError) as caught:
        await _enter(world, second, who=world.student)
    assert code == second
    assert caught.value.reason == "email_taken"


async def test_a_moderator_verified_tutor_stays_moderator_verified(world, mailbox, uow_factory):
    await verification.set_level(
        verification.SetVerification(MODERATOR, TUTOR_ID, "moderator-verified"), world.ctx
    )
    await _send(world)
    verified = await _enter(world, mailbox.code_for("ada.lovelace@cs.uni.edu"))
    assert not verified.level_raised
    assert await _level(uow_factory) is VerificationLevel.MODERATOR_VERIFIED


async def test_a_student_who_proved_an_address_starts_as_campus_email_tutor(world, mailbox):
    await _send(world, "grace@uni.edu", who=world.student)
    verified = await _enter(world, mailbox.code_for("grace@uni.edu"), who=world.student)
    assert verified == ev.EmailVerified("uni.edu", is_tutor=False, level_raised=False)


async def test_without_smtp_settings_email_is_not_set_up(world):
    ctx = dataclasses.replace(world.ctx, mailer=None)
    with pytest.raises(ConflictError) as caught:
        await ev.send_code(ev.SendEmailCode(world.tutor, ADDRESS), ctx)
    assert caught.value.reason == "email_not_set_up"


async def test_without_allowed_domains_the_server_must_set_them_first(world, uow_factory, clock):
    await _set(uow_factory, clock, "allowed_email_domains", ())
    with pytest.raises(ConflictError) as caught:
        await _send(world)
    assert caught.value.reason == "email_domains_not_set"


async def test_a_refused_mail_changes_nothing(world, mailbox, uow_factory):
    mailbox.refused.add("ada.lovelace@cs.uni.edu")
    with pytest.raises(ConflictError) as caught:
        await _send(world)
    assert caught.value.reason == "email_send_failed"
    async with uow_factory(read_only=True) as uow:
        assert (await uow.session.scalars(select(EmailCodeRow))).all() == []
    mailbox.refused.clear()
    await _send(world)  # no resend wait was started by the failed send


async def test_a_mail_server_that_is_down_or_lacks_starttls_is_a_clear_failure(world, mailbox):
    no_tls = dataclasses.replace(world.ctx, mailer=_mailer(mailbox, smtp_security="starttls"))
    with pytest.raises(ConflictError) as caught:
        await ev.send_code(ev.SendEmailCode(world.tutor, ADDRESS), no_tls)
    assert caught.value.reason == "email_send_failed"
    down = dataclasses.replace(world.ctx, mailer=_mailer(mailbox, smtp_port=1))
    with pytest.raises(ConflictError):
        await ev.send_code(ev.SendEmailCode(world.tutor, ADDRESS), down)
