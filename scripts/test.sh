#!/usr/bin/env bash
# Set up the test environment and run the whole suite: lint, unit, AppTest, real Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
if [ ! -x "${KZATLAS_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "Browser tests need Debian's Chromium: apt-get install -y chromium" >&2
  exit 1
fi
.venv/bin/python -m ruff check .
.venv/bin/python -m pytest "$@"
