"""mathviz: the verified numeric core behind the explainer videos.

Every number a scene draws comes from a "story" computed here with numpy and
scipy. Nothing in this package imports manim at import time; the scenes in
``scenes/`` only draw what these modules computed. ``mathviz.story``, ``mathviz.render``
and ``mathviz.storyboard`` (see :mod:`mathviz.pipeline.api`) are loaded on first use.
"""

from __future__ import annotations

from typing import Any

__all__ = ["__version__", "render", "story", "storyboard"]

__version__ = "0.1.0"

#: The Python API (``mathviz.story(...)``, ``mathviz.render(...)``, ``mathviz.storyboard(...)``) lives in the
#: pipeline; it is looked up on first use, so ``import mathviz`` still loads neither the pipeline nor manim.
_API = ("render", "story", "storyboard")


def __getattr__(name: str) -> Any:
    if name in _API:
        import importlib

        return getattr(importlib.import_module("mathviz.pipeline.api"), name)
    raise AttributeError(f"module 'mathviz' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
