"""The layout's promise: imports run one way, pipeline -> scenes -> numeric core.

* The numeric core (``mathviz`` outside ``mathviz.pipeline``) never imports manim,
  the scenes or the pipeline: the math stands apart from the pictures.
* The scenes (``scenes/``, installed as ``mathviz_scenes``) never import the pipeline.
* Every registered explainer has a numeric module, a scene module and tests named after it.

Checked twice: statically, every import statement anywhere in a file (also those
inside functions), and dynamically, by importing every core module in a fresh
interpreter and looking at ``sys.modules``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from mathviz.pipeline.catalog import SCENES

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


@pytest.mark.parametrize("name", SCENES)
def test_every_explainer_has_math_scene_and_tests_named_after_it(name: str) -> None:
    expected = [
        ROOT / "mathviz" / "stories" / f"{name}.py",
        ROOT / "scenes" / f"{name}.py",
        ROOT / "tests" / "stories" / f"test_{name}.py",
        ROOT / "tests" / "scenes" / f"test_{name}.py",
    ]
    missing = [str(p.relative_to(ROOT)) for p in expected if not p.is_file()]
    assert not missing, f"{name}: missing {missing}"


def test_the_checker_catches_a_wrong_arrow(tmp_path: Path) -> None:
    # The rule must be able to fail: a core module that imports the pipeline is reported.
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from mathviz.pipeline import registry\n    return registry\n")
    assert forbidden(imported_names(bad), ("mathviz.pipeline",)) == ["mathviz.pipeline", "mathviz.pipeline.registry"]
