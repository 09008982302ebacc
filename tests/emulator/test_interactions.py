from __future__ import annotations


async def test_slash_with_options_and_ephemeral(campus):
    emu = campus.emu
    r = await emu.slash(campus.alice, campus.guild, "echo", text="hi", times=3)
    assert r.kind == "message"
    assert not r.ephemeral
    assert r.message.content == "hi hi hi"
    assert r.message.type == 20
    r2 = await emu.slash(campus.alice, campus.guild, "echo", text="psst", secret=True)
    assert r2.ephemeral
    assert r2.message.ephemeral
    assert r2.message.flags & 64
    assert [m.content for m in emu.messages(emu.channel_named(campus.guild, "general"))] == [
        "hi hi hi",
        "psst",
    ]


async def test_subcommand_with_user_option_resolves_member(campus):
    r = await campus.emu.slash(campus.alice, campus.guild, "profile view", user=campus.bob)
    embed = r.message.embeds[0]
    assert embed["title"] == "Profile of bob"
    assert embed["description"] == "Roles: Moderator"
    assert embed["fields"][0]["value"] == "True"
    assert "asked by alice" in r.text


async def test_autocomplete(campus):
    choices = await campus.emu.autocomplete(
        campus.alice, campus.guild, "timezone set", focused="zone", zone="Europe/Be"
    )
    assert [c["value"] for c in choices] == ["Europe/Berlin", "Europe/Belgrade"]


async def test_buttons_select_and_persistent_dynamic_item(campus):
    emu, alice = campus.emu, campus.alice
    r = await emu.slash(alice, campus.guild, "panel")
    panel = r.message
    assert [b[0] for b in panel.buttons] == ["Ping", "Feedback", "Slow", "Accept"]
    assert "[Ping] [Feedback] [Slow]" in panel.text
    assert "[▾ Pick subjects]" in panel.text
    pong = await emu.click(alice, panel, label="Ping")
    assert pong.kind == "message"
    assert pong.ephemeral
    assert pong.text == "pong from button"
    picked = await emu.select(alice, panel, custom_id="panel:subject", values=["math", "Physics"])
    assert picked.kind == "update"
    assert picked.message.id == panel.id
    assert panel.content == "Subjects: math, physics"
    slow = await emu.click(campus.bob, panel, label="Slow")
    assert slow.kind == "deferred_update"
    assert slow.message.content == "slow edit done"
    assert slow.message.components == []
    # the DynamicItem is matched by its custom_id template even without a stored view
    r2 = await emu.slash(alice, campus.guild, "panel")
    accepted = await emu.click(campus.bob, r2.message, custom_id="booking:accept:42")
    assert accepted.kind == "update"
    assert r2.message.content == "Booking 42 accepted by bob"
    assert not emu.unexpected_errors


async def test_ephemeral_message_components(campus):
    emu = campus.emu
    r = await emu.slash(campus.alice, campus.guild, "mypanel")
    assert r.ephemeral
    pong = await emu.click(campus.alice, r.message, label="Ping")
    assert pong.text == "pong from button"


async def test_modal_from_command_and_from_button(campus):
    emu, alice = campus.emu, campus.alice
    r = await emu.slash(alice, campus.guild, "feedback")
    assert r.kind == "modal"
    assert r.message is None
    assert r.modal.title == "Session feedback"
    assert [(f.custom_id, f.label, f.max_length, f.required) for f in r.modal.fields] == [
        ("rating", "Rating", 1, True),
        ("comment", "Comment", None, False),
    ]
    done = await emu.submit_modal(alice, r.modal, {"rating": "5", "Comment": "great"})
    assert done.kind == "message"
    assert done.ephemeral
    assert done.text == "Thanks! rating=5 comment=great"
    panel = (await emu.slash(alice, campus.guild, "panel")).message
    opened = await emu.click(alice, panel, label="Feedback")
    assert opened.modal is not None
    assert opened.modal.message_id == panel.id
    done2 = await emu.submit_modal(alice, opened.modal, {"Rating": "4"})
    assert done2.text == "Thanks! rating=4 comment=-"


async def test_modal_submit_checks_like_the_client(campus):
    import pytest

    r = await campus.emu.slash(campus.alice, campus.guild, "feedback")
    with pytest.raises(ValueError, match="required"):
        await campus.emu.submit_modal(campus.alice, r.modal, {"comment": "x"})
    with pytest.raises(ValueError, match="at most 1"):
        await campus.emu.submit_modal(campus.alice, r.modal, {"rating": "10"})


async def test_deferred_then_followups_with_attachment(campus):
    emu = campus.emu
    r = await emu.slash(campus.alice, campus.guild, "slow")
    assert r.kind == "deferred"
    assert not r.ephemeral
    assert r.message.content == "done thinking"
    assert r.message.attachments[0].filename == "notes.txt"
    assert r.message.attachments[0].bytes == b"hello"
    await emu.wait_for(lambda: len(r.followups) == 2)
    assert r.followups[1].content == "second followup"
    secret = await emu.slash(campus.alice, campus.guild, "slow", secret=True)
    assert secret.ephemeral
    assert secret.message.ephemeral
    assert not emu.unexpected_errors


async def test_channel_send_and_dm(campus):
    emu = campus.emu
    r = await emu.slash(campus.alice, campus.guild, "announce", text="Exam tomorrow")
    assert r.kind == "deferred"
    assert r.text == "announced"
    general = emu.channel_named(campus.guild, "general")
    posted = await emu.wait_for_message(general, lambda m: m.content == "Exam tomorrow")
    assert not posted.ephemeral
    assert posted.author_id == emu.world.bot_user.id
    await emu.slash(campus.alice, campus.guild, "dm", user=campus.bob)
    dm = await emu.wait_for_message(campus.bob, lambda m: "Hello bob" in m.content)
    assert emu.dm_messages(campus.bob) == [dm]


async def test_webhook_edit_get_and_delete(campus):
    emu = campus.emu
    r = await emu.slash(campus.alice, campus.guild, "edits")
    await emu.wait_for(lambda: r.message.deleted)
    assert r.message.content == "v2"
    (follow,) = r.followups
    assert follow.content == "follow edited"
    general = emu.channel_named(campus.guild, "general")
    assert [m.content for m in emu.messages(general)] == ["follow edited"]
    assert not emu.unexpected_errors


async def test_enforced_nonce_sends_once(campus):
    emu = campus.emu
    r = await emu.slash(campus.alice, campus.guild, "nonce")
    assert r.text == "same=True"
    general = emu.channel_named(campus.guild, "general")
    assert [m.content for m in emu.messages(general) if not m.ephemeral] == ["once"]
    assert next(m for m in emu.messages(general) if m.content == "once").nonce == "12345"


async def test_command_visibility_follows_default_member_permissions(campus):
    import discord
    import pytest

    bot, emu = campus.bot, campus.emu

    @discord.app_commands.command(description="Moderators only")
    @discord.app_commands.default_permissions(manage_guild=True)
    async def modonly(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("hi mod")

    bot.tree.add_command(modonly)
    await bot.tree.sync()
    emu.enforce_command_permissions = True
    with pytest.raises(PermissionError):
        await emu.slash(campus.alice, campus.guild, "modonly")
    r = await emu.slash(campus.bob, campus.guild, "modonly")  # bob has the Moderator role
    assert r.text == "hi mod"


async def test_deferred_update_without_edit_settles_when_the_handler_ends(campus):
    import time

    emu = campus.emu
    panel = (await emu.slash(campus.alice, campus.guild, "ackpanel")).message
    started = time.monotonic()
    r = await emu.click(campus.alice, panel, label="Ack")
    assert r.kind == "deferred_update"
    assert time.monotonic() - started < 2  # not the 10 s deferred_wait
    assert r.message.id == panel.id
    assert r.message.content == "ack panel"


async def test_settle_waits_for_work_after_the_initial_response(campus):
    emu = campus.emu
    r = await emu.slash(campus.alice, campus.guild, "background")
    assert r.text == "started"
    assert r.followups == []
    await emu.settle()
    assert [m.content for m in r.followups] == ["finished later"]
