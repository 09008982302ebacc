"""What the emulator sends is what Discord documents: every REST route and gateway event.

Each REST route is called with the bot's token and its status checked (201 where Discord
documents 201); the sample bot then drives every gateway event the emulator dispatches.
`emulator_faults` (every answer and dispatch validated against the vendored openapi.json)
must stay empty, and a route or event added without coverage here fails the test.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from discord_emulator import contract_dispatches, contract_responses
from discord_emulator.rest import channels, interactions, misc
from tests.emulator.conftest import Campus

Call = tuple[str, str]

# Routes driven by the sample bot's interactions rather than called directly here.
INTERACTION_ROUTES = {
    ("POST", "/interactions/{interaction_id}/{interaction_token}/callback"),
    ("POST", "/webhooks/{application_id}/{token}"),
    ("GET", "/webhooks/{application_id}/{token}/messages/{message_id}"),
    ("PATCH", "/webhooks/{application_id}/{token}/messages/{message_id}"),
    ("DELETE", "/webhooks/{application_id}/{token}/messages/{message_id}"),
}


class Rest:
    """Raw REST calls as the bot, remembering each route's status."""

    def __init__(self, campus: Campus, session: aiohttp.ClientSession) -> None:
        self.base = campus.emu.api_base
        self.session = session
        self.statuses: dict[Call, int] = {}

    async def call(
        self, method: str, template: str, path: str, body: Any = None, **query: str
    ) -> Any:
        async with self.session.request(
            method, self.base + path, json=body, params=query or None
        ) as resp:
            self.statuses[(method, template)] = resp.status
            assert resp.status < 300, f"{method} {path}: {resp.status} {await resp.text()}"
            return await resp.json() if resp.status != 204 else None


def all_routes() -> set[Call]:
    return {(m, p) for mod in (misc, channels, interactions) for m, p, _ in mod.routes.defs}


async def _users_and_app(rest: Rest, campus: Campus) -> None:
    app_id = str(campus.emu.world.bot_user.id)
    guild = str(campus.guild.id)
    await rest.call("GET", "/users/@me", "/users/@me")
    await rest.call("GET", "/users/{user_id}", f"/users/{campus.alice.id}")
    body = {"recipient_id": str(campus.alice.id)}
    await rest.call("POST", "/users/@me/channels", "/users/@me/channels", body)
    await rest.call("GET", "/users/@me/guilds", "/users/@me/guilds")
    await rest.call("GET", "/gateway", "/gateway")
    await rest.call("GET", "/gateway/bot", "/gateway/bot")
    await rest.call("GET", "/oauth2/applications/@me", "/oauth2/applications/@me")
    await rest.call("GET", "/applications/@me", "/applications/@me")
    commands = "/applications/{application_id}/commands"
    await rest.call("GET", commands, f"/applications/{app_id}/commands")
    global_cmds = [{"name": "ping", "description": "Say pong", "type": 1}]
    await rest.call("PUT", commands, f"/applications/{app_id}/commands", global_cmds)
    guild_commands = "/applications/{application_id}/guilds/{guild_id}/commands"
    sent = [{"name": "hello", "description": "Say hello", "default_member_permissions": 32}]
    await rest.call("PUT", guild_commands, f"/applications/{app_id}/guilds/{guild}/commands", sent)
    await rest.call("GET", guild_commands, f"/applications/{app_id}/guilds/{guild}/commands")
    emojis = "/applications/{application_id}/emojis"
    await rest.call("GET", emojis, f"/applications/{app_id}/emojis")


async def _guild_reads(rest: Rest, campus: Campus) -> None:
    g = campus.guild.id
    await rest.call("GET", "/guilds/{guild_id}", f"/guilds/{g}", with_counts="true")
    await rest.call("GET", "/guilds/{guild_id}/channels", f"/guilds/{g}/channels")
    await rest.call("GET", "/guilds/{guild_id}/threads/active", f"/guilds/{g}/threads/active")
    await rest.call("GET", "/guilds/{guild_id}/members", f"/guilds/{g}/members", limit="10")
    member = "/guilds/{guild_id}/members/{user_id}"
    await rest.call("GET", member, f"/guilds/{g}/members/{campus.bob.id}")
    await rest.call("GET", "/guilds/{guild_id}/roles", f"/guilds/{g}/roles")
    role = "/guilds/{guild_id}/roles/{role_id}"
    await rest.call("GET", role, f"/guilds/{g}/roles/{campus.mod.id}")


async def _channels_messages_threads(rest: Rest, campus: Campus) -> None:
    g, bob = campus.guild.id, campus.bob.id
    created = await rest.call(
        "POST", "/guilds/{guild_id}/channels", f"/guilds/{g}/channels", {"name": "lab", "type": 0}
    )
    ch = created["id"]
    await rest.call("GET", "/channels/{channel_id}", f"/channels/{ch}")
    await rest.call("PATCH", "/channels/{channel_id}", f"/channels/{ch}", {"topic": "Labs"})
    messages = "/channels/{channel_id}/messages"
    # a bare embed: Discord answers it with type "rich" and each field's inline filled in
    raw_embed = {"title": "Plan", "fields": [{"name": "When", "value": "Monday"}]}
    body = {"content": "hi", "embeds": [raw_embed]}
    msg = await rest.call("POST", messages, f"/channels/{ch}/messages", body)
    assert msg["embeds"][0]["type"] == "rich"
    assert msg["embeds"][0]["fields"][0]["inline"] is False
    one = "/channels/{channel_id}/messages/{message_id}"
    await rest.call("GET", one, f"/channels/{ch}/messages/{msg['id']}")
    await rest.call("PATCH", one, f"/channels/{ch}/messages/{msg['id']}", {"content": "hey"})
    await rest.call("GET", messages, f"/channels/{ch}/messages", limit="5")
    perms = "/channels/{channel_id}/permissions/{target}"
    overwrite = {"type": 1, "allow": 1024, "deny": 0}
    await rest.call("PUT", perms, f"/channels/{ch}/permissions/{bob}", overwrite)
    await rest.call("DELETE", perms, f"/channels/{ch}/permissions/{bob}")
    from_msg = "/channels/{channel_id}/messages/{message_id}/threads"
    await rest.call(
        "POST", from_msg, f"/channels/{ch}/messages/{msg['id']}/threads", {"name": "t1"}
    )
    thread = await rest.call(
        "POST",
        "/channels/{channel_id}/threads",
        f"/channels/{ch}/threads",
        {"name": "t2", "type": 12},
    )
    members = "/channels/{channel_id}/thread-members/{user_id}"
    await rest.call("PUT", members, f"/channels/{thread['id']}/thread-members/{bob}")
    listed = "/channels/{channel_id}/thread-members"
    await rest.call("GET", listed, f"/channels/{thread['id']}/thread-members")
    await rest.call("DELETE", members, f"/channels/{thread['id']}/thread-members/{bob}")
    await rest.call(
        "PATCH", "/channels/{channel_id}", f"/channels/{thread['id']}", {"archived": True}
    )
    archived = "/channels/{channel_id}/threads/archived/{kind}"
    await rest.call("GET", archived, f"/channels/{ch}/threads/archived/public")
    await rest.call("DELETE", "/channels/{channel_id}", f"/channels/{thread['id']}")
    await rest.call("DELETE", one, f"/channels/{ch}/messages/{msg['id']}")
    await rest.call("DELETE", "/channels/{channel_id}", f"/channels/{ch}")


async def test_every_rest_route_answers_as_documented(campus: Campus) -> None:
    token = campus.emu.world.bot
    assert token is not None
    headers = {"Authorization": f"Bot {token.token}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        rest = Rest(campus, session)
        await _users_and_app(rest, campus)
        await _guild_reads(rest, campus)
        await _channels_messages_threads(rest, campus)
    assert set(rest.statuses) | INTERACTION_ROUTES == all_routes()
    created = {call for call, status in rest.statuses.items() if status == 201}
    assert created == {
        ("POST", "/guilds/{guild_id}/channels"),
        ("POST", "/channels/{channel_id}/threads"),
        ("POST", "/channels/{channel_id}/messages/{message_id}/threads"),
    }
    assert rest.statuses[("DELETE", "/channels/{channel_id}/messages/{message_id}")] == 204
    await campus.emu.settle()
    sent = {f["t"] for s in campus.emu.hub.sessions.values() for f in s.history}
    assert sent >= {
        "CHANNEL_CREATE",
        "CHANNEL_UPDATE",
        "CHANNEL_DELETE",
        "THREAD_CREATE",
        "THREAD_UPDATE",
        "THREAD_DELETE",
        "THREAD_MEMBERS_UPDATE",
        "MESSAGE_CREATE",
        "MESSAGE_UPDATE",
        "MESSAGE_DELETE",
    }
    assert campus.emu.emulator_faults == []


async def test_interaction_routes_and_every_gateway_event_match_the_spec(campus: Campus) -> None:
    emu, alice, bob, guild = campus.emu, campus.alice, campus.bob, campus.guild
    panel = (await emu.slash(alice, guild, "panel")).message
    assert panel is not None
    await emu.select(alice, panel, custom_id="panel:subject", values=["math"])
    modal = (await emu.click(alice, panel, label="Feedback")).modal
    assert modal is not None
    await emu.submit_modal(alice, modal, {"rating": "5"})
    await emu.slash(alice, guild, "edits")
    await emu.slash(alice, guild, "slow")
    await emu.autocomplete(alice, guild, "timezone set", focused="zone", zone="Europe")
    await emu.slash(alice, guild, "profile view", user=bob)
    await emu.slash(alice, guild, "huddle", name="pair", partner=bob)
    thread = emu.threads(guild)[0]
    await emu.slash(alice, guild, "close", thread=thread)
    await emu.slash(alice, guild, "room", name="room-1")
    await emu.post_message(bob, emu.channel_named(guild, "general"), "hello")
    emu.add_member(guild, emu.add_user("carol"))
    emu.add_member(guild, alice, nick="Ali")
    emu.set_bot_permissions(guild, emu.bot_role(guild).permissions)
    voice = emu.add_voice_channel(guild, "Quiet room")
    emu.voice_join(alice, voice)
    emu.voice_leave(alice)
    await emu.drop_gateway()
    await emu.wait_until_ready()
    await emu.settle()
    sent = {f["t"] for s in emu.hub.sessions.values() for f in s.history}
    # every event the emulator dispatches has a documented shape it was checked against
    assert sent <= set(contract_dispatches.DISPATCH_SCHEMAS) | set(
        contract_dispatches.ID_ONLY_EVENTS
    )
    assert sent >= {
        "READY",
        "RESUMED",
        "GUILD_CREATE",
        "GUILD_MEMBERS_CHUNK",
        "GUILD_ROLE_UPDATE",
        "GUILD_MEMBER_ADD",
        "GUILD_MEMBER_UPDATE",
        "CHANNEL_CREATE",
        "THREAD_CREATE",
        "THREAD_UPDATE",
        "THREAD_MEMBERS_UPDATE",
        "MESSAGE_CREATE",
        "MESSAGE_UPDATE",
        "MESSAGE_DELETE",
        "VOICE_STATE_UPDATE",
        "INTERACTION_CREATE",
    }
    called = {(m, p.split("/")[3]) for m, p in emu.requests if p.startswith("/api/v10/")}
    assert {("POST", "interactions"), ("POST", "webhooks"), ("PATCH", "webhooks")} <= called
    assert ("DELETE", "webhooks") in called
    assert emu.emulator_faults == []


def test_a_wrong_payload_is_reported_as_a_fault() -> None:
    faults = contract_responses.response_faults(
        "GET", "/users/{user_id}", "/users/1", status=200, payload={"id": "1"}
    )
    assert any("'username' is a required property" in f for f in faults)
    assert contract_responses.response_faults(
        "DELETE", "/channels/{channel_id}/messages/{message_id}", "/channels/1/messages/2",
        status=200, payload={},
    ) == [
        "DELETE /channels/{channel_id}/messages/{message_id} → 200: "
        "status not documented for delete_message"
    ]  # fmt: skip
    voice = {"user_id": "1", "channel_id": None, "guild_id": "2", "session_id": "s"}
    problems = contract_dispatches.dispatch_faults("VOICE_STATE_UPDATE", voice)
    assert any("'self_stream' is a required property" in p for p in problems)
    assert contract_dispatches.dispatch_faults("TYPING_START", {}) == [
        "gateway TYPING_START: no schema mapped (add it to DISPATCH_SCHEMAS)"
    ]
