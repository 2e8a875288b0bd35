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

from dataclasses import dataclass
from typing import Any

import numpy as np
from manim import GREY_B, NumberPlane, VGroup, config

from mathviz_scenes.components import style
from mathviz_scenes.components.panel import Panel

__all__ = ["Box", "PlaneAndPanel", "Split", "overlaps", "split_frame"]


@dataclass(frozen=True)
class Box:
    """A rectangle of the frame in scene units."""

    left: float
    right: float
    bottom: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def center(self) -> np.ndarray:
        return np.array([(self.left + self.right) / 2, (self.bottom + self.top) / 2, 0.0])

    def square(self) -> Box:
        """The largest square inside this box, centred in it."""
        side = min(self.width, self.height)
        x, y = self.center[:2]
        return Box(x - side / 2, x + side / 2, y - side / 2, y + side / 2)


@dataclass(frozen=True)
class Split:
    """Where the plot and the panel go in the current frame; ``stacked`` when the panel is below the plot."""

    plot: Box
    panel: Box
    stacked: bool


def split_frame(panel_width: float = 4.6, panel_height: float | None = None, gap: float = 0.35,
                stack_square: bool = True) -> Split:
    """The content area split into a plot and a panel for the frame's shape.

    16:9: the panel is a column ``panel_width`` wide at the right, the plot fills the rest.
    9:16 (and 1:1 when ``stack_square``): the panel is a band ``panel_height`` tall (default: what
    is left under a square plot in portrait, 40 % of the height in a square frame) under the plot,
    both the frame's full safe width. A 1:1 frame with ``stack_square=False`` is split side by side.
    """
    f = style.frame()
    if f.landscape or (f.square and not stack_square):
        if f.square:
            panel_width = min(panel_width, 0.42 * f.content_width)
        plot = Box(f.left, f.right - panel_width - gap, f.bottom, f.top)
        return Split(plot, Box(f.right - panel_width, f.right, f.bottom, f.top), stacked=False)
    if panel_height is None:
        panel_height = max(f.content_height - f.content_width - gap, 0.25 * f.content_height) if f.portrait \
            else 0.4 * f.content_height
    plot = Box(f.left, f.right, f.bottom + panel_height + gap, f.top)
    return Split(plot, Box(f.left, f.right, f.bottom, f.bottom + panel_height), stacked=True)


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
    #: Share of the content height the panel keeps under the plane in a portrait frame (more for tall panels).
    PORTRAIT_PANEL_SHARE = 0.36
    #: The same in a square frame (unless ``SQUARE_BESIDE``), where the plane is smaller.
    SQUARE_PANEL_SHARE = 0.42
    #: A square frame puts the panel beside the plane (for panels too tall for the strip under it), this wide.
    SQUARE_BESIDE = False
    SQUARE_PANEL_WIDTH = 3.5

    plane_side: float
    plane_center: np.ndarray
    text_panel: Panel
    panel_left: float
    panel_right: float
    panel_top: float

    def layout(self) -> None:
        """Where the plane and the text panel go: a square at the left and the panel to its right in 16:9
        (and in a square frame when ``SQUARE_BESIDE``); the square at the top and the panel below it in square
        and portrait frames.
        """
        frame = style.frame()
        top = style.content_top() - 0.1
        bottom = style.caption_top() + 0.1
        if frame.landscape:
            self.plane_side = min(self.PLANE_SIDE, top - bottom)
            self.plane_center = np.array([-config.frame_width / 2 + self.PLANE_LEFT_GAP + self.plane_side / 2,
                                          (top + bottom) / 2, 0.0])
            self.text_panel = Panel(self.plane_center[0] + self.plane_side / 2 + self.PANEL_GAP, top)
            self.panel_left, self.panel_right, self.panel_top = self.text_panel.left, self.text_panel.right, top
            return
        if frame.square and self.SQUARE_BESIDE:
            self.plane_side = min(self.PLANE_SIDE, top - bottom,
                                  frame.content_width - self.PLANE_LEFT_GAP - self.PANEL_GAP - self.SQUARE_PANEL_WIDTH)
            self.plane_center = np.array([frame.left + self.PLANE_LEFT_GAP + self.plane_side / 2, (top + bottom) / 2, 0.0])
            self.text_panel = Panel(self.plane_center[0] + self.plane_side / 2 + self.PANEL_GAP, top)
            self.panel_left, self.panel_right, self.panel_top = self.text_panel.left, self.text_panel.right, top
            return
        # Stacked: the panel keeps a share of the height (more in a square frame, where the plane is smaller).
        panel_share = self.PORTRAIT_PANEL_SHARE if frame.portrait else self.SQUARE_PANEL_SHARE
        self.plane_side = min(self.PLANE_SIDE, frame.content_width - 2 * self.PLANE_LEFT_GAP,
                              (top - bottom) * (1 - panel_share))
        self.plane_center = np.array([0.0, top - self.plane_side / 2, 0.0])
        panel_top = top - self.plane_side - self.PANEL_GAP
        self.text_panel = Panel(frame.left + self.PLANE_LEFT_GAP, panel_top)
        self.panel_left, self.panel_right, self.panel_top = self.text_panel.left, self.text_panel.right, panel_top

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
