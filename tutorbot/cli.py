"""`tutorbot run | bot | web | migrate`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from marketplace.settings import load_settings
from marketplace.storage.migrate import upgrade
from tutorbot.bootstrap import MissingSettingError, serve

MISSING_HELP = {
    "DISCORD_TOKEN": (
        "DISCORD_TOKEN is not set.\n"
        "Set it in the environment or in a .env file next to where you run tutorbot:\n"
        "    DISCORD_TOKEN=<your bot token>\n"
        "Get the token from https://discord.com/developers/applications → your app → Bot → "
        "Reset Token. See README.md, 'Running on a real Discord server'."
    ),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tutorbot", description="TutorBot: peer tutoring on Discord"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot, the checkout web app and the job runner")
    sub.add_parser("bot", help="run only the Discord bot (and the job runner)")
    sub.add_parser("web", help="run only the checkout web app")
    migrate = sub.add_parser("migrate", help="upgrade the database schema")
    migrate.add_argument("revision", nargs="?", default="head")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `tutorbot` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command == "migrate":
        upgrade(settings.database_url, args.revision)
        logging.getLogger("tutorbot").info("database is at %s", args.revision)
        return 0
    parts = {"run": (True, True), "bot": (True, False), "web": (False, True)}[args.command]
    try:
        asyncio.run(serve(settings, with_bot=parts[0], with_web=parts[1]))
    except MissingSettingError as missing:
        sys.stderr.write(MISSING_HELP.get(missing.name, f"{missing.name} is not set.") + "\n")
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
