"""A subject's verification requirement is applied in SQL, before the result limit (both backends).

The fillers (more than `search.MAX_RESULTS`, all with lower ids) are unverified: if the
requirement were applied after the limit, the one verified tutor would never be listed.
"""

from marketplace.domain.policy import with_setting
from marketplace.services import search
from marketplace.services.search import FindTutors
from tests.services.marketplace_world import GUILD, STUDENT_ID, actor, build_world
from tests.storage.test_search_order_storage import HIGH_ID, add_profiles, fillers

STUDENT = actor(STUDENT_ID)


async def _require(uow_factory, clock, requirement: str) -> None:
    async with uow_factory() as uow:
        policy = await uow.guilds.policy(GUILD)
        policy = with_setting(policy, "verification_required_subjects", (requirement,))
        await uow.guilds.save_policy(GUILD, policy, clock.now())
        await uow.commit()


async def _found(ctx) -> list[int]:
    results = await search.find(FindTutors(STUDENT, "calculus"), ctx)
    return [hit.tutor_id for hit in results.hits]


async def test_only_verified_enough_tutors_are_listed_however_many_are_not(
    service_context, clock, uow_factory
):
    await build_world(service_context, clock)
    await add_profiles(uow_factory, fillers(sessions_held=20))
    await add_profiles(
        uow_factory,
        [
            {"user_id": HIGH_ID, "verification": "campus-email"},
            {"user_id": HIGH_ID + 1, "verification": "moderator-verified"},
        ],
    )
    await _require(uow_factory, clock, "calculus")
    assert sorted(await _found(service_context)) == [HIGH_ID, HIGH_ID + 1]
    await _require(uow_factory, clock, "calculus=moderator-verified")
    assert await _found(service_context) == [HIGH_ID + 1]
