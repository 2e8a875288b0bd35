#!/usr/bin/env bash
# The smoke set on another Python:  tools/smoke.sh [PYTHON]   (default python3.13; make smoke)
# `pip install .` (not editable, render dependencies only) into its own venv, .venv-smoke-<version>/,
# then, from an empty folder so nothing is imported from this checkout: mathviz list and numbers,
# mathviz check on a plain Manim scene (a clean one passes, a broken one is reported), one tiny render
# checked with PyAV, and the example plugin (examples/softmax_temperature, when present) installed,
# listed and rendered. The interpreter is looked for on PATH, in /usr/bin, /usr/local/bin, pyenv's and
# uv's folders; when it is missing this says so in one line and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WANT=${1:-python3.13}
version=${WANT#python}

runs() { "$1" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' >/dev/null 2>&1; }
PYTHON=""
for candidate in "$WANT" "/usr/bin/$WANT" "/usr/local/bin/$WANT" \
        "$HOME"/.pyenv/versions/"$version"*/bin/"$WANT" "$HOME"/.local/share/uv/python/cpython-"$version"*/bin/"$WANT"; do
    if runs "$candidate"; then PYTHON=$candidate; break; fi
done
if [ -z "$PYTHON" ]; then
    echo "smoke: $WANT not found (PATH, /usr/bin, /usr/local/bin, ~/.pyenv, uv); skipped"
    exit 0
fi

VENV="$ROOT/.venv-smoke-$version"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
echo "smoke: $("$VENV/bin/python" -c 'import platform; print("Python", platform.python_version())') in $VENV"
pip_install() {
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -c "$ROOT/constraints.txt" "$@" 2>&1 \
        | { grep -v "^WARNING: Location .* is ignored" || true; }
}
pip_install "$ROOT"
pip_install --force-reinstall --no-deps "$ROOT"  # this checkout as it is now, even at the same version
MV="$VENV/bin/mathviz"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
set -x
"$MV" list --names | grep -qx relu
"$MV" numbers relu --compact | "$VENV/bin/python" -c 'import json, sys; assert json.load(sys.stdin)["relu"]'
"$MV" check "$ROOT/tests/data/plain_scenes.py:Clean"
if "$MV" check "$ROOT/tests/data/plain_scenes.py:Broken" > broken.txt; then exit 1; fi
grep -q "^overlap: " broken.txt
tiny_render() {
    "$VENV/bin/python" - "$1" <<'PY'
import sys

import av

from mathviz.pipeline.render import render_scene

result = render_scene(sys.argv[1], quality="l", out_dir="out",
                      extra_config={"pixel_width": 256, "pixel_height": 144, "frame_rate": 5})
with av.open(str(result.video)) as video:
    frames = sum(1 for _ in video.decode(video=0))
assert frames > 5, frames
print(f"smoke: {result.video.name}: {frames} frames")
PY
}
tiny_render relu
if [ -f "$ROOT/examples/softmax_temperature/pyproject.toml" ]; then
    pip_install --no-deps "$ROOT/examples/softmax_temperature"
    "$MV" list --names | grep -qx softmax_temperature
    "$MV" numbers softmax_temperature > /dev/null
    tiny_render softmax_temperature
fi
set +x
echo "smoke: ok on $("$VENV/bin/python" -c 'import platform; print("Python", platform.python_version())')"
