"""A fast height-field surface for the Cairo renderer, and the camera that draws it.

Manim's :class:`~manim.Surface` makes every face its own VMobject: each frame
the 3D camera shades, projects, depth-sorts, fills and strokes them one by
one in Python, about 0.4 ms per face whatever the resolution (a 24 x 24
surface costs ~210 ms per frame even at 480p). :class:`MeshSurface` is one
VMobject holding all faces; :class:`MeshCamera` projects its corners in one
numpy call, sorts the faces back to front with one ``argsort`` and issues the
Cairo path calls directly, with the height colours and Lambert shading
computed once when the mesh is built. A 32 x 32 mesh then costs a few
milliseconds per frame, so the camera can move without the frame rate
collapsing.

:class:`MeshCamera` also inverts the 3D camera's default: only mobjects
registered with :meth:`MeshCamera.add_3d` are projected; everything else
(captions, readouts, 2D contour maps) is drawn in screen space. Readouts made
of :class:`~manim.DecimalNumber` rebuild their digits on every update, and
new digits would otherwise be projected as 3D objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cairo
import numpy as np
from manim import (
    BLUE_D,
    BLUE_E,
    GREEN_C,
    ORANGE,
    TEAL_D,
    WHITE,
    YELLOW_C,
    ManimColor,
    Mobject,
    ThreeDAxes,
    VMobject,
)
from manim.camera.three_d_camera import ThreeDCamera
from manim.utils.family import extract_mobject_family_members

__all__ = [
    "HEIGHT_COLORS",
    "LINE_HEIGHT_COLORS",
    "MeshCamera",
    "MeshSurface",
    "height_fractions",
    "height_color",
]

#: Low to high loss: deep blue valleys, yellow-orange peaks (perceptually ordered, legible on black).
HEIGHT_COLORS: tuple[ManimColor, ...] = (BLUE_E, TEAL_D, GREEN_C, YELLOW_C, ORANGE)
#: The same scale for thin lines (level curves) on the background: the valley's deep blue is a lighter blue,
#: since a 2.5 px BLUE_E line on black is 3.7:1, under the 4.5:1 that key strokes keep.
LINE_HEIGHT_COLORS: tuple[ManimColor, ...] = (BLUE_D, TEAL_D, GREEN_C, YELLOW_C, ORANGE)


def height_fractions(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Where each of ``values`` ranks among the finite ``reference`` values, in [0, 1].

    Colouring by rank rather than by raw height keeps every colour in use on
    surfaces whose loss spans orders of magnitude (Rosenbrock's valley is
    1/1000 of its rim), while staying monotone in the loss.
    """
    ref = np.sort(np.asarray(reference, dtype=float).ravel())
    ref = ref[np.isfinite(ref)]
    if ref.size < 2 or ref[-1] == ref[0]:
        return np.full(np.shape(values), 0.5)
    return np.clip(np.searchsorted(ref, values, side="left") / (ref.size - 1), 0.0, 1.0)


def _scale_rgb(fractions: np.ndarray, colors: Sequence[ManimColor] = HEIGHT_COLORS) -> np.ndarray:
    rgbs = np.array([c.to_rgb() for c in colors])
    positions = np.linspace(0.0, 1.0, len(rgbs))
    return np.stack([np.interp(fractions, positions, rgbs[:, k]) for k in range(3)], axis=-1)


def height_color(fraction: float, colors: Sequence[ManimColor] = HEIGHT_COLORS) -> ManimColor:
    """The colour of the height colour scale ``colors`` at ``fraction`` in [0, 1]."""
    return ManimColor(_scale_rgb(np.array([fraction]), colors)[0])


class MeshSurface(VMobject):
    """The graph z = f(x, y) over a grid as one VMobject of quadrilateral faces.

    Parameters
    ----------
    axes
        The 3D axes mapping (w1, w2, loss) to scene points.
    x, y
        Grid coordinates along each axis (graph units), ``len(x) = nx + 1``.
    heights
        ``heights[i, j] = f(x[j], y[i])``.
    color_reference
        Loss values whose ranks set the colours (usually a fine grid of the same surface).
    light_direction
        Direction towards the light in scene coordinates (Lambert shading, computed once).
    """

    def __init__(self, axes: ThreeDAxes, x: np.ndarray, y: np.ndarray, heights: np.ndarray, *,
                 color_reference: np.ndarray, light_direction: Sequence[float] = (-0.5, -0.6, 1.0),
                 opacity: float = 1.0, mesh_line_darkening: float = 0.78, stroke_width: float = 0.0,
                 **kwargs: Any) -> None:
        # No edge strokes by default: antialiased stroking costs twice the fill at 1080p, and the
        # hairline seams between filled faces already read as a faint wireframe.
        super().__init__(fill_color=WHITE, fill_opacity=opacity, stroke_color=WHITE, stroke_width=stroke_width,
                         stroke_opacity=opacity, **kwargs)
        xx, yy = np.meshgrid(x, y)
        # With array arguments c2p returns one row per coordinate (3 x N).
        grid = np.asarray(axes.c2p(xx.ravel(), yy.ravel(), np.asarray(heights, dtype=float).ravel()))
        grid = grid.T.reshape(len(y), len(x), 3)
        # Corners of face (i, j), counter-clockwise seen from above.
        c0, c1 = grid[:-1, :-1], grid[:-1, 1:]
        c2, c3 = grid[1:, 1:], grid[1:, :-1]
        corners = np.stack([c0, c1, c2, c3], axis=2).reshape(-1, 4, 3)
        ends = np.roll(corners, -1, axis=1)
        thirds = np.array([0.0, 1 / 3, 2 / 3, 1.0])[None, None, :, None]
        curves = corners[:, :, None, :] + thirds * (ends - corners)[:, :, None, :]  # straight cubic edges
        self.set_points(curves.reshape(-1, 3))

        face_heights = 0.25 * (heights[:-1, :-1] + heights[:-1, 1:] + heights[1:, 1:] + heights[1:, :-1]).ravel()
        rgb = _scale_rgb(height_fractions(face_heights, color_reference))
        normals = np.cross(corners[:, 2] - corners[:, 0], corners[:, 3] - corners[:, 1])
        normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)
        normals *= np.where(normals[:, 2:3] < 0, -1.0, 1.0)  # a height field's faces look up
        light = np.asarray(light_direction, dtype=float)
        light /= np.linalg.norm(light)
        lambert = np.clip(normals @ light, 0.0, 1.0)
        shaded = np.clip(rgb * (0.55 + 0.55 * lambert[:, None]), 0.0, 1.0)
        #: Fill colour of each face (RGB, shading included), in face order.
        self.face_rgb: np.ndarray = shaded
        #: Edge colour of each face: a darker shade draws a faint wireframe that reads as depth.
        self.edge_rgb: np.ndarray = shaded * mesh_line_darkening
        self.n_faces = len(corners)

    def face_corners(self) -> np.ndarray:
        """Current corners of every face in scene coordinates, shape (faces, 4, 3)."""
        return self.points[::4].reshape(-1, 4, 3)


class _ScreenSpace(set):
    """The camera's fixed-in-frame set, read as "everything not registered as 3D".

    Code that asks a 3D camera whether a mobject is fixed in the frame (the
    frame-quality guard, Manim itself) then gets the answer this camera draws by.
    """

    def __init__(self, camera: MeshCamera) -> None:
        super().__init__()
        self._camera = camera

    def __contains__(self, mobject: object) -> bool:
        if set.__contains__(self, mobject):
            return True
        return mobject not in self._camera.three_d_mobjects and mobject not in self._camera.fixed_orientation_mobjects

    def __bool__(self) -> bool:
        return True


class MeshCamera(ThreeDCamera):
    """A 3D camera that draws :class:`MeshSurface` in one vectorised pass and projects only 3D mobjects.

    ``screen_offset`` shifts the projected 3D world on screen (the camera
    still orbits the world origin), so a surface can sit on the left half of
    the frame and turn about its own centre.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.screen_offset = np.zeros(2)
        self.three_d_mobjects: set[Mobject] = set()
        self.fixed_in_frame_mobjects = _ScreenSpace(self)

    def add_3d(self, *mobjects: Mobject) -> None:
        """Project these mobjects (and their current family) through the 3D camera."""
        self.three_d_mobjects.update(extract_mobject_family_members(list(mobjects)))

    def remove_3d(self, *mobjects: Mobject) -> None:
        for mob in extract_mobject_family_members(list(mobjects)):
            self.three_d_mobjects.discard(mob)

    def project_points(self, points: np.ndarray) -> np.ndarray:
        projected = super().project_points(points)
        projected[:, 0] += self.screen_offset[0]
        projected[:, 1] += self.screen_offset[1]
        return projected

    def transform_points_pre_display(self, mobject: Mobject, points: np.ndarray) -> np.ndarray:
        if not np.all(np.isfinite(points)):
            return np.zeros((1, 3))
        if mobject in self.fixed_orientation_mobjects:
            center = self.fixed_orientation_mobjects[mobject]()
            return points + (self.project_point(np.asarray(center)) - center)
        if mobject in self.fixed_in_frame_mobjects:
            return points
        return self.project_points(points)

    def display_multiple_vectorized_mobjects(self, vmobjects: list[VMobject], pixel_array: np.ndarray) -> None:
        batch: list[VMobject] = []
        for mob in vmobjects:
            if isinstance(mob, MeshSurface):
                if batch:
                    super().display_multiple_vectorized_mobjects(batch, pixel_array)
                    batch = []
                self.display_mesh(mob, pixel_array)
            else:
                batch.append(mob)
        if batch:
            super().display_multiple_vectorized_mobjects(batch, pixel_array)

    def display_mesh(self, mesh: MeshSurface, pixel_array: np.ndarray) -> None:
        """Painter's algorithm over the faces: project all corners, sort by depth, fill and edge each."""
        alpha = float(mesh.get_fill_opacity())
        if alpha <= 0 or mesh.n_faces == 0:
            return
        projected = self.project_points(mesh.points[::4]).reshape(-1, 4, 3)
        order = np.argsort(projected[:, :, 2].mean(axis=1), kind="stable")  # far faces first
        quads = projected[order, :, :2].reshape(-1, 8).tolist()
        # Cairo's ARGB32 surface wants blue, green, red.
        fills = mesh.face_rgb[order][:, ::-1].tolist()
        edges = mesh.edge_rgb[order][:, ::-1].tolist()
        ctx = self.get_cairo_context(pixel_array)
        width = mesh.get_stroke_width() * self.cairo_line_width_multiple
        edge_alpha = float(mesh.get_stroke_opacity()) * alpha if width > 0 else 0.0
        ctx.set_line_width(max(width, 1e-6))
        ctx.set_line_join(cairo.LINE_JOIN_ROUND)
        new_path, move_to, line_to, close = ctx.new_path, ctx.move_to, ctx.line_to, ctx.close_path
        set_rgba, fill_preserve, fill, stroke = ctx.set_source_rgba, ctx.fill_preserve, ctx.fill, ctx.stroke
        for (x0, y0, x1, y1, x2, y2, x3, y3), (b, g, r), (eb, eg, er) in zip(quads, fills, edges):
            new_path()
            move_to(x0, y0)
            line_to(x1, y1)
            line_to(x2, y2)
            line_to(x3, y3)
            close()
            set_rgba(b, g, r, alpha)
            if edge_alpha > 0:
                fill_preserve()
                set_rgba(eb, eg, er, edge_alpha)
                stroke()
            else:
                fill()
        ctx.new_path()
