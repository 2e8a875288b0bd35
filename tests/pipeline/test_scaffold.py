"""``mathviz new`` and the example plugin: installed with pip, their own tests pass, they render and show in the gallery.

Each plugin is installed with ``pip install --target`` into a temporary folder and used
from a fresh interpreter with that folder on PYTHONPATH, so the test suite's own
environment never changes (the registry of the other tests stays the built-ins).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mathviz.pipeline.cli import cli
from mathviz.pipeline.scaffold import FILES
from tests.conftest import TINY_RENDER

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "softmax_temperature"

# Render tiny, publish what the gallery needs, write the gallery; print the page.
RENDER_AND_GALLERY = f"""
import sys
from pathlib import Path

from mathviz.pipeline.gallery import write_gallery
from mathviz.pipeline.publish import publish
from mathviz.pipeline.render import render_scene

name, media = sys.argv[1], Path(sys.argv[2])
result = render_scene(name, quality="l", out_dir=media / "tiny", extra_config={TINY_RENDER!r})
assert result.frames > 5, result.frames
publish(result.video, ["webm", "poster"])
print(write_gallery(media, "tiny").read_text(encoding="utf-8"))
"""


def new(*args: str):
    return CliRunner().invoke(cli, ["new", *args])


def test_new_writes_a_complete_package(tmp_path: Path) -> None:
    result = new("attention_demo", "--dir", str(tmp_path), "--title", "Attention, step by step")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "attention_demo"
    assert result.stdout.strip() == str(folder)
    written = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    expected = sorted([f.replace("$package", "attention_demo").replace("$name", "attention_demo") for f in FILES.values()]
                      + ["attention_demo/__init__.py"])
    assert written == expected
    pyproject = (folder / "pyproject.toml").read_text()
    assert '[project.entry-points."mathviz.explainers"]\nattention_demo = "attention_demo.story:EXPLAINER"' in pyproject
    story = (folder / "attention_demo" / "story.py").read_text()
    assert "@dataclass(frozen=True)" in story and "PARAMS: tuple[Param, ...]" in story
    assert 'title="Attention, step by step"' in story
    scene = (folder / "attention_demo" / "scene.py").read_text()
    assert "ExplainerScene" in scene and "story_field=" in scene and "zh=" in scene


@pytest.mark.parametrize(("args", "words"), [
    (("Attention",), "lowercase letters"),
    (("two--parts",), "lowercase letters"),
    (("relu",), "already an installed explainer"),
    (("json",), "already an importable Python module"),
])
def test_new_refuses_unusable_names(args: tuple[str, ...], words: str, tmp_path: Path) -> None:
    result = new(*args, "--dir", str(tmp_path))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and words in line
    assert list(tmp_path.iterdir()) == []


def test_new_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "taken" / "notes.txt").parent.mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    result = new("taken", "--dir", str(tmp_path))
    assert result.exit_code == 2 and "already exists and is not empty" in result.stderr
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def _install(package: Path, target: Path) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps",
                           "--target", str(target), str(package)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return {**os.environ, "PYTHONPATH": str(target), "MATHVIZ_DEBUG": "1"}


def _use_plugin(package: Path, name: str, title: str, tmp_path: Path) -> dict[str, str]:
    env = _install(package, tmp_path / "site")
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
                           cwd=package, env=env, capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout and "failed" not in tests.stdout

    listing = subprocess.run([sys.executable, "-m", "mathviz", "list"], cwd=tmp_path, env=env, capture_output=True,
                             text=True, check=True)
    assert f"{name}: {title}  [plugin: " in listing.stdout and "derivative: " in listing.stdout
    assert listing.stderr == ""

    page = subprocess.run([sys.executable, "-c", RENDER_AND_GALLERY, name, str(tmp_path / "media")], cwd=tmp_path,
                          env=env, capture_output=True, text=True)
    assert page.returncode == 0, page.stderr[-3000:]
    assert title in page.stdout and f"{name}.webm" in page.stdout
    return env


@pytest.mark.render
@pytest.mark.system
def test_a_new_plugin_installs_passes_its_tests_renders_and_shows_in_the_gallery(tmp_path: Path) -> None:
    assert new("slope_demo", "--dir", str(tmp_path / "src")).exit_code == 0
    _use_plugin(tmp_path / "src" / "slope_demo", "slope_demo", "Slope demo", tmp_path)


def _make_follows_the_plugins_own_modules(tmp_path: Path, env: dict[str, str]) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("deps_tool", ROOT / "tools" / "deps.py")
    assert spec is not None and spec.loader is not None
    deps = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(deps)
    (where,) = deps.plugin_locations(["softmax_temperature"], python=Path(sys.executable), env=env).values()
    files = {str(path.relative_to(tmp_path / "site")) for path in deps.plugin_files(where) if path.is_relative_to(tmp_path)}
    # The scene imports softmax_temperature.story, which runs the package's __init__.py first: all three count.
    assert files == {"softmax_temperature/__init__.py", "softmax_temperature/story.py", "softmax_temperature/scene.py"}
    repo = {str(path.relative_to(ROOT)) for path in deps.plugin_files(where) if path.is_relative_to(ROOT)}
    assert {"mathviz/explainer.py", "scenes/components/readout.py", "mathviz/pipeline/render.py"} <= repo
    assert deps.plugin_locations(["not_installed"], python=Path(sys.executable), env=env) == {}


# `make system` runs the whole plugin round trip once, on the `mathviz new` package above; the example's
# round trip is the same steps on another package, so it is the sweep.
@pytest.mark.render
@pytest.mark.sweep
def test_the_example_plugin_installs_passes_its_tests_renders_and_shows_in_the_gallery(tmp_path: Path) -> None:
    _use_plugin(EXAMPLE, "softmax_temperature", "Temperature sharpens or flattens softmax", tmp_path)


def test_make_follows_the_example_plugins_own_modules(tmp_path: Path) -> None:
    # Make re-renders an installed plugin when its own modules change (tools/deps.py)
    _make_follows_the_plugins_own_modules(tmp_path, _install(EXAMPLE, tmp_path / "site"))
