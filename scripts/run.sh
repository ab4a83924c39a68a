#!/usr/bin/env bash
# Set up (first run) and start the atlas with the bundled data: http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh runtime
# serve.py is app.py with security headers and without the metrics endpoint.
exec .venv/bin/python -m streamlit run serve.py "$@"
