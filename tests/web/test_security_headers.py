"""Every response carries the security headers; the policy lets Pay reach the checkout only."""

from __future__ import annotations

import pytest

from marketplace.payments import StripeGateway
from web.checkout.security import checkout_origins, content_security_policy, origin_of

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def requests_for(paid):
    return [
        ("GET", paid.path),
        ("POST", f"{paid.path}/pay"),
        ("GET", f"{paid.path}/done"),
        ("GET", f"/bookings/{paid.token}"),
        ("GET", "/checkout/forged-token"),
        ("GET", "/no/such/page"),
        ("GET", f"{paid.path}/pay"),  # 405
        ("POST", "/stripe/webhook"),  # 400
        ("GET", "/healthz"),
        ("GET", "/static/checkout.css"),
        ("GET", "/payouts/refresh"),
        ("GET", "/payouts/return/acct_unknown"),
    ]


async def test_every_response_carries_the_csp_and_nosniff(client, paid, fake):
    for method, path in requests_for(paid):
        response = await client.request(method, path, allow_redirects=False)
        csp = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'none'" in csp, (method, path, response.status)
        assert "frame-ancestors 'none'" in csp
        assert "base-uri 'none'" in csp
        assert f"form-action 'self' https://checkout.stripe.com {fake.base_url}" in csp
        for name, value in EXPECTED.items():
            assert response.headers.get(name) == value, (method, path, name)


async def test_token_pages_are_never_cached(client, paid):
    for path in (paid.path, f"/bookings/{paid.token}", f"{paid.path}/done"):
        assert (await client.get(path)).headers["Cache-Control"] == "no-store"


async def test_the_stylesheet_is_served_from_the_package(client):
    response = await client.get("/static/checkout.css")
    assert response.status == 200
    assert response.content_type == "text/css"
    assert ":focus-visible" in await response.text()
    assert (await client.get("/static/favicon.svg")).content_type == "image/svg+xml"


async def test_the_pages_load_nothing_from_elsewhere(client, paid):
    html = await (await client.get(paid.path)).text()
    assert "<script" not in html
    assert "style=" not in html  # no inline styles: style-src is 'self' only
    assert "http://" not in html
    assert "https://" not in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://checkout.stripe.com/c/pay/cs_1#x", "https://checkout.stripe.com"),
        ("http://127.0.0.1:8123/v1", "http://127.0.0.1:8123"),
        ("http://user:pw@host:1/", "http://host:1"),
        ("javascript:alert(1)", None),
        ("ftp://example.test/", None),
    ],
)
def test_origin_of(url, origin):
    assert origin_of(url) == origin


async def test_real_stripe_allows_only_its_checkout():
    gateway = StripeGateway("sk_test_x", installation="tests")
    try:
        assert checkout_origins(gateway) == ["https://checkout.stripe.com"]
    finally:
        await gateway.close()
    assert checkout_origins(None) == ["https://checkout.stripe.com"]
    assert "form-action 'self' https://checkout.stripe.com;" in content_security_policy(
        checkout_origins(None)
    )
