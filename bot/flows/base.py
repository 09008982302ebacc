"""Base classes for views and modals: one owner, and the shared error handler."""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from typing import Any, ClassVar, Self, TypeVar, final

import discord
from discord.utils import MISSING

from bot import texts
from bot.actors import actor_for
from bot.errors import handle_interaction_error
from bot.flows.open_forms import OpenForms
from bot.i18n import gettext as _
from bot.presenters.text_limits import MODAL_TITLE_MAX, clip, prefill
from bot.speaking import speak_for
from marketplace.domain.errors import PermissionDeniedError
from marketplace.logs import bind_log_context
from marketplace.services.actor import Actor
from marketplace.services.context import ServiceContext

MENU_TIMEOUT_SECONDS = 600
FORM_TIMEOUT_SECONDS = 3600

_ViewT_co = TypeVar("_ViewT_co", bound=discord.ui.View, covariant=True)


def _note_log_ids(interaction: discord.Interaction) -> None:
    """Tag this item's log lines with the guild and the user (its task's own context)."""
    bind_log_context(guild_id=interaction.guild_id, user_id=interaction.user.id)


class OwnedView(discord.ui.View):
    """An ephemeral menu that only the user who opened it may use."""

    def __init__(self, owner_id: int, *, timeout: float | None = MENU_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Refuse clicks from anyone but the owner, politely (in the presser's language)."""
        _note_log_ids(interaction)
        await speak_for(interaction)
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(texts.NOT_YOURS, ephemeral=True)
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Route errors to the one handler."""
        await handle_interaction_error(interaction, error)


class SafeModal(discord.ui.Modal):
    """A form only its opener may submit, whose errors go through the one handler.

    Open it with :func:`open_form`, which records who opened it and lists it among the
    bot's open forms. A submission by anyone else (a forged or replayed form) is refused
    before `on_submit` runs. The form closes once sent, or after `FORM_TIMEOUT_SECONDS`,
    and leaves that list; a later submission is answered by `bot.client` as expired.
    """

    owner_id: int | None = None
    _listed_in: OpenForms | None = None

    def __init__(
        self, *, title: str = MISSING, timeout: float | None = FORM_TIMEOUT_SECONDS
    ) -> None:
        super().__init__(title=title, timeout=timeout)
        # Class-level titles and fields were read when the class was made, in English.
        if self.title:
            self.title = _(self.title)
        for item in self.children:
            if isinstance(item, discord.ui.TextInput):
                # A field's own label: discord.py's property warns (it prefers ui.Label).
                field = item._underlying
                field.label = _(field.label) if field.label else field.label
                item.placeholder = _(item.placeholder) if item.placeholder else item.placeholder

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Refuse anyone but the user the form was opened for, politely."""
        _note_log_ids(interaction)
        await speak_for(interaction)
        if self.owner_id is None or interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(texts.FORM_NOT_YOURS, ephemeral=True)
        return False

    async def on_error(  # type: ignore[override]  # Modal narrows BaseView's signature
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        """Route errors to the one handler."""
        await handle_interaction_error(interaction, error)

    def list_in(self, forms: OpenForms) -> None:
        """Count as open in `forms` until this form stops or times out."""
        forms.add(self)
        self._listed_in = forms

    def stop(self) -> None:
        """Stop waiting for a submission (discord.py does so once one went through)."""
        super().stop()
        self._unlist()

    async def on_timeout(self) -> None:
        """Nobody sent the form in time: it is no longer open."""
        self._unlist()

    def _unlist(self) -> None:
        if self._listed_in is not None:
            self._listed_in.discard(self)
            self._listed_in = None


class BookingModal(SafeModal):
    """A form about one booking of one guild, whose title names the booking.

    `title` may hold ``{booking}``; it is filled in and clipped to what Discord shows.
    The form has no fixed custom_id: two opened side by side each reach their handler.
    """

    def __init__(self, guild_id: int, booking_id: int, title: str) -> None:
        super().__init__(title=clip(_(title).format(booking=booking_id), MODAL_TITLE_MAX))
        self.guild_id, self.booking_id = guild_id, booking_id

    def actor(self, interaction: discord.Interaction) -> Actor:
        """Who sent the form, as an actor of the booking's guild."""
        return actor_for(interaction, self.guild_id)


def paragraph(
    *,
    label: str,
    custom_id: str,
    max_length: int,
    placeholder: str | None = None,
    default: str | None = None,
    required: bool = True,
) -> discord.ui.TextInput[Any]:
    """A form's multi-line text field; `default`, the text it starts with, is made to fit.

    The starting text is clipped to `max_length` (see `prefill`), as Discord refuses a
    form whose field starts longer; discord.py's defaults where an option is not given.
    """
    return discord.ui.TextInput(
        label=label,
        custom_id=custom_id,
        style=discord.TextStyle.paragraph,
        placeholder=placeholder,
        default=prefill(default, max_length=max_length),
        max_length=max_length,
        required=required,
    )


async def open_form(interaction: discord.Interaction, modal: SafeModal) -> None:
    """Show `modal` to the user of `interaction`; only they may submit it."""
    modal.owner_id = interaction.user.id
    await interaction.response.send_modal(modal)
    forms = _open_forms_of(interaction)
    if forms is not None:
        modal.list_in(forms)


def _open_forms_of(interaction: discord.Interaction) -> OpenForms | None:
    """The bot's open forms (None for a client that keeps no such list)."""
    found = getattr(interaction.client, "open_forms", None)
    return found if isinstance(found, OpenForms) else None


def services_of(interaction: discord.Interaction) -> ServiceContext:
    """The bot's services (the client is our TutorBot)."""
    services: ServiceContext = interaction.client.services  # type: ignore[attr-defined]
    return services


class PersistentButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"(?!)",  # never matches: only subclasses are registered
):
    """A button that survives restarts (its state is in its custom_id); every one of ours.

    Anyone may press it; each subclass's `on_press` decides what they may do. Its log
    lines carry the guild and the user who pressed it.

    discord.py only logs what a persistent item's callback raises (no view's `on_error`
    sees it), and the user would be left with "This interaction failed". So `callback`
    is final: it runs `on_press` and hands any error to the one handler, like the slash
    commands and the menus do. A subclass that sets `denied_text` answers a
    `PermissionDeniedError` (the presser isn't a party to the record) with it instead.
    """

    denied_text: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "callback" in cls.__dict__:
            msg = f"{cls.__name__} must answer presses in on_press: callback handles errors"
            raise TypeError(msg)
        super().__init_subclass__(**kwargs)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Tag the press's log lines and pick its language; `on_press` does the checking."""
        _note_log_ids(interaction)
        await speak_for(interaction, getattr(self, "guild_id", None))
        return True

    async def on_press(self, interaction: discord.Interaction) -> None:
        """Answer a press (every subclass does); what it raises reaches the one handler."""
        raise NotImplementedError

    @final
    async def callback(self, interaction: discord.Interaction) -> None:
        """Run `on_press`, answering any error it raises once, here."""
        try:
            await self.on_press(interaction)
        except Exception as error:
            if isinstance(error, PermissionDeniedError) and self.denied_text is not None:
                await interaction.response.send_message(_(self.denied_text), ephemeral=True)
            else:
                await handle_interaction_error(interaction, error)


class RecordButton(
    PersistentButton,
    template=r"(?!)",  # never matches: only subclasses are registered
):
    """A persistent button acting on one record (a booking, a case) of one guild.

    Its custom_id is ``<prefix>:<guild id>:<record id>``, so it survives a restart.
    Subclasses give the prefix as a class argument and set `label` and `style`:
    ``class CheckInButton(RecordButton, prefix="session:checkin"): ...``.
    """

    label: ClassVar[str]
    style: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.primary

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(template=rf"{re.escape(prefix)}:(?P<guild>\d+):(?P<id>\d+)")
        cls.prefix = prefix

    prefix: ClassVar[str]

    def __init__(self, guild_id: int, record_id: int) -> None:
        self.guild_id, self.record_id = guild_id, record_id
        super().__init__(
            discord.ui.Button(
                label=self.label_for(record_id),
                style=self.style,
                custom_id=f"{self.prefix}:{guild_id}:{record_id}",
            )
        )

    @classmethod
    def label_for(cls, record_id: int) -> str:
        """The button's label (the same for every record unless overridden), translated."""
        return _(cls.label)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its custom_id (after a restart too)."""
        return cls(int(match["guild"]), int(match["id"]))


class NumberedButton(
    RecordButton,
    prefix="numbered",  # never registered: only subclasses are
):
    """A record button with the record's number on it, like ``Resolve #12``.

    `label` is a template with one field, named by `number`: ``label = "Resolve #{case}"``
    and ``number = "case"``.
    """

    number: ClassVar[str]

    @classmethod
    def label_for(cls, record_id: int) -> str:
        """The label with the record's number filled in."""
        return _(cls.label).format(**{cls.number: record_id})


class KeepSelect(discord.ui.Select[_ViewT_co]):
    """A menu's select whose pick waits for the menu's own button (Save, Continue).

    `keep` stores the picked values; the click itself changes nothing the user sees, so
    it is acknowledged without an answer.
    """

    def keep(self, values: list[str]) -> None:
        """Store the picked values (every subclass does)."""
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction) -> None:
        """Keep the pick; nothing to answer."""
        self.keep(self.values)
        await interaction.response.defer()


def label_options(
    labels: Mapping[str, str], chosen: Container[object] = ()
) -> list[discord.SelectOption]:
    """One option per entry of `labels` (value: label); those in `chosen` come preselected."""
    return [
        discord.SelectOption(label=label, value=value, default=value in chosen)
        for value, label in labels.items()
    ]
