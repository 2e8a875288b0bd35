"""Partial derivatives, the tangent plane and the Hessian: the numbers behind ``tangent_plane_hessian``.

A surface z = f(x, y) is one of the named teaching surfaces in :data:`SURFACES`
(a bowl, a cap, a saddle, a monkey saddle, an elliptical Gaussian bump) or any
expression in ``x, y`` the user types. Every derivative is the exact symbolic
derivative of the validated expression tree (:meth:`mathviz.expr.Expression.diff`).

At a point p0 = (x0, y0) the story holds

* the partial derivatives f_x(p0), f_y(p0): the slopes of the two slices
  z = f(x, y0) and z = f(x0, y) through p0, each with its tangent line
  z = f(p0) + f_x (x - x0) (at y = y0) and z = f(p0) + f_y (y - y0) (at x = x0);
* the tangent plane those two lines span,
  z = f(p0) + f_x (x - x0) + f_y (y - y0), as a patch with its four corners;
* the gradient grad f = (f_x, f_y) and the directional derivatives
  D_u f = grad f . u = |grad f| cos(angle between u and grad f) for unit
  vectors u all around the circle: largest, |grad f|, along grad f (steepest ascent);
* the critical points in the window (grad f = 0, found by damped Newton
  iterations on the exact gradient from a grid of starts) with their Hessians
  H = [[f_xx, f_xy], [f_yx, f_yy]], eigenvalues (closed form for a symmetric
  2x2 matrix) and the second-derivative test:
  both eigenvalues > 0 a minimum, both < 0 a maximum, opposite signs a saddle,
  a zero eigenvalue (``|lambda| <= DEGENERATE_RTOL`` times the surface's largest
  second derivative) "degenerate": the test is inconclusive;
* the glide of the tangent plane from p0 to the nearest critical point, where
  the plane is horizontal, and the same test on the named bowl, cap, saddle and
  monkey saddle for the classification beat.

Edge cases: a typed surface must be finite on the plotting grid; f must be
finite and differentiable at p0 (a corner such as ``abs(x)`` at x = 0 is
detected by one-sided difference quotients, since the symbolic ``sign(0) = 0``
would hide it): otherwise a :class:`~mathviz.params.ParameterError`. A surface
without a critical point in view (a plane) gives ``critical_point = None`` and
the smallest |grad f| over the window, so the video can say so. Steep surfaces
shrink the drawn patch (never below :data:`PLANE_MIN_HALF` of the window) and
the box's height grows to hold it, so the view always fits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from mathviz import params
from mathviz import surface as shared_surface
from mathviz.explainer import Explainer
from mathviz.expr import Expression
from mathviz.params import Param, ParameterError
from mathviz.story import Story
from mathviz.surface import GRID_POINTS, Point, Surface, Window, contour_lines, window_text

__all__ = [
    "EXPLAINER",
    "NamedSurface",
    "GraphSurface",
    "CriticalPoint",
    "Example",
    "TangentPlaneStory",
    "SURFACES",
    "EXAMPLES",
    "KINDS",
    "VARIABLES",
    "DEFAULT_WINDOW",
    "DEGENERATE_RTOL",
    "PLANE_HALF",
    "PLANE_MIN_HALF",
    "PLANE_RISE",
    "TANGENT_REACH",
    "PARAMS",
    "parse_surface",
    "make_surface",
    "symmetric_eigen",
    "classify",
    "is_kinked",
    "find_critical_points",
    "critical_point_at",
    "tangent_plane",
    "plane_half_size",
    "directional_derivatives",
    "contour_lines",
    "tangent_plane_story",
]

VARIABLES: tuple[str, str] = ("x", "y")
#: The plotting window of a typed expression: x and y in [-2, 2].
DEFAULT_WINDOW: Window = ((-2.0, 2.0), (-2.0, 2.0))
#: Samples of each slice curve across the window.
SLICE_SAMPLES = 121
#: Directions u on the unit circle for the directional-derivative sweep (every 5 degrees, both ends).
DIRECTION_SAMPLES = 73
#: Samples of the tangent plane's glide from the point to the critical point.
GLIDE_SAMPLES = 41
#: Contour levels of the inset (at evenly spaced quantiles of the surface's heights).
CONTOUR_LEVELS = 8
#: An eigenvalue counts as zero when |lambda| <= DEGENERATE_RTOL * (largest |second derivative| on the window).
DEGENERATE_RTOL = 1e-6
#: Half the side of the drawn tangent-plane patch as a fraction of the window's width ...
PLANE_HALF = 0.25
#: ... shrunk so the patch rises at most PLANE_RISE times the surface's height range from its centre ...
PLANE_RISE = 0.45
#: ... but never below this fraction of the window (a very steep surface lets the box grow instead).
PLANE_MIN_HALF = 0.07
#: The tangent lines reach this many patch half-sizes either side of the point (past the patch, so
#: they read as lines, not as the patch's edges).
TANGENT_REACH = 1.8
#: Starts per axis of the critical-point search.
SEARCH_STARTS = 7
#: Newton steps of the critical-point search (enough for the linear convergence into a degenerate point).
NEWTON_ITERATIONS = 120
#: A root is a critical point when |grad f| <= CRITICAL_RTOL * (largest |grad f| on the window, at least 1).
CRITICAL_RTOL = 1e-9
#: At most this many critical points are kept (a valley floor is a whole line of them).
MAX_CRITICAL = 9
KINDS: tuple[str, ...] = ("minimum", "maximum", "saddle", "degenerate")


@dataclass(frozen=True)
class NamedSurface:
    """A teaching surface: its name, formula, plotting window and what it shows."""

    name: str
    formula: str
    window: Window
    about: str


#: The named surfaces, in the order the help lists them.
SURFACES: dict[str, NamedSurface] = {
    s.name: s
    for s in (
        NamedSurface("bump", "2*exp(-(x**2/2 + y**2))", ((-2.5, 2.5), (-2.5, 2.5)),
                     "an elliptical Gaussian bump: a maximum at 0 with Hessian diag(-2, -4)"),
        NamedSurface("bowl", "x**2 + y**2", DEFAULT_WINDOW, "a round bowl: a minimum at 0, Hessian 2 I"),
        NamedSurface("cap", "-(x**2 + y**2)", DEFAULT_WINDOW, "an upside-down bowl: a maximum at 0, Hessian -2 I"),
        NamedSurface("saddle", "x**2 - y**2", DEFAULT_WINDOW, "a saddle at 0: up along x, down along y"),
        NamedSurface("monkey_saddle", "x**3 - 3*x*y**2", DEFAULT_WINDOW,
                     "three valleys and three ridges: a critical point with Hessian 0 (test inconclusive)"),
    )
}
#: The named surfaces of the classification beat, one per verdict of the second-derivative test.
EXAMPLES: tuple[str, ...] = ("bowl", "cap", "saddle", "monkey_saddle")


#: A surface of this explainer: f(x, y) with its exact derivatives, window and (if named) description.
GraphSurface = Surface[NamedSurface]


def make_surface(f: Expression, *, name: str | None = None, window: Window = DEFAULT_WINDOW,
                 named: NamedSurface | None = None) -> GraphSurface:
    """Bundle ``f`` with its symbolic gradient and Hessian (:func:`mathviz.surface.make_surface`)."""
    return shared_surface.make_surface(f, name=name, window=window, named=named)


def parse_surface(text: str) -> GraphSurface:
    """Parser of the ``surface`` parameter: a name from :data:`SURFACES` or an expression in x, y.

    A typed expression is plotted over x, y in [-2, 2] and must be finite on
    the plotting grid there (a surface with holes cannot be drawn).
    """
    return shared_surface.parse_surface(text, named=SURFACES, variables=VARIABLES, window=DEFAULT_WINDOW,
                                example="x**2 + 3*y**2")


# --- calculus at a point ----------------------------------------------------------------------


def symmetric_eigen(h: np.ndarray) -> tuple[tuple[float, float], tuple[tuple[float, float], tuple[float, float]]]:
    """Eigenvalues (ascending) and unit eigenvectors of a symmetric 2x2 matrix [[a, b], [b, c]], in closed form.

    .. math::

        \\lambda_{1,2} = \\frac{a + c}{2} \\mp \\sqrt{\\left(\\frac{a - c}{2}\\right)^2 + b^2},

    with eigenvector (cos t, sin t) of lambda_2 at t = atan2(2b, a - c) / 2 and
    (-sin t, cos t) of lambda_1 (the principal axes of the quadratic form).
    """
    a, b, c = float(h[0, 0]), 0.5 * float(h[0, 1] + h[1, 0]), float(h[1, 1])
    mean, radius = 0.5 * (a + c), math.hypot(0.5 * (a - c), b)
    t = 0.5 * math.atan2(2.0 * b, a - c)
    v2 = (math.cos(t), math.sin(t))
    v1 = (-math.sin(t), math.cos(t))
    return (mean - radius, mean + radius), (v1, v2)


def classify(eigenvalues: Sequence[float], tol: float) -> str:
    """The second-derivative test: ``minimum`` (both > tol), ``maximum`` (both < -tol), ``saddle``
    (one of each), ``degenerate`` (some |lambda| <= tol: the test cannot decide).
    """
    lo, hi = min(eigenvalues), max(eigenvalues)
    if abs(lo) <= tol or abs(hi) <= tol:
        return "degenerate"
    if lo > 0:
        return "minimum"
    if hi < 0:
        return "maximum"
    return "saddle"


def is_kinked(fun: Callable[[float, float], float | np.ndarray], p: Point, scale: float) -> bool:
    """Whether ``fun`` has a corner at ``p`` along x or y: its one-sided slopes disagree.

    For a smooth function the gap between the forward and backward quotients,
    (fun(p + h e) - fun(p)) / h - (fun(p) - fun(p - h e)) / h = h f'' + O(h^2),
    shrinks tenfold with h; at a corner it tends to the jump in slope. A gap
    that does not shrink (more than half left at h/10), or a quotient that is
    not finite, is a corner. ``scale`` is the window's width.
    """
    x0, y0 = float(p[0]), float(p[1])
    f0 = float(fun(x0, y0))
    if not math.isfinite(f0):
        return True
    for ex, ey in ((1.0, 0.0), (0.0, 1.0)):
        gaps = []
        for h in (1e-4 * scale, 1e-5 * scale):
            forward = (float(fun(x0 + h * ex, y0 + h * ey)) - f0) / h
            backward = (f0 - float(fun(x0 - h * ex, y0 - h * ey))) / h
            if not (math.isfinite(forward) and math.isfinite(backward)):
                return True
            gaps.append(abs(forward - backward))
        # rounding in the quotients is about eps |f| / h; gaps under a thousand times that are noise
        noise = 1e3 * np.finfo(float).eps * max(abs(f0), 1.0) / (1e-5 * scale)
        if gaps[1] > max(noise, 1e-7 * max(1.0, abs(forward))) and gaps[1] > 0.5 * gaps[0]:
            return True
    return False


@dataclass(frozen=True)
class CriticalPoint:
    """A point where grad f = 0, with its Hessian, eigenvalues (ascending), eigenvectors and verdict."""

    point: tuple[float, float]
    value: float
    gradient: tuple[float, float]
    hessian: tuple[tuple[float, float], tuple[float, float]]
    eigenvalues: tuple[float, float]
    eigenvectors: tuple[tuple[float, float], tuple[float, float]]
    kind: str
    #: |lambda| at or below this counts as zero.
    tolerance: float


def curvature_scale(surface: GraphSurface, n: int = 25) -> float:
    """The largest |second derivative| of f on an n x n grid over the window (the scale of 'zero')."""
    (a, b), (c, d) = surface.window
    xx, yy = np.meshgrid(np.linspace(a, b, n), np.linspace(c, d, n))
    values = np.array([e(xx, yy) for row in surface.hessian for e in row])
    values = values[np.isfinite(values)]
    return float(np.max(np.abs(values))) if values.size else 0.0


def critical_point_at(surface: GraphSurface, p: Point, scale: float | None = None) -> CriticalPoint:
    """The second-derivative test at ``p`` (assumed critical): Hessian, eigenvalues, verdict."""
    if scale is None:
        scale = curvature_scale(surface)
    h = surface.hessian_at(p)
    eigenvalues, eigenvectors = symmetric_eigen(h)
    tol = DEGENERATE_RTOL * scale
    g = surface.grad(p)
    return CriticalPoint(
        point=(float(p[0]), float(p[1])),
        value=float(surface(p[0], p[1])),
        gradient=(float(g[0]), float(g[1])),
        hessian=((float(h[0, 0]), float(h[0, 1])), (float(h[1, 0]), float(h[1, 1]))),
        eigenvalues=eigenvalues,
        eigenvectors=eigenvectors,
        kind=classify(eigenvalues, tol),
        tolerance=tol,
    )


def _gradient_scale(surface: GraphSurface, n: int = 25) -> tuple[float, float]:
    """Largest and smallest |grad f| on an n x n grid over the window."""
    (a, b), (c, d) = surface.window
    xx, yy = np.meshgrid(np.linspace(a, b, n), np.linspace(c, d, n))
    norms = np.hypot(surface.gradient[0](xx, yy), surface.gradient[1](xx, yy))
    norms = norms[np.isfinite(norms)]
    if not norms.size:
        return 0.0, 0.0
    return float(np.max(norms)), float(np.min(norms))


def _snap(surface: GraphSurface, p: np.ndarray) -> np.ndarray:
    """Round a root to the coarsest of 6..12 decimals that is at least as critical: exact where simple.

    Newton converges only linearly into a degenerate critical point (the monkey
    saddle's stops near 1e-8); rounding recovers the exact 0 when it is one.
    """
    best = float(np.linalg.norm(surface.grad(p)))
    for decimals in (6, 8, 10, 12):
        candidate = np.round(p, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
        norm = float(np.linalg.norm(surface.grad(candidate)))
        if math.isfinite(norm) and norm <= best:
            return candidate
    return p


def _newton_roots(surface: GraphSurface, starts: np.ndarray, iterations: int) -> np.ndarray:
    """Damped Newton iterations on grad f = 0 from every start at once (rows of ``starts``).

    Each step solves (H^T H + mu I) s = H^T g, Newton's step H^-1 g wherever H
    is well conditioned and a finite least-squares step where it is singular;
    steps are cut to one window width. Newton converges quadratically into a
    nondegenerate critical point and linearly into a degenerate one (the
    monkey saddle's halves its distance each step), so ``iterations`` of them
    reach either.
    """
    p = starts.astype(float).copy()
    width = surface.width
    for _ in range(iterations):
        x, y = p[:, 0], p[:, 1]
        g = surface.gradient_grid(x, y)
        h = surface.hessian_grid(x, y)
        ok = np.all(np.isfinite(g), axis=-1) & np.all(np.isfinite(h), axis=(-1, -2))
        g[~ok], h[~ok] = 0.0, np.eye(2)
        hth = np.einsum("nji,njk->nik", h, h)
        mu = 1e-24 * (1.0 + np.einsum("nii->n", hth))
        m = hth + mu[:, None, None] * np.eye(2)
        rhs = np.einsum("nji,nj->ni", h, g)
        det = m[:, 0, 0] * m[:, 1, 1] - m[:, 0, 1] * m[:, 1, 0]
        usable = np.isfinite(det) & (det > 0)
        det = np.where(usable, det, 1.0)
        step = np.stack([m[:, 1, 1] * rhs[:, 0] - m[:, 0, 1] * rhs[:, 1],
                         m[:, 0, 0] * rhs[:, 1] - m[:, 1, 0] * rhs[:, 0]], axis=-1) / det[:, None]
        step[~usable] = 0.0
        length = np.linalg.norm(step, axis=-1)
        step *= np.minimum(1.0, width / np.maximum(length, 1e-300))[:, None]
        p = np.where(ok[:, None], p - step, np.nan)
    return p


def find_critical_points(surface: GraphSurface, near: Point | None = None) -> tuple[CriticalPoint, ...]:
    """Critical points of f inside the window, by Newton's method on the exact gradient.

    Damped Newton iterations (:func:`_newton_roots`, the exact Hessian as the
    Jacobian of grad f) from a SEARCH_STARTS x SEARCH_STARTS grid of starts;
    a root counts when it lies in the window, |grad f| <= CRITICAL_RTOL times
    the largest |grad f| on the window (at least 1), and f is twice
    differentiable there (no corner in f, f_x or f_y). Roots joined by a
    segment on which grad f vanishes too (one point, or a flat valley floor
    such as x**2's line x = 0) count once, represented by the root with the
    smallest |grad f|. At most MAX_CRITICAL, nearest ``near`` (default: the
    window's centre) first.
    """
    (a, b), (c, d) = surface.window
    width = surface.width
    gmax, _ = _gradient_scale(surface)
    gtol = CRITICAL_RTOL * max(gmax, 1.0)
    scale = curvature_scale(surface)
    xs = np.linspace(a, b, SEARCH_STARTS + 2)[1:-1]
    ys = np.linspace(c, d, SEARCH_STARTS + 2)[1:-1]
    starts = np.array([(x0, y0) for y0 in ys for x0 in xs])
    with np.errstate(all="ignore"):
        roots = _newton_roots(surface, starts, NEWTON_ITERATIONS)

    centre = np.array([(a + b) / 2, (c + d) / 2] if near is None else near, dtype=float)
    candidates: list[tuple[float, float, np.ndarray]] = []
    for p in roots:
        if not np.all(np.isfinite(p)) or not surface.in_window(p, slack=1e-9 * width):
            continue
        p = _snap(surface, np.clip(p, [a, c], [b, d]))
        norm = float(np.linalg.norm(surface.grad(p)))
        if math.isfinite(norm) and norm <= gtol:
            candidates.append((norm, float(np.linalg.norm(p - centre)), p))
    candidates.sort(key=lambda item: (item[0], item[1], float(item[2][0]), float(item[2][1])))

    def joined(p: np.ndarray, q: np.ndarray) -> bool:
        # one point, or two ends of one flat set (a valley floor, a plateau): grad ~ 0 all the way between
        if np.linalg.norm(p - q) <= 1e-6 * width:
            return True
        t = np.linspace(0.0, 1.0, 9)[:, None]
        xy = (1 - t) * p + t * q
        norms = np.hypot(surface.gradient[0](xy[:, 0], xy[:, 1]), surface.gradient[1](xy[:, 0], xy[:, 1]))
        return bool(np.all(norms <= gtol))

    found: list[np.ndarray] = []
    for _, _, p in candidates:  # the most exactly critical point of each flat set stands for it
        if any(joined(p, q) for q in found):
            continue
        smooth = not any(is_kinked(e, p, width) for e in (surface.f, *surface.gradient))
        if smooth and np.all(np.isfinite(surface.hessian_at(p))):
            found.append(p)
    found.sort(key=lambda q: (float(np.linalg.norm(q - centre)), float(q[0]), float(q[1])))
    return tuple(critical_point_at(surface, q, scale) for q in found[:MAX_CRITICAL])


def tangent_plane(value: float, gradient: Sequence[float], point: Sequence[float],
                  x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
    """The tangent plane z = f(p0) + f_x (x - x0) + f_y (y - y0) evaluated at (x, y)."""
    return value + gradient[0] * (np.asarray(x) - point[0]) + gradient[1] * (np.asarray(y) - point[1])


def plane_half_size(width: float, height_span: float, slopes: Sequence[Sequence[float]]) -> float:
    """Half the side of the drawn square patch: PLANE_HALF of the window, shrunk for steep planes.

    The patch's corners rise (|f_x| + |f_y|) r above its centre; r is cut so
    that rise stays within PLANE_RISE of the surface's height range, but not
    below PLANE_MIN_HALF of the window (then the box grows to hold the patch).
    """
    steepest = max((abs(g[0]) + abs(g[1]) for g in slopes), default=0.0)
    r = PLANE_HALF * width
    if steepest > 0 and height_span > 0:
        r = min(r, PLANE_RISE * height_span / steepest)
    return float(max(r, PLANE_MIN_HALF * width))


def directional_derivatives(gradient: Sequence[float], angles: np.ndarray) -> np.ndarray:
    """D_u f = grad f . u for u = (cos angle, sin angle)."""
    return gradient[0] * np.cos(angles) + gradient[1] * np.sin(angles)


# --- the story --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """One named surface of the classification beat and the test at its critical point."""

    surface: str
    formula: str
    window: Window
    z_range: tuple[float, float]
    critical_point: CriticalPoint
    graph: GraphSurface = field(repr=False)


@dataclass(frozen=True)
class TangentPlaneStory(Story):
    """The numbers of the tangent-plane-and-Hessian explainer.

    ``slice_x`` is the curve z = f(x, y0) (rows [x, y0, z]) and ``slice_y`` the
    curve z = f(x0, y) (rows [x0, y, z]); ``tangent_x`` and ``tangent_y`` are
    their tangent segments at the point (two rows [x, y, z] each, reaching
    TANGENT_REACH patch half-sizes either way), both lying in the tangent plane, whose patch has the corners ``plane_corners``
    (counter-clockwise from (x0 - r, y0 - r)). ``directions`` has rows
    [angle, D_u f]. ``glide`` has rows [x, y, f, f_x, f_y] from the point to
    ``critical_point`` (empty when there is none or the way is not finite); the
    patch keeps its half-size ``plane_half_size`` all the way.
    """

    surface: str
    formula: str
    window: Window
    z_range: tuple[float, float]
    box_z_range: tuple[float, float]
    point: tuple[float, float]
    value: float
    partial_x: float
    partial_y: float
    partial_x_formula: str
    partial_y_formula: str
    gradient_norm: float
    gradient_direction: tuple[float, float] | None
    steepest_angle: float | None
    plane_half_size: float
    plane_corners: tuple[tuple[float, float, float], ...]
    tangent_x: tuple[tuple[float, float, float], tuple[float, float, float]]
    tangent_y: tuple[tuple[float, float, float], tuple[float, float, float]]
    directions: np.ndarray
    levels: tuple[float, ...]
    critical_points: tuple[CriticalPoint, ...]
    critical_point: CriticalPoint | None
    min_gradient_norm: float
    glide: np.ndarray
    examples: tuple[Example, ...]
    slice_x: np.ndarray = field(repr=False)
    slice_y: np.ndarray = field(repr=False)
    contours: tuple[tuple[np.ndarray, ...], ...] = field(repr=False)
    level_through_point: tuple[np.ndarray, ...] = field(repr=False)
    graph: GraphSurface = field(repr=False)


_point_vector = params.vector("point", length=2, max_length=2)

PARAMS: tuple[Param, ...] = (
    Param("surface", "bump",
          f"surface z = f(x, y): one of {', '.join(SURFACES)}, or an expression in x, y such as x**2 + 3*y**2 "
          "(plotted over x, y in [-2, 2])",
          parse_surface),
    Param("point", "[0.9, -0.6]", "the point [x0, y0] of the slices, tangent plane and gradient "
          "(inside the surface's window; f must be differentiable there)", _point_vector),
)


def _height_range(surface: GraphSurface) -> tuple[float, float]:
    _, _, z = surface.grid()
    z = z[np.isfinite(z)]
    return float(np.min(z)), float(np.max(z))


def _example(name: str) -> Example:
    surface = parse_surface(name)
    (cp, *_) = find_critical_points(surface)
    return Example(name, surface.formula, surface.window, _height_range(surface), cp, surface)


def tangent_plane_story(*, surface: GraphSurface, point: np.ndarray) -> TangentPlaneStory:
    """Partials, tangent plane, gradient and critical points of ``surface`` at ``point`` (see module docstring).

    Raises
    ------
    ParameterError
        ``point`` outside the window, or f not finite or not differentiable there.
    """
    p = np.asarray(point, dtype=float)
    if p.shape != (2,) or not np.all(np.isfinite(p)):
        raise ParameterError("point", "must be two finite numbers [x0, y0]")
    if not surface.in_window(p):
        raise ParameterError("point", f"[{p[0]:g}, {p[1]:g}] is outside the plotting window of {surface.name} "
                                      f"({window_text(surface.window, VARIABLES)})")
    x0, y0 = float(p[0]), float(p[1])
    f0 = float(surface(x0, y0))
    if not math.isfinite(f0):
        raise ParameterError("point", f"f is not finite at [{x0:g}, {y0:g}] (f = {f0})")
    g = surface.grad(p)
    width = surface.width
    if not np.all(np.isfinite(g)) or is_kinked(surface.f, p, width):
        raise ParameterError("point", f"f = {surface.formula[:50]} is not differentiable at [{x0:g}, {y0:g}] "
                                      "(no tangent plane there); pick another point")
    fx, fy = float(g[0]), float(g[1])
    norm = math.hypot(fx, fy)

    lo, hi = _height_range(surface)
    span = hi - lo
    (a, b), (c, d) = surface.window

    critical = find_critical_points(surface, near=p)
    featured = critical[0] if critical else None
    _, min_norm = _gradient_scale(surface, n=GRID_POINTS)

    glide = np.zeros((0, 5))
    if featured is not None:
        t = np.linspace(0.0, 1.0, GLIDE_SAMPLES)[:, None]
        xy = (1 - t) * p + t * np.array(featured.point)
        rows = np.column_stack([xy, surface(xy[:, 0], xy[:, 1]),
                                surface.gradient[0](xy[:, 0], xy[:, 1]), surface.gradient[1](xy[:, 0], xy[:, 1])])
        rows[0, 2:] = (f0, fx, fy)
        rows[-1, 2:] = (featured.value, *featured.gradient)
        if np.all(np.isfinite(rows)):
            glide = rows
    # One patch size for the point and the whole glide, so the plane never jumps in size.
    r = plane_half_size(width, span, [(fx, fy), *glide[:, 3:5]])

    corners = np.array([[x0 - r, y0 - r], [x0 + r, y0 - r], [x0 + r, y0 + r], [x0 - r, y0 + r]])
    plane_z = tangent_plane(f0, (fx, fy), (x0, y0), corners[:, 0], corners[:, 1])
    plane_corners = tuple((float(cx), float(cy), float(cz)) for (cx, cy), cz in zip(corners, plane_z))
    reach = TANGENT_REACH * r
    tangent_x = ((x0 - reach, y0, f0 - fx * reach), (x0 + reach, y0, f0 + fx * reach))
    tangent_y = ((x0, y0 - reach, f0 - fy * reach), (x0, y0 + reach, f0 + fy * reach))

    # The box holds the surface, both tangent lines, the patch at the point and every patch of the glide.
    heights = [lo, hi, *plane_z, tangent_x[0][2], tangent_x[1][2], tangent_y[0][2], tangent_y[1][2]]
    for row in glide:
        rise = (abs(row[3]) + abs(row[4])) * r
        heights += [row[2] - rise, row[2] + rise]
    box_lo, box_hi = min(heights), max(heights)
    if not box_hi > box_lo:  # a flat surface still needs a box
        box_lo, box_hi = box_lo - 1.0, box_hi + 1.0
    margin = 0.02 * (box_hi - box_lo)

    xs = np.linspace(a, b, SLICE_SAMPLES)
    ys = np.linspace(c, d, SLICE_SAMPLES)
    slice_x = np.column_stack([xs, np.full_like(xs, y0), surface(xs, y0)])
    slice_y = np.column_stack([np.full_like(ys, x0), ys, surface(x0, ys)])

    angles = np.linspace(0.0, 2 * math.pi, DIRECTION_SAMPLES)
    directions = np.column_stack([angles, directional_derivatives((fx, fy), angles)])

    if span > 0:
        _, _, grid = surface.grid()
        levels = tuple(float(v) for v in np.quantile(grid, np.linspace(0.06, 0.94, CONTOUR_LEVELS)))
        levels = tuple(sorted(set(levels)))
    else:
        levels = ()

    return TangentPlaneStory(
        surface=surface.name,
        formula=surface.formula,
        window=surface.window,
        z_range=(lo, hi),
        box_z_range=(box_lo - margin, box_hi + margin),
        point=(x0, y0),
        value=f0,
        partial_x=fx,
        partial_y=fy,
        partial_x_formula=surface.gradient[0].source,
        partial_y_formula=surface.gradient[1].source,
        gradient_norm=norm,
        gradient_direction=(fx / norm, fy / norm) if norm > 0 else None,
        steepest_angle=math.atan2(fy, fx) if norm > 0 else None,
        plane_half_size=r,
        plane_corners=plane_corners,
        tangent_x=tangent_x,
        tangent_y=tangent_y,
        directions=directions,
        levels=levels,
        critical_points=critical,
        critical_point=featured,
        min_gradient_norm=min_norm,
        glide=glide,
        examples=tuple(_example(name) for name in EXAMPLES),
        slice_x=slice_x,
        slice_y=slice_y,
        contours=tuple(contour_lines(surface, level) for level in levels),
        level_through_point=contour_lines(surface, f0) if span > 0 else (),
        graph=surface,
    )


#: Found through the entry point ``tangent_plane_hessian`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="tangent_plane_hessian",
    title="Partial derivatives, the tangent plane and the Hessian",
    teaches=(
        "The slopes of a surface's two slices span its tangent plane; the gradient points uphill; the "
        "Hessian's eigenvalues tell minimum, maximum or saddle."
    ),
    story=tangent_plane_story,
    params=PARAMS,
    scene="mathviz_scenes.tangent_plane_hessian:TangentPlaneHessian",
)
