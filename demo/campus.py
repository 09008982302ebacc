"""A campus study server on the local Discord emulator, with the real TutorBot running on it.

Shared by `make demo` and the bot tests: one place builds the world and starts the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.client import TutorBot
from demo.mailbox import Mailbox, free_port
from discord_emulator import Channel, Emulator, Guild, Role, User
from discord_emulator.render import set_reader_clock
from discord_emulator.violations import describe_violations
from marketplace.ports import Clock
from marketplace.settings import load_settings
from marketplace.storage.sealing import DataKeys
from stripe_fake import TEST_API_KEY, StripeFake
from tutorbot.bootstrap import Runtime, build_bot, build_runtime, close_runtime, start_web

BOT_TOKEN = "emulated-bot-token"  # noqa: S105 - the emulator accepts any token


@dataclass
class Campus:
    """The emulated server, its people, and the running bot."""

    emu: Emulator
    guild: Guild
    admin: User
    student: User
    tutor: User
    member: User
    moderators: Role
    sessions: Channel
    help_desk: Channel
    bot: TutorBot
    runtime: Runtime
    stripe: StripeFake | None = None
    web_url: str = ""
    mailbox: Mailbox | None = None


WEBHOOK_SECRET = "whsec_campus_demo"  # noqa: S105 - signs the Stripe fake's deliveries


def _data_keys(database_url: str) -> dict[str, Any]:
    """SQLite makes its own key file; PostgreSQL needs TUTORBOT_DATA_KEYS: a fresh key."""
    return {} if database_url.startswith("sqlite") else {"tutorbot_data_keys": DataKeys.generate()}


def _mail_settings(mailbox: Mailbox | None) -> dict[str, Any]:
    """SMTP pointing at the loopback mail server (plain SMTP: it is on this machine)."""
    if mailbox is None:
        return {}
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": mailbox.port,
        "smtp_from": "tutorbot@campus.example.edu",
        "smtp_security": "none",
    }


def _payment_settings(stripe: StripeFake | None) -> dict[str, Any]:
    """Stripe keys pointing at the fake, and the web app on a free loopback port."""
    if stripe is None:
        return {}
    port = free_port()
    stripe.add_webhook_endpoint(f"http://127.0.0.1:{port}/stripe/webhook", WEBHOOK_SECRET)
    return {
        "stripe_secret_key": TEST_API_KEY,
        "stripe_webhook_secret": WEBHOOK_SECRET,
        "stripe_api_base": stripe.base_url,
        "web_host": "127.0.0.1",
        "web_port": port,
        "public_base_url": f"http://127.0.0.1:{port}",
    }


@contextlib.asynccontextmanager
async def running_campus(
    database_url: str,
    *,
    interaction_deadline: float = 3.0,
    clock: Clock | None = None,
    stripe: StripeFake | None = None,
    check_every_payload: bool = False,
    mailbox: Mailbox | None = None,
) -> AsyncIterator[Campus]:
    """Start the emulator, build the campus server, run TutorBot on it, and tear it all down.

    With `stripe` (a started Stripe fake) payments are configured: the checkout web app
    runs too, and the fake delivers its signed webhooks to it. With `mailbox` (a running
    loopback SMTP server) `/verify email` sends its codes there. `check_every_payload`
    checks every payload the emulator sends against Discord's description, not a sample.
    """
    emu = Emulator(interaction_deadline=interaction_deadline)
    emu.check_every_payload = check_every_payload
    await emu.start()
    set_reader_clock(clock.now if clock else None)  # "in 15 minutes" by the story's time
    emu.add_bot(token=BOT_TOKEN, name="TutorBot")
    admin = emu.add_user("Ines")
    guild = emu.add_guild("Campus Study Hall", owner=admin)
    moderators = emu.add_role(guild, "Moderators")
    sessions = emu.add_text_channel(guild, "sessions")
    help_desk = emu.add_text_channel(guild, "tutorbot-help")
    student, tutor, member = emu.add_user("Maya"), emu.add_user("Theo"), emu.add_user("Sam")
    for user in (student, tutor, member):
        emu.add_member(guild, user)
    settings = load_settings(
        discord_token=BOT_TOKEN,
        discord_api_base=emu.api_base,
        discord_gateway_url=emu.gateway_url,
        dev_guild_id=guild.id,
        database_url=database_url,
        **_payment_settings(stripe),
        **_mail_settings(mailbox),
        **_data_keys(database_url),
    )
    runtime = await build_runtime(settings, clock=clock)
    site: web.AppRunner | None = await start_web(runtime) if stripe else None
    bot = build_bot(runtime)
    task = asyncio.create_task(bot.start(BOT_TOKEN), name="tutorbot")
    try:
        await asyncio.wait_for(emu.wait_until_ready(), timeout=15)
        await asyncio.wait_for(emu.wait_for_commands_synced(guild), timeout=15)
        yield Campus(
            emu, guild, admin, student, tutor, member, moderators, sessions, help_desk, bot,
            runtime, stripe, settings.public_base_url if stripe else "", mailbox,
        )  # fmt: skip
    except Exception as exc:
        if emu.contract_violations:
            exc.add_note(describe_violations(emu.contract_violations))
        raise
    finally:
        await bot.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        if site is not None:
            await site.cleanup()
        await close_runtime(runtime)
        await emu.stop()
        set_reader_clock(None)
    emu.assert_no_violations()  # a request Discord would refuse fails the test or the demo
