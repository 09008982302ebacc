"""People are named right with default intents, even those the bot never had in its cache."""

from __future__ import annotations

from bot.names import DisplayNames
from demo.campus import Campus
from tests.bot.journeys import ready_tutor, request_first_slot


def _member_fetches(campus: Campus, user_id: int) -> int:
    wanted = f"/guilds/{campus.guild.id}/members/{user_id}"
    return sum(
        1 for method, path in campus.emu.requests if method == "GET" and path.endswith(wanted)
    )


async def test_the_bot_gets_no_member_list_with_default_intents(campus: Campus) -> None:
    guild = campus.bot.get_guild(campus.guild.id)
    assert guild is not None
    assert guild.member_count == 5
    assert {m.id for m in guild.members} == {campus.emu.world.bot_user.id}


async def test_autocomplete_names_a_tutor_the_bot_never_saw_in_guild_create(
    campus: Campus,
) -> None:
    await ready_tutor(campus)
    await request_first_slot(campus)
    campus.emu.add_member(campus.guild, campus.tutor, nick="Mr Theo")  # no event without intent
    campus.bot.names = DisplayNames(campus.bot)  # as after a restart: nothing remembered
    guild = campus.bot.get_guild(campus.guild.id)
    assert guild is not None
    assert guild.get_member(campus.tutor.id) is None
    choices = await campus.emu.autocomplete(
        campus.student, campus.guild, "cancel", focused="booking", booking=""
    )
    assert len(choices) == 1
    assert " with Mr Theo · " in choices[0]["name"]
    assert _member_fetches(campus, campus.tutor.id) == 1
    again = await campus.emu.autocomplete(
        campus.student, campus.guild, "cancel", focused="booking", booking=""
    )
    assert again == choices
    assert _member_fetches(campus, campus.tutor.id) == 1  # cached


async def test_names_seen_in_interactions_need_no_fetch(campus: Campus) -> None:
    await ready_tutor(campus)
    await request_first_slot(campus)
    theirs = await campus.emu.autocomplete(
        campus.tutor, campus.guild, "cancel", focused="booking", booking=""
    )
    assert " with Maya · " in theirs[0]["name"]
    assert _member_fetches(campus, campus.student.id) == 0
    assert campus.bot.names.known(campus.guild.id, campus.student.id) == "Maya"


async def test_a_user_option_teaches_the_bot_the_persons_nickname(campus: Campus) -> None:
    campus.emu.add_member(campus.guild, campus.member, nick="Sammy")
    await campus.emu.slash(campus.admin, campus.guild, "profile view", user=campus.member)
    assert campus.bot.names.known(campus.guild.id, campus.member.id) == "Sammy"
    assert campus.bot.names.known(None, campus.member.id) == "Sam"


async def test_names_expire_and_the_least_recent_is_dropped(campus: Campus) -> None:
    now = [0.0]
    names = DisplayNames(campus.bot, capacity=2, ttl=60.0, now=lambda: now[0])
    guild = campus.bot.get_guild(campus.guild.id)
    assert guild is not None
    assert await names.of(guild, campus.tutor.id) == "Theo"
    assert _member_fetches(campus, campus.tutor.id) == 1
    now[0] = 61.0
    assert names.known(guild.id, campus.tutor.id) is None
    assert await names.of(guild, campus.tutor.id) == "Theo"
    assert _member_fetches(campus, campus.tutor.id) == 2
    assert await names.many(guild, [campus.student.id, campus.tutor.id]) == {
        campus.student.id: "Maya",
        campus.tutor.id: "Theo",
    }
    assert len([k for k in (campus.student.id, campus.tutor.id) if names.known(guild.id, k)]) <= 2


async def test_someone_who_left_is_named_by_their_own_account(campus: Campus) -> None:
    stranger = campus.emu.add_user("Quinn")
    names = DisplayNames(campus.bot)
    guild = campus.bot.get_guild(campus.guild.id)
    assert guild is not None
    assert await names.of(guild, stranger.id) == "Quinn"
    assert await names.of(guild, 999) is None
    codes = sorted(e.code for e in campus.emu.errors)
    assert codes == [10007, 10007, 10013]  # Unknown Member twice, then Unknown User
    campus.emu.errors.clear()  # expected answers, not bot errors
