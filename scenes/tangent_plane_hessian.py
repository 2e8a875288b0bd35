"""Partial derivatives, the tangent plane and the Hessian: the ``tangent_plane_hessian`` explainer.

Beats: the surface z = f(x, y) with the point (x0, y0); the slice y = y0 and
its tangent line (slope f_x); the slice x = x0 and its tangent line (slope
f_y); the tangent plane the two lines span; the gradient on a top-view
contour inset, where a unit direction u sweeps around and the directional
derivative D_u f = grad f . u peaks along grad f; the plane gliding to the
nearest critical point, where it lies flat (or, with none in view, an honest
note); the Hessian's eigenvalues and the verdict there; and the
second-derivative test on a row of four small surfaces (minimum, maximum,
saddle, and the degenerate monkey saddle where the test cannot decide).

Every number comes from :func:`mathviz.stories.tangent_plane_hessian.tangent_plane_story`.
Surfaces are :class:`~scenes.components.surface.MeshSurface` drawn by
:class:`~scenes.components.surface.MeshCamera` (one vectorised pass a frame);
the camera turns once, briefly; readouts, captions and the inset are drawn in
screen space. Tests read curves, lines and plane corners back through the 3D
axes' ``p2c``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from manim import (
    BLACK,
    DEGREES,
    DOWN,
    LEFT,
    ORANGE,
    ORIGIN,
    OUT,
    RIGHT,
    TEAL,
    UP,
    WHITE,
    Arrow,
    Create,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    Line,
    ManimColor,
    Mobject,
    Polygon,
    ThreeDAxes,
    ValueTracker,
    VGroup,
    VMobject,
    linear,
)

from mathviz.stories.tangent_plane_hessian import TangentPlaneStory
from mathviz_scenes.components import style
from mathviz_scenes.components.contour import ContourPanel
from mathviz_scenes.components.layout import Box
from mathviz_scenes.components.mesh_scene import MeshExplainerScene, box_axes, level_readout, show_value
from mathviz_scenes.components.numbers import fmt, signed, typst_number
from mathviz_scenes.components.panel import Panel, frame_right
from mathviz_scenes.components.readout import Readout
from mathviz_scenes.components.typst_expr import to_typst

__all__ = ["TangentPlaneHessian", "ContourInset", "fmt", "signed"]

#: Where the 3D view goes on screen: x from, x to, y from, y to (scene units).
VIEW3D_REGION = (-6.95, 1.85, -3.3, 3.1)
#: The right column: its left edge and the top of its text block; the contour inset's centre and side.
COLUMN_LEFT = 2.15
COLUMN_TOP = 3.75
INSET_CENTER = (4.75, -1.45)
INSET_SIZE = 2.75
#: Camera: elevation (from the vertical) and the opening turn of the azimuth.
PHI = 62 * DEGREES
THETA = -58 * DEGREES
THETA_SWEEP = -80 * DEGREES
#: The camera rests where it sees the tangent plane at least this far (degrees) from edge-on (the frame guard
#: calls a flat shape within 15 degrees of edge-on a sliver; see ``camera_theta``).
FLAT_VIEW_DEGREES = 25.0
MINI_RESOLUTION = 20
BOX_SIDE = 5.0
BOX_HEIGHT = 2.8
#: The classification row: the side and height of each small box in world units.
MINI_SIDE = 2.0
MINI_HEIGHT = 1.3
MINI_REGION = (-6.8, 6.8, -1.0, 2.5)

#: Portrait: the band at the bottom holding the text column (left) and the contour inset (right), its height,
#: and the inset's side; the 3D view takes the frame's width above the band.
PORTRAIT_BAND_HEIGHT = 4.0
PORTRAIT_INSET_SIZE = 2.6
#: The inset's gradient arrow spans this share of the window's width; the direction u sweeping round, this share of
#: that (a little shorter, so both show when they line up).
INSET_ARROW_SHARE = 0.3
DIRECTION_SHARE = 0.75
#: How far an arrow's dark outline reaches past its end (scene units: half its 8-wide background stroke, and more).
ARROW_OUTLINE = 0.05
#: The room (width, height) the 3D view keeps inside its region for the box's labels, at first (it grows when a
#: label cleared off a later line still reaches out), the rounds of that, and the room kept round the later lines'
#: and patches' corners for their strokes (scene units).
VIEW_LABEL_MARGIN = (1.3, 0.9)
VIEW_FIT_ROUNDS = 6
VIEW_STROKE_PAD = 0.08
#: The gap between lines of the text column.
COLUMN_BUFF = 0.22
#: Room left of the inset's window for its y tick numbers and name (scene units).
INSET_LABEL_ROOM = 0.8
#: Square: the 3D view's right edge (the text column and the inset go right of it) and the inset's side.
SQUARE_VIEW_RIGHT = 0.0
SQUARE_INSET_SIZE = 2.4

POINT_COLOR = style.HIGHLIGHT_COLOR
SLICE_X_COLOR = ORANGE
SLICE_Y_COLOR = TEAL
PLANE_COLOR = style.ACCENT_COLOR
GRADIENT_COLOR = style.GRADIENT_COLOR
KIND_COLORS = {"minimum": style.POSITIVE_COLOR, "maximum": style.NEGATIVE_COLOR, "saddle": style.HIGHLIGHT_COLOR,
               "degenerate": style.MUTED_COLOR}
KIND_NAMES = {
    "minimum": ("minimum", "极小值"),
    "maximum": ("maximum", "极大值"),
    "saddle": ("saddle", "鞍点"),
    "degenerate": ("test inconclusive", "无法判断"),
}


def shifted(name: str, value: float, digits: int = 2) -> str:
    """``(x - 0.9)`` or ``(x + 0.6)`` or just ``x`` for a shift by ``value``."""
    text = typst_number(abs(value), digits)
    if not text.strip("0."):
        return name
    return f"({name} {'-' if value > 0 else '+'} {text})"


def shown(value: float, decimals: int = 3) -> float:
    """A readout value without a negative zero."""
    return 0.0 if abs(value) < 0.5 * 10 ** (-decimals) else float(value)


@dataclass(frozen=True)
class Layout:
    """Where the 3D view, the text column and the contour inset go in the current frame."""

    view3d: tuple[float, float, float, float]
    column: Box
    inset_center: tuple[float, float]
    inset_size: float
    title_width: float
    #: The classification row: the region its four boxes fit in, and the heights of its header and names.
    mini_region: tuple[float, float, float, float]
    header_y: float
    names_y: float


def keep_inside(mob: Mobject) -> Mobject:
    """Shift ``mob`` sideways into the frame's safe edges (a label wider than the box it is centred on)."""
    f = style.frame()
    if mob.get_right()[0] > f.right:
        mob.shift((f.right - mob.get_right()[0]) * RIGHT)
    if mob.get_left()[0] < f.left:
        mob.shift((f.left - mob.get_left()[0]) * RIGHT)
    return mob


def frame_layout() -> Layout:
    """16:9: the 3D view left, the column and the inset right. Portrait: the 3D view, the column and the inset
    one under another. Square: the 3D view left of a narrower column with the inset under it.
    """
    f = style.frame()
    if f.landscape:
        return Layout(VIEW3D_REGION, Box(COLUMN_LEFT, frame_right(), INSET_CENTER[1] + INSET_SIZE / 2, COLUMN_TOP),
                      INSET_CENTER, INSET_SIZE, 8.4, MINI_REGION, 3.5, 2.85)
    title_room = 0.8
    if f.portrait:
        # The 3D view gets the frame's full width (it is width-bound, so it grows with it); the column and the
        # inset share one band under it instead of stacking, which left the view a third of the frame's width.
        size = PORTRAIT_INSET_SIZE
        band_top = f.bottom + PORTRAIT_BAND_HEIGHT
        # its right x number hangs half out past the window's edge
        inset_center = (frame_right() - size / 2 - 0.2, (band_top + f.bottom) / 2 + 0.2)
        column = Box(f.left + 0.1, inset_center[0] - size / 2 - INSET_LABEL_ROOM, f.bottom, band_top)
        view = (f.left, f.right, band_top + 0.2, f.top - title_room)
        return Layout(view, column, inset_center, size, f.content_width - 0.3,
                      (f.left, f.right, f.bottom, f.top - 1.0), f.top - 0.35, f.top - 1.0)
    # square: the 3D view at the top left, the inset under it, the column down the right side
    title_room = 1.35  # the column starts under the title, which spans the frame (a fraction makes it tall)
    size = SQUARE_INSET_SIZE
    inset_center = (f.left + 0.55 + size / 2, f.bottom + 0.45 + size / 2)
    top = f.top - title_room
    column = Box(SQUARE_VIEW_RIGHT + 0.25, frame_right(), f.bottom, top)
    view = (f.left, SQUARE_VIEW_RIGHT, inset_center[1] + size / 2 + 0.3, top)
    return Layout(view, column, inset_center, size, f.content_width - 0.3,
                  (f.left, f.right, 0.0, 2.0), f.top - 0.35, f.top - 1.0)


class ContourInset(ContourPanel):
    """The top view of the surface over (x, y), with the story's level curves (see :class:`ContourPanel`)."""

    def __init__(self, story: TangentPlaneStory, *, center: Sequence[float], size: float) -> None:
        _, _, grid = story.graph.grid()
        super().__init__(story.window, story.levels, story.contours, grid, center=center, size=size,
                         names=("x", "y"), ticks_inside=True)


class TangentPlaneHessian(MeshExplainerScene):
    """Slices and partial derivatives, the tangent plane, the gradient, the Hessian test."""

    scene_name = "tangent_plane_hessian"
    story: TangentPlaneStory
    camera_phi = PHI

    # -- helpers ----------------------------------------------------------------------------------

    def billboard_dot(self, axes: ThreeDAxes, xyz: Sequence[float], color: Any = POINT_COLOR,
                      radius: float = 0.09) -> Dot:
        """A disc facing the camera at the graph point ``xyz``."""
        dot = Dot(radius=radius, color=color).set_stroke(BLACK, width=2)
        dot.move_to(axes.c2p(*xyz))
        self.billboard(dot, dot.get_center)
        return dot

    @cached_property
    def panel(self) -> Panel:
        """The text column right of the 3D box."""
        column = self.look_layout.column
        return Panel(column.left, column.top, right=column.right)

    # -- 3D building blocks ------------------------------------------------------------------------

    def fit_camera(self, corners: np.ndarray, thetas: Sequence[float] | np.ndarray, region: Sequence[float],
                   label_margin: tuple[float, float] = (1.3, 0.9)) -> None:
        """Zoom and shift so the projected ``corners`` fit ``region`` at every theta the camera passes."""
        self.fit_corners(corners, thetas, region, label_margin=label_margin)

    def fit_view(self, thetas: np.ndarray, region: Sequence[float]) -> VGroup:
        """Zoom and shift the camera so everything the beats draw in the 3D view stays inside ``region`` (and
        so above the caption band): the box at every theta the camera passes, the lines, arrow and plane
        patches later beats draw at the resting theta (:meth:`later_lines`, and the plane at every row of the
        glide), and the box's labels where :meth:`clear_labels` puts them. Returns the box, built and cleared.

        The labels keep a fixed size on screen while the box scales, and clearing them off the later lines
        can push one far out (``x*y`` at (2, -2): the x end number went under the tangent plane's patch, into
        the caption band), so the room kept for them grows by what they overflow until they fit.
        """
        s = self.story
        cam = self.mesh_camera
        corners = self.box_corners(self.axes, s.window)
        extras = [*self.later_lines(), *self.later_planes()]
        for x, y, z, fx, fy in s.glide:  # the patch glides through these; the frames between lie in their hull
            extras.append(self.plane_points(self.axes, (x, y), z, (fx, fy), s.plane_half_size))
        extra = np.vstack(extras)
        x0, x1, y0, y1 = region

        def extent(zoom: float) -> tuple[np.ndarray, np.ndarray]:
            """The projected extent of the box (every theta) and the later drawings (resting theta) at ``zoom``."""
            cam.screen_offset = np.zeros(2)
            cam.set_zoom(zoom)
            cam.set_phi(self.camera_phi)
            seen = []
            for theta in thetas:
                cam.set_theta(theta)
                cam.reset_rotation_matrix()
                seen.append(cam.project_points(corners)[:, :2])
            seen.append(cam.project_points(extra)[:, :2] + VIEW_STROKE_PAD)
            seen.append(cam.project_points(extra)[:, :2] - VIEW_STROKE_PAD)
            pts = np.vstack(seen)
            return pts.min(axis=0), pts.max(axis=0)

        margin = np.array(VIEW_LABEL_MARGIN)
        box = None
        for _ in range(VIEW_FIT_ROUNDS):
            low, high = extent(1.0)
            zoom = float(min((x1 - x0 - margin[0]) / (high[0] - low[0]), (y1 - y0 - margin[1]) / (high[1] - low[1])))
            cam.set_zoom(zoom)
            cam.screen_offset = np.array([(x0 + x1) / 2, (y0 + y1) / 2]) - (low + high) / 2 * zoom
            cam.set_theta(thetas[0])
            cam.reset_rotation_matrix()
            if box is not None:  # the last round's box, built for a different zoom
                cam.remove_3d(*box.lines)
            box = self.build_box(self.axes, s.window)
            self.clear_labels(box, float(thetas[-1]), avoid=self.later_lines(), areas=self.later_planes())
            overflow = np.zeros(2)  # how far the labels reach out of the region, sideways and up or down
            for theta in thetas:
                cam.set_theta(theta)
                cam.reset_rotation_matrix()
                for label in box.labels:
                    centre = self.project(label.world_anchor)[:2]
                    half = np.array([label.width, label.height]) / 2
                    start, end = centre - half, centre + half
                    overflow = np.maximum(overflow, [max(x0 - start[0], end[0] - x1), max(y0 - start[1], end[1] - y1)])
            if not np.any(overflow > 0):
                break
            margin = margin + 2 * overflow + 0.05
        assert box is not None, "VIEW_FIT_ROUNDS is at least 1"
        cam.set_theta(thetas[0])
        cam.reset_rotation_matrix()
        for label in box.labels:
            label.move_to(self.project(label.world_anchor))
        return box

    def build_curve(self, axes: ThreeDAxes, rows: np.ndarray, color: Any, width: float = 5.0) -> VMobject:
        """A polyline through graph points ``rows`` (x, y, z) drawn in 3D with a dark outline."""
        curve = VMobject(stroke_color=color, stroke_width=width)
        curve.set_points_as_corners(np.array([axes.c2p(*row) for row in rows]))
        curve.set_stroke(BLACK, width=width + 3, background=True)
        self.add_3d(curve)
        return curve

    def build_segment(self, axes: ThreeDAxes, ends: Sequence[Sequence[float]], color: Any) -> Line:
        """A straight 3D segment in a light tint of ``color``, so it stands apart from its curve."""
        tint = ManimColor(color).interpolate(ManimColor(WHITE), 0.55)
        line = Line(axes.c2p(*ends[0]), axes.c2p(*ends[1]), stroke_color=tint, stroke_width=6)
        line.set_stroke(BLACK, width=9, background=True)
        self.add_3d(line)
        return line

    def plane_points(self, axes: ThreeDAxes, center: Sequence[float], value: float, slopes: Sequence[float],
                     half: float) -> np.ndarray:
        """Scene corners of the square patch of the plane z = value + f_x dx + f_y dy around ``center``."""
        x0, y0 = center
        rows = []
        for dx, dy in ((-half, -half), (half, -half), (half, half), (-half, half)):
            rows.append(axes.c2p(x0 + dx, y0 + dy, value + slopes[0] * dx + slopes[1] * dy))
        return np.array(rows)

    def build_plane(self, axes: ThreeDAxes) -> Polygon:
        s = self.story
        # A light tint of the accent colour, nearly opaque: it reads as a sheet over the orange and teal mesh.
        fill = ManimColor(PLANE_COLOR).interpolate(ManimColor(WHITE), 0.25)
        plane = Polygon(*self.plane_points(axes, s.point, s.value, (s.partial_x, s.partial_y), s.plane_half_size),
                        stroke_color=WHITE, stroke_width=2.5, stroke_opacity=0.8, fill_color=fill, fill_opacity=0.7)
        self.add_3d(plane)
        return plane

    def build_slice_wall(self, axes: ThreeDAxes, along: str) -> Polygon:
        """The vertical plane y = y0 (``along="x"``) or x = x0 (``along="y"``), translucent."""
        s = self.story
        (a, b), (c, d) = s.window
        lo, hi = axes.z_bounds
        x0, y0 = s.point
        if along == "x":
            corners = [(a, y0, lo), (b, y0, lo), (b, y0, hi), (a, y0, hi)]
            color = SLICE_X_COLOR
        else:
            corners = [(x0, c, lo), (x0, d, lo), (x0, d, hi), (x0, c, hi)]
            color = SLICE_Y_COLOR
        wall = Polygon(*[axes.c2p(*p) for p in corners], stroke_color=color, stroke_width=1.5, stroke_opacity=0.6,
                       fill_color=color, fill_opacity=0.16)
        self.add_3d(wall)
        return wall

    def camera_theta(self) -> float:
        """The camera's resting azimuth, chosen from the shape of the tangent plane the scene will show.

        A steep plane (``1000 x^2 + y`` at (1.9, 1.9): f_x = 3800 in a box 2.8 units tall) tilts far in the
        box, and the default azimuth :data:`THETA` may look along it (3 degrees from edge-on there: a
        sliver). The azimuth is the one nearest :data:`THETA` that shows the plane's face at least
        :data:`FLAT_VIEW_DEGREES` from edge-on (the default itself for most planes), else the best there is.
        Where the plane lies flat, at a critical point, the elevation alone shows it.
        """
        s = self.story
        corners = self.plane_points(self.axes, s.point, s.value, (s.partial_x, s.partial_y), s.plane_half_size)
        normal = np.cross(corners[1] - corners[0], corners[3] - corners[0])
        normal /= max(float(np.linalg.norm(normal)), 1e-12)
        cam = self.mesh_camera
        before = cam.get_phi(), cam.get_theta()
        cam.set_phi(PHI)

        def seen(theta: float) -> float:  # sine of the angle between the view and the plane
            cam.set_theta(theta)
            toward_camera = np.asarray(cam.generate_rotation_matrix()).T @ np.array([0.0, 0.0, 1.0])
            return abs(float(normal @ toward_camera))

        offsets = np.radians(np.arange(1, 181))
        candidates = [THETA, *(THETA + sign * offset for offset in offsets for sign in (1, -1))]
        sines = [seen(theta) for theta in candidates]
        cam.set_phi(before[0])
        cam.set_theta(before[1])
        wanted = np.sin(np.radians(FLAT_VIEW_DEGREES))
        good = [theta for theta, sine in zip(candidates, sines) if sine >= wanted]
        return float(good[0] if good else candidates[int(np.argmax(sines))])

    def later_lines(self) -> list[np.ndarray]:
        """Scene ends of the 3D segments later beats draw in the box: the two slices, the two tangent lines
        (which run out past the box's sides where the point is near them) and the steepest-ascent arrow.
        """
        s = self.story
        lines = [np.array([self.axes.c2p(*end) for end in ends]) for ends in (s.tangent_x, s.tangent_y)]
        for rows in (s.slice_x, s.slice_y):  # the slices drawn on the surface, piece by piece
            points = np.array([self.axes.c2p(*row) for row in rows])
            lines += [points[k:k + 2] for k in range(len(points) - 1)]
        steepest = self.steepest_ends()
        if steepest is not None:
            lines.append(np.array([self.axes.c2p(*end) for end in steepest]))
        return lines

    def steepest_ends(self) -> tuple[tuple[float, float, float], tuple[float, float, float]] | None:
        """Graph ends (x, y, z) of the steepest-ascent arrow on the tangent plane (None where grad f = 0): on
        the plane, steepest ascent climbs |grad f| per unit step along grad f.
        """
        s = self.story
        if s.gradient_direction is None:
            return None
        r = 0.9 * s.plane_half_size
        g = s.gradient_direction
        start = (s.point[0], s.point[1], s.value)
        return start, (s.point[0] + r * g[0], s.point[1] + r * g[1], s.value + r * s.gradient_norm)

    def later_planes(self) -> list[np.ndarray]:
        """Scene corners of the tangent plane patches later beats show: at the point, and at the critical point."""
        s = self.story
        planes = [self.plane_points(self.axes, s.point, s.value, (s.partial_x, s.partial_y), s.plane_half_size)]
        if s.critical_point is not None:
            x, y, z, fx, fy = s.glide[-1]
            planes.append(self.plane_points(self.axes, (x, y), z, (fx, fy), s.plane_half_size))
        return planes

    # -- beats --------------------------------------------------------------------------------------

    def construct(self) -> None:
        self.look_layout = frame_layout()
        self.beat_surface()
        self.beat_slice_x()
        self.beat_slice_y()
        self.beat_plane()
        self.beat_gradient()
        self.beat_critical_point()
        if self.story.critical_point is not None:
            self.beat_hessian()
        self.beat_classify()
        self.wait(1.5)

    def beat_surface(self) -> None:
        s = self.story
        self.beat("surface", en="A surface z = f(x, y): every point (x, y) gets a height",
                  zh="曲面 z = f(x, y)：平面上每个点 (x, y) 都有一个高度")
        self.axes = box_axes(s.window, s.box_z_range, side=BOX_SIDE, height=BOX_HEIGHT)
        self.title = self.corner_title(f"f(x, y) = {to_typst(s.graph.f)}", self.look_layout.title_width)
        view = self.look_layout.view3d
        if style.frame().portrait:  # the view reaches up to the title, however tall its formula
            view = (*view[:3], float(self.title.get_bottom()[1]) - 0.05)
        self.resting_theta = self.camera_theta()
        sweep_from = self.resting_theta + THETA_SWEEP - THETA
        self.box = self.fit_view(np.linspace(sweep_from, self.resting_theta, 5), view)
        self.surface = self.build_surface(s.graph, self.axes)
        self.play(FadeIn(self.surface), FadeIn(self.box), FadeIn(self.title), run_time=1.2)
        self.follow_camera(*self.box.labels)
        self.move_camera(theta=self.resting_theta, run_time=2.0)
        self.follow_camera(*self.box.labels, on=False)

        x0, y0 = s.point
        self.dot = self.billboard_dot(self.axes, (x0, y0, s.value))
        self.where = style.math(self.tr('"at"', '"点"') + f" (x_0, y_0) = ({typst_number(x0, 2)}, {typst_number(y0, 2)})",
                                size=style.READOUT_SIZE,
                                color=POINT_COLOR)
        self.value_readout = level_readout(Readout("f", s.value, story_field="value"))
        self.column = VGroup(self.panel.fit(self.where), self.panel.fit(self.value_readout))
        self.column.arrange(DOWN, aligned_edge=LEFT, buff=COLUMN_BUFF)
        self.panel.place(self.column)
        self.play(FadeIn(self.dot, scale=0.5), FadeIn(self.column), run_time=0.8)
        self.wait(0.8)

    def add_to_column(self, *lines: Mobject) -> None:
        """Append lines below the column's last line, left-aligned."""
        for line in lines:
            self.panel.fit(line)
            line.next_to(self.column[-1], DOWN, aligned_edge=LEFT, buff=COLUMN_BUFF)
            self.column.add(line)

    def beat_slice_x(self) -> None:
        s = self.story
        self.beat("slice-x", en="Fix y = y0: the slice z = f(x, y0). Its slope at x0 is the partial derivative ∂f/∂x",
                  zh="固定 y = y0，得到切片曲线 z = f(x, y0)；它在 x0 处的斜率就是偏导数 ∂f/∂x")
        self.wall_x = self.build_slice_wall(self.axes, "x")
        self.slice_x = self.build_curve(self.axes, s.slice_x, SLICE_X_COLOR, width=4)
        self.slice_x.is_curve = True
        self.tangent_x = self.build_segment(self.axes, s.tangent_x, SLICE_X_COLOR)
        self.fx_readout = level_readout(Readout("partial f slash partial x", s.partial_x, story_field="partial_x",
                                                color=SLICE_X_COLOR))
        self.add_to_column(self.fx_readout)
        self.play(FadeIn(self.wall_x), run_time=0.6)
        self.play(Create(self.slice_x), run_time=1.4)
        self.bring_to_front(self.dot)
        self.play(Create(self.tangent_x), FadeIn(self.fx_readout), run_time=1.0)
        self.bring_to_front(self.dot)
        self.wait(0.8)
        self.play(FadeOut(self.wall_x), run_time=0.5)

    def beat_slice_y(self) -> None:
        s = self.story
        self.beat("slice-y", en="Fix x = x0: the slice z = f(x0, y). Its slope at y0 is ∂f/∂y",
                  zh="固定 x = x0，得到切片曲线 z = f(x0, y)；它在 y0 处的斜率就是 ∂f/∂y")
        self.wall_y = self.build_slice_wall(self.axes, "y")
        self.slice_y = self.build_curve(self.axes, s.slice_y, SLICE_Y_COLOR, width=4)
        self.slice_y.is_curve = True
        self.tangent_y = self.build_segment(self.axes, s.tangent_y, SLICE_Y_COLOR)
        self.fy_readout = level_readout(Readout("partial f slash partial y", s.partial_y, story_field="partial_y",
                                                color=SLICE_Y_COLOR))
        self.add_to_column(self.fy_readout)
        self.play(FadeIn(self.wall_y), run_time=0.6)
        self.play(Create(self.slice_y), run_time=1.4)
        self.bring_to_front(self.dot)
        self.play(Create(self.tangent_y), FadeIn(self.fy_readout), run_time=1.0)
        self.bring_to_front(self.dot)
        self.wait(0.8)
        self.play(FadeOut(self.wall_y), run_time=0.5)

    def inset_arrow_length(self) -> float:
        """The length of the gradient arrow on the inset, in graph units: it shows a direction, not a magnitude."""
        (a, b), _ = self.story.window
        return INSET_ARROW_SHARE * (b - a)

    def inset_arrows_reach(self, axis: int) -> float | None:
        """The highest graph x (``axis`` 0) or y (1) the inset's arrows reach from the point: the gradient's, and
        the direction u's (:data:`DIRECTION_SHARE` of its length) as it sweeps round (None where grad f = 0).
        """
        s = self.story
        if s.gradient_direction is None:
            return None
        length = self.inset_arrow_length()
        start = s.point[axis]
        return max(start + length * s.gradient_direction[axis], start + DIRECTION_SHARE * length)

    def inset_arrows_low(self) -> float | None:
        """The lowest graph y the inset's arrows reach from the point (None where grad f = 0)."""
        s = self.story
        if s.gradient_direction is None:
            return None
        length = self.inset_arrow_length()
        start = s.point[1]
        return min(start + length * s.gradient_direction[1], start - DIRECTION_SHARE * length)

    def build_inset(self, ceiling: float | None = None) -> ContourInset:
        """The contour inset at the layout's place, moved in when its end numbers would leave the frame's safe edges.

        With a ``ceiling`` (the foot of the text column above it, in 16:9) the inset shrinks about the middle
        of its window's foot until the arrows drawn from a point near its top edge stay under the ceiling (at
        (-1.95, 1.95) the gradient arrow's head ran up into the column's last line); in every frame it shrinks
        about its window's bottom-left corner until they stay inside the frame's right edge (a portrait inset
        stands 0.2 from it: at (1.9, -1.9) the direction u, starting its sweep pointing right, left the frame);
        and about its window's top left corner until they stay above the caption band (at (2, -2), the window's
        bottom right corner, u pointing down reached 0.08 into it).
        """
        layout = self.look_layout
        center, size = layout.inset_center, layout.inset_size
        (a, b), (c, d) = self.story.window
        longest = max(b - a, d - c)
        top = self.inset_arrows_reach(1)
        if ceiling is not None and top is not None:
            foot = center[1] - (d - c) / longest * size / 2
            reach = max(top, d) - c  # graph units from the window's foot up to the arrows' top
            fitting = (ceiling - ARROW_OUTLINE - foot) * longest / reach
            if fitting < size:
                size = fitting
                center = (center[0], foot + (d - c) / longest * size / 2)
        right = self.inset_arrows_reach(0)
        if right is not None:  # and about its left edge so they stay in the frame (a portrait inset at its edge)
            left = center[0] - (b - a) / longest * size / 2
            fitting = (style.frame().right - ARROW_OUTLINE - left) * longest / (max(right, b) - a)
            if fitting < size:
                foot = center[1] - (d - c) / longest * size / 2
                size = fitting
                center = (left + (b - a) / longest * size / 2, foot + (d - c) / longest * size / 2)
        low = self.inset_arrows_low()
        if low is not None:  # and about its window's top left corner so they stay above the caption band
            top = center[1] + (d - c) / longest * size / 2
            left = center[0] - (b - a) / longest * size / 2
            fitting = (top - style.caption_top() - ARROW_OUTLINE) * longest / (d - min(low, c))
            if fitting < size:
                size = fitting
                center = (left + (b - a) / longest * size / 2, top - (d - c) / longest * size / 2)
        inset = ContourInset(self.story, center=center, size=size)
        f = style.frame()
        shift = max(f.left - float(inset.get_left()[0]), 0.0) - max(float(inset.get_right()[0]) - f.right, 0.0)
        if shift:  # the numbers' width depends on the window's ends; rebuild, so its axes move too
            inset = ContourInset(self.story, center=(center[0] + shift, center[1]), size=size)
        return inset

    def plane_formula(self) -> Mobject:
        """The tangent plane with the story's numbers, in two lines: z = f - ... (x - x0) / + ... (y - y0)."""
        s = self.story
        x0, y0 = s.point
        first = style.math(f"z = {typst_number(s.value, 3)} {signed(s.partial_x, 3, math=True)} {shifted('x', x0)}",
                           size=style.READOUT_SIZE,
                           color=PLANE_COLOR)
        second = style.math(f"{signed(s.partial_y, 3, math=True)} {shifted('y', y0)}", size=style.READOUT_SIZE, color=PLANE_COLOR)
        formula = VGroup(first, second).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        second.shift(0.5 * RIGHT)
        return formula

    def beat_plane(self) -> None:
        self.beat("tangent-plane", en="The two tangent lines span the tangent plane z = f + f_x (x − x0) + f_y (y − y0)",
                  zh="两条切线张成切平面 z = f + f_x (x − x0) + f_y (y − y0)")
        self.plane = self.build_plane(self.axes)
        self.formula = self.plane_formula()
        self.add_to_column(self.formula)
        # The patch goes under the two tangent lines and the point.
        self.play(FadeIn(self.plane), FadeIn(self.formula), run_time=1.2)
        self.bring_to_front(self.tangent_x, self.tangent_y, self.dot)
        self.wait(1.8)

    def beat_gradient(self) -> None:
        s = self.story
        if s.gradient_direction is None:
            self.beat("gradient", en="Here ∇f = (f_x, f_y) = 0: no direction goes uphill, the plane is flat",
                      zh="这里 ∇f = (f_x, f_y) = 0：没有上坡方向，切平面是水平的")
        else:
            self.beat("gradient", en="The gradient ∇f = (f_x, f_y) points uphill fastest: D_u f = ∇f · u is largest along it",
                      zh="梯度 ∇f = (f_x, f_y) 指向上升最快的方向：方向导数 D_u f = ∇f · u 沿它最大")
        self.norm_readout = level_readout(Readout("|nabla f|", s.gradient_norm, story_field="gradient_norm",
                                                  color=GRADIENT_COLOR))
        du = None
        if s.gradient_direction is not None:
            du = level_readout(Readout("D_u f = nabla f dot u", float(s.directions[0, 1]), story_field=None))
        # Where the column will end once the formula makes way for these lines: the inset's arrows stay under it.
        # D_u f runs through every direction's value as u turns: fitted at the widest of them
        lines = [self.panel.fit(self.norm_readout)]
        if du is not None:
            lines.append(self.panel.fit(du, [float(v) for v in s.directions[:, 1]]))
        kept = [line for line in self.column if line is not self.formula]
        foot = float(kept[-1].get_bottom()[1]) - sum(COLUMN_BUFF + line.height for line in lines)
        self.inset = self.build_inset(ceiling=foot - COLUMN_BUFF if style.frame().landscape else None)
        p = self.inset.point(s.point)
        self.inset_dot = Dot(p, radius=0.07, color=POINT_COLOR).set_stroke(BLACK, width=2)
        level = VGroup()
        for piece in s.level_through_point:
            line = VMobject(stroke_color=WHITE, stroke_width=2.5)
            line.set_points_as_corners(self.inset.to_scene(piece))
            level.add(DashedVMobject(line, num_dashes=max(int(line.get_arc_length() / 0.12), 2)))
        self.level_through_point = level
        self.play(FadeOut(self.formula), FadeIn(self.inset), run_time=0.8)
        self.column.remove(self.formula)
        self.add_to_column(self.norm_readout)
        self.play(FadeIn(self.inset_dot), Create(level), FadeIn(self.norm_readout), run_time=0.8)
        if du is None or s.gradient_direction is None or s.steepest_angle is None:  # all None where grad f = 0
            self.gradient_arrow_inset = self.direction_arrow = self.steepest_arrow = None
            self.wait(2.0)
            return
        arrow = dict(buff=0, stroke_width=5, max_tip_length_to_length_ratio=0.3)
        length = self.inset_arrow_length()
        g = np.array(s.gradient_direction)
        self.arrow_length = length
        self.gradient_arrow_inset = Arrow(p, self.inset.point(np.array(s.point) + length * g), color=GRADIENT_COLOR,
                                          **arrow).set_stroke(BLACK, width=8, background=True)

        angles, slopes = s.directions[:, 0], s.directions[:, 1]
        sweep = ValueTracker(0.0)
        turn_end = float(angles[-1]) + float(np.mod(s.steepest_angle, 2 * math.pi))

        def angle_now() -> float:
            return sweep.get_value()

        def direction_end(angle: float) -> np.ndarray:
            # a little shorter than the gradient arrow, so both show when they line up
            return self.inset.point(np.array(s.point)
                                    + DIRECTION_SHARE * length * np.array([math.cos(angle), math.sin(angle)]))

        u_arrow = Arrow(p, direction_end(0.0), color=WHITE, **arrow).set_stroke(BLACK, width=8, background=True)
        u_arrow.add_updater(lambda m: m.put_start_and_end_on(p, direction_end(angle_now())))
        self.direction_arrow = u_arrow
        self.du_readout = du
        self.add_to_column(du)
        sample = [0]

        def follow(mob: Mobject) -> None:
            a = angle_now()
            if a >= angles[-1]:
                return
            k = int(np.searchsorted(angles, a, side="right") - 1)
            if k != sample[0]:
                sample[0] = k
                show_value(du, shown(float(slopes[k])))

        du.add_updater(follow)
        self.play(GrowArrow(self.gradient_arrow_inset), FadeIn(u_arrow), FadeIn(du), run_time=0.8)
        self.bring_to_front(self.inset_dot)
        self.play(sweep.animate.set_value(float(angles[-1])), run_time=3.2, rate_func=linear)
        du.clear_updaters()
        self.play(sweep.animate.set_value(turn_end), run_time=0.9)
        u_arrow.clear_updaters()
        show_value(du, s.gradient_norm)
        du.story_field = "gradient_norm"
        steepest = self.steepest_ends()
        assert steepest is not None, "the gradient is nonzero here"
        start, end = steepest
        self.steepest_arrow = Arrow(self.axes.c2p(*start), self.axes.c2p(*end), color=GRADIENT_COLOR,
                                    **arrow).set_stroke(BLACK, width=8, background=True)
        self.add_3d(self.steepest_arrow)
        self.play(GrowArrow(self.steepest_arrow), run_time=0.8)
        self.bring_to_front(self.dot)
        self.wait(1.5)

    def beat_critical_point(self) -> None:
        s = self.story
        cp = s.critical_point
        leaving = [m for m in (self.direction_arrow, self.gradient_arrow_inset, self.steepest_arrow) if m is not None]
        leaving += [self.slice_x, self.slice_y, self.tangent_x, self.tangent_y, self.level_through_point]
        du = getattr(self, "du_readout", None)
        if cp is None:
            self.beat("critical-point",
                      en=f"No critical point in view: ∇f ≠ 0 everywhere here (|∇f| ≥ {fmt(s.min_gradient_norm, 3)}), "
                         "so no Hessian test",
                      zh=f"视野内没有临界点：这里 ∇f 处处不为零（|∇f| ≥ {fmt(s.min_gradient_norm, 3)}），"
                         "无法做黑塞矩阵判别")
            readouts = [m for m in (du, self.norm_readout) if m is not None]
            self.play(*[FadeOut(m) for m in leaving + readouts], run_time=0.6)
            self.remove(*leaving, *readouts)
            self.column.remove(*readouts)
            note = VGroup(
                style.text(self.say("no critical point in view", "视野内没有临界点"), color=style.NEGATIVE_COLOR),
                level_readout(Readout("min |nabla f|", s.min_gradient_norm, story_field="min_gradient_norm")),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
            note.next_to(self.column, DOWN, aligned_edge=LEFT, buff=0.3)
            for line in note:  # a line wider than the column shrinks about its middle: back to the left edge
                self.panel.fit(line).align_to([self.panel.left, 0, 0], LEFT)
            self.no_critical_note = note
            self.play(FadeIn(note), run_time=0.8)
            self.wait(2.5)
            return
        self.beat("critical-point", en="Glide to where ∇f = 0: the tangent plane turns flat. A critical point",
                  zh="滑到 ∇f = 0 的地方：切平面变成水平的——这是一个临界点")
        gone = [m for m in (du, self.norm_readout) if m is not None]
        self.play(*[FadeOut(m) for m in leaving + gone], run_time=0.6)
        self.remove(*leaving, *gone)
        self.column.remove(*gone)
        glide = s.glide
        self.glide_progress = ValueTracker(0.0)
        last = len(glide) - 1

        def state() -> np.ndarray:
            t = min(max(self.glide_progress.get_value(), 0.0), float(last))
            j = min(int(math.floor(t)), last - 1)
            f = t - j
            return (1 - f) * glide[j] + f * glide[j + 1]

        def place_plane(mob: Polygon) -> None:
            x, y, z, fx, fy = state()
            pts = self.plane_points(self.axes, (x, y), z, (fx, fy), s.plane_half_size)
            mob.set_points_as_corners([*pts, pts[0]])

        def place_dot(mob: Dot) -> None:
            x, y, z, _, _ = state()
            mob.move_to(self.axes.c2p(x, y, z))

        def place_inset_dot(mob: Dot) -> None:
            x, y, _, _, _ = state()
            mob.move_to(self.inset.point((x, y)))

        shown_row = [0]

        def show_readouts(mob: Mobject) -> None:
            t = self.glide_progress.get_value()
            k = int(round(t)) if abs(t - round(t)) < 1e-9 else None
            if k is None or k == shown_row[0]:
                return
            shown_row[0] = k
            show_value(self.value_readout, shown(float(glide[k, 2])))
            show_value(self.fx_readout, shown(float(glide[k, 3])))
            show_value(self.fy_readout, shown(float(glide[k, 4])))

        self.placers = {"plane": place_plane, "dot": place_dot, "inset_dot": place_inset_dot}
        for r in (self.value_readout, self.fx_readout, self.fy_readout):
            r.story_field = None
        self.plane.add_updater(place_plane)
        self.dot.add_updater(place_dot)
        self.inset_dot.add_updater(place_inset_dot)
        self.value_readout.add_updater(show_readouts)
        crit_where = style.math(self.tr('"at"', '"临界点"')
                                + f" (x_c, y_c) = ({typst_number(cp.point[0], 2)}, {typst_number(cp.point[1], 2)})",
                                size=style.READOUT_SIZE, color=POINT_COLOR)
        self.panel.fit(crit_where).move_to(self.where, aligned_edge=LEFT)
        self.play(self.glide_progress.animate.set_value(float(last)), run_time=3.0)
        for mob in (self.plane, self.dot, self.inset_dot, self.value_readout):
            mob.clear_updaters()
        show_value(self.value_readout, shown(cp.value))
        show_value(self.fx_readout, shown(cp.gradient[0]))
        show_value(self.fy_readout, shown(cp.gradient[1]))
        self.value_readout.story_field = "critical_point.value"
        self.fx_readout.story_field = "critical_point.gradient.0"
        self.fy_readout.story_field = "critical_point.gradient.1"
        self.crit_marks = VGroup(*[
            Dot(self.inset.point(other.point), radius=0.05, color=KIND_COLORS[other.kind]).set_stroke(BLACK, width=1.5)
            for other in s.critical_points if other is not cp
        ])
        self.play(FadeOut(self.where), run_time=0.3)
        self.play(FadeIn(crit_where), FadeIn(self.crit_marks), run_time=0.4)
        self.column.remove(self.where)
        self.column.submobjects.insert(0, crit_where)
        self.where = crit_where
        self.bring_to_front(self.dot)
        self.wait(1.5)

    def beat_hessian(self) -> None:
        s = self.story
        cp = s.critical_point
        assert cp is not None, "construct() runs this beat only when there is a critical point"
        lam1, lam2 = cp.eigenvalues
        verdict_en, verdict_zh = KIND_NAMES[cp.kind]
        self.beat("hessian",
                  en=f"The Hessian's eigenvalues {fmt(lam1, 3)} and {fmt(lam2, 3)} decide: {verdict_en}",
                  zh=f"黑塞矩阵的特征值 {fmt(lam1, 3)} 和 {fmt(lam2, 3)} 来判断：{verdict_zh}")
        (a, b), (c, d) = cp.hessian
        entries = ", ".join(typst_number(x, 3) for x in (a, b)) + "; " + ", ".join(typst_number(x, 3) for x in (c, d))
        matrix = style.math(f"H = mat({entries})", size=style.READOUT_SIZE)
        lams = VGroup(
            level_readout(Readout("lambda_1", shown(lam1), story_field="critical_point.eigenvalues.0")),
            level_readout(Readout("lambda_2", shown(lam2), story_field="critical_point.eigenvalues.1")),
        ).arrange(RIGHT, buff=0.45)
        verdict = style.text(self.say(verdict_en, verdict_zh), color=KIND_COLORS[cp.kind])
        block = VGroup(matrix, lams, verdict).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        gone = [self.fx_readout, self.fy_readout]
        self.play(*[FadeOut(m) for m in gone], run_time=0.4)
        self.remove(*gone)
        self.column.remove(*gone)
        block.next_to(self.column, DOWN, aligned_edge=LEFT, buff=0.25)
        for line in block:
            self.panel.fit(line).align_to([self.panel.left, 0, 0], LEFT)
        self.hessian_block = block
        # The principal curvature directions at the critical point: eigenvectors of H on the inset.
        length = 0.22 * (s.window[0][1] - s.window[0][0])
        centre = np.array(cp.point)
        axes_lines = VGroup()
        for lam, v in zip(cp.eigenvalues, cp.eigenvectors):
            kind = "minimum" if lam > cp.tolerance else "maximum" if lam < -cp.tolerance else "degenerate"
            line = Line(self.inset.point(centre - length * np.array(v)), self.inset.point(centre + length * np.array(v)),
                        stroke_color=KIND_COLORS[kind], stroke_width=5)
            line.set_stroke(BLACK, width=8, background=True)
            axes_lines.add(line)
        self.eigen_lines = axes_lines
        self.play(FadeIn(matrix), run_time=0.6)
        self.play(FadeIn(lams), Create(axes_lines), run_time=0.9)
        self.bring_to_front(self.inset_dot)
        self.play(FadeIn(verdict, scale=1.1), run_time=0.5)
        self.wait(2.0)

    # -- the classification row ------------------------------------------------------------------

    def beat_classify(self) -> None:
        s = self.story
        self.beat("classify",
                  en="Both λ > 0: minimum. Both < 0: maximum. Opposite signs: saddle. A zero λ: the test cannot tell",
                  zh="两个特征值都为正：极小；都为负：极大；一正一负：鞍点；有一个为零：无法判断")
        self.clear_all()
        cam = self.mesh_camera
        cam.set_phi(PHI)
        cam.set_theta(THETA)
        cam.set_zoom(1.0)
        cam.screen_offset = np.zeros(2)
        cam.reset_rotation_matrix()
        right = np.asarray(cam.get_rotation_matrix()[0], dtype=float)
        right[2] = 0.0
        right /= np.linalg.norm(right)
        # A portrait frame is too narrow for four surfaces in a row: they go two by two, in reading order.
        grid = style.frame().portrait
        per_row = 2 if grid else len(s.examples)
        spacing = MINI_SIDE * 1.6
        centres = [((k % per_row) - (per_row - 1) / 2) * spacing * right for k in range(len(s.examples))]
        at = ", ".join(f"{v:g}" for v in s.examples[0].critical_point.point)
        header = style.text(self.say(f"The second-derivative test at the critical point ({at})",
                                     f"临界点 ({at}) 处的二阶导数判别"), size=style.LABEL_SIZE)
        header.move_to([0, self.look_layout.header_y, 0])
        if header.width > style.frame().content_width:
            header.scale_to_fit_width(style.frame().content_width)
        self.mini_labels = VGroup()
        for k, example in enumerate(s.examples):
            cp = example.critical_point
            name = style.math(f"z = {to_typst(example.graph.f)}", size=style.LABEL_SIZE)
            verdict_en, verdict_zh = KIND_NAMES[cp.kind]
            lines = VGroup(
                level_readout(Readout("lambda_1", shown(cp.eigenvalues[0]), size=style.READOUT_SIZE,
                                      story_field=f"examples.{k}.critical_point.eigenvalues.0")),
                level_readout(Readout("lambda_2", shown(cp.eigenvalues[1]), size=style.READOUT_SIZE,
                                      story_field=f"examples.{k}.critical_point.eigenvalues.1")),
                style.text(self.say(verdict_en, verdict_zh), size=style.LABEL_SIZE, color=KIND_COLORS[cp.kind]),
            ).arrange(DOWN, buff=0.14)
            self.mini_labels.add(VGroup(name, lines))
        names_height = max(labels[0].height for labels in self.mini_labels)
        lines_height = max(labels[1].height for labels in self.mini_labels)
        region = self.look_layout.mini_region
        if grid:
            # Fit the first row into the top half (less its labels), then lower the second row's boxes in
            # the world by one half's height on screen, so both rows share the camera's zoom.
            rows = math.ceil(len(s.examples) / per_row)
            pitch = (header.get_bottom()[1] - 0.15 - region[2]) / rows
            top = header.get_bottom()[1] - 0.15
            row_region = (region[0], region[1], top - pitch + lines_height + 0.45, top - names_height - 0.3)
            first = [box_axes(example.window, example.z_range, side=MINI_SIDE, height=MINI_HEIGHT, center=centre)
                     for example, centre in zip(s.examples[:per_row], centres)]
            self.fit_camera(np.vstack([self.box_corners(axes, example.window)
                                       for axes, example in zip(first, s.examples)]),
                            [THETA], row_region, label_margin=(0.3, 0.0))
            drop = pitch / float(self.project(OUT)[1] - self.project(ORIGIN)[1])  # world units down per row
            for _ in range(4):  # the camera's perspective: a lower row is farther away, so correct the guess
                drop *= pitch / float(self.project(ORIGIN)[1] - self.project(-drop * OUT)[1])
            centres = [centre - (k // per_row) * drop * OUT for k, centre in enumerate(centres)]
        self.mini_axes: list[ThreeDAxes] = [
            box_axes(example.window, example.z_range, side=MINI_SIDE, height=MINI_HEIGHT, center=centre)
            for example, centre in zip(s.examples, centres)]
        if not grid:
            if not style.frame().landscape:
                # every other block of numbers goes under its neighbours' and every other name a line lower (see
                # below): the surfaces keep the room between the lower names and the lower numbers' foot
                f = style.frame()
                region = (region[0], region[1], f.bottom + 2 * lines_height + 0.2 + 0.3 + 0.05,
                          min(region[3], self.look_layout.names_y - 0.5 - names_height / 2 - 0.15))
            self.fit_camera(np.vstack([self.box_corners(axes, example.window)
                                       for axes, example in zip(self.mini_axes, s.examples)]),
                            [THETA], region, label_margin=(0.3, 0.1))
        self.minis = VGroup()
        meshes = []
        for example, axes in zip(s.examples, self.mini_axes):
            mesh = self.build_surface(example.graph, axes, resolution=MINI_RESOLUTION)
            meshes.append(mesh)
            cp = example.critical_point
            dot = self.billboard_dot(axes, (*cp.point, cp.value), color=WHITE, radius=0.07)
            self.minis.add(VGroup(mesh, dot))
        self.mini_meshes = meshes
        screen = [self.mesh_camera.project_points(m.points[::4]) for m in meshes]
        for k, (labels, axes) in enumerate(zip(self.mini_labels, self.mini_axes)):
            name, lines = labels
            centre_x = self.project(axes.c2p(0, 0, sum(axes.z_bounds) / 2))[0]
            row = [j for j in range(len(meshes)) if j // per_row == k // per_row]
            floor = min(float(screen[j][:, 1].min()) for j in row)
            if grid:
                ceiling = max(float(screen[j][:, 1].max()) for j in row)
                name.next_to([centre_x, ceiling, 0], UP, buff=0.3)
                lines.next_to([centre_x, floor, 0], DOWN, buff=0.3)
            else:
                # a narrow frame has no room for four names in a row: every other one goes a line lower
                stagger = 0.0 if style.frame().landscape or k % 2 == 0 else 0.5
                name.move_to([centre_x, self.look_layout.names_y - stagger, 0])
                lines.next_to([centre_x, floor, 0], DOWN, buff=0.3)
                if not style.frame().landscape and k % 2:  # and every other block of numbers goes under its neighbours'
                    lines.shift((lines_height + 0.2) * DOWN)
            keep_inside(name)
            keep_inside(lines)
        self.play(FadeIn(header), *[FadeIn(m) for m in self.minis], run_time=1.2)
        for labels in self.mini_labels:
            self.play(FadeIn(labels), run_time=0.7)
        self.classify_header = header
        self.wait(1.5)
