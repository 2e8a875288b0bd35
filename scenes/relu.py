"""ReLU and its gradient in backpropagation: the ``relu`` explainer (storyboard 5).

Beats: relu in blue beside the NumPy code that computes it; its gradient, the
indicator 1[x > 0], in red with the value at exactly 0 drawn as a closed dot;
backprop through relu on bars (input x, upstream dL/dh, downstream dL/dx) as
the masking line of ``relu_backward`` is highlighted; a tiny network forward,
then backward right to left, with a dead unit and a central-difference check.

Every number comes from :func:`mathviz.stories.relu.relu_story`; the code listings are
the story's ``code``, the source of the functions that computed it.
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
    Circle,
    Code,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    Line,
    Polygon,
    Rectangle,
    ReplacementTransform,
    ShowPassingFlash,
    SurroundingRectangle,
    Transform,
    TransformFromCopy,
    VGroup,
    config,
)

from mathviz.stories import relu as nn
from mathviz.view import nice_step
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.listing import code_background, line_highlight
from mathviz_scenes.components.numbers import fmt, noun_for
from mathviz_scenes.components.panel import frame_right
from mathviz_scenes.components.wrap import wrapped_text

__all__ = ["ReluBackprop", "Bars"]

CODE_SIZE = 24
ZERO_COLOR = style.MUTED_COLOR
FORWARD_COLOR = style.FUNCTION_COLOR
BACKWARD_COLOR = style.GRADIENT_COLOR


def tick_step(span: float, ticks: int = 3) -> float:
    """A tick step of the form 1, 2 or 5 times a power of ten giving about ``ticks`` ticks over ``span``."""
    step = nice_step(span / ticks)
    # whole steps as int, so the axes print 1, 2 rather than 1.0, 2.0
    return int(round(step)) if step >= 1 else step


#: A mask highlight's column leaves this much of a bar's slot (in graph units) free at each side.
MASK_INSET = 0.08


class Bars(VGroup):
    """A vector drawn as bars on its own axes, one bar per entry, with its value printed beside it.

    Bar ``i`` spans ``[i + 0.2, i + 0.8]`` in graph units and rises (or falls)
    from 0 to ``values[i]``. :meth:`value_of` reads a bar's value back from its
    geometry through the axes, so tests compare the picture, not the input.
    """

    def __init__(self, values: Sequence[float] | np.ndarray, axes: Any, color: Any, *,
                 muted: Sequence[bool] | np.ndarray | None = None,
                 label_size: float = style.SMALL_SIZE) -> None:
        super().__init__()
        # A weak reference: copying the bars (FadeOut, TransformFromCopy) must not deep-copy the axes.
        self._axes = weakref.ref(axes)
        self.color_ = color
        self.label_size = label_size
        muted = [False] * len(values) if muted is None else list(muted)
        colors = [ZERO_COLOR if m else color for m in muted]
        self.bars = VGroup(*(self.bar_shape(i, v, c) for i, (v, c) in enumerate(zip(values, colors))))
        self.labels = VGroup(*(self.value_label(i, v, c) for i, (v, c) in enumerate(zip(values, colors))))
        self.add(self.bars, self.labels)

    @property
    def axes(self) -> Any:
        return self._axes()

    def bar_shape(self, i: int, value: float, color: Any | None = None) -> Polygon:
        c2p = self.axes.c2p
        corners = [c2p(i + 0.2, 0), c2p(i + 0.8, 0), c2p(i + 0.8, value), c2p(i + 0.2, value)]
        return Polygon(*corners, color=color or self.color_, fill_opacity=0.75, stroke_width=1.5)

    def value_label(self, i: int, value: float, color: Any | None = None):
        # On the empty side of the zero line, so labels never collide with bars of the next row.
        label = style.text(fmt(value), size=self.label_size, color=color or self.color_)
        anchor = self.axes.c2p(i + 0.5, 0)
        label.next_to(anchor, DOWN if value > 0 else UP, buff=0.1)
        slot = float(self.axes.c2p(1, 0)[0] - self.axes.c2p(0, 0)[0])
        if label.width > (1 - 2 * MASK_INSET) * slot:
            # wider than a mask highlight's column (-0.001 among eight entries in a portrait frame): the next
            # column's edge would cross its glyphs; on a background, drawn above the highlights, it hides that edge
            label.add_background_rectangle(opacity=0.85, buff=0.03)
        return label

    def value_of(self, i: int) -> float:
        """Bar ``i``'s value read back through the axes: one of its ends is on the zero line."""
        bar = self.bars[i]
        top = self.axes.p2c(bar.get_top())[1]
        bottom = self.axes.p2c(bar.get_bottom())[1]
        return float(top + bottom)

    def values(self) -> np.ndarray:
        return np.array([self.value_of(i) for i in range(len(self.bars))])


class ReluBackprop(ExplainerScene):
    """relu and its gradient, backprop through it on bars, and a tiny network with a gradient check."""

    scene_name = "relu"
    story: nn.ReluStory

    @property
    def narrow(self) -> bool:
        """A square or portrait frame: the code and notes go under the graphs, the network tightens."""
        return not style.frame().landscape

    @property
    def graph_width(self) -> float:
        """Width of the relu and gradient axes: 6 in 16:9, the frame's width less the levels' names otherwise."""
        return 6.0 if not self.narrow else min(6.0, style.frame().content_width - 1.0)

    @property
    def graph_heights(self) -> tuple[float, float]:
        """Heights of the relu and gradient axes (shorter in a square frame, where the code goes under them)."""
        return (1.8, 1.15) if style.frame().square else (2.5, 1.6)

    # -- beats 1-2: the graphs and the code --------------------------------------------------------

    def build_code(self, name: str) -> Code:
        """The listing of ``story.code[name]`` (the source that ran), highlighted by Pygments, drawn by Pango."""
        listing = Code(
            code_string=self.story.code[name],
            language="python",
            formatter_style="monokai",
            add_line_numbers=False,
            background="rectangle",
            background_config=code_background(buff=0.18),
            paragraph_config={"font": "DejaVu Sans Mono", "font_size": CODE_SIZE},
        )
        listing.source_name = name
        listing.source_lines = self.story.code[name].splitlines()
        return listing

    def plot_extent(self) -> tuple[float, float]:
        """Half-width of the graphs' x-range (a whole number of ticks covering the story's plot_range) and the tick step."""
        step = tick_step(self.story.plot_range)
        return math.ceil(self.story.plot_range / step) * step, step

    def build_relu_graph(self) -> VGroup:
        """relu(x) = max(x, 0) in blue under its formula (plotted by the same ``mathviz.stories.relu.relu``)."""
        extent, step = self.plot_extent()
        self.relu_label = style.math('op("relu")(x) = max(x, 0)', color=FORWARD_COLOR)
        self.relu_label.to_corner(UP + LEFT, buff=0.3)
        self.relu_axes = style.make_axes(
            [-extent, extent, step], [-step, extent, step], x_length=self.graph_width, y_length=self.graph_heights[0],
            x_axis_config={"numbers_to_exclude": [0]}, y_axis_config={"numbers_to_exclude": [0]},
        )
        self.relu_axes.next_to(self.relu_label, DOWN, buff=0.15).to_edge(LEFT, buff=0.5)
        self.relu_curve = self.relu_axes.plot(lambda t: float(nn.relu(np.array(t))), x_range=[-extent, extent],
                                              discontinuities=[0.0], use_smoothing=False,
                                              color=FORWARD_COLOR, stroke_width=5)
        return VGroup(self.relu_axes, self.relu_curve, self.relu_label)

    def build_grad_graph(self) -> VGroup:
        """The gradient 1[x > 0] in red, with a closed dot at the value used at exactly 0 and open dots elsewhere."""
        extent, step = self.plot_extent()
        at_zero = self.story.grad_at_zero
        self.grad_label = style.math('op("relu")\'(x) = bb(1)[x > 0]', color=BACKWARD_COLOR)
        self.grad_label.next_to(self.relu_axes, DOWN, buff=0.3).align_to(self.relu_label, LEFT)
        # No y numbers: they would sit on the dots at x = 0; the two levels are labelled at the right end.
        self.grad_axes = style.make_axes(
            [-extent, extent, step], [-0.5, 1.5, 0.5], x_length=self.graph_width, y_length=self.graph_heights[1],
            x_axis_config={"numbers_to_exclude": [0]}, y_axis_config={"include_numbers": False},
        )
        self.grad_axes.next_to(self.grad_label, DOWN, buff=0.15).align_to(self.relu_axes, LEFT)
        ax = self.grad_axes
        # The two levels are what mathviz.stories.relu.relu_grad returns on either side of the corner.
        below, above = (float(nn.relu_grad(np.array([side]))[0]) for side in (-extent, extent))
        left = Line(ax.c2p(-extent, below), ax.c2p(0, below), color=BACKWARD_COLOR, stroke_width=5)
        right = Line(ax.c2p(0, above), ax.c2p(extent, above), color=BACKWARD_COLOR, stroke_width=5)
        self.grad_pieces = VGroup(left, right)
        self.grad_levels = VGroup(*(
            style.text(fmt(level), size=style.SMALL_SIZE, color=BACKWARD_COLOR)
            .next_to(ax.c2p(extent, level), RIGHT, buff=0.15)
            for level in (above, below)
        ))
        self.closed_dot = Dot(ax.c2p(0, at_zero), radius=0.09, color=BACKWARD_COLOR)
        self.open_dots = VGroup(*(
            Dot(ax.c2p(0, end), radius=0.09, fill_color="#000000", fill_opacity=1,
                stroke_color=BACKWARD_COLOR, stroke_width=3)
            for end in (below, above) if end != at_zero
        ))
        return VGroup(ax, self.grad_pieces, self.grad_levels, self.open_dots, self.closed_dot, self.grad_label)

    def build_zero_note(self) -> VGroup:
        """What happens at exactly x = 0, with the value from the story."""
        value = fmt(self.story.grad_at_zero)
        used = f"relu'(0) = {value}"
        lines = VGroup(
            style.text(self.tr("At x = 0 relu has a corner: no derivative.", "relu 在 x = 0 处有尖点：不可导。"),
                       size=style.SMALL_SIZE),
            style.text(self.tr("Any value in [0, 1] is a subgradient;", "[0, 1] 中任何值都是次梯度；"), size=style.SMALL_SIZE),
            style.text(self.tr(f"we use {used}, like PyTorch and JAX.", f"这里取 {used}，与 PyTorch 和 JAX 相同。"),
                       size=style.SMALL_SIZE, t2c={used: BACKWARD_COLOR}),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        self.zero_note = lines
        return lines

    # -- beat 3: backprop through relu on bars -------------------------------------------------------

    def build_bar_rows(self) -> VGroup:
        """Rows of bars: x, then 1[x > 0], the upstream dL/dh and the downstream dL/dx (before masking)."""
        s = self.story
        n = len(s.x)
        # the rows' names take a column at the left: narrower in a square or portrait frame
        left_edge = -config.frame_width / 2 + style.SAFE_MARGIN + (2.45 if self.narrow else 3.2)
        width = frame_right() - left_edge
        top = min(self.backward_code.get_bottom()[1], self.zero_reminder.get_bottom()[1]) - 0.3
        row_height, gap = 1.25, 0.12
        if self.narrow:  # three bar rows and the 1[x > 0] row between the code and the caption band
            row_height = min(row_height, (top - style.caption_top() - 0.2 - 0.6 - 4 * gap) / 3)

        def row_axes(scale: float, y_top: float):
            axes = style.make_axes([0, n, 1], [-scale, scale, scale], x_length=width, y_length=row_height,
                                   numbers=False, axis_config={"include_ticks": False},
                                   y_axis_config={"stroke_opacity": 0.0})
            axes.move_to([left_edge + width / 2, y_top - row_height / 2, 0])
            return axes

        def scale_of(values: np.ndarray) -> float:
            biggest = float(np.max(np.abs(values)))
            return biggest if biggest > 0 else 1.0

        self.x_axes = row_axes(scale_of(s.x), top)
        self.x_bars = Bars(s.x, self.x_axes, FORWARD_COLOR)
        # the 1[x > 0] row: more room around it in a narrow frame, where the rows' names stack closer
        around = 0.3 if self.narrow else 0.2
        grad_row_y = self.x_axes.get_bottom()[1] - gap - around
        self.local_grad_row = VGroup(*(
            style.text(fmt(g), size=style.SMALL_SIZE, color=BACKWARD_COLOR if g else ZERO_COLOR)
            .move_to([self.x_axes.c2p(i + 0.5, 0)[0], grad_row_y, 0])
            for i, g in enumerate(s.local_grad)
        ))
        gradient_scale = scale_of(s.upstream)
        self.upstream_axes = row_axes(gradient_scale, grad_row_y - around - gap)
        self.upstream_bars = Bars(s.upstream, self.upstream_axes, BACKWARD_COLOR)
        # Same scale as upstream: the downstream gradient is the upstream one with entries zeroed.
        self.downstream_axes = row_axes(gradient_scale, self.upstream_axes.get_bottom()[1] - gap)
        self.downstream_bars = Bars(s.downstream, self.downstream_axes, BACKWARD_COLOR, muted=s.mask)
        # What the row shows before the masking line runs: grad = upstream.copy().
        self.copied_bars = Bars(s.upstream, self.downstream_axes, BACKWARD_COLOR)

        # The downstream row is labelled with the chain rule itself: dL/dx = dL/dh * dh/dx.
        labels = [
            ("x", FORWARD_COLOR, self.x_axes, None),
            ("frac(partial h, partial x) = bb(1)[x > 0]", BACKWARD_COLOR, self.local_grad_row, None),
            ("frac(partial L, partial h)", BACKWARD_COLOR, self.upstream_axes, "upstream"),
            ("frac(partial L, partial x) = frac(partial L, partial h) dot frac(partial h, partial x)",
             BACKWARD_COLOR, self.downstream_axes, "downstream"),
        ]
        notes = {"upstream": self.tr("upstream", "上游梯度"), "downstream": self.tr("downstream", "下游梯度")}
        self.row_labels = VGroup()
        frame_left = -config.frame_width / 2 + style.SAFE_MARGIN
        for source, color, row, note in labels:
            # a lone lower-case x has no tall glyph: it gets the label size to stay legible
            label = style.math(source, size=style.LABEL_SIZE if source == "x" else style.SMALL_SIZE + 2, color=color)
            if self.narrow and label.width > left_edge - frame_left - 0.35 and " = " in source:
                # the chain rule on two lines: its left side, then = and the product
                lhs, rhs = source.split(" = ", 1)
                size = style.SMALL_SIZE + 2
                label = VGroup(style.math(f"{lhs} =", size=size, color=color), style.math(rhs, size=size, color=color))
                label.arrange(DOWN, aligned_edge=RIGHT, buff=0.1)
            if note is not None:
                label = VGroup(label, style.text(notes[note], size=style.SMALL_SIZE, color=style.MUTED_COLOR))
                label.arrange(DOWN, aligned_edge=RIGHT, buff=0.08)
            label.move_to([left_edge - 0.25 - label.width / 2, row.get_center()[1], 0])
            self.row_labels.add(label)
        self.chain_rule = self.row_labels[3]
        return VGroup(self.x_axes, self.x_bars, self.local_grad_row, self.upstream_axes, self.upstream_bars,
                      self.downstream_axes, self.row_labels)

    def build_mask_highlights(self) -> dict[int, Rectangle]:
        """A yellow column over every entry the story says the code zeroed."""
        top = self.x_axes.get_top()[1] + 0.05
        bottom = self.downstream_axes.get_bottom()[1] - 0.05
        highlights = {}
        for i in np.flatnonzero(self.story.mask):
            left, right = self.x_axes.c2p(i + MASK_INSET, 0)[0], self.x_axes.c2p(i + 1 - MASK_INSET, 0)[0]
            rect = Rectangle(width=right - left, height=top - bottom, color=style.HIGHLIGHT_COLOR,
                             stroke_width=2, fill_opacity=0.12)
            rect.set_z_index(-1)  # under the bars' numbers (a wide one's background hides the column's edge)
            rect.move_to([(left + right) / 2, (top + bottom) / 2, 0])
            highlights[int(i)] = rect
        self.mask_highlights = highlights
        return highlights

    def copy_upstream(self) -> list[Any]:
        """The upstream bars copied into the downstream row; their numbers fade in there instead of passing over
        the upstream ones (the rows are close: in a 16:9 Chinese build a moving copy sat on its original).
        """
        return [TransformFromCopy(self.upstream_bars.bars, self.copied_bars.bars), FadeIn(self.copied_bars.labels)]

    def code_line(self, listing: Code, text: str):
        """The drawn line of ``listing`` whose source is ``text`` (stripped)."""
        return listing.code_lines[[line.strip() for line in listing.source_lines].index(text)]

    # -- beats 4-6: the network -------------------------------------------------------------------

    def build_network(self) -> VGroup:
        """Columns x -> z -> h -> y -> L as circles holding the forward values; edges in grey.

        Units with z <= 0 (the dead one, and any that are merely off for this
        input) are drawn grey with faint edges.
        """
        s = self.story
        fwd = s.forward
        square = style.frame().square
        # a square frame: nodes far enough apart for a gradient tag (and the dead unit's box) between one and the
        # next (1.1 apart, the tags reached the circle under them); the dead note goes beside if not under them
        radius = 0.4 if square else 0.44
        spacing = 1.25 if square else 1.35
        # in a narrow frame every other header is raised, so neighbours may overlap in x
        stagger = 0.45 if self.narrow else 0.0
        mid = style.content_top() - 0.62 - stagger - radius - 1.5 * spacing
        header_sources = ["x", "z = W_1 x + b_1", 'h = op("relu")(z)', "y = w_2 dot h + b_2", "L = (y - t)^2 \\/ 2"]
        # A lone lower-case x has no tall glyph: it gets the label size to stay legible.
        self.network_headers = VGroup(*(style.math(src, size=style.LABEL_SIZE if src == "x" else style.SMALL_SIZE + 2)
                                        for src in header_sources))
        # Columns far enough apart for the edges and for each header to sit centred over its column.
        columns_x = [-config.frame_width / 2 + style.SAFE_MARGIN + 0.2 + radius]
        if self.narrow:  # the columns spread evenly over the frame's width
            step = (style.frame().content_width - 0.2 - 2 * radius) / (len(self.network_headers) - 1)
            columns_x = [columns_x[0] + k * step for k in range(len(self.network_headers))]
        for left, right in zip(self.network_headers, self.network_headers[1:]) if not self.narrow else ():
            columns_x.append(columns_x[-1] + max(1.85, (left.width + right.width) / 2 + 0.3))

        def column(values: Sequence[float] | np.ndarray, x: float, color: Any) -> VGroup:
            count = len(values)
            nodes = VGroup()
            for i, value in enumerate(values):
                y = mid + (count - 1) / 2 * spacing - i * spacing
                circle = Circle(radius=radius, color=color, stroke_width=3).move_to([x, y, 0])
                number = style.text(fmt(value, 2, zero="0"), size=style.SMALL_SIZE)
                # inside the ring: no wider than the circle's chord at the number's top and bottom, less its stroke
                inside = 2 * math.sqrt(radius**2 - (number.height / 2) ** 2) - 0.1
                if number.width > inside:
                    number.scale(inside / number.width)
                number.move_to(circle)
                nodes.add(VGroup(circle, number))
            return nodes

        self.input_nodes = column(s.network_input, columns_x[0], style.SECONDARY_COLOR)
        self.z_nodes = column(fwd.z, columns_x[1], FORWARD_COLOR)
        self.h_nodes = column(fwd.h, columns_x[2], FORWARD_COLOR)
        self.y_node = column([fwd.y], columns_x[3], FORWARD_COLOR)
        self.loss_node = column([fwd.loss], columns_x[4], style.HIGHLIGHT_COLOR)
        for k in s.inactive_units:
            for nodes in (self.z_nodes, self.h_nodes):
                nodes[k][0].set_stroke(ZERO_COLOR)
                nodes[k][1].set_color(ZERO_COLOR)

        def edge(a: VGroup, b: VGroup, **kwargs: Any) -> Line:
            direction = _unit(b[0].get_center() - a[0].get_center())
            return Line(a[0].get_center() + radius * direction, b[0].get_center() - radius * direction, **kwargs)

        grey = dict(color=style.MUTED_COLOR, stroke_width=1.5, stroke_opacity=0.6)
        n_in = len(self.input_nodes)
        self.edges_in = VGroup(*(edge(a, b, **grey) for b in self.z_nodes for a in self.input_nodes))
        self.edges_relu = VGroup(*(edge(a, b, color=style.MUTED_COLOR, stroke_width=2)
                                   for a, b in zip(self.z_nodes, self.h_nodes)))
        self.edges_out = VGroup(*(edge(a, self.y_node[0], **grey) for a in self.h_nodes))
        self.edge_loss = edge(self.y_node[0], self.loss_node[0], **grey)
        for k in s.inactive_units:
            for line in [*self.edges_in[k * n_in:(k + 1) * n_in], self.edges_out[k]]:
                line.set_stroke(opacity=0.2)

        # Bottoms aligned just above the top node; the tallest header still ends below style.content_top().
        bottom = self.z_nodes.get_top()[1] + 0.2
        for k, (header, x) in enumerate(zip(self.network_headers, columns_x)):
            header.move_to([x, bottom + (stagger if k % 2 else 0.0) + header.height / 2, 0])
            header.shift(min(0.0, frame_right() - header.get_right()[0]) * RIGHT)  # the last one stays inside
        self.target_label = style.text(f"t = {fmt(s.target, 2, zero='0')}", size=style.SMALL_SIZE,
                                       color=style.MUTED_COLOR).next_to(self.loss_node, UP, buff=0.15)
        self.target_label.shift(min(0.0, frame_right() - self.target_label.get_right()[0]) * RIGHT)
        self.network = VGroup(self.edges_in, self.edges_relu, self.edges_out, self.edge_loss,
                              self.input_nodes, self.z_nodes, self.h_nodes, self.y_node, self.loss_node,
                              self.network_headers, self.target_label)
        return self.network

    def gradient_tags(self, nodes: VGroup, values: Sequence[float] | np.ndarray) -> VGroup:
        """The backward value dL/d(node) in red under each node (exact zeros in grey)."""
        tags = VGroup()
        for node, value in zip(nodes, values):
            tag = style.text(fmt(value, 2, zero="0"), size=style.SMALL_SIZE,
                             color=BACKWARD_COLOR if value != 0 else ZERO_COLOR)
            tag.next_to(node, DOWN, buff=0.06)
            tag.add_background_rectangle(opacity=0.85, buff=0.04)
            tags.add(tag)
        return tags

    def build_dead_note(self) -> VGroup:
        """Why the dead unit gets nothing, right of the output, below the loss node."""
        k = self.story.dead_unit
        if self.narrow:  # under the network at the frame's width: two long lines
            words = [self.tr(f"Unit {k + 1} is dead: z < 0 for every input with |x| <= 1,",
                             f"第 {k + 1} 个单元已死：对所有 |x| ≤ 1 的输入都有 z < 0，"),
                     self.tr("so relu passes no gradient and its weights get exactly 0.",
                             "relu 不传回梯度，它的权重得到的梯度恰好为 0。")]
        else:
            words = [self.tr(f"Unit {k + 1} is dead: z < 0 for every input", f"第 {k + 1} 个单元已死：对所有输入"),
                     self.tr("with |x| <= 1, so relu passes no gradient", "（|x| ≤ 1）都有 z < 0，relu 不传回梯度，"),
                     self.tr("and its weights get exactly 0.", "它的权重得到的梯度恰好为 0。")]
        colors = [style.SECONDARY_COLOR] * len(words)
        # Units that are merely off for this input are grey too; say why.
        others = [i + 1 for i in self.story.inactive_units if i != k]
        if others:
            names = ", ".join(map(str, others))
            words.append(self.tr(f"{noun_for(len(others), 'Unit')} {names}: z < 0 for this input only.",
                                 f"单元 {names}：只是对这个输入 z < 0。"))
            colors.append(style.MUTED_COLOR)
        lines = [style.text(line, size=style.SMALL_SIZE, color=color) for line, color in zip(words, colors)]
        note = VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        if self.narrow:
            lowest = VGroup(*self.z_nodes, *getattr(self, "z_tags", []), *self.input_nodes,
                            *getattr(self, "input_tags", []))
            if note.width > style.frame().content_width - 0.2:
                note.scale_to_fit_width(style.frame().content_width - 0.2)
            note.next_to(lowest, DOWN, buff=0.25)
            note.align_to(np.array([style.frame().left + 0.1, 0.0, 0.0]), LEFT)
            if note.get_bottom()[1] < style.caption_top() + 0.05:
                # no room under the network (a square frame): broken into lines under the output, right of the
                # hidden units, as in 16:9
                above = getattr(self, "y_tag", self.y_node)
                left = self.y_node.get_left()[0] - 0.2  # the edges into the output climb to it from lower left
                width = style.frame().right - left
                # one paragraph, the formulas kept whole (a t2c part stays on one line)
                dead = " ".join(words[:2])
                whole = {part: style.SECONDARY_COLOR for part in ("z < 0", "|x| <= 1", "|x| ≤ 1") if part in dead}
                parts = [wrapped_text(dead, width, size=style.SMALL_SIZE, t2c=whole)]
                parts += [wrapped_text(line, width, size=style.SMALL_SIZE, color=color)
                          for line, color in zip(words[2:], colors[2:])]
                note = VGroup(*parts).arrange(DOWN, aligned_edge=LEFT, buff=0.06)
                note.next_to(above, DOWN, buff=0.2)
                note.align_to(np.array([left, 0.0, 0.0]), LEFT)
        else:
            note.next_to(self.loss_node, DOWN, buff=0.3)
            note.shift((self.y_node.get_right()[0] + 0.35 - note.get_left()[0]) * RIGHT)
        self.dead_note = note
        return note

    def build_grad_check(self) -> VGroup:
        """Backprop's dL/db1 against central differences per hidden unit, and the largest gap over every weight."""
        s = self.story
        size = style.SMALL_SIZE
        rows = [[style.math("partial L \\/ partial b_1", size=size)]
                + [style.text(self.tr(f"unit {k + 1}", f"单元 {k + 1}"), size=size, color=style.MUTED_COLOR)
                   for k in range(len(s.backward.db1))]]
        for name, values, color in ((self.tr("backprop", "反向传播"), s.backward.db1, BACKWARD_COLOR),
                                    (self.tr("central diff.", "中心差分"), s.numeric_grads["b1"], style.HIGHLIGHT_COLOR)):
            rows.append([style.text(name, size=size, color=color)]
                        + [style.text(fmt(v, 5, zero="0"), size=size, color=color if v else ZERO_COLOR) for v in values])
        widths = [max(r[c].width for r in rows) for c in range(len(rows[0]))]
        table = VGroup()
        for i, r in enumerate(rows):
            x = 0.0
            for c, mob in enumerate(r):
                # labels left-aligned, numbers right-aligned so their decimal places line up
                edge = LEFT if c == 0 else RIGHT
                mob.move_to([x if c == 0 else x + widths[c], -0.4 * i, 0], aligned_edge=edge)
                x += widths[c] + 0.25
            table.add(VGroup(*r))
        bottom = style.caption_top() + 0.15
        table.move_to([self.input_nodes.get_left()[0] + table.width / 2, bottom + table.height / 2, 0])
        self.grad_check_rows = table
        error, step = fmt(s.grad_check_max_error, snap=0), fmt(s.grad_check_step, snap=0)
        summary = VGroup(
            style.text(self.tr("largest |backprop − central diff.|", "|反向传播 − 中心差分| 的最大值"), size=size),
            style.text(self.tr(f"over all {s.n_weights} weights: {error}", f"（全部 {s.n_weights} 个权重）：{error}"),
                       size=size, t2c={error: style.HIGHLIGHT_COLOR}),
            style.text(self.tr(f"(step h = {step})", f"（步长 h = {step}）"), size=size,
                       color=style.MUTED_COLOR),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        summary.next_to(table, RIGHT, buff=0.6).align_to(table, DOWN)
        if self.narrow and summary.get_right()[0] > frame_right():
            # no room beside the table: the summary goes under it, the pair sits on the caption band
            # (square) or under the note on the dead unit (portrait)
            summary.next_to(table, DOWN, buff=0.25).align_to(table, LEFT)
            pair = VGroup(table, summary)
            floor = style.caption_top() + 0.15
            top = self.dead_note.get_bottom()[1] - 0.35 if hasattr(self, "dead_note") else floor + pair.height
            pair.shift((max(floor, top - pair.height) - pair.get_bottom()[1]) * UP)
        self.grad_check_summary = summary
        self.grad_check = VGroup(table, summary)
        return self.grad_check

    # -- the video ---------------------------------------------------------------------------------

    def construct(self) -> None:
        s = self.story

        self.beat("relu", en="ReLU keeps positive inputs and zeroes negative ones: max(x, 0).",
                  zh="ReLU 保留正的输入，把负的变成零：max(x, 0)。")
        graph = self.build_relu_graph()
        right_column = (self.relu_axes.get_right()[0] + config.frame_width / 2) / 2
        self.relu_code = self.build_code("relu")
        if self.narrow:
            # under the place the gradient's graph will take (built here only to measure it)
            self.build_grad_graph()
            below = VGroup(self.grad_axes, self.grad_label).get_bottom()[1] - 0.45
            self.relu_code.next_to(np.array([0.0, below, 0.0]), DOWN, buff=0)
            self.relu_code.align_to(self.relu_axes, LEFT)
        else:
            self.relu_code.move_to([right_column, self.relu_axes.get_center()[1], 0])
        numpy_line = self.code_line(self.relu_code, s.code["relu"].splitlines()[-1].strip())
        self.numpy_highlight = line_highlight(self.relu_code, numpy_line, FORWARD_COLOR)
        self.play(FadeIn(self.relu_label), FadeIn(self.relu_axes), run_time=1.0)
        self.play(Create(self.relu_curve), FadeIn(self.relu_code), run_time=1.5)
        self.play(Create(self.numpy_highlight), run_time=0.6)
        self.wait(1.5)

        self.beat("gradient", en="Its gradient is 1 where x > 0 and 0 where x < 0; at x = 0 we use 0.",
                  zh="它的梯度在 x > 0 处为 1，在 x < 0 处为 0；在 x = 0 处取 0。")
        grad_graph = self.build_grad_graph()
        note = self.build_zero_note()
        leaving = [self.numpy_highlight]
        if not self.narrow:
            note.move_to([right_column, self.grad_axes.get_center()[1], 0])
        elif self.relu_code.get_bottom()[1] - 0.3 - note.height >= style.caption_top() + 0.1:
            note.next_to(self.relu_code, DOWN, buff=0.3).align_to(self.relu_code, LEFT)
        else:  # a square frame: the note takes the code's place
            note.move_to(self.relu_code, aligned_edge=UP + LEFT)
            leaving.append(self.relu_code)
        if note.width > style.frame().content_width:
            note.scale_to_fit_width(style.frame().content_width)
        self.play(FadeIn(self.grad_label), FadeIn(self.grad_axes), *[FadeOut(m) for m in leaving], run_time=0.8)
        self.play(Create(self.grad_pieces), FadeIn(self.grad_levels), run_time=1.2)
        self.play(FadeIn(self.open_dots), FadeIn(self.closed_dot, scale=1.5), FadeIn(note), run_time=1.0)
        self.play(Indicate(self.closed_dot, color=style.HIGHLIGHT_COLOR), run_time=1.0)
        self.wait(1.5)

        self.beat("backprop", en="Backprop: dL/dx = dL/dh * 1[x > 0]; entries with x <= 0 are zeroed.",
                  zh="反向传播：dL/dx = dL/dh × 1[x > 0]；x ≤ 0 的分量被置零。")
        self.play(FadeOut(VGroup(graph, grad_graph, note, *([self.relu_code] if self.relu_code in self.mobjects else []))),
                  run_time=0.6)
        self.backward_code = self.build_code("relu_backward")
        if self.backward_code.width > style.frame().content_width - 0.3:  # a narrow frame: the listing shrinks
            self.backward_code.scale_to_fit_width(style.frame().content_width - 0.3)
        self.backward_code.to_corner(UP + LEFT, buff=0.3)
        self.zero_reminder = VGroup(
            style.text(self.tr("x = 0 too:", "x = 0 时也一样："), size=style.SMALL_SIZE),
            style.text(f"relu'(0) = {fmt(s.grad_at_zero)}", size=style.SMALL_SIZE, color=BACKWARD_COLOR),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        self.zero_reminder.next_to(self.backward_code, RIGHT, buff=0.3)
        if self.zero_reminder.get_right()[0] > frame_right():  # no room beside the code: under its right end
            self.zero_reminder.arrange(RIGHT, buff=0.2).next_to(self.backward_code, DOWN, buff=0.15)
            self.zero_reminder.align_to(self.backward_code, RIGHT)
        rows = self.build_bar_rows()
        self.play(FadeIn(self.backward_code), run_time=0.8)
        self.play(FadeIn(VGroup(self.x_axes, self.x_bars, self.upstream_axes, self.upstream_bars,
                                self.row_labels[0], self.row_labels[2])), run_time=1.0)
        copy_line = line_highlight(self.backward_code, self.code_line(self.backward_code, "grad = upstream.copy()"),
                                   style.HIGHLIGHT_COLOR)
        self.play(Create(copy_line), FadeIn(self.downstream_axes), FadeIn(self.chain_rule),
                  *self.copy_upstream(), run_time=1.4)
        self.mask_line_highlight = line_highlight(self.backward_code, self.code_line(self.backward_code, s.mask_line),
                                                  style.HIGHLIGHT_COLOR)
        highlights = self.build_mask_highlights()
        self.play(ReplacementTransform(copy_line, self.mask_line_highlight),
                  FadeIn(VGroup(*highlights.values())), FadeIn(self.local_grad_row), FadeIn(self.row_labels[1]),
                  run_time=1.0)
        # The masked bars shrink to zero and their labels change; the others stay as they are.
        masked = [i for i in range(len(s.x)) if s.mask[i]]
        if masked:
            self.play(*(Transform(self.copied_bars.bars[i], self.downstream_bars.bars[i]) for i in masked),
                      *(FadeOut(self.copied_bars.labels[i]) for i in masked), run_time=0.8)
        self.play(*(FadeIn(self.downstream_bars.labels[i]) for i in masked), FadeIn(self.zero_reminder), run_time=0.6)
        # Swap in the downstream bars (identical on screen now) so the row is one group holding the story's values.
        self.remove(self.copied_bars, *self.copied_bars.bars, *self.copied_bars.labels, *self.downstream_bars.labels)
        self.add(self.downstream_bars)
        self.wait(2.0)

        self.beat("forward", en="A tiny network, forward: x, z = W1 x + b1, h = relu(z), y, loss.",
                  zh="一个小网络的前向传播：x、z = W1 x + b1、h = relu(z)、y、损失。")
        self.play(FadeOut(VGroup(self.backward_code, self.zero_reminder, rows, self.downstream_bars, self.downstream_axes,
                                 *highlights.values(), self.mask_line_highlight)), run_time=0.6)
        self.build_network()
        self.play(FadeIn(self.network_headers), FadeIn(self.input_nodes), run_time=0.8)
        for edges, nodes in ((self.edges_in, self.z_nodes), (self.edges_relu, self.h_nodes),
                             (self.edges_out, self.y_node), (VGroup(self.edge_loss), self.loss_node)):
            self.play(Create(edges), FadeIn(nodes), run_time=0.7)
        self.play(FadeIn(self.target_label), run_time=0.4)
        self.wait(1.0)

        dead = s.dead_unit
        self.beat("backward", en=f"Backward, right to left. Unit {dead + 1} is dead (z < 0): it gets no gradient.",
                  zh=f"反向传播从右到左。第 {dead + 1} 个单元已死（z < 0）：它得不到梯度。")
        b = s.backward
        self.y_tag = self.gradient_tags(self.y_node, [b.dy])
        self.h_tags = self.gradient_tags(self.h_nodes, b.dh)
        self.z_tags = self.gradient_tags(self.z_nodes, b.dz)
        self.input_tags = self.gradient_tags(self.input_nodes, b.dx)
        for edges, tags in ((VGroup(self.edge_loss), self.y_tag), (self.edges_out, self.h_tags),
                            (self.edges_relu, self.z_tags), (self.edges_in, self.input_tags)):
            flashes = [ShowPassingFlash(e.copy().set_stroke(BACKWARD_COLOR, width=5).reverse_points(), time_width=0.6)
                       for e in edges]
            self.play(*flashes, FadeIn(tags), run_time=0.9)
        n_in = len(self.input_nodes)
        dead_edges = VGroup(*self.edges_in[dead * n_in:(dead + 1) * n_in], self.edges_out[dead])
        self.dead_box = SurroundingRectangle(VGroup(self.z_nodes[dead], self.h_nodes[dead], self.z_tags[dead],
                                                    self.h_tags[dead]), color=style.HIGHLIGHT_COLOR, buff=0.05)
        self.build_dead_note()
        self.play(Create(self.dead_box), Indicate(dead_edges, color=style.HIGHLIGHT_COLOR), FadeIn(self.dead_note),
                  run_time=1.2)
        self.wait(1.5)

        self.beat("check", en="Check: central differences agree with backprop for every weight.",
                  zh="检验：中心差分与反向传播在每个权重上都一致。")
        self.build_grad_check()
        network = [self.network, self.y_tag, self.h_tags, self.z_tags, self.input_tags, self.dead_box, self.dead_note]
        if style.frame().square:  # no room left under the network: the check takes the whole frame
            self.play(*[FadeOut(m) for m in network], run_time=0.6)
            self.grad_check.move_to([0, (style.content_top() + style.caption_top()) / 2, 0])
        self.play(FadeIn(self.grad_check_rows), run_time=1.0)
        self.play(FadeIn(self.grad_check_summary), run_time=1.0)
        self.wait(2.5)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)
