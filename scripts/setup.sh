#!/usr/bin/env bash
# Create .venv, install pinned Python packages and the map assets (npm registry).
# Usage: scripts/setup.sh [runtime|dev]
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-runtime}"
python="${PYTHON:-python3}"

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is required to install the map assets: apt-get install -y nodejs npm" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "$profile" = dev ]; then
  .venv/bin/python -m pip install --quiet -r requirements-dev.txt
else
  .venv/bin/python -m pip install --quiet -r requirements.txt
fi
.venv/bin/python scripts/install_assets.py
