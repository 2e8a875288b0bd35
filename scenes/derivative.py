"""The derivative is the slope of the tangent (storyboard 1), drawn from :mod:`mathviz.stories.derivative`.

Beats: the graph of f with P = (x0, f(x0)); a second point Q and the secant
with its run h, its rise and the difference quotient; h shrinking on a log
scale while the secant turns into the tangent and a log-log inset shows the
forward error ~h and the central error ~h^2; the tangent sliding along the
curve while a second axes traces f' and marks the flat tangents. At a corner
(``abs(x)`` at 0) the third beat shrinks h from both sides and says that the
derivative does not exist.

Every number on screen is read from the story; the scene only places and
moves mobjects. Animated quantities step through the story's own samples
(secants for a geometric sequence of h, the slide's x samples), so each
readout shows exactly the story's value for what is drawn at that moment.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    Line,
    ReplacementTransform,
    ValueTracker,
    VGroup,
    VMobject,
    config,
    linear,
)

from mathviz.stories.derivative import DerivativeStory
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.graph import clip_segment, nice_ticks
from mathviz_scenes.components.layout import Box, overlaps, split_frame
from mathviz_scenes.components.numbers import decimals_for
from mathviz_scenes.components.panel import Panel, widest_value
from mathviz_scenes.components.readout import Readout
from mathviz_scenes.components.typst_expr import to_typst

__all__ = ["TangentSlope", "SecantGroup"]

RUN_COLOR = style.POSITIVE_COLOR
RISE_COLOR = style.ACCENT_COLOR
CENTRAL_COLOR = style.HIGHLIGHT_COLOR
LEFT_SECANT_COLOR = style.DERIVATIVE_COLOR
POINT_COLOR = style.SECONDARY_COLOR


def number(record: Mapping[str, float | None], key: str) -> float:
    """``record[key]`` where the story always has a number (a secant's h, x, value and rise; a usable slide
    point's x, y and slope); a ValueError names the key otherwise.
    """
    value = record[key]
    if value is None:
        raise ValueError(f"the story's record has no {key}")
    return value


def replace_parts(group: VGroup, new: VGroup) -> VGroup:
    """Give ``group`` the parts of ``new`` (whose number of parts may differ, unlike with ``become``)."""
    group.remove(*group.submobjects)
    group.add(*new.submobjects)
    return group


class SecantGroup(VGroup):
    """The secant through P and Q with Q's dot, the run h and the rise; ``.h`` is its run."""

    def __init__(self, color: Any = style.SECANT_COLOR) -> None:
        self.line = Line(LEFT, RIGHT, color=color, stroke_width=4)
        self.q_dot = Dot(color=color, radius=0.07)
        self.run = Line(LEFT, RIGHT, color=RUN_COLOR, stroke_width=3)
        self.rise = Line(DOWN, UP, color=RISE_COLOR, stroke_width=3)
        self.run_label = style.math("h", size=style.LABEL_SIZE, color=RUN_COLOR)
        self.h = float("nan")
        super().__init__(self.run, self.rise, self.line, self.q_dot, self.run_label)


class TangentSlope(ExplainerScene):
    """Secant slopes converge to the tangent slope; the slope of f traced as f'."""

    scene_name = "derivative"
    story: DerivativeStory

    #: Axes boxes (left, bottom, right, top) in scene units in a 16:9 frame: the graph alone, then f above f'.
    FULL_REGION = (-6.0, -2.55, 1.15, 3.45)
    TOP_REGION = (-6.0, 0.8, 1.15, 3.35)
    BOTTOM_REGION = (-6.0, -2.85, 1.15, -0.6)
    #: Width of the panel beside the plot in a square frame (the plot keeps the rest, tall and narrow).
    SQUARE_PANEL_WIDTH = 3.25
    #: Height of the panel under the plot in a portrait frame: the corner beat's seven rows fit.
    PORTRAIT_PANEL_HEIGHT = 6.2
    #: Vertical gap between rows of the panel.
    ROW_GAP = 0.25
    #: Left edge of the panel of formulas and readouts right of the graph.
    PANEL_LEFT = 1.85
    #: Half-length, in scene units, of a drawn tangent line.
    TANGENT_HALF_LENGTH = 1.6
    #: Seconds for h to shrink from its largest to its smallest value.
    SHRINK_TIME = 7.0
    #: Seconds for the tangent's sweep along the whole curve.
    SWEEP_TIME = 8.0
    #: Parts of the guide from f down to f' (it breaks around the numbers and names it would cross).
    LINK_PARTS = 8

    # -- the frame -------------------------------------------------------------------------------

    @cached_property
    def regions(self) -> dict[str, tuple[float, float, float, float]]:
        """The axes boxes for this frame: ``full`` (the graph alone), ``top`` and ``bottom`` (f above f').

        16:9 keeps its tuned boxes. Square and portrait frames split the frame with
        :func:`~mathviz_scenes.components.layout.split_frame` (the panel beside a square plot, under
        a portrait one) and keep room inside the plot box for the tick numbers (left, below) and the
        axis names (right, above).
        """
        if style.frame().landscape:
            return {"full": self.FULL_REGION, "top": self.TOP_REGION, "bottom": self.BOTTOM_REGION}
        box = self.split.plot
        left, bottom, right, top = box.left + 0.55, box.bottom + 0.55, box.right - 0.45, box.top - 0.4
        middle = (bottom + top) / 2
        return {"full": (left, bottom, right, top), "top": (left, middle + 0.7, right, top),
                "bottom": (left, bottom - 0.25, right, middle - 0.6)}

    @cached_property
    def split(self) -> Any:
        """Plot and panel boxes: the panel beside the plot in 16:9 and square frames, under it in portrait."""
        frame = style.frame()
        return split_frame(panel_width=self.SQUARE_PANEL_WIDTH, gap=0.3, stack_square=False,
                           panel_height=min(self.PORTRAIT_PANEL_HEIGHT, 0.5 * frame.content_height))

    @property
    def stacked(self) -> bool:
        """Whether the panel is under the plot (portrait) rather than beside it."""
        return not style.frame().landscape and self.split.stacked

    @property
    def panel_box(self) -> Box:
        return self.split.panel

    # -- builders --------------------------------------------------------------------------------

    def build_axes(self, region: Sequence[float] | None = None, y_range: Sequence[float] | None = None,
                   y_label: str = "f(x)", pieces: Sequence[np.ndarray] | None = None) -> Axes:
        """Axes over the story's x range and ``y_range`` filling ``region``, with ticks at round numbers.

        Tick numbers that the curve ``pieces`` (default: the graph of f) would run through are left out.
        """
        left, bottom, right, top = region or self.regions["full"]
        x_lo, x_hi = self.story.x_range
        y_lo, y_hi = y_range or self.story.y_range
        axes = style.make_axes(
            [x_lo, x_hi, x_hi - x_lo], [y_lo, y_hi, y_hi - y_lo], right - left, top - bottom,
            numbers=False, axis_config={"include_ticks": False},
        )
        axes.shift(np.array([left, bottom, 0.0]) - axes.c2p(x_lo, y_lo))
        # where each axis crosses the other: 0 when in range, else the nearer end (Manim's rule)
        crossing = [min(max(0.0, lo), hi) for lo, hi in ((x_lo, x_hi), (y_lo, y_hi))]
        tick_labels: list[Any] = []
        label_x = style.math("x", size=style.LABEL_SIZE)
        label_y = style.math(y_label, size=style.LABEL_SIZE)
        # outside the plotted window, where no curve or marker can run into them; tick numbers keep clear of
        # the y title (with all of f below 0 the x-axis runs along the top, under it)
        label_x.next_to(axes.c2p(x_hi, crossing[1]), RIGHT, buff=0.12)
        label_y.next_to(axes.c2p(crossing[0], y_hi), UP, buff=0.1)
        curve_points = self.curve_points(axes, pieces)
        # about one y tick per scene unit of height, between 3 and 6 of them
        target = max(3, min(6, round(top - bottom)))
        for axis, (lo, hi), _other in ((axes.x_axis, (x_lo, x_hi), 0), (axes.y_axis, (y_lo, y_hi), 1)):
            ticks, decimals = nice_ticks(lo, hi, target=6 if axis is axes.x_axis else target)
            for value in ticks:
                axis.add(axis.get_tick(value))
                if abs(value - crossing[0 if axis is axes.x_axis else 1]) < 1e-9 and lo < value < hi:
                    continue  # the other axis runs through this tick's label
                # below (left of) the axis, else above (right of) it; left out if the curve runs through both
                for side in ((DOWN, UP) if axis is axes.x_axis else (LEFT, RIGHT)):
                    number = axis.get_number_mobject(value, direction=side, num_decimal_places=decimals)
                    lower, upper = number.get_corner(DOWN + LEFT) - 0.05, number.get_corner(UP + RIGHT) + 0.05
                    # right of the plot is the panel's; another tick number may already sit in the corner
                    if upper[0] > right + 0.05 or any(
                            lower[0] < other.get_right()[0] and other.get_left()[0] < upper[0]
                            and lower[1] < other.get_top()[1] and other.get_bottom()[1] < upper[1]
                            for other in [*tick_labels, label_y]):
                        continue
                    if not np.any(np.all((curve_points >= lower[:2]) & (curve_points <= upper[:2]), axis=1)):
                        break
                else:
                    continue
                axis.add(number)
                tick_labels.append(number)
        axes.add(label_x, label_y)
        axes.axis_titles = VGroup(label_x, label_y)
        axes.tick_labels = VGroup(*tick_labels)
        # where Manim keeps tick numbers: the frame-quality guard knows them as axis labels there
        axes.x_axis.numbers = VGroup(*[m for m in tick_labels if m in axes.x_axis.submobjects])
        axes.y_axis.numbers = VGroup(*[m for m in tick_labels if m in axes.y_axis.submobjects])
        return axes

    def fitted_axes(self, *specs: tuple[Sequence[float], dict]) -> list[Axes]:
        """Build axes for each (region, keyword arguments), all moved right together if long
        tick numbers (10200) would leave the frame, so stacked axes keep a common x scale.
        """
        built = [self.build_axes(region, **kwargs) for region, kwargs in specs]
        limit = -config.frame_width / 2 + style.SAFE_MARGIN + 0.05
        overflow = max(limit - min(m.get_left()[0] for m in axes.tick_labels) if len(axes.tick_labels) else 0.0
                       for axes in built)
        if overflow <= 0:
            return built
        return [self.build_axes((region[0] + overflow, *region[1:]), **kwargs) for region, kwargs in specs]

    def window(self, axes: Axes, y_range: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Scene-space corners (lower-left, upper-right) of the plotted window of ``axes``."""
        x_lo, x_hi = self.story.x_range
        y_lo, y_hi = y_range or self.story.y_range
        return axes.c2p(x_lo, y_lo), axes.c2p(x_hi, y_hi)

    @staticmethod
    def build_curve(axes: Axes, pieces: Sequence[np.ndarray], color: Any, upto: float | None = None) -> VGroup:
        """The story's curve pieces as polylines on ``axes`` (only x <= ``upto`` if given)."""
        curve = VGroup()
        for piece in pieces:
            points = piece if upto is None else piece[piece[:, 0] <= upto]
            if len(points) < 2:
                continue
            line = VMobject(color=color, stroke_width=4)
            line.set_points_as_corners(axes.c2p(points[:, 0], points[:, 1]).T)
            line.is_curve = True  # text must not be drawn over it (frame-quality guard)
            curve.add(line)
        return curve

    def curve_points(self, axes: Axes, pieces: Sequence[np.ndarray] | None = None) -> np.ndarray:
        """Scene points (n, 2) of the story's curve ``pieces`` (default: the graph of f) drawn on ``axes``."""
        pieces = self.story.graph_pieces if pieces is None else pieces
        return np.concatenate([axes.c2p(p[:, 0], p[:, 1]).T[:, :2] for p in pieces] or [np.zeros((0, 2))])

    def place_clear(self, label: Any, anchor: Any, curves: np.ndarray, axes: Axes) -> Any:
        """Put ``label`` next to ``anchor`` on the side (of eight) farthest from the curves and the axes lines."""
        lower, upper = self.window(axes)
        axis_lines = []
        for axis in (axes.x_axis, axes.y_axis):
            start, end = axis.get_start(), axis.get_end()
            axis_lines.append((start + np.linspace(0, 1, 200)[:, None] * (end - start))[:, :2])
        lines = np.concatenate(axis_lines)

        def distance(points: np.ndarray) -> float:
            low, high = label.get_corner(DOWN + LEFT)[:2], label.get_corner(UP + RIGHT)[:2]
            gaps = np.maximum(np.maximum(low - points, points - high), 0.0)
            return float(np.min(np.hypot(gaps[:, 0], gaps[:, 1]))) if len(points) else 10.0

        texts = [m for m in (*axes.tick_labels, *axes.axis_titles)]

        def box_gap(other: Any) -> float:
            gaps = np.maximum(
                np.maximum(other.get_corner(DOWN + LEFT) - label.get_corner(UP + RIGHT),
                           label.get_corner(DOWN + LEFT) - other.get_corner(UP + RIGHT)), 0.0)[:2]
            return float(np.hypot(*gaps))

        def clearance(place: tuple[Any, float]) -> float:
            place[0]()
            centre = label.get_center()
            inside = lower[0] <= centre[0] <= upper[0] and lower[1] <= centre[1] <= upper[1]
            text_gap = min([box_gap(t) for t in texts] or [10.0])
            # crossing a curve or a number is worse than touching an axis line; nearer reads better
            return min(distance(curves), text_gap, 1.5 * distance(lines) + 0.05) - (0 if inside else 10) - place[1] / 4

        def beside(direction: np.ndarray, buff: float) -> tuple[Any, float]:
            return (lambda: label.next_to(anchor, direction, buff=buff)), buff

        def around(angle: float, radius: float) -> tuple[Any, float]:
            centre = anchor.get_center() + radius * np.array([math.cos(angle), math.sin(angle), 0.0])
            return (lambda: label.move_to(centre)), radius - 0.2

        directions = (UP + LEFT, UP + RIGHT, DOWN + RIGHT, DOWN + LEFT, UP, DOWN, LEFT, RIGHT)
        places = [beside(d, buff) for buff in (0.1, 0.3) for d in directions]
        best = max(places, key=clearance)
        if clearance(best) + best[1] / 4 < 0.06:
            # every place beside the anchor touches a curve, a number or an axis line (P at a corner on the
            # origin, with the curve's arms and both axes leaving it): further out, in between those directions
            places += [around(angle, radius) for radius in (0.35, 0.55, 0.8)
                       for angle in np.linspace(0.0, 2 * math.pi, 16, endpoint=False)]
            best = max(places, key=clearance)
        best[0]()
        if distance(lines) < 0.03:
            # no place near the anchor is clear of both the lines through it and an axis (P on the y axis at a peak,
            # secants fanning out on both sides): on a background of the page, drawn above the axis, it hides it
            label.add_background_rectangle(opacity=1.0, buff=0.04)
        return label

    def line_points(self, *lines: Line, count: int = 60) -> np.ndarray:
        """Points (n, 2) along ``lines``, to keep labels off them."""
        along = np.linspace(0, 1, count)[:, None]
        return np.concatenate([(line.get_start() + along * (line.get_end() - line.get_start()))[:, :2] for line in lines]
                              or [np.zeros((0, 2))])

    def run_rise_pieces(self, samples: int = 200) -> list[np.ndarray]:
        """The run and rise of the first secant on each side, as dense (x, y) polylines in graph units."""
        story = self.story
        pieces = []
        for record in story.secants[:1] + story.opposite_secants[:1]:
            x, value = record["x"], record["value"]
            if x is None or value is None or not np.isfinite([x, value]).all():
                continue
            along = np.linspace(0.0, 1.0, samples)
            pieces.append(np.column_stack([story.x0 + along * (x - story.x0), np.full(samples, story.value)]))
            pieces.append(np.column_stack([np.full(samples, x), story.value + along * (value - story.value)]))
        return pieces

    def lines_through_p(self) -> list[Line]:
        """Every line the scene will draw through P (secants from both sides, the tangent)."""
        story = self.story
        lines = [self.build_secant(number(r, "h")).line for r in story.secants[::6] + story.opposite_secants[::6]]
        if story.derivative is not None:  # f is differentiable at x0
            lines.append(self.build_tangent(story.x0, story.value, story.derivative))
        return lines

    def build_point(self, axes: Axes, x: float, y: float, name: str, color: Any = POINT_COLOR,
                    avoid: np.ndarray | None = None) -> VGroup:
        """A dot at (x, y) on ``axes`` named ``name``, the name clear of the graph, the axes and ``avoid``."""
        dot = Dot(axes.c2p(x, y), color=color, radius=0.08)
        label = style.math(name, size=style.LABEL_SIZE, color=color)
        curves = self.curve_points(axes)
        if avoid is not None:
            curves = np.concatenate([curves, avoid])
        self.place_clear(label, dot, curves, axes)
        group = VGroup(dot, label)
        group.dot, group.label = dot, label
        return group

    def build_secant(self, h: float, color: Any = style.SECANT_COLOR) -> SecantGroup:
        """The secant through P and Q = (x0 + h, f(x0 + h)) for the story's run ``h``, on ``self.axes``."""
        group = SecantGroup(color=color)
        self.place_secant(group, h)
        return group

    def place_secant(self, group: SecantGroup, h: float) -> SecantGroup:
        """Move ``group`` onto the story's secant with run ``h`` (used every frame while h shrinks)."""
        record = self.story.secant(h)
        axes = self.axes
        p = axes.c2p(self.story.x0, self.story.value)
        q = axes.c2p(record["x"], record["value"])
        corner = axes.c2p(record["x"], self.story.value)
        direction = (q - p) / np.linalg.norm(q - p)
        middle = (p + q) / 2
        half = np.linalg.norm(q - p) / 2 + self.TANGENT_HALF_LENGTH
        clipped = clip_segment(middle - half * direction, middle + half * direction, *self.window(axes))
        start, end = clipped if clipped is not None else (p, q)
        group.line.put_start_and_end_on(start, end)
        group.q_dot.move_to(q)
        # Manim cannot give a zero-length line a direction: nudge only a degenerate one
        group.run.put_start_and_end_on(p, corner if np.linalg.norm(corner - p) > 1e-9 else corner + 1e-6 * RIGHT)
        group.rise.put_start_and_end_on(corner, q if np.linalg.norm(q - corner) > 1e-9 else q + 1e-6 * UP)
        self.place_run_label(group.run_label, group.run, DOWN if number(record, "rise") >= 0 else UP)
        group.h = float(h)
        return group

    def place_run_label(self, label: Any, run: Line, away: np.ndarray) -> Any:
        """Put h by the run: on the side away from the triangle, else across the run, at its middle
        or slid along it, else past either end; the first place clear of the curve, the axes' numbers
        and P's name wins (else the first).
        """
        taken = [*self.axes.tick_labels, *self.axes.axis_titles]
        if hasattr(self, "point_p"):
            taken.append(self.point_p.label)
        curve = self.curve_points(self.axes)
        # under (over) the middle of the run first, then slid along it, then past its ends
        along = (0.5, 0.35, 0.65, 0.2, 0.8)
        places = [(run.point_from_proportion(f), side, 0.1) for side in (away, -away) for f in along]
        places += [(run, LEFT, 0.15), (run, RIGHT, 0.15)]
        for anchor, direction, buff in places:
            label.next_to(anchor, direction, buff=buff)
            low, high = label.get_corner(DOWN + LEFT)[:2], label.get_corner(UP + RIGHT)[:2]
            on_curve = np.any(np.all((curve >= low) & (curve <= high), axis=1))
            if not on_curve and not any(overlaps(label, other, margin=0.03) for other in taken):
                return label
        label.next_to(places[0][0], places[0][1], buff=places[0][2])
        return label

    def build_tangent(self, x: float, y: float, slope: float, axes: Axes | None = None,
                      y_range: Sequence[float] | None = None) -> Line:
        """The tangent line at (x, y) with ``slope`` in graph units, a fixed length on screen, clipped to the window."""
        axes = axes or self.axes
        point = axes.c2p(x, y)
        direction = axes.c2p(x + 1.0, y + slope) - point
        direction = direction / np.linalg.norm(direction)
        half = self.TANGENT_HALF_LENGTH
        clipped = clip_segment(point - half * direction, point + half * direction, *self.window(axes, y_range))
        start, end = clipped if clipped is not None else (point, point + 1e-3 * RIGHT)
        return Line(start, end, color=style.TANGENT_COLOR, stroke_width=4)

    def build_formula(self) -> Any:
        """The difference quotient with its numerator in the rise's colour and h in the run's."""
        rise, run = RISE_COLOR.to_hex(), RUN_COLOR.to_hex()
        return (
            f'frac(#text(fill: rgb("{rise}"))[$f(x_0 + h) - f(x_0)$], #text(fill: rgb("{run}"))[$h$])'
        )

    def build_error_inset(self, width: float = 2.3, height: float = 1.75) -> Axes:
        """Log-log axes of |error| against h for the story's forward (and central) quotients."""
        story = self.story
        log_h = np.log10(np.abs([number(r, "h") for r in story.secants]))
        errors = [r["error"] for r in story.secants]
        if story.central_order is not None:
            errors += [r["error"] for r in story.central]
        log_e = np.log10([e for e in errors if e is not None and e > 0])
        x_lo, x_hi = float(log_h.min()) - 0.1, float(log_h.max()) + 0.1
        y_lo, y_hi = math.floor(float(log_e.min())), math.ceil(float(log_e.max()))
        # coordinates counted from the lower-left corner, so Manim puts both axes on the edges
        inset = style.make_axes([0, x_hi - x_lo, 1], [0, y_hi - y_lo, 1], width, height, numbers=False,
                                axis_config={"include_ticks": False})
        inset.log_ranges = ((x_lo, x_hi), (y_lo, y_hi))
        inset.log_height = height
        # a tick per decade; labels from the top/right end down, skipping any that would touch
        last_x = math.inf
        x_labels = []
        for k in range(math.floor(x_hi), math.ceil(x_lo) - 1, -1):
            inset.x_axis.add(inset.x_axis.get_tick(k - x_lo))
            label = style.math(f"10^({k})", size=style.LABEL_SIZE)
            label.next_to(self.inset_point(inset, k, y_lo), DOWN, buff=0.1)
            if label.get_right()[0] < last_x - 0.15:
                inset.x_axis.add(label)
                x_labels.append(label)
                last_x = label.get_left()[0]
        last_y = math.inf
        for k in range(y_hi, y_lo - 1, -1):
            inset.y_axis.add(inset.y_axis.get_tick(k - y_lo, size=0.05))
            label = style.math(f"10^({k})", size=style.LABEL_SIZE)
            label.next_to(self.inset_point(inset, x_lo, k), LEFT, buff=0.1)
            # in a short inset the lowest y number can reach the x numbers at the corner
            if label.get_top()[1] < last_y - 0.12 and not any(overlaps(label, other, 0.05) for other in x_labels):
                inset.y_axis.add(label)
                last_y = label.get_bottom()[1]
        h_label = style.math("h", size=style.SMALL_SIZE).next_to(self.inset_point(inset, x_hi, y_lo), RIGHT, buff=0.1)
        error_label = style.math(self.tr('abs("error")', 'abs("误差")'), size=style.SMALL_SIZE)
        error_label.next_to(self.inset_point(inset, x_lo, y_hi), UP + RIGHT, buff=0.08)
        inset.add(h_label, error_label)
        return inset

    def build_error_legend(self, compact: bool) -> VGroup:
        """Which trace is which and its measured order: four short rows (beside the inset, 16:9) or
        one row per difference (``compact``, above the inset).
        """
        story = self.story
        entries = [(self.tr("forward", "前向差分"), story.forward_order, style.SECANT_COLOR)]
        if story.central_order is not None:
            entries.append((self.tr("central", "中心差分"), story.central_order, CENTRAL_COLOR))
        legend = VGroup()
        for name, order, color in entries:
            slope = self.tr(f"slope {order:.2f}", f"斜率 {order:.2f}")
            if compact:
                legend.add(style.text(self.tr(f"{name}: {slope}", f"{name}：{slope}"), size=style.SMALL_SIZE,
                                      color=color))
            else:
                legend.add(style.text(name, size=style.SMALL_SIZE, color=color),
                           style.text(slope, size=style.SMALL_SIZE, color=color))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        if not compact:
            for gap in range(2, len(legend), 2):
                legend[gap].shift(0.12 * DOWN)
                legend[gap + 1].shift(0.12 * DOWN)
        return legend

    def place_error_inset(self, rows_bottom: float) -> tuple[Axes, VGroup]:
        """The error inset and its legend, in the panel under (in portrait: right of) the readouts."""
        floor_y = style.caption_top() + 0.12
        if style.frame().landscape:
            inset = self.build_error_inset()
            # the inset sits on the caption band's edge, left-aligned with the panel, below the readouts
            floor = np.array([self.panel.left, floor_y, 0.0])
            inset.next_to(floor, UP + RIGHT, buff=0)
            excess = inset.get_top()[1] - (rows_bottom - self.panel.row_gap)
            if excess > 0:
                inset = self.build_error_inset(height=max(0.8, 1.75 - excess))
                inset.next_to(floor, UP + RIGHT, buff=0)
            legend = self.build_error_legend(compact=False)
            legend.next_to(inset, RIGHT, buff=0.2)
            # wide error numbers (10^-12 when f' is near 0) push the axes right: narrow them until the legend fits
            overflow = legend.get_right()[0] - (config.frame_width / 2 - style.SAFE_MARGIN - 0.05)
            if overflow > 0:
                inset = self.build_error_inset(width=max(1.2, 2.3 - overflow), height=inset.log_height)
                inset.next_to(floor, UP + RIGHT, buff=0)
                legend.next_to(inset, RIGHT, buff=0.2)
            return inset, legend
        # the room: right of the readouts' column under a portrait plot when wide enough, else under the rows
        left, right, top = self.panel.left, self.panel.right, rows_bottom - self.panel.row_gap
        if self.stacked:
            secants = self.story.secants
            with widest_value(self.h_readout, [r["h"] for r in secants]), \
                    widest_value(self.error_readout, [r["error"] for r in secants]):
                column_right = max(m.get_right()[0] for m in (self.h_readout, self.derivative_readout,
                                                               self.error_readout))
            if right - (column_right + 0.5) >= 3.0:
                left, top = column_right + 0.5, self.panel.below(self.quotient_readout)
        # one row per difference above the inset: beside it the axes would be too narrow to read
        legend = self.build_error_legend(compact=True)
        if legend.width > right - left:
            legend.scale_to_fit_width(right - left)
        legend.next_to(np.array([left, top, 0.0]), DOWN + RIGHT, buff=0)
        room_top = legend.get_bottom()[1] - 0.15
        # measure what the numbers and names add around the axes, then fit the axes into the room
        trial = self.build_error_inset()
        extra_w, extra_h = trial.width - 2.3, trial.height - 1.75
        width = float(np.clip(right - left - extra_w, 1.0, 3.2))
        height = float(np.clip(room_top - floor_y - extra_h, 0.7, 2.6))
        inset = self.build_error_inset(width=width, height=height)
        inset.next_to(np.array([left, floor_y, 0.0]), UP + RIGHT, buff=0)
        excess = inset.get_top()[1] - room_top
        if excess > 0:  # the names above the axes took more than measured
            inset = self.build_error_inset(width=width, height=max(0.5, height - excess))
            inset.next_to(np.array([left, floor_y, 0.0]), UP + RIGHT, buff=0)
        return inset, legend

    @staticmethod
    def inset_point(inset: Axes, log_h: float, log_error: float) -> np.ndarray:
        """Scene point of (log10 h, log10 |error|) on the error inset."""
        (x_lo, _), (y_lo, _) = inset.log_ranges
        return inset.c2p(log_h - x_lo, log_error - y_lo)

    def build_error_trace(self, inset: Axes, records: Sequence[dict], upto: int, color: Any) -> VGroup:
        """Polyline of log10 |error| against log10 h for ``records[:upto + 1]``, with a dot on the last."""
        (x_lo, x_hi), (y_lo, y_hi) = inset.log_ranges
        points = [
            self.inset_point(inset, math.log10(abs(r["h"])), math.log10(r["error"]))
            for r in records[: upto + 1]
            if r["error"] is not None and r["error"] > 0 and y_lo <= math.log10(r["error"]) <= y_hi
        ]
        trace = VGroup()
        if len(points) >= 2:
            line = VMobject(color=color, stroke_width=3)
            line.set_points_as_corners(points)
            line.is_curve = True
            trace.add(line)
        if points:
            trace.add(Dot(points[-1], color=color, radius=0.05))
        return trace

    # -- beats -----------------------------------------------------------------------------------

    @cached_property
    def panel(self) -> Panel:
        """The column of formulas and readouts right of the graph (16:9, square) or under it (portrait)."""
        if style.frame().landscape:
            return Panel(self.PANEL_LEFT, row_gap=self.ROW_GAP)
        box = self.panel_box
        # under the plot, a little in from the frame's edge: Indicate grows a readout by a fifth
        # beside a square frame's plot the rows sit closer, so the error inset keeps a readable height
        return Panel(box.left + (0.25 if self.stacked else 0.0), box.top, right=min(box.right, Panel(box.left).right),
                     row_gap=self.ROW_GAP if self.stacked else 0.15)

    @property
    def title_top(self) -> float:
        """Where the panel's first row (the formula of f) starts."""
        return style.content_top() - 0.1 if style.frame().landscape else self.panel.top

    def construct(self) -> None:
        self.beat_graph()
        self.beat_secant()
        if self.story.differentiable:
            self.beat_shrink()
        else:
            self.beat_corner()
        self.beat_slide()

    def beat_graph(self) -> None:
        story = self.story
        self.beat("graph", en="The graph of f and a point P on it",
                  zh="函数 f 的图像和图像上的一点 P")
        # tick numbers stay clear of the graph, of the run and rise the secant beats leave drawn and of the
        # secants and tangent drawn through P (whose ends, past P and Q, are only known in the axes' scale:
        # the first build fixes the scale, the second the tick numbers)
        pieces = [*story.graph_pieces, *self.run_rise_pieces()]
        (self.axes,) = self.fitted_axes((self.regions["full"], {"pieces": pieces}))
        through_p = [np.array([self.axes.p2c(np.array([x, y, 0.0])) for x, y in self.line_points(line, count=200)])
                     for line in self.lines_through_p()]
        (self.axes,) = self.fitted_axes((self.regions["full"], {"pieces": [*pieces, *through_p]}))
        self.graph = self.build_curve(self.axes, story.graph_pieces, style.FUNCTION_COLOR)
        title = style.math(f"f(x) = {to_typst(story.function)}", size=style.TITLE_SIZE, color=style.FUNCTION_COLOR)
        self.title = self.panel.place(title, self.title_top)
        # P's name stays clear of every secant and tangent the later beats draw through P
        self.point_p = self.build_point(self.axes, story.x0, story.value, "P",
                                        avoid=self.line_points(*self.lines_through_p()))
        self.x0_readout = Readout.of(self.story, "x_0", "x0")
        self.value_readout = Readout.of(self.story, "f(x_0)", "value")
        self.panel.place(VGroup(self.x0_readout, self.value_readout).arrange(RIGHT, buff=0.5), self.panel.below(self.title))
        # faded, not drawn stroke by stroke: half-drawn numbers are unreadable
        self.play(FadeIn(self.axes), run_time=1.0)
        self.play(Create(self.graph), FadeIn(self.title), run_time=1.8)
        self.play(FadeIn(self.point_p, scale=1.5), FadeIn(self.x0_readout), FadeIn(self.value_readout), run_time=0.8)
        self.wait(0.8)

    def beat_secant(self) -> None:
        story = self.story
        self.beat("secant", en="A second point Q: the secant's slope is rise over run h",
                  zh="第二个点 Q：割线的斜率 = 高度差 ÷ 步长 h")
        first = story.secants[0]
        self.secant_group = self.build_secant(number(first, "h"))
        self.secant = self.secant_group.line
        q_label = style.math("Q", size=style.LABEL_SIZE, color=style.SECANT_COLOR)
        line = self.secant_group.line
        along = np.linspace(0, 1, 100)[:, None]
        curves = np.concatenate([
            self.curve_points(self.axes), self.point_p.label.get_center()[None, :2],
            (line.get_start() + along * (line.get_end() - line.get_start()))[:, :2],
            (self.secant_group.rise.get_start() + along * (self.secant_group.rise.get_end()
                                                           - self.secant_group.rise.get_start()))[:, :2],
        ])
        self.q_label = self.place_clear(q_label, self.secant_group.q_dot, curves, self.axes)
        self.quotient_readout = Readout.of(self.story, self.build_formula(), "secants.0.slope", color=style.SECANT_COLOR)
        self.h_readout = Readout.of(self.story, "h", "secants.0.h", color=RUN_COLOR)
        self.rise_readout = Readout.of(self.story, "f(x_0 + h) - f(x_0)", "secants.0.rise", color=RISE_COLOR)
        self.panel.place(self.quotient_readout, self.panel.below(self.x0_readout), [r["slope"] for r in story.secants])
        self.panel.place(self.h_readout, self.panel.below(self.quotient_readout))
        self.panel.place(self.rise_readout, self.panel.below(self.h_readout))
        group = self.secant_group
        self.play(FadeIn(group.q_dot, scale=1.5), FadeIn(q_label), run_time=0.6)
        self.play(Create(group.run), Create(group.rise), FadeIn(group.run_label), FadeIn(self.h_readout),
                  FadeIn(self.rise_readout), run_time=1.0)
        self.play(Create(group.line), FadeIn(self.quotient_readout), run_time=1.2)
        self.wait(1.6)

    def _shrink(self, group: SecantGroup, records: Sequence[dict], name: str, readouts: dict[str, Readout],
                traces: Sequence[tuple[VGroup, Axes, Sequence[dict], Any]] = ()) -> None:
        """Step ``group`` through ``records`` (largest h first), keeping readouts and traces on the story."""
        index = ValueTracker(0)
        last = len(records) - 1

        def current() -> int:
            return int(min(last, max(0, round(index.get_value()))))

        def follow(mob: SecantGroup) -> None:
            i = current()
            self.place_secant(mob, records[i]["h"])
            for key, readout in readouts.items():
                readout.bind(self.story, f"{name}.{i}.{key}")
            for trace, inset, trace_records, color in traces:
                replace_parts(trace, self.build_error_trace(inset, trace_records, i, color))

        # updaters run only on mobjects in the scene (the group's parts were added one by one), and
        # Manim redraws each frame only what comes after the first updated mobject: the readouts
        # and traces this updater changes go after the group
        self.add(group, *readouts.values(), *[trace for trace, *_ in traces])
        group.add_updater(follow)
        self.play(index.animate.set_value(last), run_time=self.SHRINK_TIME, rate_func=linear)
        group.remove_updater(follow)
        follow(group)

    def beat_shrink(self) -> None:
        story = self.story
        self.beat("shrink", en="Shrink h: the secant turns into the tangent, its slope tends to f'(x0)",
                  zh="缩小 h：割线变成切线，斜率趋近 f'(x0)")
        self.derivative_readout = Readout.of(self.story, "f'(x_0)", "derivative", color=style.TANGENT_COLOR)
        self.error_readout = Readout.of(self.story, self.tr('"error"', '"误差"'), "secants.0.error", decimals=4)
        # the error shares the row of h if it fits beside the plot; f'(x0) takes the place of the rise.
        # Under a portrait plot the readouts keep to one column, the error inset goes right of them.
        self.panel.place(self.derivative_readout, self.panel.below(self.h_readout))
        self.error_readout.next_to(self.h_readout, RIGHT, buff=0.6)
        if self.stacked or self.error_readout.get_right()[0] > self.panel.right:
            self.panel.place(self.error_readout, self.panel.below(self.derivative_readout))
        rows_bottom = min(self.error_readout.get_bottom()[1], self.derivative_readout.get_bottom()[1])
        extra: list[Any] = []
        traces = []
        if story.forward_order is not None:
            inset, legend = self.place_error_inset(rows_bottom)
            self.inset = inset
            forward = self.build_error_trace(inset, story.secants, 0, style.SECANT_COLOR)
            traces.append((forward, inset, story.secants, style.SECANT_COLOR))
            self.forward_trace = forward
            if story.central_order is not None:
                central = self.build_error_trace(inset, story.central, 0, CENTRAL_COLOR)
                traces.append((central, inset, story.central, CENTRAL_COLOR))
                self.central_trace = central
            extra = [inset, legend] + [t[0] for t in traces]
            self.inset_group = VGroup(*extra)
        self.play(FadeOut(self.secant_group.run_label), FadeOut(self.rise_readout), FadeOut(self.q_label),
                  run_time=0.4)
        self.play(FadeIn(self.derivative_readout), FadeIn(self.error_readout), *[FadeIn(m) for m in extra],
                  run_time=0.6)
        self.remove(self.rise_readout, self.q_label)
        self.secant_group.remove(self.secant_group.run_label)
        self._shrink(self.secant_group, story.secants, "secants",
                     {"slope": self.quotient_readout, "h": self.h_readout, "error": self.error_readout}, traces)
        assert story.derivative is not None, "construct() runs this beat for a differentiable f"
        self.tangent = self.build_tangent(story.x0, story.value, story.derivative)
        self.play(Create(self.tangent), Indicate(self.derivative_readout, color=style.TANGENT_COLOR), run_time=1.2)
        self.wait(1.5)

    def beat_corner(self) -> None:
        story = self.story
        self.beat("corner", en="Shrink h from each side: the slopes disagree, so f'(x0) does not exist",
                  zh="从两侧缩小 h：左右斜率不同，所以 f'(x0) 不存在")
        self.play(FadeOut(self.secant_group.run_label), FadeOut(self.rise_readout), FadeOut(self.q_label), run_time=0.6)
        self.remove(self.rise_readout, self.q_label)
        self.secant_group.remove(self.secant_group.run_label)
        self._shrink(self.secant_group, story.secants, "secants", {"slope": self.quotient_readout, "h": self.h_readout})
        sides = {1: ("right_derivative", "f'_+(x_0)"), -1: ("left_derivative", "f'_-(x_0)")}
        own_field, own_label = sides[story.secant_direction]
        other_field, other_label = sides[-story.secant_direction]
        own = Readout.of(self.story, own_label, own_field, color=style.SECANT_COLOR)
        self.one_sided = [own]
        own.next_to(self.h_readout, RIGHT, buff=0.6)
        self.play(FadeIn(own), run_time=0.6)
        last: Any = self.h_readout
        if story.opposite_secants:
            other_group = self.build_secant(number(story.opposite_secants[0], "h"), color=LEFT_SECANT_COLOR)
            other_group.remove(other_group.run_label, other_group.run, other_group.rise)
            self.other_secant = other_group
            other_quotient = Readout.of(self.story, self.build_formula(), "opposite_secants.0.slope", color=LEFT_SECANT_COLOR)
            self.other_quotient = other_quotient
            self.panel.place(other_quotient, self.panel.below(self.h_readout),
                             [r["slope"] for r in story.opposite_secants])
            self.play(Create(other_group.line), FadeIn(other_group.q_dot), FadeIn(other_quotient), run_time=0.8)
            other_h = Readout.of(self.story, "h", "opposite_secants.0.h", color=RUN_COLOR)
            self.panel.place(other_h, self.panel.below(other_quotient))
            self.play(FadeIn(other_h), run_time=0.3)
            self._shrink(other_group, story.opposite_secants, "opposite_secants",
                         {"slope": other_quotient, "h": other_h})
            other = Readout.of(self.story, other_label, other_field, color=LEFT_SECANT_COLOR)
            other.next_to(other_h, RIGHT, buff=0.6).align_to(own, LEFT)
            self.one_sided.append(other)
            self.play(FadeIn(other), run_time=0.6)
            last = other
        verdict = VGroup(
            style.text(self.tr("left slope ≠ right slope:", "左斜率 ≠ 右斜率："), size=style.LABEL_SIZE,
                       color=style.HIGHLIGHT_COLOR),
            style.text(self.tr("f′(x₀) does not exist", "f′(x₀) 不存在"), size=style.LABEL_SIZE,
                       color=style.HIGHLIGHT_COLOR),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        self.verdict = self.panel.place(verdict, self.panel.below(last) - 0.1)
        self.play(FadeIn(self.verdict), run_time=0.8)
        self.wait(1.5)

    def beat_slide(self) -> None:
        story = self.story
        if not story.differentiable:
            en, zh = ("Slide the tangent: the height of f' is the slope of f, and it jumps at the corner",
                      "滑动切线：f' 的高度就是 f 的斜率，在尖角处跳变")
        elif story.critical_points:
            en, zh = ("Slide the tangent: the height of f' is the slope of f, and f' = 0 at a max or min",
                      "滑动切线：f' 的高度就是 f 的斜率；极大、极小处 f' = 0")
        else:
            en, zh = "Slide the tangent: the height of f' is the slope of f", "滑动切线：f' 的高度就是 f 的斜率"
        self.beat("slide", en=en, zh=zh)
        # top-level mobjects only: a part added on its own is also inside its group
        old = [m for m in self.mobjects if m is not self._caption_mob
               and not any(m is not other and m in other.get_family() for other in self.mobjects)]
        top_axes, self.derivative_axes = self.fitted_axes(
            (self.regions["top"], {}),
            (self.regions["bottom"], {"y_range": story.derivative_range, "y_label": "f'(x)", "pieces": story.derivative_pieces}),
        )
        top_graph = self.build_curve(top_axes, story.graph_pieces, style.FUNCTION_COLOR)
        top_p = self.build_point(top_axes, story.x0, story.value, "P")
        fading = [m for m in old if m not in (self.graph, self.point_p, self.title)] + [self.point_p.label]
        # old and new numbers never share the screen, and the moving graph crosses no text
        self.play(*[FadeOut(m) for m in fading], run_time=0.6)
        self.play(ReplacementTransform(VGroup(self.graph, self.point_p.dot), VGroup(top_graph, top_p.dot)),
                  run_time=0.9)
        self.remove(self.point_p)
        self.axes, self.graph, self.point_p = top_axes, top_graph, top_p
        self.play(FadeIn(top_axes), FadeIn(self.derivative_axes), FadeIn(top_p.label), run_time=0.8)
        self.add(top_p)

        slide = story.slide
        usable = [i for i, r in enumerate(slide) if r["slope"] is not None]
        start = min(usable, key=lambda i: abs(number(slide[i], "x") - story.x0))
        index = ValueTracker(start)

        def current() -> int:
            wanted = round(index.get_value())
            return min(usable, key=lambda i: abs(i - wanted))

        d_range = story.derivative_range
        xs = [slide[i]["x"] for i in usable]
        slopes = [slide[i]["slope"] for i in usable]
        self.x_readout = Readout.of(self.story, "x", f"slide.{start}.x")
        self.slope_readout = Readout.of(self.story, "f'(x)", f"slide.{start}.slope", color=style.TANGENT_COLOR,
                                        decimals=decimals_for(slopes, least=1))
        self.panel.row([(self.x_readout, xs), (self.slope_readout, slopes)], self.panel.below(self.title))
        note = style.text(self.tr("slope of the green tangent\n= height of the red curve",
                                  "绿色切线的斜率\n= 红色曲线的高度"), size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        self.panel.place(note, self.panel.below(VGroup(self.x_readout, self.slope_readout)) - 0.1)
        panel = [note]
        kinds = {p["kind"] for p in story.critical_points}
        if kinds:
            heading = style.text(self.tr("where the tangent is flat, f′ = 0:", "切线水平处 f′ = 0："),
                                 size=style.SMALL_SIZE, color=style.HIGHLIGHT_COLOR)
            if heading.width > self.panel.width:  # a narrow panel: two lines rather than small print
                heading = style.text(self.tr("where the tangent is flat,\nf′ = 0:", "切线水平处\nf′ = 0："),
                                     size=style.SMALL_SIZE, color=style.HIGHLIGHT_COLOR)
            rules = VGroup(heading)
            for kind, sign in (("max", "<"), ("min", ">"), ("inflection", "=")):
                if kind in kinds:
                    rules.add(style.math(f'"{self.kind_name(kind)}{self.tr(":", "：")}"  f\'\' {sign} 0',
                                         size=style.LABEL_SIZE, color=style.HIGHLIGHT_COLOR))
            rules.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
            self.panel.place(rules, self.panel.below(note) - 0.15)
            panel.append(rules)
        if not story.differentiable:
            corner = style.text(self.tr("no tangent at the corner x₀:\nf′ jumps there", "尖点 x₀ 处没有切线：\nf′ 在此跳变"),
                                size=style.SMALL_SIZE, color=style.HIGHLIGHT_COLOR)
            self.panel.place(corner, self.panel.below(panel[-1]) - 0.15)
            panel.append(corner)
        self.slide_panel = VGroup(*panel)

        def tangent_now() -> VGroup:
            r = slide[current()]
            x, y, slope = number(r, "x"), number(r, "y"), number(r, "slope")
            tangent = self.build_tangent(x, y, slope)
            dot = Dot(self.axes.c2p(x, y), color=style.TANGENT_COLOR, radius=0.07)
            low = self.derivative_axes.c2p(x, min(max(slope, d_range[0]), d_range[1]))
            inside = d_range[0] <= slope <= d_range[1]
            low_dot = Dot(low, color=style.DERIVATIVE_COLOR, radius=0.07)
            if not inside:
                low_dot.set_opacity(0.0)
            link = self.build_link(dot.get_center(), low)
            group = VGroup(link, tangent, dot, low_dot)
            group.tangent = tangent
            return group

        def trace_now() -> VGroup:
            return self.build_curve(self.derivative_axes, story.derivative_pieces, style.DERIVATIVE_COLOR,
                                    upto=slide[current()]["x"])

        self.slider = tangent_now()
        self.tangent = self.slider.tangent
        self.derivative_trace = VGroup()
        self.play(FadeIn(self.slider), FadeIn(self.x_readout), FadeIn(self.slope_readout), FadeIn(self.slide_panel),
                  run_time=0.8)

        def follow(mob: VGroup) -> None:
            mob.become(tangent_now())
            i = current()
            self.x_readout.bind(self.story, f"slide.{i}.x")
            self.slope_readout.bind(self.story, f"slide.{i}.slope")

        def grow(mob: VGroup) -> None:
            replace_parts(mob, trace_now())

        self.slider.add_updater(follow)
        # back to the left end first, then the sweep traces f' from left to right
        self.play(index.animate.set_value(usable[0]), run_time=1.2)
        self.add(self.derivative_trace)
        self.derivative_trace.add_updater(grow)
        stops = [i for i, r in enumerate(slide) for p in story.critical_points if r["x"] == p["x"]] + [usable[-1]]
        self.markers = VGroup()
        seconds_per_sample = self.SWEEP_TIME / max(1, usable[-1] - usable[0])
        for stop in stops:
            distance = stop - index.get_value()
            if distance > 0:
                self.play(index.animate.set_value(stop), run_time=max(0.3, distance * seconds_per_sample),
                          rate_func=linear)
            point = next((p for p in story.critical_points if p["x"] == slide[stop]["x"]), None)
            if point is not None:
                marker = self.build_marker(point)
                self.markers.add(marker)
                self.play(FadeIn(marker), run_time=0.5)
        self.slider.remove_updater(follow)
        self.derivative_trace.remove_updater(grow)
        follow(self.slider)
        self.tangent = self.slider.tangent
        self.wait(1.5)

    def build_link(self, top: np.ndarray, low: np.ndarray) -> VGroup:
        """The vertical guide from the tangent's point on f down to f'(x), broken where it would cross a tick
        number or an axis name (at the ends of the sweep it runs down through the top plot's x numbers).
        """
        x = float(top[0])
        texts = [*self.axes.tick_labels, *self.axes.axis_titles, *self.derivative_axes.tick_labels,
                 *self.derivative_axes.axis_titles]
        gaps = sorted((float(t.get_bottom()[1]) - 0.06, float(t.get_top()[1]) + 0.06) for t in texts
                      if t.get_left()[0] - 0.04 <= x <= t.get_right()[0] + 0.04)
        link = VGroup()
        y, end = float(min(top[1], low[1])), float(max(top[1], low[1]))
        for gap_low, gap_high in gaps + [(end, end)]:
            stop = min(gap_low, end)
            if stop - y > 1e-3:
                link.add(Line([x, y, 0.0], [x, stop, 0.0], color=style.MUTED_COLOR, stroke_width=1.5))
            y = max(y, gap_high)
        # always the same number of parts (unstroked ones pad it), so the slider's become() keeps its structure
        while len(link) < self.LINK_PARTS:
            link.add(Line([x, top[1], 0.0], [x, top[1] + 1e-4, 0.0], stroke_width=0))
        return link

    def kind_name(self, kind: str) -> str:
        """The on-screen name of a flat tangent's kind (max, min, or flat for an inflection)."""
        names = {"max": ("max", "极大"), "min": ("min", "极小")}
        return self.tr(*names.get(kind, ("flat", "驻点")))

    def build_marker(self, point: dict) -> VGroup:
        """A flat tangent: dots on f and on f' = 0, labelled max/min/flat with the sign of f''."""
        kind = point["kind"]
        top = Dot(self.axes.c2p(point["x"], point["y"]), color=style.HIGHLIGHT_COLOR, radius=0.08)
        low = Dot(self.derivative_axes.c2p(point["x"], 0.0), color=style.HIGHLIGHT_COLOR, radius=0.08)
        label = style.text(self.kind_name(kind), size=style.SMALL_SIZE, color=style.HIGHLIGHT_COLOR)
        marker = VGroup(top, low, label)
        marker.label = label
        # the label goes on the open side of the turning point, else beside it there, else on the other
        # side (a tick number or P's name may sit right under or over the dot: a minimum just below the
        # x-axis has the tick number of its x under it); if every place would leave the window or run into
        # the curve or other text, it is left out (the dots stay)
        lower, upper = self.window(self.axes)
        taken = [m.label for m in self.markers if m.label in m.submobjects]
        taken += [self.point_p.label, *self.axes.tick_labels, *self.axes.axis_titles]
        # the curve and the axis lines (a turning point just above or under the x-axis)
        curve = np.concatenate([self.curve_points(self.axes), self.line_points(
            *(Line(axis.get_start(), axis.get_end()) for axis in (self.axes.x_axis, self.axes.y_axis)), count=400)])
        first, second = (DOWN, UP) if kind == "min" else (UP, DOWN)
        for side in (first, first + LEFT, first + RIGHT, second, second + LEFT, second + RIGHT, LEFT, RIGHT):
            label.next_to(top, side, buff=0.1)
            outside = (label.get_left()[0] < lower[0] or label.get_right()[0] > upper[0] + 0.3
                       or label.get_top()[1] > upper[1] + 0.3 or label.get_bottom()[1] < lower[1] - 0.3)
            low_corner, high_corner = label.get_corner(DOWN + LEFT)[:2], label.get_corner(UP + RIGHT)[:2]
            on_curve = np.any(np.all((curve >= low_corner) & (curve <= high_corner), axis=1))
            if not (outside or on_curve or any(overlaps(label, other) for other in taken)):
                return marker
        marker.remove(label)
        return marker
