"""Entropy, cross-entropy and KL divergence as yes/no questions: the ``entropy_kl`` explainer.

Beats: a secret number from 1 to N (game); halving questions shrink the
candidate range, drawn on an overview line and re-zoomed each time (halving);
log2 N bits = the questions needed (bits); the bars of p with H(p) and each
outcome's -log2 p (entropy); the optimal question tree, whose leaf depths
average to H for a dyadic p (tree); uniform, p and one-hot side by side
(uniform); a prediction q scored against a one-hot truth, in bits and nats
(cross_entropy); p and q together, H(p, q) = H(p) + D(p || q) as a stacked
bar, and q sliding to p through the story's keyframes until D = 0 (kl).

Every number comes from :func:`mathviz.stories.entropy_kl.entropy_story`.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    WHITE,
    ChangeDecimalToValue,
    Circle,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Group,
    Line,
    Rectangle,
    ReplacementTransform,
    SurroundingRectangle,
    Transform,
    VGroup,
)

from mathviz.stories.entropy_kl import InformationStory
from mathviz.view import nice_step
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.layout import overlaps
from mathviz_scenes.components.numbers import fmt
from mathviz_scenes.components.panel import frame_right, widest_value
from mathviz_scenes.components.readout import Readout
from mathviz_scenes.components.wrap import wrapped_text

__all__ = ["QuestionsAndBits", "ProbabilityBars"]

P_COLOR = style.FUNCTION_COLOR
Q_COLOR = style.SECANT_COLOR
KL_COLOR = style.NEGATIVE_COLOR
KEEP_COLOR = style.TANGENT_COLOR
DROP_COLOR = style.MUTED_COLOR
#: The bar charts of p and q in a 16:9 frame: width, and the room at their left for row names such as -log2 p_i.
CHART_WIDTH = 4.6
NAMES_ROOM = 1.75
#: Square frame: the q charts' width (their text column takes the rest of the width).
SQUARE_CHART_WIDTH = 3.0
#: Between the truth box's top and the truth's value above it, when the box leaves the value out.
TRUTH_BOX_GAP = 0.04
#: Portrait frame: the q charts' height (a phone's frame has the room).
PORTRAIT_CHART_HEIGHT = 3.6
#: Room a bar chart needs besides its x-axis length: its y numbers at the left and the arrow tip at the right.
Y_NUMBERS_ROOM = 0.7
#: Height kept under H(p) for the tree's average (square and portrait).
EXPECTED_ROOM = 0.85
#: Seconds the whole run of halving questions takes at most (20 questions at most).
HALVING_BUDGET = 10.0


def places(value: float, decimals: int) -> str:
    """A probability (or a surprisal) at ``decimals`` places; trailing zeros trimmed only when exact (0.5, 1, 0).

    A nonzero value too small for the places prints 0.000 rather than a power of ten (``2.47×10⁻³`` is
    three times as wide as its bar's slot when one outcome is near certain), and 0.9996 prints 1.000: a
    bare 0 or 1 is kept for the impossible and the certain.
    """
    exact = round(float(value), decimals) == float(value)
    return fmt(value, decimals, trim=exact, hidden=False)


def stagger(marks: VGroup, direction: np.ndarray, gap: float = 0.06) -> None:
    """A row of marks too close for their neighbours: every other one moves a line further ``direction`` (UP/DOWN)."""
    items = list(marks)
    if any(overlaps(a, b, gap) for a, b in zip(items, items[1:])):
        step = max(m.height for m in items) + gap
        for mark in items[1::2]:
            mark.shift(step * direction)


class ProbabilityBars(VGroup):
    """A probability vector as bars on ``axes``: bar ``i`` spans ``[i + left, i + right]`` from 0 to ``values[i]``.

    :meth:`value_of` reads a bar's height back through the axes, so tests compare the picture with the story.
    """

    def __init__(self, values: Sequence[float] | np.ndarray, axes: Any, color: Any, *,
                 span: tuple[float, float] = (0.2, 0.8),
                 labels: bool = True, label_color: Any = None) -> None:
        super().__init__()
        self._axes = weakref.ref(axes)  # copies of the bars (Transform, FadeOut) must not deep-copy the axes
        self.span = span
        self.bars = VGroup(*(self.bar_shape(i, v, color) for i, v in enumerate(values)))
        self.add(self.bars)
        self.labels = VGroup()
        if labels:
            for i, v in enumerate(values):
                label = style.text(places(v, 3), size=style.SMALL_SIZE, color=label_color or color)
                label.next_to(axes.c2p(i + 0.5, v), UP, buff=0.08)
                self.labels.add(label)
            slot = axes.c2p(1, 0)[0] - axes.c2p(0, 0)[0]
            if max(label.width for label in self.labels) > slot - 0.08:
                # Too narrow for the numbers side by side: every other one moves up a line.
                for i in range(1, len(self.labels), 2):
                    label = self.labels[i]
                    neighbours = [self.labels[j] for j in (i - 1, i + 1) if j < len(self.labels)]
                    floor = max(m.get_top()[1] for m in neighbours) + 0.06
                    if label.get_bottom()[1] < floor:
                        label.shift((floor - label.get_bottom()[1]) * UP)
            # A label wider than the first slot keeps right of the y axis's line rather than across it.
            axis_x = axes.c2p(0, 0)[0]
            for label in self.labels:
                label.shift(max(0.0, axis_x + 0.06 - label.get_left()[0]) * RIGHT)
            # Still touching a label before it or another bar (wide numbers in narrow slots): up until clear.
            placed: list[Any] = []
            for i, label in enumerate(self.labels):
                others = [*placed, *(bar for j, bar in enumerate(self.bars) if j != i)]
                for _ in range(len(others) + 1):
                    hit = [m for m in others if overlaps(label, m, 0.03)]
                    if not hit:
                        break
                    label.shift((max(m.get_top()[1] for m in hit) + 0.06 - label.get_bottom()[1]) * UP)
                placed.append(label)
            self.add(self.labels)

    @property
    def axes(self) -> Any:
        return self._axes()

    def bar_shape(self, i: int, value: float, color: Any) -> Rectangle:
        left, right = self.span
        c2p = self.axes.c2p
        x0, x1 = c2p(i + left, 0)[0], c2p(i + right, 0)[0]
        y0, y1 = c2p(0, 0)[1], c2p(0, value)[1]
        # A (nearly) zero-height rectangle still draws its outline: a zero probability shows as a line on the axis.
        bar = Rectangle(width=x1 - x0, height=max(y1 - y0, 1e-6), color=color, fill_opacity=0.8, stroke_width=1.5)
        bar.move_to([(x0 + x1) / 2, (y0 + y1) / 2, 0])
        return bar

    def value_of(self, i: int) -> float:
        return float(self.axes.p2c(self.bars[i].get_top())[1])

    def values(self) -> np.ndarray:
        return np.array([self.value_of(i) for i in range(len(self.bars))])


class QuestionsAndBits(ExplainerScene):
    """The guessing game, entropy as expected questions, cross-entropy and KL divergence."""

    scene_name = "entropy_kl"
    key_beat = "kl"
    story: InformationStory

    # -- words -------------------------------------------------------------------------------------------

    def label(self, content: str, size: float, color: Any = style.SECONDARY_COLOR, **kwargs: Any) -> Any:
        """``style.text`` through a cache: the halving loop draws the same numbers again and again,
        and copying a typeset Text is several times cheaper than typesetting it anew.
        """
        cache = self.__dict__.setdefault("_labels", {})
        key = (content, size, str(color), tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = style.text(content, size=size, color=color, **kwargs)
        return cache[key].copy()

    def unit_word(self, unit: str) -> str:
        """``bits`` or ``nats`` in the scene's language (比特, 奈特)."""
        return self.tr(unit, {"bits": "比特", "nats": "奈特"}[unit])

    # -- the frame -----------------------------------------------------------------------------------

    @property
    def narrow(self) -> bool:
        """A square or portrait frame: charts go above their text (or share the width), not left of a column."""
        return not style.frame().landscape

    def edges(self) -> tuple[float, float]:
        """The left and right edges of the content in the current frame."""
        f = style.frame()
        if f.landscape:
            return f.left + 0.25, frame_right(0.25)
        return f.left + 0.1, f.right - 0.1

    @staticmethod
    def flow(parts: Sequence[Any], width: float, buff: float = 0.25, line_buff: float = 0.2) -> VGroup:
        """``parts`` side by side when they fit in ``width``, else broken into centred lines, each fitted to it."""
        lines: list[list[Any]] = [[]]
        for part in parts:
            row = [*lines[-1], part]
            if lines[-1] and sum(m.width for m in row) + buff * (len(row) - 1) > width:
                lines.append([part])
            else:
                lines[-1].append(part)
        rows = VGroup(*(VGroup(*line).arrange(RIGHT, buff=buff) for line in lines)).arrange(DOWN, buff=line_buff)
        for row in rows:
            if row.width > width:
                row.scale_to_fit_width(width)
        return rows

    @staticmethod
    def fit_width(mobject: Any, width: float) -> Any:
        """Shrink ``mobject`` to ``width`` if it is wider."""
        if mobject.width > width:
            mobject.scale_to_fit_width(width)
        return mobject

    # -- beats 1-3: the guessing game ------------------------------------------------------------------

    def build_game(self) -> VGroup:
        """Title, the overview line 1..N (number k occupies [k - 0.5, k + 0.5]) and its end labels.

        Also fixes where the rest of the game goes: the zoom, the readouts, the question line and the summary
        (16:9: in that order down the frame; square and portrait: the readouts under the zoom, and the question
        line, then the summary, under them; portrait spreads them further apart).
        """
        s = self.story
        f = style.frame()
        self.game_left, self.game_right = self.edges()
        width = self.game_right - self.game_left
        words = self.tr(f"Guess the secret number from 1 to {s.numbers}", f"猜一个 1 到 {s.numbers} 之间的秘密数字")
        if f.portrait:
            self.game_title = wrapped_text(words, width, size=style.TITLE_SIZE, color=WHITE)
        else:
            self.game_title = self.fit_width(style.text(words, size=style.TITLE_SIZE), width)
        if f.landscape:
            self.game_title.move_to([0, style.content_top() - 0.35, 0])
            overview_y, spread = 2.45, 1.0
        else:
            spread = 1.5 if f.portrait else 1.0
            self.game_title.move_to([0, f.top - 0.05 - self.game_title.height / 2, 0])
            overview_y = self.game_title.get_bottom()[1] - 0.6 * spread
        self.zoom_y = overview_y - 1.3 * spread
        self.game_spread = spread
        self.overview_axes = style.make_axes([0.5, s.numbers + 0.5, s.numbers], [0, 1, 1], x_length=width,
                                             y_length=0.4, numbers=False, axis_config={"include_ticks": False},
                                             y_axis_config={"stroke_opacity": 0.0})
        self.overview_axes.move_to([(self.game_left + self.game_right) / 2, overview_y, 0])
        ends = VGroup(
            style.text("1", size=style.SMALL_SIZE).next_to(self.overview_axes.c2p(0.5, 0), DOWN, buff=0.25)
            .align_to(self.overview_axes, LEFT),
            style.text(str(s.numbers), size=style.SMALL_SIZE).next_to(self.overview_axes.c2p(s.numbers + 0.5, 0),
                                                                     DOWN, buff=0.25).align_to(self.overview_axes, RIGHT),
        )
        self.overview_ends = ends
        self.range_marker = self.build_range_marker(1, s.numbers)
        game = VGroup(self.game_title, self.overview_axes, ends, self.range_marker)
        if f.portrait:
            # The game, the readouts and the summary centred in the tall frame: measured from a first build of the
            # summary (the beats build them again where the shift puts them).
            self.build_game_readouts()
            low = self.build_bits_summary().get_bottom()[1]
            shift = (low - f.bottom) / 2 - 0.3
            game.shift(shift * DOWN)
            self.zoom_y -= shift
        return game

    def build_range_marker(self, low: int, high: int) -> Rectangle:
        """The candidates ``low..high`` on the overview line: a yellow box over ``[low - 0.5, high + 0.5]``."""
        ax = self.overview_axes
        x0, x1 = ax.c2p(low - 0.5, 0)[0], ax.c2p(high + 0.5, 0)[0]
        # One number of a million is 1e-5 units wide: the stroke keeps it visible, the geometry stays exact.
        marker = Rectangle(width=x1 - x0, height=0.36, color=style.HIGHLIGHT_COLOR, stroke_width=3,
                           fill_opacity=0.35)
        marker.move_to([(x0 + x1) / 2, ax.c2p(0, 0)[1], 0])
        return marker

    def range_of(self, marker: Rectangle) -> tuple[float, float]:
        """The candidate range a marker covers, read back through the overview axes."""
        ax = self.overview_axes
        return ax.p2c(marker.get_left())[0] + 0.5, ax.p2c(marker.get_right())[0] - 0.5

    def build_zoom(self, low: int, high: int, pivot: int | None) -> VGroup:
        """The candidates ``low..high`` blown up to the full width, split after ``pivot`` (None: one left).

        The group keeps ``axes`` (graph units = numbers), the two halves, the split line, the end labels and the pivot label.
        """
        width = self.game_right - self.game_left
        axes = style.make_axes([low - 0.5, high + 0.5, max(high - low, 1)], [0, 1, 1], x_length=width, y_length=0.8,
                               numbers=False, axis_config={"include_ticks": False, "stroke_opacity": 0.0})
        axes.move_to([(self.game_left + self.game_right) / 2, self.zoom_y, 0])
        group = VGroup()
        group.axes = axes
        y0, y1 = axes.c2p(0, 0)[1], axes.c2p(0, 1)[1]

        def box(a: float, b: float, color: Any) -> Rectangle:
            x0, x1 = axes.c2p(a, 0)[0], axes.c2p(b, 0)[0]
            rect = Rectangle(width=x1 - x0, height=y1 - y0, color=color, fill_opacity=0.45, stroke_width=2)
            return rect.move_to([(x0 + x1) / 2, (y0 + y1) / 2, 0])

        if pivot is None:
            group.halves = VGroup(box(low - 0.5, high + 0.5, KEEP_COLOR))
            group.split = VGroup()
            group.pivot_label = VGroup()
        else:
            group.halves = VGroup(box(low - 0.5, pivot + 0.5, P_COLOR), box(pivot + 0.5, high + 0.5, P_COLOR))
            split_x = axes.c2p(pivot + 0.5, 0)[0]
            group.split = Line([split_x, y0 - 0.1, 0], [split_x, y1 + 0.1, 0], color=style.HIGHLIGHT_COLOR,
                               stroke_width=4)
            group.pivot_label = self.label(f"> {pivot} ?", size=style.LABEL_SIZE, color=style.HIGHLIGHT_COLOR)
            group.pivot_label.next_to(group.split, UP, buff=0.1)
        whole = VGroup(*group.halves)
        if low == high:
            # found: the one number left, inside its box
            group.end_labels = VGroup(self.label(str(low), size=style.TITLE_SIZE, weight="BOLD").move_to(whole))
        else:
            group.end_labels = VGroup(
                self.label(str(low), size=style.SMALL_SIZE).next_to(whole, DOWN, buff=0.12).align_to(whole, LEFT),
                self.label(str(high), size=style.SMALL_SIZE).next_to(whole, DOWN, buff=0.12).align_to(whole, RIGHT),
            )
        group.add(group.halves, group.split, group.pivot_label, group.end_labels)
        return group

    def build_question_line(self, k: int) -> VGroup:
        """``Q3: is it greater than 896?  yes`` for question ``k`` (0-based)."""
        q = self.story.questions[k]
        line = VGroup(
            self.label(self.tr(f"Q{k + 1}: is it greater than {q.pivot}?", f"问题 {k + 1}：它大于 {q.pivot} 吗？"),
                       size=style.LABEL_SIZE),
            self.label(self.tr("yes", "是") if q.answer else self.tr("no", "否"), size=style.LABEL_SIZE, color=KEEP_COLOR,
                       weight="BOLD"),
        ).arrange(RIGHT, buff=0.35)
        if self.narrow:
            self.fit_width(line, self.game_right - self.game_left)
            line.move_to([0, self.question_y, 0])
        else:
            line.move_to([0, -0.05, 0])
        return line

    def build_game_readouts(self) -> VGroup:
        """``candidates = N`` and ``questions asked = 0``, bound to the story as the questions go by."""
        s = self.story
        self.candidates_readout = Readout(self.tr("candidates", "候选数"), s.numbers, story_field="numbers", decimals=0,
                                          math_label=False)
        self.asked_readout = Readout(self.tr("questions asked", "已问问题数"), 0, story_field=None, decimals=0, math_label=False)
        if not self.narrow:
            row = VGroup(self.candidates_readout, self.asked_readout).arrange(RIGHT, buff=1.2)
            row.move_to([0, -0.95, 0])
            self.game_readouts = row
            return row
        # Under the zoom, spaced and fitted for the most questions (the candidates only count down).
        with widest_value(self.asked_readout, [s.question_count]):
            row = VGroup(self.candidates_readout, self.asked_readout).arrange(RIGHT, buff=0.6)
            self.fit_width(row, self.game_right - self.game_left)
            row.move_to([0, self.zoom_y - 0.95 * self.game_spread - row.height / 2, 0])
        bottom = row.get_bottom()[1]
        self.question_y = bottom - 0.45 * self.game_spread - 0.2
        self.summary_top = bottom - 0.35 * self.game_spread
        self.game_readouts = row
        return row

    def build_bits_summary(self) -> VGroup:
        """log2 N against the questions: equal for a power of two, else worst case, average and the log."""
        s = self.story
        n = s.numbers
        width = self.game_right - self.game_left
        if s.power_of_two:
            first_parts = [
                Readout(f"log_2 {n}", s.information_bits, story_field="information_bits", decimals=0,
                        color=style.HIGHLIGHT_COLOR),
                style.text(self.tr("bits  =  questions, for every secret", "比特 = 问题数，对每个秘密数字都一样"),
                           size=style.LABEL_SIZE),
            ]
            words = self.tr("Each yes/no answer is one bit: it halves the candidates.",
                            "每个“是/否”回答就是 1 比特：它把候选数减半。")
            second: Any = (wrapped_text(words, width, size=style.LABEL_SIZE, color=style.MUTED_COLOR) if self.narrow
                           else style.text(words, size=style.LABEL_SIZE, color=style.MUTED_COLOR))
            second_parts = None
        else:
            first_parts = [
                style.text(self.tr(f"{n} is not a power of 2:", f"{n} 不是 2 的幂："), size=style.LABEL_SIZE),
                Readout(f"ceil(log_2 {n})", s.worst_case_questions, story_field="worst_case_questions", decimals=0),
                style.text(self.tr("questions at worst", "个问题（最坏情况）"), size=style.LABEL_SIZE),
            ]
            second_parts = [
                Readout(self.tr("average", "平均"), s.average_questions, story_field="average_questions", decimals=3,
                        math_label=False),
                style.text("≥", size=style.LABEL_SIZE),
                Readout(f"log_2 {n}", s.information_bits, story_field="information_bits", decimals=3,
                        color=style.HIGHLIGHT_COLOR),
                style.text(self.unit_word("bits"), size=style.LABEL_SIZE),
            ]
        if self.narrow:
            first = self.flow(first_parts, width, buff=0.25)
            if second_parts is not None:
                second = self.flow(second_parts, width, buff=0.25)
            summary = VGroup(first, second).arrange(DOWN, buff=0.3)
            summary.move_to([0, self.summary_top - summary.height / 2, 0])
        else:
            first = VGroup(*first_parts).arrange(RIGHT, buff=0.3 if s.power_of_two else 0.25)
            if second_parts is not None:
                second = VGroup(*second_parts).arrange(RIGHT, buff=0.25)
            summary = VGroup(first, second).arrange(DOWN, buff=0.3)
            summary.move_to([0, -2.35, 0])
        self.bits_summary = summary
        return summary
    # -- beats 4-6: entropy --------------------------------------------------------------------------------

    def bar_axes(self, n: int, width: float, height: float, *, numbers: bool = True) -> Any:
        """Axes for n outcomes (x in [0, n], no numbers) and probabilities 0..1."""
        return style.make_axes([0, n, 1], [0, 1, 0.5], x_length=width, y_length=height,
                               x_axis_config={"include_numbers": False, "include_ticks": False},
                               y_axis_config={"include_numbers": numbers, "decimal_number_config": {"num_decimal_places": 1}})

    def outcome_letters(self, axes: Any, color: Any = style.SECONDARY_COLOR) -> VGroup:
        return VGroup(*(style.text(letter, size=style.LABEL_SIZE, color=color).next_to(axes.c2p(i + 0.5, 0), DOWN, buff=0.12)
                        for i, letter in enumerate(self.story.labels)))

    def build_entropy_chart(self) -> VGroup:
        """P as bars, the formula of H and its readout, and the rows of -log2 p_i and of questions under the letters.

        16:9: the chart at the left (the tree goes right of it); square and portrait: the chart across the
        frame's width with the row names at its left, H(p) (and later the tree's average) at the bottom.
        """
        s = self.story
        f = style.frame()
        left, right = self.edges()
        self.entropy_formula = style.math("H(p) = -sum_i p_i log_2 p_i")
        self.surprisal_name = style.math("-log_2 p_i", size=style.SMALL_SIZE + 2, color=P_COLOR)
        self.depth_name = style.text(self.tr("questions", "问题数"), size=style.SMALL_SIZE, color=style.HIGHLIGHT_COLOR)
        self.entropy_readout = Readout("H(p)", s.entropy_bits, story_field="entropy_bits", color=P_COLOR)
        self.entropy_unit = style.text(self.unit_word("bits"), size=style.READOUT_SIZE, color=P_COLOR)
        self.entropy_line = VGroup(self.entropy_readout, self.entropy_unit).arrange(RIGHT, buff=0.2)
        self.entropy_readout.number.match_y(self.entropy_readout.label)
        if f.landscape:
            chart_left, width, height, centre_y = left + NAMES_ROOM, CHART_WIDTH, 2.7, 1.0
        else:
            chart_left = left + max(self.surprisal_name.width, self.depth_name.width) + 0.25
            width = right - chart_left - Y_NUMBERS_ROOM
            # room under the table: H(p) over the tree's average (its formula is about as tall as H's)
            self.entropy_line.move_to([0, f.bottom + 0.1 + EXPECTED_ROOM + 0.2 + self.entropy_line.height / 2, 0])
            height = 2.7 if f.portrait else 1.0  # the square's is measured below and filled
            centre_y = 0.0
        self.chart_parts(chart_left, width, height, centre_y)
        if f.square:
            # The chart fills the height between the formula and H(p): measured once, then drawn to fill.
            top = f.top - 0.05 - self.entropy_formula.height - 0.35
            rise = max(self.p_bars.labels.get_top()[1], self.p_axes.get_top()[1], self.p_name.get_top()[1]) \
                - self.p_axes.c2p(0, 1)[1]
            drop = self.p_axes.c2p(0, 0)[1] - self.chart_bottom()
            room = top - (self.entropy_line.get_top()[1] + 0.3)
            height = max(room - rise - drop, 1.2)
            self.chart_parts(chart_left, width, height, 0.0)
        if f.landscape:
            self.entropy_line.next_to(self.depth_row, DOWN, buff=0.35).set_x(self.p_axes.get_center()[0])
        chart_top = max(self.p_bars.labels.get_top()[1], self.p_axes.get_top()[1], self.p_name.get_top()[1])
        self.entropy_formula.move_to([self.p_axes.get_center()[0], chart_top + 0.35 + self.entropy_formula.height / 2, 0])
        if not f.landscape or self.entropy_formula.get_top()[1] > f.top - 0.05:
            # top-down from the frame's top (16:9: only when tall bar labels push the formula out of the frame)
            shift = f.top - 0.05 - self.entropy_formula.get_top()[1]
            if f.landscape:
                VGroup(self.entropy_formula, *self.chart_mobjects(), self.entropy_line).shift(shift * UP)
            else:
                VGroup(self.entropy_formula, *self.chart_mobjects()).shift(shift * UP)
        return VGroup(self.entropy_formula, self.p_axes, self.p_bars, self.p_letters, self.p_name, self.surprisal_row,
                      self.surprisal_name, self.entropy_line)

    def chart_mobjects(self) -> list[Any]:
        return [self.p_axes, self.p_bars, self.p_letters, self.p_name, self.surprisal_row, self.surprisal_name,
                self.depth_row, self.depth_name]

    def chart_bottom(self) -> float:
        return float(min(self.depth_row.get_bottom()[1], self.depth_name.get_bottom()[1]))

    def chart_parts(self, chart_left: float, width: float, height: float, centre_y: float) -> None:
        """The axes of p (``width`` x ``height``, left edge at ``chart_left``), its bars, letters and the two rows."""
        s = self.story
        n = len(s.p)
        self.p_axes = self.bar_axes(n, width, height)
        self.p_axes.move_to([chart_left + width / 2, centre_y, 0])
        if self.narrow:
            self.p_axes.align_to([chart_left, 0, 0], LEFT)  # its y numbers included
        self.p_bars = ProbabilityBars(s.p, self.p_axes, P_COLOR)
        self.p_letters = self.outcome_letters(self.p_axes)
        # The axis name above the "1" of the y axis: a bar near 1 carries its value label where a name inside would be.
        one = self.p_axes.y_axis.numbers[-1] if len(self.p_axes.y_axis.numbers) else None
        self.p_name = style.math("p", color=P_COLOR)
        if one is not None:
            self.p_name.next_to(one, UP, buff=0.15)
        else:
            self.p_name.next_to(self.p_axes.c2p(0, 1), LEFT, buff=0.25)
        row_y = self.p_letters.get_bottom()[1] - 0.35

        def row(values: Sequence[str], y: float, color: Any) -> VGroup:
            return VGroup(*(style.text(v, size=style.SMALL_SIZE + 2, color=color).move_to([self.p_axes.c2p(i + 0.5, 0)[0], y, 0])
                            for i, v in enumerate(values)))

        decimals = 2 if n <= 5 else 1  # narrower columns for more outcomes
        # A near-certain outcome's -log2 p rounds to 0 at these places: 0.00, not a wide power of ten.
        surprisals = ["∞" if not np.isfinite(v) else places(v, decimals) for v in s.surprisal_bits]
        self.surprisal_row = row(surprisals, row_y, P_COLOR)
        for mark in self.surprisal_row:
            if mark.text == "∞":  # a lone infinity sign is short: drawn at label size to stay legible
                mark.become(style.text("∞", size=style.LABEL_SIZE + 4, color=P_COLOR).move_to(mark))
                mark.text = "∞"
        stagger(self.surprisal_row, DOWN)
        self.surprisal_name.move_to([0, row_y, 0]).align_to(self.p_axes, LEFT)
        self.surprisal_name.shift(0.25 * LEFT + self.surprisal_name.width * LEFT)
        depth_y = min(row_y - 0.55, self.surprisal_row.get_bottom()[1] - 0.43)
        self.depth_row = row(["n/a" if d is None else str(d) for d in s.code_lengths], depth_y, style.HIGHLIGHT_COLOR)
        self.depth_name.move_to([0, depth_y, 0]).align_to(self.surprisal_name, RIGHT)

    def build_tree(self) -> VGroup:
        """The Huffman question tree of the story's codewords: 0 = no (left), 1 = yes (right).

        Leaves sit in in-order slots across the tree's width; depth d is ``d`` levels down. 16:9: right of the
        chart; portrait: under the chart's table; square: in the chart's place (the chart fades out for it).
        """
        s = self.story
        f = style.frame()
        words = {w: i for i, w in enumerate(s.codewords) if w is not None}
        nodes = {""}
        for w in words:
            nodes.update(w[:k] for k in range(len(w) + 1))
        leaves = sorted(words)  # lexicographic order of 0/1 strings is the left-to-right order of the leaves
        depth = max(len(w) for w in leaves)
        self.tree_title = style.text(self.tr("the best question tree", "最优提问树"), size=style.LABEL_SIZE)
        self.tree_legend = style.text(self.tr("left = no, right = yes", "左 = 否，右 = 是"), size=style.SMALL_SIZE,
                                      color=style.MUTED_COLOR)
        if f.landscape:
            left, right = 0.6, self.edges()[1] - 0.15
            title_top = style.content_top() - 0.3 + self.tree_title.height / 2
        else:
            left, right = self.edges()
            title_top = f.top - 0.05 if f.square else self.chart_bottom() - 0.55
        self.tree_replaces_chart = f.square
        self.tree_title.move_to([(left + right) / 2, title_top - self.tree_title.height / 2, 0])
        self.tree_legend.next_to(self.tree_title, DOWN, buff=0.12)
        self.tree_top = self.tree_legend.get_bottom()[1] - 0.35
        # the deepest leaves keep room under them for their probabilities
        under_leaf = 0.3 + 0.1 + 0.3
        if f.landscape:
            bottom = -1.4
        elif f.square:
            bottom = self.p_letters.get_top()[1] + 0.15 + under_leaf
        else:
            bottom = self.entropy_line.get_top()[1] + 0.35 + under_leaf
        self.level_gap = (self.tree_top - bottom) / max(depth, 1)
        slot = (right - left) / len(leaves)
        x_of: dict[str, float] = {}
        for k, w in enumerate(leaves):
            x_of[w] = left + slot * (k + 0.5)
        for w in sorted(nodes - set(leaves), key=len, reverse=True):
            x_of[w] = (x_of[w + "0"] + x_of[w + "1"]) / 2

        def point(w: str) -> np.ndarray:
            return np.array([x_of[w], self.tree_top - len(w) * self.level_gap, 0.0])

        self.tree_edges = VGroup(*(Line(point(w[:-1]), point(w), color=style.MUTED_COLOR, stroke_width=3)
                                   for w in sorted(nodes, key=lambda w: (len(w), w)) if w))
        self.tree_questions = VGroup(*(Dot(point(w), radius=0.09, color=style.SECONDARY_COLOR)
                                       for w in sorted(nodes - set(leaves), key=lambda w: (len(w), w))))
        radius = min(0.3, slot * 0.42)
        self.tree_leaves = VGroup()
        self.tree_leaf_probabilities = VGroup()
        for w in leaves:
            i = words[w]
            circle = Circle(radius=radius, color=P_COLOR, fill_color="#000000",
                            fill_opacity=1, stroke_width=3).move_to(point(w))
            letter = style.text(s.labels[i], size=style.LABEL_SIZE).move_to(circle)
            leaf = VGroup(circle, letter)
            leaf.outcome = i
            leaf.codeword = w
            self.tree_leaves.add(leaf)
            prob = style.text(places(s.p[i], 3), size=style.SMALL_SIZE, color=P_COLOR)
            prob.next_to(circle, DOWN, buff=0.1)
            self.tree_leaf_probabilities.add(prob)
        probs = self.tree_leaf_probabilities
        for k in range(1, len(leaves)):
            # Neighbouring leaves on the same level with labels too wide for their slots: the second drops a line.
            same_level = len(leaves[k]) == len(leaves[k - 1])
            if same_level and probs[k].get_left()[0] < probs[k - 1].get_right()[0] + 0.06 \
                    and abs(probs[k].get_y() - probs[k - 1].get_y()) < 1e-6:
                probs[k].shift((probs[k].height + 0.1) * DOWN)
        self.expected_readout = Readout(self.tr('sum_i p_i dot "questions"_i', 'sum_i p_i dot "问题数"_i'), s.expected_questions,
                                        story_field="expected_questions", color=style.HIGHLIGHT_COLOR)
        if s.dyadic:
            verdict = style.math("= H(p)", color=style.HIGHLIGHT_COLOR)
        else:
            verdict = style.math(">= H(p)", color=style.HIGHLIGHT_COLOR)
        self.expected_line = VGroup(self.expected_readout, verdict).arrange(RIGHT, buff=0.25)
        if f.landscape:
            self.expected_line.move_to([(left + right) / 2, -2.8, 0])
        else:
            self.fit_width(self.expected_line, right - left)
            self.expected_line.next_to(self.entropy_line, DOWN, buff=0.2).set_x(0)
        self.tree = VGroup(self.tree_title, self.tree_legend, self.tree_edges, self.tree_questions, self.tree_leaves,
                           self.tree_leaf_probabilities)
        return VGroup(self.tree, self.expected_line)

    def leaf_depth(self, leaf: VGroup) -> float:
        """How many levels below the root a drawn leaf sits."""
        return (self.tree_top - leaf.get_center()[1]) / self.level_gap

    def build_entropy_panels(self) -> VGroup:
        """Uniform (the maximum log2 n), p, and one-hot (0), each with its entropy.

        Side by side in 16:9 and in a square frame; one above the other across the width in portrait.
        """
        s = self.story
        n = len(s.p)
        f = style.frame()
        left, right = self.edges()
        panels = VGroup()
        self.panel_bars = []
        self.panel_readouts = []
        self.panel_axes = []
        specs = [(self.tr("uniform", "均匀分布"), s.uniform, "uniform_entropy_bits", style.ACCENT_COLOR),
                 ("p", s.p, "entropy_bits", P_COLOR),
                 (self.tr("one-hot (certain)", "独热分布（确定）"), s.one_hot, "one_hot_entropy_bits", style.POSITIVE_COLOR)]
        self.max_note = style.math(f"0 <= H(p) <= log_2 {n}", color=style.SECONDARY_COLOR)
        if f.landscape:
            width, gap, height = (right - left - 1.0) / 3 - 0.3, 0.3 + 0.15, 2.6
        elif f.square:
            gap = 0.3
            width = (right - left - Y_NUMBERS_ROOM - 2 * gap) / 3
        else:
            width = right - left - Y_NUMBERS_ROOM
        parts = []
        for title, _, field, color in specs:
            if f.square:
                head = wrapped_text(title, width + gap - 0.1, size=style.LABEL_SIZE, color=color)
            else:
                head = style.text(title, size=style.LABEL_SIZE, color=color)
            readout = Readout("H", getattr(s, field), story_field=field, color=color)
            unit = style.text(self.unit_word("bits"), size=style.READOUT_SIZE, color=color)
            line = VGroup(readout, unit).arrange(RIGHT, buff=0.2)
            readout.number.match_y(readout.label)
            if f.square and line.width > width:  # the unit under the readout: side by side they would run together
                line.arrange(DOWN, buff=0.12)
            parts.append((head, readout, line))
        if f.square:
            heads = max(head.height for head, _, _ in parts)
            lines = max(line.height for _, _, line in parts)
            # head, axes, letters (0.12 + 0.3), the H line and the note under it
            height = min(4.0, f.content_height - 0.2 - heads - 0.35 - 0.42 - 0.35 - lines - 0.4 - self.max_note.height)
        elif f.portrait:
            # three rows of head and H line, axes and letters; the note under them
            row_extra = max(max(head.height, line.height) for head, _, line in parts) + 0.25 + 0.42 + 0.45
            height = min(3.0, (f.content_height - 0.2 - self.max_note.height - 0.4) / 3 - row_extra)
        for k, (_, values, _, color) in enumerate(specs):
            head, readout, line = parts[k]
            axes = self.bar_axes(n, width, height, numbers=k == 0 or f.portrait)
            if f.landscape:
                axes.move_to([left + 1.0 + width / 2 + k * (width + gap), 1.0, 0])
                # Only the first panel has y numbers, which move its centre: line the three zero lines up.
                axes.shift((1.0 - 2.6 / 2 - axes.c2p(0, 0)[1]) * UP)
            elif f.square:
                top = f.top - 0.1 - max(p[0].height for p in parts) - 0.35
                axes.shift(np.array([left + Y_NUMBERS_ROOM + k * (width + gap), top - height, 0]) - axes.c2p(0, 0))
            else:
                top = f.top - 0.1 - k * (f.content_height - 0.2 - self.max_note.height - 0.4) / 3
                head.move_to([0, top - head.height / 2, 0]).align_to([left + Y_NUMBERS_ROOM, 0, 0], LEFT)
                line.move_to(head).align_to([right, 0, 0], RIGHT)
                axes.shift(np.array([left + Y_NUMBERS_ROOM, min(head.get_bottom()[1], line.get_bottom()[1]) - 0.25
                                     - height, 0]) - axes.c2p(0, 0))
            bars = ProbabilityBars(values, axes, color, labels=False)
            letters = self.outcome_letters(axes)
            if not f.portrait:
                head.next_to(axes.x_axis, UP, buff=0.35 + height) if f.square else head.next_to(axes, UP, buff=0.35)
                line.next_to(letters, DOWN, buff=0.35).set_x(axes.x_axis.get_center()[0] if f.square
                                                              else axes.get_center()[0])
            panels.add(VGroup(axes, bars, letters, head, line))
            self.panel_bars.append(bars)
            self.panel_readouts.append(readout)
            self.panel_axes.append(axes)
        if f.landscape:
            self.max_note.move_to([0, -2.45, 0])
        else:
            self.max_note.move_to([0, f.bottom + 0.1 + self.max_note.height / 2, 0])
        self.entropy_panels = panels
        return VGroup(panels, self.max_note)

    # -- beats 7-8: cross-entropy and KL ------------------------------------------------------------------

    def build_truth_box(self, t: int) -> Any:
        """The box marking the truth's bar ``t``: round its bar, value and letter when that keeps off the other
        values and letters, else round the bar and letter only, its top under the values above it.

        With eight outcomes the values are wider than their slots (staggered in two rows), so a box round the
        truth's value crossed the neighbouring value and letter.
        """
        bars, labels, letters = self.q_bars.bars, self.q_bars.labels, self.q_letters
        others = [m for i, m in enumerate([*labels, *letters]) if i % len(bars) != t]
        box = SurroundingRectangle(VGroup(bars[t], labels[t], letters[t]), color=style.HIGHLIGHT_COLOR, buff=0.08)
        if not any(overlaps(box, m) for m in others):
            return box
        core = VGroup(bars[t], letters[t])
        left, right = core.get_left()[0] - 0.08, core.get_right()[0] + 0.08
        # under every value that reaches over the box's width (a neighbour's, in the lower row, too)
        above = [m for m in labels if m.get_left()[0] < right and m.get_right()[0] > left]
        top = min(m.get_bottom()[1] for m in above) - TRUTH_BOX_GAP
        bottom = core.get_bottom()[1] - 0.08
        return Rectangle(width=right - left, height=top - bottom, color=style.HIGHLIGHT_COLOR).move_to(
            [(left + right) / 2, (top + bottom) / 2, 0])

    def build_prediction_chart(self) -> VGroup:
        """Q as bars with the one-hot truth marked, and the loss -log q_truth in bits and in nats.

        16:9 and square: the chart at the left, the text column right of it; portrait: the text under the chart.
        """
        s = self.story
        n = len(s.q)
        f = style.frame()
        left, right = self.edges()
        if f.landscape:
            width, height = CHART_WIDTH, 2.9
        elif f.square:
            width, height = SQUARE_CHART_WIDTH, 2.9
        else:
            width, height = right - left - Y_NUMBERS_ROOM, PORTRAIT_CHART_HEIGHT
        self.q_axes = self.bar_axes(n, width, height)
        if f.landscape:
            self.q_axes.move_to([left + NAMES_ROOM + CHART_WIDTH / 2 - 0.6, 0.7, 0])
        else:
            self.q_axes.move_to([0, 0.7, 0]).align_to([left, 0, 0], LEFT)
        self.q_bars = ProbabilityBars(s.q, self.q_axes, Q_COLOR)
        self.q_letters = self.outcome_letters(self.q_axes)
        self.q_name = style.text(self.tr("prediction q", "预测 q"), size=style.LABEL_SIZE, color=Q_COLOR)
        # above the axes, and above a value label on a bar near 1
        self.q_name.next_to(self.q_axes, UP, buff=0.45)
        clear = self.q_bars.labels.get_top()[1] + 0.2 if len(self.q_bars.labels) else -np.inf
        if self.q_name.get_bottom()[1] < clear:
            self.q_name.shift((clear - self.q_name.get_bottom()[1]) * UP)
        t = s.truth_index
        self.truth_box = self.build_truth_box(t)
        self.truth_tag = style.text(self.tr("truth", "真实值"), size=style.SMALL_SIZE, color=style.HIGHLIGHT_COLOR)
        self.truth_tag.next_to(self.truth_box, DOWN, buff=0.1)
        chart = VGroup(self.q_axes, self.q_bars, self.q_letters, self.q_name, self.truth_box, self.truth_tag)

        truth = s.truth
        self.ce_formula = style.math("H(p, q) = -sum_i p_i log q_i")
        one_hot = self.tr(f'p = "one-hot at {truth}"', f'p = "在 {truth} 处的独热分布"')
        loss = f"=>  H(p, q) = -log q_{truth}"
        if f.landscape:
            self.ce_one_hot = style.math(f"{one_hot}  {loss}", size=style.LABEL_SIZE)
        else:  # two lines: one is wider than a narrow column
            self.ce_one_hot = VGroup(style.math(one_hot, size=style.LABEL_SIZE),
                                     style.math(loss, size=style.LABEL_SIZE)).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        self.loss_bits = Readout(f"-log_2 q_{truth}", s.truth_loss_bits, story_field="truth_loss_bits",
                                 color=style.HIGHLIGHT_COLOR)
        self.loss_nats = Readout(f"-ln q_{truth}", s.truth_loss_nats, story_field="truth_loss_nats",
                                 color=style.HIGHLIGHT_COLOR)
        bits_line = VGroup(self.loss_bits, style.text(self.unit_word("bits"), size=style.READOUT_SIZE,
                                                       color=style.HIGHLIGHT_COLOR))
        nats_line = VGroup(self.loss_nats, style.text(self.unit_word("nats"), size=style.READOUT_SIZE,
                                                       color=style.HIGHLIGHT_COLOR))
        for line in (bits_line, nats_line):
            line.arrange(RIGHT, buff=0.2)
            line[0].number.match_y(line[0].label)
        notes = (self.tr("Classification loss in ML uses ln:", "机器学习的分类损失用 ln："),
                 self.tr("the unit is the nat, not the bit.", "单位是奈特，而不是比特。"))
        if f.landscape:
            column_left, column_right = 1.0, right
            self.ml_note = VGroup(*(style.text(note, size=style.SMALL_SIZE + 2, color=style.MUTED_COLOR) for note in notes))
        else:
            column_left = left if f.portrait else chart.get_right()[0] + 0.5
            column_right = right
            self.ml_note = VGroup(*(wrapped_text(note, column_right - column_left, size=style.SMALL_SIZE + 2,
                                                 color=style.MUTED_COLOR) for note in notes))
        self.ml_note.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        self.ce_text = VGroup(self.ce_formula, self.ce_one_hot, bits_line, nats_line, self.ml_note)
        for row in self.ce_text:
            self.fit_width(row, column_right - column_left)
        self.ce_text.arrange(DOWN, aligned_edge=LEFT, buff=0.4 if not f.square else 0.3)
        if f.portrait:
            self.ce_text.next_to(chart, DOWN, buff=0.6).align_to([column_left, 0, 0], LEFT)
            # the chart and the text centred in the frame's height
            whole = VGroup(chart, self.ce_text)
            whole.shift(((f.top + f.bottom) / 2 - whole.get_center()[1]) * UP)
        else:
            self.ce_text.move_to([column_left + self.ce_text.width / 2, 0.55 if f.landscape else chart.get_center()[1], 0])
            if self.ce_text.get_right()[0] > right:
                self.ce_text.shift((right - self.ce_text.get_right()[0]) * RIGHT)
        if f.square:
            whole = VGroup(chart, self.ce_text)
            whole.shift(((f.top + f.bottom) / 2 - whole.get_center()[1]) * UP)
        return VGroup(self.q_axes, self.q_bars, self.q_letters, self.q_name, self.truth_box, self.truth_tag, self.ce_text)

    def build_kl_chart(self) -> VGroup:
        """P and q side by side per outcome; readouts H(p), H(p, q), D(p || q); the stacked bar H + D.

        16:9: the chart at the left, readouts and the cost bar right of it. Square: the chart at the top left
        with H(p) and H(p, q) beside it, D and the cost bar across the width under it. Portrait: all stacked.
        """
        s = self.story
        n = len(s.p)
        f = style.frame()
        left, right = self.edges()
        unit = self.unit_word(s.unit)
        if f.landscape:
            width, height = CHART_WIDTH, 2.9
        elif f.square:
            width, height = SQUARE_CHART_WIDTH, 2.0
        else:
            width, height = right - left - Y_NUMBERS_ROOM, PORTRAIT_CHART_HEIGHT
        self.kl_axes = self.bar_axes(n, width, height)
        if f.landscape:
            self.kl_axes.move_to([left + NAMES_ROOM + CHART_WIDTH / 2 - 0.6, 0.85, 0])
        else:
            self.kl_axes.move_to([0, 0, 0]).align_to([left, 0, 0], LEFT)
        self.kl_p_bars = ProbabilityBars(s.p, self.kl_axes, P_COLOR, span=(0.1, 0.48), labels=False)
        self.kl_q_bars = ProbabilityBars(s.q, self.kl_axes, Q_COLOR, span=(0.52, 0.9), labels=False)
        self.kl_letters = self.outcome_letters(self.kl_axes)
        self.kl_key = VGroup(
            style.text(self.tr("truth p", "真实分布 p"), size=style.LABEL_SIZE, color=P_COLOR),
            style.text(self.tr("prediction q", "预测 q"), size=style.LABEL_SIZE, color=Q_COLOR),
        ).arrange(RIGHT, buff=0.6)
        if f.square:  # the key heads the column beside the chart
            self.kl_key.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        else:
            self.kl_key.next_to(self.kl_axes, UP, buff=0.45)
        if f.portrait:
            self.kl_key.align_to(self.kl_axes, LEFT)

        self.h_readout = Readout("H(p)", s.entropy, story_field="entropy", color=P_COLOR)
        self.ce_readout = Readout("H(p, q)", s.cross_entropy, story_field="cross_entropy", color=Q_COLOR)
        self.kl_readout = Readout("D(p parallel q) = H(p, q) - H(p)", s.kl, story_field="kl", color=KL_COLOR)
        lines = VGroup()
        for readout, color in ((self.h_readout, P_COLOR), (self.ce_readout, Q_COLOR), (self.kl_readout, KL_COLOR)):
            line = VGroup(readout, style.text(unit, size=style.READOUT_SIZE, color=color)).arrange(RIGHT, buff=0.2)
            readout.number.match_y(readout.label)
            lines.add(line)
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        self.kl_lines = lines
        top = max(frame.cross_entropy for frame in s.morph)
        if f.landscape:
            lines.move_to([1.0 + lines.width / 2, 2.55, 0])
            if lines.get_right()[0] > right:
                lines.shift((right - lines.get_right()[0]) * RIGHT)
            cost_left, cost_length, cost_y = 1.0, right - 1.9, -0.75
        else:
            if f.square:
                # the key, H(p) and H(p, q) beside the chart; D, wider, under it across the frame
                chart = VGroup(self.kl_axes, self.kl_letters)
                beside = VGroup(self.kl_key, lines[0], lines[1]).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
                self.fit_width(beside, right - chart.get_right()[0] - 0.4)
                beside.move_to(chart).align_to(chart.get_right() + 0.4 * RIGHT, LEFT)
                self.fit_width(lines[2], right - left)
                lines[2].next_to(VGroup(chart, beside), DOWN, buff=0.35).align_to([left, 0, 0], LEFT)
            else:
                chart = VGroup(self.kl_axes, self.kl_letters, self.kl_key)
                for line in lines:
                    self.fit_width(line, right - left)
                lines.arrange(DOWN, aligned_edge=LEFT, buff=0.35)
                lines.next_to(chart, DOWN, buff=0.55).align_to([left, 0, 0], LEFT)
            cost_left = left
            cost_length = right - left - 0.2 - style.text(unit, size=style.SMALL_SIZE).width - 0.3
            cost_y = 0.0
        self.cost_axes = style.make_axes([0, top, nice_step(top / 6)], [0, 1, 1], x_length=cost_length, y_length=0.7,
                                         y_axis_config={"include_numbers": False, "include_ticks": False,
                                                        "stroke_opacity": 0.0})
        self.cost_axes.move_to([cost_left + cost_length / 2, cost_y, 0])
        self.cost_title = style.text(self.tr("cost of coding with q", "用 q 编码的代价"), size=style.SMALL_SIZE + 2,
                                     color=style.MUTED_COLOR)
        if not f.landscape:
            self.cost_title.next_to(lines, DOWN, buff=0.35 if f.square else 0.45).align_to([left, 0, 0], LEFT)
            self.cost_axes.next_to(self.cost_title, DOWN, buff=0.15).align_to([cost_left, 0, 0], LEFT)
        self.cost_unit = style.text(unit, size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        self.cost_unit.next_to(self.cost_axes.x_axis.get_right(), RIGHT, buff=0.15)
        if f.landscape:
            self.cost_title.next_to(self.cost_axes, UP, buff=0.15).align_to(self.cost_axes, LEFT)
        self.h_segment = self.cost_segment(0.0, s.entropy, P_COLOR)
        self.kl_segment = self.cost_segment(s.entropy, s.cross_entropy, KL_COLOR)
        gibbs = [style.math("D(p parallel q) >= 0", color=KL_COLOR),
                 style.text(self.tr("and = 0 only when q = p", "当且仅当 q = p 时等于 0"), size=style.LABEL_SIZE, color=KL_COLOR)]
        if f.landscape:
            self.gibbs_note = VGroup(*gibbs).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
            self.gibbs_note.move_to([1.0 + self.gibbs_note.width / 2, -2.55, 0])
        else:
            self.gibbs_note = VGroup(*gibbs).arrange(RIGHT, buff=0.3)
            if self.gibbs_note.width > right - left:
                self.gibbs_note.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
            self.gibbs_note.next_to(self.cost_axes, DOWN, buff=0.35 if f.square else 0.5).align_to([left, 0, 0], LEFT)
            # the whole beat centred in the frame's height
            whole = VGroup(self.kl_axes, self.kl_letters, self.kl_key, self.kl_p_bars, self.kl_q_bars, lines,
                           self.cost_title, self.cost_axes, self.cost_unit, self.h_segment, self.kl_segment,
                           self.gibbs_note)
            whole.shift(((f.top + f.bottom) / 2 - whole.get_center()[1]) * UP)
        return VGroup(self.kl_axes, self.kl_p_bars, self.kl_q_bars, self.kl_letters, self.kl_key, self.kl_lines,
                      self.cost_axes, self.cost_unit, self.cost_title, self.h_segment, self.kl_segment)

    def cost_segment(self, start: float, end: float, color: Any) -> Rectangle:
        """A piece of the stacked cost bar from ``start`` to ``end`` (in the story's unit)."""
        ax = self.cost_axes
        x0, x1 = ax.c2p(start, 0)[0], ax.c2p(end, 0)[0]
        y0, y1 = ax.c2p(0, 0.15)[1], ax.c2p(0, 0.85)[1]
        rect = Rectangle(width=max(x1 - x0, 1e-4), height=y1 - y0, color=color, fill_opacity=0.8, stroke_width=1.5)
        return rect.move_to([(x0 + x1) / 2, (y0 + y1) / 2, 0])

    # -- the beats -------------------------------------------------------------------------------------

    def construct(self) -> None:
        s = self.story
        n = s.numbers
        self.beat("game", en=f"Guess a secret number from 1 to {n}, asking only yes/no questions.",
                  zh=f"只用是/否问题，猜出 1 到 {n} 之间的一个秘密数字。")
        self.play(FadeIn(self.build_game()), run_time=1.0)
        self.zoom = self.build_zoom(1, n, None)
        self.zoom.halves[0].set_color(P_COLOR)
        self.play(FadeIn(self.zoom), FadeIn(self.build_game_readouts()), run_time=0.8)
        self.wait(1.0)

        self.beat("halving", en="Ask: is it greater than the middle? Each answer removes half the candidates.",
                  zh="问：它比中间的数大吗？每个回答都排除一半的候选数。")
        self.play_questions()
        self.wait(1.0)

        self.beat("bits", en=self.bits_caption("en"), zh=self.bits_caption("zh"))
        self.play(FadeIn(self.build_bits_summary()), run_time=1.0)
        self.wait(2.0)

        self.beat("entropy", en="Entropy H(p) = −Σ p log2 p: each outcome deserves −log2 p questions.",
                  zh="熵 H(p) = −Σ p log2 p：每个结果值得 −log2 p 个问题。")
        self.play(FadeOut(Group(*self.mobjects_without_caption())), run_time=0.6)
        self.build_entropy_chart()
        self.play(FadeIn(self.entropy_formula), FadeIn(self.p_axes), FadeIn(self.p_letters), FadeIn(self.p_name),
                  run_time=0.8)
        self.play(FadeIn(self.p_bars), run_time=0.8)
        self.play(FadeIn(self.surprisal_name), FadeIn(self.surprisal_row), run_time=0.8)
        self.play(FadeIn(self.entropy_line), run_time=0.6)
        self.wait(1.5)

        self.beat("tree", en=self.tree_caption("en"), zh=self.tree_caption("zh"))
        self.build_tree()
        if self.tree_replaces_chart:  # a square frame: the tree takes the bars' place over the table of rows
            self.play(FadeOut(self.entropy_formula), FadeOut(self.p_axes), FadeOut(self.p_bars), FadeOut(self.p_name),
                      run_time=0.5)
        self.play(FadeIn(self.tree_title), FadeIn(self.tree_legend), run_time=0.5)
        self.play(Create(self.tree_edges), FadeIn(self.tree_questions), run_time=1.2)
        self.play(FadeIn(self.tree_leaves), FadeIn(self.tree_leaf_probabilities), FadeIn(self.depth_name),
                  FadeIn(self.depth_row), run_time=0.9)
        self.play(FadeIn(self.expected_line), run_time=0.7)
        self.wait(2.0)

        self.beat("uniform", en=self.uniform_caption("en"), zh=self.uniform_caption("zh"))
        self.play(FadeOut(Group(*self.mobjects_without_caption())), run_time=0.6)
        self.build_entropy_panels()
        self.play(FadeIn(self.entropy_panels), run_time=1.2)
        self.play(FadeIn(self.max_note), run_time=0.6)
        self.wait(2.0)

        truth = s.truth
        self.beat("cross_entropy",
                  en=f"Cross-entropy scores a prediction q: if the truth is {truth}, the loss is −log q_{truth}.",
                  zh=f"交叉熵给预测 q 打分：若真实结果是 {truth}，损失就是 −log q_{truth}。")
        self.play(FadeOut(Group(*self.mobjects_without_caption())), run_time=0.6)
        self.build_prediction_chart()
        self.play(FadeIn(self.q_axes), FadeIn(self.q_letters), FadeIn(self.q_name), FadeIn(self.q_bars), run_time=0.9)
        self.play(Create(self.truth_box), FadeIn(self.truth_tag), FadeIn(self.ce_text[:2]), run_time=0.9)
        self.play(FadeIn(self.ce_text[2:4]), run_time=0.8)
        self.play(FadeIn(self.ml_note), run_time=0.6)
        self.wait(2.0)

        self.beat("kl", en="KL divergence D(p‖q) = H(p, q) − H(p): the extra questions. It is 0 only when q = p.",
                  zh="KL 散度 D(p‖q) = H(p, q) − H(p)：多付的问题数。只有 q = p 时它才为 0。")
        self.play(FadeOut(Group(*self.mobjects_without_caption())), run_time=0.6)
        self.build_kl_chart()
        self.play(FadeIn(self.kl_axes), FadeIn(self.kl_letters), FadeIn(self.kl_key), FadeIn(self.kl_p_bars),
                  FadeIn(self.kl_q_bars), run_time=0.9)
        self.play(FadeIn(self.kl_lines), FadeIn(self.cost_axes), FadeIn(self.cost_unit), FadeIn(self.cost_title),
                  FadeIn(self.h_segment), FadeIn(self.kl_segment), run_time=1.0)
        self.wait(1.0)
        self.play_morph()
        self.play(FadeIn(self.gibbs_note), run_time=0.6)
        self.wait(2.5)

    def mobjects_without_caption(self) -> list:
        return [m for m in self.mobjects if not getattr(m, "caption", False)]

    def play_questions(self) -> None:
        """Each question: the split and the question, the answer (the dropped half greys), the zoom into the kept half."""
        s = self.story
        step = min(1.2, HALVING_BUDGET / len(s.questions)) / 3
        slow = 2.0  # the first question goes slowly enough to read
        state = self.zoom
        for k, q in enumerate(s.questions):
            scale = slow if k == 0 else 1.0
            asked = self.build_zoom(q.low, q.high, q.pivot)
            line = self.build_question_line(k)
            # The same range with the same end labels, now in two halves: swapped in place, then split.
            self.remove(state.halves, state.end_labels)
            self.add(asked.halves, asked.end_labels)
            self.play(Create(asked.split), FadeIn(asked.pivot_label), FadeIn(line[0]), run_time=step * scale)
            kept, dropped = (asked.halves[1], asked.halves[0]) if q.answer else (asked.halves[0], asked.halves[1])
            self.candidates_readout.story_field = f"questions.{k}.candidates_after"
            self.play(FadeIn(line[1]), kept.animate.set_color(KEEP_COLOR), dropped.animate.set_color(DROP_COLOR),
                      Transform(self.range_marker, self.build_range_marker(q.low_after, q.high_after)),
                      ChangeDecimalToValue(self.candidates_readout.number, q.candidates_after),
                      ChangeDecimalToValue(self.asked_readout.number, k + 1), run_time=step * scale)
            state = self.build_zoom(q.low_after, q.high_after, None)
            if q.low_after != q.high_after:
                state.halves[0].set_color(P_COLOR)
            # The end labels move with the zoom; the last answer's two labels do not merge into the number found
            # (morphing, they slide across each other), they give way to it.
            found = q.low_after == q.high_after
            labels = ((FadeOut(asked.end_labels), FadeIn(state.end_labels)) if found
                      else (ReplacementTransform(asked.end_labels, state.end_labels),))
            self.play(ReplacementTransform(kept, state.halves[0]), *labels,
                      FadeOut(dropped), FadeOut(asked.split), FadeOut(asked.pivot_label), FadeOut(line),
                      run_time=step * scale)
        self.zoom = state
        self.asked_readout.story_field = "question_count"

    def bits_caption(self, lang: str) -> str:
        s = self.story
        n = s.numbers
        if s.power_of_two:
            k = s.worst_case_questions
            if lang == "zh":
                return f"{n} = 2^{k}：每个问题给出 1 比特，log2 {n} = {k} 个问题总能找到。"
            return f"{n} = 2^{k}: each answer is one bit, and log2 {n} = {k} questions always find it."
        bits = fmt(s.information_bits, 2, trim=True)
        if lang == "zh":
            return (f"{n} 不是 2 的幂：最坏需要 {s.worst_case_questions} 个问题，"
                    f"信息量是 log2 {n} = {bits} 比特。")
        return f"{n} is not a power of 2: {s.worst_case_questions} questions at worst; log2 {n} = {bits} bits."

    def tree_caption(self, lang: str) -> str:
        s = self.story
        h = fmt(s.entropy_bits, 2, trim=True)
        if s.dyadic:
            if lang == "zh":
                return f"最优提问树对每个结果问 −log2 p 次：平均正好 H = {h} 个问题。"
            return f"The best question tree asks −log2 p for each outcome: on average exactly H = {h}."
        mean = fmt(s.expected_questions, 2, trim=True)
        if lang == "zh":
            return f"问题只能整个地问：最优提问树平均问 {mean} 次，不少于 H = {h}。"
        return f"Questions come whole: the best tree asks {mean} on average, no fewer than H = {h}."

    def uniform_caption(self, lang: str) -> str:
        s = self.story
        n = len(s.p)
        top = fmt(s.uniform_entropy_bits, 2, trim=True)
        if lang == "zh":
            return f"均匀分布最不确定：log2 {n} = {top} 比特；越集中熵越小，确定时为 0。"
        return f"Uniform is the most uncertain, log2 {n} = {top} bits; peaked has less; certain has 0."

    def play_morph(self) -> None:
        """Q slides to p through the story's keyframes; H(p, q) and D(p || q) follow; D reaches 0."""
        s = self.story
        for k, frame in enumerate(s.morph[1:], start=1):
            target = ProbabilityBars(frame.q, self.kl_axes, Q_COLOR, span=(0.52, 0.9), labels=False)
            self.ce_readout.story_field = f"morph.{k}.cross_entropy"
            self.kl_readout.story_field = f"morph.{k}.kl"
            self.play(Transform(self.kl_q_bars.bars, target.bars),
                      Transform(self.kl_segment, self.cost_segment(s.entropy, frame.cross_entropy, KL_COLOR)),
                      ChangeDecimalToValue(self.ce_readout.number, frame.cross_entropy),
                      ChangeDecimalToValue(self.kl_readout.number, frame.kl), run_time=0.5)
        self.wait(0.5)
