"""Every REST request is checked against Discord's openapi.json and its documented limits.

Raw HTTP, so each test sends exactly the payload under test; each asserts Discord's
answer (400, 50035, the ``errors`` path and code) and that the violation was recorded.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from discord_emulator import Emulator
from discord_emulator.contract_requests import resolve
from discord_emulator.errors import DiscordAPIError
from discord_emulator.interactions import PendingInteraction
from discord_emulator.limits import check_modal
from discord_emulator.rest import channels, interactions, misc
from discord_emulator.testing import running_emulator
from discord_emulator.violations import ContractViolationError

JSON = dict[str, Any]


@pytest.fixture
async def http(emu: Emulator) -> AsyncIterator[aiohttp.ClientSession]:
    emu.add_bot(token="tkn")
    async with aiohttp.ClientSession(headers={"Authorization": "Bot tkn"}) as session:
        yield session


def first_error(body: JSON, *path: str | int) -> JSON:
    node = body["errors"]
    for part in path:
        node = node[str(part)]
    return node["_errors"][0]


async def refused(
    emu: Emulator, http: aiohttp.ClientSession, method: str, path: str, **kwargs: Any
) -> JSON:
    """Send a request Discord refuses; its 400 body (the violation is marked expected)."""
    with emu.expect_violations() as found:
        async with http.request(method, emu.api_base + path, **kwargs) as resp:
            assert resp.status == 400
            body: JSON = await resp.json()
    assert body["code"] == 50035
    assert body["message"] == "Invalid Form Body"
    assert [v.path for v in found] == ["/api/v10" + path.split("?", maxsplit=1)[0]]
    return body


def test_every_emulator_route_is_in_the_document():
    for module in (misc, channels, interactions):
        for method, template, _ in module.routes.defs:
            concrete = template.replace("{kind}", "public")
            assert resolve(method, template, concrete).operation_id


def test_literal_paths_win_over_parameters():
    original = "/webhooks/1/tok/messages/@original"
    assert resolve("PATCH", "/webhooks/{application_id}/{token}/messages/{message_id}", original)
    assert resolve("PATCH", "", original).path.endswith("/messages/@original")


async def test_a_nonce_longer_than_25_is_refused(emu: Emulator, http):
    general = emu.channels(emu.add_guild("Campus"))[0]
    body = await refused(
        emu,
        http,
        "POST",
        f"/channels/{general.id}/messages",
        json={"content": "closed", "nonce": "space-closed-" + "1" * 19},
    )
    assert first_error(body, "nonce") == {
        "code": "BASE_TYPE_MAX_LENGTH",
        "message": "Must be 25 or fewer in length.",
    }
    assert emu.messages(general) == []


async def test_an_ill_typed_field_is_named(emu: Emulator, http):
    general = emu.channels(emu.add_guild("Campus"))[0]
    path = f"/channels/{general.id}/messages"
    body = await refused(emu, http, "POST", path, json={"content": "hi", "tts": "yes"})
    assert first_error(body, "tts")["code"] == "BASE_TYPE_BOOLEAN"
    body = await refused(emu, http, "POST", path, json={"content": 5})
    assert first_error(body, "content")["code"] == "BASE_TYPE_STRING"


async def test_unknown_fields_are_ignored_like_discord(emu: Emulator, http):
    general = emu.channels(emu.add_guild("Campus"))[0]
    url = f"{emu.api_base}/channels/{general.id}/messages"
    async with http.post(url, json={"content": "hi", "not_a_field": 1}) as resp:
        assert resp.status == 200
    assert emu.contract_violations == []


async def test_a_component_error_names_the_component_field(emu: Emulator, http):
    general = emu.channels(emu.add_guild("Campus"))[0]
    button = {"type": 2, "style": 1, "custom_id": "b", "label": "l" * 81}
    body = await refused(
        emu,
        http,
        "POST",
        f"/channels/{general.id}/messages",
        json={"components": [{"type": 1, "components": [button]}]},
    )
    assert first_error(body, "components", 0, "components", 0, "label")["code"] == (
        "BASE_TYPE_MAX_LENGTH"
    )


async def test_an_unknown_component_type_is_a_union_choice(emu: Emulator, http):
    general = emu.channels(emu.add_guild("Campus"))[0]
    body = await refused(
        emu,
        http,
        "POST",
        f"/channels/{general.id}/messages",
        json={"components": [{"type": 99}]},
    )
    error = first_error(body, "components", 0, "type")
    assert error["code"] == "UNION_TYPE_CHOICES"
    assert error["message"].startswith('Value of field "type" must be one of (1, ')


async def test_a_select_without_options_is_refused(emu: Emulator, http):
    general = emu.channels(emu.add_guild("Campus"))[0]
    select = {"type": 3, "custom_id": "subject", "options": []}
    body = await refused(
        emu,
        http,
        "POST",
        f"/channels/{general.id}/messages",
        json={"content": "pick", "components": [{"type": 1, "components": [select]}]},
    )
    assert first_error(body, "components", 0, "components", 0, "options") == {
        "code": "BASE_TYPE_BAD_LENGTH",
        "message": "Must be between 1 and 25 in length.",
    }


def multipart(payload: JSON) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("payload_json", json.dumps(payload), content_type="application/json")
    form.add_field("files[0]", b"\x00\x01 binary \r\n", filename="a.bin")
    return form


async def test_multipart_payload_json_is_validated(emu: Emulator, http):
    general = emu.channels(emu.add_guild("Campus"))[0]
    path = f"/channels/{general.id}/messages"
    bad = multipart({"content": "file", "nonce": "n" * 26, "attachments": [{"id": 0}]})
    body = await refused(emu, http, "POST", path, data=bad)
    assert first_error(body, "nonce")["code"] == "BASE_TYPE_MAX_LENGTH"
    good = multipart({"content": "file", "attachments": [{"id": 0, "filename": "a.bin"}]})
    async with http.post(emu.api_base + path, data=good) as resp:
        assert resp.status == 200
    (message,) = emu.messages(general)
    assert message.content == "file"
    assert message.attachments[0].data == b"\x00\x01 binary \r\n"  # the handler got the body


async def test_query_parameters_are_coerced_then_checked(emu: Emulator, http):
    general = emu.channels(emu.add_guild("Campus"))[0]
    path = f"/channels/{general.id}/messages"
    body = await refused(emu, http, "GET", path + "?limit=abc")
    assert first_error(body, "limit") == {
        "code": "NUMBER_TYPE_COERCE",
        "message": 'Value "abc" is not int.',
    }
    body = await refused(emu, http, "GET", path + "?limit=500")
    assert first_error(body, "limit")["code"] == "NUMBER_TYPE_MAX"
    async with http.get(emu.api_base + path + "?limit=100") as resp:
        assert resp.status == 200


async def test_path_snowflakes_are_checked(emu: Emulator, http):
    guild = emu.add_guild("Campus")
    body = await refused(emu, http, "GET", "/channels/abc")
    assert first_error(body, "channel_id") == {
        "code": "NUMBER_TYPE_COERCE",
        "message": 'Value "abc" is not snowflake.',
    }
    # `@me` is a literal path only where the document has one
    body = await refused(emu, http, "GET", f"/guilds/{guild.id}/members/@me")
    assert first_error(body, "user_id")["code"] == "NUMBER_TYPE_COERCE"


async def test_integer_snowflakes_in_bodies_are_accepted(emu: Emulator, http):
    guild = emu.add_guild("Campus")
    category = emu.add_category(guild, "Sessions")
    url = f"{emu.api_base}/guilds/{guild.id}/channels"
    async with http.post(url, json={"name": "room", "parent_id": category.id}) as resp:
        assert resp.ok  # discord.py sends ints; Discord parses them
    assert emu.contract_violations == []


async def test_channel_names_are_1_to_100_on_update(emu: Emulator, http):
    general = emu.channels(emu.add_guild("Campus"))[0]
    path = f"/channels/{general.id}"
    body = await refused(emu, http, "PATCH", path, json={"name": ""})
    assert first_error(body, "name") == {
        "code": "BASE_TYPE_BAD_LENGTH",
        "message": "Must be between 1 and 100 in length.",
    }
    body = await refused(emu, http, "PATCH", path, json={"name": "n" * 101})
    # the document's PATCH body is a union of channel kinds; each caps the name at 100
    assert first_error(body, "name")["code"] in ("BASE_TYPE_MAX_LENGTH", "BASE_TYPE_BAD_LENGTH")
    assert general.name == "general"


def command(name: str = "book", **extra: Any) -> JSON:
    return {"name": name, "type": 1, "description": "Book a session", **extra}


def option(name: str, *, required: bool = False, **extra: Any) -> JSON:
    return {"type": 3, "name": name, "description": "an option", "required": required, **extra}


@pytest.mark.parametrize(
    ("commands", "path", "code"),
    [
        ([command("Book")], [0, "name"], "APPLICATION_COMMAND_INVALID_NAME"),
        ([command("book now")], [0, "name"], "APPLICATION_COMMAND_INVALID_NAME"),
        ([command(description="")], [0, "description"], "BASE_TYPE_BAD_LENGTH"),
        (
            [command(options=[option("when"), option("who", required=True)])],
            [0, "options"],
            "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
        ),
        (
            [command(options=[option("Who")])],
            [0, "options", 0, "name"],
            "APPLICATION_COMMAND_INVALID_NAME",
        ),
        (
            [command(options=[option(f"o{i}") for i in range(26)])],
            [0, "options"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            [
                command(
                    options=[
                        option(
                            "subject",
                            choices=[{"name": f"c{i}", "value": f"v{i}"} for i in range(26)],
                        )
                    ]
                )
            ],
            [0, "options", 0, "choices"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            [
                command(
                    options=[
                        {
                            "type": 1,
                            "name": f"sub{i}",
                            "description": "d" * 100,
                            "options": [option(f"o{j}", description="e" * 100) for j in range(5)],
                        }
                        for i in range(8)
                    ]
                )
            ],
            [0],
            "APPLICATION_COMMAND_TOO_LARGE",
        ),
        (
            [command(name_localizations={"es": "reservar"})],
            [0, "name_localizations", "es"],
            "LOCALE_INVALID",
        ),
        (
            [command(name_localizations={"es-ES": "Reservar ya"})],
            [0, "name_localizations", "es-ES"],
            "APPLICATION_COMMAND_INVALID_NAME",
        ),
        (
            [command(description_localizations={"de": "d" * 101})],
            [0, "description_localizations", "de"],
            "BASE_TYPE_BAD_LENGTH",
        ),
        (
            [
                command(
                    options=[
                        option(
                            "sort",
                            choices=[
                                {"name": "best", "value": "best", "name_localizations": {"de": ""}}
                            ],
                        )
                    ]
                )
            ],
            [0, "options", 0, "choices", 0, "name_localizations", "de"],
            "BASE_TYPE_BAD_LENGTH",
        ),
    ],
)
async def test_command_tree_rules(emu: Emulator, http, commands, path, code):
    app = emu.world.bot.application_id
    body = await refused(emu, http, "PUT", f"/applications/{app}/commands", json=commands)
    assert first_error(body, *path)["code"] == code
    assert emu.commands() == []


async def test_localized_commands_within_the_rules_are_kept(emu: Emulator, http):
    app = emu.world.bot.application_id
    url = f"{emu.api_base}/applications/{app}/commands"
    localized = command(
        name_localizations={"es-ES": "reservar", "de": "buchen"},
        description_localizations={"es-ES": "Reserva una sesión", "de": "Eine Sitzung buchen"},
    )
    async with http.put(url, json=[localized]) as resp:
        assert resp.status == 200
    assert emu.commands()[0]["description_localizations"]["de"] == "Eine Sitzung buchen"


async def test_user_commands_may_have_capitals_and_spaces(emu: Emulator, http):
    app = emu.world.bot.application_id
    url = f"{emu.api_base}/applications/{app}/commands"
    async with http.put(url, json=[{"name": "View Profile", "type": 2}]) as resp:
        assert resp.status == 200
    assert [c["name"] for c in emu.commands()] == ["View Profile"]


@pytest.mark.parametrize(
    ("field", "code"),
    [
        ({"value": "v" * 11, "max_length": 10}, "BASE_TYPE_MAX_LENGTH"),
        ({"value": "v", "min_length": 2}, "BASE_TYPE_MIN_LENGTH"),
    ],
)
def test_a_modal_prefill_must_fit_its_own_bounds(field, code):
    text_input = {"type": 4, "custom_id": "bio", "label": "Bio", "style": 2, **field}
    data = {
        "title": "Edit",
        "custom_id": "m",
        "components": [{"type": 1, "components": [text_input]}],
    }
    with pytest.raises(DiscordAPIError) as info:
        check_modal(data)
    assert (info.value.status, info.value.code) == (400, 50035)
    node = info.value.errors["data"]["components"]["0"]["components"]["0"]["value"]
    assert node["_errors"][0]["code"] == code
    check_modal({**data, "components": [{"type": 1, "components": [{**text_input, "value": ""}]}]})


async def test_expect_violations_fails_when_nothing_was_refused(emu: Emulator):
    with pytest.raises(ContractViolationError), emu.expect_violations():
        pass


def test_unexpected_violations_fail_with_method_path_and_tree(emu: Emulator):
    from discord_emulator.models import ErrorRecord

    errors = {"nonce": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "m"}]}}
    emu.contract_violations.append(
        ErrorRecord(
            400, 50035, "Invalid Form Body", "POST", "/r", "/api/v10/r", body={"errors": errors}
        )
    )
    with pytest.raises(ContractViolationError) as info:
        emu.assert_no_violations()
    text = str(info.value)
    assert "POST /api/v10/r → 400 50035" in text
    assert '"BASE_TYPE_MAX_LENGTH"' in text
    emu.contract_violations.clear()


async def test_permission_bits_may_be_strings(emu: Emulator, http):
    guild = emu.add_guild("Campus")
    general = emu.channels(guild)[0]
    url = f"{emu.api_base}/channels/{general.id}/permissions/{guild.id}"
    body = {"type": 0, "allow": "3146752", "deny": "0"}  # strings since API v8
    async with http.put(url, json=body) as resp:
        assert resp.status == 204
    path = f"/channels/{general.id}/permissions/{guild.id}"
    refusal = await refused(emu, http, "PUT", path, json={"type": 0, "allow": "lots"})
    assert first_error(refusal, "allow")["code"] == "NUMBER_TYPE_COERCE"


async def send_a_bad_path(*, then_fail: bool = False) -> None:
    """Run an emulator, send it ``GET /channels/abc``, and optionally fail afterwards."""
    async with running_emulator() as emu:
        emu.add_bot(token="tkn")
        headers = {"Authorization": "Bot tkn"}
        async with (
            aiohttp.ClientSession(headers=headers) as session,
            session.get(f"{emu.api_base}/channels/abc") as resp,
        ):
            assert resp.status == 400
        if then_fail:
            raise RuntimeError("the test's own failure")


async def test_running_emulator_fails_on_a_violation_left_at_the_end():
    with pytest.raises(ContractViolationError, match=r"GET /api/v10/channels/abc → 400 50035"):
        await send_a_bad_path()


async def test_a_failing_test_gets_the_violations_as_a_note():
    with pytest.raises(RuntimeError) as info:
        await send_a_bad_path(then_fail=True)
    assert any("NUMBER_TYPE_COERCE" in note for note in info.value.__notes__)


def pending_interaction(emu: Emulator, channel_id: int, guild_id: int) -> PendingInteraction:
    """An interaction waiting for its response, as if a user had just run a command."""
    now = asyncio.get_running_loop().time()
    pending = PendingInteraction(
        id=emu.world.ids.next(),
        token="itoken",
        type=2,
        user_id=emu.add_user("alice").id,
        guild_id=guild_id,
        channel_id=channel_id,
        created=now,
        deadline=now + 60,
        label="/book",
    )
    emu.interactions.add(pending)
    return pending


async def test_interaction_callbacks_are_checked_without_auth(emu: Emulator):
    emu.add_bot(token="tkn")
    guild = emu.add_guild("Campus")
    p = pending_interaction(emu, emu.channels(guild)[0].id, guild.id)
    text_input = {"type": 4, "custom_id": "bio", "label": "Bio", "style": 2}
    modal = {
        "type": 9,
        "data": {
            "title": "About you",
            "custom_id": "profile",
            "components": [
                {"type": 1, "components": [{**text_input, "value": "v" * 11, "max_length": 10}]}
            ],
        },
    }
    path = f"/interactions/{p.id}/{p.token}/callback"
    async with aiohttp.ClientSession() as anonymous:  # the token is the credential
        with emu.expect_violations() as found:
            async with anonymous.post(emu.api_base + path, json=modal) as resp:
                assert resp.status == 400
                body = await resp.json()
        field = first_error(body, "data", "components", 0, "components", 0, "value")
        assert field["code"] == "BASE_TYPE_MAX_LENGTH"
        long_title = {**modal, "data": {**modal["data"], "title": "t" * 46}}
        with emu.expect_violations():
            async with anonymous.post(emu.api_base + path, json=long_title) as resp:
                body = await resp.json()
        assert first_error(body, "data", "title")["code"] == "BASE_TYPE_BAD_LENGTH"
        reply = {"type": 4, "data": {"content": "ok"}}
        async with anonymous.post(emu.api_base + path, json=reply) as resp:
            assert resp.status == 204
        select = {"type": 3, "custom_id": "s", "options": []}
        followup = {"content": "pick", "components": [{"type": 1, "components": [select]}]}
        app = emu.world.bot.application_id
        with emu.expect_violations():
            async with anonymous.post(
                f"{emu.api_base}/webhooks/{app}/{p.token}", json=followup
            ) as resp:
                assert resp.status == 400
                body = await resp.json()
        assert first_error(body, "components", 0, "components", 0, "options")
    assert [v.route for v in found] == [
        "/interactions/{interaction_id}/{interaction_token}/callback"
    ]
