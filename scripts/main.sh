#!/usr/bin/env bash
# Install everything, then run the main job: validate the corpus, rebuild the release from it and check it
# byte for byte against data/ (nothing in the checkout is written), then load every config and split with
# datasets.load_dataset and summarize it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/akhbar validate
.venv/bin/akhbar verify --load
