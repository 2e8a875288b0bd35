"""Gradient descent on a loss surface: the numbers behind the ``gradient_descent`` explainer.

A loss surface L(w1, w2) is either one of the named teaching surfaces in
:data:`SURFACES` (an elongated bowl, a narrow ravine, Rosenbrock's banana,
Himmelblau's four minima, a two-minima landscape with a saddle, a pure saddle)
or any expression in ``w1, w2`` the user types. Gradients and Hessians are the
exact symbolic derivatives of the validated expression tree
(:meth:`mathviz.expr.Expression.diff`), so a named surface and a typed one go
through the same code.

The optimisers (``w`` a point, ``g_k = grad L(w_k)``, ``eta`` the learning rate):

* ``gd``:        w_{k+1} = w_k - eta g_k
* ``momentum``:  v_{k+1} = beta v_k + g_k,  w_{k+1} = w_k - eta v_{k+1},  v_0 = 0
  (the heavy-ball convention PyTorch's SGD uses; its first step equals GD's)
* ``adam``:      m_{k+1} = b1 m_k + (1 - b1) g_k,  s_{k+1} = b2 s_k + (1 - b2) g_k**2,
  w_{k+1} = w_k - eta m^_{k+1} / (sqrt(s^_{k+1}) + eps), with the bias
  corrections m^ = m / (1 - b1^(k+1)), s^ = s / (1 - b2^(k+1)); b1 is the
  ``momentum`` parameter, b2 = 0.999, eps = 1e-8.

On a quadratic L(w) = 1/2 w^T H w + b^T w + c, plain gradient descent
multiplies the error along each eigenvector of H by (1 - eta lambda), so it
converges exactly when 0 < eta < 2 / lambda_max: :func:`stability_bound`.
Overflow and NaN are results (``diverged``), never exceptions.

:func:`descent_story` computes everything the scene shows as one frozen
:class:`DescentStory`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from mathviz import params
from mathviz import surface as shared_surface
from mathviz.explainer import Explainer
from mathviz.expr import Expression
from mathviz.params import Param, ParameterError
from mathviz.story import Story
from mathviz.surface import Point, Surface, Window, contour_lines, window_text
from mathviz.view import nice_step

__all__ = [
    "EXPLAINER",
    "NamedSurface",
    "LossSurface",
    "SurfaceView",
    "DescentRun",
    "Regime",
    "DescentStory",
    "SURFACES",
    "OPTIMIZERS",
    "DEFAULT_WINDOW",
    "CONVERGENCE_TOL",
    "DIVERGENCE_FACTOR",
    "ADAM_BETA2",
    "ADAM_EPS",
    "PARAMS",
    "auto_learning_rate",
    "parse_surface",
    "make_surface",
    "stability_bound",
    "quadratic_hessian",
    "run_descent",
    "view_of",
    "contour_lines",
    "loss_range",
    "descent_story",
]

#: Variable names of every loss surface.
VARIABLES: tuple[str, str] = ("w1", "w2")
#: The plotting window of a typed expression: w1 and w2 in [-3, 3].
DEFAULT_WINDOW: Window = ((-3.0, 3.0), (-3.0, 3.0))
#: Stop when |grad L(w_k)| <= CONVERGENCE_TOL * |grad L(w_0)| and the last step is as small
#: relative to the window: the readout of |grad| has dropped a thousandfold and the ball stands still.
CONVERGENCE_TOL = 1e-3
#: A run has diverged once its loss leaves the window's loss range [L_min, L_max] by more than
#: this many times the range's width (three orders of magnitude past anything plotted), or an
#: iterate lies this many window diagonals away (flat directions); iterating further only walks
#: to overflow.
DIVERGENCE_FACTOR = 1000.0
ADAM_BETA2 = 0.999
ADAM_EPS = 1e-8
OPTIMIZERS: tuple[str, ...] = ("gd", "momentum", "adam")
#: Number of contour levels drawn on a contour map.
CONTOUR_LEVELS = 10


@dataclass(frozen=True)
class NamedSurface:
    """A teaching surface: its formula, a window that shows its shape, a default start, known minima."""

    name: str
    formula: str
    window: Window
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    about: str
    saddles: tuple[tuple[float, float], ...] = ()
    #: The step size used when the user asks for ``learning_rate=auto``: one that shows the surface well.
    learning_rate: float = 0.1


# L = (w1^2 - 1)^2 + 0.3 w1 + w2^2: dL/dw2 = 0 at w2 = 0 and dL/dw1 = 4 w1^3 - 4 w1 + 0.3 = 0,
# whose outer two real roots are the minima and the middle one the saddle.
_TWO_MINIMA_ROOTS = np.sort(np.roots([4.0, 0.0, -4.0, 0.3]).real)


#: The named surfaces, in the order the help lists them.
SURFACES: dict[str, NamedSurface] = {
    s.name: s
    for s in (
        NamedSurface("bowl", "w1**2/4 + w2**2", ((-3.0, 3.0), (-3.0, 3.0)), (-2.5, 2.0), ((0.0, 0.0),),
                     "an elongated quadratic bowl (Hessian diag(1/2, 2))", learning_rate=0.7),
        NamedSurface("ravine", "w1**2/50 + 2*w2**2", ((-3.0, 3.0), (-3.0, 3.0)), (-2.8, 1.0), ((0.0, 0.0),),
                     "a narrow quadratic valley (Hessian diag(1/25, 4), condition number 100)", learning_rate=0.4),
        NamedSurface("rosenbrock", "(1 - w1)**2 + 100*(w2 - w1**2)**2", ((-2.0, 2.0), (-1.0, 3.0)), (-1.5, 2.5),
                     ((1.0, 1.0),), "Rosenbrock's banana valley, minimum at (1, 1)", learning_rate=0.0015),
        NamedSurface("himmelblau", "(w1**2 + w2 - 11)**2 + (w1 + w2**2 - 7)**2", ((-5.0, 5.0), (-5.0, 5.0)),
                     (0.0, 0.0),
                     ((3.0, 2.0), (-2.805118086952745, 3.131312518250573),
                      (-3.779310253377747, -3.283185991286170), (3.584428340330492, -1.848126526964404)),
                     "Himmelblau's function, four minima of loss 0", learning_rate=0.01),
        NamedSurface("two-minima", "(w1**2 - 1)**2 + 0.3*w1 + w2**2", ((-2.0, 2.0), (-2.0, 2.0)), (-0.3, 1.8),
                     ((float(_TWO_MINIMA_ROOTS[0]), 0.0), (float(_TWO_MINIMA_ROOTS[2]), 0.0)),
                     "two minima of different depth with a saddle between them",
                     saddles=((float(_TWO_MINIMA_ROOTS[1]), 0.0),), learning_rate=0.1),
        NamedSurface("saddle", "w1**2 - w2**2", ((-2.0, 2.0), (-2.0, 2.0)), (-1.5, 0.1), (),
                     "a pure saddle: no minimum, descent escapes along w2", saddles=((0.0, 0.0),),
                     learning_rate=0.1),
    )
}


#: A loss surface: L(w1, w2) with its exact derivatives, window and (if named) description.
LossSurface = Surface[NamedSurface]


def make_surface(loss: Expression, *, name: str | None = None, window: Window = DEFAULT_WINDOW,
                 named: NamedSurface | None = None) -> LossSurface:
    """Bundle ``loss`` with its symbolic gradient and Hessian (:func:`mathviz.surface.make_surface`)."""
    return shared_surface.make_surface(loss, name=name, window=window, named=named)


def parse_surface(text: str) -> LossSurface:
    """Parser of the ``surface`` parameter: a name from :data:`SURFACES` or an expression in w1, w2.

    A typed expression is plotted over w1, w2 in [-3, 3] and must be finite
    there (a surface with holes cannot be drawn).
    """
    return shared_surface.parse_surface(text, named=SURFACES, variables=VARIABLES, window=DEFAULT_WINDOW,
                                        example="w1**2 + 10*w2**2")


#: Where descent starts on a typed surface when the user gives no start (inside DEFAULT_WINDOW).
EXPRESSION_START = (-2.5, 2.0)
_start_vector = params.vector("start", length=2, max_length=2)


_learning_rate_number = params.number("learning_rate", minimum=0.0, exclusive_minimum=True)


def parse_learning_rate(text: str) -> float | None:
    """``auto`` (None: chosen from the surface) or a number > 0."""
    if isinstance(text, str) and text.strip() == "auto":
        return None
    return _learning_rate_number(text)


def parse_start(text: str) -> np.ndarray | None:
    """``auto`` (None: the surface's own start) or a vector ``[w1, w2]``."""
    if isinstance(text, str) and text.strip() == "auto":
        return None
    return _start_vector(text)


PARAMS: tuple[Param, ...] = (
    Param("surface", "bowl",
          f"loss L(w1, w2): one of {', '.join(SURFACES)}, or an expression such as w1**2 + 10*w2**2",
          parse_surface),
    Param("optimizer", "gd", "gd (w -= eta grad), momentum (heavy ball, v = beta v + grad) or adam",
          params.choice("optimizer", OPTIMIZERS)),
    Param("learning_rate", "auto", "step size eta > 0 (too large diverges: that is shown, not an error); "
          "auto: a step that suits the surface (2/(lambda_min + lambda_max) on a convex quadratic)",
          parse_learning_rate),
    Param("momentum", "0.9", "beta in [0, 1): momentum's memory (adam's beta1); also the ravine comparison's",
          params.number("momentum", minimum=0.0)),
    Param("start", "auto", "starting point [w1, w2] inside the surface's plotting window; "
          "auto: the named surface's own start, [-2.5, 2] for an expression",
          parse_start),
    Param("steps", "40", "number of descent steps, 1 to 500", params.integer("steps", minimum=1, maximum=500)),
)


# --- quadratics and the stability bound -------------------------------------------------------


def quadratic_hessian(surface: LossSurface, *, rtol: float = 1e-9) -> np.ndarray | None:
    """The constant Hessian H if ``surface`` is a quadratic, else ``None``.

    A function whose exact second derivatives are the same at every point of a
    7 x 7 grid over (and beyond) the window is treated as quadratic: then
    L(w) = L(w*) + 1/2 (w - w*)^T H (w - w*) up to a linear term.
    """
    (a, b), (c, d) = surface.window
    # Sample past the window too: the iterates of a diverging run leave it.
    xs = np.linspace(2 * a - b, 2 * b - a, 7)
    ys = np.linspace(2 * c - d, 2 * d - c, 7)
    xx, yy = np.meshgrid(xs, ys)
    entries = np.array([[h(xx, yy) for h in row] for row in surface.hessian])  # 2 x 2 x 7 x 7
    if not np.all(np.isfinite(entries)):
        return None
    reference = entries[:, :, 0, 0]
    scale = max(float(np.max(np.abs(reference))), 1e-300)
    if np.max(np.abs(entries - reference[:, :, None, None])) > rtol * scale:
        return None
    return reference.copy()


def stability_bound(hessian: np.ndarray) -> float | None:
    """Largest stable learning rate of gradient descent on a quadratic with Hessian H: 2 / lambda_max(H).

    Along the eigenvector of lambda, one step multiplies the error by
    (1 - eta lambda); |1 - eta lambda| < 1 for every positive lambda exactly when
    eta < 2 / lambda_max. ``None`` when no eigenvalue is positive (no bound
    makes descent converge).
    """
    lam_max = float(np.linalg.eigvalsh(hessian)[-1])
    return 2.0 / lam_max if lam_max > 0 else None


# --- the descent itself -----------------------------------------------------------------------


@dataclass(frozen=True)
class DescentRun:
    """One optimiser run: iterates, losses, gradient norms and how it ended.

    ``path[k] = [w1, w2, L]`` of iterate k (k = 0 is the start); a diverged run
    ends with the first non-finite or runaway iterate. ``exit_point`` is where
    the polyline of iterates first crosses the window's edge (the ball stops
    there on screen), ``left_window_at`` the index of the first iterate outside.
    """

    optimizer: str
    learning_rate: float
    momentum: float | None
    start: tuple[float, float]
    path: np.ndarray
    grad_norms: np.ndarray
    converged: bool
    diverged: bool
    diverged_at: int | None
    left_window_at: int | None
    exit_point: tuple[float, float, float] | None
    steps_taken: int
    final_loss: float
    gradients: np.ndarray = field(repr=False)


def _window_exit(surface: LossSurface, inside: np.ndarray, outside: np.ndarray) -> tuple[float, float, float]:
    """Where the segment from ``inside`` to ``outside`` crosses the window's edge, with its loss."""
    (a, b), (c, d) = surface.window
    direction = outside - inside
    t = 1.0
    with np.errstate(all="ignore"):
        for k, (lo, hi) in enumerate(((a, b), (c, d))):
            if not np.isfinite(direction[k]):
                # An overflowed iterate: only its direction from the last finite one matters.
                direction = np.nan_to_num(direction, nan=0.0, posinf=1e300, neginf=-1e300)
            if direction[k] > 0:
                t = min(t, (hi - inside[k]) / direction[k])
            elif direction[k] < 0:
                t = min(t, (lo - inside[k]) / direction[k])
    point = inside + max(t, 0.0) * direction
    point = np.clip(point, [a, c], [b, d])
    return float(point[0]), float(point[1]), float(surface(point[0], point[1]))


def run_descent(surface: LossSurface, start: Point, *, optimizer: str, learning_rate: float,
                momentum: float = 0.9, steps: int) -> DescentRun:
    """Iterate ``optimizer`` from ``start`` for up to ``steps`` steps (formulas in the module docstring).

    Stops early when converged (|grad| below :data:`CONVERGENCE_TOL` of its
    start value and the step as small) or diverged (a non-finite iterate, loss
    or gradient, a loss :data:`DIVERGENCE_FACTOR` loss ranges beyond the
    window's, or an iterate as many window diagonals away). Never raises on
    overflow.
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}")
    (a, b), (c, d) = surface.window
    centre = np.array([(a + b) / 2, (c + d) / 2])
    diagonal = math.hypot(b - a, d - c)
    runaway = DIVERGENCE_FACTOR * diagonal
    low, high = loss_range(surface)
    span = high - low
    loss_floor, loss_ceiling = low - DIVERGENCE_FACTOR * span, high + DIVERGENCE_FACTOR * span

    def runaway_at(point: np.ndarray, loss: float) -> bool:
        if not (np.all(np.isfinite(point)) and math.isfinite(loss)):
            return True
        if span > 0 and not loss_floor <= loss <= loss_ceiling:
            return True
        return bool(np.linalg.norm(point - centre) > runaway)

    w = np.array(start, dtype=float)
    points, grads = [w.copy()], []
    velocity = np.zeros(2)
    second = np.zeros(2)
    converged = diverged = False
    diverged_at = None
    with np.errstate(all="ignore"):
        g = surface.grad(w)
        grads.append(g)
        g0 = float(np.linalg.norm(g))
        tol = CONVERGENCE_TOL * g0
        for k in range(steps):
            if not np.all(np.isfinite(g)):
                diverged, diverged_at = True, k
                break
            if np.linalg.norm(g) <= tol and (k == 0 or np.linalg.norm(points[-1] - points[-2]) <= CONVERGENCE_TOL * diagonal):
                converged = True
                break
            if optimizer == "gd":
                step = learning_rate * g
            elif optimizer == "momentum":
                velocity = momentum * velocity + g
                step = learning_rate * velocity
            else:
                velocity = momentum * velocity + (1 - momentum) * g
                second = ADAM_BETA2 * second + (1 - ADAM_BETA2) * g * g
                m_hat = velocity / (1 - momentum ** (k + 1))
                s_hat = second / (1 - ADAM_BETA2 ** (k + 1))
                step = learning_rate * m_hat / (np.sqrt(s_hat) + ADAM_EPS)
            w = w - step
            points.append(w.copy())
            g = surface.grad(w) if np.all(np.isfinite(w)) else np.full(2, np.nan)
            grads.append(g)
            loss = float(surface(w[0], w[1])) if np.all(np.isfinite(w)) else math.nan
            if runaway_at(w, loss):
                diverged, diverged_at = True, k + 1
                break
        else:
            # Out of steps: the last iterate may itself satisfy the convergence test.
            if np.all(np.isfinite(g)) and np.linalg.norm(g) <= tol:
                converged = True
        pts = np.array(points)
        finite = np.all(np.isfinite(pts), axis=1)
        losses = np.full(len(pts), np.nan)
        losses[finite] = surface(pts[finite, 0], pts[finite, 1])
        grad_arr = np.array(grads)
        grad_norms = np.linalg.norm(grad_arr, axis=1)

    path = np.column_stack([pts, losses])
    left = None
    exit_point = None
    for k, p in enumerate(pts):
        if not (np.all(np.isfinite(p)) and surface.in_window(p)):
            left = k
            exit_point = _window_exit(surface, pts[k - 1], p) if k > 0 else None
            break
    for arr in (path, grad_norms, grad_arr):
        arr.setflags(write=False)
    return DescentRun(
        optimizer=optimizer,
        learning_rate=float(learning_rate),
        momentum=None if optimizer == "gd" else float(momentum),
        start=(float(start[0]), float(start[1])),
        path=path,
        grad_norms=grad_norms,
        converged=converged,
        diverged=diverged,
        diverged_at=diverged_at,
        left_window_at=left,
        exit_point=exit_point,
        steps_taken=len(pts) - 1,
        final_loss=float(losses[-1]),
        gradients=grad_arr,
    )


# --- what a surface looks like: loss range and contour lines ----------------------------------


def loss_range(surface: LossSurface) -> tuple[float, float]:
    """Smallest and largest loss on the plotting grid (the colour scale and the loss axis)."""
    _, _, values = surface.grid()
    with np.errstate(all="ignore"):
        return float(np.nanmin(values)), float(np.nanmax(values))


@dataclass(frozen=True)
class SurfaceView:
    """Everything needed to draw one surface: window, loss range, contour levels, curvature facts."""

    name: str
    formula: str
    window: Window
    loss_range: tuple[float, float]
    levels: tuple[float, ...]
    is_quadratic: bool
    hessian: np.ndarray | None
    hessian_eigenvalues: tuple[float, float] | None
    stability_bound: float | None
    minima: tuple[tuple[float, float, float], ...]
    saddles: tuple[tuple[float, float, float], ...]
    contours: tuple[tuple[np.ndarray, ...], ...] = field(repr=False)
    surface: LossSurface = field(repr=False)


def view_of(surface: LossSurface) -> SurfaceView:
    """Loss range over the window, contour levels and (for a quadratic) the Hessian and bound.

    Levels sit at L_min + (L_max - L_min) t with t spaced geometrically from
    0.5% to 60%: equal ratios of height read as evenly spaced rings on a bowl
    and still resolve the floor of a steep valley like Rosenbrock's.
    """
    lo, hi = loss_range(surface)
    span = hi - lo
    if span > 0:
        levels = tuple(float(lo + span * t) for t in np.geomspace(0.005, 0.6, CONTOUR_LEVELS))
    else:
        levels = ()
    hessian = quadratic_hessian(surface)
    eigenvalues = None
    bound = None
    if hessian is not None:
        lam = np.linalg.eigvalsh(hessian)
        eigenvalues = (float(lam[0]), float(lam[1]))
        bound = stability_bound(hessian)
        hessian.setflags(write=False)
    minima: tuple[tuple[float, float, float], ...] = ()
    saddles: tuple[tuple[float, float, float], ...] = ()
    if surface.named is not None:
        minima = tuple((m[0], m[1], float(surface(m[0], m[1]))) for m in surface.named.minima)
        saddles = tuple((p[0], p[1], float(surface(p[0], p[1]))) for p in surface.named.saddles)
    return SurfaceView(
        name=surface.name,
        formula=surface.formula,
        window=surface.window,
        loss_range=(lo, hi),
        levels=levels,
        is_quadratic=hessian is not None,
        hessian=hessian,
        hessian_eigenvalues=eigenvalues,
        stability_bound=bound,
        minima=minima,
        saddles=saddles,
        contours=tuple(contour_lines(surface, level) for level in levels),
        surface=surface,
    )


# --- the story --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regime:
    """One learning rate of the too small / good / too large comparison on a convex quadratic."""

    label: str
    learning_rate: float
    fraction_of_bound: float
    run: DescentRun


@dataclass(frozen=True)
class DescentStory(Story):
    """The numbers of the gradient-descent explainer.

    ``view`` is the user's surface (window, loss range, contour levels and, on
    a quadratic, the Hessian and the stability bound) and ``run`` the
    optimiser's run on it (its learning rate, start, iterates and how it
    ended); the story keeps each once, nested, and adds what the first beats
    show at the start. The later beats each hold their own surface and runs:
    ``regimes`` (three learning rates on a convex quadratic, ``regimes_view``),
    ``ravine_gd`` against ``ravine_momentum_run`` (same learning rate and
    steps, on ``ravine_view``) and ``two_minima_runs`` (two starts, two
    minima, on ``two_minima_view``).
    """

    view: SurfaceView
    run: DescentRun
    #: beta: momentum's memory (adam's beta1) and the ravine comparison's (``run.momentum`` is None for gd).
    momentum: float
    steps: int
    start_loss: float
    gradient_at_start: tuple[float, float]
    step_at_start: tuple[float, float]
    gradient_arrow_scale: float
    learning_rate_over_bound: float | None
    regimes_view: SurfaceView
    regimes: tuple[Regime, ...]
    ravine_view: SurfaceView
    ravine_gd: DescentRun
    ravine_momentum_run: DescentRun
    two_minima_view: SurfaceView
    two_minima_runs: tuple[DescentRun, DescentRun]
    start_contour: tuple[np.ndarray, ...] = field(repr=False)


#: Learning rates of the regimes beat as fractions of the stability bound 2/lambda_max: a tenth
#: (slow), the fastest fixed rate 2/(lambda_min + lambda_max) (computed per surface), and 7.5 %
#: past the bound, where the steep direction grows by |1 - eta lambda_max| = 1.15 per step: a few
#: visible, ever wider zigzags before the path leaves the window.
REGIME_SMALL = 0.1
REGIME_LARGE = 1.075
#: The ravine beat's shared learning rate as a fraction of the ravine's bound: plain descent
#: zigzags across the valley (factor 1 - 0.9 * 2 = -0.8 per step) and crawls along it
#: (1 - 0.9 * 2 / 100 = 0.982 per step), and cannot go faster without diverging.
RAVINE_FRACTION = 0.9
#: Two starts on either side of the saddle of the two-minima surface, and a learning rate
#: well inside the stable range near both minima (curvature there is about 8).
TWO_MINIMA_STARTS: tuple[tuple[float, float], tuple[float, float]] = ((-0.25, 1.8), (0.45, -1.8))
TWO_MINIMA_LEARNING_RATE = 0.1


def _room_along(start: np.ndarray, direction: np.ndarray, window: Window) -> float:
    """How far from ``start`` (inside ``window``) one can go along the unit vector ``direction`` and stay inside."""
    room = math.inf
    for axis in range(2):
        low, high = window[axis]
        if direction[axis] > 0:
            room = min(room, (high - start[axis]) / direction[axis])
        elif direction[axis] < 0:
            room = min(room, (low - start[axis]) / direction[axis])
    return max(room, 0.0)


def _window_with_room(surface: LossSurface, start: np.ndarray, gradient: np.ndarray) -> LossSurface:
    """``surface`` with its window widened where ``start`` lies on (or next to) an edge the gradient points out of.

    Drawn from the start, the gradient arrow must keep its tip inside the window: outside it lie the contour
    map's tick numbers and axis names. When the room along the gradient is under a twelfth of the window, each
    side it leaves through moves out by whole tick steps (the 1-2-5 step of a sixth of that side) until a sixth
    of the window fits along the gradient. Descent goes against the gradient, into the old window, so
    only the view grows; a start with room (every named surface's own, and the default) keeps its window.
    """
    norm = float(np.linalg.norm(gradient))
    if not math.isfinite(norm) or norm == 0:
        return surface
    direction = gradient / norm
    window = surface.window
    third = min(hi - lo for lo, hi in window) / 3
    if _room_along(start, direction, window) >= third / 4:
        return surface
    sides = []
    for axis, (low, high) in enumerate(window):
        step = nice_step((high - low) / 6)
        needed = third / 2 * abs(direction[axis])
        if direction[axis] > 0 and high - start[axis] < needed:
            high += math.ceil((needed - (high - start[axis])) / step - 1e-9) * step
        elif direction[axis] < 0 and start[axis] - low < needed:
            low -= math.ceil((needed - (start[axis] - low)) / step - 1e-9) * step
        sides.append((float(low), float(high)))
    return replace(surface, window=(sides[0], sides[1]))


def _gradient_arrow_scale(gradient: np.ndarray, window: Window, start: np.ndarray | None = None) -> float:
    """A round factor (1, 1/2, 1/4, 1/10, ...) that makes the drawn gradient at most a third of the window and,
    drawn from ``start``, keeps its tip inside the window (off the contour map's tick numbers and axis names
    outside it) unless that would leave it shorter than a twelfth of the window (a start on the edge with the
    gradient pointing out).
    """
    norm = float(np.linalg.norm(gradient))
    limit = min(window[0][1] - window[0][0], window[1][1] - window[1][0]) / 3
    if not math.isfinite(norm) or norm == 0:
        return 1.0
    if start is not None:
        limit = min(limit, max(_room_along(np.asarray(start, dtype=float), gradient / norm, window), limit / 4))
    limit *= 1 + 1e-9  # a tip that lands on the edge itself is inside
    if norm <= limit:
        return 1.0
    for decade in range(0, 300):
        for mantissa in (1.0, 0.5, 0.25):
            scale = mantissa * 10.0 ** (-decade)
            if norm * scale <= limit:
                return scale
    return 0.0  # pragma: no cover - norms beyond 1e300 are not finite


def _eigenvalues(view: SurfaceView) -> tuple[float, float]:
    """The Hessian eigenvalues of a quadratic surface (the bowl and the ravine are quadratics by construction)."""
    if view.hessian_eigenvalues is None:
        raise ValueError(f"{view.name} is not a quadratic surface: it has no constant Hessian")
    return view.hessian_eigenvalues


def _stability_bound(view: SurfaceView) -> float:
    """2 / lambda_max of a convex quadratic surface (see :func:`_eigenvalues`)."""
    if view.stability_bound is None:
        raise ValueError(f"{view.name} is not a convex quadratic: plain descent has no stability bound on it")
    return view.stability_bound


def auto_learning_rate(surface: LossSurface, view: SurfaceView) -> float:
    """The step size for ``learning_rate=auto``.

    A named surface's own; on a convex quadratic ``min(2 / (lambda_min + lambda_max), 0.9 * 2 / lambda_max)``
    (the fastest-converging fixed step for plain descent); otherwise 0.05.
    """
    if surface.named is not None:
        return surface.named.learning_rate
    eig, bound = view.hessian_eigenvalues, view.stability_bound
    if view.is_quadratic and eig is not None and bound is not None and eig[0] > 0:
        return float(min(2.0 / (eig[0] + eig[1]), 0.9 * bound))
    return 0.05


def descent_story(*, surface: LossSurface, optimizer: str, learning_rate: float | None, momentum: float,
                  start: np.ndarray | None, steps: int) -> DescentStory:
    """Run the optimiser on ``surface`` from ``start`` and compute every later beat's runs.

    Raises
    ------
    ParameterError
        ``momentum`` not below 1, or ``start`` outside the surface's plotting window.
    """
    if not 0.0 <= momentum < 1.0:
        raise ParameterError("momentum", f"must be in [0, 1), got {params.show_number(momentum)}")
    if start is None:  # each named surface has a start that shows its shape; a typed one starts here
        start = np.asarray(surface.named.start if surface.named is not None else EXPRESSION_START, dtype=float)
    start = np.asarray(start, dtype=float)
    if start.shape != (2,) or not np.all(np.isfinite(start)):
        raise ParameterError("start", "must be two finite numbers [w1, w2]")
    if not surface.in_window(start):
        raise ParameterError("start", f"[{start[0]:g}, {start[1]:g}] is outside the plotting window of "
                                      f"{surface.name} ({window_text(surface.window, VARIABLES)})")
    start_loss = float(surface(start[0], start[1]))
    gradient = surface.grad(start)
    if not (math.isfinite(start_loss) and np.all(np.isfinite(gradient))):
        raise ParameterError("start", f"the loss or its gradient is not finite at [{start[0]:g}, {start[1]:g}]")

    surface = _window_with_room(surface, start, gradient)
    view = view_of(surface)
    if learning_rate is None:
        learning_rate = auto_learning_rate(surface, view)
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise ParameterError("learning_rate", f"must be a finite number greater than 0, got {learning_rate:g}")
    run = run_descent(surface, start, optimizer=optimizer, learning_rate=learning_rate, momentum=momentum, steps=steps)
    step = run.path[1, :2] - start if run.steps_taken >= 1 else np.zeros(2)

    # Regimes need a convex quadratic: the user's surface if it is one, else the bowl.
    convex = view.is_quadratic and view.hessian_eigenvalues is not None and view.hessian_eigenvalues[0] > 0
    if convex:
        regimes_view, regimes_start = view, start
    else:
        regimes_view = view_of(parse_surface("bowl"))
        regimes_start = np.array(SURFACES["bowl"].start)
    lam_min, lam_max = _eigenvalues(regimes_view)
    bound = _stability_bound(regimes_view)
    good = min(2.0 / (lam_min + lam_max), 0.9 * bound)
    regimes = tuple(
        Regime(label, eta, eta / bound,
               run_descent(regimes_view.surface, regimes_start, optimizer="gd", learning_rate=eta, steps=steps))
        for label, eta in (("too small", REGIME_SMALL * bound), ("good", good), ("too large", REGIME_LARGE * bound))
    )

    ravine_view = view_of(parse_surface("ravine"))
    ravine_eta = RAVINE_FRACTION * _stability_bound(ravine_view)
    ravine_start = SURFACES["ravine"].start
    ravine_gd = run_descent(ravine_view.surface, ravine_start, optimizer="gd", learning_rate=ravine_eta, steps=steps)
    ravine_mom = run_descent(ravine_view.surface, ravine_start, optimizer="momentum", learning_rate=ravine_eta,
                             momentum=momentum, steps=steps)

    two_view = view_of(parse_surface("two-minima"))
    first, second = (
        run_descent(two_view.surface, s, optimizer="gd", learning_rate=TWO_MINIMA_LEARNING_RATE, steps=steps)
        for s in TWO_MINIMA_STARTS
    )

    return DescentStory(
        view=view,
        run=run,
        momentum=float(momentum),
        steps=int(steps),
        start_loss=start_loss,
        gradient_at_start=(float(gradient[0]), float(gradient[1])),
        step_at_start=(float(step[0]), float(step[1])),
        gradient_arrow_scale=_gradient_arrow_scale(gradient, surface.window, start),
        learning_rate_over_bound=None if view.stability_bound is None else learning_rate / view.stability_bound,
        regimes_view=regimes_view,
        regimes=regimes,
        ravine_view=ravine_view,
        ravine_gd=ravine_gd,
        ravine_momentum_run=ravine_mom,
        two_minima_view=two_view,
        two_minima_runs=(first, second),
        start_contour=contour_lines(surface, start_loss),
    )


#: Found through the entry point ``gradient_descent`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="gradient_descent",
    title="Gradient descent on a loss surface",
    teaches=(
        "Iterates w - eta * grad L(w) roll downhill; the learning rate's stability bound 2/lambda_max; "
        "momentum in a ravine."
    ),
    story=descent_story,
    params=PARAMS,
    scene="mathviz_scenes.gradient_descent:LossSurfaceDescent",
)
