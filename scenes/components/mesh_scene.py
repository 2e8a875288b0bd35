"""The base of the 3D explainers drawn by :class:`~scenes.components.surface.MeshCamera`.

:class:`MeshExplainerScene` is what every surface explainer shares: it runs on
the fast mesh camera, projects world points to the screen, pins screen-space labels to world points
(and keeps them there while the camera turns), builds the box a surface sits
in, and zooms the camera so that box fits a region of the frame.

Speed helpers for the readouts of such scenes live here too:
:func:`show_value` (set a readout and keep Manim's cached digit glyphs cheap)
and :func:`level_readout` (centre a readout's number on its label's '=').
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np
from manim import LEFT, ORIGIN, OUT, RIGHT, UP, FadeOut, Line, Mobject, ThreeDAxes, VGroup
from manim.mobject.text.numbers import string_to_mob_map

from mathviz_scenes.components import style
from mathviz_scenes.components.base import ExplainerThreeDScene, make_cheap_to_copy
from mathviz_scenes.components.readout import Readout
from mathviz_scenes.components.surface import MeshCamera, MeshSurface

__all__ = [
    "MESH_RESOLUTION",
    "MeshExplainerScene",
    "box_axes",
    "level_readout",
    "show_value",
]

#: Faces per side of a surface mesh: smooth at 1080p, and 32 x 32 still draws in ~20 ms.
MESH_RESOLUTION = 32


def show_value(readout: Readout, value: float) -> None:
    """Set a readout. DecimalNumber copies one cached glyph per character at every change (Manim's
    module-level ``string_to_mob_map``), so keep those glyphs cheap to copy.
    """
    readout.set_value(value)
    for glyph in string_to_mob_map.values():
        make_cheap_to_copy(glyph)


def level_readout(readout: Readout) -> Readout:
    """Centre the number on the label's '=' (a Typst label with parentheses hangs below the digits)."""
    glyphs = [m for m in readout.label.family_members_with_points()]
    equals = max(glyphs, key=lambda m: m.get_right()[0])
    readout.number.set_y(equals.get_center()[1])
    return readout


def box_axes(window: Sequence[Sequence[float]], z_range: Sequence[float], *, side: float, height: float,
             center: Sequence[float] | np.ndarray = (0.0, 0.0, 0.0)) -> ThreeDAxes:
    """3D axes (not drawn) mapping (x, y, z) over ``window`` x ``z_range`` into a box centred on ``center``.

    The longer side of the window spans ``side`` scene units (both horizontal
    axes share one unit), z spans ``height``. A flat range (``hi <= lo``) is
    widened by 1 each way so the box keeps a height. The axes carry
    ``z_bounds = (lo, hi)``, the z range they map.
    """
    (a, b), (c, d) = window
    lo, hi = z_range
    if not hi > lo:
        lo, hi = lo - 1.0, hi + 1.0
    unit = side / max(b - a, d - c)
    axes = ThreeDAxes(x_range=[a, b, b - a], y_range=[c, d, d - c], z_range=[lo, hi, hi - lo],
                      x_length=(b - a) * unit, y_length=(d - c) * unit, z_length=height,
                      axis_config={"include_ticks": False, "include_tip": False})
    axes.shift(np.asarray(center, dtype=float) - np.asarray(axes.c2p((a + b) / 2, (c + d) / 2, (lo + hi) / 2)))
    axes.z_bounds = (lo, hi)
    return axes


class MeshExplainerScene(ExplainerThreeDScene):
    """An explainer on the :class:`~scenes.components.surface.MeshCamera`: surfaces, boxes, pinned labels.

    Only mobjects registered with :meth:`add_3d` (or :meth:`billboard`) are
    projected; everything else is drawn in screen space. A subclass sets
    :attr:`camera_phi`, the elevation :meth:`fit_corners` frames the box at.
    """

    #: The camera's angle from the vertical while a box is framed (radians).
    camera_phi: ClassVar[float]

    def __init__(self, story: Any = None, lang: str = "en", **kwargs: Any) -> None:
        kwargs.setdefault("camera_class", MeshCamera)
        super().__init__(story=story, lang=lang, **kwargs)

    # -- scene plumbing ---------------------------------------------------------------------------

    @property
    def mesh_camera(self) -> MeshCamera:
        return self.renderer.camera

    def say(self, en: str, zh: str) -> str:
        """The text in the scene's language."""
        return zh if self.lang == "zh" else en

    def add_3d(self, *mobjects: Mobject) -> None:
        """Draw these mobjects in the 3D world (projected through the camera)."""
        self.mesh_camera.add_3d(*mobjects)

    def clear_all(self, run_time: float = 0.8) -> None:
        """Fade out everything but the caption."""
        leaving = [m for m in self.mobjects if m is not self._caption_mob]
        if leaving:
            self.play(*[FadeOut(m) for m in leaving], run_time=run_time)
            self.remove(*leaving)

    # -- world and screen -------------------------------------------------------------------------

    def project(self, point: Sequence[float]) -> np.ndarray:
        """Where the world ``point`` appears on screen now."""
        cam = self.mesh_camera
        cam.reset_rotation_matrix()  # updaters run before the frame's own reset
        x, y, _ = cam.project_point(np.asarray(point, dtype=float))
        return np.array([x, y, 0.0])

    def billboard(self, mobject: Mobject, anchor: Callable[[], np.ndarray] | np.ndarray) -> Mobject:
        """Keep ``mobject`` facing the screen at the projection of ``anchor`` (a point or a function)."""
        if callable(anchor):
            func = anchor
        else:
            point = np.array(anchor, dtype=float)
            mobject.move_to(point)
            func = lambda: point  # noqa: E731 - a fixed anchor
        self.mesh_camera.add_fixed_orientation_mobjects(mobject, center_func=func)
        return mobject

    def pin(self, mobject: Mobject, point: Sequence[float]) -> Mobject:
        """A screen-space label at the projection of the world ``point``; :meth:`follow_camera` keeps it there.

        Labels stay flat on the screen (text in 3D is never foreshortened) and
        are measured as drawn by the frame-quality guard.
        """
        mobject.world_anchor = np.asarray(point, dtype=float)
        mobject.move_to(self.project(mobject.world_anchor))
        return mobject

    def follow_camera(self, *labels: Mobject, on: bool = True) -> None:
        """Re-place pinned labels every frame while the camera moves (and stop afterwards)."""
        for label in labels:
            if on:
                label.add_updater(lambda m: m.move_to(self.project(m.world_anchor)))
            else:
                label.clear_updaters()

    # -- the box, the surface, the camera ---------------------------------------------------------

    @staticmethod
    def box_corners(axes: ThreeDAxes, window: Sequence[Sequence[float]] | None = None) -> np.ndarray:
        """The eight scene corners of the box ``window`` x ``axes.z_bounds`` (default: the axes' own x, y ranges)."""
        (a, b), (c, d) = (axes.x_range[:2], axes.y_range[:2]) if window is None else window
        lo, hi = axes.z_bounds
        return np.array([axes.c2p(x, y, z) for x in (a, b) for y in (c, d) for z in (lo, hi)])

    def build_surface(self, graph: Any, axes: ThreeDAxes, resolution: int = MESH_RESOLUTION,
                      opacity: float = 1.0) -> MeshSurface:
        """The mesh of z = graph(x, y) over ``graph.window``, clamped into the box and coloured by rank.

        ``graph`` is a story surface: callable on grids, with a ``window`` and a
        ``grid()`` whose heights set the colour scale.
        """
        (a, b), (c, d) = graph.window
        x = np.linspace(a, b, resolution + 1)
        y = np.linspace(c, d, resolution + 1)
        xx, yy = np.meshgrid(x, y)
        lo, hi = axes.z_bounds
        heights = np.clip(graph(xx, yy), lo, hi)
        _, _, reference = graph.grid()
        mesh = MeshSurface(axes, x, y, heights, color_reference=reference, opacity=opacity)
        self.add_3d(mesh)
        return mesh

    @staticmethod
    def label_pad(axes: ThreeDAxes, window: Sequence[Sequence[float]]) -> float:
        """The gap between the box and its labels, in graph units (0.42 scene units)."""
        (a, b), (c, _) = window
        lo = axes.z_bounds[0]
        unit = float(np.linalg.norm(axes.c2p(b, c, lo) - axes.c2p(a, c, lo))) / (b - a)
        return 0.42 / unit

    def build_box(self, axes: ThreeDAxes, window: Sequence[Sequence[float]],
                  names: tuple[str, str, str] = ("x", "y", "z"), name_lift: float = 0.4) -> VGroup:
        """Floor edges and the vertical axis of the box, with pinned labels: the axis ``names`` (Typst)
        and the window's ends. The vertical name sits ``name_lift`` scene units above the axis.

        Returns ``VGroup(lines, labels)`` with ``.lines`` (drawn in 3D) and
        ``.labels`` (screen space; pass them to :meth:`follow_camera` while the camera turns).
        """
        (a, b), (c, d) = window
        lo, hi = axes.z_bounds
        edge = dict(stroke_color=style.MUTED_COLOR, stroke_width=2)
        lines = VGroup(
            Line(axes.c2p(a, d, lo), axes.c2p(b, d, lo), **edge).set_stroke(opacity=0.45),
            Line(axes.c2p(a, c, lo), axes.c2p(a, d, lo), **edge).set_stroke(opacity=0.45),
            Line(axes.c2p(a, c, lo), axes.c2p(b, c, lo), **edge),
            Line(axes.c2p(b, c, lo), axes.c2p(b, d, lo), **edge),
            Line(axes.c2p(a, c, lo), axes.c2p(a, c, hi), **edge),
        )
        self.add_3d(lines)
        pad = self.label_pad(axes, window)
        small = style.SMALL_SIZE
        labels = VGroup(
            self.pin(style.math(names[0]), axes.c2p((a + b) / 2, c - pad, lo)),
            self.pin(style.math(names[1]), axes.c2p(b + pad, (c + d) / 2, lo)),
            self.pin(style.math(names[2]), axes.c2p(a, c, hi) + name_lift * OUT),
            self.pin(style.text(f"{a:g}", size=small), axes.c2p(a + 0.1 * pad, c - 0.55 * pad, lo)),
            self.pin(style.text(f"{b:g}", size=small), axes.c2p(b, c - 0.55 * pad, lo)),
            self.pin(style.text(f"{d:g}", size=small), axes.c2p(b + 0.55 * pad, d, lo)),
        )
        box = VGroup(lines, labels)
        box.lines, box.labels = lines, labels
        return box

    def clear_labels(self, box: VGroup, theta: float, gap: float = 0.06, *, avoid: Sequence[np.ndarray] = (),
                     areas: Sequence[np.ndarray] = ()) -> None:
        """Move the pinned ``box.labels`` off the box's lines as the camera shows them at ``theta``.

        A label pinned a fixed distance from a corner can land on the edges that
        meet there once the camera zooms a box small (a square or portrait
        frame) or looks along an edge. Each label goes the least distance, away
        from the box's middle, that clears every line by ``gap`` and the labels
        already placed; the move is made on the world anchor (in the box's floor
        plane), so the label also keeps it while the camera turns.

        ``avoid`` are more world segments (pairs of scene points) the labels keep clear of, and ``areas``
        world quadrilaterals (four scene corners in order) whose faces they keep off: lines and patches the
        scene draws later in the box, such as a tangent line running out past the box's side.
        """
        cam = self.mesh_camera
        before = cam.get_theta()
        cam.set_theta(theta)
        cam.reset_rotation_matrix()
        segments = [cam.project_points(np.array([line.get_start(), line.get_end()]))[:, :2] for line in box.lines]
        ends = np.vstack(segments)
        middle = ends.mean(axis=0)
        samples = np.linspace(0.0, 1.0, 64)[:, None]
        segments += [cam.project_points(np.asarray(pair, dtype=float))[:, :2] for pair in avoid]
        along = np.vstack([a + samples * (b - a) for a, b in segments])
        grid = np.linspace(0.0, 1.0, 33)
        u, v = (g.reshape(-1, 1) for g in np.meshgrid(grid, grid))
        for quad in areas:
            p0, p1, p2, p3 = np.asarray(quad, dtype=float)
            face = (1 - u) * (1 - v) * p0 + u * (1 - v) * p1 + u * v * p2 + (1 - u) * v * p3
            along = np.vstack([along, cam.project_points(face)[:, :2]])
        origin = self.project(ORIGIN)[:2]
        # screen displacement of one world unit along x and y (the floor's directions)
        jacobian = np.column_stack([self.project(RIGHT)[:2] - origin, self.project(UP)[:2] - origin])
        taken: list[tuple[np.ndarray, np.ndarray]] = []
        angles = np.linspace(0.0, 2 * np.pi, 32, endpoint=False)
        directions = np.column_stack([np.cos(angles), np.sin(angles)])

        def clear(center: np.ndarray, half: np.ndarray) -> bool:
            lo, hi = center - half - gap, center + half + gap
            if np.any(np.all((along >= lo) & (along <= hi), axis=1)):
                return False
            return not any(np.all(np.abs(center - c) < half + h + gap) for c, h in taken)

        for label in box.labels:
            center = self.project(label.world_anchor)[:2]
            half = np.array([label.width, label.height]) / 2
            outward = center - middle
            outward /= max(float(np.linalg.norm(outward)), 1e-9)
            ways = directions[directions @ outward > -0.2]
            best = center
            for radius in np.arange(0.0, 1.5, 0.025):
                found = [center + radius * way for way in (ways if radius else [np.zeros(2)])
                         if clear(center + radius * way, half)]
                if found:
                    best = max(found, key=lambda p: float((p - center) @ outward))
                    break
            shift = np.linalg.solve(jacobian, best - center)
            label.world_anchor = label.world_anchor + np.array([shift[0], shift[1], 0.0])
            taken.append((best, half))
        cam.set_theta(before)
        cam.reset_rotation_matrix()
        for label in box.labels:
            label.move_to(self.project(label.world_anchor))

    def fit_corners(self, corners: np.ndarray, thetas: Sequence[float] | np.ndarray, region: Sequence[float], *,
                    label_margin: tuple[float, float], x_shift: float = 0.0) -> None:
        """Zoom and shift so the projected ``corners`` fit ``region`` (x from, x to, y from, y to) at every
        theta the camera passes; end at the last theta.

        ``label_margin`` is the room (width, height) kept inside the region for
        the labels around the box; ``x_shift`` moves the result right.
        """
        cam = self.mesh_camera
        cam.screen_offset = np.zeros(2)
        cam.set_zoom(1.0)
        cam.set_phi(self.camera_phi)
        boxes = []
        for theta in thetas:
            cam.set_theta(theta)
            cam.reset_rotation_matrix()
            boxes.append(cam.project_points(corners)[:, :2])
        pts = np.vstack(boxes)
        low, high = pts.min(axis=0), pts.max(axis=0)
        x0, x1, y0, y1 = region
        zoom = min((x1 - x0 - label_margin[0]) / (high[0] - low[0]), (y1 - y0 - label_margin[1]) / (high[1] - low[1]))
        cam.set_zoom(zoom)
        cam.screen_offset = np.array([(x0 + x1) / 2 + x_shift, (y0 + y1) / 2]) - (low + high) / 2 * zoom
        cam.set_theta(thetas[-1])
        cam.reset_rotation_matrix()

    def corner_title(self, source: str, max_width: float) -> Mobject:
        """A Typst formula in the top-left corner, shrunk to ``max_width`` when longer."""
        title = style.math(source)
        if title.width > max_width:
            title.scale_to_fit_width(max_width)
        return title.to_edge(UP, buff=0.3).to_edge(LEFT, buff=style.SAFE_MARGIN + 0.25)
