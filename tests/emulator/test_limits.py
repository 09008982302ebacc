from __future__ import annotations

import aiohttp
import pytest

from discord_emulator import DiscordAPIError, Emulator
from discord_emulator.build import convert_option
from discord_emulator.limits import check_choices, check_message, check_modal


def errors_of(fn, *args, **kwargs) -> DiscordAPIError:
    with pytest.raises(DiscordAPIError) as info:
        fn(*args, **kwargs)
    return info.value


def first_code(tree: dict, *path: str | int) -> str:
    node = tree
    for part in path:
        node = node[str(part)]
    return node["_errors"][0]["code"]


def button(custom_id: str, label: str = "b") -> dict:
    return {"type": 2, "style": 1, "label": label, "custom_id": custom_id}


def row(*components: dict) -> dict:
    return {"type": 1, "components": list(components)}


def select(custom_id: str = "s", options: int = 3, **extra) -> dict:
    opts = [{"label": f"o{i}", "value": f"v{i}"} for i in range(options)]
    return {"type": 3, "custom_id": custom_id, "options": opts, **extra}


@pytest.mark.parametrize(
    ("payload", "path", "code"),
    [
        ({"content": "x" * 2001}, ["content"], "BASE_TYPE_MAX_LENGTH"),
        ({"embeds": [{"title": "t"}] * 11}, ["embeds"], "BASE_TYPE_MAX_LENGTH"),
        ({"embeds": [{"title": "t" * 257}]}, ["embeds", 0, "title"], "BASE_TYPE_MAX_LENGTH"),
        (
            {"embeds": [{"description": "d" * 4097}]},
            ["embeds", 0, "description"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]},
            ["embeds", 0, "fields"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"embeds": [{"fields": [{"name": "n" * 257, "value": "v"}]}]},
            ["embeds", 0, "fields", 0, "name"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]},
            ["embeds", 0, "fields", 0, "value"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"embeds": [{"footer": {"text": "f" * 2049}}]},
            ["embeds", 0, "footer", "text"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"embeds": [{"author": {"name": "a" * 257}}]},
            ["embeds", 0, "author", "name"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]},
            ["embeds"],
            "MAX_EMBED_SIZE_EXCEEDED",
        ),
        (
            {"components": [row(button(f"b{i}")) for i in range(6)]},
            ["components"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"components": [row(*[button(f"b{i}") for i in range(6)])]},
            ["components", 0, "components"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"components": [row(select(), button("b"))]},
            ["components", 0, "components"],
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
        ),
        (
            {"components": [row(button("x" * 101))]},
            ["components", 0, "components", 0, "custom_id"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"components": [row(button("b", label="l" * 81))]},
            ["components", 0, "components", 0, "label"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"components": [row(select(options=26))]},
            ["components", 0, "components", 0, "options"],
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"components": [row(select(min_values=3, max_values=2))]},
            ["components", 0, "components", 0, "min_values"],
            "SELECT_COMPONENT_MIN_VALUES_TOO_LARGE",
        ),
        (
            {"components": [row(select(options=2, max_values=3))]},
            ["components", 0, "components", 0, "max_values"],
            "SELECT_COMPONENT_MAX_VALUES_TOO_LARGE",
        ),
        (
            {"components": [row(button("same")), row(button("same"))]},
            ["components", 1, "components", 0, "custom_id"],
            "COMPONENT_CUSTOM_ID_DUPLICATED",
        ),
    ],
)
def test_message_limits(payload, path, code):
    exc = errors_of(check_message, payload)
    assert (exc.status, exc.code, exc.message) == (400, 50035, "Invalid Form Body")
    assert first_code(exc.errors, *path) == code


def test_interaction_errors_are_nested_under_data():
    exc = errors_of(check_message, {"content": "x" * 2001}, prefix=["data"])
    assert first_code(exc.errors, "data", "content") == "BASE_TYPE_MAX_LENGTH"


def test_empty_message_is_50006():
    exc = errors_of(check_message, {"content": ""})
    assert (exc.status, exc.code) == (400, 50006)
    check_message({"content": "", "embeds": [{"title": "ok"}]})
    check_message({}, files=1)


def text_input(custom_id: str = "f", **extra) -> dict:
    return {"type": 4, "custom_id": custom_id, "label": "Label", "style": 1, **extra}


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"title": "t" * 46, "custom_id": "m", "components": [row(text_input())]}, ["title"]),
        (
            {
                "title": "t",
                "custom_id": "m",
                "components": [row(text_input(f"f{i}")) for i in range(6)],
            },
            ["components"],
        ),
        (
            {"title": "t", "custom_id": "m", "components": [row(text_input(label="l" * 46))]},
            ["components", 0, "components", 0, "label"],
        ),
        (
            {
                "title": "t",
                "custom_id": "m",
                "components": [row(text_input(placeholder="p" * 101))],
            },
            ["components", 0, "components", 0, "placeholder"],
        ),
        (
            {"title": "t", "custom_id": "m", "components": [row(text_input(max_length=4001))]},
            ["components", 0, "components", 0, "max_length"],
        ),
        (
            {
                "title": "t",
                "custom_id": "m",
                "components": [{"type": 18, "label": "l" * 46, "component": text_input()}],
            },
            ["components", 0, "label"],
        ),
    ],
)
def test_modal_limits(data, path):
    exc = errors_of(check_modal, data)
    assert exc.code == 50035
    first_code(exc.errors, "data", *path)


def test_autocomplete_limits():
    too_many = {"choices": [{"name": str(i), "value": str(i)} for i in range(26)]}
    assert first_code(errors_of(check_choices, too_many).errors, "data", "choices")
    long_name = {"choices": [{"name": "n" * 101, "value": "v"}]}
    assert first_code(errors_of(check_choices, long_name).errors, "data", "choices", 0, "name")


async def test_raw_http_error_shapes_and_rate_limit_headers(emu: Emulator):
    emu.add_bot(token="tkn")
    guild = emu.add_guild("Campus")
    general = emu.channels(guild)[0]
    emu.rate_limit("POST", "/channels/{channel_id}/messages", retry_after=1.5)
    headers = {"Authorization": "Bot tkn"}
    url = f"{emu.api_base}/channels/{general.id}/messages"
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.post(url, json={"content": "hi"}) as resp:
            assert resp.status == 429
            assert resp.headers["Content-Type"] == "application/json"
            assert resp.headers["Retry-After"] == "2"
            assert resp.headers["X-RateLimit-Remaining"] == "0"
            assert resp.headers["X-RateLimit-Reset-After"] == "1.500"
            assert resp.headers["X-RateLimit-Scope"] == "user"
            assert resp.headers["Via"]
            body = await resp.json()
            assert body == {
                "message": "You are being rate limited.",
                "retry_after": 1.5,
                "global": False,
            }
        with emu.expect_violations() as found:
            async with http.post(url, json={"content": "x" * 2001}) as resp:
                assert resp.status == 400
                body = await resp.json()
        assert [(v.method, v.route) for v in found] == [("POST", "/channels/{channel_id}/messages")]
        assert body["code"] == 50035
        assert body["errors"]["content"]["_errors"][0]["message"] == (
            "Must be 2000 or fewer in length."
        )
        async with http.post(url, json={"content": "ok"}) as resp:
            assert resp.status == 200
            assert resp.headers["X-RateLimit-Bucket"]
        async with http.get(
            f"{emu.api_base}/users/@me", headers={"Authorization": "Bot no"}
        ) as resp:
            assert resp.status == 401
    assert [m.content for m in emu.messages(general)] == ["ok"]
    assert [(e.status, e.code) for e in emu.errors] == [(429, 0), (400, 50035), (401, 0)]


def _multipart(files: list[tuple[str, bytes]]) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("payload_json", '{"content": "files"}', content_type="application/json")
    for i, (name, data) in enumerate(files):
        form.add_field(f"files[{i}]", data, filename=name, content_type="text/csv")
    return form


async def test_a_file_over_the_upload_limit_or_an_eleventh_file_is_refused(emu: Emulator):
    emu.add_bot(token="tkn")
    guild = emu.add_guild("Campus")
    general = emu.channels(guild)[0]
    url = f"{emu.api_base}/channels/{general.id}/messages"
    limit = 10 * 1024 * 1024
    async with aiohttp.ClientSession(headers={"Authorization": "Bot tkn"}) as http:
        async with http.post(url, data=_multipart([("big.csv", b"x" * (limit + 1))])) as resp:
            assert resp.status == 413
            assert await resp.json() == {"message": "Request entity too large", "code": 40005}
        with emu.expect_violations():
            eleven = [(f"f{i}.csv", b"a,b\r\n") for i in range(11)]
            async with http.post(url, data=_multipart(eleven)) as resp:
                assert resp.status == 400
                body = await resp.json()
        assert body["code"] == 50035
        assert first_code(body["errors"], "attachments") == "BASE_TYPE_MAX_LENGTH"
        async with http.post(url, data=_multipart([("ok.csv", b"x" * limit)])) as resp:
            assert resp.status == 200
    [sent] = emu.messages(general)
    assert [a.filename for a in sent.attachments] == ["ok.csv"]


@pytest.mark.parametrize(
    ("definition", "value"),
    [
        ({"name": "weeks", "type": 4, "min_value": 2, "max_value": 16}, 1),
        ({"name": "weeks", "type": 4, "min_value": 2, "max_value": 16}, 17),
        ({"name": "reason", "type": 3, "min_length": 1, "max_length": 5}, "toolong"),
        ({"name": "reason", "type": 3, "min_length": 3}, "ab"),
    ],
)
def test_an_option_out_of_its_range_or_length_is_never_sent(definition, value):
    with pytest.raises(ValueError, match=definition["name"]):
        convert_option(definition, value, None, 1)  # type: ignore[arg-type]


def test_an_option_inside_its_bounds_is_sent_as_is():
    weeks = {"name": "weeks", "type": 4, "min_value": 2, "max_value": 16}
    assert convert_option(weeks, 16, None, 1) == 16  # type: ignore[arg-type]
