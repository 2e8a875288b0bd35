"""SVD: rotate, stretch, rotate; PCA: the directions of greatest variance (the ``svd_pca`` explainer).

Part one draws ``A = U Sigma V^T`` acting on the unit circle with the right
singular vectors ``v_1, v_2`` marked on it: ``V^T`` turns them onto the axes,
``Sigma`` stretches the circle into an ellipse with semi-axes ``sigma_1,
sigma_2`` (zooming the view out first, or in afterwards, when the ellipse
would not fit or would be a dot), ``U`` turns it into place (flipping it
first when ``det A < 0``), and a dashed copy of the circle pushed through
``A`` directly lands on the same ellipse.

Part two is PCA of the story's seeded cloud: centre it, turn a direction a
half turn while the variance of the projections onto it is plotted, draw
the principal axes with the explained-variance ratio, and slide every point
onto the first axis.

Every number comes from :func:`mathviz.stories.svd_pca.svd_pca_story`; shapes are drawn
at ``M @ point`` for the map ``M`` of the moment (:func:`mathviz.stories.svd_pca.step_matrix`)
through a still plane, and tests read them back with ``self.plane.p2c``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from manim import (
    BLUE_C,
    DOWN,
    GREEN,
    LEFT,
    ORANGE,
    RED,
    RIGHT,
    UP,
    Circle,
    Create,
    DashedLine,
    DashedVMobject,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    ReplacementTransform,
    ValueTracker,
    VGroup,
    VMobject,
    linear,
    smooth,
)

from mathviz.stories.svd_pca import Step, SvdPcaStory, directional_variance, step_matrix
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.layout import PlaneAndPanel
from mathviz_scenes.components.numbers import decimals_for, fmt, typst_matrix
from mathviz_scenes.components.panel import widest
from mathviz_scenes.components.plane import (
    MIN_ARROW_LENGTH,
    back_label,
    coordinate_plane,
    from_scene,
    segment_meets_box,
    show_label,
    to_scene,
    vector_arrow,
)
from mathviz_scenes.components.readout import Readout

__all__ = ["RotateStretchRotate"]

V_COLORS = (style.HIGHLIGHT_COLOR, GREEN)
CIRCLE_COLOR = style.ACCENT_COLOR
GHOST_COLOR = style.SECONDARY_COLOR
DOT_COLOR = BLUE_C
MEAN_COLOR = RED
SWEEP_COLOR = ORANGE
DOT_RADIUS = 0.04
#: Shortest arrow (scene units) that carries a label.
LABEL_MIN_LENGTH = 0.3
#: Clear space between a label and the arrows it is placed beside.
LABEL_CLEARANCE = 0.05
#: Size of the variance-versus-angle plot in the panel.
PLOT_WIDTH = 4.6
PLOT_HEIGHT = 1.45
PLOT_MIN_HEIGHT = 0.8
AXES_ROWS_BUFF = 0.2
#: Height the variance plot's labels add above (var) and below (tick numbers) its axes.
PLOT_LABEL_ROOM = 0.9
#: Width right of the variance plot's axes for the angle's name.
PLOT_NAME_ROOM = 1.0
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class RotateStretchRotate(PlaneAndPanel, ExplainerScene):
    """A = U Sigma V^T on the unit circle, then PCA of a point cloud."""

    scene_name = "svd_pca"
    PANEL_GAP = 0.5
    PANEL_BUFF = 0.25
    key_beat = "compare"
    story: SvdPcaStory
    panel_rows: list[Any]
    semi_axes: VGroup

    def construct(self) -> None:
        self.frame_box = style.frame()
        self.layout()
        svd = self.story.svd
        self.plane = self.build_plane(svd.view.start_radius)
        self.matrix_now = np.eye(2)
        #: What was drawn at the end of each step (tests read it back through the plane then in force).
        self.snapshots: dict[str, dict[str, Any]] = {}
        self.shape = self.build_shape()
        self.arrows = VGroup(*(self.arrow_for(i) for i in range(2)))
        self.labels = self.build_labels(("v_1", "v_2"))
        self.beat_circle()
        self.beat_rotate_in()
        if svd.view.zoom == "out":
            self.beat_zoom()
        self.beat_stretch()
        if svd.view.zoom == "in":
            self.beat_zoom()
        self.beat_rotate_out()
        self.beat_compare()
        self.beat_cloud()
        self.beat_centre()
        self.beat_sweep()
        self.beat_axes()
        self.beat_project()
        self.wait(2.0)

    # -- layout and the plane ----------------------------------------------------------------------

    def build_plane(self, radius: float) -> Any:
        """A faint still plane showing ``[-radius, radius]^2`` in the square at the left."""
        plane = coordinate_plane((radius, radius), self.plane_center, self.plane_side, self.plane_side,
                                 max_lines=10, opacity=0.25)
        plane.view_radius = radius
        plane.set_z_index(-1)
        return plane

    def to_scene(self, xy: Sequence[float] | np.ndarray) -> np.ndarray:
        """Plane coordinates (one point or N x 2) to scene points through the plane of the moment."""
        return to_scene(self.plane, np.asarray(xy, dtype=float))

    def zoom_plane(self, radius: float, redraw: Callable[[], None], run_time: float = 1.5) -> None:
        """Zoom the view to ``[-radius, radius]^2``: the old plane scales about its centre while
        ``redraw`` re-places everything through it each frame, then the new plane takes over.
        """
        old = self.plane
        new = self.build_plane(radius)
        factor = old.view_radius / radius
        tracker = ValueTracker(0.0)
        follower = VMobject()
        follower.add_updater(lambda _: redraw())
        self.add(follower)
        self.play(old.animate.scale(factor, about_point=self.plane_center).set_opacity(0), FadeIn(new),
                  tracker.animate.set_value(1.0), run_time=run_time)
        follower.clear_updaters()
        self.remove(follower, old)
        self.plane = new
        redraw()

    # -- the SVD picture ---------------------------------------------------------------------------

    def build_shape(self) -> VMobject:
        """The unit circle, kept as plane points in ``shape.base`` and drawn at ``M @ base``."""
        circle = Circle(radius=1.0, color=CIRCLE_COLOR, stroke_width=4, num_components=25)
        shape = VMobject(color=CIRCLE_COLOR, stroke_width=4)
        shape.base = np.array(circle.points[:, :2])
        shape.points = self.to_scene(shape.base)
        return shape

    def arrow_for(self, index: int) -> Any:
        """The marked vector ``v_index`` drawn at ``M v`` for the map of the moment."""
        v = np.array(self.story.svd.right_vectors[index])
        arrow = vector_arrow(self.to_scene((0, 0)), self.to_scene(self.matrix_now @ v), V_COLORS[index])
        arrow.set_z_index(2)
        arrow.vector_index = index
        return arrow

    def build_labels(self, sources: Sequence[str]) -> VGroup:
        labels = VGroup()
        for i, source in enumerate(sources):
            label = back_label(style.math(source, color=V_COLORS[i]))
            label.set_z_index(3)  # above the ellipse, the dashed circle and the arrows: its backing hides them
            label.vector_index = i
            labels.add(label)
        self.place_labels(labels)
        return labels

    def place_labels(self, labels: VGroup) -> None:
        """Each label just past its arrow's tip, kept inside the plane's square; hidden on a short arrow.

        Where the square's edge would push it back onto an arrow (a long arrow reaching the edge), it
        goes beside the tip instead, then beside the arrow's middle: the first spot clear of both arrows.
        """
        half = self.plane_side / 2
        segments = [(a.get_start(), a.get_end()) for a in self.arrows
                    if np.linalg.norm(a.get_end() - a.get_start()) >= MIN_ARROW_LENGTH]
        for label in labels:
            arrow = self.arrows[label.vector_index]
            start, end = arrow.get_start(), arrow.get_end()
            length = float(np.linalg.norm(end - start))
            label.shown = length >= LABEL_MIN_LENGTH
            show_label(label, label.shown)
            if not label.shown:
                continue
            size = np.array([label.width, label.height]) / 2
            low = self.plane_center[:2] - half + size
            high = self.plane_center[:2] + half - size
            along = (end - start) / length
            side = np.array([-along[1], along[0], 0.0])
            reach = 0.12 + 0.5 * max(label.width, label.height)
            middle = (start + end) / 2
            spots = [end + along * reach, end + side * reach, end - side * reach,
                     middle + side * reach, middle - side * reach]
            clipped = [np.array([*np.clip(spot[:2], low, high), 0.0]) for spot in spots]
            clear = [spot for spot in clipped
                     if not any(segment_meets_box(a, b, spot, size + LABEL_CLEARANCE) for a, b in segments)]
            label.move_to(clear[0] if clear else clipped[0])
        self.separate_labels(labels)

    @staticmethod
    def separate_labels(labels: VGroup) -> None:
        """Push the second label down (or up) when the two labels' boxes meet."""
        a, b = labels[0], labels[1]
        if not (a.shown and b.shown):
            return
        dx = min(a.get_right()[0], b.get_right()[0]) - max(a.get_left()[0], b.get_left()[0])
        dy = min(a.get_top()[1], b.get_top()[1]) - max(a.get_bottom()[1], b.get_bottom()[1])
        if dx > 0 and dy > 0:
            sign = 1.0 if b.get_center()[1] >= a.get_center()[1] else -1.0
            b.shift(sign * (dy + 0.08) * UP)

    def draw_svd(self) -> None:
        """Redraw the circle's image and the marked vectors at ``self.matrix_now`` through ``self.plane``."""
        self.shape.points = self.to_scene(self.shape.base @ self.matrix_now.T)
        for i, arrow in enumerate(self.arrows):
            arrow.become(self.arrow_for(i))
        self.place_labels(self.labels)

    def run_step(self, step: Step, *extra: Any, run_time: float = 2.5, on_t: Callable[[float], None] | None = None) -> None:
        """Animate the map from ``step.before`` to ``step.after`` (the story's path), then settle on ``after``."""
        t = ValueTracker(0.0)

        def follow(_: Any) -> None:
            self.matrix_now = step_matrix(step, t.get_value())
            self.draw_svd()
            if on_t is not None:
                on_t(t.get_value())

        self.shape.add_updater(follow)
        self.play(t.animate.set_value(1.0), *extra, run_time=run_time, rate_func=smooth)
        self.shape.clear_updaters()
        self.matrix_now = np.array(step.after)
        self.draw_svd()
        if on_t is not None:
            on_t(1.0)
        self.snapshot(step.name)

    def snapshot(self, name: str) -> None:
        """Keep copies of what is drawn now, with the plane it is drawn on, under ``name``."""
        shot: dict[str, Any] = {"plane": self.plane.copy()}
        if name in ("centre", "project"):
            shot["dots"] = np.array([dot.get_center() for dot in self.cloud])
        else:
            shot["shape"] = self.shape.points.copy()
            shot["arrows"] = [(a.get_start().copy(), a.get_end().copy(), a.get_stroke_opacity()) for a in self.arrows]
            if hasattr(self, "ghost"):
                shot["ghost"] = [dash.points.copy() for dash in self.ghost]
        self.snapshots[name] = shot

    def relabel(self, sources: Sequence[str]) -> None:
        new = self.build_labels(sources)
        # morph each label into its successor: only one of the two is on screen at any time
        self.play(*(ReplacementTransform(old, fresh) for old, fresh in zip(self.labels, new)), run_time=0.5)
        self.remove(*self.labels, *new)
        self.labels = new
        self.add(self.labels)

    def step(self, name: str) -> Step:
        return next(s for s in self.story.svd.steps if s.name == name)

    def note(self, content: str, color: Any = style.MUTED_COLOR) -> Any:
        return style.text(content, size=style.SMALL_SIZE, color=color)

    def angle_readout(self, label: str, field: str, color: Any = style.SECONDARY_COLOR) -> VGroup:
        """``label = x deg``: a readout in degrees (1 decimal) and its unit, which follows the number.

        The unit is a word: a lone degree sign is too small to read at 480p.
        """
        readout = Readout(label, 0.0, story_field=field, decimals=1, color=color)
        sign = style.text(self.tr("deg", "度"), size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        sign.add_updater(lambda m: m.next_to(readout, RIGHT, buff=0.15).align_to(readout.number, DOWN))
        sign.update()
        row = VGroup(readout, sign)
        row.readout = readout
        return row

    def panel_bottom(self) -> float:
        return min(m.get_bottom()[1] for m in self.panel_rows)

    def panel_floor(self) -> float:
        """The lowest a panel row may reach: just above the caption band."""
        return style.caption_top() + 0.1

    def push_rows(self, *rows: Any, gap: float = 0.3, buff: float | None = None) -> VGroup:
        """``rows`` as a column under the panel's last row, added to ``self.panel_rows``.

        When the column would reach into the caption band (a panel under the plot in a square or
        portrait frame has room for a few rows only), the oldest rows (a ``pinned`` row last) fade out
        and the rest move up to the panel's top first, so the newest rows are always whole and on screen.
        """
        column = self.panel_column(*rows, top=self.panel_bottom() - gap, buff=buff)
        if column.get_bottom()[1] >= self.panel_floor():
            self.panel_rows.append(column)
            return column
        kept = list(self.panel_rows)
        room = self.panel_top - self.panel_floor()

        def height(group: list[Any]) -> float:
            return sum(m.height for m in group) + gap * len(group) + column.height

        dropped = []
        # a transient note first, then the oldest, a pinned row (the variance plot, whose peak the next beat marks) last
        for row in sorted(kept, key=lambda m: (getattr(m, "pinned", False), not getattr(m, "transient", False))):
            if height(kept) <= room:
                break
            kept.remove(row)
            dropped.append(row)
        top = self.panel_top
        moves: list[Any] = []
        for row in kept:
            shift = (top - row.get_top()[1]) * UP
            if abs(shift[1]) > 1e-9:
                # updaters kept running: a unit that follows its readout (angle_readout's 'deg') moves with it
                moves.extend(m.animate(suspend_mobject_updating=False).shift(shift)
                             for m in (row, *getattr(row, "companions", ())))
            top = top - row.height - gap
        gone = [m for row in dropped for m in (row, *getattr(row, "companions", ()))]
        if gone:  # out first, so the rows moving up never cross a fading one
            self.play(*(FadeOut(m) for m in gone), run_time=0.3)
            self.remove(*gone)
        if moves:
            self.play(*moves, run_time=0.4)
        column.shift((top - column.get_top()[1]) * UP)
        self.panel_rows = [*kept, column]
        return column

    # -- SVD beats ---------------------------------------------------------------------------------

    def beat_circle(self) -> None:
        svd = self.story.svd
        self.beat("circle", en="Any 2×2 matrix is A = UΣVᵀ: rotate, stretch, rotate.",
                  zh="任何 2×2 矩阵都能写成 A = UΣVᵀ：旋转、拉伸、再旋转。")
        header = style.math(f"A = {typst_matrix(svd.matrix)} = U Sigma V^T")
        sub = self.note(self.tr("v₁, v₂: right singular vectors on the unit circle", "v₁、v₂：单位圆上的右奇异向量"))
        self.panel_column(header, sub, top=self.panel_top, buff=0.2)
        sub.transient = True  # a note on what the plane shows: the first row to go when the panel is full
        self.panel_rows = [header, sub]
        self.play(FadeIn(self.plane), FadeIn(header), FadeIn(sub), run_time=0.8)
        self.play(Create(self.shape), FadeIn(self.arrows), run_time=1.0)
        self.play(FadeIn(self.labels), run_time=0.4)
        self.wait(1.2)

    def beat_rotate_in(self) -> None:
        svd = self.story.svd
        turn = fmt(svd.rotation_in_degrees, 1, trim=True)
        if svd.repeated:
            en = "σ₁ = σ₂: every direction is singular, so take V = I: no turn."
            zh = "σ₁ = σ₂：每个方向都是奇异方向，取 V = I，不用旋转。"
        elif svd.shape == "point":
            en, zh = "A = 0: any V works; take V = I: no turn.", "A = 0：任何 V 都行，取 V = I，不用旋转。"
        else:
            en = f"Vᵀ turns v₁, v₂ onto the axes: a rotation by {turn}°."
            zh = f"Vᵀ 把 v₁、v₂ 转到坐标轴上：旋转 {turn}°。"
        self.beat("rotate-in", en=en, zh=zh)
        row = self.angle_readout(self.tr('"turn of" V^T', 'V^T "的转角"'), "svd.rotation_in_degrees", V_COLORS[0])
        row.readout.story_field = None
        self.rotate_in_row = self.push_rows(row, gap=0.35)
        self.play(FadeIn(self.rotate_in_row), run_time=0.4)
        angle = svd.rotation_in_degrees
        self.run_step(self.step("rotate-in"), run_time=2.0,
                      on_t=lambda t: row.readout.set_value(0.0 if t >= 1 else t * angle))
        row.readout.set_value(angle)
        row.readout.story_field = "svd.rotation_in_degrees"
        self.relabel(("e_1", "e_2"))
        self.wait(0.8)

    def zoom_caption(self) -> tuple[str, str]:
        view = self.story.svd.view
        if view.zoom == "out":
            factor = fmt(view.factor)
            return (f"σ₁ = {fmt(self.story.svd.sigma[0])} won't fit: zoom out {factor}× first.",
                    f"σ₁ = {fmt(self.story.svd.sigma[0])} 超出画面：先把视野缩小 {factor} 倍。")
        factor = fmt(1 / view.factor)
        return (f"The ellipse is tiny (σ₁ = {fmt(self.story.svd.sigma[0])}): zoom in {factor}×.",
                f"椭圆太小（σ₁ = {fmt(self.story.svd.sigma[0])}）：把视野放大 {factor} 倍。")

    def beat_zoom(self) -> None:
        view = self.story.svd.view
        en, zh = self.zoom_caption()
        self.beat("zoom", en=en, zh=zh)
        if hasattr(self, "semi_axes"):
            self.remove(self.semi_axes)
        radius = view.end_radius
        self.zoom_plane(radius, self.draw_svd)
        factor = fmt(view.factor if view.zoom == "out" else 1 / view.factor)
        words = (self.tr(f"view zoomed out {factor}×", f"视野缩小 {factor} 倍") if view.zoom == "out"
                 else self.tr(f"view zoomed in {factor}×", f"视野放大 {factor} 倍"))
        self.zoom_note = self.push_rows(self.note(words), gap=0.2)
        animations = [FadeIn(self.zoom_note)]
        if hasattr(self, "semi_axes"):
            self.semi_axes = self.build_semi_axes(self.matrix_now)
            animations.append(Create(self.semi_axes))
        self.play(*animations, run_time=0.6)
        self.wait(0.6)

    def stretch_caption(self) -> tuple[str, str]:
        svd = self.story.svd
        if svd.shape == "segment":
            return ("σ₂ = 0: Σ flattens the circle into a segment. A is singular.",
                    "σ₂ = 0：Σ 把圆压成一条线段，A 是奇异矩阵。")
        if svd.shape == "point":
            return ("Σ = 0 squashes the whole circle to the origin.", "Σ = 0 把整个圆压缩到原点。")
        if svd.shape == "circle":
            s = fmt(svd.sigma[0])
            return (f"Σ = {s}I scales every direction alike: still a circle.",
                    f"Σ = {s}I 把每个方向同样缩放：仍然是圆。")
        return ("Σ stretches the axes: an ellipse with semi-axes σ₁ ≥ σ₂.",
                "Σ 沿坐标轴拉伸：圆变成半轴为 σ₁ ≥ σ₂ 的椭圆。")

    def beat_stretch(self) -> None:
        svd = self.story.svd
        en, zh = self.stretch_caption()
        self.beat("stretch", en=en, zh=zh)
        self.sigma_readouts = self.build_sigma_readouts()
        self.sigma_row = self.push_rows(self.sigma_readouts)
        self.play(FadeIn(self.sigma_row), run_time=0.4)

        def follow(t: float) -> None:
            for i, readout in enumerate(self.sigma_readouts):
                readout.set_value(svd.sigma[i] if t >= 1 else 1 + t * (svd.sigma[i] - 1))

        self.run_step(self.step("stretch"), run_time=2.5, on_t=follow)
        for i, readout in enumerate(self.sigma_readouts):
            readout.story_field = f"svd.sigma.{i}"
        self.relabel(("sigma_1 e_1", "sigma_2 e_2"))
        self.semi_axes = self.build_semi_axes(np.array(self.step("stretch").after))
        self.play(Create(self.semi_axes), run_time=0.6)
        self.wait(1.0)

    def build_sigma_readouts(self) -> VGroup:
        """sigma_1 and sigma_2 readouts, counting from 1 to the story's values, spaced for the widest numbers.

        Side by side when both fit the panel while showing their widest values (numbers keep their left
        edge as they grow), else one under the other, shrunk together if still wider than the panel.
        """
        svd = self.story.svd
        decimals = decimals_for(svd.sigma[0], significant=3, most=8)
        readouts = VGroup(*(Readout(f"sigma_{i + 1}", 1.0, story_field=None, decimals=decimals, color=V_COLORS[i])
                            for i in range(2)))
        room = self.panel_right - self.panel_left
        for readout, sigma in zip(readouts, svd.sigma):
            readout.set_value(widest(readout, (1.0, sigma)))
        readouts.arrange(RIGHT, buff=0.5)
        if readouts.width > room:
            readouts.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
            if readouts.width > room:
                readouts.scale_to_fit_width(room)
        for readout in readouts:
            readout.set_value(1.0)
        return readouts

    def build_semi_axes(self, matrix_now: np.ndarray) -> VGroup:
        """Dashed segments from the origin to ``M v_i`` (the ellipse's semi-axes once Sigma has acted)."""
        group = VGroup()
        for i, v in enumerate(self.story.svd.right_vectors):
            end = matrix_now @ np.array(v)
            line = DashedLine(self.to_scene((0, 0)), self.to_scene(end), color=V_COLORS[i], stroke_width=3,
                              dash_length=0.1)
            line.axis_index = i  # fully opaque: at 0.8 the light theme's first colour was 3.7:1 on white
            group.add(line)
        return group

    def beat_rotate_out(self) -> None:
        svd = self.story.svd
        turn = fmt(svd.rotation_out_degrees, 1, trim=True)
        if svd.reflection:
            en = f"det A < 0: U flips the ellipse, then turns it by {turn}°."
            zh = f"det A < 0：U 先翻转椭圆，再旋转 {turn}°。"
        else:
            en = f"U turns the ellipse into place: a rotation by {turn}°."
            zh = f"U 把椭圆转到最终位置：旋转 {turn}°。"
        self.beat("rotate-out", en=en, zh=zh)
        self.remove(self.semi_axes)
        rows = []
        if svd.reflection:
            rows.append(self.note(self.tr("U = R(φ)·flip: a reflection, det U = −1", "U = R(φ)·翻转：是反射，det U = −1")))
        row = self.angle_readout(self.tr('"turn of" U', 'U "的转角"'), "svd.rotation_out_degrees", V_COLORS[0])
        row.readout.story_field = None
        rows.insert(0, row)
        self.rotate_out_rows = self.push_rows(*rows, buff=0.15)
        self.play(FadeIn(self.rotate_out_rows), run_time=0.4)
        if svd.reflection:
            self.run_step(self.step("flip"), run_time=1.5)
            self.relabel(("sigma_1 e_1", "-sigma_2 e_2"))
        angle = svd.rotation_out_degrees
        self.run_step(self.step("rotate-out"), run_time=2.0,
                      on_t=lambda t: row.readout.set_value(angle if t >= 1 else t * angle))
        row.readout.story_field = "svd.rotation_out_degrees"
        self.relabel(("sigma_1 u_1", "sigma_2 u_2"))
        self.wait(0.8)

    def build_ghost(self) -> VGroup:
        """A dashed unit circle whose dashes keep their plane points (``dash.base``), drawn at ``M @ base``."""
        circle = Circle(radius=1.0, num_components=25)
        circle.move_to(self.to_scene((0, 0))).scale(self.plane.unit)
        ghost = DashedVMobject(circle, num_dashes=36, dashed_ratio=0.5)
        ghost.set_stroke(GHOST_COLOR, width=3, opacity=0.95)
        for dash in ghost:
            dash.base = from_scene(self.plane, dash.points)[:, :2]
        ghost.set_z_index(1)
        return ghost

    def draw_ghost(self, ghost: VGroup, matrix_now: np.ndarray) -> None:
        for dash in ghost:
            dash.points = self.to_scene(dash.base @ matrix_now.T)
        ghost.matrix_now = matrix_now

    def beat_compare(self) -> None:
        svd = self.story.svd
        self.beat("compare", en="Same as applying A directly: A vᵢ = σᵢuᵢ.",
                  zh="与直接作用 A 的结果完全相同：A vᵢ = σᵢuᵢ。")
        a = np.array(svd.matrix)
        self.ghost = self.build_ghost()
        self.draw_ghost(self.ghost, np.eye(2))
        note = self.note(self.tr("dashed: the unit circle under A in one go", "虚线：单位圆直接经 A 变换后的像"), GHOST_COLOR)
        self.compare_note = self.push_rows(note)
        self.play(Create(self.ghost), FadeIn(self.compare_note), run_time=0.8)
        t = ValueTracker(0.0)
        self.ghost.add_updater(lambda g: self.draw_ghost(g, a if t.get_value() >= 1 else
                                                         (1 - t.get_value()) * np.eye(2) + t.get_value() * a))
        self.play(t.animate.set_value(1.0), run_time=2.0, rate_func=smooth)
        self.ghost.clear_updaters()
        self.draw_ghost(self.ghost, a)
        self.snapshot("compare")
        self.relabel(("A v_1", "A v_2"))
        self.wait(2.0)

    # -- PCA ---------------------------------------------------------------------------------------

    def build_cloud(self, xy: Sequence[Sequence[float]]) -> VGroup:
        """One dot per point, at plane coordinates ``xy``; the dots keep them in ``cloud.xy``."""
        cloud = VGroup(*(Dot(radius=DOT_RADIUS, color=DOT_COLOR, fill_opacity=0.85) for _ in xy))
        cloud.xy = np.array(xy, dtype=float)
        self.draw_cloud(cloud)
        return cloud

    def draw_cloud(self, cloud: VGroup) -> None:
        for dot, point in zip(cloud, self.to_scene(cloud.xy)):
            dot.move_to(point)

    def redraw_pca(self) -> None:
        self.draw_cloud(self.cloud)
        self.mean_marker.move_to(self.to_scene(self.mean_xy))

    def build_mean_marker(self) -> VGroup:
        size = 0.14
        cross = VGroup(Line(LEFT * size + UP * size, RIGHT * size + DOWN * size),
                       Line(LEFT * size + DOWN * size, RIGHT * size + UP * size))
        cross.set_stroke(MEAN_COLOR, width=5)
        cross.set_z_index(3)
        return cross

    def beat_cloud(self) -> None:
        pca = self.story.pca
        self.beat("cloud", en=f"PCA: {pca.count} random points. Which way do they spread most?",
                  zh=f"PCA：{pca.count} 个随机点。它们沿哪个方向散布得最开？")
        old = [self.shape, self.arrows, self.labels, self.ghost, self.plane, *self.panel_rows]
        self.play(*(FadeOut(m) for m in old), run_time=0.8)
        self.remove(*old)
        self.plane = self.build_plane(pca.view_radius)
        self.mean_xy = np.array(pca.sample_mean)
        self.cloud = self.build_cloud(pca.points)
        self.mean_marker = self.build_mean_marker()
        self.mean_marker.move_to(self.to_scene(self.mean_xy))
        header = style.math(f"n = {pca.count}, quad \"{self.tr('seed', '随机种子')}\" {pca.seed}")
        self.panel_rows = [self.panel_column(header, top=self.panel_top)]
        self.play(FadeIn(self.plane), FadeIn(self.panel_rows[0]), run_time=0.6)
        self.play(FadeIn(self.cloud, lag_ratio=0.01), run_time=1.5)
        self.wait(1.0)

    def beat_centre(self) -> None:
        pca = self.story.pca
        self.beat("centre", en="Centre the cloud: subtract its mean x̄ from every point.",
                  zh="先中心化：每个点减去均值 x̄。")
        mean = np.array(pca.sample_mean)
        row = style.math(f"overline(x) = ({fmt(mean[0])}, {fmt(mean[1])})", color=MEAN_COLOR)
        self.mean_row = self.push_rows(row)
        self.play(FadeIn(self.mean_marker), FadeIn(self.mean_row), run_time=0.6)
        raw, centred = np.array(pca.points), np.array(pca.centred)
        t = ValueTracker(0.0)

        def follow(_: Any) -> None:
            s = t.get_value()
            self.cloud.xy = centred if s >= 1 else raw - s * mean
            self.mean_xy = (1 - s) * mean if s < 1 else np.zeros(2)
            self.redraw_pca()

        self.cloud.add_updater(follow)
        self.play(t.animate.set_value(1.0), run_time=2.0, rate_func=smooth)
        self.cloud.clear_updaters()
        self.cloud.xy, self.mean_xy = centred, np.zeros(2)
        self.redraw_pca()
        if pca.zoom_after_centring:
            self.zoom_plane(pca.centred_view_radius, self.redraw_pca)
        self.snapshot("centre")
        self.play(FadeOut(self.mean_marker), run_time=0.4)
        self.wait(0.6)

    def direction_line(self, degrees: float, color: Any = SWEEP_COLOR, width: float = 3.0) -> Line:
        """The line through the origin at ``degrees``, clipped to the view's square."""
        d = np.array([math.cos(math.radians(degrees)), math.sin(math.radians(degrees))])
        reach = self.plane.view_radius / max(abs(d[0]), abs(d[1]))
        line = Line(self.to_scene(-reach * d), self.to_scene(reach * d), color=color, stroke_width=width)
        line.set_z_index(1)
        return line

    def plot_height(self, readout: Any) -> float:
        """The variance plot's height: :data:`PLOT_HEIGHT`, or less when a panel under the plane has less room.

        The plot and its readout must fit the panel's whole height (with the axis labels above and
        below the axes); under the plane, also with the next beat's rows (the principal axes), so the
        plot stays while its peak is marked, unless that would leave it shorter than :data:`PLOT_MIN_HEIGHT`.
        Under the plane the readout is the plot's title (see :meth:`beat_sweep`): the room its labels take is
        measured on the plot itself.
        """
        if self.frame_box.landscape:
            room = self.panel_top - self.panel_floor() - readout.height - 0.3 - PLOT_LABEL_ROOM
        else:
            labels = self.build_plot(PLOT_HEIGHT, title=readout).height - PLOT_HEIGHT
            room = self.panel_top - self.panel_floor() - labels
            with_axes = room - self.build_axes_rows().height - 0.3
            if with_axes >= PLOT_MIN_HEIGHT:
                room = with_axes
        return max(PLOT_MIN_HEIGHT, min(PLOT_HEIGHT, room))

    def plot_width(self) -> float:
        """:data:`PLOT_WIDTH`; under the plane, the panel's width less room for the angle's name."""
        if self.frame_box.landscape:
            return PLOT_WIDTH
        return max(PLOT_WIDTH, self.panel_right - self.panel_left - PLOT_NAME_ROOM)

    def build_plot(self, height: float = PLOT_HEIGHT, title: Any = None) -> VGroup:
        """var(theta) for theta over a half turn, from the story's sweep samples, with the peak marked.

        ``title`` (the live variance readout) takes the place of the y-axis name ``var(θ)`` above the axes.
        """
        pca = self.story.pca
        top = max(s.variance for s in pca.sweep)
        axes = style.make_axes([0, 180, 45], [0, 1.15 * top, 1.15 * top], self.plot_width(), height,
                               x_axis_config={"numbers_to_include": [0, 90, 180]},
                               y_axis_config={"include_numbers": False, "include_ticks": False})
        degrees = [s.degrees for s in pca.sweep] + [180.0]
        values = [s.variance for s in pca.sweep] + [pca.sweep[0].variance]  # var(180) = var(0)
        curve = VMobject(color=SWEEP_COLOR, stroke_width=3)
        curve.set_points_smoothly([axes.c2p(d, v) for d, v in zip(degrees, values)])
        curve.is_curve = True
        x_label = style.text("θ (°)", size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        x_label.next_to(axes.x_axis.get_right(), RIGHT, buff=0.15)
        y_label = style.text("var(θ)", size=style.SMALL_SIZE, color=style.MUTED_COLOR) if title is None else title
        y_label.next_to(axes.y_axis.get_top(), UP, buff=0.1).align_to(axes.y_axis, LEFT)
        plot = VGroup(axes, curve, x_label, y_label)
        plot.axes, plot.curve = axes, curve
        return plot

    def beat_sweep(self) -> None:
        pca = self.story.pca
        self.beat("sweep", en="Project onto a turning direction: the spread peaks at one angle.",
                  zh="把点投影到一个旋转的方向上：散布在某个角度达到最大。")
        readout = Readout(self.tr('"variance along" d', '"沿" d "的方差"'), directional_variance(pca, 0.0), story_field=None,
                          decimals=decimals_for(pca.variances[0], significant=3, most=8), color=SWEEP_COLOR)
        self.variance_readout = readout
        if self.frame_box.landscape:
            self.plot = self.build_plot(self.plot_height(readout))
            self.sweep_rows = self.push_rows(readout, self.plot, buff=0.3)
        else:
            # under the plane the readout names the plot (it says what is plotted): a row less, a taller plot
            self.plot = self.build_plot(self.plot_height(readout), title=readout)
            self.sweep_rows = self.push_rows(self.plot)
        self.sweep_line = self.direction_line(0.0)
        self.plot_dot = Dot(self.plot.axes.c2p(0, directional_variance(pca, 0.0)), radius=0.07, color=SWEEP_COLOR)
        self.plot_dot.set_z_index(2)
        self.sweep_rows.companions = (self.plot_dot,)  # moves and goes with the plot
        self.sweep_rows.pinned = True
        self.play(FadeIn(self.sweep_rows), Create(self.sweep_line), FadeIn(self.plot_dot), run_time=0.8)
        angle = ValueTracker(0.0)

        def follow(_: Any) -> None:
            theta = angle.get_value()
            self.sweep_line.become(self.direction_line(theta))
            value = directional_variance(pca, theta)
            self.plot_dot.move_to(self.plot.axes.c2p(theta % 180.0, value))
            readout.set_value(value)

        self.sweep_line.add_updater(follow)
        self.play(angle.animate.set_value(180.0), run_time=4.0, rate_func=linear)
        # back to the peak: the first principal axis
        target = pca.pc1_degrees
        self.play(angle.animate.set_value(target), run_time=1.5, rate_func=smooth)
        self.sweep_line.clear_updaters()
        self.sweep_line.become(self.direction_line(target))
        self.plot_dot.move_to(self.plot.axes.c2p(target, pca.variances[0]))
        readout.set_value(pca.variances[0])
        readout.story_field = "pca.variances.0"
        self.wait(1.0)

    def axes_caption(self) -> tuple[str, str]:
        pca = self.story.pca
        if pca.axis_arbitrary:
            return ("Equal spread every way: PC1's direction here is only noise.",
                    "各个方向散布相同：这里 PC1 的方向只是随机噪声。")
        if pca.collinear:
            return ("The points lie on a line: PC1 is that line, PC2 has no variance.",
                    "所有点都在一条直线上：PC1 就是这条线，PC2 方差为零。")
        return ("The principal axes: the SVD of the centred data, the covariance's eigenvectors.",
                "主轴：中心化数据的 SVD，也就是协方差矩阵的特征向量。")

    def build_pc_arrows(self) -> VGroup:
        """PC1 and PC2 from the origin, each 2 standard deviations (2 sqrt(lambda_i)) long."""
        pca = self.story.pca
        group = VGroup()
        for i, (w, lam) in enumerate(zip(pca.axes, pca.variances)):
            end = 2 * math.sqrt(lam) * np.array(w)
            arrow = vector_arrow(self.to_scene((0, 0)), self.to_scene(end), V_COLORS[i], stroke_width=7)
            arrow.set_z_index(3)
            arrow.pc_index = i
            arrow.hidden = 2 * math.sqrt(lam) * self.plane.unit < MIN_ARROW_LENGTH
            group.add(arrow)
        return group

    def build_axes_rows(self) -> VGroup:
        """The principal axes' rows: each lambda, the explained share and what the arrows' length means."""
        pca = self.story.pca
        lam_rows = VGroup(*(style.math(f"\"PC{i + 1}:\" lambda_{i + 1} = {fmt(pca.variances[i])}", color=V_COLORS[i])
                            for i in range(2))).arrange(RIGHT, buff=0.45)
        ratio = Readout("frac(lambda_1, lambda_1 + lambda_2)", pca.explained_ratio, story_field="pca.explained_ratio",
                        decimals=3, color=V_COLORS[0])
        rows = [lam_rows, ratio, self.note(self.tr("arrows: 2 standard deviations long", "箭头长度：2 个标准差"))]
        if pca.axis_arbitrary:
            rows.append(self.note(self.tr("equal spread: any axis is a principal axis", "各方向散布相同：任何方向都是主轴"),
                                  color=style.SECONDARY_COLOR))
        return self.panel_column(*rows, top=self.panel_top, buff=AXES_ROWS_BUFF)

    def beat_axes(self) -> None:
        pca = self.story.pca
        en, zh = self.axes_caption()
        self.beat("axes", en=en, zh=zh)
        self.pc_arrows = self.build_pc_arrows()
        self.axes_rows = self.push_rows(*self.build_axes_rows(), buff=AXES_ROWS_BUFF)
        marks = []
        self.peak_line: DashedLine | None = None
        if self.sweep_rows in self.panel_rows:  # the variance plot is still shown: mark its peak
            peak = self.plot.axes.c2p(pca.pc1_degrees, pca.variances[0])
            self.peak_line = DashedLine(self.plot.axes.c2p(pca.pc1_degrees, 0), peak, color=V_COLORS[0],
                                        stroke_width=2, dash_length=0.08)
            marks.append(Create(self.peak_line))
        self.play(*marks, self.sweep_line.animate.set_stroke(opacity=0.35),
                  *(FadeIn(a) for a in self.pc_arrows), FadeIn(self.axes_rows), run_time=1.2)
        self.wait(1.5)

    def beat_project(self) -> None:
        pca = self.story.pca
        share = f"{100 * pca.explained_ratio:.1f}"
        self.beat("project", en=f"Project onto PC1: one number per point keeps {share}% of the variance.",
                  zh=f"投影到 PC1：每个点只留一个数，保留了 {share}% 的方差。")
        # fully opaque (at 0.8 the light theme's first colour was 3.7:1 on white); thinner than the sweep line
        self.pc1_line = self.direction_line(pca.pc1_degrees, color=V_COLORS[0], width=2.5)
        self.play(FadeOut(self.sweep_line), FadeIn(self.pc1_line),
                  *(a.animate.set_opacity(0.4) for a in self.pc_arrows if not a.hidden), run_time=0.5)
        centred, projected = np.array(pca.centred), np.array(pca.projected)
        t = ValueTracker(0.0)

        def follow(_: Any) -> None:
            s = t.get_value()
            self.cloud.xy = projected if s >= 1 else (1 - s) * centred + s * projected
            self.draw_cloud(self.cloud)

        self.cloud.add_updater(follow)
        self.play(t.animate.set_value(1.0), run_time=2.5, rate_func=smooth)
        self.cloud.clear_updaters()
        self.cloud.xy = projected
        self.draw_cloud(self.cloud)
        self.snapshot("project")
        self.wait(1.5)
