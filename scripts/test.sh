#!/usr/bin/env bash
# Set up the test environment and run the whole suite: lint, unit, AppTest, real Chromium.
#   bash scripts/test.sh            everything (what CI runs)
#   bash scripts/test.sh --quick    lint, unit and AppTest only, no browser (while working)
# Further arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
if [ "${1:-}" = "--quick" ]; then
  quick=1
  shift
fi
bash scripts/setup.sh dev
if [ "$quick" = 0 ] && [ ! -x "${KZATLAS_CHROMIUM:-/usr/bin/chromium}" ]; then
  # The browser tests need Debian's Chromium (and nginx for the header tests). As root with apt,
  # install them the way CI does; otherwise say what to run.
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Chromium and nginx for the browser tests (apt-get)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium nginx >/dev/null
  else
    echo "Browser tests need Debian's Chromium and nginx: sudo apt-get install -y chromium nginx" >&2
    echo "(or run 'bash scripts/test.sh --quick' for everything but the browser tests)" >&2
    exit 1
  fi
fi
.venv/bin/python -m ruff check .
if [ "$quick" = 1 ]; then
  .venv/bin/python -m pytest -m "not browser" "$@"
else
  .venv/bin/python -m pytest "$@"
fi
