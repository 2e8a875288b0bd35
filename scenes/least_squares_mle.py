"""Fitting a line is maximum likelihood under Gaussian noise: the ``least_squares_mle`` explainer.

Beats: noisy points drawn from the true line (noisy-points); a candidate line
with its residuals (candidate-residuals); each point's Gaussian likelihood as
a bell standing along the vertical, centred on the line (likelihood-bells);
the log-likelihood as -SSE / (2 sigma^2) plus a constant (log-likelihood); the
slope swept through the centroid while SSE falls and log L rises, both
turning at the same slope (slope-sweep); the normal equations' answer
(normal-equations); and the estimated noise sigma_hat = sqrt(SSE / n) as a
band around the fit (sigma-estimate).

Every number comes from :func:`mathviz.stories.least_squares_mle.least_squares_story`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    LinearBase,
    ParametricFunction,
    Polygon,
    Rectangle,
    Transform,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    linear,
)

from mathviz.stories.least_squares_mle import BELL_WIDTH, LeastSquaresStory, LineScore
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.graph import clip_segment, nice_ticks
from mathviz_scenes.components.layout import overlaps, split_frame
from mathviz_scenes.components.numbers import fmt
from mathviz_scenes.components.readout import Readout

__all__ = ["FitAsLikelihood", "caption_number", "readout_decimals"]

POINT_COLOR = style.SECONDARY_COLOR
TRUE_COLOR = style.MUTED_COLOR
CANDIDATE_COLOR = style.SECANT_COLOR
FIT_COLOR = style.TANGENT_COLOR
RESIDUAL_COLOR = style.NEGATIVE_COLOR
BELL_COLOR = style.FUNCTION_COLOR
SSE_COLOR = style.NEGATIVE_COLOR
LIKELIHOOD_COLOR = style.FUNCTION_COLOR
BAND_COLOR = style.TANGENT_COLOR

#: Room left of the scatter plot's box for the y tick numbers, and below it for the x tick numbers.
Y_NUMBERS_ROOM = 1.05
X_NUMBERS_ROOM = 0.55
#: Gap between the right edge of the panel (and of a plot box filling the frame's width) and the safe edge.
RIGHT_GAP = 0.2
#: Height of each sweep plot (SSE(a), log L(a)) and the gap between them.
SWEEP_PLOT_HEIGHT = 1.15
SWEEP_PLOT_GAP = 0.25
#: Room under the sweep plots for the slope's name.
SLOPE_NAME_ROOM = 0.45
#: Gap between the two columns of a panel that overflows.
PANEL_COLUMN_GAP = 0.4
#: Bells cover the line's value +- this many sigma.
BELL_SIGMAS = 3.0


def caption_number(value: float) -> str:
    """A story number in a caption: :func:`fmt`, but tiny values keep three significant digits (1e-6 is not 0)."""
    value = float(value)
    if value != 0 and abs(value) < 1e-3:
        return f"{value:.3g}"
    return fmt(value)


def readout_decimals(value: float) -> int:
    """Decimals that show about three significant digits of ``value`` (0 for large values, at most 12)."""
    magnitude = abs(float(value))
    if magnitude == 0 or not math.isfinite(magnitude):
        return 3
    return int(min(12, max(0, 2 - math.floor(math.log10(magnitude)))))


class FitAsLikelihood(ExplainerScene):
    """Noisy points, residuals, Gaussian bells, the log-likelihood, a slope sweep, the normal equations, sigma_hat."""

    scene_name = "least_squares_mle"
    key_beat = "slope-sweep"
    story: LeastSquaresStory
    panel_mobs: list[Any]

    # -- builders ----------------------------------------------------------------------------------------

    def layout(self) -> None:
        """Where the scatter plot's box and the panel go in this frame.

        16:9: the plot's box fills the left half of the frame, the panel the right half. Square and
        portrait: the plot spans the frame's width at the top, the panel is below it (see
        :func:`~mathviz_scenes.components.layout.split_frame`); in portrait the plot is about square.
        """
        f = self.frame_box = style.frame()
        self.left_edge = f.left
        self.right_edge = f.right - RIGHT_GAP
        if f.landscape:
            #: The scatter plot's box (scene units): left, bottom, right, top; tick numbers sit outside it.
            self.plot_area = (self.left_edge + Y_NUMBERS_ROOM, f.bottom + X_NUMBERS_ROOM, 0.0, f.top - 0.45)
            self.panel_left = self.plot_area[2] + 0.45
            self.panel_top = f.top - 0.2
            self.stacked = False
            return
        # the plot about square in portrait (its box is as tall as wide), 55% of the height in a square frame
        plot_height = (self.right_edge - self.left_edge - Y_NUMBERS_ROOM) if f.portrait else 0.55 * f.content_height
        split = split_frame(panel_height=f.content_height - plot_height - 0.3, gap=0.3)
        self.plot_area = (split.plot.left + Y_NUMBERS_ROOM, split.plot.bottom + X_NUMBERS_ROOM, self.right_edge,
                          split.plot.top - 0.1)
        self.panel_left = split.panel.left + 0.1
        self.panel_top = split.panel.top
        self.stacked = True

    def panel_floor(self) -> float:
        """The lowest a panel row may reach: just above the caption band."""
        return style.caption_top() + 0.1

    def note(self, en: str, zh: str, color: Any = style.MUTED_COLOR) -> Any:
        """A small line of words in the scene's language."""
        return style.text(self.tr(en, zh), size=style.SMALL_SIZE, color=color)

    def readout(self, label: str, value: float, field: str | None, color: Any = style.SECONDARY_COLOR,
                decimals: int | None = None, size: float = style.READOUT_SIZE) -> Readout:
        return Readout(label, value, story_field=field, color=color, size=size,
                       decimals=readout_decimals(value) if decimals is None else decimals)

    def build_plot(self) -> VGroup:
        """The scatter plot's axes in a box over ``x_view`` x ``y_view`` with round tick numbers outside it."""
        s = self.story
        left, bottom, right, top = self.plot_area
        (x_lo, x_hi), (y_lo, y_hi) = s.x_view, s.y_view
        axes = style.make_axes([x_lo, x_hi, x_hi - x_lo], [y_lo, y_hi, y_hi - y_lo], right - left, top - bottom,
                               numbers=False, axis_config={"include_ticks": False, "stroke_opacity": 0.0})
        axes.shift(np.array([left, bottom, 0.0]) - axes.c2p(x_lo, y_lo))
        box = Rectangle(width=right - left, height=top - bottom, color=style.MUTED_COLOR, stroke_width=1.5)
        box.move_to([(left + right) / 2, (bottom + top) / 2, 0])
        ticks = VGroup()
        numbers = VGroup()
        x_ticks, x_decimals = nice_ticks(x_lo, x_hi, target=5)
        for value in x_ticks:
            x = axes.c2p(value, y_lo)[0]
            ticks.add(Line([x, bottom, 0], [x, bottom + 0.1, 0], color=style.MUTED_COLOR, stroke_width=1.5))
            numbers.add(style.text(f"{value:.{x_decimals}f}", size=style.SMALL_SIZE).next_to([x, bottom, 0], DOWN, buff=0.1))
        y_ticks, y_decimals = nice_ticks(y_lo, y_hi, target=5)
        for value in y_ticks:
            y = axes.c2p(x_lo, value)[1]
            ticks.add(Line([left, y, 0], [left + 0.1, y, 0], color=style.MUTED_COLOR, stroke_width=1.5))
            label = style.text(f"{value + 0.0:.{y_decimals}f}", size=style.SMALL_SIZE)
            if label.width > left - self.left_edge - 0.12:
                label.scale_to_fit_width(left - self.left_edge - 0.12)
            numbers.add(label.next_to([left, y, 0], LEFT, buff=0.1))
        x_name = style.math("x", size=style.LABEL_SIZE).next_to([right, bottom, 0], DOWN, buff=0.1).shift(0.05 * LEFT)
        y_name = style.math("y", size=style.LABEL_SIZE).next_to([left, top, 0], LEFT, buff=0.12).shift(0.1 * DOWN)
        # the tick numbers nearest the names give way to them
        for name in (x_name, y_name):
            for number in list(numbers):
                if overlaps(name, number):
                    numbers.remove(number)
        self.axes = axes
        self.plot_box = box
        self.plot_frame = VGroup(box, ticks, numbers, x_name, y_name)
        return VGroup(axes, self.plot_frame)

    def line_mob(self, slope: float, intercept: float, color: Any, *, stroke_width: float = 4,
                 dashed: bool = False) -> Line:
        """The line ``y = slope x + intercept`` clipped to the plot's window."""
        s = self.story
        (x_lo, x_hi), (y_lo, y_hi) = s.x_view, s.y_view
        a = np.array([x_lo, slope * x_lo + intercept])
        b = np.array([x_hi, slope * x_hi + intercept])
        clipped = clip_segment(a, b, np.array([x_lo, y_lo]), np.array([x_hi, y_hi]))
        if clipped is None:  # the line misses the window: a zero-length line at the edge keeps the group whole
            clipped = (np.array([x_lo, y_lo]), np.array([x_lo, y_lo]))
        start, end = (self.axes.c2p(*p) for p in clipped)
        cls = DashedLine if dashed else Line
        mob = cls(start, end, color=color, stroke_width=stroke_width)
        mob.line = (slope, intercept)
        return mob

    def line_of(self, mob: Line) -> tuple[float, float]:
        """Slope and intercept of a drawn line, read back through the axes."""
        (x0, y0), (x1, y1) = (self.axes.p2c(p)[:2] for p in (mob.get_start(), mob.get_end()))
        slope = (y1 - y0) / (x1 - x0)
        return slope, y0 - slope * x0

    def build_points(self) -> VGroup:
        s = self.story
        radius = 0.07 if s.points <= 60 else 0.045 if s.points <= 200 else 0.03
        self.dots = VGroup(*(Dot(self.axes.c2p(x, y), radius=radius, color=POINT_COLOR) for x, y in zip(s.x, s.y)))
        return self.dots

    def build_residuals(self, line: LineScore, color: Any = RESIDUAL_COLOR) -> VGroup:
        """A vertical segment from each point to ``line``."""
        s = self.story
        segments = VGroup()
        for x, y, r in zip(s.x, s.y, line.residuals):
            segments.add(Line(self.axes.c2p(x, y), self.axes.c2p(x, y - r), color=color,
                              stroke_width=2 if s.points <= 60 else 1, stroke_opacity=0.8))
        return segments

    def bell_scale(self) -> float:
        """Graph x units per unit of density: the tallest bell (at the line) is BELL_WIDTH of the bell points' spacing."""
        s = self.story
        return BELL_WIDTH * s.bell_gap / s.bell_peak

    def build_bells(self, line: LineScore) -> VGroup:
        """At each bell point x_i, the density N(y; line(x_i), sigma^2) drawn sideways: x_i + scale * p(y).

        Each bell keeps ``mean`` (the line's value at x_i) and ``x_base``; a short bar marks the point's own
        density p(y_i), from x_i to the bell at height y_i.
        """
        s = self.story
        scale = self.bell_scale()
        y_lo, y_hi = s.y_view
        bells = VGroup()
        self.density_bars = VGroup()
        for i in s.bell_points:
            x_i = float(s.x[i])
            mean = line.slope * x_i + line.intercept
            lo = max(y_lo, mean - BELL_SIGMAS * s.noise)
            hi = min(y_hi, mean + BELL_SIGMAS * s.noise)
            if hi <= lo:
                continue

            def point(y: float, x_i: float = x_i, mean: float = mean) -> np.ndarray:
                return self.axes.c2p(x_i + scale * s.bell_peak * math.exp(-0.5 * ((y - mean) / s.noise) ** 2), y)

            bell = ParametricFunction(point, t_range=[lo, hi, (hi - lo) / 48], color=BELL_COLOR, stroke_width=3)
            bell.mean, bell.x_base, bell.index = mean, x_i, i
            base = Line(self.axes.c2p(x_i, lo), self.axes.c2p(x_i, hi), color=BELL_COLOR, stroke_width=1.5,
                        stroke_opacity=0.6)
            bells.add(VGroup(bell, base))
            bar = Line(self.axes.c2p(x_i, s.y[i]), self.axes.c2p(x_i + scale * float(line.densities[i]), s.y[i]),
                       color=style.HIGHLIGHT_COLOR, stroke_width=5)
            bar.index = i
            self.density_bars.add(bar)
        self.bells = bells
        return bells

    def build_sweep_plots(self, top: float) -> VGroup:
        """SSE(a) and log L(a) over the sweep's slopes, stacked in the panel from ``top`` down.

        Side by side when stacked they would reach into the caption band (a short panel under the plot).
        """
        s = self.story
        slopes = np.array([line.slope for line in s.sweep])
        width = self.right_edge - self.panel_left - 0.9
        height = SWEEP_PLOT_HEIGHT
        side_by_side = top - 2 * height - SWEEP_PLOT_GAP - SLOPE_NAME_ROOM < self.panel_floor()
        if side_by_side:
            width = (width - 0.9 - SWEEP_PLOT_GAP) / 2
            height = min(height, top - SLOPE_NAME_ROOM - self.panel_floor())
        plots = VGroup()
        self.sweep_axes = []
        self.sweep_curves = []
        self.sweep_dots = []
        for name, values, color in (("SSE", [line.sse for line in s.sweep], SSE_COLOR),
                                    ("log L", [line.log_likelihood for line in s.sweep], LIKELIHOOD_COLOR)):
            lo, hi = min(values), max(values)
            pad = 0.08 * (hi - lo) if hi > lo else 1.0
            # the value axis is laid out in units of its span (Manim's number line collapses to a point over a span
            # like 1e19, log L under tiny noise), and its scaling maps story values to them: c2p/p2c take story values
            span = hi - lo + 2 * pad
            axes = style.make_axes([slopes[0], slopes[-1], slopes[-1] - slopes[0]], [(lo - pad) / span, (hi + pad) / span, 1.0],
                                   width, height, numbers=False,
                                   axis_config={"include_ticks": False, "stroke_opacity": 0.0},
                                   y_axis_config={"scaling": LinearBase(span)})
            frame = Rectangle(width=width, height=height, color=style.MUTED_COLOR, stroke_width=1.2)
            curve = VMobject(color=color, stroke_width=3.5)
            curve.set_points_as_corners([axes.c2p(a, v) for a, v in zip(slopes, values)])
            curve.is_curve = True
            name_mob = style.math("log L" if name == "log L" else "\"SSE\"", size=style.SMALL_SIZE + 2, color=color)
            group = VGroup(axes, frame, curve)
            frame.move_to(axes.get_center())
            name_mob.next_to(frame, LEFT, buff=0.12)
            dot = Dot(axes.c2p(slopes[0], values[0]), radius=0.07, color=style.HIGHLIGHT_COLOR)
            plots.add(VGroup(group, name_mob))
            self.sweep_axes.append(axes)
            self.sweep_curves.append(curve)
            self.sweep_dots.append(dot)
        if side_by_side:
            plots.arrange(RIGHT, buff=SWEEP_PLOT_GAP, aligned_edge=DOWN)
        else:
            plots.arrange(DOWN, buff=SWEEP_PLOT_GAP, aligned_edge=RIGHT)
        plots.next_to([self.right_edge, top, 0], DOWN, buff=0, aligned_edge=RIGHT)
        # dots follow their axes after the arrangement
        for k, axes in enumerate(self.sweep_axes):
            values = [line.sse for line in s.sweep] if k == 0 else [line.log_likelihood for line in s.sweep]
            self.sweep_dots[k].move_to(axes.c2p(slopes[0], values[0]))
        best = s.sweep_best
        if side_by_side:  # a dashed line up each plot at the best slope
            self.peak_segments = [(DashedLine(axes.c2p(slopes[best], axes.y_axis.x_min),
                                              axes.c2p(slopes[best], axes.y_axis.x_max),
                                              color=FIT_COLOR, stroke_width=2), axes) for axes in self.sweep_axes]
        else:  # one dashed line through both plots
            bottom = self.sweep_axes[1].c2p(slopes[best], self.sweep_axes[1].y_axis.x_min)
            top_point = self.sweep_axes[0].c2p(slopes[best], self.sweep_axes[0].y_axis.x_max)
            self.peak_segments = [(DashedLine(bottom, top_point, color=FIT_COLOR, stroke_width=2), self.sweep_axes[0])]
        self.peak_line = VGroup(*(line for line, _ in self.peak_segments))
        self.slope_name = style.math(self.tr('"slope" a', '"斜率" a'), size=style.SMALL_SIZE + 2, color=style.MUTED_COLOR)
        self.slope_name.next_to(plots, DOWN, buff=0.1).align_to(plots, RIGHT)
        self.sweep_plots = plots
        return VGroup(plots, self.peak_line, self.slope_name)

    def sweep_value(self, k: int, index: int) -> float:
        line = self.story.sweep[index]
        return line.sse if k == 0 else line.log_likelihood

    # -- the video -----------------------------------------------------------------------------------------

    def panel(self, *rows: Any, buff: float = 0.25, optional: tuple[Any, ...] = ()) -> VGroup:
        """``rows`` stacked ``buff`` apart from the panel's top; a row wider than the panel is shrunk alone.

        When the column is taller than the panel (a panel under the plot), the ``optional`` rows (a
        reminder such as the model, shown in an earlier beat) leave first and stay out for the rest of
        the video; if it is still too tall, the rows flow into two columns side by side.
        """
        width = self.right_edge - self.panel_left
        room = self.panel_top - self.panel_floor()
        rows_left = [row for row in rows if row not in self.dropped_rows]
        for row in rows_left:
            if row.width > width:
                row.scale_to_fit_width(width)

        def height(group: list[Any]) -> float:
            return sum(m.height for m in group) + buff * (len(group) - 1)

        for row in optional:
            if height(rows_left) <= room:
                break
            if row in rows_left:
                rows_left.remove(row)
                self.dropped_rows.append(row)
                if row in self.mobjects:
                    self.play(FadeOut(row), run_time=0.4)
                    self.remove(row)
        column = VGroup(*rows_left).arrange(DOWN, aligned_edge=LEFT, buff=buff)
        column.next_to([self.panel_left, self.panel_top, 0], DOWN, buff=0, aligned_edge=LEFT)
        if column.height > room:  # two columns: the first as many rows as fit, the rest to its right
            half = (width - PANEL_COLUMN_GAP) / 2
            first: list[Any] = []
            for row in rows_left:
                if row.width > half:
                    row.scale_to_fit_width(half)
            for row in rows_left:
                if height([*first, row]) > room and first:
                    break
                first.append(row)
            second = rows_left[len(first):]
            # a second column taller than the room shrinks alone (gaps kept) to reach no lower than the floor
            if second and height(second) > room:
                factor = (room - buff * (len(second) - 1)) / sum(m.height for m in second)
                for row in second:
                    row.scale(factor)
            for x, rows_in_column in ((self.panel_left, first), (self.panel_left + half + PANEL_COLUMN_GAP, second)):
                top = self.panel_top
                for row in rows_in_column:
                    row.next_to([x, top, 0], DOWN + RIGHT, buff=0)
                    top -= row.height + buff
        return column

    def clear_panel(self, *keep: Any) -> None:
        gone = [m for m in self.panel_mobs if m not in keep]
        if gone:
            self.play(*(FadeOut(m) for m in gone), run_time=0.5)
        self.panel_mobs = list(keep)

    def construct(self) -> None:
        s = self.story
        n = s.points
        self.panel_mobs = []
        self.dropped_rows: list[Any] = []
        self.layout()

        a, b, sigma = (caption_number(v) for v in (s.true_line.slope, s.true_line.intercept, s.noise))
        self.beat("noisy-points", en=f"{n} points from the line y = {a} x + {b}, plus Gaussian noise of size σ = {sigma}.",
                  zh=f"{n} 个点：直线 y = {a} x + {b} 加上标准差 σ = {sigma} 的高斯噪声。")
        self.build_plot()
        self.true_line = self.line_mob(s.true_line.slope, s.true_line.intercept, TRUE_COLOR, stroke_width=3, dashed=True)
        self.build_points()
        model = style.math("y_i = a x_i + b + sigma epsilon_i, quad epsilon_i tilde.op cal(N)(0, 1)")
        truth = VGroup(
            self.readout("a", s.true_line.slope, "true_line.slope", TRUE_COLOR),
            self.readout("b", s.true_line.intercept, "true_line.intercept", TRUE_COLOR),
            self.readout("sigma", s.noise, "noise", TRUE_COLOR),
        ).arrange(RIGHT, buff=0.45)
        true_name = self.note("the true line (dashed), unknown to the fit", "真实直线（虚线），拟合时并不知道", TRUE_COLOR)
        self.panel(model, truth, true_name)
        self.play(FadeIn(self.plot_frame), FadeIn(model), run_time=0.8)
        self.play(Create(self.true_line), FadeIn(truth), FadeIn(true_name), run_time=0.8)
        self.play(FadeIn(self.dots, lag_ratio=0.02), run_time=1.2)
        self.panel_mobs = [model, truth, true_name]
        self.wait(1.0)

        cand = s.candidate
        self.beat("candidate-residuals", en="A candidate line misses each point by a residual r_i = y_i − (a x_i + b).",
                  zh="候选直线与每个点相差一个残差 r_i = y_i − (a x_i + b)。")
        self.clear_panel(model)
        self.candidate_line = self.line_mob(cand.slope, cand.intercept, CANDIDATE_COLOR)
        self.residuals = self.build_residuals(cand)
        residual_formula = style.math("r_i = y_i - (a x_i + b)", color=RESIDUAL_COLOR)
        self.candidate_readouts = VGroup(
            self.readout("a", cand.slope, "candidate.slope", CANDIDATE_COLOR),
            self.readout("b", cand.intercept, "candidate.intercept", CANDIDATE_COLOR),
        ).arrange(RIGHT, buff=0.45)
        self.sse_readout = self.readout("\"SSE\" = sum_i r_i^2", cand.sse, "candidate.sse", RESIDUAL_COLOR)
        column = self.panel(model, self.candidate_readouts, residual_formula, self.sse_readout)
        self.play(FadeOut(self.true_line), Create(self.candidate_line), FadeIn(self.candidate_readouts), run_time=0.9)
        self.play(Create(self.residuals, lag_ratio=0.02), FadeIn(residual_formula), run_time=1.0)
        self.play(FadeIn(self.sse_readout), run_time=0.6)
        self.panel_mobs = list(column)
        self.wait(1.2)

        self.beat("likelihood-bells", en="If the noise is Gaussian, each point's likelihood is the bell's height at it.",
                  zh="若噪声是高斯的，每个点的似然就是它所在处钟形曲线的高度。")
        self.clear_panel(model, self.candidate_readouts)
        self.build_bells(cand)
        density = style.math("p(y_i | a, b) = frac(1, sigma sqrt(2 pi)) e^(-r_i^2 \\/ (2 sigma^2))", color=BELL_COLOR)
        note = VGroup(
            self.note("Bells centred on the line, width σ.", "钟形曲线以直线为中心，宽度为 σ。", BELL_COLOR),
            self.note("Yellow: each point's own density;", "黄色：每个点处的概率密度；", style.HIGHLIGHT_COLOR),
            self.note("far from the line it is tiny.", "离直线越远，密度越小。", style.HIGHLIGHT_COLOR),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        column = self.panel(model, self.candidate_readouts, density, note)
        self.play(FadeOut(self.residuals), FadeIn(density), run_time=0.6)
        self.play(Create(self.bells), run_time=1.2)
        # the points whose bells are drawn turn yellow (each is a member of self.dots, animated one by one)
        self.bell_dots = [self.dots[bar.index] for bar in self.density_bars]
        self.play(Create(self.density_bars), *(d.animate.set_color(style.HIGHLIGHT_COLOR) for d in self.bell_dots),
                  FadeIn(note), run_time=0.9)
        self.panel_mobs = list(column)
        self.wait(1.2)

        self.beat("log-likelihood", en="Multiply the likelihoods, take logs: log L = −SSE / (2σ²) + a constant.",
                  zh="把似然相乘再取对数：log L = −SSE / (2σ²) + 常数。")
        self.clear_panel(model, self.candidate_readouts)
        product = style.math("log L = sum_i log p(y_i | a, b)")
        expanded = style.math("= -frac(n, 2) log(2 pi sigma^2) - frac(\"SSE\", 2 sigma^2)")
        self.constant_readout = self.readout("-frac(n, 2) log(2 pi sigma^2)", s.log_likelihood_constant,
                                             "log_likelihood_constant", style.MUTED_COLOR)
        self.sse_readout = self.readout("\"SSE\"", cand.sse, "candidate.sse", SSE_COLOR)
        self.log_l_readout = self.readout("log L", cand.log_likelihood, "candidate.log_likelihood", LIKELIHOOD_COLOR)
        if self.frame_box.square and self.lang != "zh":  # a half-width column: three shorter lines
            same = VGroup(self.note("The constant is the same", "", style.MUTED_COLOR),
                          self.note("for every line: largest", "", style.MUTED_COLOR)).arrange(DOWN, aligned_edge=LEFT,
                                                                                              buff=0.08)
            same2 = self.note("likelihood = smallest SSE.", "", style.HIGHLIGHT_COLOR)
        else:
            same = self.note("The constant is the same for every line:", "常数项对每条直线都相同：", style.MUTED_COLOR)
            same2 = self.note("largest likelihood = smallest SSE.", "似然最大 = SSE 最小。", style.HIGHLIGHT_COLOR)
        column = self.panel(model, self.candidate_readouts, product, expanded, self.constant_readout, self.sse_readout,
                            self.log_l_readout, VGroup(same, same2).arrange(DOWN, aligned_edge=LEFT, buff=0.08),
                            buff=0.2)
        self.play(FadeIn(product), FadeIn(self.residuals), run_time=0.7)
        self.play(FadeIn(expanded), FadeIn(self.constant_readout), run_time=0.8)
        self.play(FadeIn(self.sse_readout), FadeIn(self.log_l_readout), run_time=0.7)
        self.play(FadeIn(column[-1]), run_time=0.6)
        self.panel_mobs = list(column)
        self.wait(1.5)

        self.beat("slope-sweep", en="Turn the line about the centroid: SSE bottoms out exactly where log L peaks.",
                  zh="让直线绕质心转动：SSE 最小处正是 log L 最大处。")
        self.clear_panel(self.candidate_readouts)
        self.play(FadeOut(self.bells), FadeOut(self.density_bars), FadeOut(self.residuals),
                  *(d.animate.set_color(POINT_COLOR) for d in self.bell_dots), run_time=0.4)
        centroid = Dot(self.axes.c2p(*s.centroid), radius=0.08, color=style.HIGHLIGHT_COLOR)
        # decimals for the values the sweep ends on, the fit's
        self.sweep_sse = self.readout("\"SSE\"", cand.sse, "sweep.0.sse", SSE_COLOR, size=style.LABEL_SIZE,
                                      decimals=readout_decimals(s.sse))
        self.sweep_log_l = self.readout("log L", cand.log_likelihood, "sweep.0.log_likelihood", LIKELIHOOD_COLOR,
                                        size=style.LABEL_SIZE, decimals=readout_decimals(s.log_likelihood))
        # side by side while both are short; stacked when a long value (tiny noise: SSE ~ 1e-10) would shrink the row
        row = VGroup(self.sweep_sse, self.sweep_log_l).arrange(RIGHT, buff=0.5)
        if row.width > self.right_edge - self.panel_left:
            row.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        for readout in (self.candidate_readouts[0], self.candidate_readouts[1]):
            readout.story_field = readout.story_field.replace("candidate", "sweep.0")
        column = self.panel(self.candidate_readouts, row)
        plots = self.build_sweep_plots(column.get_bottom()[1] - 0.3)
        self.play(FadeIn(centroid), FadeIn(row), FadeIn(plots[0]), FadeIn(plots[2]), *(FadeIn(d) for d in self.sweep_dots),
                  run_time=0.9)
        self.play_sweep(0, len(s.sweep) - 1, 4.0)
        self.play_sweep(len(s.sweep) - 1, s.sweep_best, 2.0)
        best_label = style.text(f"â = {caption_number(s.fit.slope)}", size=style.SMALL_SIZE, color=FIT_COLOR)
        # under the lower plot's box, never inside a plot (where the sweep's dots and curves run)
        plots_bottom = min(plot[0][1].get_bottom()[1] for plot in self.sweep_plots)
        best_label.next_to([self.peak_segments[-1][0].get_center()[0], plots_bottom, 0], DOWN, buff=0.05)
        if best_label.get_bottom()[1] < style.caption_top() + 0.05 or overlaps(best_label, self.slope_name):
            best_label.next_to(self.sweep_plots[1], RIGHT, buff=0.1).shift(0.3 * UP)
            if best_label.get_right()[0] > self.right_edge:  # the plots reach the frame's edge: left of the slope's name
                best_label.next_to(self.slope_name, LEFT, buff=0.3)
        self.play(Create(self.peak_line), FadeIn(best_label), run_time=0.7)
        self.panel_mobs = [self.candidate_readouts, row, plots, best_label, centroid, *self.sweep_dots]
        self.wait(1.5)

        self.beat("normal-equations", en="Setting the gradient of SSE to zero gives the normal equations, solved exactly.",
                  zh="令 SSE 的梯度为零得到正规方程，可以精确求解。")
        self.clear_panel()
        m, r = s.normal_matrix, s.normal_rhs
        equations = style.math("mat(n, sum x_i; sum x_i, sum x_i^2) vec(b, a) = vec(sum y_i, sum x_i y_i)")
        c = caption_number
        numbers = style.math(f"mat({c(m[0, 0])}, {c(m[0, 1])}; {c(m[1, 0])}, {c(m[1, 1])}) vec(b, a) = "
                             f"vec({c(r[0])}, {c(r[1])})")
        self.fit_readouts = VGroup(
            self.readout("hat(a)", s.fit.slope, "fit.slope", FIT_COLOR),
            self.readout("hat(b)", s.fit.intercept, "fit.intercept", FIT_COLOR),
        ).arrange(RIGHT, buff=0.45)
        self.fit_sse = self.readout("\"SSE\"", s.sse, "sse", SSE_COLOR)
        self.fit_log_l = self.readout("log L", s.log_likelihood, "log_likelihood", LIKELIHOOD_COLOR)
        self.fit_line = self.line_mob(s.fit.slope, s.fit.intercept, FIT_COLOR)
        column = self.panel(equations, numbers, self.fit_readouts, VGroup(self.fit_sse, self.fit_log_l)
                            .arrange(DOWN, aligned_edge=LEFT, buff=0.2), buff=0.3)
        self.play(FadeIn(equations), run_time=0.8)
        self.play(FadeIn(numbers), run_time=0.8)
        self.play(Transform(self.candidate_line, self.fit_line), FadeIn(self.fit_readouts), FadeOut(self.residuals),
                  run_time=1.0)
        self.remove(self.candidate_line)
        self.add(self.fit_line)
        self.fit_residuals = self.build_residuals(s.sweep[s.sweep_best], color=RESIDUAL_COLOR)
        self.play(Create(self.fit_residuals), FadeIn(column[-1]), run_time=0.8)
        self.panel_mobs = list(column)
        self.wait(1.5)

        self.beat("sigma-estimate", en=f"The noise, estimated: σ̂ = √(SSE / n) = {caption_number(s.sigma_hat)} "
                                       f"(true σ = {caption_number(s.noise)}).",
                  zh=f"噪声的估计：σ̂ = √(SSE / n) = {caption_number(s.sigma_hat)}（真实 σ = {caption_number(s.noise)}）。")
        self.clear_panel(self.fit_readouts)
        self.band = self.build_band(s.sigma_hat)
        self.sigma_readout = self.readout("hat(sigma) = sqrt(frac(\"SSE\", n))", s.sigma_hat, "sigma_hat", BAND_COLOR)
        self.unbiased_readout = self.readout("sqrt(frac(\"SSE\", n - 2))", s.sigma_unbiased, "sigma_unbiased",
                                             style.MUTED_COLOR)
        self.true_sigma = self.readout(self.tr('sigma_"true"', '"真实" sigma'), s.noise, "noise", TRUE_COLOR)
        self.max_log_l = self.readout("log L(hat(a), hat(b), hat(sigma))", s.max_log_likelihood, "max_log_likelihood",
                                      LIKELIHOOD_COLOR)
        band_note = self.note("band: the fit ± σ̂", "带状区域：拟合直线 ± σ̂", BAND_COLOR)
        column = self.panel(self.fit_readouts, self.sigma_readout, self.true_sigma, self.unbiased_readout, self.max_log_l,
                            band_note, buff=0.3)
        self.play(FadeOut(self.fit_residuals), FadeIn(self.band), FadeIn(self.sigma_readout), FadeIn(band_note),
                  run_time=1.0)
        self.play(FadeIn(self.true_sigma), FadeIn(self.unbiased_readout), run_time=0.8)
        self.play(FadeIn(self.max_log_l), run_time=0.6)
        self.panel_mobs = list(column)
        self.wait(2.0)

    def build_band(self, half_width: float) -> Polygon:
        """The fit +- ``half_width`` over the plot's x range, clipped to its y range."""
        s = self.story
        (x_lo, x_hi), (y_lo, y_hi) = s.x_view, s.y_view
        xs = np.linspace(x_lo, x_hi, 2)

        def clip(y: float) -> float:
            return min(max(y, y_lo), y_hi)

        upper = [self.axes.c2p(x, clip(float(s.fit.at(x)) + half_width)) for x in xs]
        lower = [self.axes.c2p(x, clip(float(s.fit.at(x)) - half_width)) for x in xs[::-1]]
        band = Polygon(*upper, *lower, color=BAND_COLOR, fill_opacity=0.2, stroke_width=1)
        band.half_width = half_width
        return band

    def play_sweep(self, start: int, end: int, seconds: float) -> None:
        """The line turns from sweep keyframe ``start`` to ``end`` in one animation; readouts and dots follow.

        Between keyframes the values are interpolated (the readouts are unbound meanwhile); at the end
        every readout is bound to keyframe ``end`` of the story's sweep.
        """
        s = self.story
        slopes = [line.slope for line in s.sweep]
        readouts = (self.candidate_readouts[0], self.candidate_readouts[1], self.sweep_sse, self.sweep_log_l)
        fields = ("slope", "intercept", "sse", "log_likelihood")
        for readout in readouts:
            readout.story_field = None

        def at(position: float) -> list[float]:
            low = min(int(math.floor(position)), len(s.sweep) - 2)
            t = position - low
            a, b = s.sweep[low], s.sweep[low + 1]
            return [(1 - t) * getattr(a, f) + t * getattr(b, f) for f in fields]

        def update(line: Any, alpha: float) -> None:
            slope, intercept, sse, log_l = at(start + alpha * (end - start))
            line.become(self.line_mob(slope, intercept, CANDIDATE_COLOR))
            for readout, value in zip(readouts, (slope, intercept, sse, log_l)):
                readout.number.set_value(value)
            for dot, axes, value in zip(self.sweep_dots, self.sweep_axes, (sse, log_l)):
                dot.move_to(axes.c2p(slope, value))

        self.play(UpdateFromAlphaFunc(self.candidate_line, update), run_time=seconds, rate_func=linear)
        final = s.sweep[end]
        self.candidate_line.become(self.line_mob(final.slope, final.intercept, CANDIDATE_COLOR))
        for readout, field in zip(readouts, fields):
            readout.story_field = f"sweep.{end}.{field}"
            readout.number.set_value(getattr(final, field))
        for k, (dot, axes) in enumerate(zip(self.sweep_dots, self.sweep_axes)):
            dot.move_to(axes.c2p(slopes[end], self.sweep_value(k, end)))
        self.sweep_index = end
