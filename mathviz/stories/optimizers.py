"""SGD, momentum, RMSProp and Adam side by side: the numbers behind the ``optimizers`` explainer.

The loss surface L(w1, w2) is the ``gradient_descent`` explainer's (one of its
named teaching surfaces or an expression in ``w1, w2``, parsed and
differentiated by :func:`mathviz.stories.gradient_descent.parse_surface`), so
both videos walk the same surfaces with the same exact gradients.

A minibatch gradient is imitated by noise: at step k every optimiser sees

    g~_k = grad L(w_k) + sigma xi_k,    xi_k ~ N(0, I) drawn once from ``seed``,

the *same* xi_k for every optimiser (common random numbers), so the runs
differ only in how they use their gradients; ``sigma = 0`` is full batch.
With ``eta`` the shared learning rate the four update rules are (state
starts at zero, k counts from 0):

* ``sgd``:      w <- w - eta g~
* ``momentum``: v <- beta v + (1 - beta) g~,  w <- w - eta v
  (the exponential-average form, beta = :data:`MOMENTUM`; see below)
* ``rmsprop``:  s <- rho s + (1 - rho) g~^2,  w <- w - eta g~ / (sqrt(s) + eps)
  (PyTorch's RMSprop, rho = :data:`RMSPROP_RHO`; no bias correction, so its
  first step is eta / sqrt(1 - rho) per coordinate)
* ``adam``:     m <- b1 m + (1 - b1) g~,  s <- b2 s + (1 - b2) g~^2,
  w <- w - eta m^ / (sqrt(s^) + eps),  m^ = m / (1 - b1^(k+1)),  s^ = s / (1 - b2^(k+1))

Momentum is written as an exponential moving average of the gradients (as in
Ng's deep-learning course, and Adam's first moment without its bias
correction), not as PyTorch's heavy ball v <- beta v + g: with one shared eta
the heavy ball takes steps 1 / (1 - beta) = 10 times SGD's and overshoots
where SGD is stable, while the average keeps SGD's long-run step and only
shrinks the noise's variance, by (1 - beta) / (1 + beta). Its first steps are
short (v starts at 0): the bias that Adam's correction removes.

Adam's bias corrections make m^ = g~ and s^ = g~^2 at the first step, so its
first step is eta g~_i / (|g~_i| + eps): size eta in every coordinate whatever
the gradient's size (:func:`adam_first_step`). RMSProp and Adam divide each
coordinate by its own running root mean square, so a ravine's steep and flat
directions get steps of the same size.

The saddle beat runs the four optimisers without noise on the ``two-minima``
surface from just beside its saddle's stable direction: plain descent's
offset along the escape direction grows only by a factor (1 + eta |lambda|)
per step, while the adaptive methods take an eta-sized step at once.

Overflow and NaN are results (a run ``diverged``), never exceptions.
:func:`optimizers_story` computes everything the scene shows as one frozen
:class:`OptimizersStory`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from mathviz import params
from mathviz.explainer import Explainer
from mathviz.params import Param, ParameterError
from mathviz.stories.gradient_descent import (
    DIVERGENCE_FACTOR,
    EXPRESSION_START,
    SURFACES,
    VARIABLES,
    LossSurface,
    SurfaceView,
    auto_learning_rate,
    parse_learning_rate,
    parse_start,
    parse_surface,
    view_of,
)
from mathviz.story import Story
from mathviz.surface import Window, window_text
from mathviz.view import nice_step

__all__ = [
    "EXPLAINER",
    "OPTIMIZERS",
    "LABELS",
    "MOMENTUM",
    "RMSPROP_RHO",
    "ADAM_BETA1",
    "ADAM_BETA2",
    "EPS",
    "SADDLE_SURFACE",
    "ESCAPE_DISTANCE",
    "ARROW_FRACTION",
    "NOISE_SAMPLES",
    "MAX_NOISE",
    "OptimizerRun",
    "SaddleEscape",
    "OptimizersStory",
    "PARAMS",
    "update",
    "adam_first_step",
    "gradient_noise",
    "run_optimizer",
    "saddle_escape",
    "optimizers_story",
]

#: The four optimisers, in the order they are introduced.
OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "rmsprop", "adam")
#: How the video names them.
LABELS: dict[str, str] = {"sgd": "SGD", "momentum": "momentum", "rmsprop": "RMSProp", "adam": "Adam"}
#: Momentum's memory beta (v = beta v + (1 - beta) g).
MOMENTUM = 0.9
#: RMSProp's decay rho of the running mean square (Hinton's lecture value; Keras' default).
RMSPROP_RHO = 0.9
#: Adam's decays of the running mean and mean square, and the eps all adaptive methods add.
ADAM_BETA1 = 0.9
ADAM_BETA2 = 0.999
EPS = 1e-8
#: The saddle beat's surface, and how far along the saddle's escape direction counts as escaped.
SADDLE_SURFACE = "two-minima"
ESCAPE_DISTANCE = 0.5
#: The saddle beat's start: this far along the saddle's stable direction and a hair along the escape one.
SADDLE_STABLE_OFFSET = 1.5
SADDLE_ESCAPE_OFFSET = 1e-6
#: Noisy gradients drawn at the start in the first beat (a fan of minibatch gradients).
NOISE_SAMPLES = 8
#: Largest batch_noise accepted: beyond it the noise is all one sees.
MAX_NOISE = 1e3
#: The drawn arrows (gradient x arrow_scale) are at most this fraction of the window's smaller side.
ARROW_FRACTION = 0.5


# --- the update rules -------------------------------------------------------------------------


def update(name: str, g: np.ndarray, state: tuple[np.ndarray, np.ndarray], k: int,
           learning_rate: float) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], np.ndarray]:
    """One step of optimiser ``name`` at step ``k`` (from 0) with gradient ``g``.

    ``state`` is ``(first, second)``: momentum's velocity v or Adam's m, and the
    running mean square s of RMSProp and Adam (zeros at the start). Returns
    ``(step, new_state, scale)``: the iterate moves by ``-step`` and ``scale``
    is the per-coordinate factor multiplying the gradient (or Adam's m^), eta
    for SGD and momentum, eta / (sqrt(s) + eps) for the adaptive methods.
    """
    first, second = state
    if name == "sgd":
        scale = np.full(2, learning_rate)
        return scale * g, state, scale
    if name == "momentum":
        first = MOMENTUM * first + (1 - MOMENTUM) * g
        scale = np.full(2, learning_rate)
        return scale * first, (first, second), scale
    if name == "rmsprop":
        second = RMSPROP_RHO * second + (1 - RMSPROP_RHO) * g * g
        scale = learning_rate / (np.sqrt(second) + EPS)
        return scale * g, (first, second), scale
    if name == "adam":
        first = ADAM_BETA1 * first + (1 - ADAM_BETA1) * g
        second = ADAM_BETA2 * second + (1 - ADAM_BETA2) * g * g
        m_hat = first / (1 - ADAM_BETA1 ** (k + 1))
        s_hat = second / (1 - ADAM_BETA2 ** (k + 1))
        scale = learning_rate / (np.sqrt(s_hat) + EPS)
        return scale * m_hat, (first, second), scale
    raise ValueError(f"unknown optimizer {name!r}")


def adam_first_step(g: np.ndarray, learning_rate: float) -> np.ndarray:
    """Adam's first step in closed form: eta g_i / (|g_i| + eps), of size eta (to eps) in each coordinate.

    At k = 0, m = (1 - b1) g and s = (1 - b2) g^2, and the bias corrections
    divide them by exactly (1 - b1) and (1 - b2): m^ = g, s^ = g^2.
    """
    g = np.asarray(g, dtype=float)
    return learning_rate * g / (np.abs(g) + EPS)


def gradient_noise(batch_noise: float, steps: int, seed: int) -> np.ndarray:
    """The noise sigma xi_k added to the gradient at steps k = 0 .. steps - 1 (a steps x 2 array)."""
    return batch_noise * np.random.default_rng(seed).standard_normal((steps, 2))


# --- one run ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptimizerRun:
    """One optimiser's run: ``path[k] = [w1, w2, L(w)]`` of iterate k (k = 0 is the start).

    A diverged run ends with the first non-finite or runaway iterate
    (``diverged_at`` is its index); ``left_window_at`` is the first iterate
    outside the plotting window (the scene draws the path up to the edge).
    ``first_step`` is w_1 - w_0; ``path_length`` the distance travelled inside
    the window (the zigzag of noisy steps makes it long).
    """

    name: str
    label: str
    learning_rate: float
    path: np.ndarray
    final_loss: float
    steps_taken: int
    diverged: bool
    diverged_at: int | None
    left_window_at: int | None
    first_step: tuple[float, float]
    path_length: float
    #: The gradients the optimiser used (true + noise), one per step taken.
    gradients: np.ndarray = field(repr=False)
    #: The per-coordinate factors on the gradient (see :func:`update`), one per step taken.
    scales: np.ndarray = field(repr=False)


def run_optimizer(surface: LossSurface, start: Sequence[float] | np.ndarray, *, name: str, learning_rate: float, steps: int,
                  noise: np.ndarray, loss_range: tuple[float, float]) -> OptimizerRun:
    """Iterate optimiser ``name`` from ``start`` for ``steps`` steps on gradients ``grad L + noise[k]``.

    No early stop for convergence: noisy iterates never settle, and the runs
    are compared after the same number of steps. Stops when an iterate, its
    loss or its gradient is not finite, the loss leaves the window's loss range
    by more than :data:`~mathviz.stories.gradient_descent.DIVERGENCE_FACTOR`
    times its width, or an iterate is as many window diagonals from its centre.
    """
    (a, b), (c, d) = surface.window
    centre = np.array([(a + b) / 2, (c + d) / 2])
    diagonal = math.hypot(b - a, d - c)
    low, high = loss_range
    span = high - low

    def runaway(point: np.ndarray, loss: float) -> bool:
        if not (np.all(np.isfinite(point)) and math.isfinite(loss)):
            return True
        if span > 0 and not low - DIVERGENCE_FACTOR * span <= loss <= high + DIVERGENCE_FACTOR * span:
            return True
        return bool(np.linalg.norm(point - centre) > DIVERGENCE_FACTOR * diagonal)

    w = np.array(start, dtype=float)
    state = (np.zeros(2), np.zeros(2))
    points, losses, used, scales = [w.copy()], [float(surface(w[0], w[1]))], [], []
    diverged_at = None
    with np.errstate(all="ignore"):
        for k in range(steps):
            g = surface.grad(w) + noise[k]
            if not np.all(np.isfinite(g)):
                diverged_at = k
                break
            step, state, scale = update(name, g, state, k, learning_rate)
            w = w - step
            loss = float(surface(w[0], w[1])) if np.all(np.isfinite(w)) else math.nan
            used.append(g)
            scales.append(scale)
            points.append(w.copy())
            losses.append(loss)
            if runaway(w, loss):
                diverged_at = k + 1
                break
    pts = np.array(points)
    path = np.column_stack([pts, losses])
    left = next((k for k, p in enumerate(pts) if not (np.all(np.isfinite(p)) and surface.in_window(p))), None)
    inside = pts[: left if left is not None else len(pts)]
    length = float(np.sum(np.linalg.norm(np.diff(inside, axis=0), axis=1))) if len(inside) > 1 else 0.0
    with np.errstate(all="ignore"):  # a runaway last iterate may be ~1e308 from the start
        first = pts[1] - pts[0] if len(pts) > 1 else np.zeros(2)
    gradients = np.array(used).reshape(-1, 2)
    scale_arr = np.array(scales).reshape(-1, 2)
    for arr in (path, gradients, scale_arr):
        arr.setflags(write=False)
    return OptimizerRun(
        name=name,
        label=LABELS[name],
        learning_rate=float(learning_rate),
        path=path,
        final_loss=float(losses[-1]),
        steps_taken=len(pts) - 1,
        diverged=diverged_at is not None,
        diverged_at=diverged_at,
        left_window_at=left,
        first_step=(float(first[0]), float(first[1])),
        path_length=length,
        gradients=gradients,
        scales=scale_arr,
    )


# --- the saddle -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaddleEscape:
    """The four optimisers, full batch, started beside a saddle's stable direction.

    ``escape_direction`` is the Hessian's eigenvector of its negative
    eigenvalue at the saddle; ``escaped_at[i]`` is the first step at which run
    i is more than ``escape_distance`` from the saddle along it (``None``:
    not within the steps); the start is ``start_offset`` from the saddle's
    stable line along it.
    """

    surface: str
    formula: str
    window: Window
    saddle: tuple[float, float, float]
    curvatures: tuple[float, float]
    escape_direction: tuple[float, float]
    start: tuple[float, float]
    start_offset: float
    escape_distance: float
    learning_rate: float
    runs: tuple[OptimizerRun, ...]
    escaped_at: tuple[int | None, ...]
    view: SurfaceView = field(repr=False)


def saddle_escape(steps: int) -> SaddleEscape:
    """Run the four optimisers without noise from beside the saddle of :data:`SADDLE_SURFACE`."""
    surface = parse_surface(SADDLE_SURFACE)
    view = view_of(surface)
    saddle = np.array(view.saddles[0][:2])
    curvatures, vectors = np.linalg.eigh(surface.hessian_at((float(saddle[0]), float(saddle[1]))))
    escape, stable = vectors[:, 0], vectors[:, 1]
    # Orient the eigenvectors so the start lies above the saddle and to its right (a fixed, drawable start).
    escape = escape if escape[np.argmax(np.abs(escape))] > 0 else -escape
    stable = stable if stable[np.argmax(np.abs(stable))] > 0 else -stable
    start = saddle + SADDLE_STABLE_OFFSET * stable + SADDLE_ESCAPE_OFFSET * escape
    eta = SURFACES[SADDLE_SURFACE].learning_rate
    noise = np.zeros((steps, 2))
    runs = tuple(run_optimizer(surface, start, name=name, learning_rate=eta, steps=steps, noise=noise,
                               loss_range=view.loss_range) for name in OPTIMIZERS)
    escaped = []
    for run in runs:
        along = np.abs((run.path[:, :2] - saddle) @ escape)
        beyond = np.flatnonzero(along > ESCAPE_DISTANCE)
        escaped.append(int(beyond[0]) if beyond.size else None)
    return SaddleEscape(
        surface=surface.name,
        formula=surface.formula,
        window=surface.window,
        saddle=(float(saddle[0]), float(saddle[1]), float(view.saddles[0][2])),
        curvatures=(float(curvatures[0]), float(curvatures[1])),
        escape_direction=(float(escape[0]), float(escape[1])),
        start=(float(start[0]), float(start[1])),
        start_offset=SADDLE_ESCAPE_OFFSET,
        escape_distance=ESCAPE_DISTANCE,
        learning_rate=float(eta),
        runs=runs,
        escaped_at=tuple(escaped),
        view=view,
    )


# --- the story --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptimizersStory(Story):
    """The numbers of the optimizers explainer.

    ``runs`` are the four optimisers on the user's surface, all on the same
    noisy gradients; ``full_batch`` is SGD without noise (the first beat's
    reference). ``noisy_gradients`` are :data:`NOISE_SAMPLES` minibatch
    gradients at the start (the first beat's fan), drawn times ``arrow_scale``.
    """

    surface: str
    formula: str
    window: Window
    loss_range: tuple[float, float]
    start: tuple[float, float]
    start_loss: float
    learning_rate: float
    steps: int
    batch_noise: float
    seed: int
    momentum: float
    rmsprop_rho: float
    adam_betas: tuple[float, float]
    eps: float
    gradient_at_start: tuple[float, float]
    noisy_gradients: np.ndarray
    arrow_scale: float
    full_batch: OptimizerRun
    runs: tuple[OptimizerRun, ...]
    rmsprop_first_step_factor: float
    adam_first_step: tuple[float, float]
    best: str | None
    saddle: SaddleEscape
    levels: tuple[float, ...]
    view: SurfaceView = field(repr=False)
    noise: np.ndarray = field(repr=False)

    def run(self, name: str) -> OptimizerRun:
        """The run of optimiser ``name``."""
        return self.runs[OPTIMIZERS.index(name)]


def _arrow_scale(vectors: np.ndarray, window: Window) -> float:
    """A factor 1/(1, 2 or 5 x 10^k) that makes the longest of ``vectors`` 0.4 to 1 times ARROW_FRACTION x the window."""
    with np.errstate(all="ignore"):  # gradients near 1e300 overflow the norm: inf, handled below
        longest = float(np.max(np.linalg.norm(vectors, axis=1)))
    limit = ARROW_FRACTION * min(window[0][1] - window[0][0], window[1][1] - window[1][0])
    if not (math.isfinite(longest) and longest > 0):
        return 1.0
    return 1.0 / nice_step(longest / limit)


PARAMS: tuple[Param, ...] = (
    Param("surface", "bowl",
          f"loss L(w1, w2): one of {', '.join(SURFACES)} (as in gradient_descent), or an expression in w1, w2 "
          "such as w1**2 + 10*w2**2", parse_surface),
    Param("start", "auto", "starting point [w1, w2] inside the surface's plotting window; "
          "auto: the named surface's own start, [-2.5, 2] for an expression", parse_start),
    Param("learning_rate", "0.1", "step size eta > 0 shared by all four optimisers (too large diverges: that is "
          "shown, not an error); auto: the surface's own rate for plain descent, as in gradient_descent",
          parse_learning_rate),
    Param("steps", "60", "number of steps of each optimiser, 1 to 500", params.integer("steps", minimum=1, maximum=500)),
    Param("batch_noise", "0.5", "standard deviation sigma of the gradient noise that imitates a minibatch "
          f"(0 to {MAX_NOISE:g}; 0 is full batch)", params.number("batch_noise", minimum=0.0, maximum=MAX_NOISE)),
    Param("seed", "0", "seed of the gradient noise, 0 to 2**32 - 1",
          params.integer("seed", minimum=0, maximum=2**32 - 1)),
)


def optimizers_story(*, surface: LossSurface, start: np.ndarray | None, learning_rate: float | None, steps: int,
                     batch_noise: float, seed: int) -> OptimizersStory:
    """Run SGD, momentum, RMSProp and Adam on ``surface`` and the saddle beat's runs.

    Raises
    ------
    ParameterError
        ``start`` outside the surface's window or where the loss or gradient is
        not finite; ``learning_rate`` or ``batch_noise`` not a finite number in range.
    """
    # each named surface has a start that shows its shape; a typed one starts at EXPRESSION_START
    chosen = start if start is not None else surface.named.start if surface.named is not None else EXPRESSION_START
    start = np.asarray(chosen, dtype=float)
    if start.shape != (2,) or not np.all(np.isfinite(start)):
        raise ParameterError("start", "must be two finite numbers [w1, w2]")
    if not surface.in_window(start):
        raise ParameterError("start", f"[{start[0]:g}, {start[1]:g}] is outside the plotting window of "
                                      f"{surface.name} ({window_text(surface.window, VARIABLES)})")
    start_loss = float(surface(start[0], start[1]))
    with np.errstate(all="ignore"):
        gradient = surface.grad(start)
    if not (math.isfinite(start_loss) and np.all(np.isfinite(gradient))):
        raise ParameterError("start", f"the loss or its gradient is not finite at [{start[0]:g}, {start[1]:g}]")
    if not (math.isfinite(batch_noise) and 0 <= batch_noise <= MAX_NOISE):
        raise ParameterError("batch_noise", f"must be a number from 0 to {MAX_NOISE:g}, got {batch_noise:g}")

    view = view_of(surface)
    if learning_rate is None:
        learning_rate = auto_learning_rate(surface, view)
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise ParameterError("learning_rate", f"must be a finite number greater than 0, got {learning_rate:g}")

    noise = gradient_noise(batch_noise, steps, seed)
    noise.setflags(write=False)
    runs = tuple(run_optimizer(surface, start, name=name, learning_rate=learning_rate, steps=steps, noise=noise,
                               loss_range=view.loss_range) for name in OPTIMIZERS)
    full_batch = run_optimizer(surface, start, name="sgd", learning_rate=learning_rate, steps=steps,
                               noise=np.zeros((steps, 2)), loss_range=view.loss_range)
    # The fan of minibatch gradients at the start: its own stream, so the runs' noise does not depend on it.
    samples = gradient + batch_noise * np.random.default_rng([seed, 1]).standard_normal((NOISE_SAMPLES, 2))
    samples.setflags(write=False)
    arrow_scale = _arrow_scale(np.vstack([gradient, samples]), surface.window)
    finished = [r for r in runs if not r.diverged]
    best = min(finished, key=lambda r: r.final_loss).name if finished else None
    with np.errstate(all="ignore"):
        adam_first = adam_first_step(gradient + noise[0], learning_rate)

    return OptimizersStory(
        surface=surface.name,
        formula=surface.formula,
        window=surface.window,
        loss_range=view.loss_range,
        start=(float(start[0]), float(start[1])),
        start_loss=start_loss,
        learning_rate=float(learning_rate),
        steps=int(steps),
        batch_noise=float(batch_noise),
        seed=int(seed),
        momentum=MOMENTUM,
        rmsprop_rho=RMSPROP_RHO,
        adam_betas=(ADAM_BETA1, ADAM_BETA2),
        eps=EPS,
        gradient_at_start=(float(gradient[0]), float(gradient[1])),
        noisy_gradients=samples,
        arrow_scale=arrow_scale,
        full_batch=full_batch,
        runs=runs,
        rmsprop_first_step_factor=1.0 / math.sqrt(1.0 - RMSPROP_RHO),
        adam_first_step=(float(adam_first[0]), float(adam_first[1])),
        best=best,
        saddle=saddle_escape(steps),
        levels=view.levels,
        view=view,
        noise=noise,
    )


#: Found through the entry point ``optimizers`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="optimizers",
    title="SGD, momentum, RMSProp and Adam side by side",
    teaches=(
        "Noisy minibatch gradients against full batch; momentum averages the noise; RMSProp and Adam scale each "
        "coordinate, and Adam's first step is eta in each; escaping a saddle; the final losses compared."
    ),
    story=optimizers_story,
    params=PARAMS,
    scene="mathviz_scenes.optimizers:OptimizersSideBySide",
)
