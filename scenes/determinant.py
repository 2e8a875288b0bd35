"""The determinant is how much a matrix scales areas and volumes: the ``determinant`` explainer (storyboard 2).

2x2: the plane with a grid, i-hat and j-hat and the shaded unit square; the
matrix M(t) = (1 - t) I + t A is applied for t from 0 to 1 and grid, basis
vectors, square, an orientation arrow and a blob all move together. The
signed-area readout is measured from the drawn square at every frame (its
corners read back through the still plane's coordinates), the blob's area
ratio likewise; both end at det A. Where M(t) is singular the square is flat
(area 0) and, past a sign change, the orientation arrow turns clockwise and
the square turns red: the plane is flipped. det A = 0 ends on a line. Then
the mirror B is applied after A and the same live readout shows
det(BA) = det B det A. A large A is drawn zoomed out (story.fit), and a
panel line says so.

3x3: the same story in space: the unit cube (6 faces) becomes a
parallelepiped whose live volume (triple product of the drawn corners) ends
at det A, with the triad A e1, A e2, A e3 turning left-handed when det A < 0.

Every number comes from :func:`mathviz.stories.determinant.determinant_story`; the scene
draws M(t) with :func:`mathviz.stories.determinant.interpolant` and measures with
:func:`mathviz.stories.determinant.shoelace_area` / :func:`mathviz.stories.determinant.parallelepiped_volume`.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from typing import Any

import numpy as np
from manim import (
    DEGREES,
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    Indicate,
    Line,
    Polygon,
    SurroundingRectangle,
    ThreeDAxes,
    ValueTracker,
    VGroup,
    VMobject,
    smooth,
)

from mathviz.stories import determinant as linalg
from mathviz.stories.determinant import DeterminantStory
from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerThreeDScene
from mathviz_scenes.components.layout import Box, split_frame
from mathviz_scenes.components.panel import Panel, frame_right, widest_value
from mathviz_scenes.components.plane import (
    I_HAT_COLOR,
    J_HAT_COLOR,
    K_HAT_COLOR,
    back_label,
    coordinate_plane,
    from_scene,
    grid_lines,
    separate_labels,
    set_polyline,
    show_label,
    to_scene,
    update_grid_lines,
    vector_arrow,
)
from mathviz_scenes.components.readout import Readout

__all__ = ["AreaScaling", "format_entry"]

#: The 16:9 layout (tuned by eye): the plane (or space) in a box left of the readout panel, above the
#: caption band, and the panel's top-left corner. Square and portrait frames are split by split_frame.
WIDE_REGION = Box(-6.9, 2.0, -3.3, 3.7)
WIDE_PANEL_CORNER = (2.45, 3.7)
#: Space between the plot box and the panel in square and portrait frames.
SPLIT_GAP = 0.35
#: The plot box keeps this much clear space inside its split of a square or portrait frame.
REGION_INSET = 0.1
#: Room kept between the panel and the frame's edges in square and portrait frames for Indicate, which
#: scales a readout by 1.1 about its centre (a 4-unit readout grows 0.2 each way).
INDICATE_ROOM = 0.25
#: Space between the panel's rows and the highlight box drawn round the result, and the room a panel under the
#: plot keeps below its last row for it (the buff, the box's stroke and a margin): the box stays out of the caption band.
BOX_BUFF = 0.12
BOX_ROOM = BOX_BUFF + 0.06
SHAPE_COLOR = style.ACCENT_COLOR
#: The camera for the 3x3 story: high enough to see the top face, turned to show three faces.
CAMERA_PHI = 68 * DEGREES
CAMERA_THETA = -52 * DEGREES
#: How far the camera turns at the end of the 3x3 story, to show the solid's depth.
CAMERA_TURN = 35 * DEGREES
#: A solid whose thinnest extent is below this fraction of its largest is a slab: seen edge-on it is a sliver.
SLAB_RATIO = 0.25
#: A slab must be seen at least this far (degrees) from edge-on, before and after the camera's turn.
SLAB_VIEW_DEGREES = 40.0
#: Where no azimuth gives that, the nearest one that shows it this far from edge-on (the frame guard calls a
#: flat shape within 15 degrees of edge-on a sliver) rather than the best, which may face the other way.
FLAT_VIEW_DEGREES = 25.0
#: A distant camera: nearly parallel projection, so the solid left of centre is not skewed.
FOCAL_DISTANCE = 60.0
#: The perspective camera draws near points larger; keep this much slack in 3D.
PERSPECTIVE_SLACK = 1.08


def camera_direction(phi: float, theta: float) -> np.ndarray:
    """The unit vector from the origin towards Manim's 3D camera at polar angle ``phi`` and azimuth ``theta``."""
    return np.array([np.sin(phi) * np.cos(theta), np.sin(phi) * np.sin(theta), np.cos(phi)])


def camera_theta_for(matrix: np.ndarray, phi: float = CAMERA_PHI, default: float = CAMERA_THETA,
                     turn: float = CAMERA_TURN, flats: Sequence[np.ndarray] = ()) -> float:
    """The camera's azimuth for the 3x3 story, chosen from the shape of the solid A makes of the unit cube.

    A solid with depth is seen well from the default corner. A slab (its thinnest extent, the smallest
    singular value of A, below :data:`SLAB_RATIO` of its largest) seen near edge-on is a sliver, so the
    azimuth is the one nearest the default from which the slab's face is seen at least
    :data:`SLAB_VIEW_DEGREES` from edge-on both before and after the final turn (else the best there is).
    ``flats`` are the matrices M(t) the path pauses at because det M(t) = 0: a plane (rank 2) is a solid
    with no depth at all, seen before the turn, so its face counts the same way (before the turn only).
    A line or a point (rank 1 or 0) has no face to show: the default.
    """
    faces: list[tuple[np.ndarray, bool]] = []  # (a flat shape's normal, also seen after the turn)
    for shape, after_turn, ratio in ((matrix, True, SLAB_RATIO), *((flat, False, 0.0) for flat in flats)):
        u, sizes, _ = np.linalg.svd(np.asarray(shape, dtype=float))
        if sizes[0] > 0 and sizes[1] >= 1e-9 * sizes[0] and sizes[2] <= max(ratio * sizes[0], 1e-9 * sizes[0]):
            faces.append((u[:, 2], after_turn))
    if not faces:
        return default

    def seen(theta: float) -> float:  # sine of the smallest angle between the view and a flat shape's plane
        return min(abs(float(normal @ camera_direction(phi, view)))
                   for normal, after_turn in faces for view in ((theta, theta + turn) if after_turn else (theta,)))

    offsets = np.radians(np.arange(1, 181))
    candidates = [default, *(default + sign * offset for offset in offsets for sign in (1, -1))]
    for degrees in (SLAB_VIEW_DEGREES, FLAT_VIEW_DEGREES):  # nearest the default: well seen, else clearly a face
        wanted = np.sin(np.radians(degrees))
        good = [theta for theta in candidates if seen(theta) >= wanted]
        if good:
            return good[0]
    return max(candidates, key=seen)


def format_entry(value: float) -> str:
    """A matrix entry or determinant as printed: up to 3 decimals, no trailing zeros, no ``-0``."""
    value = float(value) + 0.0
    if value == 0.0:
        return "0"
    if abs(value) < 1e-3:
        return f"{value:.1e}"
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _shown(value: float, decimals: int) -> float:
    # A drawn area of -1e-17 would print as "-0.000"; it is 0 to the readout's precision.
    return 0.0 if abs(value) < 0.5 * 10.0**-decimals else value


class AreaScaling(ExplainerThreeDScene):
    """Unit square (cube) to parallelogram (parallelepiped): its signed area (volume) is det A."""

    scene_name = "determinant"
    story: DeterminantStory

    #: Decimals of the live area/volume readouts.
    decimals = 3

    def construct(self) -> None:
        self.t = ValueTracker(0.0)
        #: The second step (2x2): the mirror B applied after A, from s = 0 to 1.
        self.s = ValueTracker(0.0)
        if self.story.dim == 2:
            self.construct_plane()
        else:
            self.construct_space()

    # -- shared ---------------------------------------------------------------------------------------

    def matrix_at(self, t: float, s: float = 0.0) -> np.ndarray:
        """M(t) = (1 - t) I + t A, then (2x2) the mirror B up to s: the story's own formulas."""
        if s == 0.0:
            return linalg.interpolant(self.story.matrix, t)
        return linalg.two_step(self.story.matrix, self.mirror.b, t, s)

    @property
    def blob_story(self) -> linalg.Shape:
        """The blob of a 2x2 story (a 3x3 story has none)."""
        if self.story.shape is None:
            raise ValueError("a 3x3 story has no blob")
        return self.story.shape

    @property
    def mirror(self) -> linalg.Product:
        """The mirror B applied after A in a 2x2 story (a 3x3 story has none)."""
        if self.story.product is None:
            raise ValueError("a 3x3 story has no mirror step")
        return self.story.product

    def drawn_matrix(self) -> np.ndarray:
        """The matrix everything is drawn with at this frame."""
        return self.matrix_at(self.t.get_value(), self.s.get_value())

    def matrix_label(self) -> VMobject:
        rows = "; ".join(", ".join(format_entry(v) for v in row) for row in self.story.matrix)
        return style.math(f"A = mat({rows})", size=style.LABEL_SIZE)

    def zoom_note(self) -> VMobject | None:
        """A line saying the view is zoomed out (story.fit > 1), so nothing is drawn off-frame."""
        fit = self.story.fit
        if fit <= 1.0:
            return None
        factor = f"{fit:.1f}"
        content = f"视图缩小 {factor} 倍" if self.lang == "zh" else f"view zoomed out {factor}×"
        return style.text(content, size=style.SMALL_SIZE, color=style.MUTED_COLOR)

    def stops(self) -> list[tuple[float, int, linalg.SingularPoint | None]]:
        """Where the animation of t pauses: each singular t before 1, then 1; with its path index."""
        index = {kf.t: i for i, kf in enumerate(self.story.path)}
        points = [(p.t, index[p.t], p) for p in self.story.singular if p.t < 1.0]
        return points + [(1.0, index[1.0], None)]

    def build_panel(self, measure_label: str) -> None:
        """The readouts on the right: A, the path formula, t, the live measure and (2D) the blob ratio."""
        self.matrix_tex = self.matrix_label()
        self.path_formula = style.math("M(t) = (1 - t) I + t A", size=style.READOUT_SIZE)
        self.t_readout = Readout("t", 0.0, story_field="path.0.t", decimals=2)
        self.measure_readout = Readout(measure_label, 1.0, story_field="path.0.det", decimals=self.decimals)
        self.measure_readout.number.set_color(style.POSITIVE_COLOR)  # the number takes the sign's colour
        self.orientation_label = self.orientation_words()
        rows: list[VMobject] = [self.matrix_tex, self.path_formula, self.t_readout, self.measure_readout]
        if self.story.shape is not None:
            self.ratio_readout = Readout(self.tr('"blob area ratio"', '"色块面积比"'), 1.0, story_field="path.0.det",
                                         decimals=self.decimals,
                                         color=SHAPE_COLOR)
            rows.append(self.ratio_readout)
        rows.append(self.orientation_label)
        self.det_readout = Readout("det A", self.story.det, story_field="det", decimals=self.decimals,
                                   color=style.HIGHLIGHT_COLOR)
        rows.append(self.det_readout)
        self.product_readout = None
        if self.story.product is not None:
            self.product_readout = Readout("det(B A)", self.story.product.det, story_field="product.det",
                                           decimals=self.decimals, color=style.HIGHLIGHT_COLOR)
            rows.append(self.product_readout)
        note = self.zoom_note()
        if note is not None:
            rows.append(note)
        self.zoom_label = note
        self.panel = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        self.layout()

    def measure_values(self) -> list[float]:
        """Every value the live area/volume readouts show at a keyframe (the widest sets their room)."""
        s = self.story
        values = [kf.det for kf in s.path] + [s.det, 1.0]
        if s.shape is not None:
            values.append(s.shape.ratio)
        if s.product is not None:
            values += [s.product.det, s.product.image_measure, s.product.shape_ratio]
        return values

    def layout(self) -> None:
        """Where the plot box and the panel go for this frame; places the (built) panel.

        16:9: the tuned box left of the panel. Portrait: the panel under the plot, the plot taking every
        unit of height the panel leaves. Square: side by side (a panel below would leave the plot a strip),
        the panel at most 42 % of the width, a row too wide shrunk alone while showing its widest number.
        """
        frame = style.frame()
        if frame.landscape:
            self.region = WIDE_REGION
            room = frame_right() - WIDE_PANEL_CORNER[0]
            if self.matrix_tex.width > room:  # long entries (1.0e-05): the matrix shrinks alone, never off the frame
                self.matrix_tex.scale_to_fit_width(room)
                self.panel.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
            self.panel.next_to([*WIDE_PANEL_CORNER, 0], DOWN + RIGHT, buff=0)
            return
        live = [self.measure_readout] + ([self.ratio_readout] if self.story.shape is not None else [])
        with ExitStack() as stack:
            for readout in live:
                stack.enter_context(widest_value(readout, self.measure_values()))
            natural = self.panel.width
        # under the plot, the highlight box round the last rows needs its buff (and stroke) above the caption band
        split = split_frame(panel_width=natural + INDICATE_ROOM, panel_height=self.panel.height + BOX_ROOM,
                            gap=SPLIT_GAP, stack_square=False)
        left = split.panel.left + (INDICATE_ROOM if split.stacked else 0.0)  # beside the plot: the gap gives room
        panel = Panel(left, split.panel.top, right=split.panel.right - INDICATE_ROOM)
        for row in self.panel:
            panel.fit(row, self.measure_values() if row in live else ())
        self.panel.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        panel.place(self.panel)
        plot = split.plot
        self.region = Box(plot.left + REGION_INSET, plot.right - REGION_INSET, plot.bottom + REGION_INSET,
                          plot.top - REGION_INSET)

    def orientation_words(self) -> VGroup:
        """"orientation: preserved / reversed / flat" (2D) or the triad's handedness (3D), stacked in place.

        All three are built once and only the one for the current sign is visible: a
        mobject created mid-animation would not be drawn by Cairo (it renders the
        families it collected when the animation began) nor be fixed in the frame.
        """
        zh = self.lang == "zh"
        if self.story.dim == 2:
            words = (("方向：保持", "方向：反转", "方向：压扁") if zh
                     else ("orientation: preserved", "orientation: reversed", "flat: no orientation"))
        else:
            words = (("右手系", "左手系", "压扁") if zh else ("triad: right-handed", "triad: left-handed", "flat: no handedness"))
        colors = (style.POSITIVE_COLOR, style.NEGATIVE_COLOR, style.MUTED_COLOR)
        group = VGroup(*[style.text(w, size=style.READOUT_SIZE, color=c) for w, c in zip(words, colors)])
        for mob in group[1:]:
            mob.move_to(group[0], aligned_edge=LEFT)
        self.show_orientation(group, 1)
        return group

    @staticmethod
    def show_orientation(group: VGroup, sign: int) -> None:
        visible = {1: 0, -1: 1, 0: 2}[sign]
        for k, mob in enumerate(group):
            mob.set_opacity(1.0 if k == visible else 0.0)

    def attach_readouts(self, measure: Any) -> None:
        """Bind the panel to what is drawn: the measure of the drawn shape, t, and the orientation word."""

        def follow_measure(readout: Readout) -> None:
            value = _shown(measure(), self.decimals)
            readout.set_value(value)
            readout.number.set_color(style.POSITIVE_COLOR if value > 0 else style.NEGATIVE_COLOR if value < 0
                                     else style.MUTED_COLOR)

        self.measure_readout.add_updater(follow_measure)
        self.t_readout.add_updater(lambda r: r.set_value(self.t.get_value()))
        self.orientation_label.add_updater(
            lambda g: self.show_orientation(g, int(np.sign(_shown(measure(), self.decimals)))))
        for mob in (self.measure_readout, self.t_readout):
            self.keep_fixed(mob)

    def keep_fixed(self, mob: VMobject) -> None:
        """Keep a live panel item fixed in the frame: set_value and text swaps make new submobjects."""
        camera = self.renderer.camera
        mob.add_updater(lambda m: camera.add_fixed_in_frame_mobjects(m))

    def fix_in_frame(self, *mobs: VMobject) -> None:
        """Pin mobjects to the screen without adding them yet (they fade in later); see overlay()."""
        self.renderer.camera.add_fixed_in_frame_mobjects(*mobs)

    def bind_to_keyframe(self, index: int | None) -> None:
        """Say which story keyframe the live readouts show (None while t moves between keyframes)."""
        self.t_readout.story_field = None if index is None else f"path.{index}.t"
        self.measure_readout.story_field = None if index is None else f"path.{index}.det"
        if self.story.shape is not None:
            last = index is not None and index == len(self.story.path) - 1
            self.ratio_readout.story_field = "shape.ratio" if last else None if index is None else f"path.{index}.det"

    def run_path(self) -> None:
        """Move t from 0 to 1 with a pause (and a beat) at each t where M(t) is singular."""
        start = 0.0
        for t_stop, index, point in self.stops():
            self.bind_to_keyframe(None)
            # about 6 s for the whole path, at least a second for any stretch of it
            self.play(self.t.animate.set_value(t_stop), run_time=max(1.0, 6.0 * (t_stop - start)),
                      rate_func=smooth)
            self.bind_to_keyframe(index)
            self.wait(0.6)
            if point is not None:
                self.beat(*self.singular_caption(point))
                self.play(Indicate(self.measure_readout, color=style.HIGHLIGHT_COLOR, scale_factor=1.1), run_time=1.0)
                self.wait(0.6)
            start = t_stop

    def singular_caption(self, point: linalg.SingularPoint) -> tuple[str, str, str]:
        t = f"{point.t:.2f}"
        plane = self.story.dim == 2
        thing, zh_thing = ("square", "正方形") if plane else ("cube", "立方体")
        measure, zh_measure = ("area", "面积") if plane else ("volume", "体积")
        if point.reverses:
            after = "the plane is flipped over" if plane else "the triad is left-handed"
            zh_after = "平面被翻转" if plane else "三个向量变成左手系"
            if self._flips_seen % 2 == 1:
                after = "it flips back" if plane else "the triad is right-handed again"
                zh_after = "又翻转回来" if plane else "又变回右手系"
            self._flips_seen += 1
            return (f"flat-{t}", f"At t = {t} the {thing} is flat ({measure} 0); past it {after}",
                    f"t = {t} 时{zh_thing}被压扁（{zh_measure} 0），之后{zh_after}")
        return (f"flat-{t}", f"At t = {t} the {thing} is flat ({measure} 0), then it opens out again",
                f"t = {t} 时{zh_thing}被压扁（{zh_measure} 0），随后又张开")

    def result_caption(self) -> tuple[str, str]:
        s = self.story
        d, size = format_entry(s.det), format_entry(abs(s.det))
        plane = s.dim == 2
        if s.orientation == "collapsed":
            onto = {0: ("a point", "一个点"), 1: ("a line", "一条直线"), 2: ("a plane", "一个平面")}[s.rank]
            what, zh_what = ("the plane", "平面") if plane else ("space", "空间")
            measure, zh_measure = ("area", "面积") if plane else ("volume", "体积")
            return (f"det A = 0: {what} collapses onto {onto[0]}, so every {measure} becomes 0",
                    f"det A = 0：{zh_what}被压成{onto[1]}，所有{zh_measure}都变为 0")
        if s.orientation == "reversed":
            if plane:
                return (f"det A = {d} < 0: every area is scaled by {size} and the plane is flipped",
                        f"det A = {d} < 0：面积都乘以 {size}，平面被翻转")
            return (f"det A = {d} < 0: volumes scale by {size} and the triad is left-handed",
                    f"det A = {d} < 0：体积都乘以 {size}，三个向量成左手系")
        if plane:
            return (f"Every area is multiplied by det A = {d}: the square's and the blob's",
                    f"所有面积都乘以 det A = {d}：正方形和色块都一样")
        return (f"Every volume is multiplied by det A = {d}", f"所有体积都乘以 det A = {d}")

    # -- 2x2: the plane --------------------------------------------------------------------------------

    def build_plane(self) -> None:
        self.plane = coordinate_plane(self.story.view, tuple(self.region.center), self.region.width, self.region.height)

    def build_grid(self, t: float, s: float = 0.0) -> VGroup:
        extent, step = self.story.grid_extent, self.story.grid_step
        if extent is None or step is None:
            raise ValueError("a 3x3 story has no grid")
        return grid_lines(self.plane, self.matrix_at(t, s), extent, step)

    def build_basis(self, t: float, s: float = 0.0) -> VGroup:
        """i-hat and j-hat: the columns of M(t), as arrows from the origin."""
        return self.basis_for(self.matrix_at(t, s))

    def basis_for(self, m: np.ndarray) -> VGroup:
        origin, tips = to_scene(self.plane, np.zeros((1, 2)))[0], to_scene(self.plane, m.T)
        return VGroup(vector_arrow(origin, tips[0], I_HAT_COLOR), vector_arrow(origin, tips[1], J_HAT_COLOR))

    def build_square(self, t: float, s: float = 0.0) -> Polygon:
        """The image of the unit square under M(t), filled by the sign of its area."""
        square = Polygon(*to_scene(self.plane, self.story.unit_vertices), stroke_width=3, stroke_color=style.POSITIVE_COLOR,
                         fill_color=style.POSITIVE_COLOR, fill_opacity=0.45)
        return self.place_square(square, self.matrix_at(t, s))

    def place_square(self, square: Polygon, m: np.ndarray) -> Polygon:
        set_polyline(square, to_scene(self.plane, self.story.unit_vertices @ m.T), closed=True)
        sign = np.sign(_shown(self.area_of(square), self.decimals))
        color = style.POSITIVE_COLOR if sign > 0 else style.NEGATIVE_COLOR if sign < 0 else style.MUTED_COLOR
        return square.set_fill(color).set_stroke(color)

    def area_of(self, polygon: VMobject) -> float:
        """Signed area of a drawn polygon, from its corners read back through the plane's coordinates."""
        return linalg.shoelace_area(from_scene(self.plane, polygon.get_vertices()))

    def orientation_points(self) -> tuple[np.ndarray, np.ndarray]:
        """A counter-clockwise arc with an arrow tip inside the unit square (plane coordinates).

        It is pushed through M(t) like everything else, so it turns clockwise exactly when the plane flips.
        """
        center, radius = np.array([0.5, 0.5]), 0.24
        angles = np.linspace(-120, 150, 28) * DEGREES
        arc = center + radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
        end, direction = arc[-1], np.array([-np.sin(angles[-1]), np.cos(angles[-1])])
        normal = np.array([direction[1], -direction[0]])
        tip = np.array([end + 0.12 * direction, end + 0.07 * normal, end - 0.07 * normal])
        return arc, tip

    def build_orientation(self, t: float, s: float = 0.0) -> VGroup:
        arc = VMobject(stroke_color=style.HIGHLIGHT_COLOR, stroke_width=4)
        tip = Polygon(*np.zeros((3, 3)), stroke_width=0, fill_color=style.HIGHLIGHT_COLOR, fill_opacity=1)
        return self.place_orientation(VGroup(arc, tip), self.matrix_at(t, s))

    def place_orientation(self, group: VGroup, m: np.ndarray) -> VGroup:
        arc, tip = self.orientation_points()
        set_polyline(group[0], to_scene(self.plane, arc @ m.T), closed=False)
        set_polyline(group[1], to_scene(self.plane, tip @ m.T), closed=True)
        return group

    def build_blob(self, t: float, s: float = 0.0) -> Polygon:
        blob = Polygon(*to_scene(self.plane, self.blob_story.points), stroke_width=2.5, stroke_color=SHAPE_COLOR,
                       fill_color=SHAPE_COLOR, fill_opacity=0.5)
        return self.place_blob(blob, self.matrix_at(t, s))

    def place_blob(self, blob: Polygon, m: np.ndarray) -> Polygon:
        return set_polyline(blob, to_scene(self.plane, self.blob_story.points @ m.T), closed=True)

    def basis_labels(self) -> VGroup:
        return VGroup(back_label(style.math("hat(i)", size=style.LABEL_SIZE, color=I_HAT_COLOR)),
                      back_label(style.math("hat(j)", size=style.LABEL_SIZE, color=J_HAT_COLOR)))

    def place_basis_labels(self, labels: VGroup, m: np.ndarray) -> VGroup:
        origin = to_scene(self.plane, np.zeros((1, 2)))[0]
        tips = to_scene(self.plane, m.T)
        # Each label sits beyond its tip, turned away from the other vector's side, so the
        # two stay apart when the vectors line up (the moment the square is flat).
        for label, tip, turn in zip(labels, tips, (-55 * DEGREES, 55 * DEGREES)):
            offset = tip - origin
            length = np.linalg.norm(offset)
            if length > 1e-6:
                c, s = np.cos(turn), np.sin(turn)
                direction = offset / length
                direction = np.array([c * direction[0] - s * direction[1], s * direction[0] + c * direction[1], 0.0])
                label.move_to(tip + 0.3 * direction)
                show_label(label, True)
            else:
                show_label(label, False)  # a vector collapsed to the origin has no tip to label
        return separate_labels(labels, origin, tips)

    def construct_plane(self) -> None:
        self.build_panel(self.tr('"signed area"', '"有向面积"'))
        self.build_plane()
        self.grid = self.build_grid(0.0)
        self.basis = self.build_basis(0.0)
        self.square = self.build_square(0.0)
        self.orientation = self.build_orientation(0.0)
        self.blob = self.build_blob(0.0)
        self.labels = self.place_basis_labels(self.basis_labels(), self.matrix_at(0.0))
        self.fix_in_frame(self.panel)

        self.beat("plane", en="î and ĵ span the unit square: its area is 1",
                  zh="î 和 ĵ 张成单位正方形：面积为 1")
        self.play(FadeIn(self.plane), Create(self.grid), run_time=1.2)
        self.play(GrowArrow(self.basis[0]), GrowArrow(self.basis[1]), FadeIn(self.labels), run_time=0.8)
        for mob in (*self.basis, self.labels):
            mob.set_z_index(2)  # the vectors stay on top of the square whose edges they are
        self.play(FadeIn(self.square), Create(self.orientation), FadeIn(self.matrix_tex), FadeIn(self.path_formula),
                  FadeIn(self.t_readout), FadeIn(self.measure_readout), FadeIn(self.orientation_label), run_time=1.0)
        extra = [FadeIn(self.zoom_label)] if self.zoom_label is not None else []
        self.play(FadeIn(self.blob), FadeIn(self.ratio_readout), *extra, run_time=0.8)
        self.wait(1.5)

        # Everything drawn follows t from here on; the panel reads the drawn shapes.
        self.grid.add_updater(lambda g: update_grid_lines(g, self.plane, self.drawn_matrix()))
        # GrowArrow put the arrows themselves (not their group) in the scene: each follows t.
        for k, arrow in enumerate(self.basis):
            arrow.add_updater(lambda a, k=k: a.become(self.basis_for(self.drawn_matrix())[k]))
        self.square.add_updater(lambda q: self.place_square(q, self.drawn_matrix()))
        self.orientation.add_updater(lambda o: self.place_orientation(o, self.drawn_matrix()))
        self.blob.add_updater(lambda b: self.place_blob(b, self.drawn_matrix()))
        self.labels.add_updater(lambda group: self.place_basis_labels(group, self.drawn_matrix()))
        # Readouts update after the shapes they measure (updaters run in scene order).
        self.bring_to_front(self.t_readout, self.measure_readout, self.ratio_readout, self.orientation_label)
        self.attach_readouts(lambda: self.area_of(self.square))
        before = self.blob_story.area_before
        self.ratio_readout.add_updater(lambda r: r.set_value(_shown(self.area_of(self.blob) / before, self.decimals)))
        self.ratio_readout.number.set_color(SHAPE_COLOR)
        self.keep_fixed(self.ratio_readout)

        self._flips_seen = 0
        self.beat("apply", en="Apply A: the grid, î, ĵ and both shapes move together",
                  zh="施加 A：网格、î、ĵ 和两个图形一起变换")
        self.run_path()

        self.beat("result", *self.result_caption())
        self.play(FadeIn(self.det_readout), run_time=0.8)
        frame = SurroundingRectangle(VGroup(self.measure_readout, self.ratio_readout, self.orientation_label,
                                            self.det_readout), color=style.HIGHLIGHT_COLOR, buff=BOX_BUFF)
        self.overlay(frame)
        self.play(Create(frame), run_time=0.8)
        self.wait(2.5)
        self.show_product(frame)

    def product_caption(self) -> tuple[str, str]:
        p = self.mirror

        def factor(value: float) -> str:
            text = format_entry(value)
            return f"({text})" if value < 0 else text

        equation = (f"det(BA) = det B × det A = {factor(p.det_b)} × {factor(self.story.det)} "
                    f"= {format_entry(p.det_b_times_det_a)}")
        return f"Then the mirror B: {equation}", f"再用镜像 B：{equation}"

    def show_product(self, frame: VMobject) -> None:
        """det(BA) = det B det A: the mirror B applied after A, the area readout going on live."""
        p = self.mirror
        rows = "; ".join(", ".join(format_entry(v) for v in row) for row in p.b)
        self.b_label = style.math(f"B = mat({rows})", size=style.LABEL_SIZE)
        self.b_label.next_to(self.path_formula.get_corner(UP + LEFT), DOWN + RIGHT, buff=0)
        self.fix_in_frame(self.b_label)

        self.beat("product", *self.product_caption())
        # out, then in: B takes the place of the path formula and t, which would overlap it mid-fade
        self.play(FadeOut(frame), FadeOut(self.path_formula), FadeOut(self.t_readout), run_time=0.5)
        self.play(FadeIn(self.b_label), run_time=0.5)
        self.bind_to_keyframe(None)
        self.play(self.s.animate.set_value(1.0), run_time=4.0, rate_func=smooth)
        self.measure_readout.story_field = "product.image_measure"
        self.ratio_readout.story_field = "product.shape_ratio"
        self.play(FadeIn(self.product_readout), run_time=0.8)
        box = SurroundingRectangle(VGroup(self.measure_readout, self.ratio_readout, self.orientation_label,
                                          self.product_readout), color=style.HIGHLIGHT_COLOR, buff=BOX_BUFF)
        self.overlay(box)
        self.play(Create(box), run_time=0.8)
        self.wait(2.5)

    # -- 3x3: space ------------------------------------------------------------------------------------

    def build_space(self) -> None:
        """Still axes with equal units, each axis as long as fits in the story's view ball."""
        radius = self.story.view[0]
        center = np.array(self.story.view_center)
        unit = 0.5 * min(self.region.width, self.region.height) / (radius * PERSPECTIVE_SLACK)
        ranges, lengths = [], []
        for k in range(3):
            # the points (x, 0, 0) within the view ball: x = c_x +- sqrt(R^2 - c_y^2 - c_z^2)
            half = 0.95 * np.sqrt(max(radius**2 - float(center @ center) + center[k] ** 2, 0.0))
            lo, hi = min(center[k] - half, -0.2), max(center[k] + half, 0.2)
            ranges.append([lo, hi, 1.0])
            lengths.append((hi - lo) * unit)
        self.axes = ThreeDAxes(
            x_range=ranges[0], y_range=ranges[1], z_range=ranges[2],
            x_length=lengths[0], y_length=lengths[1], z_length=lengths[2],
            axis_config={"include_tip": False, "include_ticks": False, "stroke_width": 1.5,
                         "stroke_color": style.MUTED_COLOR, "stroke_opacity": 0.6},
        )

    def center_space(self) -> None:
        """Shift the axes so the story's view centre is seen at the plot box's centre, whatever phi and theta.

        The camera keeps looking at the world origin: ThreeDCamera's frame_center would
        also shift the overlays fixed in the frame, captions included.
        """
        rotation = self.renderer.camera.generate_rotation_matrix()
        self.axes.shift(rotation.T @ self.region.center - self.axes.c2p(*self.story.view_center))

    def triad_labels(self) -> VGroup:
        labels = VGroup(*[back_label(style.math(f"hat({name})", size=style.LABEL_SIZE, color=color))
                          for name, color in zip("ijk", (I_HAT_COLOR, J_HAT_COLOR, K_HAT_COLOR))])
        self.fix_in_frame(labels)
        return labels

    def place_triad_labels(self, labels: VGroup, m: np.ndarray) -> VGroup:
        """Labels fixed in the frame, put where the camera shows each arrow's tip (plus a little)."""
        camera = self.renderer.camera
        camera.reset_rotation_matrix()  # it is refreshed only when a frame is drawn
        origin = camera.project_point(to_scene(self.axes, np.zeros((1, 3)))[0])
        tips = camera.project_points(to_scene(self.axes, m.T))
        for label, tip in zip(labels, tips):
            offset = (tip - origin) * np.array([1.0, 1.0, 0.0])
            length = float(np.linalg.norm(offset))
            label.move_to(tip * np.array([1.0, 1.0, 0.0]) + (0.28 * offset / length if length > 1e-6 else 0))
            show_label(label, length > 0.05)
        # Turning the camera can line two projected arrows up on screen.
        return separate_labels(labels, origin, tips)

    def build_solid(self, t: float) -> VGroup:
        """The image of the unit cube under M(t): 6 faces, filled by the sign of its volume."""
        faces = VGroup(*[Polygon(*np.zeros((4, 3)), stroke_width=1.5, fill_opacity=0.4) for _ in linalg.CUBE_FACES])
        for face in faces:
            face.set_shade_in_3d(True)
        return self.place_solid(faces, self.matrix_at(t))

    def place_solid(self, faces: VGroup, m: np.ndarray) -> VGroup:
        corners = to_scene(self.axes, self.story.unit_vertices @ m.T)
        for face, index in zip(faces, linalg.CUBE_FACES):
            set_polyline(face, corners[list(index)], closed=True)
        sign = np.sign(_shown(self.volume_of(faces), self.decimals))
        color = style.POSITIVE_COLOR if sign > 0 else style.NEGATIVE_COLOR if sign < 0 else style.MUTED_COLOR
        return faces.set_fill(color).set_stroke(color)

    def drawn_corners(self, faces: VGroup) -> np.ndarray:
        """The 8 corners of a drawn solid in axes coordinates, read from the faces that contain them."""
        corners = np.zeros((8, 3))
        for face, index in zip(faces, linalg.CUBE_FACES):
            for k, point in zip(index, face.get_vertices()):
                corners[k] = point
        return from_scene(self.axes, corners)

    def volume_of(self, faces: VGroup) -> float:
        """Signed volume of a drawn solid: the triple product of its edges at corner 0."""
        return linalg.parallelepiped_volume(self.drawn_corners(faces))

    def build_triad(self, t: float) -> VGroup:
        """M(t) e1, M(t) e2, M(t) e3 as arrows whose flat tips face the camera."""
        triad = VGroup()
        for color in (I_HAT_COLOR, J_HAT_COLOR, K_HAT_COLOR):
            shaft = Line(stroke_color=color, stroke_width=5)
            tip = Polygon(*np.zeros((3, 3)), stroke_width=0, fill_color=color, fill_opacity=1)
            triad.add(VGroup(shaft, tip))
        return self.place_triad(triad, self.matrix_at(t))

    def place_triad(self, triad: VGroup, m: np.ndarray) -> VGroup:
        origin = to_scene(self.axes, np.zeros((1, 3)))[0]
        tips = to_scene(self.axes, m.T)
        toward_camera = self.renderer.camera.generate_rotation_matrix().T @ np.array([0.0, 0.0, 1.0])
        for (shaft, tip), end in zip(triad, tips):
            vector = end - origin
            length = float(np.linalg.norm(vector))
            if length < 1e-3:
                shaft.set_points_as_corners([origin, origin])
                tip.set_points_as_corners([origin] * 4)
                continue
            direction = vector / length
            side = np.cross(direction, toward_camera)
            side = side / np.linalg.norm(side) if np.linalg.norm(side) > 1e-6 else np.cross(direction, [1.0, 0, 0])
            tip_length = min(0.25, 0.4 * length)
            base = end - tip_length * direction
            shaft.set_points_as_corners([origin, base])
            set_polyline(tip, np.array([end, base + 0.45 * tip_length * side, base - 0.45 * tip_length * side]),
                         closed=True)
        return triad

    def construct_space(self) -> None:
        flats = [self.matrix_at(point.t) for point in self.story.singular if point.t < 1.0]
        self.camera_theta = camera_theta_for(self.story.matrix, flats=flats)
        self.set_camera_orientation(phi=CAMERA_PHI, theta=self.camera_theta, focal_distance=FOCAL_DISTANCE)
        self.build_panel(self.tr('"signed volume"', '"有向体积"'))
        self.build_space()
        self.center_space()
        self.solid = self.build_solid(0.0)
        self.triad = self.build_triad(0.0)
        self.labels = self.place_triad_labels(self.triad_labels(), self.matrix_at(0.0))
        self.fix_in_frame(self.panel)

        self.beat("cube", en="î, ĵ, k̂ span the unit cube: volume 1, a right-handed triad",
                  zh="î、ĵ、k̂ 张成单位立方体：体积 1，右手系")
        self.play(Create(self.axes), run_time=1.0)
        self.play(FadeIn(self.solid), FadeIn(self.triad), FadeIn(self.labels), FadeIn(self.matrix_tex), FadeIn(self.path_formula),
                  FadeIn(self.t_readout), FadeIn(self.measure_readout), FadeIn(self.orientation_label), run_time=1.2)
        if self.zoom_label is not None:
            self.play(FadeIn(self.zoom_label), run_time=0.6)
        self.wait(1.0)

        self.solid.add_updater(lambda f: self.place_solid(f, self.drawn_matrix()))
        self.triad.add_updater(lambda tr: self.place_triad(tr, self.drawn_matrix()))
        self.labels.add_updater(lambda group: self.place_triad_labels(group, self.drawn_matrix()))
        self.bring_to_front(self.t_readout, self.measure_readout, self.orientation_label)
        self.attach_readouts(lambda: self.volume_of(self.solid))

        self._flips_seen = 0
        self.beat("apply", en="Apply A: the cube becomes a parallelepiped", zh="施加 A：立方体变成平行六面体")
        self.run_path()

        self.beat("result", *self.result_caption())
        self.play(FadeIn(self.det_readout), run_time=0.8)
        frame = SurroundingRectangle(VGroup(self.measure_readout, self.det_readout), color=style.HIGHLIGHT_COLOR,
                                     buff=BOX_BUFF)
        self.overlay(frame)
        self.play(Create(frame), run_time=0.8)
        # A short turn of the camera shows the solid's depth; the origin stays put on screen.
        self.axes.add_updater(lambda _: self.center_space())
        self.move_camera(theta=self.camera_theta + CAMERA_TURN, run_time=3.0)
        self.wait(1.0)
