"""The panel beside (or below) a plot: where readouts, formulas and notes go, fitted to the frame.

Most scenes draw a plot on the left and stack readouts and notes in a column
to its right (derivative, integral, chain rule, the tangent plane, the
linear-algebra planes); some put the column below the plot. A
:class:`Panel` is that column: its left edge and top are the scene's layout
choice, its right edge is the frame's safe edge less one gap
(:data:`EDGE_GAP`), computed here once instead of by hand in every scene.

Rows are placed top-down with their left edges on the panel's; a row wider
than the panel is shrunk alone, never the whole column. A readout whose number
will change is measured while showing the widest value it will show, so a
longer number later (``-9990.010`` after ``-666.222``) still fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from manim import DOWN, LEFT, RIGHT, VGroup, config

from mathviz_scenes.components import style
from mathviz_scenes.components.readout import Readout, shown

__all__ = ["EDGE_GAP", "ROW_GAP", "Panel", "frame_right", "widest", "widest_value"]

#: Clear space between a panel's right edge and the frame's safe margin.
EDGE_GAP = 0.1
#: Default vertical gap between two rows of a panel.
ROW_GAP = 0.25


def frame_right(gap: float = EDGE_GAP) -> float:
    """The right edge of anything placed against the frame's right side: the safe edge less ``gap``."""
    return float(config.frame_width / 2 - style.SAFE_MARGIN - gap)


class Panel:
    """A left-aligned column from ``left`` to the frame's right edge, starting at ``top``.

    Parameters
    ----------
    left
        The column's left edge (scene units).
    top
        Where the first row's top goes.
    right
        The right edge; by default :func:`frame_right`.
    row_gap
        Default gap between rows (:meth:`below`).
    """

    def __init__(self, left: float, top: float | None = None, *, right: float | None = None,
                 row_gap: float = ROW_GAP) -> None:
        self.left = float(left)
        self.top = style.content_top() if top is None else float(top)
        self.right = frame_right() if right is None else float(right)
        self.row_gap = row_gap

    @property
    def width(self) -> float:
        """The room between the left and right edges."""
        return self.right - self.left

    def fit(self, mobject: Any, values: Sequence[float] = ()) -> Any:
        """Shrink ``mobject`` to the panel's width if it is wider (a readout measured at the widest of ``values``)."""
        with widest_value(mobject, values):
            if mobject.width > self.width:
                mobject.scale_to_fit_width(self.width)
        return mobject

    def place(self, mobject: Any, top: float | None = None, values: Sequence[float | None] = ()) -> Any:
        """Put ``mobject`` with its top-left corner at (left, ``top``), fitted to the panel (see :meth:`fit`)."""
        with widest_value(mobject, values):
            if mobject.width > self.width:
                mobject.scale_to_fit_width(self.width)
            mobject.next_to(np.array([self.left, self.top if top is None else top, 0.0]), DOWN + RIGHT, buff=0)
        return mobject

    def row(self, readouts: Sequence[tuple[Readout, Sequence[float | None]]], top: float, buff: float = 0.5) -> None:
        """Readouts side by side from ``top`` if they fit while showing their widest ``values``, else stacked.

        Spaced for the widest values, so a number that grows later (numbers
        keep their left edge) still fits; stacked, each is fitted on its own.
        """
        shown = [readout.value for readout, _ in readouts]
        for readout, values in readouts:
            readout.set_value(widest(readout, values))
        line = VGroup(*[readout for readout, _ in readouts]).arrange(RIGHT, buff=buff)
        fits = line.width <= self.width
        if fits:
            line.next_to(np.array([self.left, top, 0.0]), DOWN + RIGHT, buff=0)
        for (readout, _), value in zip(readouts, shown):
            readout.set_value(value)
        if fits:
            return
        for readout, values in readouts:
            self.place(readout, top, values)
            top = self.below(readout)

    def column(self, *rows: Any, top: float | None = None, buff: float = 0.26) -> VGroup:
        """``rows`` stacked ``buff`` apart, left edges on the panel's, the first row's top at ``top``."""
        for row in rows:
            self.fit(row)
        column = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=buff)
        column.next_to([self.left, self.top if top is None else top, 0], DOWN, buff=0, aligned_edge=LEFT)
        column.align_to([self.left, 0, 0], LEFT)
        return column

    def below(self, mobject: Any, gap: float | None = None) -> float:
        """The top of the next row under ``mobject``."""
        return float(mobject.get_bottom()[1]) - (self.row_gap if gap is None else gap)


def widest(readout: Readout, values: Sequence[float | None]) -> float:
    """The value of ``values`` (``None`` skipped) that prints widest at the readout's decimals."""
    places = readout.number.num_decimal_places
    return max((shown(v) for v in values if v is not None), key=lambda v: len(f"{v:.{places}f}"))


class widest_value:  # noqa: N801 - a context manager used like a function
    """While active, ``mobject`` (if a readout and ``values`` are given) shows its widest value."""

    def __init__(self, mobject: Any, values: Sequence[float | None]) -> None:
        self.readout = mobject if isinstance(mobject, Readout) and len(values) else None
        self.values = values

    def __enter__(self) -> None:
        if self.readout is not None:
            self.shown = self.readout.value
            self.readout.set_value(widest(self.readout, self.values))

    def __exit__(self, *exc: object) -> None:
        if self.readout is not None:
            self.readout.set_value(self.shown)
