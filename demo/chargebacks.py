"""The paid guild's card disputes: one lost after the payout, one won with evidence.

The student's bank is played by the Stripe fake's harness (`StripeFake.dispute` and
`close_dispute`); its signed webhooks reach the checkout app as Stripe's would. The admin
sends the evidence draft from `/mod queue`, and the tutor hears what each decision means.
"""

from __future__ import annotations

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
    seen,
    wake_jobs,
)
from demo.paid_journey import book_and_pay
from stripe_fake import StripeFake

PLATFORM_FUNDS = 200_00
"""The platform's Stripe balance from earlier sales: dispute fees are paid from it."""


def _stripe(c: Campus) -> StripeFake:
    if c.stripe is None:
        raise DemoStepFailedError("the chargeback journeys need the Stripe fake")
    return c.stripe


async def _intent_of(c: Campus, booking_id: int) -> str:
    async with c.runtime.services.uow(read_only=True) as uow:
        _session, intent_id = await uow.payments.refs(booking_id)
    if intent_id is None:
        raise DemoStepFailedError(f"booking #{booking_id} has no PaymentIntent")
    return intent_id


async def _paid_out_booking(c: Campus) -> int:
    """The first paid session: completed and paid out earlier in the journey."""
    async with c.runtime.services.uow(read_only=True) as uow:
        payments = await uow.payments.in_guild(c.guild.id)
    for booking_id, payment in sorted(payments.items()):
        if payment.released:
            return booking_id
    raise DemoStepFailedError("no paid-out session to dispute")


async def a_chargeback_after_the_payout_is_lost(c: Campus) -> None:
    """Weeks later Maya's bank disputes the first session; the bank decides for her."""
    emu, g, theo, ines = c.emu, c.guild, c.tutor, c.admin
    stripe, clock = _stripe(c), demo_clock(c)
    stripe.add_balance(PLATFORM_FUNDS)
    booking_id = await _paid_out_booking(c)
    clock.advance(timedelta(days=20))
    await wake_jobs(c)  # what fell due meanwhile (the other sessions' payouts)
    emu.say_system(
        f"⏩ Three weeks later Maya's bank disputes the charge for session #{booking_id} "
        "(Theo was paid long ago)."
    )
    old = seen(c, theo)
    dispute = await stripe.dispute(await _intent_of(c, booking_id), reason="fraudulent")
    await wake_jobs(c)
    await dm(c, theo, "may be taken back", old=old)
    expect(await emu.slash(ines, g, "mod queue"), "Card disputes", f"Booking #{booking_id}")
    emu.say_system("⏩ The bank decides for Maya without waiting for evidence.")
    old = seen(c, theo)
    await stripe.close_dispute(dispute["id"], "lost")
    await wake_jobs(c)
    await dm(c, theo, "payout went back too", old=old)
    reversals = [o for o in stripe.store.objects.values() if o["object"] == "transfer_reversal"]
    emu.say_system(
        "Stripe: transfer reversal "
        + ", ".join(f"{r['id']} of {r['amount']} {r['currency']}" for r in reversals)
    )
    if [r["amount"] for r in reversals] != [2500]:
        raise DemoStepFailedError(f"expected one reversal of Theo's $25.00: {reversals}")


async def a_chargeback_with_evidence_is_won(c: Campus) -> None:
    """A new session is disputed before its payout; Ines sends the evidence; the bank agrees."""
    emu, g, maya, theo, ines = c.emu, c.guild, c.student, c.tutor, c.admin
    stripe, clock = _stripe(c), demo_clock(c)
    async with aiohttp.ClientSession() as http:
        booking_id = await book_and_pay(c, http)
    notice = await both_meet_in_the_session_space(c, booking_id)
    booking = await booking_of(c, booking_id)
    clock.set(booking.end + timedelta(minutes=5))
    expect(await emu.click(maya, notice, label="Mark complete"), "Marked complete")
    await wake_jobs(c)
    clock.advance(timedelta(hours=20))
    emu.say_system(f"⏩ The next day Maya's bank disputes session #{booking_id}, before payout.")
    old = seen(c, theo)
    dispute = await stripe.dispute(await _intent_of(c, booking_id), reason="product_not_received")
    await wake_jobs(c)
    await dm(c, theo, "payout for it is on hold", old=old)
    queue = expect(await emu.slash(ines, g, "mod queue"), f"Booking #{booking_id}", "evidence")
    if queue.message is None:
        raise DemoStepFailedError("/mod queue sent no message")
    sent = await emu.click(ines, queue.message, label=f"Submit evidence #{booking_id}")
    expect(sent, f"Evidence for booking #{booking_id} is with the bank")
    evidence = stripe.get(dispute["id"])["evidence"]
    emu.say_system(
        "Stripe received the evidence:\n"
        + "\n".join(
            f"  {name}: {' / '.join(str(value).splitlines())[:110]}"
            for name, value in evidence.items()
            if value
        )
    )
    clock.advance(timedelta(days=2))
    emu.say_system(
        "⏩ Two days later the bank decides for the platform; the frozen payout goes out at "
        "its next check."
    )
    old = seen(c, theo)
    await stripe.close_dispute(dispute["id"], "won")
    await wake_jobs(c)
    await dm(c, theo, "Your payout goes ahead", old=old)
    await dm(c, theo, "on its way to your payout account", old=old)


CHARGEBACK_STEPS = (a_chargeback_after_the_payout_is_lost, a_chargeback_with_evidence_is_won)
