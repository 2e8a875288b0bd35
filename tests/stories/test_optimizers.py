"""mathviz.stories.optimizers against independent references: optimiser steps written out by hand,
central differences, closed forms of the first steps, and the statistics of the gradient noise.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mathviz.params import ParameterError
from mathviz.pipeline.cli import cli
from mathviz.stories.gradient_descent import SURFACES, parse_surface
from mathviz.stories.optimizers import (
    ADAM_BETA1,
    ADAM_BETA2,
    ARROW_FRACTION,
    EPS,
    ESCAPE_DISTANCE,
    MOMENTUM,
    OPTIMIZERS,
    PARAMS,
    RMSPROP_RHO,
    adam_first_step,
    gradient_noise,
    optimizers_story,
    run_optimizer,
)


def story(**overrides: str):
    """The story from parameters as typed, parsed by the module's own PARAMS (as the registry does)."""
    # each value has its own parameter's type, as in the registry's SceneSpec.parse
    values: dict[str, Any] = {p.name: p.parse(overrides.pop(p.name, p.default)) for p in PARAMS}
    assert not overrides, f"unknown parameters {overrides}"
    return optimizers_story(**values)


def numeric_gradient(f, w, h: float = 1e-6) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    return np.array([(float(f(*(w + e))) - float(f(*(w - e)))) / (2 * h) for e in (np.array([h, 0.0]), np.array([0.0, h]))])


# --- the first two steps, written out by hand ------------------------------------------------------
# On the bowl L = w1^2/4 + w2^2 the gradient is (w1/2, 2 w2). Each reference below is the textbook
# update typed out coordinate by coordinate with plain floats, independent of the module's update().

ETA = 0.3
START = (-2.0, 1.5)
NOISE = ((0.25, -0.5), (-0.75, 0.125))


def bowl_grad(w1: float, w2: float, k: int) -> tuple[float, float]:
    return w1 / 2 + NOISE[k][0], 2 * w2 + NOISE[k][1]


def hand_sgd() -> list[tuple[float, float]]:
    w = [START]
    for k in range(2):
        g1, g2 = bowl_grad(*w[-1], k)
        w.append((w[-1][0] - ETA * g1, w[-1][1] - ETA * g2))
    return w


def hand_momentum() -> list[tuple[float, float]]:
    w, v1, v2 = [START], 0.0, 0.0
    for k in range(2):
        g1, g2 = bowl_grad(*w[-1], k)
        v1, v2 = 0.9 * v1 + 0.1 * g1, 0.9 * v2 + 0.1 * g2
        w.append((w[-1][0] - ETA * v1, w[-1][1] - ETA * v2))
    return w


def hand_rmsprop() -> list[tuple[float, float]]:
    w, s1, s2 = [START], 0.0, 0.0
    for k in range(2):
        g1, g2 = bowl_grad(*w[-1], k)
        s1, s2 = 0.9 * s1 + 0.1 * g1 ** 2, 0.9 * s2 + 0.1 * g2 ** 2
        w.append((w[-1][0] - ETA * g1 / (math.sqrt(s1) + 1e-8), w[-1][1] - ETA * g2 / (math.sqrt(s2) + 1e-8)))
    return w


def hand_adam() -> list[tuple[float, float]]:
    w, m1, m2, s1, s2 = [START], 0.0, 0.0, 0.0, 0.0
    for k in range(2):
        g1, g2 = bowl_grad(*w[-1], k)
        m1, m2 = 0.9 * m1 + 0.1 * g1, 0.9 * m2 + 0.1 * g2
        s1, s2 = 0.999 * s1 + 0.001 * g1 ** 2, 0.999 * s2 + 0.001 * g2 ** 2
        t = k + 1
        mh1, mh2 = m1 / (1 - 0.9 ** t), m2 / (1 - 0.9 ** t)
        sh1, sh2 = s1 / (1 - 0.999 ** t), s2 / (1 - 0.999 ** t)
        w.append((w[-1][0] - ETA * mh1 / (math.sqrt(sh1) + 1e-8), w[-1][1] - ETA * mh2 / (math.sqrt(sh2) + 1e-8)))
    return w


HAND = {"sgd": hand_sgd, "momentum": hand_momentum, "rmsprop": hand_rmsprop, "adam": hand_adam}


def test_the_constants_are_the_usual_ones() -> None:
    # The hand references above type these values; the module must use the same.
    assert (MOMENTUM, RMSPROP_RHO, ADAM_BETA1, ADAM_BETA2, EPS) == (0.9, 0.9, 0.9, 0.999, 1e-8)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_first_two_steps_match_the_hand_written_update(name: str) -> None:
    surface = parse_surface("bowl")
    noise = np.array(NOISE + ((9.0, 9.0),))
    run = run_optimizer(surface, START, name=name, learning_rate=ETA, steps=2, noise=noise, loss_range=(0.0, 10.0))
    expected = HAND[name]()
    np.testing.assert_allclose(run.path[:, :2], expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(run.path[:, 2], [w1 ** 2 / 4 + w2 ** 2 for w1, w2 in expected], rtol=1e-12)
    assert run.first_step == pytest.approx((expected[1][0] - START[0], expected[1][1] - START[1]), abs=1e-12)


def test_story_runs_are_the_optimisers_on_the_story_noise() -> None:
    s = story(surface="bowl", learning_rate="0.1", steps="12", batch_noise="0.7", seed="3")
    surface = parse_surface("bowl")
    np.testing.assert_array_equal(s.noise, gradient_noise(0.7, 12, 3))
    for name, run in zip(OPTIMIZERS, s.runs):
        again = run_optimizer(surface, s.start, name=name, learning_rate=0.1, steps=12, noise=s.noise,
                              loss_range=s.loss_range)
        np.testing.assert_array_equal(run.path, again.path)
        assert run.name == name and s.run(name) is run


# --- gradients and noise ---------------------------------------------------------------------------


@pytest.mark.parametrize("surface", ["ravine", "rosenbrock", "himmelblau", "sin(w1)*w2 + w1**2/3"])
def test_each_gradient_used_is_the_true_gradient_plus_the_shared_noise(surface: str) -> None:
    s = story(surface=surface, steps="15", batch_noise="0.4", learning_rate="0.001")
    f = parse_surface(surface)
    for run in s.runs:
        for k, g in enumerate(run.gradients):
            true = numeric_gradient(f, run.path[k, :2])
            np.testing.assert_allclose(g - s.noise[k], true, rtol=1e-5, atol=1e-5)


def test_noise_is_gaussian_with_the_asked_deviation() -> None:
    noise = gradient_noise(0.8, 500, 11)
    assert noise.shape == (500, 2)
    # 1000 draws: the sample deviation is within 4 standard errors (0.8 / sqrt(2000)) of 0.8
    assert abs(noise.std() - 0.8) < 4 * 0.8 / math.sqrt(2000)
    assert abs(noise.mean()) < 4 * 0.8 / math.sqrt(1000)
    np.testing.assert_array_equal(noise, gradient_noise(0.8, 500, 11))
    assert not np.array_equal(noise, gradient_noise(0.8, 500, 12))


def test_zero_noise_is_full_batch() -> None:
    s = story(batch_noise="0")
    np.testing.assert_array_equal(s.run("sgd").path, s.full_batch.path)
    assert not s.noise.any()
    np.testing.assert_allclose(s.noisy_gradients, np.tile(s.gradient_at_start, (len(s.noisy_gradients), 1)))


def test_momentum_shrinks_the_step_noise_by_the_ema_factor() -> None:
    # On a plane (constant true gradient) every step's spread is the noise's: SGD's step has variance
    # eta^2 sigma^2, the exponential average's tends to eta^2 sigma^2 (1 - beta) / (1 + beta).
    s = story(surface="0.01*w1 + 0.01*w2", start="[0, 0]", learning_rate="0.001", steps="500", batch_noise="1",
              seed="5")
    steps = {r.name: np.diff(r.path[:, :2], axis=0) for r in s.runs}
    sgd_var = steps["sgd"][50:].var(axis=0)
    mom_var = steps["momentum"][50:].var(axis=0)
    np.testing.assert_allclose(sgd_var, 0.001 ** 2, rtol=0.2)
    np.testing.assert_allclose(mom_var / sgd_var, (1 - MOMENTUM) / (1 + MOMENTUM), rtol=0.35)
    assert s.run("momentum").path_length < s.run("sgd").path_length


# --- what the adaptive methods do ------------------------------------------------------------------


@settings(max_examples=30, deadline=None, derandomize=True)
@given(g1=st.floats(1e-5, 1e5), g2=st.floats(-1e5, -1e-5), eta=st.floats(1e-4, 2.0))
def test_adam_first_step_is_eta_in_each_coordinate(g1: float, g2: float, eta: float) -> None:
    step = adam_first_step(np.array([g1, g2]), eta)
    np.testing.assert_allclose(np.abs(step), eta, rtol=1e-3)
    assert step[0] > 0 > step[1]
    surface = parse_surface("0*w1 + 0*w2")  # a plane: the gradient is all noise, here (g1, g2)
    run = run_optimizer(surface, (0.0, 0.0), name="adam", learning_rate=eta, steps=1,
                        noise=np.array([[g1, g2]]), loss_range=(0.0, 0.0))
    np.testing.assert_allclose(run.first_step, -step, rtol=1e-12)


def test_story_states_the_first_steps_of_adam_and_rmsprop() -> None:
    s = story(surface="ravine", learning_rate="auto")
    g = np.array(s.gradient_at_start) + s.noise[0]
    np.testing.assert_allclose(s.adam_first_step, s.learning_rate * g / (np.abs(g) + EPS))
    np.testing.assert_allclose(np.abs(s.run("adam").first_step), s.learning_rate, rtol=1e-6)
    assert s.rmsprop_first_step_factor == pytest.approx(1 / math.sqrt(0.1))
    np.testing.assert_allclose(np.abs(s.run("rmsprop").first_step), s.learning_rate * s.rmsprop_first_step_factor,
                               rtol=1e-6)
    # SGD's first step is the gradient's shape: on the ravine the two coordinates differ 35-fold
    ratio = abs(s.run("sgd").first_step[1] / s.run("sgd").first_step[0])
    assert ratio > 10


@settings(max_examples=12, deadline=None, derandomize=True)
@given(c=st.floats(0.1, 100.0))
def test_adaptive_paths_ignore_the_scale_of_the_loss(c: float) -> None:
    # RMSProp and Adam divide by the gradient's own size: L and c L give the same path (up to eps, which
    # is 1e-6 of the smallest gradient here when c = 0.1).
    base = optimizers_story(surface=parse_surface("w1**2/50 + 2*w2**2"), start=np.array([-2.5, 1.0]),
                            learning_rate=0.05, steps=30, batch_noise=0.0, seed=0)
    scaled = optimizers_story(surface=parse_surface(f"{c!r}*(w1**2/50 + 2*w2**2)"), start=np.array([-2.5, 1.0]),
                              learning_rate=0.05, steps=30, batch_noise=0.0, seed=0)
    for name in ("rmsprop", "adam"):
        np.testing.assert_allclose(scaled.run(name).path[:, :2], base.run(name).path[:, :2], atol=1e-4)
    if abs(c - 1) > 0.1:  # plain SGD does not (its steps scale with c; with c large it even diverges)
        a, b = scaled.run("sgd").path[:, :2], base.run("sgd").path[:, :2]
        assert a.shape != b.shape or not np.allclose(a, b, atol=1e-3)


def test_adam_crosses_a_plateau_that_sgd_crawls_on() -> None:
    s = story(surface="tanh(w1)**2 + tanh(w2)**2", start="[2.8, 2.5]", learning_rate="0.05", steps="40",
              batch_noise="0")
    moved = {r.name: float(np.linalg.norm(r.path[-1, :2] - r.path[0, :2])) for r in s.runs}
    assert moved["adam"] > 10 * moved["sgd"]
    assert s.run("adam").final_loss < s.run("sgd").final_loss


# --- the saddle ------------------------------------------------------------------------------------


def test_saddle_escape_is_along_the_negative_curvature_and_adaptive_methods_are_first() -> None:
    s = story()
    sd = s.saddle
    f = parse_surface(sd.surface)
    assert numeric_gradient(f, sd.saddle[:2]) == pytest.approx([0, 0], abs=1e-6)
    lam = np.linalg.eigvalsh(f.hessian_at(sd.saddle[:2]))
    assert sd.curvatures == pytest.approx(tuple(lam)) and lam[0] < 0 < lam[1]
    h = f.hessian_at(sd.saddle[:2])
    e = np.array(sd.escape_direction)
    np.testing.assert_allclose(h @ e, lam[0] * e, atol=1e-9)
    # Plain descent's offset along e grows by (1 - eta lambda_min) per step while it is still tiny.
    sgd = sd.runs[0]
    offsets = (sgd.path[:, :2] - sd.saddle[:2]) @ e
    growth = offsets[11:21] / offsets[10:20]
    np.testing.assert_allclose(growth, 1 - sd.learning_rate * lam[0], rtol=0.02)
    for run, k in zip(sd.runs, sd.escaped_at):
        along = np.abs((run.path[:, :2] - sd.saddle[:2]) @ e)
        if k is None:
            assert np.all(along <= ESCAPE_DISTANCE)
        else:
            assert along[k] > ESCAPE_DISTANCE >= along[:k].max()
    escaped = dict(zip(OPTIMIZERS, sd.escaped_at))
    assert escaped["adam"] < escaped["sgd"] and escaped["rmsprop"] < escaped["sgd"]
    assert all(not r.gradients.size or np.allclose(r.gradients[0], numeric_gradient(f, sd.start), atol=1e-6)
               for r in sd.runs)  # full batch: no noise


# --- the story as a whole --------------------------------------------------------------------------


def test_default_story_tells_every_beat() -> None:
    s = story()
    assert s.surface == "bowl" and s.learning_rate == 0.1 and s.start == SURFACES["bowl"].start
    assert [r.name for r in s.runs] == list(OPTIMIZERS)
    assert all(not r.diverged and r.steps_taken == s.steps for r in s.runs)
    # noisy SGD wanders more than full batch, momentum less than noisy SGD
    assert s.run("sgd").path_length > s.full_batch.path_length
    assert s.run("momentum").path_length < s.run("sgd").path_length
    assert s.best == min(s.runs, key=lambda r: r.final_loss).name
    for run in s.runs:
        assert run.final_loss == run.path[-1, 2]
    longest = max(np.linalg.norm(np.vstack([s.gradient_at_start, s.noisy_gradients]), axis=1))
    assert 0.4 * ARROW_FRACTION * 6 <= longest * s.arrow_scale <= ARROW_FRACTION * 6  # the bowl's window is 6 wide


def test_json_has_the_numbers_the_scene_shows() -> None:
    data = json.loads(story(steps="5").to_json())
    assert {"runs", "full_batch", "saddle", "adam_first_step", "best", "noisy_gradients"} <= set(data)
    run = data["runs"][3]
    assert run["name"] == "adam" and len(run["path"]) == 6 and len(run["path"][0]) == 3
    assert "final_loss" in run and "gradients" not in run and "noise" not in data


def test_a_huge_learning_rate_diverges_as_a_result() -> None:
    s = story(learning_rate="1e6", batch_noise="0")
    assert s.run("sgd").diverged and s.run("sgd").diverged_at == 1
    data = json.loads(s.to_json())
    assert data["runs"][0]["diverged"] is True
    assert s.best in (None, *OPTIMIZERS)


@pytest.mark.parametrize("surface, learning_rate", [
    ("exp(w1) + w2**2", "1e3"),
    # iterates near 1e300 overflow the loss, the first step and the norms
    ("w1**2 + w2**2", "1e300"),
])
def test_divergence_prints_no_warnings(surface: str, learning_rate: str) -> None:
    code = ("from tests.stories.test_optimizers import story; "
            f"s = story(surface={surface!r}, learning_rate={learning_rate!r}); s.to_json(); "
            "assert s.run('sgd').diverged")
    done = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_a_flat_surface_goes_nowhere_and_adam_takes_no_step() -> None:
    s = story(surface="1 + 0*w1*w2", batch_noise="0")
    for run in s.runs:
        np.testing.assert_array_equal(run.path[:, :2], np.tile(s.start, (s.steps + 1, 1)))
    assert s.adam_first_step == (0.0, 0.0)


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key, value, words", [
    ("learning_rate", "0", "greater than 0"),
    ("learning_rate", "-1", "greater than 0"),
    ("learning_rate", "nan", ""),
    ("start", "[9, 9]", "window"),
    ("start", "[1]", "2 numbers"),
    ("steps", "0", "between 1 and 500"),
    ("steps", "501", "between 1 and 500"),
    ("batch_noise", "-0.1", "at least 0"),
    ("batch_noise", "1e9", "at most"),
    ("batch_noise", "inf", ""),
    ("seed", "-1", "between"),
    ("seed", "1.5", "whole number"),
    ("surface", "bowll", "unknown surface"),
    ("surface", "log(w1)", "not finite"),
    ("surface", "w3**2", ""),
    ("surface", "__import__('os').system('true')", ""),
])
def test_bad_parameters_raise_parameter_error(key: str, value: str, words: str) -> None:
    with pytest.raises(ParameterError) as err:
        story(**{key: value})
    assert err.value.key == key
    assert words in err.value.message
    assert "\n" not in str(err.value)


def test_story_function_checks_its_own_arguments() -> None:
    with pytest.raises(ParameterError, match="batch_noise"):
        optimizers_story(surface=parse_surface("bowl"), start=None, learning_rate=0.1, steps=5, batch_noise=-1.0,
                         seed=0)
    with pytest.raises(ParameterError, match="learning_rate"):
        optimizers_story(surface=parse_surface("bowl"), start=None, learning_rate=math.inf, steps=5, batch_noise=0.0,
                         seed=0)


@pytest.mark.parametrize("args", [
    ["--set", "surface=banana"],
    ["--set", "learning_rate=0"],
    ["--set", "start=[0, 99]"],
    ["--set", "batch_noise=-1"],
    ["--set", "steps=many"],
    ["--set", "momentum=0.5"],
])
def test_cli_bad_input_is_one_error_line(args: list[str]) -> None:
    result = CliRunner().invoke(cli, ["numbers", "optimizers", *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
