"""A `stripe.StripeClient` pointed at a fake, the way the product should build one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import stripe

TEST_API_KEY = "sk_test_stripe_fake"


def make_stripe_client(
    base_url: str, api_key: str = TEST_API_KEY, *, max_network_retries: int = 0
) -> tuple[stripe.StripeClient, stripe.AIOHTTPClient]:
    """A client whose ``*_async`` calls go through aiohttp to `base_url`.

    Close the returned http client with ``await http_client.close_async()``: the
    StripeClient itself has no close.
    """
    http_client = stripe.AIOHTTPClient()
    client = stripe.StripeClient(
        api_key,
        base_addresses={"api": base_url},
        http_client=http_client,
        max_network_retries=max_network_retries,
    )
    return client, http_client


@asynccontextmanager
async def stripe_client(
    base_url: str, api_key: str = TEST_API_KEY, *, max_network_retries: int = 0
) -> AsyncIterator[stripe.StripeClient]:
    """`make_stripe_client` as a context manager that closes the aiohttp session."""
    client, http_client = make_stripe_client(
        base_url, api_key, max_network_retries=max_network_retries
    )
    try:
        yield client
    finally:
        await http_client.close_async()  # type: ignore[no-untyped-call]
