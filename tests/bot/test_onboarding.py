"""/start, /help and /timezone set, as users do them."""

from __future__ import annotations

import pytest

from bot import texts
from marketplace.services import profiles
from tests.bot.journeys import onboard


async def test_start_saves_role_zone_subjects_and_level_and_shows_the_checklist(campus) -> None:
    await onboard(campus, campus.student, "student", ["calculus", "physics"], level="intermediate")
    card = await profiles.view(
        profiles.ViewProfile(campus.guild.id, campus.student.id), campus.runtime.services
    )
    assert card.member is not None
    assert card.member.role == "student"
    assert card.timezone == "Europe/Berlin"
    assert card.student is not None
    assert [(s.subject_key, s.level) for s in card.student.subjects] == [
        ("calculus", "intermediate"),
        ("physics", "intermediate"),
    ]


async def test_start_lists_next_steps_for_a_tutor(campus) -> None:
    menu = await campus.emu.slash(campus.tutor, campus.guild, "start")
    msg = menu.message
    for custom_id, values in (
        ("start:role", ["tutor"]),
        ("start:zone", ["America/New_York"]),
        ("start:subjects", ["calculus"]),
        ("start:level", ["advanced"]),
    ):
        await campus.emu.select(campus.tutor, msg, custom_id=custom_id, values=values)
    saved = await campus.emu.click(campus.tutor, msg, custom_id="start:save")
    assert "/tutor apply" in saved.text
    assert "/tutor availability add" in saved.text
    assert "/find" not in saved.text


async def test_saving_start_before_choosing_says_what_is_missing_and_writes_nothing(campus) -> None:
    menu = await campus.emu.slash(campus.student, campus.guild, "start")
    await campus.emu.select(
        campus.student, menu.message, custom_id="start:role", values=["student"]
    )
    result = await campus.emu.click(campus.student, menu.message, custom_id="start:save")
    assert result.ephemeral
    assert "a time zone, at least one subject and a level" in result.text
    card = await profiles.view(
        profiles.ViewProfile(campus.guild.id, campus.student.id), campus.runtime.services
    )
    assert card.member is None


async def test_other_time_zone_modal_refuses_an_unknown_zone(campus) -> None:
    menu = await campus.emu.slash(campus.student, campus.guild, "start")
    modal = (
        await campus.emu.click(campus.student, menu.message, custom_id="start:other_zone")
    ).modal
    assert modal is not None
    result = await campus.emu.submit_modal(campus.student, modal, {"zone": "Atlantis/Capital"})
    assert "don't know the time zone" in result.text
    assert result.ephemeral


async def test_help_lists_the_commands(campus) -> None:
    result = await campus.emu.slash(campus.member, campus.guild, "help")
    assert result.ephemeral
    assert result.kind == "message"  # answered at once: no "thinking…" and follow-up
    for command in ("/start", "/profile view", "/tutor apply", "/admin config"):
        assert command in result.text


async def test_timezone_autocomplete_suggests_iana_zones(campus) -> None:
    choices = await campus.emu.autocomplete(
        campus.student, campus.guild, "timezone set", focused="zone", zone="new y"
    )
    assert "America/New_York" in [c["value"] for c in choices]
    assert len(choices) <= 25


async def test_timezone_set_accepts_any_case_and_stores_the_canonical_name(campus) -> None:
    result = await campus.emu.slash(
        campus.student, campus.guild, "timezone set", zone="asia/kolkata"
    )
    assert "Asia/Kolkata" in result.text
    card = await profiles.view(
        profiles.ViewProfile(campus.guild.id, campus.student.id), campus.runtime.services
    )
    assert card.timezone == "Asia/Kolkata"


@pytest.mark.parametrize(
    "zone",
    [
        "Mars/Olympus_Mons",
        "   ",
        "x" * 500,
        "Europe/Ber\u202elin",
        "💥💥💥",
        "../../etc/passwd",
    ],
)
async def test_timezone_set_answers_bad_input_clearly_and_stores_nothing(campus, zone) -> None:
    result = await campus.emu.slash(campus.student, campus.guild, "timezone set", zone=zone)
    assert result.ephemeral
    assert result.text
    assert texts.UNEXPECTED not in result.text
    assert "Traceback" not in result.text
    card = await profiles.view(
        profiles.ViewProfile(campus.guild.id, campus.student.id), campus.runtime.services
    )
    assert card.timezone is None
