#!/usr/bin/env bash
# Set up the test environment and run the whole suite: lint, the vulnerability audit of the
# pinned packages, unit, AppTest, real Chromium (with a short load test).
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
  echo "Browser tests need Debian's Chromium: apt-get install -y chromium" >&2
  exit 1
fi
.venv/bin/python -m ruff check .
# Known vulnerabilities in requirements*.lock; prints "vulnerability audit skipped: <reason>"
# and goes on when no vulnerability service can be reached (scripts/audit.py).
.venv/bin/python scripts/audit.py
# The store tests also run on PostGIS when PostgreSQL and PostGIS are installed: a throw-away
# cluster lives as long as the test run. Without them those tests skip and say why (CI fails).
with_postgres=()
if reason=$(.venv/bin/python -c 'import sys; sys.path.insert(0, "tests"); import pgcluster; r = pgcluster.missing_reason(); print(r or ""); sys.exit(1 if r else 0)'); then
  with_postgres=(bash scripts/test_postgres.sh)
else
  echo "PostGIS store tests will skip: $reason" >&2
fi
if [ "$quick" = 1 ]; then
  "${with_postgres[@]}" .venv/bin/python -m pytest -m "not browser" "$@"
else
  "${with_postgres[@]}" .venv/bin/python -m pytest "$@"
fi
