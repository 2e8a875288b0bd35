#!/usr/bin/env bash
# Set up what one kind of Make target needs, once:  tools/bootstrap.sh [render|slides|dev]
#   render  the system libraries Manim builds against (Cairo, Pango, pkg-config), fonts (Noto CJK for the
#           Chinese caption line), espeak-ng (an offline draft narration voice), and .venv with mathviz
#           installed (pinned by constraints.txt): enough for `make render`, `make check`, `make gallery`.
#   slides  also the [slides] extra (manim-slides) and reveal.js from npm into node_modules/ (pinned by
#           package-lock.json), so `make slides` works offline.
#   dev     also the [dev] extra (test, lint and type-check tools) and Debian's Chromium for the browser
#           tests of the gallery and slides: what `make test` and `make lint` need.
# Each level leaves a stamp (.venv/.stamp, .venv/.stamp-slides, .venv/.stamp-dev) that the Makefile
# depends on, so a second run does nothing and `make render` never installs browsers, npm or test tools.
# PYTHON picks the interpreter (3.11, 3.12 or 3.13); by default the first of python3.11, python3.12,
# python3.13, python3 that runs.
set -euo pipefail
cd "$(dirname "$0")/.."

LEVEL=${1:-render}
case "$LEVEL" in
    render) EXTRAS="" ;;
    slides) EXTRAS="[slides]" ;;
    dev) EXTRAS="[dev]" ;;
    *) echo "error: bootstrap: unknown level '$LEVEL' (render, slides or dev)" >&2; exit 2 ;;
esac

APT_PACKAGES=(libcairo2-dev libpango1.0-dev pkg-config fonts-dejavu-core fonts-noto-cjk espeak-ng)
[ "$LEVEL" = dev ] && APT_PACKAGES+=(chromium)
if [ "$LEVEL" != render ] && ! command -v npm >/dev/null 2>&1; then
    APT_PACKAGES+=(npm)
fi

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

supported() {  # the interpreter runs and is CPython 3.11 to 3.13
    "$1" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' >/dev/null 2>&1
}

if [ ! -x .venv/bin/python ]; then
    if [ -z "${PYTHON:-}" ]; then
        for candidate in python3.11 python3.12 python3.13 python3; do
            if supported "$candidate"; then PYTHON=$candidate; break; fi
        done
    fi
    if [ -z "${PYTHON:-}" ] || ! supported "$PYTHON"; then
        echo "error: mathviz needs Python 3.11, 3.12 or 3.13 (${PYTHON:-none of python3.11, python3.12, python3.13, python3} is not); set PYTHON=/path/to/python3.x" >&2
        exit 1
    fi
    echo "bootstrap: creating .venv with $PYTHON ($("$PYTHON" -c 'import platform; print(platform.python_version())'))"
    "$PYTHON" -m venv .venv
fi
pip_install() {
    # pip warns about local find-links folders that some machines configure; only real messages matter.
    .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt "$@" 2>&1 \
        | { grep -v "^WARNING: Location .* is ignored" || true; }
}
echo "bootstrap: installing mathviz$EXTRAS and its pinned dependencies into .venv"
# uv (pinned in constraints.txt, installed into .venv by pip) installs the same locked set in about a
# third of pip's time: it unpacks in parallel and byte-compiles on every core (compiling is half of pip's
# minute, and with PYTHONDONTWRITEBYTECODE set an uncompiled venv costs every process 1.5 s of imports).
# uv reads PyPI and UV_* settings, not pip.conf: MATHVIZ_INSTALLER=pip uses pip throughout (a pip-only
# mirror, say); pip is also the fallback when uv cannot be installed.
if [ "${MATHVIZ_INSTALLER:-uv}" = uv ] && pip_install uv && [ -x .venv/bin/uv ]; then
    .venv/bin/uv pip install -q --python .venv/bin/python --compile-bytecode -c constraints.txt -e ".$EXTRAS"
else
    pip_install -e ".$EXTRAS"
fi
if [ "$LEVEL" != render ] && [ ! -f node_modules/reveal.js/dist/reveal.js ]; then
    echo "bootstrap: installing reveal.js (package-lock.json) into node_modules"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    touch node_modules/reveal.js/dist/reveal.js  # npm keeps the tarball's 1985 dates; Make compares with the lock
fi
touch .venv/.stamp
case "$LEVEL" in
    slides) touch .venv/.stamp-slides ;;
    dev) touch .venv/.stamp-slides .venv/.stamp-dev ;;
esac
echo "bootstrap: done ($LEVEL)"
