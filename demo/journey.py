"""The user journey `make demo` runs: every step that exists so far, as users would do it."""

from __future__ import annotations

from demo.campus import Campus
from discord_emulator import InteractionResult


class DemoStepFailedError(Exception):
    """The bot did not answer a step the way a user should see it."""


def expect(result: InteractionResult, *fragments: str) -> InteractionResult:
    """Fail the demo unless the reply contains every fragment (case-insensitive)."""
    text = (result.text or "").casefold()
    missing = [f for f in fragments if f.casefold() not in text]
    if missing or result.error:
        msg = f"expected {missing!r} in reply; got {result.text!r} (error {result.error})"
        raise DemoStepFailedError(msg)
    return result


async def admin_configures_the_server(c: Campus) -> None:
    """The admin looks at the settings and points TutorBot at the right channels and role."""
    emu, g, ines = c.emu, c.guild, c.admin
    expect(await emu.slash(ines, g, "admin config"), "Server settings", "min_notice_minutes")
    expect(
        await emu.slash(
            ines, g, "admin config", setting="sessions_channel", value=f"<#{c.sessions.id}>"
        ),
        "sessions_channel",
    )
    expect(
        await emu.slash(
            ines, g, "admin config", setting="moderator_role", value=f"<@&{c.moderators.id}>"
        ),
        "moderator_role",
    )
    expect(
        await emu.slash(ines, g, "admin config", setting="min_notice_minutes", value="two hours"),
        "whole number",
    )
    expect(await emu.slash(c.member, g, "admin config"), "Only server admins")


async def student_onboards(c: Campus) -> None:
    """Maya gets help, then runs /start and picks everything in the menu."""
    emu, g, maya = c.emu, c.guild, c.student
    expect(await emu.slash(maya, g, "help"), "/start")
    menu = expect(await emu.slash(maya, g, "start"), "Welcome to TutorBot")
    assert menu.message is not None
    expect(await emu.click(maya, menu.message, custom_id="start:save"), "pick")
    await emu.select(maya, menu.message, custom_id="start:role", values=["student"])
    await emu.select(maya, menu.message, custom_id="start:zone", values=["Europe/Berlin"])
    await emu.select(
        maya, menu.message, custom_id="start:subjects", values=["calculus", "linear-algebra"]
    )
    await emu.select(maya, menu.message, custom_id="start:level", values=["beginner"])
    expect(
        await emu.click(maya, menu.message, custom_id="start:save"),
        "You're all set",
        "Next steps",
        "/find",
    )
    expect(await emu.slash(maya, g, "timezone set", zone="Mars/Olympus_Mons"), "don't know")
    choices = await emu.autocomplete(maya, g, "timezone set", focused="zone", zone="berl")
    if "Europe/Berlin" not in [ch["value"] for ch in choices]:
        raise DemoStepFailedError(f"autocomplete missed Europe/Berlin: {choices}")
    expect(await emu.slash(maya, g, "timezone set", zone="europe/berlin"), "Europe/Berlin")
    edit = await emu.slash(maya, g, "profile edit")
    if edit.modal is None:
        raise DemoStepFailedError("/profile edit did not open a modal")
    expect(
        await emu.submit_modal(maya, edit.modal, {"goals": "Pass Calculus I with a B or better"}),
        "Saved",
        "Pass Calculus I",
    )


async def tutor_onboards(c: Campus) -> None:
    """Theo starts as a tutor, applies with a bad rate first, then a good one."""
    emu, g, theo = c.emu, c.guild, c.tutor
    menu = expect(await emu.slash(theo, g, "start"), "Welcome")
    assert menu.message is not None
    await emu.select(theo, menu.message, custom_id="start:role", values=["tutor"])
    other = await emu.click(theo, menu.message, custom_id="start:other_zone")
    if other.modal is None:
        raise DemoStepFailedError("the Other time zone button did not open a modal")
    expect(await emu.submit_modal(theo, other.modal, {"zone": "America/New_York"}), "Got it")
    await emu.select(theo, menu.message, custom_id="start:subjects", values=["calculus"])
    await emu.select(theo, menu.message, custom_id="start:level", values=["advanced"])
    expect(await emu.click(theo, menu.message, custom_id="start:save"), "/tutor apply")

    apply = expect(await emu.slash(theo, g, "tutor apply"), "Become a tutor")
    assert apply.message is not None
    msg = apply.message
    await emu.select(theo, msg, custom_id="apply:subjects", values=["calculus", "linear-algebra"])
    await emu.select(theo, msg, custom_id="apply:level", values=["advanced"])
    await emu.select(theo, msg, custom_id="apply:formats", values=["text", "voice"])
    await emu.select(theo, msg, custom_id="apply:instant", values=["off"])
    bio = (
        "Third-year maths student. I explain calculus with pictures first and "
        "algebra second, and I love a good worked example."
    )
    form = await emu.click(theo, msg, custom_id="apply:continue")
    if form.modal is None:
        raise DemoStepFailedError("Continue did not open the application form")
    expect(await emu.submit_modal(theo, form.modal, {"rate": "twenty", "bio": bio}), "rate")
    form = await emu.click(theo, msg, custom_id="apply:continue")
    assert form.modal is not None
    expect(
        await emu.submit_modal(
            theo, form.modal, {"rate": "25", "bio": bio, "not_teaching": "Statistics"}
        ),
        "tutor profile is saved",
        "$25.00",
        "Doesn't teach",
    )
    expect(await emu.slash(theo, g, "profile view"), "Profile completeness", "availability")
    expect(await emu.slash(theo, g, "tutor pause"), "paused")
    expect(await emu.slash(theo, g, "tutor resume"), "Welcome back")


async def student_looks_at_the_tutor(c: Campus) -> None:
    """Maya opens Theo's card; she does not see his completeness checklist."""
    result = expect(
        await c.emu.slash(c.student, c.guild, "profile view", user=c.tutor),
        "Theo",
        "Not verified yet",
        "Calculus",
    )
    if "completeness" in (result.text or "").casefold():
        raise DemoStepFailedError("another user's completeness must stay private")


STEPS = (
    admin_configures_the_server,
    student_onboards,
    tutor_onboards,
    student_looks_at_the_tutor,
)
