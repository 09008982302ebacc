"""The forms the bot has shown and still waits for, so a late submission gets an answer."""

from __future__ import annotations

import discord


class OpenForms:
    """The forms this bot has shown whose submissions discord.py still dispatches.

    discord.py drops a submission for a form it no longer waits for (one that timed out,
    was already sent, was shown before a restart, or was forged) without a word, so the
    user would only see "This interaction failed". The client asks this registry instead
    of discord.py's private store, and answers such a submission as expired.

    `bot.flows.base.open_form` adds each form it shows; a `SafeModal` removes itself when
    it stops or times out. A form counts as closed as soon as it has finished (discord.py
    stops waiting for it at that very moment), even before it removed itself.
    """

    def __init__(self) -> None:
        self._forms: dict[str, discord.ui.Modal] = {}

    def add(self, form: discord.ui.Modal) -> None:
        """Note a form just shown to a user."""
        self._forms[form.custom_id] = form

    def discard(self, form: discord.ui.Modal) -> None:
        """Forget `form` (and not another form that happens to share its custom_id)."""
        if self._forms.get(form.custom_id) is form:
            del self._forms[form.custom_id]

    def is_open(self, custom_id: str) -> bool:
        """Whether a submission with this custom_id reaches a form still waiting for it."""
        form = self._forms.get(custom_id)
        return form is not None and not form.is_finished()

    def __len__(self) -> int:
        return len(self._forms)
