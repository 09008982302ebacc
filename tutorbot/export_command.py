"""`tutorbot export KIND --guild ID --since DAY --until DAY --out FILE`: for nightly jobs."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path

from marketplace.domain.errors import InputError
from marketplace.domain.exports import MAX_PERIOD_DAYS, ExportKind
from marketplace.services import exports
from marketplace.settings import Settings
from tutorbot import unsealed

REFUSED_PERIOD = "--until must be after --since, and the two at most {days:,} days apart."


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `export` subcommand and its options."""
    parser = sub.add_parser("export", help="write one guild's CSV export to a file")
    parser.add_argument("kind", choices=[k.value for k in ExportKind])
    parser.add_argument("--guild", type=int, required=True, help="the guild (server) id")
    parser.add_argument(
        "--since", type=date.fromisoformat, required=True, help="first day, YYYY-MM-DD"
    )
    parser.add_argument(
        "--until",
        type=date.fromisoformat,
        required=True,
        help="the day after the last, YYYY-MM-DD (days are the guild's, see `timezone`)",
    )
    parser.add_argument("--out", type=Path, required=True, help="the CSV file, or - for stdout")


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Write the file; one line on stderr saying what was written, or why not."""
    command = exports.ExportDays(args.guild, ExportKind(args.kind), args.since, args.until)
    try:
        made = asyncio.run(unsealed.run(settings, lambda ctx: exports.export_days(command, ctx)))
    except InputError:
        sys.stderr.write(REFUSED_PERIOD.format(days=MAX_PERIOD_DAYS) + "\n")
        return 2
    (data,) = made.files
    if str(args.out) == "-":
        sys.stdout.buffer.write(data)
    else:
        args.out.write_bytes(data)
    where = "stdout" if str(args.out) == "-" else str(args.out)
    sys.stderr.write(f"wrote {made.rows} {made.kind.value} rows to {where} ({made.zone})\n")
    return 0
