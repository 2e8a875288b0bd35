#!/usr/bin/env python3
"""Print Make variables with each scene's source dependencies: ``DEPS_<scene> := files...``.

A render depends on its scene module, everything that module imports from this
repository (the numeric module, expression parser, style, components), and the
numeric module its entry point names (``mathviz.explainers`` in pyproject.toml).
Found by reading import statements with :mod:`ast`, so it runs on any python3
before ``.venv`` exists.

A render file may name an explainer from an installed plugin package
(``renders/softmax_temperature.toml``). Its modules live outside this repository;
``.venv/bin/python`` says where (entry point -> module file, without importing the
explainer), and the same import scan follows the plugin's own package.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Import name of each package -> its folder (the scenes install as ``mathviz_scenes`` from scenes/).
PACKAGES = {"mathviz": ROOT / "mathviz", "mathviz_scenes": ROOT / "scenes"}
PYPROJECT = ROOT / "pyproject.toml"
ENTRY_POINT_GROUP = "mathviz.explainers"


def module_file(name: str) -> Path | None:
    top, *rest = name.split(".")
    if top not in PACKAGES:
        return None
    path = PACKAGES[top].joinpath(*rest)
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py")
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return None


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {n for n in names if n.split(".")[0] in PACKAGES}


def closure(start: Path, only: set[str] | None = None) -> set[Path]:
    seen: set[Path] = set()
    todo = [start]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in imports_of(path):
            parts = name.split(".")
            for i in range(1, len(parts) + 1):  # package __init__ files run too
                found = module_file(".".join(parts[:i]))
                if found and found not in seen:
                    todo.append(found)
    return seen


def entry_points() -> dict[str, str]:
    """Explainer name -> ``module:attr`` of its Explainer, from pyproject.toml's ``mathviz.explainers`` table."""
    text = PYPROJECT.read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # python3 older than 3.11: read the one flat table by hand
        table: dict[str, str] = {}
        inside = False
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("["):
                inside = stripped == f'[project.entry-points."{ENTRY_POINT_GROUP}"]'
            elif inside and "=" in stripped and not stripped.startswith("#"):
                key, _, value = stripped.partition("=")
                table[key.strip()] = value.strip().strip('"')
        return table
    return dict(tomllib.loads(text).get("project", {}).get("entry-points", {}).get(ENTRY_POINT_GROUP, {}))


PLUGIN_QUERY = """
import importlib.util, json, os, sys
from importlib.metadata import entry_points
found = {}
for ep in entry_points(group=sys.argv[1]):
    if ep.name not in sys.argv[2:]:
        continue
    module = ep.value.split(":")[0]
    try:
        top = importlib.util.find_spec(module.split(".")[0])
        spec = importlib.util.find_spec(module)
    except Exception:
        continue
    if spec is None or not spec.origin or top is None:
        continue
    folder = list(top.submodule_search_locations or [os.path.dirname(top.origin or "")])[0]
    found[ep.name] = {"module": module, "top": module.split(".")[0], "folder": folder}
print(json.dumps(found))
"""


def plugin_locations(names: list[str], python: Path = ROOT / ".venv" / "bin" / "python",
                     env: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
    """Installed explainer name -> its story module, top-level package and that package's folder (asked of .venv)."""
    if not names or not python.is_file():
        return {}
    import json
    import subprocess

    done = subprocess.run([str(python), "-c", PLUGIN_QUERY, ENTRY_POINT_GROUP, *names], capture_output=True, text=True,
                          env=env)
    return json.loads(done.stdout) if done.returncode == 0 and done.stdout.strip() else {}


def scene_module(story_file: Path) -> str | None:
    """The module of ``scene="module:Class"`` in the story file's ``Explainer(...)`` declaration."""
    for node in ast.walk(ast.parse(story_file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Explainer":
            for keyword in node.keywords:
                if keyword.arg == "scene" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value).split(":")[0]
    return None


def render_scenes() -> list[str]:
    """The explainer each render file names (renders/<scene>.toml or renders/<scene>--<variant>.toml)."""
    return sorted({path.stem.split("--")[0] for path in (ROOT / "renders").glob("*.toml")})


def display(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main() -> int:
    sys.path.insert(0, str(ROOT / "mathviz" / "pipeline"))
    from catalog import SCENES  # noqa: E402  (stdlib-only module)

    stories = {name: value.split(":")[0] for name, value in entry_points().items()}
    for scene in SCENES:
        files: set[Path] = set()
        scene_file = ROOT / "scenes" / f"{scene}.py"
        if scene_file.is_file():
            files |= closure(scene_file)
        story_file = module_file(stories.get(scene, ""))
        if story_file:
            files |= closure(story_file)
        # The render pipeline itself shapes every output.
        for core in ("render", "captions", "cli"):
            files |= closure(ROOT / "mathviz" / "pipeline" / f"{core}.py")
        rel = sorted(str(f.relative_to(ROOT)) for f in files)
        print(f"DEPS_{scene} := {' '.join(rel)}")

    plugins = [name for name in render_scenes() if name not in SCENES]
    for scene, where in sorted(plugin_locations(plugins).items()):
        print(f"DEPS_{scene} := {' '.join(sorted(display(f) for f in plugin_files(where)))}")
    return 0


def plugin_files(where: dict[str, str]) -> set[Path]:
    """The files a plugin explainer's render depends on: its story and scene modules, what they import, the pipeline."""
    PACKAGES[where["top"]] = Path(where["folder"])
    files: set[Path] = set()
    story_file = module_file(where["module"])
    if story_file:
        files |= closure(story_file)
        plugin_scene = module_file(scene_module(story_file) or "")
        if plugin_scene:
            files |= closure(plugin_scene)
    for core in ("render", "captions", "cli"):
        files |= closure(ROOT / "mathviz" / "pipeline" / f"{core}.py")
    return files


if __name__ == "__main__":
    sys.exit(main())
