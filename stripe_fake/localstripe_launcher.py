"""Run localstripe bound to 127.0.0.1 only; meant for localstripe's own virtualenv.

localstripe's ``localstripe`` command binds ``::`` (every interface) and keeps its state
in ``/tmp/localstripe.pickle``, shared by every instance. This launcher imports
localstripe's aiohttp application instead, binds a loopback socket (port 0 picks a free
one), keeps the state in memory only, and writes ``PORT <n>`` on stdout once bound.

It imports nothing from this repository, so it runs under
``.venv-localstripe/bin/python -I stripe_fake/localstripe_launcher.py [--port N]`` (``-I`` keeps
this folder, whose ``localstripe.py`` would shadow the real package, off ``sys.path``).
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys

from aiohttp import web
from localstripe import resources
from localstripe.server import app


def _keep_state_in_memory() -> None:
    def _no_dump(_store: object) -> None:
        return None

    resources.Store.dump_to_disk = _no_dump


def _loopback_socket(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    return sock


def main(argv: list[str] | None = None) -> None:
    """Bind, announce the port, and serve until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    _keep_state_in_memory()
    sock = _loopback_socket(args.port)
    sys.stdout.write(f"PORT {sock.getsockname()[1]}\n")
    sys.stdout.flush()
    web.run_app(app, sock=sock, print=None, handle_signals=True)


if __name__ == "__main__":
    main()
