"""The derivative as the limit of secant slopes: the numbers behind the ``derivative`` scene.

For a user function ``f`` and a point ``x0`` the story holds

* the exact derivative ``f'(x0)`` from the symbolic derivative of the
  validated expression tree (:meth:`mathviz.expr.Expression.diff`),
* the one-sided derivatives, estimated without the symbolic derivative by
  one-sided difference quotients with Richardson extrapolation
  (:func:`scipy.differentiate.derivative` with ``step_direction=-1/+1``), so a
  corner such as ``abs(x)`` at 0 is recognised (left -1, right 1) even though
  the symbolic rule ``abs' = sign`` gives 0 there,
* forward and central difference quotients for a geometric sequence of ``h``
  from about 1.5 down to 1e-3, with their errors and the fitted orders of
  accuracy (forward ~1, central ~2),
* the critical points (flat tangents) on the plotted range, classified by
  the sign of ``f''`` (first-derivative test when ``f''`` vanishes),
* the plotted window and the curves of ``f`` and ``f'`` cut into drawable
  pieces, and the samples of the slide of the tangent along the curve.

Edge cases, decided here so the scene never draws something false:

* ``f(x0)`` not a real number (``log(x)`` at -1) or not finite (``1/x`` at 0):
  :class:`~mathviz.params.ParameterError` on ``x0``.
* ``x0`` on the edge of the domain (``sqrt(x)`` at 0: f undefined on one side)
  or one-sided slopes that grow without bound (a vertical tangent or cusp,
  ``sqrt(abs(x))`` at 0): ParameterError, because no finite derivative exists
  and there is no honest tangent to draw.
* A corner (both one-sided derivatives finite but different, ``abs(x)`` or
  ``relu(x)`` at 0): not an error. ``differentiable`` is false,
  ``derivative`` is null, and each secant's ``error`` is measured against the
  one-sided derivative on its own side (the limit it really converges to);
  central differences, which converge to the average of the two one-sided
  slopes, get ``error`` null.
* ``f(x0 + h)`` undefined for the forward ``h`` (``sqrt(1 - x)`` at 0.5):
  the secants are taken on the other side (negative ``h``), and the largest
  ``|h|`` shrinks until the whole secant segment lies in the domain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.differentiate import derivative as richardson_derivative
from scipy.optimize import bisect, brentq, minimize_scalar

from mathviz.explainer import Explainer
from mathviz.expr import Expression, RealFunction
from mathviz.params import Param, ParameterError, function_of, number
from mathviz.story import Story

__all__ = [
    "EXPLAINER",
    "PARAMS",
    "DerivativeStory",
    "derivative_story",
    "difference_quotients",
    "one_sided_derivative",
    "critical_points",
    "fitted_order",
    "curve_pieces",
    "H_LARGEST",
    "H_SMALLEST",
    "STEPS_PER_DECADE",
]

PARAMS: tuple[Param, ...] = (
    Param("function", "x**3/3 - x", "the function f(x) whose tangent slope is shown", function_of("function", ("x",))),
    Param("x0", "1.5", "the point x0 where the derivative is taken", number("x0")),
)

#: The first secant's run: big enough that the secant visibly differs from the tangent.
H_LARGEST = 1.5
#: The last secant's run: the slopes have converged to about three digits by then.
H_SMALLEST = 1e-3
#: Secants per factor of ten in h: dense enough that stepping through them looks continuous.
STEPS_PER_DECADE = 24
#: Samples of the tangent's slide along the curve in the last beat.
SLIDE_SAMPLES = 161
#: Samples of the drawn curves of f and f'.
CURVE_SAMPLES = 1201
#: Largest plotted width; more makes the curve near x0 too small to read.
MAX_WIDTH = 8.0
#: Smallest plotted width.
MIN_WIDTH = 4.0
#: Critical points farther than this from x0 are not pulled into view.
CRITICAL_REACH = 2.75


@dataclass(frozen=True)
class DerivativeStory(Story):
    """Everything the ``derivative`` scene shows; numbers in graph units.

    Each entry of ``secants`` and ``opposite_secants`` is
    ``{h, x, value, rise, slope, error}`` with ``x = x0 + h``,
    ``value = f(x0 + h)``, ``rise = f(x0 + h) - f(x0)``,
    ``slope = rise / h`` and ``error = |slope - f'_side(x0)|``. ``central``
    entries are ``{h, slope, error}`` with ``slope = (f(x0+h) - f(x0-h)) / (2h)``.
    """

    function: str
    x0: float
    value: float
    derivative: float | None
    derivative_source: str | None
    derivative_expression: str
    differentiable: bool
    left_derivative: float | None
    right_derivative: float | None
    secant_direction: int
    secants: tuple[dict[str, float | None], ...]
    opposite_secants: tuple[dict[str, float | None], ...]
    central: tuple[dict[str, float | None], ...]
    forward_order: float | None
    central_order: float | None
    critical_points: tuple[dict[str, Any], ...]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    derivative_range: tuple[float, float]
    slide: tuple[dict[str, float | None], ...]
    #: Pieces of the graph of f inside the window, each an (n, 2) array of (x, y).
    graph_pieces: tuple[np.ndarray, ...] = field(repr=False, compare=False, default=())
    #: Pieces of the graph of f' inside ``x_range`` x ``derivative_range``.
    derivative_pieces: tuple[np.ndarray, ...] = field(repr=False, compare=False, default=())

    def secant(self, h: float) -> dict[str, float | None]:
        """The secant record (from ``secants`` or ``opposite_secants``) whose run is ``h``."""
        for record in self.secants + self.opposite_secants:
            if record["h"] is not None and math.isclose(record["h"], h, rel_tol=1e-9, abs_tol=0.0):
                return record
        raise KeyError(f"no secant with h = {h!r} in the story")


# --- difference quotients ---------------------------------------------------------------------


def difference_quotients(f: Expression, x0: float, steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forward and central difference quotients of ``f`` at ``x0`` for each step ``h``.

    .. math::

        D_+(h) = \\frac{f(x_0 + h) - f(x_0)}{h} = f'(x_0) + \\tfrac{h}{2} f''(x_0) + O(h^2),

        D_0(h) = \\frac{f(x_0 + h) - f(x_0 - h)}{2h} = f'(x_0) + \\tfrac{h^2}{6} f'''(x_0) + O(h^4).

    ``h`` may be negative (a backward quotient). Values are ``nan`` where f is undefined.
    """
    steps = np.asarray(steps, dtype=float)
    f0 = f(x0)
    forward = (f(x0 + steps) - f0) / steps
    central = (f(x0 + steps) - f(x0 - steps)) / (2.0 * steps)
    return forward, central


def _finite_on(f: RealFunction, a: float, b: float, samples: int = 200) -> bool:
    return bool(np.all(np.isfinite(f(np.linspace(a, b, samples)))))


def _neighbourhood(f: RealFunction, x0: float, side: int) -> float:
    """The largest reach r <= 1e-2 max(1, |x0|) with f finite on a fine geometric probe of (x0, x0 + side r].

    0.0 when f is not finite arbitrarily close to x0 on that side (a domain edge or a pole at x0).
    """
    scale = max(1.0, abs(x0))
    reach = 1e-2 * scale
    # shrink past a nearby pole or domain edge (1/x at x0 = 0.01), but not to nothing
    while reach > 1e-7 * scale:
        if np.all(np.isfinite(f(x0 + side * np.geomspace(1e-12 * scale, reach, 80)))):
            return reach
        reach /= 4
    return 0.0


def one_sided_derivative(f: RealFunction, x0: float, side: int) -> float | None:
    """The one-sided derivative ``lim_{h -> 0+} (f(x0 + side h) - f(x0)) / (side h)``, or None.

    Estimated by one-sided difference quotients with Richardson extrapolation
    (:func:`scipy.differentiate.derivative`), independent of the symbolic
    derivative, with steps inside the one-sided neighbourhood where f is
    finite. None when f is undefined or not finite on that side next to
    ``x0`` or when the quotients do not settle (they grow without bound at a
    vertical tangent, or oscillate).
    """
    reach = _neighbourhood(f, x0, side)
    if reach == 0.0:
        return None
    f0 = float(f(x0))
    # Huge values of f (f = 1e308) overflow inside the extrapolation; the inf that results is judged below.
    with np.errstate(all="ignore"):
        result = richardson_derivative(
            # the one-sided stencil reaches out to a few initial steps
            f, x0, step_direction=side, initial_step=reach / 8,
            tolerances={"atol": 1e-13 * max(1.0, abs(f0)), "rtol": 1e-10},
        )
    value, error = float(result.df), float(result.error)
    # Accept a converged estimate, or one whose own error estimate is tiny even if the
    # tolerance was not met to the last digit (df ~ 0 makes rtol unreachable).
    if not math.isfinite(value) or not math.isfinite(error) or error > 1e-6 * max(1.0, abs(value)):
        return None
    return value


def fitted_order(steps: np.ndarray, errors: np.ndarray, roundoff: np.ndarray) -> float | None:
    """Slope of log|error| against log|h| by least squares: the order of accuracy p in error ~ C h^p.

    Only steps whose error is well above the rounding error of the quotient
    (``roundoff`` ~ eps |f| / |h|) and at most 0.1 take part; None if fewer
    than three do (e.g. a quadratic, whose central quotient is exact).
    """
    steps, errors, roundoff = (np.abs(np.asarray(a, dtype=float)) for a in (steps, errors, roundoff))
    usable = np.isfinite(errors) & (errors > 1e3 * roundoff) & (steps <= 0.1) & (errors > 0)
    if np.count_nonzero(usable) < 3:
        return None
    slope, _ = np.polyfit(np.log(steps[usable]), np.log(errors[usable]), 1)
    return float(slope)


# --- critical points --------------------------------------------------------------------------


def critical_points(f: Expression, a: float, b: float, samples: int = 4001) -> list[dict[str, Any]]:
    """Flat tangents of ``f`` on ``[a, b]``: points with f'(x) = 0, classified as min, max or inflection.

    Sign changes of the exact f' on a fine grid are refined with Brent's
    method; points where |f'| touches 0 without changing sign (``x**3`` at 0)
    with a bounded scalar minimisation of |f'|. A candidate is kept only if
    f' is continuous through it (near 0 just left and right), which rejects
    jumps of f' such as ``sign(x)`` at 0. The kind comes from the second
    derivative test (f'' > 0 min, f'' < 0 max) and, when f'' = 0, from the
    first derivative test (sign of f' on either side; no change: inflection).
    """
    df = f.diff("x")
    d2f = df.diff("x")
    grid = np.linspace(a, b, samples)
    slopes = df(grid)
    finite = np.isfinite(slopes)
    scale = max(1.0, float(np.max(np.abs(slopes[finite]))) if finite.any() else 1.0)
    width = b - a
    delta = 1e-6 * width
    roots: list[float] = []  # sign changes and exact zeros: accurate to rounding
    touches: list[float] = []  # minima of |f'|: only as accurate as a scalar minimiser
    for i in range(samples - 1):
        s0, s1 = slopes[i], slopes[i + 1]
        if not (finite[i] and finite[i + 1]):
            continue
        if s0 == 0.0:
            # an isolated zero only: where f' vanishes on a whole interval (a constant
            # piece) every point is flat and none is a turning point worth marking
            if 0 < i and slopes[i - 1] != 0.0 and s1 != 0.0:
                roots.append(float(grid[i]))
        elif s0 * s1 < 0:
            slope_at = lambda x: float(df(x))  # noqa: E731
            try:
                roots.append(float(brentq(slope_at, grid[i], grid[i + 1], xtol=1e-14, maxiter=200)))
            except RuntimeError:
                # a multiple root (x**4 at 0) stalls Brent's interpolation; bisection always converges
                roots.append(float(bisect(slope_at, grid[i], grid[i + 1], xtol=1e-14, maxiter=200)))
            except ValueError:
                continue  # f' undefined inside the bracket (0/0 in the formula): no root to trust
        elif 0 < i and finite[i - 1] and abs(s0) < abs(slopes[i - 1]) and abs(s0) < abs(s1) and abs(s0) < 1e-2 * scale:
            # a touch: |f'| has a local minimum near zero without a sign change
            res = minimize_scalar(lambda x: abs(float(df(x))), bounds=(grid[i - 1], grid[i + 1]), method="bounded",
                                  options={"xatol": 1e-12})
            touches.append(float(res.x))

    points: list[dict[str, Any]] = []
    for x in roots + touches:
        if not a <= x <= b or any(abs(x - p["x"]) < 1e-6 * max(1.0, width) for p in points):
            continue
        here, left, right = float(df(x)), float(df(x - delta)), float(df(x + delta))
        if not (math.isfinite(here) and abs(here) <= 1e-7 * scale):
            continue
        if not (abs(left) <= 1e-3 * scale and abs(right) <= 1e-3 * scale):
            continue  # f' jumps here (a corner), no flat tangent
        curvature = float(d2f(x))
        if math.isfinite(curvature) and abs(curvature) > 1e-6 * scale:
            kind = "min" if curvature > 0 else "max"
        else:
            probe = 1e-3 * width
            before, after = float(df(x - probe)), float(df(x + probe))
            if before < 0 < after:
                kind = "min"
            elif before > 0 > after:
                kind = "max"
            else:
                kind = "inflection"
        points.append({"x": x, "y": float(f(x)), "kind": kind, "second_derivative": curvature})
    return sorted(points, key=lambda p: p["x"])


# --- the plotted window -----------------------------------------------------------------------


def curve_pieces(xs: np.ndarray, ys: np.ndarray, y_range: tuple[float, float]) -> tuple[np.ndarray, ...]:
    """Cut the sampled curve (xs, ys) into pieces that stay inside ``y_range`` and do not jump.

    A piece ends where the curve leaves the window (the crossing point is
    interpolated onto the window's edge), where f is not finite, and where
    consecutive samples jump (a step much larger than its neighbours', as
    ``sign(x)`` makes at 0). Each piece is an (n, 2) array, n >= 2.
    """
    lo, hi = y_range
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    finite = np.isfinite(ys)
    inside = finite & (ys >= lo) & (ys <= hi)
    steps = np.abs(np.diff(np.where(finite, ys, 0.0)))
    padded = np.concatenate(([0.0, 0.0], steps, [0.0, 0.0]))
    neighbours = np.maximum(padded[:-4], padded[4:])
    jumps = (steps > 0.02 * (hi - lo)) & (steps > 10.0 * neighbours)

    pieces: list[np.ndarray] = []
    current: list[tuple[float, float]] = []

    def flush() -> None:
        if len(current) >= 2:
            pieces.append(np.array(current))
        current.clear()

    def edge_point(i: int, j: int) -> tuple[float, float]:
        # where the segment from sample i (inside) to sample j (outside) meets the window's edge
        edge = hi if ys[j] > hi else lo
        t = (edge - ys[i]) / (ys[j] - ys[i])
        return float(xs[i] + t * (xs[j] - xs[i])), float(edge)

    for i in range(len(xs)):
        if inside[i]:
            if not current and i > 0 and finite[i - 1] and not jumps[i - 1]:
                current.append(edge_point(i, i - 1))
            current.append((float(xs[i]), float(ys[i])))
            if i + 1 < len(xs) and (jumps[i] or not inside[i + 1]):
                if finite[i + 1] and not jumps[i]:
                    current.append(edge_point(i, i + 1))
                flush()
        else:
            flush()
    flush()
    return tuple(pieces)


def _value_window(values: np.ndarray, required: list[float], *, include_zero: bool = False,
                  stretch: float = 1.35) -> tuple[float, float]:
    """A y window showing every required value and the bulk of the curve, not its poles.

    The whole curve is shown when that is at most ``stretch`` times taller than
    the required values and the middle 80% of the curve; otherwise the rest
    (near a pole, or far from x0 on a steep curve) leaves the window.
    """
    finite = values[np.isfinite(values)]
    required = [v for v in required if math.isfinite(v)] + ([0.0] if include_zero else [])
    req_lo, req_hi = min(required), max(required)
    if finite.size:
        bulk_lo, bulk_hi = np.percentile(finite, [10, 90])
        lo, hi = min(req_lo, float(bulk_lo)), max(req_hi, float(bulk_hi))
        full_lo, full_hi = float(finite.min()), float(finite.max())
        # the whole curve fits without squashing what matters: show all of it
        if full_hi - full_lo <= stretch * max(hi - lo, 1e-12):
            lo, hi = min(full_lo, req_lo), max(full_hi, req_hi)
    else:
        lo, hi = req_lo, req_hi
    span = hi - lo
    if span < 1e-9 * max(1.0, abs(lo), abs(hi)):
        span = max(1.0, 0.2 * abs(lo))
        lo, hi = lo - span / 2, hi + span / 2
    pad = 0.1 * (hi - lo)
    return lo - pad, hi + pad


def _secant_reach(f: Expression, x0: float) -> tuple[int, float]:
    """The side (+1/-1) and the largest run <= H_LARGEST with f finite on the whole secant segment."""
    best = (1, 0.0)
    for side in (1, -1):
        h = H_LARGEST
        while h >= 10 * H_SMALLEST and not _finite_on(f, x0, x0 + side * h):
            h /= 1.25
        if h >= 10 * H_SMALLEST and h > best[1] + 1e-12:
            best = (side, h)
    if best[1] == 0.0:
        raise ParameterError("x0", f"{f.source} is not finite on either side within {10 * H_SMALLEST:g} of x0 = {x0:g}")
    return best


def _plot_window(f: Expression, x0: float, far: float, near_critical: list[float]) -> tuple[float, float]:
    lo, hi = min(x0, far), max(x0, far)
    # room on the side away from Q so P is not on the window's edge
    lo, hi = min(lo, x0 - 0.6 * abs(far - x0)), max(hi, x0 + 0.6 * abs(far - x0))
    for x in near_critical:
        lo, hi = min(lo, x), max(hi, x)
    pad = 0.1 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    if hi - lo < MIN_WIDTH:
        grow = (MIN_WIDTH - (hi - lo)) / 2
        lo, hi = lo - grow, hi + grow
    if hi - lo > MAX_WIDTH:
        # keep x0 and Q; trim the far side of the critical points
        centre = (x0 + far) / 2
        lo, hi = max(lo, centre - MAX_WIDTH / 2), min(hi, centre + MAX_WIDTH / 2)
    # trim undefined margins (log(x) left of 0) so the curve fills the window
    xs = np.linspace(lo, hi, CURVE_SAMPLES)
    defined = np.isfinite(f(xs))
    first, last = int(np.argmax(defined)), len(xs) - 1 - int(np.argmax(defined[::-1]))
    step = xs[1] - xs[0]
    return float(min(xs[first] - step, x0)), float(max(xs[last] + step, x0))


# --- the story --------------------------------------------------------------------------------


def _check_point(function: Expression, x0: float) -> float:
    value = float(function(x0))
    if math.isnan(value):
        raise ParameterError("x0", f"x0 = {x0:g} is outside the domain of {function.source} (f(x0) is not a real number)")
    if not math.isfinite(value):
        raise ParameterError("x0", f"{function.source} is not finite at x0 = {x0:g} (f(x0) = {value}); there is no tangent there")
    return value


def _one_sided_or_raise(function: Expression, x0: float) -> tuple[float, float]:
    sides = {}
    for side, name in ((-1, "left"), (1, "right")):
        probe = x0 + side * max(1.0, abs(x0)) * np.geomspace(1e-12, 1e-7, 40)
        values = function(probe)
        if np.any(np.isnan(values)):
            raise ParameterError(
                "x0",
                f"x0 = {x0:g} is at the edge of the domain of {function.source} (f is undefined just {name} of x0), "
                "so f has no two-sided derivative there; choose x0 inside the domain",
            )
        if not np.all(np.isfinite(values)):
            raise ParameterError("x0", f"{function.source} is not finite just {name} of x0 = {x0:g}; there is no tangent there")
        slope = one_sided_derivative(function, x0, side)
        if slope is None:
            raise ParameterError(
                "x0",
                f"the {name} secant slopes of {function.source} at x0 = {x0:g} do not settle as h -> 0 "
                "(they grow without bound: a vertical tangent or cusp), so there is no finite derivative",
            )
        sides[side] = slope
    return sides[-1], sides[1]


def _secant_records(function: Expression, x0: float, f0: float, steps: np.ndarray, reference: float | None,
                    ) -> tuple[dict[str, float | None], ...]:
    forward, _ = difference_quotients(function, x0, steps)
    values = function(x0 + steps)
    records = []
    for h, value, slope in zip(steps, values, forward):
        error = abs(float(slope) - reference) if reference is not None else None
        records.append({"h": float(h), "x": float(x0 + h), "value": float(value), "rise": float(value - f0),
                        "slope": float(slope), "error": error})
    return tuple(records)


def derivative_story(function: Expression, x0: float) -> DerivativeStory:
    """Secant slopes of ``function`` at ``x0`` converging to the tangent slope, and the graph of f'.

    .. math::

        f'(x_0) = \\lim_{h \\to 0} \\frac{f(x_0 + h) - f(x_0)}{h}

    The limit exists when the one-sided limits (h -> 0-, h -> 0+) agree; then
    ``derivative`` is the exact value of the symbolic derivative at ``x0``
    (``derivative_source`` "exact"), or, where that formula is undefined or
    disagrees with the one-sided limits at a kink of the expression (e.g.
    ``sqrt(x**4)`` at 0), the common one-sided limit ("limit").

    Raises
    ------
    ParameterError
        On ``x0`` when f(x0) is undefined or infinite, when x0 is on the edge
        of f's domain, or when a one-sided slope is unbounded.
    """
    f0 = _check_point(function, x0)
    left, right = _one_sided_or_raise(function, x0)
    df = function.diff("x")
    scale = max(1.0, abs(left), abs(right))
    differentiable = abs(left - right) <= 1e-6 * scale
    derivative: float | None = None
    source: str | None = None
    if differentiable:
        exact = float(df(x0))
        if math.isfinite(exact) and abs(exact - (left + right) / 2) <= 1e-5 * scale:
            derivative, source = exact, "exact"
        else:
            derivative, source = (left + right) / 2, "limit"

    side, reach = _secant_reach(function, x0)
    h_smallest = min(H_SMALLEST, reach / 1000)
    count = int(round(STEPS_PER_DECADE * math.log10(reach / h_smallest))) + 1
    runs = np.geomspace(reach, h_smallest, count)
    steps = side * runs
    own_limit = right if side > 0 else left
    other_limit = left if side > 0 else right
    secants = _secant_records(function, x0, f0, steps, derivative if differentiable else own_limit)
    opposite: tuple[dict[str, float | None], ...] = ()
    if _finite_on(function, x0 - side * reach, x0):
        opposite = _secant_records(function, x0, f0, -steps, derivative if differentiable else other_limit)
    central: tuple[dict[str, float | None], ...] = ()
    if opposite:
        _, central_slopes = difference_quotients(function, x0, runs)
        central = tuple(
            {"h": float(h), "slope": float(s), "error": abs(float(s) - derivative) if derivative is not None else None}
            for h, s in zip(runs, central_slopes)
        )
    # rounding error of a quotient: a few ulps of f divided by the run
    roundoff = 4 * np.finfo(float).eps * max(1.0, abs(f0)) / runs
    forward_order = fitted_order(runs, np.array([r["error"] if r["error"] is not None else np.nan for r in secants]),
                                 roundoff) if differentiable else None
    central_order = (fitted_order(runs, np.array([r["error"] for r in central]), roundoff / 2)
                     if central and differentiable else None)

    far = x0 + steps[0]
    search_lo, search_hi = min(x0, far) - CRITICAL_REACH, max(x0, far) + CRITICAL_REACH
    nearby = [p["x"] for p in critical_points(function, search_lo, search_hi) if abs(p["x"] - x0) <= CRITICAL_REACH]
    x_lo, x_hi = _plot_window(function, x0, far, nearby)
    on_range = tuple(p for p in critical_points(function, x_lo, x_hi))

    xs = np.linspace(x_lo, x_hi, CURVE_SAMPLES)
    ys = function(xs)
    required = [f0, float(secants[0]["value"] or 0.0)] + [p["y"] for p in on_range]
    y_range = _value_window(ys, required)
    slopes = df(xs)
    # f' is drawn small and only read for its sign and zeros: show its peaks too
    derivative_window = _value_window(slopes, [left, right], include_zero=True, stretch=3.0)

    graph_pieces = curve_pieces(xs, ys, y_range)
    # the tangent slides along the visible stretch of the curve through P
    through_p = next((piece for piece in graph_pieces if piece[0, 0] <= x0 <= piece[-1, 0]), None)
    slide_lo, slide_hi = (through_p[0, 0], through_p[-1, 0]) if through_p is not None else (x_lo, x_hi)
    inset = 0.04 * (x_hi - x_lo)
    slide_xs = np.linspace(min(x0, slide_lo + inset), max(x0, slide_hi - inset), SLIDE_SAMPLES)
    # the slide starts exactly at x0 and stops exactly on each flat tangent, so the scene can pause there
    stops = [x0] + [p["x"] for p in on_range if slide_xs[0] <= p["x"] <= slide_xs[-1]]
    slide_xs = np.unique(np.concatenate([slide_xs, stops]))
    slide = []
    for x, y, s in zip(slide_xs, function(slide_xs), df(slide_xs)):
        # at a kink of f the symbolic slope is a convention (sign(0) = 0): draw no tangent there
        kink = abs(float(df(x - 1e-7)) - float(df(x + 1e-7))) > 1e-3 * max(1.0, abs(float(s)))
        ok = math.isfinite(y) and math.isfinite(s) and not kink
        slide.append({"x": float(x), "y": float(y) if math.isfinite(y) else None, "slope": float(s) if ok else None})

    return DerivativeStory(
        function=function.source,
        x0=float(x0),
        value=f0,
        derivative=derivative,
        derivative_source=source,
        derivative_expression=df.source,
        differentiable=differentiable,
        left_derivative=left,
        right_derivative=right,
        secant_direction=side,
        secants=secants,
        opposite_secants=opposite,
        central=central,
        forward_order=forward_order,
        central_order=central_order,
        critical_points=on_range,
        x_range=(x_lo, x_hi),
        y_range=y_range,
        derivative_range=derivative_window,
        slide=tuple(slide),
        graph_pieces=graph_pieces,
        derivative_pieces=curve_pieces(xs, slopes, derivative_window),
    )


#: Found through the entry point ``derivative`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="derivative",
    title="The derivative is the slope of the tangent",
    teaches="Secant slopes (f(x0+h)-f(x0))/h converge to f'(x0) as h shrinks; the slope of f traced as f'.",
    story=derivative_story,
    params=PARAMS,
    scene="mathviz_scenes.derivative:TangentSlope",
)
