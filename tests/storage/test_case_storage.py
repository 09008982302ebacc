"""Moderation cases: what goes in comes back out, on both backends."""

from datetime import UTC, datetime, timedelta

from marketplace.domain.cases import CaseAction, CaseStatus, open_case, resolve

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
GUILD = 100
OTHER_GUILD = 200
MAX_SNOWFLAKE = 2**63 - 1


async def _add(uow_factory, target=MAX_SNOWFLAKE, at=NOW, guild=GUILD, reporter=7):
    async with uow_factory() as uow:
        await uow.guilds.ensure(guild, "Campus", NOW)
        case = await uow.cases.add(open_case(guild, reporter, target, None, "Rude", at))
        await uow.commit()
    return case


async def test_a_case_round_trips_with_big_snowflakes_and_aware_times(uow_factory):
    added = await _add(uow_factory)
    async with uow_factory(read_only=True) as uow:
        got = await uow.cases.get(GUILD, added.case_id)
        assert await uow.cases.get(OTHER_GUILD, added.case_id) is None
    assert got == added
    assert got.target_id == MAX_SNOWFLAKE
    assert got.created_at == NOW
    assert got.created_at.tzinfo is not None


async def test_closing_is_compare_and_set_on_the_open_status(uow_factory):
    case = await _add(uow_factory)
    closed = resolve(case, 9, CaseAction.RESTRICTED, "Second offence", NOW + timedelta(hours=1))
    async with uow_factory() as uow:
        assert await uow.cases.close(closed) is True
        assert await uow.cases.close(closed) is False
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        got = await uow.cases.get(GUILD, case.case_id)
    assert got == closed
    assert got.status is CaseStatus.RESOLVED


async def test_open_cases_page_oldest_first_and_count(uow_factory):
    ids = [
        (await _add(uow_factory, target=t, at=NOW + timedelta(minutes=t))).case_id
        for t in (3, 1, 2)
    ]
    await _add(uow_factory, guild=OTHER_GUILD)
    async with uow_factory(read_only=True) as uow:
        first = await uow.cases.open_cases(GUILD, limit=2, offset=0)
        rest = await uow.cases.open_cases(GUILD, limit=2, offset=2)
        assert await uow.cases.count_open(GUILD) == 3
    assert [c.case_id for c in first + rest] == [ids[1], ids[2], ids[0]]


async def test_reports_since_and_cases_about_a_user(uow_factory):
    await _add(uow_factory, target=5, at=NOW - timedelta(days=2))
    newer = await _add(uow_factory, target=5, at=NOW)
    await _add(uow_factory, target=6, at=NOW, reporter=8)
    async with uow_factory(read_only=True) as uow:
        assert await uow.cases.reported_since(GUILD, 7, NOW - timedelta(days=1)) == 1
        about = await uow.cases.about(GUILD, 5, 10)
    assert about[0].case_id == newer.case_id
    assert len(about) == 2


async def test_card_disputes_are_read_back_from_the_audit_log(uow_factory):
    async with uow_factory() as uow:
        await uow.guilds.ensure(GUILD, "Campus", NOW)
        await uow.audit.record(GUILD, 0, "payment_disputed", {"booking": 4}, NOW)
        await uow.audit.record(GUILD, 0, "config.set", {"key": "x"}, NOW)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        assert await uow.audit.of_action(GUILD, "payment_disputed", 5) == [(NOW, {"booking": 4})]
