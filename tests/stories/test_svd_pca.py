"""The svd_pca story against numpy's svd/eigh, closed forms, brute force over angles and seeded simulation."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mathviz.params import ParameterError
from mathviz.pipeline import registry
from mathviz.pipeline.cli import cli
from mathviz.stories.svd_pca import (
    FIT_MARGIN,
    MAX_START_REACH,
    PARAMS,
    ZOOM_IN_BELOW,
    SvdPcaStory,
    decompose,
    directional_variance,
    rotation,
    step_matrix,
    svd_pca_story,
)

SETTINGS = settings(max_examples=120, derandomize=True, deadline=None)

entries = st.floats(min_value=-10, max_value=10, allow_nan=False, allow_infinity=False).map(
    lambda x: x if abs(x) >= 1e-6 else 0.0)
float_matrices = st.lists(entries, min_size=4, max_size=4).map(lambda xs: np.array(xs).reshape(2, 2))
int_matrices = st.lists(st.integers(-4, 4), min_size=4, max_size=4).map(
    lambda xs: np.array(xs, dtype=float).reshape(2, 2))

SPEC = registry.get("svd_pca")


def story_for(**overrides: str) -> SvdPcaStory:
    story = SPEC.build_story(overrides)
    assert isinstance(story, SvdPcaStory)
    return story


def svd_of(rows):
    return story_for(matrix=str(rows)).svd


def circle_points(count: int = 2000) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, count, endpoint=False)
    return np.stack([np.cos(t), np.sin(t)])


def check_svd(a: np.ndarray) -> None:
    """Properties of every decomposition, whatever the matrix."""
    part = story_for(matrix=json.dumps(a.tolist())).svd
    norm = max(float(np.linalg.norm(a, 2)), 1e-300)
    tol = 1e-8 * norm
    u, v, vt = np.array(part.U), np.array(part.V), np.array(part.Vt)
    sigma = np.array(part.sigma)

    # A = U Sigma V^T, U and V orthogonal, V^T the transpose of V
    np.testing.assert_allclose(u @ np.diag(sigma) @ vt, a, atol=tol)
    np.testing.assert_allclose(u.T @ u, np.eye(2), atol=1e-9)
    np.testing.assert_allclose(v.T @ v, np.eye(2), atol=1e-9)
    np.testing.assert_array_equal(vt, v.T)
    # singular values: numpy's, sorted, non-negative
    np.testing.assert_allclose(sigma, np.linalg.svd(a, compute_uv=False), atol=tol)
    assert sigma[0] >= sigma[1] >= 0

    # signs: V a rotation with the shorter first turn; U a rotation unless det A < 0
    assert np.linalg.det(v) == pytest.approx(1.0, abs=1e-9)
    assert -math.pi / 2 < -part.rotation_in <= math.pi / 2 + 1e-12
    np.testing.assert_allclose(v, rotation(-part.rotation_in), atol=1e-9)
    flip = np.diag([1.0, -1.0]) if part.reflection else np.eye(2)
    np.testing.assert_allclose(u, rotation(part.rotation_out) @ flip, atol=1e-9)
    assert part.reflection == (np.linalg.det(u) < 0)
    if part.reflection:
        assert np.linalg.det(a) < 0 and not part.singular
    if np.linalg.det(a) > tol * norm:
        assert not part.reflection
    assert part.rotation_in_degrees == pytest.approx(math.degrees(part.rotation_in))
    assert part.rotation_out_degrees == pytest.approx(math.degrees(part.rotation_out))

    # A v_i = sigma_i u_i, and the images are what the story says
    for vi, ui, s, image in zip(part.right_vectors, part.left_vectors, sigma, part.images):
        np.testing.assert_allclose(a @ np.array(vi), s * np.array(ui), atol=tol)
        np.testing.assert_allclose(image, a @ np.array(vi), atol=tol)

    # the steps compose to A; each starts where the last ended; the last is A on the plane
    steps = part.steps
    np.testing.assert_array_equal(steps[0].before, np.eye(2))
    for first, second in zip(steps, steps[1:]):
        np.testing.assert_array_equal(first.after, second.before)
    np.testing.assert_allclose(steps[-1].after, a, atol=tol)
    assert [s.name for s in steps] == ["rotate-in", "stretch", *(["flip"] if part.reflection else []), "rotate-out"]
    for step in steps:
        np.testing.assert_array_equal(step_matrix(step, 0.0), step.before)
        np.testing.assert_array_equal(step_matrix(step, 1.0), step.after)
        np.testing.assert_allclose(step_matrix(step, 1.0 - 1e-9), step.after, atol=1e-7 * max(norm, 1.0))

    # the circle after Sigma: an axis-aligned ellipse with semi-axes sigma_1, sigma_2
    after_sigma = np.array(steps[1].after) @ circle_points()
    np.testing.assert_allclose(np.abs(after_sigma).max(axis=1), sigma, rtol=1e-5, atol=1e-12 * norm)
    if sigma[1] > 0:
        level = (after_sigma[0] / sigma[0]) ** 2 + (after_sigma[1] / sigma[1]) ** 2
        np.testing.assert_allclose(level, 1.0, atol=1e-9)
    # A's image of the circle: farthest point sigma_1, nearest sigma_2 (reference: eigvalsh of A^T A);
    # samples 2 pi / 2000 apart miss the extremes by at most sigma_1 pi / 2000 in radius
    radii = np.linalg.norm(a @ circle_points(2000), axis=0)
    reference = np.sqrt(np.clip(np.linalg.eigvalsh(a.T @ a), 0, None))[::-1]
    assert radii.max() == pytest.approx(reference[0], rel=1e-5, abs=1e-7 * norm)
    assert radii.min() == pytest.approx(reference[1], rel=1e-5, abs=norm * math.pi / 2000)

    # the view holds what is drawn in it
    view = part.view
    assert view.start_radius >= FIT_MARGIN * 1.0
    if view.zoom == "none":
        assert view.end_radius == view.start_radius and view.start_radius >= FIT_MARGIN * sigma[0]
    else:
        assert view.end_radius == pytest.approx(FIT_MARGIN * sigma[0])
    assert view.factor == pytest.approx(view.end_radius / view.start_radius)
    json.loads(SPEC.build_story({"matrix": json.dumps(a.tolist())}).to_json())


# -- SVD: fixed cases worked by hand -------------------------------------------------------------------


def test_default_parameters() -> None:
    names = [p.name for p in PARAMS]
    assert names == ["matrix", "points", "stds", "angle", "mean", "seed"]
    story = story_for()
    assert story.svd.matrix == ((2.0, 2.0), (-0.5, 1.0))
    assert story.svd.shape == "ellipse" and not story.svd.reflection
    assert story.pca.count == 200


def test_diagonal_matrix_needs_no_rotation() -> None:
    part = svd_of([[3, 0], [0, 2]])
    assert part.sigma == (3.0, 2.0)
    assert part.rotation_in == 0 and part.rotation_out == 0
    assert part.shape == "ellipse"


def test_swapped_diagonal_turns_a_quarter() -> None:
    # diag(2, 3): sigma_1 = 3 belongs to e2, so V^T turns e2 onto the x-axis and U turns it back.
    part = svd_of([[2, 0], [0, 3]])
    assert part.sigma == pytest.approx((3.0, 2.0))
    assert part.rotation_in == pytest.approx(-math.pi / 2)
    assert part.rotation_out == pytest.approx(math.pi / 2)
    np.testing.assert_allclose(part.right_vectors[0], (0, 1), atol=1e-12)


def test_symmetric_matrix_has_u_equal_v() -> None:
    # symmetric positive definite: the SVD is the eigendecomposition, U = V
    part = svd_of([[2, 1], [1, 2]])
    assert part.sigma == pytest.approx((3.0, 1.0))
    np.testing.assert_allclose(part.U, part.V, atol=1e-12)
    np.testing.assert_allclose(part.right_vectors[0], np.array([1, 1]) / math.sqrt(2), atol=1e-12)


def test_negative_determinant_puts_the_reflection_in_u() -> None:
    # [[1, 2], [3, 1]]: det = -5, sigma_1 sigma_2 = |det A|
    part = svd_of([[1, 2], [3, 1]])
    assert part.reflection
    assert part.sigma[0] * part.sigma[1] == pytest.approx(5.0)
    assert np.linalg.det(np.array(part.U)) == pytest.approx(-1.0)
    assert [s.name for s in part.steps] == ["rotate-in", "stretch", "flip", "rotate-out"]
    # the flip passes through flat: halfway it is singular
    assert abs(np.linalg.det(step_matrix(part.steps[2], 0.5))) < 1e-12


def test_singular_matrix_collapses_the_circle_to_a_segment() -> None:
    part = svd_of([[1, 2], [2, 4]])
    assert part.shape == "segment" and part.singular
    assert part.sigma == pytest.approx((5.0, 0.0), abs=1e-12)
    assert part.sigma[1] == 0.0
    assert not part.reflection
    # the segment: every image point lies on the line of u_1 within sigma_1
    image = np.array([[1, 2], [2, 4]]) @ circle_points()
    u1 = np.array(part.left_vectors[0])
    assert np.abs(u1[0] * image[1] - u1[1] * image[0]).max() < 1e-12
    np.testing.assert_allclose(u1, np.array([1, 2]) / math.sqrt(5), atol=1e-12)


def test_zero_matrix_is_a_point() -> None:
    part = svd_of([[0, 0], [0, 0]])
    assert part.shape == "point" and part.sigma == (0.0, 0.0)
    assert part.view.zoom == "none"


@pytest.mark.parametrize("angle", [0.0, 0.3, math.pi / 2, 2.5, -1.0])
def test_scaled_rotation_has_repeated_singular_values(angle: float) -> None:
    # A = 2 R(angle): every direction is singular; V = I and U = R(angle) does all the turning
    a = 2 * rotation(angle)
    part = story_for(matrix=json.dumps(a.tolist())).svd
    assert part.repeated and part.shape == "circle"
    assert part.sigma == pytest.approx((2.0, 2.0))
    np.testing.assert_array_equal(part.V, np.eye(2))
    assert part.rotation_out == pytest.approx(angle)
    check_svd(a)


def test_scaled_reflection_has_repeated_singular_values() -> None:
    a = 1.5 * rotation(0.7) @ np.diag([1.0, -1.0])
    part = story_for(matrix=json.dumps(a.tolist())).svd
    assert part.repeated and part.reflection
    check_svd(a)


@pytest.mark.parametrize(
    "rows",
    [[[2, 2], [-0.5, 1]], [[3, 0], [0, 2]], [[1, 2], [3, 1]], [[1, 2], [2, 4]], [[0, 0], [0, 0]], [[0, 1], [0, 0]],
     [[-1, 0], [0, -1]], [[0, -3], [3, 0]], [[1e5, 1], [0, -1e5]], [[1e-4, 0], [0, 2e-5]], [[-2, 1], [1, 3]],
     [[0, 0], [1, 0]]],
)
def test_fixed_cases_have_every_property(rows) -> None:
    check_svd(np.array(rows, dtype=float))


@SETTINGS
@given(float_matrices)
def test_every_float_matrix(a: np.ndarray) -> None:
    check_svd(a)


@SETTINGS
@given(int_matrices)
def test_every_small_integer_matrix(a: np.ndarray) -> None:
    check_svd(a)
    part = svd_of(a.tolist())
    # integer matrices are singular exactly when det = 0
    assert part.singular == (round(np.linalg.det(a)) == 0)


@pytest.mark.parametrize("rows", [[[2, 2], [-0.5, 1]], [[1, 2], [3, 1]], [[1, 2], [2, 4]]])
@pytest.mark.parametrize("scale", [1e-150, 1e-6, 1e6])
def test_same_decomposition_at_any_scale(rows, scale: float) -> None:
    a = np.array(rows, dtype=float)
    small, unit = decompose(scale * a), decompose(a)
    np.testing.assert_allclose(small[0], unit[0], atol=1e-9)
    np.testing.assert_allclose(small[2], unit[2], atol=1e-9)
    np.testing.assert_allclose(small[1] / scale, unit[1], rtol=1e-9, atol=1e-12)
    assert small[3] == unit[3]


def test_view_zooms_out_for_a_large_ellipse_and_in_for_a_tiny_one() -> None:
    big = svd_of([[40, 0], [0, 1]]).view
    assert big.zoom == "out" and big.start_radius == pytest.approx(FIT_MARGIN * MAX_START_REACH)
    assert big.end_radius == pytest.approx(FIT_MARGIN * 40)
    tiny = svd_of([[0.01, 0], [0, 0.002]]).view
    assert tiny.zoom == "in" and tiny.start_radius == pytest.approx(FIT_MARGIN)
    assert tiny.end_radius == pytest.approx(FIT_MARGIN * 0.01)
    mid = svd_of([[2, 2], [-0.5, 1]]).view
    assert mid.zoom == "none"
    # just inside the bounds: no zoom
    assert svd_of([[MAX_START_REACH, 0], [0, 1]]).view.zoom == "none"
    assert svd_of([[ZOOM_IN_BELOW, 0], [0, 0.1]]).view.zoom == "none"


# -- PCA ---------------------------------------------------------------------------------------------


PCA_CASES = [
    {},
    {"stds": "[1, 0.2]", "angle": "-70", "points": "50", "seed": "3"},
    {"stds": "[0.5, 3]", "angle": "10", "mean": "[-4, 2]", "seed": "11"},
    {"stds": "[1, 1]", "seed": "5"},
    {"stds": "[2, 0]", "angle": "45"},
    {"stds": "[300, 20]", "mean": "[900, -900]", "points": "500"},
]


def sample_covariance(points: np.ndarray) -> np.ndarray:
    """np.cov: the independent reference for the covariance."""
    return np.cov(points.T, ddof=1)


@pytest.mark.parametrize("overrides", PCA_CASES, ids=[str(i) for i in range(len(PCA_CASES))])
def test_principal_axes_are_the_covariance_eigenvectors(overrides) -> None:
    pca = story_for(**overrides).pca
    points = np.array(pca.points)
    cov = sample_covariance(points)
    values, vectors = np.linalg.eigh(cov)  # ascending
    scale = max(values[1], 1e-300)
    np.testing.assert_allclose(pca.variances, values[::-1], rtol=1e-9, atol=1e-12 * scale)
    assert pca.total_variance == pytest.approx(np.trace(cov), rel=1e-9)
    axes = np.array(pca.axes)
    if values[1] - values[0] > 1e-6 * scale:
        for w, ref in zip(axes, vectors.T[::-1]):
            assert abs(abs(w @ ref) - 1) < 1e-9  # equal up to sign
    # orthonormal, right-handed, w_1 in the upper half-plane at pc1_degrees
    np.testing.assert_allclose(axes @ axes.T, np.eye(2), atol=1e-12)
    assert np.linalg.det(axes.T) == pytest.approx(1.0)
    assert 0 <= pca.pc1_degrees < 180
    np.testing.assert_allclose(axes[0], [math.cos(math.radians(pca.pc1_degrees)),
                                         math.sin(math.radians(pca.pc1_degrees))], atol=1e-12)
    # explained ratio: lambda_1 / (lambda_1 + lambda_2) from the reference eigenvalues
    assert pca.explained_ratio == pytest.approx(values[1] / values.sum(), rel=1e-9)
    # centring: the centred points have mean zero and are the points less the sample mean
    centred = np.array(pca.centred)
    np.testing.assert_allclose(centred.mean(axis=0), 0, atol=1e-9 * math.sqrt(scale) + 1e-12)
    np.testing.assert_allclose(centred, points - points.mean(axis=0), atol=1e-9 * np.abs(points).max())


@pytest.mark.parametrize("overrides", PCA_CASES, ids=[str(i) for i in range(len(PCA_CASES))])
def test_projection_variance_is_largest_along_pc1(overrides) -> None:
    pca = story_for(**overrides).pca
    centred = np.array(pca.centred)
    # brute force: the variance of the projections over a fine half turn of directions
    angles = np.linspace(0, 180, 3601, endpoint=False)
    d = np.stack([np.cos(np.radians(angles)), np.sin(np.radians(angles))])
    variance = (centred @ d).var(axis=0, ddof=1)
    best = angles[int(np.argmax(variance))]
    assert variance.max() <= pca.variances[0] * (1 + 1e-9)
    assert variance.max() == pytest.approx(pca.variances[0], rel=1e-5)
    if not pca.axis_arbitrary:
        gap = abs((best - pca.pc1_degrees + 90) % 180 - 90)
        assert gap <= 0.05 + 1e-9
    # the closed form and the story's sweep agree with the direct measurement
    for sample in pca.sweep:
        direct = float(np.var(centred @ [math.cos(math.radians(sample.degrees)),
                                         math.sin(math.radians(sample.degrees))], ddof=1))
        assert sample.variance == pytest.approx(direct, rel=1e-9, abs=1e-12 * pca.variances[0])
        assert directional_variance(pca, sample.degrees) == pytest.approx(direct, rel=1e-9,
                                                                          abs=1e-9 * pca.variances[0])
    assert max(s.variance for s in pca.sweep) == max(s.variance for s in pca.sweep
                                                     if s.degrees == pca.sweep_max_degrees)
    assert directional_variance(pca, pca.pc1_degrees) == pytest.approx(pca.variances[0])
    assert directional_variance(pca, pca.pc1_degrees + 90) == pytest.approx(pca.variances[1],
                                                                              abs=1e-12 * pca.variances[0])


@pytest.mark.parametrize("overrides", PCA_CASES, ids=[str(i) for i in range(len(PCA_CASES))])
def test_projected_points_lie_on_the_first_axis(overrides) -> None:
    pca = story_for(**overrides).pca
    w1 = np.array(pca.axes[0])
    centred, projected, scores = np.array(pca.centred), np.array(pca.projected), np.array(pca.scores)
    reach = np.abs(centred).max()
    assert np.abs(projected[:, 0] * w1[1] - projected[:, 1] * w1[0]).max() <= 1e-12 * reach
    np.testing.assert_allclose(projected, np.outer(scores, w1), atol=1e-12 * reach)
    # the projection is orthogonal: what is removed is perpendicular to w_1
    assert np.abs((centred - projected) @ w1).max() <= 1e-9 * reach
    assert pca.projected_variance == pytest.approx(pca.variances[0], rel=1e-9)


def test_seeded_cloud_is_deterministic_and_the_seed_matters() -> None:
    a, b = story_for(seed="42").pca, story_for(seed="42").pca
    assert a == b
    assert story_for(seed="43").pca.points != a.points
    assert SPEC.build_story({"seed": "42"}).to_json() == SPEC.build_story({"seed": "42"}).to_json()


def test_cloud_matches_its_distribution() -> None:
    # 500 points, stds (2, 0.5) at 30 degrees around (1, -1): the sample mean within 4 standard
    # errors, the covariance eigenvalues within 5 standard errors (sqrt(2 / (n - 1)) relative).
    pca = story_for(points="500", stds="[2, 0.5]", angle="30", mean="[1, -1]", seed="123").pca
    n = 500
    r = rotation(math.radians(30))
    population = r @ np.diag([4.0, 0.25]) @ r.T
    se_mean = np.sqrt(np.diag(population) / n)
    assert np.all(np.abs(np.array(pca.sample_mean) - [1, -1]) < 4 * se_mean)
    rel = 5 * math.sqrt(2 / (n - 1))
    assert pca.variances[0] == pytest.approx(4.0, rel=rel)
    assert pca.variances[1] == pytest.approx(0.25, rel=rel)
    assert abs(pca.pc1_degrees - 30) < 5


def test_equal_spread_flags_an_arbitrary_axis() -> None:
    assert story_for(stds="[1, 1]").pca.axis_arbitrary
    assert not story_for().pca.axis_arbitrary


def test_collinear_cloud_is_explained_by_one_axis() -> None:
    pca = story_for(stds="[2, 0]", angle="45").pca
    assert pca.collinear and pca.variances[1] == 0.0 and pca.explained_ratio == 1.0
    assert pca.pc1_degrees == pytest.approx(45)


def test_view_holds_both_clouds_and_zooms_in_after_centring_a_far_cloud() -> None:
    for overrides in PCA_CASES:
        pca = story_for(**overrides).pca
        reach = max(np.abs(pca.points).max(), np.abs(pca.centred).max())
        assert pca.view_radius >= reach
        assert pca.centred_view_radius >= np.abs(pca.centred).max()
        assert pca.centred_view_radius >= 2 * math.sqrt(pca.variances[0])
    far = story_for(stds="[1, 0.3]", mean="[40, 30]").pca
    assert far.zoom_after_centring and far.centred_view_radius < far.view_radius / 2
    assert not story_for().pca.zoom_after_centring


# -- bad input ---------------------------------------------------------------------------------------


BAD = [
    ({"matrix": "[[1, 2, 3], [4, 5, 6], [7, 8, 9]]"}, "matrix"),
    ({"matrix": "[[1, 2], [3]]"}, "matrix"),
    ({"matrix": "[[1, 2], [3, nan]]"}, "matrix"),
    ({"points": "5"}, "points"),
    ({"points": "100000"}, "points"),
    ({"points": "12.5"}, "points"),
    ({"stds": "[0, 0]"}, "stds"),
    ({"stds": "[-1, 2]"}, "stds"),
    ({"stds": "[1, 2, 3]"}, "stds"),
    ({"stds": "[1e9, 1]"}, "stds"),
    ({"angle": "abc"}, "angle"),
    ({"angle": "1000"}, "angle"),
    ({"mean": "[1]"}, "mean"),
    ({"seed": "-1"}, "seed"),
    ({"spread": "2"}, "spread"),
    ({"stds": "[1e-9, 0]"}, "stds"),
    ({"matrix": "[[1e-7, 0], [0, 0]]"}, "matrix"),
]


@pytest.mark.parametrize(("overrides", "key"), BAD, ids=[str(o) for o, _ in BAD])
def test_bad_input_is_a_parameter_error(overrides, key: str) -> None:
    with pytest.raises(ParameterError) as err:
        SPEC.build_story(overrides)
    assert err.value.key == key


@pytest.mark.parametrize(("overrides", "key"), BAD[:8:3], ids=[str(o) for o, _ in BAD[:8:3]])
def test_bad_input_on_the_command_line_is_one_line(overrides, key: str) -> None:
    args = ["numbers", "svd_pca"] + [x for k, v in overrides.items() for x in ("--set", f"{k}={v}")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {key}")


def test_story_function_checks_its_input_too() -> None:
    good: dict[str, Any] = dict(points=50, stds=np.array([1.0, 0.5]), angle=0.0, mean=np.zeros(2), seed=1)
    with pytest.raises(ParameterError):
        svd_pca_story(np.eye(3), **good)
    with pytest.raises(ParameterError):
        svd_pca_story(np.array([[1.0, np.inf], [0, 1]]), **good)
    with pytest.raises(ParameterError):
        svd_pca_story(np.eye(2), **{**good, "points": 2})


def test_json_has_the_documented_keys() -> None:
    data = json.loads(SPEC.build_story().to_json())
    assert set(data) == {"svd", "pca"}
    assert {"U", "sigma", "V", "rotation_in_degrees", "rotation_out_degrees", "reflection", "shape", "steps",
            "view"} <= set(data["svd"])
    assert {"points", "centred", "axes", "variances", "explained_ratio", "projected", "sweep",
            "axis_arbitrary"} <= set(data["pca"])
