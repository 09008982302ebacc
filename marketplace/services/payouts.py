"""`/tutor payouts`: a tutor sets up where their share of paid sessions goes."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.ports import PaymentGateway, PaymentGatewayError
from marketplace.services.actor import ByActor
from marketplace.services.context import ServiceContext
from marketplace.services.payments import payments_on


@dataclass(frozen=True, slots=True)
class PayoutSetup:
    """Whether payouts already work; if not, the single-use onboarding link."""

    enabled: bool
    url: str | None = None


@dataclass(frozen=True, slots=True)
class SetUpPayouts(ByActor):
    """`/tutor payouts`: a link to set up or view payouts."""


async def payout_setup(command: SetUpPayouts, ctx: ServiceContext) -> PayoutSetup:
    """The tutor's payout status, with a fresh onboarding link while it is not enabled.

    Raises `NotFoundError("tutor")` for a non-tutor, `ConflictError("payments_off")` in a
    free guild and `ConflictError("payment_unavailable")` when the provider is down.
    """
    actor = command.actor
    gateway = ctx.gateway
    async with ctx.uow(read_only=True) as uow:
        if await uow.tutors.get(actor.guild_id, actor.user_id) is None:
            raise NotFoundError("tutor", str(actor.user_id))
        policy = await uow.guilds.policy(actor.guild_id)
        account = await uow.payout_accounts.get(actor.guild_id, actor.user_id)
    if gateway is None or not payments_on(policy, ctx):
        raise ConflictError("payments_off")
    try:
        if account is not None:
            account = await gateway.payout_account(account.account_id)
        else:
            account_id = await gateway.create_payout_account(
                f"{actor.guild_id}:{actor.user_id}",
                f"payout-account-{actor.guild_id}-{actor.user_id}",
            )
            account = await gateway.payout_account(account_id)
        async with ctx.uow() as uow:
            await uow.payout_accounts.save(actor.guild_id, actor.user_id, account, ctx.clock.now())
            await uow.commit()
        if account.can_receive_transfers:
            return PayoutSetup(enabled=True)
        url = await _onboarding_link(gateway, account.account_id, ctx)
    except PaymentGatewayError as error:
        raise ConflictError("payment_unavailable") from error
    return PayoutSetup(enabled=False, url=url)


async def _onboarding_link(gateway: PaymentGateway, account_id: str, ctx: ServiceContext) -> str:
    """A new single-use onboarding link for the account.

    When it has expired or was used, Stripe sends the tutor to its `refresh_url`, which
    makes another (`fresh_onboarding_link`).
    """
    return await gateway.onboarding_link(
        account_id,
        return_url=ctx.link(f"/payouts/return/{account_id}"),
        refresh_url=ctx.link(f"/payouts/refresh/{account_id}"),
    )


@dataclass(frozen=True, slots=True)
class RefreshPayoutLink:
    """GET /payouts/refresh/{account_id}: a new onboarding link."""

    account_id: str


async def fresh_onboarding_link(command: RefreshPayoutLink, ctx: ServiceContext) -> str | None:
    """The `refresh_url`: a new onboarding link for a tutor's account whose link lapsed.

    None when the account can already receive transfers (nothing left to set up).
    `NotFoundError` for an account no tutor owns, `ConflictError("payment_unavailable")`
    when the provider is down (or payments are not configured).
    """
    account_id = command.account_id
    gateway = ctx.gateway
    async with ctx.uow(read_only=True) as uow:
        owner = await uow.payout_accounts.by_account(account_id)
    if owner is None:
        raise NotFoundError("payout_account", "link")
    if gateway is None:
        raise ConflictError("payment_unavailable")
    try:
        account = await gateway.payout_account(account_id)
        async with ctx.uow() as uow:
            await uow.payout_accounts.save(*owner, account, ctx.clock.now())
            await uow.commit()
        if account.can_receive_transfers:
            return None
        return await _onboarding_link(gateway, account_id, ctx)
    except PaymentGatewayError as error:
        raise ConflictError("payment_unavailable") from error
