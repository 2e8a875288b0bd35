"""mathviz.stories.integral against closed forms, scipy.integrate.quad and central differences; the edge cases."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy as sp
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from mathviz.expr import compile_expression
from mathviz.params import ParameterError
from mathviz.pipeline import registry
from mathviz.pipeline.cli import cli
from mathviz.stories import integral

X = sp.Symbol("x", real=True)
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)


def f_of(text: str):
    return compile_expression(text, ("x",), what="function")


def story(**overrides):
    return registry.get("integral").build_story({k: str(v) for k, v in overrides.items()})


# --- Riemann sums against closed forms ---------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3, 4, 10, 64])
def test_left_right_midpoint_sums_of_x_squared_have_their_closed_forms(n):
    # on [0, 1]: L = (n-1)(2n-1)/(6n^2), R = (n+1)(2n+1)/(6n^2), M = 1/3 - 1/(12 n^2)
    f = f_of("x**2")
    assert integral.riemann_sum(f, 0.0, 1.0, n, "left") == pytest.approx((n - 1) * (2 * n - 1) / (6 * n**2), rel=1e-13)
    assert integral.riemann_sum(f, 0.0, 1.0, n, "right") == pytest.approx((n + 1) * (2 * n + 1) / (6 * n**2), rel=1e-13)
    assert integral.riemann_sum(f, 0.0, 1.0, n, "midpoint") == pytest.approx(1 / 3 - 1 / (12 * n**2), rel=1e-13)


@pytest.mark.parametrize(
    "text, expr, a, b",
    [
        ("x**3 - x", X**3 - X, -1, 2),
        ("exp(x)", sp.exp(X), 0, 2),
        ("sin(x)", sp.sin(X), 0, 3),
        ("3*x**4 - 2*x + 1", 3 * X**4 - 2 * X + 1, -2, 1),
    ],
)
@pytest.mark.parametrize("n", [4, 7, 32])
def test_sums_match_sympy_summation(text, expr, a, b, n):
    f = f_of(text)
    dx = sp.Rational(b - a, n)
    i = sp.Symbol("i", integer=True)
    for rule, shift in (("left", 0), ("right", 1), ("midpoint", sp.Rational(1, 2))):
        exact = float(sp.summation(expr.subs(X, a + (i + shift) * dx), (i, 0, n - 1)).evalf(30) * dx)
        assert integral.riemann_sum(f, float(a), float(b), n, rule) == pytest.approx(exact, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("text", ["2*x + 1", "-0.5*x", "7 - 3*x"])
@pytest.mark.parametrize("n", [1, 4, 33])
def test_midpoint_is_exact_for_linear_functions(text, n):
    f = f_of(text)
    a, b = -1.3, 2.9
    exact = float(sp.integrate(sp.sympify(text, locals={"x": X}), (X, sp.Rational(-13, 10), sp.Rational(29, 10))))
    assert integral.riemann_sum(f, a, b, n, "midpoint") == pytest.approx(exact, rel=1e-13, abs=1e-13)
    s = story(function=text, a=a, b=b)
    assert s.exact["midpoint"] and s.orders["midpoint"] is None
    assert all(r["error"] == 0.0 and r["ratio"] is None for r in s.sums["midpoint"])
    # left and right are first order on a line: the error is exactly slope*(b - a)^2/(2n), halving with n
    assert s.orders["left"] == pytest.approx(1.0, abs=1e-9) and s.orders["right"] == pytest.approx(1.0, abs=1e-9)


# --- the reference is scipy's quad and the closed form -----------------------------------------


@pytest.mark.parametrize(
    "text, expr, a, b",
    [
        ("x**3 - x", X**3 - X, sp.Rational(-3, 2), 2),
        ("exp(x)", sp.exp(X), 0, 3),
        ("sin(x) + 0.5", sp.sin(X) + sp.Rational(1, 2), -sp.pi, 2),
        ("x*exp(-x**2)", X * sp.exp(-X**2), -1, 2),
        ("abs(x)", sp.Abs(X), -1, 2),
    ],
)
def test_integral_and_areas_against_closed_forms_and_quad(text, expr, a, b):
    s = story(function=text, a=str(a), b=str(b))
    exact = float(sp.integrate(expr, (X, a, b)))
    assert s.signed.integral == pytest.approx(exact, rel=1e-12, abs=1e-12)
    value, error = quad(lambda x: float(f_of(text)(x)), float(a), float(b))
    assert s.signed.integral == pytest.approx(value, abs=10 * error + 1e-12)
    assert s.signed.quad_error >= 0 and s.signed.quad_error < 1e-9
    # area above the axis: int max(f, 0) by quad on the kinked integrand, no root finding
    above, above_error = quad(lambda x: max(float(f_of(text)(x)), 0.0), float(a), float(b), limit=500)
    assert s.signed.positive_area == pytest.approx(above, abs=100 * above_error + 1e-9)
    assert s.signed.positive_area + s.signed.negative_area == pytest.approx(s.signed.integral, abs=1e-10)
    assert s.signed.positive_area >= 0 >= s.signed.negative_area


def test_default_story_matches_its_closed_form_and_has_both_signs():
    s = story()
    # int_{-3/2}^2 x^3 - x = [x^4/4 - x^2/2] = 2 - 9/64
    assert s.signed.integral == pytest.approx(2 - 9 / 64, rel=1e-13)
    assert s.signed.negative_area == pytest.approx(-(25 / 64 + 1 / 4), rel=1e-12)  # on [-1.5, -1] and [0, 1]
    assert s.signed.negative_area < 0 < s.signed.positive_area
    assert [lobe["sign"] for lobe in s.signed.lobes] == [-1, 1, -1, 1]
    np.testing.assert_allclose(s.signed.roots, [-1, 0, 1], atol=1e-12)


def test_sine_over_a_period_cancels():
    c = story().cancellation
    assert (c.function, c.a, c.b) == ("sin(x)", -math.pi, math.pi)
    assert c.integral == pytest.approx(0.0, abs=1e-12)
    assert c.positive_area == pytest.approx(2.0, rel=1e-12)
    assert c.negative_area == pytest.approx(-2.0, rel=1e-12)
    value, error = quad(math.sin, -math.pi, math.pi)
    assert abs(c.integral - value) <= error + 1e-15


# --- rates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, a, b",
    [("x**3 - x", -1.5, 2), ("exp(x)", 0, 2), ("sin(x) + 0.5", -1, 2.5), ("1/(1 + x**2)", -1, 3), ("exp(x)", 0, 10)],
)
def test_measured_orders_are_one_one_two_on_smooth_functions(text, a, b):
    s = story(function=text, a=a, b=b, n_max=256)
    assert s.orders["left"] == pytest.approx(1.0, abs=0.05)
    assert s.orders["right"] == pytest.approx(1.0, abs=0.05)
    assert s.orders["midpoint"] == pytest.approx(2.0, abs=0.05)
    assert s.textbook_rates
    # the ratio is the error shrink when n doubles, measured here from the errors themselves
    for rule in integral.RULES:
        errors = np.array([r["error"] for r in s.sums[rule]])
        np.testing.assert_allclose([r["ratio"] for r in s.sums[rule][1:]], np.abs(errors[:-1] / errors[1:]), rtol=1e-12)
        # and the errors are the sums minus quad's value
        np.testing.assert_allclose(errors, [r["sum"] - s.signed.integral for r in s.sums[rule]], rtol=0, atol=1e-15)


@pytest.mark.parametrize("text, a, b", [("x**3 - x", -1.5, 2), ("exp(x)", 0, 2), ("sin(3*x) + x", 0, 2)])
def test_errors_follow_the_leading_terms(text, a, b):
    # L - I ~ -(b-a)(f(b)-f(a))/(2n),  M - I ~ -(b-a)^2 (f'(b)-f'(a))/(24 n^2)
    f = f_of(text)
    df = f.diff("x")
    s = story(function=text, a=a, b=b, n_max=1024)
    last = s.sums["left"][-1]
    assert last["error"] * last["n"] == pytest.approx(-(b - a) * float(f(b) - f(a)) / 2, rel=0.01)
    last = s.sums["right"][-1]
    assert last["error"] * last["n"] == pytest.approx((b - a) * float(f(b) - f(a)) / 2, rel=0.01)
    last = s.sums["midpoint"][-1]
    assert last["error"] * last["n"] ** 2 == pytest.approx(-(b - a) ** 2 * float(df(b) - df(a)) / 24, rel=0.01)


@pytest.mark.parametrize("text", ["1", "-2.5", "0"])
def test_constant_function_is_exact_everywhere_without_dividing_by_zero(text):
    s = story(function=text, a="-pi", b="pi")
    assert all(s.exact.values())
    assert all(order is None for order in s.orders.values())
    assert not s.textbook_rates
    for rule in integral.RULES:
        assert all(r["error"] == 0.0 and r["ratio"] is None and r["order"] is None for r in s.sums[rule])
    assert s.signed.integral == pytest.approx(float(text) * 2 * math.pi, abs=1e-12)
    json.loads(s.to_json())  # no inf or nan anywhere


def test_n_doubles_from_four_up_to_n_max():
    assert story(n_max=64).ns == (4, 8, 16, 32, 64)
    assert story(n_max=100).ns == (4, 8, 16, 32, 64)
    assert story(n_max=16).ns == (4, 8, 16)


# --- the area function: A'(x) = f(x) ----------------------------------------------------------


@pytest.mark.parametrize("text, a, b", [("x**3 - x", -1.5, 2), ("exp(-x**2)*cos(2*x)", -2, 1), ("abs(x) - 0.5", -1, 1.3)])
def test_area_function_slope_is_f(text, a, b):
    s = story(function=text, a=a, b=b)
    f = f_of(text)
    xs = np.array([r["x"] for r in s.area])
    areas = np.array([r["area"] for r in s.area])
    assert xs[0] == a and xs[-1] == b and areas[0] == 0.0
    assert areas[-1] == pytest.approx(s.signed.integral, abs=1e-10)
    for r in s.area:
        kink = [0.0] if a < 0 < r["x"] else None  # abs(x) - 0.5: tell quad where the corner is
        assert r["area"] == pytest.approx(quad(lambda t: float(f(t)), a, r["x"], points=kink)[0], abs=1e-10)
        assert r["value"] == pytest.approx(float(f(r["x"])), abs=0)
    # the story's slope of A is f; and our own central differences of A agree (away from kinks)
    np.testing.assert_allclose([r["slope"] for r in s.area], [r["value"] for r in s.area], atol=1e-6)
    h = xs[1] - xs[0]
    central = (areas[2:] - areas[:-2]) / (2 * h)
    smooth = np.abs(xs[1:-1]) > 2 * h  # abs(x) has a kink at 0, where the quotient is first order
    np.testing.assert_allclose(central[smooth], f(xs[1:-1])[smooth], atol=2 * h**2)


# --- properties ---------------------------------------------------------------------------------

coefficients = st.floats(-5, 5, allow_nan=False)
limits = st.floats(-3, 3, allow_nan=False)
counts = st.integers(1, 200)


@SETTINGS
@given(coefficients, coefficients, limits, st.floats(0.1, 4), counts, st.sampled_from(integral.RULES))
def test_sums_are_linear_in_f(alpha, beta, a, width, n, rule):
    b = a + width
    f, g = f_of("sin(x)"), f_of("x**2")
    combined = f_of(f"({alpha!r})*sin(x) + ({beta!r})*x**2")
    left = integral.riemann_sum(combined, a, b, n, rule)
    right = alpha * integral.riemann_sum(f, a, b, n, rule) + beta * integral.riemann_sum(g, a, b, n, rule)
    assert left == pytest.approx(right, rel=1e-10, abs=1e-10)


@SETTINGS
@given(limits, st.floats(0.1, 3), st.floats(0.1, 3), st.integers(1, 100), st.sampled_from(integral.RULES))
def test_sums_add_over_adjacent_intervals(a, w1, w2, n, rule):
    # with equal widths on both halves, S_2n[a, c] = S_n[a, b] + S_n[b, c]
    f = f_of("exp(x/3) - x")
    b, c = a + w1, a + 2 * w1
    whole = integral.riemann_sum(f, a, c, 2 * n, rule)
    assert whole == pytest.approx(integral.riemann_sum(f, a, b, n, rule) + integral.riemann_sum(f, b, c, n, rule),
                                  rel=1e-10, abs=1e-10)
    # and the integral itself adds over any split
    d = b + w2
    i = lambda lo, hi: integral.reference_integral(f, lo, hi)[0]  # noqa: E731
    assert i(a, d) == pytest.approx(i(a, b) + i(b, d), abs=1e-11)


@SETTINGS
@given(limits, st.floats(0.1, 4), st.integers(1, 100))
def test_swapping_the_limits_flips_the_sign_and_left_becomes_right(a, width, n):
    f = f_of("x**3 - 2*x + cos(x)")
    b = a + width
    forward, _ = integral.reference_integral(f, a, b)
    backward = -quad(lambda x: float(f(x)), b, a)[0]
    assert forward == pytest.approx(backward, abs=1e-11)
    # sums taken from b down to a (dx < 0): the left sum from b is minus the right sum from a
    assert integral.riemann_sum(f, b, a, n, "left") == pytest.approx(-integral.riemann_sum(f, a, b, n, "right"),
                                                                     rel=1e-10, abs=1e-10)
    assert integral.riemann_sum(f, b, a, n, "midpoint") == pytest.approx(-integral.riemann_sum(f, a, b, n, "midpoint"),
                                                                         rel=1e-10, abs=1e-10)


@SETTINGS
@given(limits, st.floats(0.1, 4), st.integers(1, 100))
def test_left_and_right_sums_of_an_increasing_function_bracket_the_integral(a, width, n):
    f = f_of("exp(x) + x")
    b = a + width
    value, _ = integral.reference_integral(f, a, b)
    assert integral.riemann_sum(f, a, b, n, "left") <= value + 1e-12
    assert integral.riemann_sum(f, a, b, n, "right") >= value - 1e-12
    # and they differ by exactly dx (f(b) - f(a))
    gap = integral.riemann_sum(f, a, b, n, "right") - integral.riemann_sum(f, a, b, n, "left")
    assert gap == pytest.approx(width / n * float(f(b) - f(a)), rel=1e-9)


def test_rectangles_are_the_sums_terms():
    s = story()
    for rule in integral.RULES:
        for n in s.ns:
            lefts, xs, heights = s.rectangles(rule, n)
            width = s.record(rule, n)["width"]
            assert len(lefts) == n
            np.testing.assert_allclose(np.diff(lefts), width, rtol=1e-12)
            assert np.all((lefts - 1e-12 <= xs) & (xs <= lefts + width + 1e-12))
            np.testing.assert_allclose(heights, f_of(s.signed.function)(xs), rtol=0, atol=0)
            assert width * heights.sum() == pytest.approx(s.record(rule, n)["sum"], rel=1e-13, abs=1e-13)


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, key, phrase",
    [
        ({"function": "1/x", "a": "-1", "b": "1"}, "function", "non-finite samples"),
        ({"function": "sqrt(x)", "a": "-1", "b": "1"}, "function", "not a real number"),
        ({"function": "1/x", "a": "-1", "b": "1.1"}, "function", "grows sharply"),
        ({"function": "tan(x)", "a": "0", "b": "3"}, "function", "grows sharply"),
        ({"function": "1/sqrt(abs(x))", "a": "-1", "b": "1.1"}, "function", "grows sharply"),
        ({"function": "exp(x)", "a": "0", "b": "40"}, "function", "values up to"),
        ({"a": "2", "b": "1"}, "b", "greater than a"),
        ({"a": "pi", "b": "pi"}, "b", "greater than a"),
        ({"a": "1", "b": "1 + 1e-9"}, "b", "too narrow"),
        ({"a": "-1e7"}, "a", "between"),
        ({"n_max": "5000"}, "n_max", "between 16 and 1024"),
        ({"n_max": "8"}, "n_max", "between 16 and 1024"),
        ({"rule": "trapezoid"}, "rule", "left, right, midpoint"),
        ({"function": "x^2"}, "function", "x**2"),
        ({"a": "nan"}, "a", ""),
        # hundreds of sign changes found: quad once crashed (more break points than its subinterval limit);
        # found by the property sweep
        ({"function": "sin(x)", "a": "-1000000", "b": "912", "rule": "left", "n_max": "16"}, "function",
         "cannot integrate"),
    ],
)
def test_bad_input_is_a_parameter_error(overrides, key, phrase):
    with pytest.raises(ParameterError) as caught:
        registry.get("integral").build_story(overrides)
    assert caught.value.key == key
    assert phrase in caught.value.message
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("args", [["--set", "function=1/x", "--set", "a=-1", "--set", "b=1"],
                                  ["--set", "a=3"], ["--set", "n_max=100000"]])
def test_cli_reports_one_error_line(args):
    result = CliRunner().invoke(cli, ["numbers", "integral", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


def test_limits_may_be_expressions():
    s = story(function="sin(x)", a="-pi", b="pi/2")
    assert (s.signed.a, s.signed.b) == (-math.pi, math.pi / 2)
    assert s.signed.integral == pytest.approx(-1.0, abs=1e-12)


def test_json_nests_the_signed_area_instead_of_copying_it() -> None:
    data = json.loads(story().to_json())
    for key in ("function", "a", "b", "integral", "quad_error", "positive_area", "negative_area", "lobes"):
        assert key in data["signed"]
        assert key not in data
    assert data["signed"]["integral"] == pytest.approx(data["signed"]["positive_area"] + data["signed"]["negative_area"])
