"""Connect Express accounts, onboarding links, and transfers to connected accounts."""

from __future__ import annotations

from dataclasses import dataclass

from stripe_fake.balance import require_balance
from stripe_fake.errors import StripeFakeError, invalid, no_such, unsupported
from stripe_fake.ids import random_part
from stripe_fake.params import (
    Params,
    get_currency,
    get_dict,
    get_int,
    get_metadata,
    get_str,
    reject_unmodelled,
    require_int,
    require_str,
)
from stripe_fake.refunds import refundable
from stripe_fake.store import Obj, Store, changed_from, public
from stripe_fake.transactions import new_transaction

REVERSALS_SHOWN = 10  # a transfer object carries its 10 most recent reversals
ACCOUNT_PARAMS = ("type", "country", "email", "capabilities", "business_type", "metadata")
LINK_TTL = 300  # Stripe's account links expire after a few minutes
ONBOARDING_DUE = [
    "business_profile.url",
    "external_account",
    "individual.dob.day",
    "tos_acceptance.date",
]


@dataclass
class OnboardingLink:
    """A single-use onboarding link behind an ``account_link`` url."""

    account: str
    return_url: str
    refresh_url: str
    expires_at: int
    used: bool = False


def create_account(store: Store, params: Params) -> Obj:
    """``POST /v1/accounts`` (``type=express`` only)."""
    reject_unmodelled(params, ACCOUNT_PARAMS)
    account_type = require_str(params, "type", choices=("express", "standard", "custom"))
    if account_type != "express":
        raise unsupported(f"type={account_type} accounts", param="type")
    requested = get_dict(params, "capabilities")
    wanted = [
        n for n, v in requested.items() if isinstance(v, dict) and v.get("requested") == "true"
    ]
    capabilities = dict.fromkeys(wanted or ["transfers"], "inactive")
    return store.create(
        "account",
        business_type=get_str(params, "business_type"),
        capabilities=capabilities,
        charges_enabled=False,
        country=(get_str(params, "country") or "US").upper(),
        created=store.now(),
        default_currency="usd",
        details_submitted=False,
        email=get_str(params, "email"),
        metadata=get_metadata(params),
        payouts_enabled=False,
        requirements={
            "currently_due": list(ONBOARDING_DUE),
            "disabled_reason": "requirements.past_due",
            "eventually_due": list(ONBOARDING_DUE),
            "past_due": list(ONBOARDING_DUE),
        },
        type="express",
    )


def set_payouts(store: Store, account_id: str, *, enabled: bool) -> Obj:
    """Onboarding finished (or the account got restricted): fires ``account.updated``."""
    account = store.get("account", account_id)
    before = {
        key: account[key]
        for key in ("capabilities", "charges_enabled", "details_submitted", "payouts_enabled")
    }
    due = [] if enabled else list(ONBOARDING_DUE)
    account.update(
        capabilities=dict.fromkeys(account["capabilities"], "active" if enabled else "inactive"),
        charges_enabled=enabled,
        details_submitted=enabled or account["details_submitted"],
        payouts_enabled=enabled,
        requirements={
            "currently_due": due,
            "disabled_reason": None if enabled else "requirements.past_due",
            "eventually_due": due,
            "past_due": due,
        },
    )
    store.emit("account.updated", account, before)
    return account


def set_capability(store: Store, account_id: str, name: str, status: str) -> Obj:
    """One capability changes alone: fires ``account.updated``.

    Stripe can pause ``transfers`` on an account whose payouts are still enabled (a new
    requirement, say).
    """
    account = store.get("account", account_id)
    before = {"capabilities": dict(account["capabilities"])}
    account["capabilities"] = {**account["capabilities"], name: status}
    store.emit("account.updated", account, before)
    return account


def create_account_link(
    store: Store, params: Params, base_url: str, links: dict[str, OnboardingLink]
) -> Obj:
    """``POST /v1/account_links``: a hosted onboarding url on the fake."""
    reject_unmodelled(params, ("account", "refresh_url", "return_url", "type", "collect"))
    account_id = require_str(params, "account")
    link_type = require_str(params, "type", choices=("account_onboarding", "account_update"))
    return_url = require_str(params, "return_url")
    refresh_url = require_str(params, "refresh_url")
    account = store.get("account", account_id, param="account")
    if link_type == "account_update" and account["type"] == "express":
        raise invalid("Express accounts cannot use account_update links.", param="type")
    token = random_part(32)
    expires_at = store.now() + LINK_TTL
    links[token] = OnboardingLink(account_id, return_url, refresh_url, expires_at)
    return {
        "object": "account_link",
        "created": store.now(),
        "expires_at": expires_at,
        "url": f"{base_url}/connect/onboarding/{token}",
    }


def _check_source(store: Store, source_id: str, amount: int) -> None:
    charge = store.get("charge", source_id, param="source_transaction")
    already = sum(
        t["amount"] for t in store.all("transfer") if t["source_transaction"] == source_id
    )
    if amount > refundable(store, charge) - already:
        raise invalid(
            f"The transfer amount ({amount}) exceeds what is left of source transaction "
            f"{source_id}.",
            param="amount",
        )


def create_transfer(store: Store, params: Params) -> Obj:
    """``POST /v1/transfers`` to a connected account that can receive payouts."""
    reject_unmodelled(
        params,
        (
            "amount",
            "currency",
            "destination",
            "transfer_group",
            "source_transaction",
            "metadata",
            "description",
        ),
    )
    amount = require_int(params, "amount", minimum=1)
    currency = get_currency(params)
    destination = require_str(params, "destination")
    account = store.objects.get(destination)
    if account is None or account["object"] != "account":
        raise no_such("destination", destination, param="destination")
    if account["capabilities"].get("transfers") != "active":  # payouts_enabled is not asked
        raise StripeFakeError(
            400,
            "Your destination account needs to have at least one of the following capabilities "
            "enabled: transfers, crypto_transfers, legacy_payments",
            code="insufficient_capabilities_for_transfer",
            param="destination",
        )
    source = get_str(params, "source_transaction")
    if source is not None:
        _check_source(store, source, amount)
    require_balance(store, amount, currency)
    transfer = store.create(
        "transfer",
        amount=amount,
        amount_reversed=0,
        balance_transaction=None,
        created=store.now(),
        currency=currency,
        description=get_str(params, "description"),
        destination=destination,
        destination_payment="py_" + random_part(24),
        livemode=False,
        metadata=get_metadata(params),
        reversed=False,
        reversals={},
        source_transaction=source,
        source_type="card",
        transfer_group=get_str(params, "transfer_group"),
    )
    transfer["reversals"] = _reversal_list(transfer["id"], [])
    transfer["balance_transaction"] = new_transaction(
        store,
        amount=-amount,
        currency=currency,
        kind="transfer",
        category="transfer",
        source=transfer["id"],
        description=transfer["description"],
    )["id"]
    store.emit("transfer.created", transfer)
    return transfer


def _reversal_list(transfer_id: str, newest_first: list[Obj]) -> Obj:
    return {
        "object": "list",
        "data": newest_first[:REVERSALS_SHOWN],
        "has_more": len(newest_first) > REVERSALS_SHOWN,
        "total_count": len(newest_first),
        "url": f"/v1/transfers/{transfer_id}/reversals",
    }


def reversals_of(store: Store, transfer_id: str) -> list[Obj]:
    """Every reversal of a transfer, newest first."""
    return [r for r in reversed(store.all("transfer_reversal")) if r["transfer"] == transfer_id]


def reverse_transfer(store: Store, transfer_id: str, params: Params) -> Obj:
    """``POST /v1/transfers/{id}/reversals``: take (part of) a transfer back.

    The amount comes back to the platform's available balance (a ``transfer_refund``
    balance transaction). Connected accounts' own balances are not modelled, so a
    reversal is never refused for the destination's lack of funds, and
    ``refund_application_fee`` changes nothing (the fake has no application fees);
    ``description`` is accepted and, as on the object Stripe returns, not shown.
    """
    reject_unmodelled(params, ("amount", "metadata", "description", "refund_application_fee"))
    transfer = store.get("transfer", transfer_id, param="id")
    amount = get_int(params, "amount", minimum=1)
    left = int(transfer["amount"]) - int(transfer["amount_reversed"])
    if left <= 0:
        raise invalid(f"The transfer {transfer_id} is already fully reversed.")
    amount = left if amount is None else amount
    if amount > left:
        raise invalid(
            f"You cannot reverse {amount} of transfer {transfer_id}: only {left} of its "
            f"{transfer['amount']} is left unreversed.",
            param="amount",
        )
    reversal = store.create(
        "transfer_reversal",
        amount=amount,
        balance_transaction=None,
        created=store.now(),
        currency=transfer["currency"],
        destination_payment_refund=None,
        metadata=get_metadata(params),
        source_refund=None,
        transfer=transfer_id,
    )
    reversal["balance_transaction"] = new_transaction(
        store,
        amount=amount,
        currency=transfer["currency"],
        kind="transfer_refund",
        category="transfer_reversal",
        source=reversal["id"],
        description=f"REVERSAL OF TRANSFER ({transfer_id})",
    )["id"]
    before = public(transfer)
    transfer["amount_reversed"] += amount
    transfer["reversed"] = transfer["amount_reversed"] >= transfer["amount"]
    transfer["reversals"] = _reversal_list(transfer_id, reversals_of(store, transfer_id))
    store.emit("transfer.reversed", transfer, changed_from(before, public(transfer)))
    return reversal


def list_transfers(store: Store, params: Params) -> list[Obj]:
    """``GET /v1/transfers`` filtered by ``transfer_group`` and/or ``destination``."""
    reject_unmodelled(
        params, ("transfer_group", "destination", "limit", "starting_after", "ending_before")
    )
    group = get_str(params, "transfer_group")
    destination = get_str(params, "destination")
    return [
        t
        for t in reversed(store.all("transfer"))
        if (group is None or t["transfer_group"] == group)
        and (destination is None or t["destination"] == destination)
    ]
