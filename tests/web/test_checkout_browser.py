"""The checkout page in a real browser: Debian's Chromium, headless, driven by Playwright.

The app runs on a real socket with its services pointed at the Stripe fake, which also
delivers its signed webhooks to it. The browser opens the student's link, reads the
price, takes screenshots (test-artifacts/), presses Pay, lands on the fake's hosted
checkout, pays there and comes back to the "held" page. Nothing on our pages may log a
console error, which is where Chromium reports a Content-Security-Policy violation.

Chromium comes from Debian (scripts/setup.sh installs it); Playwright never downloads
browsers. Without it this test fails under CI=true, and skips elsewhere saying why.
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from marketplace.payments import StripeGateway
from marketplace.services.context import ServiceContext
from stripe_fake import StripeFake
from tests.web.conftest import WEBHOOK_SECRET
from tests.web.world import book_paid_session
from web.checkout.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _need_a_browser() -> None:
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing: `make setup` installs Debian's chromium"
    else:
        try:
            import playwright.async_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is missing: `make setup` installs it"
    if problem is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser test cannot run: {problem}", pytrace=False)
    pytest.skip(problem)


@pytest.fixture
async def live(uow_factory, clock, gateway: StripeGateway) -> AsyncIterator[ServiceContext]:
    """The app listening on a free loopback port; its links point at that port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    ctx = ServiceContext(uow=uow_factory, clock=clock, gateway=gateway, public_base_url=base)
    runner = web.AppRunner(create_app(ctx, webhook_secret=WEBHOOK_SECRET), access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    try:
        yield ctx
    finally:
        await runner.cleanup()


async def test_a_student_pays_through_the_checkout_page_in_chromium(live, clock, fake: StripeFake):
    _need_a_browser()
    from playwright.async_api import async_playwright, expect

    base = live.public_base_url
    fake.add_webhook_endpoint(f"{base}/stripe/webhook", WEBHOOK_SECRET)
    paid = await book_paid_session(live, clock)
    assert paid.link.startswith(f"{base}/checkout/")
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = await browser.new_page(viewport=PHONE)
            page.set_default_timeout(15_000)

            def on_console(message) -> None:
                if message.type in ("error", "warning") and page.url.startswith(base):
                    problems.append(f"{message.type} on {page.url}: {message.text}")

            page.on("console", on_console)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

            response = await page.goto(paid.link)
            assert response is not None
            assert response.status == 200
            await expect(page.get_by_role("heading", level=1)).to_have_text("Pay for your session")
            rows = await page.locator("table.amounts tr").all_inner_texts()
            assert [" ".join(row.split()) for row in rows] == [
                "Tutor's rate for 90 min $38.33",
                "Platform fee (15% of the rate) $5.75",
                "Total $44.08",
            ]
            await expect(page.get_by_text("America/New_York (EST, UTC−05:00)")).to_be_visible()
            await page.screenshot(path=ARTIFACTS / "checkout.png", full_page=True)
            await page.set_viewport_size(DESKTOP)
            await page.screenshot(path=ARTIFACTS / "checkout-wide.png", full_page=True)

            await page.get_by_role("button", name="Pay").click()
            await page.wait_for_url(f"{fake.base_url}/c/pay/cs_test_*")
            assert "Total: 44.08 USD" in await page.locator("#total").inner_text()

            await page.get_by_role("button", name="Pay").click()  # the hosted page's own
            await page.wait_for_url(f"{paid.link}/done")
            await expect(page.get_by_role("heading", name="Status: Held")).to_be_visible()
            await page.screenshot(path=ARTIFACTS / "checkout-done.png", full_page=True)
        finally:
            await browser.close()

    await fake.settle()
    assert problems == []
    assert (ARTIFACTS / "checkout.png").stat().st_size > 10_000
    hooks = [d for d in fake.deliveries if d.url.startswith(base)]
    assert hooks
    assert all(d.ok for d in hooks)


def test_a_missing_browser_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(f"{__name__}.CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no-chromium is missing"):
        _need_a_browser()


def test_a_missing_browser_only_skips_outside_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(f"{__name__}.CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="make setup"):
        _need_a_browser()
