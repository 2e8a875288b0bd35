"""The "story": the one frozen value a scene draws and `mathviz numbers` prints.

Each topic module returns a frozen dataclass subclassing :class:`Story`. The
scene consumes it, tests compare the drawn geometry with it, and
:meth:`Story.to_json` prints exactly the numbers the video shows. Non-finite
floats (a diverged loss) become ``null`` in JSON, which has no ``inf``.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import math
import sys
import types
from enum import Enum
from typing import Any

import numpy as np

__all__ = ["Story", "jsonable"]


def jsonable(value: Any) -> Any:
    """Convert numpy scalars/arrays, dataclasses, tuples and non-finite floats to plain JSON types."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if isinstance(value, Story):
            return value.to_dict()
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, complex):
        return [jsonable(value.real), jsonable(value.imag)]
    if value is None or isinstance(value, str):
        return value
    return str(value)


@dataclasses.dataclass(frozen=True)
class Story:
    """Base class of every topic's story. Fields with ``repr=False`` stay out of the JSON."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: jsonable(getattr(self, f.name)) for f in dataclasses.fields(self) if f.repr}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)


class _StoryModule(types.ModuleType):
    """The module, callable: ``mathviz.story(name, **params)`` is the Python API's story function.

    The package attribute ``mathviz.story`` is this module as soon as anything imports it, so the
    API function answers here, looked up on first call: the numeric core still imports neither
    the pipeline nor manim (``tests/test_architecture.py``).
    """

    def __call__(self, name: str, /, **params: Any) -> Story:
        return importlib.import_module("mathviz.pipeline.api").story(name, **params)


sys.modules[__name__].__class__ = _StoryModule
