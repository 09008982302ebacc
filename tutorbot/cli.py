"""The `tutorbot` command.

`run | bot [--shard-ids 0,1 --shard-count 4] | web | migrate | ledger verify |
keys generate | keys rotate | backup PATH | restore PATH`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import aiohttp
import discord

from bot.client import Shards
from marketplace.logs import configure_logging, settings_secrets
from marketplace.services import ledger
from marketplace.settings import Settings, load_settings
from marketplace.storage.engine import create_database
from marketplace.storage.migrate import upgrade
from marketplace.storage.models import Base
from marketplace.storage.sealing import DataKeys, DataKeysError, reseal_all
from tutorbot import export_command, unsealed
from tutorbot.backup import BackupError, backup, restore
from tutorbot.bootstrap import MissingSettingError, WebStartError, data_keys, serve
from tutorbot.health import HealthStartError

MISSING_HELP = {
    "DISCORD_TOKEN": (
        "DISCORD_TOKEN is not set.\n"
        "Set it in the environment or in a .env file next to where you run tutorbot:\n"
        "    DISCORD_TOKEN=<your bot token>\n"
        "Get the token from https://discord.com/developers/applications → your app → Bot → "
        "Reset Token. See README.md, 'Running on a real Discord server'."
    ),
    "TUTORBOT_DATA_KEYS": (
        "TUTORBOT_DATA_KEYS is not set. On PostgreSQL the keys that encrypt emails, "
        "statements and session logs must be given:\n"
        "    tutorbot keys generate   # then TUTORBOT_DATA_KEYS=<that key>\n"
        "Keep the keys backed up: without them that data cannot be read. See README.md, "
        "'Data keys'."
    ),
}


LOGIN_REFUSED_HELP = (
    "Discord rejected DISCORD_TOKEN. Copy the bot token again from the Developer Portal "
    "(your app → Bot → Reset Token) into DISCORD_TOKEN."
)
CANNOT_LISTEN = "The web app cannot listen on {address} ({reason}). Change WEB_HOST or WEB_PORT."
HEALTH_CANNOT_LISTEN = (
    "The health server cannot listen on {address} ({reason}). Change HEALTH_HOST or "
    "HEALTH_PORT, or unset HEALTH_PORT."
)
UNREACHABLE = "Could not reach Discord at {base}: {error}. Check DISCORD_API_BASE and the network."


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tutorbot", description="TutorBot: peer tutoring on Discord"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, about in (
        ("run", "run the bot, the checkout web app and the job runner"),
        ("bot", "run only the Discord bot (and the job runner)"),
    ):
        _shard_options(sub.add_parser(name, help=about))
    sub.add_parser("web", help="run only the checkout web app")
    migrate = sub.add_parser("migrate", help="upgrade the database schema")
    migrate.add_argument("revision", nargs="?", default="head")
    ledger_parser = sub.add_parser("ledger", help="inspect the payments ledger")
    ledger_sub = ledger_parser.add_subparsers(dest="ledger_command", required=True)
    verify = ledger_sub.add_parser(
        "verify", help="check captured = refunded + released + fees + held everywhere"
    )
    verify.add_argument("--guild", type=int, default=None, help="check only this guild id")
    keys_parser = sub.add_parser("keys", help="the data keys of the encrypted columns")
    keys_sub = keys_parser.add_subparsers(dest="keys_command", required=True)
    keys_sub.add_parser("generate", help="print a new key (put it first in TUTORBOT_DATA_KEYS)")
    keys_sub.add_parser("rotate", help="re-encrypt every sealed value under the first key")
    backup_parser = sub.add_parser(
        "backup", help="copy the database to PATH (SQLite online backup, or pg_dump)"
    )
    backup_parser.add_argument("path", type=Path)
    restore_parser = sub.add_parser(
        "restore", help="replace the database with the backup in PATH (stop the bot first)"
    )
    restore_parser.add_argument("path", type=Path)
    export_command.add_parser(sub)
    return parser


def _shard_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--shard-ids",
        type=_shard_ids,
        default=None,
        help="the gateway shards this process runs, e.g. 0,1 (needs --shard-count)",
    )
    parser.add_argument(
        "--shard-count",
        type=int,
        default=None,
        help="how many shards all processes run together (default: what Discord advises)",
    )


def _shard_ids(text: str) -> tuple[int, ...]:
    try:
        ids = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        msg = f"{text!r} is not a comma-separated list of shard numbers"
        raise argparse.ArgumentTypeError(msg) from None
    if not ids:
        msg = "give at least one shard number"
        raise argparse.ArgumentTypeError(msg)
    return ids


def _shards(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Shards:
    """The shards of `run`/`bot`; a bad combination stops with argparse's usage error."""
    try:
        return Shards(getattr(args, "shard_ids", None), getattr(args, "shard_count", None))
    except ValueError as error:
        parser.error(str(error))


def _ledger_verify(settings: Settings, guild_id: int | None) -> int:
    """Print the verification summary; 0 when the ledger balances, 1 otherwise."""
    report = asyncio.run(unsealed.run(settings, lambda ctx: ledger.verify(ctx, guild_id)))
    sys.stdout.write(report.summary() + "\n")
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `tutorbot` console script; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format, secrets=settings_secrets(settings))
    if args.command == "migrate":
        upgrade(settings.database_url, args.revision)
        logging.getLogger("tutorbot").info("database is at %s", args.revision)
        return 0
    if args.command == "ledger":
        return _ledger_verify(settings, args.guild)
    if args.command == "keys":
        return _keys(settings, args.keys_command)
    if args.command == "export":
        return export_command.run(settings, args)
    if args.command in ("backup", "restore"):
        return _backup(settings, args.command, args.path)
    return _serve(settings, args.command, _shards(parser, args))


def _backup(settings: Settings, command: str, path: Path) -> int:
    """`backup PATH` or `restore PATH`; one line saying what was done, or why not."""
    try:
        summary = (backup if command == "backup" else restore)(settings.database_url, path)
    except BackupError as error:
        sys.stderr.write(f"{error}.\n")
        return 1
    sys.stdout.write(summary + "\n")
    return 0


def _keys(settings: Settings, command: str) -> int:
    """`keys generate` prints a new key; `keys rotate` reseals every row under the first."""
    if command == "generate":
        sys.stdout.write(DataKeys.generate() + "\n")
        return 0
    try:
        keys = data_keys(settings)
    except MissingSettingError as missing:
        sys.stderr.write(MISSING_HELP[missing.name] + "\n")
        return 2
    except DataKeysError as error:
        sys.stderr.write(f"{error}.\n")
        return 2
    count = asyncio.run(_rotate(settings.database_url, keys))
    sys.stdout.write(f"resealed {count} values under the first key\n")
    return 0


async def _rotate(database_url: str, keys: DataKeys) -> int:
    database = create_database(database_url, keys=keys)
    try:
        return await reseal_all(database.engine, Base, keys)
    finally:
        await database.dispose()


def _setup_help(error: MissingSettingError | DataKeysError) -> str:
    if isinstance(error, DataKeysError):
        return f"{error}. See README.md, 'Data keys'."
    return MISSING_HELP.get(error.name, f"{error.name} is not set.")


async def until_stopped(work: Coroutine[Any, Any, None]) -> None:
    """Run `work` until it ends, or until SIGTERM or SIGINT asks the process to stop.

    A stop cancels `work`, which then shuts down in order (the job runner finishes the
    work it holds, the gateway closes, the pool is released), and the exit code is 0:
    what `systemctl stop` expects.
    """
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(work)
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, task.cancel)
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise  # cancelled from outside, not by a signal
        logging.getLogger("tutorbot").info("stopped by a signal")
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


def _serve(settings: Settings, command: str, shards: Shards) -> int:
    """Run the chosen parts; turn start-up failures into one plain sentence and a code."""
    with_bot, with_web = {"run": (True, True), "bot": (True, False), "web": (False, True)}[command]
    try:
        asyncio.run(
            until_stopped(serve(settings, with_bot=with_bot, with_web=with_web, shards=shards))
        )
    except (MissingSettingError, DataKeysError) as error:
        sys.stderr.write(_setup_help(error) + "\n")
        return 2
    except (WebStartError, HealthStartError) as failed:
        which = CANNOT_LISTEN if isinstance(failed, WebStartError) else HEALTH_CANNOT_LISTEN
        sys.stderr.write(which.format(address=failed.address, reason=failed.reason) + "\n")
        return 1
    except discord.LoginFailure:
        sys.stderr.write(LOGIN_REFUSED_HELP + "\n")
        return 2
    except (OSError, aiohttp.ClientError) as error:
        sys.stderr.write(UNREACHABLE.format(base=settings.discord_api_base, error=error) + "\n")
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
