"""Fitting a line is maximum likelihood under Gaussian noise: the numbers of ``least_squares_mle``.

Points ``(x_i, y_i)``, ``i = 1..n``, come from a true line plus Gaussian noise:

    y_i = a x_i + b + sigma z_i,      z_i ~ N(0, 1),

with the ``x_i`` drawn uniformly from ``X_RANGE`` by ``np.random.default_rng(seed)``.
A candidate line ``(a, b)`` leaves the residuals ``r_i = y_i - (a x_i + b)``.
If the noise is Gaussian with standard deviation ``sigma``, point i has the
likelihood (probability density)

    p(y_i | a, b) = exp(-r_i^2 / (2 sigma^2)) / (sigma sqrt(2 pi)),

a bell centred on the line, and the points together (independent) have the
log-likelihood

    log L(a, b) = sum_i log p(y_i | a, b) = -n/2 log(2 pi sigma^2) - SSE(a, b) / (2 sigma^2),

where ``SSE = sum_i r_i^2``. The first term does not depend on the line, so
the line of largest likelihood is the line of smallest SSE: least squares.
Setting the gradient of SSE to zero gives the normal equations

    [ n      sum x   ] [b]   [ sum y   ]
    [ sum x  sum x^2 ] [a] = [ sum x y ],

solved here in their centred form ``a = S_xy / S_xx``, ``b = y_bar - a x_bar``
(the same answer, without the cancellation of the raw sums). Maximising over
sigma too gives ``sigma_hat^2 = SSE / n`` (the maximum-likelihood estimate,
a little small on average; ``SSE / (n - 2)`` is unbiased).

The video sweeps the slope with the intercept at its best for each slope,
``b(a) = y_bar - a x_bar`` (every such line passes through the centroid), so
``SSE(a) = SSE_min + (a - a_hat)^2 S_xx`` is a parabola and ``log L(a)`` the
same parabola upside down: both peak at ``a_hat``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from mathviz.explainer import Explainer
from mathviz.params import Param, ParameterError, integer, number
from mathviz.story import Story

__all__ = [
    "EXPLAINER",
    "X_RANGE",
    "MIN_POINTS",
    "MAX_POINTS",
    "MAX_COEFFICIENT",
    "MIN_NOISE",
    "MAX_NOISE",
    "SWEEP_STEPS",
    "SWEEP_TILT",
    "BELL_POINTS",
    "BELL_WIDTH",
    "VIEW_PAD",
    "Line",
    "LineScore",
    "sample_points",
    "least_squares_fit",
    "normal_equations",
    "gaussian_log_density",
    "log_likelihood",
    "score_line",
    "LeastSquaresStory",
    "least_squares_story",
    "PARAMS",
]

#: The x of the points are drawn uniformly from this interval.
X_RANGE = (0.0, 10.0)
#: Fewest and most points: fewer than 5 barely shows a cloud, more than 500 is a smear at 480p.
MIN_POINTS, MAX_POINTS = 5, 500
#: Largest |slope| and |intercept| accepted; keeps every number on screen short.
MAX_COEFFICIENT = 1000.0
#: Smallest and largest noise sigma. Below 1e-6 the residuals of the fitted line would be
#: rounding errors of the line's values (about 1e-13 of 1e4), not noise.
MIN_NOISE, MAX_NOISE = 1e-6, 1000.0
#: Slopes in the sweep (odd: the fitted slope is the middle one).
SWEEP_STEPS = 41
#: How far the sweep tilts the line: at the ends of X_RANGE its ends move this fraction of the view's height.
SWEEP_TILT = 0.3
#: Most points given a bell (a Gaussian drawn along the vertical); more would overlap.
BELL_POINTS = 7
#: A bell's width (its peak's distance from its point, in x) as a share of the least gap between bell points.
BELL_WIDTH = 0.8
#: The view's y range is the points' and lines' range grown by this fraction on each side.
VIEW_PAD = 0.12


@dataclass(frozen=True)
class Line:
    """The line ``y = slope x + intercept``."""

    slope: float
    intercept: float

    def at(self, x: np.ndarray | float) -> np.ndarray | float:
        return self.slope * np.asarray(x, dtype=float) + self.intercept


@dataclass(frozen=True)
class LineScore:
    """A line scored against the points: residuals ``r_i = y_i - line(x_i)``, SSE and log-likelihood at sigma.

    ``log_densities`` are ``log p(y_i | line)`` per point and ``densities`` the bells' heights at the points.
    """

    slope: float
    intercept: float
    sse: float
    log_likelihood: float
    residuals: np.ndarray = field(repr=False)
    log_densities: np.ndarray = field(repr=False)
    densities: np.ndarray = field(repr=False)


def sample_points(slope: float, intercept: float, noise: float, points: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``points`` x drawn uniformly from X_RANGE (sorted) and ``y = slope x + intercept + noise z``, z ~ N(0, 1).

    One generator ``np.random.default_rng(seed)`` draws all the x, then all the z.
    """
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(X_RANGE[0], X_RANGE[1], size=points))
    y = slope * x + intercept + noise * rng.standard_normal(points)
    return x, y


def least_squares_fit(x: np.ndarray, y: np.ndarray) -> Line:
    """The line minimising ``SSE``: ``a = S_xy / S_xx``, ``b = y_bar - a x_bar`` (the normal equations, centred)."""
    x_bar, y_bar = float(np.mean(x)), float(np.mean(y))
    dx = x - x_bar
    slope = float(dx @ (y - y_bar) / (dx @ dx))
    return Line(slope=slope, intercept=y_bar - slope * x_bar)


def normal_equations(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``X^T X`` and ``X^T y`` for the design matrix ``X = [1, x]``: the system ``X^T X [b, a] = X^T y``."""
    design = np.column_stack([np.ones_like(x), x])
    return design.T @ design, design.T @ y


def gaussian_log_density(residuals: np.ndarray, sigma: float) -> np.ndarray:
    """``log N(r; 0, sigma^2) = -log(sigma sqrt(2 pi)) - r^2 / (2 sigma^2)``, elementwise."""
    residuals = np.asarray(residuals, dtype=float)
    return -math.log(sigma * math.sqrt(2.0 * math.pi)) - residuals**2 / (2.0 * sigma**2)


def log_likelihood(sse: float, n: int, sigma: float) -> float:
    """``log L = -n/2 log(2 pi sigma^2) - SSE / (2 sigma^2)``: the sum of the points' log densities."""
    return -0.5 * n * math.log(2.0 * math.pi * sigma**2) - sse / (2.0 * sigma**2)


def score_line(line: Line, x: np.ndarray, y: np.ndarray, sigma: float) -> LineScore:
    """Residuals, SSE, per-point log densities and the log-likelihood of ``line`` at noise ``sigma``."""
    residuals = y - line.at(x)
    sse = float(residuals @ residuals)
    log_densities = gaussian_log_density(residuals, sigma)
    return LineScore(
        slope=line.slope,
        intercept=line.intercept,
        sse=sse,
        log_likelihood=log_likelihood(sse, x.size, sigma),
        residuals=residuals,
        log_densities=log_densities,
        densities=np.exp(log_densities),  # far from the line these underflow to 0 quietly, as they should
    )


@dataclass(frozen=True)
class LeastSquaresStory(Story):
    """Everything the least_squares_mle video shows.

    The data: the ``true_line``, ``noise`` and the points ``x``, ``y``. A
    ``candidate`` line (the first slope of the sweep) with its residuals and
    the bells at the points ``bell_points`` (at least ``bell_gap``
    apart in x; the tallest bell, ``bell_peak`` high, is drawn BELL_WIDTH * bell_gap wide). The ``fit`` from the normal
    equations (``normal_matrix`` ``X^T X``, ``normal_rhs`` ``X^T y``), its
    ``sse`` and ``log_likelihood`` at ``sigma = noise``, whose constant part is
    ``log_likelihood_constant``. The ``sweep`` of slopes through the centroid,
    best at index ``sweep_best``. Last, ``sigma_hat = sqrt(SSE / n)`` (and the
    unbiased ``sigma_unbiased``) with the log-likelihood ``max_log_likelihood``
    it reaches. ``x_view`` and ``y_view`` frame the plot.
    """

    true_line: Line
    noise: float
    points: int
    seed: int
    x: np.ndarray
    y: np.ndarray
    centroid: tuple[float, float]
    x_view: tuple[float, float]
    y_view: tuple[float, float]

    candidate: LineScore
    bell_points: tuple[int, ...]
    bell_gap: float
    bell_peak: float
    log_likelihood_constant: float

    fit: Line
    normal_matrix: np.ndarray
    normal_rhs: np.ndarray
    sse: float
    log_likelihood: float
    sweep: tuple[LineScore, ...]
    sweep_best: int
    sweep_tilt: float
    s_xx: float

    sigma_hat: float
    sigma_unbiased: float
    max_log_likelihood: float
    residuals: np.ndarray = field(repr=False)


def _bell_points(x: np.ndarray) -> tuple[tuple[int, ...], float]:
    """Points given a bell, at least ``gap`` apart in x and ``BELL_WIDTH * gap`` from the right end, and ``gap``.

    ``gap`` is X_RANGE's width over BELL_POINTS + 1; from the left, each point at least ``gap`` right of the
    last one chosen is taken, BELL_POINTS at most. A bell drawn ``BELL_WIDTH * gap`` wide to the right of its point then
    overlaps neither its neighbour nor the right end of the plot.
    """
    gap = (X_RANGE[1] - X_RANGE[0]) / (BELL_POINTS + 1)
    chosen: list[int] = []
    for i, value in enumerate(x):
        if value > X_RANGE[1] - BELL_WIDTH * gap or len(chosen) == BELL_POINTS:
            break
        if not chosen or value >= x[chosen[-1]] + gap:
            chosen.append(i)
    return tuple(chosen), gap


def least_squares_story(slope: float, intercept: float, noise: float, points: int, seed: int) -> LeastSquaresStory:
    """Sample the points, score a candidate, sweep the slope, fit by the normal equations and estimate sigma.

    Raises ParameterError if the sampled x are all equal (no line is determined; cannot happen for
    continuous x but is checked rather than assumed).
    """
    x, y = sample_points(slope, intercept, noise, points, seed)
    x_bar, y_bar = float(np.mean(x)), float(np.mean(y))
    s_xx = float((x - x_bar) @ (x - x_bar))
    if not s_xx > 0:
        raise ParameterError("points", "the sampled x are all equal; no line is determined")
    fit = least_squares_fit(x, y)
    best = score_line(fit, x, y, noise)
    matrix, rhs = normal_equations(x, y)

    # The view: the points and the fitted line over X_RANGE, grown by VIEW_PAD.
    ends = fit.at(np.array(X_RANGE))
    lo = float(min(np.min(y), np.min(ends)))
    hi = float(max(np.max(y), np.max(ends)))
    pad = VIEW_PAD * max(hi - lo, 6.0 * noise)
    y_view = (lo - pad, hi + pad)

    # The sweep: slopes a_hat +- tilt, each with its best intercept (through the centroid).
    tilt = 2.0 * SWEEP_TILT * (y_view[1] - y_view[0]) / (X_RANGE[1] - X_RANGE[0])
    half = SWEEP_STEPS // 2
    offsets = tilt * np.arange(-half, half + 1) / half
    bell_points, bell_gap = _bell_points(x)
    sweep = tuple(
        best if k == half else score_line(Line(float(fit.slope + d), float(y_bar - (fit.slope + d) * x_bar)), x, y, noise)
        for k, d in enumerate(offsets)
    )
    sigma_hat = math.sqrt(best.sse / points)
    return LeastSquaresStory(
        true_line=Line(slope=slope, intercept=intercept),
        noise=noise,
        points=points,
        seed=seed,
        x=x,
        y=y,
        centroid=(x_bar, y_bar),
        x_view=X_RANGE,
        y_view=y_view,
        candidate=sweep[0],
        bell_points=bell_points,
        bell_gap=bell_gap,
        bell_peak=1.0 / (noise * math.sqrt(2.0 * math.pi)),
        log_likelihood_constant=-0.5 * points * math.log(2.0 * math.pi * noise**2),
        fit=fit,
        normal_matrix=matrix,
        normal_rhs=rhs,
        residuals=best.residuals,
        sse=best.sse,
        log_likelihood=best.log_likelihood,
        sweep=sweep,
        sweep_best=half,
        sweep_tilt=float(tilt),
        s_xx=s_xx,
        sigma_hat=sigma_hat,
        sigma_unbiased=math.sqrt(best.sse / (points - 2)),
        # log L at (a_hat, b_hat, sigma_hat): the SSE term is exactly n/2 there.
        max_log_likelihood=-0.5 * points * (math.log(2.0 * math.pi * sigma_hat**2) + 1.0) if sigma_hat > 0 else math.inf,
    )


PARAMS: tuple[Param, ...] = (
    Param("slope", "0.8", f"slope of the true line (|slope| <= {MAX_COEFFICIENT:g})",
          number("slope", minimum=-MAX_COEFFICIENT, maximum=MAX_COEFFICIENT)),
    Param("intercept", "1", f"intercept of the true line (|intercept| <= {MAX_COEFFICIENT:g})",
          number("intercept", minimum=-MAX_COEFFICIENT, maximum=MAX_COEFFICIENT)),
    Param("noise", "1.2", f"standard deviation sigma of the Gaussian noise ({MIN_NOISE:g} to {MAX_NOISE:g})",
          number("noise", minimum=MIN_NOISE, maximum=MAX_NOISE)),
    Param("points", "30", f"how many noisy points ({MIN_POINTS} to {MAX_POINTS}), x uniform in "
          f"[{X_RANGE[0]:g}, {X_RANGE[1]:g}]", integer("points", minimum=MIN_POINTS, maximum=MAX_POINTS)),
    Param("seed", "4", "seed of the points' x and noise", integer("seed", minimum=0, maximum=2**31 - 1)),
)


EXPLAINER = Explainer(
    name="least_squares_mle",
    title="Least squares is maximum likelihood",
    teaches=(
        "Under Gaussian noise each point's likelihood is a bell around the line; log L = -SSE/(2 sigma^2) + const, so "
        "the least-squares line (the normal equations) is the most likely one, and sigma_hat = sqrt(SSE/n)."
    ),
    story=least_squares_story,
    params=PARAMS,
    scene="mathviz_scenes.least_squares_mle:FitAsLikelihood",
)
