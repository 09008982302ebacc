"""Interaction callbacks and the interaction webhook (followups, @original)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from discord_emulator import errors as err
from discord_emulator import limits, payloads, render
from discord_emulator.backend import Backend
from discord_emulator.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE,
    MODAL,
    UPDATE_MESSAGE,
    PendingInteraction,
    check_callback_type,
)
from discord_emulator.models import EPHEMERAL, InteractionOrigin, Message, Modal, ModalField
from discord_emulator.ops_messages import LOADING
from discord_emulator.rest.common import JSON, Routes, flag, param, read_body

routes = Routes()


def _origin(b: Backend, p: PendingInteraction, *, followup: bool = False) -> InteractionOrigin:
    return InteractionOrigin(p.id, p.user_id, p.label, _metadata(b, p, followup=followup))


def _metadata(b: Backend, p: PendingInteraction, *, followup: bool = False) -> JSON:
    return payloads.interaction_metadata(
        b.world,
        interaction_id=p.id,
        kind=p.type,
        user_id=p.user_id,
        guild_id=p.guild_id,
        interacted_message_id=p.source_message_id,
        original_response_message_id=p.original_message_id if followup else None,
        triggering=p.trigger_metadata,
    )


def build_modal(p: PendingInteraction, data: JSON, opened_by: JSON) -> Modal:
    fields: list[ModalField] = []
    numbered = payloads.numbered_components(list(data.get("components", []) or []))
    for top in numbered:
        label = top.get("label") if top.get("type") == 18 else None
        inner = top.get("components", []) if top.get("type") == 1 else [top.get("component") or {}]
        for comp in inner:
            if not comp.get("custom_id"):
                continue
            fields.append(
                ModalField(
                    custom_id=comp["custom_id"],
                    label=label or comp.get("label"),
                    style=int(comp.get("style", 1)),
                    min_length=comp.get("min_length"),
                    max_length=comp.get("max_length"),
                    required=bool(comp.get("required", True)),
                    value=comp.get("value"),
                    placeholder=comp.get("placeholder"),
                    type=int(comp.get("type", 4)),
                    min_values=comp.get("min_values"),
                    max_values=comp.get("max_values"),
                )
            )
    return Modal(
        title=str(data.get("title", "")),
        custom_id=str(data.get("custom_id", "")),
        fields=fields,
        components=numbered,
        guild_id=p.guild_id,
        channel_id=p.channel_id,
        message_id=p.source_message_id,
        opened_by=opened_by,
    )


@routes("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
async def callback(b: Backend, r: web.Request) -> JSON | None:
    body, files = await read_body(r)
    now = asyncio.get_running_loop().time()
    pending = b.interactions.for_callback(
        param(r, "interaction_id"), param(r, "interaction_token"), now
    )
    cb_type = check_callback_type(pending, body.get("type"))
    data: JSON = body.get("data") or {}
    channel = b.world.channels[pending.channel_id]
    bot = b.world.bot_user
    app_id = b.world.bot.application_id if b.world.bot else bot.id
    msg: Message | None = None
    if cb_type in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
        loading = cb_type == DEFERRED_CHANNEL_MESSAGE
        msg = b.create_message(
            channel,
            bot.id,
            {"flags": data.get("flags")} if loading else data,
            files,
            prefix=["data"],
            message_type=20 if pending.type == APPLICATION_COMMAND else 0,
            webhook_id=app_id,
            interaction=_origin(b, pending),
            extra_flags=LOADING if loading else 0,
            check_dm=False,
        )
        pending.original_message_id = msg.id
        pending.loading = loading
        pending.ephemeral = msg.ephemeral
    elif cb_type in (DEFERRED_UPDATE, UPDATE_MESSAGE):
        source = b.world.messages.get(pending.source_message_id or 0)
        if source is None:
            raise err.unknown("Message", err.UNKNOWN_MESSAGE)
        if cb_type == UPDATE_MESSAGE:
            msg = b.edit_message(source, data, files, prefix=["data"])
        pending.original_message_id = source.id
        pending.ephemeral = source.ephemeral
    elif cb_type == AUTOCOMPLETE_RESULT:
        limits.check_choices(data)
        pending.choices = list(data.get("choices", []) or [])
    elif cb_type == MODAL:
        limits.check_modal(data)
        pending.modal = build_modal(pending, data, _metadata(b, pending))
        labels = [f.label or f.custom_id for f in pending.modal.fields]
        b.say(
            b.bot_name(),
            "opens",
            render.modal_text(pending.modal.title, labels),
            where=b.where(channel),
            ephemeral=True,
        )
    pending.response_type = cb_type
    pending.capture_handlers()
    pending.touch()
    b.notify()
    if not flag(r, "with_response"):
        return None
    result: JSON = {
        "interaction": {
            "id": str(pending.id),
            "type": pending.type,
            "response_message_loading": pending.loading,
            "response_message_ephemeral": pending.ephemeral,
        }
    }
    if pending.original_message_id is not None and cb_type != AUTOCOMPLETE_RESULT:
        result["interaction"]["response_message_id"] = str(pending.original_message_id)
    if msg is not None and cb_type in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
        # Discord documents a resource for these two (and LAUNCH_ACTIVITY) only.
        result["resource"] = {"type": cb_type, "message": b.message_payload(msg)}
    return result


def _pending(b: Backend, r: web.Request) -> PendingInteraction:
    app_id = b.world.bot.application_id if b.world.bot else 0
    return b.interactions.for_webhook(
        param(r, "application_id"), param(r, "token"), app_id, asyncio.get_running_loop().time()
    )


def _webhook_message(b: Backend, p: PendingInteraction, raw_id: str) -> Message:
    if raw_id == "@original":
        target = p.original_message_id
    else:
        try:
            target = int(raw_id)
        except ValueError:
            target = None
        allowed = {m.id for m in p.followups} | {p.original_message_id}
        if target not in allowed:
            target = None
    msg = b.world.messages.get(target or 0)
    if msg is None or msg.deleted:
        raise err.unknown("Message", err.UNKNOWN_MESSAGE)
    return msg


@routes("POST", "/webhooks/{application_id}/{token}")
async def followup(b: Backend, r: web.Request) -> JSON | None:
    pending = _pending(b, r)
    body, files = await read_body(r)
    original = b.world.messages.get(pending.original_message_id or 0)
    if pending.loading and original is not None:
        # Discord turns the first followup after a deferral into the deferred message.
        msg = b.edit_message(original, {k: v for k, v in body.items() if k != "flags"}, files)
        pending.loading = False
    else:
        channel = b.world.channels[pending.channel_id]
        bot = b.world.bot_user
        msg = b.create_message(
            channel,
            bot.id,
            body,
            files,
            webhook_id=int(param(r, "application_id")),
            interaction=_origin(b, pending, followup=True),
            check_dm=False,
        )
    pending.followups.append(msg)
    pending.touch()
    if not flag(r, "wait"):
        return None
    return b.message_payload(msg)


@routes("GET", "/webhooks/{application_id}/{token}/messages/{message_id}")
async def get_webhook_message(b: Backend, r: web.Request) -> JSON:
    pending = _pending(b, r)
    return b.message_payload(_webhook_message(b, pending, param(r, "message_id")))


@routes("PATCH", "/webhooks/{application_id}/{token}/messages/{message_id}")
async def edit_webhook_message(b: Backend, r: web.Request) -> JSON:
    pending = _pending(b, r)
    msg = _webhook_message(b, pending, param(r, "message_id"))
    body, files = await read_body(r)
    body.pop("flags", None) if msg.flags & EPHEMERAL else None
    b.edit_message(msg, body, files)
    if msg.id == pending.original_message_id:
        pending.loading = False
        pending.completed = True
    pending.touch()
    return b.message_payload(msg)


@routes("DELETE", "/webhooks/{application_id}/{token}/messages/{message_id}")
async def delete_webhook_message(b: Backend, r: web.Request) -> None:
    pending = _pending(b, r)
    b.delete_message(_webhook_message(b, pending, param(r, "message_id")))
    pending.touch()
