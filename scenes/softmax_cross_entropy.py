"""Softmax with cross-entropy: the ``softmax_cross_entropy`` explainer (storyboard 14).

Beats: logits exponentiated and normalised into probabilities; the temperature
sweeping from sharp to flat; a constant added to every logit changing nothing,
and the log-sum-exp shift that keeps huge logits finite where the textbook
formula overflows; the loss -log p_label on its curve; the gradient p - onehot
(divided by T) as bars; one gradient step raising p_label.

Every number comes from
:func:`mathviz.stories.softmax_cross_entropy.softmax_story`.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    ChangeDecimalToValue,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    Mobject,
    Polygon,
    ReplacementTransform,
    SurroundingRectangle,
    Transform,
    VGroup,
    config,
)

from mathviz.stories.softmax_cross_entropy import SoftmaxStory
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.layout import overlaps, split_frame
from mathviz_scenes.components.numbers import fmt
from mathviz_scenes.components.readout import Readout
from mathviz_scenes.components.wrap import wrapped_text

__all__ = ["SoftmaxCrossEntropy", "BarChart"]

LOGIT_COLOR = style.FUNCTION_COLOR
PROBABILITY_COLOR = style.POSITIVE_COLOR
GRADIENT_COLOR = style.GRADIENT_COLOR
LABEL_COLOR = style.HIGHLIGHT_COLOR
#: The smallest font size a bar's number shrinks to (about 10 px glyphs at 480p, above the guard's 9).
MIN_LABEL_SIZE = 16.5


def _fmt(value: float | None, short: bool = False) -> str:
    """A bar's number: three significant digits (two decimals if ``short``), ``nan`` where the formula failed."""
    if value is None or not math.isfinite(value):
        return "nan"
    if short and abs(value) < 9.995:  # below 10 after rounding to two decimals
        return fmt(value, 2, hidden=False)  # rounded to two places: never -0.00, nor a power of ten
    return fmt(value)


def _fmt_list(values: Sequence[float | None] | np.ndarray, all_failed: str = "all {n} nan") -> str:
    """A short list for the panel: ``all_failed`` when every entry failed, else two decimals each."""
    if all(v is None or not math.isfinite(v) for v in values):
        return all_failed.format(n=len(values))
    return "[" + ", ".join(_fmt(v, short=True) for v in values) + "]"


class BarChart(VGroup):
    """One bar per class on ``axes``: bar ``i`` spans ``[i + 0.15, i + 0.85]`` and rises from 0 to ``values[i]``.

    :meth:`value_of` reads a bar's height back through the axes, so tests compare the picture with the story.
    """

    #: The least gap between two bars' numbers.
    LABEL_GAP = 0.06

    def __init__(self, values: Sequence[float] | np.ndarray, axes: Any, color: Any, *,
                 label_size: float = style.SMALL_SIZE) -> None:
        super().__init__()
        self._axes = weakref.ref(axes)  # copies of the bars must not deep-copy the axes
        # more than five bars, or bars under a unit apart (a narrow frame): two decimals, so neighbouring labels
        # stay apart
        self.short = len(values) > 5 or float(axes.c2p(1, 0)[0] - axes.c2p(0, 0)[0]) < 1.0
        self.bars = VGroup(*(self.bar(i, v, color) for i, v in enumerate(values)))
        self.labels = VGroup(*(self.label(i, v, color, label_size) for i, v in enumerate(values)))
        # bars narrower than their numbers (many classes in a narrow frame): smaller numbers, never below legible
        spacing = float(axes.c2p(1, 0)[0] - axes.c2p(0, 0)[0])
        widest = max(label.width for label in self.labels)
        if widest > 0.92 * spacing:
            smaller = max(label_size * 0.92 * spacing / widest, MIN_LABEL_SIZE)
            self.labels = VGroup(*(self.label(i, v, color, smaller) for i, v in enumerate(values)))
        self.stagger(values)
        self.add(self.bars, self.labels)

    def stagger(self, values: Sequence[float] | np.ndarray) -> None:
        """Numbers that still touch their left neighbour at the smallest size (eight four-digit logits in a square
        frame) step a line further out from their bar, above a positive bar and below a negative one, until clear.
        """
        for i in range(1, len(self.labels)):
            label, earlier = self.labels[i], self.labels[:i]
            outward = UP if values[i] >= 0 else DOWN
            while any(overlaps(label, other, margin=self.LABEL_GAP) for other in earlier):
                label.shift(outward * (label.height + self.LABEL_GAP))

    @property
    def axes(self) -> Any:
        return self._axes()

    def bar(self, i: int, value: float, color: Any) -> Polygon:
        c2p = self.axes.c2p
        return Polygon(c2p(i + 0.15, 0), c2p(i + 0.85, 0), c2p(i + 0.85, value), c2p(i + 0.15, value),
                       color=color, fill_opacity=0.75, stroke_width=1.5)

    def label(self, i: int, value: float, color: Any, size: float) -> Mobject:
        text = style.text(_fmt(value, self.short), size=size, color=color)
        # at the bar's end, outside it: above a positive bar, below a negative one
        end = self.axes.c2p(i + 0.5, value)
        text.next_to(end, UP if value >= 0 else DOWN, buff=0.08)
        # a number wider than its bar's slot (eight four-digit logits in a square frame) keeps right of the y axis
        # instead of centring on the first bar across the axis line
        text.shift(RIGHT * max(0.0, float(self.axes.c2p(0, 0)[0]) + self.LABEL_GAP - float(text.get_left()[0])))
        return text

    def value_of(self, i: int) -> float:
        bar = self.bars[i]
        return float(self.axes.p2c(bar.get_top())[1] + self.axes.p2c(bar.get_bottom())[1])

    def values(self) -> np.ndarray:
        return np.array([self.value_of(i) for i in range(len(self.bars))])


class SoftmaxCrossEntropy(ExplainerScene):
    """Logits to probabilities to loss to gradient, with temperature, the shift and one step."""

    scene_name = "softmax_cross_entropy"
    story: SoftmaxStory

    #: 16:9: the two charts' column and the panel to their right.
    CHART_LEFT = -5.9
    CHART_WIDTH = 6.4
    CHART_HEIGHT = 2.0
    PANEL_LEFT = 1.0
    #: Vertical room between the logit chart and the probability chart (bar numbers), and under the
    #: probability chart (class numbers and the "true class" note).
    CHART_GAP = 0.85
    CHART_FOOT = 0.8
    #: Square frames: the panel's width beside the charts; portrait frames: the panel's height under them.
    SQUARE_PANEL_WIDTH = 3.1
    PORTRAIT_PANEL_HEIGHT = 5.2

    chart_left: float
    chart_width: float
    chart_height: float
    logit_top: float
    prob_top: float
    panel_left: float
    panel_top: float
    panel_width: float

    def layout(self) -> None:
        """Where the charts and the panel go: the panel right of the charts in 16:9 and square frames, under
        them in portrait; the charts as tall as the room above the captions allows.
        """
        frame = style.frame()
        if frame.landscape:
            self.chart_left, self.chart_width, self.chart_height = self.CHART_LEFT, self.CHART_WIDTH, self.CHART_HEIGHT
            self.logit_top, self.prob_top = 3.05, 0.2
            self.panel_left, self.panel_top = self.PANEL_LEFT, 3.2
            self.panel_width = config.frame_width / 2 - style.SAFE_MARGIN - 0.1 - self.PANEL_LEFT
            return
        if frame.portrait:
            split = split_frame(panel_height=self.PORTRAIT_PANEL_HEIGHT)
        else:
            split = split_frame(panel_width=self.SQUARE_PANEL_WIDTH, stack_square=False)
        plot, panel = split.plot, split.panel
        self.chart_left = plot.left + 0.55  # room for the z, p and dL/dz titles at the charts' left
        self.chart_width = plot.right - 0.1 - self.chart_left
        self.chart_height = min((plot.height - 0.2 - self.CHART_GAP - self.CHART_FOOT) / 2, 2.8)
        self.logit_top = plot.top - 0.2
        self.prob_top = self.logit_top - self.chart_height - self.CHART_GAP
        self.panel_left, self.panel_top, self.panel_width = panel.left, panel.top, panel.width

    def ensure_layout(self) -> None:
        """Run :meth:`layout` once, before the first builder places anything."""
        if not hasattr(self, "chart_left"):
            self.layout()

    # -- builders ----------------------------------------------------------------------------------

    def chart_axes(self, low: float, high: float, top: float) -> Any:
        """Axes over the classes, y from ``low`` to ``high``, with their top edge at ``top``; no tick numbers."""
        self.ensure_layout()
        n = len(self.story.logits)
        axes = style.make_axes([0, n, 1], [low, high, (high - low) / 2], x_length=self.chart_width,
                               y_length=self.chart_height, numbers=False, axis_config={"include_ticks": False})
        axes.move_to([self.chart_left + self.chart_width / 2, top - self.chart_height / 2, 0])
        return axes

    def bar_chart(self, values: Sequence[float] | np.ndarray, low: float, high: float, top: float,
                  color: Any) -> tuple[Any, BarChart]:
        """Axes from ``low`` to ``high`` (see :meth:`chart_axes`) and the bars of ``values`` on them; where numbers
        stepped out a line (see :meth:`BarChart.stagger`) would pass the axes' top or bottom, the range grows until
        they fit.
        """
        for _ in range(4):
            axes = self.chart_axes(low, high, top)
            bars = BarChart(values, axes, color)
            over = float(bars.labels.get_top()[1] - axes.get_top()[1])
            under = float(axes.get_bottom()[1] - bars.labels.get_bottom()[1])
            if max(over, under) <= 1e-6:
                break
            # the labels keep their size while the bars shrink: the range grows by the overflow in units, over
            # the share of the height left beside the highest (lowest) label
            per_unit = self.chart_height / (high - low)
            if over > 1e-6:
                i = int(np.argmax([label.get_top()[1] for label in bars.labels]))
                extent = float(bars.labels[i].get_top()[1] - axes.c2p(0, max(float(values[i]), 0.0))[1])
                high += over / per_unit * self.chart_height / max(self.chart_height - extent, 0.25 * self.chart_height)
            if under > 1e-6:
                i = int(np.argmin([label.get_bottom()[1] for label in bars.labels]))
                extent = float(axes.c2p(0, min(float(values[i]), 0.0))[1] - bars.labels[i].get_bottom()[1])
                low -= under / per_unit * self.chart_height / max(self.chart_height - extent, 0.25 * self.chart_height)
        return axes, bars

    @staticmethod
    def span(values: np.ndarray) -> tuple[float, float]:
        """A y-range holding 0 and every value, with room for the bar labels."""
        low, high = min(0.0, float(np.min(values))), max(0.0, float(np.max(values)))
        if high == low:
            high = 1.0
        pad = 0.3 * (high - low)
        return (low - pad if low < 0 else 0.0), (high + pad if high > 0 else 0.0)

    def build_logit_chart(self) -> VGroup:
        """The logits as bars on the upper axes, with the class numbers under the lower chart."""
        s = self.story
        self.ensure_layout()
        self.logit_axes, self.logit_bars = self.bar_chart(s.logits, *self.span(s.logits), top=self.logit_top,
                                                          color=LOGIT_COLOR)
        self.logit_title = style.math("z", size=style.LABEL_SIZE, color=LOGIT_COLOR)
        self.logit_title.next_to(self.logit_axes, LEFT, buff=0.15)
        return VGroup(self.logit_axes, self.logit_bars, self.logit_title)

    def build_probability_chart(self) -> VGroup:
        """The probabilities on [0, 1] on the lower axes; the true class marked."""
        s = self.story
        self.ensure_layout()
        self.prob_axes, self.prob_bars = self.bar_chart(s.probabilities, 0.0, 1.25, top=self.prob_top,
                                                        color=PROBABILITY_COLOR)
        self.prob_title = style.math("p", size=style.LABEL_SIZE, color=PROBABILITY_COLOR)
        self.prob_title.next_to(self.prob_axes, LEFT, buff=0.15)
        self.class_labels = VGroup(*(
            style.text(str(i), size=style.SMALL_SIZE, color=LABEL_COLOR if i == s.label else style.MUTED_COLOR)
            .next_to(self.prob_axes.c2p(i + 0.5, 0), DOWN, buff=0.12)
            for i in range(len(s.logits))
        ))
        self.label_box = SurroundingRectangle(self.class_labels[s.label], color=LABEL_COLOR, buff=0.06)
        self.label_note = style.text(self.tr("true class", "真实类别"), size=style.SMALL_SIZE, color=LABEL_COLOR)
        self.label_note.next_to(self.class_labels, DOWN, buff=0.12)
        self.label_note.match_x(self.class_labels[s.label])
        self.label_note.shift(RIGHT * max(0.0, self.chart_left + 0.1 - self.label_note.get_left()[0]))
        self.label_note.shift(LEFT * max(0.0, self.label_note.get_right()[0] - (self.chart_left + self.chart_width)))
        return VGroup(self.prob_axes, self.prob_bars, self.prob_title, self.class_labels, self.label_box,
                      self.label_note)

    def panel(self, *rows: Mobject, buff: float = 0.25) -> VGroup:
        """Rows stacked left-aligned in the panel (right of the charts, or under them in portrait); a row too
        wide is shrunk alone.
        """
        self.ensure_layout()
        width = self.panel_width
        for row in rows:
            if row.width > width:
                row.scale_to_fit_width(width)
        column = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=buff)
        room = self.panel_top - style.caption_top() - 0.05
        if column.height > room and len(rows) > 1 and not style.frame().landscape:
            # a narrow panel's wrapped notes run long: close the gaps (to no less than 0.06) before anything shrinks
            buff = max(buff - (column.height - room) / (len(rows) - 1), 0.06)
            column.arrange(DOWN, aligned_edge=LEFT, buff=buff)
        if column.height > room and not style.frame().landscape:
            # still too tall at the least gaps (eight classes' lists, wrapped, in a square frame's panel): the
            # column shrinks to the room rather than reach into the caption band
            column.scale_to_fit_height(room)
        column.next_to([self.panel_left, self.panel_top, 0], DOWN, buff=0, aligned_edge=LEFT)
        return column

    def note(self, en: str, zh: str, size: float = style.SMALL_SIZE, color: Any = style.SECONDARY_COLOR) -> Mobject:
        """A panel note in the scene's language, broken into lines to fit the panel's width."""
        self.ensure_layout()
        return wrapped_text(self.tr(en, zh), self.wrap_width, size=size, color=color)

    @property
    def wrap_width(self) -> float:
        """Notes break into lines at the panel's width in square and portrait frames; in 16:9 a long one is
        shrunk to the panel's width (by :meth:`panel`) as it always was.
        """
        self.ensure_layout()
        return math.inf if style.frame().landscape else self.panel_width

    def build_softmax_panel(self) -> VGroup:
        """The softmax formula, the stable numerators exp(z/T - max) and their sum."""
        s = self.story
        self.softmax_formula = style.math("p_i = e^(z_i \\/ T) / (sum_j e^(z_j \\/ T))")
        self.temperature_readout = Readout("T", s.temperature, story_field="temperature", decimals=2)
        self.exp_sum_readout = Readout('sum_j e^(z_j \\/ T - max)', s.exp_sum, story_field="exp_sum", decimals=3)
        self.argmax_note = self.note(f"largest p: class {s.predicted}; true class: {s.label}",
                                     f"p 最大：第 {s.predicted} 类；真实类别：第 {s.label} 类", color=style.MUTED_COLOR)
        self.softmax_panel = self.panel(self.softmax_formula, self.temperature_readout, self.exp_sum_readout,
                                        self.argmax_note)
        return self.softmax_panel

    def build_shift_panel(self) -> VGroup:
        """Z + shift: the textbook formula's nan against log-sum-exp's unchanged p."""
        s = self.story
        size = style.SMALL_SIZE
        all_failed = self.tr("all {n} nan", "{n} 个全是 nan")
        naive = _fmt_list(s.naive_shifted, all_failed)
        stable = _fmt_list(s.shifted_probabilities, all_failed)
        if s.shift_invariant:
            same = self.tr("the same p: every e^ is at most e^0 = 1", "p 不变：每个 e^ 都不超过 e^0 = 1")
        else:
            same = self.tr("a different p: every e^ is at most e^0 = 1", "p 变了：每个 e^ 都不超过 e^0 = 1")
        overflow = (("(e^1000 overflows to inf, and inf / inf = nan)", "（e^1000 上溢为 inf，而 inf / inf = nan）")
                    if s.naive_overflows else ("(no overflow at this temperature)", "（在这个温度下不会上溢）"))
        if style.frame().landscape:
            lse = [style.math("log sum_j e^(s_j) = m + log sum_j e^(s_j - m)", size=size + 2)]
        else:  # a narrow panel: the identity on two lines, so it keeps its size, the sums' j beside them
            lse = [style.math("log scripts(sum)_j e^(s_j)", size=size + 2),
                   style.math("= m + log scripts(sum)_j e^(s_j - m)", size=size + 2)]
        rows = [
            self.note(f"Add {fmt(s.shift)} to every logit:", f"每个 logit 都加上 {fmt(s.shift)}：", size=size + 2),
            self.note("textbook e^(z/T) / sum:", "直接按公式 e^(z/T) / Σ 计算：", size=size),
            wrapped_text(naive, self.wrap_width, size=size,
                         color=GRADIENT_COLOR if s.naive_overflows else style.SECONDARY_COLOR),
            self.note(*overflow, size=size, color=style.MUTED_COLOR),
            *lse,
            self.note("max subtracted first:", "先减去最大值：", size=size),
            wrapped_text(stable, self.wrap_width, size=size, color=PROBABILITY_COLOR),
            wrapped_text(same, self.wrap_width, size=size, color=PROBABILITY_COLOR),
        ]
        self.lse_readout = Readout('"logsumexp"(z \\/ T)', s.log_sum_exp, story_field="log_sum_exp", decimals=3,
                                   size=size + 2)
        self.shift_panel = self.panel(*rows, self.lse_readout, buff=0.14)
        return self.shift_panel

    def build_loss_panel(self) -> VGroup:
        """The loss curve -log p over p in (0, 1] with the true class's p marked, and the loss readouts."""
        s = self.story
        self.loss_formula = style.math('L = -log p_y', color=LABEL_COLOR)
        top = float(np.ceil(max(5.0, min(s.loss, 7.0))))
        self.ensure_layout()
        # 4.6 x 2.6 where the panel has room (16:9, portrait); narrower, same shape, in a square frame's panel
        x_length = min(4.6, self.panel_width - 0.6)
        self.loss_axes = style.make_axes([0, 1, 0.5], [0, top, top / 2], x_length=x_length,
                                         y_length=2.6 * x_length / 4.6,
                                         x_axis_config={"numbers_to_include": [0.5, 1]},
                                         y_axis_config={"numbers_to_include": [top / 2, top]})
        curve = s.loss_curve[s.loss_curve[:, 1] <= top]
        self.loss_curve = self.loss_axes.plot_line_graph(curve[:, 0], curve[:, 1], add_vertex_dots=False,
                                                         line_color=LABEL_COLOR, stroke_width=3)
        p = s.probabilities[s.label]
        self.loss_dot = Dot(self.loss_axes.c2p(p, min(s.loss, top)), color=GRADIENT_COLOR, radius=0.08)
        self.loss_readout = Readout("L", s.loss, story_field="loss", decimals=3, color=LABEL_COLOR)
        self.bits_readout = Readout(self.tr('"in bits"', '"以比特计"'), s.loss_bits, story_field="loss_bits", decimals=3,
                                    size=style.SMALL_SIZE + 2, color=style.MUTED_COLOR)
        self.loss_panel = self.panel(self.loss_formula, VGroup(self.loss_axes, self.loss_curve, self.loss_dot),
                                     self.loss_readout, self.bits_readout, buff=0.2)
        return self.loss_panel

    def build_gradient_chart(self) -> VGroup:
        """dL/dz = (p - onehot) / T as bars on the upper axes, in place of the logits."""
        s = self.story
        low, high = self.span(s.gradient)
        bound = max(abs(low), abs(high))
        self.ensure_layout()
        self.gradient_axes, self.gradient_bars = self.bar_chart(s.gradient, -bound, bound, top=self.logit_top,
                                                                color=GRADIENT_COLOR)
        # beside a narrow frame's charts the title stands as a fraction, as narrow as the z and p titles
        source = "partial L \\/ partial z" if style.frame().landscape else "(partial L) / (partial z)"
        self.gradient_title = style.math(source, size=style.SMALL_SIZE + 2, color=GRADIENT_COLOR)
        self.gradient_title.next_to(self.gradient_axes, LEFT, buff=0.1)
        return VGroup(self.gradient_axes, self.gradient_bars, self.gradient_title)

    def build_gradient_panel(self) -> VGroup:
        s = self.story
        self.gradient_formula = style.math("(partial L) / (partial z_i) = (p_i - bb(1)[i = y]) / T")
        self.gradient_note = self.note("negative only at the true class: a step raises it",
                                       "只在真实类别处为负：沿负梯度走一步会让它升高", color=style.MUTED_COLOR)
        self.gradient_sum_readout = Readout('sum_i partial L \\/ partial z_i', s.gradient_sum,
                                            story_field="gradient_sum", decimals=3, size=style.SMALL_SIZE + 2)
        self.gradient_panel = self.panel(self.gradient_formula, self.gradient_note, self.gradient_sum_readout)
        return self.gradient_panel

    def build_step_panel(self) -> VGroup:
        s = self.story
        self.step_formula = style.math(f"z' = z - {fmt(s.step.learning_rate)} dot (partial L) / (partial z)")
        self.p_before_readout = Readout("p_y", s.step.p_label_before, story_field="step.p_label_before",
                                        decimals=3, color=PROBABILITY_COLOR)
        self.p_after_readout = Readout("p'_y", s.step.p_label_after, story_field="step.p_label_after",
                                       decimals=3, color=PROBABILITY_COLOR)
        self.loss_after_readout = Readout("L'", s.step.loss, story_field="step.loss", decimals=3, color=LABEL_COLOR)
        self.step_panel = self.panel(self.step_formula, self.p_before_readout, self.p_after_readout,
                                     self.loss_after_readout)
        return self.step_panel

    # -- the video ---------------------------------------------------------------------------------

    def construct(self) -> None:
        s = self.story

        self.beat("exponentiate", en="Softmax: exponentiate each logit, then divide by the sum, so p is positive and sums to 1.",
                  zh="Softmax：对每个 logit 取指数，再除以总和，得到和为 1 的正概率。")
        logits = self.build_logit_chart()
        self.build_probability_chart()
        self.build_softmax_panel()
        self.play(FadeIn(logits), FadeIn(self.softmax_formula), run_time=1.0)
        self.play(FadeIn(VGroup(self.prob_axes, self.prob_title, self.class_labels, self.label_box, self.label_note)),
                  run_time=0.6)
        self.play(*(ReplacementTransform(bar.copy(), target) for bar, target in zip(self.logit_bars.bars,
                                                                                     self.prob_bars.bars)),
                  FadeIn(self.prob_bars.labels), FadeIn(self.temperature_readout), FadeIn(self.exp_sum_readout),
                  run_time=1.5)
        self.play(FadeIn(self.argmax_note), run_time=0.5)
        self.wait(1.0)

        self.beat("temperature", en="Dividing by a temperature T: small T sharpens p toward one class, large T flattens it.",
                  zh="除以温度 T：T 小时 p 变尖锐，T 大时 p 变平坦。")
        self.play(FadeOut(self.exp_sum_readout), FadeOut(self.argmax_note), run_time=0.4)
        self.entropy_readout = Readout(self.tr('"entropy"', '"熵"'), s.sweep[0].entropy, story_field="sweep.0.entropy",
                                       decimals=3, size=style.READOUT_SIZE)
        self.entropy_readout.next_to(self.temperature_readout, DOWN, buff=0.25, aligned_edge=LEFT)
        order = [*range(len(s.sweep)), *reversed(range(len(s.sweep)))]
        mid = [k for k, point in enumerate(s.sweep) if point.temperature == s.temperature][0]
        order = order + list(range(1, mid + 1)) if mid else order
        shown = self.prob_bars
        for step, k in enumerate(order):
            point = s.sweep[k]
            target = BarChart(point.probabilities, self.prob_axes, PROBABILITY_COLOR)
            readouts = []
            for readout, field, value, in ((self.temperature_readout, f"sweep.{k}.temperature", point.temperature),
                                          (self.entropy_readout, f"sweep.{k}.entropy", point.entropy)):
                readout.story_field = field
                readouts.append(ChangeDecimalToValue(readout.number, value))  # copes with a change in digits
            anims = [Transform(shown, target), *readouts]
            if step == 0:
                anims.append(FadeIn(self.entropy_readout))
            self.play(*anims, run_time=0.8)
        self.remove(shown)
        self.prob_bars = BarChart(s.probabilities, self.prob_axes, PROBABILITY_COLOR)
        self.add(self.prob_bars)
        self.temperature_readout.story_field = "temperature"
        self.wait(1.0)

        self.beat("shift", en="Adding the same number to every logit changes nothing; subtracting the max keeps exp finite.",
                  zh="所有 logit 加同一个数，结果不变；先减去最大值，指数就不会溢出。")
        self.play(FadeOut(self.entropy_readout), FadeOut(self.temperature_readout), FadeOut(self.softmax_formula),
                  run_time=0.4)
        self.build_shift_panel()
        for row in self.shift_panel:
            self.play(FadeIn(row), run_time=0.5)
        # in a narrow frame the numbers would grow past the frame's edge with the bars
        self.play(Indicate(self.prob_bars if style.frame().landscape else self.prob_bars.bars, color=PROBABILITY_COLOR),
                  run_time=1.0)
        self.wait(1.5)

        self.beat("loss", en=f"The loss is -log p of the true class: here L = -log {fmt(s.probabilities[s.label])}.",
                  zh=f"损失是真实类别概率的负对数：这里 L = -log {fmt(s.probabilities[s.label])}。")
        self.play(FadeOut(self.shift_panel), run_time=0.4)
        self.build_loss_panel()
        self.play(FadeIn(self.loss_formula), FadeIn(self.loss_axes), Create(self.loss_curve), run_time=1.2)
        self.play(Indicate(self.prob_bars.bars[s.label], color=LABEL_COLOR), FadeIn(self.loss_dot, scale=1.5),
                  FadeIn(self.loss_readout), FadeIn(self.bits_readout), run_time=1.0)
        self.wait(1.5)

        self.beat("gradient", en="Its gradient with respect to the logits is p - onehot (over T): one bar per class.",
                  zh="它对 logits 的梯度是 p - onehot（再除以 T）：每个类别一根柱。")
        self.play(FadeOut(self.loss_panel), run_time=0.4)
        self.build_gradient_chart()
        self.build_gradient_panel()
        self.play(FadeOut(VGroup(self.logit_axes, self.logit_bars, self.logit_title)), run_time=0.5)
        self.play(FadeIn(self.gradient_axes), FadeIn(self.gradient_title), FadeIn(self.gradient_formula), run_time=0.6)
        self.play(*(ReplacementTransform(bar.copy(), target) for bar, target in zip(self.prob_bars.bars,
                                                                                     self.gradient_bars.bars)),
                  FadeIn(self.gradient_bars.labels), run_time=1.2)
        self.play(FadeIn(self.gradient_note), FadeIn(self.gradient_sum_readout), run_time=0.6)
        self.wait(1.5)

        if round(s.step.p_label_after, 3) > round(s.step.p_label_before, 3):
            en = "One step against the gradient raises p of the true class and lowers the loss."
            zh = "沿梯度反方向走一步：真实类别的概率升高，损失下降。"
        else:  # p_y too small (or too close to 1) to move in three decimals: say what the loss does instead
            en = f"One step lowers the loss from {fmt(s.loss)} to {fmt(s.step.loss)}; p of the true class barely moves."
            zh = f"走一步，损失从 {fmt(s.loss)} 降到 {fmt(s.step.loss)}；真实类别的概率几乎不变。"
        self.beat("step", en=en, zh=zh)
        self.play(FadeOut(self.gradient_panel), run_time=0.4)
        self.build_step_panel()
        self.stepped_bars = BarChart(s.step.probabilities, self.prob_axes, PROBABILITY_COLOR)
        self.play(FadeIn(self.step_formula), FadeIn(self.p_before_readout), run_time=0.8)
        # morph a copy: prob_bars keeps the story's probabilities before the step
        before = self.prob_bars.copy()
        self.remove(self.prob_bars)
        self.play(ReplacementTransform(before, self.stepped_bars), FadeIn(self.p_after_readout),
                  FadeIn(self.loss_after_readout), run_time=1.5)
        self.play(Indicate(self.stepped_bars.bars[s.label], color=LABEL_COLOR), run_time=0.8)
        self.wait(2.0)
