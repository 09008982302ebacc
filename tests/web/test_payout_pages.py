"""The pages a tutor lands on after payout onboarding."""

from __future__ import annotations

from datetime import timedelta

from marketplace.ports import PayoutAccount
from tests.services.marketplace_world import GUILD, NOW, TUTOR_ID, add_tutor
from tests.web.world import text_of


async def onboarding_tutor(ctx, clock, gateway) -> str:
    clock.set(NOW)
    await add_tutor(ctx, TUTOR_ID)
    account_id = await gateway.create_payout_account(f"{GUILD}:{TUTOR_ID}", "web-payouts-1")
    async with ctx.uow() as uow:
        await uow.payout_accounts.save(GUILD, TUTOR_ID, PayoutAccount(account_id, False), NOW)
        await uow.commit()
    return account_id


async def test_returning_before_onboarding_is_done_says_to_run_the_command_again(
    client, ctx, clock, gateway
):
    account_id = await onboarding_tutor(ctx, clock, gateway)
    response = await client.get(f"/payouts/return/{account_id}")
    assert response.status == 200
    text = text_of(await response.text())
    assert "Not finished yet" in text
    assert "Run /tutor payouts again in Discord" in text


async def test_returning_after_onboarding_turns_payouts_on(client, ctx, clock, gateway, fake):
    account_id = await onboarding_tutor(ctx, clock, gateway)
    await fake.enable_payouts(account_id)
    response = await client.get(f"/payouts/return/{account_id}")
    assert response.status == 200
    assert "Payouts are on" in text_of(await response.text())
    async with ctx.uow(read_only=True) as uow:
        saved = await uow.payout_accounts.get(GUILD, TUTOR_ID)
    assert saved == PayoutAccount(account_id, True, transfers_active=True)


async def test_an_unknown_or_malformed_account_is_not_found(client, fake):
    for account in ("acct_nobodyhasthis", "acct_" + "x" * 500, "cus_123", "acct_..%2F"):
        response = await client.get(f"/payouts/return/{account}")
        assert response.status == 404, account
        assert "Page not found" in text_of(await response.text())
    assert not fake.requests


async def test_an_expired_onboarding_link_says_to_run_the_command_again(client):
    response = await client.get("/payouts/refresh")
    assert response.status == 200
    text = text_of(await response.text())
    assert "This setup link has expired" in text
    assert "Run /tutor payouts again in Discord" in text


async def test_a_lapsed_onboarding_link_leads_to_a_fresh_one(client, ctx, clock, gateway, fake):
    """Stripe sends the tutor to `refresh_url`: it makes a new link and redirects there."""
    account_id = await onboarding_tutor(ctx, clock, gateway)
    first = await gateway.onboarding_link(
        account_id,
        return_url=ctx.link(f"/payouts/return/{account_id}"),
        refresh_url=ctx.link(f"/payouts/refresh/{account_id}"),
    )
    clock.advance(timedelta(minutes=10))  # the fake's clock: the link lapsed
    lapsed = await client.session.get(first, allow_redirects=False)
    assert lapsed.status == 303
    assert lapsed.headers["Location"] == ctx.link(f"/payouts/refresh/{account_id}")

    response = await client.get(f"/payouts/refresh/{account_id}", allow_redirects=False)
    assert response.status == 303
    fresh = response.headers["Location"]
    assert fresh.startswith(f"{fake.base_url}/connect/onboarding/")
    assert fresh != first
    links = [r for r in fake.requests if r.path == "/v1/account_links"]
    assert links[-1].params["refresh_url"] == ctx.link(f"/payouts/refresh/{account_id}")
    page = await client.session.get(fresh, allow_redirects=False)
    assert page.status == 200
    assert "Set up payouts" in await page.text()


async def test_the_refresh_url_of_an_account_already_set_up_says_payouts_are_on(
    client, ctx, clock, gateway, fake
):
    account_id = await onboarding_tutor(ctx, clock, gateway)
    await fake.enable_payouts(account_id)
    response = await client.get(f"/payouts/refresh/{account_id}", allow_redirects=False)
    assert response.status == 200
    assert "Payouts are on" in text_of(await response.text())


async def test_the_refresh_url_of_an_unknown_account_is_not_found(client, fake):
    for account in ("acct_nobodyhasthis", "cus_123"):
        response = await client.get(f"/payouts/refresh/{account}", allow_redirects=False)
        assert response.status == 404, account
    assert not fake.requests
