"""Every sentence the bot says, in one place: one module per area, read as `texts.NAME`.

Keep replies short, friendly and specific: say what happened and what to do next.
Areas add their own entries to the shared tables (`CONFLICTS`, `ALREADY`, …) in
`common`; importing this package loads every area, so the tables are complete.

Each text is written in English, and that English is its gettext message id: reading
`texts.NAME` gives it in the language being spoken (`bot.i18n.current`), with the
strings inside tables translated too. A function here translates what it says with
`bot.i18n.gettext`. After adding or changing a text, run `make catalogs` and fill in its
Spanish and German in `bot/locales/` (see docs/architecture.md, "Languages").
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bot.i18n import ENGLISH, current, translate

if TYPE_CHECKING:
    from bot.texts.bookings import *  # noqa: F403
    from bot.texts.common import *  # noqa: F403
    from bot.texts.disputes import *  # noqa: F403
    from bot.texts.dropin import *  # noqa: F403
    from bot.texts.exports import *  # noqa: F403
    from bot.texts.groups import *  # noqa: F403
    from bot.texts.limits import *  # noqa: F403
    from bot.texts.moderation import *  # noqa: F403
    from bot.texts.notes import *  # noqa: F403
    from bot.texts.onboarding import *  # noqa: F403
    from bot.texts.payments import *  # noqa: F403
    from bot.texts.people import *  # noqa: F403
    from bot.texts.privacy import *  # noqa: F403
    from bot.texts.profiles import *  # noqa: F403
    from bot.texts.referrals import *  # noqa: F403
    from bot.texts.reviews import *  # noqa: F403
    from bot.texts.series import *  # noqa: F403
    from bot.texts.sessions import *  # noqa: F403
    from bot.texts.stats import *  # noqa: F403
    from bot.texts.verification import *  # noqa: F403

AREAS = (
    "bookings", "common", "disputes", "dropin", "exports", "groups", "limits", "moderation",
    "notes", "onboarding", "payments", "people", "privacy", "profiles", "referrals",
    "reviews", "series", "sessions", "stats", "verification",
)  # fmt: skip


def _english_entries() -> dict[str, Any]:
    """Every area's public names (as `from area import *` would give them), in English."""
    entries: dict[str, Any] = {}
    for area in AREAS:
        module = importlib.import_module(f"bot.texts.{area}")
        names = getattr(module, "__all__", None) or [n for n in vars(module) if n[0] != "_"]
        entries.update({name: getattr(module, name) for name in names})
    return entries


ENGLISH_ENTRIES = _english_entries()
"""Every text by name, as written (the message ids)."""
_translated: dict[tuple[str, str], Any] = {}


def __getattr__(name: str) -> Any:
    """`texts.NAME` in the language being spoken."""
    try:
        english = ENGLISH_ENTRIES[name]
    except KeyError:
        msg = f"module 'bot.texts' has no attribute {name!r}"
        raise AttributeError(msg) from None
    language = current.get()
    if language == ENGLISH:
        return english
    key = (language, name)
    if key not in _translated:
        _translated[key] = translate(english)
    return _translated[key]
