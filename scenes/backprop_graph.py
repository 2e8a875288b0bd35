"""Backprop on a computational graph: the ``backprop_graph`` explainer (storyboard 14).

Beats: the expression as a graph of operation nodes; the forward pass filling
in each node's value left to right; the backward pass from d(out)/d(out) = 1,
each operation multiplying its gradient by the local derivative on each of its
edges (shown on the edge as it runs); a variable used twice collecting the sum
of its paths; the gradients against central differences; and the few lines of
the ``Value`` class that computed all of it, read from the module that ran.

Every number comes from :func:`mathviz.stories.backprop_graph.backprop_story`:
node values, gradients and the backward pass's additions in the order
:meth:`~mathviz.stories.backprop_graph.Value.backward` made them.
"""

from __future__ import annotations

from itertools import groupby

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Code,
    Create,
    CurvedArrow,
    FadeIn,
    FadeOut,
    Indicate,
    Line,
    Mobject,
    ReplacementTransform,
    ShowPassingFlash,
    SurroundingRectangle,
    VGroup,
    config,
)

from mathviz.stories.backprop_graph import BackpropStory, BackwardStep, GraphNode
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.layout import overlaps
from mathviz_scenes.components.listing import code_background, line_highlight
from mathviz_scenes.components.numbers import MINUS, fmt
from mathviz_scenes.components.readout import Readout
from mathviz_scenes.components.typst_expr import to_typst
from mathviz_scenes.components.wrap import wrapped_text

__all__ = ["BackpropGraph", "op_symbol"]

FORWARD_COLOR = style.FUNCTION_COLOR
BACKWARD_COLOR = style.GRADIENT_COLOR
CODE_SIZE = 20
#: Radius of a node's circle, in scene units.
NODE_RADIUS = 0.34
#: Gap between a node's circle and its value (above) and gradient (below).
TAG_BUFF = 0.05

#: How operations are written inside their node.
_SYMBOLS = {"+": "+", "-": "−", "*": "×", "/": "÷", "neg": "−x", "**": "xʸ", "sigmoid": "σ", "sqrt": "√",
            "abs": "|x|"}


def op_symbol(node: GraphNode) -> str:
    """The text inside a node: the variable's name, the constant's value, or the operation's symbol."""
    if node.op == "var":
        return node.label
    if node.op == "const":
        return fmt(node.value)
    if node.op == "**" and node.label.startswith("**"):  # a constant exponent: u**2 is one operation
        return "x^" + node.label[2:].replace(" ", "")
    return _SYMBOLS.get(node.op, node.op)


class BackpropGraph(ExplainerScene):
    """Forward and backward through the expression's graph, the sum over paths, the check and the code."""

    scene_name = "backprop_graph"
    story: BackpropStory

    # -- layout ------------------------------------------------------------------------------------

    #: 16:9: the graph's box, full width between the title row and the readout row.
    GRAPH_TOP = 3.15
    GRAPH_BOTTOM = -2.68
    READOUT_Y = -2.9
    graph_top = GRAPH_TOP
    graph_bottom = GRAPH_BOTTOM
    #: Vertical room of a node with its value above and gradient below, and of a constant.
    NODE_HEIGHT = 1.6
    CONST_HEIGHT = 0.6
    #: Half the height of a node with its value and gradient tags (what must stay inside the box).
    NODE_EXTENT = NODE_RADIUS + TAG_BUFF + 0.29
    #: Spacing of the inputs a, b, c in the first column.
    INPUT_SPACING = 1.5
    #: Portrait frames are tall: the inputs (and the operations between them) spread further apart.
    PORTRAIT_INPUT_SPACING = 2.8
    #: Portrait frames run the graph top to bottom, one row per layer: the rows' spacing at most, and the least
    #: gap between two nodes' tags side by side in a row.
    ROW_SPACING = 2.8
    ROW_GAP = 0.2

    #: A square frame's crowded column draws its nodes and tags smaller, down to this scale (a node's letter
    #: about 9.2 px high at 480p, the guard's least is 9), rather than let them touch; 1 everywhere else.
    MIN_NODE_SCALE = 0.85
    #: How much smaller a square frame's title may be drawn to share the top row with the inputs.
    TITLE_SHRINK = 0.85
    node_scale = 1.0

    @property
    def radius(self) -> float:
        """The nodes' circles' radius, in scene units (smaller in a crowded square frame)."""
        return NODE_RADIUS * self.node_scale

    @staticmethod
    def vertical() -> bool:
        """Whether the graph runs top to bottom (a portrait frame: too narrow for six columns, tall enough for
        six rows); otherwise left to right.
        """
        return style.frame().portrait

    def node_order(self) -> dict[int, float]:
        """A sort key per node: variables in order, an operation at the mean of its inputs, a constant beside its consumer."""
        s = self.story
        key: dict[int, float] = {}
        for node in s.nodes:
            if node.op == "var":
                key[node.id] = float("abc".index(node.label))
            elif node.op != "const":
                inputs = [key[i] for i in node.inputs if s.nodes[i].op != "const"]
                key[node.id] = float(np.mean(inputs))
        for node in s.nodes:
            for position, i in enumerate(node.inputs):
                if s.nodes[i].op == "const":
                    key[i] = key[node.id] + (0.01 if position else -0.01)
        return key

    def column_x(self) -> np.ndarray:
        """The x of each layer's column: spread over the frame's width (closer together when there are few)."""
        layers = self.story.layers
        # room at each side for a value tag wider than its node
        half_w = config.frame_width / 2 - style.SAFE_MARGIN - (0.45 if style.frame().landscape else 0.3) - NODE_RADIUS
        spacing = min(2 * half_w / max(layers - 1, 1), 4.2)
        return (np.arange(layers) - (layers - 1) / 2) * spacing

    def _pack(self, desired: list[float], heights: list[float]) -> list[float]:
        """Ys as close to ``desired`` (sorted top to bottom) as the nodes' heights allow, inside the graph's box."""
        # the ends keep their tags inside the box whatever the squeeze
        extent = self.NODE_EXTENT * self.node_scale
        lo, hi = self.graph_bottom + extent, self.graph_top - extent
        ys = list(desired)
        for k in range(1, len(ys)):  # push each node below the one above it
            ys[k] = min(ys[k], ys[k - 1] - (heights[k - 1] + heights[k]) / 2)
        shift = float(np.mean(desired) - np.mean(ys))  # then re-centre on where they wanted to be
        shift = min(max(shift, lo - ys[-1]), hi - ys[0])
        return [y + shift for y in ys]

    def input_spacing(self) -> float:
        """How far apart the inputs a, b, c stand: wider in a portrait frame."""
        return self.PORTRAIT_INPUT_SPACING if style.frame().portrait else self.INPUT_SPACING

    def graph_box_bottom(self, fullest: float) -> float:
        """The bottom of the graph's box: fixed in 16:9; in square and portrait frames as low as the graph
        needs (its fullest column, or the inputs' stack), leaving the rest of the height to the panel under it.
        """
        if style.frame().landscape:
            return self.GRAPH_BOTTOM
        lowest = style.caption_top() + self.panel_room()
        if self.vertical():  # rows at most ROW_SPACING apart, the circles inside the box
            natural = (self.story.layers - 1) * self.ROW_SPACING + 2 * NODE_RADIUS + 0.3
            return max(self.graph_top - natural, lowest)
        inputs = sum(1 for n in self.story.nodes if n.op == "var")
        natural = max(fullest, (inputs - 1) * self.input_spacing() + self.NODE_HEIGHT) + 0.3
        return max(self.graph_top - natural, lowest)

    def panel_room(self) -> float:
        """Height kept under the graph in square and portrait frames: the readouts two by two, and the
        sum-of-paths note under them (one line per shared variable).
        """
        lines = self.paths_note_lines().arrange(DOWN, aligned_edge=RIGHT, buff=0.12)
        if self.note_replaces_readouts(lines):  # a square frame: the note takes the readouts' place
            return 0.15 + max(2 * 0.45, lines.height) + 0.15
        # the note goes beside the title or under it (where the inputs were) when the header has its own rows
        note = lines.height + 0.3 if self.header_inline and not self.note_beside_title(lines) else 0.0
        return 0.15 + 2 * 0.45 + 0.15 + note

    def note_replaces_readouts(self, lines: Mobject) -> bool:
        """Whether the sum-of-paths note goes where the readouts were (they fade out first): in a square frame,
        whose height the graph needs, unless the note fits beside the title; its lines say the readouts' gradients.
        """
        return style.frame().square and not self.note_beside_title(lines)

    def node_positions(self) -> dict[int, np.ndarray]:
        """Where each node goes: one column per layer; an operation level with the mean of its inputs.

        Placing an operation at its inputs' mean height keeps edges short, and
        keeps an edge that skips a column from running through that column's nodes.
        """
        self.node_scale = 1.0
        if self.vertical():
            return self.row_positions()
        s = self.story
        by_id = {n.id: n for n in s.nodes}
        key = self.node_order()
        xs = self.column_x()
        # the fullest column sets how tightly nodes stack: at most NODE_HEIGHT apart, and always inside the box
        fullest = max(sum(self.CONST_HEIGHT if n.op == "const" else self.NODE_HEIGHT for n in s.nodes if n.layer == k)
                      for k in range(s.layers))
        self.graph_bottom = self.graph_box_bottom(fullest)
        box = self.graph_top - self.graph_bottom
        room = box - 2 * self.NODE_EXTENT
        squeeze = min(1.0, room / max(fullest - self.NODE_HEIGHT, 1e-9))
        # a square frame too short for its fullest column: the tags close their gaps, then nodes and tags are
        # drawn smaller (not below MIN_NODE_SCALE) so that they still clear each other
        tight = (2 * self.NODE_EXTENT + 0.1) / self.NODE_HEIGHT
        if style.frame().square and squeeze < tight:
            fit = box / (tight * (fullest - self.NODE_HEIGHT) + 2 * self.NODE_EXTENT)
            self.node_scale = min(1.0, max(fit, self.MIN_NODE_SCALE))
            room = box - 2 * self.NODE_EXTENT * self.node_scale
            squeeze = min(1.0, room / max(fullest - self.NODE_HEIGHT, 1e-9))
        node_height, const_height = self.NODE_HEIGHT * squeeze, self.CONST_HEIGHT * squeeze
        centre = (self.graph_top + self.graph_bottom) / 2 - 0.1
        y: dict[int, float] = {}
        variables = [n for n in s.nodes if n.op == "var"]
        # the inputs closer together when the box is short (a square frame), never closer than their nodes allow
        spacing = self.input_spacing()
        if len(variables) > 1:
            spacing = min(spacing, max(room / (len(variables) - 1), node_height))
        for rank, node in enumerate(variables):
            y[node.id] = centre + (len(variables) - 1) / 2 * spacing - rank * spacing
        # operations left to right at the mean of their inputs (constants ignored), packed per column
        for layer in range(1, s.layers):
            column = [n for n in s.nodes if n.layer == layer and n.op != "const"]
            desired = {n.id: float(np.mean([y[i] for i in n.inputs if by_id[i].op != "const"])) for n in column}
            column.sort(key=lambda n: (-desired[n.id], key[n.id]))
            packed = self._pack([desired[n.id] for n in column], [node_height] * len(column))
            y.update({n.id: v for n, v in zip(column, packed)})
        # constants beside their consumer, then each column re-packed with them in it
        for node in s.nodes:
            for position, i in enumerate(node.inputs):
                if by_id[i].op == "const":
                    y[i] = y[node.id] + (-0.01 if position else 0.01)
        for layer in range(s.layers):
            column = sorted((n for n in s.nodes if n.layer == layer), key=lambda n: -y[n.id])
            heights = [const_height if n.op == "const" else node_height for n in column]
            packed = self._pack([y[n.id] for n in column], heights)
            y.update({n.id: v for n, v in zip(column, packed)})
        return {n.id: np.array([xs[n.layer], y[n.id], 0.0]) for n in s.nodes}

    def row_y(self) -> np.ndarray:
        """The y of each layer's row in a top-to-bottom graph: the inputs at the top, ROW_SPACING apart at most."""
        layers = self.story.layers
        top = self.graph_top - NODE_RADIUS - 0.15
        spacing = min(self.ROW_SPACING, (top - self.graph_bottom - NODE_RADIUS - 0.15) / max(layers - 1, 1))
        return top - np.arange(layers) * spacing

    def side_extents(self, node: GraphNode) -> tuple[float, float]:
        """How far a node reaches left and right of its centre in a row: its value tag at the left and its
        widest gradient tag (a shared variable's running totals too) at the right; a constant, its box.
        """
        if node.op == "const":
            half = style.text(op_symbol(node), size=style.SMALL_SIZE).width / 2 + 0.09
            return half, half
        grads = [node.grad, *(st.total for st in self.story.steps if st.input == node.id)]
        value = style.text(fmt(node.value), size=style.SMALL_SIZE).width
        grad = max(style.text(fmt(g), size=style.SMALL_SIZE).width for g in grads)
        return NODE_RADIUS + TAG_BUFF + value + 0.06, NODE_RADIUS + TAG_BUFF + grad + 0.06

    def _pack_row(self, desired: list[float], extents: list[tuple[float, float]]) -> list[float]:
        """Xs as close to ``desired`` (sorted left to right) as the nodes' widths allow, inside the frame."""
        frame = style.frame()
        lo, hi = frame.left + extents[0][0], frame.right - extents[-1][1]
        xs = list(desired)
        for k in range(1, len(xs)):  # push each node right of the one before it
            xs[k] = max(xs[k], xs[k - 1] + extents[k - 1][1] + self.ROW_GAP + extents[k][0])
        shift = float(np.mean(desired) - np.mean(xs))  # then re-centre on where they wanted to be
        shift = max(min(shift, hi - xs[-1]), lo - xs[0])
        return [x + shift for x in xs]

    def row_positions(self) -> dict[int, np.ndarray]:
        """Where each node goes in a top-to-bottom graph: one row per layer, the inputs spread over the top row,
        an operation under the mean of its inputs, a constant beside its consumer's other inputs; value tags at
        a node's left, gradients at its right, so the rows pack only as wide as the tags need.
        """
        s = self.story
        by_id = {n.id: n for n in s.nodes}
        key = self.node_order()
        self.graph_bottom = self.graph_box_bottom(0.0)
        ys = self.row_y()
        extents = {n.id: self.side_extents(n) for n in s.nodes}
        x: dict[int, float] = {}
        variables = [n for n in s.nodes if n.op == "var"]
        for rank, node in enumerate(variables):
            x[node.id] = ((len(variables) - 1) / 2 - rank) * -self.PORTRAIT_INPUT_SPACING

        def pack(row: list[GraphNode]) -> None:
            row.sort(key=lambda n: (x[n.id], key[n.id]))
            packed = self._pack_row([x[n.id] for n in row], [extents[n.id] for n in row])
            x.update({n.id: v for n, v in zip(row, packed)})

        pack(list(variables))
        for layer in range(1, s.layers):
            row = [n for n in s.nodes if n.layer == layer and n.op != "const"]
            for n in row:
                x[n.id] = float(np.mean([x[i] for i in n.inputs if by_id[i].op != "const"]))
            pack(row)
        # constants just beside where their consumer is, then each row re-packed with them in it
        for node in s.nodes:
            for position, i in enumerate(node.inputs):
                if by_id[i].op == "const":
                    x[i] = x[node.id] + (0.01 if position else -0.01)
        for layer in range(s.layers):
            pack([n for n in s.nodes if n.layer == layer])
        return {n.id: np.array([x[n.id], ys[n.layer], 0.0]) for n in s.nodes}

    # -- builders ----------------------------------------------------------------------------------

    def build_title(self) -> VGroup:
        """``out = <expression>`` at the top left and the inputs at the top right."""
        s = self.story
        landscape = style.frame().landscape
        self.title = style.math(f'"out" = {to_typst(s.expression)}')
        # 16:9: the title shares the top row with the inputs; a narrower frame gives it the whole width
        max_width = config.frame_width * 0.58 if landscape else style.frame().content_width - 0.3
        if self.title.width > max_width:
            self.title.scale_to_fit_width(max_width)
        if self.title.height > 0.8:  # a fraction in the expression: keep the title to two levels' height
            self.title.scale_to_fit_height(0.8)
        self.inputs_label = style.text("   ".join(f"{k} = {fmt(v)}" for k, v in s.inputs.items()),
                                       size=style.SMALL_SIZE + 2, color=FORWARD_COLOR)
        beside = style.frame().content_width - 0.11 - 0.4 - self.inputs_label.width
        if style.frame().square and beside < self.title.width <= beside / self.TITLE_SHRINK:
            # a square frame needs its height for the graph: a title a little too wide to share the top row with
            # the inputs gets a little smaller instead of a row of its own
            self.title.scale_to_fit_width(beside)
        self.title.to_corner(UP + LEFT, buff=0.3)
        # a square frame keeps title and inputs on one row when they fit (the graph needs the height)
        self.header_inline = landscape or (style.frame().square and self.title.width + 0.4 + self.inputs_label.width
                                           <= style.frame().content_width - 0.1)
        if self.header_inline:
            self.inputs_label.to_corner(UP + RIGHT, buff=0.35)
            # the graph starts below the title (a fraction in it makes it taller)
            self.graph_top = min(self.GRAPH_TOP if landscape else style.content_top() - 0.7,
                                 self.title.get_bottom()[1] - 0.08)
        else:  # under the title, and the graph under both; the sum-of-paths note takes this row later
            self.inputs_label.next_to(self.title, DOWN, buff=0.2, aligned_edge=LEFT)
            note = self.paths_note_lines().arrange(DOWN, buff=0.12)
            below = 0.0 if self.note_replaces_readouts(note) else note.height
            self.graph_top = self.inputs_label.get_top()[1] - max(self.inputs_label.height, below) - 0.1
        return VGroup(self.title, self.inputs_label)

    def build_graph(self) -> VGroup:
        """Circles for the nodes (variables white, constants grey), arrows for the edges, value and gradient tags."""
        s = self.story
        self.positions = self.node_positions()
        self.nodes: dict[int, VGroup] = {}
        for node in s.nodes:
            if node.op == "const":  # a constant: its value in a small grey box, no gradient under it
                label: Mobject = style.text(op_symbol(node), size=style.SMALL_SIZE * self.node_scale,
                                            color=style.MUTED_COLOR)
                box: Mobject = SurroundingRectangle(label, color=style.MUTED_COLOR, buff=0.09 * self.node_scale,
                                                    corner_radius=0.08,
                                                    stroke_width=2)
                self.nodes[node.id] = VGroup(box, label).move_to(self.positions[node.id])
                continue
            color = style.SECONDARY_COLOR if node.op == "var" else style.HIGHLIGHT_COLOR
            circle = Circle(radius=self.radius, color=color, stroke_width=3).move_to(self.positions[node.id])
            if node.op == "var":
                label = style.math(node.label, size=style.LABEL_SIZE * self.node_scale)
            elif node.op == "-":  # a minus sign is a bar, not a glyph with a height to read
                label = Line(LEFT * 0.14 * self.node_scale, RIGHT * 0.14 * self.node_scale, color=color,
                             stroke_width=4)
            else:
                label = style.text(op_symbol(node), size=style.LABEL_SIZE * self.node_scale, color=color)
            if label.width > 1.6 * self.radius:
                label.scale_to_fit_width(1.6 * self.radius)
            label.move_to(circle)
            self.nodes[node.id] = VGroup(circle, label)
        self.value_tags = {n.id: self.value_tag(n.id, n.value) for n in s.nodes if n.op != "const"}
        self.grad_tags = {n.id: self.grad_tag(n.id, n.grad) for n in s.nodes if n.op != "const"}
        # edges: one arrow per (input, consumer) operand; a repeated pair (a*a) bends its two arrows apart, and an
        # edge that skips a column bends round a node standing on its straight line
        self.edges: dict[tuple[int, int, int], Mobject] = {}
        for node in s.nodes:
            for position, i in enumerate(node.inputs):
                start, end = self.positions[i], self.positions[node.id]
                direction = (end - start) / np.linalg.norm(end - start)
                a = start + self._boundary(i, direction) * direction
                b = end - self.radius * direction
                if node.inputs.count(i) > 1:
                    arrow: Mobject = self._curved_edge(a, b, 0.6 if position == 0 else -0.6)
                else:
                    arrow = Arrow(a, b, buff=0, color=style.MUTED_COLOR, stroke_width=2.5, tip_length=0.14,
                                  max_tip_length_to_length_ratio=0.2)
                    others = [j for j in self.nodes if j not in (i, node.id)]
                    if self._edge_blockers(arrow, others, with_tags=False):
                        arrow = self._detour(a, b, others)
                self.edges[(i, node.id, position)] = arrow
        self.graph = VGroup(*self.edges.values(), *self.nodes.values())
        return self.graph

    #: How far an edge keeps from a node it passes (its circle, or a constant's box), and from the tags.
    EDGE_CLEARANCE = 0.08
    #: Bends tried for an edge whose straight line runs through a node, in radians of arc, least first.
    DETOUR_ANGLES = (0.3, 0.45, 0.6, 0.8, 1.0, 1.2)

    @staticmethod
    def _curved_edge(a: np.ndarray, b: np.ndarray, angle: float) -> Mobject:
        return CurvedArrow(a, b, angle=angle, color=style.MUTED_COLOR, stroke_width=2.5, tip_length=0.14)

    def _edge_blockers(self, edge: Mobject, node_ids: list[int], with_tags: bool) -> int:
        """How many of the nodes ``node_ids`` (and, ``with_tags``, their value and gradient tags) ``edge`` runs through."""
        points = np.array([edge.point_from_proportion(t) for t in np.linspace(0.0, 1.0, 61)])[:, :2]
        count = 0
        for j in node_ids:
            node = self.nodes[j]
            parts: list[Mobject] = [node]
            if with_tags:
                parts += [tags[j] for tags in (self.value_tags, self.grad_tags) if j in tags]
            for part in parts:
                if isinstance(part, VGroup) and isinstance(part[0], Circle):
                    hit = np.linalg.norm(points - part.get_center()[:2], axis=1) < self.radius + self.EDGE_CLEARANCE
                else:
                    low = part.get_corner(DOWN + LEFT)[:2] - self.EDGE_CLEARANCE
                    high = part.get_corner(UP + RIGHT)[:2] + self.EDGE_CLEARANCE
                    hit = np.all((points >= low) & (points <= high), axis=1)
                count += bool(np.any(hit))
        return count

    def _detour(self, a: np.ndarray, b: np.ndarray, others: list[int]) -> Mobject:
        """An arc from ``a`` to ``b`` round the nodes in its way: the least bend, to either side, clear of every
        other node and its tags; else of the nodes alone; else the bend through the fewest of them.

        An operation sits at its inputs' mean height, so an edge skipping a column can run straight through a
        node there (a**2 + exp(b)/3 - 2*pi*a: the edge from the product to the minus crossed the plus).
        """
        best: tuple[int, Mobject] | None = None
        for with_tags in (True, False):
            for angle in self.DETOUR_ANGLES:
                for sign in (1.0, -1.0):
                    arc = self._curved_edge(a, b, sign * angle)
                    blockers = self._edge_blockers(arc, others, with_tags)
                    if blockers == 0:
                        return arc
                    if not with_tags and (best is None or blockers < best[0]):
                        best = (blockers, arc)
        assert best is not None
        return best[1]

    def _boundary(self, node_id: int, direction: np.ndarray) -> float:
        """Distance from a node's centre to its outline along ``direction`` (circle, or a constant's box)."""
        node = self.nodes[node_id]
        if isinstance(node[0], Circle):
            return self.radius
        half_w, half_h = node.width / 2, node.height / 2
        return float(min(half_w / max(abs(direction[0]), 1e-9), half_h / max(abs(direction[1]), 1e-9)))

    def value_tag(self, node_id: int, value: float) -> Mobject:
        """A node's value above it, in blue, on a background so an edge passing behind does not cut it."""
        tag = style.text(fmt(value), size=style.SMALL_SIZE * self.node_scale, color=FORWARD_COLOR)
        # at its left in a top-to-bottom graph, where no edge arrives or leaves
        tag.next_to(self.nodes[node_id], LEFT if self.vertical() else UP, buff=TAG_BUFF * self.node_scale)
        tag.add_background_rectangle(opacity=0.85, buff=0.03)
        return tag

    def grad_tag(self, node_id: int, value: float) -> Mobject:
        """A gradient under node ``node_id``, in red (an exact zero in grey), on a background."""
        tag = style.text(fmt(value), size=style.SMALL_SIZE * self.node_scale,
                         color=BACKWARD_COLOR if value != 0 else style.MUTED_COLOR)
        tag.next_to(self.nodes[node_id], RIGHT if self.vertical() else DOWN, buff=TAG_BUFF * self.node_scale)
        tag.add_background_rectangle(opacity=0.85, buff=0.03)
        return tag

    def edge_label(self, edge_key: tuple[int, int, int], content: str, avoid: list[Mobject],
                   proportions: tuple[float, ...] = (0.5, 0.38, 0.62, 0.28, 0.72)) -> Mobject:
        """``content`` in red on an edge, at the first spot along it clear of ``avoid`` (tags, nodes, other labels).

        A short edge crowded by tags may have no such spot on the line: then the label slides off it sideways by
        half its height (its edge on the line, so it still reads as the edge's), wherever along the edge that is
        clear; only if that fails too does it sit at the first spot.
        """
        edge = self.edges[edge_key]
        label = style.text(content, size=style.SMALL_SIZE * self.node_scale, color=BACKWARD_COLOR)
        label.add_background_rectangle(opacity=0.9, buff=0.04)
        along = edge.get_end() - edge.get_start()
        normal = np.array([-along[1], along[0], 0.0]) / max(float(np.linalg.norm(along)), 1e-9)
        beside = [(proportion, side * label.height / 2) for side in (-1, 1)
                  for proportion in np.linspace(0.25, 0.75, 11)]
        for proportion, offset in [*((p, 0.0) for p in proportions), *beside]:
            label.move_to(edge.point_from_proportion(proportion) + offset * normal)
            if not any(overlaps(label, other) for other in avoid):
                break
        else:
            label.move_to(edge.point_from_proportion(proportions[0]))
        return label

    def build_readouts(self) -> VGroup:
        """The output and the three gradients, bound to the story, in a row above the captions."""
        s = self.story
        self.output_readout = Readout("out", s.output, story_field="output", color=FORWARD_COLOR, math_label=False,
                                      size=style.SMALL_SIZE + 2)
        self.grad_readouts = {
            v: Readout(f"∂out/∂{v}", s.gradients[v], story_field=f"gradients.{v}", math_label=False,
                       color=BACKWARD_COLOR, size=style.SMALL_SIZE + 2)
            for v in s.gradients
        }
        row = VGroup(self.output_readout, *self.grad_readouts.values())
        if style.frame().landscape:
            row.arrange(RIGHT, buff=0.6)
            row.move_to([0, self.READOUT_Y, 0])
        else:  # two by two under the graph, left-aligned columns
            row.arrange_in_grid(rows=2, cols=2, buff=(0.6, 0.15), col_alignments="ll")
            if row.width > style.frame().content_width:
                row.scale_to_fit_width(style.frame().content_width)
            # under the graph's box, or under its lowest tag if a squeezed column reaches below the box
            parts = [*self.nodes.values(), *self.value_tags.values(), *self.grad_tags.values()]
            lowest = min([self.graph_bottom, *(float(p.get_bottom()[1]) for p in parts)])
            row.next_to([0, lowest - 0.15, 0], DOWN, buff=0)
        self.readouts = row
        return row

    def paths_note_lines(self) -> VGroup:
        """The sum-of-paths note's lines, not yet placed."""
        s = self.story
        lines = VGroup()
        for v in s.shared:
            terms = " + ".join(f"({fmt(c)})" if c < 0 else fmt(c) for c in s.paths[v])
            lines.add(style.text(f"∂out/∂{v} = {terms} = {fmt(s.gradients[v])}", size=style.SMALL_SIZE + 2,
                                 color=BACKWARD_COLOR))
        if not lines:
            lines.add(style.text(self.tr("No variable is used twice: one path each.", "没有变量被用两次：每个只有一条路径。"),
                                 size=style.SMALL_SIZE + 2))
        return lines

    def note_beside_title(self, lines: Mobject) -> bool:
        """Whether the sum-of-paths note goes at the top right, where the inputs were (always in 16:9)."""
        frame = style.frame()
        if frame.landscape:
            return True
        return self.header_inline and self.title.width + 0.6 + lines.width <= frame.content_width - 0.2

    def build_paths_note(self) -> VGroup:
        """For each shared variable: its gradient as the sum of its paths' contributions (from the story)."""
        lines = self.paths_note_lines()
        if self.note_beside_title(lines.copy().arrange(DOWN, aligned_edge=RIGHT, buff=0.12)):
            lines.arrange(DOWN, aligned_edge=RIGHT, buff=0.12)
            lines.to_corner(UP + RIGHT, buff=0.35)
        else:  # under the title where the inputs were, or else under the readouts
            lines.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
            if lines.width > style.frame().content_width:
                lines.scale_to_fit_width(style.frame().content_width)
            if self.note_replaces_readouts(lines):
                lines.move_to(self.readouts, aligned_edge=UP)
            elif self.header_inline:
                lines.next_to(self.readouts, DOWN, buff=0.25)
            else:
                lines.next_to(self.title, DOWN, buff=0.2)
            lines.align_to([style.frame().left, 0, 0], LEFT)
        self.paths_note = lines
        return lines

    def build_path_labels(self) -> dict[tuple[int, int, int], Mobject]:
        """On each edge out of a shared variable, that path's contribution ``local * upstream`` (from the story's steps)."""
        s = self.story
        labels: dict[tuple[int, int, int], Mobject] = {}
        for v in s.shared:
            node = next(n for n in s.nodes if n.op == "var" and n.label == v)
            for node_id, group in groupby(s.steps, key=lambda step: step.node):
                for position, st in enumerate(group):
                    if st.input == node.id:
                        key = (node.id, node_id, position)
                        avoid = [*self.nodes.values(), *self.value_tags.values(), *self.grad_tags.values(),
                                 *self.shown_grads.values(), *labels.values()]
                        labels[key] = self.edge_label(key, fmt(st.contribution), avoid,
                                                      proportions=(0.3, 0.22, 0.4, 0.5, 0.6))
        return labels

    def build_check(self) -> VGroup:
        """Backprop against central differences for a, b, c, and the largest gap."""
        s = self.story
        size = style.SMALL_SIZE + 2
        landscape = style.frame().landscape
        # a narrow frame sets the widest heading on two lines, so the table keeps its size
        central = "central difference" if landscape else "central\ndifference"
        header = [style.text("", size=size), style.text(self.tr("backprop", "反向传播"), size=size, color=BACKWARD_COLOR),
                  style.text(self.tr(central, "中心差分"), size=size, color=style.HIGHLIGHT_COLOR),
                  style.text(self.tr("step h", "步长 h"), size=size, color=style.MUTED_COLOR)]
        rows = [header]
        for v in s.gradients:
            rows.append([style.text(f"∂out/∂{v}", size=size),
                         style.text(f"{s.gradients[v]:.9f}".replace("-", MINUS), size=size, color=BACKWARD_COLOR),
                         style.text(f"{s.numeric_gradients[v]:.9f}".replace("-", MINUS), size=size,
                                    color=style.HIGHLIGHT_COLOR),
                         style.text(fmt(s.grad_check_steps[v], snap=0), size=size, color=style.MUTED_COLOR)])
        widths = [max(r[c].width for r in rows) for c in range(len(header))]
        gap = 0.55 if landscape else 0.3
        table = VGroup()
        for i, r in enumerate(rows):
            x = 0.0
            for c, mob in enumerate(r):
                mob.move_to([x + widths[c], -0.62 * i - (0.15 if i and not landscape else 0.0), 0], aligned_edge=RIGHT)
                x += widths[c] + gap
            table.add(VGroup(*r))
        if landscape:
            table.move_to([0, 1.2, 0])
        else:  # under the title, the frame's width at most
            if table.width > style.frame().content_width:
                table.scale_to_fit_width(style.frame().content_width)
            table.next_to([0, self.title.get_bottom()[1] - 0.5, 0], DOWN, buff=0)
        self.check_table = table
        error = fmt(s.check_max_error, snap=0)
        largest = self.tr(f"largest |backprop − central difference| = {error}",
                          f"|反向传播 − 中心差分| 的最大值 = {error}")
        verdict = (self.tr("They agree", "两者一致") if s.check_passed else self.tr("They disagree", "两者不一致"))
        why = self.tr(f"{verdict}: (f(v + h) − f(v − h)) / 2h is off by about h² from the slope.",
                      f"{verdict}：(f(v + h) − f(v − h)) / 2h 与斜率只差约 h²。")
        if landscape:
            lines = [style.text(largest, size=size, t2c={error: style.HIGHLIGHT_COLOR}),
                     style.text(why, size=style.SMALL_SIZE, color=style.MUTED_COLOR)]
        else:
            width = style.frame().content_width
            lines = [wrapped_text(largest, width, size=size, t2c={error: style.HIGHLIGHT_COLOR}),
                     wrapped_text(why, width, size=style.SMALL_SIZE, color=style.MUTED_COLOR)]
        self.check_summary = VGroup(*lines).arrange(DOWN, buff=0.15).next_to(table, DOWN, buff=0.5)
        self.check = VGroup(table, self.check_summary)
        if style.frame().portrait:  # a tall frame: in the middle of the height under the title, not at its top
            self.check.set_y((self.title.get_bottom()[1] - 0.3 + style.caption_top()) / 2)
        return self.check

    def build_code(self) -> Code:
        """The Value methods that ran (story.code), as one listing of the class."""
        s = self.story
        body = "\n\n".join(s.code.values())
        source = "class Value:\n" + "\n".join("    " + line if line else "" for line in body.splitlines())
        listing = Code(
            code_string=source,
            language="python",
            formatter_style="monokai",
            add_line_numbers=False,
            background="rectangle",
            # a narrow frame: a tighter box, so the code keeps a legible size at the frame's width
            background_config=code_background(buff=0.18 if style.frame().landscape else 0.08),
            paragraph_config={"font": "DejaVu Sans Mono", "font_size": CODE_SIZE},
        )
        listing.source_lines = source.splitlines()
        if listing.width > self.code_width():
            listing.scale_to_fit_width(self.code_width())
        listing.to_corner(UP + LEFT, buff=self.code_left_buff())
        self.code = listing
        return listing

    @staticmethod
    def code_left_buff() -> float:
        """The listing's gap to the frame's left edge (smaller in a narrow frame, where width is scarce)."""
        return 0.35 if style.frame().landscape else style.SAFE_MARGIN + 0.02

    def code_width(self) -> float:
        """The width the listing and its notes may take: from the listing's left edge to the frame's safe right edge."""
        return style.frame().right - 0.02 - (-config.frame_width / 2 + self.code_left_buff())

    def code_line(self, text: str) -> Mobject:
        """The drawn line of the listing whose stripped source is ``text``."""
        return self.code.code_lines[[line.strip() for line in self.code.source_lines].index(text)]

    def build_code_notes(self) -> VGroup:
        """What the shown methods do, under the listing."""
        size = style.SMALL_SIZE
        locals_ = self.tr("b and a; 1 − tanh²", "b 与 a；1 − tanh²")
        lines = [
            (self.tr(f"__mul__ and tanh store each input's local derivative: {locals_}.",
                     f"__mul__ 和 tanh 记下每个输入的局部导数：{locals_}。"), {locals_: BACKWARD_COLOR}),
            (self.tr("backward() starts from 1 and walks from the output back, adding local × upstream",
                     "backward() 从 1 出发，由输出往回走，把 局部导数 × 上游梯度"), {}),
            (self.tr("into each input: += sums a shared variable's paths.",
                     "加到每个输入上：+= 把共用变量各条路径的贡献相加。"), {"+=": style.HIGHLIGHT_COLOR}),
        ]
        if style.frame().landscape:
            notes = VGroup(*(style.text(line, size=size, t2c=t2c) for line, t2c in lines))
        else:
            notes = VGroup(*(wrapped_text(line, self.code_width(), size=size, t2c=t2c) for line, t2c in lines))
        notes.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        notes.next_to(self.code, DOWN, buff=0.25, aligned_edge=LEFT)
        if style.frame().portrait:  # a tall frame: listing and notes in the middle of its height
            block = VGroup(self.code, notes)
            block.set_y((style.content_top() + style.caption_top()) / 2)
        self.code_notes = notes
        return notes

    # -- the video ---------------------------------------------------------------------------------

    def construct(self) -> None:
        s = self.story
        by_id = {n.id: n for n in s.nodes}

        self.beat("graph", en="An expression is a graph: inputs on the left, one node per operation.",
                  zh="表达式就是一张图：输入在左边，每个运算是一个节点。")
        self.build_title()
        self.build_graph()
        self.build_readouts()
        self.play(FadeIn(self.title), FadeIn(self.inputs_label), run_time=0.8)
        for layer in range(s.layers):
            members = [n for n in s.nodes if n.layer == layer]
            edges = [e for (i, j, _), e in self.edges.items() if by_id[j].layer == layer]
            self.play(*(FadeIn(self.nodes[n.id]) for n in members), *(Create(e) for e in edges), run_time=0.6)
        self.wait(1.0)

        self.beat("forward", en="Forward pass: each node computes its value from its inputs, left to right.",
                  zh="前向传播：每个节点由输入算出自己的值，从左到右。")
        for layer in range(s.layers):
            members = [n for n in s.nodes if n.layer == layer and n.id in self.value_tags]
            if members:
                self.play(*(FadeIn(self.value_tags[n.id], shift=0.1 * UP) for n in members), run_time=0.5)
        self.play(FadeIn(self.output_readout), Indicate(self.nodes[s.output_id], color=FORWARD_COLOR), run_time=0.8)
        self.wait(1.0)

        self.beat("backward", en="Backward from d out/d out = 1: each node multiplies its gradient by a local derivative.",
                  zh="反向传播从 d out/d out = 1 开始：每个节点把梯度乘以局部导数传给输入。")
        self.play(FadeIn(self.grad_tags[s.output_id], shift=0.1 * DOWN),
                  Indicate(self.nodes[s.output_id], color=BACKWARD_COLOR), run_time=0.8)
        shown: dict[int, Mobject] = {s.output_id: self.grad_tags[s.output_id]}
        self.local_labels: list[tuple[BackwardStep, Mobject]] = []
        for node_id, group in groupby(s.steps, key=lambda step: step.node):
            # the steps of one node run over its edges in operand order; constants get no gradient tag
            edge_steps = [((st.input, node_id, position), st) for position, st in enumerate(group)
                          if by_id[st.input].op != "const"]
            if not edge_steps:
                continue
            keys = [key for key, _ in edge_steps]
            steps = [st for _, st in edge_steps]
            # the tags these steps write, made first: the labels stay on screen while the tags change under them
            tags = [self.grad_tag(st.input, st.total) for st in steps]
            labels: list[Mobject] = []
            for key, st in zip(keys, steps):
                avoid = [*self.nodes.values(), *self.value_tags.values(), *shown.values(), *tags, *labels]
                labels.append(self.edge_label(key, f"×{fmt(st.local)}", avoid))
            flashes = [ShowPassingFlash(self.edges[k].copy().set_stroke(BACKWARD_COLOR, width=6).reverse_points(),
                                        time_width=0.6) for k in keys]
            self.play(*flashes, *(FadeIn(label) for label in labels), run_time=0.7)
            self.local_labels.extend(zip(steps, labels))
            updates = []
            for st, tag in zip(steps, tags):
                # a shared variable's tag is replaced by its running total
                updates.append(ReplacementTransform(shown[st.input], tag) if st.input in shown
                               else FadeIn(tag, shift=0.1 * DOWN))
                shown[st.input] = tag
            self.play(*updates, run_time=0.5)
            self.play(*(FadeOut(label) for label in labels), run_time=0.3)
        for v in s.unused:  # an unused variable gets no edge and gradient 0
            node = next(n for n in s.nodes if n.op == "var" and n.label == v)
            shown[node.id] = self.grad_tags[node.id]
            self.play(FadeIn(self.grad_tags[node.id]), run_time=0.4)
        self.shown_grads = shown
        self.play(*(FadeIn(r) for r in self.grad_readouts.values()), run_time=0.8)
        self.wait(1.0)

        if len(s.shared) == 1:
            v = s.shared[0]
            en = f"{v} is used on {len(s.paths[v])} paths: its gradient is the sum over those paths."
            zh = f"{v} 出现在 {len(s.paths[v])} 条路径上：它的梯度是这些路径之和。"
        elif s.shared:
            names = ", ".join(s.shared[:-1]) + " and " + s.shared[-1]
            en = f"{names} are each used more than once: each gradient is the sum over its paths."
            zh = f"{'、'.join(s.shared)} 都被用了不止一次：每个梯度都是各自路径之和。"
        else:
            en = "No variable is used twice here: each gradient comes along one path."
            zh = "这里没有变量被用两次：每个梯度只有一条路径。"
        self.beat("sum-of-paths", en=en, zh=zh)
        note = self.build_paths_note()
        self.path_labels = self.build_path_labels()
        highlights = []
        readouts_shown = not self.note_replaces_readouts(note)
        if readouts_shown:
            highlights = [Indicate(self.grad_readouts[v], color=style.HIGHLIGHT_COLOR) for v in s.shared]
            self.play(FadeOut(self.inputs_label), run_time=0.4)
        else:  # the note's lines end on the same gradients
            self.play(FadeOut(self.inputs_label), FadeOut(self.readouts), run_time=0.4)
        self.play(*(Indicate(self.edges[key], color=style.HIGHLIGHT_COLOR) for key in self.path_labels),
                  FadeIn(VGroup(*self.path_labels.values())), run_time=1.0)
        self.play(FadeIn(note), *highlights, run_time=1.0)
        self.wait(2.0)

        self.beat("check", en="Check: central differences of the expression agree with backprop.",
                  zh="检验：表达式的中心差分与反向传播一致。")
        self.build_check()
        graph_parts = VGroup(self.graph, *self.value_tags.values(), *shown.values(), note, *self.path_labels.values())
        if not style.frame().landscape and readouts_shown:  # under the graph, where the check and the code go
            graph_parts.add(self.readouts)
        self.play(FadeOut(graph_parts), run_time=0.6)
        self.play(FadeIn(self.check_table), run_time=1.0)
        self.play(FadeIn(self.check_summary), run_time=0.8)
        self.wait(2.0)

        self.beat("code", en="The same in code: a Value stores local derivatives; backward() adds local × upstream.",
                  zh="代码也一样：Value 记录局部导数；backward() 把 局部导数 × 上游梯度 加到输入上。")
        self.play(FadeOut(self.check), FadeOut(self.title), run_time=0.6)
        self.build_code()
        self.build_code_notes()
        self.play(FadeIn(self.code), run_time=1.0)
        self.play(FadeIn(self.code_notes), run_time=1.0)
        self.accumulate_highlight = line_highlight(self.code, self.code_line("child.grad += local * node.grad"),
                                                   style.HIGHLIGHT_COLOR)
        self.play(Create(self.accumulate_highlight), run_time=0.6)
        self.wait(2.5)
