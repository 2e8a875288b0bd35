"""The README's "How it is built" tree names every module of the package, the scenes' shared layer and the tools."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Folders whose every module the tree describes (scenes/ itself is "<explainer>.py", one per story module).
DESCRIBED = ["mathviz", "mathviz/stories", "mathviz/pipeline", "scenes/components", "tools"]


def _tree() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it is built", 1)[1]
    return section.split("```", 2)[1]


def test_every_module_is_in_the_tree() -> None:
    named = set(re.findall(r"[\w.]+\.(?:py|sh)\b", _tree()))
    missing = sorted(f"{folder}/{path.name}" for folder in DESCRIBED for path in (ROOT / folder).iterdir()
                     if path.suffix in {".py", ".sh"} and path.name != "__init__.py" and path.name not in named)
    assert missing == [], f"modules the README's tree does not describe: {missing}"


def test_every_file_in_the_tree_exists() -> None:
    present = {path.name for folder in [*DESCRIBED, "tests"] for path in (ROOT / folder).iterdir()}
    named = set(re.findall(r"[\w.]+\.(?:py|sh)\b", _tree())) - {"__init__.py"}
    assert sorted(named - present) == []
