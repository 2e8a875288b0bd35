"""Why L1 gives sparse weights and L2 shrinks them: the ``regularization`` explainer.

Beats: the loss's elliptical contours around its minimiser w* (loss-contours);
the penalty's ball, a diamond for L1 or a disc for L2 (penalty-ball); a contour
grown from w* until it first touches the ball, at the regularised minimiser
(first-touch); the L1 diamond touched at a corner, where a weight is exactly 0
(l1-corner); and the paths of both penalties' solutions as lam grows from 0,
L2 shrinking smoothly, L1 reaching exactly 0 at the computed lam (solution-path).

Every number comes from :func:`mathviz.stories.regularization.regularization_story`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from manim import (
    DOWN,
    GREEN,
    LEFT,
    PINK,
    RIGHT,
    UP,
    Circle,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Flash,
    Polygon,
    Rectangle,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    linear,
)

from mathviz.stories.regularization import PenaltyRun, RegularizationStory
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.layout import PlaneAndPanel, overlaps
from mathviz_scenes.components.numbers import fmt, typst_matrix
from mathviz_scenes.components.readout import Readout

__all__ = ["PenaltyBalls", "ellipse_pieces"]

CONTOUR_COLOR = style.FUNCTION_COLOR
TOUCH_COLOR = style.HIGHLIGHT_COLOR
L1_COLOR = style.SECANT_COLOR
L2_COLOR = style.ACCENT_COLOR
PENALTY_COLORS = {"l1": L1_COLOR, "l2": L2_COLOR}
#: Colours of the weights w_1 and w_2 (apart from the penalties' orange and purple).
W_COLORS = (GREEN, PINK)
#: Points sampled around each contour ellipse.
ELLIPSE_SAMPLES = 240
#: Height of each of the two path plots in the last beat.
PATH_PLOT_HEIGHT = 1.25
#: In a square frame the panel goes under the plane and keeps this much height (the last beat's two path
#: plots side by side with their legend and readouts); the plane takes the rest.
SQUARE_PANEL_HEIGHT = 3.2
#: Gap between two items on one line of a panel below the plane, and between its lines.
FLOW_GAP = 0.45
FLOW_LINE_GAP = 0.14
#: The least gap between a panel below the plane and the caption band.
PANEL_FOOT_GAP = 0.05


def ellipse_pieces(centre: np.ndarray, axes: np.ndarray, level: float, radius: float,
                   samples: int = ELLIPSE_SAMPLES) -> list[np.ndarray]:
    """The contour ``centre + sqrt(level) (cos t a_1 + sin t a_2)`` cut to the square ``|w|_inf <= radius``.

    Returns the runs of consecutive sample points inside the square (plane coordinates, N x 2 each),
    joined across t = 0 when the ellipse is inside there.
    """
    t = np.linspace(0.0, 2.0 * math.pi, samples + 1)
    points = centre + math.sqrt(max(level, 0.0)) * (np.outer(np.cos(t), axes[0]) + np.outer(np.sin(t), axes[1]))
    inside = np.all(np.abs(points) <= radius, axis=1)
    if inside.all():
        return [points]
    runs: list[np.ndarray] = []
    start = None
    for k in range(len(points)):
        if inside[k] and start is None:
            start = k
        if (not inside[k] or k == len(points) - 1) and start is not None:
            end = k if inside[k] else k - 1
            if end > start:
                runs.append(points[start:end + 1])
            start = None
    # the run that ends at t = 2 pi continues with the one that starts at t = 0
    if len(runs) > 1 and inside[0] and inside[-1]:
        runs[0] = np.concatenate([runs.pop(), runs[0][1:]])
    return runs


def clip_segment(a: np.ndarray, b: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray] | None:
    """The part of the segment from ``a`` to ``b`` inside the square ``|w|_inf <= radius`` (Liang-Barsky), or None."""
    low, high = 0.0, 1.0
    d = b - a
    for k in (0, 1):
        for p, q in ((-d[k], a[k] + radius), (d[k], radius - a[k])):
            if p == 0:
                if q < 0:
                    return None
                continue
            r = q / p
            if p < 0:
                low = max(low, r)
            else:
                high = min(high, r)
    if low >= high:
        return None
    return a + low * d, a + high * d


def outline_pieces(vertices: np.ndarray, radius: float) -> list[np.ndarray]:
    """The closed polygon ``vertices`` cut to the square ``|w|_inf <= radius``: the runs of its outline inside."""
    runs: list[np.ndarray] = []
    for a, b in zip(vertices, np.roll(vertices, -1, axis=0)):
        piece = clip_segment(a, b, radius)
        if piece is None:
            continue
        if runs and np.allclose(runs[-1][-1], piece[0], rtol=0, atol=1e-12 * radius):
            runs[-1] = np.vstack([runs[-1], piece[1:]])
        else:
            runs.append(np.vstack(piece))
    if len(runs) > 1 and np.allclose(runs[-1][-1], runs[0][0], rtol=0, atol=1e-12 * radius):
        runs[0] = np.vstack([runs.pop(), runs[0][1:]])  # the run through the first vertex goes on round it
    return runs


def clip_to_square(vertices: np.ndarray, radius: float) -> np.ndarray:
    """The convex polygon ``vertices`` cut to the square ``|w|_inf <= radius`` (Sutherland-Hodgman)."""
    points = [np.asarray(v, dtype=float) for v in vertices]
    for k in (0, 1):
        for sign in (1.0, -1.0):
            kept: list[np.ndarray] = []
            for j, b in enumerate(points):
                a = points[j - 1]
                a_in, b_in = sign * a[k] <= radius, sign * b[k] <= radius
                if a_in != b_in:
                    f = (sign * radius - a[k]) / (b[k] - a[k])
                    kept.append(a + f * (b - a))
                if b_in:
                    kept.append(b)
            points = kept
            if not points:
                return np.zeros((0, 2))
    return np.array(points)


class PenaltyBalls(PlaneAndPanel, ExplainerScene):
    """Contours of a quadratic loss meeting the L1 diamond and the L2 disc; both solution paths."""

    scene_name = "regularization"
    key_beat = "l1-corner"
    story: RegularizationStory
    PANEL_BUFF = 0.22

    # -- layout --------------------------------------------------------------------------------------

    def layout(self) -> None:
        """The plane left of its panel in 16:9; above it in square and portrait frames (in a square one, with
        :data:`SQUARE_PANEL_HEIGHT` kept for the panel).
        """
        super().layout()
        frame = style.frame()
        self.stacked = not frame.landscape
        if frame.square:
            top = style.content_top() - 0.1
            bottom = style.caption_top() + 0.1
            gap = 0.5 * self.PANEL_GAP  # every tenth of a unit counts in a square frame
            self.plane_side = top - bottom - gap - SQUARE_PANEL_HEIGHT
            self.plane_center = np.array([0.0, top - self.plane_side / 2, 0.0])
            self.panel_top = top - self.plane_side - gap
            self.text_panel.top = self.panel_top

    def flow(self, *rows: Any, buff: float) -> list[Any]:
        """``rows`` packed into lines as wide as the panel (a panel below the plane is wide and short): each
        row keeps its own line in 16:9; below the plane, rows follow each other on a line while they fit.
        """
        if not self.stacked:
            return list(rows)
        lines: list[list[Any]] = []
        width = 0.0
        room = self.panel_right - self.panel_left
        for row in rows:
            if lines and width + FLOW_GAP + row.width <= room:
                lines[-1].append(row)
                width += FLOW_GAP + row.width
            else:
                lines.append([row])
                width = row.width
        return [line[0] if len(line) == 1 else VGroup(*line).arrange(RIGHT, buff=FLOW_GAP) for line in lines]

    def note_lines(self, lines: list[str], size: float, color: Any) -> list[Any]:
        """A note's lines of text; below the plane (a wide panel) neighbouring lines join while they fit."""
        if self.stacked:
            room = self.panel_right - self.panel_left
            joiner = "" if self.lang == "zh" else " "
            joined: list[str] = []
            for line in lines:
                if joined and style.text(joined[-1] + joiner + line, size=size).width <= room:
                    joined[-1] = joined[-1] + joiner + line
                else:
                    joined.append(line)
            lines = joined
        return [style.text(line, size=size, color=color) for line in lines]

    # -- builders ------------------------------------------------------------------------------------

    def to_scene(self, w: Any) -> np.ndarray:
        return np.asarray(self.plane.c2p(float(w[0]), float(w[1])), dtype=float)

    def build_plane(self) -> VGroup:
        s = self.story
        self.layout()
        self.plane = self.square_plane(s.view_radius, s.grid_step)
        self.plane.set_z_index(-2)
        corner = self.to_scene((s.view_radius, -s.view_radius))
        self.axis_names = VGroup(
            style.math("w_1", size=style.LABEL_SIZE).next_to(self.to_scene((s.view_radius, 0)), UP + LEFT, buff=0.1),
            style.math("w_2", size=style.LABEL_SIZE).next_to(self.to_scene((0, s.view_radius)), DOWN + RIGHT, buff=0.1),
        )
        for name in self.axis_names:
            name.add_background_rectangle(opacity=0.8, buff=0.04)
        self.grid_note = style.text(self.tr(f"grid {fmt(s.grid_step)}", f"网格间距 {fmt(s.grid_step)}"),
                                    size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        self.grid_note.next_to(corner, UP + LEFT, buff=0.1).add_background_rectangle(opacity=0.8, buff=0.04)
        return VGroup(self.plane, self.axis_names, self.grid_note)

    def contour(self, level: float, color: Any = CONTOUR_COLOR, width: float = 2.5, opacity: float = 0.7) -> VGroup:
        """The loss's level set ``L(w) = level`` as drawn pieces inside the plane's square (``.level`` kept)."""
        s = self.story
        group = VGroup()
        for piece in ellipse_pieces(s.optimum, s.ellipse_axes, level, s.view_radius):
            curve = VMobject(color=color, stroke_width=width, stroke_opacity=opacity)
            curve.set_points_smoothly([self.to_scene(p) for p in piece]) if len(piece) > 3 else \
                curve.set_points_as_corners([self.to_scene(p) for p in piece])
            curve.is_curve = True
            group.add(curve)
        group.level = level
        # Over the grid (-2), under the names, dots and their backgrounds: created after the axis names and w*,
        # a contour was drawn across them.
        group.set_z_index(-1)
        return group

    def ball(self, penalty: str, radius: float) -> VMobject:
        """The ball ``||w|| <= radius``: the L1 diamond or the L2 disc (a dot when the radius is 0)."""
        color = PENALTY_COLORS[penalty]
        view = self.story.view_radius
        if penalty == "l1":
            outline = np.array([(radius, 0.0), (0.0, radius), (-radius, 0.0), (0.0, -radius)])
        else:
            t = np.linspace(0.0, 2.0 * math.pi, ELLIPSE_SAMPLES, endpoint=False)
            outline = radius * np.column_stack([np.cos(t), np.sin(t)])
        if radius <= 0:
            mob: VMobject = Dot(self.to_scene((0, 0)), radius=0.06, color=color)
        elif np.max(np.abs(outline)) > view and (pieces := outline_pieces(outline, view)):
            # The ball runs off the plane's square (lam = 0 and w* far out on a diagonal: the diamond's corner
            # reached into the caption band and the panel's readouts): its outline is drawn where it is inside
            # the square, and its fill is the part of it inside the square.
            mob = VMobject(color=color, stroke_width=3.5, fill_opacity=0.0)
            for piece in pieces:
                mob.start_new_path(self.to_scene(piece[0]))
                mob.add_points_as_corners([self.to_scene(p) for p in piece[1:]])
            fill = Polygon(*(self.to_scene(p) for p in clip_to_square(outline, view)), stroke_width=0,
                           fill_color=color, fill_opacity=0.18)
            mob.add(fill)
        elif penalty == "l1":
            mob = Polygon(*(self.to_scene(p) for p in ((radius, 0), (0, radius), (-radius, 0), (0, -radius))),
                          color=color, stroke_width=3.5, fill_opacity=0.18)
        else:
            mob = Circle(radius=radius * self.plane.unit, color=color, stroke_width=3.5, fill_opacity=0.18)
            mob.move_to(self.to_scene((0, 0)))
        mob.penalty, mob.radius = penalty, radius
        mob.set_z_index(-1)  # under the names and dots too (a diamond's corner reached the w_1 name)
        return mob

    def point_dot(self, w: Any, color: Any, label: str | None = None, direction: Any = UP + RIGHT) -> VGroup:
        dot = Dot(self.to_scene(w), radius=0.08, color=color)
        group = VGroup(dot)
        if label is not None:
            text = style.math(label, size=style.LABEL_SIZE, color=color).next_to(dot, direction, buff=0.08)
            text.add_background_rectangle(opacity=0.75, buff=0.04)
            group.add(text)
        group.dot = dot
        return group

    def run_key(self, penalty: str) -> str:
        """Where ``penalty``'s run lives in the story's JSON: ``run`` (the chosen penalty) or ``other``."""
        return "run" if self.story.penalty == penalty else "other"

    def readout(self, label: str, value: float, field: str | None, color: Any = style.SECONDARY_COLOR,
                size: float = style.READOUT_SIZE) -> Readout:
        magnitude = abs(float(value))
        decimals = 3 if magnitude < 100 else 1 if magnitude < 1e4 else 0
        return Readout(label, value, story_field=field, color=color, size=size, decimals=decimals)

    def build_path_plot(self, run: PenaltyRun, width: float, height: float = PATH_PLOT_HEIGHT) -> VGroup:
        """w_1 and w_2 against lam over ``[0, run.path_end]``, with dashed lines where they become exactly 0."""
        lams = np.array([p.lam for p in run.path])
        ws = np.array([p.w for p in run.path])
        top = float(np.max(np.abs(ws))) * 1.1 or 1.0
        axes = style.make_axes([0, run.path_end, run.path_end], [-top, top, top], width, height, numbers=False,
                               axis_config={"include_ticks": False, "stroke_opacity": 0.0})
        frame = Rectangle(width=width, height=height, color=style.MUTED_COLOR, stroke_width=1.2)
        frame.move_to(axes.get_center())
        zero = DashedLine(axes.c2p(0, 0), axes.c2p(run.path_end, 0), color=style.MUTED_COLOR, stroke_width=1.2)
        curves = VGroup()
        for i in (0, 1):
            curve = VMobject(color=W_COLORS[i], stroke_width=3.5)
            curve.set_points_as_corners([axes.c2p(lam, w) for lam, w in zip(lams, ws[:, i])])
            curve.is_curve = True
            curves.add(curve)
        markers = VGroup()
        for i, lam0 in enumerate(run.zero_at):
            if lam0 is not None and 0 < lam0 <= run.path_end:
                markers.add(DashedLine(axes.c2p(lam0, -top), axes.c2p(lam0, top), color=W_COLORS[i], stroke_width=2))
        name = style.text(run.penalty.upper(), size=style.LABEL_SIZE, color=PENALTY_COLORS[run.penalty])
        name.next_to(frame, LEFT, buff=0.12)
        lam_end = style.text(f"λ = {fmt(run.path_end)}", size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        lam_end.next_to(frame, DOWN, buff=0.06).align_to(frame, RIGHT)
        group = VGroup(axes, frame, zero, curves, markers, name, lam_end)
        group.axes, group.curves, group.markers, group.run = axes, curves, markers, run
        return group

    # -- the video -----------------------------------------------------------------------------------

    def show_panel(self, *rows: Any, buff: float | None = None) -> VGroup:
        if self.stacked:
            column = self.panel_column(*self.flow(*rows, buff=FLOW_GAP), top=self.panel_top, buff=FLOW_LINE_GAP)
            # Rows too wide to share a line stack up: a column that would reach into the caption band shrinks
            # about its top left corner (square, w* = (-1000, -1000) and lam = 0: H's 10^-6 factor and the
            # four-digit weights left each row a line of its own, and L(w_lambda) went 0.37 into the band).
            room = self.panel_top - style.caption_top() - PANEL_FOOT_GAP
            if column.height > room:
                column.scale(room / column.height, about_point=column.get_corner(UP + LEFT))
            return column
        column = self.panel_column(*rows, top=self.panel_top, buff=buff)
        return column

    def construct(self) -> None:
        s = self.story
        run = s.run
        pen = s.penalty
        pen_name = pen.upper()
        color = PENALTY_COLORS[pen]

        self.beat("loss-contours", en="The loss (w − w*)ᵀ H (w − w*) is a bowl: its contours are ellipses around w*.",
                  zh="损失 (w − w*)ᵀ H (w − w*) 是一个碗：它的等高线是围绕 w* 的椭圆。")
        self.build_plane()
        self.contours = VGroup(*(self.contour(level) for level in s.contour_levels))
        # w*'s name on its side away from the origin: the solution paths run from w* towards it (from w* at
        # (-1000, -1000) the L1 path ran up and right across a name placed up and right)
        away = (RIGHT if s.optimum[0] >= 0 else LEFT) + (UP if s.optimum[1] >= 0 else DOWN)
        self.optimum_dot = self.point_dot(s.optimum, style.SECONDARY_COLOR, "w^*", away)
        formula = style.math("L(w) = (w - w^*)^T H (w - w^*)")
        h_row = VGroup(style.math(f"H = {typst_matrix(s.hessian)}"),
                       style.math(f"w^* = vec({fmt(s.optimum[0])}, {fmt(s.optimum[1])})")).arrange(RIGHT, buff=0.5)
        self.panel_rows = self.show_panel(formula, h_row)
        self.play(FadeIn(self.plane), FadeIn(self.axis_names), FadeIn(self.grid_note), FadeIn(formula), run_time=0.8)
        self.play(Create(self.contours), FadeIn(self.optimum_dot), FadeIn(h_row), run_time=1.4)
        self.wait(1.0)

        norm = "||w||_1" if pen == "l1" else "||w||_2^2"
        shape = "diamond" if pen == "l1" else "disc"
        shape_zh = "菱形" if pen == "l1" else "圆盘"
        self.beat("penalty-ball", en=f"Add λ{'‖w‖₁' if pen == 'l1' else '‖w‖₂²'}: the {pen_name} ball of radius "
                                     f"t = {fmt(run.ball_radius)} is a {shape}.",
                  # no norm bars in Chinese: the CJK font spaces them out (see the norms scene)
                  zh=f"加上 λ 乘以{'L1 范数' if pen == 'l1' else 'L2 范数的平方'}：半径 t = {fmt(run.ball_radius)} 的 "
                     f"{pen_name} 球是一个{shape_zh}。")
        objective = style.math(f"L(w) + lambda {norm}", color=color)
        self.lam_readout = self.readout("lambda", s.lam, "lam", color)
        self.radius_readout = self.readout(f"t = {'||w_lambda||_1' if pen == 'l1' else '||w_lambda||_2'}",
                                           run.ball_radius, "run.ball_radius", color)
        row = VGroup(self.lam_readout, self.radius_readout).arrange(RIGHT, buff=0.5)
        self.main_ball = self.ball(pen, run.ball_radius)
        self.show_panel(formula, h_row, objective, row)
        self.play(FadeIn(objective), FadeIn(row), self.contours.animate.set_stroke(opacity=0.3), run_time=0.8)
        self.play(Create(self.main_ball), run_time=1.0)
        self.wait(1.0)

        self.beat("first-touch", en=self.touch_caption("en"), zh=self.touch_caption("zh"))
        self.touch_contour = self.contour(run.touch_level, TOUCH_COLOR, width=4, opacity=1.0)
        self.play_growing_contour(run.touch_level, 2.0)
        side = self.label_side(run.solution)
        self.solution_dot = self.point_dot(run.solution, TOUCH_COLOR, "w_lambda", side)
        if overlaps(self.solution_dot[1], self.optimum_dot[1]):
            # lam = 0 (or nearly): w_lambda is w*; its label goes to the other side of the dot
            self.solution_dot = self.point_dot(run.solution, TOUCH_COLOR, "w_lambda", -side)
        self.solution_readouts = VGroup(
            self.readout("w_1", run.solution[0], "solution.0", W_COLORS[0]),
            self.readout("w_2", run.solution[1], "solution.1", W_COLORS[1]),
        ).arrange(RIGHT, buff=0.5)
        self.touch_readout = self.readout("L(w_lambda)", run.touch_level, "run.touch_level", TOUCH_COLOR)
        self.show_panel(formula, h_row, objective, row, self.solution_readouts, self.touch_readout)
        self.play(FadeIn(self.solution_dot), FadeIn(self.solution_readouts), FadeIn(self.touch_readout), run_time=0.8)
        self.play(Flash(self.solution_dot.dot, color=TOUCH_COLOR), run_time=0.6)
        self.wait(1.5)

        self.beat("l1-corner", en=self.corner_caption("en"), zh=self.corner_caption("zh"))
        keep = [self.plane, self.axis_names, self.grid_note, self.contours, self.optimum_dot]
        gone = [m for m in self.mobjects if m not in keep and not getattr(m, "caption", False)]
        self.play(*(FadeOut(m) for m in gone), run_time=0.5)
        self.show_corner()
        self.wait(2.0)

        l1, l2 = s.runs()["l1"], s.runs()["l2"]
        self.beat("solution-path", en=self.path_caption("en"), zh=self.path_caption("zh"))
        gone = [m for m in self.mobjects if m not in keep and not getattr(m, "caption", False)]
        self.play(*(FadeOut(m) for m in gone), run_time=0.5)
        panel_width = self.panel_right - self.panel_left
        if self.stacked:  # the two plots side by side, each with its name at its left
            plot_width = (panel_width - 2 * 0.75 - FLOW_GAP) / 2
            self.path_plots = VGroup(*(self.build_path_plot(r, plot_width, PATH_PLOT_HEIGHT * 0.8) for r in (l1, l2)))
        else:
            self.path_plots = VGroup(*(self.build_path_plot(r, panel_width - 0.75) for r in (l1, l2)))
        legend = VGroup(style.math("w_1", color=W_COLORS[0]), style.math("w_2", color=W_COLORS[1]),
                        style.text(self.tr("against λ from 0", "随 λ 从 0 增大"), size=style.SMALL_SIZE,
                                   color=style.MUTED_COLOR)
                        ).arrange(RIGHT, buff=0.35)
        zero_from = self.tr('w_{i} = 0 "from" lambda', 'w_{i} "归零于" lambda')
        self.zero_readouts = VGroup(*(
            self.readout(zero_from.format(i=i + 1), at, f"{self.run_key('l1')}.zero_at.{i}", W_COLORS[i],
                         size=style.SMALL_SIZE + 4)
            for i, at in enumerate(l1.zero_at) if at is not None
        )).arrange(RIGHT, buff=0.4)
        never = style.text(self.tr("L2: never exactly 0, only smaller", "L2：从不恰好为 0，只是变小"),
                           size=style.SMALL_SIZE, color=L2_COLOR)
        if self.stacked:
            plots = VGroup(*self.path_plots).arrange(RIGHT, buff=FLOW_GAP)
            self.panel_column(legend, plots, *self.flow(self.zero_readouts, never, buff=FLOW_GAP),
                              top=self.panel_top, buff=0.22)
        else:
            rows = [legend, self.path_plots[0], self.zero_readouts, self.path_plots[1], never]
            self.panel_column(*rows, top=self.panel_top, buff=0.22)
        # the plots' names sit left of their frames: keep the frames' left edges clear of the panel's edge
        for plot in self.path_plots if not self.stacked else self.path_plots[:1]:
            plot.shift((self.panel_left + plot[5].width + 0.15 - plot[1].get_left()[0]) * RIGHT)
        if self.stacked:
            self.path_plots[1].next_to(self.path_plots[0], RIGHT, buff=FLOW_GAP)
        self.plane_paths = VGroup()
        for r in (l1, l2):
            curve = VMobject(color=PENALTY_COLORS[r.penalty], stroke_width=4)
            curve.set_points_as_corners([self.to_scene(p.w) for p in r.path])
            curve.is_curve = True
            curve.run = r
            self.plane_paths.add(curve)
        self.play(FadeIn(legend), *(FadeIn(VGroup(p[0], p[1], p[2], p[5], p[6])) for p in self.path_plots), run_time=0.8)
        self.play(*(Create(c) for c in self.plane_paths), *(Create(p.curves) for p in self.path_plots),
                  run_time=3.0, rate_func=linear)
        self.end_dots = VGroup(*(self.point_dot(r.path[-1].w, PENALTY_COLORS[r.penalty]) for r in (l1, l2)))
        self.play(*(Create(p.markers) for p in self.path_plots), FadeIn(self.zero_readouts), FadeIn(never),
                  FadeIn(self.end_dots), run_time=1.0)
        self.wait(2.5)

    def label_side(self, w: Any) -> Any:
        """A point's label goes on its side away from w* (so it never covers w*'s dot); at w* itself, away from 0."""
        away = np.asarray(w, dtype=float) - self.story.optimum
        if not np.any(np.abs(away) > 1e-9 * self.story.view_radius):
            away = np.asarray(w, dtype=float)
        horizontal = RIGHT if away[0] >= 0 else LEFT
        vertical = UP if away[1] >= 0 else DOWN
        return horizontal + vertical

    def play_growing_contour(self, level: float, seconds: float) -> None:
        """A contour grows from w* (level 0) to ``level``, then stays as ``self.touch_contour``."""
        growing = self.contour(1e-12 * max(level, 1.0), TOUCH_COLOR, width=4, opacity=1.0)
        self.add(growing)

        def update(mob: Any, alpha: float) -> None:
            # grow in sqrt(level): the ellipse's size grows linearly in time
            mob.become(self.contour((alpha * math.sqrt(level)) ** 2 if alpha > 0 else 1e-12, TOUCH_COLOR, width=4,
                                    opacity=1.0))

        if level > 0:
            self.play(UpdateFromAlphaFunc(growing, update), run_time=seconds, rate_func=linear)
        self.remove(growing)
        self.add(self.touch_contour)

    def show_corner(self) -> None:
        """The L1 diamond touched at a corner (a weight exactly 0), or why no corner is touched here."""
        s = self.story
        corner = s.corner
        objective = style.math("L(w) + lambda ||w||_1", color=L1_COLOR)
        if corner is None:
            l1 = s.runs()["l1"]
            both = l1.zero_at[0]
            self.corner_ball = self.ball("l1", l1.ball_radius)
            self.corner_contour = self.contour(l1.touch_level, TOUCH_COLOR, width=4, opacity=1.0)
            lines = (["这里等高线在菱形的边上", "与它相遇：两个权重一起缩小，", f"并在 λ = {fmt(both)} 时同时变为 0。"]
                     if self.lang == "zh" else
                     ["Here the contours meet the diamond", "on an edge: both weights shrink",
                      f"and reach 0 together at λ = {fmt(both)}."])
            notes = VGroup(*self.note_lines(lines, style.LABEL_SIZE, style.SECONDARY_COLOR)).arrange(DOWN, aligned_edge=LEFT,
                                                                                                 buff=0.12)
            self.corner_dot = self.point_dot(l1.solution, TOUCH_COLOR)
            self.show_panel(objective, notes)
            self.play(FadeIn(objective), Create(self.corner_ball), run_time=0.8)
            self.play(Create(self.corner_contour), FadeIn(self.corner_dot), FadeIn(notes), run_time=1.0)
            return
        zero = corner.zero_index
        self.corner_ball = self.ball("l1", corner.ball_radius)
        self.corner_contour = self.contour(corner.touch_level, TOUCH_COLOR, width=4, opacity=1.0)
        side = self.label_side(corner.w)
        self.corner_dot = self.point_dot(corner.w, TOUCH_COLOR, "w_lambda", side)
        if overlaps(self.corner_dot[1], self.optimum_dot[1]):
            self.corner_dot = self.point_dot(corner.w, TOUCH_COLOR, "w_lambda", -side)
        readouts = VGroup(
            self.readout("lambda", corner.lam, "corner.lam", L1_COLOR),
            self.readout("w_1", corner.w[0], "corner.w.0", W_COLORS[0]),
            self.readout("w_2", corner.w[1], "corner.w.1", W_COLORS[1]),
        ).arrange(RIGHT, buff=0.45)
        w = "w₁" if zero == 0 else "w₂"
        if self.lang == "zh":
            said = [f"{w} 恰好为 0：等高线最先", "碰到的是菱形的一个角。"]
            why = ["角都在坐标轴上，而在一整段", "λ 范围内椭圆都最先碰到角：", "权重因此稀疏。"]
        else:
            said = [f"{w} is exactly 0: the contour", "first touches the diamond at a corner."]
            why = ["Corners sit on the axes, and an ellipse", "reaches a corner first for a whole", "range of λ: sparse weights."]
        notes = VGroup(*self.note_lines(said, style.LABEL_SIZE, TOUCH_COLOR),
                       *self.note_lines(why, style.SMALL_SIZE + 2, style.MUTED_COLOR)).arrange(DOWN, aligned_edge=LEFT,
                                                                                                 buff=0.1)
        self.corner_readouts = readouts
        self.show_panel(objective, readouts, notes, buff=0.3)
        self.play(FadeIn(objective), FadeIn(readouts), Create(self.corner_ball), run_time=0.9)
        self.play(Create(self.corner_contour), run_time=1.0)
        self.play(FadeIn(self.corner_dot), FadeIn(notes), run_time=0.8)
        self.play(Flash(self.corner_dot.dot, color=TOUCH_COLOR), run_time=0.6)

    # -- captions ----------------------------------------------------------------------------------

    def touch_caption(self, lang: str) -> str:
        s = self.story
        run = s.run
        if s.lam == 0:
            return ("λ = 0: no penalty, and the answer is w* itself." if lang != "zh"
                    else "λ = 0：没有惩罚，答案就是 w* 本身。")
        if run.ball_radius == 0:
            return (f"λ = {fmt(s.lam)} is past λ_max = {fmt(s.lam_max)}: both weights are exactly 0." if lang != "zh"
                    else f"λ = {fmt(s.lam)} 超过 λ_max = {fmt(s.lam_max)}：两个权重都恰好为 0。")
        if lang == "zh":
            return "从 w* 放大等高线，它第一次碰到球的地方就是正则化后的最小点。"
        return "Grow a contour from w*: where it first touches the ball is the regularised minimiser."

    def corner_caption(self, lang: str) -> str:
        corner = self.story.corner
        if corner is None:
            return ("No corner here: the contours meet the L1 diamond on an edge." if lang != "zh"
                    else "这里没有角：等高线在边上碰到 L1 菱形。")
        w = "w₁" if corner.zero_index == 0 else "w₂"
        if lang == "zh":
            return f"λ = {fmt(corner.lam)} 时 L1 菱形在角上被碰到：{w} 恰好为 0。"
        return f"At λ = {fmt(corner.lam)} the L1 diamond is touched at a corner: {w} is exactly 0."

    def path_caption(self, lang: str) -> str:
        l1 = self.story.runs()["l1"]
        last = max(v for v in l1.zero_at if v is not None)
        if lang == "zh":
            return f"λ 从 0 增大：L2 平滑收缩，L1 让权重恰好变成 0（λ = {fmt(last)} 时全部为 0）。"
        return f"As λ grows, L2 shrinks smoothly; L1 zeroes weights exactly (all by λ = {fmt(last)})."
