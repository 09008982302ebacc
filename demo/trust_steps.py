"""The demo's trust steps: a campus email proved, an off-platform payment flagged.

Theo proves his campus email with the code from the mail; in the session thread Maya
offers to pay on Venmo, is reminded of the rules, and a moderator warns her; Theo opens
a dispute with a screenshot, and the moderator reads the case file with the session log.
"""

from __future__ import annotations

from demo.campus import Campus
from demo.expect import DemoStepFailedError, expect
from discord_emulator import Channel

TUTOR_ADDRESS = "theo.tutor@campus.example.edu"
OFF_PLATFORM = "venm0 me at 555-0100"
"""What Maya tries in the session thread (and what must never be in the database file)."""


async def tutor_verifies_a_campus_email(c: Campus) -> None:
    """Theo proves his campus email: the code arrives by mail, Enter code takes it."""
    emu, g, ines, theo = c.emu, c.guild, c.admin, c.tutor
    if c.mailbox is None:
        raise DemoStepFailedError("the demo runs without its mail server")
    expect(
        await emu.slash(
            ines, g, "admin config", setting="allowed_email_domains", value="campus.example.edu"
        ),
        "is now",
    )
    expect(await emu.slash(theo, g, "verify email", address="theo@gmail.com"), "campus domains")
    sent = expect(
        await emu.slash(theo, g, "verify email", address=TUTOR_ADDRESS), "I sent a 6-digit code"
    )
    mail = c.mailbox.to(TUTOR_ADDRESS)[-1]
    body = mail.get_body(preferencelist=("plain",))
    emu.say_system(f"📬 Mail to {mail['To']}: “{mail['Subject']}”")
    for line in (body.get_content() if body else "").strip().splitlines():
        emu.say_system(f"    {line}")
    if sent.message is None:
        raise DemoStepFailedError("/verify email gave no reply with a button")
    form = await emu.click(theo, sent.message, label="Enter code")
    if form.modal is None:
        raise DemoStepFailedError("Enter code did not open the form")
    code = c.mailbox.code_for(TUTOR_ADDRESS)
    expect(await emu.submit_modal(theo, form.modal, {"verify:code": code}), "verified", "badge")


async def an_off_platform_attempt_is_flagged(c: Campus, thread: Channel) -> None:
    """In the session thread Maya offers to pay on Venmo: she is reminded, Ines warns her."""
    emu, g, ines, maya = c.emu, c.guild, c.admin, c.student
    await emu.post_message(maya, thread, OFF_PLATFORM)
    try:
        await emu.wait_for(
            lambda: any("quick reminder" in m.text for m in emu.messages(thread)), timeout=10
        )
    except TimeoutError as error:
        raise DemoStepFailedError("screening did not remind Maya in the thread") from error
    queue = await emu.slash(ines, g, "mod queue")
    await emu.settle()
    flagged = next((m for m in queue.followups if "Flagged messages" in m.text), None)
    if flagged is None or OFF_PLATFORM not in flagged.text:
        raise DemoStepFailedError("the flag did not reach /mod queue with its message")
    warn = next(label for label, _, _ in flagged.buttons if label.startswith("Warn #"))
    expect(await emu.click(ines, flagged, label=warn), "has been warned")


SEALED_IN_DEMO = (
    TUTOR_ADDRESS,
    OFF_PLATFORM,
    "He asked me to pay him on Venmo",
    "screenshot attached",
)
"""Sensitive strings of the free journey that are sealed, so never plaintext in the file."""

DISPUTE_STATEMENT = "Maya asked me to take payment on Venmo instead; screenshot attached."
SCREENSHOT = ("venmo-request.png", b"\x89PNG\r\n\x1a\n" + b"screenshot" * 64, "image/png")


async def a_dispute_carries_a_file_and_the_log(c: Campus, booking_id: int) -> None:
    """Theo disputes the session with a screenshot; Ines reads the case file and decides."""
    emu, g, ines, theo = c.emu, c.guild, c.admin, c.tutor
    evidence = emu.add_text_channel(g, "mod-evidence")
    expect(
        await emu.slash(
            ines, g, "admin config", setting="evidence_channel", value=f"<#{evidence.id}>"
        ),
        "is now",
    )
    form = await emu.slash(theo, g, "dispute", booking=booking_id)
    if form.modal is None:
        raise DemoStepFailedError("/dispute did not open the form")
    values = {"dispute:statement": DISPUTE_STATEMENT, "dispute:files": [SCREENSHOT]}
    expect(await emu.submit_modal(theo, form.modal, values), "is open")
    if not any(m.attachments for m in emu.messages(evidence)):
        raise DemoStepFailedError("the screenshot was not kept in the evidence channel")
    case = await emu.slash(ines, g, "mod evidence", dispute=1)
    expect(case, "venmo-request.png", "Messages in the session space")
    log = next((a for a in case.message.attachments), None) if case.message else None
    if log is None or OFF_PLATFORM.encode() not in log.data:
        raise DemoStepFailedError("the case file lacks the session log")
    emu.say_system(f"📄 {log.filename}:")
    for line in log.data.decode().splitlines():
        emu.say_system(f"    {line}")
    expect(
        await emu.slash(ines, g, "mod dispute", case=1, outcome="no_refund",
                        note="Warned Maya; the session itself went fine."),
        "decided",
    )  # fmt: skip
