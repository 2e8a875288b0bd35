"""Gradient descent on a loss surface (storyboard 4): the scene draws :func:`mathviz.stories.gradient_descent.descent_story`.

Beats: the surface in 3D beside its contour map; the gradient and the first
step at the start; the ball rolling down the iterates with live readouts;
three learning rates against the computed stability bound; momentum against
plain descent in a ravine; two starts ending in two minima of a non-convex
surface.

Speed: a surface is one :class:`~scenes.components.surface.MeshSurface`,
drawn by :class:`~scenes.components.surface.MeshCamera` in one vectorised
pass (~20 ms a frame at 1080p instead of ~220 ms for Manim's ``Surface``);
the camera moves once, briefly; the middle beats are 2D contour maps; and
readouts rebuild their digits only when the iterate they show changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from manim import (
    BLACK,
    DEGREES,
    DOWN,
    LEFT,
    OUT,
    RIGHT,
    UP,
    WHITE,
    Arrow,
    Create,
    Cross,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    Mobject,
    ThreeDAxes,
    ValueTracker,
    VGroup,
    VMobject,
    linear,
)

from mathviz.stories.gradient_descent import DescentRun, DescentStory, SurfaceView
from mathviz_scenes.components import style
from mathviz_scenes.components.contour import ContourPanel
from mathviz_scenes.components.layout import Box
from mathviz_scenes.components.mesh_scene import (
    MESH_RESOLUTION,  # noqa: F401 - tools/bench.py reads the scene's mesh size
    MeshExplainerScene,
    box_axes,
    level_readout,
    show_value,
)
from mathviz_scenes.components.numbers import counted, fmt, noun_for, typst_number
from mathviz_scenes.components.panel import frame_right
from mathviz_scenes.components.readout import Readout
from mathviz_scenes.components.typst_expr import to_typst

__all__ = ["LossSurfaceDescent", "ContourMap", "Trajectory", "run_status"]

#: Where the 3D view goes on screen: x from, x to, y from, y to (scene units).
VIEW3D_REGION = (-6.95, 1.75, -3.3, 3.05)
#: The right-hand column: contour map centre and side, and the top of the block above it.
MAP_CENTER = (4.75, -0.95)
MAP_SIZE = 3.7
#: Camera angles of the 3D view. At 45 degrees of elevation the floor of a bowl stays visible
#: over its front rim; the opening move turns theta from THETA_SWEEP to THETA.
PHI = 45 * DEGREES
THETA = -62 * DEGREES
THETA_SWEEP = -95 * DEGREES
#: Scene units of the 3D box: the longer side of the w window, and the loss height.
BOX_SIDE = 5.0
BOX_HEIGHT = 2.6
PATH_COLOR = style.HIGHLIGHT_COLOR
SECOND_PATH_COLOR = WHITE
STEP_COLOR = style.HIGHLIGHT_COLOR
WARNING_COLOR = style.NEGATIVE_COLOR
GOOD_COLOR = style.TANGENT_COLOR
#: Square and portrait frames: the contour map's side (and the room under it for its tick labels) in the band
#: under the 3D view, and the gap between that band's map and text block.
STACKED_MAP_SIZE = {"square": 2.5, "portrait": 3.5}
#: Square frames: the height of the text band at the bottom (the 3D view and the map share the rest).
SQUARE_TEXT_HEIGHT = 2.0
#: Portrait frames: the height of the text block between the 3D view and the map.
PORTRAIT_TEXT_HEIGHT = 2.3
MAP_FOOT = 0.45
STACKED_GAP = 0.35


@dataclass(frozen=True)
class Layout:
    """Where the first and last beats' pieces go: the 3D view, the contour map and the text block beside it."""

    view3d: tuple[float, float, float, float]
    map_center: tuple[float, float]
    map_size: float
    #: The text block's box: right of the map's title in 16:9 (above the map), right of the map when stacked.
    text: Box
    stacked: bool


def frame_layout() -> Layout:
    """16:9: the 3D view left of the map and its text. Portrait: the 3D view, the text and the map one under
    another. Square: the 3D view and the map side by side above a band of text.
    """
    f = style.frame()
    title_room = 0.75  # the surface's formula over the 3D view
    if f.landscape:
        right = frame_right()
        return Layout(VIEW3D_REGION, MAP_CENTER, MAP_SIZE, Box(1.6, right, MAP_CENTER[1] + MAP_SIZE / 2 + 0.55,
                                                               style.content_top()), stacked=False)
    size = STACKED_MAP_SIZE["portrait" if f.portrait else "square"]
    if f.square:
        text = Box(f.left + 0.1, frame_right(), f.bottom, f.bottom + SQUARE_TEXT_HEIGHT)
        center = (f.right - 0.05 - size / 2, text.top + MAP_FOOT + size / 2)
        view = (f.left, center[0] - size / 2 - 0.6, text.top + 0.1, f.top - title_room)
        return Layout(view, center, size, text, stacked=True)
    # portrait: the map at the bottom (its name over it, its tick labels under it and its w_2 name and ticks
    # on its left), the text block across the frame above it, the 3D view above both
    map_bottom = f.bottom + MAP_FOOT
    center = (0.25, map_bottom + size / 2)
    text_bottom = map_bottom + size + 0.5
    text = Box(f.left + 0.1, frame_right(), text_bottom, text_bottom + PORTRAIT_TEXT_HEIGHT)
    view = (f.left, f.right, text.top + 0.1, f.top - title_room)
    return Layout(view, center, size, text, stacked=True)


def broken(words: str) -> str:
    """``words`` on two lines, broken at the space nearest the middle (unchanged without a space)."""
    spaces = [i for i, ch in enumerate(words) if ch == " "]
    if not spaces:
        return words
    cut = min(spaces, key=lambda i: abs(i - len(words) / 2))
    return words[:cut] + "\n" + words[cut + 1:]


def keep_inside(mob: Mobject) -> Mobject:
    """Shift ``mob`` sideways into the frame's safe edges (a label wider than the map it is centred on)."""
    f = style.frame()
    if mob.get_right()[0] > f.right:
        mob.shift((f.right - mob.get_right()[0]) * RIGHT)
    if mob.get_left()[0] < f.left:
        mob.shift((f.left - mob.get_left()[0]) * RIGHT)
    return mob


def run_status(run: DescentRun) -> tuple[str, str]:
    """How a run ended, in English and Chinese ("diverged after 29 steps")."""
    if run.diverged:  # a diverged run stops at its divergence, so steps_taken is diverged_at
        at = run.steps_taken if run.diverged_at is None else run.diverged_at
        return f"diverged after {counted(at, 'step')}", f"{at} 步后发散"
    if run.left_window_at is not None:
        return f"left the window after {counted(run.left_window_at, 'step')}", f"{run.left_window_at} 步后离开窗口"
    if run.converged:
        return f"converged after {counted(run.steps_taken, 'step')}", f"{run.steps_taken} 步后收敛"
    return f"still moving after {counted(run.steps_taken, 'step')}", f"{run.steps_taken} 步后仍未收敛"


class Trajectory:
    """The drawable part of a run: iterates inside the window, then the point where it leaves.

    ``keyframes[j]`` is the j-th drawn point in w coordinates with loss
    ``losses[j]``; when the run leaves the window the last keyframe is the
    exit point on the window's edge, so the ball never leaves the picture.
    Progress ``t`` runs from 0 to :attr:`length`; :meth:`iterate_at` is the
    iterate whose numbers the readouts show at ``t``.
    """

    def __init__(self, run: DescentRun) -> None:
        self.run = run
        last = run.steps_taken if run.left_window_at is None else run.left_window_at - 1
        self.last_inside = last
        points = [run.path[k, :2] for k in range(last + 1)]
        losses = [run.path[k, 2] for k in range(last + 1)]
        if run.exit_point is not None:
            points.append(np.array(run.exit_point[:2]))
            losses.append(run.exit_point[2])
        self.keyframes = np.array(points, dtype=float)
        self.losses = np.array(losses, dtype=float)

    @property
    def length(self) -> int:
        return len(self.keyframes) - 1

    def w_at(self, t: float) -> np.ndarray:
        if self.length == 0:
            return self.keyframes[0].copy()
        t = min(max(t, 0.0), self.length)
        j = min(int(math.floor(t)), self.length - 1)
        f = t - j
        return (1 - f) * self.keyframes[j] + f * self.keyframes[j + 1]

    def keyframe_at(self, t: float) -> int | None:
        """The keyframe index when ``t`` sits on one, else None."""
        r = round(t)
        return int(r) if abs(t - r) < 1e-9 and 0 <= r <= self.length else None

    def iterate_at(self, t: float) -> int:
        return max(min(int(math.floor(t + 1e-9)), self.last_inside), 0)

    def polyline(self, t: float) -> tuple[np.ndarray, list[float | None]]:
        """The path drawn up to progress ``t``: points in w and their story losses (None between keyframes)."""
        t = min(max(t, 0.0), self.length)
        j = int(math.floor(t + 1e-9))
        pts = list(self.keyframes[: j + 1])
        losses: list[float | None] = list(self.losses[: j + 1])
        if t - j > 1e-9:
            pts.append(self.w_at(t))
            losses.append(None)
        if len(pts) == 1:
            pts.append(pts[0])
            losses.append(losses[0])
        return np.array(pts), losses


class ContourMap(ContourPanel):
    """The top view of a loss surface over (w1, w2), with the story's level curves (see :class:`ContourPanel`)."""

    def __init__(self, view: SurfaceView, *, center: Sequence[float], size: float) -> None:
        _, _, grid = view.surface.grid()
        super().__init__(view.window, view.levels, view.contours, grid, center=center, size=size,
                         names=("w_1", "w_2"))

    def exit_mark(self, exit_point: Sequence[float], scale_factor: float) -> Cross:
        """A cross where a run left the window, drawn just inside the window's edge.

        Centred on the edge, half of it would lie over the end ticks and axis names outside the window
        (the w1 name sits under the middle of the bottom edge).
        """
        cross = Cross(scale_factor=scale_factor, stroke_color=WARNING_COLOR)
        (a, b), (c, d) = self.window
        low, high = self.point((a, c)), self.point((b, d))
        margin = cross.width / 2 + 0.04
        where = self.point(exit_point[:2])
        where[:2] = np.clip(where[:2], low[:2] + margin, high[:2] - margin)
        return cross.move_to(where)


def loss_shower(readout: Readout, run: DescentRun) -> Callable[[int], None]:
    """Show iterate k's loss on ``readout`` (a :class:`Rider`'s readouts)."""

    def show(k: int) -> None:
        show_value(readout, float(run.path[k, 2]))

    return show


@dataclass
class Rider:
    """One run animated by :meth:`LossSurfaceDescent.race`: where it is drawn and what it updates."""

    trajectory: Trajectory
    panel: ContourMap
    color: Any
    #: The mobject showing this run's numbers and how to show iterate k on it.
    readouts: tuple[Mobject, Callable[[int], None]] | None = None
    axes3d: ThreeDAxes | None = None
    ball: Dot | None = None
    surface: Any = None
    #: What :meth:`LossSurfaceDescent.race` drew ("path", "dot", "path3d") and the shared progress tracker.
    drawn: dict[str, Mobject] = field(default_factory=dict)
    progress: ValueTracker | None = None
    #: The placement functions (kept after the race so tests can replay any progress).
    placers: dict[str, Callable[[Mobject], None]] = field(default_factory=dict)

    def replay(self, t: float) -> None:
        """Put everything this rider drew where it is at progress ``t``."""
        assert self.progress is not None, "replay() is for a rider that has raced"
        self.progress.set_value(t)
        for name, place in self.placers.items():
            place(self.ball if name == "ball" else self.drawn[name])


class LossSurfaceDescent(MeshExplainerScene):
    """Gradient descent: surface, gradient, descent, learning rates, momentum, two minima."""

    scene_name = "gradient_descent"
    story: DescentStory
    camera_phi = PHI

    # -- helpers ----------------------------------------------------------------------------------

    def right_block(self, group: Mobject, below: float | None = None, above: float | None = None) -> Mobject:
        """Place a text block in the layout's text box: in 16:9 the right column between ``above`` (default:
        the map) and ``below``; in square and portrait frames right of the map, from its top down.
        """
        box = self.look_layout.text
        if self.look_layout.stacked:
            if group.height > box.height and len(group.submobjects) > 2 and box.width > 6 and style.frame().square:
                # a wide, short band: the block's lines in two columns
                half = (len(group.submobjects) + 1) // 2
                columns = VGroup(VGroup(*group.submobjects[:half]).arrange(DOWN, aligned_edge=LEFT, buff=0.14),
                                 VGroup(*group.submobjects[half:]).arrange(DOWN, aligned_edge=LEFT, buff=0.14))
                columns.arrange(RIGHT, aligned_edge=UP, buff=0.5)
            if group.height > box.height:
                group.scale_to_fit_height(box.height)
            if group.width > box.width:
                group.scale_to_fit_width(box.width)
            group.move_to([box.left + group.width / 2, box.top - group.height / 2, 0])
            return group
        floor = box.bottom if above is None else above
        below = box.top if below is None else below
        right = box.right
        if group.height > below - floor:
            group.scale_to_fit_height(below - floor)
        if group.width > right - box.left:
            group.scale_to_fit_width(right - box.left)
        group.move_to([right - group.width / 2, (below + floor) / 2, 0])
        return group

    # -- 3D view ----------------------------------------------------------------------------------

    def build_axes3d(self, view: SurfaceView) -> ThreeDAxes:
        """3D axes (not drawn) mapping (w1, w2, loss) into a box centred on the world origin."""
        lo, hi = view.loss_range
        if not hi > lo:  # a flat surface still needs a box
            lo, hi = lo - 1.0, hi + 1.0
        # The range is measured on a grid; the true extremes between grid points differ by O(h^2).
        # A 2 % margin keeps every point of the surface inside the box without clamping.
        margin = 0.02 * (hi - lo)
        return box_axes(view.window, (lo - margin, hi + margin), side=BOX_SIDE, height=BOX_HEIGHT)

    @staticmethod
    def point3d(axes: ThreeDAxes, w: Sequence[float] | np.ndarray, loss: float | None,
                surface: Callable | None = None) -> np.ndarray:
        """Scene point of (w1, w2, loss), the loss clamped into the box so the ball stays in view.

        ``loss`` None evaluates ``surface`` (between iterates the ball rolls on the surface).
        """
        if loss is None:
            assert surface is not None, "a point between iterates needs the surface"
            loss = float(surface(w[0], w[1]))
        lo, hi = axes.z_bounds
        loss = min(max(loss, lo), hi) if math.isfinite(loss) else hi
        return np.asarray(axes.c2p(w[0], w[1], loss))

    def build_loss_box(self, view: SurfaceView, axes: ThreeDAxes) -> VGroup:
        """The 3D box with pinned labels w1, w2, loss, the window's ends and the loss range."""
        # A box zoomed small in a narrow frame keeps its labels as big: they go further out to stay apart.
        spread = 1.0 if self.look_layout.view3d == VIEW3D_REGION else 1.5
        box = self.build_box(axes, view.window, names=("w_1", "w_2", self.tr('"loss"', '"损失"')),
                             name_lift=0.62 * spread ** 1.5)
        (a, _), (c, _) = view.window
        pad = self.label_pad(axes, view.window) * spread
        small = style.SMALL_SIZE
        low, high = view.loss_range
        if fmt(high, 2) != fmt(low, 2):  # a flat surface has one height to name
            box.labels.add(self.pin(style.text(fmt(low, 2), size=small),
                                    axes.c2p(a - 0.9 * pad, c, low) + 0.25 * spread ** 2 * OUT))
        box.labels.add(self.pin(style.text(fmt(high, 2), size=small), axes.c2p(a - 1.0 * pad, c, high) - 0.1 * OUT))
        return box

    def fit_camera(self, axes: ThreeDAxes, thetas: Sequence[float] | np.ndarray,
                   region: Sequence[float] | None = None) -> None:
        """Zoom and shift the projected box of ``axes``, at every theta the camera will pass, into ``region``
        (default: the layout's 3D view).
        """
        # Margins for the pinned labels around the box; the loss range is named on its left.
        self.fit_corners(self.box_corners(axes), thetas, self.look_layout.view3d if region is None else region,
                         label_margin=(1.5, 1.0), x_shift=0.25)

    def build_title(self, formula: str) -> Mobject:
        """``L(w_1, w_2) = formula`` in the top-left corner (over the whole width when the 3D view is)."""
        f = style.frame()
        return self.corner_title(f"L(w_1, w_2) = {formula}", 8.2 if f.landscape else f.content_width - 0.3)

    def build_ball(self, axes: ThreeDAxes, w: Sequence[float] | np.ndarray, loss: float, color: Any = WHITE) -> Dot:
        """The ball: a disc that always faces the camera, drawn above the surface."""
        ball = Dot(radius=0.11, color=color).set_stroke(BLACK, width=2)
        ball.move_to(self.point3d(axes, w, loss))
        self.billboard(ball, ball.get_center)
        return ball

    # -- animating runs -------------------------------------------------------------------------------

    def race(self, riders: Sequence[Rider], duration: float) -> None:
        """Animate runs together: paths on their maps (and in 3D), dots, balls and readouts.

        Each path, dot and ball is placed from the rider's :class:`Trajectory`
        at the shared progress ``t`` (one unit per step); readouts change only
        when the iterate they show changes.
        """
        progress = ValueTracker(0.0)
        self.race_progress = progress
        longest = max(r.trajectory.length for r in riders) or 1
        moving: list[Mobject] = []
        for rider in riders:
            tr, panel = rider.trajectory, rider.panel
            start = panel.point(tr.keyframes[0])
            path = VMobject(stroke_color=rider.color, stroke_width=4)
            path.set_stroke(BLACK, width=7, background=True)
            path.set_points_as_corners([start, start])
            dot = Dot(start, radius=0.07, color=rider.color).set_stroke(BLACK, width=2)

            def follow(mob: VMobject, tr: Trajectory = tr, panel: ContourMap = panel) -> None:
                mob.set_points_as_corners(panel.to_scene(tr.polyline(progress.get_value())[0]))

            def ride(mob: Dot, tr: Trajectory = tr, panel: ContourMap = panel) -> None:
                mob.move_to(panel.point(tr.w_at(progress.get_value())))

            path.add_updater(follow)
            dot.add_updater(ride)
            rider.progress = progress
            rider.drawn.update(path=path, dot=dot)
            rider.placers.update(path=follow, dot=ride)
            moving += [path, dot]
            if rider.axes3d is not None:
                path3d = VMobject(stroke_color=rider.color, stroke_width=4)
                first = self.point3d(rider.axes3d, tr.keyframes[0], tr.losses[0])
                path3d.set_points_as_corners([first, first])
                self.add_3d(path3d)

                def trace(mob: VMobject, rider: Rider = rider) -> None:
                    ws, losses = rider.trajectory.polyline(progress.get_value())
                    mob.set_points_as_corners([self.point3d(rider.axes3d, w, loss, rider.surface)
                                               for w, loss in zip(ws, losses)])

                path3d.add_updater(trace)
                rider.drawn["path3d"] = path3d
                rider.placers["path3d"] = trace
                moving.insert(0, path3d)
            if rider.ball is not None:
                def roll(mob: Dot, rider: Rider = rider) -> None:
                    t = progress.get_value()
                    k = rider.trajectory.keyframe_at(t)
                    loss = rider.trajectory.losses[k] if k is not None else None
                    mob.move_to(self.point3d(rider.axes3d, rider.trajectory.w_at(t), loss, rider.surface))

                rider.ball.add_updater(roll)
                rider.placers["ball"] = roll
                moving.append(rider.ball)
            if rider.readouts is not None:
                shown = [0]

                def count(mob: Mobject, rider: Rider = rider, shown: list[int] = shown,
                          readouts: tuple[Mobject, Callable[[int], None]] = rider.readouts) -> None:
                    k = rider.trajectory.iterate_at(progress.get_value())
                    if k != shown[0]:  # new digits cost ~40 ms: only when the iterate changes
                        shown[0] = k
                        readouts[1](k)

                # The updater sits on the readout itself: a mobject with an updater is redrawn each
                # frame, one without is painted once into the static background.
                rider.readouts[0].add_updater(count)
                moving.append(rider.readouts[0])
        # Paths first, so balls and dots are drawn over them.
        self.add(*[m for m in moving if m not in (r.ball for r in riders)])
        self.bring_to_front(*[r.ball for r in riders if r.ball is not None], *[r.drawn["dot"] for r in riders])
        self.play(progress.animate.set_value(longest), run_time=duration, rate_func=linear)
        for mob in moving:
            mob.clear_updaters()

    # -- beats --------------------------------------------------------------------------------------

    def construct(self) -> None:
        self.look_layout = frame_layout()
        self.main = Trajectory(self.story.run)
        self.beat_surface()
        self.beat_gradient()
        self.beat_descent()
        self.beat_learning_rates()
        self.beat_momentum()
        self.beat_two_minima()
        self.wait(1.5)

    def beat_surface(self) -> None:
        s = self.story
        view = s.view
        self.beat("surface", en="The loss surface: height and colour are the loss L(w1, w2)",
                  zh="损失曲面：高度和颜色表示损失 L(w1, w2)")
        self.axes = self.build_axes3d(view)
        self.fit_camera(self.axes, np.linspace(THETA_SWEEP, THETA, 5))
        self.mesh_camera.set_theta(THETA_SWEEP)
        self.mesh_camera.reset_rotation_matrix()
        self.surface = self.build_surface(view.surface, self.axes)
        self.box = self.build_loss_box(view, self.axes)
        self.clear_labels(self.box, THETA)
        self.title = self.build_title(to_typst(view.surface.f))
        self.map = ContourMap(view, center=self.look_layout.map_center, size=self.look_layout.map_size)
        self.map_axes = self.map.axes
        self.contour_lines = self.map.lines
        self.map_title = keep_inside(style.text(self.say("top view: level curves", "俯视图：等高线"), size=style.SMALL_SIZE,
                                                color=style.MUTED_COLOR).next_to(self.map.top_center(), UP, buff=0.12))
        self.play(FadeIn(self.surface), FadeIn(self.box), FadeIn(self.title), run_time=1.2)
        # The one camera move: a short turn that shows the surface is a surface.
        self.follow_camera(*self.box.labels)
        self.move_camera(theta=THETA, run_time=2.0)
        self.follow_camera(*self.box.labels, on=False)
        self.play(FadeIn(self.map), FadeIn(self.map_title), run_time=1.0)

    def beat_gradient(self) -> None:
        s = self.story
        self.beat("gradient", en="At the start w0 the gradient points uphill; the step goes against it",
                  zh="起点 w0 处梯度指向上坡，一步沿它的反方向走")
        w0 = np.array(s.run.start)
        z0 = s.start_loss
        # The gradient lives in the (w1, w2) plane: drawn flat at the start's height.
        g = np.array(s.gradient_at_start) * s.gradient_arrow_scale
        step_end = self.main.keyframes[1] if self.main.length >= 1 else w0
        base = np.asarray(self.axes.c2p(w0[0], w0[1], z0))
        arrow = dict(buff=0, stroke_width=5, max_tip_length_to_length_ratio=0.3)
        self.gradient_arrow3d = Arrow(base, np.asarray(self.axes.c2p(w0[0] + g[0], w0[1] + g[1], z0)),
                                      color=style.GRADIENT_COLOR, **arrow)
        self.step_arrow3d = Arrow(base, np.asarray(self.axes.c2p(step_end[0], step_end[1], z0)), color=STEP_COLOR,
                                  **arrow)
        self.add_3d(self.gradient_arrow3d, self.step_arrow3d)
        self.ball = self.build_ball(self.axes, w0, z0)

        start = self.map.point(w0)
        self.map_dot = Dot(start, radius=0.08, color=WHITE).set_stroke(BLACK, width=2)
        level = self.map.curve(s.start_contour, stroke_color=WHITE, stroke_width=2.5)
        # The level curve through w0, dashed: the gradient crosses it at a right angle.
        self.level_through_start = VGroup(*[
            DashedVMobject(piece, num_dashes=max(int(piece.get_arc_length() / 0.12), 2)) for piece in level
        ])
        self.gradient_arrow_map = Arrow(start, self.map.point(w0 + g), color=style.GRADIENT_COLOR, **arrow)
        self.step_arrow_map = Arrow(start, self.map.point(step_end), color=STEP_COLOR, **arrow)
        for mob in (self.gradient_arrow_map, self.step_arrow_map):
            mob.set_stroke(BLACK, width=8, background=True)

        lines = [
            style.math(f"nabla L(w_0) = ({typst_number(s.gradient_at_start[0], 3)}, {typst_number(s.gradient_at_start[1], 3)})",
                       size=style.READOUT_SIZE, color=style.GRADIENT_COLOR),
            style.math(f"-eta nabla L(w_0) = ({typst_number(s.step_at_start[0], 3)}, {typst_number(s.step_at_start[1], 3)})",
                       size=style.READOUT_SIZE, color=STEP_COLOR),
            style.math(f"eta = {typst_number(s.run.learning_rate, 3)}", size=style.READOUT_SIZE),
        ]
        if s.gradient_arrow_scale != 1:
            note = self.say(f"red arrow: ∇L × {s.gradient_arrow_scale:g} to fit",
                            f"红色箭头：∇L × {s.gradient_arrow_scale:g}（缩短显示）")
            if style.frame().square and self.lang != "zh":  # a short text band: two short lines
                note = broken(note)
            lines.append(style.text(note, size=style.SMALL_SIZE, color=style.MUTED_COLOR))
        info = VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        self.gradient_info = self.right_block(info, above=self.map_title.get_top()[1] + 0.1)
        self.play(FadeIn(self.ball), FadeIn(self.map_dot), Create(self.level_through_start), run_time=0.8)
        self.play(GrowArrow(self.gradient_arrow3d), GrowArrow(self.gradient_arrow_map), FadeIn(info[0]),
                  *[FadeIn(m) for m in info[2:]], run_time=1.0)
        self.play(GrowArrow(self.step_arrow3d), GrowArrow(self.step_arrow_map), FadeIn(info[1]), run_time=1.0)
        self.wait(1.0)

    def beat_descent(self) -> None:
        s = self.story
        run = s.run
        status_en, status_zh = run_status(run)
        self.beat("descent", en=f"Step after step, w ← w − η∇L(w): {status_en}",
                  zh=f"一步一步 w ← w − η∇L(w)：{status_zh}")
        last = self.main.last_inside
        readouts = VGroup(
            Readout("k", 0, story_field="run.steps_taken" if last == run.steps_taken else None, decimals=0),
            Readout("L(w_k)", float(run.path[0, 2]), story_field=f"run.path.{last}.2", decimals=4),
            Readout("|nabla L(w_k)|", float(run.grad_norms[0]), story_field=f"run.grad_norms.{last}", decimals=4),
        )
        for r in readouts:
            level_readout(r)
        bad = run.diverged or run.left_window_at is not None
        status = VGroup(style.text(self.say(status_en, status_zh), size=style.LABEL_SIZE,
                                   color=WARNING_COLOR if bad else GOOD_COLOR))
        block = VGroup(*readouts, status)
        if run.diverged_at is not None and run.left_window_at is not None and run.left_window_at < run.diverged_at:
            # The picture stops at the window's edge; say where, so the step count is not a mystery.
            where = style.text(self.say(f"(left the plotted window at step {run.left_window_at})",
                                        f"（第 {run.left_window_at} 步离开绘图窗口）"),
                               size=style.SMALL_SIZE, color=style.MUTED_COLOR)
            status.add(where)
            where.next_to(status[0], DOWN, aligned_edge=LEFT, buff=0.1)
        block.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        self.right_block(block, above=self.map_title.get_top()[1] + 0.1)
        self.readouts, self.status = readouts, status

        def show(k: int) -> None:
            show_value(readouts[0], k)
            show_value(readouts[1], float(run.path[k, 2]))
            show_value(readouts[2], float(run.grad_norms[k]))

        self.play(FadeOut(self.gradient_info), FadeOut(self.gradient_arrow3d), FadeOut(self.step_arrow3d),
                  FadeOut(self.gradient_arrow_map), FadeOut(self.step_arrow_map), run_time=0.5)
        self.play(FadeIn(readouts), run_time=0.4)
        self.remove(self.map_dot)
        rider = Rider(self.main, self.map, PATH_COLOR, readouts=(readouts, show), axes3d=self.axes, ball=self.ball,
                      surface=s.view.surface)
        self.race([rider], duration=min(max(0.4 * self.main.length, 2.5), 8.0))
        self.main_rider = rider
        self.path3d, self.path_map = rider.drawn["path3d"], rider.drawn["path"]
        marks: list[Any] = [FadeIn(status)]
        if run.exit_point is not None:
            self.exit_marks = VGroup(
                self.map.exit_mark(run.exit_point, 0.15),
                self.billboard(Cross(scale_factor=0.15, stroke_color=WARNING_COLOR),
                               self.point3d(self.axes, run.exit_point[:2], run.exit_point[2])),
            )
            # the cross takes the dot's place: the dot sits on the window's edge, against the axis name under it
            marks += [FadeIn(self.exit_marks), rider.drawn["dot"].animate.set_opacity(0)]
        self.play(*marks, run_time=0.6)
        self.wait(1.5)

    def panel_header(self, *parts: str) -> Mobject:
        """The 2D beats' header: ``parts`` on one line in 16:9, on as few lines as fit in a narrower frame."""
        f = style.frame()
        if f.landscape:
            header = style.math(", quad ".join(parts))
            if header.width > 13.4:
                header.scale_to_fit_width(13.4)
            return header.move_to([0, 3.45, 0])
        lines: list[list[str]] = []
        for part in parts:
            if lines and style.math(", quad ".join([*lines[-1], part])).width <= f.content_width:
                lines[-1].append(part)
            else:
                lines.append([part])
        header = VGroup(*(style.math(", quad ".join(line)) for line in lines)).arrange(DOWN, buff=0.12)
        if header.width > f.content_width:
            header.scale_to_fit_width(f.content_width)
        return header.move_to([0, f.top - header.height / 2, 0])

    def panel_grid(self, count: int, header: Mobject, top_height: float, foot: float,
                   text_right: bool = False) -> list[tuple[tuple[float, float], float]]:
        """Centres and sides of ``count`` contour maps under ``header``: side by side in 16:9 and square frames,
        one under another in portrait, each with ``top_height`` of text over it and ``foot`` under it (in
        portrait with ``text_right``, the map goes left and its text right of it).
        """
        f = style.frame()
        top = header.get_bottom()[1] - 0.2
        bottom = f.bottom + 0.05
        # side by side, each map's two-line status under it needs about 2.7 units of width, and the gap holds
        # the right map's w_2 name and tick numbers clear of the left map's border (0.45 put w_2 on it)
        gap = 0.45 if f.portrait else 0.9
        if f.portrait:
            side = min((top - bottom) / count - top_height - foot - gap, f.content_width - 1.0)
            pitch = side + top_height + foot + gap
            x = f.left + 0.6 + side / 2 if text_right else 0.25
            return [((x, top - top_height - side / 2 - k * pitch), side) for k in range(count)]
        side = min((f.content_width - 0.5 - (count - 1) * gap) / count, top - bottom - top_height - foot)
        pitch = side + gap
        xs = [0.25 + (k - (count - 1) / 2) * pitch for k in range(count)]
        y = top - top_height - side / 2
        return [((x, y), side) for x in xs]

    def beat_learning_rates(self) -> None:
        s = self.story
        view = s.regimes_view
        bound, eigenvalues = view.stability_bound, view.hessian_eigenvalues
        assert bound is not None and eigenvalues is not None, "the regimes run on a convex quadratic"
        self.beat("learning rate", en="Learning rate: too small crawls, too large overshoots and diverges",
                  zh="学习率：太小走得慢，太大来回越冲越远直至发散")
        self.clear_all()
        header = self.panel_header(
            f"L = {to_typst(view.surface.f)}", f"lambda_max = {typst_number(eigenvalues[1], 3)}",
            self.tr('"stability bound"', '"稳定界"') + f" 2 / lambda_max = {typst_number(bound, 3)}")
        names = {"too small": "太小", "good": "合适", "too large": "太大"}
        panels, riders, tops = [], [], VGroup()
        if style.frame().landscape:
            places = [((x, -0.55), 3.4) for x in (-4.45, 0.1, 4.65)]
        else:
            places = (self.panel_grid(3, header, 0.0, 0.45, text_right=True) if style.frame().portrait
                      else self.panel_grid(3, header, 2.0, 0.95))
        for regime, (center, side) in zip(s.regimes, places):
            panel = ContourMap(view, center=center, size=side)
            over = regime.fraction_of_bound > 1
            readout = level_readout(Readout("L", float(regime.run.path[0, 2]), story_field=None, decimals=4,
                                            size=style.SMALL_SIZE))
            eta = (f"eta = {typst_number(regime.learning_rate, 3)}",
                   f"= {typst_number(regime.fraction_of_bound, 3)} dot 2 / lambda_max")
            top = VGroup(
                style.text(self.say(regime.label, names.get(regime.label, regime.label)),
                           color=WARNING_COLOR if over else WHITE),
                *((style.math(" ".join(eta), size=style.SMALL_SIZE),) if style.frame().landscape else
                  (style.math(eta[0], size=style.SMALL_SIZE), style.math(eta[1], size=style.SMALL_SIZE))),
                readout,
            ).arrange(DOWN, buff=0.12)
            if style.frame().portrait:  # the text goes right of its map
                top.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
                top.next_to(panel.axes.get_corner(UP + RIGHT), DOWN + RIGHT, buff=0).shift(0.35 * RIGHT)
            else:
                top.next_to(panel.top_center(), UP, buff=0.15)
            panels.append(panel)
            tops.add(top)
            riders.append(Rider(Trajectory(regime.run), panel, PATH_COLOR,
                                readouts=(readout, loss_shower(readout, regime.run))))
        self.regime_panels = panels
        self.play(FadeIn(header), *[FadeIn(p) for p in panels], FadeIn(tops), run_time=1.0)
        self.race(riders, duration=5.0)
        self.regime_riders = riders
        ends = []
        self.regime_exits: list[tuple[Rider, Cross]] = []
        for regime, panel, top, rider in zip(s.regimes, panels, tops, riders):
            en, zh = run_status(regime.run)
            words = self.say(en, zh)
            square = style.frame().square
            text = style.text(broken(words) if square and self.lang != "zh" else words, size=style.SMALL_SIZE,
                              color=WARNING_COLOR if regime.run.diverged else WHITE)
            if style.frame().portrait:  # under the text right of its map
                text.next_to(top, DOWN, aligned_edge=LEFT, buff=0.15)
            else:
                text.next_to(panel.ticks, DOWN, buff=0.08)
            if square:  # centred on its map, not on the map and its tick labels
                text.set_x(panel.axes.get_center()[0])
            ends.append(FadeIn(keep_inside(text)))
            if regime.run.exit_point is not None:
                # the cross takes the dot's place (on the window's edge, against the w1 name under it)
                cross = panel.exit_mark(regime.run.exit_point, 0.12)
                self.regime_exits.append((rider, cross))
                ends += [FadeIn(cross), rider.drawn["dot"].animate.set_opacity(0)]
        self.play(*ends, run_time=0.6)
        self.wait(1.5)

    def beat_momentum(self) -> None:
        s = self.story
        view = s.ravine_view
        self.beat("momentum", en="In a narrow ravine, momentum beats plain gradient descent",
                  zh="在狭窄的山谷里，动量法胜过普通梯度下降")
        self.clear_all()
        header = self.panel_header(f"L = {to_typst(view.surface.f)}", f"eta = {typst_number(s.ravine_gd.learning_rate, 3)}",
                                   self.tr(f'{s.steps} "{noun_for(s.steps, "step")} each"', f'"各" {s.steps} "步"'))
        runs = (s.ravine_gd, s.ravine_momentum_run)
        labels = (self.say("gradient descent", "梯度下降"),
                  self.say(f"momentum β = {s.momentum:g}", f"动量 β = {s.momentum:g}"))
        panels, riders, tops = [], [], VGroup()
        if style.frame().landscape:
            places = [((x, -0.6), 3.6) for x in (-3.3, 3.7)]
        else:
            places = self.panel_grid(2, header, 1.5, 0.35)
        # side by side, each map's name keeps within its share of the row: a long beta (0.893303) in the square
        # frame's smaller maps reached over 'gradient descent'
        pitch = abs(places[1][0][0] - places[0][0][0])
        for (center, side), run, label, color in zip(places, runs, labels, (PATH_COLOR, SECOND_PATH_COLOR)):
            panel = ContourMap(view, center=center, size=side)
            readout = level_readout(Readout("L", float(run.path[0, 2]), story_field=None, decimals=4))
            en, zh = run_status(run)
            words = self.say(en, zh)
            end = style.text(broken(words) if style.frame().square and self.lang != "zh" else words, size=style.SMALL_SIZE,
                             color=style.MUTED_COLOR)
            name = style.text(label, color=color, size=style.LABEL_SIZE if not style.frame().square else style.SMALL_SIZE + 2)
            if pitch > 0 and name.width > pitch - 0.3:
                name.scale_to_fit_width(pitch - 0.3)
            top = VGroup(name, readout, end).arrange(DOWN, buff=0.12)
            keep_inside(top.next_to(panel.top_center(), UP, buff=0.15))
            end.set_opacity(0)
            panels.append(panel)
            tops.add(top)
            riders.append(Rider(Trajectory(run), panel, color,
                                readouts=(readout, loss_shower(readout, run))))
        self.ravine_panels = panels
        self.play(FadeIn(header), *[FadeIn(p) for p in panels], FadeIn(tops), run_time=1.0)
        self.race(riders, duration=6.0)
        self.ravine_riders = riders
        self.play(*[top[2].animate.set_opacity(1) for top in tops], run_time=0.6)
        self.wait(1.5)

    def beat_two_minima(self) -> None:
        s = self.story
        view = s.two_minima_view
        runs = s.two_minima_runs
        self.beat("two minima", en="A non-convex surface: two starts roll into two different minima",
                  zh="非凸曲面：两个起点滚进两个不同的极小值")
        self.clear_all()
        self.axes2 = self.build_axes3d(view)
        self.fit_camera(self.axes2, [THETA])
        surface = self.build_surface(view.surface, self.axes2)
        box = self.build_loss_box(view, self.axes2)
        self.clear_labels(box, THETA)
        title = self.build_title(to_typst(view.surface.f))
        panel = ContourMap(view, center=self.look_layout.map_center, size=self.look_layout.map_size)
        self.two_map = panel
        minima = VGroup(*[Cross(scale_factor=0.09, stroke_color=WHITE, stroke_width=4).move_to(panel.point(m[:2]))
                          for m in view.minima])
        trajectories = [Trajectory(r) for r in runs]
        for saddle in view.saddles:
            mark = Dot(panel.point(saddle[:2]), radius=0.05, color=style.MUTED_COLOR)
            name = style.text(self.say("saddle", "鞍点"), size=style.SMALL_SIZE, color=style.MUTED_COLOR)
            # the level curve through a saddle crosses itself there: the name hides it, on the side the runs avoid
            name.add_background_rectangle(opacity=0.85, buff=0.04)
            minima.add(mark, panel.place_label(name, mark, [tr.keyframes for tr in trajectories]))
        colors = (PATH_COLOR, SECOND_PATH_COLOR)
        balls = [self.build_ball(self.axes2, tr.keyframes[0], tr.losses[0], color)
                 for tr, color in zip(trajectories, colors)]
        lowest = min(m[2] for m in view.minima) if view.minima else None
        lines = VGroup(style.text(self.say(f"gradient descent, η = {s.two_minima_runs[0].learning_rate:g}",
                                           f"梯度下降，η = {s.two_minima_runs[0].learning_rate:g}"), size=style.SMALL_SIZE))
        for run, color in zip(runs, colors):
            start, end = run.path[0], run.path[-1]
            kind = ("", "")
            if lowest is not None and run.converged:
                is_global = math.isclose(float(end[2]), lowest, rel_tol=1e-3, abs_tol=1e-3)
                kind = (" (global min)", "（全局极小）") if is_global else (" (local min)", "（局部极小）")
            lines.add(style.text(
                "({}, {}) → ({}, {})".format(*(fmt(v, 2, hidden=False) for v in (*start[:2], *end[:2]))),
                size=style.SMALL_SIZE, color=color))
            lines.add(style.text(self.say(f"L = {fmt(end[2], 3)}{kind[0]}", f"L = {fmt(end[2], 3)}{kind[1]}"),
                                 size=style.SMALL_SIZE, color=color))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        for line in lines[2::2]:
            line.shift(0.35 * RIGHT)
        self.right_block(lines, above=panel.top_center()[1] + 0.2)
        self.two_minima_lines = lines
        self.two_balls = balls
        self.play(FadeIn(surface), FadeIn(box), FadeIn(title), FadeIn(panel), FadeIn(minima), FadeIn(lines[0]),
                  *[FadeIn(b) for b in balls], run_time=1.2)
        riders = [Rider(tr, panel, color, axes3d=self.axes2, ball=ball, surface=view.surface)
                  for tr, color, ball in zip(trajectories, colors, balls)]
        self.race(riders, duration=5.0)
        self.two_riders = riders
        self.play(FadeIn(lines[1:]), run_time=0.8)
