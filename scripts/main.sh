#!/usr/bin/env bash
# Install everything, then run the main job: validate the corpus and summarize it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/akhbar validate
