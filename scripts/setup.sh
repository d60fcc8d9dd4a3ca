#!/usr/bin/env bash
# Install everything akhbar needs on a fresh machine, from this checkout's own files:
#   .venv                 the package with its tools (editable, with the dev extras)
#   Debian's chromium     the headless browser for the labeling-page test (only with --browser)
#   Debian's strace       kills commands at each rename in the crash-safety tests (only with --strace)
#   the Label Studio server in its own venv under .akhbar/ (only with --labelstudio)
# Re-running is cheap: each step is skipped when what it installs is already there and current.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
want_labelstudio=0
want_strace=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    --labelstudio) want_labelstudio=1 ;;
    --strace) want_strace=1 ;;
    --all) want_browser=1; want_labelstudio=1; want_strace=1 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=".venv/.akhbar-installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[dev]'
  rm -f .venv/.akhbar-installed-*
  touch "$stamp"
fi

apt_install() {
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}

if [ "$want_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

if [ "$want_strace" = 1 ] && ! command -v strace >/dev/null; then
  apt_install strace
fi

if [ "$want_labelstudio" = 1 ]; then
  .venv/bin/akhbar labelstudio install
fi
