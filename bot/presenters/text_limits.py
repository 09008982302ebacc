"""Discord's limits on what the bot sends, and the one way to make people's text fit them.

Names, subjects, bios, notes and reasons are typed by users and admins, so any of them may
push a message past a limit Discord refuses with a 400. Every presenter and form fits such
text with these helpers: `clip` for one piece of text, `fit_joined` for a list that says
how many items it left out ("…and 3 more"), `paged_lines` for lines spread over pages.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot import texts

ELLIPSIS = "…"

MESSAGE_CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
OPTION_TEXT_MAX = 100  # a select option's label, value and description
SELECT_PLACEHOLDER_MAX = 150
MODAL_TITLE_MAX = 45
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_PLACEHOLDER_MAX = 100
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100  # an autocomplete choice's name, and a string choice's value
CHANNEL_NAME_MAX = 100  # channels and threads alike


def clip(text: str, limit: int) -> str:
    """`text` unchanged if it fits in `limit` characters, else cut to fit, ending in "…"."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(ELLIPSIS), 0)].rstrip() + ELLIPSIS[:limit]


def _more(count: int) -> str:
    return texts.AND_MORE.format(count=count)


def kept_items(items: Sequence[str], limit: int, sep: str) -> list[str]:
    """The leading `items` whose join by `sep` fits `limit`, then "…and N more" if any are left.

    The join of the result is never longer than `limit`.
    """
    if len(sep.join(items)) <= limit:
        return list(items)
    best = [clip(_more(len(items)), limit)]
    used = 0
    for count, item in enumerate(items[:-1], start=1):
        used += len(item) + (len(sep) if count > 1 else 0)
        if used + len(sep) + len(_more(len(items) - count)) > limit:
            break
        best = [*items[:count], _more(len(items) - count)]
    return best


def fit_joined(items: Sequence[str], limit: int, sep: str = ", ") -> str:
    """`items` joined by `sep` within `limit` characters; what is left out is counted."""
    return sep.join(kept_items(items, limit, sep))


def fit_embed(embed: discord.Embed, more: str) -> discord.Embed:
    """Keep `embed` within Discord's 6,000 characters.

    Fields are dropped from the end, and a last field says so with `more` (a short line).
    """
    dropped = False
    while len(embed) > EMBED_TOTAL_MAX - len(more) - 1 and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
        dropped = True
    if dropped:
        embed.add_field(name="…", value=more, inline=False)
    return embed


def paged_lines(lines: Sequence[str], *, page_max: int, total_max: int) -> list[str]:
    """`lines` packed into pages of at most `page_max` characters each.

    All pages together stay within `total_max`; lines beyond that are counted in a last
    "…and N more". There is always at least one page.
    """
    shown = kept_items([clip(line, page_max) for line in lines], total_max, "\n")
    pages: list[list[str]] = [[]]
    size = 0  # the length of the last page so far
    for line in shown:
        grown = size + len("\n") + len(line) if pages[-1] else len(line)
        if pages[-1] and grown > page_max:
            pages.append([])
            grown = len(line)
        pages[-1].append(line)
        size = grown
    return ["\n".join(page) for page in pages]


def prefill(value: str | None, *, max_length: int, min_length: int = 0) -> str | None:
    """A form field's starting text, within the field's own length limits.

    Clipped to `max_length` without "…" (it would be saved with the text), and left out
    when empty or shorter than `min_length`.
    """
    if not value:
        return None
    fitted = value[:max_length]
    return fitted if len(fitted) >= min_length else None
