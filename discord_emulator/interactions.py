"""Bookkeeping for interactions the emulator has dispatched to the bot."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from discord_emulator import errors as err
from discord_emulator.models import JSON, Message, Modal

WEBHOOK_TOKEN_LIFETIME = 15 * 60.0

PING, APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5

# callback types
PONG, CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE = 1, 4, 5
DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = 6, 7, 8, 9

KIND_BY_CALLBACK = {
    CHANNEL_MESSAGE: "message",
    DEFERRED_CHANNEL_MESSAGE: "deferred",
    DEFERRED_UPDATE: "deferred_update",
    UPDATE_MESSAGE: "update",
    MODAL: "modal",
    AUTOCOMPLETE_RESULT: "autocomplete",
    PONG: "pong",
}

ALLOWED_CALLBACKS: dict[int, tuple[int, ...]] = {
    PING: (PONG,),
    APPLICATION_COMMAND: (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL),
    COMPONENT: (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL),
    AUTOCOMPLETE: (AUTOCOMPLETE_RESULT,),
    MODAL_SUBMIT: (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE),
}


# Names discord.py gives the tasks that run interaction handlers (app_commands/tree.py,
# ui/view.py, ui/modal.py, client.py for on_interaction listeners).
HANDLER_TASK_PREFIXES = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-dynamic-item-",
    "discord-ui-modal-dispatch-",
    "discord.py: on_interaction",
)


def handler_tasks() -> set[asyncio.Task[Any]]:
    """Running discord.py interaction-handler tasks (only visible for an in-process bot)."""
    return {
        t
        for t in asyncio.all_tasks()
        if t.get_name().startswith(HANDLER_TASK_PREFIXES) and not t.done()
    }


@dataclass
class PendingInteraction:
    id: int
    token: str
    type: int
    user_id: int
    guild_id: int | None
    channel_id: int
    created: float
    deadline: float
    label: str
    source_message_id: int | None = None
    response_type: int | None = None
    ephemeral: bool = False
    expired: bool = False
    original_message_id: int | None = None
    loading: bool = False
    completed: bool = False
    followups: list[Message] = field(default_factory=list)
    errors: list[int] = field(default_factory=list)
    choices: list[JSON] = field(default_factory=list)
    modal: Modal | None = None
    # a modal submit's: the interaction_metadata of the interaction that opened the modal
    trigger_metadata: JSON | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    tasks_before: set[asyncio.Task[Any]] = field(default_factory=set)
    handlers: list[asyncio.Task[Any]] = field(default_factory=list)

    def capture_handlers(self) -> None:
        """Remember the bot's handler tasks for this interaction (called at callback time)."""
        self.handlers = [t for t in handler_tasks() if t not in self.tasks_before]
        self.tasks_before = set()
        for task in self.handlers:
            task.add_done_callback(lambda _: self.touch())

    @property
    def handlers_finished(self) -> bool:
        return bool(self.handlers) and all(t.done() for t in self.handlers)

    @property
    def kind(self) -> str:
        if self.response_type is None:
            return "none"
        return KIND_BY_CALLBACK.get(self.response_type, "none")

    def touch(self) -> None:
        self.changed.set()


class InteractionRegistry:
    def __init__(self) -> None:
        self.by_id: dict[int, PendingInteraction] = {}
        self.by_token: dict[str, PendingInteraction] = {}

    def add(self, pending: PendingInteraction) -> None:
        self.by_id[pending.id] = pending
        self.by_token[pending.token] = pending

    def for_callback(self, interaction_id: str, token: str, now: float) -> PendingInteraction:
        try:
            pending = self.by_id[int(interaction_id)]
        except (KeyError, ValueError):
            raise err.unknown_interaction() from None
        if pending.token != token:
            raise err.unknown_interaction()
        if pending.response_type is not None:
            raise err.already_acknowledged()
        if pending.expired or now > pending.deadline:
            pending.expired = True
            raise err.unknown_interaction()
        return pending

    def for_webhook(
        self, application_id: str, token: str, app_id: int, now: float
    ) -> PendingInteraction:
        pending = self.by_token.get(token)
        if (
            pending is None
            or str(app_id) != application_id
            or pending.response_type is None
            or now > pending.created + WEBHOOK_TOKEN_LIFETIME
        ):
            raise err.unknown("Webhook", err.UNKNOWN_WEBHOOK)
        return pending


def check_callback_type(pending: PendingInteraction, callback_type: Any) -> int:
    allowed = ALLOWED_CALLBACKS.get(pending.type, ())
    if not isinstance(callback_type, int) or callback_type not in allowed:
        raise err.DiscordAPIError(
            400,
            40043 if callback_type == MODAL else 50035,
            "Interaction callback type invalid for this interaction",
            {
                "type": {
                    "_errors": [
                        {
                            "code": "INTERACTION_CALLBACK_TYPE_INVALID",
                            "message": "Invalid callback type",
                        }
                    ]
                }
            },
        )
    if callback_type == UPDATE_MESSAGE and pending.source_message_id is None:
        raise err.DiscordAPIError(
            400,
            50035,
            "Invalid Form Body",
            {
                "type": {
                    "_errors": [
                        {
                            "code": "INTERACTION_UPDATE_MESSAGE_INVALID",
                            "message": "No message to update",
                        }
                    ]
                }
            },
        )
    return callback_type
