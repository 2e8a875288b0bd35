"""The determinant as the factor by which a matrix scales areas (2x2) and volumes (3x3).

:func:`determinant_story` computes every number the ``determinant`` scene
shows: ``det A``, the image of the unit square (cube) and its signed area
(volume) measured from that image's own geometry, the keyframes of the
straight path ``M(t) = (1 - t) I + t A`` from the identity to ``A`` with the
``t`` where ``M(t)`` is singular (the square collapses, and the plane flips
when the sign changes), a second shape whose area scales by the same factor,
det(BA) = det B det A for a mirror B applied after A, and how far the view
must zoom out so the whole transformed picture stays in the frame.

The scene draws the path by calling :func:`interpolant` (and :func:`two_step`)
and measures what it drew with :func:`shoelace_area` /
:func:`parallelepiped_volume`, so the live readout and the story share one
implementation of each formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.optimize import brentq

from mathviz.explainer import Explainer
from mathviz.params import Param, ParameterError, matrix
from mathviz.story import Story

__all__ = [
    "EXPLAINER",
    "PARAMS",
    "GRID_EXTENT",
    "GRID_STEP",
    "BASE_VIEW_2D",
    "BASE_RADIUS_3D",
    "MAX_FIT",
    "MIN_ENTRY",
    "CUBE_FACES",
    "Keyframe",
    "SingularPoint",
    "Shape",
    "Product",
    "DeterminantStory",
    "mirror",
    "two_step",
    "determinant_story",
    "interpolant",
    "snapped_det",
    "singular_tolerance",
    "unit_vertices",
    "shoelace_area",
    "parallelepiped_volume",
    "polyhedron_volume",
    "interpolant_det_polynomial",
    "blob_outline",
]

PARAMS: tuple[Param, ...] = (
    Param(
        "matrix",
        "[[2, 1], [0.5, 1.5]]",
        "a 2x2 or 3x3 matrix A as rows, e.g. [[1, 2], [3, 1]] (det < 0) or [[1, 2], [2, 4]] (det = 0)",
        matrix("matrix", sizes=(2, 3)),
    ),
)

#: The drawn grid covers [-GRID_EXTENT, GRID_EXTENT]^2 of the plane, lines GRID_STEP apart:
#: big enough to show the whole plane being carried along, small enough that its image
#: under a typical matrix still fits the frame unzoomed.
GRID_EXTENT = 1.5
GRID_STEP = 0.5
#: Half-width and half-height (plane units) of the window the scene shows at zoom 1.
BASE_VIEW_2D = (4.5, 3.5)
#: Radius (space units) of the ball the 3D scene shows at zoom 1 (the unit cube's is 0.87).
BASE_RADIUS_3D = 1.8
#: Beyond this zoom-out the unit square at the start would be a few pixels wide.
MAX_FIT = 12.0
#: A nonzero A whose entries are all smaller than this maps the picture to a dot far below
#: a pixel (and near 1e-308 its determinant underflows); the zero matrix is fine.
MIN_ENTRY = 1e-6
#: Evenly spaced keyframes of the path from I to A (the singular points are added).
PATH_STEPS = 10
#: Keyframe times closer than this are one moment: a root of det M(t) is known to about this (the eigenvalue
#: clusters and the bracket Brent's method polishes in are 1e-6 wide).
SAME_TIME = 1e-6

#: The unit cube's 6 faces as indices into :func:`unit_vertices` (3) (vertex k has
#: coordinates (k & 1, k >> 1 & 1, k >> 2 & 1)); each listed counter-clockwise seen
#: from outside, so (v1 - v0) x (v2 - v0) is the outward normal.
CUBE_FACES: tuple[tuple[int, int, int, int], ...] = (
    (0, 2, 3, 1),  # z = 0
    (4, 5, 7, 6),  # z = 1
    (0, 1, 5, 4),  # y = 0
    (2, 6, 7, 3),  # y = 1
    (0, 4, 6, 2),  # x = 0
    (1, 3, 7, 5),  # x = 1
)

# A blob, not a disc, so that the viewer sees its outline deform while its area
# only scales. It sits in the second quadrant, clear of the unit square.
_BLOB_CENTER = (-0.8, 0.8)
_BLOB_RADIUS = 0.4
_BLOB_POINTS = 72

Orientation = Literal["preserved", "reversed", "collapsed"]


# -- formulas ---------------------------------------------------------------------------------------


def singular_tolerance(matrix_: np.ndarray) -> float:
    """The singular-value threshold below which ``matrix_`` counts as singular.

    ``sigma_max * n * eps``: numpy's default for :func:`numpy.linalg.matrix_rank`,
    the size of the rounding error of a backward-stable SVD of the matrix.
    """
    sigma = np.linalg.svd(matrix_, compute_uv=False)
    return float(sigma.max(initial=0.0) * max(matrix_.shape) * np.finfo(float).eps)


def snapped_det(matrix_: np.ndarray) -> float:
    """``det M`` from LU (:func:`numpy.linalg.det`), exactly 0 when M is singular to working precision.

    M counts as singular when its smallest singular value is at most
    :func:`singular_tolerance` (``sigma_max * n * eps``). Without the snap,
    ``[[0.1, 0.2], [0.2, 0.4]]`` would report a determinant of about 1e-18
    whose sign (and so "orientation") is rounding noise.
    """
    sigma = np.linalg.svd(matrix_, compute_uv=False)
    if sigma.min() <= singular_tolerance(matrix_):
        return 0.0
    return float(np.linalg.det(matrix_))


def interpolant(matrix_: np.ndarray, t: float) -> np.ndarray:
    """``M(t) = (1 - t) I + t A``: the straight path from the identity (t = 0) to A (t = 1)."""
    a = np.asarray(matrix_, dtype=float)
    return (1.0 - t) * np.eye(a.shape[0]) + t * a


def mirror(n: int) -> np.ndarray:
    """``diag(1, ..., 1, -1)``: the reflection that flips the last axis (det = -1)."""
    b = np.eye(n)
    b[-1, -1] = -1.0
    return b


def two_step(a: np.ndarray, b: np.ndarray, t: float, s: float) -> np.ndarray:
    """``((1 - s) I + s B) ((1 - t) I + t A)``: A applied up to t, then B up to s (B A at t = s = 1)."""
    return interpolant(b, s) @ interpolant(a, t)


def unit_vertices(n: int) -> np.ndarray:
    """Corners of the unit square (n = 2) or cube (n = 3).

    Square: ``0, e1, e1 + e2, e2`` (counter-clockwise, so its shoelace area is +1).
    Cube: vertex k is ``(k & 1, k >> 1 & 1, k >> 2 & 1)``, so vertices 1, 2, 4 are e1, e2, e3.
    """
    if n == 2:
        return np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    if n == 3:
        k = np.arange(8)
        return np.stack([k & 1, (k >> 1) & 1, (k >> 2) & 1], axis=1).astype(float)
    raise ValueError(f"unit_vertices: n must be 2 or 3, got {n}")


def shoelace_area(vertices: np.ndarray) -> float:
    """Signed area of a polygon: positive when its vertices run counter-clockwise.

    ``area = 1/2 * sum_k (x_k y_{k+1} - x_{k+1} y_k)`` (indices mod the vertex count).
    """
    v = np.asarray(vertices, dtype=float)[:, :2]
    x, y = v[:, 0], v[:, 1]
    return float(0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def parallelepiped_volume(vertices: np.ndarray) -> float:
    """Signed volume of the parallelepiped with corners ``vertices`` ordered as :func:`unit_vertices` (3).

    The scalar triple product ``u . (v x w)`` of the edges ``u = P1 - P0``,
    ``v = P2 - P0``, ``w = P4 - P0`` leaving corner P0: positive when
    (u, v, w) is right-handed.
    """
    p = np.asarray(vertices, dtype=float)
    u, v, w = p[1] - p[0], p[2] - p[0], p[4] - p[0]
    return float(np.dot(u, np.cross(v, w)))


def polyhedron_volume(vertices: np.ndarray, faces: tuple[tuple[int, ...], ...] = CUBE_FACES) -> float:
    """Signed volume of a closed polyhedron (divergence theorem), faces listed counter-clockwise outside.

    ``V = 1/6 * sum over triangles (a, b, c) of a . (b x c)``, each face fanned
    into triangles from its first vertex. An independent check of
    :func:`parallelepiped_volume` that uses every face, not one corner.
    """
    p = np.asarray(vertices, dtype=float)
    total = 0.0
    for face in faces:
        for b, c in zip(face[1:-1], face[2:]):
            total += float(np.dot(p[face[0]], np.cross(p[b], p[c])))
    return total / 6.0


def interpolant_det_polynomial(matrix_: np.ndarray) -> np.ndarray:
    """Coefficients (lowest degree first) of ``p(t) = det((1 - t) I + t A)``.

    With ``B = A - I``, ``p(t) = det(I + t B) = sum_k E_k(B) t^k`` where
    ``E_k`` is the sum of the principal k x k minors of B (``E_0 = 1``,
    ``E_1 = tr B``, ``E_n = det B``). For 2x2 this is
    ``1 + (tr A - 2) t + (1 - tr A + det A) t^2``.
    """
    from itertools import combinations

    b = np.asarray(matrix_, dtype=float) - np.eye(len(matrix_))
    n = b.shape[0]
    coeffs = [1.0]
    for k in range(1, n + 1):
        coeffs.append(sum(float(np.linalg.det(b[np.ix_(idx, idx)])) for idx in combinations(range(n), k)))
    return np.array(coeffs)


def _singular_times(matrix_: np.ndarray, det_a: float) -> tuple[list[tuple[float, bool]], float | None]:
    """Every t in (0, 1] where M(t) is singular (with whether det M(t) changes sign there), and the first sign change.

    ``det M(t) = prod_i (1 - t + t lambda_i)`` over the eigenvalues of A, so
    M(t) is singular exactly at ``t = 1 / (1 - lambda)`` for each real
    eigenvalue ``lambda <= 0``, and det M(t) changes sign there when that
    eigenvalue's multiplicity is odd. Eigenvalues rather than the roots of the
    polynomial :func:`interpolant_det_polynomial`: a triple eigenvalue (A = -I,
    3x3) is exact from the eigen-solver but would scatter by eps^(1/3) as a
    polynomial root. Simple roots are polished by Brent's method on
    ``det M(t)`` itself.
    """
    a = np.asarray(matrix_, dtype=float)
    # Rounding splits a repeated eigenvalue of a defective matrix by about sqrt(eps) ||A||;
    # eigenvalues closer than this are one eigenvalue of higher multiplicity.
    tol = 1e-6 * float(np.linalg.norm(a, 2))
    lam = np.linalg.eigvals(a)
    real = np.sort(lam[np.abs(lam.imag) <= tol].real)
    clusters: list[list[float]] = []
    for value in real:
        if clusters and value - clusters[-1][-1] <= tol:
            clusters[-1].append(float(value))
        else:
            clusters.append([float(value)])

    def det_at(t: float) -> float:
        # numpy warns "divide by zero" for an exactly singular M(t) (and returns 0); near a root that is expected
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.linalg.det(interpolant(a, t)))

    found: list[tuple[float, bool]] = []
    for cluster in clusters:
        value = float(np.mean(cluster))
        if value >= 0.0:
            continue  # no root on the path; a zero eigenvalue is the end point, added below
        # a tiny negative eigenvalue puts the root at 1 - |lambda|, which may round to 1.0
        t = 1.0 / (1.0 - value)
        reverses = len(cluster) % 2 == 1
        if reverses and t < 1.0:
            lo, hi = max(t - 1e-6, 0.0), min(t + 1e-6, 1.0)
            if det_at(lo) * det_at(hi) < 0:
                t = brentq(det_at, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps)
        found.append((t, reverses))
    found.sort()
    flip = next((t for t, reverses in found if reverses), None)
    if det_a < 0.0 and flip is None:
        # det M(0) = 1 > 0 > det A, so a sign change exists; only rounding could have hidden it.
        flip = brentq(det_at, 0.0, 1.0, xtol=1e-15)
        found = sorted(found + [(flip, True)])
    if det_a == 0.0:
        found = [(t, reverses) for t, reverses in found if t < 1.0] + [(1.0, False)]
    return found, flip


def _rank_at_root(matrix_: np.ndarray, scale: float) -> int:
    # At a computed root M(t) is singular only up to the root's rounding error, so the rank
    # is counted with a looser threshold than singular_tolerance, sqrt(eps) * scale, where
    # scale = max(1, sigma_max(A)) bounds the path's size (M(1/2) = 0 for A = -I: rank 0).
    sigma = np.linalg.svd(matrix_, compute_uv=False)
    return int(np.sum(sigma > np.sqrt(np.finfo(float).eps) * scale))


def _keyframe_times(singular_ts: list[float]) -> list[float]:
    """The evenly spaced times 0, 1/PATH_STEPS, ..., 1 and the singular times, each moment once.

    A singular time found within :data:`SAME_TIME` of an inner grid time is that moment (Brent's
    method puts the root 1 / 2.5 at 0.39999999999999997, next to the grid's 0.4): the singular
    time, where the scene pauses, takes the grid time's place. The ends 0 and 1 always stay.
    """
    grid = [k / PATH_STEPS for k in range(PATH_STEPS + 1)]
    inner = [t for t in grid[1:-1] if all(abs(t - s) > SAME_TIME for s in singular_ts)]
    return sorted({grid[0], *inner, grid[-1], *singular_ts})


def _keyframes(matrix_at, singular_ts: list[float]) -> tuple[Keyframe, ...]:
    """Evenly spaced keyframes plus the singular times (where det is exactly 0), see :func:`_keyframe_times`."""
    ts = _keyframe_times(singular_ts)
    return tuple(
        # det is 0 at its roots; LU would give rounding noise of either sign there.
        Keyframe(t=float(t), matrix=matrix_at(t), det=0.0 if t in singular_ts else snapped_det(matrix_at(t)))
        for t in ts
    )


def _product(a: np.ndarray, det_a: float, outline: np.ndarray, area_before: float) -> Product:
    b = mirror(len(a))
    ba = b @ a
    det_b = snapped_det(b)
    # ((1 - s) I + s B) A is singular where (1 - s) I + s B is, or everywhere when A is.
    roots, _ = _singular_times(b, det_b)
    image = unit_vertices(len(a)) @ ba.T
    return Product(
        b=b,
        det_b=det_b,
        matrix=ba,
        det=snapped_det(ba),
        det_b_times_det_a=det_b * det_a + 0.0,  # no -0.0 in the JSON
        image_vertices=image,
        image_measure=shoelace_area(image),
        path=_keyframes(lambda s: two_step(a, b, 1.0, s), [] if det_a == 0.0 else [s for s, _ in roots]),
        shape_ratio=shoelace_area(outline @ ba.T) / area_before,
    )


def blob_outline(n_points: int = _BLOB_POINTS) -> np.ndarray:
    """Counter-clockwise outline of the blob ``r(theta) = R (1 + 0.22 cos 3 theta + 0.1 sin 2 theta)``."""
    theta = np.linspace(0.0, 2.0 * np.pi, n_points, endpoint=False)
    r = _BLOB_RADIUS * (1.0 + 0.22 * np.cos(3 * theta) + 0.1 * np.sin(2 * theta))
    return np.stack([_BLOB_CENTER[0] + r * np.cos(theta), _BLOB_CENTER[1] + r * np.sin(theta)], axis=1)


# -- the story --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keyframe:
    """The path at time t: ``M(t) = (1 - t) I + t A`` and ``det M(t)`` (snapped, see :func:`snapped_det`)."""

    t: float
    matrix: np.ndarray
    det: float


@dataclass(frozen=True)
class SingularPoint:
    """A time t where ``M(t)`` is singular: the square (cube) is flat there."""

    t: float
    #: Whether det M(t) changes sign at t (a root of odd multiplicity): the orientation reverses.
    reverses: bool
    #: rank M(t): n - 1 means a collapse onto a line (plane), 0 onto the origin.
    rank: int


@dataclass(frozen=True)
class Shape:
    """A second shape (a blob outline) before and after A, with both shoelace areas."""

    name: str
    points: np.ndarray
    image: np.ndarray
    area_before: float
    area_after: float
    #: ``area_after / area_before``: the same factor det A as for the unit square.
    ratio: float


@dataclass(frozen=True)
class Product:
    """det(BA) = det B det A, told as a second transform B applied after A (2x2 only).

    B is the mirror :func:`mirror` (det B = -1), so the second step flips the
    plane whatever A is, and the area readout goes from det A through 0 to -det A.
    """

    b: np.ndarray
    det_b: float
    #: B A, the two steps in one matrix.
    matrix: np.ndarray
    #: det(BA) (snapped like det A).
    det: float
    #: det B * det A, which det(BA) equals.
    det_b_times_det_a: float
    image_vertices: np.ndarray
    #: Signed area of the unit square after both steps (shoelace of image_vertices).
    image_measure: float
    #: Keyframes ``{t: s, matrix: ((1 - s) I + s B) A, det}`` of the second step.
    path: tuple[Keyframe, ...]
    #: The blob's area after both steps over its area before.
    shape_ratio: float


@dataclass(frozen=True)
class DeterminantStory(Story):
    """Everything the ``determinant`` scene shows; see :func:`determinant_story`."""

    matrix: np.ndarray
    dim: int
    measure: Literal["area", "volume"]
    det: float
    rank: int
    singular_tolerance: float
    orientation: Orientation
    #: Unit square (4 corners, counter-clockwise) or cube (8 corners, see :func:`unit_vertices`).
    unit_vertices: np.ndarray
    image_vertices: np.ndarray
    #: Signed area (shoelace) / volume (triple product) of the image, measured from its corners.
    image_measure: float
    path: tuple[Keyframe, ...]
    #: Every t in (0, 1] where M(t) is singular (the square/cube collapses), in order.
    singular: tuple[SingularPoint, ...]
    #: The first t in (0, 1] where det M(t) changes sign; null when it never does (1.0 only when
    #: det A < 0 is so small that 1 - t rounds to 0).
    flip_t: float | None
    #: The blob (2x2 only; null for 3x3).
    shape: Shape | None
    #: det(BA) = det B det A with B a mirror (2x2 only; null for 3x3).
    product: Product | None
    #: Half-extent of the grid drawn on the plane (null for 3x3: no grid is drawn in space).
    grid_extent: float | None
    grid_step: float | None
    #: How many times the view is zoomed out so the whole picture stays in frame (1 = not at all).
    fit: float
    #: The half-extents shown: BASE_VIEW_2D * fit (2D) or BASE_RADIUS_3D * fit (3D, one radius).
    view: tuple[float, ...]
    #: The point shown at the centre of the view: the origin (2D) or the middle of the drawn points (3D).
    view_center: tuple[float, ...]
    #: The farthest any drawn point gets from the origin along each axis during the path.
    reach: tuple[float, ...]


def determinant_story(matrix: np.ndarray) -> DeterminantStory:
    """The determinant of ``matrix`` told as area (volume) scaling.

    Parameters
    ----------
    matrix
        A 2x2 or 3x3 matrix A (already validated by :data:`PARAMS`).

    Returns
    -------
    DeterminantStory
        ``det`` is ``det A`` (exactly 0 when A is singular to working
        precision, see :func:`snapped_det`); ``image_measure`` is the signed
        area/volume of ``A`` applied to the unit square/cube, measured from
        the image's corners (it equals ``det A``); ``path`` holds
        ``{t, M(t), det M(t)}`` for ``M(t) = (1 - t) I + t A``, including the
        ``singular`` points where ``det M(t) = 0``; ``flip_t`` is where the
        sign first changes (it exists whenever ``det A < 0``, since
        ``det M(0) = 1``). For 2x2, ``shape`` is a blob whose area scales by
        ``det A`` too and ``product`` shows ``det(BA) = det B det A`` with B a
        mirror; ``fit`` is how far the view zooms out to keep it all in frame.

    Raises
    ------
    ParameterError
        If A is not 2x2 or 3x3, or its entries are so large that the unit
        square and its image cannot both be seen in one frame.
    """
    a = np.array(matrix, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] not in (2, 3):
        raise ParameterError("matrix", f"must be a 2x2 or 3x3 matrix, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ParameterError("matrix", "entries must be finite numbers")
    n = a.shape[0]
    largest = float(np.abs(a).max())
    if 0.0 < largest < MIN_ENTRY:
        raise ParameterError(
            "matrix",
            f"all entries are below {MIN_ENTRY:g} in size, so A squashes the picture to a dot far smaller than a "
            f"pixel; multiply A by a number c (det scales by c^{n})",
        )

    det = snapped_det(a)
    tol = singular_tolerance(a)
    rank = int(np.linalg.matrix_rank(a, tol=tol))
    orientation: Orientation = "collapsed" if det == 0.0 else ("preserved" if det > 0 else "reversed")

    corners = unit_vertices(n)
    image = corners @ a.T
    measure_value = shoelace_area(image) if n == 2 else parallelepiped_volume(image)

    roots, flip_t = _singular_times(a, det)
    path_scale = max(1.0, float(np.linalg.norm(a, 2)))
    singular_ts = [t for t, _ in roots]
    singular = tuple(
        SingularPoint(t, reverses, rank if t == 1.0 and det == 0.0 else _rank_at_root(interpolant(a, t), path_scale))
        for t, reverses in roots
    )
    path = _keyframes(lambda t: interpolant(a, t), singular_ts)

    shape: Shape | None = None
    product: Product | None = None
    if n == 2:
        outline = blob_outline()
        moved = outline @ a.T
        before, after = shoelace_area(outline), shoelace_area(moved)
        shape = Shape("blob", outline, moved, before, after, after / before)
        # M(t) p lies on the segment from p to A p, so the corners of the grid window
        # and their images bound everything drawn at every t (grid, square, blob).
        product = _product(a, det, outline, before)
        window = GRID_EXTENT * np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=float)
        # ((1 - s) I + s B) A p also moves on a segment, from A p to B A p.
        drawn = np.concatenate([window, window @ a.T, window @ product.matrix.T, outline, moved])
        reach = np.abs(drawn).max(axis=0)
        fit = max(1.0, float(np.max(reach / np.array(BASE_VIEW_2D))))
        view: tuple[float, ...] = tuple(float(v * fit) for v in BASE_VIEW_2D)
        view_center: tuple[float, ...] = (0.0, 0.0)
        grid_extent: float | None = GRID_EXTENT
        grid_step: float | None = GRID_STEP
    else:
        # The cube, its image and the triad (the columns of M(t), which are corners). No
        # grid in space, so the view centres on the drawn points instead of the origin.
        drawn = np.concatenate([corners, image])
        reach = np.abs(drawn).max(axis=0)
        middle = 0.5 * (drawn.min(axis=0) + drawn.max(axis=0))
        radius = float(np.linalg.norm(drawn - middle, axis=1).max())
        fit = max(1.0, radius / BASE_RADIUS_3D)
        view = (BASE_RADIUS_3D * fit,)
        view_center = tuple(float(c) for c in middle)
        grid_extent = grid_step = None
    if fit > MAX_FIT:
        raise ParameterError(
            "matrix",
            f"entries are too large to show the unit {'square' if n == 2 else 'cube'} and its image in one frame "
            f"(the view would zoom out {fit:.0f}x, limit {MAX_FIT:g}x); divide A by a number c "
            f"(det scales by 1/c^{n})",
        )

    return DeterminantStory(
        matrix=a,
        dim=n,
        measure="area" if n == 2 else "volume",
        det=det,
        rank=rank,
        singular_tolerance=tol,
        orientation=orientation,
        unit_vertices=corners,
        image_vertices=image,
        image_measure=measure_value,
        path=path,
        singular=singular,
        flip_t=flip_t,
        shape=shape,
        product=product,
        grid_extent=grid_extent,
        grid_step=grid_step,
        fit=fit,
        view=view,
        view_center=view_center,
        reach=tuple(float(r) for r in reach),
    )


#: Found through the entry point ``determinant`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="determinant",
    title="The determinant is how much areas and volumes scale",
    teaches=(
        "A matrix maps the unit square (cube) to a parallelogram (parallelepiped) whose signed area (volume) "
        "is det A."
    ),
    story=determinant_story,
    params=PARAMS,
    scene="mathviz_scenes.determinant:AreaScaling",
)
