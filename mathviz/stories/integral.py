"""The integral as signed area, Riemann sums and their rates: the numbers behind the ``integral`` scene.

For a user function ``f`` on ``[a, b]`` the story holds

* the reference value of the integral and its error estimate, from
  :func:`scipy.integrate.quad` (adaptive Gauss-Kronrod), split at the sign
  changes of ``f`` into the area above the axis (positive) and below it
  (negative), with ``integral = positive_area + negative_area``,
* left, right and midpoint Riemann sums for ``n = 4, 8, 16, ...`` up to
  ``n_max``, each with its error against ``quad``, the ratio of errors when
  ``n`` doubles and the measured order ``log2(ratio)`` (left and right ~1,
  midpoint ~2 on smooth functions),
* the area function ``A(x) = int_a^x f(t) dt`` sampled on ``[a, b]``, with
  its slope measured by central differences of ``A`` (which equals ``f(x)``:
  the fundamental theorem of calculus),
* the same signed-area split for ``sin`` on ``[-pi, pi]``, whose areas above
  and below the axis cancel (integral 0), for the scene's dedicated beat.

Edge cases, decided here so the scene never draws something false:

* ``f`` not a finite real number somewhere on ``[a, b]`` (``1/x`` on
  ``[-1, 1]``, ``sqrt(x)`` on ``[-1, 1]``): :class:`~mathviz.params.ParameterError`
  naming the point; ``quad`` unable to reach its tolerance (a pole between the
  samples, ``tan(x)`` on ``[0, 3]``): ParameterError as well.
* ``a >= b``, an interval too narrow to resolve, or values too large to print:
  ParameterError.
* A sum that is exact to rounding (a constant ``f``; the midpoint rule on a
  linear ``f``; ``sin`` over a whole period): its error is reported as 0, and
  its ratio and order are ``None`` (nothing is divided by zero); the rule is
  marked ``exact``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.integrate import IntegrationWarning, quad
from scipy.optimize import brentq

from mathviz.explainer import Explainer
from mathviz.expr import Expression, compile_expression
from mathviz.params import Param, ParameterError, choice, function_of, integer, number, show_number
from mathviz.story import Story

__all__ = [
    "EXPLAINER",
    "PARAMS",
    "RULES",
    "MAX_N",
    "MAX_VALUE",
    "SignedArea",
    "IntegralStory",
    "integral_story",
    "riemann_sum",
    "sample_points",
    "reference_integral",
    "signed_area",
    "doubling_records",
    "area_function",
]

#: The three rules, in the order the scene compares them.
RULES: tuple[str, ...] = ("left", "right", "midpoint")
#: The smallest n of the doubling sequence: few enough rectangles to see each one.
N_START = 4
#: Most rectangles asked for; more are thinner than a pixel at 1080p and the sums take long to draw.
MAX_N = 1024
#: Largest |f| on [a, b] accepted: bigger values do not fit the readouts legibly.
MAX_VALUE = 1e9
#: Largest |a|, |b| accepted.
MAX_LIMIT = 1e6
#: Samples of the drawn graph of f (roots are added).
GRAPH_SAMPLES = 801
#: Samples of the area function A(x) traced in the last beat.
AREA_SAMPLES = 121
#: When quad warns, its absolute error estimate must still be below this times max(1, |integral|).
QUAD_TOLERANCE = 1e-8
#: Samples of the finer grid that checks f is bounded between the graph's samples.
CHECK_SAMPLES = 16001

PARAMS: tuple[Param, ...] = (
    Param("function", "x**3 - x", "the function f(x) whose signed area is summed",
          function_of("function", ("x",))),
    Param("a", "-1.5", "left end of the interval (a number or an expression like -pi)", number("a")),
    Param("b", "2", "right end of the interval, greater than a", number("b")),
    Param("rule", "left", "the rule whose rectangles are refined first: left, right or midpoint",
          choice("rule", RULES)),
    Param("n_max", "64", f"largest number of rectangles; n doubles from {N_START} up to it (16 to {MAX_N})",
          integer("n_max", minimum=16, maximum=MAX_N)),
)


# --- Riemann sums -----------------------------------------------------------------------------


def sample_points(a: float, b: float, n: int, rule: str) -> np.ndarray:
    """Where each of the ``n`` rectangles of width ``dx = (b - a) / n`` takes its height.

    .. math::

        x_i = a + (i + s)\\,\\Delta x, \\quad i = 0, \\dots, n - 1, \\qquad
        s = 0 \\text{ (left)}, \\; 1 \\text{ (right)}, \\; \\tfrac12 \\text{ (midpoint)}
    """
    shift = {"left": 0.0, "right": 1.0, "midpoint": 0.5}[rule]
    dx = (b - a) / n
    return a + (np.arange(n) + shift) * dx


def riemann_sum(f: Expression, a: float, b: float, n: int, rule: str) -> float:
    """The Riemann sum ``S_n = dx * sum_i f(x_i)`` with the sample points of :func:`sample_points`.

    Errors against the integral on a smooth ``f``:

    .. math::

        L_n - I = -\\frac{b-a}{2n}\\,(f(b) - f(a)) + O(n^{-2}), \\quad
        R_n - I = +\\frac{b-a}{2n}\\,(f(b) - f(a)) + O(n^{-2}), \\quad
        M_n - I = -\\frac{(b-a)^2}{24 n^2}\\,(f'(b) - f'(a)) + O(n^{-4}).
    """
    dx = (b - a) / n
    return float(dx * np.sum(f(sample_points(a, b, n, rule))))


# --- the reference ----------------------------------------------------------------------------


def _scalar(f: Expression):
    return lambda x: float(f(x))


def reference_integral(f: Expression, a: float, b: float, points: list[float] | None = None) -> tuple[float, float]:
    """``int_a^b f(x) dx`` and its absolute error estimate by :func:`scipy.integrate.quad`.

    ``points`` (interior breakpoints such as sign changes) help quad at kinks.
    Raises ParameterError on ``function`` when quad warns (it cannot reach its
    tolerance: a singularity, wild oscillation) or returns a non-finite value.
    """
    interior = sorted(p for p in (points or []) if a < p < b)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", IntegrationWarning)
        # quad needs more subintervals than break points (sin on [-1e6, 912] has hundreds of sign changes found)
        value, error = quad(_scalar(f), a, b, limit=max(200, 2 * len(interior) + 50), points=interior or None,
                            epsabs=1e-13, epsrel=1e-12)
    warned = [w for w in caught if issubclass(w.category, IntegrationWarning)]
    # a tolerance out of reach by rounding on a large smooth value is fine; a singularity is not
    if warned and not (math.isfinite(error) and error <= QUAD_TOLERANCE * max(1.0, abs(value))):
        detail = str(warned[0].message).strip().splitlines()[0].rstrip(".")
        raise ParameterError(
            "function",
            f"scipy.integrate.quad cannot integrate {f.source} on [{a:g}, {b:g}] reliably "
            f"({detail}); is there a singularity?",
        )
    if not (math.isfinite(value) and math.isfinite(error)):
        raise ParameterError("function", f"the integral of {f.source} on [{a:g}, {b:g}] is not finite")
    return float(value), float(error)


# --- signed area ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedArea:
    """A function's signed area on ``[a, b]``: the quad value, the parts above and below the axis.

    ``lobes`` are the stretches between sign changes, each ``{lo, hi, sign, area}``
    with ``area = quad(f, lo, hi)`` and ``sign`` its sign (0 for a stretch
    where f vanishes). ``positive_area`` sums the positive lobes and
    ``negative_area`` the negative ones, so their sum is ``integral`` up to
    quad's error.
    """

    function: str
    a: float
    b: float
    integral: float
    quad_error: float
    positive_area: float
    negative_area: float
    roots: tuple[float, ...]
    lobes: tuple[dict[str, float], ...]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    #: Samples (n, 2) of (x, f(x)) on [a, b] with the roots included, for the drawn graph and shading.
    graph: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.zeros((0, 2)))


def _check_samples(f: Expression, xs: np.ndarray, ys: np.ndarray, a: float, b: float) -> None:
    bad = ~np.isfinite(ys)
    if np.any(bad):
        x = float(xs[np.argmax(bad)])
        kind = "not a real number" if np.isnan(ys[np.argmax(bad)]) else "infinite"
        raise ParameterError(
            "function",
            f"{f.source} is {kind} at x = {x:g} in [{a:g}, {b:g}] (non-finite samples); "
            "choose an interval where f is finite",
        )
    largest = float(np.max(np.abs(ys)))
    if largest > MAX_VALUE:
        raise ParameterError(
            "function", f"{f.source} reaches {largest:.3g} on [{a:g}, {b:g}]; values up to {MAX_VALUE:g} can be shown"
        )


def _check_bounded(f: Expression, xs: np.ndarray, ys: np.ndarray, a: float, b: float) -> None:
    """Raise unless f on a 20x finer grid stays within the drawn samples' range (grown by half).

    An unbounded f (``1/sqrt(abs(x))`` near 0) is finite at every sample yet has
    no Riemann integral: its sums do not settle. A spike narrower than the
    drawing is refused the same way, since its graph would be drawn wrong.
    """
    fine = np.linspace(a, b, CHECK_SAMPLES)
    values = f(fine)
    _check_samples(f, fine, values, a, b)
    lo, hi = float(np.min(ys)), float(np.max(ys))
    slack = 0.5 * max(hi - lo, 1e-12 * max(1.0, abs(lo), abs(hi)))
    outside = (values > hi + slack) | (values < lo - slack)
    if np.any(outside):
        x = float(fine[np.argmax(np.abs(values) * outside)])
        raise ParameterError(
            "function",
            f"{f.source} grows sharply near x = {x:g} in [{a:g}, {b:g}] (a singularity, or a spike narrower "
            "than the drawing): its Riemann sums would not settle; choose an interval away from it",
        )


def _sign_changes(f: Expression, xs: np.ndarray, ys: np.ndarray) -> list[float]:
    """Points where f changes sign on the grid, refined by Brent's method (zero stretches split at their start)."""
    nonzero = np.flatnonzero(ys != 0.0)
    roots: list[float] = []
    for i, j in zip(nonzero[:-1], nonzero[1:]):
        if np.sign(ys[i]) == np.sign(ys[j]):
            continue
        if j == i + 1:
            roots.append(float(brentq(_scalar(f), xs[i], xs[j], xtol=1e-14, rtol=4 * np.finfo(float).eps)))
        else:
            roots.append(float(xs[i + 1]))  # f is exactly 0 from here to xs[j - 1]
    return roots


def _window(values: np.ndarray) -> tuple[float, float]:
    """A y window holding the axis (0) and every value, padded by 8%; [-1, 1] when everything is 0."""
    lo, hi = min(0.0, float(np.min(values))), max(0.0, float(np.max(values)))
    span = hi - lo
    if span <= 1e-12 * max(1.0, abs(lo), abs(hi)):
        return -1.0, 1.0
    return lo - 0.08 * span, hi + 0.08 * span


def signed_area(f: Expression, a: float, b: float) -> SignedArea:
    """Split ``int_a^b f`` at the sign changes of ``f`` into the areas above and below the axis.

    .. math::

        \\int_a^b f(x)\\,dx = \\int_a^b \\max(f, 0)\\,dx + \\int_a^b \\min(f, 0)\\,dx

    Raises ParameterError when f is not finite somewhere on ``[a, b]``.
    """
    xs = np.linspace(a, b, GRAPH_SAMPLES)
    ys = f(xs)
    _check_samples(f, xs, ys, a, b)
    _check_bounded(f, xs, ys, a, b)
    roots = _sign_changes(f, xs, ys)
    integral, error = reference_integral(f, a, b, roots)
    edges = [a, *roots, b]
    lobes = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        area, _ = reference_integral(f, lo, hi)
        scale = max(1.0, float(np.max(np.abs(ys)))) * (hi - lo)
        sign = 0 if abs(area) <= 1e-12 * scale else int(np.sign(area))
        lobes.append({"lo": lo, "hi": hi, "sign": sign, "area": area})
    graph_x = np.unique(np.concatenate([xs, roots]))
    graph = np.column_stack([graph_x, f(graph_x)])
    return SignedArea(
        function=f.source,
        a=a,
        b=b,
        integral=integral,
        quad_error=error,
        positive_area=float(sum(lobe["area"] for lobe in lobes if lobe["sign"] > 0)),
        negative_area=float(sum(lobe["area"] for lobe in lobes if lobe["sign"] < 0)),
        roots=tuple(roots),
        lobes=tuple(lobes),
        x_range=(float(a), float(b)),
        y_range=_window(graph[:, 1]),
        graph=graph,
    )


# --- errors as n doubles ----------------------------------------------------------------------


def doubling_records(f: Expression, a: float, b: float, rule: str, ns: list[int], reference: float,
                     tolerance: float) -> tuple[dict[str, Any], ...]:
    """For each ``n``: ``{n, width, sum, error, ratio, order}``; ``error = sum - reference``.

    ``ratio = |error(n/2)| / |error(n)|`` is how much the error shrank when n
    doubled and ``order = log2(ratio)`` the measured order p in ``error ~ C n^-p``.
    An error within ``tolerance`` of 0 (rounding, quad's own error) counts as
    exactly 0, and a ratio involving it is ``None`` rather than a division by zero.
    """
    records: list[dict[str, Any]] = []
    for n in ns:
        total = riemann_sum(f, a, b, n, rule)
        error = total - reference
        if abs(error) <= tolerance:
            error = 0.0
        ratio = order = None
        if records and records[-1]["error"] != 0.0 and error != 0.0:
            ratio = abs(records[-1]["error"]) / abs(error)
            order = math.log2(ratio)
        records.append({"n": n, "width": (b - a) / n, "sum": total, "error": error, "ratio": ratio, "order": order})
    return tuple(records)


# --- the area function ------------------------------------------------------------------------


def area_function(f: Expression, a: float, b: float, samples: int = AREA_SAMPLES) -> tuple[dict[str, float], ...]:
    """Samples ``{x, area, value, slope}`` of ``A(x) = int_a^x f(t) dt`` on ``[a, b]``.

    ``area`` accumulates quad over consecutive sample intervals; ``value`` is
    ``f(x)``; ``slope`` is A's central difference quotient

    .. math::

        \\frac{A(x + h) - A(x - h)}{2h} = \\frac{1}{2h} \\int_{x-h}^{x+h} f(t)\\,dt
        = f(x) + \\tfrac{h^2}{6} f''(x) + O(h^4),

    with ``h = 1e-4 (b - a)`` (one-sided at the ends, where f may be undefined
    outside ``[a, b]``). The fundamental theorem of calculus says ``slope = value``.
    """
    xs = np.linspace(a, b, samples)
    pieces = [reference_integral(f, lo, hi)[0] for lo, hi in zip(xs[:-1], xs[1:])]
    areas = np.concatenate([[0.0], np.cumsum(pieces)])
    h = 1e-4 * (b - a)
    records = []
    for x, area in zip(xs, areas):
        lo, hi = max(a, x - h), min(b, x + h)
        slope = reference_integral(f, lo, hi)[0] / (hi - lo)
        if lo == a or hi == b:
            # one-sided: (A(x+2h) - A(x))/2h style quotients are first order; extrapolate to second
            far_lo, far_hi = (a, a + 2 * h) if lo == a else (b - 2 * h, b)
            wide = reference_integral(f, far_lo, far_hi)[0] / (2 * h)
            slope = 2 * slope - wide
        records.append({"x": float(x), "area": float(area), "value": float(f(x)), "slope": float(slope)})
    return tuple(records)


# --- the story --------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntegralStory(Story):
    """Everything the ``integral`` scene shows.

    ``signed`` is the user's function's signed area on ``[a, b]`` (its
    ``function``, ``a``, ``b``, ``integral``, ``quad_error`` and the areas
    above and below the axis live there, once).
    ``sums[rule]`` lists the doubling records of :func:`doubling_records` for
    ``ns``; ``orders[rule]`` is the order measured at the last doubling
    (``None`` for an exact rule); ``exact[rule]`` says every sum of the rule
    equals the integral to rounding. ``area`` samples the area function
    (:func:`area_function`) with ``area_range`` its plotted window.
    ``cancellation`` is the signed area of sin on [-pi, pi].
    """

    signed: SignedArea
    rule: str
    ns: tuple[int, ...]
    sums: dict[str, tuple[dict[str, Any], ...]]
    orders: dict[str, float | None]
    exact: dict[str, bool]
    textbook_rates: bool
    area: tuple[dict[str, float], ...]
    area_range: tuple[float, float]
    cancellation: SignedArea

    def record(self, rule: str, n: int) -> dict[str, Any]:
        """The doubling record of ``rule`` with ``n`` rectangles."""
        return self.sums[rule][self.ns.index(n)]

    def rectangles(self, rule: str, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Left edges, sample points and heights ``f(x_i)`` of the ``n`` rectangles of ``rule``.

        The heights are the values the story's sum added up: ``sum = width * heights.sum()``.
        """
        return self._rectangles[(rule, n)]

    _rectangles: dict[tuple[str, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = field(
        repr=False, compare=False, default_factory=dict)


def _check_interval(a: float, b: float) -> None:
    for key, value in (("a", a), ("b", b)):
        if abs(value) > MAX_LIMIT:
            raise ParameterError(key, f"must be between {show_number(-MAX_LIMIT)} and {show_number(MAX_LIMIT)}, "
                                      f"got {show_number(value)}")
    if not a < b:
        raise ParameterError("b", f"must be greater than a (a = {show_number(a)}, b = {show_number(b)})")
    if b - a < 1e-6 * max(1.0, abs(a), abs(b)):
        raise ParameterError("b", f"the interval [{a:g}, {b:g}] is too narrow to draw; make b - a larger")


def sine_cancellation() -> SignedArea:
    """The signed area of ``sin`` on ``[-pi, pi]``: +2 above the axis, -2 below, integral 0."""
    return signed_area(compile_expression("sin(x)", ("x",), what="function"), -math.pi, math.pi)


def integral_story(function: Expression, a: float, b: float, rule: str = "left", n_max: int = 64) -> IntegralStory:
    """Riemann sums of ``function`` on ``[a, b]`` converging to its integral, and the area function.

    .. math::

        \\int_a^b f(x)\\,dx = \\lim_{n \\to \\infty} \\sum_{i=0}^{n-1} f(x_i)\\,\\Delta x,
        \\qquad \\Delta x = \\frac{b - a}{n}, \\qquad A'(x) = f(x)

    Raises
    ------
    ParameterError
        On ``b`` when ``a >= b``; on ``function`` when f is not finite on
        ``[a, b]``, too large to show, or quad cannot integrate it.
    """
    _check_interval(a, b)
    ns = [N_START * 2**k for k in range(int(math.log2(n_max / N_START)) + 1)]
    for n in ns:  # every point any rule samples must be finite too
        for rule_name in RULES:
            xs = sample_points(a, b, n, rule_name)
            _check_samples(function, xs, function(xs), a, b)
    signed = signed_area(function, a, b)
    scale = (b - a) * max(1.0, float(np.max(np.abs(signed.graph[:, 1]))))
    # rounding in a sum of n terms and quad's own error both hide below this
    tolerance = max(1e-12 * scale * math.sqrt(ns[-1]), 10 * signed.quad_error)
    sums = {r: doubling_records(function, a, b, r, ns, signed.integral, tolerance) for r in RULES}
    orders: dict[str, float | None] = {}
    for r in RULES:
        measured = [rec["order"] for rec in sums[r] if rec["order"] is not None]
        orders[r] = measured[-1] if measured else None
    exact = {r: all(rec["error"] == 0.0 for rec in sums[r]) for r in RULES}
    textbook = all((order := orders[r]) is not None and abs(order - p) < 0.25
                   for r, p in (("left", 1), ("right", 1), ("midpoint", 2)))
    rectangles = {}
    for r in RULES:
        for n in ns:
            xs = sample_points(a, b, n, r)
            rectangles[(r, n)] = (a + np.arange(n) * (b - a) / n, xs, function(xs))
    area = area_function(function, a, b)
    return IntegralStory(
        signed=signed,
        rule=rule,
        ns=tuple(ns),
        sums=sums,
        orders=orders,
        exact=exact,
        textbook_rates=textbook,
        area=area,
        area_range=_window(np.array([r["area"] for r in area])),
        cancellation=sine_cancellation(),
        _rectangles=rectangles,
    )


#: Found through the entry point ``integral`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="integral",
    title="The integral is signed area",
    teaches=(
        "Left, right and midpoint Riemann sums converge at their known rates; area below the axis counts "
        "negative; the area function's slope is the curve."
    ),
    story=integral_story,
    params=PARAMS,
    scene="mathviz_scenes.integral:RiemannSums",
)
