"""/admin config and /admin subjects: rights checked by TutorBot itself."""

from __future__ import annotations

import pytest

from bot import texts
from marketplace.services import onboarding, profiles


async def _policy(campus):
    async with campus.runtime.services.uow(read_only=True) as uow:
        return await uow.guilds.policy(campus.guild.id)


async def test_admin_sees_every_setting_grouped(campus) -> None:
    result = await campus.emu.slash(campus.admin, campus.guild, "admin config")
    assert result.ephemeral
    for fragment in ("Booking", "Money", "platform_fee_bps", "1500", "reminder_offsets_minutes"):
        assert fragment in result.text


async def test_a_member_without_manage_server_is_refused_and_nothing_changes(campus) -> None:
    result = await campus.emu.slash(
        campus.member, campus.guild, "admin config", setting="platform_fee_bps", value="0"
    )
    assert "Only server admins" in result.text
    assert (await _policy(campus)).platform_fee_bps == 1500


async def test_the_moderator_role_does_not_make_an_admin(campus) -> None:
    await campus.emu.slash(
        campus.admin,
        campus.guild,
        "admin config",
        setting="moderator_role",
        value=f"<@&{campus.moderators.id}>",
    )
    campus.emu.add_member(campus.guild, campus.member, roles=[campus.moderators])
    result = await campus.emu.slash(campus.member, campus.guild, "admin config")
    assert "Only server admins" in result.text


async def test_admin_changes_a_policy_number_and_it_is_audited(campus) -> None:
    result = await campus.emu.slash(
        campus.admin, campus.guild, "admin config", setting="min_notice_minutes", value="180"
    )
    assert "`min_notice_minutes` is now **180**" in result.text
    assert (await _policy(campus)).min_notice_minutes == 180
    async with campus.runtime.services.uow(read_only=True) as uow:
        entries = await uow.audit.recent(campus.guild.id, 5)
    assert entries[0][1:] == (campus.admin.id, "config.set")


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("no_such_setting", "1", "There's no setting called"),
        ("min_notice_minutes", "-1", "between 0 and"),
        ("min_notice_minutes", "lots", "whole number"),
        ("recording_allowed", "maybe", "`on` or `off`"),
        ("currency", "DOGE", "currency code"),
        ("sessions_channel", "<#123>", "can't find that channel"),
        ("platform_fee_bps", "9" * 400, "between"),
        ("reminder_offsets_minutes", "120, 15, -3", "list of whole numbers"),
    ],
)
async def test_bad_setting_values_get_a_clear_answer_and_change_nothing(
    campus, setting, value, expected
) -> None:
    before = await _policy(campus)
    result = await campus.emu.slash(
        campus.admin, campus.guild, "admin config", setting=setting, value=value
    )
    assert expected in result.text
    assert texts.UNEXPECTED not in result.text
    assert await _policy(campus) == before


async def test_setting_names_autocomplete(campus) -> None:
    choices = await campus.emu.autocomplete(
        campus.admin, campus.guild, "admin config", focused="setting", setting="late"
    )
    names = [c["value"] for c in choices]
    assert "late_cancel_limit" in names


async def test_admin_adds_and_retires_a_subject(campus) -> None:
    added = await campus.emu.slash(
        campus.admin, campus.guild, "admin subjects add", name="Astrophysics"
    )
    assert "Added **Astrophysics**" in added.text
    names = [
        s.name for s in await onboarding.catalogue(campus.guild.id, "x", campus.runtime.services)
    ]
    assert "Astrophysics" in names
    removed = await campus.emu.slash(
        campus.admin, campus.guild, "admin subjects remove", subject="astrophysics"
    )
    assert "Removed" in removed.text
    names = [
        s.name for s in await onboarding.catalogue(campus.guild.id, "x", campus.runtime.services)
    ]
    assert "Astrophysics" not in names


@pytest.mark.parametrize("name", ["", "x", "y" * 200, "\u200b\u200b", "!!!"])
async def test_bad_subject_names_are_refused(campus, name) -> None:
    result = await campus.emu.slash(campus.admin, campus.guild, "admin subjects add", name=name)
    assert result.text
    assert "Added" not in result.text
    assert texts.UNEXPECTED not in result.text


async def test_a_member_cannot_add_subjects(campus) -> None:
    result = await campus.emu.slash(campus.member, campus.guild, "admin subjects add", name="Magic")
    assert "Only server admins" in result.text


async def test_an_unexpected_failure_shows_an_apology_not_a_traceback(campus, monkeypatch) -> None:
    async def broken(*_args, **_kwargs):
        raise RuntimeError("database exploded")

    monkeypatch.setattr(profiles, "view", broken)
    result = await campus.emu.slash(campus.student, campus.guild, "profile view")
    assert result.text == texts.UNEXPECTED
    assert "exploded" not in result.text
