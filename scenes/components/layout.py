"""Screen layout shared by the 2D linear-algebra scenes: a square plane at the left, a text panel on its right.

The eigen, norms and SVD/PCA scenes draw everything that moves on a square
coordinate plane against the frame's left edge, as tall as the content zone
allows (between the caption band and :func:`~mathviz_scenes.components.style.content_top`), and stack their
formulas and readouts in a column to its right. :class:`PlaneAndPanel` is a
mixin for such an :class:`~scenes.components.base.ExplainerScene`:
``layout()`` sets where the square and the column go, ``panel_column()``
stacks rows there, and :meth:`PlaneAndPanel.square_plane` draws the faint
still plane in the square when the scene picks its own grid step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import GREY_B, NumberPlane, VGroup, config

from mathviz_scenes.components import style
from mathviz_scenes.components.panel import Panel

__all__ = ["PlaneAndPanel", "overlaps"]


def overlaps(a: Any, b: Any, margin: float = 0.06) -> bool:
    """Whether the bounding boxes of ``a`` and ``b`` (grown by ``margin``) intersect.

    Scenes that place labels one by one use it to skip spots already taken.
    """
    return bool(
        abs(a.get_center()[0] - b.get_center()[0]) < (a.width + b.width) / 2 + margin
        and abs(a.get_center()[1] - b.get_center()[1]) < (a.height + b.height) / 2 + margin
    )


class PlaneAndPanel:
    """Mixin: a square plane at the left of the frame and a left-aligned text column to its right.

    Subclasses tune the class constants; after :meth:`layout` the scene has
    ``plane_side`` and ``plane_center`` (the square, in scene units) and
    ``text_panel`` (a :class:`~scenes.components.panel.Panel`) with its edges
    ``panel_left``, ``panel_right`` and ``panel_top``.
    """

    #: Largest side of the plane's square, and its gap to the frame's left edge.
    PLANE_SIDE = 7.0
    PLANE_LEFT_GAP = 0.25
    #: Gap between the plane's square and the text panel on its right.
    PANEL_GAP = 0.45
    #: Default vertical gap between the rows of a panel column.
    PANEL_BUFF = 0.26

    plane_side: float
    plane_center: np.ndarray
    text_panel: Panel
    panel_left: float
    panel_right: float
    panel_top: float

    def layout(self) -> None:
        """Where the plane and the text panel go: a square at the left, the panel to its right."""
        frame_w = config.frame_width
        top = style.content_top() - 0.1
        bottom = style.caption_top() + 0.1
        self.plane_side = min(self.PLANE_SIDE, top - bottom)
        self.plane_center = np.array([-frame_w / 2 + self.PLANE_LEFT_GAP + self.plane_side / 2,
                                      (top + bottom) / 2, 0.0])
        self.text_panel = Panel(self.plane_center[0] + self.plane_side / 2 + self.PANEL_GAP, top)
        self.panel_left, self.panel_right, self.panel_top = self.text_panel.left, self.text_panel.right, top

    def panel_column(self, *rows: Any, top: float, buff: float | None = None) -> VGroup:
        """Rows stacked left-aligned at the panel's left edge, their top at ``top``; a row too wide is shrunk alone."""
        return self.text_panel.column(*rows, top=top, buff=self.PANEL_BUFF if buff is None else buff)

    def square_plane(self, radius: float, step: float) -> NumberPlane:
        """A faint still plane filling the square, showing ``[-radius, radius]^2`` with grid lines ``step`` apart.

        ``plane.unit`` is the number of scene units per plane unit.
        """
        plane = NumberPlane(
            x_range=[-radius, radius, step],
            y_range=[-radius, radius, step],
            x_length=self.plane_side,
            y_length=self.plane_side,
            background_line_style={"stroke_color": GREY_B, "stroke_width": 1, "stroke_opacity": 0.25},
            axis_config={"stroke_color": GREY_B, "stroke_width": 1.5, "stroke_opacity": 0.6},
        )
        plane.shift(self.plane_center - plane.c2p(0, 0))
        plane.unit = self.plane_side / (2 * radius)  # scene units per plane unit
        return plane
