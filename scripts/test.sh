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
# What the full run needs from Debian: Chromium (browser tests), nginx (header and replica tests),
# PostgreSQL with PostGIS (the store tests on the server backend). As root with apt, install what
# is missing the way CI does; otherwise say what to run.
missing=()
[ -x "${KZATLAS_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
compgen -G "/usr/share/postgresql/*/extension/postgis.control" >/dev/null || missing+=(postgresql postgresql-15-postgis-3)
if [ "$quick" = 0 ] && [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} for the full test run (apt-get)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "The full test run needs Debian's ${missing[*]}: sudo apt-get install -y ${missing[*]}" >&2
    echo "(or run 'bash scripts/test.sh --quick' for everything but the browser tests)" >&2
    exit 1
  fi
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
