#!/usr/bin/env bash
# Create the virtualenv and install the pinned project with its dev tools.
set -euo pipefail
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip==25.3
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
