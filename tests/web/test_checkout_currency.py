"""A booking priced 5,000 ISK: Stripe gets 500000 (two-decimal, whole krónur), people read
"ISK5,000" (Babel's en form), or "5.000 ISK" in a German-speaking guild."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from bot.presenters.bookings import booked_text, payment_label
from marketplace.ports import PayoutAccount
from marketplace.services import checkout
from marketplace.services.bookings import book
from marketplace.services.context import ServiceContext
from stripe_fake import StripeFake
from stripe_fake.checkout import line_items
from tests.conftest import FixedClock
from tests.services.marketplace_world import (
    GUILD,
    NOW,
    STUDENT_ID,
    TUTOR_ID,
    add_student,
    add_tutor,
    book_cmd,
)
from tests.web.world import PAYOUT_ACCOUNT, START, text_of


async def isk_booking(ctx: ServiceContext, clock: FixedClock, languages: tuple[str, ...]):
    """A guild in ISK with no fee; a tutor at 5,000 kr/h; a 60-minute booking."""
    clock.set(NOW)
    student = await add_student(ctx, STUDENT_ID)  # the guild exists from here
    async with ctx.uow() as uow:
        policy = await uow.guilds.policy(GUILD)
        changed = replace(policy, currency="ISK", platform_fee_bps=0, languages=languages)
        await uow.guilds.save_policy(GUILD, changed, NOW)
        await uow.commit()
    await add_tutor(ctx, TUTOR_ID, rate="5,000")
    async with ctx.uow() as uow:
        account = PayoutAccount(PAYOUT_ACCOUNT, True, transfers_active=True)
        await uow.payout_accounts.save(GUILD, TUTOR_ID, account, NOW)
        await uow.commit()
    booking = await book(book_cmd(student, TUTOR_ID, START, 60), ctx)
    return booking, urlsplit(
        await checkout.link_for(checkout.CheckoutLink(student, booking.booking_id), ctx)
    ).path


async def test_5000_isk_is_500000_at_stripe_and_isk_5_000_to_people(
    client, ctx: ServiceContext, clock: FixedClock, fake: StripeFake
) -> None:
    booking, path = await isk_booking(ctx, clock, ("en",))
    assert booking.price is not None
    assert (booking.price.minor, booking.price.currency) == (500_000, "ISK")
    assert "ISK5,000" in booked_text(booking)
    assert payment_label(booking, None).endswith("(ISK5,000)")

    page = await client.get(path)
    text = text_of(await page.text())
    assert "Total ISK5,000" in text
    assert "5,000.00" not in text
    assert "ISK50" not in text

    paying = await client.post(f"{path}/pay", allow_redirects=False)
    assert paying.status == 303, await paying.text()
    session_id = urlsplit(paying.headers["Location"]).path.rsplit("/", 1)[1]
    session = fake.get(session_id)
    assert (session["amount_total"], session["currency"]) == (500_000, "isk")
    [item] = line_items(fake.store.objects[session_id])["data"]
    assert item["price"]["unit_amount"] == 500_000
    assert fake.violations == []


async def test_the_guilds_locale_shapes_the_amount(
    client, ctx: ServiceContext, clock: FixedClock
) -> None:
    booking, path = await isk_booking(ctx, clock, ("de", "en"))
    text = text_of(await (await client.get(path)).text())
    assert "Total 5.000 ISK" in text  # text_of folds the no-break space Babel writes
    assert "5.000\xa0ISK" in booked_text(booking, locale="de")
