"""Plain-text rendering of messages, modals and the transcript."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from discord_emulator.models import TranscriptEntry

JSON = dict[str, Any]
MentionResolver = Callable[[str, int], str | None]

_MENTION = re.compile(r"<(@!?|@&|#)(\d+)>")

BUTTON = 2
SELECT_TYPES = (3, 5, 6, 7, 8)
TEXT_DISPLAY = 10


def walk_components(components: Iterable[JSON]) -> Iterator[JSON]:
    """Yield every component, depth first (rows, containers, sections, labels)."""
    for comp in components:
        yield comp
        yield from walk_components(comp.get("components", []) or [])
        inner = comp.get("component")
        if isinstance(inner, dict):
            yield from walk_components([inner])
        accessory = comp.get("accessory")
        if isinstance(accessory, dict):
            yield from walk_components([accessory])


def buttons(components: Sequence[JSON]) -> list[tuple[str, str | None, bool]]:
    """Return (label, custom_id, disabled) for each button."""
    out: list[tuple[str, str | None, bool]] = []
    for comp in walk_components(components):
        if comp.get("type") == BUTTON:
            label = comp.get("label") or _emoji_name(comp) or ""
            out.append((label, comp.get("custom_id"), bool(comp.get("disabled", False))))
    return out


def links(components: Sequence[JSON]) -> list[tuple[str, str]]:
    """Return (label, url) for each link button."""
    return [
        (comp.get("label") or "", str(comp["url"]))
        for comp in walk_components(components)
        if comp.get("type") == BUTTON and comp.get("url")
    ]


def selects(components: Sequence[JSON]) -> list[JSON]:
    return [c for c in walk_components(components) if c.get("type") in SELECT_TYPES]


def _emoji_name(comp: JSON) -> str | None:
    emoji = comp.get("emoji")
    if isinstance(emoji, dict):
        name = emoji.get("name")
        return str(name) if name else None
    return None


def embed_text(embed: JSON) -> list[str]:
    lines: list[str] = []
    author = (embed.get("author") or {}).get("name")
    if author:
        lines.append(f"  {author}")
    if embed.get("title"):
        lines.append(f"┃ {embed['title']}")
    if embed.get("description"):
        lines.extend(f"┃ {line}" for line in str(embed["description"]).splitlines())
    for f in embed.get("fields", []) or []:
        lines.append(f"┃ {f.get('name', '')}: {f.get('value', '')}")
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        lines.append(f"┃ — {footer}")
    return lines


def components_text(components: Sequence[JSON]) -> list[str]:
    lines: list[str] = []
    for row in components:
        parts: list[str] = []
        for comp in walk_components([row]):
            kind = comp.get("type")
            if kind == BUTTON:
                label = comp.get("label") or _emoji_name(comp) or "?"
                parts.append(f"[{label}]" + (" (disabled)" if comp.get("disabled") else ""))
            elif kind in SELECT_TYPES:
                placeholder = comp.get("placeholder") or "select"
                opts = ", ".join(str(o.get("label")) for o in comp.get("options", []) or [])
                parts.append(f"[▾ {placeholder}]" + (f" ({opts})" if opts else ""))
            elif kind == TEXT_DISPLAY:
                lines.append(str(comp.get("content", "")))
        if parts:
            lines.append(" ".join(parts))
    return lines


_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_TIMESTAMP_FORMATS = {
    "t": "%H:%M",
    "T": "%H:%M:%S",
    "d": "%d/%m/%Y",
    "D": "%d %B %Y",
    "f": "%d %B %Y %H:%M",
    "F": "%A %d %B %Y %H:%M",
}


def _wall_clock() -> datetime:
    return datetime.now(UTC)


_reader_clock: Callable[[], datetime] = _wall_clock


def set_reader_clock(now: Callable[[], datetime] | None) -> None:
    """Render <t:…:R> against `now` (a story's clock) instead of the wall clock; None resets."""
    global _reader_clock  # noqa: PLW0603 - one reader per process, like one Discord client
    _reader_clock = now or _wall_clock


def relative(moment: datetime) -> str:
    """'in 3 hours' / '2 days ago', as Discord shows <t:…:R>."""
    seconds = (moment - _reader_clock()).total_seconds()
    size = abs(seconds)
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if size >= length:
            count = round(size / length)
            amount = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {amount}" if seconds > 0 else f"{amount} ago"
    return "now"


def resolve_timestamps(text: str) -> str:
    """Show <t:unix:style> as a Discord client would for a reader in UTC (R as an absolute)."""

    def sub(match: re.Match[str]) -> str:
        moment = datetime.fromtimestamp(int(match[1]), tz=UTC)
        style = match[2] or "f"
        if style == "R":
            return relative(moment)
        return f"{moment.strftime(_TIMESTAMP_FORMATS[style])} UTC"

    return _TIMESTAMP.sub(sub, text)


def resolve_mentions(text: str, resolve: MentionResolver | None) -> str:
    """Replace <@id>, <@&id> and <#id> with readable names, and timestamps with UTC times."""
    text = resolve_timestamps(text)
    if resolve is None:
        return text

    def sub(match: re.Match[str]) -> str:
        kind = {"@": "user", "@!": "user", "@&": "role", "#": "channel"}[match[1]]
        return resolve(kind, int(match[2])) or match[0]

    return _MENTION.sub(sub, text)


def message_text(
    content: str | None,
    embeds: Sequence[JSON],
    components: Sequence[JSON],
    attachments: Sequence[str] = (),
    resolve: MentionResolver | None = None,
) -> str:
    """Render a message as readable plain text."""
    lines: list[str] = []
    if content:
        lines.extend(content.splitlines())
    for embed in embeds:
        lines.extend(embed_text(embed))
    lines.extend(components_text(components))
    lines.extend(f"📎 {name}" for name in attachments)
    return resolve_mentions("\n".join(lines), resolve)


def modal_text(title: str, labels: Sequence[str]) -> str:
    return f"⧉ {title}: " + ", ".join(f"<{label}>" for label in labels)


def format_transcript(entries: Sequence[TranscriptEntry]) -> str:
    """Format transcript entries as an indented, readable log."""
    out: list[str] = []
    width = max((len(e.where) for e in entries), default=0)
    for entry in entries:
        where = f"{entry.where:<{width}}  " if width else ""
        if entry.kind in ("system", "error"):
            out.append(f"{where}{entry.who} {entry.action}")
            continue
        prefix = f"{where}{entry.who} ▸ "
        head = entry.action
        if entry.ephemeral:
            head = f"(only you) {head}".rstrip()
        text_lines = entry.text.splitlines() if entry.text else []
        if head and text_lines:
            first = f"{head} {text_lines[0]}"
            rest = text_lines[1:]
        elif head:
            first, rest = head, []
        else:
            first, rest = (text_lines[0], text_lines[1:]) if text_lines else ("", [])
        out.append(prefix + first)
        indent = " " * len(prefix)
        out.extend(indent + line for line in rest)
    return "\n".join(out)
