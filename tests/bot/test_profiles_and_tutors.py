"""/profile view, /profile edit, /tutor apply, /tutor pause and /tutor resume."""

from __future__ import annotations

from bot import texts
from marketplace.services import profiles
from tests.bot.journeys import apply_as_tutor, onboard

BIO = "Maths student who explains with pictures first and formulas second."


async def test_profile_view_of_someone_without_a_profile_says_so(campus) -> None:
    result = await campus.emu.slash(
        campus.student, campus.guild, "profile view", user=campus.member
    )
    assert result.ephemeral
    assert "Sam hasn't set up a profile" in result.text


async def test_own_profile_view_without_profile_points_to_start(campus) -> None:
    result = await campus.emu.slash(campus.member, campus.guild, "profile view")
    assert "/start" in result.text


async def test_a_tutor_card_shows_badge_and_completeness_only_to_its_owner(campus) -> None:
    await onboard(campus, campus.tutor, "tutor", ["calculus"], level="advanced")
    await apply_as_tutor(campus, campus.tutor, bio=BIO)
    own = await campus.emu.slash(campus.tutor, campus.guild, "profile view")
    assert "Not verified yet" in own.text
    assert "Profile completeness" in own.text
    other = await campus.emu.slash(campus.student, campus.guild, "profile view", user=campus.tutor)
    assert "Not verified yet" in other.text
    assert "Calculus (Advanced)" in other.text
    assert "completeness" not in other.text.casefold()


async def test_profile_edit_without_a_profile_explains_what_to_do(campus) -> None:
    result = await campus.emu.slash(campus.member, campus.guild, "profile edit")
    assert result.modal is None
    assert "/start" in result.text


async def test_profile_edit_strips_invisible_characters_from_goals(campus) -> None:
    await onboard(campus, campus.student, "student", ["calculus"])
    modal = (await campus.emu.slash(campus.student, campus.guild, "profile edit")).modal
    assert modal is not None
    assert [f.custom_id for f in modal.fields] == ["goals"]
    goals = "Pass\u200b calculus \u202eexam\u2066 @everyone"
    result = await campus.emu.submit_modal(campus.student, modal, {"goals": goals})
    card = await profiles.view(
        profiles.ViewProfile(campus.guild.id, campus.student.id), campus.runtime.services
    )
    assert card.student is not None
    assert "\u200b" not in card.student.goals
    assert "\u202e" not in card.student.goals
    assert "@everyone" not in card.student.goals
    assert "Saved" in result.text


async def test_profile_edit_with_a_bad_rate_changes_nothing(campus) -> None:
    await onboard(campus, campus.tutor, "tutor", ["calculus"])
    await apply_as_tutor(campus, campus.tutor, bio=BIO)
    modal = (await campus.emu.slash(campus.tutor, campus.guild, "profile edit")).modal
    assert modal is not None
    result = await campus.emu.submit_modal(
        campus.tutor, modal, {"bio": "A completely new bio that must not be saved.", "rate": "-5"}
    )
    assert "can't be negative" in result.text
    card = await profiles.view(
        profiles.ViewProfile(campus.guild.id, campus.tutor.id), campus.runtime.services
    )
    assert card.tutor is not None
    assert card.tutor.bio == BIO
    assert card.tutor.rate.minor == 2500


async def test_tutor_apply_continue_without_choices_says_what_is_missing(campus) -> None:
    menu = await campus.emu.slash(campus.member, campus.guild, "tutor apply")
    result = await campus.emu.click(campus.member, menu.message, custom_id="apply:continue")
    assert result.modal is None
    assert "subjects, a level and a format" in result.text


async def test_tutor_apply_prefills_subjects_and_level_picked_at_start(campus) -> None:
    await onboard(campus, campus.tutor, "tutor", ["physics"], level="intermediate")
    menu = await campus.emu.slash(campus.tutor, campus.guild, "tutor apply")
    await campus.emu.select(campus.tutor, menu.message, custom_id="apply:formats", values=["voice"])
    form = await campus.emu.click(campus.tutor, menu.message, custom_id="apply:continue")
    assert form.modal is not None
    await campus.emu.submit_modal(campus.tutor, form.modal, {"rate": "0", "bio": BIO})
    card = await profiles.view(
        profiles.ViewProfile(campus.guild.id, campus.tutor.id), campus.runtime.services
    )
    assert card.tutor is not None
    assert [(s.subject_key, s.level) for s in card.tutor.subjects] == [("physics", "intermediate")]


async def test_a_rejected_application_keeps_what_was_typed(campus) -> None:
    menu = await campus.emu.slash(campus.member, campus.guild, "tutor apply")
    for custom_id, values in (
        ("apply:subjects", ["calculus"]),
        ("apply:level", ["advanced"]),
        ("apply:formats", ["text"]),
    ):
        await campus.emu.select(campus.member, menu.message, custom_id=custom_id, values=values)
    form = await campus.emu.click(campus.member, menu.message, custom_id="apply:continue")
    bad = await campus.emu.submit_modal(campus.member, form.modal, {"rate": "12.345", "bio": BIO})
    assert "too many decimal places" in bad.text
    again = await campus.emu.click(campus.member, menu.message, custom_id="apply:continue")
    assert again.modal is not None
    values = {f.custom_id: f.value for f in again.modal.fields}
    assert values["bio"] == BIO
    assert values["rate"] == "12.345"
    card = await profiles.view(
        profiles.ViewProfile(campus.guild.id, campus.member.id), campus.runtime.services
    )
    assert card.tutor is None


async def test_tutor_apply_refuses_an_unknown_subject_it_does_not_teach(campus) -> None:
    menu = await campus.emu.slash(campus.member, campus.guild, "tutor apply")
    for custom_id, values in (
        ("apply:subjects", ["calculus"]),
        ("apply:level", ["advanced"]),
        ("apply:formats", ["text"]),
    ):
        await campus.emu.select(campus.member, menu.message, custom_id=custom_id, values=values)
    form = await campus.emu.click(campus.member, menu.message, custom_id="apply:continue")
    result = await campus.emu.submit_modal(
        campus.member, form.modal, {"rate": "20", "bio": BIO, "not_teaching": "Quidditch"}
    )
    assert "isn't one of the options" in result.text


async def test_pause_and_resume_need_a_tutor_profile(campus) -> None:
    result = await campus.emu.slash(campus.student, campus.guild, "tutor pause")
    assert "/tutor apply" in result.text
    assert texts.UNEXPECTED not in result.text


async def test_pause_hides_the_tutor_and_resume_brings_them_back(campus) -> None:
    await apply_as_tutor(campus, campus.tutor, bio=BIO)
    assert "paused" in (await campus.emu.slash(campus.tutor, campus.guild, "tutor pause")).text
    card = await profiles.view(
        profiles.ViewProfile(campus.guild.id, campus.tutor.id), campus.runtime.services
    )
    assert card.tutor is not None
    assert card.tutor.status == "paused"
    await campus.emu.slash(campus.tutor, campus.guild, "tutor resume")
    card = await profiles.view(
        profiles.ViewProfile(campus.guild.id, campus.tutor.id), campus.runtime.services
    )
    assert card.tutor is not None
    assert card.tutor.status == "active"
