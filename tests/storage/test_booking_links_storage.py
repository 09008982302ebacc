"""`/bookings` rows read in one query: each booking's open space and checkout token."""

from datetime import UTC, datetime, timedelta

from marketplace.domain.spaces import SessionSpace, SpaceStatus, TextPlace
from tests.services.test_booking_hot_path import count_statements
from tests.storage.payment_rows import add_booking, new_payment

GUILD = 901
STUDENT, TUTOR = 1, 2
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def _page(uow_factory, count: int) -> dict[str, int | str]:
    """`count` bookings: an open space, a closed one, a paid one with tokens, then bare ones."""
    made: dict[str, int | str] = {}
    async with uow_factory() as uow:
        for n in range(count):
            made[f"b{n}"] = await add_booking(uow, GUILD, NOW, STUDENT, TUTOR)
        await uow.commit()
    open_id, closed_id, paid_id = made["b0"], made["b1"], made["b2"]
    async with uow_factory() as uow:
        for booking_id, status in ((open_id, SpaceStatus.OPEN), (closed_id, SpaceStatus.CLOSED)):
            assert await uow.spaces.claim(booking_id, GUILD, NOW)
            await uow.spaces.save(
                SessionSpace(
                    booking_id=booking_id, guild_id=GUILD, status=status, claimed_at=NOW,
                    text_id=booking_id * 1000, text_place=TextPlace.THREAD, opened_at=NOW,
                )
            )  # fmt: skip
        await uow.payments.add(new_payment(paid_id), GUILD, "manual", NOW)
        await uow.checkout_tokens.issue(
            paid_id, NOW - timedelta(minutes=1), NOW - timedelta(days=1)
        )
        token = await uow.checkout_tokens.issue(paid_id, NOW + timedelta(days=3), NOW)
        await uow.commit()
    return made | {"token": token}


async def _links(uow_factory, limit: int = 10):
    async with uow_factory(read_only=True) as uow:
        return await uow.bookings.links_for(GUILD, STUDENT, upcoming=True, now=NOW, limit=limit)


async def test_each_booking_comes_with_its_open_space_and_current_token(uow_factory):
    made = await _page(uow_factory, 4)
    links = {x.booking.booking_id: x for x in await _links(uow_factory)}

    assert set(links) == {made[f"b{n}"] for n in range(4)}
    opened, closed, paid, bare = (links[made[f"b{n}"]] for n in range(4))
    assert opened.space_text_id == made["b0"] * 1000
    assert closed.space_text_id is None  # only an open space can be joined
    assert (paid.has_payment, paid.pay_token) == (True, made["token"])  # the unexpired one
    assert (bare.space_text_id, bare.has_payment, bare.pay_token) == (None, False, None)
    assert (opened.has_payment, opened.pay_token) == (False, None)


async def test_the_same_bookings_in_the_same_order_as_for_user(uow_factory):
    await _page(uow_factory, 5)
    async with uow_factory(read_only=True) as uow:
        plain = await uow.bookings.for_user(GUILD, STUDENT, upcoming=True, now=NOW, limit=4)
        past = await uow.bookings.links_for(GUILD, STUDENT, upcoming=False, now=NOW, limit=4)
    assert [x.booking for x in await _links(uow_factory, 4)] == plain
    assert past == []


async def test_one_statement_whatever_the_page_size(uow_factory, database):
    await _page(uow_factory, 9)
    counts = []
    for limit in (1, 3, 9):
        sent: list[str] = []
        stop = count_statements(database, sent)
        try:
            assert len(await _links(uow_factory, limit)) == limit
        finally:
            stop()
        counts.append(len([s for s in sent if "booking" in s.lower()]))
    assert counts == [1, 1, 1], counts
