"""`/admin export`: the institution's CSV files."""

from __future__ import annotations

from bot.texts.common import FIELD_NAMES, FIELD_PROBLEMS

EXPORT_KIND_CHOICES = {
    "sessions": "Sessions (one row per booking)",
    "tutor-hours": "Tutor contact hours",
    "reviews": "Reviews (stars and ratings, no text)",
    "queue": "Drop-in queue visits",
}
EXPORT_PERIOD_SUGGESTIONS = {
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "365d": "Last 365 days",
}
EXPORT_READY = (
    "Here is the **{kind}** export for {first} to {last} ({zone}): {rows:,} {rows_word} in "
    "{files} {files_word}. Times are in UTC and in {zone}; amounts are in minor units."
)
EXPORT_EMPTY = (
    "Nothing to export for **{kind}** from {first} to {last} ({zone}). The file has the "
    "header row only, so you can see its columns."
)
EXPORT_MORE_FILES = "More of the **{kind}** export: files {first} to {last} of {total}."
EXPORT_ROW, EXPORT_ROWS = "row", "rows"
EXPORT_FILE, EXPORT_FILES = "file", "files"

FIELD_NAMES["period"] = "The period"
_PERIOD_SHAPES = (
    "like `30d` (the last 30 days), `2026-11` (a month) or `2026-09-01..2026-12-18` (from "
    "one day to another, both included)"
)
FIELD_PROBLEMS[("period", "unparseable")] = f"I can't read that period. Write it {_PERIOD_SHAPES}."
FIELD_PROBLEMS[("period", "empty")] = f"Give a period, {_PERIOD_SHAPES}."
FIELD_PROBLEMS[("period", "too_long")] = (
    f"That period is too long to read. Write it {_PERIOD_SHAPES}."
)
FIELD_PROBLEMS[("period", "end_before_start")] = (
    "That period ends before it starts. Put the earlier day first, like `2026-09-01..2026-12-18`."
)
FIELD_PROBLEMS[("period", "out_of_range")] = (
    "That period isn't a real range of dates, or is longer than {limit:,} days. Check the dates "
    "and try again."
)
