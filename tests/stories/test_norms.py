"""mathviz.stories.norms against numpy's norms and solver, closed forms, and the inequalities every norm obeys."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from mathviz.params import ParameterError
from mathviz.pipeline import registry
from mathviz.pipeline.cli import cli
from mathviz.stories.norms import (
    BALL_SAMPLES,
    FIT_MARGIN,
    LATTICE_LINES,
    MAX_P,
    MIN_BASIS_ANGLE,
    PARAMS,
    clip_line,
    dual_exponent,
    norms_story,
    p_norm,
    slider_values,
    square_gap,
    unit_ball,
)

SETTINGS = settings(max_examples=50, deadline=None, derandomize=True)

entries = st.floats(-100, 100, allow_nan=False, allow_infinity=False).map(lambda x: x if abs(x) >= 1e-3 else 0.0)
vectors = st.tuples(entries, entries).map(np.array)
exponents = st.one_of(st.just(1.0), st.just(2.0), st.just(math.inf), st.floats(1.0, 60.0))
INF = math.inf


def story(**overrides: str):
    return registry.get("norms").build_story(overrides)


def default_params() -> dict:
    return {p.name: p.parse(p.default) for p in PARAMS}


# -- p-norms ----------------------------------------------------------------------------------------


@SETTINGS
@given(vectors, st.sampled_from([1, 2, INF]))
def test_p_norm_matches_numpy(x, p) -> None:
    assert p_norm(x, p) == pytest.approx(np.linalg.norm(x, ord=p), rel=1e-12, abs=1e-300)


@SETTINGS
@given(vectors, st.floats(1.0, 60.0))
def test_general_p_matches_numpy(x, p) -> None:
    assert p_norm(x, p) == pytest.approx(np.linalg.norm(x, ord=p), rel=1e-10, abs=1e-300)


def test_large_p_and_large_entries_do_not_overflow() -> None:
    # numpy's sum(|x|^p)^(1/p) overflows here; the closed form is 1e6 * 2^(1/p)
    assert p_norm(np.array([1e6, 1e6]), 1000) == pytest.approx(1e6 * 2 ** (1 / 1000), rel=1e-12)
    assert p_norm(np.array([1e-200, 0.0]), 500) == pytest.approx(1e-200, rel=1e-12)
    assert p_norm(np.zeros(2), 3) == 0.0


@SETTINGS
@given(vectors, vectors, exponents)
def test_triangle_inequality(x, y, p) -> None:
    assert p_norm(x + y, p) <= (p_norm(x, p) + p_norm(y, p)) * (1 + 1e-12)


@SETTINGS
@given(vectors, vectors, exponents)
def test_holder_inequality(x, y, p) -> None:
    q = dual_exponent(p)
    assert 1 / p + 1 / q == pytest.approx(1.0)
    assert abs(x @ y) <= p_norm(x, p) * p_norm(y, q) * (1 + 1e-12) + 1e-12


@SETTINGS
@given(vectors, st.floats(1.0, 30.0), st.floats(1.0, 30.0))
def test_p_norm_never_grows_with_p(x, p, r) -> None:
    low, high = sorted((p, r))
    assert p_norm(x, high) <= p_norm(x, low) * (1 + 1e-12)
    assert p_norm(x, INF) <= p_norm(x, high) * (1 + 1e-12)


def test_p_below_one_breaks_the_triangle_inequality() -> None:
    # why p < 1 is refused: ||e1 + e2||_(1/2) = 4 > 2 = ||e1|| + ||e2||
    e1, e2 = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    assert p_norm(e1 + e2, 0.5) == pytest.approx(4.0)
    with pytest.raises(ParameterError, match="not a norm"):
        story(p="0.5")


# -- unit balls -------------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [1.0, 1.3, 2.0, 3.0, 16.0, 100.0, MAX_P, INF])
def test_unit_ball_points_have_norm_one(p) -> None:
    points = unit_ball(p)
    assert points.shape == (BALL_SAMPLES, 2)
    reference = INF if math.isinf(p) else p
    norms = [float(np.linalg.norm(x, ord=reference)) if p <= 100 or math.isinf(p) else p_norm(x, p) for x in points]
    np.testing.assert_allclose(norms, 1.0, rtol=1e-12)
    # one point per direction 2 pi k / n, counter-clockwise from (1, 0)
    angles = np.arctan2(points[:, 1], points[:, 0]) % (2 * math.pi)
    np.testing.assert_allclose(angles, 2 * math.pi * np.arange(BALL_SAMPLES) / BALL_SAMPLES, atol=1e-12)


def test_the_three_shapes() -> None:
    diamond, circle, square = unit_ball(1), unit_ball(2), unit_ball(INF)
    np.testing.assert_allclose(np.abs(diamond).sum(axis=1), 1.0)
    np.testing.assert_allclose(np.hypot(*circle.T), 1.0)
    np.testing.assert_allclose(np.abs(square).max(axis=1), 1.0)
    n = BALL_SAMPLES
    # the corners are samples: (1, 0), (0, 1), ... for the diamond, (1, 1), (-1, 1), ... for the square
    for k, corner in enumerate([(1, 0), (0, 1), (-1, 0), (0, -1)]):
        np.testing.assert_allclose(diamond[k * n // 4], corner, atol=1e-15)
    for k, corner in enumerate([(1, 1), (-1, 1), (-1, -1), (1, -1)]):
        np.testing.assert_allclose(square[n // 8 + k * n // 4], corner, atol=1e-15)


@pytest.mark.parametrize("p", [1.0, 1.5, 2.0, 4.0, 16.0, 250.0])
def test_square_gap_is_the_farthest_the_ball_stays_inside_the_square(p) -> None:
    points = unit_ball(p)
    gap = 1 - np.abs(points).max(axis=1)
    assert gap.max() == pytest.approx(square_gap(p), rel=1e-12)
    assert square_gap(p) == pytest.approx(1 - 2 ** (-1 / p), rel=1e-12)


def test_balls_approach_the_square_as_p_grows() -> None:
    square = unit_ball(INF)
    distances = [np.max(np.abs(unit_ball(p) - square)) for p in (1, 2, 4, 16, 64, 256, MAX_P)]
    assert all(a > b for a, b in zip(distances, distances[1:]))
    assert distances[-1] < 1e-3
    # and the largest distance (on the diagonals) is sqrt(2) (1 - 2^(-1/p))
    assert distances[3] == pytest.approx(square_gap(16), rel=1e-9)
    assert square_gap(INF) == 0.0


@pytest.mark.parametrize("p", [1.0, 1.2, 2.0, 3.0, 16.0, MAX_P])
def test_slider_runs_from_one_to_p_through_the_circle(p) -> None:
    values = slider_values(p)
    assert values[0] == 1.0 and values[-1] == p
    assert all(a < b for a, b in zip(values, values[1:]))
    if p > 2:
        assert 2.0 in values
    s = norms_story(**{**default_params(), "p": p})
    assert [ball.p for ball in s.slider] == list(values)
    for ball in s.slider:
        np.testing.assert_allclose([p_norm(np.array(x), ball.p) for x in ball.points], 1.0, rtol=1e-12)


def test_slider_at_one_stays_on_the_diamond() -> None:
    assert slider_values(1.0) == (1.0,)
    assert [b.p for b in story(p="1").slider] == [1.0]


# -- the norms of v ---------------------------------------------------------------------------------


@SETTINGS
@given(vectors)
def test_story_norms_match_numpy(v) -> None:
    s = norms_story(**{**default_params(), "vector": v})
    assert s.norms.l1 == pytest.approx(np.linalg.norm(v, 1), rel=1e-12)
    assert s.norms.l2 == pytest.approx(np.linalg.norm(v, 2), rel=1e-12)
    assert s.norms.linf == pytest.approx(np.linalg.norm(v, INF), rel=1e-12)
    assert s.norms.linf <= s.norms.l2 <= s.norms.l1 <= 2 * s.norms.linf


def test_default_norms_by_hand() -> None:
    s = story()
    assert s.vector == (3.0, 1.0) and s.other == (1.0, 2.0)
    assert (s.norms.l1, s.norms.linf) == (4.0, 3.0)
    assert s.norms.l2 == pytest.approx(math.sqrt(10))


# -- inner product, projection, orthogonality -------------------------------------------------------


@SETTINGS
@given(vectors, vectors)
# Found by hypothesis: u nearly along v, so u - proj is tiny and loses digits to cancellation.
@example(np.array([1.0, 0.0]), np.array([70.70653403798528, 0.0078125]))
def test_inner_product_angle_and_projection(u, v) -> None:
    inner = norms_story(**{**default_params(), "vector": v, "other": u}).inner
    assert inner.dot == pytest.approx(float(u @ v), rel=1e-12, abs=1e-12)
    # Cauchy-Schwarz
    assert abs(inner.dot) <= inner.norm_u * inner.norm_v * (1 + 1e-12)
    if not (u.any() and v.any()):
        assert not inner.angle_defined
        assert inner.cos is None and inner.angle is None and inner.angle_degrees is None
    else:
        cos = u @ v / (np.linalg.norm(u) * np.linalg.norm(v))
        assert inner.cos == pytest.approx(cos, abs=1e-12)
        assert inner.angle == pytest.approx(math.acos(np.clip(cos, -1, 1)), abs=1e-6)
        assert inner.angle is not None
        assert inner.angle_degrees == pytest.approx(math.degrees(inner.angle))
        assert inner.norms_cos == pytest.approx(inner.dot, rel=1e-12, abs=1e-9)
    if v.any():
        proj = (u @ v) / (v @ v) * v
        np.testing.assert_allclose(inner.projection, proj, rtol=1e-12, atol=1e-12)
        assert inner.scalar_projection == pytest.approx((u @ v) / np.linalg.norm(v), abs=1e-9)
        # the projection is the closest point of the line through v: u - proj is orthogonal to v
        leftover = np.array(inner.leftover)
        assert abs(leftover @ v) <= 1e-12 * max(1.0, float(np.linalg.norm(u) * np.linalg.norm(v)))
        t = np.linspace(-2, 2, 41) * (inner.coefficient or 1.0) + (inner.coefficient or 0.0)
        assert np.linalg.norm(leftover) <= min(float(np.linalg.norm(u - ti * v)) for ti in t) + 1e-9
    else:
        assert inner.projection == (0.0, 0.0) and inner.coefficient is None
    if inner.pair is not None:
        a, b = (np.array(x) for x in inner.pair)
        assert inner.orthogonal_dot == 0.0
        assert abs(a @ b) <= 1e-12 * np.linalg.norm(a) * np.linalg.norm(b)
        assert np.linalg.norm(b) > 0 and np.linalg.norm(a) > 0
    json.loads(norms_story(**{**default_params(), "vector": v, "other": u}).to_json())


def test_default_angle_is_45_degrees() -> None:
    # u . v = 3 + 2 = 5 and |u| |v| = sqrt(5) sqrt(10) = 5 sqrt(2): cos = 1/sqrt(2)
    inner = story().inner
    assert inner.dot == 5.0
    assert inner.angle_degrees == pytest.approx(45.0)
    assert inner.coefficient == pytest.approx(0.5)
    assert inner.projection == pytest.approx((1.5, 0.5))
    assert inner.orthogonal_kind == "leftover"
    assert inner.pair == ((3.0, 1.0), pytest.approx((-0.5, 1.5)))
    assert inner.corner == pytest.approx((1.5, 0.5))


def test_zero_vector_has_no_angle_and_no_nan() -> None:
    s = story(vector="[0, 0]")
    assert s.vector_is_zero and not s.inner.angle_defined
    assert s.inner.orthogonal_kind == "zero-v"
    assert s.inner.pair == ((1.0, 2.0), (-2.0, 1.0))
    assert s.norms.l1 == s.norms.l2 == s.norms.linf == 0.0
    assert s.coordinates.coefficients == (0.0, 0.0)
    text = s.to_json()
    assert "NaN" not in text and "Infinity" not in text
    both = story(vector="[0, 0]", other="[0, 0]")
    assert both.inner.pair is None and both.inner.orthogonal_dot is None
    u_zero = story(other="[0, 0]")
    assert u_zero.inner.orthogonal_kind == "parallel" and u_zero.inner.cos is None


def test_parallel_u_has_nothing_left_over() -> None:
    inner = story(other="[-6, -2]").inner
    assert inner.orthogonal_kind == "parallel"
    assert inner.angle_degrees == pytest.approx(180.0)
    assert inner.leftover == pytest.approx((0.0, 0.0), abs=1e-12)
    assert inner.pair == ((3.0, 1.0), (-1.0, 3.0))
    assert inner.corner == (0.0, 0.0)


def test_orthogonal_inputs() -> None:
    inner = story(other="[-1, 3]").inner
    assert inner.dot == 0.0 and inner.angle_degrees == pytest.approx(90.0)
    assert inner.projection == (0.0, 0.0)
    assert inner.leftover == (-1.0, 3.0)


# -- coordinates in a basis -------------------------------------------------------------------------


def test_basis_columns_convention_by_hand() -> None:
    # B = [[1, 1], [0, 1]] has columns b1 = (1, 0), b2 = (1, 1); (3, 1) = 2 b1 + 1 b2
    c = story().coordinates
    assert c.columns == ((1.0, 0.0), (1.0, 1.0))
    assert c.coefficients == pytest.approx((2.0, 1.0))
    assert c.components == (pytest.approx((2.0, 0.0)), pytest.approx((1.0, 1.0)))
    assert c.det == pytest.approx(1.0)
    assert c.angle_degrees == pytest.approx(45.0)


def well_conditioned(b: np.ndarray) -> bool:
    cross = abs(b[0, 0] * b[1, 1] - b[1, 0] * b[0, 1])
    return all(np.abs(b[:, k]).max() >= 1e-3 for k in range(2)) and \
        math.atan2(cross, abs(b[:, 0] @ b[:, 1])) > MIN_BASIS_ANGLE * 1.01


bases = st.lists(st.floats(-10, 10, allow_nan=False).map(lambda x: x if abs(x) >= 1e-3 else 0.0),
                 min_size=4, max_size=4).map(lambda xs: np.array(xs).reshape(2, 2))


@SETTINGS
@given(bases, vectors)
def test_coordinates_match_numpy_solve(b, v) -> None:
    assume(well_conditioned(b))
    c = norms_story(**{**default_params(), "basis": b, "vector": v}).coordinates
    expected = np.linalg.solve(b, v)
    np.testing.assert_allclose(c.coefficients, expected, rtol=1e-9, atol=1e-9 * (1 + np.abs(expected).max()))
    np.testing.assert_allclose(np.add(*c.components), v, atol=1e-9 * (1 + np.abs(v).max()))
    np.testing.assert_allclose(c.components[0], c.coefficients[0] * b[:, 0], rtol=1e-12, atol=1e-300)
    assert c.det == pytest.approx(np.linalg.det(b))
    assert c.condition == pytest.approx(np.linalg.cond(b))


@SETTINGS
@given(bases, vectors)
def test_lattice_lines_are_the_basis_grid_clipped_to_the_view(b, v) -> None:
    assume(well_conditioned(b))
    s = norms_story(**{**default_params(), "basis": b, "vector": v})
    radius = s.basis_view.radius
    inverse = np.linalg.inv(b)
    for family in range(2):
        lines = [line for line in s.lattice if line.family == family]
        step = s.lattice_steps[family]
        assert step >= 1 and lines
        along = b[:, 1 - family]
        assert step * abs(np.linalg.det(b)) / np.linalg.norm(along) >= 2 * radius / LATTICE_LINES * (1 - 1e-9)
        assert len(lines) <= 2 * LATTICE_LINES
        values = [line.value for line in lines]
        np.testing.assert_allclose(np.array(values) / step, np.round(np.array(values) / step), atol=1e-9)
        for line in lines:
            for end in (line.start, line.end):
                # on the view's edge, on the line c_family = value
                assert max(abs(end[0]), abs(end[1])) == pytest.approx(radius, rel=1e-9)
                tolerance = 1e-9 * (1 + abs(line.value)) * np.linalg.cond(b)
                assert (inverse @ np.array(end))[family] == pytest.approx(line.value, abs=tolerance)
        # the view's centre line c = 0 is drawn
        assert 0.0 in values


# -- the views --------------------------------------------------------------------------------------


@SETTINGS
@given(vectors, vectors, bases)
def test_views_hold_everything_drawn(v, u, b) -> None:
    assume(well_conditioned(b))
    s = norms_story(vector=v, other=u, basis=b, p=16)
    r = s.vector_view.radius
    inner = s.inner
    points = [v, u, inner.projection, (s.norms.l1, 0.0), (s.norms.linf, s.norms.linf)]
    if inner.pair is not None:
        points += [np.add(inner.corner, inner.pair[1]), inner.pair[0]]
    for point in points:
        assert np.abs(point).max() * FIT_MARGIN <= r * (1 + 1e-12)
    rb = s.basis_view.radius
    for point in [v, *s.coordinates.columns, *s.coordinates.components]:
        assert np.abs(point).max() * FIT_MARGIN <= rb * (1 + 1e-12)
    for fit in (s.ball_view, s.vector_view, s.basis_view):
        assert fit.radius / 5 <= fit.grid_step <= fit.radius / 2


@pytest.mark.parametrize("scale", [1e-4, 1e6])
def test_views_scale_with_huge_and_tiny_vectors(scale) -> None:
    s = norms_story(vector=np.array([3.0, 1.0]) * scale, other=np.array([1.0, 2.0]) * scale,
                    basis=np.array([[1.0, 1.0], [0.0, 1.0]]) * scale, p=16)
    base = story()
    assert s.vector_view.radius == pytest.approx(base.vector_view.radius * scale, rel=1e-12)
    assert s.inner.angle_degrees == pytest.approx(45.0)
    assert s.coordinates.coefficients == pytest.approx((2.0, 1.0))


def test_clip_line_keeps_exactly_the_part_inside_the_square() -> None:
    rng = np.random.default_rng(3)
    radius, misses = 1.5, 0
    for _ in range(300):
        point, direction = rng.normal(size=2) * 2, rng.normal(size=2)
        ends = clip_line(point, direction, radius)
        # sampled along the line: inside the square exactly between the two ends
        t = np.linspace(-40, 40, 8001) / np.linalg.norm(direction)
        inside = np.all(np.abs(point + t[:, None] * direction) <= radius, axis=1)
        if ends is None:
            misses += 1
            assert inside.sum() <= 1
            continue
        a, b = ends
        for end in (a, b):
            assert np.abs(end).max() == pytest.approx(radius, rel=1e-12)  # on the square's edge
            offset = end - point
            assert abs(offset[0] * direction[1] - offset[1] * direction[0]) <= 1e-9 * np.linalg.norm(direction)
        ta, tb = sorted(((a - point) @ direction, (b - point) @ direction))
        along = t * (direction @ direction)
        assert np.all(inside[(along > ta + 1e-9) & (along < tb - 1e-9)])
        assert not np.any(inside[(along < ta - 1e-6) | (along > tb + 1e-6)])
    assert 0 < misses < 300
    # a line along an axis, outside the square
    assert clip_line(np.array([0.0, 2.0]), np.array([1.0, 0.0]), 1.5) is None


# -- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("overrides", "key", "words"), [
    ({"p": "0.5"}, "p", "not a norm"),
    ({"p": "0"}, "p", "at least 1"),
    ({"p": "5000"}, "p", "at most"),
    ({"p": "inf"}, "p", "unknown name"),
    ({"basis": "[[1, 2], [2, 4]]"}, "basis", "det B = 0"),
    ({"basis": "[[1, 1.001], [1, 1]]"}, "basis", "condition number"),
    ({"basis": "[[0, 1], [0, 1]]"}, "basis", "zero vector"),
    ({"basis": "[[1, 1e-6], [0, 0]]"}, "basis", "too small"),
    ({"basis": "[[1, 2, 3], [4, 5, 6], [7, 8, 9]]"}, "basis", "2x2"),
    ({"vector": "[1, 2, 3]"}, "vector", "exactly 2"),
    ({"vector": "[1e-6, 0]"}, "vector", "too small"),
    ({"other": "[1, nan]"}, "other", ""),
    ({"other": "[[1, 2]]"}, "other", "flat list"),
])
def test_bad_input_is_a_parameter_error(overrides, key, words) -> None:
    with pytest.raises(ParameterError) as err:
        story(**overrides)
    assert err.value.key == key
    assert words in err.value.message


def test_nearly_parallel_message_names_det_and_condition() -> None:
    with pytest.raises(ParameterError) as err:
        story(basis="[[1, 1], [0, 0.01]]")
    message = err.value.message
    assert "det B = 0.01" in message and "degrees apart" in message
    assert "condition number 2" in message  # cond([[1, 1], [0, 0.01]]) = 200.0...


@pytest.mark.parametrize("args", [["--set", "p=0.5"], ["--set", "basis=[[2, 1], [4, 2]]"],
                                  ["--set", "vector=[1]"], ["--set", "other=[1e-9, 1e-9]"]])
def test_cli_bad_input_is_one_error_line(args) -> None:
    result = CliRunner().invoke(cli, ["numbers", "norms", *args])
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


def test_story_function_checks_its_input_too() -> None:
    params = default_params()
    with pytest.raises(ParameterError):
        norms_story(**{**params, "p": 0.9})
    with pytest.raises(ParameterError):
        norms_story(**{**params, "vector": np.array([1.0, np.inf])})
    with pytest.raises(ParameterError):
        norms_story(**{**params, "basis": np.eye(3)})
