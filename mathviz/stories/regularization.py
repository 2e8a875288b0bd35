"""Why L1 gives sparse weights and L2 shrinks them: the numbers of ``regularization``.

The loss is a quadratic bowl around its unregularised minimiser ``w*``:

    L(w) = (w - w*)^T H (w - w*),        H symmetric positive definite (2 x 2),

whose contours are ellipses centred on ``w*`` with semi-axes ``sqrt(c / mu_k)``
along the eigenvectors of H (eigenvalues ``mu_k``). A penalty is added:

    L2:  L(w) + lam ||w||_2^2     ->  w = (H + lam I)^{-1} H w*   (closed form),
    L1:  L(w) + lam ||w||_1       ->  w from the active set that satisfies the optimality conditions.

The regularised minimiser ``w_lam`` is also the minimiser of L on the ball
``||w|| <= ||w_lam||`` of that penalty's norm (a Lagrange multiplier): the
smallest contour of L that reaches the ball touches it at ``w_lam``. The L1
ball is a diamond with corners on the axes, so the touching point is often a
corner: a weight exactly 0. The L2 ball is a disc, without corners: weights
shrink towards 0 but do not reach it.

L1 is solved exactly. With the active set A (the nonzero weights) and their
signs s, stationarity ``2 (H (w - w*))_A + lam s = 0`` gives
``w_A = H_AA^{-1} ((H w*)_A - lam s / 2)``; the solution is the candidate
whose signs agree with s and whose inactive gradients satisfy
``|2 (H (w - w*))_j| <= lam``. For diagonal H this is soft-thresholding:
``w_i = sign(w*_i) max(|w*_i| - lam / (2 H_ii), 0)``, zero from
``lam = 2 H_ii |w*_i|`` on. The path is piecewise linear in lam; its knots
are among the lam where some candidate's weight crosses 0 or an inactive
gradient reaches +-lam, so ``zero_at`` (the lam from which a weight stays
exactly 0) is read off the path between those knots. Beyond
``lam_max = 2 ||H w*||_inf`` both weights are 0.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from mathviz.explainer import Explainer
from mathviz.params import Param, ParameterError, choice, matrix, number, vector
from mathviz.story import Story
from mathviz.view import nice_step

__all__ = [
    "EXPLAINER",
    "PENALTIES",
    "MAX_ENTRY",
    "MAX_CONDITION",
    "MIN_OPTIMUM",
    "MIN_EIGENVALUE",
    "MAX_LAM",
    "PATH_STEPS",
    "L2_PATH_SCALE",
    "L1_PATH_MARGIN",
    "CONTOUR_FRACTIONS",
    "VIEW_MARGIN",
    "CORNER_POSITION",
    "loss",
    "penalty_value",
    "norm_of",
    "l2_solution",
    "l1_solution",
    "l1_knots",
    "PathPoint",
    "PenaltyRun",
    "Corner",
    "RegularizationStory",
    "regularization_story",
    "PARAMS",
]

PENALTIES = ("l1", "l2")
#: Largest |entry| of the optimum and the Hessian; keeps every number on screen short.
MAX_ENTRY = 1000.0
#: Smallest largest-|entry| of w* accepted: a view narrower than about 1e-3 prints as zeros.
MIN_OPTIMUM = 1e-3
#: Smallest eigenvalue of H accepted: flatter bowls give levels and lams that print as zeros.
MIN_EIGENVALUE = 1e-6
#: Largest condition number of H accepted: beyond it the contours are needles, not ellipses.
MAX_CONDITION = 1000.0
#: Largest lam accepted.
MAX_LAM = 1e6
#: Evenly spaced lam on each path (the L1 path's knots are added to them).
PATH_STEPS = 48
#: The L2 path runs to lam = L2_PATH_SCALE * (largest eigenvalue of H): every weight shrunk to 1/5 or less.
L2_PATH_SCALE = 4.0
#: The L1 path runs a little past lam_max, where both weights are 0.
L1_PATH_MARGIN = 1.25
#: Where in the first lam-stretch with exactly one zero weight the corner beat is shown (0 = its start).
CORNER_POSITION = 0.25
#: The view's half-width is at least this times the largest |w*_i|.
VIEW_MARGIN = 1.3
#: Contours drawn at these fractions of L(0), the level of the contour through the origin.
CONTOUR_FRACTIONS = (1 / 16, 1 / 4, 9 / 16, 1.0, 25 / 16, 9 / 4)

# Relative slack of the optimality checks, for rounding in the active-set solutions: a weight within
# about 1e-12 of the scale of H w* of a knot may come out as exactly 0 a hair early.
_KKT_TOLERANCE = 1e-12


def loss(w: np.ndarray, optimum: np.ndarray, hessian: np.ndarray) -> float:
    """``L(w) = (w - w*)^T H (w - w*)``."""
    d = np.asarray(w, dtype=float) - optimum
    return float(d @ hessian @ d)


def norm_of(w: np.ndarray, penalty: str) -> float:
    """The norm whose ball the penalty draws: ``||w||_1`` for L1, ``||w||_2`` for L2."""
    return float(np.sum(np.abs(w))) if penalty == "l1" else float(np.hypot(*w))


def penalty_value(w: np.ndarray, penalty: str, lam: float) -> float:
    """``lam ||w||_1`` (L1) or ``lam ||w||_2^2`` (L2)."""
    w = np.asarray(w, dtype=float)
    return lam * (float(np.sum(np.abs(w))) if penalty == "l1" else float(w @ w))


def l2_solution(optimum: np.ndarray, hessian: np.ndarray, lam: float) -> np.ndarray:
    """Ridge: ``w = (H + lam I)^{-1} H w*``, from ``2 H (w - w*) + 2 lam w = 0``."""
    return np.linalg.solve(hessian + lam * np.eye(2), hessian @ optimum)


def _l1_candidates(optimum: np.ndarray, hessian: np.ndarray, lam: float):
    """Every active set (fewest nonzero weights first) and sign pattern with its stationary point."""
    v = hessian @ optimum
    for active in ((), (0,), (1,), (0, 1)):
        for signs in itertools.product((-1.0, 1.0), repeat=len(active)):
            w = np.zeros(2)
            if active:
                idx = list(active)
                s = np.array(signs)
                w[idx] = np.linalg.solve(hessian[np.ix_(idx, idx)], v[idx] - lam * s / 2.0)
            yield active, np.array(signs), w


def l1_solution(optimum: np.ndarray, hessian: np.ndarray, lam: float) -> np.ndarray:
    """Lasso: the minimiser of ``L(w) + lam ||w||_1``, with its zero weights exactly 0.

    The active set whose stationary point has the assumed signs (``s_i w_i >= 0``)
    and whose inactive weights' gradients are at most ``lam`` in size. Sets with
    fewer nonzero weights are tried first, so at a knot (where two sets give the
    same point) the weight that is 0 comes out as exactly 0.
    """
    scale = 2.0 * float(np.max(np.abs(hessian @ optimum))) + lam
    fallback, fallback_value = None, math.inf
    for active, signs, w in _l1_candidates(optimum, hessian, lam):
        if np.any(signs * w[list(active)] < 0):
            continue
        # a sign-consistent candidate's objective is the true objective there: keep the best, in case
        # rounding fails every optimality check at a knot
        value = loss(w, optimum, hessian) + penalty_value(w, "l1", lam)
        if value < fallback_value:
            fallback, fallback_value = w, value
        inactive = [j for j in (0, 1) if j not in active]
        gradient = 2.0 * hessian @ (w - optimum)
        if all(abs(gradient[j]) <= lam + _KKT_TOLERANCE * scale for j in inactive):
            return w
    assert fallback is not None  # the all-zero candidate is always sign-consistent
    return fallback


def l1_knots(optimum: np.ndarray, hessian: np.ndarray) -> np.ndarray:
    """Every lam > 0 where the L1 path may bend (sorted): the path is linear between consecutive ones.

    For each active set and sign pattern: where a nonzero weight crosses 0, and where an inactive
    weight's gradient ``2 (H (w - w*))_j`` reaches ``+-lam``. The true knots are among these.
    """
    v = hessian @ optimum
    knots: list[float] = []
    # no weight active: the gradient at 0 is -2 H w*, reaching +-lam at lam = 2 |v_j|
    knots.extend(2.0 * np.abs(v))
    for i in (0, 1):
        j = 1 - i
        for s in (-1.0, 1.0):
            # w_i(lam) = (v_i - lam s / 2) / H_ii: zero at lam = 2 s v_i
            knots.append(2.0 * s * v[i])
            # gradient_j(lam) = 2 (H_ji w_i(lam) - v_j) = alpha + beta lam; equal to +-lam
            alpha = 2.0 * (hessian[j, i] * v[i] / hessian[i, i] - v[j])
            beta = -hessian[j, i] * s / hessian[i, i]
            for sign in (-1.0, 1.0):
                if sign - beta != 0:
                    knots.append(alpha / (sign - beta))
    inverse = np.linalg.inv(hessian)
    for signs in itertools.product((-1.0, 1.0), repeat=2):
        # both active: w(lam) = w* - (lam / 2) H^{-1} s, weight i zero at lam = 2 w*_i / (H^{-1} s)_i
        direction = inverse @ np.array(signs)
        for i in (0, 1):
            if direction[i] != 0:
                knots.append(2.0 * optimum[i] / direction[i])
    values = np.array([k for k in knots if math.isfinite(k) and k > 0], dtype=float)
    return np.unique(values)


@dataclass(frozen=True)
class PathPoint:
    """The regularised minimiser ``w`` at one ``lam``."""

    lam: float
    w: np.ndarray


@dataclass(frozen=True)
class PenaltyRun:
    """One penalty's answers: the minimiser at ``lam``, the path over lam, and where weights become exactly 0.

    ``ball_radius`` is the solution's norm (the ball the contour touches) and ``touch_level`` the
    loss there (the level of the touching contour). ``zero_at[i]`` is the lam from which weight i
    stays exactly 0 (L1), or null when it never does (L2 only shrinks; 0 for a weight that is 0 throughout).
    """

    penalty: str
    lam: float
    solution: np.ndarray
    exact_zeros: tuple[bool, bool]
    loss: float
    penalty_value: float
    objective: float
    ball_radius: float
    touch_level: float
    path_end: float
    path: tuple[PathPoint, ...]
    zero_at: tuple[float | None, float | None]


@dataclass(frozen=True)
class Corner:
    """An L1 solution on a corner of its diamond: weight ``zero_index`` exactly 0, the other not."""

    lam: float
    w: np.ndarray
    zero_index: int
    ball_radius: float
    touch_level: float


@dataclass(frozen=True)
class RegularizationStory(Story):
    """Everything the regularization video shows.

    The loss: ``optimum`` w*, ``hessian`` H, its ``eigenvalues`` and ``ellipse_axes`` (the contour
    at level c is ``w* + sqrt(c) (cos t a_1 + sin t a_2)``), the ``contour_levels`` drawn and the
    view (``view_radius``, ``grid_step``). The chosen ``penalty`` at ``lam``: ``solution``,
    ``path`` and ``zero_at`` (also in ``run`` with the ball and touching contour); the other
    penalty's answers in ``other``; ``lam_max`` from which L1 gives w = 0; and an L1 ``corner``
    (null when no lam leaves exactly one weight at 0).
    """

    optimum: np.ndarray
    hessian: np.ndarray
    penalty: str
    lam: float
    solution: np.ndarray
    path: tuple[PathPoint, ...]
    zero_at: tuple[float | None, float | None]
    run: PenaltyRun
    other: PenaltyRun
    lam_max: float
    corner: Corner | None
    eigenvalues: np.ndarray
    ellipse_axes: np.ndarray
    contour_levels: tuple[float, ...]
    loss_at_origin: float
    view_radius: float
    grid_step: float

    def runs(self) -> dict[str, PenaltyRun]:
        """Both penalties' runs by name (``"l1"``, ``"l2"``)."""
        return {self.run.penalty: self.run, self.other.penalty: self.other}


def _solve(penalty: str, optimum: np.ndarray, hessian: np.ndarray, lam: float) -> np.ndarray:
    return l1_solution(optimum, hessian, lam) if penalty == "l1" else l2_solution(optimum, hessian, lam)


def _zero_at(penalty: str, optimum: np.ndarray, hessian: np.ndarray, knots: np.ndarray) -> tuple[float | None, float | None]:
    if penalty == "l2":
        # (H + lam I)^{-1} H w* has component i proportional to (h_jj + lam) v_i - h_ij v_j: zero for every
        # lam only if v_i = 0 and h_ij v_j = 0; otherwise it vanishes at one lam at most, never from some lam on
        v = hessian @ optimum
        result: list[float | None] = []
        for i in (0, 1):
            j = 1 - i
            result.append(0.0 if v[i] == 0 and hessian[i, j] * v[j] == 0 else None)
        return result[0], result[1]
    edges = np.concatenate([[0.0], knots])
    ends = np.concatenate([knots, [knots[-1] + 1.0 if knots.size else 1.0]])
    zero_from = [0.0, 0.0]
    for lo, hi in zip(edges, ends):
        w = l1_solution(optimum, hessian, 0.5 * (lo + hi))
        for i in (0, 1):
            if w[i] != 0:
                zero_from[i] = float(hi)
    return zero_from[0], zero_from[1]


def _run(penalty: str, optimum: np.ndarray, hessian: np.ndarray, lam: float, lam_max: float, knots: np.ndarray,
         chosen: bool) -> PenaltyRun:
    solution = _solve(penalty, optimum, hessian, lam)
    if penalty == "l1":
        base = L1_PATH_MARGIN * lam_max
    else:
        base = L2_PATH_SCALE * float(np.max(np.linalg.eigvalsh(hessian)))
    end = max(base, lam) if chosen else base
    lams = np.linspace(0.0, end, PATH_STEPS + 1)
    extra = [k for k in knots if k < end] if penalty == "l1" else []
    if chosen:
        extra.append(lam)
    extra_lams = np.array(extra, dtype=float)
    # a grid value a rounding error away from lam or a knot would be a second, equal point of the path
    near = np.array([bool(extra_lams.size) and float(np.min(np.abs(extra_lams - t))) <= 1e-9 * end for t in lams])
    lams = np.unique(np.concatenate([lams[~near], extra_lams]))
    path = tuple(PathPoint(lam=float(t), w=_solve(penalty, optimum, hessian, float(t))) for t in lams)
    loss_value = loss(solution, optimum, hessian)
    pen = penalty_value(solution, penalty, lam)
    return PenaltyRun(
        penalty=penalty,
        lam=lam,
        solution=solution,
        exact_zeros=(bool(solution[0] == 0), bool(solution[1] == 0)),
        loss=loss_value,
        penalty_value=pen,
        objective=loss_value + pen,
        ball_radius=norm_of(solution, penalty),
        touch_level=loss_value,
        path_end=float(end),
        path=path,
        zero_at=_zero_at(penalty, optimum, hessian, knots),
    )


def _corner(optimum: np.ndarray, hessian: np.ndarray, lam: float, knots: np.ndarray) -> Corner | None:
    """An lam where L1 zeroes exactly one weight: ``lam`` if it does (and is > 0), else a quarter into the first such stretch.

    The diamond shrinks to 0 across the stretch, so early in it the corner is large enough to see.
    """

    def corner_at(t: float) -> Corner | None:
        w = l1_solution(optimum, hessian, t)
        zeros = [i for i in (0, 1) if w[i] == 0]
        if len(zeros) != 1:
            return None
        return Corner(lam=t, w=w, zero_index=zeros[0], ball_radius=norm_of(w, "l1"),
                      touch_level=loss(w, optimum, hessian))

    # lam = 0 leaves w* itself, which is no penalty's doing even when w* lies on an axis
    found = corner_at(lam) if lam > 0 else None
    if found is not None:
        return found
    edges = np.concatenate([[0.0], knots])
    ends = np.concatenate([knots, [math.inf]])
    start: float | None = None
    for lo, hi in zip(edges, ends):
        # past the last knot both weights are 0: that closes an open stretch
        one_zero = corner_at(0.5 * (lo + hi) if math.isfinite(hi) else lo + 1.0) is not None
        if one_zero and start is None:
            start = float(lo)
        elif not one_zero and start is not None:
            return corner_at(start + CORNER_POSITION * (float(lo) - start))
    return None


def _check_hessian(hessian: np.ndarray) -> np.ndarray:
    scale = max(1.0, float(np.max(np.abs(hessian))))
    if abs(hessian[0, 1] - hessian[1, 0]) > 1e-9 * scale:
        raise ParameterError("hessian", f"must be symmetric; h12 = {hessian[0, 1]:g} but h21 = {hessian[1, 0]:g}")
    hessian = 0.5 * (hessian + hessian.T)
    eigenvalues = np.linalg.eigvalsh(hessian)
    if eigenvalues[0] <= 0:
        raise ParameterError("hessian", f"must be positive definite (a bowl); its eigenvalues are "
                                        f"{eigenvalues[0]:.3g} and {eigenvalues[1]:.3g}")
    if eigenvalues[0] < MIN_EIGENVALUE:
        raise ParameterError("hessian", f"is too flat to draw: its smallest eigenvalue {eigenvalues[0]:.3g} is below "
                                        f"{MIN_EIGENVALUE:g}")
    if eigenvalues[1] > MAX_CONDITION * eigenvalues[0]:
        raise ParameterError("hessian", f"is too elongated to draw: its eigenvalues {eigenvalues[0]:.3g} and "
                                        f"{eigenvalues[1]:.3g} differ by more than {MAX_CONDITION:g} times")
    return hessian


def regularization_story(optimum: np.ndarray, hessian: np.ndarray, penalty: str, lam: float) -> RegularizationStory:
    """The regularised minimiser of ``(w - w*)^T H (w - w*)`` plus the penalty at ``lam``, both paths, and a corner.

    Raises ParameterError for an H that is not symmetric positive definite (or too elongated to draw)
    and for ``w* = 0`` (then 0 is the answer for every lam and penalty: nothing to show).
    """
    optimum = np.asarray(optimum, dtype=float)
    hessian = _check_hessian(np.asarray(hessian, dtype=float))
    if not np.any(optimum):
        raise ParameterError("optimum", "must not be the origin: w = 0 would then be the answer for every lam")
    if float(np.max(np.abs(optimum))) < MIN_OPTIMUM:
        raise ParameterError("optimum", f"is too close to the origin to draw: give an entry of size at least {MIN_OPTIMUM:g}")
    lam_max = 2.0 * float(np.max(np.abs(hessian @ optimum)))
    knots = l1_knots(optimum, hessian)
    other_penalty = "l2" if penalty == "l1" else "l1"
    run = _run(penalty, optimum, hessian, lam, lam_max, knots, chosen=True)
    other = _run(other_penalty, optimum, hessian, lam, lam_max, knots, chosen=False)

    eigenvalues, eigenvectors = np.linalg.eigh(hessian)
    axes = (eigenvectors / np.sqrt(eigenvalues)).T  # row k: semi-axis of the level-1 contour along eigenvector k
    at_origin = loss(np.zeros(2), optimum, hessian)
    levels = tuple(float(at_origin * f) for f in CONTOUR_FRACTIONS)
    # The view holds w* and the origin with a margin; larger contours run off it (the scene clips them).
    radius_needed = VIEW_MARGIN * float(np.max(np.abs(optimum)))
    step = nice_step(radius_needed / 3.0)
    view_radius = step * math.ceil(radius_needed / step - 1e-9)
    return RegularizationStory(
        optimum=optimum,
        hessian=hessian,
        penalty=penalty,
        lam=lam,
        solution=run.solution,
        path=run.path,
        zero_at=run.zero_at,
        run=run,
        other=other,
        lam_max=lam_max,
        corner=_corner(optimum, hessian, lam, knots),
        eigenvalues=eigenvalues,
        ellipse_axes=axes,
        contour_levels=levels,
        loss_at_origin=at_origin,
        view_radius=view_radius,
        grid_step=step,
    )


PARAMS: tuple[Param, ...] = (
    Param("optimum", "[2, 1]", "the unregularised minimiser w* = [w1, w2] (not the origin)",
          vector("optimum", length=2, max_length=2, max_abs=MAX_ENTRY)),
    Param("hessian", "[[1.5, 0.5], [0.5, 1]]", "H of the loss (w - w*)^T H (w - w*): 2x2, symmetric, positive definite",
          matrix("hessian", sizes=(2,), max_abs=MAX_ENTRY)),
    Param("penalty", "l1", "the penalty: l1 (lam ||w||_1, sparse) or l2 (lam ||w||_2^2, shrinks)",
          choice("penalty", PENALTIES)),
    Param("lam", "1", f"the penalty's weight lam (0 to {MAX_LAM:g})", number("lam", minimum=0.0, maximum=MAX_LAM)),
)


EXPLAINER = Explainer(
    name="regularization",
    title="L1 makes weights sparse, L2 shrinks them",
    teaches=(
        "The regularised minimiser is where a contour of the loss first touches the penalty's ball: the L1 diamond "
        "is touched at a corner (a weight exactly 0), the L2 disc is not; the solution paths as lambda grows."
    ),
    story=regularization_story,
    params=PARAMS,
    scene="mathviz_scenes.regularization:PenaltyBalls",
)
