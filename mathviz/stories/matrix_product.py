"""Matrix multiplication is composition: the numbers behind the ``matrix_product`` explainer.

:func:`matrix_product_story` computes everything the video shows for two 2x2
matrices A and B:

* the product ``AB`` entry by entry, each entry a row of A times a column of
  B, ``(AB)_ij = sum_k A_ik B_kj``, with its two terms (:func:`product`);
* the plane (basis vectors and an asymmetric "F") after B, then after A
  applied to *those* images, and after ``AB`` in one go: the same picture,
  because ``A(Bx) = (AB)x``. "First B, then A" is ``AB``: the matrix next to
  the vector acts first;
* the other order, "first A, then B" = ``BA``, and whether the two commute
  (``AB = BA`` up to rounding, see :func:`commute`);
* how far each view zooms out so every drawn point stays in frame along the
  paths the scene animates (:func:`transform_path`).

The scene draws with :func:`transform_path` and reads its geometry back
through the plane; no number here is recomputed there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.linalg import polar

from mathviz.explainer import Explainer
from mathviz.params import Param, ParameterError, matrix
from mathviz.stories.determinant import singular_tolerance, snapped_det
from mathviz.story import Story

__all__ = [
    "EXPLAINER",
    "PARAMS",
    "GRID_EXTENT",
    "GRID_STEP",
    "BASE_VIEW",
    "BASE_ORDER_VIEW",
    "VIEW_MARGIN",
    "MAX_FIT",
    "PATH_SAMPLES",
    "F_SHAPE",
    "Picture",
    "Entry",
    "View",
    "MatrixProductStory",
    "product",
    "commute",
    "transform_path",
    "path_of",
    "apply",
    "rank",
    "display_decimals",
    "matrix_product_story",
]

PARAMS: tuple[Param, ...] = (
    Param(
        "A",
        "[[0, -1], [1, 0]]",
        "the second transform (applied after B), a 2x2 matrix as rows; the default turns the plane a quarter turn",
        matrix("A", sizes=(2,)),
    ),
    Param(
        "B",
        "[[1, 1], [0, 1]]",
        "the first transform, a 2x2 matrix as rows; the default is a shear; B = [[2, 0], [0, 2]] commutes with any A",
        matrix("B", sizes=(2,)),
    ),
)

#: The drawn grid covers [-GRID_EXTENT, GRID_EXTENT]^2 of the plane, lines GRID_STEP apart.
GRID_EXTENT = 1.5
GRID_STEP = 0.5
#: Half-width and half-height (plane units) of the big plane at zoom 1 (its box is 8.9 x 7.0 scene units).
BASE_VIEW = (4.5, 3.5)
#: The same for each of the two planes side by side (AB and BA; boxes of 6.6 x 5.6 scene units).
BASE_ORDER_VIEW = (3.3, 2.8)
#: Room kept around the farthest drawn point (for arrow tips and the basis labels beside them).
VIEW_MARGIN = 1.12
#: Beyond this zoom-out the unit square at the start would be a few pixels wide.
MAX_FIT = 12.0
#: Samples per animated step when finding how far the drawn points reach.
PATH_SAMPLES = 96

#: An "F" (counter-clockwise polygon, plane units) in the first quadrant, clear of the basis
#: arrows: it has no symmetry, so a turn, a shear and a mirror image each look different.
F_SHAPE = np.array([
    [0.30, 0.20], [0.60, 0.20], [0.60, 0.65], [1.00, 0.65], [1.00, 0.90],
    [0.60, 0.90], [0.60, 1.10], [1.25, 1.10], [1.25, 1.40], [0.30, 1.40],
])


# -- formulas ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One entry of a product: ``(AB)_ij = A_i1 B_1j + A_i2 B_2j`` (i, j counted from 1)."""

    row: int
    column: int
    #: Row i of the left factor, ``(A_i1, A_i2)``.
    a_row: np.ndarray
    #: Column j of the right factor, ``(B_1j, B_2j)``.
    b_column: np.ndarray
    #: The terms ``A_ik B_kj`` for k = 1, 2.
    terms: np.ndarray
    #: Their sum, the entry.
    value: float


def product(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple[Entry, ...]]:
    """The product ``AB`` of two square matrices, each entry a row of A times a column of B.

    ``(AB)_ij = sum_k A_ik B_kj``. Returns the matrix and its entries in
    row-major order, each with the row, the column and the terms it sums.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n = a.shape[0]
    entries = []
    result = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            terms = a[i, :] * b[:, j]
            value = float(sum(terms.tolist()))
            result[i, j] = value
            entries.append(Entry(i + 1, j + 1, a[i, :].copy(), b[:, j].copy(), terms, value))
    return result, tuple(entries)


def commute(a: np.ndarray, b: np.ndarray, ab: np.ndarray, ba: np.ndarray) -> bool:
    """Whether ``AB = BA`` up to the rounding of the two products.

    Each computed entry of a 2x2 product is within about ``eps (|A||B|)_ij``
    of the exact one, so the computed ``AB - BA`` of a commuting pair is within
    ``eps (|A||B| + |B||A|)`` of 0; twice that bound is allowed. Integer
    matrices (exact products) commute exactly when ``AB == BA``.
    """
    a, b = np.abs(np.asarray(a, dtype=float)), np.abs(np.asarray(b, dtype=float))
    bound = 2.0 * np.finfo(float).eps * (a @ b + b @ a)
    return bool(np.all(np.abs(np.asarray(ab) - np.asarray(ba)) <= bound))


def transform_path(m: np.ndarray, t: float) -> np.ndarray:
    """The matrix drawn at time ``t`` in [0, 1] while ``m`` is applied: ``I`` at 0, ``m`` at 1.

    When ``det m > 0``, ``m = R(theta) P`` (polar decomposition: a turn by
    ``theta`` in (-pi, pi] and a symmetric positive definite stretch P) and the
    path is ``R(t theta) ((1 - t) I + t P)``: a steady turn and a straight
    stretch, never singular, so a quarter turn looks like a turn. Otherwise (a
    mirror image or a collapse, which no turn reaches; ``det m`` as
    :func:`mathviz.stories.determinant.snapped_det`, exactly 0 for a matrix singular to
    working precision) it is the straight line ``(1 - t) I + t m``.
    """
    return path_of(m)(t)


def path_of(m: np.ndarray) -> Callable[[float], np.ndarray]:
    """``t -> transform_path(m, t)`` with the polar decomposition of ``m`` done once."""
    m = np.array(m, dtype=float)
    turn: tuple[float, np.ndarray] | None = None
    # snapped_det: a singular m whose LU determinant rounds to +1e-30 has no turn to follow
    if snapped_det(m) > 0.0:
        u, p = polar(m)
        turn = (math.atan2(u[1, 0], u[0, 0]), p)

    def at(t: float) -> np.ndarray:
        if t <= 0.0:
            return np.eye(2)
        if t >= 1.0:
            return m.copy()
        if turn is None:
            return (1.0 - t) * np.eye(2) + t * m
        theta, p = turn
        c, s = math.cos(t * theta), math.sin(t * theta)
        return np.array([[c, -s], [s, c]]) @ ((1.0 - t) * np.eye(2) + t * p)

    return at


def apply(m: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``m`` applied to each row of ``points`` (N x 2): row k becomes ``m @ points[k]``."""
    return np.asarray(points, dtype=float) @ np.asarray(m, dtype=float).T


def rank(m: np.ndarray) -> int:
    """The rank of ``m``, counting singular values above :func:`mathviz.stories.determinant.singular_tolerance`."""
    return int(np.linalg.matrix_rank(m, tol=singular_tolerance(m)))


def display_decimals(values: np.ndarray, most: int = 3) -> int:
    """The fewest decimals (at most ``most``) that print every value exactly (to 1e-9 relative)."""
    v = np.asarray(values, dtype=float).ravel()
    for d in range(most + 1):
        if np.all(np.abs(v - np.round(v, d)) <= 1e-9 * np.maximum(1.0, np.abs(v))):
            return d
    return most


# -- the story --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    """The plane after a linear map: the map, where i-hat and j-hat land and where the F's corners land."""

    matrix: np.ndarray
    i_hat: np.ndarray
    j_hat: np.ndarray
    #: The F's corners (N x 2), in the order of :data:`F_SHAPE`.
    shape: np.ndarray


@dataclass(frozen=True)
class View:
    """The window of a plane: ``half_extents = base * fit`` so that everything drawn stays inside."""

    half_extents: tuple[float, float]
    #: How many times the view is zoomed out (1 = not at all).
    fit: float
    #: The farthest any drawn point gets from the origin along each axis, over every animated path.
    reach: tuple[float, float]


@dataclass(frozen=True)
class MatrixProductStory(Story):
    """Everything the ``matrix_product`` scene shows; see :func:`matrix_product_story`."""

    a: np.ndarray
    b: np.ndarray
    #: The product of "first B, then A" (row by column, see :func:`product`).
    ab: np.ndarray
    #: The product of "first A, then B".
    ba: np.ndarray
    #: Whether AB = BA (up to rounding, see :func:`commute`).
    commute: bool
    #: AB - BA.
    commutator: np.ndarray
    det_a: float
    det_b: float
    det_ab: float
    #: Ranks (2: the plane stays a plane, 1: it collapses onto a line, 0: onto the origin).
    rank_a: int
    rank_b: int
    rank_ab: int
    #: The entries of AB in row-major order, each a row of A times a column of B.
    entries: tuple[Entry, ...]
    shape_name: str
    #: The F's corners before any map.
    shape: np.ndarray
    #: B applied to the plane.
    after_b: Picture
    #: A applied to what B made: A (B e1), A (B e2) and A (B p) for each corner p.
    then_a: Picture
    #: AB applied in one go to the original plane.
    one_go: Picture
    #: The other order: A first, then B applied to A's images (BA).
    after_a: Picture
    then_b: Picture
    #: The largest distance between the two-step F (then_a) and the one-go F: rounding only.
    two_step_gap: float
    grid_extent: float
    grid_step: float
    #: The big plane (B, then A, then AB in one go).
    view: View
    #: Each of the two planes side by side (AB and BA, one scale for both).
    order_view: View
    #: Decimals that print every matrix entry and term exactly (at most 3).
    decimals: int


def _picture(m: np.ndarray, basis: np.ndarray, shape: np.ndarray) -> Picture:
    """``m`` applied to the current images of e1, e2 (``basis``, as rows) and of the F's corners."""
    moved = apply(m, basis)
    return Picture(matrix=moved.T.copy(), i_hat=moved[0], j_hat=moved[1], shape=apply(m, shape))


def _reach(points: np.ndarray, paths: list) -> np.ndarray:
    """The largest |x| and |y| of ``path(t) @ p`` over the points p and samples t of every path."""
    reach = np.abs(points).max(axis=0)
    for path in paths:
        for t in np.linspace(0.0, 1.0, PATH_SAMPLES + 1):
            reach = np.maximum(reach, np.abs(apply(path(t), points)).max(axis=0))
    return reach


def _view(reach: np.ndarray, base: tuple[float, float]) -> View:
    fit = max(1.0, float(np.max(reach * VIEW_MARGIN / np.array(base))))
    return View(half_extents=(base[0] * fit, base[1] * fit), fit=fit, reach=(float(reach[0]), float(reach[1])))


def matrix_product_story(A: np.ndarray, B: np.ndarray) -> MatrixProductStory:
    """Composition of two 2x2 maps told as the product AB ("first B, then A").

    Parameters
    ----------
    A, B
        2x2 matrices (already validated by :data:`PARAMS`). B acts first.

    Returns
    -------
    MatrixProductStory
        ``ab`` and ``ba`` with the entries of ``ab`` as row-by-column sums;
        the pictures after B, after A applied to those (``then_a``), after AB
        in one go (``one_go``, equal to ``then_a`` up to rounding) and of the
        other order (``after_a``, ``then_b`` = BA); ``commute``; the views.

    Raises
    ------
    ParameterError
        If a matrix is not 2x2, or the pictures are so large that the unit
        square at the start and the images cannot be shown in one frame.
    """
    a, b = np.array(A, dtype=float), np.array(B, dtype=float)
    for key, m in (("A", a), ("B", b)):
        if m.shape != (2, 2):
            raise ParameterError(key, f"must be a 2x2 matrix, got shape {m.shape}")
        if not np.all(np.isfinite(m)):
            raise ParameterError(key, "entries must be finite numbers")

    ab, entries = product(a, b)
    ba, _ = product(b, a)
    shape = F_SHAPE.copy()
    basis = np.eye(2)
    after_b = _picture(b, basis, shape)
    then_a = _picture(a, np.stack([after_b.i_hat, after_b.j_hat]), after_b.shape)
    one_go = _picture(ab, basis, shape)
    after_a = _picture(a, basis, shape)
    then_b = _picture(b, np.stack([after_a.i_hat, after_a.j_hat]), after_a.shape)

    # The grid window's corners bound the grid (a segment maps to a segment), the basis
    # arrows (e1, e2 are inside it) and with the F's corners everything drawn.
    window = GRID_EXTENT * np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=float)
    drawn = np.concatenate([window, shape])
    path_a, path_b, path_ab = path_of(a), path_of(b), path_of(ab)
    first_b, then_a_path = path_b, lambda t: path_a(t) @ b
    view = _view(_reach(drawn, [first_b, then_a_path, path_ab]), BASE_VIEW)
    order_view = _view(_reach(drawn, [first_b, then_a_path, path_a, lambda t: path_b(t) @ a]), BASE_ORDER_VIEW)
    fit = max(view.fit, order_view.fit)
    if fit > MAX_FIT:
        key = "A" if np.linalg.norm(a, 2) >= np.linalg.norm(b, 2) else "B"
        raise ParameterError(
            key,
            f"entries are too large to show the F before and after in one frame (the view would zoom out "
            f"{fit:.0f}x, limit {MAX_FIT:g}x); divide A or B by a number",
        )

    return MatrixProductStory(
        a=a,
        b=b,
        ab=ab,
        ba=ba,
        commute=commute(a, b, ab, ba),
        commutator=ab - ba,
        det_a=snapped_det(a),
        det_b=snapped_det(b),
        det_ab=snapped_det(ab),
        rank_a=rank(a),
        rank_b=rank(b),
        rank_ab=rank(ab),
        entries=entries,
        shape_name="F",
        shape=shape,
        after_b=after_b,
        then_a=then_a,
        one_go=one_go,
        after_a=after_a,
        then_b=then_b,
        two_step_gap=float(np.abs(then_a.shape - one_go.shape).max()),
        grid_extent=GRID_EXTENT,
        grid_step=GRID_STEP,
        view=view,
        order_view=order_view,
        decimals=display_decimals(np.concatenate([a.ravel(), b.ravel(), ab.ravel(), ba.ravel(),
                                                  np.concatenate([e.terms for e in entries])])),
    )


#: Found through the entry point ``matrix_product`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="matrix_product",
    title="Matrix multiplication is composition",
    teaches=(
        "Applying B then A is the single transform AB; the order matters (AB vs BA); each entry is a row "
        "times a column."
    ),
    story=matrix_product_story,
    params=PARAMS,
    scene="mathviz_scenes.matrix_product:Composition",
)
