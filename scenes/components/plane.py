"""Drawing a linear map: a fixed coordinate plane and things pushed through a matrix.

A :func:`coordinate_plane` is the still frame of reference (faint, never
transformed): tests read drawn geometry back through its ``p2c``. On top of
it :func:`grid_lines`, :func:`vector_arrow` and polygons are drawn at
``M @ point`` for the current matrix ``M`` and are updated in place each frame
(``set_points_as_corners``), so a collapsing matrix (a square squashed to a
segment or a point) never breaks them. :func:`separate_labels` keeps the
labels beside the basis vectors' tips from landing on one another, and
:func:`back_label` gives a label a backing, since a transformed grid, a span
line or a shaded shape runs under the tips wherever they go.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from manim import BLUE, BLUE_D, GREEN, GREY_B, ORANGE, Arrow, Line, NumberPlane, VGroup, VMobject

from mathviz.view import nice_step

__all__ = [
    "I_HAT_COLOR",
    "J_HAT_COLOR",
    "K_HAT_COLOR",
    "GRID_COLOR",
    "coordinate_plane",
    "to_scene",
    "from_scene",
    "grid_lines",
    "update_grid_lines",
    "vector_arrow",
    "separate_labels",
    "set_polyline",
    "back_label",
    "show_label",
    "segment_meets_box",
    "LABEL_BACKING",
]

#: The basis vectors' colours (the usual green, red, blue for x, y, z; red is also the
#: colour of a negative area, so j-hat is orange here to keep the two apart).
I_HAT_COLOR = GREEN
J_HAT_COLOR = ORANGE
K_HAT_COLOR = BLUE
GRID_COLOR = BLUE_D
#: Shortest arrow drawn, in scene units; shorter vectors (a collapse to the origin) are hidden.
MIN_ARROW_LENGTH = 0.02
#: Clear space kept between two basis labels (scene units).
LABEL_GAP = 0.06
#: Opacity of a vector label's backing (the background's colour): the grid lines and the shaded shape under
#: the label stay faintly visible, but do not cross its glyphs.
LABEL_BACKING = 0.75


def coordinate_plane(half_extents: Sequence[float] | np.ndarray, center: Sequence[float] | np.ndarray, width: float,
                     height: float, *, max_lines: int = 14, opacity: float = 0.3) -> NumberPlane:
    """A faint, still plane showing ``[-hx, hx] x [-hy, hy]`` with equal x and y units, origin at ``center``.

    The scale is the largest that fits ``width x height`` scene units; grid lines
    are a "nice" step apart so a zoomed-out view stays uncluttered.
    """
    hx, hy = float(half_extents[0]), float(half_extents[1])
    unit = min(width / (2 * hx), height / (2 * hy))
    step = nice_step(2 * max(hx, hy) / max(max_lines, 1))
    plane = NumberPlane(
        x_range=[-hx, hx, step],
        y_range=[-hy, hy, step],
        x_length=2 * hx * unit,
        y_length=2 * hy * unit,
        background_line_style={"stroke_color": GREY_B, "stroke_width": 1, "stroke_opacity": opacity},
        axis_config={"stroke_color": GREY_B, "stroke_width": 1.5, "stroke_opacity": min(1.0, 2 * opacity)},
    )
    plane.shift(np.array([center[0], center[1], 0.0]) - plane.c2p(0, 0))
    plane.unit = unit  # scene units per plane unit
    return plane


def to_scene(plane: Any, points: np.ndarray) -> np.ndarray:
    """Plane coordinates (N x 2 or N x 3) to scene points (N x 3), through the plane's own affine map."""
    p = np.atleast_2d(np.asarray(points, dtype=float))
    origin = np.asarray(plane.c2p(*np.zeros(p.shape[1])), dtype=float)
    basis = [np.asarray(plane.c2p(*np.eye(p.shape[1])[k]), dtype=float) - origin for k in range(p.shape[1])]
    return origin + sum(p[:, [k]] * basis[k] for k in range(p.shape[1]))


def from_scene(plane: Any, points: np.ndarray) -> np.ndarray:
    """Scene points (N x 3) back to plane coordinates, one ``plane.p2c`` per point."""
    return np.array([plane.p2c(np.asarray(p, dtype=float)) for p in np.atleast_2d(points)], dtype=float)


def _grid_segments(extent: float, step: float) -> np.ndarray:
    ticks = np.arange(-extent, extent + step / 2, step)
    vertical = [((x, -extent), (x, extent)) for x in ticks]
    horizontal = [((-extent, y), (extent, y)) for y in ticks]
    return np.array(vertical + horizontal, dtype=float)


def grid_lines(plane: Any, matrix_: np.ndarray, extent: float, step: float, *, color: Any = GRID_COLOR,
               stroke_width: float = 2.0, axis_color: Any = GREY_B) -> VGroup:
    """The square grid ``[-extent, extent]^2`` (lines ``step`` apart) pushed through ``matrix_``.

    The two lines through the origin are drawn brighter so the image of the axes stands out.
    """
    segments = _grid_segments(extent, step)
    group = VGroup()
    for (a, b) in segments:
        through_origin = abs(a[0]) < 1e-9 and abs(b[0]) < 1e-9 or abs(a[1]) < 1e-9 and abs(b[1]) < 1e-9
        line = Line(stroke_width=stroke_width * (1.4 if through_origin else 1.0),
                    color=axis_color if through_origin else color)
        group.add(line)
    group.segments = segments
    update_grid_lines(group, plane, matrix_)
    return group


def update_grid_lines(group: VGroup, plane: Any, matrix_: np.ndarray) -> VGroup:
    """Move each line of a :func:`grid_lines` group to its image under ``matrix_`` (in place)."""
    ends = to_scene(plane, group.segments.reshape(-1, 2) @ np.asarray(matrix_, dtype=float).T).reshape(-1, 2, 3)
    for line, (a, b) in zip(group.submobjects, ends):
        line.set_points_as_corners([a, b])
    return group


def vector_arrow(start: np.ndarray, end: np.ndarray, color: Any, *, stroke_width: float = 6.0,
                 tip_length: float = 0.22) -> Arrow:
    """An arrow from ``start`` to ``end`` (scene points); invisible when shorter than MIN_ARROW_LENGTH."""
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    length = float(np.linalg.norm(end - start))
    if length < MIN_ARROW_LENGTH:
        arrow = Arrow(start, start + np.array([MIN_ARROW_LENGTH, 0, 0]), buff=0, color=color, stroke_width=stroke_width)
        return arrow.set_opacity(0)
    return Arrow(start, end, buff=0, color=color, stroke_width=stroke_width, tip_length=tip_length,
                 max_tip_length_to_length_ratio=0.35, max_stroke_width_to_length_ratio=12)


def separate_labels(labels: VGroup, origin: np.ndarray, tips: np.ndarray, gap: float = LABEL_GAP) -> VGroup:
    """Push basis labels apart where their boxes meet, each outward along its own vector.

    When two basis images (or their projections) nearly line up, labels put
    beside each tip can land on one another. For an overlapping pair the label
    of the longer vector moves along its direction u by the least s >= 0 that
    separates the boxes on one axis: s = min over x, y of
    (half-widths sum + gap - sign(u_x) dx) / |u_x|, so it moves away from the
    origin, stays beside its own line, and moves continuously as t runs.
    """
    offsets = (tips - origin) * np.array([1.0, 1.0, 0.0])
    lengths = np.linalg.norm(offsets, axis=1)
    shown = [k for k, label in enumerate(labels) if label.get_fill_opacity() > 0 and lengths[k] > 1e-6]
    for _ in range(len(shown)):  # a push can make a new contact with a third label: repeat
        moved = False
        for i, a in enumerate(shown):
            for b in shown[i + 1:]:
                stay, push = (a, b) if lengths[a] <= lengths[b] else (b, a)
                delta = labels[push].get_center() - labels[stay].get_center()
                half = np.array([(labels[a].width + labels[b].width) / 2 + gap,
                                 (labels[a].height + labels[b].height) / 2 + gap])
                if abs(delta[0]) >= half[0] or abs(delta[1]) >= half[1]:
                    continue
                u = offsets[push] / lengths[push]
                steps = [(half[k] - np.sign(u[k]) * delta[k]) / abs(u[k]) for k in range(2) if abs(u[k]) > 1e-9]
                labels[push].shift(min(steps) * u)
                moved = True
        if not moved:
            break
    return labels


def set_polyline(mob: VMobject, points: np.ndarray, *, closed: bool) -> VMobject:
    """Redraw ``mob`` through ``points`` with straight segments (closed polygons repeat the first point)."""
    pts = np.asarray(points, dtype=float)
    if closed:
        pts = np.concatenate([pts, pts[:1]])
    mob.set_points_as_corners(pts)
    return mob



def back_label(label: VMobject, buff: float = 0.05) -> VMobject:
    """Put a backing in the background's colour behind ``label`` (in place) and return it.

    A label beside a vector's tip moves with the map, over grid lines, span lines and the shaded
    shape; the backing keeps them from crossing its glyphs (the frame guard's line-over-text).
    Show and hide a backed label with :func:`show_label`, which keeps the backing translucent.
    """
    label.add_background_rectangle(opacity=LABEL_BACKING, buff=buff)
    return label


def show_label(label: VMobject, shown: bool) -> VMobject:
    """Show (opacity 1, its backing at :data:`LABEL_BACKING`) or hide (opacity 0) a label, in place."""
    label.set_opacity(1.0 if shown else 0.0)
    backing = getattr(label, "background_rectangle", None)
    if shown and backing is not None:
        backing.set_fill(opacity=LABEL_BACKING).set_stroke(opacity=0)
    return label


def segment_meets_box(start: np.ndarray, end: np.ndarray, center: np.ndarray, half: np.ndarray) -> bool:
    """Whether the 2D segment ``start``-``end`` passes through the box ``center +- half`` (Liang-Barsky).

    Label placement uses it to keep a label off the arrows it could sit on.
    """
    a, d = np.asarray(start, dtype=float)[:2], np.asarray(end, dtype=float)[:2] - np.asarray(start, dtype=float)[:2]
    lo, hi = np.asarray(center, dtype=float)[:2] - half, np.asarray(center, dtype=float)[:2] + half
    t_low, t_high = 0.0, 1.0
    for axis in range(2):
        if abs(d[axis]) < 1e-12:
            if not lo[axis] <= a[axis] <= hi[axis]:
                return False
            continue
        t1, t2 = (lo[axis] - a[axis]) / d[axis], (hi[axis] - a[axis]) / d[axis]
        t_low, t_high = max(t_low, min(t1, t2)), min(t_high, max(t1, t2))
    return bool(t_low <= t_high)
