"""The paid guild's journey: payouts, checkout, hold, session, completion, payout, refund.

Runs on a second campus whose bot has a Stripe key pointing at the in-repo Stripe fake,
with the checkout web app live on loopback and the fake's signed webhooks going to it.
A person's browser is played by HTTP requests to the real pages (what they show is
summarised in the transcript); time is moved with the campus clock.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import sys
from datetime import timedelta

import aiohttp

from demo.campus import Campus
from demo.journey import (
    DemoStepFailedError,
    booking_of,
    both_meet_in_the_session_space,
    demo_clock,
    dm,
    expect,
    option_values,
    seen,
    the_space_closes_after_the_grace,
    wake_jobs,
)
from discord_emulator import Message


def link_buttons(message: Message | None) -> dict[str, str]:
    """{label: url} of a message's link buttons."""
    found: dict[str, str] = {}

    def walk(components: list[dict[str, object]]) -> None:
        for component in components:
            url, label = component.get("url"), component.get("label")
            if component.get("type") == 2 and isinstance(url, str):  # 2: a button
                found[str(label)] = url
            walk(component.get("components") or [])  # type: ignore[arg-type]

    walk(message.components if message else [])
    return found


def page_text(body: str) -> str:
    """The words a person reads on a page (tags and extra spaces removed)."""
    text = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


async def browse(
    c: Campus, http: aiohttp.ClientSession, method: str, url: str, **form: str
) -> tuple[int, str, str]:
    """Open `url` like a browser (following redirects); (status, final url, text read)."""
    async with http.request(method, url, data=form or None) as response:
        body = await response.text()
        c.emu.say_system(f"🌐 {method} {url} → {response.status} {response.url}")
        return response.status, str(response.url), page_text(body)


def show(c: Campus, text: str, *fragments: str) -> None:
    """Print what the page says about `fragments` and fail if any is missing."""
    missing = [f for f in fragments if f.casefold() not in text.casefold()]
    if missing:
        msg = f"the page does not say {missing!r}: {text[:300]!r}"
        raise DemoStepFailedError(msg)
    c.emu.say_system("   the page shows: " + " · ".join(f"“{f}”" for f in fragments))


async def tutor_sets_up_payouts(c: Campus) -> None:
    """Theo connects a payout account on Stripe's page before he can take paid bookings."""
    emu, g, theo, maya = c.emu, c.guild, c.tutor, c.student
    found = expect(await emu.slash(maya, g, "find", subject="calculus"), "not accepting paid")
    assert found.message is not None
    setup = expect(await emu.slash(theo, g, "tutor payouts"), "connect a payout account")
    link = link_buttons(setup.message).get("Set up payouts")
    if link is None:
        raise DemoStepFailedError("/tutor payouts gave no Set up payouts link")
    async with aiohttp.ClientSession() as http:
        await browse(c, http, "GET", link)
        _status, _url, text = await browse(c, http, "POST", link)
    show(c, text, "Payouts are on")
    expect(await emu.slash(theo, g, "tutor payouts"), "Payouts are on")
    expect(await emu.slash(maya, g, "find", subject="calculus"), "$25.00/h")


async def book_and_pay(c: Campus, http: aiohttp.ClientSession, slot: int = 0) -> int:
    """Maya books Theo's `slot`-th open time, pays, and Theo accepts; the booking id."""
    emu, g, maya, theo = c.emu, c.guild, c.student, c.tutor
    results = expect(await emu.slash(maya, g, "find", subject="calculus"), "Calculus tutors")
    assert results.message is not None
    picker = await emu.click(maya, results.message, custom_id=f"find:book:{theo.id}")
    assert picker.message is not None
    chosen = option_values(picker.message, "book:slot")[slot]
    await emu.select(maya, picker.message, custom_id="book:slot", values=[chosen])
    booked = expect(
        await emu.click(maya, picker.message, custom_id="book:confirm"), "$28.75", "only held"
    )
    pay = link_buttons(booked.message).get("Pay")
    if pay is None:
        raise DemoStepFailedError("the booking reply has no Pay button")
    old_tutor, old_student = seen(c, theo), seen(c, maya)
    _status, _url, text = await browse(c, http, "GET", pay)
    show(
        c, text, "Calculus with Theo", "Tutor's rate for 60 min $25.00",
        "Platform fee (15% of the rate) $3.75", "$28.75", "full refund",
    )  # fmt: skip
    _status, hosted, _text = await browse(c, http, "POST", f"{pay}/pay")
    if "/c/pay/" not in hosted:
        raise DemoStepFailedError(f"Pay did not lead to Stripe Checkout: {hosted}")
    _status, _url, text = await browse(
        c, http, "POST", hosted, action="pay", card="4242424242424242"
    )
    show(c, text, "Held")
    request = await dm(c, theo, "Paid and held", old=old_tutor)
    expect(await emu.click(theo, request, label="Accept"), "Accepted")
    await dm(c, maya, "is held until the session is done", old=old_student)
    expect(await emu.slash(maya, g, "bookings"), "💳 held ($28.75)")
    async with c.runtime.services.uow(read_only=True) as uow:
        mine = await uow.bookings.for_user(
            g.id, maya.id, upcoming=True, now=demo_clock(c).now(), limit=10
        )
    return max(b.booking_id for b in mine)


async def student_pays_and_the_session_is_completed(c: Campus) -> None:
    """Maya pays through the checkout page; they meet in the session space; Theo is paid."""
    emu, g, maya, theo = c.emu, c.guild, c.student, c.tutor
    clock = demo_clock(c)
    async with aiohttp.ClientSession() as http:
        booking_id = await book_and_pay(c, http)
    notice = await both_meet_in_the_session_space(c, booking_id)
    booking = await booking_of(c, booking_id)
    clock.set(booking.end + timedelta(minutes=5))
    emu.say_system("⏩ The session took place; it is now just after its end.")
    expect(await emu.click(maya, notice, label="Mark complete"), "Marked complete")
    completed_at = clock.now()
    await wake_jobs(c)
    await the_space_closes_after_the_grace(c, booking_id)
    clock.set(completed_at + timedelta(hours=48, minutes=1))
    emu.say_system("⏩ 48 hours after completion: the dispute window has closed.")
    await wake_jobs(c)
    await dm(c, theo, "on its way to your payout account")
    expect(await emu.slash(theo, g, "bookings", scope="past"), "released to tutor")


async def the_student_reviews_the_tutor(c: Campus) -> None:
    """Maya answers the one-tap survey, then leaves a review; Theo is told and may reply."""
    emu, g, maya, theo = c.emu, c.guild, c.student, c.tutor
    survey = await dm(c, maya, "How did your **Calculus** session")
    expect(await emu.click(maya, survey, label="Helped"), "Thanks for answering")
    old = seen(c, theo)
    past = await emu.slash(maya, g, "bookings", scope="past")
    assert past.message is not None
    form = await emu.click(maya, past.message, label="Leave review")
    if form.modal is None:
        raise DemoStepFailedError("Leave review did not open the review form")
    values = {
        "review:stars": ["5"],
        "review:aspects": ["on_time", "explained_clearly", "helped_understand"],
        "review:text": "Patient, and the pictures-first approach finally made limits click.",
    }
    expect(await emu.submit_modal(maya, form.modal, values), "Your review of")
    await dm(c, theo, "New review", old=old)


async def a_late_cancellation_gets_a_partial_refund(c: Campus) -> None:
    """Maya books and pays again, then cancels five hours before: 50% comes back."""
    emu, g, maya = c.emu, c.guild, c.student
    clock = demo_clock(c)
    async with aiohttp.ClientSession() as http:
        booking_id = await book_and_pay(c, http)
        async with c.runtime.services.uow(read_only=True) as uow:
            booking = await uow.bookings.get(booking_id)
        assert booking is not None
        clock.set(booking.start - timedelta(hours=5))
        emu.say_system("⏩ It is now five hours before the session.")
        preview = expect(await emu.slash(maya, g, "cancel", booking=booking_id), "50% back")
        assert preview.message is not None
        expect(await emu.click(maya, preview.message, label="Confirm"), "Cancelled")
        await wake_jobs(c)
        listing = expect(await emu.slash(maya, g, "bookings", scope="past"), "partially refunded")
        assert listing.message is not None
        async with c.runtime.services.uow() as uow:
            token = await uow.checkout_tokens.current(booking_id, clock.now())
        _status, _url, text = await browse(c, http, "GET", f"{c.web_url}/bookings/{token}")
        show(c, text, "Partially refunded", "$14.38")


async def a_dispute_is_decided_by_a_moderator(c: Campus) -> None:
    """After a completed session Maya disputes it; Ines refunds 30% with /mod dispute."""
    emu, g, maya, theo, ines = c.emu, c.guild, c.student, c.tutor, c.admin
    clock = demo_clock(c)
    async with aiohttp.ClientSession() as http:
        booking_id = await book_and_pay(c, http)
    notice = await both_meet_in_the_session_space(c, booking_id)
    booking = await booking_of(c, booking_id)
    clock.set(booking.end)
    emu.say_system("⏩ The session has ended; Theo marks it complete.")
    expect(await emu.click(theo, notice, label="Mark complete"), "Marked complete")
    await wake_jobs(c)
    clock.set(booking.end + timedelta(hours=3))
    emu.say_system("⏩ Three hours later Maya isn't happy and opens a dispute.")
    past = await emu.slash(maya, g, "bookings", scope="past")
    assert past.message is not None
    form = await emu.click(maya, past.message, label="Open dispute")
    if form.modal is None:
        raise DemoStepFailedError("Open dispute did not open the statement form")
    statement = "Theo left after 35 minutes and we never got to the second topic."
    opened = expect(
        await emu.submit_modal(maya, form.modal, {"dispute:statement": statement}),
        "Your dispute #",
        "payout waits",
    )
    dispute_id = int(re.findall(r"dispute #(\d+)", opened.text)[0])
    await dm(c, theo, "opened a dispute")
    expect(await emu.slash(ines, g, "mod queue"), f"#{dispute_id}", f"booking #{booking_id}")
    old = seen(c, maya)
    decided = await emu.slash(
        ines, g, "mod dispute", case=dispute_id, outcome="refund", refund_percent=30,
        note="The session ran short; a partial refund is fair.",
    )  # fmt: skip
    expect(decided, f"Dispute #{dispute_id} decided", "30%")
    await wake_jobs(c)
    await dm(c, maya, "Dispute decided", old=old)
    listing = await emu.slash(maya, g, "bookings", scope="past")
    line = next((ln for ln in listing.text.splitlines() if f"#{booking_id}**" in ln), "")
    if "partially refunded" not in line:
        raise DemoStepFailedError(f"booking #{booking_id} does not show the refund: {line!r}")


async def a_tutor_no_show_is_refunded_in_full(c: Campus) -> None:
    """Maya books and pays; Theo never turns up: 15 minutes in, a no-show, full refund."""
    emu, g, maya, theo = c.emu, c.guild, c.student, c.tutor
    clock = demo_clock(c)
    async with aiohttp.ClientSession() as http:
        booking_id = await book_and_pay(c, http)
    booking = await booking_of(c, booking_id)
    clock.set(booking.start - timedelta(minutes=15))
    emu.say_system("⏩ 15 minutes before the session: its space opens; only Maya comes.")
    await wake_jobs(c)
    thread = next(t for t in emu.threads(g) if t.name.startswith(f"Session #{booking_id} "))
    notice = next(m for m in emu.messages(thread) if m.embeds)
    clock.set(booking.start)
    expect(await emu.click(maya, notice, label="Check in"), "checked in")
    old_student, old_tutor = seen(c, maya), seen(c, theo)
    clock.set(booking.start + timedelta(minutes=15))
    emu.say_system("⏩ 15 minutes after the start, Theo still hasn't checked in.")
    await wake_jobs(c)
    await dm(c, maya, "The tutor didn't check in", old=old_student)
    await dm(c, theo, "You didn't check in", old=old_tutor)
    past = await emu.slash(maya, g, "bookings", scope="past")
    line = next((ln for ln in past.text.splitlines() if f"#{booking_id}**" in ln), "")
    if "hold released, nothing charged" not in line:
        raise DemoStepFailedError(f"booking #{booking_id} does not show its refund: {line!r}")
    await the_space_closes_after_the_grace(c, booking_id)


async def the_admin_reads_the_weeks_figures(c: Campus) -> None:
    """Ines opens /admin stats: the week's KPIs and a chart of bookings per day."""
    stats = await c.emu.slash(c.admin, c.guild, "admin stats", period="7d")
    message = stats.message
    if message is None or not any(a.filename.endswith(".png") for a in message.attachments):
        raise DemoStepFailedError("/admin stats gave no chart")
    expect(stats, "Bookings", "Money")
    expect(await c.emu.slash(c.student, c.guild, "admin stats"), "Only server admins")


async def the_admin_exports_the_sessions(c: Campus) -> None:
    """Ines sets the server's zone and exports the month's sessions and tutor hours as CSV."""
    expect(
        await c.emu.slash(
            c.admin, c.guild, "admin config", setting="timezone", value="America/New_York"
        ),
        "America/New_York",
    )
    for kind in ("sessions", "tutor-hours"):
        made = expect(
            await c.emu.slash(c.admin, c.guild, "admin export", kind=kind, period="30d"),
            "export for", "(America/New_York)",
        )  # fmt: skip
        message = made.followups[-1] if made.followups else made.message
        if message is None or not message.attachments:
            raise DemoStepFailedError(f"/admin export {kind} gave no file")
        attachment = message.attachments[0]
        head = attachment.data.decode("utf-8").splitlines()[:3]
        c.emu.say_system(f"{attachment.filename}, first lines:\n" + "\n".join(head))


async def the_ledger_verifies(c: Campus) -> None:
    """An operator runs `tutorbot ledger verify` on the database: every cent accounted for."""
    env = {**os.environ, "DATABASE_URL": c.runtime.settings.database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tutorbot.cli", "ledger", "verify",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await process.communicate()
    c.emu.say_system(f"$ tutorbot ledger verify\n{output.decode().strip()}")
    if process.returncode != 0:
        raise DemoStepFailedError(f"ledger verify exited {process.returncode}")
