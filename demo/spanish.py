"""A server that speaks Spanish (`languages: es`), and a member who reads German.

The same bot, a new server: its admin sets `languages`, and from then on every reply,
button, form, error and date is Spanish. With `member_locale` on, a member whose Discord
client is German gets German instead.
"""

from __future__ import annotations

from demo.campus import Campus
from demo.expect import expect


async def the_admin_switches_the_server_to_spanish(c: Campus) -> None:
    """Ines, the admin, sets `languages` to Spanish (dates are read in Spanish too)."""
    expect(
        await c.emu.slash(c.admin, c.guild, "admin config", setting="languages", value="es, en"),
        "`languages`",
        "es, en",
    )


async def a_student_starts_in_spanish(c: Campus) -> None:
    """Maya runs /start and /find: the menu, its buttons and the answers are Spanish."""
    emu, g, maya = c.emu, c.guild, c.student
    menu = expect(await emu.slash(maya, g, "start"), "¡Bienvenido a TutorBot!", "Guardar")
    assert menu.message is not None
    expect(await emu.click(maya, menu.message, custom_id="start:save"), "Casi listo")
    await emu.select(maya, menu.message, custom_id="start:role", values=["student"])
    await emu.select(maya, menu.message, custom_id="start:zone", values=["Europe/Paris"])
    await emu.select(maya, menu.message, custom_id="start:subjects", values=["calculus"])
    await emu.select(maya, menu.message, custom_id="start:level", values=["beginner"])
    expect(
        await emu.click(maya, menu.message, custom_id="start:save"),
        "¡Todo listo",
        "Próximos pasos",
    )
    expect(
        await emu.slash(maya, g, "timezone set", zone="Marte/Olimpo"),
        "No conozco la zona horaria",
    )
    expect(await emu.slash(maya, g, "find", subject="calculus"), "Aún no hay tutores")


async def a_member_reads_their_own_language(c: Campus) -> None:
    """With `member_locale` on, Sam, whose Discord is German, gets German."""
    emu, g, sam = c.emu, c.guild, c.member
    expect(
        await emu.slash(c.admin, g, "admin config", setting="member_locale", value="on"),
        "`member_locale`",
    )
    sam.locale = "de"
    expect(await emu.slash(sam, g, "start"), "Willkommen bei TutorBot!", "Speichern")


SPANISH_STEPS = (
    the_admin_switches_the_server_to_spanish,
    a_student_starts_in_spanish,
    a_member_reads_their_own_language,
)
