"""The pages a student or tutor opens from Discord: checkout, return, status, payouts.

Handlers only ask the services and render; errors go to `errors.error_pages`.
"""

from __future__ import annotations

import re

from aiohttp import web

from marketplace.domain.errors import ConflictError, NotFoundError
from marketplace.services import checkout, payouts
from marketplace.services.context import ServiceContext
from web.checkout.limits import FORM_MAX_BYTES, read_capped
from web.checkout.render import render
from web.checkout.view import booking_view

SERVICES_KEY = web.AppKey("services", ServiceContext)
_ACCOUNT_ID = re.compile(r"acct_[A-Za-z0-9]{1,64}")


def _services(request: web.Request) -> ServiceContext:
    return request.app[SERVICES_KEY]


def _token(request: web.Request) -> str:
    return request.match_info["token"]


async def show_checkout(request: web.Request) -> web.Response:
    """GET /checkout/{token}: what the session costs and the Pay button (or its status)."""
    page = await checkout.checkout_page(_token(request), _services(request))
    return render(request, "checkout.html", v=booking_view(page))


async def pay(request: web.Request) -> web.Response:
    """POST /checkout/{token}/pay: 303 to the hosted checkout (the same one every time)."""
    await read_capped(request, FORM_MAX_BYTES)  # the form carries nothing we need
    url = await checkout.start_checkout(_token(request), _services(request))
    raise web.HTTPSeeOther(location=url)


async def checkout_done(request: web.Request) -> web.Response:
    """GET /checkout/{token}/done: back from the hosted checkout; record it, then show it."""
    token, ctx = _token(request), _services(request)
    try:
        page = await checkout.returned(token, ctx)
    except ConflictError:  # payments are off here: nothing to re-read, show what is stored
        page = await checkout.checkout_page(token, ctx)
    return render(request, "status.html", v=booking_view(page), returned=True)


async def booking_status(request: web.Request) -> web.Response:
    """GET /bookings/{token}: the payment's status, amounts and what was refunded."""
    page = await checkout.checkout_page(_token(request), _services(request))
    return render(request, "status.html", v=booking_view(page), returned=False)


async def payout_return(request: web.Request) -> web.Response:
    """GET /payouts/return/{account_id}: back from payout onboarding, are payouts on."""
    account_id = request.match_info["account_id"]
    if not _ACCOUNT_ID.fullmatch(account_id):
        raise NotFoundError("payout_account", "link")
    enabled = await checkout.payout_returned(account_id, _services(request))
    return render(request, "payout.html", enabled=enabled)


async def payout_refresh(request: web.Request) -> web.Response:
    """GET /payouts/refresh: an old onboarding link (without its account) lapsed."""
    return render(request, "payout_refresh.html")


async def payout_relink(request: web.Request) -> web.Response:
    """GET /payouts/refresh/{account_id}: the onboarding link lapsed; 303 to a new one.

    An account that is already set up shows the return page instead.
    """
    account_id = request.match_info["account_id"]
    if not _ACCOUNT_ID.fullmatch(account_id):
        raise NotFoundError("payout_account", "link")
    url = await payouts.fresh_onboarding_link(
        payouts.RefreshPayoutLink(account_id), _services(request)
    )
    if url is None:
        return render(request, "payout.html", enabled=True)
    raise web.HTTPSeeOther(location=url)


def add_page_routes(app: web.Application) -> None:
    """Register the pages on `app`."""
    app.router.add_get("/checkout/{token}", show_checkout)
    app.router.add_post("/checkout/{token}/pay", pay)
    app.router.add_get("/checkout/{token}/done", checkout_done)
    app.router.add_get("/bookings/{token}", booking_status)
    app.router.add_get("/payouts/return/{account_id}", payout_return)
    app.router.add_get("/payouts/refresh", payout_refresh)
    app.router.add_get("/payouts/refresh/{account_id}", payout_relink)
