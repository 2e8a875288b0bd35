"""Norms, inner products and coordinates: the ``norms`` explainer (issue #9, item 3).

Beats: the unit balls of the 1-, 2- and inf-norms (diamond, circle, square);
a slider through p from 1 to the story's p with a live readout, the curve
morphing through the story's keyframes toward the square; a vector v and the
p-balls grown until they reach it (their radii are the norms of v); the inner
product ``u . v = |u| |v| cos(theta)`` with the angle; the projection of u on
v; the leftover ``u - proj`` at right angles to v; a basis (the columns of B)
and its skewed grid; the coordinates ``c = B^-1 v`` drawn as
``c1 b1 + c2 b2`` reaching v.

Every number and every point comes from :func:`mathviz.stories.norms.norms_story`.
The plane of each part is a still frame of reference (never transformed);
tests read curves and arrows back through ``ball_plane``, ``vector_plane``
and ``basis_plane`` with ``p2c``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from manim import (
    BLUE_D,
    DOWN,
    GREY_B,
    LEFT,
    ORANGE,
    PINK,
    RIGHT,
    UP,
    Arc,
    Arrow,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    Line,
    NumberPlane,
    ValueTracker,
    VGroup,
    VMobject,
    smooth,
)

from mathviz.stories.norms import Fit, NormsStory
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.layout import PlaneAndPanel
from mathviz_scenes.components.numbers import decimals_for, fmt, typst_matrix, typst_number
from mathviz_scenes.components.plane import I_HAT_COLOR, J_HAT_COLOR
from mathviz_scenes.components.readout import Readout

__all__ = ["UnitBalls"]

#: A point or direction in plane coordinates: a pair or an array.
XY = Sequence[float] | np.ndarray

#: The unit balls' colours: p = 1 (diamond), p = 2 (circle), p = inf (square); the slider's curve.
BALL_COLORS = (style.POSITIVE_COLOR, style.FUNCTION_COLOR, ORANGE)
SLIDER_COLOR = style.HIGHLIGHT_COLOR
V_COLOR = style.HIGHLIGHT_COLOR
U_COLOR = PINK
PROJECTION_COLOR = style.ACCENT_COLOR
LEFTOVER_COLOR = style.NEGATIVE_COLOR
BASIS_COLORS = (I_HAT_COLOR, J_HAT_COLOR)
LATTICE_COLOR = BLUE_D
ARROW_WIDTH = 5.0
TIP_LENGTH = 0.22
CURVE_WIDTH = 4.0
#: The right-angle mark's side, in scene units (shorter when its vectors are short).
RIGHT_ANGLE_SIDE = 0.26
#: Basis columns closer than this to parallel get a caption saying their coordinates are large and cancel.
NEARLY_PARALLEL_DEGREES = 15.0
#: Subscript digits for captions, which are plain text.
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def typst_vector(xy: Sequence[float]) -> str:
    return f"({typst_number(xy[0])}, {typst_number(xy[1])})"


class UnitBalls(PlaneAndPanel, ExplainerScene):
    """Unit balls of the p-norms, a p slider, norms of v, the inner product, and coordinates in a basis."""

    scene_name = "norms"
    story: NormsStory
    key_beat = "coordinates"
    # Up to nine rows (inner product, projection, right angle): half a portrait frame, beside the plane in a square.
    PORTRAIT_PANEL_SHARE = 0.55
    SQUARE_BESIDE = True

    def construct(self) -> None:
        story: NormsStory = self.story
        self.layout()
        self.plane = self.ball_plane = self.build_plane(story.ball_view)
        self.panel = VGroup()
        #: Every row the panel has shown, in order (tests check each one's place).
        self.panel_rows: list[Any] = []
        self.beat_unit_balls()
        self.beat_slider()
        self.beat_vector_norms()
        self.beat_inner_product()
        self.beat_projection()
        self.beat_orthogonal()
        self.beat_basis()
        self.beat_coordinates()
        self.wait(2.5)

    # -- layout and builders ------------------------------------------------------------------------

    def build_plane(self, fit: Fit) -> NumberPlane:
        """A faint still plane showing ``[-r, r]^2`` (r = ``fit.radius``) with equal units, behind everything."""
        plane = self.square_plane(fit.radius, fit.grid_step)
        plane.view = fit
        plane.set_z_index(-2)
        return plane

    def to_scene(self, xy: XY, plane: NumberPlane | None = None) -> np.ndarray:
        return np.asarray((plane or self.plane).c2p(float(xy[0]), float(xy[1])), dtype=float)

    def to_scene_many(self, xy: npt.ArrayLike, plane: NumberPlane | None = None) -> np.ndarray:
        """Plane coordinates (N x 2) to scene points (N x 3) through the plane's affine map."""
        plane = plane or self.plane
        origin = self.to_scene((0, 0), plane)
        ex, ey = self.to_scene((1, 0), plane) - origin, self.to_scene((0, 1), plane) - origin
        xy = np.asarray(xy, dtype=float)
        return origin + xy[:, [0]] * ex + xy[:, [1]] * ey

    def ball_curve(self, points: npt.ArrayLike, color: Any, *, scale: float = 1.0, width: float = CURVE_WIDTH,
                   plane: NumberPlane | None = None) -> VMobject:
        """A closed polyline through ``scale * points`` (plane coordinates): straight sides stay straight."""
        curve = VMobject(color=color, stroke_width=width)
        self.set_curve(curve, np.asarray(points, dtype=float) * scale, plane)
        curve.is_curve = True  # text over it needs a background (frame-quality guard)
        return curve

    def set_curve(self, curve: VMobject, points: npt.ArrayLike, plane: NumberPlane | None = None) -> VMobject:
        pts = self.to_scene_many(points, plane)
        curve.set_points_as_corners(np.concatenate([pts, pts[:1]]))
        return curve

    def arrow(self, start: XY, end: XY, color: Any, *, width: float = ARROW_WIDTH,
              plane: NumberPlane | None = None) -> Arrow:
        """An arrow in plane coordinates; a zero vector is an invisible arrow at its start."""
        a, b = self.to_scene(start, plane), self.to_scene(end, plane)
        if np.linalg.norm(b - a) < 1e-3:
            return Arrow(a, a + np.array([1e-3, 0, 0]), buff=0, color=color).set_opacity(0)
        return Arrow(a, b, buff=0, color=color, stroke_width=width, tip_length=TIP_LENGTH,
                     max_tip_length_to_length_ratio=0.35, max_stroke_width_to_length_ratio=10)

    def tip_label(self, source: str, arrow: Arrow, color: Any, clear_of: Sequence[Sequence[float]] = ()) -> Any:
        """Typst ``source`` just past the arrow's tip along its direction, on a dark background.

        The zero vector's name goes in the corner by the origin farthest in angle from the vectors ``clear_of``
        (plane coordinates) that will be drawn from there.
        """
        label = style.math(source, color=color)
        label.add_background_rectangle(opacity=0.7, buff=0.04)
        start, end = arrow.get_start(), arrow.get_end()
        length = float(np.linalg.norm(end - start))
        if arrow.get_stroke_opacity() == 0:
            # the zero vector: a dot at the origin, named "= 0"
            label = style.math(f"{source} = 0", color=color)
            label.add_background_rectangle(opacity=0.7, buff=0.04)
            others = [np.array([*vector, 0.0]) / np.linalg.norm(vector) for vector in clear_of if np.any(vector)]
            corners = [UP + RIGHT, UP + LEFT, DOWN + LEFT, DOWN + RIGHT]
            corner = min(corners, key=lambda c: max((float(c @ other) for other in others), default=0.0))
            label.next_to(start, corner, buff=0.12)
            return VGroup(Dot(start, radius=0.07, color=color), label)
        if length < 0.05:
            label.set_opacity(0)
            label.move_to(end)
            return label
        direction = (end - start) / length
        label.move_to(end + direction * (0.1 + 0.5 * math.hypot(label.width, label.height)))
        return label

    def panel_add(self, *rows: Any, gap: float = 0.3, buff: float = 0.26) -> VGroup:
        """Rows added under the panel's current rows (at the top when it is empty)."""
        top = self.panel_top if not len(self.panel) else self.panel.get_bottom()[1] - gap
        column = self.panel_column(*rows, top=top, buff=buff)
        self.panel.add(*column)
        self.panel_rows.extend(column)
        return column

    def grid_note(self, fit: Fit) -> Any:
        return self.note(self.tr(f"grid lines every {fmt(fit.grid_step)}", f"网格间距 {fmt(fit.grid_step)}"))

    def note(self, words: str) -> Any:
        """A muted panel note; on two lines (after its colon) when one line would be shrunk to fit the panel."""
        note = style.text(words, size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        for colon in ("：", ": "):
            if note.width > self.text_panel.width and colon in words:
                head, tail = words.split(colon, 1)
                note = style.text(f"{head}{colon.strip()}\n{tail}", size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        return note

    def zoom_to(self, fit: Fit, keep: Sequence[Any] = (), drop: Sequence[Any] = ()) -> None:
        """Swap to a plane showing ``fit``: the old plane and ``keep`` scale with it, ``drop`` fades out.

        A copy of the old plane does the shrinking, so each part's plane stays a still frame of
        reference that tests can read that part's drawing back through.
        """
        old = self.plane
        new = self.build_plane(fit)
        factor = old.view.radius / fit.radius
        self.plane = new
        self.remove(old)
        if math.isclose(factor, 1.0, rel_tol=1e-9):
            self.add(new)
            if drop:
                self.play(*(FadeOut(m) for m in drop), run_time=0.5)
            return
        ghost = old.copy()
        self.add(ghost)
        self.play(ghost.animate.scale(factor, about_point=self.plane_center).set_opacity(0),
                  *(m.animate.scale(factor, about_point=self.plane_center) for m in keep),
                  *(FadeOut(m) for m in drop), FadeIn(new), run_time=1.3)
        self.remove(ghost)

    def clear_panel(self) -> Any:
        old = self.panel
        self.panel = VGroup()
        return FadeOut(old)

    # -- beat 1: the unit balls -----------------------------------------------------------------------

    def legend_rows(self) -> list[Any]:
        sources = ("p = 1: quad |x_1| + |x_2| = 1", "p = 2: quad x_1^2 + x_2^2 = 1",
                   "p = oo: quad max(|x_1|, |x_2|) = 1")
        return [style.math(s, color=c) for s, c in zip(sources, BALL_COLORS)]

    def beat_unit_balls(self) -> None:
        story = self.story
        self.beat("unit-balls", en="A norm's unit ball: every point x with ‖x‖ = 1.",
                  zh="范数的单位球：所有满足 ‖x‖ = 1 的点 x。")
        formula = style.math("norm(x)_p = (|x_1|^p + |x_2|^p)^(1 slash p)")
        self.panel_add(formula)
        self.play(FadeIn(self.plane), FadeIn(formula), run_time=0.8)
        self.unit_curves = VGroup(*(self.ball_curve(ball.points, color)
                                    for ball, color in zip(story.unit_balls, BALL_COLORS)))
        self.unit_curves_plane = self.plane
        self.legend = self.panel_add(*self.legend_rows(), gap=0.4)
        for curve, row in zip(self.unit_curves, self.legend):
            self.play(Create(curve), FadeIn(row), run_time=0.9)
        self.wait(1.5)

    # -- beat 2: the p slider -------------------------------------------------------------------------

    def slider_points(self, position: float) -> np.ndarray:
        """The curve at slider ``position`` in ``[0, K - 1]``: keyframe points, linear in between."""
        frames = self.story.slider
        k = min(int(math.floor(position)), len(frames) - 2) if len(frames) > 1 else 0
        if len(frames) == 1:
            return np.array(frames[0].points)
        t = position - k
        return (1 - t) * np.array(frames[k].points) + t * np.array(frames[k + 1].points)

    def slider_value(self, position: float, attr: str) -> float:
        """``p`` (geometrically) or the square gap (linearly) between the keyframes around ``position``."""
        frames = self.story.slider
        if len(frames) == 1:
            return getattr(frames[0], attr)
        k = min(int(math.floor(position)), len(frames) - 2)
        t = position - k
        a, b = getattr(frames[k], attr), getattr(frames[k + 1], attr)
        return a ** (1 - t) * b**t if attr == "p" else (1 - t) * a + t * b

    def build_track(self) -> VGroup:
        """A slider track from p = 1 to the story's p on a log scale, with its knob at p = 1."""
        p_end = self.story.p
        width = min(4.2, self.panel_right - self.panel_left - 0.4)
        track = Line(np.zeros(3), np.array([width, 0.0, 0.0]), color=GREY_B, stroke_width=4)
        group = VGroup(track)
        ticks = [1.0, p_end] if p_end <= 2 or math.log(p_end / 2) < 0.25 * math.log(p_end) else [1.0, 2.0, p_end]
        if p_end == 1.0:
            ticks = [1.0]
        for value in ticks:
            x = self.track_x(value, width)
            group.add(Line(np.array([x, -0.1, 0]), np.array([x, 0.1, 0]), color=GREY_B, stroke_width=3))
            label = style.text(fmt(value), size=style.SMALL_SIZE, color=style.MUTED_COLOR)
            label.next_to(np.array([x, -0.12, 0]), DOWN, buff=0.08)
            group.add(label)
        knob = Dot(np.zeros(3), radius=0.09, color=SLIDER_COLOR)
        group.add(knob)
        group.track_width = width
        group.knob = knob
        return group

    def track_x(self, value: float, width: float) -> float:
        p_end = self.story.p
        return 0.0 if p_end == 1.0 else width * math.log(value) / math.log(p_end)

    def beat_slider(self) -> None:
        story = self.story
        frames = story.slider
        if len(frames) == 1:
            en, zh = ("p = 1 here: the slider stays on the diamond.", "这里 p = 1：滑块停在菱形上。")
        else:
            en, zh = (f"Slide p from 1 to {fmt(story.p)}: the diamond swells toward the square.",
                      f"让 p 从 1 滑到 {fmt(story.p)}：菱形逐渐鼓成正方形。")
        self.beat("slider", en=en, zh=zh)
        last = len(frames) - 1
        self.p_readout = Readout("p", 1.0, story_field=None, color=SLIDER_COLOR, decimals=2)
        self.gap_readout = Readout(self.tr("gap to the square", "与正方形的差距"), frames[0].square_gap, story_field=None,
                                   color=SLIDER_COLOR, decimals=3,
                                   math_label=False)
        self.track = self.build_track()
        note = self.note(self.tr("p < 1 is not a norm: the ball caves in", "p < 1 时不是范数：单位球向内凹陷"))
        self.panel_add(self.p_readout, self.gap_readout, gap=0.45)
        self.panel_add(self.track, gap=0.35)
        self.panel_add(note, gap=0.3)
        self.slider_curve = self.ball_curve(frames[0].points, SLIDER_COLOR, width=CURVE_WIDTH + 1)
        self.play(self.unit_curves.animate.set_stroke(opacity=0.35), Create(self.slider_curve),
                  FadeIn(self.p_readout), FadeIn(self.gap_readout), FadeIn(self.track), FadeIn(note), run_time=0.9)
        if last > 0:
            position = ValueTracker(0.0)
            knob_y = self.track.knob.get_center()[1]
            track_left = self.track[0].get_start()[0]

            def follow(curve: VMobject) -> None:
                self.set_curve(curve, self.slider_points(position.get_value()))

            def follow_p(readout: Readout) -> None:
                readout.set_value(self.slider_value(position.get_value(), "p"))

            def follow_gap(readout: Readout) -> None:
                readout.set_value(self.slider_value(position.get_value(), "square_gap"))

            def follow_knob(knob: Dot) -> None:
                x = self.track_x(self.slider_value(position.get_value(), "p"), self.track.track_width)
                knob.move_to(np.array([track_left + x, knob_y, 0.0]))

            self.slider_curve.add_updater(follow)
            self.p_readout.add_updater(follow_p)
            self.gap_readout.add_updater(follow_gap)
            self.track.knob.add_updater(follow_knob)
            self.play(position.animate.set_value(float(last)), run_time=4.5, rate_func=smooth)
            for mob in (self.slider_curve, self.p_readout, self.gap_readout, self.track.knob):
                mob.clear_updaters()
            follow(self.slider_curve)
            follow_knob(self.track.knob)
        self.p_readout.story_field = "p"
        self.p_readout.set_value(story.p)
        self.gap_readout.story_field = f"slider.{last}.square_gap"
        self.gap_readout.set_value(frames[last].square_gap)
        self.wait(1.5)

    # -- beat 3: the norms of v -----------------------------------------------------------------------

    def norm_rows(self) -> list[Readout]:
        norms = self.story.norms
        labels = ("norm(v)_1", "norm(v)_2", "norm(v)_oo")
        values = (norms.l1, norms.l2, norms.linf)
        fields = ("norms.l1", "norms.l2", "norms.linf")
        rows = []
        for label, value, field, color in zip(labels, values, fields, BALL_COLORS):
            row = Readout(label, 0.0, story_field=None, color=color, decimals=decimals_for(value, significant=4, most=12, zero=0))
            row.final = (value, field)
            rows.append(row)
        return rows

    def beat_vector_norms(self) -> None:
        story = self.story
        if story.vector_is_zero:
            en, zh = ("v = 0: every p-ball reaches it at radius 0, so all its norms are 0.",
                      "v = 0：任何 p 球半径为 0 时就碰到它，所以它的所有范数都是 0。")
        else:
            en, zh = ("‖v‖ₚ is how far the unit p-ball must grow to reach v.",
                      "v 的 p 范数，就是单位 p 球需要放大多少倍才能碰到 v。")
        self.beat("vector-norms", en=en, zh=zh)
        fit = story.vector_view
        keep_units = fit.radius >= 1.2  # the unit balls still fit: they stay as a faint reference
        self.play(FadeOut(self.slider_curve), self.clear_panel(), run_time=0.5)
        self.zoom_to(fit, keep=[self.unit_curves] if keep_units else [], drop=[] if keep_units else [self.unit_curves])
        self.vector_plane = self.plane
        if keep_units:
            self.play(self.unit_curves.animate.set_stroke(opacity=0.3), run_time=0.3)
            self.unit_curves_plane = self.plane
        else:
            self.unit_curves = VGroup()
        self.v_arrow = self.arrow((0, 0), story.vector, V_COLOR)
        self.v_arrow.set_z_index(3)
        # v = 0's name keeps off u and u turned 90 degrees, drawn from the origin later (the orthogonal beat's
        # turned u ran across it above and right of the origin)
        self.v_label = self.tip_label("v", self.v_arrow, V_COLOR, clear_of=story.inner.pair or ())
        self.v_label.set_z_index(3)
        head = style.math(f"v = {typst_vector(story.vector)}", color=V_COLOR)
        self.norm_readouts = self.norm_rows()
        self.panel_add(head)
        self.panel_add(*self.norm_readouts, gap=0.35)
        order = style.math("norm(v)_oo <= norm(v)_2 <= norm(v)_1")
        self.panel_add(order, gap=0.35)
        note = self.grid_note(fit)
        self.panel_add(note, gap=0.35)
        self.play(GrowArrow(self.v_arrow), FadeIn(self.v_label), FadeIn(head), *(FadeIn(r) for r in self.norm_readouts),
                  FadeIn(note), run_time=0.9)

        norms = (story.norms.l1, story.norms.l2, story.norms.linf)
        self.norm_balls = VGroup(*(self.ball_curve(ball.points, color, scale=0.0)
                                   for ball, color in zip(story.unit_balls, BALL_COLORS)))
        for curve in self.norm_balls:
            curve.set_z_index(1)
        for ball, curve, readout, radius in zip(story.unit_balls, self.norm_balls, self.norm_readouts, norms):
            if radius == 0.0:
                readout.story_field = readout.final[1]
                continue
            grow = ValueTracker(0.0)
            points = np.array(ball.points)

            def follow(mob: VMobject, points: np.ndarray = points, grow: ValueTracker = grow) -> None:
                self.set_curve(mob, points * grow.get_value())

            def count(mob: Readout, grow: ValueTracker = grow) -> None:
                mob.set_value(grow.get_value())

            self.add(curve)
            curve.add_updater(follow)
            readout.add_updater(count)
            self.play(grow.animate.set_value(radius), run_time=1.3, rate_func=smooth)
            curve.clear_updaters()
            readout.clear_updaters()
            self.set_curve(curve, points * radius)
            readout.story_field = readout.final[1]
            readout.set_value(radius)
        self.play(FadeIn(order), run_time=0.5)
        self.wait(2.0)

    # -- beat 4: the inner product --------------------------------------------------------------------

    def build_angle_arc(self) -> VGroup:
        """The arc at the origin from v's direction to u's (the smaller turn) and its label theta."""
        inner = self.story.inner
        group = VGroup()
        if not inner.angle_defined or inner.angle is None:
            return group
        v, u = np.array(self.story.vector), np.array(self.story.other)
        start = math.atan2(v[1], v[0])
        turn = (math.atan2(u[1], u[0]) - start + math.pi) % (2 * math.pi) - math.pi
        if abs(abs(turn) - math.pi) < 1e-12:
            turn = inner.angle  # opposite vectors: turn counter-clockwise
        shortest = min(np.linalg.norm(v), np.linalg.norm(u)) * self.plane.unit
        radius = min(0.7, 0.45 * shortest)
        arc = Arc(radius=radius, start_angle=start, angle=turn, arc_center=self.to_scene((0, 0)),
                  color=style.SECONDARY_COLOR, stroke_width=3)
        group.add(arc)
        label = style.math("theta", size=style.SMALL_SIZE)
        label.add_background_rectangle(opacity=0.7, buff=0.03)
        middle = start + turn / 2
        bisector = np.array([math.cos(middle), math.sin(middle), 0.0])
        # along the bisector, out from the arc, at the first distance clear of what the next beats draw
        # across the angle (the drop from u to its projection, the right-angle mark, the leftover arrow)
        later = self.strokes_across_the_angle()
        for distance in (radius + 0.25, radius + 0.45, radius + 0.7, radius + 1.0):
            label.move_to(self.to_scene((0, 0)) + distance * bisector)
            low, high = label.get_corner(DOWN + LEFT)[:2] - 0.04, label.get_corner(UP + RIGHT)[:2] + 0.04
            if not np.any(np.all((later >= low) & (later <= high), axis=1)):
                break
        else:
            label.move_to(self.to_scene((0, 0)) + (radius + 0.25) * bisector)
        if radius < 0.12:
            label.set_opacity(0)
        group.add(label)
        group.arc = arc
        return group

    def strokes_across_the_angle(self, count: int = 80) -> np.ndarray:
        """Scene points (n, 2) along the strokes the projection and orthogonal beats draw near the angle."""
        inner = self.story.inner
        segments: list[tuple[np.ndarray, np.ndarray]] = []
        if inner.coefficient is not None:
            segments.append((self.to_scene(self.story.other), self.to_scene(inner.projection)))
        if inner.pair is not None:
            start = np.array(inner.corner) if inner.orthogonal_kind == "leftover" else np.zeros(2)
            segments.append((self.to_scene(start), self.to_scene(start + np.array(inner.pair[1]))))
            mark = self.build_right_angle().get_points()
            if len(mark):
                segments += [(mark[0], mark[len(mark) // 2]), (mark[len(mark) // 2], mark[-1])]
        along = np.linspace(0.0, 1.0, count)[:, None]
        return np.concatenate([(a + along * (b - a))[:, :2] for a, b in segments] or [np.zeros((0, 2))])

    def inner_caption(self) -> tuple[str, str]:
        story = self.story
        if story.vector_is_zero or story.other_is_zero:
            name = "v" if story.vector_is_zero else "u"
            return (f"{name} = 0 has no direction: the angle θ is undefined (0/0).",
                    f"{name} = 0 没有方向：夹角 θ 无定义（0/0）。")
        return ("The inner product: u·v = |u| |v| cos θ, the angle between them.",
                "内积：u·v = |u| |v| cos θ，由两者的夹角决定。")

    def beat_inner_product(self) -> None:
        story = self.story
        inner = story.inner
        en, zh = self.inner_caption()
        self.beat("inner-product", en=en, zh=zh)
        self.u_arrow = self.arrow((0, 0), story.other, U_COLOR)
        self.u_arrow.set_z_index(3)
        self.u_label = self.tip_label("u", self.u_arrow, U_COLOR)
        self.u_label.set_z_index(3)
        self.angle_arc = self.build_angle_arc()
        self.play(FadeOut(self.norm_balls), FadeOut(self.unit_curves), self.clear_panel(), run_time=0.6)
        head = VGroup(style.math(f"u = {typst_vector(story.other)}", color=U_COLOR),
                      style.math(f"v = {typst_vector(story.vector)}", color=V_COLOR)).arrange(DOWN, aligned_edge=LEFT,
                                                                                            buff=0.2)
        dot = Readout.of(self.story, "u dot v", "inner.dot", color=style.SECONDARY_COLOR,
                         decimals=decimals_for(inner.dot, significant=4, most=12, zero=0))
        rows: list[Any] = [dot]
        self.cos_readout: Readout | None = None
        if inner.angle_defined and inner.angle_degrees is not None:
            rows.append(Readout.of(self.story, "|u| |v| cos theta", "inner.norms_cos", color=style.SECONDARY_COLOR,
                                   decimals=decimals_for(inner.dot, significant=4, most=12, zero=0)))
            self.cos_readout = Readout.of(self.story, "cos theta", "inner.cos", color=style.SECONDARY_COLOR, decimals=3)
            rows.append(self.cos_readout)
            rows.append(style.math(f"theta = {typst_number(round(inner.angle_degrees, 1))} degree"))
        else:
            rows.append(self.note(self.tr("θ undefined: a zero vector has no direction", "θ 无定义：零向量没有方向")))
        self.inner_rows = rows
        self.panel_add(head)
        self.panel_add(*rows, gap=0.35)
        self.play(GrowArrow(self.u_arrow), FadeIn(self.u_label), FadeIn(self.panel), run_time=0.9)
        if len(self.angle_arc):
            self.play(Create(self.angle_arc.arc), FadeIn(self.angle_arc[1]), run_time=0.7)
        self.wait(2.0)

    # -- beat 5: the projection -----------------------------------------------------------------------

    def span_line(self, direction: XY) -> Line:
        """The line through the origin along ``direction``, clipped to the view's square."""
        d = np.asarray(direction, dtype=float)
        reach = self.plane.view.radius / max(abs(d[0]), abs(d[1]))
        line = Line(self.to_scene(-reach * d), self.to_scene(reach * d), color=V_COLOR, stroke_width=2)
        return line.set_stroke(opacity=0.45)

    def beat_projection(self) -> None:
        story = self.story
        inner = story.inner
        if story.vector_is_zero:
            en, zh = ("v = 0 spans only the origin: the projection of u on it is 0.",
                      "v = 0 只张成原点：u 在它上面的投影是 0。")
        else:
            en, zh = ("Project u onto v's line: (u·v / v·v) v, the shadow of u.",
                      "把 u 投影到 v 所在的直线上：(u·v / v·v) v，即 u 的影子。")
        self.beat("projection", en=en, zh=zh)
        self.projection_arrow = self.arrow((0, 0), inner.projection, PROJECTION_COLOR, width=ARROW_WIDTH + 1)
        self.projection_arrow.set_z_index(4)
        source = '"proj"_v u = 0' if story.vector_is_zero else '"proj"_v u = frac(u dot v, v dot v) v'
        formula = style.math(source, color=PROJECTION_COLOR)
        rows: list[Any] = [formula]
        pieces: list[Any] = [FadeIn(formula)]
        self.projection_parts = VGroup()
        if inner.coefficient is not None:
            coefficient = Readout.of(self.story, "frac(u dot v, v dot v)", "inner.coefficient", color=PROJECTION_COLOR,
                                     decimals=decimals_for(inner.coefficient, significant=4, most=12, zero=0))
            rows.append(coefficient)
            pieces.append(FadeIn(coefficient))
            self.span = self.span_line(story.vector)
            self.drop = DashedLine(self.to_scene(story.other), self.to_scene(inner.projection), color=GREY_B,
                                   stroke_width=2.5, dash_length=0.1)
            self.projection_parts.add(self.span, self.drop)
        self.panel_add(*rows, gap=0.45)
        self.play(*pieces, *(Create(m) for m in self.projection_parts), run_time=0.9)
        self.play(GrowArrow(self.projection_arrow), run_time=0.8)
        self.wait(1.8)

    # -- beat 6: orthogonality ------------------------------------------------------------------------

    def orthogonal_caption(self) -> tuple[str, str]:
        kind = self.story.inner.orthogonal_kind
        if kind == "leftover":
            return ("What is left, u − proj, is at right angles to v: their dot product is 0.",
                    "剩下的 u − proj 与 v 垂直：它们的内积为 0。")
        if kind == "parallel":
            return ("u lies along v: nothing is left over. (−v₂, v₁) is at right angles to v.",
                    "u 与 v 共线：没有剩余部分。(−v₂, v₁) 与 v 垂直。")
        if self.story.inner.pair is None:
            return ("u = v = 0: nothing to draw at right angles; 0 is orthogonal to everything.",
                    "u = v = 0：没有可画的垂直向量；0 与任何向量都正交。")
        return ("v = 0 is orthogonal to every vector. Here: u and u turned 90°.",
                "v = 0 与任何向量都正交。这里画出 u 与旋转 90° 的 u。")

    def build_right_angle(self) -> VMobject:
        """The square mark at ``inner.corner`` between the pair's two directions (a polyline of 3 points)."""
        inner = self.story.inner
        mark = VMobject(color=style.SECONDARY_COLOR, stroke_width=3)
        if inner.pair is None:
            return mark.set_opacity(0)
        a, b = (np.array(x) for x in inner.pair)
        ea, eb = a / np.linalg.norm(a), b / np.linalg.norm(b)
        if inner.orthogonal_kind == "leftover" and inner.coefficient:
            ea = -math.copysign(1.0, inner.coefficient) * ea  # back along v's line, toward the origin
        corner = np.array(inner.corner)
        shortest = min(np.linalg.norm(b), np.linalg.norm(a) if inner.orthogonal_kind != "leftover"
                       else np.linalg.norm(np.array(inner.projection)) or np.linalg.norm(a))
        side = min(RIGHT_ANGLE_SIDE / self.plane.unit, 0.4 * shortest)
        points = np.array([corner + side * ea, corner + side * (ea + eb), corner + side * eb])
        mark.set_points_as_corners(self.to_scene_many(points))
        mark.corner, mark.directions = corner, (ea, eb)
        return mark

    def beat_orthogonal(self) -> None:
        story = self.story
        inner = story.inner
        en, zh = self.orthogonal_caption()
        self.beat("orthogonal", en=en, zh=zh)
        self.right_angle = self.build_right_angle()
        anims: list[Any] = []
        if inner.pair is None:
            self.pair_arrow = self.arrow((0, 0), (0, 0), LEFTOVER_COLOR)
        else:
            start = np.array(inner.corner) if inner.orthogonal_kind == "leftover" else np.zeros(2)
            self.pair_arrow = self.arrow(start, start + np.array(inner.pair[1]), LEFTOVER_COLOR)
            self.pair_arrow.set_z_index(4)
            anims += [GrowArrow(self.pair_arrow), Create(self.right_angle)]
            label = {"leftover": '(u - "proj"_v u) dot v', "parallel": "(-v_2, v_1) dot v",
                     "zero-v": "(-u_2, u_1) dot u"}[inner.orthogonal_kind]
            self.orthogonal_readout = Readout.of(self.story, label, "inner.orthogonal_dot", color=LEFTOVER_COLOR,
                                                 decimals=decimals_for(inner.orthogonal_dot, significant=4, most=12, zero=0))
            self.panel_add(self.orthogonal_readout, gap=0.45)
            anims.append(FadeIn(self.orthogonal_readout))
        if inner.orthogonal_kind != "leftover" and len(self.angle_arc):
            anims.append(FadeOut(self.angle_arc))  # the right angle goes at the origin, where the arc is
        if anims:
            self.play(*anims, run_time=1.0)
        self.wait(2.2)

    # -- beat 7: a basis and its grid -----------------------------------------------------------------

    def build_lattice(self) -> VGroup:
        """The story's basis grid lines in the current plane; the lines through the origin brighter."""
        group = VGroup()
        for line in self.story.lattice:
            axis = line.value == 0.0
            mob = Line(self.to_scene(line.start), self.to_scene(line.end),
                       color=BASIS_COLORS[1 - line.family] if axis else LATTICE_COLOR,
                       stroke_width=2.5 if axis else 1.6)
            # the lines through the origin (b1's and b2's spans) opaque: at 0.8 the light theme's first basis
            # colour was 3.8:1 on white
            mob.set_stroke(opacity=1.0 if axis else 0.55)
            mob.lattice = line
            group.add(mob)
        group.set_z_index(-1)
        return group

    def side_label(self, source: str, k: int) -> Any:
        """``b_k``'s label beside the middle of its arrow, on the side away from the other basis vector.

        Not at the tip: the coordinate arrows c1 b1 and c2 b2 run on along the same lines.
        """
        columns = [np.array(x) for x in self.story.coordinates.columns]
        own, other = columns[k], columns[1 - k]
        start, end = self.to_scene((0, 0)), self.to_scene(own)
        along = (end - start) / np.linalg.norm(end - start)
        normal = np.array([-along[1], along[0], 0.0])
        away = self.to_scene(other) - start
        if normal @ away > 0:
            normal = -normal
        label = style.math(source, color=BASIS_COLORS[k])
        label.add_background_rectangle(opacity=0.7, buff=0.04)
        label.move_to((start + end) / 2 + normal * (0.12 + 0.5 * math.hypot(label.width, label.height)))
        return label

    def beat_basis(self) -> None:
        story = self.story
        coords = story.coordinates
        self.beat("basis", en="A basis b₁, b₂ (the columns of B) and the skewed grid it spans.",
                  zh="一组基 b₁、b₂（矩阵 B 的列）以及它们张成的斜网格。")
        leaving = [self.u_arrow, self.u_label, self.angle_arc, self.projection_arrow, self.projection_parts,
                   self.pair_arrow, self.right_angle, self.v_label]
        self.play(*(FadeOut(m) for m in leaving), self.clear_panel(), run_time=0.6)
        self.zoom_to(story.basis_view, keep=[self.v_arrow])
        self.basis_plane = self.plane
        self.v_arrow.become(self.arrow((0, 0), story.vector, V_COLOR))
        self.v_label = self.tip_label("v", self.v_arrow, V_COLOR).set_z_index(3)
        self.lattice_lines = self.build_lattice()
        self.basis_arrows = VGroup(*(self.arrow((0, 0), column, color, width=ARROW_WIDTH + 1)
                                     for column, color in zip(coords.columns, BASIS_COLORS)))
        self.basis_arrows.set_z_index(2)
        self.basis_labels = VGroup(*(self.side_label(f"b_{k + 1}", k).set_z_index(3) for k in range(2)))
        head = style.math(f"B = {typst_matrix(coords.basis)}")
        columns = self.note(self.tr("columns: b₁ and b₂", "列向量：b₁ 和 b₂"))
        det = style.math(f"det B = {typst_number(coords.det)}")
        self.panel_add(head, columns, det)
        self.panel_add(self.grid_note(story.basis_view), gap=0.3)
        self.play(self.plane.animate.set_opacity(0.15), Create(self.lattice_lines, lag_ratio=0.02),
                  FadeIn(self.panel), run_time=1.2)
        self.play(*(GrowArrow(a) for a in self.basis_arrows), FadeIn(self.basis_labels), FadeIn(self.v_label),
                  run_time=0.9)
        self.wait(1.8)

    # -- beat 8: coordinates --------------------------------------------------------------------------

    def coordinates_caption(self) -> tuple[str, str]:
        c = self.story.coordinates.coefficients
        if self.story.vector_is_zero:
            return ("v = 0 is 0 b₁ + 0 b₂: both of its coordinates are 0.", "v = 0 = 0 b₁ + 0 b₂：两个坐标都是 0。")
        text = f"({fmt(c[0])}, {fmt(c[1])})"
        angle = self.story.coordinates.angle_degrees
        if min(angle, 180 - angle) < NEARLY_PARALLEL_DEGREES:
            return (f"b₁, b₂ are nearly parallel: c = {text}, large and cancelling.",
                    f"b₁、b₂ 几乎平行：c = {text}，分量很大且相互抵消。")
        return (f"Solve B c = v: v = c₁ b₁ + c₂ b₂ with c = {text}.",
                f"解 B c = v：v = c₁ b₁ + c₂ b₂，其中 c = {text}。")

    def build_components(self) -> VGroup:
        """``c1 b1`` from the origin and ``c2 b2`` from its tip to v; the other two sides dashed."""
        story = self.story
        first, second = (np.array(x) for x in story.coordinates.components)
        arrows = VGroup(self.arrow((0, 0), first, BASIS_COLORS[0], width=ARROW_WIDTH + 2),
                        self.arrow(first, first + second, BASIS_COLORS[1], width=ARROW_WIDTH + 2))
        arrows.set_z_index(4)
        dashed = VGroup()
        for start, end, color in (((0, 0), second, BASIS_COLORS[1]), (second, second + first, BASIS_COLORS[0])):
            a, b = self.to_scene(start), self.to_scene(end)
            if np.linalg.norm(b - a) > 1e-3:
                # opaque: at 0.8 the light theme's first basis colour was 3.8:1 on white (the dashes say "secondary")
                dashed.add(DashedLine(a, b, color=color, stroke_width=2.5, dash_length=0.12))
        arrows.dashed = dashed
        return arrows

    def beat_coordinates(self) -> None:
        story = self.story
        coords = story.coordinates
        en, zh = self.coordinates_caption()
        self.beat("coordinates", en=en, zh=zh)
        self.components = self.build_components()
        # v's name stays on top of them: c2 b2 ends at v's tip, by the name (a basis 3 degrees from parallel:
        # its arrowhead covered part of 'v', fill-over-text)
        self.v_label.set_z_index(self.components.z_index + 1)
        equation = style.math("B c = v quad arrow.r.double quad c = B^(-1) v")
        self.coefficient_readouts = VGroup(*(
            Readout.of(self.story, f"c_{k + 1}", f"coordinates.coefficients.{k}", color=BASIS_COLORS[k],
                       decimals=decimals_for(coords.coefficients[k], significant=4, most=12, zero=0))
            for k in range(2)))
        sum_row = style.math("v = c_1 b_1 + c_2 b_2", color=V_COLOR)
        self.panel_add(equation, gap=0.45)
        self.panel_add(*self.coefficient_readouts, gap=0.3)
        self.panel_add(sum_row, gap=0.3)
        self.play(FadeIn(equation), FadeIn(self.coefficient_readouts[0]), GrowArrow(self.components[0]),
                  run_time=1.0)
        self.play(FadeIn(self.coefficient_readouts[1]), GrowArrow(self.components[1]), run_time=1.0)
        self.play(Create(self.components.dashed), FadeIn(sum_row), run_time=0.8)
        self.wait(1.0)
