"""Eigenvectors of a 2x2 matrix: the directions a linear map only stretches.

The numbers behind the ``eigen`` explainer. For a real 2x2 matrix ``A`` the
story says which of four kinds it is, gives its eigenvalues and real unit
eigenvectors, what ``A`` does to a fan of unit vectors (how far each image is
knocked off its vector's span), the ellipse the unit circle becomes (from the
SVD), the basis in which ``A`` is simplest (diagonal, a shear, or a rotation
with a scaling) and how far the picture must zoom out to stay on screen.

How the kind is decided
-----------------------
Write ``A = m I + N`` with ``m = tr(A) / 2`` and ``N`` traceless. The
characteristic polynomial ``lambda^2 - tr(A) lambda + det(A)`` has
discriminant ``tr(A)^2 - 4 det(A) = -4 det(N)``, and the eigenvalues are
``m +/- sqrt(-det N)``. Everything about eigen directions lives in ``N``:

* ``||N|| <= SCALAR_TOL * ||A||``: ``A`` is a multiple of the identity up to
  rounding, **repeated-scalar** (every vector is an eigenvector).
* otherwise, with ``h = -det(N) / ||N||^2`` (so ``|h| <= 1`` and the
  eigenvalue gap is ``2 ||N|| sqrt(|h|)``):

  - ``sqrt(|h|) <= DEFECTIVE_TOL``: a repeated eigenvalue but ``A`` is not a
    scalar matrix, so ``N`` is nilpotent and ``A`` is **defective** (a shear
    plus a scaling: one eigen direction only);
  - ``h > 0``: **distinct-real**;
  - ``h < 0``: **complex**, ``lambda = a +/- b i``.

Measuring the gap against ``||N||`` rather than ``||A||`` keeps the decision
scale-free and honest for nearly scalar matrices: ``diag(1 + 1e-7, 1)`` is
diagonalizable with two eigenvalues, ``[[1, 1e-7], [0, 1]]`` is a shear.
``N`` is built from the differences ``(a - d) / 2``, ``b``, ``c``, which are
exact to a relative ``eps``, so ``h`` carries an absolute error of a few
``eps`` and ``sqrt(|h|)`` about ``3e-8``; ``DEFECTIVE_TOL = 1e-6`` sits well
above that noise and far below anything a picture can show.

``||.||`` is the spectral norm (the largest singular value) throughout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mathviz.explainer import Explainer
from mathviz.params import Param, ParameterError
from mathviz.params import matrix as matrix_parser
from mathviz.story import Story
from mathviz.view import nice_step

__all__ = [
    "EXPLAINER",
    "PARAMS",
    "KINDS",
    "SCALAR_TOL",
    "DEFECTIVE_TOL",
    "ZERO_TOL",
    "FAN_SIZE",
    "FAN_CLEARANCE",
    "STANDARD_RADIUS",
    "MIN_VIEW_RADIUS",
    "FIT_MARGIN",
    "FanVector",
    "Ellipse",
    "Basis",
    "Fit",
    "EigenStory",
    "classify",
    "knock_off_angle",
    "eigen_story",
]

#: The four kinds of real 2x2 matrix, as far as eigenvectors go.
KINDS: tuple[str, ...] = ("distinct-real", "repeated-scalar", "defective", "complex")

#: ``||A - (tr A / 2) I|| <= SCALAR_TOL ||A||`` counts as a scalar matrix.
SCALAR_TOL = 1e-9
#: Half the eigenvalue gap over ``||N||`` at or below this counts as a repeated eigenvalue.
DEFECTIVE_TOL = 1e-6
#: ``|lambda| <= ZERO_TOL ||A||`` is a zero eigenvalue (det A is zero up to rounding); reported as 0.
ZERO_TOL = 1e-9

#: Unit vectors evenly spaced around the circle in the fan (every 30 degrees).
FAN_SIZE = 12
#: Fan vectors closer than this (radians) to an eigen direction give way to it, so arrows never overlap.
FAN_CLEARANCE = math.pi / 24
#: Radius (plane units) around the origin the standard view shows; a larger view is "zoomed out".
STANDARD_RADIUS = 4.5
#: The smallest view radius: small pictures are shown larger, but the unit circle never fills the view.
MIN_VIEW_RADIUS = 2.5
#: Room left around the largest shape, as a factor of its size.
FIT_MARGIN = 1.1

PARAMS: tuple[Param, ...] = (
    Param(
        "matrix",
        "[[3, 1], [0, 2]]",
        "the 2x2 matrix A whose eigenvectors are shown, as rows: [[a, b], [c, d]]",
        matrix_parser("matrix", sizes=(2,)),
    ),
)

Vector = tuple[float, float]
Matrix = tuple[Vector, Vector]


@dataclass(frozen=True)
class FanVector:
    """One unit vector ``v`` of the fan and what ``A`` does to it.

    ``knock_off_angle`` is the angle between ``A v`` and the line spanned by
    ``v``, in ``[0, pi/2]``: 0 for an eigenvector, and 0 when ``A v = 0``
    (the origin lies on every line).
    """

    angle: float
    vector: Vector
    image: Vector
    length_ratio: float
    knock_off_angle: float
    eigen: bool
    eigen_index: int | None


@dataclass(frozen=True)
class Ellipse:
    """The image of the unit circle: ``A = U diag(sigma) V^T`` maps ``V[:, i]`` to ``sigma_i U[:, i]``.

    ``shape`` is ``"circle"`` (equal singular values), ``"ellipse"``,
    ``"segment"`` (``sigma_2 = 0``: det A = 0) or ``"point"`` (A = 0).
    """

    semi_axes: Vector
    axes: Matrix
    preimages: Matrix
    angle: float
    shape: str


@dataclass(frozen=True)
class Basis:
    """A basis ``P`` (columns) in which ``A = P M P^-1`` is simplest.

    ``form`` is ``"diagonal"`` (``M = D``, columns are eigenvectors),
    ``"shear"`` (defective: ``P`` orthonormal with the eigenvector first,
    ``M = [[lambda, c], [0, lambda]]``, the real Schur form) or
    ``"rotation-scale"`` (complex: ``M = r R(theta)``, a rotation by theta
    and a scaling by r, with ``det P > 0`` so theta's sign is the turning
    direction in the plane).
    """

    form: str
    P: Matrix
    M: Matrix
    P_inv: Matrix


@dataclass(frozen=True)
class Fit:
    """How much of the plane the scene shows.

    ``radius`` (plane units) holds every shape the scene draws with
    ``FIT_MARGIN`` to spare. The plane on screen shows ``[-view_radius,
    view_radius]^2`` with ``view_radius = max(radius, MIN_VIEW_RADIUS)``;
    ``zoom = STANDARD_RADIUS / view_radius`` is the magnification against the
    standard view and ``zoomed_out`` (``view_radius > STANDARD_RADIUS``) says
    that the picture had to shrink to fit, which the scene captions.
    ``grid_step`` is a 1-2-5 step (at least 1) giving at most five grid
    lines on each side of the origin.

    Before ``A`` acts only the unit circle is drawn, so the scene starts at
    ``start_view_radius = min(view_radius, STANDARD_RADIUS)`` (grid step
    ``start_grid_step``) and zooms out to ``view_radius`` when it must,
    rather than showing a unit circle too small to see.
    """

    radius: float
    zoom: float
    zoomed_out: bool
    view_radius: float
    grid_step: float
    start_view_radius: float
    start_grid_step: float


@dataclass(frozen=True)
class EigenStory(Story):
    """Everything the ``eigen`` scene shows about ``A``.

    ``eigenvalues`` are ``[re, im]`` pairs (real ones in decreasing order,
    a complex pair as ``a + b i`` then ``a - b i`` with ``b > 0``).
    ``eigenvectors`` are real unit eigenvectors pointing right (``x > 0``,
    or straight up), two for distinct-real, one for defective, none for
    complex; for repeated-scalar the standard basis stands for "every vector".
    ``stretch[i]`` is the signed factor ``lambda`` along ``eigenvectors[i]``
    and ``length_ratio[i] = |A v_i| / |v_i| = |lambda|``. ``notes[i]`` says
    in words what happens along that direction.

    For complex eigenvalues ``lambda = a +/- b i = r e^(+/- i theta)``:
    ``scale = r = sqrt(det A)`` and ``rotation_angle`` is ``theta`` signed by
    the turning direction in the plane. Every such real 2x2 matrix is
    *similar* to the scaled rotation ``M = r R(theta)`` (``A = P M P^-1``,
    ``basis``), but it turns the plane rigidly only when ``P`` is a scaled
    rotation itself, that is when ``A = M``: ``rotation_exact`` says so.
    Otherwise points go round ellipses and the "rotation by theta" holds in
    the skewed coordinates of ``P`` only. ``rotation_angle``, ``scale`` and
    ``rotation_exact`` are None for real eigenvalues.
    """

    matrix: Matrix
    kind: str
    trace: float
    det: float
    discriminant: float
    eigenvalues: tuple[Vector, ...]
    eigenvectors: tuple[Vector, ...]
    stretch: tuple[float, ...]
    length_ratio: tuple[float, ...]
    notes: tuple[str, ...]
    every_vector_is_eigen: bool
    zero_eigenvalue: bool
    negative_eigenvalue: bool
    diagonalizable: bool
    P: Matrix | None
    D: Matrix | None
    basis: Basis
    rotation_angle: float | None
    scale: float | None
    rotation_exact: bool | None
    ellipse: Ellipse
    fan: tuple[FanVector, ...]
    fit: Fit


def _vec(v: np.ndarray) -> Vector:
    # + 0.0 turns -0.0 into 0.0, which JSON readers and captions would otherwise show as "-0".
    return (float(v[0]) + 0.0, float(v[1]) + 0.0)


def _mat(m: np.ndarray) -> Matrix:
    return (_vec(m[0]), _vec(m[1]))


def _traceless_part(a: np.ndarray) -> tuple[float, np.ndarray]:
    # From differences, not A - mI: each entry is then exact to a relative eps
    # however large the trace is (see the module docstring).
    half_gap = (a[0, 0] - a[1, 1]) / 2.0
    mean = (a[0, 0] + a[1, 1]) / 2.0
    return float(mean), np.array([[half_gap, a[0, 1]], [a[1, 0], -half_gap]])


def classify(a: np.ndarray) -> str:
    """The kind of the 2x2 matrix ``a``: one of :data:`KINDS` (see the module docstring).

    With ``N = A - tr(A)/2 I`` and ``h = -det(N) / ||N||^2``: repeated-scalar
    if ``||N|| <= SCALAR_TOL ||A||``, defective if ``sqrt|h| <= DEFECTIVE_TOL``,
    distinct-real if ``h > 0``, complex if ``h < 0``. The sign of ``h`` is the
    sign of the discriminant ``tr(A)^2 - 4 det(A)``.
    """
    a = np.asarray(a, dtype=float)
    norm_a = float(np.linalg.norm(a, 2))
    _, n = _traceless_part(a)
    norm_n = float(np.linalg.norm(n, 2))
    if norm_n <= SCALAR_TOL * norm_a:
        return "repeated-scalar"
    unit = n / norm_n
    h = float(unit[0, 0] ** 2 + unit[0, 1] * unit[1, 0])
    if math.sqrt(abs(h)) <= DEFECTIVE_TOL:
        return "defective"
    return "distinct-real" if h > 0 else "complex"


def knock_off_angle(v: np.ndarray, image: np.ndarray, zero: float = 0.0) -> float:
    """The angle between ``image = A v`` and the line spanned by ``v``, in ``[0, pi/2]``.

    ``atan2(|v x Av|, |v . Av|)``: the angle between two lines, accurate near 0
    (unlike ``arccos``). An image no longer than ``zero`` is the origin, which
    lies on every line, so its angle is 0 (its direction is only rounding noise).
    """
    if math.hypot(image[0], image[1]) <= zero:
        return 0.0
    cross = v[0] * image[1] - v[1] * image[0]
    dot = v[0] * image[0] + v[1] * image[1]
    return float(math.atan2(abs(cross), abs(dot)))


def _null_vector(m: np.ndarray) -> np.ndarray:
    # The right singular vector of the smallest singular value: the best unit
    # solution of m v = 0 even when m is only nearly singular.
    return np.linalg.svd(m)[2][-1]


def _pointing_right(v: np.ndarray) -> np.ndarray:
    v = v / np.linalg.norm(v)
    if v[0] < -1e-12 or (abs(v[0]) <= 1e-12 and v[1] < 0):
        v = -v
    return v


def _note(value: float) -> str:
    if value == 0.0:
        return "squashed to the origin"
    if value < 0:
        return "flipped along its line" + (", stretched" if value < -1 else ", shrunk" if value > -1 else "")
    if value > 1:
        return "stretched"
    if value < 1:
        return "shrunk"
    return "unchanged"


def _real_eigenpairs(a: np.ndarray, kind: str, mean: float, n: np.ndarray, norm_a: float):
    """Eigenvalues and unit eigenvectors for the three real kinds."""
    if kind == "repeated-scalar":
        values = [mean, mean]
        vectors = [np.array([1.0, 0.0]), np.array([0.0, 1.0])]
    elif kind == "defective":
        values = [mean, mean]
        vectors = [_pointing_right(_null_vector(n))]
    else:
        norm_n = float(np.linalg.norm(n, 2))
        unit = n / norm_n
        root = math.sqrt(unit[0, 0] ** 2 + unit[0, 1] * unit[1, 0])
        # Eigenvectors of A are those of N (A - lambda I = N - mu I), found from the
        # normalised N so that a tiny gap on a large trace loses no accuracy.
        values = [mean + norm_n * root, mean - norm_n * root]
        vectors = [_pointing_right(_null_vector(unit - mu * np.eye(2))) for mu in (root, -root)]
    values = [0.0 if abs(x) <= ZERO_TOL * norm_a else float(x) for x in values]
    return values, vectors


def _fan(a: np.ndarray, kind: str, eigenvectors: list[np.ndarray], zero: float) -> tuple[FanVector, ...]:
    """Evenly spaced unit vectors plus both directions of each eigenvector."""
    special: list[tuple[float, np.ndarray, int]] = []
    if kind != "repeated-scalar":
        for which, v in enumerate(eigenvectors):
            for w in (v, -v):
                special.append((math.atan2(w[1], w[0]) % (2 * math.pi), w, which))
    entries: list[tuple[float, np.ndarray, int | None]] = [(angle, w, which) for angle, w, which in special]
    for k in range(FAN_SIZE):
        angle = 2 * math.pi * k / FAN_SIZE
        gaps = [abs((angle - s + math.pi) % (2 * math.pi) - math.pi) for s, _, _ in special]
        if all(gap >= FAN_CLEARANCE for gap in gaps):
            entries.append((angle, np.array([math.cos(angle), math.sin(angle)]), None))
    entries.sort(key=lambda e: e[0])
    fan = []
    for angle, v, index in entries:
        image = a @ v
        fan.append(
            FanVector(
                angle=float(angle),
                vector=_vec(v),
                image=_vec(image),
                length_ratio=math.hypot(image[0], image[1]),
                knock_off_angle=knock_off_angle(v, image, zero),
                eigen=index is not None or kind == "repeated-scalar",
                eigen_index=index,
            )
        )
    return tuple(fan)


def _ellipse(a: np.ndarray) -> Ellipse:
    u, sigma, vt = np.linalg.svd(a)
    top = float(sigma[0])
    if top == 0.0:
        shape = "point"
    elif sigma[1] <= ZERO_TOL * top:
        shape = "segment"
    elif sigma[0] - sigma[1] <= SCALAR_TOL * top:
        shape = "circle"
    else:
        shape = "ellipse"
    return Ellipse(
        semi_axes=(top, float(sigma[1])),
        axes=_mat(u.T),
        preimages=_mat(vt),
        angle=float(math.atan2(u[1, 0], u[0, 0])),
        shape=shape,
    )


def _rotation_basis(n: np.ndarray, root: float) -> np.ndarray:
    """A well-conditioned ``P`` with ``N P = P [[0, -s], [s, 0]]`` (``s = root``), ``det P`` of either sign.

    For any x, ``P0 = [x, N x / s]`` works because ``N^2 = -s^2 I``. Every other
    such basis is ``P0 (alpha I + beta J)``, a rotation and scaling of the
    columns; the rotation taken from the SVD of ``P0`` makes the columns
    orthogonal, so ``P`` is as close to a rotation of the axes as A allows.
    """
    x = np.array([1.0, 0.0])
    p0 = np.column_stack([x, n @ x / root])
    _, sigma, vt = np.linalg.svd(p0)
    turn = vt.T
    if np.linalg.det(turn) < 0:
        turn = turn @ np.diag([1.0, -1.0])
    return p0 @ turn / sigma[0]


def _basis(a: np.ndarray, kind: str, values: list[float], vectors: list[np.ndarray], mean: float,
           n: np.ndarray) -> tuple[Basis, float | None, float | None]:
    """The simplest form of A; for complex A also the signed rotation angle and the scale."""
    if kind in ("distinct-real", "repeated-scalar"):
        p = np.column_stack(vectors)
        m = np.diag(values)
        return Basis("diagonal", _mat(p), _mat(m), _mat(np.linalg.inv(p))), None, None
    if kind == "defective":
        v = vectors[0]
        u = np.array([-v[1], v[0]])
        p = np.column_stack([v, u])
        # Orthonormal P: P^-1 = P^T, and u^T A v = lambda u.v = 0 puts the zero below the diagonal.
        shear = float(v @ a @ u)
        m = np.array([[values[0], shear], [0.0, values[0]]])
        return Basis("shear", _mat(p), _mat(m), _mat(p.T)), None, None
    norm_n = float(np.linalg.norm(n, 2))
    unit = n / norm_n
    root = math.sqrt(-(unit[0, 0] ** 2 + unit[0, 1] * unit[1, 0]))
    b = norm_n * root
    p = _rotation_basis(unit, root)
    theta = math.atan2(b, mean)
    if np.linalg.det(p) < 0:
        # Flipping the second column makes P orientation-preserving and turns
        # r R(theta) into r R(-theta): the map turns clockwise in the plane.
        p = p @ np.diag([1.0, -1.0])
        theta = -theta
    r = math.hypot(mean, b)
    # r R(theta) written with a = r cos(theta) and b = r |sin(theta)| themselves, so no cos(pi/2) residue.
    turn = math.copysign(b, theta)
    m = np.array([[mean, -turn], [turn, mean]])
    return Basis("rotation-scale", _mat(p), _mat(m), _mat(np.linalg.inv(p))), theta, r


def _fit(ellipse: Ellipse, basis: Basis) -> Fit:
    """Zoom so that the unit circle, the ellipse and the basis pictures (square [-1, 1]^2 in P, I and M) all fit."""
    corners = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]]).T
    extents = [1.0, ellipse.semi_axes[0], math.sqrt(2.0)]
    for m in (basis.P, basis.M):
        extents.append(float(np.max(np.linalg.norm(np.array(m) @ corners, axis=0))))
    radius = FIT_MARGIN * max(extents)
    view = max(radius, MIN_VIEW_RADIUS)
    start = min(view, STANDARD_RADIUS)
    return Fit(radius=radius, zoom=STANDARD_RADIUS / view, zoomed_out=view > STANDARD_RADIUS, view_radius=view,
               grid_step=_grid_step(view), start_view_radius=start, start_grid_step=_grid_step(start))


def _grid_step(view: float) -> float:
    # at most five grid lines a side, never closer than one unit (the unit circle's radius)
    return max(1.0, nice_step(view / 5.0))


def eigen_story(matrix: np.ndarray) -> EigenStory:
    """Eigenvalues, eigenvectors and their pictures for a real 2x2 matrix.

    An eigenvector ``v != 0`` satisfies ``A v = lambda v``: ``A`` keeps it on
    its span and scales it by ``lambda``. The eigenvalues are the roots of
    ``lambda^2 - tr(A) lambda + det(A) = 0``,
    ``lambda = tr/2 +/- sqrt(tr^2 - 4 det) / 2``. Every other vector is knocked
    off its span by the angle between ``A v`` and ``span(v)``. The unit circle
    maps to an ellipse with semi-axes the singular values of ``A``. When ``A``
    is diagonalizable, ``A = P D P^-1`` with the eigenvectors as columns of
    ``P``: in the eigenbasis ``A`` is the pure stretch ``D``.

    Parameters
    ----------
    matrix
        A real 2x2 array (already validated by :data:`PARAMS`).

    Raises
    ------
    ParameterError
        If ``matrix`` is not a finite real 2x2 matrix.
    """
    a = np.asarray(matrix, dtype=float)
    if a.shape != (2, 2):
        raise ParameterError("matrix", f"must be a 2x2 matrix like [[3, 1], [0, 2]], got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ParameterError("matrix", "entries must be finite numbers")
    norm_a = float(np.linalg.norm(a, 2))
    kind = classify(a)
    mean, n = _traceless_part(a)
    trace = float(a[0, 0] + a[1, 1])
    det = float(np.linalg.det(a))

    if kind == "complex":
        values: list[float] = []
        vectors: list[np.ndarray] = []
        basis, theta, r = _basis(a, kind, values, vectors, mean, n)
        b = abs(basis.M[1][0])  # M = [[a, -b], [b, a]] up to the turning sign
        eigenvalues: tuple[Vector, ...] = ((mean, b), (mean, -b))
        rotation_exact = bool(np.linalg.norm(a - np.array(basis.M), 2) <= SCALAR_TOL * norm_a)
    else:
        values, vectors = _real_eigenpairs(a, kind, mean, n, norm_a)
        basis, theta, r = _basis(a, kind, values, vectors, mean, n)
        eigenvalues = tuple((x, 0.0) for x in values)
        rotation_exact = None

    stretch = tuple(values[: len(vectors)])
    diagonalizable = basis.form == "diagonal"
    ellipse = _ellipse(a)
    return EigenStory(
        matrix=_mat(a),
        kind=kind,
        trace=trace,
        det=det,
        discriminant=float(trace**2 - 4 * det),
        eigenvalues=eigenvalues,
        eigenvectors=tuple(_vec(v) for v in vectors),
        stretch=stretch,
        length_ratio=tuple(math.hypot(*(a @ v)) for v in vectors),  # hypot: no underflow for tiny A
        notes=tuple(_note(x) for x in stretch),
        every_vector_is_eigen=kind == "repeated-scalar",
        zero_eigenvalue=any(x == 0.0 for x in stretch),
        negative_eigenvalue=any(x < 0.0 for x in stretch),
        diagonalizable=diagonalizable,
        P=basis.P if diagonalizable else None,
        D=basis.M if diagonalizable else None,
        basis=basis,
        rotation_angle=theta,
        scale=r,
        rotation_exact=rotation_exact,
        ellipse=ellipse,
        fan=_fan(a, kind, vectors, ZERO_TOL * norm_a),
        fit=_fit(ellipse, basis),
    )


#: Found through the entry point ``eigen`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="eigen",
    title="Eigenvectors are the directions a matrix only stretches",
    teaches=(
        "Vectors on an eigenvector's span stay on it and stretch by lambda; in the eigenbasis A is a pure "
        "stretch."
    ),
    story=eigen_story,
    params=PARAMS,
    scene="mathviz_scenes.eigen:EigenStretch",
)
