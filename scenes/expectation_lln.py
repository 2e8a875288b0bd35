"""Expectation and the law of large numbers: the ``expectation_lln`` explainer (issue #9, item 7).

Beats: the dice game as an outcome table (face, probability, payoff); the
expectation as the probability-weighted sum of the payoffs, and the spread
sigma of one round; seeded runs of the game with their running averages on
a log-scaled round axis, funnelling toward E; the band E +- 2 sigma/sqrt(n);
the gambler's fallacy measured (the win rate right after k losses in a row,
with its interval, on the line p); and the longest losing streak of run 1,
never paid back but diluted by the rounds after it.

Every number comes from :func:`mathviz.stories.expectation_lln.expectation_story`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from manim import (
    BLUE_A,
    BLUE_C,
    DOWN,
    GREEN_C,
    GREY_A,
    LEFT,
    LIGHT_BROWN,
    ORANGE,
    ORIGIN,
    PINK,
    PURPLE_B,
    RIGHT,
    UP,
    Circle,
    Circumscribe,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    LaggedStart,
    Line,
    Polygon,
    RoundedRectangle,
    SurroundingRectangle,
    UpdateFromAlphaFunc,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    config,
)

from mathviz.stories import expectation_lln as prob
from mathviz.view import nice_step
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.numbers import counted, fmt, noun_for
from mathviz_scenes.components.panel import frame_right
from mathviz_scenes.components.readout import Readout
from mathviz_scenes.components.wrap import wrapped_text

__all__ = ["RunningAverages", "format_amount", "format_count", "RUN_COLORS"]

#: One colour per run (never the win, loss or E colours).
RUN_COLORS = (BLUE_C, ORANGE, PURPLE_B, GREEN_C, PINK, BLUE_A, LIGHT_BROWN, GREY_A)
WIN_COLOR = style.POSITIVE_COLOR
LOSE_COLOR = style.NEGATIVE_COLOR
E_COLOR = style.HIGHLIGHT_COLOR
MINUS = "\u2212"
#: The gambler's-fallacy streak length spelled out under the panel.
SHOWN_STREAK = 3
#: Left edge of the right-hand column (readouts, the fallacy panel, the dilution) in a 16:9 frame.
COLUMN_LEFT = 2.75
#: Width of that column in a square frame (narrower than 16:9's, so the plot keeps some width).
SQUARE_COLUMN_WIDTH = 3.6
#: The outcome table's column centres relative to the table's centre, its header's top below the content top.
TABLE_COLUMNS = (-1.675, -0.075, 1.675)
#: Height of the panel under the plot in a portrait frame (the fallacy panel's plot and its note).
PORTRAIT_PANEL_HEIGHT = 4.75
#: Width of the fallacy plot (with its tick labels) in that panel, and the room for the band legend (a wider
#: row, such as the English 'inside the band = 95.8 %', shrinks to it: the runs' sub-column right of it needs
#: the rest of the width for its title and the dilution note's lines at a legible size).
PORTRAIT_FALLACY_WIDTH = 3.9
PORTRAIT_BAND_LEGEND_WIDTH = 3.6
#: Gap between the two sub-columns under the plot in a portrait frame.
PORTRAIT_SUBCOLUMN_GAP = 0.3
#: Under the table (portrait, square): the gap from the last row's lower half-step to the expectation block,
#: and the block's least distance above the caption band.
BLOCK_GAP = 0.35
BLOCK_FLOOR_GAP = 0.05
#: The circle round the end of run 1's longest losing streak, and the least gap E's name keeps from it.
STREAK_MARKER_RADIUS = 0.22
MARKER_CLEARANCE = 0.06
#: Between the definition and the weighted sum when they share a line (square frame).
BESIDE_GAP = 0.4
#: The win and loss boxes' margin round their rows; the least a table row's step exceeds its tallest number
#: by: both boxes' margins, their strokes and a hair between them.
ROW_BOX_BUFF = 0.05
ROW_CLEARANCE = 2 * ROW_BOX_BUFF + 0.04
#: Font size of the table's rows when they are shorter than 16:9's (a square frame).
SHORT_ROW_SIZE = style.SMALL_SIZE + 2


def format_amount(value: float, decimals: int = 2) -> str:
    """An amount as the video prints it: whole numbers with thousands commas, else ``decimals`` places; a real minus."""
    return fmt(value, decimals, trim="whole", group=True).replace("-", MINUS)


def signed(value: float) -> str:
    """``+300`` or ``-200`` (with a real minus)."""
    return ("+" if value > 0 else "") + format_amount(value)


def format_count(n: int) -> str:
    return f"{int(n):,}"


def typst_number(value: float) -> str:
    """A payoff inside a Typst formula: negative numbers in parentheses."""
    text = format_amount(value).replace(",", "").replace(MINUS, "-")
    return f"({text})" if value < 0 else text


def faces_phrase(faces: Sequence[int], lang: str) -> str:
    """``1 or 2`` / ``1 或 2``: the winning faces in words."""
    names = [str(f) for f in faces]
    if lang == "zh":
        return "、".join(names[:-1]) + " 或 " + names[-1] if len(names) > 1 else names[0]
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


class RunningAverages(ExplainerScene):
    """The dice game's expectation, running averages converging to it, and the die's lack of memory."""

    scene_name = "expectation_lln"
    story: prob.ExpectationStory
    #: Height of the expectation block's centre beside the table (16:9), None when it goes under the table.
    block_centre_y: float | None
    #: The shown streak's win rate, None when no round came after that many losses.
    fallacy_readout: Readout | None
    #: The win rate after the longest losing streak, None when no round came after it.
    after_readout: Readout | None
    #: The expectation block once composed (a square frame composes it in :meth:`layout` to measure it).
    expectation_block: VGroup
    key_beat = "band"

    # -- where things go ---------------------------------------------------------------------------

    def layout(self) -> None:
        """Where the table, the expectation, the plot and the column go in this frame.

        16:9 and square: the plot at the left, the column of readouts and notes at its right (narrower
        in a square frame); the table at the left with the expectation beside it (16:9) or under it
        (square, in shorter rows). Portrait: the table over the expectation, the plot over the panel,
        whose rows go in two sub-columns (:attr:`stacked`).
        """
        f = self.frame_box = style.frame()
        self.stacked = f.portrait
        rows = len(self.story.table) + 1
        if f.landscape:
            self.table_centre, self.table_top, self.row_step, self.die_size = -4.025, 2.95, 0.7, 0.5
            self.block_left, self.block_centre_y = -0.55, 0.9
            self.column_left = COLUMN_LEFT
            self.plot_top, self.plot_bottom = f.top - 0.55, f.bottom + 0.85
            return
        self.table_centre, self.table_top = 0.0, f.top - 0.35
        self.block_left, self.block_centre_y = f.left + 0.1, None
        # square: rows short enough that the expectation block, as measured, fits under the table, but never
        # so short that a row's win or loss box reaches the next row's numbers (the block shrinks instead)
        if f.portrait:
            self.row_step = 0.7
        else:
            room = f.content_height - (self.top_gap() + BLOCK_GAP + BLOCK_FLOOR_GAP)
            fit = (room - self.compose_expectation().height) / (rows - 0.5)
            self.row_step = min(0.7, max(self.table_text_height(SHORT_ROW_SIZE) + ROW_CLEARANCE, fit))
        self.die_size = min(0.5, 0.75 * self.row_step, self.row_step - ROW_CLEARANCE)
        if f.square:
            self.column_left = frame_right() - SQUARE_COLUMN_WIDTH
            self.plot_top, self.plot_bottom = f.top - 0.55, f.bottom + 0.85
            return
        self.column_left = f.left + 0.1
        self.plot_top = f.top - 0.55
        self.plot_bottom = f.bottom + PORTRAIT_PANEL_HEIGHT + 0.85 + 0.3
        self.column_top = self.plot_bottom - 0.85

    def expectation_top(self) -> float:
        """Top of the expectation block when it goes under the table."""
        return self.table_top - (len(self.story.table) + 0.5) * self.row_step - BLOCK_GAP

    def table_text_height(self, size: float) -> float:
        """Height of the tallest number in the table's rows at font ``size``."""
        words = [f"1/{prob.FACES}"] + [signed(row.payoff) for row in self.story.table]
        return max(style.text(word, size=size).height for word in words)

    def top_gap(self) -> float:
        """From the content top down to the table's header row in a portrait or square frame."""
        return self.frame_box.top - self.table_top

    # -- beat 1: the outcome table ------------------------------------------------------------------

    @staticmethod
    def build_die(face: int, size: float = 0.5, color: Any = style.SECONDARY_COLOR) -> VGroup:
        """A die face with ``face`` pips."""
        body = RoundedRectangle(width=size, height=size, corner_radius=0.08 * size, color=color, stroke_width=2)
        spots = {1: [(0, 0)], 2: [(-1, 1), (1, -1)], 3: [(-1, 1), (0, 0), (1, -1)],
                 4: [(-1, 1), (1, 1), (-1, -1), (1, -1)], 5: [(-1, 1), (1, 1), (0, 0), (-1, -1), (1, -1)],
                 6: [(-1, 1), (1, 1), (-1, 0), (1, 0), (-1, -1), (1, -1)]}[face]
        pips = VGroup(*(Dot([0.27 * size * x, 0.27 * size * y, 0], radius=0.075 * size, color=color) for x, y in spots))
        return VGroup(body, pips)

    def build_table(self) -> VGroup:
        """Header and one row per face: the die, its probability 1/6 and its payoff (teal wins, red loses)."""
        s = self.story
        columns = tuple(self.table_centre + dx for dx in TABLE_COLUMNS)
        top = self.table_top
        row_step = self.row_step
        # rows shorter than 16:9's (a square frame) take smaller numbers
        size = style.LABEL_SIZE if row_step >= 0.6 else SHORT_ROW_SIZE
        header = VGroup(*(style.text(word, size=style.SMALL_SIZE, color=style.MUTED_COLOR).move_to([x, top, 0])
                          for word, x in zip((self.tr("face", "点数"), self.tr("probability", "概率"),
                                              self.tr("payoff", "收益")), columns)))
        self.table_header = header
        self.table_rows = VGroup()
        for i, row in enumerate(s.table):
            y = top - (i + 1) * row_step
            color = WIN_COLOR if row.wins else LOSE_COLOR
            die = self.build_die(row.face, size=self.die_size).move_to([columns[0], y, 0])
            probability = style.text(f"1/{prob.FACES}", size=size).move_to([columns[1], y, 0])
            payoff = style.text(signed(row.payoff), size=size, color=color).move_to([columns[2], y, 0])
            payoff.amount = row.payoff
            self.table_rows.add(VGroup(die, probability, payoff))
        rule = Line([columns[0] - 0.6, top - row_step / 2, 0], [columns[2] + 0.9, top - row_step / 2, 0],
                    color=style.MUTED_COLOR, stroke_width=1.5)
        self.table = VGroup(header, rule, self.table_rows)
        return self.table

    # -- beat 2: the expectation --------------------------------------------------------------------

    def expectation_source(self) -> str:
        """Typst source of ``E = 300 dot 2/6 + (-200) dot 4/6``, each term in its outcome's colour."""
        terms = []
        for o in self.story.outcomes:
            color = (WIN_COLOR if o.wins else LOSE_COLOR).to_hex()
            terms.append(f'#text(fill: rgb("{color}"))[${typst_number(o.payoff)} dot {len(o.faces)}/{prob.FACES}$]')
        return "E = " + " + ".join(terms)

    def build_expectation(self) -> VGroup:
        """The expectation block (:meth:`compose_expectation`) placed beside the table (16:9) or under it."""
        block = self.compose_expectation()
        left = self.block_left
        if self.block_centre_y is None:  # under the table
            room = self.expectation_top() - self.frame_box.bottom - BLOCK_FLOOR_GAP
            if block.height > room:  # the block shrinks to the room left
                block.scale_to_fit_height(room)
            block.next_to([left, self.expectation_top(), 0], DOWN + RIGHT, buff=0)
        else:
            block.move_to([left + block.width / 2, self.block_centre_y, 0])
        return block

    def compose_expectation(self) -> VGroup:
        """The definition, the weighted sum with the story's payoffs, E (exact and as a readout), sigma.

        Built once (a square frame measures it to size the table's rows) and not yet placed. In a square
        frame the weighted sum goes beside the definition when the pair fits the width, so the table's
        rows above get the height (stacked, they were 0.33 apart and the win and loss boxes crossed the
        '1/6' of the row next to them).
        """
        if getattr(self, "expectation_block", None) is not None:
            return self.expectation_block
        s = self.story
        definition = style.math("E = sum_x x dot P(x)")
        self.weighted_sum = style.math(self.expectation_source())
        exact = s.expectation_exact
        self.e_readout = Readout("E", s.expectation, story_field="expectation", decimals=2, color=E_COLOR)
        if "/" in exact and len(exact) <= 14:
            num, den = exact.split("/")
            self.exact_value = style.math(f"= {num}/{den}", color=E_COLOR)
            result = VGroup(self.e_readout, self.exact_value).arrange(RIGHT, buff=0.25)
        else:
            self.exact_value = None
            result = VGroup(self.e_readout)
        if s.fair:
            verdict = self.tr("E = 0: a fair game, no gain or loss on average.", "E = 0：公平游戏，平均不赚也不亏。")
        elif s.expectation < 0:
            amount = format_amount(-s.expectation)
            verdict = self.tr(f"E < 0: the player loses {amount} a round on average.", f"E < 0：玩家平均每局输 {amount}。")
        else:
            amount = format_amount(s.expectation)
            verdict = self.tr(f"E > 0: the player gains {amount} a round on average.", f"E > 0：玩家平均每局赢 {amount}。")
        self.verdict = style.text(verdict, size=style.SMALL_SIZE, color=E_COLOR)
        spread = style.math("sigma^2 = sum_x (x - E)^2 dot P(x)", size=style.SMALL_SIZE + 2)
        self.sigma_readout = Readout("sigma", s.std, story_field="std", decimals=2, size=style.SMALL_SIZE + 2)
        spread_note = style.text(self.tr("the spread of a single round", "单局收益的离散程度"), size=style.SMALL_SIZE,
                                 color=style.MUTED_COLOR)
        self.spread = VGroup(VGroup(spread, self.sigma_readout).arrange(RIGHT, buff=0.4), spread_note)
        self.spread.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        block = self.expectation_block = VGroup(definition, self.weighted_sum, result, self.verdict, self.spread)
        square = self.frame_box.square
        block.arrange(DOWN, aligned_edge=LEFT, buff=0.22 if square else 0.38)
        max_width = frame_right() - self.block_left
        if square and definition.width + BESIDE_GAP + self.weighted_sum.width <= max_width:
            self.weighted_sum.next_to(definition, RIGHT, buff=BESIDE_GAP)
            VGroup(result, self.verdict, self.spread).next_to(VGroup(definition, self.weighted_sum), DOWN,
                                                             buff=0.22, aligned_edge=LEFT)
        if block.width > max_width:
            block.scale_to_fit_width(max_width)
        return block

    def outcome_rows(self, wins: bool) -> VGroup:
        return VGroup(*(row for row, face in zip(self.table_rows, self.story.table) if face.wins == wins))

    # -- beats 3-4: running averages on a log axis ----------------------------------------------------

    def value_range(self) -> tuple[float, float, float]:
        """(low, high, step) of the payoff axis: every payoff and 0, on whole ticks."""
        s = self.story
        values = [0.0] + [o.payoff for o in s.outcomes]
        low, high = min(values), max(values)
        # a step a hair short of span / 5 still serves: one more tick beats a range twice too wide
        step = nice_step((high - low) / 5)
        return math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step, step

    def to_point(self, n: float, value: float) -> np.ndarray:
        """Scene point of (round n, average value) on the plot: x is log10 n, y counted from the axis' bottom."""
        low = self.plot_range[0]
        return self.axes.c2p(math.log10(n), value - low)

    def from_point(self, point: np.ndarray) -> tuple[float, float]:
        """(n, value) of a scene point, read back through ``axes.p2c``."""
        x, y = self.axes.p2c(point)[:2]
        return 10.0 ** x, y + self.plot_range[0]

    def build_plot(self) -> VGroup:
        """Axes with n on a log scale (a tick per decade), payoff ticks, axis titles and the dashed line at E."""
        s = self.story
        low, high, step = self.value_range()
        self.plot_range = (low, high)
        decades = math.log10(s.rounds)
        value_ticks = [low + k * step for k in range(int(round((high - low) / step)) + 1)]
        value_labels = [style.text(format_amount(v), size=style.SMALL_SIZE) for v in value_ticks]
        label_width = max(m.width for m in value_labels)
        left = -config.frame_width / 2 + style.SAFE_MARGIN + 0.1 + label_width + 0.15
        right = frame_right() - 0.65 if self.stacked else self.column_left - 0.65
        top, bottom = self.plot_top, self.plot_bottom
        self.axes = style.make_axes([0, decades, 1], [0, high - low, step], x_length=right - left,
                                    y_length=top - bottom, numbers=False)
        self.axes.move_to([(left + right) / 2, (top + bottom) / 2, 0])
        for value, label in zip(value_ticks, value_labels):
            label.next_to(self.to_point(1, value), LEFT, buff=0.15)
        self.value_labels = VGroup(*value_labels)
        round_labels: list[Any] = []
        # from the last decade down, a label that would touch the one to its right is left out (a narrow plot)
        for k in reversed(range(int(math.floor(decades + 1e-9)) + 1)):
            label = style.text(format_count(10**k), size=style.SMALL_SIZE).next_to(self.to_point(10**k, low), DOWN,
                                                                                    buff=0.15)
            label.rounds = 10**k
            if not round_labels or label.get_right()[0] + 0.15 < round_labels[0].get_left()[0]:
                round_labels.insert(0, label)
        self.round_labels = VGroup(*round_labels)
        minor = VGroup()
        for k in range(int(math.floor(decades)) + 1):
            for m in range(2, 10):
                n = m * 10**k
                if n < s.rounds:
                    base = self.to_point(n, low)
                    minor.add(Line(base, base + 0.07 * UP, color=style.MUTED_COLOR, stroke_width=1.5))
        self.minor_ticks = minor
        self.round_title = style.text(self.tr("rounds played, n (log scale)", "已玩局数 n（对数刻度）"), size=style.SMALL_SIZE,
                                      color=style.MUTED_COLOR)
        room = 2 * (right + 0.5 - self.axes.get_center()[0])  # centred under the axes, clear of the column
        if self.round_title.width > room:  # a narrow plot: fewer words first, shrunk only if still too wide
            self.round_title = style.text(self.tr("rounds n (log scale)", "局数 n（对数刻度）"),
                                          size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        if self.round_title.width > room:
            self.round_title.scale_to_fit_width(room)
        self.round_title.next_to(self.round_labels, DOWN, buff=0.1).match_x(self.axes)
        self.value_title = style.text(self.tr("average payoff after n rounds", "n 局后的平均收益"), size=style.SMALL_SIZE,
                                      color=style.MUTED_COLOR)
        self.value_title.next_to(self.axes, UP, buff=0.12).align_to(self.axes, LEFT)
        if self.value_title.get_right()[0] > right + 0.5:  # a narrow plot (square frame): start over the tick numbers
            room = right + 0.5 - self.value_labels.get_left()[0]
            if self.value_title.width > room:
                self.value_title.scale_to_fit_width(room)
            self.value_title.next_to(self.axes, UP, buff=0.12).align_to(self.value_labels, LEFT)
            # over the tick numbers now: clear of the top one (centred on the axes' top, it reaches above it)
            self.value_title.shift(UP * max(0.0, self.value_labels.get_top()[1] + 0.08 - self.value_title.get_bottom()[1]))
        grid = VGroup(*(Line(self.to_point(1, v), self.to_point(s.rounds, v), color=style.MUTED_COLOR,
                             stroke_width=1, stroke_opacity=0.3) for v in value_ticks[1:]))
        self.e_line = DashedLine(self.to_point(1, s.expectation), self.to_point(s.rounds, s.expectation),
                                 color=E_COLOR, stroke_width=3, dash_length=0.12)
        self.e_label = style.math("E", color=E_COLOR).next_to(self.e_line, RIGHT, buff=0.12)
        self.keep_e_label_off_streak_marker()
        self.plot = VGroup(grid, self.axes, minor, self.value_labels, self.round_labels, self.round_title,
                           self.value_title)
        return self.plot

    def keep_e_label_off_streak_marker(self) -> None:
        """Move E's name clear of the circle the dilution beat draws where run 1's longest streak ended.

        A streak that ends at the last round on E (every round lost: the average is E all along) puts the
        circle across the name at the line's end. The name moves right past the circle when it still keeps
        left of the column (or the frame's edge), else under the circle (over it when the streak's label
        goes under).
        """
        streak = self.story.longest_streak
        if streak is None:
            return
        label = self.e_label
        where = self.to_point(streak.last_round, streak.average_after)
        reach = STREAK_MARKER_RADIUS + MARKER_CLEARANCE
        beside = abs(label.get_y() - where[1]) < reach + label.height / 2
        if not beside or label.get_left()[0] >= where[0] + reach:
            return
        limit = frame_right() if self.stacked else self.column_left - MARKER_CLEARANCE
        if where[0] + reach + label.width <= limit:
            label.shift(RIGHT * (where[0] + reach - label.get_left()[0]))
            return
        under = self.streak_label_above(where, self.build_streak_label(streak.length).height)
        label.move_to([where[0], where[1] + (-1 if under else 1) * (reach + label.height / 2), 0])

    def build_streak_label(self, length: int) -> Any:
        """'20 losses in a row' (run 1's longest streak, ``length`` rounds), backed, not yet placed.

        On two lines when one is wider than the plot (a square frame's narrow plot), so it stays over the plot.
        """
        label = style.text(self.tr(f"{length} losses in a row", f"连输 {length} 局"), size=style.SMALL_SIZE,
                           color=E_COLOR)
        if label.width > self.axes.width - 0.2:
            label = style.text(self.tr(f"{length} losses\nin a row", f"连输\n{length} 局"), size=style.SMALL_SIZE,
                               color=E_COLOR)
        return label.add_background_rectangle(opacity=0.85, buff=0.06)

    def streak_label_above(self, where: np.ndarray, height: float) -> bool:
        """Whether the streak's label goes above its circle at ``where`` (room under the plot's top), else below."""
        return bool(where[1] + 0.35 + height < self.axes.get_top()[1])

    def build_runs(self) -> VGroup:
        """One polyline per run through (n, running average) at the story's sampled rounds."""
        s = self.story
        self.run_curves = VGroup()
        for r in range(s.runs):
            curve = VMobject(color=RUN_COLORS[r], stroke_width=2.5)
            curve.set_points_as_corners([self.to_point(n, v) for n, v in zip(s.sample_n, s.running[r])])
            curve.is_curve = True
            self.run_curves.add(curve)
        return self.run_curves

    def fit_column(self, row: Any) -> None:
        """Shrink ``row`` alone to the right-hand column's width if it is wider (a square frame's column)."""
        width = frame_right() - self.column_left
        if row.width > width:
            row.scale_to_fit_width(width)

    def run_legend_left(self, head: Any) -> float:
        """Left edge of the panel's second sub-column under the plot (right of E and sigma and the band legend)."""
        return self.column_left + max(head.width, PORTRAIT_BAND_LEGEND_WIDTH) + PORTRAIT_SUBCOLUMN_GAP

    def build_run_legend(self) -> VGroup:
        """Right column: E and sigma, the live round count, each run's final average in its colour."""
        s = self.story
        self.column_e = Readout("E", s.expectation, story_field="expectation", decimals=2, color=E_COLOR)
        self.column_sigma = Readout("sigma", s.std, story_field="std", decimals=2, size=style.SMALL_SIZE + 2)
        self.n_readout = Readout("n", 1, story_field=None, decimals=0, size=style.SMALL_SIZE + 2)
        head = VGroup(self.column_e, self.column_sigma).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        title = style.text(self.tr("average after n rounds", "n 局后的平均值"), size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        self.run_readouts = VGroup()
        for r in range(s.runs):
            swatch = Line(ORIGIN, 0.35 * RIGHT, color=RUN_COLORS[r], stroke_width=5)
            readout = Readout(self.tr(f"run {r + 1}", f"第 {r + 1} 组"), s.running[r][0], story_field=None, decimals=2,
                              math_label=False,
                              size=style.SMALL_SIZE + 2, color=RUN_COLORS[r])
            self.run_readouts.add(VGroup(swatch, readout).arrange(RIGHT, buff=0.15))
        self.run_readouts.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        self.run_legend = VGroup(title, self.n_readout, self.run_readouts).arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        if self.stacked:  # under the plot: E and sigma at the left, the runs in a second sub-column
            column = VGroup(head, self.run_legend).arrange(RIGHT, aligned_edge=UP, buff=PORTRAIT_SUBCOLUMN_GAP)
            column.next_to([self.column_left, self.column_top, 0], DOWN + RIGHT, buff=0)
            self.run_legend.align_to([self.run_legend_left(head), 0, 0], LEFT)
        else:
            for row in (*head, title, self.n_readout, *self.run_readouts):
                self.fit_column(row)
            head.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
            self.run_readouts.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
            self.run_legend.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
            column = VGroup(head, self.run_legend).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
            column.to_edge(UP, buff=config.frame_height / 2 - style.content_top() + 0.05)
            column.align_to([self.column_left, 0, 0], LEFT)
        self.column_head = head
        return column

    def band_values(self) -> tuple[np.ndarray, np.ndarray]:
        """The band's edges E +- 2 sigma/sqrt(n) at the sampled rounds, clipped to the plot."""
        s = self.story
        low, high = self.plot_range
        return np.clip(s.expectation + s.band, low, high), np.clip(s.expectation - s.band, low, high)

    def build_band(self) -> VGroup:
        """The funnel E +- 2 sigma/sqrt(n) (filled, edges drawn) and its legend below the run list."""
        s = self.story
        upper, lower = self.band_values()
        self.build_band_legend()
        if self.stacked:  # under E and sigma, left of the runs
            self.band_legend.next_to(self.column_head, DOWN, buff=0.35, aligned_edge=LEFT)
        else:
            self.band_legend.next_to(self.run_legend, DOWN, buff=0.3, aligned_edge=LEFT)
            # a long run list (eight runs in a square frame) leaves less room: the gap above the legend gives first
            floor = style.caption_top() + 0.05
            overflow = floor - self.band_legend.get_bottom()[1]
            self.band_legend.shift(UP * min(max(overflow, 0.0), 0.3 - 0.12))
            if self.band_legend.get_bottom()[1] < floor:  # then the legend shrinks to the room under the runs
                top_left = self.band_legend.get_corner(UP + LEFT)
                self.band_legend.scale_to_fit_height(top_left[1] - floor).move_to(top_left, aligned_edge=UP + LEFT)
        top = [self.to_point(n, v) for n, v in zip(s.sample_n, upper)]
        bottom = [self.to_point(n, v) for n, v in zip(s.sample_n, lower)]
        self.band_fill = Polygon(*top, *bottom[::-1], stroke_width=0, fill_color=E_COLOR, fill_opacity=0.14)
        self.band_edges = VGroup()
        for points in (top, bottom):
            edge = VMobject(color=E_COLOR, stroke_width=2, stroke_opacity=0.7)
            edge.set_points_as_corners(points)
            edge.is_curve = True
            self.band_edges.add(edge)
        return VGroup(self.band_fill, self.band_edges)

    def build_band_legend(self) -> VGroup:
        """The band's legend (swatch and formula, the final half-width, the share inside), not yet placed."""
        s = self.story
        swatch = Polygon([0, 0, 0], [0.4, 0, 0], [0.4, 0.28, 0], [0, 0.28, 0], stroke_width=0, fill_color=E_COLOR,
                         fill_opacity=0.35)
        formula = style.math(f"E plus.minus {s.band_sigmas:g} sigma \\/ sqrt(n)", size=style.SMALL_SIZE + 2, color=E_COLOR)
        self.band_legend_formula = VGroup(swatch, formula).arrange(RIGHT, buff=0.15)
        self.final_band_readout = Readout(f"{s.band_sigmas:g} sigma \\/ sqrt({s.rounds})", s.final_band,
                                          story_field="final_band", decimals=2, size=style.SMALL_SIZE + 2)
        self.inside_readout = Readout(self.tr("inside the band", "落在带内"), s.inside_band_percent,
                                      story_field="inside_band_percent",
                                      decimals=1, math_label=False, size=style.SMALL_SIZE + 2)
        self.inside_line = VGroup(self.inside_readout, style.text("%", size=style.SMALL_SIZE + 2)).arrange(RIGHT, buff=0.08)
        self.inside_line[1].align_to(self.inside_readout.number, DOWN)
        self.band_legend = VGroup(self.band_legend_formula, self.final_band_readout, self.inside_line)
        for row in self.band_legend:
            self.fit_column(row)
            if self.stacked and row.width > PORTRAIT_BAND_LEGEND_WIDTH:  # left of the runs' sub-column
                row.scale_to_fit_width(PORTRAIT_BAND_LEGEND_WIDTH)
        self.band_legend.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        return self.band_legend

    # -- beat 5: the gambler's fallacy --------------------------------------------------------------

    def fallacy_range(self) -> tuple[float, float, float]:
        """(low, high, step) of the panel's probability axis: p and every interval, on whole ticks in [0, 1]."""
        s = self.story
        p = s.p_win
        spread = max([0.02] + [max(abs(r.ci_low - p), abs(r.ci_high - p), abs(r.frequency - p))
                               for r in s.streaks if r.count and r.ci_low is not None and r.ci_high is not None
                               and r.frequency is not None])
        step = next(v for v in (0.02, 0.05, 0.1, 0.2, 0.5) if v >= spread)
        low = max(0.0, math.floor((p - spread) / step + 1e-9) * step)
        high = min(1.0, math.ceil((p + spread) / step - 1e-9) * step)
        return low, high, step

    def fallacy_point(self, k: float, frequency: float) -> np.ndarray:
        return self.fallacy_axes.c2p(k, frequency - self.fallacy_range_[0])

    def build_fallacy(self) -> VGroup:
        """P(win | previous k rounds lost) for k = 1..MAX_STREAK: dots with interval bars on the line p."""
        s = self.story
        # under the plot, the fallacy plot takes the left part of the panel and its note the right
        width = PORTRAIT_FALLACY_WIDTH if self.stacked else frame_right() - self.column_left
        self.fallacy_title = VGroup(
            style.text(self.tr("Win rate right after", "连输 k 局之后"), size=style.SMALL_SIZE + 2),
            style.text(self.tr("k losses in a row", "下一局的胜率"), size=style.SMALL_SIZE + 2),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        low, high, step = self.fallacy_range_ = self.fallacy_range()
        fallacy_height = 1.2 if self.frame_box.square else 2.0  # a square frame's column is short for it
        ticks = [low + i * step for i in range(int(round((high - low) / step)) + 1)]
        y_labels = [style.text(f"{t:.2f}", size=style.SMALL_SIZE) for t in ticks]
        label_width = max(m.width for m in y_labels)
        self.fallacy_axes = style.make_axes([0, prob.MAX_STREAK + 0.6, 1], [0, high - low, step],
                                            x_length=width - label_width - 0.6, y_length=fallacy_height, numbers=False,
                                            x_axis_config={"include_ticks": False})
        self.fallacy_title.next_to(self.column_head, DOWN, buff=0.35, aligned_edge=LEFT)
        self.fallacy_axes.next_to(self.fallacy_title, DOWN, buff=0.3)
        self.fallacy_axes.align_to([self.column_left + label_width + 0.2, 0, 0], LEFT)
        for t, label in zip(ticks, y_labels):
            label.next_to(self.fallacy_point(0, t), LEFT, buff=0.12)
        self.fallacy_y_labels = VGroup(*y_labels)
        self.k_labels = VGroup(*(style.text(str(k), size=style.SMALL_SIZE).next_to(self.fallacy_point(k, low), DOWN, buff=0.12)
                                 for k in range(1, prob.MAX_STREAK + 1)))
        k_title = style.math("k", size=style.SMALL_SIZE + 2)
        k_title.next_to(self.fallacy_point(prob.MAX_STREAK + 0.6, low), DOWN, buff=0.12)
        p_text = f"{len(s.winning_faces)}/{prob.FACES}"
        self.p_line = DashedLine(self.fallacy_point(0, s.p_win), self.fallacy_point(prob.MAX_STREAK + 0.6, s.p_win),
                                 color=E_COLOR, stroke_width=2.5, dash_length=0.1)
        self.fallacy_dots = VGroup()
        self.fallacy_bars = VGroup()
        for rec in s.streaks:
            if not rec.count or rec.ci_low is None or rec.ci_high is None or rec.frequency is None:  # no such streak
                continue
            bar = Line(self.fallacy_point(rec.k, rec.ci_low), self.fallacy_point(rec.k, rec.ci_high),
                       color=WIN_COLOR, stroke_width=3)
            caps = VGroup(*(Line(self.fallacy_point(rec.k, v) + 0.08 * LEFT, self.fallacy_point(rec.k, v) + 0.08 * RIGHT,
                                 color=WIN_COLOR, stroke_width=3) for v in (rec.ci_low, rec.ci_high)))
            self.fallacy_bars.add(VGroup(bar, caps))
            dot = Dot(self.fallacy_point(rec.k, rec.frequency), radius=0.07, color=WIN_COLOR)
            dot.k = rec.k
            self.fallacy_dots.add(dot)
        self.fallacy_plot = VGroup(self.fallacy_axes, self.fallacy_y_labels, self.k_labels, k_title, self.p_line)
        # the note under the panel: the shown streak length in numbers
        shown = next((r for r in s.streaks if r.k == SHOWN_STREAK), s.streaks[-1])
        self.shown_streak = shown
        p_label = style.math(f"p = {p_text}", size=style.SMALL_SIZE + 2, color=E_COLOR)
        if shown.frequency is not None:  # rounds came right after k losses (count > 0)
            index = s.streaks.index(shown)
            count, wins = format_count(shown.count), format_count(shown.wins)
            self.fallacy_count = VGroup(
                style.text(self.tr(f"In {count} rounds right", f"紧接在连输 {shown.k} 局之后的"), size=style.SMALL_SIZE),
                style.text(self.tr(f"after {shown.k} losses in a row,", f"{count} 局中，"), size=style.SMALL_SIZE),
                style.text(self.tr(f"the next round won {wins}", f"赢了 {wins} 局"), size=style.SMALL_SIZE),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
            self.fallacy_readout = Readout(self.tr("win rate", "胜率"), shown.frequency, story_field=f"streaks.{index}.frequency",
                                           decimals=3, math_label=False, size=style.SMALL_SIZE + 2, color=WIN_COLOR)
            self.fallacy_interval = style.text(
                self.tr(f"{round(100 * s.confidence)}% interval {shown.ci_low:.3f}–{shown.ci_high:.3f}",
                        f"{round(100 * s.confidence)}% 置信区间 {shown.ci_low:.3f}–{shown.ci_high:.3f}"),
                size=style.SMALL_SIZE, color=style.MUTED_COLOR)
            rate = VGroup(self.fallacy_readout, p_label).arrange(RIGHT, buff=0.3)
            if not self.stacked and rate.width > frame_right() - self.column_left:  # a narrow column: p goes under
                rate.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
            note = VGroup(self.fallacy_count, rate, self.fallacy_interval)
        else:
            self.fallacy_count = VGroup(style.text(self.tr("No face loses:", "没有会输的点数："), size=style.SMALL_SIZE),
                                        style.text(self.tr("no losing streaks.", "不会出现连输。"), size=style.SMALL_SIZE))
            self.fallacy_count.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
            self.fallacy_readout = None
            self.fallacy_interval = None
            note = VGroup(self.fallacy_count, p_label)
        if not self.stacked:
            for line in (*self.fallacy_count, *note[1:]):
                self.fit_column(line)
            self.fallacy_count.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        note.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        if self.stacked:
            note_left = self.column_left + width + 0.35
            for line in note:
                if line.width > frame_right() - note_left:
                    line.scale_to_fit_width(frame_right() - note_left)
            note.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
            note.next_to([note_left, self.fallacy_title.get_top()[1], 0], DOWN + RIGHT, buff=0)
        else:
            note.next_to(self.k_labels, DOWN, buff=0.3).align_to([self.column_left, 0, 0], LEFT)
        self.fallacy_note = note
        panel = VGroup(self.fallacy_title, self.fallacy_plot, self.fallacy_bars, self.fallacy_dots, note)
        self.fallacy_title.align_to([self.column_left, 0, 0], LEFT)
        self.fallacy_panel = panel
        return panel

    # -- beat 6: dilution -----------------------------------------------------------------------------

    def build_dilution(self) -> VGroup:
        """Run 1's longest losing streak marked on its curve; what it added to the sum and its pull excess / n."""
        s = self.story
        streak = s.longest_streak
        size = style.SMALL_SIZE
        if streak is None:
            self.streak_marker = None
            self.pull_readout = None
            width = frame_right() - (self.run_legend_left(self.column_head) if self.stacked else self.column_left)
            self.dilution = VGroup(*(wrapped_text(words, width, size=size, color=style.SECONDARY_COLOR) for words in (
                self.tr("Every face wins: there is", "每一面都赢："),
                self.tr("no losing streak to dilute.", "没有需要稀释的连输。"))))
            self.dilution.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
            self.dilution.next_to(self.column_head, DOWN, buff=0.45, aligned_edge=LEFT)
            return self.dilution
        where = self.to_point(streak.last_round, streak.average_after)
        self.streak_marker = Circle(radius=STREAK_MARKER_RADIUS, color=E_COLOR, stroke_width=4).move_to(where)
        label = self.build_streak_label(streak.length)
        # above the marker when there is room, else below it
        above = self.streak_label_above(where, label.height)
        label.next_to(self.streak_marker, UP if above else DOWN, buff=0.08)
        label.shift(RIGHT * min(0.0, self.axes.get_right()[0] - label.get_right()[0]))
        label.shift(RIGHT * max(0.0, self.axes.get_left()[0] + 0.2 - label.get_left()[0]))
        self.streak_label = label
        first, last = format_count(streak.first_round), format_count(streak.last_round)
        lose_text = format_amount(-s.lose).replace(",", "").replace(MINUS, "-")
        lines = [
            style.text(self.tr(f"Run 1 lost {streak.length} in a row", f"第 1 组连输了 {streak.length} 局"), size=size),
            style.text(self.tr(f"(rounds {first} to {last})", f"（第 {first} 到第 {last} 局）"),
                       size=size, color=style.MUTED_COLOR),
            style.text(self.tr("Its excess over E, summed:", "比 E 多输的总额："), size=size),
        ]
        self.excess_readout = Readout(f"{streak.length} dot ({lose_text} - E)", streak.excess,
                                      story_field="longest_streak.excess", decimals=2, size=size + 2)
        lines.append(self.excess_readout)
        if streak.win_rate_after is not None:
            lines.append(style.text(self.tr("Nothing pays it back:", "之后也没有被补回来："), size=size))
            self.after_readout = Readout(self.tr("win rate after it", "此后的胜率"), streak.win_rate_after,
                                         story_field="longest_streak.win_rate_after",
                                         decimals=3, math_label=False, size=size + 2, color=WIN_COLOR)
            lines.append(self.after_readout)
        else:
            self.after_readout = None
        lines.append(style.text(self.tr("Its pull on the average", "它对平均值的拉动"), size=size))
        lines.append(style.text(self.tr("is only divided by n:", "只是被 n 除："), size=size))
        self.pull_readout = Readout(self.tr('"pull" = "excess" \\/ n', '"拉动" = "多输总额" \\/ n'), streak.shift_after,
                                    story_field="longest_streak.shift_after", decimals=2, size=size + 2, color=E_COLOR)
        lines.append(self.pull_readout)
        # under the plot: right of E and sigma
        left = self.run_legend_left(self.column_head) if self.stacked else self.column_left
        width = frame_right() - left
        for line in lines:  # only a line with long numbers shrinks, never the whole note
            if line.width > width:
                line.scale_to_fit_width(width)
        self.dilution_text = VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        if self.stacked:
            self.dilution_text.next_to([left, self.column_top, 0], DOWN + RIGHT, buff=0)
        else:
            self.dilution_text.next_to(self.column_head, DOWN, buff=0.4, aligned_edge=LEFT)
        self.dilution = VGroup(self.streak_marker, self.streak_label, self.dilution_text)
        return self.dilution

    def curve_value(self, run: int, n: float) -> float:
        """Run ``run``'s drawn polyline at round ``n`` (linear in log n between the story's samples)."""
        s = self.story
        return float(np.interp(math.log10(n), np.log10(s.sample_n), s.running[run]))

    # -- the beats ------------------------------------------------------------------------------------

    def captions_for(self) -> dict[str, tuple[str, str]]:
        s = self.story
        win, lose = format_amount(s.win), format_amount(s.lose)
        n_faces = len(s.winning_faces)
        if n_faces == prob.FACES:
            game = (f"A fair die: every face wins {win}.", f"掷一枚均匀的骰子：每一面都赢 {win}。")
        elif n_faces == 0:
            game = (f"A fair die: every face loses {lose}.", f"掷一枚均匀的骰子：每一面都输 {lose}。")
        else:
            game = (f"Roll a fair die: win {win} on a {faces_phrase(s.winning_faces, 'en')}, lose {lose} otherwise.",
                    f"掷一枚均匀的骰子：掷出 {faces_phrase(s.winning_faces, 'zh')} 赢 {win}，其他点数输 {lose}。")
        e = format_amount(s.expectation)
        if s.fair:
            verdict = ("E = 0: a fair game.", "E = 0：这是一个公平的游戏。")
        elif s.expectation < 0:
            verdict = (f"E = {e} < 0: the game loses money.", f"E = {e} < 0：这个游戏平均亏钱。")
        else:
            verdict = (f"E = {e} > 0: the game pays on average.", f"E = {e} > 0：这个游戏平均赚钱。")
        runs, rounds = s.runs, format_count(s.rounds)
        p_text = f"{n_faces}/{prob.FACES}"
        return {
            "game": game,
            "expectation": (f"Expected value: each payoff times its probability, summed. {verdict[0]}",
                            f"期望值：每种收益乘以它的概率再求和。{verdict[1]}"),
            "simulate": (f"Play {counted(runs, 'run')} of {rounds} {noun_for(s.rounds, 'round')}: "
                         "running averages settle toward E.",
                         f"模拟 {runs} 组、每组 {rounds} 局：累计平均值逐渐靠近 E。"),
            "band": ("Their spread shrinks like σ/√n: most stay inside E ± 2σ/√n.",
                     "波动按 σ/√n 缩小：大多数平均值落在 E ± 2σ/√n 之内。"),
            "fallacy": (f"After k losses in a row the next round still wins {p_text} of the time: dice have no memory.",
                        f"连输 k 局之后，下一局赢的概率仍是 {p_text}：骰子没有记忆。"),
            "dilute": ("Losses are never paid back; new rounds dilute them. That is why the average converges.",
                       "输掉的不会被“补回来”，只是被新的局数稀释，所以平均值才会收敛。"),
        }

    def construct(self) -> None:
        s = self.story
        self.layout()
        captions = self.captions_for()

        self.beat("game", *captions["game"])
        self.build_table()
        self.play(FadeIn(self.table_header), Create(self.table[1]), run_time=0.7)
        self.play(LaggedStart(*(FadeIn(row, shift=0.2 * RIGHT) for row in self.table_rows), lag_ratio=0.15),
                  run_time=1.8)
        self.wait(2.0)

        self.beat("expectation", *captions["expectation"])
        block = self.build_expectation()
        definition, weighted, result, verdict, spread = block
        self.play(FadeIn(definition), run_time=0.8)
        boxes = []
        for wins in (True, False):
            rows = self.outcome_rows(wins)
            if len(rows):
                boxes.append(SurroundingRectangle(rows, color=WIN_COLOR if wins else LOSE_COLOR, buff=ROW_BOX_BUFF))
        self.play(*(Create(b) for b in boxes), Write(weighted), run_time=1.6)
        self.play(FadeIn(result), run_time=0.8)
        self.play(FadeIn(verdict), Circumscribe(self.e_readout, color=E_COLOR), run_time=1.0)
        self.play(FadeIn(spread), run_time=0.8)
        self.wait(2.0)

        self.beat("simulate", *captions["simulate"])
        self.play(FadeOut(VGroup(self.table, block, *boxes)), run_time=0.6)
        self.build_plot()
        self.build_runs()
        self.build_run_legend()
        self.play(FadeIn(self.plot), FadeIn(self.column_head), run_time=0.9)
        self.play(Create(self.e_line), FadeIn(self.e_label), FadeIn(self.run_legend), run_time=0.8)
        last = len(s.sample_n) - 1

        def advance(_mob: Any, alpha: float) -> None:
            i = min(last, int(round(alpha * last)))
            self.n_readout.set_value(int(s.sample_n[i]))
            for r, row in enumerate(self.run_readouts):
                row[1].set_value(float(s.running[r][i]))

        self.play(*(Create(c, rate_func=lambda t: t) for c in self.run_curves),
                  UpdateFromAlphaFunc(VGroup(), advance, rate_func=lambda t: t), run_time=5.0)
        # at the last round the readouts show the story's final numbers
        self.n_readout.story_field = "rounds"
        self.n_readout.set_value(s.rounds)
        for r, row in enumerate(self.run_readouts):
            row[1].story_field = f"final_averages.{r}"
            row[1].set_value(float(s.final_averages[r]))
        self.wait(1.5)

        self.beat("band", *captions["band"])
        self.build_band()
        self.play(FadeIn(self.band_fill), Create(self.band_edges), FadeIn(self.band_legend_formula), run_time=1.5)
        self.play(FadeIn(VGroup(self.final_band_readout, self.inside_line)), run_time=0.8)
        self.wait(2.5)

        self.beat("fallacy", *captions["fallacy"])
        panel = self.build_fallacy()
        self.play(FadeOut(VGroup(self.run_legend, self.band_legend)), run_time=0.6)
        self.play(FadeIn(self.fallacy_title), FadeIn(self.fallacy_plot), run_time=0.9)
        if len(self.fallacy_dots):
            self.play(LaggedStart(*(FadeIn(VGroup(bar, dot)) for bar, dot in zip(self.fallacy_bars, self.fallacy_dots)),
                                  lag_ratio=0.3), run_time=1.6)
        self.play(FadeIn(self.fallacy_note), run_time=0.8)
        self.wait(2.5)

        self.beat("dilute", *captions["dilute"])
        dilution = self.build_dilution()
        self.play(FadeOut(panel), self.run_curves[1:].animate.set_stroke(opacity=0.25),
                  self.band_fill.animate.set_fill(opacity=0.07), self.band_edges.animate.set_stroke(opacity=0.3),
                  run_time=0.8)
        streak = s.longest_streak
        if streak is None:
            self.play(FadeIn(dilution), run_time=0.8)
            self.wait(3.0)
            return
        self.play(Create(self.streak_marker), FadeIn(self.streak_label), run_time=0.8)
        self.play(FadeIn(self.dilution_text), run_time=1.0)
        # a dot rides run 1 from the streak's end to the last round while the streak's pull shrinks as excess / n
        start, end = math.log10(streak.last_round), math.log10(s.rounds)
        tracker = ValueTracker(start)
        rider = Dot(self.to_point(streak.last_round, streak.average_after), radius=0.07, color=E_COLOR)
        self.rider = rider
        pull = self.pull_readout
        assert pull is not None  # built with the streak
        pull.story_field = None

        def follow(dot: Dot) -> None:
            n = 10.0 ** tracker.get_value()
            dot.move_to(self.to_point(n, self.curve_value(0, n)))
            pull.set_value(streak.excess / n)

        rider.add_updater(follow)
        self.add(rider)
        self.play(tracker.animate.set_value(end), run_time=3.0, rate_func=lambda t: t)
        rider.clear_updaters()
        pull.story_field = "longest_streak.shift_at_end"
        pull.set_value(streak.shift_at_end)
        self.wait(3.0)

