"""The integral is signed area (issue #9, item 2), drawn from :mod:`mathviz.stories.integral`.

Beats: the graph of f with the area between it and the x-axis shaded, above
the axis in one colour and below it in another, with the areas and quad's
integral; rectangles of one rule as n doubles, the sum and its error on
screen; the three rules' errors on a log-log plot with the ratio by which
each shrinks when n doubles and the measured order; sin on [-pi, pi], whose
areas above and below cancel; the area function A(x) traced under the graph
of f, its tangent's slope equal to the height f(x).

Every number on screen is read from the story; the scene only places and
moves mobjects.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORANGE,
    PURPLE,
    RIGHT,
    UP,
    YELLOW,
    Axes,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    Polygon,
    ReplacementTransform,
    ValueTracker,
    VGroup,
    VMobject,
    config,
    linear,
)

from mathviz.stories.integral import IntegralStory, SignedArea
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.graph import clip_segment, nice_ticks
from mathviz_scenes.components.layout import Split, split_frame
from mathviz_scenes.components.numbers import decimals_for, fmt
from mathviz_scenes.components.panel import Panel, widest_value
from mathviz_scenes.components.readout import Readout, indicate, story_value
from mathviz_scenes.components.typst_expr import to_typst

__all__ = ["RiemannSums", "RULE_COLORS", "RULE_SYMBOLS"]

#: Colour of each rule's error line on the log-log plot.
RULE_COLORS = {"left": ORANGE, "right": PURPLE, "midpoint": YELLOW}
#: The Typst symbol of each rule's sum.
RULE_SYMBOLS = {"left": "L_n", "right": "R_n", "midpoint": "M_n"}
AREA_COLOR = style.ACCENT_COLOR
HEIGHT_COLOR = style.HIGHLIGHT_COLOR


def error_decimals(values: Sequence[float | None]) -> int:
    """Decimals that show the smallest nonzero |error| with 3 significant digits (3 to 7),
    fewer if the largest would then need more than 8 digits.
    """
    finite = [abs(v) for v in values if v is not None and math.isfinite(v) and v != 0]
    if not finite:
        return 3
    wanted = decimals_for(min(finite), significant=3, most=8)
    largest = max(finite)
    room = 8 - (math.floor(math.log10(largest)) + 1 if largest >= 1 else 1)
    return int(min(7, max(decimals_for(finite, least=1), min(wanted, room))))


class RiemannSums(ExplainerScene):
    """Signed area, Riemann sums converging at their rates, cancellation, and A'(x) = f(x)."""

    scene_name = "integral"
    story: IntegralStory

    #: Regions (left, bottom, right, top) in scene units that hold a plot and its tick labels (16:9 frame).
    FULL_REGION = (-6.95, -3.0, 1.3, 3.45)
    TOP_REGION = (-6.95, 0.75, 1.3, 3.45)
    BOTTOM_REGION = (-6.95, -3.05, 1.3, 0.2)
    #: Left edge of the panel of formulas and readouts right of the plots.
    PANEL_LEFT = 1.85
    ROW_GAP = 0.22
    #: Half-length of the tangent to A, in scene units.
    TANGENT_HALF_LENGTH = 1.1
    #: Seconds for the sweep of x from a to b in the last beat.
    SWEEP_TIME = 7.0

    #: Width of the panel beside the plot in a square frame; height of the panel under it in portrait.
    SQUARE_PANEL_WIDTH = 3.25
    PORTRAIT_PANEL_HEIGHT = 6.6

    @cached_property
    def split(self) -> Split:
        """Plot and panel boxes: the panel beside the plot in 16:9 and square frames, under it in portrait."""
        return split_frame(panel_width=self.SQUARE_PANEL_WIDTH, gap=0.3, stack_square=False,
                           panel_height=min(self.PORTRAIT_PANEL_HEIGHT, 0.52 * style.frame().content_height))

    @property
    def stacked(self) -> bool:
        """Whether the panel is under the plot (portrait) rather than beside it."""
        return not style.frame().landscape and self.split.stacked

    @cached_property
    def regions(self) -> dict[str, tuple[float, float, float, float]]:
        """The plot regions for this frame: ``full`` (one plot), ``top`` and ``bottom`` (f above A).

        16:9 keeps its tuned regions; other frames take the plot box of :attr:`split`, leaving room
        for the x numbers below and the names of the axes above and to the right.
        """
        return self.plot_regions()

    def plot_regions(self, panel_lift: float = 0.0) -> dict[str, tuple[float, float, float, float]]:
        """:attr:`regions`, with the plots' foot ``panel_lift`` higher when the panel under them is taller than its box."""
        if style.frame().landscape:
            return {"full": self.FULL_REGION, "top": self.TOP_REGION, "bottom": self.BOTTOM_REGION}
        box = self.split.plot
        left, bottom, right, top = box.left, box.bottom + 0.3 + panel_lift, box.right - 0.4, box.top - 0.35
        middle = (bottom + top) / 2
        return {"full": (left, bottom, right, top), "top": (left, middle + 0.3, right, top),
                "bottom": (left, bottom - 0.05, right, middle - 0.25)}

    @cached_property
    def panel(self) -> Panel:
        """The column of formulas and readouts right of the plots (16:9, square) or under them (portrait)."""
        if style.frame().landscape:
            return Panel(self.PANEL_LEFT, row_gap=self.ROW_GAP)
        box = self.split.panel
        # clear of the frame's edges: Indicate grows a readout by a fifth
        return Panel(box.left + (0.25 if self.stacked else 0.0), box.top, right=box.right - 0.35,
                     row_gap=self.ROW_GAP if self.stacked else 0.16)

    @property
    def title_top(self) -> float:
        """Where the panel's first row (the formula of f) starts."""
        return 3.8 if style.frame().landscape else self.panel.top

    # -- builders ----------------------------------------------------------------------------------

    def build_axes(self, region: Sequence[float], x_range: Sequence[float], y_range: Sequence[float],
                   y_label: str = "f(x)") -> Axes:
        """Axes over ``x_range`` x ``y_range`` with their tick numbers outside the plot, all inside ``region``.

        The x numbers run under the plot's bottom edge and the y numbers left of its left edge, so no
        rectangle, shading or curve ever runs through them; the x-axis itself is the line y = 0.
        """
        left, bottom, right, top = region
        x_lo, x_hi = x_range
        y_lo, y_hi = y_range
        y_ticks, y_decimals = nice_ticks(y_lo, y_hi, target=max(3, min(6, round(top - bottom))))
        x_ticks, x_decimals = nice_ticks(x_lo, x_hi, target=6)
        y_numbers = [style.text(f"{v:.{y_decimals}f}", size=style.SMALL_SIZE) for v in y_ticks]
        label_width = max((m.width for m in y_numbers), default=0.0)
        plot_left = left + label_width + 0.15
        plot_bottom = bottom + 0.45
        label_y = style.math(y_label, size=style.LABEL_SIZE)
        plot_top = top - label_y.height - 0.12
        axes = style.make_axes([x_lo, x_hi, x_hi - x_lo], [y_lo, y_hi, y_hi - y_lo], right - plot_left,
                               plot_top - plot_bottom, numbers=False, axis_config={"include_ticks": False})
        axes.shift(np.array([plot_left, plot_bottom, 0.0]) - axes.c2p(x_lo, y_lo))
        numbers = VGroup()
        for value, number in zip(y_ticks, y_numbers):
            axes.y_axis.add(axes.y_axis.get_tick(value))
            number.next_to(axes.c2p(x_lo, value), LEFT, buff=0.12)
            numbers.add(number)
        last_right = -math.inf
        for value in x_ticks:
            axes.x_axis.add(axes.x_axis.get_tick(value))
            number = style.text(f"{value:.{x_decimals}f}", size=style.SMALL_SIZE)
            number.next_to(axes.c2p(value, y_lo), DOWN, buff=0.12)
            if number.get_left()[0] > last_right + 0.12 and number.get_right()[0] <= right + 0.3:
                numbers.add(number)
                last_right = number.get_right()[0]
        label_x = style.math("x", size=style.LABEL_SIZE).next_to(axes.c2p(x_hi, y_lo), DOWN + RIGHT, buff=0.08)
        if label_x.get_right()[0] > right + 0.35 or any(label_x.get_left()[0] < n.get_right()[0] + 0.08
                                                          and abs(label_x.get_y() - n.get_y()) < 0.3 for n in numbers):
            # over the axis, clear of its tick marks (the last one may sit under the name)
            label_x.next_to(axes.c2p(x_hi, 0.0), UP + LEFT, buff=axes.x_axis.tick_size + 0.05)
        label_y.next_to(axes.c2p(x_lo, y_hi), UP + RIGHT, buff=0.06)
        frame = VGroup(Line(axes.c2p(x_lo, y_lo), axes.c2p(x_hi, y_lo)), Line(axes.c2p(x_lo, y_lo), axes.c2p(x_lo, y_hi)))
        frame.set_stroke(style.MUTED_COLOR, width=1.5, opacity=0.6)
        axes.add(frame, numbers, label_x, label_y)
        axes.tick_numbers, axes.axis_titles = numbers, VGroup(label_x, label_y)
        # where Manim keeps tick numbers: the frame-quality guard knows them as axis labels there
        axes.y_axis.numbers = numbers
        axes.x_range_shown, axes.y_range_shown = (x_lo, x_hi), (y_lo, y_hi)
        return axes

    @staticmethod
    def plot_range(signed: SignedArea) -> tuple[float, float]:
        """The x window of a signed area's plot: [a, b] with 4% to spare at each end."""
        pad = 0.04 * (signed.b - signed.a)
        return signed.a - pad, signed.b + pad

    def build_signed_axes(self, signed: SignedArea, region: Sequence[float] | None = None) -> Axes:
        return self.build_axes(region or self.regions["full"], self.plot_range(signed), signed.y_range)

    @staticmethod
    def build_curve(axes: Axes, points: np.ndarray, color: Any, width: float = 4) -> VMobject:
        """The polyline through ``points`` ((n, 2) graph units) on ``axes``."""
        curve = VMobject(color=color, stroke_width=width)
        curve.set_points_as_corners(axes.c2p(points[:, 0], points[:, 1]).T)
        curve.is_curve = True  # text must not be drawn over it (frame-quality guard)
        return curve

    @staticmethod
    def sign_color(sign: float) -> Any:
        return style.POSITIVE_COLOR if sign > 0 else style.NEGATIVE_COLOR

    def build_shading(self, axes: Axes, signed: SignedArea, upto: float | None = None,
                      opacity: float = 0.45) -> VGroup:
        """Each lobe of ``signed`` (up to x = ``upto``) filled between the curve and the x-axis,
        above the axis in the positive colour, below in the negative one; ``.sign`` on each piece.
        """
        shading = VGroup()
        graph = signed.graph
        for lobe in signed.lobes:
            hi = lobe["hi"] if upto is None else min(lobe["hi"], upto)
            if lobe["sign"] == 0 or hi <= lobe["lo"]:
                continue
            inside = graph[(graph[:, 0] >= lobe["lo"]) & (graph[:, 0] <= hi)]
            if upto is not None and hi < lobe["hi"]:
                inside = np.vstack([inside, [hi, np.interp(hi, graph[:, 0], graph[:, 1])]])
            if len(inside) < 2:
                continue
            outline = np.vstack([[inside[0, 0], 0.0], inside, [inside[-1, 0], 0.0]])
            piece = Polygon(*axes.c2p(outline[:, 0], outline[:, 1]).T, stroke_width=0)
            piece.set_fill(self.sign_color(lobe["sign"]), opacity=opacity)
            piece.sign = lobe["sign"]
            shading.add(piece)
        return shading

    def build_rectangles(self, axes: Axes, rule: str, n: int) -> VGroup:
        """The story's ``n`` rectangles of ``rule``: width Δx, height f(x_i), coloured by sign.

        ``.heights`` and ``.samples`` hold the story's values; ``.dots`` (few rectangles only) mark
        where each height is taken on the curve.
        """
        lefts, samples, heights = self.story.rectangles(rule, n)
        width = self.story.record(rule, n)["width"]
        stroke = 1.5 if n <= 32 else (0.8 if n <= 128 else 0.0)
        rectangles = VGroup()
        for left, height in zip(lefts, heights):
            corners = axes.c2p(np.array([left, left + width, left + width, left]),
                               np.array([0.0, 0.0, height, height])).T
            rect = Polygon(*corners, stroke_color=style.SECONDARY_COLOR, stroke_width=stroke, stroke_opacity=0.7)
            rect.set_fill(self.sign_color(height), opacity=0.55)
            rect.sign = 1 if height > 0 else -1
            rectangles.add(rect)
        rectangles.heights, rectangles.samples, rectangles.rect_width = heights, samples, width
        rectangles.rule, rectangles.n = rule, n
        dots = VGroup(*[Dot(axes.c2p(x, y), radius=0.05, color=style.SECONDARY_COLOR)
                        for x, y in zip(samples, heights)]) if n <= 16 else VGroup()
        rectangles.dots = dots
        return rectangles

    def build_title(self, function: str) -> Any:
        title = style.math(f"f(x) = {to_typst(function)}", size=style.TITLE_SIZE, color=style.FUNCTION_COLOR)
        return self.panel.place(title, self.title_top)

    @staticmethod
    def integral_label(signed: SignedArea, limits: tuple[str, str] | None = None) -> str:
        """Typst for the integral of f over the interval of ``signed`` (limits as numbers unless given)."""
        a, b = limits or (f"{signed.a:.4g}".replace("-", "−"), f"{signed.b:.4g}".replace("-", "−"))
        return f"integral_({a})^({b}) f(x) dif x"

    def build_area_readouts(self, prefix: str, signed: SignedArea, top: float,
                            limits: tuple[str, str] | None = None) -> VGroup:
        """The integral (quad) and the areas above and below the axis of ``signed`` (story path ``prefix``)."""
        values = [signed.integral, signed.positive_area, signed.negative_area]
        decimals = decimals_for(values, least=1)
        total = Readout.of(self.story, self.integral_label(signed, limits), f"{prefix}integral", decimals=decimals,
                           color=style.SECONDARY_COLOR)
        above = Readout.of(self.story, self.tr('"area above"', '"上方面积"'), f"{prefix}positive_area", decimals=decimals,
                           color=style.POSITIVE_COLOR)
        below = Readout.of(self.story, self.tr('"area below"', '"下方面积"'), f"{prefix}negative_area", decimals=decimals,
                           color=style.NEGATIVE_COLOR)
        self.panel.place(total, top)
        note = style.text(self.tr(f"scipy quad, error estimate {fmt(signed.quad_error, snap=0)}",
                                  f"scipy quad，误差估计 {fmt(signed.quad_error, snap=0)}"), size=style.SMALL_SIZE,
                          color=style.MUTED_COLOR)
        if note.width > self.panel.width:  # a narrow panel: two lines rather than small print
            note = style.text(self.tr(f"scipy quad,\nerror estimate {fmt(signed.quad_error, snap=0)}",
                                      f"scipy quad，\n误差估计 {fmt(signed.quad_error, snap=0)}"), size=style.SMALL_SIZE,
                              color=style.MUTED_COLOR)
        self.panel.place(note, self.panel.below(total, 0.12))
        self.panel.place(above, self.panel.below(note, 0.3))
        self.panel.place(below, self.panel.below(above))
        group = VGroup(above, below, total, note)
        group.total, group.above, group.below, group.note = total, above, below, note
        return group

    def build_error_plot(self, origin: np.ndarray, width: float = 3.3, height: float = 2.1) -> Axes | None:
        """Log-log axes of |error| against n (n doubling), lower-left corner at ``origin``, with each
        inexact rule's error line in ``.lines`` (drawn separately). None when every rule is exact.
        """
        story = self.story
        errors = [abs(r["error"]) for rule in story.sums for r in story.sums[rule] if r["error"] != 0.0]
        if not errors:
            return None
        logs = np.log10(errors)
        y_lo, y_hi = math.floor(float(logs.min())), math.ceil(float(logs.max()))
        if y_hi == y_lo:
            y_hi += 1
        x_lo, x_hi = math.log2(story.ns[0]), math.log2(story.ns[-1])
        plot = style.make_axes([0, x_hi - x_lo + 0.3, 1], [0, y_hi - y_lo, 1], width, height, numbers=False,
                               axis_config={"include_ticks": False})
        plot.shift(np.asarray(origin) - plot.c2p(0, 0))
        plot.log_origin = (x_lo - 0.15, y_lo)
        last_right = -math.inf
        for n in story.ns:
            point = self.error_point(plot, n, 10.0**y_lo)
            plot.x_axis.add(Line(point, point + 0.08 * UP, stroke_width=2))
            label = style.text(str(n), size=style.SMALL_SIZE).next_to(point, DOWN, buff=0.1)
            if label.get_left()[0] > last_right + 0.1:
                plot.x_axis.add(label)
                last_right = label.get_right()[0]
        e_label = style.math(self.tr('abs("error")', 'abs("误差")'), size=style.SMALL_SIZE)
        e_label.next_to(plot.y_axis.get_end(), UP, buff=0.08)
        step = max(1, math.ceil((y_hi - y_lo) / 4))
        last_bottom = e_label.get_bottom()[1] - 0.05
        for k in range(y_hi, y_lo - 1, -step):
            point = self.error_point(plot, story.ns[0], 10.0**k)
            point[0] = plot.c2p(0, 0)[0]
            plot.y_axis.add(Line(point, point + 0.08 * RIGHT, stroke_width=2))
            label = style.math(f"10^({k})", size=style.SMALL_SIZE).next_to(point, LEFT, buff=0.1)
            if label.get_top()[1] < last_bottom - 0.05:
                plot.y_axis.add(label)
                last_bottom = label.get_bottom()[1]
        n_label = style.math("n", size=style.LABEL_SIZE).next_to(plot.x_axis.get_end(), RIGHT, buff=0.1)
        plot.add(n_label, e_label)
        plot.lines = {}
        for rule in story.sums:
            if not story.exact[rule]:
                plot.lines[rule] = self.build_error_line(plot, rule)
        return plot

    def error_point(self, plot: Axes, n: float, error: float) -> np.ndarray:
        """Scene point of (n, |error|) on the log-log plot."""
        x0, y0 = plot.log_origin
        return plot.c2p(math.log2(n) - x0, math.log10(error) - y0)

    def build_error_line(self, plot: Axes, rule: str) -> VGroup:
        """The rule's |error| against n as dots joined by a line (exact sums left out)."""
        points = [self.error_point(plot, r["n"], abs(r["error"])) for r in self.story.sums[rule] if r["error"] != 0.0]
        line = VGroup()
        if len(points) >= 2:
            path = VMobject(color=RULE_COLORS[rule], stroke_width=3)
            path.set_points_as_corners(points)
            path.is_curve = True
            line.add(path)
        line.add(*[Dot(p, radius=0.045, color=RULE_COLORS[rule]) for p in points])
        return line

    def rule_name(self, rule: str) -> str:
        """The on-screen name of a Riemann rule."""
        return self.tr(rule, {"left": "左端点", "right": "右端点", "midpoint": "中点"}[rule])

    def build_rate_table(self, top: float) -> VGroup:
        """Per rule: its name, the error ratio at the last doubling and the measured order (or "exact")."""
        story = self.story
        last = len(story.ns) - 1
        before, after = story.ns[last - 1], story.ns[last]
        words = self.tr(f"from n = {before} to {after}, the error shrinks by:", f"n 从 {before} 增至 {after}，误差缩小的倍数：")
        header = style.text(words, size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        if header.width > self.panel.width:  # a narrow panel: two lines rather than small print
            header = style.text(self.tr(f"from n = {before} to {after},\nthe error shrinks by:",
                                        f"n 从 {before} 增至 {after}，\n误差缩小的倍数："),
                                size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        rows = VGroup()
        # the 16:9 table ("ratio = 2.00  order = 1.00" per rule) unless the panel is too narrow for it
        narrow = not style.frame().landscape and self.panel.width < 6.0
        for rule in story.sums:
            name = style.text(self.rule_name(rule), size=style.LABEL_SIZE, color=RULE_COLORS[rule])
            record = story.sums[rule][last]
            if record["ratio"] is None:
                text = (self.tr("exact: error 0", "精确：误差为 0") if story.exact[rule]
                        else self.tr(f"error 0 at n = {story.ns[last]}", f"n = {story.ns[last]} 时误差为 0"))
                cells = [style.text(text, size=style.LABEL_SIZE, color=RULE_COLORS[rule])]
            elif narrow:  # bare numbers under the column names: "ratio = " in every row would not fit
                cells = [self.table_number(f"sums.{rule}.{last}.ratio", RULE_COLORS[rule]),
                         self.table_number(f"orders.{rule}", RULE_COLORS[rule])]
            else:
                cells = [Readout.of(self.story, self.tr('"ratio"', '"倍数"'), f"sums.{rule}.{last}.ratio", decimals=2,
                                    color=RULE_COLORS[rule]),
                         Readout.of(self.story, self.tr('"order"', '"阶数"'), f"orders.{rule}", decimals=2,
                                    color=RULE_COLORS[rule])]
            row = VGroup(name, *cells)
            row.cells = cells
            rows.add(row)
        # three columns: the names, the ratios, the orders
        name_width = max(row[0].width for row in rows)
        ratio_width = max((row.cells[0].width for row in rows if len(row.cells) == 2), default=0.0)
        gaps = (0.25, 0.3) if narrow else (0.3, 0.4)
        for row in rows:
            row[0].move_to(np.zeros(3), aligned_edge=LEFT)
            x = name_width + gaps[0]
            for cell in row.cells:
                cell.move_to(np.array([x, 0.0, 0.0]), aligned_edge=LEFT)
                x += ratio_width + gaps[1]
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.12 if narrow else 0.2)
        # in a narrow panel the rows shrink, not the header (it takes two lines instead); no readout of the
        # table is indicated, so it may reach the frame's edge
        room = self.panel.width + (0.25 if narrow else 0.0)
        if rows.width > room:
            rows.scale_to_fit_width(room)
        columns = VGroup()
        numbers = [row.cells for row in rows if len(row.cells) == 2]
        if narrow and numbers:  # the column names over the numbers, at their own size
            for k, word in enumerate((self.tr("ratio", "倍数"), self.tr("order", "阶数"))):
                name = style.text(word, size=style.SMALL_SIZE, color=style.MUTED_COLOR)
                name.next_to(numbers[0][k], UP, buff=0.15).align_to(numbers[0][k], LEFT)
                columns.add(name)
            rows.add_to_back(columns)
        header.next_to(rows, UP, aligned_edge=LEFT, buff=0.12 if narrow else 0.18)
        table = VGroup(header, rows)
        if narrow:
            table.next_to(np.array([self.panel.left, top, 0.0]), DOWN + RIGHT, buff=0)
        else:
            self.panel.place(table, top)
        table.header, table.rows, table.columns = header, VGroup(*[row for row in rows if row is not columns]), columns
        return table

    def fade_in_columns(self) -> list[Any]:
        """Fading in the rate table's column names (only the narrow table has them)."""
        return [FadeIn(self.rate_table.columns)] if len(self.rate_table.columns) else []

    def table_number(self, path: str, color: Any) -> Any:
        """A story number (two decimals) for the narrow rate table, bound to ``path`` like a readout."""
        number = style.number(story_value(self.story, path), decimals=2, color=color)
        number.story_field = path
        return number

    # -- beats -------------------------------------------------------------------------------------

    def construct(self) -> None:
        self.beat_area()
        self.beat_riemann()
        self.beat_rates()
        self.beat_cancel()
        self.beat_ftc()

    def beat_area(self) -> None:
        story = self.story
        self.beat("area", en="The integral of f from a to b is the signed area: below the x-axis counts negative",
                  zh="f 从 a 到 b 的积分是有向面积：x 轴下方的面积记为负")
        self.axes = self.build_signed_axes(story.signed)
        self.graph = self.build_curve(self.axes, story.signed.graph, style.FUNCTION_COLOR)
        self.shading = self.build_shading(self.axes, story.signed)
        self.title = self.build_title(story.signed.function)
        self.area_readouts = self.build_area_readouts("signed.", story.signed, self.panel.below(self.title, 0.35))
        self.play(FadeIn(self.axes), FadeIn(self.title), run_time=0.8)
        self.play(Create(self.graph), run_time=1.5)
        self.play(FadeIn(self.shading), FadeIn(self.area_readouts.above), FadeIn(self.area_readouts.below), run_time=1.0)
        self.play(FadeIn(self.area_readouts.total), FadeIn(self.area_readouts.note), run_time=0.8)
        self.wait(1.6)

    def beat_riemann(self) -> None:
        story = self.story
        rule = story.rule
        self.beat("riemann",
                  en=f"Riemann sums: {rule} rectangles of width Δx = (b − a)/n; as n grows the sum tends to the integral",
                  zh={"left": "黎曼和：取左端点的矩形", "right": "黎曼和：取右端点的矩形",
                      "midpoint": "黎曼和：取中点的矩形"}[rule] + "，宽 Δx = (b − a)/n；n 越大，和越接近积分")
        records = story.sums[rule]
        self.rectangles = self.build_rectangles(self.axes, rule, story.ns[0])
        sum_decimals = decimals_for([r["sum"] for r in records], story.signed.integral, least=1)
        errors_shown = error_decimals([r["error"] for r in records])
        self.n_readout = Readout.of(self.story, "n", f"sums.{rule}.0.n", decimals=0, color=style.SECONDARY_COLOR)
        width_decimals = decimals_for([r["width"] for r in records], least=1)
        self.width_readout = Readout.of(self.story, "Delta x", f"sums.{rule}.0.width", decimals=width_decimals,
                                        color=style.SECONDARY_COLOR)
        self.sum_readout = Readout.of(self.story, RULE_SYMBOLS[rule], f"sums.{rule}.0.sum", decimals=sum_decimals,
                                      color=RULE_COLORS[rule])
        self.error_readout = Readout.of(self.story, f"{RULE_SYMBOLS[rule]} - integral_a^b f", f"sums.{rule}.0.error",
                                        decimals=errors_shown, color=style.SECONDARY_COLOR)
        readouts = self.area_readouts
        top = self.panel.below(readouts.note, 0.3)
        row = VGroup(self.n_readout, self.width_readout)
        # spaced for the widest n and the widest width (n grows to n_max: 'n = 1024' ran into Delta x)
        with widest_value(self.n_readout, [r["n"] for r in records]), \
                widest_value(self.width_readout, [r["width"] for r in records]):
            row.arrange(RIGHT, buff=0.6)
            self.panel.place(row, top)
        self.panel.place(self.sum_readout, self.panel.below(row), [r["sum"] for r in records])
        self.panel.place(self.error_readout, self.panel.below(self.sum_readout), [r["error"] for r in records])
        self.play(self.shading.animate.set_fill(opacity=0.12), FadeOut(readouts.above), FadeOut(readouts.below),
                  run_time=0.6)
        self.remove(readouts.above, readouts.below)
        self.play(FadeIn(self.rectangles), FadeIn(self.rectangles.dots), FadeIn(row), FadeIn(self.sum_readout),
                  FadeIn(self.error_readout), run_time=1.0)
        self.add(self.graph)  # the curve stays on top of the rectangles
        self.wait(1.0)
        for k, n in enumerate(story.ns[1:], start=1):
            new = self.build_rectangles(self.axes, rule, n)
            for readout, key in ((self.n_readout, "n"), (self.width_readout, "width"), (self.sum_readout, "sum"),
                                 (self.error_readout, "error")):
                readout.bind(self.story, f"sums.{rule}.{k}.{key}")
            self.play(ReplacementTransform(self.rectangles, new), FadeOut(self.rectangles.dots), FadeIn(new.dots),
                      run_time=0.8)
            self.remove(self.rectangles.dots)
            self.add(self.graph)
            self.rectangles = new
            self.wait(0.5)
        self.play(indicate(self.error_readout, style.HIGHLIGHT_COLOR), run_time=0.8)
        self.wait(0.8)

    def beat_rates(self) -> None:
        story = self.story
        if story.textbook_rates:
            en, zh = ("Double n: left and right errors halve (order 1), the midpoint error quarters (order 2)",
                      "n 翻倍：左、右和的误差减半（1 阶），中点和的误差变为四分之一（2 阶）")
        elif all(story.exact.values()):
            en = "Here every rule is exact: the sums equal the integral for every n"
            zh = "这里每种规则都精确：任何 n 的和都等于积分"
        else:
            en = "Double n and compare how fast each rule's error shrinks: the measured orders"
            zh = "n 翻倍，比较每种规则误差缩小的速度：实测阶数"
        self.beat("rates", en=en, zh=zh)
        leaving = [self.n_readout, self.width_readout, self.sum_readout, self.error_readout]
        self.play(*[FadeOut(m) for m in leaving], run_time=0.5)
        self.remove(*leaving)
        self.rate_table = self.build_rate_table(self.panel.below(self.area_readouts.note, 0.3))
        # the plot fills the panel under the table down to the caption band, its numbers left of and under it
        origin = np.array([self.panel.left + 0.95, style.caption_top() + 0.5, 0.0])
        # the |error| name above the plot's axis is taller in Chinese: more room under the table off 16:9
        top = self.panel.below(self.rate_table, 0.45 if style.frame().landscape else 0.65)
        right = config.frame_width / 2 - style.SAFE_MARGIN - 0.45
        # a short plot rather than one that runs up into the table (a narrow panel's table is taller)
        lowest = 1.0 if style.frame().landscape else 0.6
        self.error_plot = self.build_error_plot(origin, width=right - origin[0], height=max(lowest, top - origin[1]))
        if self.error_plot is not None and not style.frame().landscape:
            # the |error| name above the axis must clear the table too (taller in Chinese)
            excess = self.error_plot.get_top()[1] - self.panel.below(self.rate_table, 0.15)
            if excess > 0:
                self.error_plot = self.build_error_plot(origin, width=right - origin[0],
                                                        height=max(0.45, top - origin[1] - excess))
        if self.error_plot is not None:
            self.play(FadeIn(self.error_plot), FadeIn(self.rate_table.header), *self.fade_in_columns(),
                      *[FadeIn(row[0]) for row in self.rate_table.rows], run_time=0.8)
        else:
            self.play(FadeIn(self.rate_table.header), *self.fade_in_columns(),
                      *[FadeIn(row[0]) for row in self.rate_table.rows], run_time=0.8)
        n_show = story.ns[1]
        for rule, row in zip(story.sums, self.rate_table.rows):
            new = self.build_rectangles(self.axes, rule, n_show)
            animations = [ReplacementTransform(self.rectangles, new), FadeOut(self.rectangles.dots), FadeIn(new.dots)]
            if self.error_plot is not None and rule in self.error_plot.lines:
                animations.append(Create(self.error_plot.lines[rule]))
            self.play(*animations, run_time=1.0)
            self.remove(self.rectangles.dots)
            self.add(self.graph)
            self.rectangles = new
            self.play(*[FadeIn(cell) for cell in row.cells], run_time=0.5)
            self.wait(0.9)
        self.wait(1.2)

    def beat_cancel(self) -> None:
        story = self.story
        c = story.cancellation
        self.beat("cancel", en="sin on [−π, π]: the area above the axis cancels the area below, so the integral is 0",
                  zh="sin 在 [−π, π] 上：轴上方的面积与下方的面积相互抵消，积分为 0")
        old = [m for m in self.mobjects if m is not self._caption_mob]
        self.play(*[FadeOut(m) for m in old], run_time=0.6)
        self.remove(*old)
        self.sine_axes = self.build_signed_axes(c)
        self.sine_graph = self.build_curve(self.sine_axes, c.graph, style.FUNCTION_COLOR)
        self.sine_shading = self.build_shading(self.sine_axes, c)
        self.sine_title = self.build_title(c.function)
        self.sine_readouts = self.build_area_readouts("cancellation.", c, self.panel.below(self.sine_title, 0.35),
                                                      limits=("−pi", "pi"))
        self.play(FadeIn(self.sine_axes), FadeIn(self.sine_title), Create(self.sine_graph), run_time=1.2)
        self.play(FadeIn(self.sine_shading), FadeIn(self.sine_readouts.above), FadeIn(self.sine_readouts.below),
                  run_time=1.0)
        self.play(FadeIn(self.sine_readouts.total), FadeIn(self.sine_readouts.note), run_time=0.8)
        self.play(indicate(self.sine_readouts.total, style.HIGHLIGHT_COLOR), run_time=0.8)
        self.wait(1.4)

    def tangent_to_area(self, axes: Axes, x: float, area: float, slope: float) -> Line:
        """The tangent to A at (x, A(x)) with ``slope`` in graph units, a fixed length on screen, clipped to the plot."""
        point = axes.c2p(x, area)
        direction = axes.c2p(x + 1.0, area + slope) - point
        direction = direction / np.linalg.norm(direction)
        (x_lo, x_hi), (y_lo, y_hi) = axes.x_range_shown, axes.y_range_shown
        half = self.TANGENT_HALF_LENGTH
        clipped = clip_segment(point - half * direction, point + half * direction, axes.c2p(x_lo, y_lo),
                               axes.c2p(x_hi, y_hi))
        start, end = clipped if clipped is not None else (point, point + 1e-3 * RIGHT)
        return Line(start, end, color=style.TANGENT_COLOR, stroke_width=4)

    def build_ftc_frame(self, index: int) -> VGroup:
        """For the area sample ``index``: the shading of f up to x, the height bar f(x), A traced up to x,
        and the tangent to A at x with the story's slope.
        """
        story = self.story
        record = story.area[index]
        x = record["x"]
        shading = VGroup(*self.build_shading(self.top_axes, story.signed, upto=x)) if index > 0 else VGroup()
        bar = Line(self.top_axes.c2p(x, 0.0), self.top_axes.c2p(x, record["value"]), color=HEIGHT_COLOR, stroke_width=6)
        traced = np.array([[r["x"], r["area"]] for r in story.area[: index + 1]])
        trace = VGroup(self.build_curve(self.bottom_axes, traced, AREA_COLOR)) if index > 0 else VGroup()
        tangent = self.tangent_to_area(self.bottom_axes, x, record["area"], record["slope"])
        dot = Dot(self.bottom_axes.c2p(x, record["area"]), radius=0.07, color=AREA_COLOR)
        group = VGroup(shading, bar, trace, tangent, dot)
        group.shading, group.bar, group.trace, group.tangent, group.dot, group.index = shading, bar, trace, tangent, dot, index
        return group

    def beat_ftc(self) -> None:
        story = self.story
        self.beat("ftc", en="The area function A(x) = ∫ from a to x of f: its slope at x is the height f(x)",
                  zh="面积函数 A(x) = ∫ₐˣ f：它在 x 处的斜率正好是高度 f(x)")
        old = [m for m in self.mobjects if m is not self._caption_mob]
        self.play(*[FadeOut(m) for m in old], run_time=0.6)
        self.remove(*old)
        self.title = self.build_title(story.signed.function)
        definition = style.math("A(x) = integral_a^x f(t) dif t", size=style.LABEL_SIZE, color=AREA_COLOR)
        self.definition = self.panel.place(definition, self.panel.below(self.title, 0.3))
        samples = story.area
        last = len(samples) - 1
        values = [r["value"] for r in samples]
        slopes = [r["slope"] for r in samples]
        areas = [r["area"] for r in samples]
        xs = [r["x"] for r in samples]
        height_decimals = decimals_for(values, slopes, least=1)
        self.x_readout = Readout.of(self.story, "x", "area.0.x", decimals=decimals_for(xs, least=1), color=style.SECONDARY_COLOR)
        self.area_readout = Readout.of(self.story, "A(x)", "area.0.area", decimals=decimals_for(areas, least=1), color=AREA_COLOR)
        self.slope_readout = Readout.of(self.story, self.tr('"slope of" A', 'A "的斜率"'), "area.0.slope",
                                        decimals=height_decimals, color=style.TANGENT_COLOR)
        self.height_readout = Readout.of(self.story, "f(x)", "area.0.value", decimals=height_decimals, color=HEIGHT_COLOR)
        top = self.panel.below(self.definition, 0.35)
        for readout, vals in ((self.x_readout, xs), (self.area_readout, areas)):
            self.panel.place(readout, top, vals)
            top = self.panel.below(readout, 0.3 if readout is self.area_readout else None)
        if self.stacked:
            # the wide panel under the plots has room for A's slope and f(x) on one line: the equality the
            # beat is about, side by side, and one row less for the plots to give up (below)
            self.panel.row([(self.slope_readout, slopes), (self.height_readout, values)], top)
        else:
            self.panel.place(self.slope_readout, top, slopes)
            self.panel.place(self.height_readout, self.panel.below(self.slope_readout), values)
        note = style.text(self.tr("slope of the green tangent\n= height of the yellow bar",
                                  "绿色切线的斜率\n= 黄色线段的高度"), size=style.SMALL_SIZE,
                          color=style.MUTED_COLOR)
        lowest = min(self.slope_readout.get_bottom()[1], self.height_readout.get_bottom()[1])
        self.ftc_note = self.panel.place(note, lowest - 0.3)
        end_note = style.math(f"A(b) = {self.integral_label(story.signed)}", size=style.LABEL_SIZE,
                              color=AREA_COLOR)
        self.end_note = self.panel.place(end_note, self.panel.below(self.ftc_note, 0.3))
        # a panel under the plots taller than its box (a stacked fraction in f, long limits in the end note)
        # rises into the plots' room rather than into the caption band (the default's end note in portrait zh
        # reached 0.03 into it, the far-off stress case's 0.46 in portrait en)
        panel_lift = max(0.0, self.split.panel.bottom - self.end_note.get_bottom()[1]) if self.stacked else 0.0
        VGroup(self.title, self.definition, self.x_readout, self.area_readout, self.slope_readout,
               self.height_readout, self.ftc_note, self.end_note).shift(panel_lift * UP)
        x_range = self.plot_range(story.signed)
        regions = self.plot_regions(panel_lift)
        top_region, bottom_region = regions["top"], regions["bottom"]
        self.top_axes = self.build_axes(top_region, x_range, story.signed.y_range)
        self.bottom_axes = self.build_axes(bottom_region, x_range, story.area_range, y_label="A(x)")
        # both plots share one x scale: line their left edges up
        shift = self.top_axes.c2p(x_range[0], 0)[0] - self.bottom_axes.c2p(x_range[0], 0)[0]
        if shift > 0:
            self.bottom_axes = self.build_axes((bottom_region[0] + shift, *bottom_region[1:]), x_range,
                                               story.area_range, y_label="A(x)")
        elif shift < 0:
            self.top_axes = self.build_axes((top_region[0] - shift, *top_region[1:]), x_range,
                                            story.signed.y_range)
        self.ftc_graph = self.build_curve(self.top_axes, story.signed.graph, style.FUNCTION_COLOR)
        self.play(FadeIn(self.top_axes), FadeIn(self.bottom_axes), FadeIn(self.title), FadeIn(self.definition),
                  Create(self.ftc_graph), run_time=1.2)
        index = ValueTracker(0)
        self.ftc = self.build_ftc_frame(0)
        self.play(FadeIn(self.ftc), *[FadeIn(r) for r in (self.x_readout, self.area_readout, self.slope_readout,
                                                          self.height_readout)], FadeIn(self.ftc_note), run_time=0.8)

        def follow(mob: VGroup) -> None:
            i = int(min(last, max(0, round(index.get_value()))))
            if i == mob.index:
                return
            fresh = self.build_ftc_frame(i)
            # Manim keeps drawing, until the sweep ends, every part the group had when it began: the
            # lines and the dot stay the same objects, the shading's and trace's parts are swapped
            # (they began empty)
            for name in ("bar", "tangent", "dot"):
                getattr(mob, name).become(getattr(fresh, name))
            for name in ("shading", "trace"):
                part = getattr(mob, name)
                part.remove(*part.submobjects)
                part.add(*getattr(fresh, name).submobjects)
            mob.index = i
            for readout, key in ((self.x_readout, "x"), (self.area_readout, "area"), (self.slope_readout, "slope"),
                                 (self.height_readout, "value")):
                readout.bind(self.story, f"area.{i}.{key}")

        # the curve of f on top of its shading; the readouts after the updated group (Manim redraws from there)
        self.add(self.ftc, self.ftc_graph, self.x_readout, self.area_readout, self.slope_readout, self.height_readout)
        self.ftc.add_updater(follow)
        self.play(index.animate.set_value(last), run_time=self.SWEEP_TIME, rate_func=linear)
        self.ftc.remove_updater(follow)
        follow(self.ftc)
        self.play(FadeIn(self.end_note), indicate(self.area_readout, style.HIGHLIGHT_COLOR), run_time=1.0)
        self.wait(2.0)
