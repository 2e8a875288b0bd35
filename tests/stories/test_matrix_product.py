"""mathviz.stories.matrix_product against numpy's @, the algebra of products, and the pictures it promises to draw."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mathviz.params import ParameterError
from mathviz.pipeline import registry
from mathviz.pipeline.cli import cli
from mathviz.stories.matrix_product import (
    BASE_ORDER_VIEW,
    BASE_VIEW,
    F_SHAPE,
    GRID_EXTENT,
    MAX_FIT,
    PARAMS,
    apply,
    commute,
    display_decimals,
    matrix_product_story,
    path_of,
    product,
    transform_path,
)

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)
EPS = np.finfo(float).eps

# Ordinary magnitudes: hypothesis would otherwise try 1e-300, whose products underflow.
entries = st.floats(min_value=-8, max_value=8, allow_nan=False, allow_infinity=False).map(
    lambda x: x if abs(x) >= 1e-6 else 0.0)
float_matrices = st.lists(entries, min_size=4, max_size=4).map(lambda xs: np.array(xs).reshape(2, 2))
int_matrices = st.lists(st.integers(-5, 5), min_size=4, max_size=4).map(
    lambda xs: np.array(xs, dtype=float).reshape(2, 2))
# Small enough that every story fits in frame (MAX_FIT): entries of AB stay below about 9.
small_int_matrices = st.lists(st.integers(-2, 2), min_size=4, max_size=4).map(
    lambda xs: np.array(xs, dtype=float).reshape(2, 2))


def rounding_bound(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Entrywise bound on the rounding error of a computed 2x2 product: 2 eps (|A||B|)."""
    return 2 * EPS * (np.abs(a) @ np.abs(b)) + 1e-300


def story(**overrides: str):
    return registry.get("matrix_product").build_story(overrides)


# -- the product ------------------------------------------------------------------------------------


@SETTINGS
@given(float_matrices, float_matrices)
def test_product_is_numpys_matmul(a, b):
    ab, _ = product(a, b)
    assert np.all(np.abs(ab - a @ b) <= rounding_bound(a, b))


@SETTINGS
@given(int_matrices, int_matrices)
def test_product_of_integer_matrices_is_exact(a, b):
    ab, _ = product(a, b)
    exact = [[sum(int(a[i, k]) * int(b[k, j]) for k in range(2)) for j in range(2)] for i in range(2)]
    np.testing.assert_array_equal(ab, np.array(exact, dtype=float))


@SETTINGS
@given(int_matrices, int_matrices, int_matrices)
def test_product_is_associative(a, b, c):
    # integers: every product is exact, so (AB)C and A(BC) agree bit for bit
    left, _ = product(product(a, b)[0], c)
    right, _ = product(a, product(b, c)[0])
    np.testing.assert_array_equal(left, right)


@SETTINGS
@given(float_matrices, float_matrices, float_matrices)
def test_product_is_associative_up_to_rounding(a, b, c):
    left, _ = product(product(a, b)[0], c)
    right, _ = product(a, product(b, c)[0])
    bound = 8 * EPS * (np.abs(a) @ np.abs(b) @ np.abs(c)) + 1e-300
    assert np.all(np.abs(left - right) <= bound)


@SETTINGS
@given(float_matrices, float_matrices)
def test_transpose_of_product_is_product_of_transposes_reversed(a, b):
    # (AB)^T = B^T A^T: the same two products summed in the same order, so exactly equal
    ab, _ = product(a, b)
    bt_at, _ = product(b.T, a.T)
    np.testing.assert_array_equal(ab.T, bt_at)


@SETTINGS
@given(float_matrices, float_matrices)
def test_det_of_product_is_product_of_dets(a, b):
    ab, _ = product(a, b)
    # det(AB) = det A det B, up to the rounding of the products and of the three determinants
    scale = float(np.linalg.norm(a, 2) * np.linalg.norm(b, 2)) ** 2
    assert np.linalg.det(ab) == pytest.approx(np.linalg.det(a) * np.linalg.det(b), abs=1e-12 * scale + 1e-300)


@SETTINGS
@given(float_matrices, float_matrices)
def test_each_entry_is_a_row_of_a_times_a_column_of_b(a, b):
    ab, entry_list = product(a, b)
    assert [(e.row, e.column) for e in entry_list] == [(1, 1), (1, 2), (2, 1), (2, 2)]
    for e in entry_list:
        i, j = e.row - 1, e.column - 1
        np.testing.assert_array_equal(e.a_row, a[i, :])
        np.testing.assert_array_equal(e.b_column, b[:, j])
        np.testing.assert_array_equal(e.terms, [a[i, 0] * b[0, j], a[i, 1] * b[1, j]])
        assert e.value == e.terms[0] + e.terms[1] == ab[i, j]
        assert e.value == pytest.approx(float(np.dot(a[i, :], b[:, j])), abs=2 * EPS * float(np.abs(e.terms).sum()))


def test_default_entries_worked_by_hand():
    # A = quarter turn [[0, -1], [1, 0]], B = shear [[1, 1], [0, 1]]:
    # (AB)_12 = 0*1 + (-1)*1 = -1, (AB)_22 = 1*1 + 0*1 = 1, so AB = [[0, -1], [1, 1]]; BA = [[1, -1], [1, 0]]
    s = story()
    np.testing.assert_array_equal(s.ab, [[0, -1], [1, 1]])
    np.testing.assert_array_equal(s.ba, [[1, -1], [1, 0]])
    e12 = s.entries[1]
    assert (e12.row, e12.column) == (1, 2)
    np.testing.assert_array_equal(e12.terms, [0, -1])
    assert e12.value == -1
    assert not s.commute
    np.testing.assert_array_equal(s.commutator, [[-1, 0], [0, 1]])
    assert s.decimals == 0


# -- commuting --------------------------------------------------------------------------------------


@SETTINGS
@given(int_matrices, int_matrices)
def test_commute_flag_for_integer_matrices_is_exact_equality(a, b):
    ab, _ = product(a, b)
    ba, _ = product(b, a)
    assert commute(a, b, ab, ba) == bool(np.array_equal(a @ b, b @ a))


@SETTINGS
@given(st.floats(-8, 8, allow_nan=False), float_matrices)
def test_scalar_matrices_commute_with_everything(c, b):
    a = c * np.eye(2)
    ab, _ = product(a, b)
    ba, _ = product(b, a)
    assert commute(a, b, ab, ba)


@SETTINGS
@given(small_int_matrices, st.integers(-2, 2), st.integers(-2, 2))
def test_polynomials_in_b_commute_with_b(b, p, q):
    a = p * b @ b + q * b  # exact in floating point: small integers
    ab, _ = product(a, b)
    ba, _ = product(b, a)
    assert commute(a, b, ab, ba)


@pytest.mark.parametrize("a, b, expected", [
    ("[[0, -1], [1, 0]]", "[[1, 1], [0, 1]]", False),  # turn and shear
    ("[[2, 0], [0, 2]]", "[[1, 2], [2, 4]]", True),  # 2I and a singular matrix
    ("[[1, 0], [0, 2]]", "[[3, 0], [0, -1]]", True),  # two diagonal matrices
    ("[[0, -1], [1, 0]]", "[[0.6, -0.8], [0.8, 0.6]]", True),  # two rotations
    ("[[1, 1e-9], [0, 1]]", "[[1, 0], [0, 2]]", False),  # a tiny but real commutator (1e-9)
    ("[[0.1, 0.2], [0.3, 0.4]]", "[[0.1, 0.2], [0.3, 0.4]]", True),  # A commutes with itself
])
def test_commute_flag(a, b, expected):
    s = story(A=a, B=b)
    assert s.commute is expected
    gap = float(np.abs(s.commutator).max())
    assert gap == 0.0 if expected else gap >= 1e-9


# -- the paths the scene animates -------------------------------------------------------------------


@SETTINGS
@given(float_matrices)
def test_path_runs_from_identity_to_the_matrix(m):
    np.testing.assert_array_equal(transform_path(m, 0.0), np.eye(2))
    np.testing.assert_array_equal(transform_path(m, 1.0), m)
    # continuous at the end: the last sample before t = 1 is close to m (polar factors reassemble m)
    near = transform_path(m, 1 - 1e-9)
    assert np.abs(near - m).max() <= 1e-6 * max(1.0, float(np.abs(m).max()))


@SETTINGS
@given(float_matrices)
def test_path_never_collapses_when_det_is_positive(m):
    if np.linalg.det(m) <= 1e-9:
        return
    for t in np.linspace(0, 1, 33):
        assert np.linalg.det(transform_path(m, t)) > 0


@pytest.mark.parametrize("degrees", [90, -90, 180, 30, 135])
def test_path_of_a_turn_is_a_steady_turn(degrees):
    theta = math.radians(degrees)
    r = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    for t in (0.25, 0.5, 0.75):
        expected = np.array([[math.cos(t * theta), -math.sin(t * theta)], [math.sin(t * theta), math.cos(t * theta)]])
        if degrees == 180:  # a half turn may go either way round
            assert np.allclose(transform_path(r, t).T @ transform_path(r, t), np.eye(2), atol=1e-12)
            continue
        np.testing.assert_allclose(transform_path(r, t), expected, atol=1e-12)


@SETTINGS
@given(float_matrices, st.floats(0, 1))
def test_path_of_is_transform_path(m, t):
    np.testing.assert_array_equal(path_of(m)(t), transform_path(m, t))


def test_path_of_a_mirror_is_a_straight_line():
    m = np.array([[1.0, 0.0], [0.0, -1.0]])
    np.testing.assert_allclose(transform_path(m, 0.5), [[1, 0], [0, 0]], atol=1e-15)


# -- the story's pictures ---------------------------------------------------------------------------


@SETTINGS
@given(small_int_matrices, small_int_matrices)
def test_pictures_are_the_products_applied(a, b):
    s = matrix_product_story(a, b)
    np.testing.assert_array_equal(s.after_b.shape, F_SHAPE @ b.T)
    np.testing.assert_array_equal(s.after_b.i_hat, b[:, 0])
    np.testing.assert_array_equal(s.after_b.j_hat, b[:, 1])
    # two steps (A applied to B's images) and one step (AB) land on the same points
    np.testing.assert_allclose(s.then_a.shape, F_SHAPE @ (a @ b).T, atol=1e-12)
    np.testing.assert_allclose(s.one_go.shape, F_SHAPE @ (a @ b).T, atol=1e-12)
    np.testing.assert_array_equal(s.then_a.matrix, a @ b)  # A (B e_k): the columns of AB
    np.testing.assert_array_equal(s.one_go.matrix, a @ b)
    assert s.two_step_gap <= 1e-12
    # the other order: A first, then B, is BA
    np.testing.assert_array_equal(s.after_a.shape, F_SHAPE @ a.T)
    np.testing.assert_allclose(s.then_b.shape, F_SHAPE @ (b @ a).T, atol=1e-12)
    np.testing.assert_array_equal(s.then_b.matrix, b @ a)
    assert s.commute == bool(np.array_equal(a @ b, b @ a))
    assert s.det_ab == pytest.approx(s.det_a * s.det_b, abs=1e-12)
    assert s.rank_ab == np.linalg.matrix_rank(a @ b) <= min(s.rank_a, s.rank_b)
    assert s.rank_a == np.linalg.matrix_rank(a) and s.rank_b == np.linalg.matrix_rank(b)
    json.loads(s.to_json())


@settings(max_examples=30, deadline=None, derandomize=True)
@given(small_int_matrices, small_int_matrices)
def test_everything_drawn_stays_inside_each_view(a, b):
    s = matrix_product_story(a, b)
    window = GRID_EXTENT * np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=float)
    points = np.concatenate([window, F_SHAPE, np.eye(2)])
    # times the story did not sample (it samples 97 per step)
    ts = np.linspace(0, 1, 241)
    path_a, path_b, path_ab = path_of(a), path_of(b), path_of(a @ b)
    main = [path_b, lambda t: path_a(t) @ b, path_ab]
    order = main[:2] + [path_a, lambda t: path_b(t) @ a]
    for view, paths, base in ((s.view, main, BASE_VIEW), (s.order_view, order, BASE_ORDER_VIEW)):
        reach = max(float(np.max(np.abs(apply(path(t), points)) / np.array(view.half_extents)))
                    for path in paths for t in ts)
        assert reach <= 1.0
        assert view.fit >= 1.0
        np.testing.assert_allclose(view.half_extents, np.array(base) * view.fit)
        # and the view is no bigger than it needs to be (zoomed out only if something would leave it)
        if view.fit > 1.0:
            assert reach >= 0.8


def test_large_entries_zoom_out():
    s = story(A="[[3, 1], [0, 2]]", B="[[2, 0], [1, 3]]")
    np.testing.assert_array_equal(s.ab, [[7, 3], [2, 6]])
    assert s.view.fit > 1 and s.order_view.fit > 1
    # (1.5, 1.5) -> AB (1.5, 1.5) = (15, 12): the farthest corner
    assert s.view.reach[0] >= 15 and s.view.half_extents[0] >= 15


def test_zero_and_singular_matrices_still_tell_a_story():
    s = story(B="[[0, 0], [0, 0]]")
    assert s.commute  # 0 commutes with everything
    np.testing.assert_array_equal(s.after_b.shape, np.zeros_like(F_SHAPE))
    np.testing.assert_array_equal(s.one_go.shape, np.zeros_like(F_SHAPE) + 0.0)
    assert (s.rank_a, s.rank_b, s.rank_ab) == (2, 0, 0)
    s = story(A="[[1, 2], [2, 4]]")  # rank 1: the plane collapses onto the line through (1, 2)
    corners = s.then_a.shape
    assert np.allclose(corners[:, 1], 2 * corners[:, 0])
    assert s.det_a == 0 and s.det_ab == 0
    assert (s.rank_a, s.rank_b, s.rank_ab) == (1, 2, 1)
    # rank(AB) <= min(rank A, rank B): a collapse cannot be undone
    s = story(A="[[0, 1], [0, 0]]", B="[[0, 1], [0, 0]]")
    assert (s.rank_a, s.rank_b, s.rank_ab) == (1, 1, 0)
    np.testing.assert_array_equal(s.ab, np.zeros((2, 2)))
    json.loads(s.to_json())


def test_decimals_print_every_number_exactly():
    assert display_decimals(np.array([1.0, -2.0, 0.0])) == 0
    assert display_decimals(np.array([0.5, 2.25])) == 2
    assert display_decimals(np.array([1 / 3])) == 3
    s = story(A="[[0.5, 0], [0, 1]]", B="[[0.5, 1], [0, 1]]")
    assert s.decimals == 2  # the term 0.5 * 0.5 = 0.25


def test_params_defaults_and_help():
    assert [p.name for p in PARAMS] == ["A", "B"]
    for p in PARAMS:
        assert p.help and p.parse(p.default).shape == (2, 2)


# -- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize("overrides, key", [
    ({"A": "[[1, 2, 3], [4, 5, 6], [7, 8, 9]]"}, "A"),
    ({"B": "[1, 2]"}, "B"),
    ({"A": "[[1, 2], [3]]"}, "A"),
    ({"B": "[[1, nan], [0, 1]]"}, "B"),
    ({"A": "[[1, __import__('os')], [0, 1]]"}, "A"),
    ({"A": "[[40, 0], [0, 40]]"}, "A"),  # the F would need a 40x zoom-out
    ({"B": "[[30, 1], [0, 30]]", "A": "[[0.5, 0], [0, 0.5]]"}, "B"),
    ({"C": "[[1, 0], [0, 1]]"}, "C"),
])
def test_bad_input_is_a_parameter_error(overrides, key):
    with pytest.raises(ParameterError) as err:
        story(**overrides)
    assert err.value.key == key
    assert "\n" not in str(err.value)


def test_too_large_names_the_limit():
    with pytest.raises(ParameterError, match=f"limit {MAX_FIT:g}x"):
        story(A="[[40, 0], [0, 40]]")


@pytest.mark.parametrize("args", [
    ["numbers", "matrix_product", "--set", "A=[[1, 2, 3]]"],
    ["numbers", "matrix_product", "--set", "B=[[100, 0], [0, 100]]"],
    ["numbers", "matrix_product", "--set", "A=hello"],
])
def test_cli_bad_input_is_one_error_line(args):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


def test_cli_numbers_prints_the_story():
    result = CliRunner().invoke(cli, ["numbers", "matrix_product", "--set", "A=[[2, 0], [0, 2]]"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["commute"] is True
    assert data["ab"] == data["ba"] == [[2.0, 2.0], [0.0, 2.0]]
    assert [e["value"] for e in data["entries"]] == [2.0, 2.0, 0.0, 2.0]
