#!/usr/bin/env bash
# Set up everything `make render` and `make test` need, once:
#   1. the system libraries Manim builds against (Cairo, Pango, pkg-config) and fonts,
#   2. a virtual environment in .venv with mathviz installed (pinned by constraints.txt),
#   3. reveal.js from npm into node_modules/ (pinned by package-lock.json), so `make slides` works offline.
# Chromium is for the browser tests of the gallery and slides; Noto CJK for the Chinese caption line;
# espeak-ng drafts a narration voice offline (mathviz render --narration espeak).
# Called by the Makefile through the .venv/.stamp target, so a second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libcairo2-dev libpango1.0-dev pkg-config fonts-dejavu-core fonts-noto-cjk chromium espeak-ng)
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bootstrap: installing system packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "error: missing system packages; run: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi

version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$version" != "3.11" ]; then
    echo "error: mathviz needs Python 3.11 (found $version as $PYTHON); set PYTHON=/path/to/python3.11" >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    echo "bootstrap: creating .venv with $PYTHON"
    "$PYTHON" -m venv .venv
fi
echo "bootstrap: installing mathviz and pinned dependencies into .venv"
# pip warns about local find-links folders that some machines configure; only real messages matter.
.venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[dev]" 2>&1 \
    | { grep -v "^WARNING: Location .* is ignored" || true; }
if [ ! -f node_modules/reveal.js/dist/reveal.js ]; then
    echo "bootstrap: installing reveal.js (package-lock.json) into node_modules"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    touch node_modules/reveal.js/dist/reveal.js  # npm keeps the tarball's 1985 dates; Make compares with the lock
fi
touch .venv/.stamp
echo "bootstrap: done"
