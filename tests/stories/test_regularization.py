"""mathviz.stories.regularization: ridge against its eigenbasis closed form, lasso against soft-thresholding and scipy."""

from __future__ import annotations

import json
import math
import warnings
from typing import Any

import numpy as np
import pytest
import scipy.optimize
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mathviz.params import ParameterError
from mathviz.pipeline.cli import cli
from mathviz.stories import regularization as reg

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)
PARAMS = {p.name: p for p in reg.PARAMS}


def story(**overrides) -> reg.RegularizationStory:
    # each value has its own parameter's type, as in the registry's SceneSpec.parse
    values: dict[str, Any] = {name: p.parse(str(overrides.get(name, p.default))) for name, p in PARAMS.items()}
    return reg.regularization_story(**values)


def objective(w: np.ndarray, optimum: np.ndarray, hessian: np.ndarray, penalty: str, lam: float) -> float:
    d = w - optimum
    return float(d @ hessian @ d) + lam * (float(np.abs(w).sum()) if penalty == "l1" else float(w @ w))


entries = st.floats(-5, 5, allow_nan=False).filter(lambda v: abs(v) > 1e-3)
optima = st.tuples(entries, entries).map(np.array)
lams = st.floats(0.0, 30.0)


@st.composite
def hessians(draw) -> np.ndarray:
    # H = R diag(mu) R^T with a condition number well inside MAX_CONDITION
    angle = draw(st.floats(0.0, math.pi))
    mu = np.array([draw(st.floats(0.2, 5.0)), draw(st.floats(0.2, 5.0))])
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    h = rotation @ np.diag(mu) @ rotation.T
    return 0.5 * (h + h.T)


diagonals = st.tuples(st.floats(0.2, 5.0), st.floats(0.2, 5.0)).map(lambda d: np.diag(d))


def kkt_residual(w: np.ndarray, optimum: np.ndarray, hessian: np.ndarray, lam: float) -> float:
    """How far w is from the lasso's optimality conditions (0 at the minimiser): a certificate, not a solver."""
    gradient = 2.0 * hessian @ (w - optimum)
    worst = 0.0
    for i in (0, 1):
        if w[i] != 0:
            worst = max(worst, abs(gradient[i] + lam * np.sign(w[i])))
        else:
            worst = max(worst, abs(gradient[i]) - lam)
    return worst


# -- L2: the closed form --------------------------------------------------------------------------------------


@SETTINGS
@given(optima, hessians(), lams)
def test_ridge_matches_the_eigenbasis_shrinkage_and_a_generic_minimiser(optimum, hessian, lam):
    w = reg.l2_solution(optimum, hessian, lam)
    mu, q = np.linalg.eigh(hessian)
    # in H's eigenbasis ridge scales each coordinate of w* by mu / (mu + lam)
    np.testing.assert_allclose(w, q @ ((mu / (mu + lam)) * (q.T @ optimum)), rtol=1e-10, atol=1e-12)
    found = scipy.optimize.minimize(objective, x0=np.zeros(2), args=(optimum, hessian, "l2", lam), method="BFGS",
                                    options={"gtol": 1e-11})
    np.testing.assert_allclose(w, found.x, atol=1e-6)


@SETTINGS
@given(optima, hessians())
def test_ridge_shrinks_smoothly_and_never_reaches_zero(optimum, hessian):
    s = reg.regularization_story(optimum, hessian, "l2", 1.0)
    norms = [float(np.hypot(*p.w)) for p in s.path]
    assert all(b < a for a, b in zip(norms, norms[1:]))
    assert s.zero_at == (None, None)


def test_ridge_weight_that_is_zero_throughout_has_zero_at_0():
    s = story(optimum="[2, 0]", hessian="[[1, 0], [0, 3]]", penalty="l2", lam=5)
    assert s.zero_at == (None, 0.0)
    assert all(p.w[1] == 0 for p in s.path)


# -- L1: soft-thresholding, KKT, scipy ------------------------------------------------------------------------


@SETTINGS
@given(optima, diagonals, lams)
def test_lasso_with_diagonal_h_is_soft_thresholding(optimum, hessian, lam):
    w = reg.l1_solution(optimum, hessian, lam)
    h = np.diag(hessian)
    soft = np.sign(optimum) * np.maximum(np.abs(optimum) - lam / (2 * h), 0.0)
    np.testing.assert_allclose(w, soft, rtol=1e-12, atol=1e-12)
    # exact zeros where soft-thresholding gives them
    assert np.all((w == 0) == (soft == 0))
    s = reg.regularization_story(optimum, hessian, "l1", lam)
    np.testing.assert_allclose(s.zero_at, 2 * h * np.abs(optimum), rtol=1e-12)
    assert s.lam_max == pytest.approx(float(np.max(2 * h * np.abs(optimum))), rel=1e-12)


@SETTINGS
@given(optima, hessians(), lams)
def test_lasso_meets_the_optimality_conditions_and_matches_a_bounded_solver(optimum, hessian, lam):
    w = reg.l1_solution(optimum, hessian, lam)
    assert kkt_residual(w, optimum, hessian, lam) <= 1e-9 * (1 + lam + np.max(np.abs(hessian @ optimum)))

    # independent: w = u - v with u, v >= 0 makes the objective smooth; L-BFGS-B with bounds
    def split(z: np.ndarray) -> tuple[float, np.ndarray]:
        u, v = z[:2], z[2:]
        d = u - v - optimum
        g = 2 * hessian @ d
        return float(d @ hessian @ d + lam * (u.sum() + v.sum())), np.concatenate([g + lam, -g + lam])

    found = scipy.optimize.minimize(split, x0=np.zeros(4), jac=True, method="L-BFGS-B", bounds=[(0, None)] * 4,
                                    options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10000})
    reference = found.x[:2] - found.x[2:]
    np.testing.assert_allclose(w, reference, atol=1e-5)
    assert objective(w, optimum, hessian, "l1", lam) <= found.fun + 1e-9


@SETTINGS
@given(optima, hessians())
def test_zero_at_is_where_a_weight_becomes_zero_for_good(optimum, hessian):
    s = reg.regularization_story(optimum, hessian, "l1", 1.0)
    for i, lam0 in enumerate(s.zero_at):
        assert lam0 is not None and 0 <= lam0 <= s.lam_max * (1 + 1e-12)
        # zero from lam0 on ...
        for lam in np.linspace(lam0, 2 * s.lam_max + 1, 25):
            assert reg.l1_solution(optimum, hessian, lam)[i] == 0, (i, lam0, lam)
        # ... and not just before it
        if lam0 > 0:
            assert reg.l1_solution(optimum, hessian, lam0 * (1 - 1e-6))[i] != 0
    # beyond lam_max both weights are exactly 0, and only beyond it
    assert np.all(reg.l1_solution(optimum, hessian, s.lam_max) == 0)
    assert np.any(reg.l1_solution(optimum, hessian, s.lam_max * (1 - 1e-6)) != 0)


@SETTINGS
@given(optima, hessians())
def test_lasso_path_is_linear_between_knots(optimum, hessian):
    knots = np.concatenate([[0.0], reg.l1_knots(optimum, hessian)])
    for lo, hi in zip(knots, knots[1:]):
        a, b = reg.l1_solution(optimum, hessian, lo), reg.l1_solution(optimum, hessian, hi)
        for t in (0.25, 0.5):
            middle = reg.l1_solution(optimum, hessian, lo + t * (hi - lo))
            np.testing.assert_allclose(middle, a + t * (b - a), atol=1e-9 * (1 + np.max(np.abs(optimum))))


# -- the touching contour and the ball ------------------------------------------------------------------------


@SETTINGS
@given(optima, hessians(), st.floats(0.05, 30.0), st.sampled_from(reg.PENALTIES))
def test_solution_minimises_the_loss_on_its_ball(optimum, hessian, lam, penalty):
    s = reg.regularization_story(optimum, hessian, penalty, lam)
    run = s.run
    assert run.ball_radius == pytest.approx(reg.norm_of(run.solution, penalty))
    assert run.touch_level == pytest.approx(reg.loss(run.solution, optimum, hessian))
    # every point of the ball (sampled densely on its boundary and inside) has a loss >= the touching level
    t = np.linspace(0, 2 * math.pi, 2000, endpoint=False)
    unit = np.column_stack([np.cos(t), np.sin(t)])
    if penalty == "l1":
        unit = unit / np.abs(unit).sum(axis=1, keepdims=True)
    for scale in (1.0, 0.7, 0.3):
        points = scale * run.ball_radius * unit
        d = points - optimum
        losses = np.einsum("ij,jk,ik->i", d, hessian, d)
        assert np.min(losses) >= run.touch_level - 1e-9 * (1 + run.touch_level)


def test_contour_axes_trace_the_level_sets():
    s = story()
    t = np.linspace(0, 2 * math.pi, 50)
    for level in (*s.contour_levels, s.run.touch_level):
        points = s.optimum + math.sqrt(level) * (np.outer(np.cos(t), s.ellipse_axes[0]) + np.outer(np.sin(t), s.ellipse_axes[1]))
        for p in points:
            assert reg.loss(p, s.optimum, s.hessian) == pytest.approx(level, rel=1e-9, abs=1e-12)
    assert s.contour_levels[list(reg.CONTOUR_FRACTIONS).index(1.0)] == pytest.approx(
        reg.loss(np.zeros(2), s.optimum, s.hessian))


# -- the story ---------------------------------------------------------------------------------------------


def test_default_story_lands_l1_on_a_corner_and_both_runs_agree_with_the_solvers():
    s = story()
    assert s.penalty == "l1" and s.other.penalty == "l2"
    assert s.solution is s.run.solution and s.path is s.run.path and s.zero_at == s.run.zero_at
    np.testing.assert_array_equal(s.solution, reg.l1_solution(s.optimum, s.hessian, s.lam))
    np.testing.assert_array_equal(s.other.solution, reg.l2_solution(s.optimum, s.hessian, s.lam))
    corner = s.corner
    assert corner is not None
    assert corner.w[corner.zero_index] == 0 and corner.w[1 - corner.zero_index] != 0
    np.testing.assert_array_equal(corner.w, reg.l1_solution(s.optimum, s.hessian, corner.lam))
    # the corner lies where exactly one weight has reached zero_at
    assert s.zero_at[corner.zero_index] <= corner.lam < s.zero_at[1 - corner.zero_index]
    assert corner.ball_radius == pytest.approx(abs(corner.w).sum())


def test_paths_cover_zero_to_their_end_and_include_lam_and_the_knots():
    s = story(lam="3")
    for run in s.runs().values():
        lams = [p.lam for p in run.path]
        assert lams[0] == 0 and lams[-1] == pytest.approx(run.path_end) and lams == sorted(lams)
        np.testing.assert_array_equal(run.path[0].w, s.optimum)
        for point in run.path:
            np.testing.assert_allclose(point.w, reg._solve(run.penalty, s.optimum, s.hessian, point.lam), atol=0)
    assert 3.0 in [p.lam for p in s.path]
    l1 = s.runs()["l1"]
    assert s.lam_max < l1.path_end and np.all(l1.path[-1].w == 0)
    for knot in reg.l1_knots(s.optimum, s.hessian):
        if knot < l1.path_end:
            assert knot in [p.lam for p in l1.path]


def test_lam_zero_is_the_optimum_and_huge_lam_zeroes_l1():
    s = story(lam="0")
    np.testing.assert_array_equal(s.solution, s.optimum)
    assert s.run.touch_level == 0
    huge = story(lam="1e6")
    assert np.all(huge.solution == 0) and huge.run.exact_zeros == (True, True) and huge.run.ball_radius == 0
    assert huge.path[-1].lam == 1e6
    ridge = story(lam="1e6", penalty="l2")
    assert np.all(ridge.solution != 0) and np.max(np.abs(ridge.solution)) < 1e-4


def test_optimum_on_an_axis_keeps_that_weight_zero_under_l1():
    s = story(optimum="[0, 3]", hessian="[[2, 0], [0, 1]]")
    assert s.zero_at[0] == 0.0 and all(p.w[0] == 0 for p in s.path)


def test_symmetric_problem_has_no_isolated_corner():
    # circles centred on the diagonal: both weights reach 0 together, the solution slides along an edge
    s = story(optimum="[1, 1]", hessian="[[1, 0], [0, 1]]", lam="1")
    assert s.corner is None and s.zero_at == (2.0, 2.0)


def test_view_holds_the_optimum_and_the_origin_on_whole_grid_steps():
    for overrides in ({}, {"optimum": "[1000, -0.5]"}, {"optimum": "[0.001, 0]"}):
        s = story(**overrides)
        assert s.view_radius >= reg.VIEW_MARGIN * np.max(np.abs(s.optimum)) * (1 - 1e-12)
        assert s.view_radius / s.grid_step == pytest.approx(round(s.view_radius / s.grid_step))
        assert 2 <= s.view_radius / s.grid_step <= 6


def test_json_has_the_interface_keys_and_stays_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = json.loads(story().to_json())
        story(hessian="[[1, 0.99], [0.99, 1]]", optimum="[3, -2]", lam="1e6").to_json()
    assert {"solution", "path", "zero_at"} <= set(data)
    assert set(data["path"][0]) == {"lam", "w"} and len(data["zero_at"]) == 2
    assert json.loads(story(penalty="l2").to_json())["zero_at"] == [None, None]


# -- bad input -----------------------------------------------------------------------------------------------


BAD = [
    ({"hessian": "[[1, 0.5], [0, 1]]"}, "hessian", "symmetric"),
    ({"hessian": "[[1, 2], [2, 1]]"}, "hessian", "positive definite"),
    ({"hessian": "[[1, 1], [1, 1]]"}, "hessian", "positive definite"),
    ({"hessian": "[[-1, 0], [0, -2]]"}, "hessian", "positive definite"),
    ({"hessian": "[[1, 0], [0, 5000]]"}, "hessian", "at most"),
    ({"hessian": "[[1, 0], [0, 1e-4]]"}, "hessian", "elongated"),
    ({"hessian": "[[1, 0, 0], [0, 1, 0], [0, 0, 1]]"}, "hessian", "2x2"),
    ({"optimum": "[0, 0]"}, "optimum", "origin"),
    ({"optimum": "[1e-300, 0]"}, "optimum", "too close to the origin"),
    ({"hessian": "[[1e-9, 0], [0, 1e-9]]"}, "hessian", "too flat"),
    ({"optimum": "[1, 2, 3]"}, "optimum", "exactly 2"),
    ({"optimum": "[1e4, 0]"}, "optimum", "at most"),
    ({"penalty": "l3"}, "penalty", "l1, l2"),
    ({"lam": "-1"}, "lam", "at least 0"),
    ({"lam": "1e7"}, "lam", "at most"),
    ({"lam": "inf"}, "lam", ""),
]


@pytest.mark.parametrize(("overrides", "key", "words"), BAD, ids=[str(o) for o, _, _ in BAD])
def test_bad_input_is_a_parameter_error_naming_the_key(overrides, key, words):
    with pytest.raises(ParameterError) as err:
        story(**overrides)
    assert err.value.key == key
    assert words in err.value.message
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("args", [
    ["--set", "hessian=[[1, 2], [2, 1]]"],
    ["--set", "optimum=[0, 0]"],
    ["--set", "penalty=elastic"],
    ["--set", "lam=-2"],
    ["--set", "hessian=[[1, 0], [1, 1]]"],
])
def test_cli_bad_input_is_one_error_line(args):
    result = CliRunner().invoke(cli, ["numbers", "regularization", *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr


def test_cli_prints_the_story():
    result = CliRunner().invoke(cli, ["numbers", "regularization", "--set", "penalty=l2", "--set", "lam=0.5"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(story(penalty="l2", lam="0.5").to_json())


def test_corner_is_never_the_unpenalised_optimum():
    # w* on an axis already has a zero weight at lam = 0; the corner beat shows a penalised solution instead
    s = story(optimum="[0, 3]", hessian="[[2, 0], [0, 1]]", lam="0")
    assert s.corner is not None and s.corner.lam > 0
    assert s.corner.w[0] == 0 and 0 < s.corner.w[1] < 3


def test_path_has_no_twin_points_where_lam_meets_the_grid():
    # lam = 4 * mu_max * k / PATH_STEPS up to rounding: the grid and lam must not both be kept
    s = story(hessian="[[1, 0], [0, 2]]", penalty="l2", lam=str(8.0 * 3 / reg.PATH_STEPS + 1e-15))
    lams = np.array([p.lam for p in s.path])
    assert np.all(np.diff(lams) > 1e-9 * lams[-1]) and s.lam in lams
