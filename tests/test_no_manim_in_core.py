"""mathviz's numeric core never imports manim: the math stands apart from the pictures."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import mathviz


def test_importing_every_mathviz_module_does_not_import_manim() -> None:
    names = [f"mathviz.{m.name}" for m in pkgutil.iter_modules(mathviz.__path__) if m.name != "__main__"]
    assert {"mathviz.calculus", "mathviz.linalg", "mathviz.eigen", "mathviz.optim", "mathviz.nn"} <= set(names)
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'manim' or m.startswith('manim.'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(mathviz.__file__).parents[1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
