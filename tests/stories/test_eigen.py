"""The eigen story against hand-worked answers, numpy's eig and properties of every 2x2 matrix."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mathviz.params import ParameterError
from mathviz.pipeline import registry
from mathviz.stories.eigen import (
    DEFECTIVE_TOL,
    FAN_CLEARANCE,
    FAN_SIZE,
    FIT_MARGIN,
    KINDS,
    MIN_VIEW_RADIUS,
    PARAMS,
    STANDARD_RADIUS,
    EigenStory,
    classify,
    eigen_story,
)

SETTINGS = settings(max_examples=150, derandomize=True, deadline=None)

# Ordinary magnitudes (hypothesis would otherwise try 1e-235, whose squares underflow in the
# references below); tiny and huge matrices are covered by the scale-invariance test.
entries = st.floats(min_value=-10, max_value=10, allow_nan=False, allow_infinity=False).map(
    lambda x: x if abs(x) >= 1e-6 else 0.0)
float_matrices = st.lists(entries, min_size=4, max_size=4).map(lambda xs: np.array(xs).reshape(2, 2))
int_matrices = st.lists(st.integers(-4, 4), min_size=4, max_size=4).map(lambda xs: np.array(xs, dtype=float).reshape(2, 2))


def story_of(rows) -> EigenStory:
    return eigen_story(np.array(rows, dtype=float))


def spectral(a) -> float:
    return float(np.linalg.norm(np.array(a, dtype=float), 2))


def exact_kind(a: np.ndarray) -> str:
    """The kind from the discriminant (a - d)^2 + 4 b c, exact for small integer entries."""
    (p, q), (r, s) = a
    disc = (p - s) ** 2 + 4 * q * r
    if disc > 0:
        return "distinct-real"
    if disc < 0:
        return "complex"
    return "repeated-scalar" if q == 0 and r == 0 and p == s else "defective"


def check_story(a: np.ndarray) -> None:
    """Properties every story must have, whatever the matrix."""
    story = eigen_story(a)
    norm = max(spectral(a), 1e-300)
    tol = 1e-9 * norm
    assert story.kind in KINDS
    assert story.kind == classify(a)
    json.loads(story.to_json())

    # A v = lambda v with |v| = 1, lambda the signed stretch, |Av| / |v| = |lambda|.
    assert len(story.eigenvectors) == {"distinct-real": 2, "repeated-scalar": 2, "defective": 1, "complex": 0}[story.kind]
    for vector, lam, ratio in zip(story.eigenvectors, story.stretch, story.length_ratio):
        v = np.array(vector)
        assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-12)
        assert np.linalg.norm(a @ v - lam * v) <= tol
        assert ratio == pytest.approx(abs(lam), abs=tol)

    # The same eigenvalues as numpy (the defective ones are only sqrt(eps)-conditioned).
    (o1, o2) = (complex(re, im) for re, im in story.eigenvalues)
    (t1, t2) = np.linalg.eigvals(a).astype(complex)
    mismatch = min(max(abs(o1 - t1), abs(o2 - t2)), max(abs(o1 - t2), abs(o2 - t1)))
    assert mismatch <= 1e-6 * norm + 1e-12

    # A = P M P^-1 in the chosen basis; diagonal exactly when diagonalizable.
    p, m, p_inv = (np.array(x) for x in (story.basis.P, story.basis.M, story.basis.P_inv))
    assert np.allclose(a @ p, p @ m, atol=1e-8 * norm)
    assert np.allclose(p @ p_inv, np.eye(2), atol=1e-9)
    if story.diagonalizable:
        assert np.allclose(a @ np.array(story.P), np.array(story.P) @ np.array(story.D), atol=1e-8 * norm)
        assert np.array(story.D)[0, 1] == 0 and np.array(story.D)[1, 0] == 0
    else:
        assert story.P is None and story.D is None

    # The fan: unit vectors, images A v, knock-off angle 0 exactly on eigen directions.
    for f in story.fan:
        u, image = np.array(f.vector), np.array(f.image)
        assert np.linalg.norm(u) == pytest.approx(1.0, abs=1e-12)
        assert np.allclose(image, a @ u, atol=1e-12 * norm)
        if f.eigen:
            assert f.knock_off_angle <= 1e-9
        else:
            # arccos reference: the angle between the line of v and A v.
            cosine = float(abs(u @ image)) / math.hypot(*image)
            assert f.knock_off_angle == pytest.approx(math.acos(min(cosine, 1.0)), abs=1e-7)
            assert f.knock_off_angle > 0
    assert [f.angle for f in story.fan] == sorted(f.angle for f in story.fan)

    # The unit circle's image: semi-axes are the singular values, A v_i = sigma_i u_i.
    sigma = np.sqrt(np.clip(np.linalg.eigvalsh(a.T @ a), 0, None))[::-1]
    assert np.allclose(story.ellipse.semi_axes, sigma, atol=1e-7 * norm)
    for pre, axis, s in zip(story.ellipse.preimages, story.ellipse.axes, story.ellipse.semi_axes):
        assert np.allclose(a @ np.array(pre), s * np.array(axis), atol=1e-9 * norm)

    # Everything drawn fits in the view: the unit circle, the ellipse, the basis square in P and in M.
    fit = story.fit
    corners = np.array([[1, 1], [1, -1], [-1, 1], [-1, -1]]).T
    reach = max(1.0, story.ellipse.semi_axes[0], *(np.linalg.norm(np.array(m) @ corners, axis=0).max()
                                                   for m in (story.basis.P, story.basis.M)))
    assert reach <= fit.radius <= fit.view_radius
    assert fit.view_radius >= MIN_VIEW_RADIUS
    assert fit.zoomed_out == (fit.view_radius > STANDARD_RADIUS)
    assert fit.zoom == pytest.approx(STANDARD_RADIUS / fit.view_radius)
    assert 1 <= fit.grid_step and fit.view_radius / fit.grid_step <= 5 + 1e-9
    # the view before A acts: the standard one, or the final one if that is smaller
    assert fit.start_view_radius == min(fit.view_radius, STANDARD_RADIUS)
    assert fit.start_view_radius >= FIT_MARGIN  # the unit circle fits
    assert 1 <= fit.start_grid_step <= fit.grid_step


# -- one case per kind, answers worked by hand ------------------------------------------------------


def test_default_is_distinct_real() -> None:
    (param,) = PARAMS
    assert param.name == "matrix"
    matrix = param.parse(param.default)
    assert isinstance(matrix, np.ndarray)
    story = eigen_story(matrix)
    assert story.kind == "distinct-real"
    assert story.matrix == ((3.0, 1.0), (0.0, 2.0))


def test_upper_triangular_distinct_real() -> None:
    # Triangular: eigenvalues on the diagonal; (A - 2I) v = 0 gives v = (1, -1)/sqrt 2.
    story = story_of([[3, 1], [0, 2]])
    assert story.kind == "distinct-real"
    assert story.eigenvalues == ((3.0, 0.0), (2.0, 0.0))
    assert np.allclose(story.eigenvectors, [[1.0, 0.0], [1 / math.sqrt(2), -1 / math.sqrt(2)]])
    assert story.stretch == (3.0, 2.0)
    assert not story.zero_eigenvalue and not story.negative_eigenvalue
    assert story.diagonalizable
    eigen_fan = [f for f in story.fan if f.eigen]
    # both directions of both eigenvectors; 0 and pi already were in the 12-vector fan
    assert sorted(round(f.angle, 9) for f in eigen_fan) == sorted(
        round(x, 9) for x in (0, math.pi, 3 * math.pi / 4, 7 * math.pi / 4))
    assert len(story.fan) == FAN_SIZE + 2


def test_scalar_matrix_every_vector_is_an_eigenvector() -> None:
    story = story_of([[2, 0], [0, 2]])
    assert story.kind == "repeated-scalar"
    assert story.every_vector_is_eigen
    assert story.eigenvalues == ((2.0, 0.0), (2.0, 0.0))
    assert story.eigenvectors == ((1.0, 0.0), (0.0, 1.0))
    assert all(f.eigen and f.knock_off_angle == pytest.approx(0, abs=1e-15) for f in story.fan)
    assert all(f.length_ratio == pytest.approx(2.0) for f in story.fan)
    assert story.ellipse.shape == "circle"


def test_shear_is_defective_with_one_eigen_direction() -> None:
    story = story_of([[1, 1], [0, 1]])
    assert story.kind == "defective"
    assert story.eigenvalues == ((1.0, 0.0), (1.0, 0.0))
    assert story.eigenvectors == ((1.0, 0.0),)
    assert not story.diagonalizable
    assert story.basis.form == "shear"
    assert np.allclose(story.basis.M, [[1, 1], [0, 1]])
    assert [f.angle for f in story.fan if f.eigen] == pytest.approx([0, math.pi])


def test_quarter_turn_is_complex() -> None:
    story = story_of([[0, -1], [1, 0]])
    assert story.kind == "complex"
    assert story.eigenvalues == ((0.0, 1.0), (0.0, -1.0))
    assert story.eigenvectors == ()
    assert story.rotation_angle == pytest.approx(math.pi / 2)
    assert story.scale == pytest.approx(1.0)
    assert story.rotation_exact
    # every vector turns a quarter turn: knocked off its span by exactly pi/2
    assert all(f.knock_off_angle == pytest.approx(math.pi / 2) for f in story.fan)
    assert not any(f.eigen for f in story.fan)


def test_clockwise_turn_has_negative_angle() -> None:
    story = story_of([[0, 1], [-1, 0]])
    assert story.rotation_angle == pytest.approx(-math.pi / 2)


def test_complex_not_a_rotation_of_the_plane() -> None:
    # lambda = 1 +/- i sqrt 6, r = sqrt(det) = sqrt 7; only a rotation in the skewed basis P.
    story = story_of([[1, -2], [3, 1]])
    assert story.kind == "complex"
    assert story.eigenvalues[0] == pytest.approx((1.0, math.sqrt(6)))
    assert story.scale == pytest.approx(math.sqrt(7))
    assert story.rotation_angle == pytest.approx(math.atan2(math.sqrt(6), 1))
    assert story.rotation_exact is False
    assert np.linalg.det(np.array(story.basis.P)) > 0


def test_zero_eigenvalue_squashes_a_direction() -> None:
    # rank 1: lambda = tr = 5 along (1, 2), lambda = 0 along (2, -1)
    story = story_of([[1, 2], [2, 4]])
    assert story.kind == "distinct-real"
    assert story.eigenvalues == ((5.0, 0.0), (0.0, 0.0))
    assert story.zero_eigenvalue
    assert np.allclose(story.eigenvectors[1], np.array([2, -1]) / math.sqrt(5))
    assert story.notes[1] == "squashed to the origin"
    assert story.length_ratio[1] == pytest.approx(0, abs=1e-15)
    assert story.ellipse.shape == "segment"
    assert story.ellipse.semi_axes == pytest.approx((5.0, 0.0), abs=1e-12)


def test_negative_eigenvalue_flips_along_the_line() -> None:
    story = story_of([[-1, 0], [0, 2]])
    assert story.eigenvalues == ((2.0, 0.0), (-1.0, 0.0))
    assert story.eigenvectors == ((0.0, 1.0), (1.0, 0.0))
    assert story.negative_eigenvalue and not story.zero_eigenvalue
    assert story.notes[1] == "flipped along its line"
    flipped = [f for f in story.fan if f.eigen_index == 1]
    for f in flipped:
        assert np.allclose(f.image, -np.array(f.vector))


@pytest.mark.parametrize(
    "rows",
    [[[3, 1], [0, 2]], [[2, 0], [0, 2]], [[1, 1], [0, 1]], [[0, -1], [1, 0]], [[1, 2], [2, 4]], [[-1, 0], [0, 2]],
     [[6, 2], [1, 5]], [[0, 0], [0, 0]], [[0, 1], [0, 0]], [[1, -2], [3, 1]], [[1e5, 1], [0, 1e5]], [[1e-4, 0], [0, 2e-4]]],
)
def test_fixed_cases_have_every_property(rows) -> None:
    check_story(np.array(rows, dtype=float))


def test_large_entries_zoom_out_to_fit() -> None:
    story = story_of([[6, 2], [1, 5]])
    # sigma_1 = 7.07 and the eigenbasis square D [-1, 1]^2 reaches |(7, 4)| = 8.06 > STANDARD_RADIUS
    assert story.fit.zoomed_out
    assert story.fit.zoom < 1
    assert story.fit.view_radius >= math.hypot(7, 4)
    assert not story_of([[3, 1], [0, 2]]).fit.zoomed_out
    # a small picture is shown larger, but never so large that the unit circle fills the view
    small = story_of([[0.5, 0], [0, 0.25]]).fit
    assert small.view_radius == MIN_VIEW_RADIUS and small.zoom > 1 and not small.zoomed_out


# -- the classification at its edges ----------------------------------------------------------------


def test_nearly_scalar_but_diagonal_is_distinct() -> None:
    # Two eigenvalues 1e-7 apart with two eigenvectors: judged against N, not against A.
    assert classify(np.diag([1 + 1e-7, 1.0])) == "distinct-real"
    assert classify(np.array([[1.0, 1e-7], [0.0, 1.0]])) == "defective"
    assert classify(np.array([[1.0, 1e-12], [0.0, 1.0]])) == "repeated-scalar"


def test_gap_threshold() -> None:
    # Half-gap / ||N|| just above and below DEFECTIVE_TOL: [[0, 1], [eps, 0]] has lambda = +/- sqrt(eps).
    assert classify(np.array([[0.0, 1.0], [(10 * DEFECTIVE_TOL) ** 2, 0.0]])) == "distinct-real"
    assert classify(np.array([[0.0, 1.0], [-(10 * DEFECTIVE_TOL) ** 2, 0.0]])) == "complex"
    assert classify(np.array([[0.0, 1.0], [(DEFECTIVE_TOL / 10) ** 2, 0.0]])) == "defective"


@SETTINGS
@given(int_matrices)
def test_kind_matches_the_exact_discriminant(a: np.ndarray) -> None:
    assert classify(a) == exact_kind(a)
    check_story(a)


@SETTINGS
@given(float_matrices)
def test_every_float_matrix(a: np.ndarray) -> None:
    check_story(a)
    disc = (a[0, 0] - a[1, 1]) ** 2 + 4 * a[0, 1] * a[1, 0]
    scale = spectral(a) ** 2
    if disc > 1e-6 * scale:
        assert classify(a) == "distinct-real"
    elif disc < -1e-6 * scale:
        assert classify(a) == "complex"


@SETTINGS
@given(int_matrices, st.sampled_from([1e-6, 1e-3, 7.0, 1e4]))
def test_kind_does_not_depend_on_scale(a: np.ndarray, c: float) -> None:
    assert classify(c * a) == classify(a)
    check_story(c * a)


@pytest.mark.parametrize("rows", [[[3, 1], [0, 2]], [[1, 1], [0, 1]], [[1, 2], [2, 4]], [[-1, 0], [0, 2]]])
def test_tiny_matrix_same_story_scaled(rows) -> None:
    # 1e-150 squared underflows: nothing may square the entries before normalising.
    a = np.array(rows, dtype=float)
    tiny, unit = eigen_story(1e-150 * a), eigen_story(a)
    assert tiny.kind == unit.kind
    assert np.allclose(tiny.eigenvectors, unit.eigenvectors)
    assert np.allclose(np.array(tiny.stretch) / 1e-150, unit.stretch)
    assert np.allclose(np.array(tiny.length_ratio) / 1e-150, unit.length_ratio)


@SETTINGS
@given(float_matrices)
def test_fan_spacing(a: np.ndarray) -> None:
    story = eigen_story(a)
    eigen_angles = [f.angle for f in story.fan if f.eigen_index is not None]
    for f in story.fan:
        if f.eigen_index is None:
            k = f.angle / (2 * math.pi / FAN_SIZE)
            assert k == pytest.approx(round(k), abs=1e-9)
            for e in eigen_angles:
                assert abs((f.angle - e + math.pi) % (2 * math.pi) - math.pi) >= FAN_CLEARANCE
        else:
            v = np.array(story.eigenvectors[f.eigen_index])
            assert abs(v[0] * f.vector[1] - v[1] * f.vector[0]) <= 1e-15


# -- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["[[1, 2, 3], [4, 5, 6], [7, 8, 9]]", "[[1, 2], [3]]", "[1, 2]", "5",
                                  "[[1, 2], [3, inf]]", "[[1, 2], [3, x]]"])
def test_bad_matrix_is_a_parameter_error(text: str) -> None:
    with pytest.raises(ParameterError) as err:
        registry.get("eigen").build_story({"matrix": text})
    assert err.value.key == "matrix"


def test_story_function_checks_its_input_too() -> None:
    with pytest.raises(ParameterError):
        eigen_story(np.eye(3))
    with pytest.raises(ParameterError):
        eigen_story(np.array([[1.0, np.nan], [0.0, 1.0]]))


def test_json_has_the_documented_keys() -> None:
    data = json.loads(story_of([[3, 1], [0, 2]]).to_json())
    for key in ("matrix", "kind", "eigenvalues", "eigenvectors", "stretch", "fan", "rotation_angle", "scale",
                "zero_eigenvalue", "negative_eigenvalue", "ellipse", "P", "D", "fit"):
        assert key in data
    assert set(data["fan"][0]) >= {"angle", "image", "knock_off_angle"}
