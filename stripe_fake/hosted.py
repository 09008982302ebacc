"""The hosted pages a browser test clicks through: Checkout's pay page and Connect onboarding.

``GET /c/pay/{session}`` shows the amount and a card form; *Pay* completes the session and
answers 303 to ``success_url`` (with ``{CHECKOUT_SESSION_ID}`` filled in, as Stripe does);
a declined card shows the error on the page; *Cancel* goes to ``cancel_url`` and leaves
the session open. ``GET /connect/onboarding/{token}`` finishes onboarding and returns to
``return_url``; an expired or used link goes to ``refresh_url``. Webhooks go out in the
background, so the redirect may arrive before them, as it can on Stripe.
"""

from __future__ import annotations

from html import escape

from aiohttp import web

from stripe_fake import cards, setup
from stripe_fake.api import Backend
from stripe_fake.checkout import expire_due, line_items, pay_session
from stripe_fake.connect import set_payouts
from stripe_fake.errors import StripeFakeError
from stripe_fake.store import Obj

ZERO_DECIMAL = frozenset({"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "pyg", "vnd", "xaf"})
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}"
    "label,input,button{display:block;width:100%;margin:.4rem 0;font-size:1rem}"
    "input,button{padding:.6rem;box-sizing:border-box}[role=alert]{color:#a00}"
)


def money(amount: int, currency: str) -> str:
    """``57.50 USD`` (zero-decimal currencies as whole units)."""
    if currency in ZERO_DECIMAL:
        return f"{amount} {currency.upper()}"
    return f"{amount // 100}.{amount % 100:02d} {currency.upper()}"


def _page(title: str, body: str, status: int = 200) -> web.Response:
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )
    return web.Response(status=status, text=html, content_type="text/html")


def _summary(session: Obj) -> str:
    if session["mode"] == "setup":
        return '<p id="total">Save a card for later payments: nothing is charged now.</p>'
    items = "".join(
        f"<li>{escape(str(item['description']))} × {item['quantity']}: "
        f"{money(item['amount_total'], item['currency'])}</li>"
        for item in line_items(session)["data"]
    )
    total = money(session["amount_total"], session["currency"])
    return f'<ul>{items}</ul><p id="total">Total: {total}</p>'


def _checkout_page(session: Obj, error: str | None = None) -> web.Response:
    alert = f'<p role="alert">{escape(error)}</p>' if error else ""
    body = (
        f"<p>Test mode: stripe_fake</p>{_summary(session)}{alert}"
        '<form method="post"><label for="card">Card number</label>'
        f'<input id="card" name="card" inputmode="numeric" value="{cards.SUCCESS_CARD}">'
        '<label for="email">Email</label>'
        '<input id="email" name="email" type="email" value="customer@example.test">'
        '<button name="action" value="pay" type="submit">Pay</button>'
        '<button name="action" value="cancel" type="submit">Cancel</button></form>'
    )
    return _page("Pay", body, 402 if error else 200)


def _open_session(backend: Backend, request: web.Request) -> Obj | web.Response:
    expire_due(backend.store)
    session = backend.store.objects.get(request.match_info["id"])
    if session is None or session["object"] != "checkout.session":
        return _page("Not found", "<p>No such Checkout Session.</p>", 404)
    if session["status"] != "open":
        text = f"<p>This Checkout Session is {escape(session['status'])}.</p>"
        return _page("No longer available", text, 410)
    return session


def _cancel(session: Obj) -> web.Response:
    cancel_url = session["cancel_url"]
    if cancel_url:
        raise web.HTTPSeeOther(location=cancel_url)
    return _page("Payment canceled", "<p>You can close this page.</p>")


async def _submit(backend: Backend, request: web.Request) -> web.Response:
    found = _open_session(backend, request)
    if isinstance(found, web.Response):
        return found
    form = await request.post()
    if form.get("action") == "cancel":
        return _cancel(found)
    card, email = str(form.get("card", "")), str(form.get("email", ""))
    try:
        if found["mode"] == "setup":
            saved = setup.save_card(backend.store, found["id"], card, email)
            failure = saved.error
        else:
            payment = pay_session(backend.store, found["id"], card, email)
            failure = None if payment.succeeded else str(payment.charge["failure_message"])
    except StripeFakeError as error:
        return _checkout_page(found, error.message)
    if failure is not None:
        return _checkout_page(found, failure)
    success_url = found["success_url"]
    if success_url:
        raise web.HTTPSeeOther(location=success_url.replace("{CHECKOUT_SESSION_ID}", found["id"]))
    return _page("Payment complete", "<p>Thank you.</p>")


async def _onboarding(backend: Backend, request: web.Request) -> web.Response:
    link = backend.links.get(request.match_info["token"])
    if link is None:
        return _page("Not found", "<p>No such link.</p>", 404)
    if link.used or link.expires_at <= backend.store.now():
        raise web.HTTPSeeOther(location=link.refresh_url)
    if request.method == "GET":
        body = (
            f"<p>Set up payouts for {escape(link.account)} (test mode).</p>"
            '<form method="post"><button type="submit">Agree and submit</button></form>'
        )
        return _page("Set up payouts", body)
    link.used = True
    set_payouts(backend.store, link.account, enabled=True)
    raise web.HTTPSeeOther(location=link.return_url)


def add_hosted_routes(backend: Backend, app: web.Application) -> None:
    """Register the hosted checkout and onboarding pages."""

    async def show(request: web.Request) -> web.Response:
        found = _open_session(backend, request)
        return found if isinstance(found, web.Response) else _checkout_page(found)

    async def submit(request: web.Request) -> web.Response:
        return await _submit(backend, request)

    async def onboarding(request: web.Request) -> web.Response:
        return await _onboarding(backend, request)

    app.router.add_get("/c/pay/{id}", show)
    app.router.add_post("/c/pay/{id}", submit)
    app.router.add_route("*", "/connect/onboarding/{token}", onboarding)
