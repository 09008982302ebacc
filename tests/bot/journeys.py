"""User journeys the bot tests share: onboarding and applying as a tutor."""

from __future__ import annotations

from demo.campus import Campus
from discord_emulator import User


async def onboard(
    c: Campus,
    user: User,
    role: str,
    subjects: list[str],
    *,
    zone: str = "Europe/Berlin",
    level: str = "beginner",
) -> None:
    """Run /start as `user` and pick everything."""
    menu = await c.emu.slash(user, c.guild, "start")
    assert menu.message is not None
    await c.emu.select(user, menu.message, custom_id="start:role", values=[role])
    await c.emu.select(user, menu.message, custom_id="start:zone", values=[zone])
    await c.emu.select(user, menu.message, custom_id="start:subjects", values=subjects)
    await c.emu.select(user, menu.message, custom_id="start:level", values=[level])
    saved = await c.emu.click(user, menu.message, custom_id="start:save")
    assert "You're all set" in saved.text


async def apply_as_tutor(
    c: Campus,
    user: User,
    *,
    rate: str = "25",
    bio: str = "I have tutored calculus for three years and love worked examples.",
) -> None:
    """Run /tutor apply as `user` with sensible choices."""
    menu = await c.emu.slash(user, c.guild, "tutor apply")
    assert menu.message is not None
    await c.emu.select(user, menu.message, custom_id="apply:subjects", values=["calculus"])
    await c.emu.select(user, menu.message, custom_id="apply:level", values=["advanced"])
    await c.emu.select(user, menu.message, custom_id="apply:formats", values=["text"])
    form = await c.emu.click(user, menu.message, custom_id="apply:continue")
    assert form.modal is not None
    saved = await c.emu.submit_modal(user, form.modal, {"rate": rate, "bio": bio})
    assert "tutor profile is saved" in saved.text
