"""SGD, momentum, RMSProp and Adam side by side (storyboard 14): draws :func:`mathviz.stories.optimizers.optimizers_story`.

Beats, all on the contour map of the user's surface except the saddle's:
full-batch descent against SGD on noisy minibatch gradients, with a fan of
noisy gradients at the start (full-batch-vs-noisy); momentum's average of
the noisy gradients walking a smoother path (momentum-smooths); RMSProp and
Adam dividing each coordinate by its own root-mean-square gradient
(per-coordinate-scaling); a zoom on the first steps, Adam's landing on the
corner of the square of side 2 eta around the start (adam-first-step); the
four optimisers without noise beside a saddle of the two-minima surface, and
when each escapes (saddle-escape); all four paths and their final losses in
one table (final-losses).

Paths are drawn up to the plotting window's edge (a run that leaves the
window and comes back is drawn where it is inside); every number comes from
the story.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from manim import (
    BLACK,
    BLUE_B,
    DOWN,
    GREY_A,
    LEFT,
    ORANGE,
    PINK,
    RIGHT,
    UP,
    WHITE,
    YELLOW,
    Arrow,
    Create,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    Line,
    Mobject,
    Rectangle,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    VMobject,
    linear,
)

from mathviz.stories.gradient_descent import SurfaceView
from mathviz.stories.optimizers import OPTIMIZERS, OptimizerRun, OptimizersStory
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.contour import ContourPanel
from mathviz_scenes.components.graph import clip_segment
from mathviz_scenes.components.layout import Box, overlaps
from mathviz_scenes.components.mesh_scene import level_readout, show_value
from mathviz_scenes.components.numbers import counted, fmt
from mathviz_scenes.components.readout import Readout
from mathviz_scenes.components.typst_expr import to_typst

__all__ = ["OptimizersSideBySide", "RunTrace", "loss_decimals"]

#: The contour map in 16:9: centre and longer side (scene units), at the left of the frame.
MAP_CENTER = (-3.35, 0.3)
MAP_SIZE = 6.2
#: The text panel's left edge in 16:9, its gap to the frame's safe right edge, and its gap under the content top.
PANEL_LEFT = 0.3
PANEL_EDGE_GAP = 0.15
PANEL_TOP_GAP = 0.05
#: Square frames: the map's side (the formulas go right of it, the run table under both).
SQUARE_MAP_SIZE = 3.0
#: Names of the runs in Chinese (the story's labels are the English ones).
ZH_LABELS = {"sgd": "SGD", "momentum": "动量", "rmsprop": "RMSProp", "adam": "Adam"}
#: Colours of the runs (the full-batch reference first).
COLORS: dict[str, Any] = {"full": GREY_A, "sgd": YELLOW, "momentum": BLUE_B, "rmsprop": ORANGE, "adam": PINK}
#: Columns of the run table: swatch, name, first and second number (left edges, from PANEL_LEFT).
TABLE_COLUMNS = (0.0, 0.5, 2.5, 4.55)
TABLE_ROW = 0.46
#: Seconds a race takes at most and at least.
RACE_MAX, RACE_MIN = 6.0, 2.5
#: The zoom on the first steps: its side, and how much room it leaves around RMSProp's square.
ZOOM_SIZE = 3.3
ZOOM_MARGIN = 1.3


def loss_decimals(value: float) -> int:
    """Decimals a loss is shown with: 4 below 10, 2 below 10^4, none above."""
    size = abs(value) if math.isfinite(value) else 0.0
    return 4 if size < 10 else 2 if size < 1e4 else 0


class RunTrace:
    """The drawable part of a run over a contour panel: iterates, the path clipped to the window.

    Progress ``t`` runs from 0 to :attr:`length` (one unit per step); between
    iterates the pen moves along the straight step. Segments outside the
    window are not drawn; the dot stays on the window's edge while the run is
    outside.
    """

    def __init__(self, run: OptimizerRun, panel: ContourPanel) -> None:
        self.run = run
        self._panel = weakref.ref(panel)
        finite = np.all(np.isfinite(run.path[:, :2]), axis=1)
        last = int(np.argmin(finite)) - 1 if not finite.all() else len(finite) - 1
        self.points = np.array(run.path[: last + 1, :2], dtype=float)
        (a, b), (c, d) = panel.window
        self.lower, self.upper = np.array([a, c]), np.array([b, d])

    @property
    def panel(self) -> ContourPanel:
        panel = self._panel()
        assert panel is not None
        return panel

    @property
    def length(self) -> int:
        return len(self.points) - 1

    def w_at(self, t: float) -> np.ndarray:
        """The pen's position at progress ``t`` in (w1, w2)."""
        if self.length == 0:
            return self.points[0].copy()
        t = min(max(t, 0.0), self.length)
        j = min(int(math.floor(t)), self.length - 1)
        f = t - j
        return (1 - f) * self.points[j] + f * self.points[j + 1]

    def iterate_at(self, t: float) -> int:
        return max(min(int(math.floor(t + 1e-9)), self.length), 0)

    def pieces(self, t: float) -> list[np.ndarray]:
        """The path up to progress ``t`` inside the window, as polylines in (w1, w2)."""
        t = min(max(t, 0.0), self.length)
        j = int(math.floor(t + 1e-9))
        ends = list(self.points[: j + 1])
        if t - j > 1e-9:
            ends.append(self.w_at(t))
        out: list[list[np.ndarray]] = []
        current: list[np.ndarray] = []
        for p, q in zip(ends[:-1], ends[1:]):
            seg = clip_segment(p, q, self.lower, self.upper)
            if seg is None:
                if current:
                    out.append(current)
                current = []
                continue
            a, b = seg
            if current and np.allclose(current[-1], a):
                current.append(b)
            else:
                if current:
                    out.append(current)
                current = [a, b]
            if not np.allclose(b, q):  # left the window
                out.append(current)
                current = []
        if current:
            out.append(current)
        return [np.array(piece) for piece in out]

    def draw(self, mob: VMobject, t: float) -> VMobject:
        """Set ``mob``'s points to the path drawn up to ``t`` (a point at the start when nothing is inside)."""
        panel = self.panel
        pieces = self.pieces(t)
        mob.clear_points()
        if not pieces:
            start = panel.point(np.clip(self.points[0], self.lower, self.upper))
            mob.set_points_as_corners([start, start])
            return mob
        for piece in pieces:
            scene_points = panel.to_scene(piece)
            mob.start_new_path(scene_points[0])
            mob.add_points_as_corners(scene_points[1:])
        return mob

    def dot_point(self, t: float) -> np.ndarray:
        """Where the run's dot is at ``t``: the pen, held on the window's edge while outside."""
        return self.panel.point(np.clip(self.w_at(t), self.lower, self.upper))


class OptimizersSideBySide(ExplainerScene):
    """SGD, momentum, RMSProp and Adam on one surface: noise, averaging, per-coordinate steps, a saddle."""

    scene_name = "optimizers"
    story: OptimizersStory

    def say(self, en: str, zh: str) -> str:
        """The text in the scene's language."""
        return zh if self.lang == "zh" else en

    def name_of(self, run: OptimizerRun) -> str:
        """A run's name on screen."""
        return self.say(run.label, ZH_LABELS.get(run.name, run.label))

    # -- layout -----------------------------------------------------------------------------------

    def layout(self) -> None:
        """Where the map, the panel of formulas (``head``) and the run table go in the frame.

        16:9: the map at the left, formulas and table in one column at its right. Portrait: the map on
        top, the column under it. Square: the map at the top left, the formulas at its right and the
        table under both, across the frame.
        """
        f = style.frame()
        right = f.right - PANEL_EDGE_GAP
        top = f.top - PANEL_TOP_GAP
        if f.landscape:
            self.map_center, self.map_size = MAP_CENTER, MAP_SIZE
            self.head = Box(PANEL_LEFT, right, f.bottom, top)
            self.table_floor = math.inf
            return
        ticks = 0.55  # the map's w_2 name and tick labels at its left; w_1 and ticks under it
        if f.portrait:
            size = min(MAP_SIZE - 0.4, f.content_width - ticks - 0.2)
            self.map_center = (0.5 * ticks, top - size / 2)
            self.map_size = size
            self.head = Box(f.left + 0.1, right, f.bottom, top - size - ticks - 0.1)
            # the table (a header and five runs) keeps the bottom of the frame; the formulas above it grow
            self.table_floor = f.bottom + 5.5 * TABLE_ROW + 0.1
            self.table_left = self.head.left
            return
        size = SQUARE_MAP_SIZE
        self.map_center, self.map_size = (f.left + ticks + size / 2, top - size / 2), size
        self.head = Box(f.left + ticks + size + 0.35, right, top - size - ticks, top)
        # the table starts under the map (and under the formulas, when they run lower)
        self.table_floor = top - size - ticks - 0.1
        self.table_left = f.left + 0.1

    @property
    def table_x(self) -> float:
        """The run table's left edge: the panel's, or the frame's in a square frame."""
        return self.table_left if math.isfinite(self.table_floor) else self.head.left

    def table_start(self, top: float) -> float:
        """The top of a table (or the zoom) meant to start at ``top``: under the map in a square frame."""
        return min(top, self.table_floor)

    def lines(self, *parts: str, **kwargs: Any) -> Mobject:
        """A formula of ``parts`` joined by ``, quad``: one line in 16:9, else on as few lines as fit the panel."""
        one = style.math(", quad ".join(parts), **kwargs)
        if style.frame().landscape or one.width <= self.head.width or len(parts) == 1:
            return one
        lines: list[list[str]] = []
        for part in parts:
            if lines and style.math(", quad ".join([*lines[-1], part]), **kwargs).width <= self.head.width:
                lines[-1].append(part)
            else:
                lines.append([part])
        return VGroup(*(style.math(", quad ".join(line), **kwargs) for line in lines)).arrange(DOWN, aligned_edge=LEFT,
                                                                                                buff=0.1)

    def wrapped(self, words: str, size: float, color: Any = WHITE, width: float | None = None) -> Mobject:
        """``words`` as text, broken into lines (at spaces; anywhere in Chinese) to fit ``width`` (the panel's);
        one line in 16:9, where the panel is wide.
        """
        limit = self.head.width if width is None else width
        one = style.text(words, size=size, color=color)
        if style.frame().landscape or one.width <= limit:
            return one
        pieces = list(words) if self.lang == "zh" else words.split(" ")
        joiner = "" if self.lang == "zh" else " "
        lines: list[str] = []
        for piece in pieces:
            if lines and style.text(lines[-1] + joiner + piece, size=size).width <= limit:
                lines[-1] += joiner + piece
            else:
                lines.append(piece)
        return VGroup(*(style.text(line, size=size, color=color) for line in lines)).arrange(DOWN, aligned_edge=LEFT,
                                                                                              buff=0.08)

    def flow(self, *items: Mobject, buff: float = 0.45) -> VGroup:
        """``items`` side by side, wrapped onto more lines where the panel is too narrow for one."""
        lines: list[list[Mobject]] = []
        width = 0.0
        for item in items:
            if lines and width + buff + item.width <= self.head.width:
                lines[-1].append(item)
                width += buff + item.width
            else:
                lines.append([item])
                width = item.width
        rows = [VGroup(*line).arrange(RIGHT, buff=buff) for line in lines]
        if len(rows) == 1:
            return rows[0]
        return VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.16)

    # -- builders ---------------------------------------------------------------------------------

    def build_map(self, view: SurfaceView) -> ContourPanel:
        """The contour map of ``view``'s surface, its level curves dimmed under the paths."""
        _, _, grid = view.surface.grid()
        panel = ContourPanel(view.window, view.levels, view.contours, grid, center=self.map_center, size=self.map_size,
                             names=("w_1", "w_2"))
        panel.lines.set_stroke(width=2, opacity=0.55)
        return panel

    def build_title(self, view: SurfaceView) -> Mobject:
        """``L(w_1, w_2) = formula`` at the top of the panel."""
        title = style.math(f"L(w_1, w_2) = {to_typst(view.surface.f)}")
        return self.fit_panel(title).next_to([self.head.left, self.head.top, 0], DOWN, buff=0, aligned_edge=LEFT)

    def fit_panel(self, mob: Mobject, width: float | None = None) -> Mobject:
        """Shrink ``mob`` to the panel's width (or ``width``) if it is wider."""
        limit = self.head.width if width is None else width
        if mob.width > limit:
            mob.scale_to_fit_width(limit)
        return mob

    def panel_block(self, *rows: Mobject, top: float, buff: float = 0.2) -> VGroup:
        """Rows stacked left-aligned at the panel's left edge, the first row's top at ``top``."""
        for row in rows:
            self.fit_panel(row)
        block = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=buff)
        block.next_to([self.head.left, top, 0], DOWN, buff=0, aligned_edge=LEFT)
        return block

    def swatch(self, color: Any) -> VMobject:
        line = Line(ORIGIN3, RIGHT * 0.36, stroke_width=5, color=color)
        line.set_stroke(BLACK, width=8, background=True)
        return line

    def table_row(self, y: float, color: Any, name: str, cells: Sequence[Mobject]) -> VGroup:
        """One row of the run table at height ``y``: a colour swatch, the run's name and up to two cells."""
        x0 = self.table_x
        swatch = self.swatch(color).move_to([x0 + TABLE_COLUMNS[0] + 0.18, y, 0])
        label = style.text(name, size=style.SMALL_SIZE, color=color)
        label.move_to([x0 + TABLE_COLUMNS[1] + label.width / 2, y, 0])
        row = VGroup(swatch, label)
        for cell, column in zip(cells, TABLE_COLUMNS[2:]):
            cell.move_to([x0 + column + cell.width / 2, y, 0])
            row.add(cell)
        return row

    def loss_readout(self, value: float, field: str | None) -> Readout:
        return level_readout(Readout("L", value, story_field=field, decimals=loss_decimals(value),
                                     size=style.SMALL_SIZE))

    def length_readout(self, run: OptimizerRun, field: str) -> Readout:
        return level_readout(Readout(self.say("length", "路程"), run.path_length, story_field=field, decimals=2,
                                     size=style.SMALL_SIZE, math_label=False))

    def run_row(self, y: float, run: OptimizerRun, field: str, color: Any, name: str | None = None) -> VGroup:
        """A table row with the run's final loss and path length, both bound to the story."""
        cells: list[Mobject] = []
        if not run.diverged:
            cells.append(self.loss_readout(run.final_loss, f"{field}.final_loss"))
        else:
            cells.append(style.text(self.say("diverged", "发散"), size=style.SMALL_SIZE, color=style.NEGATIVE_COLOR))
        cells.append(self.length_readout(run, f"{field}.path_length"))
        return self.table_row(y, color, name or self.name_of(run), cells)

    def live_losses(self, cells: Sequence[tuple[Mobject, OptimizerRun]]) -> Callable[[int], None]:
        """``step(k)``: show each run's loss at iterate k (its last finite one after it stops) in its cell."""

        def step(k: int) -> None:
            for cell, run in cells:
                value = run.path[min(k, len(run.path) - 1), 2]
                if isinstance(cell, Readout) and math.isfinite(value):
                    show_value(cell, float(value))

        return step

    def start_marker(self, panel: ContourPanel, w: Sequence[float]) -> Dot:
        return Dot(panel.point(w), radius=0.08, color=WHITE).set_stroke(BLACK, width=2)

    def gradient_fan(self) -> VGroup:
        """Arrows -g x arrow_scale at the start: the full-batch gradient and the noisy minibatch ones."""
        s = self.story
        start = np.array(s.start)
        arrows = VGroup()
        tips = dict(buff=0, max_tip_length_to_length_ratio=0.25, max_stroke_width_to_length_ratio=12)
        for g, color, width in [(g, COLORS["sgd"], 3) for g in s.noisy_gradients] + \
                [(s.gradient_at_start, WHITE, 6)]:
            end = start - s.arrow_scale * np.asarray(g)
            if self.map.unit() * float(np.linalg.norm(end - start)) < 0.02:
                continue  # no gradient (a flat spot): nothing to draw
            (a, b), (c, d) = s.window
            inside = clip_segment(start, end, np.array([a, c]), np.array([b, d]))
            if inside is None or np.allclose(inside[0], inside[1]):
                continue
            arrow: Mobject
            if np.allclose(inside[1], end):
                arrow = Arrow(self.map.point(start), self.map.point(end), color=color, stroke_width=width, **tips)
            else:  # cut at the window's edge: no arrowhead where it is cut
                arrow = Line(self.map.point(start), self.map.point(inside[1]), color=color, stroke_width=width)
            arrow.set_stroke(BLACK, width=width + 3, background=True)
            arrow.gradient = np.asarray(g)
            arrows.add(arrow)
        return arrows

    def build_zoom(self, side: float = ZOOM_SIZE, label_outside: bool = False) -> VGroup:
        """The first steps around the start: squares of half-side eta (Adam) and eta/sqrt(1 - rho) (RMSProp).

        ``zoom_axes`` maps (w1, w2) to the screen; the steps are arrows from the
        start, SGD's clipped to the zoom's window.
        """
        s = self.story
        eta = s.learning_rate
        radius = ZOOM_MARGIN * s.rmsprop_first_step_factor * eta
        w0 = np.array(s.start)
        axes = style.make_axes([w0[0] - radius, w0[0] + radius, radius], [w0[1] - radius, w0[1] + radius, radius],
                               side, side, numbers=False)
        self.zoom_axes = axes
        self.zoom_window = (w0 - radius, w0 + radius)
        border = Rectangle(width=side, height=side, stroke_color=style.MUTED_COLOR, stroke_width=2)
        border.move_to(axes.c2p(*w0))

        def square(half: float, color: Any) -> VMobject:
            corners = [w0 + half * np.array(c) for c in ((-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1))]
            outline = VMobject(stroke_color=color, stroke_width=2.5).set_points_as_corners(
                [axes.c2p(*c) for c in corners])
            return DashedVMobject(outline, num_dashes=40)

        self.adam_square = square(eta, COLORS["adam"])
        self.rmsprop_square = square(s.rmsprop_first_step_factor * eta, COLORS["rmsprop"])
        tips = dict(buff=0, max_tip_length_to_length_ratio=0.2, stroke_width=5)
        self.zoom_steps = VGroup()
        for name in ("sgd", "rmsprop", "adam"):
            run = s.run(name)
            end = w0 + np.array(run.first_step)
            seg = clip_segment(w0, end, *self.zoom_window)
            if seg is None or np.allclose(seg[0], seg[1]):
                arrow: Mobject = Dot(axes.c2p(*w0), radius=0.05, color=COLORS[name])
            elif np.allclose(seg[1], end):
                arrow = Arrow(axes.c2p(*seg[0]), axes.c2p(*seg[1]), color=COLORS[name], **tips)
            else:  # a step longer than the zoom: no arrowhead where the zoom cuts it
                arrow = Line(axes.c2p(*seg[0]), axes.c2p(*seg[1]), color=COLORS[name], stroke_width=5)
            arrow.set_stroke(BLACK, width=8, background=True)
            arrow.optimizer = name
            self.zoom_steps.add(arrow)
        centre = Dot(axes.c2p(*w0), radius=0.045, color=WHITE).set_stroke(BLACK, width=1)
        factor = s.rmsprop_first_step_factor
        self.square_labels = VGroup(
            style.math("eta", size=style.SMALL_SIZE, color=COLORS["adam"]),
            style.math(f"{factor:.2f} eta", size=style.SMALL_SIZE, color=COLORS["rmsprop"]),
        )
        # Each name sits at the middle of the right half of its square's top edge (eta above it, the larger
        # square's just inside it, clear of the zoom's border), away from the steps.
        self.square_labels[0].next_to(axes.c2p(w0[0] + eta / 2, w0[1] + eta), UP, buff=0.06)
        # The larger square's name goes inside its top edge's right half, unless that is on the eta name (a
        # smaller zoom, labels as big) or a step: then inside the edge half farthest from the steps (each
        # step ends at a corner or runs where the gradient points).
        label = self.square_labels[1]
        along = np.linspace(0.0, 1.0, 24)[:, None]
        steps = [np.asarray(m.get_start())[:2] + along * (np.asarray(m.get_end()) - np.asarray(m.get_start()))[:2]
                 for m in self.zoom_steps if isinstance(m, Line)]
        cloud = np.vstack(steps) if steps else np.zeros((0, 2))

        def clearance(spot: tuple[float, float, Any]) -> float:
            if spot[2] is LEFT:  # outside the zoom, left of its border's foot: the colour tells which square
                label.next_to(border, LEFT, buff=0.12, aligned_edge=DOWN)
            else:
                label.next_to(axes.c2p(w0[0] + spot[0] * factor * eta / 2, w0[1] + spot[1] * factor * eta), spot[2],
                              buff=0.08)
            if overlaps(label, self.square_labels[0], margin=0.08):
                return -1.0
            lo, hi = label.get_corner(DOWN + LEFT)[:2], label.get_corner(UP + RIGHT)[:2]
            gaps = np.maximum(np.maximum(lo - cloud, cloud - hi), 0.0)
            return float(np.min(np.hypot(gaps[:, 0], gaps[:, 1]))) if len(cloud) else math.inf

        spots = [(1.0, 1.0, DOWN), (-1.0, 1.0, DOWN), (1.0, -1.0, UP), (-1.0, -1.0, UP)]
        if label_outside:  # a zoom too small for its name inside (portrait, with room at its left)
            spots.append((0.0, 0.0, LEFT))
        clear = [spot for spot in spots if clearance(spot) > 0.12]  # an arrowhead is wider than its line
        clearance(clear[0] if clear else max(spots, key=clearance))
        self.eta_brace = VGroup(Line(axes.c2p(w0[0], w0[1] + eta), axes.c2p(w0[0] + eta, w0[1] + eta),
                                     color=COLORS["adam"], stroke_width=3), self.square_labels[0])
        return VGroup(border, self.rmsprop_square, self.adam_square, self.eta_brace, centre, self.zoom_steps,
                      self.square_labels[1])

    # -- animating runs -----------------------------------------------------------------------------

    def race(self, traces: Sequence[tuple[RunTrace, Any]], *, on_step: Callable[[int], None] | None = None,
             stroke_width: float = 4) -> list[VMobject]:
        """Draw runs together: each path grows step by step with its dot; ``on_step(k)`` when the step changes."""
        progress = ValueTracker(0.0)
        longest = max(tr.length for tr, _ in traces)
        drawn: list[VMobject] = []
        dots: list[Dot] = []
        for trace, color in traces:
            path = VMobject(stroke_color=color, stroke_width=stroke_width)
            path.set_stroke(BLACK, width=stroke_width + 3, background=True)
            trace.draw(path, 0.0)
            dot = Dot(trace.dot_point(0.0), radius=0.07, color=color).set_stroke(BLACK, width=2)
            path.add_updater(lambda m, tr=trace: tr.draw(m, progress.get_value()))
            dot.add_updater(lambda m, tr=trace: m.move_to(tr.dot_point(progress.get_value())))
            path.trace, path.dot = trace, dot
            drawn.append(path)
            dots.append(dot)
        shown = [-1]

        def count(_: Mobject) -> None:
            k = int(math.floor(progress.get_value() + 1e-9))
            if on_step is not None and k != shown[0]:
                shown[0] = k
                on_step(k)

        clock = VMobject()
        clock.add_updater(count)
        self.add(*drawn, *dots, clock)
        if longest > 0:
            duration = min(max(0.12 * longest, RACE_MIN), RACE_MAX)
            self.play(progress.animate.set_value(longest), run_time=duration, rate_func=linear)
        for mob in (*drawn, *dots, clock):
            mob.clear_updaters()
        for path, dot in zip(drawn, dots):
            path.trace.draw(path, longest)
            dot.move_to(path.trace.dot_point(longest))
        if on_step is not None:
            on_step(longest)
        self.remove(clock)
        return drawn

    # -- beats ------------------------------------------------------------------------------------

    def construct(self) -> None:
        self.layout()
        self.beat_noise()
        self.beat_momentum()
        self.beat_scaling()
        self.beat_first_step()
        self.beat_saddle()
        self.beat_final()

    def beat_noise(self) -> None:
        s = self.story
        sgd = s.run("sgd")
        if s.batch_noise == 0:
            en = "batch_noise = 0: every step sees the full-batch gradient, so SGD is plain gradient descent"
            zh = "batch_noise = 0：每一步都用全批量梯度，SGD 就是普通的梯度下降"
        else:
            en = (f"A minibatch gradient is the true gradient plus noise (σ = {fmt(s.batch_noise)}): "
                  "noisy SGD wanders where full batch goes straight")
            zh = f"小批量梯度 = 真梯度 + 噪声（σ = {fmt(s.batch_noise)}）：带噪声的 SGD 东倒西歪，全批量走得笔直"
        self.beat("full-batch-vs-noisy", en=en, zh=zh)
        self.map = self.build_map(s.view)
        self.title = self.build_title(s.view)
        self.start_dot = self.start_marker(self.map, s.start)
        top = self.title.get_bottom()[1] - 0.25
        readouts = [
            Readout("sigma", s.batch_noise, story_field="batch_noise", decimals=_decimals(s.batch_noise)),
            Readout("eta", s.learning_rate, story_field="learning_rate", decimals=_decimals(s.learning_rate)),
            Readout(self.say("steps", "步数"), s.steps, story_field="steps", decimals=0, math_label=False),
        ]
        self.noise_readouts = readouts
        self.noise_formula = self.panel_block(
            self.lines("tilde(g) = nabla L(w) + sigma xi", "xi tilde cal(N)(0, I)"),
            self.flow(*readouts),
            top=top,
        )
        for r in readouts:
            level_readout(r)
        self.fan = self.gradient_fan()
        self.fan_note = self.wrapped(self.say(f"arrows: −g × {s.arrow_scale:g} (white: full batch)",
                                              f"箭头：−g × {s.arrow_scale:g}（白色：全批量）"),
                                     size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        self.fan_note.next_to(self.noise_formula, DOWN, buff=0.25, aligned_edge=LEFT)
        self.table_top = self.table_start(self.fan_note.get_bottom()[1] - 0.6)
        self.play(FadeIn(self.map), FadeIn(self.title), FadeIn(self.start_dot), run_time=1.0)
        self.play(FadeIn(self.noise_formula), run_time=0.6)
        self.play(*[GrowArrow(a) if isinstance(a, Arrow) else Create(a) for a in self.fan], FadeIn(self.fan_note),
                  run_time=1.0)
        self.wait(0.8)

        rows = [
            self.run_row(self.table_top, s.full_batch, "full_batch", COLORS["full"], self.say("full batch", "全批量")),
            self.run_row(self.table_top - TABLE_ROW, sgd, "runs.0", COLORS["sgd"]),
        ]
        self.rows = {"full": rows[0], "sgd": rows[1]}
        # Full batch drawn last, on top: the noisy path would hide it where they run together.
        traces = [(RunTrace(sgd, self.map), COLORS["sgd"]), (RunTrace(s.full_batch, self.map), COLORS["full"])]
        step = self.live_losses([(rows[0][2], s.full_batch), (rows[1][2], sgd)])
        step(0)
        self.play(FadeOut(self.fan), FadeIn(VGroup(*[VGroup(*r[:3]) for r in rows])), run_time=0.6)
        self.paths = dict(zip(("sgd", "full"), self.race(traces, on_step=step)))
        self.play(*[FadeIn(r[3]) for r in rows], run_time=0.5)
        self.wait(1.2)

    def beat_momentum(self) -> None:
        s = self.story
        sgd, mom = s.run("sgd"), s.run("momentum")
        self.beat("momentum-smooths",
                  en=f"Momentum steps along an average of the last ~{round(1 / (1 - s.momentum))} noisy gradients: "
                     f"path length {mom.path_length:.1f} against SGD's {sgd.path_length:.1f}",
                  zh=f"动量沿最近约 {round(1 / (1 - s.momentum))} 个噪声梯度的平均方向走："
                     f"路程 {mom.path_length:.1f}，SGD 为 {sgd.path_length:.1f}")
        formula = self.panel_block(
            self.lines("v arrow.l beta v + (1 - beta) tilde(g)", "w arrow.l w - eta v"),
            level_readout(Readout("beta", s.momentum, story_field="momentum", decimals=2)),
            top=self.title.get_bottom()[1] - 0.25,
        )
        row = self.run_row(self.table_top - 2 * TABLE_ROW, mom, "runs.1", COLORS["momentum"])
        self.rows["momentum"] = row
        self.play(FadeOut(self.noise_formula), FadeOut(self.fan_note), run_time=0.4)
        self.play(FadeIn(formula),
                  self.paths["full"].animate.set_stroke(opacity=0.25), self.paths["full"].dot.animate.set_opacity(0.25),
                  run_time=0.6)
        self.formula = formula
        step = self.live_losses([(row[2], mom)])
        step(0)
        self.play(FadeIn(VGroup(*row[:3])), run_time=0.4)
        self.paths["momentum"] = self.race([(RunTrace(mom, self.map), COLORS["momentum"])], on_step=step)[0]
        self.length_box = SurroundingRectangle(VGroup(row[3], self.rows["sgd"][3]), color=style.MUTED_COLOR, buff=0.06)
        self.play(FadeIn(row[3]), Create(self.length_box), run_time=0.6)
        self.wait(1.2)

    def beat_scaling(self) -> None:
        s = self.story
        self.beat("per-coordinate-scaling",
                  en="RMSProp and Adam divide each coordinate by its own RMS gradient: "
                     "steep and flat directions take similar steps",
                  zh="RMSProp 和 Adam 把每个坐标除以它自己的梯度均方根：陡的方向和平的方向步长相近")
        formula = self.panel_block(
            self.lines("s arrow.l rho s + (1 - rho) tilde(g)^2", "w arrow.l w - eta tilde(g) / (sqrt(s) + epsilon)",
                       color=COLORS["rmsprop"]),
            self.lines("\"Adam:\" w arrow.l w - eta hat(m) / (sqrt(hat(s)) + epsilon)",
                       "hat(m) = m slash (1 - beta_1^k)", "hat(s) = s slash (1 - beta_2^k)", color=COLORS["adam"],
                       size=style.SMALL_SIZE),
            top=self.title.get_bottom()[1] - 0.25, buff=0.16,
        )
        rows = [self.run_row(self.table_top - (3 + i) * TABLE_ROW, s.run(name), f"runs.{2 + i}", COLORS[name])
                for i, name in enumerate(("rmsprop", "adam"))]
        self.rows.update(rmsprop=rows[0], adam=rows[1])
        dim = [self.paths[n].animate.set_stroke(opacity=0.25) for n in ("sgd", "momentum")]
        dim += [self.paths[n].dot.animate.set_opacity(0.25) for n in ("sgd", "momentum")]
        self.play(FadeOut(self.formula), run_time=0.4)
        self.play(FadeIn(formula), *dim, run_time=0.6)
        self.formula = formula
        step = self.live_losses([(row[2], s.run(n)) for row, n in zip(rows, ("rmsprop", "adam"))])
        step(0)
        self.play(*[FadeIn(VGroup(*row[:3])) for row in rows], run_time=0.4)
        traces = [(RunTrace(s.run(n), self.map), COLORS[n]) for n in ("rmsprop", "adam")]
        drawn = self.race(traces, on_step=step)
        self.paths.update(rmsprop=drawn[0], adam=drawn[1])
        self.play(*[FadeIn(row[3]) for row in rows], run_time=0.5)
        self.wait(1.2)

    def beat_first_step(self) -> None:
        s = self.story
        adam = s.run("adam")
        factor = s.rmsprop_first_step_factor
        self.beat("adam-first-step",
                  en=f"Adam's first step: m̂ = g̃ and ŝ = g̃², so it moves η = {fmt(s.learning_rate)} in every coordinate; "
                     f"RMSProp, uncorrected, moves {factor:.2f} η",
                  zh=f"Adam 的第一步：m̂ = g̃，ŝ = g̃²，所以每个坐标都移动 η = {fmt(s.learning_rate)}；"
                     f"未做偏差修正的 RMSProp 移动 {factor:.2f} η")
        formula = self.panel_block(
            self.lines("k = 1: hat(m) = tilde(g), hat(s) = tilde(g)^2 => Delta w = -eta tilde(g) / abs(tilde(g))",
                       color=COLORS["adam"]) if style.frame().landscape else
            VGroup(style.math("k = 1: hat(m) = tilde(g), hat(s) = tilde(g)^2", color=COLORS["adam"]),
                   style.math("=> Delta w = -eta tilde(g) / abs(tilde(g))", color=COLORS["adam"])
                   ).arrange(DOWN, aligned_edge=LEFT, buff=0.1),
            self.flow(
                level_readout(Readout("Delta w_1", adam.first_step[0], story_field="runs.3.first_step.0",
                                      decimals=4, color=COLORS["adam"])),
                level_readout(Readout("Delta w_2", adam.first_step[1], story_field="runs.3.first_step.1",
                                      decimals=4, color=COLORS["adam"])),
                buff=0.5,
            ),
            self.lines(f"\"RMSProp:\" Delta w = -eta tilde(g) / sqrt((1 - rho) tilde(g)^2) = "
                       f"-{factor:.2f} eta " + self.say('"sign"', '"sgn"') + "(tilde(g))",
                       size=style.SMALL_SIZE, color=COLORS["rmsprop"]) if style.frame().landscape else
            VGroup(style.math("\"RMSProp:\" Delta w = -eta tilde(g) / sqrt((1 - rho) tilde(g)^2)", size=style.SMALL_SIZE,
                              color=COLORS["rmsprop"]),
                   style.math(f"= -{factor:.2f} eta " + self.say('"sign"', '"sgn"') + "(tilde(g))", size=style.SMALL_SIZE,
                              color=COLORS["rmsprop"])).arrange(DOWN, aligned_edge=LEFT, buff=0.1),
            top=self.title.get_bottom()[1] - 0.25, buff=0.16,
        )
        self.first_step_formula = formula
        # A square frame's formulas reach far down its right column: the zoom takes the left one, under the map
        # (under the formulas it was 1 unit wide), and the key to the arrows goes right of it.
        beside = style.frame().square
        zoom_top = self.table_floor if beside else self.table_start(formula.get_bottom()[1] - 0.3)
        room = zoom_top - (style.caption_top() + 0.15)
        # 16:9 scales the zoom into its room; narrower frames draw it that size, its labels kept legible
        zoom = self.build_zoom() if style.frame().landscape else self.build_zoom(min(ZOOM_SIZE, room - 0.35),
                                                                                 label_outside=style.frame().portrait)
        if zoom.height > room:
            factor = room / zoom.height
            zoom.scale(factor)  # the axes scale with it, so zoom_axes still maps w to the screen
            self.zoom_axes.scale(factor, about_point=zoom.get_center())
        zoom_x = self.table_x + 0.1 + zoom.width / 2 if beside else self.head.right - 0.1 - zoom.width / 2
        shift = np.array([zoom_x, zoom_top - zoom.height / 2, 0]) - zoom.get_center()
        zoom.shift(shift)
        self.zoom_axes.shift(shift)
        self.zoom = zoom
        # The table is gone for this beat: a key to the arrows' colours left of the zoom.
        key_top = (min(zoom.get_top()[1], formula.get_bottom()[1]) if beside else zoom.get_top()[1]) - 0.3
        self.zoom_key = VGroup(*[self.table_row(key_top - i * TABLE_ROW, COLORS[name], self.name_of(s.run(name)), [])
                                 for i, name in enumerate(("sgd", "rmsprop", "adam"))])
        if beside:
            self.zoom_key.shift((zoom.get_right()[0] + 0.4 - self.zoom_key.get_left()[0]) * RIGHT)
        # Where the zoom looks, marked on the map.
        lo, hi = self.zoom_window
        (a, b), (c, d) = s.window
        box_lo, box_hi = np.maximum(lo, [a, c]), np.minimum(hi, [b, d])
        self.zoom_box = Rectangle(width=(box_hi[0] - box_lo[0]) * self.map.unit(),
                                  height=(box_hi[1] - box_lo[1]) * self.map.unit(),
                                  stroke_color=WHITE, stroke_width=2).move_to(self.map.point((box_lo + box_hi) / 2))
        table = VGroup(*self.rows.values(), self.length_box)
        self.play(FadeOut(self.formula), FadeOut(table), Create(self.zoom_box), run_time=0.6)
        self.play(FadeIn(formula[0]), FadeIn(zoom[0]), FadeIn(zoom[4]), run_time=0.8)
        self.play(*[GrowArrow(a) if isinstance(a, Arrow) else Create(a) for a in self.zoom_steps],
                  FadeIn(self.zoom_key), run_time=1.0)
        self.play(Create(self.adam_square), FadeIn(self.eta_brace), FadeIn(formula[1]), run_time=1.0)
        self.play(Create(self.rmsprop_square), FadeIn(self.square_labels[1]), FadeIn(formula[2]), run_time=0.8)
        self.wait(1.5)

    def beat_saddle(self) -> None:
        s = self.story
        sd = s.saddle
        escaped = dict(zip(OPTIMIZERS, sd.escaped_at))
        sgd_k, adam_k = escaped["sgd"], escaped["adam"]
        def within(k: int | None) -> tuple[str, str]:
            if k is None:
                return f"not within {counted(s.steps, 'step')}", f"{s.steps} 步内没有"
            return counted(k, "step"), f"{k} 步"

        (sgd_en, sgd_zh), (adam_en, adam_zh) = within(sgd_k), within(adam_k)
        self.beat("saddle-escape",
                  en=f"Beside a saddle the gradient is tiny along the way out: SGD escapes in {sgd_en}, Adam in {adam_en}",
                  zh=f"鞍点附近，出去的方向上梯度极小：SGD 用了 {sgd_zh}，Adam 用了 {adam_zh}")
        leaving = [m for m in self.mobjects if m is not self._caption_mob]
        self.play(*[FadeOut(m) for m in leaving], run_time=0.6)
        self.remove(*leaving)
        view = sd.view
        self.saddle_map = self.build_map(view)
        self.saddle_title = self.build_title(view)
        saddle = self.saddle_map.point(sd.saddle[:2])
        mark = Dot(saddle, radius=0.06, color=WHITE)
        name = style.text(self.say("saddle", "鞍点"), size=style.SMALL_SIZE)
        name.add_background_rectangle(opacity=0.8, buff=0.04)
        self.saddle_map.place_label(name, mark, [run.path[:, :2] for run in sd.runs])  # beside, clear of the runs
        direction = np.array(sd.escape_direction)
        ridge_ends = [self.saddle_map.point(np.array(sd.saddle[:2]) + t * direction) for t in (-ESCAPE_LINE, ESCAPE_LINE)]
        self.escape_line = DashedVMobject(Line(*ridge_ends, stroke_width=2, color=WHITE), num_dashes=24)
        self.saddle_mark = VGroup(self.escape_line, mark, name)
        info = self.panel_block(
            self.wrapped(self.say(f"full batch (no noise), η = {fmt(sd.learning_rate)}",
                                  f"全批量（无噪声），η = {fmt(sd.learning_rate)}"), size=style.SMALL_SIZE),
            self.wrapped(self.say(f"start {power_of_ten(sd.start_offset)} beside the line that runs into the saddle",
                                  f"起点离通向鞍点的直线仅 {power_of_ten(sd.start_offset)}"), size=style.SMALL_SIZE),
            self.wrapped(self.say(f"escaped: {fmt(sd.escape_distance)} from the saddle along the dashed line",
                                  f"逃离：沿虚线离鞍点 {fmt(sd.escape_distance)}"), size=style.SMALL_SIZE,
                         color=style.MUTED_COLOR),
            top=self.saddle_title.get_bottom()[1] - 0.25, buff=0.14,
        )
        top = self.table_start(info.get_bottom()[1] - 0.45)
        rows = []
        for i, (run, k) in enumerate(zip(sd.runs, sd.escaped_at)):
            cell: Mobject
            if k is None:
                cell = style.text(self.say(f"not in {counted(run.steps_taken, 'step')}", f"{run.steps_taken} 步内未逃离"),
                                  size=style.SMALL_SIZE, color=style.MUTED_COLOR)
            else:
                cell = level_readout(Readout(self.say("escaped at step", "逃离步数"), k,
                                             story_field=f"saddle.escaped_at.{i}", decimals=0, size=style.SMALL_SIZE,
                                             math_label=False))
            rows.append(self.table_row(top - i * TABLE_ROW, COLORS[run.name], self.name_of(run), [cell]))
        self.saddle_rows = VGroup(*rows)
        start = self.start_marker(self.saddle_map, sd.start)
        self.play(FadeIn(self.saddle_map), FadeIn(self.saddle_title), FadeIn(self.saddle_mark), FadeIn(start),
                  FadeIn(info), run_time=1.0)
        self.play(*[FadeIn(VGroup(*row[:2])) for row in rows], run_time=0.4)
        traces = [(RunTrace(run, self.saddle_map), COLORS[run.name]) for run in sd.runs]
        self.saddle_paths = self.race(traces, stroke_width=3.5)
        self.play(*[FadeIn(row[2]) for row in rows], run_time=0.6)
        self.wait(1.5)

    def beat_final(self) -> None:
        s = self.story
        if s.best is None:
            en, zh = "Every run diverged at this learning rate", "这个学习率下所有优化器都发散了"
        else:
            best = s.run(s.best)
            en = (f"After {counted(s.steps, 'step')} with one η = {fmt(s.learning_rate)}: the lowest loss is "
                  f"{best.label}'s, {fmt(best.final_loss)}")
            zh = (f"同一个 η = {fmt(s.learning_rate)} 走 {s.steps} 步后：损失最低的是 {ZH_LABELS.get(best.name, best.label)}，"
                  f"{fmt(best.final_loss)}")
        self.beat("final-losses", en=en, zh=zh)
        leaving = [m for m in self.mobjects if m is not self._caption_mob]
        self.play(*[FadeOut(m) for m in leaving], run_time=0.6)
        self.remove(*leaving)
        self.final_map = self.build_map(s.view)
        title = self.build_title(s.view)
        top = self.table_start(title.get_bottom()[1] - 0.45)
        header = style.text(self.say(f"after {counted(s.steps, 'step')}, η = {fmt(s.learning_rate)}, σ = {fmt(s.batch_noise)}",
                                     f"{s.steps} 步后，η = {fmt(s.learning_rate)}，σ = {fmt(s.batch_noise)}"),
                            size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        self.fit_panel(header).move_to([self.table_x + header.width / 2, top, 0])
        rows = {name: self.run_row(top - (1 + i) * TABLE_ROW, s.run(name), f"runs.{i}", COLORS[name])
                for i, name in enumerate(OPTIMIZERS)}
        self.final_rows = rows
        self.final_header = header
        self.final_title = title
        start = self.start_marker(self.final_map, s.start)
        self.play(FadeIn(self.final_map), FadeIn(title), FadeIn(start), FadeIn(header),
                  *[FadeIn(r) for r in rows.values()], run_time=1.0)
        traces = [(RunTrace(s.run(name), self.final_map), COLORS[name]) for name in OPTIMIZERS]
        self.final_paths = self.race(traces, stroke_width=3.5)
        notes = VGroup()
        if s.best is not None:
            self.best_box = SurroundingRectangle(rows[s.best], color=COLORS[s.best], buff=0.08)
            notes.add(self.best_box)
        status = []
        for name in OPTIMIZERS:
            run = s.run(name)
            if run.diverged or run.left_window_at is not None:
                en_s = f"diverged at step {run.diverged_at}" if run.diverged else f"left the map at step {run.left_window_at}"
                zh_s = f"第 {run.diverged_at} 步发散" if run.diverged else f"第 {run.left_window_at} 步离开地图"
                status.append(style.text(self.say(f"{run.label}: {en_s}", f"{self.name_of(run)}：{zh_s}"),
                                         size=style.SMALL_SIZE, color=style.NEGATIVE_COLOR))
        if status:
            block = VGroup(*status).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
            self.fit_panel(block)
            block.next_to([self.table_x, rows[OPTIMIZERS[-1]].get_bottom()[1] - 0.3, 0], DOWN, buff=0, aligned_edge=LEFT)
            notes.add(block)
        self.final_notes = notes
        if len(notes):
            self.play(*[FadeIn(n) if not isinstance(n, SurroundingRectangle) else Create(n) for n in notes],
                      run_time=0.6)
        self.wait(2.0)


def power_of_ten(value: float) -> str:
    """``1e-06`` as ``10⁻⁶`` (other numbers as :func:`fmt` prints them)."""
    exponent = math.log10(value) if value > 0 else math.nan
    if not math.isfinite(exponent) or abs(exponent - round(exponent)) > 1e-9:
        return fmt(value)
    return "10" + str(int(round(exponent))).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _decimals(value: float) -> int:
    """Decimals that show a parameter exactly when it has few digits (0.4 -> 1, 0.0015 -> 4), at most 4."""
    for d in range(5):
        if abs(round(value, d) - value) < 1e-12 * max(1.0, abs(value)):
            return d
    return 4


#: How far the dashed escape line reaches on each side of the saddle (w units).
ESCAPE_LINE = 1.6
ORIGIN3 = np.zeros(3)
