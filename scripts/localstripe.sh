#!/usr/bin/env bash
# Install localstripe (the Stripe contract-test server) into its own virtualenv,
# .venv-localstripe/, so its dependency pins never disturb the project's .venv.
# Idempotent: a stamp named after this script's hash skips the work when nothing changed.
# Tests find the interpreter at .venv-localstripe/bin/python (LOCALSTRIPE_PYTHON overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=.venv-localstripe
STAMP="$VENV/.installed-$(sha1sum scripts/localstripe.sh | cut -c1-12)"
# localstripe declares only "aiohttp>=2.3.2" and "python-dateutil>=2.6.1"; everything is
# pinned to a set that runs on Python 3.11 (aiohttp matches the project's pin).
PINS=(
  "localstripe==1.15.10"
  "aiohttp==3.14.5"
  "aiohappyeyeballs==2.7.1"
  "aiosignal==1.4.0"
  "attrs==26.1.0"
  "frozenlist==1.8.0"
  "idna==3.20"
  "multidict==7.2.1"
  "propcache==0.5.4"
  "python-dateutil==4.0.0"
  "typing_extensions==4.16.0"
  "tzdata==2026.6"
  "yarl==1.25.1"
)
if [ -f "$STAMP" ] && [ -x "$VENV/bin/python" ]; then
  exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
printf '*\n' > "$VENV/.gitignore"  # keep the virtualenv out of git, as newer venvs do
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip==25.3
"$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PINS[@]}"
rm -f "$VENV"/.installed-*
touch "$STAMP"
