"""mathviz.stories.derivative against exact answers, sympy and central differences; the edge cases of storyboard 1."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mathviz.expr import FUNCTIONS, compile_expression
from mathviz.params import ParameterError
from mathviz.pipeline import registry
from mathviz.stories.derivative import curve_pieces, derivative_story

X = sp.Symbol("x", real=True)


def story_for(function: str, x0: float):
    return derivative_story(compile_expression(function, ("x",), what="function"), x0)


def log_log_slope(records, lo=1e-3, hi=1e-1) -> float:
    """Least-squares slope of log|error| against log|h| over lo <= |h| <= hi, computed here, not by the module."""
    h = np.array([abs(r["h"]) for r in records])
    e = np.array([r["error"] for r in records])
    keep = (h >= lo * 0.999) & (h <= hi)
    return float(np.polyfit(np.log(h[keep]), np.log(e[keep]), 1)[0])


# --- exact derivatives ------------------------------------------------------------------------

EXACT = [
    ("x**2", 1.5, lambda x: 2 * x),
    ("x**3", -0.7, lambda x: 3 * x**2),
    ("x**4", 1.2, lambda x: 4 * x**3),
    ("x**5", 0.9, lambda x: 5 * x**4),
    ("x**-1", 2.0, lambda x: -(x**-2)),
    ("x**0.5", 2.0, lambda x: 0.5 * x**-0.5),
    ("sin(x)", 1.0, math.cos),
    ("cos(x)", 0.4, lambda x: -math.sin(x)),
    ("exp(x)", 0.5, math.exp),
    ("log(x)", 3.0, lambda x: 1 / x),
    ("sin(x**2)", 1.1, lambda x: 2 * x * math.cos(x**2)),
    ("exp(sin(x))", 0.8, lambda x: math.cos(x) * math.exp(math.sin(x))),
    ("log(1 + x**2)", -1.3, lambda x: 2 * x / (1 + x**2)),
    ("sqrt(1 + x**2)", 2.0, lambda x: x / math.sqrt(1 + x**2)),
    ("tanh(2*x)", 0.3, lambda x: 2 / math.cosh(2 * x) ** 2),
    ("x**3/3 - x", 1.5, lambda x: x**2 - 1),
]


@pytest.mark.parametrize("function, x0, exact", EXACT, ids=[e[0] for e in EXACT])
def test_derivative_matches_the_exact_formula(function, x0, exact):
    story = story_for(function, x0)
    expected = exact(x0)
    assert story.differentiable
    assert story.derivative_source == "exact"
    assert story.derivative == pytest.approx(expected, rel=1e-12, abs=1e-12)
    # the one-sided estimates never see the symbolic derivative: an independent check
    assert story.left_derivative == pytest.approx(expected, rel=1e-7, abs=1e-8)
    assert story.right_derivative == pytest.approx(expected, rel=1e-7, abs=1e-8)


SYMPY_CASES = [
    ("exp(-x**2)*sin(3*x)", sp.exp(-X**2) * sp.sin(3 * X), 0.3),
    ("x**3/3 - x", X**3 / 3 - X, 1.5),
    ("sigmoid(2*x - 1)", 1 / (1 + sp.exp(-(2 * X - 1))), 0.2),
    ("tan(x/2) + cosh(x)", sp.tan(X / 2) + sp.cosh(X), 0.6),
    ("sqrt(x)*log(x)", sp.sqrt(X) * sp.log(X), 1.7),
    ("(x**2 + 1)**1.5 / (2 + sinh(x))", (X**2 + 1) ** sp.Rational(3, 2) / (2 + sp.sinh(X)), -0.4),
    ("2**x - e**(x/3)", 2**X - sp.E ** (X / 3), 0.9),
]


@pytest.mark.parametrize("function, reference, x0", SYMPY_CASES, ids=[c[0] for c in SYMPY_CASES])
def test_derivative_and_slide_slopes_match_sympy(function, reference, x0):
    story = story_for(function, x0)
    d_ref = sp.diff(reference, X)
    assert story.derivative == pytest.approx(float(d_ref.subs(X, x0)), rel=1e-11, abs=1e-12)
    assert story.value == pytest.approx(float(reference.subs(X, x0)), rel=1e-13, abs=1e-14)
    slope_ref = sp.lambdify(X, d_ref, "numpy")
    value_ref = sp.lambdify(X, reference, "numpy")
    xs = np.array([r["x"] for r in story.slide])
    slopes = np.array([np.nan if r["slope"] is None else r["slope"] for r in story.slide])
    finite = np.isfinite(slopes)
    assert finite.mean() > 0.9
    np.testing.assert_allclose(slopes[finite], slope_ref(xs[finite]), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose([r["y"] for r in story.slide], value_ref(xs), rtol=1e-12, atol=1e-13)
    # each secant's slope is the difference quotient of the reference function
    for record in story.secants[::10]:
        h = record["h"]
        quotient = (value_ref(x0 + h) - value_ref(x0)) / h
        assert record["slope"] == pytest.approx(quotient, rel=1e-9, abs=1e-9)
        assert record["error"] == pytest.approx(abs(quotient - story.derivative), rel=1e-6, abs=1e-11)


# --- orders of accuracy -----------------------------------------------------------------------


@pytest.mark.parametrize("function, x0", [("x**3/3 - x", 1.5), ("sin(x)", 1.0), ("exp(x)", 0.5),
                                          ("exp(-x**2)*sin(3*x)", 0.3)])
def test_forward_error_is_first_order_and_central_second_order(function, x0):
    story = story_for(function, x0)
    forward, central = log_log_slope(story.secants), log_log_slope(story.central)
    assert forward == pytest.approx(1.0, abs=0.05)
    assert central == pytest.approx(2.0, abs=0.05)
    assert story.forward_order == pytest.approx(forward, abs=0.05)
    assert story.central_order == pytest.approx(central, abs=0.05)


def test_default_secants_span_the_storyboard_range():
    story = registry.get("derivative").build_story()
    runs = [r["h"] for r in story.secants]
    assert runs[0] == pytest.approx(1.5)
    assert runs[-1] == pytest.approx(1e-3)
    ratios = np.array(runs[1:]) / np.array(runs[:-1])
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)  # a geometric sequence
    # forward error of the cubic is exactly f''/2 h + f'''/6 h^2 = 1.5 h + h^2/3
    for r in story.secants:
        assert r["error"] == pytest.approx(1.5 * r["h"] + r["h"] ** 2 / 3, rel=1e-8)
    for r in story.central:
        assert r["error"] == pytest.approx(r["h"] ** 2 / 3, rel=1e-6)


# --- properties -------------------------------------------------------------------------------

coefficient = st.floats(-3, 3, allow_nan=False).map(lambda v: round(v, 3))


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(a=coefficient, b=coefficient, c=coefficient, d=coefficient, x0=st.floats(-2, 2).map(lambda v: round(v, 3)))
def test_cubic_derivative_is_the_polynomial_derivative(a, b, c, d, x0):
    story = story_for(f"{a}*x**3 + {b}*x**2 + {c}*x + {d}", x0)
    exact = 3 * a * x0**2 + 2 * b * x0 + c
    assert story.differentiable
    assert story.derivative == pytest.approx(exact, rel=1e-12, abs=1e-12)
    second, third = 6 * a * x0 + 2 * b, 6 * a
    for r in story.secants[::7]:
        h = r["h"]
        # Taylor's formula is exact for a cubic: D+(h) = f' + f''/2 h + f'''/6 h^2
        assert r["slope"] == pytest.approx(exact + second / 2 * h + third / 6 * h**2, rel=1e-8, abs=1e-8)
    small = [r for r in story.secants if r["h"] <= 1e-2]
    if abs(second) > 0.5:
        errors = [r["error"] for r in small]
        assert all(later < earlier for earlier, later in zip(errors, errors[1:]))
    if abs(a) > 0.1:
        errors = [r["error"] for r in story.central if r["h"] <= 1e-2]
        assert all(later < earlier for earlier, later in zip(errors, errors[1:]))


@settings(max_examples=15, deadline=None, derandomize=True)
@given(x0=st.floats(-2.5, 2.5).map(lambda v: round(v, 3)), k=st.sampled_from([1.0, 2.0, 3.0]))
def test_smooth_error_shrinks_monotonically_for_small_h(x0, k):
    # f = sin(k x): f'' = -k^2 sin(k x0) must not vanish or the leading error term changes
    assume(abs(math.sin(k * x0)) > 0.2)
    story = story_for(f"sin({k}*x)", x0)
    errors = [r["error"] for r in story.secants if r["h"] <= 1e-2]
    assert all(later < earlier for earlier, later in zip(errors, errors[1:]))
    assert story.derivative == pytest.approx(k * math.cos(k * x0), rel=1e-12, abs=1e-12)


# --- critical points --------------------------------------------------------------------------


def test_critical_points_of_the_default_cubic():
    story = registry.get("derivative").build_story()
    # f' = x^2 - 1 = 0 at x = -1 and 1; f'' = 2x: negative (max) at -1, positive (min) at 1
    assert [p["kind"] for p in story.critical_points] == ["max", "min"]
    (left, right) = story.critical_points
    assert left["x"] == pytest.approx(-1.0, abs=1e-12)
    assert right["x"] == pytest.approx(1.0, abs=1e-12)
    assert left["y"] == pytest.approx(2 / 3, abs=1e-12)
    assert right["y"] == pytest.approx(-2 / 3, abs=1e-12)
    assert left["second_derivative"] == pytest.approx(-2.0)
    assert right["second_derivative"] == pytest.approx(2.0)


def test_critical_points_against_sympy():
    story = story_for("exp(-x**2)*sin(3*x)", 0.3)
    f = sp.exp(-X**2) * sp.sin(3 * X)
    d1 = sp.lambdify(X, sp.diff(f, X), "numpy")
    d2 = sp.lambdify(X, sp.diff(f, X, 2), "numpy")
    lo, hi = story.x_range
    grid = np.linspace(lo, hi, 20001)
    changes = np.count_nonzero(np.diff(np.sign(d1(grid))) != 0)
    assert len(story.critical_points) == changes
    for p in story.critical_points:
        assert abs(d1(p["x"])) < 1e-10
        assert p["kind"] == ("min" if d2(p["x"]) > 0 else "max")


def test_flat_inflection_and_flat_pieces():
    story = story_for("x**3", 0.5)
    assert [(round(p["x"], 6), p["kind"]) for p in story.critical_points] == [(0.0, "inflection")]
    # a constant has no isolated flat tangent to mark
    assert story_for("3", 2.0).critical_points == ()
    # relu is flat on the whole left half: not a turning point, and its kink is no flat tangent
    assert story_for("relu(x)", 1.0).critical_points == ()
    # x^4 has f'' = 0 at 0 but is a minimum (first-derivative test)
    assert [p["kind"] for p in story_for("x**4", 0.5).critical_points] == ["min"]


# --- the plotted window ----------------------------------------------------------------------


@pytest.mark.parametrize("function, x0", [("x**3/3 - x", 1.5), ("exp(-x**2)*sin(3*x)", 0.3), ("abs(x)", 0.0),
                                          ("1/x", 0.5), ("log(x)", 2.0), ("sqrt(1 - x)", 0.5), ("3", 2.0)])
def test_window_shows_p_q_and_the_critical_points(function, x0):
    story = story_for(function, x0)
    (x_lo, x_hi), (y_lo, y_hi) = story.x_range, story.y_range
    first = story.secants[0]
    for x, y in [(story.x0, story.value), (first["x"], first["value"])] + [(p["x"], p["y"]) for p in story.critical_points]:
        assert x_lo <= x <= x_hi and y_lo <= y <= y_hi
    d_lo, d_hi = story.derivative_range
    assert d_lo <= 0 <= d_hi  # f' = 0 is on the lower axes
    for piece in story.graph_pieces:
        assert np.all((piece[:, 1] >= y_lo - 1e-9) & (piece[:, 1] <= y_hi + 1e-9))
        assert np.all((piece[:, 0] >= x_lo - 1e-9) & (piece[:, 0] <= x_hi + 1e-9))
    for r in story.slide:
        assert x_lo <= r["x"] <= x_hi
        if r["y"] is not None:
            assert y_lo - 1e-9 <= r["y"] <= y_hi + 1e-9


def test_curve_pieces_cut_at_poles_and_jumps():
    xs = np.linspace(-2, 2, 401)
    with np.errstate(divide="ignore"):
        pieces = curve_pieces(xs, 1 / xs, (-5.0, 5.0))
    assert len(pieces) == 2
    assert pieces[0][-1, 0] < 0 < pieces[1][0, 0]
    # the cut is interpolated onto the window's edge
    assert pieces[0][-1, 1] == pytest.approx(-5.0)
    assert pieces[1][0, 1] == pytest.approx(5.0)
    steps = curve_pieces(xs, np.sign(xs), (-1.5, 1.5))
    assert len(steps) == 2
    assert set(np.unique(np.concatenate([p[:, 1] for p in steps]))) == {-1.0, 1.0}
    assert len(curve_pieces(xs, np.sin(xs), (-1.5, 1.5))) == 1


# --- edge cases -------------------------------------------------------------------------------


def test_corner_of_abs_has_no_derivative():
    story = registry.get("derivative").build_story({"function": "abs(x)", "x0": "0"})
    data = json.loads(story.to_json())
    assert data["differentiable"] is False
    assert data["derivative"] is None
    assert data["left_derivative"] == pytest.approx(-1.0, abs=1e-9)
    assert data["right_derivative"] == pytest.approx(1.0, abs=1e-9)
    # each side's secants converge to that side's slope: errors are measured against it
    assert all(r["slope"] == pytest.approx(1.0) and r["error"] < 1e-9 for r in data["secants"])
    assert all(r["slope"] == pytest.approx(-1.0) and r["error"] < 1e-9 for r in data["opposite_secants"])
    # central quotients converge to the average 0, which is no derivative: no error to report
    assert all(r["slope"] == pytest.approx(0.0) and r["error"] is None for r in data["central"])
    assert data["forward_order"] is None and data["central_order"] is None
    assert data["critical_points"] == []
    assert data["derivative_expression"] == "sign(x)"


def test_corner_of_relu():
    story = story_for("relu(x)", 0.0)
    assert not story.differentiable
    assert story.left_derivative == pytest.approx(0.0, abs=1e-9)
    assert story.right_derivative == pytest.approx(1.0, abs=1e-9)


def test_kink_of_the_formula_is_not_a_kink_of_the_function():
    # relu(x) - relu(-x) is x, but the symbolic rule gives heaviside(0) + heaviside(0) = 0 at 0
    story = story_for("relu(x) - relu(-x)", 0.0)
    assert story.differentiable
    assert story.derivative_source == "limit"
    assert story.derivative == pytest.approx(1.0, abs=1e-9)
    # sqrt(x**4) is x^2; its formula is 0/0 at 0
    story = story_for("sqrt(x**4)", 0.0)
    assert story.differentiable and story.derivative == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(
    "function, x0, phrase",
    [
        ("log(x)", "-1", "outside the domain of log(x)"),
        ("sqrt(x)", "-2", "outside the domain of sqrt(x)"),
        ("1/x", "0", "not finite at x0 = 0"),
        ("sqrt(x)", "0", "edge of the domain of sqrt(x)"),
        ("log(x)", "0", "not finite at x0 = 0"),
        ("sqrt(abs(x))", "0", "grow without bound"),
    ],
)
def test_bad_points_are_parameter_errors_before_anything_renders(function, x0, phrase):
    with pytest.raises(ParameterError) as caught:
        registry.get("derivative").build_story({"function": function, "x0": x0})
    assert caught.value.key == "x0"
    assert phrase in caught.value.message


def test_secants_stay_in_the_domain():
    # sqrt(1 - x) is undefined right of 1: from x0 = 0.5 the secants go left (negative h)
    story = story_for("sqrt(1 - x)", 0.5)
    assert story.secant_direction == -1
    assert all(r["h"] < 0 and r["x"] < 0.5 and math.isfinite(r["value"]) for r in story.secants)
    assert story.secants[0]["h"] == pytest.approx(-1.5)
    assert story.opposite_secants == () and story.central == ()
    assert story.derivative == pytest.approx(-1 / (2 * math.sqrt(0.5)), rel=1e-12)
    # close to the edge the largest run shrinks until the secant fits on the domain's side
    story = story_for("sqrt(1 - x**2)", 0.0)
    assert all(math.isfinite(r["value"]) for r in story.secants + story.opposite_secants)
    assert abs(story.secants[0]["h"]) <= 1.0


def test_story_json_has_the_documented_keys():
    data = json.loads(registry.get("derivative").build_story().to_json())
    for key in ("function", "x0", "value", "derivative", "differentiable", "left_derivative", "right_derivative",
                "secants", "central", "critical_points", "derivative_expression", "x_range", "y_range", "slide"):
        assert key in data
    assert data["function"] == "x**3/3 - x"
    assert set(data["secants"][0]) >= {"h", "slope", "error"}
    assert set(data["central"][0]) == {"h", "slope", "error"}
    assert "graph_pieces" not in data


# --- mathviz.expr's symbolic derivative for every whitelisted function -------------------------

POINTS = (0.3, 0.7, 1.3)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("inner", ["x", "2*x - 0.1"])
def test_expression_diff_matches_central_differences(name, inner):
    # every point keeps the argument positive and away from kinks (abs, relu) and poles (tan)
    expression = compile_expression(f"{name}({inner})", ("x",))
    derivative = expression.diff("x")
    for x in POINTS:
        h = 1e-5
        central = (float(expression(x + h)) - float(expression(x - h))) / (2 * h)
        assert float(derivative(x)) == pytest.approx(central, rel=1e-6, abs=1e-7), (name, inner, x)


def test_every_whitelisted_function_is_covered():
    assert set(FUNCTIONS) == {"sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sinh", "cosh", "sigmoid",
                              "relu"}
