"""The layout's promise: imports run one way, pipeline -> scenes -> numeric core.

* The numeric core (``mathviz`` outside ``mathviz.pipeline``) never imports manim,
  the scenes or the pipeline: the math stands apart from the pictures.
* The scenes (``scenes/``, installed as ``mathviz_scenes``) never import the pipeline.
* Every explainer `mathviz list --names` prints has a numeric module, a scene module and tests named
  after it: a built-in in ``mathviz/stories/``, ``scenes/``, ``tests/stories/`` and ``tests/scenes/``;
  a plugin package in ``examples/`` (softmax_temperature) in its own package, laid out the way
  ``mathviz new`` makes one: ``<package>/story.py``, ``<package>/scene.py``, ``tests/test_<name>.py``.

Checked twice: statically, every import statement anywhere in a file (also those
inside functions), and dynamically, by importing every core module in a fresh
interpreter and looking at ``sys.modules``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from mathviz.pipeline import registry

ROOT = Path(__file__).resolve().parents[1]
CORE = sorted(p for p in (ROOT / "mathviz").rglob("*.py") if "pipeline" not in p.parts and p.name != "__main__.py")
SCENE_FILES = sorted((ROOT / "scenes").rglob("*.py"))


def module_name(path: Path) -> str:
    if path.is_relative_to(ROOT / "scenes"):
        parts = ("mathviz_scenes", *path.relative_to(ROOT / "scenes").with_suffix("").parts)
    else:
        parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__")


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def forbidden(names: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(n == p or n.startswith(p + ".") for p in prefixes))


def test_the_layers_are_where_the_test_looks() -> None:
    core = {module_name(p) for p in CORE}
    assert {"mathviz.expr", "mathviz.story", "mathviz.params", "mathviz.stories.derivative"} <= core
    assert "mathviz_scenes.components.base" in {module_name(p) for p in SCENE_FILES}


@pytest.mark.parametrize("path", CORE, ids=module_name)
def test_core_imports_neither_manim_nor_scenes_nor_pipeline(path: Path) -> None:
    bad = forbidden(imported_names(path), ("manim", "manimpango", "mathviz_scenes", "mathviz.pipeline"))
    assert not bad, f"{module_name(path)} is numeric core but imports {bad}"


@pytest.mark.parametrize("path", SCENE_FILES, ids=module_name)
def test_scenes_never_import_the_pipeline(path: Path) -> None:
    bad = forbidden(imported_names(path), ("mathviz.pipeline",))
    assert not bad, f"{module_name(path)} is a scene module but imports {bad}"


def test_importing_the_whole_core_loads_no_manim_scenes_or_pipeline() -> None:
    names = [module_name(p) for p in CORE]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('manim', 'mathviz_scenes')"
        " or m.startswith('mathviz.pipeline'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def example_plugins() -> dict[str, tuple[Path, str]]:
    """The explainers the plugin packages in examples/ declare: name -> (project folder, entry point value)."""
    found = {}
    for pyproject in sorted((ROOT / "examples").glob("*/pyproject.toml")):
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        for name, value in project.get("entry-points", {}).get("mathviz.explainers", {}).items():
            found[name] = (pyproject.parent, value)
    return found


def plugin_files(name: str) -> list[Path]:
    """Where an example plugin keeps its math, scene and tests: the layout `mathviz new` writes."""
    folder, value = example_plugins()[name]
    package = value.split(":")[0].split(".")[0]
    return [folder / package / "story.py", folder / package / "scene.py", folder / "tests" / f"test_{name}.py"]


@pytest.mark.parametrize("name", registry.names())
def test_every_explainer_has_math_scene_and_tests_named_after_it(name: str) -> None:
    # registry.names() is what `mathviz list --names` prints: the built-ins, then installed plugins
    if registry.get(name).builtin:
        expected = [
            ROOT / "mathviz" / "stories" / f"{name}.py",
            ROOT / "scenes" / f"{name}.py",
            ROOT / "tests" / "stories" / f"test_{name}.py",
            ROOT / "tests" / "scenes" / f"test_{name}.py",
        ]
    elif name in example_plugins():
        expected = plugin_files(name)
    else:
        pytest.skip(f"{name} is a plugin installed from outside this repository; its own project holds its layout")
    missing = [str(p.relative_to(ROOT)) for p in expected if not p.is_file()]
    assert not missing, f"{name}: missing {missing}"


@pytest.mark.parametrize("name", sorted(example_plugins()))
def test_every_example_plugin_has_math_scene_and_tests_named_after_it(name: str) -> None:
    # checked whether or not the example is installed (the suite installs it only inside some tests)
    _, value = example_plugins()[name]
    package = value.split(".")[0]
    assert value == f"{package}.story:EXPLAINER", "the entry point names the package's story module"
    story, scene, tests = plugin_files(name)
    missing = [str(p.relative_to(ROOT)) for p in (story, scene, tests) if not p.is_file()]
    assert not missing, f"{name}: missing {missing}"
    assert f'scene="{package}.scene:' in story.read_text(encoding="utf-8"), "its Explainer names the package's scene module"


def test_the_checker_catches_a_wrong_arrow(tmp_path: Path) -> None:
    # The rule must be able to fail: a core module that imports the pipeline is reported.
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from mathviz.pipeline import registry\n    return registry\n")
    assert forbidden(imported_names(bad), ("mathviz.pipeline",)) == ["mathviz.pipeline", "mathviz.pipeline.registry"]
