"""The ``/v1`` endpoints the product uses, wired to the domain modules."""

from __future__ import annotations

import stripe.params as p
import stripe.params.checkout as sp
from aiohttp import web

from stripe_fake import balance, checkout, connect, disputes, payments, refunds, setup
from stripe_fake.api import ApiRouter, Backend, render, retrieve
from stripe_fake.errors import invalid, no_such
from stripe_fake.params import Params, get_int, get_str, reject_unmodelled
from stripe_fake.store import Obj

PAGING = ("limit", "starting_after", "ending_before")


def _create_session(backend: Backend, params: Params, _match: dict[str, str]) -> Obj:
    if params.get("mode") == "setup":
        session = setup.create_setup_session(backend.store, params, backend.base_url)
    else:
        session = checkout.create_session(backend.store, params, backend.base_url)
    return render(backend, session, params)


def _create_customer(backend: Backend, params: Params, _match: dict[str, str]) -> Obj:
    return render(backend, setup.create_customer(backend.store, params), params)


def _create_intent(backend: Backend, params: Params, _match: dict[str, str]) -> Obj:
    return render(backend, setup.create_intent(backend.store, params), params)


def _detach_method(backend: Backend, params: Params, match: dict[str, str]) -> Obj:
    return render(backend, setup.detach_method(backend.store, match["id"], params), params)


def _expire_session(backend: Backend, params: Params, match: dict[str, str]) -> Obj:
    reject_unmodelled(params, ())
    return render(backend, checkout.expire_session(backend.store, match["id"]), params)


def _session_line_items(backend: Backend, params: Params, match: dict[str, str]) -> Obj:
    reject_unmodelled(params, ("limit", "starting_after", "ending_before"))
    return checkout.line_items(backend.store.get("checkout.session", match["id"]))


def _capture(backend: Backend, params: Params, match: dict[str, str]) -> Obj:
    return render(backend, payments.capture(backend.store, match["id"], params), params)


def _cancel(backend: Backend, params: Params, match: dict[str, str]) -> Obj:
    return render(backend, payments.cancel(backend.store, match["id"], params), params)


def _create_refund(backend: Backend, params: Params, _match: dict[str, str]) -> Obj:
    return render(backend, refunds.create_refund(backend.store, params), params)


def _list_refunds(backend: Backend, params: Params, _match: dict[str, str]) -> Obj:
    return _as_list(backend, "/v1/refunds", refunds.list_refunds(backend.store, params), params)


def _update_dispute(backend: Backend, params: Params, match: dict[str, str]) -> Obj:
    return render(backend, disputes.update_dispute(backend.store, match["id"], params), params)


def _close_dispute(backend: Backend, params: Params, match: dict[str, str]) -> Obj:
    reject_unmodelled(params, ())
    return render(backend, disputes.accept_dispute(backend.store, match["id"]), params)


def _list_disputes(backend: Backend, params: Params, _match: dict[str, str]) -> Obj:
    found = disputes.list_disputes(backend.store, params)
    return _as_list(backend, "/v1/disputes", found, params)


def _create_reversal(backend: Backend, params: Params, match: dict[str, str]) -> Obj:
    reversal = connect.reverse_transfer(backend.store, match["id"], params)
    return render(backend, reversal, params)


def _list_reversals(backend: Backend, params: Params, match: dict[str, str]) -> Obj:
    reject_unmodelled(params, PAGING)
    backend.store.get("transfer", match["id"], param="id")
    found = connect.reversals_of(backend.store, match["id"])
    return _as_list(backend, f"/v1/transfers/{match['id']}/reversals", found, params)


def _retrieve_reversal(backend: Backend, params: Params, match: dict[str, str]) -> Obj:
    reversal = backend.store.get("transfer_reversal", match["reversal"])
    if reversal["transfer"] != match["id"]:
        raise no_such("transfer_reversal", match["reversal"])
    return render(backend, reversal, params)


def _create_account(backend: Backend, params: Params, _match: dict[str, str]) -> Obj:
    return render(backend, connect.create_account(backend.store, params), params)


def _create_account_link(backend: Backend, params: Params, _match: dict[str, str]) -> Obj:
    return connect.create_account_link(backend.store, params, backend.base_url, backend.links)


def _create_transfer(backend: Backend, params: Params, _match: dict[str, str]) -> Obj:
    return render(backend, connect.create_transfer(backend.store, params), params)


def _cursor(items: list[Obj], params: Params, name: str) -> int | None:
    object_id = get_str(params, name)
    if object_id is None:
        return None
    for position, item in enumerate(items):
        if item["id"] == object_id:
            return position
    kind = items[0]["object"] if items else "object"
    raise no_such(kind, object_id, param=name)


def _as_list(backend: Backend, url: str, items: list[Obj], params: Params) -> Obj:
    """One page of `items` (newest first), as Stripe pages lists.

    ``limit`` is 1 to 100 (10 by default); ``starting_after`` gives the items after that
    id, ``ending_before`` those before it (the page nearest to it).
    """
    limit = get_int(params, "limit", minimum=1) or 10
    if limit > 100:
        raise invalid("This value must be less than or equal to 100.", param="limit")
    after = _cursor(items, params, "starting_after")
    before = _cursor(items, params, "ending_before")
    if after is not None and before is not None:
        raise invalid("You may only specify one of starting_after and ending_before.")
    if after is not None:
        page, has_more = items[after + 1 : after + 1 + limit], len(items) > after + 1 + limit
    elif before is not None:
        page, has_more = items[max(before - limit, 0) : before], before > limit
    else:
        page, has_more = items[:limit], len(items) > limit
    return {
        "object": "list",
        "data": [render(backend, item, {}) for item in page],
        "has_more": has_more,
        "url": url,
    }


def _list_transfers(backend: Backend, params: Params, _match: dict[str, str]) -> Obj:
    found = connect.list_transfers(backend.store, params)
    return _as_list(backend, "/v1/transfers", found, params)


def _list_events(backend: Backend, params: Params, _match: dict[str, str]) -> Obj:
    reject_unmodelled(params, ("type", *PAGING))
    wanted = get_str(params, "type")
    found = [e for e in reversed(backend.store.events) if wanted in (None, e["type"])]
    return _as_list(backend, "/v1/events", found, params)


def _retrieve_event(backend: Backend, params: Params, match: dict[str, str]) -> Obj:
    reject_unmodelled(params, ())
    for event in backend.store.events:
        if event["id"] == match["id"]:
            return dict(event)
    raise no_such("event", match["id"])


def _balance(backend: Backend, params: Params, _match: dict[str, str]) -> Obj:
    reject_unmodelled(params, ())
    currencies = sorted({c["currency"] for c in backend.store.all("charge")} | {"usd"})
    available = [
        {"amount": balance.available_balance(backend.store, cur), "currency": cur}
        for cur in currencies
    ]
    return {"object": "balance", "available": available, "pending": [], "livemode": False}


def add_api_routes(backend: Backend, app: web.Application) -> None:
    """Every supported endpoint, then the "Unrecognized request URL" fallback.

    Each route names the stripe library's params type for its method.
    """
    api = ApiRouter(backend, app)
    api.add("POST", "/v1/checkout/sessions", _create_session, sp.SessionCreateParams)
    api.add(
        "GET",
        "/v1/checkout/sessions/{id}",
        retrieve("checkout.session"),
        sp.SessionRetrieveParams,
    )
    api.add("POST", "/v1/checkout/sessions/{id}/expire", _expire_session, sp.SessionExpireParams)
    api.add(
        "GET",
        "/v1/checkout/sessions/{id}/line_items",
        _session_line_items,
        sp.SessionListLineItemsParams,
    )
    api.add("POST", "/v1/customers", _create_customer, p.CustomerCreateParams)
    api.add("GET", "/v1/customers/{id}", retrieve("customer"), p.CustomerRetrieveParams)
    api.add("GET", "/v1/setup_intents/{id}", retrieve("setup_intent"), p.SetupIntentRetrieveParams)
    api.add("POST", "/v1/payment_intents", _create_intent, p.PaymentIntentCreateParams)
    api.add(
        "GET", "/v1/payment_methods/{id}", retrieve("payment_method"), p.PaymentMethodRetrieveParams
    )
    api.add("POST", "/v1/payment_methods/{id}/detach", _detach_method, p.PaymentMethodDetachParams)
    api.add(
        "GET",
        "/v1/payment_intents/{id}",
        retrieve("payment_intent"),
        p.PaymentIntentRetrieveParams,
    )
    api.add("POST", "/v1/payment_intents/{id}/capture", _capture, p.PaymentIntentCaptureParams)
    api.add("POST", "/v1/payment_intents/{id}/cancel", _cancel, p.PaymentIntentCancelParams)
    api.add("GET", "/v1/charges/{id}", retrieve("charge"), p.ChargeRetrieveParams)
    api.add("POST", "/v1/refunds", _create_refund, p.RefundCreateParams)
    api.add("GET", "/v1/refunds", _list_refunds, p.RefundListParams)
    api.add("GET", "/v1/refunds/{id}", retrieve("refund"), p.RefundRetrieveParams)
    api.add("GET", "/v1/disputes", _list_disputes, p.DisputeListParams)
    api.add("GET", "/v1/disputes/{id}", retrieve("dispute"), p.DisputeRetrieveParams)
    api.add("POST", "/v1/disputes/{id}", _update_dispute, p.DisputeUpdateParams)
    api.add("POST", "/v1/disputes/{id}/close", _close_dispute, p.DisputeCloseParams)
    api.add("POST", "/v1/accounts", _create_account, p.AccountCreateParams)
    api.add("GET", "/v1/accounts/{id}", retrieve("account"), p.AccountRetrieveParams)
    api.add("POST", "/v1/account_links", _create_account_link, p.AccountLinkCreateParams)
    api.add("POST", "/v1/transfers", _create_transfer, p.TransferCreateParams)
    api.add("GET", "/v1/transfers", _list_transfers, p.TransferListParams)
    api.add("GET", "/v1/transfers/{id}", retrieve("transfer"), p.TransferRetrieveParams)
    api.add(
        "POST", "/v1/transfers/{id}/reversals", _create_reversal, p.TransferReversalCreateParams
    )
    api.add("GET", "/v1/transfers/{id}/reversals", _list_reversals, p.TransferReversalListParams)
    api.add(
        "GET",
        "/v1/transfers/{id}/reversals/{reversal}",
        _retrieve_reversal,
        p.TransferReversalRetrieveParams,
    )
    api.add("GET", "/v1/events", _list_events, p.EventListParams)
    api.add("GET", "/v1/events/{id}", _retrieve_event, p.EventRetrieveParams)
    api.add("GET", "/v1/balance", _balance, p.BalanceRetrieveParams)
    api.add_fallback()
