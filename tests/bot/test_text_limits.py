"""Through the real bot on the emulator: full lists are shown whole, empty pickers explained.

The emulator answers like Discord (400, 50035) to anything past a documented limit, so
these journeys fail if a reply ever outgrows one.
"""

from __future__ import annotations

from bot import texts
from marketplace.services import availability, onboarding
from marketplace.services.actor import Actor
from tests.bot.journeys import apply_as_tutor, onboard

EVERY_DAY_TIMES = 7  # seven daily slots: 49 weekly rules


async def test_the_availability_list_at_the_cap_shows_every_entry(campus) -> None:
    await onboard(campus, campus.tutor, "tutor", ["calculus"], zone="Europe/Berlin")
    await apply_as_tutor(campus, campus.tutor)
    zone = "America/Argentina/ComodRivadavia"  # the longest zone name: the longest lines
    await campus.emu.slash(campus.tutor, campus.guild, "timezone set", zone=zone)
    for hour in range(8, 8 + EVERY_DAY_TIMES):
        preview = await campus.emu.slash(
            campus.tutor, campus.guild, "tutor availability add",
            when=f"daily {hour:02}:00-{hour:02}:30", repeat="weekly", until="Sep 30",
        )  # fmt: skip
        await campus.emu.click(campus.tutor, preview.message, custom_id="avail:confirm")
    actor = Actor(campus.guild.id, campus.guild.name, campus.tutor.id)
    entries = await availability.entries(availability.ViewAvailability(actor), campus.bot.services)
    assert len(entries) == EVERY_DAY_TIMES * 7

    listing = await campus.emu.slash(campus.tutor, campus.guild, "tutor availability list")

    assert listing.error is None, listing.errors
    assert len(listing.message.embeds) > 1  # one description could not hold them all
    shown = "\n".join(e.get("description", "") for e in listing.message.embeds)
    assert all(f"`{e.entry_id}`" in shown for e in entries)


async def test_start_and_tutor_apply_say_when_there_are_no_subjects_yet(campus) -> None:
    services = campus.bot.services
    for subject in await onboarding.catalogue(campus.guild.id, campus.guild.name, services):
        removed = await campus.emu.slash(
            campus.admin, campus.guild, "admin subjects remove", subject=subject.key
        )
        assert "Removed" in removed.text

    for command in ("start", "tutor apply"):
        answer = await campus.emu.slash(campus.student, campus.guild, command)
        assert answer.error is None, answer.errors
        assert answer.text == texts.NO_SUBJECTS_YET
        assert not answer.message.components
