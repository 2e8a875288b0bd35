"""The chain rule: slopes multiply (issue #9, item 1), drawn from :mod:`mathviz.stories.chain_rule`.

Beats: the composition x -> u = f(x) -> y = g(u) as two graphs side by side;
a nudge dx at x0 through f (its tangent turns dx into df = f'(x0) dx); df
carried to g's input and through g (dg = g'(f(x0)) df); the graph of
g(f(x)) below f's, on the same x scale, whose tangent at x0 rises dg over
the same dx, so its slope is the product g'(f(x0)) f'(x0), confirmed by a
central difference; then a tiny sigmoid layer x -> z = W x + b ->
s = sigma(z) -> L = v . s, whose Jacobian is the product of its stages'
Jacobians, checked against central differences.

Every number on screen is read from the story; the scene only places
mobjects. Nudges are drawn as segments whose lengths in graph units are the
story's dx, df and dg, and tangents with the story's slopes.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    CurvedArrow,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    GrowFromPoint,
    Indicate,
    Line,
    SurroundingRectangle,
    TransformFromCopy,
    VGroup,
    VMobject,
    Write,
)

from mathviz.stories.chain_rule import ChainStory
from mathviz.view import nice_step
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.graph import clip_segment, ticks_between
from mathviz_scenes.components.layout import overlaps
from mathviz_scenes.components.numbers import decimals_for, fmt
from mathviz_scenes.components.panel import Panel
from mathviz_scenes.components.readout import Readout
from mathviz_scenes.components.typst_expr import to_typst

__all__ = ["SlopesMultiply", "Graph", "NumberMatrix", "decimals_for"]

DX_COLOR = style.POSITIVE_COLOR
DF_COLOR = style.ACCENT_COLOR
DG_COLOR = style.SECANT_COLOR
CURVE_COLOR = style.FUNCTION_COLOR
PRODUCT_COLOR = style.HIGHLIGHT_COLOR


def tick_text(value: float, step: float, largest: float) -> str:
    """A tick number: ``20k`` past 10^4, else with as many decimals as the step needs."""
    if abs(value) < 1e-9 * step:
        return "0"
    if largest >= 1e4:
        return f"{value / 1000:g}k"
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{value:.{decimals}f}"


def in_variable(source: str, name: str) -> str:
    """The expression text ``source`` with the variable x renamed ``name`` (parsed, never evaluated)."""
    tree = ast.parse(source, mode="eval")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "x":
            node.id = name
    return ast.unparse(tree)


class Graph(VGroup):
    """A boxed graph: an invisible :class:`~manim.Axes` for coordinates, the box's left and bottom edges
    as axes, tick numbers outside the box, the zero lines inside it, a title and the input's name.

    ``window`` is ``(x_lo, x_hi, y_lo, y_hi)``; ``region`` the box ``(left, bottom, right, top)`` in scene units.
    """

    def __init__(self, window: Sequence[float], region: Sequence[float], title: Any, x_name: str) -> None:
        super().__init__()
        x_lo, x_hi, y_lo, y_hi = (float(v) for v in window)
        left, bottom, right, top = region
        self.window = (x_lo, x_hi, y_lo, y_hi)
        self.axes = style.make_axes([x_lo, x_hi, x_hi - x_lo], [y_lo, y_hi, y_hi - y_lo], right - left, top - bottom,
                                    numbers=False, axis_config={"include_ticks": False, "stroke_opacity": 0.0})
        self.axes.shift(np.array([left, bottom, 0.0]) - self.axes.c2p(x_lo, y_lo))
        grey = dict(color=style.MUTED_COLOR, stroke_width=2)
        self.frame = VGroup(Line([left, bottom, 0], [right, bottom, 0], **grey), Line([left, bottom, 0], [left, top, 0], **grey))
        self.zero_lines = VGroup()
        faint = dict(color=style.MUTED_COLOR, stroke_width=1.2, stroke_opacity=0.45)
        if x_lo < 0 < x_hi:
            self.zero_lines.add(Line(self.c2p(0, y_lo), self.c2p(0, y_hi), **faint))
        if y_lo < 0 < y_hi:
            self.zero_lines.add(Line(self.c2p(x_lo, 0), self.c2p(x_hi, 0), **faint))
        self.tick_labels = VGroup()
        ticks = VGroup()
        for axis, (lo, hi) in ((0, (x_lo, x_hi)), (1, (y_lo, y_hi))):
            target = max(3, min(6, round((right - left if axis == 0 else top - bottom) / 0.9)))
            step = nice_step((hi - lo) / target)
            values = ticks_between(lo, hi, step)
            largest = float(np.max(np.abs(values))) if len(values) else 0.0
            placed: list[Any] = []
            for value in values:
                label = style.text(tick_text(value, step, largest), size=style.SMALL_SIZE, color=style.MUTED_COLOR)
                if axis == 0:
                    at = self.c2p(value, y_lo)
                    ticks.add(Line(at, at + 0.08 * DOWN, **grey))
                    label.next_to(at, DOWN, buff=0.12)
                else:
                    at = self.c2p(x_lo, value)
                    ticks.add(Line(at, at + 0.08 * LEFT, **grey))
                    label.next_to(at, LEFT, buff=0.12)
                if any(overlaps(label, other, 0.08) for other in placed):
                    continue
                placed.append(label)
                self.tick_labels.add(label)
        self.x_name = style.math(x_name, size=style.LABEL_SIZE).next_to(self.c2p(x_hi, y_lo), RIGHT, buff=0.15)
        self.title = title
        self.title.next_to(np.array([(left + right) / 2, top, 0.0]), UP, buff=0.12)
        self.add(self.axes, self.zero_lines, self.frame, ticks, self.tick_labels, self.x_name, self.title)

    def c2p(self, x: float, y: float) -> np.ndarray:
        return np.asarray(self.axes.c2p(x, y), dtype=float)

    def p2c(self, point: np.ndarray) -> tuple[float, float]:
        x, y = self.axes.p2c(np.asarray(point, dtype=float))[:2]
        return float(x), float(y)

    def corners(self) -> tuple[np.ndarray, np.ndarray]:
        x_lo, x_hi, y_lo, y_hi = self.window
        return self.c2p(x_lo, y_lo), self.c2p(x_hi, y_hi)

    def curve(self, pieces: Sequence[np.ndarray], color: Any = CURVE_COLOR) -> VGroup:
        """The story's curve pieces as polylines (marked as curves for the frame-quality guard)."""
        group = VGroup()
        for piece in pieces:
            line = VMobject(color=color, stroke_width=4)
            line.set_points_as_corners(self.axes.c2p(piece[:, 0], piece[:, 1]).T)
            line.is_curve = True
            group.add(line)
        return group

    def tangent(self, x: float, y: float, slope: float) -> Line:
        """The line through (x, y) with ``slope`` in graph units, across the whole box."""
        point = self.c2p(x, y)
        x_lo, x_hi, _, _ = self.window
        reach = 2 * (x_hi - x_lo)
        start, end = self.c2p(x - reach, y - reach * slope), self.c2p(x + reach, y + reach * slope)
        clipped = clip_segment(start, end, *self.corners())
        start, end = clipped if clipped is not None else (point, point + 1e-3 * RIGHT)
        return Line(start, end, color=style.TANGENT_COLOR, stroke_width=3.5)


def operator(source: str, size: float = style.READOUT_SIZE) -> Any:
    """A lone operator (=, times, dot) between numbers. The guard's glyph-height test is for text: an
    equals sign has no tall glyph at any size, so it is marked a decoration (it matches the numbers' size).
    """
    mob = style.math(source, size=size)
    mob.is_decoration = True
    return mob


def segment(start: np.ndarray, end: np.ndarray, color: Any) -> Line:
    """A nudge drawn as a thick segment; a zero-length one stays invisible (Manim needs a direction)."""
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    if np.linalg.norm(end - start) < 1e-9:
        line = Line(start, start + 1e-6 * RIGHT, color=color, stroke_width=6).set_opacity(0)
        line.zero = True
        return line
    line = Line(start, end, color=color, stroke_width=6)
    line.zero = False
    return line


class NumberMatrix(VGroup):
    """A matrix of story numbers between brackets; every entry is a DecimalNumber bound to ``field.i.j``."""

    def __init__(self, values: np.ndarray, field: str, *, decimals: int = 3, color: Any = style.SECONDARY_COLOR,
                 size: float = style.READOUT_SIZE) -> None:
        super().__init__()
        given = np.asarray(values, dtype=float)
        # a vector is drawn as a column; its entries are field.i, a matrix's field.i.j, a scalar's field
        if given.ndim == 1:
            names = {(i, 0): f"{field}.{i}" for i in range(given.size)}
            values = given.reshape(-1, 1)
        elif given.ndim == 0:
            names, values = {(0, 0): field}, given.reshape(1, 1)
        else:
            values = given
            names = {(i, j): f"{field}.{i}.{j}" for i in range(given.shape[0]) for j in range(given.shape[1])}
        self.entries = VGroup()
        rows, cols = values.shape
        cells = []
        for i in range(rows):
            for j in range(cols):
                value = float(values[i, j])
                # exact zeros (off the diagonal of a diagonal Jacobian) print as 0
                number = style.number(value, decimals=0 if value == 0 else decimals, size=size,
                                      color=style.MUTED_COLOR if value == 0 else color)
                number.story_field = names[(i, j)]
                cells.append((i, j, number))
                self.entries.add(number)
        width = max(n.width for _, _, n in cells) + 0.3
        height = max(n.height for _, _, n in cells) + 0.22
        column = max(n.width for _, _, n in cells)
        for i, j, number in cells:
            # numbers right-aligned so decimal points line up; a lone 0 centred in its column
            if number.get_value() != 0:
                number.move_to([j * width, -i * height, 0], aligned_edge=RIGHT)
            else:
                number.move_to([j * width - column / 2, -i * height, 0])
        self.entries.move_to([0, 0, 0])
        pad_x, pad_y = 0.16, 0.1
        lo, hi = self.entries.get_corner(DOWN + LEFT) - [pad_x, pad_y, 0], self.entries.get_corner(UP + RIGHT) + [pad_x, pad_y, 0]
        arm = 0.12
        left = VMobject(stroke_width=2.5, color=color).set_points_as_corners(
            [[lo[0] + arm, hi[1], 0], [lo[0], hi[1], 0], [lo[0], lo[1], 0], [lo[0] + arm, lo[1], 0]])
        right = VMobject(stroke_width=2.5, color=color).set_points_as_corners(
            [[hi[0] - arm, hi[1], 0], [hi[0], hi[1], 0], [hi[0], lo[1], 0], [hi[0] - arm, lo[1], 0]])
        self.brackets = VGroup(left, right)
        self.values = values
        self.add(self.brackets, self.entries)

    def shown(self) -> np.ndarray:
        """The numbers on screen, as a matrix."""
        rows, cols = self.values.shape
        return np.array([[self.entries[i * cols + j].get_value() for j in range(cols)] for i in range(rows)])



class SlopesMultiply(ExplainerScene):
    """A nudge through f then g: the slopes multiply; for layers, the Jacobians multiply."""

    scene_name = "chain_rule"
    story: ChainStory

    #: Boxes (left, bottom, right, top) in a 16:9 frame: f top left, g top right, g(f(x)) below f on the same x scale.
    F_REGION = (-5.95, 0.95, -0.95, 3.3)
    G_REGION = (1.05, 0.95, 6.05, 3.3)
    COMPOSITE_REGION = (-5.95, -2.75, -0.95, -0.4)
    #: Left edge and top of the panel of readouts (below g).
    PANEL_LEFT = 0.45
    PANEL_TOP = 0.05
    ROW_GAP = 0.22

    #: Height of the panel under the three graphs in a portrait frame.
    PORTRAIT_PANEL_HEIGHT = 3.5
    #: Clear space the arrow carrying u0 from f to g keeps around the graphs' words, and the bends it tries.
    CARRY_CLEARANCE = 0.08
    CARRY_BENDS = (-0.5, -0.3, 0.3, 0.5, -0.8, 0.8)

    # -- the frame -------------------------------------------------------------------------------

    @cached_property
    def boxes(self) -> dict[str, Any]:
        """The graph boxes ``f``, ``g``, ``composite`` and the panel's ``panel_left``, ``panel_top`` for this frame.

        16:9 and square: f over g(f(x)) in the left column, g over the panel in the right one (16:9 keeps its
        tuned boxes). Portrait: f, g and g(f(x)) stacked at the frame's width (f and g(f(x)) on one x scale),
        the panel under them. Each box leaves room for its title above, tick numbers left and below and the
        input's name at its right.
        """
        frame = style.frame()
        if frame.landscape:
            return {"f": self.F_REGION, "g": self.G_REGION, "composite": self.COMPOSITE_REGION,
                    "panel_left": self.PANEL_LEFT, "panel_top": self.PANEL_TOP}
        title, ticks, names, numbers = 0.55, 0.45, 0.45, 0.85
        if frame.portrait:
            graphs_bottom = frame.bottom + self.PORTRAIT_PANEL_HEIGHT + 0.3
            slot = (frame.top - graphs_bottom) / 3
            left, right = frame.left + numbers, frame.right - names
            f, g, c = ((left, frame.top - (k + 1) * slot + ticks, right, frame.top - k * slot - title) for k in range(3))
            return {"f": f, "g": g, "composite": c, "panel_left": frame.left + 0.25,
                    "panel_top": frame.bottom + self.PORTRAIT_PANEL_HEIGHT}
        column = (frame.content_width - 0.3) / 2
        middle = (frame.top + frame.bottom) / 2
        left_column = (frame.left + numbers, frame.left + column - names)
        right_column = (frame.right - column + numbers, frame.right - names)
        return {"f": (left_column[0], middle + ticks, left_column[1], frame.top - title),
                "g": (right_column[0], middle + ticks, right_column[1], frame.top - title),
                "composite": (left_column[0], frame.bottom + ticks, left_column[1], middle - title),
                "panel_left": frame.right - column, "panel_top": middle - 0.1}

    # -- builders --------------------------------------------------------------------------------

    def title(self, source: str, color: Any = CURVE_COLOR) -> Any:
        return style.math(source, size=style.LABEL_SIZE, color=color)

    def fitted_title(self, sources: Sequence[str], width: float, color: Any = CURVE_COLOR) -> Any:
        """The first of ``sources`` that fits ``width`` and one line's height (the last one regardless)."""
        for source in sources:
            mob = self.title(source, color)
            # the title sits between the box and the top of the frame: a fraction would not fit
            if mob.width <= width and mob.height <= 0.45:
                return mob
        return mob

    def build_graphs(self) -> tuple[Graph, Graph, Graph]:
        """The graphs of f (top left), g (top right) and g(f(x)) (below f), from the story's windows."""
        s = self.story
        boxes = self.boxes
        width = boxes["f"][2] - boxes["f"][0] + 0.4
        f_title = self.fitted_title([f"u = f(x) = {to_typst(s.f)}", "u = f(x)"], width)
        g_title = self.fitted_title([f"y = g(u) = {to_typst(in_variable(s.g, 'u'))}", "y = g(u)"], width)
        c_title = self.fitted_title([f"y = g(f(x)) = {to_typst(s.composite)}", "y = g(f(x))"], width)
        self.f_graph = Graph(s.f_window, boxes["f"], f_title, "x")
        self.g_graph = Graph(s.g_window, boxes["g"], g_title, "u")
        self.composite_graph = Graph(s.composite_window, boxes["composite"], c_title, "x")
        self.f_curve = self.f_graph.curve(s.f_pieces)
        self.g_curve = self.g_graph.curve(s.g_pieces)
        self.composite_curve = self.composite_graph.curve(s.composite_pieces)
        return self.f_graph, self.g_graph, self.composite_graph

    def build_point(self, graph: Graph, x: float, y: float, x_name: str, y_name: str | None) -> VGroup:
        """A dot at (x, y) with dashed guides to the box's edges and the names of x (and y) by the edges."""
        x_lo, _, y_lo, _ = graph.window
        dot = Dot(graph.c2p(x, y), radius=0.07, color=style.SECONDARY_COLOR)
        guides = VGroup(DashedLine(graph.c2p(x, y_lo), graph.c2p(x, y), color=style.MUTED_COLOR, stroke_width=1.5))
        names = VGroup()
        x_label = style.math(x_name, size=style.SMALL_SIZE + 2)
        # left of the guide: the nudges go right from x, so their labels stay clear of it
        x_label.next_to(graph.c2p(x, y_lo), UP + LEFT, buff=0.06)
        names.add(x_label.add_background_rectangle(opacity=0.85, buff=0.03))
        if y_name is not None:
            guides.add(DashedLine(graph.c2p(x_lo, y), graph.c2p(x, y), color=style.MUTED_COLOR, stroke_width=1.5))
            y_label = style.math(y_name, size=style.SMALL_SIZE + 2)
            y_label.next_to(graph.c2p(x_lo, y), UP + RIGHT, buff=0.06)
            names.add(y_label.add_background_rectangle(opacity=0.85, buff=0.03))
        group = VGroup(guides, dot, names)
        group.dot, group.names = dot, names
        graph.point_names = names
        return group

    def build_nudge(self, graph: Graph, x: float, y: float, run: float, rise: float, slope: float,
                    run_color: Any, rise_color: Any, run_name: str, rise_name: str) -> VGroup:
        """The tangent at (x, y), the run from (x, y) to (x + run, y) and the rise up to (x + run, y + rise)."""
        tangent = graph.tangent(x, y, slope)
        run_line = segment(graph.c2p(x, y), graph.c2p(x + run, y), run_color)
        rise_line = segment(graph.c2p(x + run, y), graph.c2p(x + run, y + rise), rise_color)
        run_label = style.math(run_name, size=style.SMALL_SIZE + 2, color=run_color)
        rise_label = style.math(rise_name, size=style.SMALL_SIZE + 2, color=rise_color)
        for label in (run_label, rise_label):
            label.add_background_rectangle(opacity=0.85, buff=0.03)
        taken = [*graph.tick_labels, graph.x_name, graph.title]
        taken += list(getattr(graph, "point_names", []))
        away = DOWN if rise >= 0 else UP
        self.place_label(run_label, [(run_line, away), (run_line, -away), (run_line.get_end(), RIGHT),
                                     (run_line.get_start(), LEFT)], taken, graph)
        self.place_label(rise_label, [(rise_line, RIGHT), (rise_line, LEFT), (rise_line.get_end(), UP + RIGHT),
                                      (rise_line.get_end(), UP + LEFT)], taken + [run_label], graph)
        group = VGroup(tangent, run_line, rise_line)
        group.tangent, group.run, group.rise = tangent, run_line, rise_line
        group.labels = VGroup(*(label for label, line in ((run_label, run_line), (rise_label, rise_line))
                                if not line.zero))
        group.run_label, group.rise_label = run_label, rise_label
        return group

    @staticmethod
    def place_label(label: Any, places: Sequence[tuple[Any, np.ndarray]], taken: Sequence[Any], graph: Graph) -> Any:
        """Put ``label`` at the first of ``places`` (anchor, direction) clear of ``taken`` and inside the
        graph's box grown by a little; the first place if none is.
        """
        lower, upper = graph.corners()
        for anchor, direction in places:
            label.next_to(anchor, direction, buff=0.08)
            inside = (label.get_left()[0] > lower[0] + 0.02 and label.get_right()[0] < upper[0] + 0.3
                      and label.get_bottom()[1] > lower[1] + 0.02 and label.get_top()[1] < upper[1] + 0.1)
            if inside and not any(overlaps(label, other, 0.04) for other in taken):
                return label
        label.next_to(places[0][0], places[0][1], buff=0.08)
        return label

    def build_carry(self) -> CurvedArrow:
        """The arrow taking u0 from f's output axis to g's input axis, bent so that it keeps clear of the two
        graphs' words (titles, tick numbers, input names): the first of :attr:`CARRY_BENDS` that keeps
        :attr:`CARRY_CLEARANCE` from them all, else the one farthest from them.

        Bent up and right it suits f beside g; with g under f (portrait) that bend ran across g's title.
        """
        start = self.f_point.names[1].get_right() + 0.05 * RIGHT
        end = self.g_point.names[0].get_left() + 0.05 * LEFT
        words = [word for graph in (self.f_graph, self.g_graph)
                 for word in (*graph.tick_labels, graph.x_name, graph.title)]

        def clearance(arrow: CurvedArrow) -> float:
            """The arrow's least distance outside any word's box (negative: it runs through one)."""
            points = np.array([arrow.point_from_proportion(t)[:2] for t in np.linspace(0.0, 1.0, 80)])
            return min((float(np.min(np.max(np.abs(points - word.get_center()[:2])
                                            - np.array([word.width, word.height]) / 2, axis=1)))
                        for word in words), default=math.inf)

        arrows = [CurvedArrow(start, end, angle=angle, color=style.MUTED_COLOR, stroke_width=2.5, tip_length=0.18)
                  for angle in self.CARRY_BENDS]
        return next((arrow for arrow in arrows if clearance(arrow) >= self.CARRY_CLEARANCE),
                    max(arrows, key=clearance))

    @cached_property
    def panel(self) -> Panel:
        """The readouts below g, right of the composite (under the three graphs in portrait)."""
        if style.frame().landscape:
            return Panel(self.PANEL_LEFT, self.PANEL_TOP, row_gap=self.ROW_GAP)
        # clear of the frame's right edge: Indicate grows a readout by a fifth
        return Panel(self.boxes["panel_left"], self.boxes["panel_top"], right=style.frame().right - 0.35,
                     row_gap=self.ROW_GAP)

    def build_product(self) -> VGroup:
        """(g o f)'(x0) = g'(f(x0)) f'(x0) in symbols, then in the story's numbers."""
        s = self.story
        rule = self.title("(g compose f)'(x_0) = g'(f(x_0)) dot f'(x_0)", PRODUCT_COLOR)
        numbers = VGroup(
            self.number("chain_slope", PRODUCT_COLOR), operator("="),
            self.number("g_slope", DG_COLOR), operator("times"),
            self.number("f_slope", DF_COLOR),
        ).arrange(RIGHT, buff=0.18)
        self.product_numbers = numbers
        words = self.tr("slope of the graph of g(f(x)) at x₀", "g(f(x)) 的图像在 x₀ 处的斜率")
        if style.text(f"{words} = 0.000", size=style.READOUT_SIZE - 2).width > self.panel.width:
            words = self.tr("slope of the graph of\ng(f(x)) at x₀", "g(f(x)) 的图像\n在 x₀ 处的斜率")
        check = Readout(words, s.composite_central, story_field="composite_central",
                        decimals=decimals_for(s.composite_central), size=style.READOUT_SIZE - 2, math_label=False)
        self.central_readout = check
        h = fmt(s.central_step, snap=0)
        note = style.text(self.tr(f"central difference, h = {h}", f"中心差分，h = {h}"),
                          size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        return VGroup(rule, numbers, check, note)

    def number(self, field: str, color: Any) -> Any:
        value = float(getattr(self.story, field))
        number = style.number(value, decimals=decimals_for(value), color=color)
        number.story_field = field
        return number

    def zero_note(self) -> Any | None:
        """What a vanishing factor means, or None when neither slope is 0."""
        zero = self.story.zero_factors
        if not zero:
            return None
        if zero == ("f",):
            lines = [self.tr("f'(x₀) = 0: the nudge dies inside f,", "f'(x₀) = 0：推动在 f 里就消失了，"),
                     self.tr("so the product is 0", "所以乘积为 0")]
        elif zero == ("g",):
            lines = [self.tr("g'(f(x₀)) = 0: g is flat where the nudge", "g'(f(x₀)) = 0：推动到达之处 g 是平的，"),
                     self.tr("arrives, so the product is 0", "所以乘积为 0")]
        else:
            lines = [self.tr("both slopes are 0,", "两个斜率都是 0，"), self.tr("so the product is 0", "所以乘积为 0")]
        return VGroup(*(style.text(line, size=style.SMALL_SIZE, color=PRODUCT_COLOR) for line in lines)).arrange(
            DOWN, aligned_edge=LEFT, buff=0.08)

    # -- the layer -------------------------------------------------------------------------------

    def build_layer_diagram(self) -> VGroup:
        """X -> z -> s -> L as columns of the story's values, the stages' Jacobians named on the arrows."""
        s = self.story
        size = style.SMALL_SIZE + 2
        columns = [("x in RR^2", "layer_x"), ("z = W x + b", "z"), ("s = sigma(z)", "s"), ("L = v dot s", "L")]
        nodes = VGroup()
        for header, field in columns:
            matrix = NumberMatrix(np.asarray(getattr(s, field), dtype=float), field, decimals=3, size=size)
            head = style.math(header, size=size)
            node = VGroup(head, matrix).arrange(DOWN, buff=0.18)
            node.head, node.matrix = head, matrix
            nodes.add(node)
        labels = ("W", 'op("diag")(sigma\')', "v^T")
        narrow = not style.frame().landscape
        if narrow:
            # short arrows; their names go under the matrices (above them are the wide headers)
            nodes.arrange(RIGHT, buff=0.55)
        else:
            nodes.arrange(RIGHT, buff=1.55)
        for node in nodes:
            node.matrix.match_y(nodes[0].matrix)
        if narrow:
            width = style.frame().content_width - 0.2
            if nodes.width > width:
                nodes.scale_to_fit_width(width)
            nodes.move_to([0, style.content_top() - 0.45 - nodes.height / 2, 0])
        else:
            nodes.move_to([0, 2.75, 0])
        arrows = VGroup()
        names = VGroup()
        for (a, b), label in zip(zip(nodes, nodes[1:]), labels):
            arrow = Arrow(a.matrix.get_right(), b.matrix.get_left(), buff=0.12, stroke_width=3,
                          color=style.MUTED_COLOR, max_tip_length_to_length_ratio=0.2)
            name = style.math(label, size=size, color=style.GRADIENT_COLOR).next_to(arrow, UP, buff=0.08)
            if narrow:
                name.move_to([arrow.get_x(), nodes.get_bottom()[1] - 0.12 - name.height / 2, 0])
            arrows.add(arrow)
            names.add(name)
        self.layer_nodes, self.layer_arrows, self.layer_jacobian_names = nodes, arrows, names
        return VGroup(nodes, arrows, names)

    def build_jacobian_product(self) -> VGroup:
        """dL/dx = dL/ds . ds/dz . dz/dx with the story's matrices, outer stage first (as g' f')."""
        s = self.story
        size = style.READOUT_SIZE
        self.jacobian_L = NumberMatrix(s.jacobian_L, "jacobian_L", size=size, color=style.GRADIENT_COLOR)
        self.jacobian_s = NumberMatrix(s.jacobian_s, "jacobian_s", size=size, color=style.GRADIENT_COLOR)
        self.jacobian_z = NumberMatrix(s.jacobian_z, "jacobian_z", size=size, color=style.GRADIENT_COLOR)
        self.jacobian_product = NumberMatrix(s.jacobian_product, "jacobian_product", size=size, color=PRODUCT_COLOR)
        dot1, dot2 = (operator("dot", size=size) for _ in range(2))
        equals = operator("=", size=size)
        row = VGroup(self.jacobian_L, dot1, self.jacobian_s, dot2, self.jacobian_z, equals, self.jacobian_product)
        row.arrange(RIGHT, buff=0.22)
        if style.frame().landscape:
            row.move_to([0, 0.55, 0])
        else:
            if row.width > style.frame().content_width - 0.2:
                row.scale_to_fit_width(style.frame().content_width - 0.2)
            row.next_to(self.layer_nodes, DOWN, buff=1.0).set_x(0)
        small = style.SMALL_SIZE + 2
        captions = VGroup()
        for matrix, source in ((self.jacobian_L, "(partial L)/(partial s)"), (self.jacobian_s, "(partial s)/(partial z)"),
                               (self.jacobian_z, "(partial z)/(partial x)"), (self.jacobian_product, "(partial L)/(partial x)")):
            captions.add(style.math(source, size=small, color=style.MUTED_COLOR).next_to(matrix, DOWN, buff=0.2))
        # one baseline for the names, under the tallest matrix
        top = min(c.get_top()[1] for c in captions)
        for caption in captions:
            caption.shift((top - caption.get_top()[1]) * UP)
        self.jacobian_captions = captions
        self.jacobian_row = row
        return VGroup(row, captions)

    def build_jacobian_check(self) -> VGroup:
        """The central-difference Jacobian of x -> L under the product, and the largest gap."""
        s = self.story
        size = style.READOUT_SIZE
        label = style.text(self.tr("central differences of the whole map x → L:", "整个映射 x → L 的中心差分："),
                           size=style.SMALL_SIZE + 2, color=style.HIGHLIGHT_COLOR)
        self.jacobian_central = NumberMatrix(s.jacobian_central, "jacobian_central", size=size, color=style.HIGHLIGHT_COLOR)
        row = VGroup(label, self.jacobian_central).arrange(RIGHT, buff=0.3)
        error, h = fmt(s.jacobian_max_error, snap=0), fmt(s.jacobian_step, snap=0)
        gap = style.text(self.tr(f"largest gap to the product: {error}   (step h = {h})",
                                 f"与乘积的最大差距：{error}   （步长 h = {h}）"),
                         size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        check = VGroup(row, gap).arrange(DOWN, buff=0.2)
        check.next_to(self.jacobian_captions, DOWN, buff=0.45)
        # the central-difference row sits right under the product it checks
        self.jacobian_central.align_to(self.jacobian_product, RIGHT)
        label.next_to(self.jacobian_central, LEFT, buff=0.3)
        gap.next_to(row, DOWN, buff=0.2).align_to(self.jacobian_central, RIGHT)
        frame = style.frame()
        if label.get_left()[0] < frame.left or gap.get_left()[0] < frame.left:
            # a narrow frame: the words above the matrix, the gap under it, each inside the frame
            label.next_to(self.jacobian_captions, DOWN, buff=0.4).align_to(self.jacobian_product, RIGHT)
            self.jacobian_central.next_to(label, DOWN, buff=0.2).align_to(self.jacobian_product, RIGHT)
            gap.next_to(self.jacobian_central, DOWN, buff=0.2).align_to(self.jacobian_product, RIGHT)
            for words in (label, gap):
                if words.width > frame.content_width:
                    words.scale_to_fit_width(frame.content_width)
                if words.get_left()[0] < frame.left:
                    words.set_x(0)
        self.jacobian_check = check
        return check

    # -- the video -------------------------------------------------------------------------------

    def construct(self) -> None:
        s = self.story
        self.beat("compose", en="Compose two functions: x goes through f, then u = f(x) goes through g",
                  zh="复合两个函数：x 先经过 f，得到的 u = f(x) 再经过 g")
        f_graph, g_graph, composite_graph = self.build_graphs()
        self.f_point = self.build_point(f_graph, s.x0, s.u0, "x_0", "u_0")
        self.g_point = self.build_point(g_graph, s.u0, s.y0, "u_0", None)
        self.play(FadeIn(f_graph), FadeIn(g_graph), run_time=0.8)
        self.play(Create(self.f_curve), Create(self.g_curve), run_time=1.2)
        self.play(FadeIn(self.f_point), run_time=0.6)
        self.carry = self.build_carry()
        self.play(Create(self.carry), run_time=0.8)
        self.play(FadeIn(self.g_point), run_time=0.6)
        self.wait(1.0)

        self.beat("nudge_f", en="Nudge x0 by dx: along f's tangent the output moves df = f'(x0) dx",
                  zh="把 x0 推动 dx：沿 f 的切线，输出移动 df = f'(x0) dx")
        self.f_nudge = self.build_nudge(f_graph, s.x0, s.u0, s.dx, s.df, s.f_slope, DX_COLOR, DF_COLOR, "d x", "d f")
        self.play(FadeOut(self.carry), Create(self.f_nudge.tangent), run_time=0.8)
        # the names of x0 and u0 stay on top: a steep tangent runs down past x0's name by the box's edge
        # (their backgrounds then hide it there)
        self.add(self.f_point.names)
        self.play(GrowFromPoint(self.f_nudge.run, self.f_nudge.run.get_start()), FadeIn(self.f_nudge.labels[:1]),
                  run_time=0.8)
        self.f_slope_readout = Readout.of(self.story, "f'(x_0)", "f_slope", color=DF_COLOR)
        self.dx_readout = Readout.of(self.story, "d x", "dx", color=DX_COLOR)
        self.df_readout = Readout.of(self.story, "d f = f'(x_0) d x", "df", color=DF_COLOR)
        self.panel.place(VGroup(self.f_slope_readout, self.dx_readout).arrange(RIGHT, buff=0.6), self.panel.top)
        self.panel.place(self.df_readout, self.panel.below(self.f_slope_readout))
        self.play(FadeIn(self.f_slope_readout), FadeIn(self.dx_readout), run_time=0.6)
        self.play(GrowFromPoint(self.f_nudge.rise, self.f_nudge.rise.get_start()), FadeIn(self.f_nudge.labels[1:]),
                  FadeIn(self.df_readout), run_time=0.9)
        self.wait(1.5)

        self.beat("nudge_g", en="df is g's input nudge: along g's tangent it becomes dg = g'(f(x0)) df",
                  zh="df 就是 g 的输入增量：沿 g 的切线，它变成 dg = g'(f(x0)) df")
        self.g_nudge = self.build_nudge(g_graph, s.u0, s.y0, s.df, s.dg, s.g_slope, DF_COLOR, DG_COLOR, "d f", "d g")
        self.play(Create(self.g_nudge.tangent), run_time=0.7)
        self.add(self.g_point.names)
        # the same df, turned from f's output axis onto g's input axis
        self.play(TransformFromCopy(self.f_nudge.rise, self.g_nudge.run), FadeIn(self.g_nudge.labels[:1]), run_time=1.2)
        self.g_slope_readout = Readout.of(self.story, "g'(f(x_0))", "g_slope", color=DG_COLOR)
        self.dg_readout = Readout.of(self.story, "d g = g'(f(x_0)) d f", "dg", color=DG_COLOR)
        self.panel.place(self.g_slope_readout, self.panel.below(self.df_readout))
        self.panel.place(self.dg_readout, self.panel.below(self.g_slope_readout))
        self.play(FadeIn(self.g_slope_readout), run_time=0.5)
        self.play(GrowFromPoint(self.g_nudge.rise, self.g_nudge.rise.get_start()), FadeIn(self.g_nudge.labels[1:]),
                  FadeIn(self.dg_readout), run_time=0.9)
        self.wait(1.5)

        if s.zero_factors:
            en, zh = ("So dg = g'(f(x0)) f'(x0) dx: a factor is 0 here, so g(f(x)) is flat at x0",
                      "所以 dg = g'(f(x0)) f'(x0) dx：这里有一个因子为 0，g(f(x)) 在 x0 处是平的")
        else:
            en, zh = ("So dg = g'(f(x0)) f'(x0) dx: the slope of g(f(x)) is the product of the slopes",
                      "所以 dg = g'(f(x0)) f'(x0) dx：g(f(x)) 的斜率就是两个斜率的乘积")
        self.beat("multiply", en=en, zh=zh)
        self.composite_point = self.build_point(composite_graph, s.x0, s.y0, "x_0", None)
        self.composite_nudge = self.build_nudge(composite_graph, s.x0, s.y0, s.dx, s.dg, s.chain_slope,
                                                DX_COLOR, DG_COLOR, "d x", "d g")
        self.play(FadeIn(composite_graph), FadeOut(VGroup(self.f_slope_readout, self.dx_readout, self.df_readout,
                                                          self.g_slope_readout, self.dg_readout)), run_time=0.8)
        self.play(Create(self.composite_curve), FadeIn(self.composite_point), run_time=1.0)
        self.play(TransformFromCopy(self.f_nudge.run, self.composite_nudge.run),
                  FadeIn(self.composite_nudge.labels[:1]), run_time=0.9)
        self.play(TransformFromCopy(self.g_nudge.rise, self.composite_nudge.rise),
                  FadeIn(self.composite_nudge.labels[1:]), run_time=1.0)
        product = self.build_product()
        self.product = product
        rows = list(product)
        top = self.panel.top
        for row in rows:
            self.panel.place(row, top)
            top = self.panel.below(row)
        note = self.zero_note()
        self.zero_message = note
        if note is not None:
            self.panel.place(note, top)
        self.play(Write(product[0]), run_time=1.0)
        self.play(FadeIn(product[1]), run_time=0.8)
        self.play(Create(self.composite_nudge.tangent), FadeIn(product[2]), FadeIn(product[3]), run_time=1.0)
        # the names and the nudge's labels on top of the tangent, drawn after them here (a steep tangent ran
        # through 'd x': the long stress case, line-over-text); their backgrounds hide it there
        self.add(self.composite_point.names, self.composite_nudge.labels)
        extra = [FadeIn(note)] if note is not None else []
        self.product_box = SurroundingRectangle(product[1], color=PRODUCT_COLOR, buff=0.1)
        self.play(Create(self.product_box), *extra, run_time=0.8)
        self.wait(2.5)

        self.beat("layer", en="Layers chain the same way: a sigmoid layer's Jacobian is a product of Jacobians",
                  zh="神经网络的层也这样串联：sigmoid 层的雅可比矩阵是各级雅可比矩阵的乘积")
        self.play(*[FadeOut(m) for m in self.mobjects if m is not self._caption_mob], run_time=0.8)
        self.build_layer_diagram()
        self.play(FadeIn(self.layer_nodes[0]), run_time=0.5)
        for arrow, name, node in zip(self.layer_arrows, self.layer_jacobian_names, self.layer_nodes[1:]):
            self.play(GrowFromPoint(arrow, arrow.get_start()), FadeIn(name), FadeIn(node), run_time=0.7)
        self.build_jacobian_product()
        # inner stage first, as the nudge meets it: W, then diag(sigma'), then v^T, then the product
        for matrix, caption, name in ((self.jacobian_z, self.jacobian_captions[2], self.layer_jacobian_names[0]),
                                      (self.jacobian_s, self.jacobian_captions[1], self.layer_jacobian_names[1]),
                                      (self.jacobian_L, self.jacobian_captions[0], self.layer_jacobian_names[2])):
            self.play(Indicate(name, color=PRODUCT_COLOR), FadeIn(matrix, shift=0.3 * DOWN), FadeIn(caption), run_time=0.8)
        self.play(FadeIn(self.jacobian_row[1]), FadeIn(self.jacobian_row[3]), FadeIn(self.jacobian_row[5]), run_time=0.4)
        self.play(FadeIn(self.jacobian_product), FadeIn(self.jacobian_captions[3]), run_time=0.8)
        self.wait(1.5)

        self.beat("check", en="Check: the product equals the Jacobian of the whole map, by central differences",
                  zh="检验：乘积等于整个映射的雅可比矩阵（用中心差分算出）")
        check = self.build_jacobian_check()
        self.play(FadeIn(check), run_time=1.0)
        self.play(Indicate(self.jacobian_product, color=PRODUCT_COLOR), Indicate(self.jacobian_central), run_time=1.0)
        self.wait(2.5)
