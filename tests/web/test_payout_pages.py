"""The pages a tutor lands on after payout onboarding."""

from __future__ import annotations

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
    assert saved == PayoutAccount(account_id, True)


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
