"""The bot speaks the guild's language, or a member's own when the guild allows it."""

from __future__ import annotations

from bot import texts
from bot.i18n import speaking
from discord_emulator.render import walk_components


async def _configure(campus, setting: str, value: str) -> None:
    result = await campus.emu.slash(
        campus.admin, campus.guild, "admin config", setting=setting, value=value
    )
    assert f"`{setting}`" in result.text


def _labels(message) -> list[str]:
    return [c["label"] for c in walk_components(message.components) if c.get("label")]


async def test_a_spanish_guild_gets_spanish_replies_menus_and_errors(campus) -> None:
    await _configure(campus, "languages", "es, en")
    menu = await campus.emu.slash(campus.student, campus.guild, "start")
    with speaking("es"):
        assert texts.START_INTRO in menu.text
    assert "¡Bienvenido a TutorBot!" in menu.text
    assert "Guardar" in _labels(menu.message)
    saved = await campus.emu.click(campus.student, menu.message, custom_id="start:save")
    assert saved.text.startswith("Casi listo")  # nothing picked yet: what is missing, in Spanish
    other = await campus.emu.click(campus.member, menu.message, custom_id="start:save")
    assert other.text == "Este menú es de otra persona. Ejecuta el comando tú para tener el tuyo."


async def test_a_member_with_member_locale_on_gets_their_own_language(campus) -> None:
    await _configure(campus, "languages", "es")
    campus.student.locale = "de"
    menu = await campus.emu.slash(campus.student, campus.guild, "start")
    assert "¡Bienvenido a TutorBot!" in menu.text  # member_locale is off: the guild's Spanish
    await _configure(campus, "member_locale", "on")
    menu = await campus.emu.slash(campus.student, campus.guild, "start")
    assert "Willkommen bei TutorBot!" in menu.text
    assert "Speichern" in _labels(menu.message)
    english = await campus.emu.slash(campus.member, campus.guild, "start")  # en-US: spoken
    assert texts.START_INTRO in english.text


async def test_an_english_guild_reads_exactly_the_english_texts(campus) -> None:
    menu = await campus.emu.slash(campus.student, campus.guild, "start")
    assert texts.START_INTRO in menu.text
    assert "Save" in _labels(menu.message)


async def test_commands_carry_spanish_and_german_descriptions_discord_accepts(campus) -> None:
    synced = {c["name"]: c for c in campus.emu.commands(campus.guild)}  # each one checked
    find = synced["find"]
    assert find["description_localizations"]["es-ES"] == "Busca un tutor para una asignatura"
    assert find["description_localizations"]["es-419"] == "Busca un tutor para una asignatura"
    assert find["description_localizations"]["de"] == "Einen Tutor für ein Fach finden"
    assert "name_localizations" not in find or not find["name_localizations"]
    subject = next(o for o in find["options"] if o["name"] == "subject")
    assert subject["description_localizations"]["de"]
