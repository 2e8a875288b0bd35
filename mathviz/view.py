"""Round numbers for framing a plane: the grid steps the numeric modules choose for their views.

Shared by :mod:`mathviz.stories.eigen` and :mod:`mathviz.stories.norms`, whose stories carry
the view (radius and grid step) the scene draws, so the step is computed once,
here, and never in a scene.
"""

from __future__ import annotations

import math

__all__ = ["nice_step"]


def nice_step(size: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``size`` (> 0)."""
    exponent = math.floor(math.log10(size))
    for mantissa in (1.0, 2.0, 5.0, 10.0):
        step = mantissa * 10.0**exponent
        if step >= size * (1 - 1e-12):
            return step
    return 10.0 ** (exponent + 1)
