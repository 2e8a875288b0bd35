"""Norms, inner products and coordinates in the plane: the numbers behind the ``norms`` explainer.

Three ideas about vectors in R^2, each computed here and only drawn by the scene:

* **Size.** The p-norm ``||x||_p = (|x_1|^p + |x_2|^p)^(1/p)`` for ``p >= 1``
  and ``||x||_inf = max(|x_1|, |x_2|)``. Its unit ball's boundary
  ``{x : ||x||_p = 1}`` is a diamond at ``p = 1``, the circle at ``p = 2`` and
  tends to the square ``||x||_inf = 1`` as ``p -> inf``. For ``p < 1`` the
  formula is not a norm (the "ball" is not convex and the triangle inequality
  fails), so ``p >= 1`` is required. ``||v||_p`` is the factor by which the
  unit p-ball must grow to reach ``v``.
* **Angle.** The inner product ``u . v = |u| |v| cos(theta)`` (``|.|`` the
  2-norm), the projection of ``u`` on ``v``, ``(u . v / v . v) v``, and what is
  left over, ``u - proj``, which is orthogonal to ``v``. The angle is
  undefined when either vector is zero (``0 / 0``); the story says so rather
  than printing NaN.
* **Coordinates.** A basis ``b1, b2`` given as the *columns* of ``B``; the
  coordinates of ``v`` are the solution of ``B c = v``, and ``v = c1 b1 + c2 b2``
  is drawn as a parallelogram on the skewed grid of the basis.

Boundary curves are sampled radially: the sample at angle ``phi`` is
``d / ||d||_p`` with ``d = (cos phi, sin phi)``. Every curve has the same
angles, so the scene morphs between the slider's keyframes point by point,
and with :data:`BALL_SAMPLES` a multiple of 8 the corners of the diamond (at
0, 90, ... degrees) and of the square (at 45, 135, ...) are samples, so
straight segments between samples draw both exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mathviz.explainer import Explainer
from mathviz.params import Param, ParameterError, show_number
from mathviz.params import matrix as matrix_parser
from mathviz.params import number as number_parser
from mathviz.params import vector as vector_parser
from mathviz.story import Story
from mathviz.view import nice_step

__all__ = [
    "EXPLAINER",
    "PARAMS",
    "BALL_SAMPLES",
    "MAX_P",
    "MIN_SIZE",
    "MIN_BASIS_ANGLE",
    "FIT_MARGIN",
    "BALL_VIEW_RADIUS",
    "LATTICE_LINES",
    "ORTHOGONAL_TOL",
    "PARALLEL_TOL",
    "p_norm",
    "dual_exponent",
    "unit_ball",
    "square_gap",
    "slider_values",
    "clip_line",
    "UnitBall",
    "VectorNorms",
    "InnerProduct",
    "Coordinates",
    "LatticeLine",
    "Fit",
    "NormsStory",
    "norms_story",
]

#: Points on each unit-ball boundary; a multiple of 8 so the diamond's and the square's corners are samples.
BALL_SAMPLES = 256
#: The largest p the slider goes to: the ball is then the square to within 1 - 2^(-1/1000) < 0.07%.
MAX_P = 1000.0
#: A nonzero vector (or basis column) whose largest entry is smaller than this cannot be drawn or read out.
MIN_SIZE = 1e-4
#: Basis columns closer than this (radians) to parallel are refused: coordinates in such a basis blow up.
MIN_BASIS_ANGLE = math.radians(2.0)
#: Room left around the farthest point a view must show, as a factor of its distance.
FIT_MARGIN = 1.15
#: The view (half-width, plane units) of the unit-ball beats: the square's corners (1, 1) with room around.
BALL_VIEW_RADIUS = 1.5
#: About how many lines of each family of the skewed basis grid cross the view.
LATTICE_LINES = 16
#: ``|r . v| <= ORTHOGONAL_TOL |u| |v|`` is rounding noise in the leftover ``r = u - proj``: reported as 0.
ORTHOGONAL_TOL = 1e-12
#: A leftover ``|u - proj| <= PARALLEL_TOL |u|`` means u lies along v (nothing is left to be orthogonal).
PARALLEL_TOL = 1e-9


def _parse_p(text: str | float) -> float:
    value = number_parser("p")(text)
    return _check_p(value)


def _check_p(value: float) -> float:
    if not math.isfinite(value):
        raise ParameterError("p", f"must be a finite number between 1 and {MAX_P:g}, got {value}")
    if value < 1:
        raise ParameterError("p", f"must be at least 1, got {show_number(value)}: for p < 1 the unit ball is not convex and "
                                  "the triangle inequality fails, so it is not a norm")
    if value > MAX_P:
        raise ParameterError("p", f"must be at most {show_number(MAX_P)}, got {show_number(value)} "
                                  "(the ball is already the square)")
    return float(value)


PARAMS: tuple[Param, ...] = (
    Param("vector", "[3, 1]", "the vector v whose norms and coordinates are shown: [x, y]",
          vector_parser("vector", max_length=2, length=2)),
    Param("other", "[1, 2]", "the vector u whose angle with v, projection on v and leftover are shown: [x, y]",
          vector_parser("other", max_length=2, length=2)),
    Param("basis", "[[1, 1], [0, 1]]",
          "the basis as the COLUMNS of a 2x2 matrix B (B c = v): [[1, 1], [0, 1]] is b1 = (1, 0), b2 = (1, 1)",
          matrix_parser("basis", sizes=(2,))),
    Param("p", "16", f"where the p slider stops (from p = 1), at least 1 (p < 1 is not a norm), at most {MAX_P:g}",
          _parse_p),
)

Vector = tuple[float, float]
Matrix = tuple[Vector, Vector]


def _vec(v: np.ndarray) -> Vector:
    # + 0.0 turns -0.0 into 0.0, which readouts and JSON readers would otherwise show as "-0".
    return (float(v[0]) + 0.0, float(v[1]) + 0.0)


# -- norms and unit balls ---------------------------------------------------------------------------


def p_norm(x: np.ndarray, p: float) -> float:
    """``||x||_p = (sum |x_i|^p)^(1/p)``, and ``max |x_i|`` for ``p = inf``.

    Computed as ``m (sum (|x_i| / m)^p)^(1/p)`` with ``m = max |x_i|``, so
    nothing overflows or underflows for large ``p`` or extreme entries
    (``(|x_i| / m)^p <= 1``). Defined for any ``p > 0``; a norm only for ``p >= 1``.
    """
    a = np.abs(np.asarray(x, dtype=float)).ravel()
    if a.size == 0:
        return 0.0
    m = float(a.max())
    if m == 0.0:
        return 0.0
    if math.isinf(p):
        return m
    return m * float(np.sum((a / m) ** p)) ** (1.0 / p)


def dual_exponent(p: float) -> float:
    """The Hölder conjugate ``q`` with ``1/p + 1/q = 1`` (``q = inf`` for ``p = 1``, ``q = 1`` for ``p = inf``)."""
    if p == 1:
        return math.inf
    if math.isinf(p):
        return 1.0
    return p / (p - 1.0)


def _directions(samples: int) -> np.ndarray:
    angles = 2 * math.pi * np.arange(samples) / samples
    d = np.column_stack([np.cos(angles), np.sin(angles)])
    d[np.abs(d) < 1e-15] = 0.0  # cos(pi/2) is 6e-17: make the axis directions exact
    return d


def unit_ball(p: float, samples: int = BALL_SAMPLES) -> np.ndarray:
    """Points of ``{x : ||x||_p = 1}``, one per direction ``phi_k = 2 pi k / samples``: ``d_k / ||d_k||_p``.

    Returns a ``samples x 2`` array, counter-clockwise from ``(1, 0)``.
    """
    d = _directions(samples)
    a = np.abs(d)
    m = a.max(axis=1)  # every direction has a nonzero entry
    if math.isinf(p):
        return d / m[:, None]
    # the same scaling as p_norm, row by row: m (sum (|d_i| / m)^p)^(1/p)
    norms = m * np.sum((a / m[:, None]) ** p, axis=1) ** (1.0 / p)
    return d / norms[:, None]


def square_gap(p: float) -> float:
    """How far the p-ball stays inside the square ``||x||_inf = 1``: ``1 - 2^(-1/p)``.

    On the p-ball ``||x||_inf >= 2^(-1/p)`` (because ``||x||_p <= 2^(1/p) ||x||_inf``),
    with equality on the diagonals, so this is the largest ``1 - ||x||_inf`` on
    the boundary; it is ``1/2`` at ``p = 1`` and tends to 0 as ``p -> inf``.
    """
    if math.isinf(p):
        return 0.0
    return float(-math.expm1(-math.log(2.0) / p))


def slider_values(p_end: float) -> tuple[float, ...]:
    """The slider's keyframes: from 1 to ``p_end``, evenly spaced in ``log p``, passing through 2 (the circle).

    ``(1.0,)`` when ``p_end = 1``: the slider has nowhere to go.
    """
    if p_end == 1.0:
        return (1.0,)
    if p_end <= 2.0:
        values = list(np.geomspace(1.0, p_end, 9))
    else:
        values = list(np.geomspace(1.0, 2.0, 5)) + list(np.geomspace(2.0, p_end, 12)[1:])
        values[4] = 2.0
    values[0], values[-1] = 1.0, p_end
    return tuple(float(x) for x in values)


@dataclass(frozen=True)
class UnitBall:
    """The boundary ``||x||_p = 1``: ``p`` (``inf`` prints as null), its points, and :func:`square_gap`.

    ``points`` (``BALL_SAMPLES`` of them, counter-clockwise from ``(1, 0)``) stay
    out of the JSON: they are what the scene draws, not numbers it prints.
    """

    p: float
    square_gap: float
    points: tuple[Vector, ...] = field(repr=False)


def _ball(p: float) -> UnitBall:
    return UnitBall(p=float(p), square_gap=square_gap(p), points=tuple(_vec(x) for x in unit_ball(p)))


# -- the story's parts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VectorNorms:
    """``||v||_1 >= ||v||_2 >= ||v||_inf`` of the vector ``v``: the radii of the p-balls through ``v``."""

    l1: float
    l2: float
    linf: float


@dataclass(frozen=True)
class InnerProduct:
    """``u . v = |u| |v| cos(theta)``, the projection of ``u`` on ``v`` and the leftover orthogonal to ``v``.

    ``angle_defined`` is False when ``u`` or ``v`` is zero: then ``cos``,
    ``angle`` and ``angle_degrees`` are None (0 / 0), not NaN.
    ``norms_cos = |u| |v| cos(theta)`` (equal to ``dot``; shown beside it).

    ``projection = (u . v / v . v) v`` (``coefficient = u . v / v . v``, None
    when ``v = 0``, whose span is the origin: projection 0). ``scalar_projection
    = u . v / |v|`` is its signed length. ``leftover = u - projection``.

    The orthogonal pair shown at right angles is ``pair = (a, b)`` with
    ``a . b = 0``, drawn with its right-angle mark at ``corner``;
    ``orthogonal_kind`` says which pair:

    * ``"leftover"``: ``(v, u - proj)``; ``b`` is drawn from ``corner = proj`` to ``u``;
    * ``"parallel"``: u lies along v (or u = 0), nothing is left over; the pair
      is ``(v, v turned 90 degrees)`` from ``corner = 0``;
    * ``"zero-v"``: ``v = 0`` is orthogonal to everything; the pair is
      ``(u, u turned 90 degrees)`` from the origin, or None when ``u = 0`` too.

    ``orthogonal_dot = a . b`` with rounding noise (``<= ORTHOGONAL_TOL |a| |b|``) reported as 0.
    """

    dot: float
    norm_u: float
    norm_v: float
    angle_defined: bool
    cos: float | None
    angle: float | None
    angle_degrees: float | None
    norms_cos: float | None
    coefficient: float | None
    scalar_projection: float | None
    projection: Vector
    leftover: Vector
    orthogonal_kind: str
    pair: tuple[Vector, Vector] | None
    corner: Vector
    orthogonal_dot: float | None


@dataclass(frozen=True)
class Coordinates:
    """``v = c1 b1 + c2 b2``: ``c`` solves ``B c = v`` with ``b1, b2`` the columns of ``B``.

    ``components = (c1 b1, c2 b2)``, the parallelogram's sides from the origin;
    ``det = det B`` (the area of the basis cell), ``condition`` the 2-norm
    condition number of ``B`` and ``angle_degrees`` the angle between ``b1`` and ``b2``.
    """

    basis: Matrix
    columns: tuple[Vector, Vector]
    det: float
    condition: float
    angle_degrees: float
    coefficients: Vector
    components: tuple[Vector, Vector]


@dataclass(frozen=True)
class LatticeLine:
    """One line ``c_family = value`` of the skewed grid, clipped to the basis view: from ``start`` to ``end``.

    ``family`` 0 holds the lines of constant ``c1`` (parallel to ``b2``), 1 those of constant ``c2``.
    """

    family: int
    value: float
    start: Vector
    end: Vector


@dataclass(frozen=True)
class Fit:
    """A square view ``[-radius, radius]^2`` of the plane with grid lines ``grid_step`` apart."""

    radius: float
    grid_step: float


@dataclass(frozen=True)
class NormsStory(Story):
    """Everything the ``norms`` scene shows.

    ``unit_balls`` are p = 1, 2, inf; ``slider`` the keyframes of the p
    slider from 1 to ``p`` (:func:`slider_values`). ``norms`` are those of
    ``vector`` (v); ``inner`` relates ``other`` (u) to v; ``coordinates``
    gives v in the basis; ``lattice`` the basis grid lines in
    ``basis_view``. The views: ``ball_view`` for the unit balls,
    ``vector_view`` holding v, u and the p-balls through v, ``basis_view``
    holding the basis picture (the same as ``vector_view`` when that
    already fits it well).
    """

    vector: Vector
    other: Vector
    p: float
    vector_is_zero: bool
    other_is_zero: bool
    unit_balls: tuple[UnitBall, ...]
    slider: tuple[UnitBall, ...]
    norms: VectorNorms
    inner: InnerProduct
    coordinates: Coordinates
    lattice_steps: Vector
    lattice: tuple[LatticeLine, ...]
    ball_view: Fit
    vector_view: Fit
    basis_view: Fit


# -- geometry helpers -------------------------------------------------------------------------------


def _fit(reach: float) -> Fit:
    """A view holding every point with ``||x||_inf <= reach``, with two to five grid lines a side."""
    radius = FIT_MARGIN * reach if reach > 0 else BALL_VIEW_RADIUS
    return Fit(radius=radius, grid_step=nice_step(radius / 5.0))


def clip_line(point: np.ndarray, direction: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray] | None:
    """The part of the line ``point + t direction`` inside the square ``[-radius, radius]^2`` (Liang-Barsky).

    Returns the two ends, or None when the line misses the square (or only touches a corner).
    """
    lo, hi = -math.inf, math.inf
    for k in range(2):
        if direction[k] == 0.0:
            if abs(point[k]) > radius:
                return None
            continue
        t1 = (-radius - point[k]) / direction[k]
        t2 = (radius - point[k]) / direction[k]
        lo, hi = max(lo, min(t1, t2)), min(hi, max(t1, t2))
    if hi - lo <= 1e-12 * max(1.0, abs(lo), abs(hi)):
        return None
    return point + lo * direction, point + hi * direction


def _lattice(b: np.ndarray, radius: float) -> tuple[Vector, tuple[LatticeLine, ...]]:
    """The basis grid in the view: lines ``c_i = k s_i`` with 1-2-5 steps ``s_i >= 1`` about LATTICE_LINES apart."""
    det = float(np.linalg.det(b))
    inverse = np.linalg.inv(b)
    corners = np.array([[radius, radius], [radius, -radius], [-radius, radius], [-radius, -radius]])
    coords = corners @ inverse.T  # the basis coordinates of the view's corners
    target = 2 * radius / LATTICE_LINES
    steps: list[float] = []
    lines: list[LatticeLine] = []
    for family in range(2):
        along = b[:, 1 - family]  # the lines of constant c_family run along the other column
        spacing = abs(det) / float(np.linalg.norm(along))  # distance between c_family = k and k + 1
        step = max(1.0, nice_step(target / spacing))
        steps.append(step)
        low, high = coords[:, family].min(), coords[:, family].max()
        for k in range(math.ceil(low / step), math.floor(high / step) + 1):
            value = k * step
            ends = clip_line(value * b[:, family], along, radius)
            if ends is not None:
                lines.append(LatticeLine(family=family, value=float(value), start=_vec(ends[0]), end=_vec(ends[1])))
    return (steps[0], steps[1]), tuple(lines)


# -- validation -------------------------------------------------------------------------------------


def _check_vector(key: str, value: np.ndarray) -> np.ndarray:
    v = np.asarray(value, dtype=float)
    if v.shape != (2,):
        raise ParameterError(key, f"must have exactly 2 numbers like [3, 1], got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ParameterError(key, "entries must be finite numbers")
    size = float(np.max(np.abs(v)))
    if 0 < size < MIN_SIZE:
        raise ParameterError(key, f"is too small to draw (largest entry {size:.3g} < {MIN_SIZE:g}); "
                                  "use [0, 0] or larger entries")
    return v


def _check_basis(value: np.ndarray) -> np.ndarray:
    b = np.asarray(value, dtype=float)
    if b.shape != (2, 2):
        raise ParameterError("basis", f"must be a 2x2 matrix like [[1, 1], [0, 1]], got shape {b.shape}")
    if not np.all(np.isfinite(b)):
        raise ParameterError("basis", "entries must be finite numbers")
    for k in range(2):
        size = float(np.max(np.abs(b[:, k])))
        if size == 0.0:
            raise ParameterError("basis", f"column b{k + 1} is the zero vector, so the columns are not a basis")
        if size < MIN_SIZE:
            raise ParameterError("basis", f"column b{k + 1} is too small to draw (largest entry {size:.3g} < {MIN_SIZE:g})")
    det = float(np.linalg.det(b))
    cross = float(b[0, 0] * b[1, 1] - b[1, 0] * b[0, 1])
    if cross == 0.0:
        raise ParameterError("basis", "columns b1 and b2 are parallel (det B = 0): they span a line, not the plane, "
                                      "so they are not a basis")
    angle = math.atan2(abs(cross), abs(float(b[:, 0] @ b[:, 1])))  # the angle between the two lines
    if angle < MIN_BASIS_ANGLE:
        raise ParameterError(
            "basis",
            f"columns b1 and b2 are nearly parallel ({math.degrees(angle):.2g} degrees apart, det B = {det:.3g}, "
            f"condition number {np.linalg.cond(b):.3g}): coordinates in such a basis blow up; "
            f"pick columns at least {math.degrees(MIN_BASIS_ANGLE):g} degrees apart")
    return b


# -- the story --------------------------------------------------------------------------------------


def _turned(x: np.ndarray) -> np.ndarray:
    """``x`` turned a quarter turn counter-clockwise: ``(-x_2, x_1)``."""
    return np.array([-x[1], x[0]]) + 0.0


def _inner(u: np.ndarray, v: np.ndarray) -> InnerProduct:
    dot = float(u @ v)
    norm_u, norm_v = math.hypot(*u), math.hypot(*v)
    defined = norm_u > 0 and norm_v > 0
    angle: float | None
    cos: float | None
    if defined:
        cross = float(u[0] * v[1] - u[1] * v[0])
        angle = math.atan2(abs(cross), dot)  # accurate near 0 and pi, unlike arccos
        cos = min(1.0, max(-1.0, dot / (norm_u * norm_v)))
        angle_degrees: float | None = math.degrees(angle)
        norms_cos: float | None = norm_u * norm_v * cos
    else:  # no direction: neither angle nor cosine exists
        angle = cos = angle_degrees = norms_cos = None
    if norm_v > 0:
        coefficient: float | None = dot / float(v @ v)
        scalar: float | None = dot / norm_v
        projection = coefficient * v
    else:
        coefficient = scalar = None
        projection = np.zeros(2)
    if norm_v > 0:
        # u - proj, written as its component along v turned a quarter turn: (v x u) / |v|^2 * v_perp.
        # Subtracting proj from u would lose digits to cancellation when u is nearly along v, and the
        # leftover would no longer be square to v; this way its direction is exactly v_perp.
        leftover = (float(v[0] * u[1] - v[1] * u[0]) / float(v @ v)) * _turned(v)
    else:
        leftover = u.astype(float)
    if norm_v == 0:
        kind = "zero-v"
        pair = None if norm_u == 0 else (u, _turned(u))
        corner = np.zeros(2)
    elif math.hypot(*leftover) <= PARALLEL_TOL * norm_u or norm_u == 0:
        kind = "parallel"
        pair, corner = (v, _turned(v)), np.zeros(2)
    else:
        kind = "leftover"
        pair, corner = (v, leftover), projection
    orthogonal_dot: float | None = None
    if pair is not None:
        a, b = pair
        orthogonal_dot = float(a @ b)
        if abs(orthogonal_dot) <= ORTHOGONAL_TOL * math.hypot(*a) * math.hypot(*b):
            orthogonal_dot = 0.0
    return InnerProduct(
        dot=dot + 0.0,
        norm_u=norm_u,
        norm_v=norm_v,
        angle_defined=defined,
        cos=cos,
        angle=angle,
        angle_degrees=angle_degrees,
        norms_cos=norms_cos,
        coefficient=coefficient,
        scalar_projection=scalar,
        projection=_vec(projection),
        leftover=_vec(leftover),
        orthogonal_kind=kind,
        pair=None if pair is None else (_vec(pair[0]), _vec(pair[1])),
        corner=_vec(corner),
        orthogonal_dot=orthogonal_dot,
    )


def _coordinates(b: np.ndarray, v: np.ndarray) -> Coordinates:
    c = np.linalg.solve(b, v)
    columns = (b[:, 0], b[:, 1])
    cross = float(b[0, 0] * b[1, 1] - b[1, 0] * b[0, 1])
    return Coordinates(
        basis=(_vec(b[0]), _vec(b[1])),
        columns=(_vec(columns[0]), _vec(columns[1])),
        det=float(np.linalg.det(b)),
        condition=float(np.linalg.cond(b)),
        angle_degrees=math.degrees(math.atan2(abs(cross), float(columns[0] @ columns[1]))),
        coefficients=_vec(c),
        components=(_vec(c[0] * columns[0]), _vec(c[1] * columns[1])),
    )


def _reach(*points: Any) -> float:
    return max((float(np.max(np.abs(np.asarray(x, dtype=float)))) for x in points), default=0.0)


def norms_story(vector: np.ndarray, other: np.ndarray, basis: np.ndarray, p: float) -> NormsStory:
    """The unit p-balls, the norms of ``v``, its angle with ``u``, and its coordinates in a basis.

    * ``||x||_p = (|x_1|^p + |x_2|^p)^(1/p)``; the unit balls ``||x||_p = 1``
      for p = 1, 2, inf and a slider of keyframes from p = 1 to ``p``.
    * ``||v||_1``, ``||v||_2``, ``||v||_inf``.
    * ``u . v = |u| |v| cos(theta)``, ``proj_v u = (u . v / v . v) v`` and
      ``(u - proj_v u) . v = 0``.
    * ``B c = v`` with the basis vectors as the columns of ``B``:
      ``v = c1 b1 + c2 b2``.

    Parameters
    ----------
    vector, other
        ``v`` and ``u``, two numbers each.
    basis
        The 2x2 matrix ``B`` whose columns are ``b1`` and ``b2``.
    p
        Where the slider stops, ``1 <= p <= MAX_P``.

    Raises
    ------
    ParameterError
        A vector that is not two finite numbers or is nonzero but too small to
        draw; a basis whose columns are zero, parallel or nearly parallel; p
        outside ``[1, MAX_P]`` (``p < 1`` is not a norm).
    """
    v = _check_vector("vector", vector)
    u = _check_vector("other", other)
    b = _check_basis(basis)
    p = _check_p(float(p))

    norms = VectorNorms(l1=p_norm(v, 1), l2=p_norm(v, 2), linf=p_norm(v, math.inf))
    inner = _inner(u, v)
    coords = _coordinates(b, v)

    drawn = [v, u, inner.projection]
    if inner.pair is not None:
        # the leftover runs from the projection to u; a turned partner runs from the origin
        drawn += [np.add(inner.corner, inner.pair[1])]
    vector_view = _fit(max(norms.l1, _reach(*drawn)))  # the 1-ball through v reaches ||v||_1 on the axes
    basis_reach = _reach(v, *coords.columns, *coords.components)
    basis_view = _fit(basis_reach)
    # One view for both unless the basis picture would be cramped or lost in it.
    if 0.85 * vector_view.radius <= basis_view.radius <= vector_view.radius:
        basis_view = vector_view
    steps, lattice = _lattice(b, basis_view.radius)

    return NormsStory(
        vector=_vec(v),
        other=_vec(u),
        p=p,
        vector_is_zero=bool(norms.l1 == 0.0),
        other_is_zero=bool(inner.norm_u == 0.0),
        unit_balls=tuple(_ball(q) for q in (1.0, 2.0, math.inf)),
        slider=tuple(_ball(q) for q in slider_values(p)),
        norms=norms,
        inner=inner,
        coordinates=coords,
        lattice_steps=steps,
        lattice=lattice,
        ball_view=Fit(radius=BALL_VIEW_RADIUS, grid_step=0.5),
        vector_view=vector_view,
        basis_view=basis_view,
    )


#: Found through the entry point ``norms`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="norms",
    title="Norms, inner products and coordinates",
    teaches=(
        "Unit balls of the p-norms from p = 1 to infinity; the inner product and orthogonality; a vector's "
        "coordinates in a basis."
    ),
    story=norms_story,
    params=PARAMS,
    scene="mathviz_scenes.norms:UnitBalls",
)
