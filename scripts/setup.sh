#!/usr/bin/env bash
# Create the virtualenv and install the pinned project with its dev tools.
# The browser test drives Debian's Chromium (Playwright never downloads its own browsers).
set -euo pipefail
PYTHON=${PYTHON:-python3}
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip==25.3
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
