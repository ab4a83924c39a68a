#!/usr/bin/env bash
# Create .venv, install the hash-pinned Python packages and the map assets (npm registry).
# Usage: scripts/setup.sh [runtime|dev]
# requirements*.txt are the hand-edited pins; requirements.lock and requirements-dev.lock are
# generated from them with pip-compile (README: "Updating the pins") and pin every package,
# dependencies included, with its hashes, so pip refuses any file that differs.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-runtime}"
python="${PYTHON:-python3}"

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is required to install the map assets: apt-get install -y nodejs npm" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
lock=requirements.lock
[ "$profile" = dev ] && lock=requirements-dev.lock
.venv/bin/python -m pip install --quiet --require-hashes -r "$lock"
.venv/bin/python scripts/install_assets.py
