#!/usr/bin/env bash
# Install everything, then run every check CI runs: lint, format, the committed corpus, the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --all
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/akhbar validate
.venv/bin/akhbar verify  # data/ matches its manifest and rebuilds from the corpus byte for byte
.venv/bin/akhbar document --check  # the datasheet, plots, guidelines and Croissant match the release
.venv/bin/python -m pytest "$@"
