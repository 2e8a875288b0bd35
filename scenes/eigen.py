"""Eigenvectors are the directions a matrix only stretches: the ``eigen`` explainer (storyboard 3).

Beats: a fan of unit vectors with their spans; (when A's image is too big
for the standard view) a zoom out by the story's factor; A applied (each
arrow slides from ``v`` to ``A v``): the eigenvectors stay on their span and
stretch by lambda with a live ``|A v| / |v|`` readout while the others are
knocked off (the furthest one with its angle); the unit circle has become an
ellipse whose semi-axes are the singular values; the change to the simplest
basis (``P^-1``) and ``A`` there (``M``): a pure stretch ``D`` when A is
diagonalizable, a shear when it is defective, a turn and a scaling when its
eigenvalues are complex.

Every number comes from :func:`mathviz.stories.eigen.eigen_story`. The plane is a
still frame of reference (never transformed); tests read arrows and curves
back through ``self.plane.p2c``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from manim import (
    BLUE_B,
    GREEN,
    PINK,
    RIGHT,
    ApplyMatrix,
    Arc,
    Arrow,
    Circle,
    Create,
    DashedLine,
    FadeIn,
    FadeOut,
    GrowArrow,
    Line,
    NumberPlane,
    ValueTracker,
    VGroup,
    linear,
)

from mathviz.stories.eigen import EigenStory
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerScene
from mathviz_scenes.components.layout import PlaneAndPanel
from mathviz_scenes.components.numbers import fmt, typst_matrix
from mathviz_scenes.components.plane import back_label, segment_meets_box, show_label
from mathviz_scenes.components.readout import Readout

#: A point or direction in plane coordinates: a pair or an array.
XY = Sequence[float] | np.ndarray

__all__ = ["EigenStretch"]

#: Colours of the eigen directions (first, second) and of the other fan vectors.
EIGEN_COLORS = (style.HIGHLIGHT_COLOR, GREEN)
FAN_COLOR = BLUE_B
#: The knocked-off vector singled out with its angle.
SHOWCASE_COLOR = style.SECONDARY_COLOR
ELLIPSE_COLOR = style.ACCENT_COLOR
AXIS_COLORS = (style.SECANT_COLOR, PINK)
ARROW_WIDTH = 4.0
TIP_LENGTH = 0.2
#: Subscript digits for captions, which are plain text.
SUBSCRIPT = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")
#: How far (scene units) an eigen label keeps from the other arrows, past its own box.
LABEL_CLEARANCE = 0.05


#: The story's words for what happens along an eigen direction (``EigenStory.notes``), as a Chinese textbook says them.
NOTES_ZH = {
    "squashed to the origin": "压缩到原点",
    "flipped along its line": "沿直线翻转",
    "flipped along its line, stretched": "沿直线翻转并拉伸",
    "flipped along its line, shrunk": "沿直线翻转并缩短",
    "stretched": "拉伸",
    "shrunk": "缩短",
    "unchanged": "不变",
}


def degrees(angle: float) -> str:
    value = math.degrees(angle)
    return f"{value:.0f}°" if abs(value - round(value)) < 0.05 else f"{value:.1f}°"


class EigenStretch(PlaneAndPanel, ExplainerScene):
    """A fan of vectors through A: eigenvectors stay on their span; the ellipse; the simplest basis."""

    scene_name = "eigen"
    story: EigenStory
    PANEL_BUFF = 0.28
    # Up to seven rows, three of them matrices: beside the plane in a square frame (the strip under it holds
    # four); under it in a portrait frame, as tall as its rows need (portrait_panel_share).
    SQUARE_BESIDE = True

    def construct(self) -> None:
        story: EigenStory = self.story
        if style.frame().portrait:
            self.PORTRAIT_PANEL_SHARE = max(type(self).PORTRAIT_PANEL_SHARE, self.portrait_panel_share())
        self.layout()
        fit = story.fit
        self.plane = self.build_plane(fit.start_view_radius, fit.start_grid_step)
        self.showcase = self.showcase_index()
        self.spans = self.build_spans()
        self.fan_arrows = VGroup(*(self.fan_arrow(i, 0.0) for i in range(len(story.fan))))
        self.circle = self.build_unit_circle()
        self.panel_matrix = self.build_matrix_panel()

        self.beat_fan()
        if fit.zoomed_out:
            self.beat_zoom()
        self.beat_apply()
        self.beat_ellipse()
        self.beat_change_of_basis()
        self.beat_simplest_form()
        self.wait(2.0)

    # -- layout and builders ------------------------------------------------------------------------

    def portrait_panel_share(self) -> float:
        """The share of a portrait frame's height the panel needs for its tallest moment, measured on its rows.

        The matrix A, the zoom note and the eigenvalue rows stay; under them come first the readouts, the
        knocked-off note and the singular values, then the change of basis and the simplest form.
        """
        def column(rows: list[Any], buff: float = self.PANEL_BUFF) -> float:
            return sum(row.height for row in rows) + buff * (len(rows) - 1) if rows else 0.0

        story = self.story
        kept = style.math(f"A = {typst_matrix(story.matrix)}").height + 0.3 + column(self.eigenvalue_rows())
        if story.fit.zoomed_out:
            kept += 0.2 + style.text("0", size=style.SMALL_SIZE).height
        readouts = column(list(self.ratio_readouts()))
        apply = (0.35 + readouts if readouts else 0.0) + 0.3 + 2 * style.text("0", size=style.SMALL_SIZE).height \
            + 0.35 + style.math("sigma_1 = 0").height
        basis = 0.35 + column(self.basis_rows()) + 0.3 + column(self.form_rows(), buff=0.2)
        top, bottom = style.content_top() - 0.1, style.caption_top() + 0.1
        return (kept + max(apply, basis) + self.PANEL_GAP + 0.1) / (top - bottom)

    def build_plane(self, radius: float, step: float) -> NumberPlane:
        """A faint still plane showing ``[-radius, radius]^2`` with equal units, behind everything."""
        plane = self.square_plane(radius, step)
        plane.view_radius = radius
        plane.set_z_index(-1)
        return plane

    def to_scene(self, xy: XY) -> np.ndarray:
        return np.asarray(self.plane.c2p(float(xy[0]), float(xy[1])), dtype=float)

    def span_line(self, direction: XY, color: Any, opacity: float, width: float = 2.0) -> Line:
        """The line through the origin along ``direction``, clipped to the plane's square."""
        d = np.asarray(direction, dtype=float)
        reach = self.plane.view_radius / max(abs(d[0]), abs(d[1]))
        line = Line(self.to_scene(-reach * d), self.to_scene(reach * d), color=color, stroke_width=width)
        return line.set_stroke(opacity=opacity)

    def build_spans(self) -> VGroup:
        """One faint line per distinct fan direction (``v`` and ``-v`` share a span); eigen spans in colour."""
        spans = VGroup()
        seen: list[float] = []
        # the showcase first, so its span wins over the opposite fan vector's
        order = sorted(range(len(self.story.fan)), key=lambda i: i != self.showcase)
        for index in order:
            f = self.story.fan[index]
            angle = f.angle % math.pi
            if any(abs((angle - s + math.pi / 2) % math.pi - math.pi / 2) < 1e-9 for s in seen):
                continue
            seen.append(angle)
            bright = f.eigen_index is not None or index == self.showcase
            line = self.span_line(f.vector, self.fan_color(index), 0.6 if bright else 0.4)
            line.eigen_index = f.eigen_index
            line.fan_index = index
            spans.add(line)
        return spans

    def showcase_index(self) -> int | None:
        """The fan vector knocked furthest off its span (the first of equals), or None if every vector is eigen."""
        fan = self.story.fan
        others = [i for i, f in enumerate(fan) if not f.eigen]
        if not others:
            return None
        return max(others, key=lambda i: (fan[i].knock_off_angle, -i))

    def fan_color(self, index: int) -> Any:
        f = self.story.fan[index]
        if f.eigen_index is not None:
            return EIGEN_COLORS[f.eigen_index]
        if f.eigen:
            return EIGEN_COLORS[0]
        return SHOWCASE_COLOR if index == self.showcase else FAN_COLOR

    def arrow_between(self, start_xy: XY, end_xy: XY, color: Any,
                      width: float = ARROW_WIDTH) -> Arrow:
        """An arrow in plane coordinates; a zero vector is a zero-length, invisible arrow at the origin."""
        start, end = self.to_scene(start_xy), self.to_scene(end_xy)
        if np.linalg.norm(end - start) < 1e-9:
            return Arrow(start, start, buff=0, color=color).set_opacity(0)
        return Arrow(start, end, buff=0, color=color, stroke_width=width, tip_length=TIP_LENGTH,
                     max_tip_length_to_length_ratio=0.4, max_stroke_width_to_length_ratio=10)

    def fan_arrow(self, index: int, t: float) -> Arrow:
        """Fan vector ``index`` part way through the map: ``(1 - t) v + t A v`` (``t = 1``: the story's image)."""
        f = self.story.fan[index]
        tip = (1 - t) * np.array(f.vector) + t * np.array(f.image)
        arrow = self.arrow_between((0, 0), tip, self.fan_color(index), ARROW_WIDTH + (1.5 if f.eigen_index is not None else 0))
        if self.is_mirror(index) and tip @ tip > 0:
            arrow.set_opacity(0.5)  # -v is dimmer than v, so a flip (negative lambda) shows
        arrow.fan_index = index
        arrow.set_z_index(2)  # above the spans and the ellipse's semi-axes
        return arrow

    def is_mirror(self, index: int) -> bool:
        """Whether fan vector ``index`` is minus an eigenvector (the dimmer of the pair)."""
        f = self.story.fan[index]
        return f.eigen_index is not None and np.dot(f.vector, self.story.eigenvectors[f.eigen_index]) < 0

    def build_eigen_labels(self) -> VGroup:
        """``v_i`` beside the tip of each (bright) eigen arrow; they follow the arrows through the map."""
        labels = VGroup()
        for arrow in self.fan_arrows:
            f = self.story.fan[arrow.fan_index]
            if f.eigen_index is None or self.is_mirror(arrow.fan_index):
                continue
            label = back_label(style.math(f"v_{f.eigen_index + 1}", color=EIGEN_COLORS[f.eigen_index]))
            label.arrow = arrow
            label.set_z_index(3)  # above the arrows (z 2): one that still reaches it passes under its backing
            self.place_label(label)
            labels.add(label)
        return labels

    def place_label(self, label: Any) -> None:
        """Just past the arrow's tip along its direction; hidden while the arrow is too short to carry it.

        Where another fan arrow runs through that spot (a matrix that maps every vector near one line sends
        the other images past the eigen tip), it goes beside the tip instead: the first spot clear of every
        arrow. The label is drawn above the arrows on its backing, so one it cannot keep clear of passes under.
        """
        start, end = label.arrow.get_start(), label.arrow.get_end()
        length = float(np.linalg.norm(end - start))
        if length < 0.3:
            show_label(label, False)
            return
        show_label(label, True)
        along = (end - start) / length
        side = np.array([-along[1], along[0], 0.0])
        reach = 0.12 + 0.5 * max(label.width, label.height)
        spots = [end + along * reach, end + side * reach, end - side * reach]
        size = np.array([label.width, label.height]) / 2 + LABEL_CLEARANCE
        segments = [(a.get_start(), a.get_end()) for a in self.fan_arrows
                    if np.linalg.norm(a.get_end() - a.get_start()) > 1e-9]
        clear = [spot for spot in spots if not any(segment_meets_box(a, b, spot, size) for a, b in segments)]
        label.move_to(clear[0] if clear else spots[0])

    def build_unit_circle(self) -> Circle:
        circle = Circle(radius=self.plane.unit, color=ELLIPSE_COLOR, stroke_width=3, num_components=17)
        circle.move_to(self.to_scene((0, 0)))
        return circle

    def eigenvalue_rows(self) -> list[Any]:
        """``lambda = ...`` lines in the eigen colours, with what happens along each direction."""
        story = self.story
        if story.kind == "complex":
            (a, b), _ = story.eigenvalues
            return [
                style.math(f"lambda = {fmt(a)} plus.minus {fmt(b)} i", color=style.HIGHLIGHT_COLOR),
                style.math(f"theta = {degrees(self.turn_and_scale()[0])}, quad r = {fmt(self.turn_and_scale()[1])}"),
                style.text(self.tr("no real eigenvector", "没有实特征向量"), size=style.SMALL_SIZE,
                           color=style.MUTED_COLOR),
            ]
        if story.kind == "repeated-scalar":
            shown = fmt(story.stretch[0])
            return [
                style.math(f"lambda_1 = lambda_2 = {shown}", color=EIGEN_COLORS[0]),
                style.text(self.tr("every vector is an eigenvector", "每个向量都是特征向量"), size=style.SMALL_SIZE,
                           color=style.MUTED_COLOR),
            ]
        rows: list[Any] = []
        if story.kind == "defective":
            rows.append(style.math(f"lambda_1 = lambda_2 = {fmt(story.stretch[0])}", color=EIGEN_COLORS[0]))
            rows.append(style.text(self.tr("one eigen direction only", "只有一个特征方向"), size=style.SMALL_SIZE,
                                   color=style.MUTED_COLOR))
            return rows
        for i, (value, note) in enumerate(zip(story.stretch, story.notes)):
            line = VGroup(style.math(f"lambda_{i + 1} = {fmt(value)}", color=EIGEN_COLORS[i]),
                          style.text(self.tr(note, NOTES_ZH[note]), size=style.SMALL_SIZE, color=style.MUTED_COLOR))
            line.arrange(RIGHT, buff=0.25)
            rows.append(line)
        return rows

    def turn_and_scale(self) -> tuple[float, float]:
        """The turn theta and scaling r of complex eigenvalues r e^(+/- i theta) (only complex stories hold them)."""
        angle, scale = self.story.rotation_angle, self.story.scale
        if angle is None or scale is None:
            raise ValueError(f"a {self.story.kind} matrix has no turn and scaling")
        return angle, scale

    def build_matrix_panel(self) -> VGroup:
        return self.panel_column(style.math(f"A = {typst_matrix(self.story.matrix)}"), top=self.panel_top)

    def ratio_readouts(self) -> VGroup:
        """Live ``|A v_i| / |v_i|`` readouts, one per eigen direction drawn (one for a scalar matrix)."""
        story = self.story
        count = 1 if story.kind == "repeated-scalar" else len(story.eigenvectors)
        readouts = VGroup()
        for i in range(count):
            label = "|A v| slash |v|" if story.kind == "repeated-scalar" else f"|A v_{i + 1}| slash |v_{i + 1}|"
            readout = Readout(label, 1.0, story_field=None, color=EIGEN_COLORS[i])
            readout.eigen_index = i
            readouts.add(readout)
        return readouts

    def zoom_note(self) -> Any | None:
        """A line under the matrix A saying the view was zoomed out, and the grid step, when it was."""
        fit = self.story.fit
        if not fit.zoomed_out:
            return None
        factor = fmt(fit.view_radius / fit.start_view_radius)
        words = self.tr(f"view zoomed out {factor}x, grid step {fmt(fit.grid_step)}",
                        f"视图缩小 {factor} 倍，网格间距 {fmt(fit.grid_step)}")
        note = style.text(words, size=style.SMALL_SIZE, color=style.MUTED_COLOR)
        if note.width > self.text_panel.width:  # shrunk to fit a narrow panel it would be too small to read
            note = style.text(words.replace(", ", ",\n").replace("，", "，\n"), size=style.SMALL_SIZE,
                              color=style.MUTED_COLOR)
        return self.panel_column(note, top=self.panel_matrix.get_bottom()[1] - 0.2)

    # -- beats --------------------------------------------------------------------------------------

    def beat_fan(self) -> None:
        self.beat("fan", en="Unit vectors around a circle, each on its span (a line).",
                  zh="单位圆上的一圈向量，各自落在自己的张成直线上。")
        self.play(FadeIn(self.plane), FadeIn(self.panel_matrix), run_time=0.8)
        self.play(Create(self.spans, lag_ratio=0.05), Create(self.circle), run_time=1.2)
        self.play(*(GrowArrow(a) for a in self.fan_arrows), run_time=1.2)
        self.eigen_labels = self.build_eigen_labels()
        if len(self.eigen_labels):
            self.play(FadeIn(self.eigen_labels), run_time=0.5)
        self.wait(1.5)

    def beat_zoom(self) -> None:
        """Zoom out from the standard view to the story's view before A acts, so its image fits."""
        fit = self.story.fit
        factor = fmt(fit.view_radius / fit.start_view_radius)
        self.beat("zoom", en=f"A's image won't fit this view: zoom out {factor}x first.",
                  zh=f"A 的像超出画面：先把视野缩小 {factor} 倍。")
        old_plane, old_spans = self.plane, self.spans
        shrink = fit.start_view_radius / fit.view_radius
        self.plane = self.build_plane(fit.view_radius, fit.grid_step)
        if len(self.eigen_labels):
            self.play(FadeOut(self.eigen_labels), run_time=0.3)
        self.play(*(m.animate.scale(shrink, about_point=self.plane_center)
                    for m in (old_spans, self.circle, self.fan_arrows)),
                  old_plane.animate.scale(shrink, about_point=self.plane_center).set_opacity(0),
                  FadeIn(self.plane), run_time=1.5)
        self.remove(old_plane)
        # redrawn on the new plane: full-length spans, arrows with tips of the usual size
        self.spans = self.build_spans()
        for arrow in self.fan_arrows:
            arrow.become(self.fan_arrow(arrow.fan_index, 0.0))
        for label in self.eigen_labels:
            self.place_label(label)
        self.zoom_label = self.zoom_note()
        self.play(FadeOut(old_spans), Create(self.spans), FadeIn(self.zoom_label),
                  *([FadeIn(self.eigen_labels)] if len(self.eigen_labels) else []), run_time=1.0)
        self.wait(1.0)

    def apply_caption(self) -> tuple[str, str]:
        story = self.story
        kind = story.kind
        if kind == "complex":
            return ("Apply A: no direction survives, every vector is turned.",
                    "施加 A：没有方向能留下，每个向量都被转离直线。")
        if kind == "repeated-scalar":
            shown = fmt(story.stretch[0])
            return (f"Apply A = {shown}I: every vector is an eigenvector, λ = {shown}.",
                    f"施加 A = {shown}I：每个向量都是特征向量，λ = {shown}。")
        if kind == "defective":
            return ("Apply A, a shear: only one direction stays on its span.",
                    "施加剪切 A：只有一个方向留在自己的直线上。")
        for i, value in enumerate(story.stretch):
            sub = str(i + 1).translate(SUBSCRIPT)
            if value == 0.0:
                return (f"Apply A: λ{sub} = 0 squashes its eigenvector to the origin.",
                        f"施加 A：λ{sub} = 0 把这条特征方向压缩到原点。")
        for i, value in enumerate(story.stretch):
            sub = str(i + 1).translate(SUBSCRIPT)
            if value < 0:
                return (f"Apply A: λ{sub} = {fmt(value)} flips its eigenvector along its line.",
                        f"施加 A：λ{sub} = {fmt(value)} 让特征向量沿原直线翻转。")
        return ("Apply A: eigenvectors stay on their span, the rest don't.",
                "施加 A：特征向量留在自己的直线上，其余向量都被推离。")

    def beat_apply(self) -> None:
        story = self.story
        en, zh = self.apply_caption()
        self.beat("apply", en=en, zh=zh)
        rows = self.eigenvalue_rows()
        self.readouts = self.ratio_readouts()
        for readout in self.readouts:  # fitted to the panel at the widest number it will show (788.394)
            i = readout.eigen_index
            self.text_panel.fit(readout, [1.0, abs(story.stretch[i]), story.length_ratio[i]])
        self.panel_eigen = self.panel_column(*rows, top=self.panel_bottom() - 0.3)
        self.panel_readouts = self.panel_column(*self.readouts, top=self.panel_eigen.get_bottom()[1] - 0.35) \
            if len(self.readouts) else VGroup()
        self.play(FadeIn(self.panel_eigen), FadeIn(self.panel_readouts), run_time=0.6)

        progress = ValueTracker(0.0)

        def follow(arrow: Arrow) -> None:
            arrow.become(self.fan_arrow(arrow.fan_index, progress.get_value()))

        def ratio(readout: Readout) -> None:
            # the interpolated eigen arrow (1 - t) v + t lambda v, from the story's lambda
            t = progress.get_value()
            readout.set_value(abs((1 - t) + t * story.stretch[readout.eigen_index]))

        for arrow in self.fan_arrows:
            arrow.add_updater(follow)
        for readout in self.readouts:
            readout.add_updater(ratio)
        for label in self.eigen_labels:
            label.add_updater(self.place_label)
        origin = self.to_scene((0, 0))
        self.play(progress.animate.set_value(1.0),
                  ApplyMatrix(np.array(story.matrix), self.circle, about_point=origin),
                  run_time=3.5, rate_func=linear)
        for mob in [*self.fan_arrows, *self.readouts, *self.eigen_labels]:
            mob.clear_updaters()
        for arrow in self.fan_arrows:
            arrow.become(self.fan_arrow(arrow.fan_index, 1.0))
        for label in self.eigen_labels:
            self.place_label(label)
        for readout in self.readouts:
            readout.story_field = f"length_ratio.{readout.eigen_index}"
            readout.set_value(story.length_ratio[readout.eigen_index])
        if self.showcase is not None:
            self.knock_off_arc = self.build_knock_off_arc(self.showcase)
            angle = degrees(story.fan[self.showcase].knock_off_angle)
            self.panel_knock = self.panel_column(self.knock_off_note(angle), top=self.panel_bottom() - 0.3)
            self.play(Create(self.knock_off_arc), FadeIn(self.panel_knock), run_time=0.8)
        self.wait(2.0)

    def knock_off_note(self, angle: str) -> Any:
        """The note under the readouts naming the showcase vector by the colour the theme shows it in;
        on two lines (after the colon) when one would be shrunk to fit a narrow panel.
        """
        if self.look.theme == "light":
            name, words = self.tr("black:", "黑色向量："), self.tr(f"knocked off its span by {angle}", f"偏离自身直线 {angle}")
        else:
            name, words = self.tr("white:", "白色向量："), self.tr(f"knocked off its span by {angle}", f"偏离自身直线 {angle}")
        gap = "" if self.lang == "zh" else " "
        note = style.text(f"{name}{gap}{words}", size=style.SMALL_SIZE, color=SHOWCASE_COLOR)
        if note.width > self.text_panel.width:
            note = style.text(f"{name}\n{words}", size=style.SMALL_SIZE, color=SHOWCASE_COLOR)
        return note

    def panel_bottom(self) -> float:
        """The lowest y of the text panel's rows shown so far."""
        rows = [m for m in (self.panel_matrix, getattr(self, "zoom_label", None), getattr(self, "panel_eigen", None),
                            getattr(self, "panel_readouts", None), getattr(self, "panel_knock", None))
                if m is not None and len(m)]
        return min(m.get_bottom()[1] for m in rows)

    def build_knock_off_arc(self, index: int) -> Arc:
        """An arc at the origin from the span of fan vector ``index`` to its image ``A v``."""
        f = self.story.fan[index]
        v, image = np.array(f.vector), np.array(f.image)
        on_span = v if v @ image >= 0 else -v  # the end of the span nearer to A v
        start = math.atan2(on_span[1], on_span[0])
        turn = (math.atan2(image[1], image[0]) - start + math.pi) % (2 * math.pi) - math.pi
        radius = 0.55 * min(math.hypot(*image) * self.plane.unit, 1.3)  # scene units, inside the eigen labels
        arc = Arc(radius=radius, start_angle=start, angle=turn, arc_center=self.to_scene((0, 0)),
                  color=SHOWCASE_COLOR, stroke_width=3)
        arc.fan_index = index
        return arc

    def ellipse_caption(self) -> tuple[str, str]:
        story = self.story
        shape = story.ellipse.shape
        if shape == "circle":
            r = fmt(story.ellipse.semi_axes[0])
            return (f"The unit circle stays a circle, radius σ = {r}.", f"单位圆仍是圆，半径 σ = {r}。")
        if shape == "segment":
            return ("det A = 0: the unit circle collapses to a segment.", "det A = 0：单位圆被压成一条线段。")
        if shape == "point":
            return ("A = 0: the unit circle collapses to a point.", "A = 0：单位圆被压成一个点。")
        return ("The unit circle becomes an ellipse: semi-axes σ₁, σ₂.",
                "单位圆变成椭圆，半轴长为奇异值 σ₁、σ₂。")

    def build_semi_axes(self) -> VGroup:
        """Segments from the origin to ``sigma_i u_i`` (the ellipse's semi-axes) in their colours."""
        ellipse = self.story.ellipse
        group = VGroup()
        for i, (sigma, axis) in enumerate(zip(ellipse.semi_axes, ellipse.axes)):
            end = sigma * np.array(axis)
            # dashed and on top: the arrows along the same direction show through the gaps
            line = DashedLine(self.to_scene((0, 0)), self.to_scene(end), color=AXIS_COLORS[i], stroke_width=5,
                              dash_length=0.12)
            line.set_z_index(3)
            line.axis_index = i
            group.add(line)
        return group

    def beat_ellipse(self) -> None:
        story = self.story
        en, zh = self.ellipse_caption()
        self.beat("ellipse", en=en, zh=zh)
        self.semi_axes = self.build_semi_axes()
        s1, s2 = story.ellipse.semi_axes
        rows = [style.math(f"sigma_1 = {fmt(s1)}", color=AXIS_COLORS[0]),
                style.math(f"sigma_2 = {fmt(s2)}", color=AXIS_COLORS[1])]
        sigma_row = VGroup(*rows).arrange(RIGHT, buff=0.5)
        self.panel_sigma = self.panel_column(sigma_row, top=self.panel_bottom() - 0.35)
        eigen_spans = [s for s in self.spans if s.eigen_index is not None]
        others = [a for a in self.fan_arrows if not story.fan[a.fan_index].eigen and a.fan_index != self.showcase]
        self.play(self.circle.animate.set_stroke(width=5),
                  # opaque: at 0.9 the light theme's green was 4.2:1 on white
                  *(s.animate.set_stroke(width=5, opacity=1.0) for s in eigen_spans),
                  *(a.animate.set_opacity(0.45) for a in others),
                  Create(self.semi_axes), FadeIn(self.panel_sigma), run_time=1.5)
        self.wait(2.5)

    def basis_captions(self) -> tuple[tuple[str, str], tuple[str, str]]:
        story = self.story
        form = story.basis.form
        if story.kind == "repeated-scalar":
            shown = fmt(story.stretch[0])
            return ((f"A = {shown}I is already diagonal: any basis is an eigenbasis.",
                     f"A = {shown}I 本身就是对角阵：任何基都是特征基。"),
                    (f"It stretches every direction by the same λ = {shown}.",
                     f"它把每个方向都拉伸相同的 λ = {shown} 倍。"))
        if form == "diagonal":
            d = ", ".join(fmt(x) for x in story.stretch)
            return (("Change basis with P⁻¹: the eigenvectors become the axes.",
                     "用 P⁻¹ 换基：特征向量变成坐标轴。"),
                    (f"In the eigenbasis A is D = diag({d}): a pure stretch.",
                     f"在特征基下 A 就是 D = diag({d})：纯拉伸。"))
        if form == "shear":
            return (("Best basis: the eigenvector and a perpendicular one.",
                     "最好的基：特征向量加一个与之垂直的向量。"),
                    ("There A is still a shear: no basis makes it a pure stretch.",
                     "在这组基下 A 仍是剪切：无法化为纯拉伸。"))
        angle, scale = self.turn_and_scale()
        turn, r = degrees(angle), fmt(scale)
        return (("Change basis with P⁻¹ to where A is a turn and a scaling.",
                 "用 P⁻¹ 换基：在新坐标里 A 是旋转加缩放。"),
                (f"There A turns by {turn} and scales by {r}: no direction survives.",
                 f"在新坐标中 A 旋转 {turn} 并缩放 {r} 倍：没有方向保持不变。"))

    def build_basis_patch(self) -> VGroup:
        """The square ``[-1, 1]^2`` of basis coordinates with its grid lines and its unit circle.

        Each piece keeps its points in basis coordinates (``patch.segments``,
        ``patch.circle.base``); :meth:`draw_patch` draws them at ``M c`` for
        the matrix ``M`` of the moment, so a collapsing ``M`` never breaks them.
        """
        patch = VGroup()
        ticks = np.linspace(-1.0, 1.0, 5)
        segments = []
        for k, c in enumerate(ticks):
            for ends in (((c, -1.0), (c, 1.0)), ((-1.0, c), (1.0, c))):
                edge = k in (0, len(ticks) - 1)
                line = Line(color=style.SECONDARY_COLOR, stroke_width=2.5 if edge else 1.5)
                line.set_stroke(opacity=0.9 if edge else 0.6)
                patch.add(line)
                segments.append(ends)
        patch.segments = np.array(segments, dtype=float)
        circle = Circle(radius=1.0, color=ELLIPSE_COLOR, stroke_width=4, num_components=17)
        circle.base = np.array(circle.points[:, :2])  # a unit circle at the origin, in plane units
        patch.add(circle)
        patch.circle = circle
        return patch

    def to_scene_many(self, xy: np.ndarray) -> np.ndarray:
        """Plane coordinates (N x 2) to scene points (N x 3) through the plane's affine map."""
        origin = self.to_scene((0, 0))
        ex, ey = self.to_scene((1, 0)) - origin, self.to_scene((0, 1)) - origin
        return origin + xy[:, [0]] * ex + xy[:, [1]] * ey

    def draw_patch(self, patch: VGroup, matrix_now: np.ndarray) -> VGroup:
        """Draw every piece of ``patch`` at ``matrix_now @ c`` (in place)."""
        lines = [m for m in patch if m is not patch.circle]
        for line, ends in zip(lines, patch.segments):
            line.set_points_as_corners(self.to_scene_many(ends @ matrix_now.T))
        patch.circle.points = self.to_scene_many(patch.circle.base @ matrix_now.T)
        patch.matrix_now = matrix_now
        return patch

    def basis_colors(self) -> tuple[Any, Any]:
        form = self.story.basis.form
        if form == "diagonal":
            return EIGEN_COLORS
        if form == "shear":
            return EIGEN_COLORS[0], FAN_COLOR  # the eigenvector and a perpendicular that is not one
        return AXIS_COLORS  # neither column of a rotation basis is an eigenvector

    def basis_arrows(self, matrix_now: np.ndarray) -> VGroup:
        """The basis vectors as they are drawn now: the columns of ``matrix_now``."""
        colors = self.basis_colors()
        return VGroup(*(self.arrow_between((0, 0), matrix_now[:, i], colors[i], ARROW_WIDTH + 1.5) for i in range(2)))

    def basis_rows(self) -> list[Any]:
        """The change of basis's panel rows: ``A = P D P^-1`` (or ``P M P^-1``) and ``P``; ``A = a I`` for a scalar A."""
        story = self.story
        if story.kind == "repeated-scalar":
            return [style.math(f"A = {fmt(story.stretch[0])} I")]
        diagonal = story.basis.form == "diagonal"
        rows = [style.math("A = P D P^(-1)" if diagonal else "A = P M P^(-1)")]
        p = style.math(f"P = {'mat(v_1, v_2) = ' if diagonal else ''}{typst_matrix(story.basis.P)}")
        panel = getattr(self, "text_panel", None)  # none yet while portrait_panel_share measures the rows
        if diagonal and panel is not None and p.width > panel.width:
            # long entries (1.45 times 10^(-8)) in a narrow panel: on two lines, not shrunk past reading
            return [*rows, style.math("P = mat(v_1, v_2)"), style.math(f"= {typst_matrix(story.basis.P)}")]
        return [*rows, p]

    def beat_change_of_basis(self) -> None:
        story = self.story
        (en, zh), self._simplest_caption = self.basis_captions()
        self.beat("change-of-basis", en=en, zh=zh)
        p = np.array(story.basis.P)
        self.patch = self.draw_patch(self.build_basis_patch(), p)
        self.basis_vectors = self.basis_arrows(p)
        leaving = [self.fan_arrows, self.eigen_labels, self.circle, self.semi_axes, self.spans, self.panel_readouts,
                   self.panel_sigma]
        if self.showcase is not None:
            leaving += [self.knock_off_arc, self.panel_knock]
        self.play(*(FadeOut(m) for m in leaving), run_time=0.8)
        self.panel_basis = self.panel_column(*self.basis_rows(), top=self.panel_eigen.get_bottom()[1] - 0.35)
        self.play(Create(self.patch), *(GrowArrow(a) for a in self.basis_vectors), FadeIn(self.panel_basis),
                  run_time=1.2)
        # the arrows were added one by one; the group's updater needs the group itself in the scene
        self.remove(*self.basis_vectors)
        self.add(self.basis_vectors)
        self.wait(0.8)
        if not np.allclose(p, np.eye(2)):
            self.move_basis_picture(lambda t: (1 - t) * p + t * np.eye(2))
        self.wait(1.5)

    def move_basis_picture(self, path: Any, run_time: float = 2.5) -> None:
        """Redraw the patch and the basis arrows at ``path(t)`` as ``t`` runs from 0 to 1."""
        progress = ValueTracker(0.0)

        def follow(group: VGroup) -> None:
            now = path(progress.get_value())
            self.draw_patch(self.patch, now)
            group.become(self.basis_arrows(now))

        self.basis_vectors.add_updater(follow)
        self.play(progress.animate.set_value(1.0), run_time=run_time, rate_func=linear)
        self.basis_vectors.clear_updaters()
        follow_end = path(1.0)
        self.draw_patch(self.patch, follow_end)
        self.basis_vectors.become(self.basis_arrows(follow_end))

    def simplest_path(self) -> Any:
        """From I to the simplest form M: turning at a steady rate for a rotation, else in a straight line."""
        story = self.story
        m = np.array(story.basis.M)
        if story.basis.form == "rotation-scale":
            theta, r = self.turn_and_scale()

            def turn(t: float) -> np.ndarray:
                if t >= 1.0:
                    return m  # the story's matrix itself at the end
                c, s = math.cos(t * theta), math.sin(t * theta)
                return r**t * np.array([[c, -s], [s, c]])

            return turn
        return lambda t: m if t >= 1.0 else (1 - t) * np.eye(2) + t * m

    def form_rows(self) -> list[Any]:
        """The simplest form's panel rows: ``D`` or ``M`` and, for a turn, where it is a true turn."""
        story = self.story
        name = "D" if story.basis.form == "diagonal" else "M"
        rows = [style.math(f"{name} = {typst_matrix(story.basis.M)}")]
        if story.basis.form == "rotation-scale":
            # the turn is exact in the plane only when A itself is a scaled rotation
            note = (self.tr("A itself is this turn and scaling", "A 本身就是这个旋转加缩放") if story.rotation_exact
                    else self.tr("a true turn only in the basis P", "只在基 P 下才是真正的旋转"))
            rows.append(style.text(note, size=style.SMALL_SIZE, color=style.MUTED_COLOR))
        return rows

    def beat_simplest_form(self) -> None:
        en, zh = self._simplest_caption
        self.beat("simplest-form", en=en, zh=zh)
        self.panel_form = self.panel_column(*self.form_rows(), top=self.panel_basis.get_bottom()[1] - 0.3, buff=0.2)
        self.play(FadeIn(self.panel_form), run_time=0.6)
        self.move_basis_picture(self.simplest_path())
        self.wait(1.5)
