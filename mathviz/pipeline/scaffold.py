"""``mathviz new NAME``: a plugin package with one working, tested explainer to make your own.

The package (``NAME/`` inside ``--dir``) holds a story module with a frozen story and a
parameter table, a scene built from the shared components, tests (numbers against numpy,
geometry read back, the frame guard), a render file, a README and a pyproject that
registers the explainer in the entry-point group ``mathviz.explainers``. Right after
``pip install -e NAME`` its tests pass and ``mathviz render NAME`` works.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path
from string import Template

from mathviz.explainer import valid_name
from mathviz.pipeline import registry

__all__ = ["ScaffoldError", "create_plugin", "FILES"]

TEMPLATES = Path(__file__).resolve().parent / "plugin_template"

#: Template -> path inside the new package folder ($name / $package substituted).
FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "story.py.tmpl": "$package/story.py",
    "scene.py.tmpl": "$package/scene.py",
    "test.py.tmpl": "tests/test_$name.py",
    "render.toml.tmpl": "renders/$name.toml",
}


class ScaffoldError(ValueError):
    """A name or folder ``mathviz new`` cannot use; the message is one line."""


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def create_plugin(name: str, directory: Path | str = ".", title: str | None = None) -> Path:
    """Write the plugin package ``directory/name`` and return its folder.

    Raises :class:`ScaffoldError` when ``name`` cannot name an explainer and a Python package,
    is already an installed explainer or module, or the folder exists and is not empty.
    Nothing is written unless everything is: the package is built beside its place and renamed in.
    """
    if not valid_name(name):
        raise ScaffoldError(f"{name[:40]!r}: use lowercase letters, digits and single underscores, starting with a letter")
    if name in registry.names():
        raise ScaffoldError(f"{name!r} is already an installed explainer; choose another name")
    if importlib.util.find_spec(name) is not None:
        raise ScaffoldError(f"{name!r} is already an importable Python module; choose another name")
    parent = Path(directory)
    if parent.exists() and not parent.is_dir():
        raise ScaffoldError(f"--dir: {parent} is not a folder")
    target = parent / name
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"{target} already exists and is not empty")
    values = {
        "name": name,
        "package": name,
        "Class": _class_name(name),
        "title": title or name.replace("_", " ").capitalize(),
        "distribution": f"mathviz-{name.replace('_', '-')}",
    }
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=parent))
    try:
        for template, relative in FILES.items():
            path = staging / Template(relative).substitute(values)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(Template((TEMPLATES / template).read_text(encoding="utf-8")).substitute(values),
                            encoding="utf-8")
        (staging / name / "__init__.py").write_text(f'"""{values["title"]}: a mathviz explainer plugin."""\n',
                                                    encoding="utf-8")
        if target.exists():
            target.rmdir()
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
