"""mathviz.stories.gradient_descent against independent references: central differences, scipy, numpy, the update formulas."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from mathviz.params import ParameterError
from mathviz.pipeline import registry
from mathviz.stories.gradient_descent import (
    SURFACES,
    contour_lines,
    descent_story,
    parse_surface,
    quadratic_hessian,
    run_descent,
    stability_bound,
    view_of,
)

NAMES = list(SURFACES)


def story(**overrides: str):
    return registry.get("gradient_descent").build_story(overrides)


def sample_points(surface, n: int = 12, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    (a, b), (c, d) = surface.window
    return np.column_stack([rng.uniform(a, b, n), rng.uniform(c, d, n)])


def numeric_gradient(f, w: np.ndarray, h: float = 1e-5) -> np.ndarray:
    e1, e2 = np.array([h, 0.0]), np.array([0.0, h])
    return np.array([(f(*(w + e)) - f(*(w - e))) / (2 * h) for e in (e1, e2)], dtype=float)


def numeric_hessian(f, w: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Second differences of the loss itself (not of our gradient)."""
    H = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * h, np.eye(2)[j] * h
            H[i, j] = (f(*(w + ei + ej)) - f(*(w + ei - ej)) - f(*(w - ei + ej)) + f(*(w - ei - ej))) / (4 * h * h)
    return H


# --- surfaces --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_central_differences(name: str) -> None:
    surface = parse_surface(name)
    for w in sample_points(surface):
        expected = numeric_gradient(surface, w)
        assert np.allclose(surface.grad(w), expected, rtol=1e-6, atol=1e-6 * max(1.0, np.abs(expected).max()))


@pytest.mark.parametrize("name", NAMES)
def test_hessian_matches_second_differences(name: str) -> None:
    surface = parse_surface(name)
    for w in sample_points(surface, n=6, seed=1):
        expected = numeric_hessian(surface, w)
        assert np.allclose(surface.hessian_at(w), expected, rtol=1e-4, atol=1e-3)


def test_typed_expression_gets_exact_derivatives() -> None:
    surface = parse_surface("exp(-w1**2) * sin(3*w2) + w1*w2")
    for w in sample_points(surface):
        assert np.allclose(surface.grad(w), numeric_gradient(surface, w), atol=1e-7)


@pytest.mark.parametrize("name", [n for n in NAMES if SURFACES[n].minima])
def test_declared_minima_are_what_scipy_finds(name: str) -> None:
    surface = parse_surface(name)
    minima = np.array(SURFACES[name].minima)
    f = lambda w: float(surface(w[0], w[1]))  # noqa: E731
    # From near each declared minimum, scipy (its own finite-difference BFGS) lands on it ...
    for m in minima:
        found = minimize(f, m + np.array([0.07, -0.05]), method="BFGS", options={"gtol": 1e-10}).x
        assert np.allclose(found, m, atol=1e-4), (name, found, m)
    # ... and from starts spread over the window it finds no minimum we did not declare.
    for start in sample_points(surface, n=8, seed=2):
        found = minimize(f, start, method="BFGS", options={"gtol": 1e-10}).x
        if surface.in_window(found):
            assert np.min(np.linalg.norm(minima - found, axis=1)) < 1e-3, (name, start, found)


def test_saddle_has_no_minimum_and_an_indefinite_hessian() -> None:
    surface = parse_surface("saddle")
    assert SURFACES["saddle"].minima == ()
    eigenvalues = np.linalg.eigvalsh(surface.hessian_at([0.0, 0.0]))
    assert eigenvalues[0] < 0 < eigenvalues[1]


def test_two_minima_surface_has_a_saddle_between_two_minima_of_different_depth() -> None:
    view = view_of(parse_surface("two-minima"))
    (m1, m2), (saddle,) = view.minima, view.saddles
    assert m1[0] < saddle[0] < m2[0]
    surface = view.surface
    assert np.allclose(surface.grad(saddle[:2]), 0, atol=1e-9)
    assert np.linalg.eigvalsh(surface.hessian_at(saddle[:2]))[0] < 0
    assert m1[2] != pytest.approx(m2[2])


# --- quadratics and the stability bound -----------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_quadratic_detection(name: str) -> None:
    surface = parse_surface(name)
    H = quadratic_hessian(surface)
    assert (H is not None) == (name in {"bowl", "ravine", "saddle"})
    if H is not None:
        assert np.allclose(H, numeric_hessian(surface, np.array([0.3, -0.7])), atol=1e-4)


@pytest.mark.parametrize("text", ["w1**2/4 + w2**2", "3*w1**2 + 2*w1*w2 + w2**2 - w1 + 4", "w1**2/50 + 2*w2**2"])
def test_stability_bound_is_two_over_the_largest_hessian_eigenvalue(text: str) -> None:
    surface = parse_surface(text)
    H = numeric_hessian(surface, np.array([0.5, 0.5]))
    exact = quadratic_hessian(surface)
    assert exact is not None  # a quadratic has a constant Hessian
    assert stability_bound(exact) == pytest.approx(2 / np.linalg.eigvalsh(H)[-1], rel=1e-6)
    assert view_of(surface).stability_bound == pytest.approx(2 / np.linalg.eigvalsh(H)[-1], rel=1e-6)


def test_non_quadratic_has_no_bound() -> None:
    s = story(surface="rosenbrock", start="[-1, 2]", learning_rate="0.001")
    assert s.view.is_quadratic is False
    assert s.view.stability_bound is None
    assert s.to_dict()["view"]["stability_bound"] is None


@pytest.mark.parametrize("fraction", [0.5, 0.9, 0.99])
def test_converges_below_the_bound(fraction: float) -> None:
    surface = parse_surface("bowl")
    hessian = quadratic_hessian(surface)
    assert hessian is not None  # a quadratic: its Hessian is constant
    bound = stability_bound(hessian)
    assert bound is not None  # and positive definite: there is a stable step size
    run = run_descent(surface, (-2.5, 2.0), optimizer="gd", learning_rate=fraction * bound, steps=500)
    assert run.converged and not run.diverged
    assert np.linalg.norm(run.path[-1, :2]) < 1e-2


@pytest.mark.parametrize("fraction", [1.05, 1.5, 3.0])
def test_diverges_above_the_bound(fraction: float) -> None:
    surface = parse_surface("bowl")
    hessian = quadratic_hessian(surface)
    assert hessian is not None  # a quadratic: its Hessian is constant
    bound = stability_bound(hessian)
    assert bound is not None  # and positive definite: there is a stable step size
    run = run_descent(surface, (-2.5, 2.0), optimizer="gd", learning_rate=fraction * bound, steps=500)
    assert run.diverged and not run.converged
    assert run.diverged_at == run.steps_taken <= 500
    # The steep direction grows by |1 - eta lambda_max| each step: the loss rises along the way.
    losses = run.path[:, 2][np.isfinite(run.path[:, 2])]
    assert losses[-1] > 100 * losses[0]


def test_huge_learning_rate_is_a_result_not_an_exception() -> None:
    s = story(learning_rate="1e300")
    assert s.run.diverged and s.run.diverged_at >= 1
    data = json.loads(s.to_json())
    assert data["run"]["diverged"] is True
    assert any(v is None for point in data["run"]["path"] for v in point)  # the overflowed iterate is null


# --- the update formulas, by hand -----------------------------------------------------------------


def bowl_gradient(w: np.ndarray) -> np.ndarray:
    # L = w1^2/4 + w2^2, differentiated by hand.
    return np.array([w[0] / 2, 2 * w[1]])


def test_gd_first_iterates() -> None:
    eta, w0 = 0.3, np.array([-2.5, 2.0])
    run = run_descent(parse_surface("bowl"), w0, optimizer="gd", learning_rate=eta, steps=3)
    w1 = w0 - eta * bowl_gradient(w0)
    w2 = w1 - eta * bowl_gradient(w1)
    assert np.allclose(run.path[1, :2], w1) and np.allclose(run.path[2, :2], w2)
    assert run.path[1, 2] == pytest.approx(w1[0] ** 2 / 4 + w1[1] ** 2)
    assert run.grad_norms[1] == pytest.approx(np.linalg.norm(bowl_gradient(w1)))


def test_momentum_first_iterates() -> None:
    # Heavy ball, PyTorch convention: v_{k+1} = beta v_k + g_k, w_{k+1} = w_k - eta v_{k+1}, v_0 = 0.
    eta, beta, w0 = 0.3, 0.8, np.array([-2.5, 2.0])
    run = run_descent(parse_surface("bowl"), w0, optimizer="momentum", learning_rate=eta, momentum=beta, steps=3)
    v1 = bowl_gradient(w0)
    w1 = w0 - eta * v1
    v2 = beta * v1 + bowl_gradient(w1)
    w2 = w1 - eta * v2
    v3 = beta * v2 + bowl_gradient(w2)
    w3 = w2 - eta * v3
    assert np.allclose(run.path[1:4, :2], [w1, w2, w3])


def test_adam_first_step_is_eta_times_the_gradient_sign() -> None:
    # With bias correction m^ = g and s^ = g^2 after one step, so the step is eta * g / (|g| + eps).
    eta, w0 = 0.1, np.array([-2.5, 2.0])
    run = run_descent(parse_surface("bowl"), w0, optimizer="adam", learning_rate=eta, momentum=0.9, steps=1)
    g = bowl_gradient(w0)
    assert np.allclose(run.path[1, :2], w0 - eta * g / (np.abs(g) + 1e-8))


def test_story_first_step_and_gradient_are_the_runs() -> None:
    s = story()
    w0 = np.array(s.run.start)
    assert np.allclose(s.gradient_at_start, bowl_gradient(w0))
    assert np.allclose(s.step_at_start, -s.run.learning_rate * bowl_gradient(w0))
    assert np.allclose(s.run.path[1, :2], w0 + np.array(s.step_at_start))


@pytest.mark.parametrize("overrides, scale", [
    ({"surface": "abs(w1) + abs(w2)"}, 0.5),  # |grad| 1.41 fits a third of the window, but from [-2.5, 2] not inside
    ({}, 0.25),  # the bowl: a third of the window is the tighter limit
])
def test_gradient_arrow_tip_stays_inside_the_window(overrides: dict[str, str], scale: float) -> None:
    s = story(**overrides)
    (a, b), (c, d) = s.view.surface.window
    tip = np.array(s.run.start) + s.gradient_arrow_scale * np.array(s.gradient_at_start)
    assert s.gradient_arrow_scale == scale
    assert a - 1e-9 <= tip[0] <= b + 1e-9 and c - 1e-9 <= tip[1] <= d + 1e-9


@pytest.mark.parametrize("start, window", [
    ("[-3, 3]", ((-4.0, 3.0), (-3.0, 4.0))),  # a corner, the gradient (-1, 1) out through two sides
    ("[-3, 0]", ((-4.0, 3.0), (-3.0, 3.0))),  # the left edge, the gradient (-1, 0) out through it
    ("[0, -3]", ((-3.0, 3.0), (-4.0, 3.0))),
    ("[-3, -0.5]", ((-4.0, 3.0), (-3.0, 3.0))),  # (-1, -1): room along w2, none along w1
])
def test_a_start_on_an_edge_the_gradient_leaves_by_widens_the_window_there(start: str, window: object) -> None:
    s = story(surface="abs(w1) + abs(w2)", start=start)
    assert s.view.window == window and s.view.surface.window == window
    (a, b), (c, d) = s.view.window
    g = s.gradient_arrow_scale * np.array(s.gradient_at_start)
    tip = np.array(s.run.start) + g
    assert a <= tip[0] <= b and c <= tip[1] <= d
    assert np.linalg.norm(g) >= 6 / 12  # at least a twelfth of the window, drawn inside it
    first = s.run.path[1, :2]  # descent steps against the gradient, back into the surface's own window
    assert np.allclose(first - s.run.start, -s.run.learning_rate * np.array(s.gradient_at_start))
    assert np.all(np.abs(first) < 3)


@pytest.mark.parametrize("overrides", [{}, {"surface": "abs(w1) + abs(w2)"}, {"surface": "himmelblau"},
                                       {"surface": "abs(w1) + abs(w2)", "start": "[2, 1]"}])
def test_a_start_with_room_keeps_the_surfaces_window(overrides: dict[str, str]) -> None:
    s = story(**overrides)
    assert s.view.window == parse_surface(overrides.get("surface", "bowl")).window


# --- properties -----------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    lam_small=st.floats(0.05, 5.0),
    ratio=st.floats(1.0, 50.0),
    angle=st.floats(0.0, math.pi),
    fraction=st.floats(0.01, 0.999),
    start=st.tuples(st.floats(-2.9, 2.9), st.floats(-2.9, 2.9)),
)
def test_loss_never_rises_on_a_convex_quadratic_below_the_bound(lam_small, ratio, angle, fraction, start) -> None:
    lam = np.array([lam_small, lam_small * ratio])
    q = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    H = q @ np.diag(lam) @ q.T
    # L = 1/2 w^T H w written out, so the surface is parsed from text like any user's.
    text = f"{float(H[0, 0]) / 2!r}*w1**2 + {float(H[0, 1])!r}*w1*w2 + {float(H[1, 1]) / 2!r}*w2**2"
    surface = parse_surface(text)
    eta = fraction * 2 / lam.max()
    run = run_descent(surface, start, optimizer="gd", learning_rate=eta, steps=60)
    losses = run.path[:, 2]
    assert not run.diverged
    assert np.all(np.diff(losses) <= 1e-12 * max(1.0, losses[0]))


# --- contour lines --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_contour_points_lie_on_their_level(name: str) -> None:
    view = view_of(parse_surface(name))
    span = view.loss_range[1] - view.loss_range[0]
    assert len(view.levels) == 10 and all(np.diff(view.levels) > 0)
    for level, pieces in zip(view.levels, view.contours):
        assert pieces, f"level {level} of {name} has no curve"
        for piece in pieces:
            values = view.surface(piece[:, 0], piece[:, 1])
            assert np.max(np.abs(values - level)) < 2e-3 * span


def test_level_curve_through_the_start() -> None:
    s = story()
    for piece in s.start_contour:
        assert np.allclose(s.view.surface(piece[:, 0], piece[:, 1]), s.start_loss, atol=2e-3 * s.view.loss_range[1])
    assert len(contour_lines(s.view.surface, -1.0)) == 0  # below the bowl's floor: no curve


# --- the story's later beats ----------------------------------------------------------------------


def test_default_story_tells_every_beat() -> None:
    s = story()
    assert s.view.name == "bowl" and s.run.converged and not s.run.diverged
    labels = [r.label for r in s.regimes]
    assert labels == ["too small", "good", "too large"]
    small, good, large = s.regimes
    assert small.fraction_of_bound < good.fraction_of_bound < 1 < large.fraction_of_bound
    assert good.run.converged and large.run.diverged and not small.run.converged
    assert s.ravine_gd.learning_rate == s.ravine_momentum_run.learning_rate
    assert s.ravine_gd.steps_taken == s.ravine_momentum_run.steps_taken == s.steps
    assert s.ravine_momentum_run.final_loss < s.ravine_gd.final_loss / 5
    ends = [run.path[-1, :2] for run in s.two_minima_runs]
    minima = np.array([m[:2] for m in s.two_minima_view.minima])
    nearest = [int(np.argmin(np.linalg.norm(minima - end, axis=1))) for end in ends]
    assert sorted(nearest) == [0, 1]
    assert all(run.converged for run in s.two_minima_runs)


def test_json_has_the_numbers_the_scene_shows() -> None:
    data = json.loads(story().to_json())
    for key in ("view", "run", "gradient_at_start", "regimes", "ravine_gd", "ravine_momentum_run", "two_minima_runs"):
        assert key in data
    for key in ("optimizer", "learning_rate", "start", "path", "converged", "diverged", "steps_taken", "final_loss",
                "grad_norms"):
        assert key in data["run"]
    for key in ("name", "formula", "window", "loss_range", "levels", "is_quadratic", "stability_bound"):
        assert key in data["view"]
    # nested, not copied: the run's and the surface's numbers appear once
    assert not {"path", "optimizer", "stability_bound", "surface", "regimes_surface"} & set(data)
    assert data["view"]["stability_bound"] == pytest.approx(1.0)
    assert len(data["run"]["path"]) == data["run"]["steps_taken"] + 1 == len(data["run"]["grad_norms"])
    assert all(len(p) == 3 for p in data["run"]["path"])


def test_non_convex_user_surface_uses_the_bowl_for_the_regimes() -> None:
    s = story(surface="himmelblau", start="[0, 0]", learning_rate="0.01")
    assert s.regimes_view.name == "bowl"
    s2 = story(surface="w1**2 + 10*w2**2", optimizer="momentum")
    assert s2.regimes_view.name == "w1**2 + 10*w2**2"
    assert s2.regimes_view.stability_bound == pytest.approx(0.1)


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key, value, words", [
    ("learning_rate", "0", "greater than 0"),
    ("learning_rate", "-0.1", "greater than 0"),
    ("learning_rate", "inf", ""),
    ("learning_rate", "nan", ""),
    ("momentum", "1", "[0, 1)"),
    ("momentum", "-0.1", "at least 0"),
    ("start", "[9, 9]", "window"),
    ("start", "[1, 2, 3]", "2 numbers"),
    ("steps", "0", "between 1 and 500"),
    ("steps", "501", "between 1 and 500"),
    ("steps", "2.5", "whole number"),
    ("surface", "bowll", "unknown surface"),
    ("surface", "log(w1)", "not finite"),
    ("surface", "w3**2", "unknown name"),
    ("surface", "__import__('os')", ""),
    ("optimizer", "sgd", "one of"),
])
def test_bad_parameters_raise_parameter_error(key: str, value: str, words: str) -> None:
    with pytest.raises(ParameterError) as err:
        story(**{key: value})
    assert err.value.key == key
    assert words in err.value.message


def test_window_is_named_in_the_start_error() -> None:
    with pytest.raises(ParameterError, match=r"w1 in \[-2, 2\], w2 in \[-1, 3\]"):
        story(surface="rosenbrock", start="[5, 0]")


def test_descent_story_checks_its_own_arguments() -> None:
    with pytest.raises(ParameterError):
        descent_story(surface=parse_surface("bowl"), optimizer="gd", learning_rate=0.1, momentum=1.0,
                      start=np.array([0.0, 1.0]), steps=5)
