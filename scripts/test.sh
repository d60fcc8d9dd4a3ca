#!/usr/bin/env bash
# Install everything, then run every check CI runs: lint, format, the committed corpus, the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --all
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/akhbar validate
.venv/bin/python -m pytest "$@"
