"""The singular value decomposition of a 2x2 matrix, and PCA of a seeded point cloud.

The numbers behind the ``svd_pca`` explainer, in two parts.

SVD: rotate, stretch, rotate
----------------------------
Every real 2x2 matrix is ``A = U Sigma V^T`` with ``U`` and ``V`` orthogonal
and ``Sigma = diag(sigma_1, sigma_2)``, ``sigma_1 >= sigma_2 >= 0``. Acting on
the unit circle, ``V^T`` turns the right singular vectors ``v_1, v_2`` onto
the axes, ``Sigma`` stretches the axes into an ellipse with semi-axes
``sigma_1, sigma_2``, and ``U`` turns that ellipse into place:
``A v_i = sigma_i u_i``.

Signs. The columns of ``U`` and ``V`` are only fixed up to a common sign per
pair, so this module chooses them:

* ``det V = +1`` always, so ``V^T`` is a rotation, by ``-theta_V`` where
  ``theta_V`` is the angle of ``v_1``; of the two such choices the one with
  ``|theta_V| <= pi/2`` (the shorter turn) is taken.
* Then ``det U = sign(det A)``. When ``det A > 0`` (or ``det A = 0``, where
  the sign of ``u_2`` is free because ``sigma_2 = 0``), ``U = R(phi)`` is a
  rotation by the angle ``phi`` of ``u_1``. When ``det A < 0`` no choice of
  signs makes both rotations: the reflection goes into ``U``, written
  ``U = R(phi) F`` with ``F = diag(1, -1)``: flip the ellipse across the
  x-axis (where it lies after ``Sigma``), then rotate by ``phi``.

Degenerate matrices. ``sigma_2 <= ZERO_TOL sigma_1``: ``A`` is singular and
the circle collapses to a segment (``sigma_2`` is reported as 0). ``A = 0``:
a point. ``sigma_1 - sigma_2 <= REPEATED_TOL sigma_1``: ``A`` is a multiple of
an orthogonal matrix, every direction is a singular direction and the
circle stays a circle; the story then takes ``V = I`` (nothing to turn first)
and ``U = A / sigma``.

PCA: the directions of greatest variance
----------------------------------------
``count`` points ``x_i = mean + R(angle) diag(stds) z_i`` with ``z_i``
standard normal from ``numpy.random.default_rng(seed)``. Centred,
``X_c = X - xbar`` (rows are points); its SVD ``X_c = P S W^T`` gives the
principal axes (the columns ``w_1, w_2`` of ``W``), the same as the
eigenvectors of the sample covariance ``C = X_c^T X_c / (n - 1)`` with
eigenvalues ``lambda_i = s_i^2 / (n - 1)``. The variance of the projections
onto the unit direction ``d(theta)`` is
``var(theta) = d^T C d = lambda_1 cos^2(theta - theta_1) + lambda_2 sin^2(theta - theta_1)``,
largest along ``w_1``; the explained-variance ratio of the first axis is
``s_1^2 / (s_1^2 + s_2^2)``. With equal ``stds`` the population has no
preferred direction and the sample's first axis only follows sampling noise:
the story flags it (``axis_arbitrary``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mathviz.explainer import Explainer
from mathviz.params import Param, ParameterError, integer, number, vector
from mathviz.params import matrix as matrix_parser
from mathviz.story import Story

__all__ = [
    "EXPLAINER",
    "PARAMS",
    "ZERO_TOL",
    "REPEATED_TOL",
    "FIT_MARGIN",
    "CLOUD_MARGIN",
    "MAX_START_REACH",
    "ZOOM_IN_BELOW",
    "MIN_POINTS",
    "MAX_POINTS",
    "MIN_SCALE",
    "SWEEP_STEP_DEGREES",
    "rotation",
    "Step",
    "SvdView",
    "SvdPart",
    "SweepSample",
    "PcaPart",
    "SvdPcaStory",
    "decompose",
    "step_matrix",
    "principal_components",
    "directional_variance",
    "svd_pca_story",
]

#: ``sigma_2 <= ZERO_TOL sigma_1``: A is singular (rank 1) and sigma_2 is reported as 0.
ZERO_TOL = 1e-9
#: ``sigma_1 - sigma_2 <= REPEATED_TOL sigma_1``: repeated singular values (A is a scaled orthogonal matrix).
REPEATED_TOL = 1e-9
#: Room left around the largest SVD shape, as a factor of its size (the vectors' labels go past their tips).
FIT_MARGIN = 1.35
#: Room left around the point cloud, as a factor of its reach.
CLOUD_MARGIN = 1.1
#: The first view holds the unit circle and an ellipse up to this reach; a larger ellipse zooms the view out.
MAX_START_REACH = 4.0
#: An ellipse with sigma_1 below this is zoomed in on after the stretch (it would be a dot in the first view).
ZOOM_IN_BELOW = 1.0 / 3.0
#: Bounds of the number of points in the cloud (few enough to draw each one).
MIN_POINTS = 10
MAX_POINTS = 500
#: Largest standard deviation and |mean| entry of the cloud.
MAX_SPREAD = 1000.0
#: Smallest sigma_1 (of a nonzero A) and largest standard deviation that can be drawn: the view
#: zooms by at most about 1 / MIN_SCALE, beyond which plane coordinates lose their precision on screen.
MIN_SCALE = 1e-6
#: Angles of the swept direction, every this many degrees over a half turn.
SWEEP_STEP_DEGREES = 2.0
#: The centred cloud is zoomed in on when it fills less than this share of the first view.
CENTRED_ZOOM_BELOW = 0.5

PARAMS: tuple[Param, ...] = (
    Param(
        "matrix",
        "[[2, 2], [-0.5, 1]]",
        "the 2x2 matrix A = U Sigma V^T applied to the unit circle, as rows: [[a, b], [c, d]]",
        matrix_parser("matrix", sizes=(2,)),
    ),
    Param(
        "points",
        "200",
        f"number of points in the PCA cloud ({MIN_POINTS} to {MAX_POINTS})",
        integer("points", minimum=MIN_POINTS, maximum=MAX_POINTS),
    ),
    Param(
        "stds",
        "[2, 0.7]",
        "standard deviations of the cloud along its two generating axes (one may be 0; equal: no preferred axis)",
        vector("stds", length=2, max_length=2, max_abs=MAX_SPREAD),
    ),
    Param(
        "angle",
        "30",
        "direction of the cloud's first generating axis, in degrees from the x-axis",
        number("angle", minimum=-360, maximum=360),
    ),
    Param(
        "mean",
        "[2, 1.5]",
        "centre of the cloud before it is centred, [x, y]",
        vector("mean", length=2, max_length=2, max_abs=MAX_SPREAD),
    ),
    Param(
        "seed",
        "7",
        "seed of the random point cloud (numpy default_rng)",
        integer("seed", minimum=0, maximum=2**32 - 1),
    ),
)

Vector = tuple[float, float]
Matrix = tuple[Vector, Vector]


def _vec(v: np.ndarray) -> Vector:
    # + 0.0 turns -0.0 into 0.0, which JSON readers and captions would otherwise show as "-0".
    return (float(v[0]) + 0.0, float(v[1]) + 0.0)


def _mat(m: np.ndarray) -> Matrix:
    return (_vec(m[0]), _vec(m[1]))


def rotation(angle: float) -> np.ndarray:
    """The rotation ``R(angle) = [[cos, -sin], [sin, cos]]`` (counter-clockwise, radians)."""
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s], [s, c]])


FLIP = np.diag([1.0, -1.0])


# -- SVD -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One stage of ``A = U Sigma V^T`` acting on the plane: the map drawn goes from ``before`` to ``after``.

    ``kind`` is ``"rotate"`` (by ``angle`` radians: ``after = R(angle) before``),
    ``"stretch"`` (``after = diag(scales) before``) or ``"flip"``
    (``after = F before`` with ``F = diag(1, -1)``). ``name`` is the beat:
    ``"rotate-in"`` (``V^T``), ``"stretch"`` (``Sigma``), ``"flip"`` and
    ``"rotate-out"`` (the two factors of ``U``).
    """

    name: str
    kind: str
    before: Matrix
    after: Matrix
    angle: float | None
    scales: Vector | None


@dataclass(frozen=True)
class SvdView:
    """How much of the plane the SVD part shows: ``[-r, r]^2`` for the radius ``r`` in force.

    ``start_radius`` holds the unit circle and, if ``sigma_1 <= MAX_START_REACH``,
    the ellipse too. ``zoom`` is ``"out"`` (before the stretch, to
    ``end_radius``, when the ellipse would not fit), ``"in"`` (after the
    stretch, when ``sigma_1 < ZOOM_IN_BELOW`` would leave a dot) or
    ``"none"``; ``factor = end_radius / start_radius``.
    """

    start_radius: float
    end_radius: float
    zoom: str
    factor: float


@dataclass(frozen=True)
class SvdPart:
    """``A = U Sigma V^T`` with the signs of :func:`decompose`, and the stages the scene draws.

    ``right_vectors`` are ``v_1, v_2`` (columns of ``V``), ``left_vectors``
    ``u_1, u_2`` (columns of ``U``), ``images`` are ``A v_i = sigma_i u_i``.
    ``rotation_in`` is the angle ``V^T`` turns by (``-theta_V``),
    ``rotation_out`` the angle ``phi`` of ``u_1`` (``U = R(phi)`` or
    ``R(phi) F``); both also in degrees for the readouts. ``shape`` of the
    circle's image: ``"ellipse"``, ``"circle"`` (repeated singular values),
    ``"segment"`` (singular) or ``"point"`` (A = 0).
    """

    matrix: Matrix
    det: float
    U: Matrix
    sigma: Vector
    V: Matrix
    Vt: Matrix
    right_vectors: Matrix
    left_vectors: Matrix
    images: Matrix
    rotation_in: float
    rotation_out: float
    rotation_in_degrees: float
    rotation_out_degrees: float
    reflection: bool
    singular: bool
    repeated: bool
    shape: str
    steps: tuple[Step, ...]
    view: SvdView


def decompose(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """``A = U diag(sigma) V^T`` with this module's sign conventions, and the shape of the circle's image.

    ``det V = +1`` with the angle of ``v_1`` in ``(-pi/2, pi/2]``; ``det U = -1``
    only when ``det A < 0`` and ``A`` is not singular. ``sigma_2`` is set to 0
    when ``sigma_2 <= ZERO_TOL sigma_1``; for repeated singular values
    ``V = I`` and ``U`` is the orthogonal factor of ``A``.
    """
    a = np.asarray(a, dtype=float)
    u, sigma, vt = np.linalg.svd(a)
    v = vt.T.copy()
    sigma = sigma.astype(float).copy()
    top = float(sigma[0])
    if top == 0.0:
        return np.eye(2), np.zeros(2), np.eye(2), "point"
    if np.linalg.det(v) < 0:
        v[:, 1] *= -1
        u[:, 1] *= -1
    if sigma[1] <= ZERO_TOL * top:
        sigma[1] = 0.0
        shape = "segment"
        if np.linalg.det(u) < 0:
            u[:, 1] *= -1  # free: sigma_2 u_2 = 0 either way, so U can be a rotation
    elif sigma[0] - sigma[1] <= REPEATED_TOL * top:
        shape = "circle"
        # A = U S V^T with S = sigma I up to rounding: A = (U V^T) sigma, so take V = I.
        u = u @ v.T
        v = np.eye(2)
    else:
        shape = "ellipse"
    angle_v = math.atan2(v[1, 0], v[0, 0])
    if angle_v > math.pi / 2 or angle_v <= -math.pi / 2:
        v, u = -v, -u  # R(theta + pi): the same det, the shorter first turn
    return u, sigma, v, shape


def step_matrix(step: Step, t: float) -> np.ndarray:
    """The map drawn a fraction ``t`` in ``[0, 1]`` through ``step``.

    Rotations turn at a steady rate, ``R(t angle) before``; the stretch is
    ``diag(1 + t (sigma_i - 1)) before``; the flip is ``diag(1, 1 - 2t) before``
    (a reflection cannot be reached by turning, so the ellipse passes through
    flat). ``t >= 1`` gives ``after`` itself.
    """
    before = np.array(step.before)
    if t >= 1.0:
        return np.array(step.after)
    if t <= 0.0:
        return before
    if step.kind == "rotate":
        assert step.angle is not None  # a turn always has its angle
        return rotation(t * float(step.angle)) @ before
    if step.kind == "stretch":
        assert step.scales is not None  # a stretch always has its scales
        s1, s2 = step.scales
        return np.diag([1 + t * (s1 - 1), 1 + t * (s2 - 1)]) @ before
    if step.kind == "flip":
        return np.diag([1.0, 1.0 - 2.0 * t]) @ before
    raise ValueError(f"unknown step kind {step.kind!r}")


def _svd_view(top: float) -> SvdView:
    start = FIT_MARGIN * max(1.0, min(top, MAX_START_REACH))
    if top > MAX_START_REACH:
        end, zoom = FIT_MARGIN * top, "out"
    elif 0.0 < top < ZOOM_IN_BELOW:
        end, zoom = FIT_MARGIN * top, "in"
    else:
        end, zoom = start, "none"
    return SvdView(start_radius=start, end_radius=end, zoom=zoom, factor=end / start)


def _svd_part(a: np.ndarray) -> SvdPart:
    u, sigma, v, shape = decompose(a)
    reflection = bool(np.linalg.det(u) < 0)
    theta_v = math.atan2(v[1, 0], v[0, 0])
    phi = math.atan2(u[1, 0], u[0, 0])
    vt = v.T
    sig = np.diag(sigma)
    stretched = sig @ vt
    steps = [
        Step("rotate-in", "rotate", _mat(np.eye(2)), _mat(vt), -theta_v, None),
        Step("stretch", "stretch", _mat(vt), _mat(stretched), None, _vec(sigma)),
    ]
    before_turn = stretched
    if reflection:
        before_turn = FLIP @ stretched
        steps.append(Step("flip", "flip", _mat(stretched), _mat(before_turn), None, None))
    steps.append(Step("rotate-out", "rotate", _mat(before_turn), _mat(rotation(phi) @ before_turn), phi, None))
    images = (u * sigma).T  # rows: sigma_i u_i
    return SvdPart(
        matrix=_mat(a),
        det=float(np.linalg.det(a)),
        U=_mat(u),
        sigma=_vec(sigma),
        V=_mat(v),
        Vt=_mat(vt),
        right_vectors=_mat(v.T),
        left_vectors=_mat(u.T),
        images=_mat(images),
        rotation_in=-theta_v + 0.0,
        rotation_out=phi,
        rotation_in_degrees=math.degrees(-theta_v) + 0.0,
        rotation_out_degrees=math.degrees(phi),
        reflection=reflection,
        singular=shape in ("segment", "point"),
        repeated=shape == "circle",
        shape=shape,
        steps=tuple(steps),
        view=_svd_view(float(sigma[0])),
    )


# -- PCA -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepSample:
    """The variance of the cloud's projections onto the unit direction at ``degrees`` from the x-axis."""

    degrees: float
    variance: float


@dataclass(frozen=True)
class PcaPart:
    """PCA of the seeded cloud (see the module docstring).

    ``points`` are the raw points, ``centred`` the points less ``sample_mean``.
    ``axes`` are the principal axes ``w_1, w_2`` (``w_1`` at
    ``pc1_degrees`` in ``[0, 180)``, ``w_2`` a quarter turn counter-clockwise
    from it), ``singular_values`` are ``s_1 >= s_2`` of the centred data
    matrix and ``variances`` the covariance eigenvalues ``s_i^2 / (n - 1)``.
    ``scores`` are the coordinates ``x_c . w_1`` along the first axis and
    ``projected`` the projected points ``(x_c . w_1) w_1``. ``sweep`` samples
    the variance along a direction turning a half turn; its largest sample
    is at ``sweep_max_degrees``. ``view_radius`` holds the raw and centred
    clouds; ``centred_view_radius`` (smaller when the mean is far out) is
    zoomed to after centring when ``zoom_after_centring``.
    """

    count: int
    seed: int
    stds: Vector
    angle_degrees: float
    mean: Vector
    points: tuple[Vector, ...]
    sample_mean: Vector
    centred: tuple[Vector, ...]
    axes: Matrix
    pc1_degrees: float
    singular_values: Vector
    variances: Vector
    total_variance: float
    explained_ratio: float
    scores: tuple[float, ...]
    projected: tuple[Vector, ...]
    projected_variance: float
    sweep: tuple[SweepSample, ...]
    sweep_max_degrees: float
    axis_arbitrary: bool
    collinear: bool
    view_radius: float
    centred_view_radius: float
    zoom_after_centring: bool


def _upper(w: np.ndarray) -> np.ndarray:
    """``w`` or ``-w``, whichever has its angle in ``[0, pi)``."""
    w = w / np.linalg.norm(w)
    if w[1] < 0 or (w[1] == 0 and w[0] < 0):
        w = -w
    return w


def principal_components(centred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Principal axes (as columns, ``w_1`` at an angle in ``[0, pi)``, ``det W = +1``) and singular values.

    From the SVD ``X_c = P S W^T`` of the centred data matrix (rows are
    points): no covariance matrix is formed, so nothing is squared before
    the decomposition.
    """
    _, s, wt = np.linalg.svd(np.asarray(centred, dtype=float), full_matrices=False)
    w1 = _upper(wt[0])
    w2 = np.array([-w1[1], w1[0]])
    return np.column_stack([w1, w2]), s


def directional_variance(pca: PcaPart, degrees: float) -> float:
    """``var(theta) = lambda_1 cos^2(theta - theta_1) + lambda_2 sin^2(theta - theta_1)``, theta in degrees."""
    delta = math.radians(degrees - pca.pc1_degrees)
    l1, l2 = pca.variances
    return l1 * math.cos(delta) ** 2 + l2 * math.sin(delta) ** 2


def _pca_part(count: int, seed: int, stds: np.ndarray, angle: float, mean: np.ndarray) -> PcaPart:
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((count, 2))
    points = np.asarray(mean) + (z * stds) @ rotation(math.radians(angle)).T
    sample_mean = points.mean(axis=0)
    centred = points - sample_mean
    w, s = principal_components(centred)
    top = float(s[0])
    if top == 0.0:
        raise ParameterError("stds", "at least one standard deviation must be positive")
    collinear = bool(s[1] <= ZERO_TOL * top)
    s = np.array([top, 0.0 if collinear else float(s[1])])
    variances = s**2 / (count - 1)
    scores = centred @ w[:, 0]
    # the variance of the projections measured directly, a half turn of directions
    angles = np.arange(0.0, 180.0, SWEEP_STEP_DEGREES)
    directions = np.stack([np.cos(np.radians(angles)), np.sin(np.radians(angles))])
    sweep_var = ((centred @ directions) ** 2).sum(axis=0) / (count - 1)
    pc1_degrees = math.degrees(math.atan2(w[1, 0], w[0, 0])) % 180.0
    equal_stds = bool(stds[0] == stds[1])
    reach_raw = float(np.max(np.abs(points)))
    reach_centred = float(max(np.max(np.abs(centred)), 2 * math.sqrt(variances[0])))
    view = CLOUD_MARGIN * max(reach_raw, reach_centred)
    centred_view = CLOUD_MARGIN * reach_centred
    zoom = centred_view < CENTRED_ZOOM_BELOW * view
    return PcaPart(
        count=count,
        seed=seed,
        stds=_vec(stds),
        angle_degrees=float(angle),
        mean=_vec(mean),
        points=tuple(_vec(p) for p in points),
        sample_mean=_vec(sample_mean),
        centred=tuple(_vec(p) for p in centred),
        axes=_mat(w.T),
        pc1_degrees=pc1_degrees,
        singular_values=_vec(s),
        variances=_vec(variances),
        total_variance=float(variances.sum()),
        explained_ratio=float(s[0] ** 2 / (s[0] ** 2 + s[1] ** 2)),
        scores=tuple(float(x) + 0.0 for x in scores),
        projected=tuple(_vec(x * w[:, 0]) for x in scores),
        projected_variance=float(np.var(scores, ddof=1)),
        sweep=tuple(SweepSample(float(d), float(v)) for d, v in zip(angles, sweep_var)),
        sweep_max_degrees=float(angles[int(np.argmax(sweep_var))]),
        axis_arbitrary=equal_stds or bool(s[0] - s[1] <= REPEATED_TOL * top),
        collinear=collinear,
        view_radius=view,
        centred_view_radius=centred_view if zoom else view,
        zoom_after_centring=bool(zoom),
    )


# -- the story -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SvdPcaStory(Story):
    """Everything the ``svd_pca`` scene shows: the SVD of ``matrix`` and the PCA of the seeded cloud."""

    svd: SvdPart
    pca: PcaPart


def svd_pca_story(matrix: np.ndarray, points: int, stds: np.ndarray, angle: float, mean: np.ndarray,
                  seed: int) -> SvdPcaStory:
    """The SVD of a 2x2 matrix acting on the unit circle, and PCA of a seeded Gaussian cloud.

    Parameters
    ----------
    matrix
        A real 2x2 array, ``A = U Sigma V^T`` (signs as in :func:`decompose`).
    points
        How many points the cloud has.
    stds
        Standard deviations along the cloud's two generating axes (``>= 0``, not both 0).
    angle
        Direction of the first generating axis, degrees.
    mean
        Centre of the generating distribution (the cloud is drawn there, then centred).
    seed
        Seed of ``numpy.random.default_rng``.

    Raises
    ------
    ParameterError
        For a matrix that is not finite 2x2, a point count out of range, a
        negative standard deviation or two zero ones.
    """
    a = np.asarray(matrix, dtype=float)
    if a.shape != (2, 2):
        raise ParameterError("matrix", f"must be a 2x2 matrix like [[2, 2], [-0.5, 1]], got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ParameterError("matrix", "entries must be finite numbers")
    if not MIN_POINTS <= int(points) <= MAX_POINTS:
        raise ParameterError("points", f"must be between {MIN_POINTS} and {MAX_POINTS}, got {points}")
    stds = np.asarray(stds, dtype=float)
    if stds.shape != (2,) or not np.all(np.isfinite(stds)):
        raise ParameterError("stds", "must be two finite numbers")
    if np.any(stds < 0):
        raise ParameterError("stds", "standard deviations cannot be negative")
    if not np.any(stds > 0):
        raise ParameterError("stds", "at least one standard deviation must be positive")
    if np.max(stds) < MIN_SCALE:
        raise ParameterError("stds", f"the larger standard deviation must be at least {MIN_SCALE:g} to be drawn")
    top = float(np.linalg.norm(a, 2))
    if 0.0 < top < MIN_SCALE:
        raise ParameterError("matrix", f"too small to draw: its largest singular value {top:.3g} is below "
                                       f"{MIN_SCALE:g}; scale A up (the SVD is the same up to the scale)")
    mean = np.asarray(mean, dtype=float)
    if mean.shape != (2,) or not np.all(np.isfinite(mean)):
        raise ParameterError("mean", "must be two finite numbers")
    return SvdPcaStory(svd=_svd_part(a), pca=_pca_part(int(points), int(seed), stds, float(angle), mean))


#: Found through the entry point ``svd_pca`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="svd_pca",
    title="SVD: rotate, stretch, rotate; PCA: the directions of greatest variance",
    teaches=(
        "Any 2x2 matrix is U Sigma V^T acting on the unit circle; PCA finds a point cloud's principal axes "
        "and explained variance."
    ),
    story=svd_pca_story,
    params=PARAMS,
    scene="mathviz_scenes.svd_pca:RotateStretchRotate",
)
