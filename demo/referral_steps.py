"""Referral credits in the paid server (issue 16 item 4).

Maya names Sam as who brought her with `/start referred_by:` (naming herself first is
refused, and `/start` goes on). Once her first session is past its 48-hour dispute
window, Sam is DMed $5.00 of credit; he spends $3.75 of it at checkout, where it is a
line of its own off the platform fee (Theo is paid his full rate). When Maya's bank later
takes that first session's money back in full, the referral is withdrawn: the unused
$1.25 is taken back and Sam is told.
"""

from __future__ import annotations

from datetime import timedelta

import aiohttp

from demo.campus import Campus
from demo.journey import (
    DemoStepFailedError,
    booking_of,
    demo_clock,
    dm,
    expect,
    option_values,
    seen,
    wake_jobs,
)
from demo.paid_journey import browse, link_buttons, show


async def maya_names_who_brought_her(c: Campus) -> None:
    """Maya runs /start again to name Sam; naming herself is refused, the menu stays."""
    emu, g, maya, sam = c.emu, c.guild, c.student, c.member
    expect(
        await emu.slash(maya, g, "start", referred_by=maya),
        "didn't record who brought you", "can't name yourself", "Welcome to TutorBot",
    )  # fmt: skip
    expect(await emu.slash(maya, g, "start", referred_by=sam), "@Sam brought you here")
    expect(await emu.slash(sam, g, "referrals"), "@Maya · joined")


async def _sam_onboards(c: Campus) -> None:
    emu, g, sam = c.emu, c.guild, c.member
    menu = expect(await emu.slash(sam, g, "start"), "Welcome to TutorBot")
    assert menu.message is not None
    for custom_id, values in (
        ("start:role", ["student"]),
        ("start:zone", ["Europe/London"]),
        ("start:subjects", ["calculus"]),
        ("start:level", ["intermediate"]),
    ):
        await emu.select(sam, menu.message, custom_id=custom_id, values=values)
    expect(await emu.click(sam, menu.message, custom_id="start:save"), "You're all set")


async def sam_is_credited_and_spends_it_at_checkout(c: Campus) -> None:
    """Sam's DM says $5.00 is his; his first paid booking takes $3.75 off the fee."""
    emu, g, sam, theo = c.emu, c.guild, c.member, c.tutor
    await dm(c, sam, "Thanks for bringing a friend")
    expect(await emu.slash(sam, g, "referrals"), "@Maya · credited $5.00", "**$5.00** to use")
    await _sam_onboards(c)
    results = expect(await emu.slash(sam, g, "find", subject="calculus"), "Calculus tutors")
    assert results.message is not None
    picker = await emu.click(sam, results.message, custom_id=f"find:book:{theo.id}")
    assert picker.message is not None
    chosen = option_values(picker.message, "book:slot")[0]
    await emu.select(sam, picker.message, custom_id="book:slot", values=[chosen])
    booked = expect(await emu.click(sam, picker.message, custom_id="book:confirm"), "$25.00")
    pay = link_buttons(booked.message).get("Pay")
    if pay is None:
        raise DemoStepFailedError("Sam's booking reply has no Pay button")
    old_tutor = seen(c, theo)
    async with aiohttp.ClientSession() as http:
        _status, _url, text = await browse(c, http, "GET", pay)
        show(
            c, text, "Tutor's rate for 60 min $25.00", "Platform fee (15% of the rate) $3.75",
            "Your referral credit (off the platform fee) −$3.75", "Total $25.00",
        )  # fmt: skip
        _status, hosted, _text = await browse(c, http, "POST", f"{pay}/pay")
        _status, _url, text = await browse(
            c, http, "POST", hosted, action="pay", card="4242424242424242"
        )
        show(c, text, "Held", "$25.00")
    request = await dm(c, theo, "Paid and held", old=old_tutor)
    expect(await emu.click(theo, request, label="Accept"), "Accepted")
    expect(await emu.slash(sam, g, "referrals"), "**$1.25** to use")
    await _the_session_takes_place(c)


async def _the_session_takes_place(c: Campus) -> None:
    """Sam's session happens and he marks it complete (Theo is paid his full rate later)."""
    emu, g, sam = c.emu, c.guild, c.member
    clock = demo_clock(c)
    async with c.runtime.services.uow(read_only=True) as uow:
        mine = await uow.bookings.for_user(g.id, sam.id, upcoming=True, now=clock.now(), limit=5)
    booking = await booking_of(c, max(b.booking_id for b in mine))
    clock.set(booking.end - timedelta(minutes=5))
    emu.say_system("⏩ Sam's session is under way; five minutes before its end he wraps up.")
    listing = await emu.slash(sam, g, "bookings")
    assert listing.message is not None
    expect(await emu.click(sam, listing.message, label="Mark complete"), "Marked complete")
    await wake_jobs(c)


async def the_referral_is_withdrawn_after_the_full_chargeback(c: Campus) -> None:
    """Maya's bank took her first session's money back in full: Sam's credit goes."""
    emu, g, sam = c.emu, c.guild, c.member
    await dm(c, sam, "Referral credit withdrawn")
    expect(await emu.slash(sam, g, "referrals"), "@Maya · withdrawn")
