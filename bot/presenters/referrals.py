"""`/referrals`: who you brought, where each stands, and your credit."""

from __future__ import annotations

import discord

from bot import texts
from bot.presenters.onboarding import BRAND_COLOUR
from bot.presenters.text_limits import EMBED_DESCRIPTION_MAX, FIELD_VALUE_MAX, clip, fit_joined
from marketplace.domain.money import Money
from marketplace.domain.referrals import Referral, ReferralStatus
from marketplace.formatting import format_money
from marketplace.services.referrals import ReferralOverview


def status_text(referral: Referral, locale: str) -> str:
    """Where one referral stands, as its referrer reads it."""
    if referral.status is ReferralStatus.CREDITED:
        if referral.credit is None or not referral.credit.minor:
            return texts.REFERRAL_STATUS["credited_free"]
        amount = format_money(referral.credit, locale)
        return texts.REFERRAL_STATUS["credited"].format(amount=amount)
    return texts.REFERRAL_STATUS[referral.status.value]


def referral_line(referral: Referral, locale: str) -> str:
    """One referral: who, where it stands, and when they named you."""
    return texts.REFERRAL_LINE.format(
        referred=referral.referred_id,
        status=status_text(referral, locale),
        at=int(referral.created_at.timestamp()),
    )


def _intro(view: ReferralOverview) -> str:
    if not view.total:
        return texts.REFERRALS_NONE.format(days=view.window_days)
    people = texts.REFERRAL_PEOPLE.get(view.total, texts.REFERRAL_PEOPLE_OTHER)
    if view.reward is None:
        return texts.REFERRALS_INTRO_FREE.format(total=view.total, people=people)
    return texts.REFERRALS_INTRO.format(
        total=view.total,
        people=people,
        hours=view.wait_hours,
        amount=format_money(view.reward, view.locale),
    )


def _credit(credit: list[Money], locale: str) -> str:
    if not credit:
        return texts.REFERRALS_NO_CREDIT
    amounts = " + ".join(format_money(amount, locale) for amount in credit)
    return texts.REFERRALS_CREDIT_LINE.format(amount=amounts)


def referrals_embed(view: ReferralOverview) -> discord.Embed:
    """The caller's referrals (newest first, the rest counted) and unused credit."""
    description = _intro(view)
    if view.referred_by is not None:
        description += "\n" + texts.REFERRALS_BROUGHT_BY.format(referrer=view.referred_by)
    embed = discord.Embed(
        title=texts.REFERRALS_TITLE,
        description=clip(description, EMBED_DESCRIPTION_MAX),
        colour=BRAND_COLOUR,
    )
    if view.referrals:
        lines = [referral_line(r, view.locale) for r in view.referrals]
        listed = fit_joined(lines, FIELD_VALUE_MAX, sep="\n")
        if view.total > len(view.referrals):
            more = texts.REFERRALS_MORE.format(count=view.total - len(view.referrals))
            listed = clip(f"{listed}\n{more}", FIELD_VALUE_MAX)
        embed.add_field(name=texts.REFERRALS_LIST, value=listed, inline=False)
    if view.reward is not None or view.credit:
        embed.add_field(
            name=texts.REFERRALS_CREDIT, value=_credit(view.credit, view.locale), inline=False
        )
    return embed
