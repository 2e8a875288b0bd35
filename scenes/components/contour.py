"""A contour map: the top view of a surface beside its 3D picture.

:class:`ContourPanel` draws a framed window with its end ticks and axis names
and the story's level curves, coloured on the same height scale as the mesh
(:func:`~scenes.components.surface.height_color`, in its lighter line
scale :data:`~scenes.components.surface.LINE_HEIGHT_COLORS`), and maps graph points
(x, y) to the screen so paths, dots and arrows can be drawn over it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from manim import DL, DOWN, DR, LEFT, RIGHT, UL, UP, UR, Mobject, Rectangle, VGroup, VMobject

from mathviz_scenes.components import style
from mathviz_scenes.components.surface import LINE_HEIGHT_COLORS, height_color, height_fractions

__all__ = ["ContourPanel"]


class ContourPanel(VGroup):
    """A top view of a surface: framed window, end ticks, axis names and level curves.

    Parameters
    ----------
    window
        ((x from, x to), (y from, y to)) in graph units.
    levels, contours
        The story's contour levels and, for each level, its pieces (arrays of [x, y]).
    reference
        Heights whose ranks set the colours (the surface's grid, as for its mesh).
    center, size
        Where the window's centre goes and its longer side, in scene units.
    names
        Typst names of the horizontal and vertical axes.
    ticks_inside
        Align the y end ticks inside the window (the low one above its floor,
        the high one below its top) instead of centring them on the ends.

    ``axes`` maps (x, y) to the screen and is not drawn; ``lines`` holds one
    VMobject per level-curve piece, each with its ``level``.
    """

    def __init__(self, window: Sequence[Sequence[float]], levels: Sequence[float],
                 contours: Sequence[Sequence[np.ndarray]], reference: np.ndarray, *, center: Sequence[float],
                 size: float, names: tuple[str, str] = ("x", "y"), ticks_inside: bool = False) -> None:
        (a, b), (c, d) = window
        scale = size / max(b - a, d - c)
        axes = style.make_axes([a, b, b - a], [c, d, d - c], (b - a) * scale, (d - c) * scale, numbers=False)
        axes.move_to([center[0], center[1], 0.0])
        # Held in a closure, not an attribute: fades deep-copy mobjects, and copying the axes
        # with every fade costs more than drawing the map.
        self._axes = lambda: axes
        self.window = window
        border = Rectangle(width=(b - a) * scale, height=(d - c) * scale, stroke_color=style.MUTED_COLOR,
                           stroke_width=2).move_to(axes.c2p((a + b) / 2, (c + d) / 2))
        fractions = height_fractions(np.array(levels), reference) if levels else np.zeros(0)
        self.lines = VGroup()
        for level, pieces, fraction in zip(levels, contours, fractions):
            for piece in pieces:
                line = VMobject(stroke_color=height_color(float(fraction), LINE_HEIGHT_COLORS),
                                stroke_width=2.5)
                line.set_points_as_corners(self.to_scene(piece))
                line.level = level
                self.lines.add(line)
        small = style.SMALL_SIZE
        low_kw, high_kw = ({"aligned_edge": DOWN}, {"aligned_edge": UP}) if ticks_inside else ({}, {})
        self.ticks = VGroup(
            style.text(f"{a:g}", size=small).next_to(axes.c2p(a, c), DOWN, buff=0.1),
            style.text(f"{b:g}", size=small).next_to(axes.c2p(b, c), DOWN, buff=0.1),
            style.text(f"{c:g}", size=small).next_to(axes.c2p(a, c), LEFT, buff=0.1, **low_kw),
            style.text(f"{d:g}", size=small).next_to(axes.c2p(a, d), LEFT, buff=0.1, **high_kw),
        )
        self.names = VGroup(
            style.math(names[0]).next_to(axes.c2p((a + b) / 2, c), DOWN, buff=0.1),
            style.math(names[1]).next_to(axes.c2p(a, (c + d) / 2), LEFT, buff=0.12),
        )
        super().__init__(self.lines, border, self.ticks, self.names)

    @property
    def axes(self) -> Any:
        return self._axes()

    def top_center(self) -> np.ndarray:
        """The middle of the window's top edge."""
        (a, b), (_, d) = self.window
        return np.asarray(self.axes.c2p((a + b) / 2, d))

    def to_scene(self, xy: np.ndarray) -> np.ndarray:
        """Scene points of graph points ``xy`` (one [x, y] or an array of them)."""
        xy = np.atleast_2d(np.asarray(xy, dtype=float))
        return np.array([self.axes.c2p(p[0], p[1]) for p in xy])

    def point(self, xy: Sequence[float] | np.ndarray) -> np.ndarray:
        """The scene point of one graph point (x, y)."""
        return np.asarray(self.axes.c2p(xy[0], xy[1]))

    def unit(self) -> float:
        """Scene units per graph unit."""
        (a, b), _ = self.window
        return float(np.linalg.norm(self.point((b, 0)) - self.point((a, 0)))) / (b - a)

    def place_label(self, label: Mobject, mark: Mobject, avoid: Sequence[np.ndarray] = (), buff: float = 0.08) -> Mobject:
        """Put ``label`` beside ``mark`` on the side (of eight) farthest from the polylines ``avoid``.

        ``avoid`` holds arrays of graph points (the paths drawn over the map
        later, which would cross a label on their way); sides that keep the
        label inside the window come first.
        """
        (a, b), (c, d) = self.window
        low, high = self.point((a, c))[:2], self.point((b, d))[:2]
        points = [self.to_scene(np.asarray(piece, dtype=float)[:, :2])[:, :2] for piece in avoid if len(piece)]
        # the straight steps between points too, sampled finely enough for a label's size
        samples = np.linspace(0.0, 1.0, 12)[:, None]
        dense = [p[:1] if len(p) == 1 else np.vstack([s + samples * (e - s) for s, e in zip(p[:-1], p[1:])])
                 for p in points]
        cloud = np.vstack(dense) if dense else np.zeros((0, 2))
        cloud = cloud[np.all(np.isfinite(cloud), axis=1)]

        def score(direction: np.ndarray) -> tuple[bool, float]:
            label.next_to(mark, direction, buff=buff)
            lo, hi = label.get_corner(DL)[:2], label.get_corner(UR)[:2]
            inside = bool(np.all(lo >= low) and np.all(hi <= high))
            if not len(cloud):
                return inside, 0.0
            gaps = np.maximum(np.maximum(lo - cloud, cloud - hi), 0.0)
            return inside, float(np.min(np.hypot(gaps[:, 0], gaps[:, 1])))

        best = max((UR, DR, UL, DL, UP, DOWN, RIGHT, LEFT), key=lambda direction: score(np.asarray(direction)))
        return label.next_to(mark, best, buff=buff)

    def curve(self, pieces: Sequence[np.ndarray], **style_kwargs: Any) -> VGroup:
        """Polylines through ``pieces`` (arrays of [x, y])."""
        group = VGroup()
        for piece in pieces:
            line = VMobject(**style_kwargs)
            line.set_points_as_corners(self.to_scene(piece))
            group.add(line)
        return group
