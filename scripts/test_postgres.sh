#!/usr/bin/env bash
# Run a command with a throw-away PostgreSQL/PostGIS cluster on 127.0.0.1 (a free port, a temp
# folder, a made-up password); its address is in $KZATLAS_TEST_POSTGRES_URL while the command
# runs, and the cluster is stopped and deleted afterwards, whatever happens.
#   bash scripts/test_postgres.sh .venv/bin/python -m pytest tests/unit/test_store.py
# Needs Debian's postgresql and postgresql-<version>-postgis-3 (as root the server runs as "postgres").
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python tests/pgcluster.py -- "$@"
