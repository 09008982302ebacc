"""localstripe runs as its own loopback-only process, started and stopped by the tests."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from stripe_fake.localstripe import LocalStripeUnavailableError, running_localstripe

LISTEN = "0A"


def _listening_addresses(port: int) -> list[str]:
    """Local addresses of the sockets listening on `port`, from /proc/net/tcp{,6}."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == LISTEN and int(hex_port, 16) == port:
                found.append(address)
    return found


def test_the_session_server_binds_loopback_only(localstripe_url: str) -> None:
    assert localstripe_url.startswith("http://127.0.0.1:")
    port = int(localstripe_url.rsplit(":", 1)[1])
    assert _listening_addresses(port) == ["0100007F"]  # 127.0.0.1, nothing on :: or 0.0.0.0


async def test_running_localstripe_starts_answers_and_stops() -> None:
    async with running_localstripe() as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        assert _listening_addresses(port) == ["0100007F"]
        headers = {"Authorization": "Bearer sk_test_process"}
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{base_url}/v1/balance", headers=headers) as response,
        ):
            assert response.status == 200
    assert _listening_addresses(port) == []


async def test_a_missing_install_says_how_to_fix_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALSTRIPE_PYTHON", "/nonexistent/python")
    with pytest.raises(LocalStripeUnavailableError, match=r"scripts/localstripe\.sh"):
        async with running_localstripe():
            pass
