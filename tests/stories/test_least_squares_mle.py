"""mathviz.stories.least_squares_mle: the fit against numpy.polyfit, the likelihood against scipy.stats.norm."""

from __future__ import annotations

import json
import math
import warnings
from typing import Any

import numpy as np
import pytest
import scipy.optimize
import scipy.stats
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mathviz.params import ParameterError
from mathviz.pipeline.cli import cli
from mathviz.stories import least_squares_mle as ls

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True)
PARAMS = {p.name: p for p in ls.PARAMS}


def story(**overrides) -> ls.LeastSquaresStory:
    # each value has its own parameter's type, as in the registry's SceneSpec.parse
    values: dict[str, Any] = {name: p.parse(str(overrides.get(name, p.default))) for name, p in PARAMS.items()}
    return ls.least_squares_story(**values)


coefficients = st.floats(-ls.MAX_COEFFICIENT, ls.MAX_COEFFICIENT, allow_nan=False)
noises = st.floats(1e-3, 100.0)
settings_of_story = st.fixed_dictionaries({
    "slope": coefficients, "intercept": coefficients, "noise": noises,
    "points": st.integers(ls.MIN_POINTS, 60), "seed": st.integers(0, 2**31 - 1),
})


# -- against numpy.polyfit and scipy.stats.norm ------------------------------------------------------------


@SETTINGS
@given(settings_of_story)
def test_fit_matches_polyfit_and_the_normal_equations(kwargs):
    s = ls.least_squares_story(**kwargs)
    slope, intercept = np.polyfit(s.x, s.y, 1)
    scale = 1.0 + np.max(np.abs(s.y))
    assert s.fit.slope == pytest.approx(slope, rel=1e-9, abs=1e-9 * scale)
    assert s.fit.intercept == pytest.approx(intercept, rel=1e-9, abs=1e-9 * scale)
    # the story's normal equations are X^T X [b, a] = X^T y for X = [1, x]
    design = np.column_stack([np.ones_like(s.x), s.x])
    np.testing.assert_allclose(s.normal_matrix, design.T @ design, rtol=1e-12)
    np.testing.assert_allclose(s.normal_rhs, design.T @ s.y, rtol=1e-12, atol=1e-9 * scale * s.points)
    np.testing.assert_allclose(np.linalg.solve(s.normal_matrix, s.normal_rhs), [intercept, slope],
                               rtol=1e-7, atol=1e-7 * scale)


@SETTINGS
@given(settings_of_story)
def test_log_likelihoods_are_sums_of_norm_logpdf(kwargs):
    s = ls.least_squares_story(**kwargs)
    for line in (s.candidate, *s.sweep[:: 10], s.sweep[s.sweep_best]):
        mean = line.slope * s.x + line.intercept
        reference = scipy.stats.norm.logpdf(s.y, loc=mean, scale=s.noise)
        np.testing.assert_allclose(line.log_densities, reference, rtol=1e-9, atol=1e-9)
        assert line.log_likelihood == pytest.approx(float(np.sum(reference)), rel=1e-9, abs=1e-8)
        # ... which is the constant minus SSE / (2 sigma^2)
        assert line.log_likelihood == pytest.approx(s.log_likelihood_constant - line.sse / (2 * s.noise**2),
                                                    rel=1e-9, abs=1e-8)
    assert s.log_likelihood == s.sweep[s.sweep_best].log_likelihood
    np.testing.assert_allclose(s.candidate.densities, scipy.stats.norm.pdf(
        s.y, loc=s.candidate.slope * s.x + s.candidate.intercept, scale=s.noise), rtol=1e-9, atol=1e-300)
    assert s.bell_peak == pytest.approx(scipy.stats.norm.pdf(0.0, scale=s.noise), rel=1e-12)


@SETTINGS
@given(settings_of_story)
def test_sigma_hat_is_the_maximum_likelihood_scale(kwargs):
    s = ls.least_squares_story(**kwargs)
    slope, intercept = np.polyfit(s.x, s.y, 1)
    residuals = s.y - (slope * s.x + intercept)
    # scipy's Gaussian MLE of the residuals: mean 0 (a fitted intercept), scale sqrt(SSE / n)
    loc, scale = scipy.stats.norm.fit(residuals)
    assert s.sigma_hat == pytest.approx(scale, rel=1e-6)
    assert abs(loc) <= 1e-6 * (scale + 1e-9 * (1 + np.max(np.abs(s.y))))
    assert s.sigma_unbiased == pytest.approx(scale * math.sqrt(s.points / (s.points - 2)), rel=1e-6)
    reference = scipy.stats.norm.logpdf(s.y, loc=s.fit.slope * s.x + s.fit.intercept, scale=s.sigma_hat).sum()
    assert s.max_log_likelihood == pytest.approx(float(reference), rel=1e-9, abs=1e-7)


def test_maximising_the_likelihood_numerically_finds_the_least_squares_line():
    s = story()

    def negative_log_likelihood(theta: np.ndarray) -> float:
        slope, intercept, log_sigma = theta
        return -float(scipy.stats.norm.logpdf(s.y, loc=slope * s.x + intercept, scale=math.exp(log_sigma)).sum())

    found = scipy.optimize.minimize(negative_log_likelihood, x0=[0.0, 0.0, 0.0], method="Nelder-Mead",
                                    options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000, "maxfev": 40000})
    assert found.success
    assert found.x[0] == pytest.approx(s.fit.slope, abs=1e-6)
    assert found.x[1] == pytest.approx(s.fit.intercept, abs=1e-6)
    assert math.exp(found.x[2]) == pytest.approx(s.sigma_hat, rel=1e-6)
    assert -found.fun == pytest.approx(s.max_log_likelihood, rel=1e-9)


# -- the sweep ----------------------------------------------------------------------------------------------


@SETTINGS
@given(settings_of_story)
def test_sweep_is_a_parabola_peaking_at_the_fit_for_both_sse_and_likelihood(kwargs):
    s = ls.least_squares_story(**kwargs)
    assert len(s.sweep) == ls.SWEEP_STEPS and s.sweep_best == ls.SWEEP_STEPS // 2
    assert s.sweep[s.sweep_best].slope == s.fit.slope and s.candidate is s.sweep[0]
    sse = np.array([line.sse for line in s.sweep])
    log_l = np.array([line.log_likelihood for line in s.sweep])
    assert int(np.argmin(sse)) == s.sweep_best == int(np.argmax(log_l))
    slopes = np.array([line.slope for line in s.sweep])
    # every line of the sweep goes through the centroid, so SSE(a) = SSE_min + (a - a_hat)^2 S_xx
    x_bar, y_bar = s.centroid
    for line in s.sweep:
        assert line.slope * x_bar + line.intercept == pytest.approx(y_bar, rel=1e-9, abs=1e-9 * (1 + abs(y_bar)))
    np.testing.assert_allclose(sse, s.sse + (slopes - s.fit.slope) ** 2 * s.s_xx, rtol=1e-7, atol=1e-9 * s.s_xx)
    assert np.all(np.diff(slopes) > 0)
    assert slopes[-1] - s.fit.slope == pytest.approx(s.sweep_tilt)


def test_sweep_tilts_the_line_a_fixed_share_of_the_view():
    for overrides in ({}, {"slope": 1000, "noise": 0.5}, {"noise": 1e-6}, {"noise": 1000, "points": 5}):
        s = story(**overrides)
        span = s.x_view[1] - s.x_view[0]
        moved = s.sweep_tilt * span / 2  # how far the end of the line moves, at the ends of X_RANGE
        assert moved == pytest.approx(ls.SWEEP_TILT * (s.y_view[1] - s.y_view[0]), rel=1e-12)


# -- the data and the view -----------------------------------------------------------------------------------


def test_points_come_from_the_seeded_true_line():
    s = story(points=500, noise=2.0, slope=-3, intercept=4, seed=11)
    rng = np.random.default_rng(11)
    x = np.sort(rng.uniform(*ls.X_RANGE, size=500))
    z = rng.standard_normal(500)
    np.testing.assert_array_equal(s.x, x)
    np.testing.assert_allclose(s.y, -3 * x + 4 + 2.0 * z, rtol=1e-15)
    assert story(points=500, noise=2.0, slope=-3, intercept=4, seed=11).to_json() == s.to_json()
    assert not np.array_equal(story(seed=12).y, story(seed=11).y)
    # 500 points: the estimates land near the truth (a statement about this seed, a few standard errors wide)
    stderr = 2.0 / math.sqrt(s.s_xx)
    assert abs(s.fit.slope + 3) < 4 * stderr
    assert abs(s.sigma_hat / 2.0 - 1) < 4 / math.sqrt(2 * 500)


def test_view_holds_every_point_and_the_fitted_line():
    for overrides in ({}, {"points": 500}, {"noise": 1e-6}, {"slope": -1000, "intercept": 1000}):
        s = story(**overrides)
        lo, hi = s.y_view
        assert lo < np.min(s.y) and np.max(s.y) < hi
        for end in ls.X_RANGE:
            assert lo < s.fit.at(end) < hi
        assert s.x_view == ls.X_RANGE and np.all((s.x >= ls.X_RANGE[0]) & (s.x <= ls.X_RANGE[1]))
        assert np.all(np.diff(s.x) >= 0)


@pytest.mark.parametrize("points", [5, 6, 7, 8, 30, 500])
def test_bells_stand_apart_inside_the_plot(points):
    s = story(points=points)
    chosen = list(s.bell_points)
    assert 1 <= len(chosen) <= min(ls.BELL_POINTS, points) and chosen == sorted(set(chosen))
    xs = s.x[chosen]
    # a bell BELL_WIDTH * gap wide never reaches the next bell's point nor the right end of the plot
    assert np.all(np.diff(xs) >= s.bell_gap)
    assert xs[-1] + ls.BELL_WIDTH * s.bell_gap <= ls.X_RANGE[1]
    # greedy from the left: no skipped point could have been added between two chosen ones
    for i in range(len(s.x)):
        if i not in chosen and s.x[i] <= ls.X_RANGE[1] - ls.BELL_WIDTH * s.bell_gap and i < chosen[-1]:
            before = [c for c in chosen if c < i]
            assert before and s.x[i] < s.x[before[-1]] + s.bell_gap
    if points >= 30:
        assert len(chosen) >= ls.BELL_POINTS - 2  # the cloud is dense enough for most of the bells


def test_tiny_and_huge_noise_stay_finite_and_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tiny = story(noise=1e-6, points=500, slope=1000, intercept=-1000)
        huge = story(noise=1000, points=5)
    assert tiny.fit.slope == pytest.approx(1000, abs=1e-5) and tiny.sigma_hat == pytest.approx(1e-6, rel=0.2)
    for s in (tiny, huge):
        data = json.loads(s.to_json())
        assert all(math.isfinite(v) for v in (data["sse"], data["log_likelihood"], data["sigma_hat"]))
    # far from a line drawn with sigma = 1e-6 the densities underflow to exactly 0 (no warning)
    assert np.min(tiny.candidate.densities) == 0.0


def test_json_has_the_interface_keys():
    data = json.loads(story().to_json())
    assert {"x", "y", "fit", "sigma_hat", "log_likelihood", "sse"} <= set(data)
    assert set(data["fit"]) == {"slope", "intercept"}
    assert len(data["x"]) == len(data["y"]) == 30
    # drawing-only arrays stay out of the JSON
    assert "residuals" not in data and "residuals" not in data["candidate"]


# -- bad input -----------------------------------------------------------------------------------------------


BAD = [
    ("noise", "0", "at least"),
    ("noise", "-1", "at least"),
    ("noise", "1e9", "at most"),
    ("points", "4", "between 5 and 500"),
    ("points", "501", "between 5 and 500"),
    ("points", "2.5", "whole number"),
    ("slope", "1e4", "at most"),
    ("intercept", "-1e4", "at least"),
    ("slope", "nan", ""),
    ("slope", "__import__('os')", ""),
    ("seed", "-1", "between"),
]


@pytest.mark.parametrize(("key", "text", "words"), BAD, ids=[f"{k}={t}" for k, t, _ in BAD])
def test_bad_input_is_a_parameter_error_naming_the_key(key, text, words):
    with pytest.raises(ParameterError) as err:
        PARAMS[key].parse(text)
    assert err.value.key == key
    assert words in err.value.message
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("args", [
    ["--set", "noise=0"],
    ["--set", "points=1000"],
    ["--set", "slope=os.system('true')"],
    ["--set", "sigma=1"],
])
def test_cli_bad_input_is_one_error_line(args):
    result = CliRunner().invoke(cli, ["numbers", "least_squares_mle", *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr


def test_cli_prints_the_story():
    result = CliRunner().invoke(cli, ["numbers", "least_squares_mle", "--set", "points=12", "--set", "seed=9"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(story(points=12, seed=9).to_json())
