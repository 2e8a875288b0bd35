"""Matrix multiplication is composition: the ``matrix_product`` explainer (issue #9, item 4).

Beats: the plane with its grid, i-hat, j-hat and an "F" (no symmetry, so
turns, shears and mirror images all show); B is applied, then A is applied to
what B made; a ghost outline marks where the F ended, the plane starts over
and AB is applied in one go: it lands exactly on the ghost ("first B, then A
= AB": the matrix next to the vector acts first). Then the order: two planes
side by side run "first B, then A" (AB) and "first A, then B" (BA) at the
same time, with both matrices shown; the caption says whether they commute.
Last, each entry of AB as row i of A times column j of B, the two terms
written out and the sum bound to the story's entry.

Every number comes from :func:`mathviz.stories.matrix_product.matrix_product_story`;
the scene draws with :func:`mathviz.stories.matrix_product.path_of` and tests read
the geometry back through each (still) plane.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    WHITE,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    Indicate,
    Polygon,
    SurroundingRectangle,
    Transform,
    ValueTracker,
    VGroup,
    VMobject,
    smooth,
)

from mathviz.stories.matrix_product import MatrixProductStory, apply, path_of
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.layout import Box, split_frame
from mathviz_scenes.components.numbers import fmt
from mathviz_scenes.components.panel import EDGE_GAP, Panel, frame_right
from mathviz_scenes.components.plane import (
    I_HAT_COLOR,
    J_HAT_COLOR,
    back_label,
    coordinate_plane,
    grid_lines,
    separate_labels,
    set_polyline,
    show_label,
    to_scene,
    update_grid_lines,
    vector_arrow,
)
from mathviz_scenes.components.readout import Readout

__all__ = ["Composition", "fmt"]

#: The 16:9 layout (tuned by eye): the big plane's box left of the readout panel and the panel's top-left
#: corner; the two planes side by side (AB left, BA right) and the y of the title row above them; the y of
#: each row of the entries beat. Square and portrait frames compute theirs from the frame (:meth:`layout`).
WIDE_MAIN = Box(-6.9, 2.0, -3.25, 3.75)
WIDE_PANEL_CORNER = (2.45, 3.7)
WIDE_SIDES = (Box(-6.85, -0.25, -3.25, 2.35), Box(0.25, 6.85, -3.25, 2.35))
WIDE_TITLE_Y = 3.2
#: The entries beat: the y of the matrices, the general formula, the readout and the note, from the middle
#: of the content area (1.55, -0.1, -1.25, -2.3 in 16:9).
ENTRY_OFFSETS = (1.3, -0.35, -1.5, -2.55)
#: Square and portrait frames: space between the plot and the panel, between the two order planes,
#: and between a title and its plane.
SPLIT_GAP = 0.35
TITLE_GAP = 0.2
#: Room between a stacked panel and the frame's left edge for the highlight boxes drawn round its rows.
BOX_ROOM = 0.15
SHAPE_COLOR = style.ACCENT_COLOR
GHOST_COLOR = style.HIGHLIGHT_COLOR
#: Below this zoom-out the view is close enough to the usual scale to say nothing about it.
ZOOM_NOTE_FIT = 1.25
#: Column k of every matrix has the colour of the basis vector it is the image of.
COLUMN_COLORS = (I_HAT_COLOR, J_HAT_COLOR)


class Composition(ExplainerScene):
    """B, then A, equals AB applied in one go; AB vs BA; each entry a row times a column."""

    scene_name = "matrix_product"
    key_beat = "one-go"
    story: MatrixProductStory

    def construct(self) -> None:
        self._typst: dict[tuple[str, float, str], VMobject] = {}
        #: What the pictures showed at the end of each step (see :meth:`snapshot`).
        self.snapshots: dict[str, dict[str, Any]] = {}
        self.beat_plane()
        self.beat_apply_b()
        self.beat_apply_a()
        self.beat_one_go()
        self.beat_order()
        self.beat_verdict()
        self.beat_entries()

    # -- small builders ---------------------------------------------------------------------------------

    def words(self, en: str, zh: str, size: float = style.SMALL_SIZE, color: Any = style.MUTED_COLOR) -> VMobject:
        """Plain text in the scene's language."""
        content = zh if self.lang == "zh" else en
        return style.text(content, size=size, color=color, font=style.font_for(self.lang))

    def math(self, source: str, size: float = style.LABEL_SIZE, color: Any = WHITE) -> VMobject:
        """A Typst formula; each (source, size, colour) is typeset once and copied after that."""
        key = (source, float(size), str(color))
        if key not in self._typst:
            self._typst[key] = style.math(source, size=size, color=color)
        return self._typst[key].copy()

    def number_source(self, value: float) -> str:
        return fmt(value, self.story.decimals, trim=True, math=True)

    def matrix_mob(self, values: np.ndarray, name: str | None, *, size: float = style.LABEL_SIZE,
                   colored: bool = True) -> VGroup:
        """``name = [a b; c d]`` with one mobject per entry (``.cells[i][j]``) and drawn brackets.

        Columns are coloured like the basis vectors they are the images of, unless ``colored`` is False.
        """
        values = np.asarray(values, dtype=float)
        cells = [[self.math(self.number_source(v), size, COLUMN_COLORS[j] if colored else WHITE)
                  for j, v in enumerate(row)] for row in values]
        scale = size / style.LABEL_SIZE
        widths = [max(cells[i][j].width for i in range(2)) for j in range(2)]
        row_height = max(max(c.height for c in row) for row in cells)
        gap_x, gap_y = 0.42 * scale, 0.22 * scale
        xs = (widths[0] / 2, widths[0] + gap_x + widths[1] / 2)
        ys = ((row_height + gap_y) / 2, -(row_height + gap_y) / 2)
        for i in range(2):
            for j in range(2):
                cells[i][j].move_to([xs[j], ys[i], 0.0])
        body = VGroup(*(c for row in cells for c in row))
        pad_x, pad_y, hook = 0.14 * scale, 0.1 * scale, 0.1 * scale
        left, right = -pad_x, widths[0] + gap_x + widths[1] + pad_x
        top, bottom = row_height + gap_y / 2 + pad_y, -(row_height + gap_y / 2 + pad_y)
        brackets = VGroup()
        for x, inward in ((left, hook), (right, -hook)):
            bracket = VMobject(stroke_color=WHITE, stroke_width=2.5 * scale)
            bracket.set_points_as_corners([[x + inward, top, 0], [x, top, 0], [x, bottom, 0], [x + inward, bottom, 0]])
            brackets.add(bracket)
        group = VGroup()
        if name is not None:
            label = self.math(f"{name} =", size)
            label.next_to(brackets, LEFT, buff=0.15 * scale)
            group.add(label)
            group.name_label = label
        group.add(brackets, body)
        group.cells = cells
        group.body = body
        group.brackets = brackets
        return group

    # -- the plane pictures -----------------------------------------------------------------------------

    def build_picture(self, plane: Any, m: np.ndarray, *, labels: bool = True) -> VGroup:
        """Grid, F and basis arrows (and their labels) drawn at ``m`` applied to them, on ``plane``."""
        s = self.story
        grid = grid_lines(plane, m, s.grid_extent, s.grid_step)
        shape = Polygon(*to_scene(plane, s.shape), stroke_color=SHAPE_COLOR, stroke_width=3,
                        fill_color=SHAPE_COLOR, fill_opacity=0.55)
        basis = VGroup(vector_arrow(np.zeros(3), RIGHT, I_HAT_COLOR), vector_arrow(np.zeros(3), UP, J_HAT_COLOR))
        picture = VGroup(grid, shape, basis)
        grid.set_z_index(0)
        shape.set_z_index(1)
        basis.set_z_index(2)
        picture.grid, picture.shape, picture.basis, picture.plane = grid, shape, basis, plane
        picture.labels = None
        if labels:
            picture.labels = VGroup(back_label(self.math("hat(i)", color=I_HAT_COLOR)),
                                    back_label(self.math("hat(j)", color=J_HAT_COLOR)))
            picture.labels.set_z_index(3)
            picture.add(picture.labels)
        return self.place(picture, m)

    def place(self, picture: VGroup, m: np.ndarray) -> VGroup:
        """Redraw every piece of ``picture`` at ``m`` applied to it (in place); remembers ``m``."""
        plane = picture.plane
        update_grid_lines(picture.grid, plane, m)
        set_polyline(picture.shape, to_scene(plane, apply(m, self.story.shape)), closed=True)
        origin = to_scene(plane, np.zeros((1, 2)))[0]
        tips = to_scene(plane, np.asarray(m, dtype=float).T)
        for k, color in enumerate(COLUMN_COLORS):
            picture.basis[k].become(vector_arrow(origin, tips[k], color))
        if picture.labels is not None:
            self.place_labels(picture.labels, origin, tips)
        picture.matrix_now = np.array(m, dtype=float)
        return picture

    @staticmethod
    def place_labels(labels: VGroup, origin: np.ndarray, tips: np.ndarray) -> VGroup:
        """Each label beyond its tip, turned away from the other vector; hidden when its vector is ~0."""
        for label, tip, turn in zip(labels, tips, (-55.0, 55.0)):
            offset = tip - origin
            length = float(np.linalg.norm(offset))
            if length > 0.05:
                c, s = np.cos(np.radians(turn)), np.sin(np.radians(turn))
                d = offset / length
                label.move_to(tip + 0.3 * np.array([c * d[0] - s * d[1], s * d[0] + c * d[1], 0.0]))
                show_label(label, True)
            else:
                label.move_to(origin)
                show_label(label, False)
        return separate_labels(labels, origin, tips)

    def build_ghost(self, plane: Any, corners: np.ndarray) -> Polygon:
        """An outline (no fill) of the F at the given corners: where it ended, for what comes next to land on."""
        ghost = Polygon(*to_scene(plane, corners), stroke_color=GHOST_COLOR, stroke_width=4, fill_opacity=0)
        ghost.set_z_index(2)
        return ghost

    def run_paths(self, moves: Sequence[tuple[VGroup, Callable[[float], np.ndarray]]], run_time: float) -> None:
        """Animate each picture along its path of matrices (t from 0 to 1); each ends exactly at path(1)."""
        progress = ValueTracker(0.0)
        updaters = []
        for picture, path in moves:
            def follow(mob: VGroup, path: Callable[[float], np.ndarray] = path) -> None:
                self.place(mob, path(progress.get_value()))
            picture.add_updater(follow)
            updaters.append((picture, follow))
        self.play(progress.animate.set_value(1.0), run_time=run_time, rate_func=smooth)
        for (picture, follow), (_, path) in zip(updaters, moves):
            picture.remove_updater(follow)
            self.place(picture, path(1.0))

    def snapshot(self, name: str, picture: VGroup) -> None:
        """Keep the scene points of what ``picture`` shows now (F corners, arrow ends, grid ends) for tests."""
        self.snapshots[name] = {
            "plane": picture.plane,
            "shape": np.array(picture.shape.get_vertices()),
            "arrows": [(np.array(a.get_start()), np.array(a.get_end()), a.get_stroke_opacity()) for a in picture.basis],
            "grid": [(np.array(line.get_start()), np.array(line.get_end())) for line in picture.grid],
            "matrix": picture.matrix_now.copy(),
        }

    def zoom_note(self, fit: float) -> VMobject | None:
        """A line saying how far the view is zoomed out; none for the small margins every view keeps."""
        if fit < ZOOM_NOTE_FIT:
            return None
        return self.words(f"view zoomed out {fit:.1f}×", f"视图缩小 {fit:.1f} 倍")

    # -- beats ------------------------------------------------------------------------------------------

    def build_panel(self) -> None:
        """The panel beside the big plane: B (first), A (then), A(Bx) = (AB)x and AB."""
        s = self.story
        self.step_b = VGroup(self.words("first", "先"), self.matrix_mob(s.b, "B")).arrange(RIGHT, buff=0.3)
        self.step_a = VGroup(self.words("then", "再"), self.matrix_mob(s.a, "A")).arrange(RIGHT, buff=0.3)
        width = max(self.step_b[0].width, self.step_a[0].width)
        for step in (self.step_b, self.step_a):  # the matrices line up behind words of different widths
            step[1].shift((width - step[0].width) * RIGHT)
        self.formula = self.math("A(B x) = (A B) x")
        self.reading = self.words("B is next to x: it acts first", "B 紧挨着 x：它先作用")
        self.product_mob = self.matrix_mob(s.ab, "A B")
        rows: list[VMobject] = [self.step_b, self.step_a, self.formula, self.reading, self.product_mob]
        self.zoom_label = self.zoom_note(s.view.fit)
        if self.zoom_label is not None:
            rows.append(self.zoom_label)
        self.panel = VGroup(*rows)
        self.layout_main()

    def snug_panel(self) -> None:
        """Portrait: the plane at the top of its box and the panel right under it.

        The plane keeps the view's shape, usually wider than tall, so it fills the box's width and not its height.
        """
        if not style.frame().portrait:
            return
        self.main_plane.shift((self.main_box.top - self.main_plane.get_top()[1]) * UP)
        self.panel.shift((self.main_plane.get_bottom()[1] - SPLIT_GAP - self.panel.get_top()[1]) * UP)

    def arrange_panel(self) -> None:
        self.panel.arrange(DOWN, aligned_edge=LEFT, buff=0.32)
        self.reading.shift(0.12 * UP)  # it explains the formula above it

    def layout_main(self) -> None:
        """Where the big plane and its panel go; places the (built) panel.

        16:9: the tuned box left of the panel. Portrait: the panel under the plane, which takes every unit
        of height the panel leaves. Square: side by side (a panel below would leave the plane a strip), the
        panel at most 42 % of the width, a row too wide for it shrunk alone.
        """
        self.arrange_panel()
        if style.frame().landscape:
            self.main_box = WIDE_MAIN
            # entries written with three decimals (-1.333) make a matrix row wider than the tuned corner leaves:
            # that row shrinks alone, keeping room for the highlight box drawn round it
            room = frame_right() - WIDE_PANEL_CORNER[0] - BOX_ROOM
            for row in self.panel:
                if row.width > room:
                    row.scale_to_fit_width(room)
            self.arrange_panel()
            self.panel.next_to([*WIDE_PANEL_CORNER, 0.0], DOWN + RIGHT, buff=0)
            return
        split = split_frame(panel_width=self.panel.width + EDGE_GAP, panel_height=self.panel.height, gap=SPLIT_GAP,
                            stack_square=False)
        left = split.panel.left + (BOX_ROOM if split.stacked else 0.0)
        panel = Panel(left, split.panel.top, right=split.panel.right - EDGE_GAP)
        for row in self.panel:
            panel.fit(row)
        self.arrange_panel()
        panel.place(self.panel)
        self.main_box = split.plot

    def beat_plane(self) -> None:
        s = self.story
        self.build_panel()
        self.main_plane = coordinate_plane(s.view.half_extents, tuple(self.main_box.center), self.main_box.width,
                                           self.main_box.height)
        self.main_plane.set_z_index(-1)
        self.snug_panel()
        self.main = self.build_picture(self.main_plane, np.eye(2))

        self.beat("plane", en="A grid, î, ĵ and an F: we apply B first, then A",
                  zh="网格、î、ĵ 和一个 F：先施加 B，再施加 A")
        self.play(FadeIn(self.main_plane), Create(self.main.grid), run_time=1.2)
        self.play(*(GrowArrow(a) for a in self.main.basis), FadeIn(self.main.labels), FadeIn(self.main.shape),
                  run_time=0.9)
        # the pieces were added one by one; from here on the picture moves as one group
        self.remove(self.main.grid, self.main.shape, *self.main.basis, self.main.labels)
        self.add(self.main)
        extra = [FadeIn(self.zoom_label)] if self.zoom_label is not None else []
        self.play(FadeIn(self.step_b), FadeIn(self.step_a), *extra, run_time=0.8)
        self.wait(1.2)

    def apply_b_caption(self) -> tuple[str, str]:
        rank = self.story.rank_b
        if rank == 0:
            return "First B = 0: the whole plane is squashed onto the origin", "先施加 B = 0：整个平面被压到原点"
        if rank == 1:
            return ("First B squashes the plane onto a line: î, ĵ land on B's columns",
                    "先施加 B：平面被压成一条直线，î、ĵ 落到 B 的两列上")
        return "First B: î and ĵ land on the columns of B", "先施加 B：î 和 ĵ 落到 B 的两列上"

    def beat_apply_b(self) -> None:
        en, zh = self.apply_b_caption()
        self.beat("apply-b", en=en, zh=zh)
        self.step_box = SurroundingRectangle(self.step_b, color=style.HIGHLIGHT_COLOR, buff=0.1)
        self.play(Create(self.step_box), run_time=0.5)
        self.run_paths([(self.main, path_of(self.story.b))], run_time=2.5)
        self.snapshot("after_b", self.main)
        self.wait(1.0)

    def beat_apply_a(self) -> None:
        b = self.story.b
        self.beat("apply-a", en="Then A moves what B made: each point x goes to A(Bx)",
                  zh="再用 A 变换 B 的结果：每个点 x 变成 A(Bx)")
        self.play(Transform(self.step_box, SurroundingRectangle(self.step_a, color=style.HIGHLIGHT_COLOR, buff=0.1)),
                  run_time=0.5)
        path_a = path_of(self.story.a)
        self.run_paths([(self.main, lambda t: path_a(t) @ b)], run_time=2.5)
        self.snapshot("then_a", self.main)
        self.wait(1.0)

    def beat_one_go(self) -> None:
        s = self.story
        self.beat("one-go", en="AB in one step lands on the same F: first B, then A is AB",
                  zh="一步施加 AB，落在同一个 F 上：先 B 后 A 就是 AB")
        self.ghost = self.build_ghost(self.main_plane, s.then_a.shape)
        self.play(Create(self.ghost), FadeOut(self.step_box), run_time=0.8)
        self.play(FadeIn(self.formula), FadeIn(self.reading), FadeIn(self.product_mob), run_time=0.8)
        self.play(FadeOut(self.main), run_time=0.5)
        self.place(self.main, np.eye(2))
        self.play(FadeIn(self.main), run_time=0.5)
        self.product_box = SurroundingRectangle(self.product_mob, color=style.HIGHLIGHT_COLOR, buff=0.1)
        self.play(Create(self.product_box), run_time=0.4)
        self.run_paths([(self.main, path_of(s.ab))], run_time=3.0)
        self.snapshot("one_go", self.main)
        self.play(Indicate(self.ghost, color=GHOST_COLOR, scale_factor=1.08), run_time=1.0)
        self.wait(2.5)

    def side_title(self, en: str, zh: str, product: np.ndarray, name: str, box: Box) -> VGroup:
        """"first B, then A: AB = [...]" over ``box``: on one line, or (narrow frames) the words above the matrix."""
        title = VGroup(self.words(en, zh, size=style.LABEL_SIZE, color=WHITE), self.matrix_mob(product, name))
        title.arrange(RIGHT, buff=0.35)
        landscape = style.frame().landscape
        if not landscape and title.width > box.width - 0.2:
            title.arrange(DOWN, buff=0.15)
        if title.width > box.width - 0.2:  # long decimals: shrink a little rather than run into the other title
            title.scale_to_fit_width(box.width - 0.2)
        if landscape:
            title.move_to([box.center[0], WIDE_TITLE_Y, 0.0])
        else:
            title.move_to(box.center).align_to([0.0, box.top, 0.0], UP)
        return title

    def side_boxes(self) -> tuple[Box, Box]:
        """Where the AB and BA pictures go with their titles: side by side in 16:9 and square, stacked in portrait."""
        f = style.frame()
        if f.landscape:
            return WIDE_SIDES
        if f.portrait:
            middle = (f.top + f.bottom) / 2
            return (Box(f.left, f.right, middle + SPLIT_GAP / 2, f.top), Box(f.left, f.right, f.bottom, middle - SPLIT_GAP / 2))
        middle = (f.left + f.right) / 2
        return (Box(f.left, middle - SPLIT_GAP / 2, f.bottom, f.top), Box(middle + SPLIT_GAP / 2, f.right, f.bottom, f.top))

    def side_plane_boxes(self, halves: tuple[Box, Box], titles: tuple[VGroup, VGroup]) -> tuple[Box, Box]:
        """Each picture's box under its title (16:9: the tuned boxes); both as tall as the taller title allows."""
        if style.frame().landscape:
            return WIDE_SIDES
        drop = max(half.top - title.get_bottom()[1] for half, title in zip(halves, titles)) + TITLE_GAP
        first, second = (Box(h.left, h.right, h.bottom, h.top - drop) for h in halves)
        return first, second

    def beat_order(self) -> None:
        s = self.story
        self.beat("order", en="Swap the order: first A, then B is BA",
                  zh="交换顺序：先 A 后 B 是 BA")
        self.play(*(FadeOut(m) for m in (self.main, self.main_plane, self.ghost, self.panel, self.product_box)),
                  run_time=0.8)
        halves = self.side_boxes()
        self.left_title = self.side_title("first B, then A:", "先 B 后 A：", s.ab, "A B", halves[0])
        self.right_title = self.side_title("first A, then B:", "先 A 后 B：", s.ba, "B A", halves[1])
        boxes = self.side_plane_boxes(halves, (self.left_title, self.right_title))
        self.side_planes = [coordinate_plane(s.order_view.half_extents, tuple(box.center), box.width, box.height)
                            for box in boxes]
        if not style.frame().landscape:  # right under its title: a plane wider than its box is tall leaves a gap
            for plane, box in zip(self.side_planes, boxes):
                plane.shift((box.top - plane.get_top()[1]) * UP)
        for plane in self.side_planes:
            plane.set_z_index(-1)
        self.left = self.build_picture(self.side_planes[0], np.eye(2), labels=False)
        self.right = self.build_picture(self.side_planes[1], np.eye(2), labels=False)
        self.play(*(FadeIn(p) for p in self.side_planes), FadeIn(self.left), FadeIn(self.right),
                  FadeIn(self.left_title), FadeIn(self.right_title), run_time=1.0)
        path_a, path_b = path_of(s.a), path_of(s.b)
        self.run_paths([(self.left, path_b), (self.right, path_a)], run_time=2.2)
        self.snapshot("left_after_b", self.left)
        self.snapshot("right_after_a", self.right)
        self.wait(0.4)
        self.run_paths([(self.left, lambda t: path_a(t) @ s.b), (self.right, lambda t: path_b(t) @ s.a)],
                       run_time=2.2)
        self.snapshot("left_ab", self.left)
        self.snapshot("right_ba", self.right)
        self.wait(0.8)

    def verdict_caption(self) -> tuple[str, str]:
        if self.story.commute:
            return ("These A and B commute: AB = BA, so here the order does not matter",
                    "这两个矩阵可交换：AB = BA，这里顺序无关紧要")
        return ("AB ≠ BA: the F lands somewhere else, so the order matters",
                "AB ≠ BA：F 落在别处，所以顺序很重要")

    def beat_verdict(self) -> None:
        en, zh = self.verdict_caption()
        self.beat("verdict", en=en, zh=zh)
        boxes = [SurroundingRectangle(t[1], color=style.HIGHLIGHT_COLOR, buff=0.08)
                 for t in (self.left_title, self.right_title)]
        self.verdict_boxes = VGroup(*boxes)
        self.play(Create(self.verdict_boxes), run_time=0.6)
        self.wait(2.2)

    def beat_entries(self) -> None:
        s = self.story
        self.beat("entries", en="Each entry of AB is row i of A times column j of B",
                  zh="AB 的每个元素是 A 的第 i 行乘 B 的第 j 列")
        leaving = [self.left, self.right, *self.side_planes, self.left_title, self.right_title, self.verdict_boxes]
        self.play(*(FadeOut(m) for m in leaving), run_time=0.8)

        size = style.TITLE_SIZE
        self.big_a = self.matrix_mob(s.a, None, size=size, colored=False)
        self.big_b = self.matrix_mob(s.b, None, size=size, colored=False)
        self.big_ab = self.matrix_mob(s.ab, None, size=size, colored=False)
        equals = self.math("=", size)
        equals.is_decoration = True  # a lone "=" is two bars, not text whose glyph height the guard should judge
        row = VGroup(self.big_a, self.big_b, equals, self.big_ab).arrange(RIGHT, buff=0.45)
        frame = style.frame()
        middle = (frame.top + frame.bottom) / 2
        row_y, general_y, readout_y, note_y = (middle + dy for dy in ENTRY_OFFSETS)
        row.move_to([0.0, row_y, 0.0])
        names = VGroup(*(self.math(n, style.LABEL_SIZE, style.MUTED_COLOR).next_to(m, UP, buff=0.2)
                         for n, m in (("A", self.big_a), ("B", self.big_b), ("A B", self.big_ab))))
        if VGroup(row, names).width > frame.content_width:  # narrow frames: wide entries shrink the row
            top = VGroup(row, names)
            top.scale(frame.content_width / top.width, about_point=row.get_center())
        self.general = self.math("(A B)_(i j) = sum_(k=1)^2 A_(i k) B_(k j)")
        self.general.move_to([0.0, general_y, 0.0])
        self.play(FadeIn(VGroup(self.big_a, self.big_b, equals)), FadeIn(self.big_ab.brackets), FadeIn(names),
                  FadeIn(self.general), run_time=0.8)

        self.entry_readouts: list[Readout] = []
        #: The three highlight boxes (row of A, column of B, entry of AB) of each entry, in story order.
        self.entry_highlights: list[VGroup] = []
        boxes: VGroup | None = None
        readout: Readout | None = None
        note: VMobject | None = None
        for k, e in enumerate(s.entries):
            i, j = e.row - 1, e.column - 1
            new_boxes = VGroup(
                SurroundingRectangle(VGroup(*self.big_a.cells[i]), color=style.HIGHLIGHT_COLOR, buff=0.1),
                SurroundingRectangle(VGroup(*(r[j] for r in self.big_b.cells)), color=style.HIGHLIGHT_COLOR,
                                     buff=0.1),
                SurroundingRectangle(self.big_ab.cells[i][j], color=style.HIGHLIGHT_COLOR, buff=0.1),
            )
            terms = " + ".join(f"{self.factor(x)} dot {self.factor(y)}" for x, y in zip(e.a_row, e.b_column))
            new_readout = Readout(f"(A B)_({e.row}{e.column}) = {terms}", e.value, story_field=f"entries.{k}.value",
                                  decimals=s.decimals)
            if new_readout.width > frame.content_width:
                new_readout.scale_to_fit_width(frame.content_width)
            new_readout.move_to([0.0, readout_y, 0.0])
            new_note = self.words(f"row {e.row} of A · column {e.column} of B",
                                  f"A 的第 {e.row} 行 · B 的第 {e.column} 列")
            new_note.move_to([0.0, note_y, 0.0])
            if boxes is None:
                self.play(Create(new_boxes), FadeIn(new_readout), FadeIn(new_note), run_time=0.8)
                boxes = new_boxes
            else:
                self.play(Transform(boxes, new_boxes), FadeOut(readout), FadeOut(note), run_time=0.5)
                self.play(FadeIn(new_readout), FadeIn(new_note), run_time=0.4)
            readout, note = new_readout, new_note
            self.entry_readouts.append(new_readout)
            self.entry_highlights.append(new_boxes.copy())  # Transform later moves the first boxes in place
            cell = self.big_ab.cells[i][j]
            self.play(FadeIn(cell, target_position=readout.number), run_time=0.7)
            self.wait(0.9)
        self.entry_boxes = boxes
        self.play(FadeOut(boxes), run_time=0.4)
        self.wait(2.0)

    def factor(self, value: float) -> str:
        text = self.number_source(value)
        return f"({text})" if text.startswith("-") else text
