"""File Upload (component type 19) in modals, and users posting messages with files.

A tiny discord.py bot opens modals holding ``discord.ui.FileUpload`` inside a
``discord.ui.Label``; the harness submits files as the field's value; the bot reads
``FileUpload.values`` (``discord.Attachment``) and downloads them with ``read()``.
What Discord's client refuses (too many files, too few, too big, a required upload left
empty) raises ``ValueError`` in the test; what Discord's API refuses (a File Upload
outside a Label, outside a modal, values out of range) is a 400 50035.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from discord_emulator import Emulator, Guild, User
from discord_emulator.actions_components import picked_files
from discord_emulator.contract_dispatches import dispatch_faults
from discord_emulator.interactions import PendingInteraction
from discord_emulator.limits import USER_UPLOAD_MAX_BYTES
from discord_emulator.models import Attachment
from discord_emulator.testing import running_bot

JSON = dict[str, Any]

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n" + b"receipt " * 500


@dataclass
class Received:
    """What the bot saw: per submit, (filename, content_type, size, bytes read)."""

    submits: list[list[tuple[str, str | None, int, bytes]]] = field(default_factory=list)
    raw: list[JSON] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    messages: list[list[tuple[str, int, bytes]]] = field(default_factory=list)


async def _read_all(upload: discord.ui.FileUpload) -> list[tuple[str, str | None, int, bytes]]:
    return [(a.filename, a.content_type, a.size, await a.read()) for a in upload.values]


class EvidenceModal(discord.ui.Modal, title="Upload evidence"):
    def __init__(self, received: Received, *, required: bool = True, min_values: int = 1) -> None:
        super().__init__(custom_id="evidence")
        self.received = received
        self.upload = discord.ui.FileUpload(
            custom_id="evidence:files", required=required, min_values=min_values, max_values=3
        )
        self.note = discord.ui.TextInput(custom_id="evidence:note", required=False, max_length=10)
        self.add_item(discord.ui.Label(text="Screenshots", component=self.upload))
        self.add_item(discord.ui.Label(text="Note", component=self.note))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert interaction.data is not None
        self.received.raw.append(dict(interaction.data))
        files = await _read_all(self.upload)
        self.received.submits.append(files)
        self.received.notes.append(self.note.value)
        summary = ", ".join(f"{name} ({size} B)" for name, _, size, _ in files) or "no files"
        await interaction.response.send_message(f"Got {summary}", ephemeral=True)


class UploadBot(discord.Client):
    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(intents=intents)
        self.tree = app_commands.CommandTree(self)
        self.received = Received()

        @self.tree.command(description="Hand in evidence")
        async def evidence(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(EvidenceModal(self.received))

        @self.tree.command(description="Hand in evidence, files optional")
        async def maybe(interaction: discord.Interaction) -> None:
            modal = EvidenceModal(self.received, required=False, min_values=2)
            await interaction.response.send_modal(modal)

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        got = [(a.filename, a.size, await a.read()) for a in message.attachments]
        self.received.messages.append(got)


@dataclass
class Campus:
    emu: Emulator
    bot: UploadBot
    guild: Guild
    alice: User


@pytest.fixture
async def campus(emu: Emulator) -> AsyncIterator[Campus]:
    emu.add_bot(token="tkn", name="TutorBot")
    alice = emu.add_user("alice")
    guild = emu.add_guild("Campus", owner=emu.add_user("olga"))
    emu.add_member(guild, alice)
    async with running_bot(emu, UploadBot(), "tkn") as bot:
        await emu.wait_for_commands_synced()
        yield Campus(emu, bot, guild, alice)


async def open_modal(c: Campus, command: str = "evidence") -> Any:
    opened = await c.emu.slash(c.alice, c.guild, command)
    assert opened.kind == "modal"
    assert opened.modal is not None
    return opened.modal


# ---- the bot gets the files -------------------------------------------------------------


async def test_the_bot_reads_and_downloads_the_uploaded_files(campus: Campus):
    emu = campus.emu
    modal = await open_modal(campus)
    upload = modal.field("Screenshots")
    assert (upload.type, upload.custom_id, upload.required) == (19, "evidence:files", True)
    assert (upload.min_values, upload.max_values) == (1, 3)
    done = await emu.submit_modal(
        campus.alice,
        modal,
        {"Screenshots": [("screen.png", PNG, "image/png"), ("receipt.pdf", PDF)], "Note": "hi"},
    )
    assert done.kind == "message"
    assert done.ephemeral
    assert done.text == f"Got screen.png ({len(PNG)} B), receipt.pdf ({len(PDF)} B)"
    assert campus.bot.received.submits == [
        [
            ("screen.png", "image/png", len(PNG), PNG),
            ("receipt.pdf", "application/octet-stream", len(PDF), PDF),
        ]
    ]
    assert campus.bot.received.notes == ["hi"]
    # the submit: values are the attachment ids, resolved.attachments has them in full
    raw = campus.bot.received.raw[0]
    label = raw["components"][0]
    assert label["type"] == 18
    leaf = label["component"]
    assert leaf["type"] == 19
    assert leaf["custom_id"] == "evidence:files"
    assert isinstance(leaf["id"], int)
    attachments = raw["resolved"]["attachments"]
    assert list(attachments) == leaf["values"]
    first = attachments[leaf["values"][0]]
    assert first["filename"] == "screen.png"
    assert first["size"] == len(PNG)
    assert first["content_type"] == "image/png"
    assert first["url"] == first["proxy_url"]
    assert first["url"].endswith(f"/{first['id']}/screen.png")
    assert raw["components"][1]["component"] == {
        "type": 4,
        "custom_id": "evidence:note",
        "id": raw["components"][1]["component"]["id"],
        "value": "hi",
    }
    # the transcript names the files
    assert "Screenshots=📎 screen.png, receipt.pdf" in emu.format_transcript()
    # and anyone with the url can fetch the bytes, as from Discord's CDN
    async with aiohttp.ClientSession() as http, http.get(first["url"]) as resp:
        assert resp.status == 200
        assert resp.content_type == "image/png"
        assert await resp.read() == PNG


async def test_files_can_be_attachments_and_each_upload_is_a_new_attachment(campus: Campus):
    given = Attachment(id=1, filename="scan.jpg", data=b"JPEG" * 100, content_type="image/jpeg")
    for _ in range(2):  # a modal is submitted once: open it again
        modal = await open_modal(campus)
        await campus.emu.submit_modal(campus.alice, modal, {"evidence:files": [given]})
    first, second = (raw["components"][0]["component"] for raw in campus.bot.received.raw)
    assert first["values"] != second["values"]
    assert str(given.id) not in first["values"] + second["values"]
    assert [s[0][::3] for s in campus.bot.received.submits] == [("scan.jpg", b"JPEG" * 100)] * 2


async def test_an_optional_upload_may_be_left_empty(campus: Campus):
    modal = await open_modal(campus, "maybe")
    assert modal.field("Screenshots").required is False
    done = await campus.emu.submit_modal(campus.alice, modal, {})
    assert done.text == "Got no files"
    raw = campus.bot.received.raw[0]
    assert raw["components"][0]["component"]["values"] == []
    assert "resolved" not in raw
    # left empty it passes whatever min_values says; with files, min_values counts
    with pytest.raises(ValueError, match="takes 2 to 3 files, got 1"):
        await campus.emu.submit_modal(campus.alice, modal, {"Screenshots": [("a.png", PNG)]})
    again = await open_modal(campus, "maybe")  # the first one was submitted
    two = await campus.emu.submit_modal(
        campus.alice, again, {"Screenshots": [("a.png", PNG), ("b.png", PNG)]}
    )
    assert two.text == f"Got a.png ({len(PNG)} B), b.png ({len(PNG)} B)"


async def test_a_file_exactly_at_the_upload_limit_is_taken():
    at_limit = bytes(USER_UPLOAD_MAX_BYTES)
    (picked,) = picked_files([("video.mp4", at_limit, "video/mp4")])
    assert (picked.filename, len(picked.data), picked.content_type) == (
        "video.mp4",
        USER_UPLOAD_MAX_BYTES,
        "video/mp4",
    )
    assert USER_UPLOAD_MAX_BYTES == 10 * 1024 * 1024


# ---- what the client refuses: ValueError, nothing sent, nothing uploaded -------------------


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("a.png", PNG)] * 4, "takes 1 to 3 files, got 4"),
        ([("huge.mov", bytes(USER_UPLOAD_MAX_BYTES + 1))], "over the user's upload limit"),
        ([("ok.png", PNG), ("huge.mov", bytes(USER_UPLOAD_MAX_BYTES + 1))], "huge.mov"),
        ([], "'Screenshots' is required"),
        (None, "'Screenshots' is required"),
    ],
    ids=["too-many", "too-big", "one-too-big", "empty-list", "missing"],
)
async def test_the_client_refuses(campus: Campus, files: Any, message: str):
    emu = campus.emu
    modal = await open_modal(campus)
    values = {"Note": "x"} if files is None else {"Screenshots": files}
    before = len(emu.format_transcript())
    with pytest.raises(ValueError, match=message):
        await emu.submit_modal(campus.alice, modal, values)
    assert campus.bot.received.submits == []
    assert emu.world.uploads == {}
    assert "submitted" not in emu.format_transcript()[before:]


async def test_a_failing_text_field_uploads_nothing(campus: Campus):
    modal = await open_modal(campus)
    with pytest.raises(ValueError, match="at most 10 characters"):
        await campus.emu.submit_modal(
            campus.alice, modal, {"Screenshots": [("a.png", PNG)], "Note": "x" * 11}
        )
    assert campus.emu.world.uploads == {}
    assert campus.bot.received.submits == []


@pytest.mark.parametrize(
    "value",
    [("one.png", PNG), "one.png", [("one.png", "not bytes")], [42]],
    ids=["a-lone-tuple", "a-str", "str-content", "not-a-file"],
)
async def test_files_are_given_as_a_list_of_files(value: Any):
    with pytest.raises(TypeError):
        picked_files(value)


# ---- what the API refuses: the modal (or message) the bot sends --------------------------


def pending(emu: Emulator, guild: Guild) -> PendingInteraction:
    """An interaction waiting for its response, as if a user had just run a command."""
    now = asyncio.get_running_loop().time()
    p = PendingInteraction(
        id=emu.world.ids.next(),
        token="itoken",
        type=2,
        user_id=emu.add_user("alice").id,
        guild_id=guild.id,
        channel_id=emu.channels(guild)[0].id,
        created=now,
        deadline=now + 60,
        label="/evidence",
    )
    emu.interactions.add(p)
    return p


def upload(**extra: Any) -> JSON:
    return {"type": 19, "custom_id": "files", **extra}


def in_label(component: JSON) -> JSON:
    return {"type": 18, "label": "Files", "component": component}


def modal(*components: JSON) -> JSON:
    return {"type": 9, "data": {"title": "Evidence", "custom_id": "ev", "components": components}}


def message(*components: JSON, flags: int = 0) -> JSON:
    return {"type": 4, "data": {"content": "x", "flags": flags, "components": list(components)}}


async def callback(emu: Emulator, body: JSON) -> tuple[int, JSON | None]:
    guild = emu.add_guild("Campus")
    p = pending(emu, guild)
    url = f"{emu.api_base}/interactions/{p.id}/{p.token}/callback"
    async with aiohttp.ClientSession() as http, http.post(url, json=body) as resp:
        return resp.status, (await resp.json() if resp.status != 204 else None)


def errors_at(body: JSON, *path: str | int) -> list[JSON]:
    node = body["errors"]
    for part in path:
        node = node[str(part)]
    errors: list[JSON] = node["_errors"]
    return errors


@pytest.mark.parametrize(
    "component",
    [
        upload(),
        upload(min_values=0, max_values=10, required=False, id=7),
        upload(min_values=None, max_values=None, required=True),  # as discord.py sends it
    ],
    ids=["bare", "full-range", "nulls"],
)
async def test_a_modal_with_a_file_upload_in_a_label_is_accepted(emu: Emulator, component: JSON):
    emu.add_bot(token="tkn")
    status, _ = await callback(emu, modal(in_label(component)))
    assert status == 204


@pytest.mark.parametrize(
    ("body", "path", "code"),
    [
        (modal(upload()), ("data", "components", 0, "type"), "UNION_TYPE_CHOICES"),
        (
            modal({"type": 1, "components": [upload()]}),
            ("data", "components", 0, "components", 0, "type"),
            "BASE_TYPE_CHOICES",
        ),
        (
            modal(in_label(upload(min_values=11))),
            ("data", "components", 0, "component", "min_values"),
            "NUMBER_TYPE_MAX",
        ),
        (
            modal(in_label(upload(min_values=-1))),
            ("data", "components", 0, "component", "min_values"),
            "NUMBER_TYPE_MIN",
        ),
        (
            modal(in_label(upload(max_values=0))),
            ("data", "components", 0, "component", "max_values"),
            "NUMBER_TYPE_MIN",
        ),
        (
            modal(in_label(upload(max_values=11))),
            ("data", "components", 0, "component", "max_values"),
            "NUMBER_TYPE_MAX",
        ),
        (
            modal(in_label(upload(custom_id="f" * 101))),
            ("data", "components", 0, "component", "custom_id"),
            "BASE_TYPE_BAD_LENGTH",
        ),
        (
            modal(in_label({"type": 19})),
            ("data", "components", 0, "component", "custom_id"),
            "BASE_TYPE_REQUIRED",
        ),
        (
            message({"type": 1, "components": [upload()]}),
            ("data", "components", 0, "components", 0, "type"),
            "UNION_TYPE_CHOICES",
        ),
        (
            message(upload(), flags=1 << 15),
            ("data", "components", 0, "type"),
            "UNION_TYPE_CHOICES",
        ),
        (
            message(in_label(upload()), flags=1 << 15),
            ("data", "components", 0, "type"),
            "UNION_TYPE_CHOICES",
        ),
        (
            message(in_label(upload())),
            ("data", "components", 0, "type"),
            "UNION_TYPE_CHOICES",
        ),
    ],
    ids=[
        "modal-top-level",
        "modal-action-row",
        "min-values-11",
        "min-values-negative",
        "max-values-0",
        "max-values-11",
        "custom-id-101",
        "no-custom-id",
        "message-action-row",
        "message-v2-top-level",
        "message-v2-label",
        "message-label",
    ],
)
async def test_the_api_refuses(emu: Emulator, body: JSON, path: tuple[str | int, ...], code: str):
    emu.add_bot(token="tkn")
    with emu.expect_violations() as found:
        status, answer = await callback(emu, body)
    assert status == 400
    assert answer is not None
    assert answer["code"] == 50035
    assert code in [e["code"] for e in errors_at(answer, *path)]
    assert len(found) == 1


# ---- users posting messages with files --------------------------------------------------


async def test_a_user_posts_a_message_with_files(campus: Campus):
    emu = campus.emu
    channel = emu.channels(campus.guild)[0]
    posted = await emu.post_message(
        campus.alice, channel, "my notes", files=[("notes.txt", b"x = 1\n"), ("a.png", PNG)]
    )
    assert [a.filename for a in posted.attachments] == ["notes.txt", "a.png"]
    await emu.wait_for(lambda: bool(campus.bot.received.messages))
    assert campus.bot.received.messages == [
        [("notes.txt", 6, b"x = 1\n"), ("a.png", len(PNG), PNG)]
    ]
    only_files = await emu.post_message(campus.alice, channel, files=[("b.pdf", PDF)])
    assert only_files.content == ""
    await emu.wait_for(lambda: len(campus.bot.received.messages) == 2)
    assert hashlib.sha256(campus.bot.received.messages[1][0][2]).digest() == (
        hashlib.sha256(PDF).digest()
    )


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("a.png", PNG)] * 11, "at most 10 files, got 11"),
        ([("huge.mov", bytes(USER_UPLOAD_MAX_BYTES + 1))], "over the user's upload limit"),
    ],
    ids=["eleven-files", "too-big"],
)
async def test_a_user_message_with_files_the_client_refuses(
    emu: Emulator, files: list[Any], message: str
):
    emu.add_bot(token="tkn")
    alice = emu.add_user("alice")
    guild = emu.add_guild("Campus")
    emu.add_member(guild, alice)
    channel = emu.channels(guild)[0]
    with pytest.raises(ValueError, match=message):
        await emu.post_message(alice, channel, "look", files=files)
    assert emu.messages(channel) == []


def test_resolved_attachments_are_checked_against_the_document():
    broken = {"data": {"resolved": {"attachments": {"1": {"id": "1", "filename": "a.png"}}}}}
    faults = dispatch_faults("INTERACTION_CREATE", broken)
    assert faults
    assert all("data/resolved/attachments/1 as AttachmentResponse" in f for f in faults)
