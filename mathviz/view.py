"""Round numbers for framing a plot: the one tick- and grid-step rule every view and scene uses.

The numeric modules choose their views with it (:mod:`mathviz.stories.eigen`,
:mod:`mathviz.stories.norms` carry the grid step the scene draws, so the step is
computed once, in the story), and the scenes' axes and planes tick with it
(``scenes/components/graph.py``, ``scenes/components/plane.py``), so every
picture in the project rounds its steps alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["STEP_SLACK", "nice_step"]

#: A candidate step this fraction short of the size asked for still serves: one more tick beats a
#: step twice too wide (and rounding in ``span / count`` never tips the choice).
STEP_SLACK = 1e-3


def nice_step(size: float, *, mantissas: Sequence[float] = (1, 2, 5)) -> float:
    """The smallest ``m x 10^k`` (``m`` in ``mantissas``, or 10) that is at least ``size``.

    With ``k = floor(log10(size))`` the candidates ``m x 10^k`` are tried in
    order; the first with ``m x 10^k >= size (1 - STEP_SLACK)`` is the step. A
    ``size <= 0`` (an empty span) is measured against ``10^0``.

    Parameters
    ----------
    size
        The smallest step wanted, usually a span divided by the most ticks it may have.
    mantissas
        The leading digits allowed, ascending in [1, 10); ``(1, 2, 2.5, 5)`` adds quarter steps.
    """
    magnitude = 10.0 ** math.floor(math.log10(size)) if size > 0 else 1.0
    bound = size * (1 - STEP_SLACK)
    for m in (*mantissas, 10):
        if m * magnitude >= bound:
            return float(m * magnitude)
    return 10.0 * magnitude
