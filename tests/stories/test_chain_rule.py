"""mathviz.stories.chain_rule against closed forms, central differences and independent Jacobians; its edge cases."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mathviz.params import ParameterError
from mathviz.pipeline import registry
from mathviz.pipeline.cli import cli
from mathviz.stories import chain_rule as chain


def story(**overrides):
    return registry.get("chain_rule").build_story({k: str(v) for k, v in overrides.items()})


def composite_central(f, g, x0, h=1e-6):
    """A central difference of g(f(x)) written here with plain math, independent of the module."""
    return (g(f(x0 + h)) - g(f(x0 - h))) / (2 * h)


def sig(z):
    return 1.0 / (1.0 + math.exp(-z))


# --- the chain rule against closed forms --------------------------------------------------------

# (f, g, x0, f'(x0), g'(f(x0)), (g o f)'(x0)), each derivative written out by hand
CLOSED = [
    ("x**2", "sin(x)", 0.8, lambda x: 2 * x, lambda u: math.cos(u), lambda x: 2 * x * math.cos(x**2)),
    ("3*x + 1", "x**3", 0.4, lambda x: 3.0, lambda u: 3 * u**2, lambda x: 9 * (3 * x + 1) ** 2),
    ("exp(x)", "log(x)", 1.7, math.exp, lambda u: 1 / u, lambda x: 1.0),
    ("sin(x)", "x**2", 0.6, math.cos, lambda u: 2 * u, lambda x: math.sin(2 * x)),
    ("sigmoid(x)", "log(x)", -0.9, lambda x: sig(x) * (1 - sig(x)), lambda u: 1 / u, lambda x: 1 - sig(x)),
    ("x**2", "sqrt(x)", -1.5, lambda x: 2 * x, lambda u: 0.5 / math.sqrt(u), lambda x: -1.0),
    ("abs(x)", "x**3", -2.0, lambda x: -1.0, lambda u: 3 * u**2, lambda x: -3 * x**2),
    ("tanh(2*x)", "exp(-x)", 0.3, lambda x: 2 / math.cosh(2 * x) ** 2, lambda u: -math.exp(-u),
     lambda x: -2 / math.cosh(2 * x) ** 2 * math.exp(-math.tanh(2 * x))),
]


@pytest.mark.parametrize("f, g, x0, df, dg, dcomp", CLOSED, ids=[f"{c[1]} o {c[0]}" for c in CLOSED])
def test_slopes_and_their_product_match_closed_forms(f, g, x0, df, dg, dcomp):
    s = story(f=f, g=g, x0=x0)
    fx = {"x**2": x0**2, "3*x + 1": 3 * x0 + 1, "exp(x)": math.exp(x0), "sin(x)": math.sin(x0),
          "sigmoid(x)": sig(x0), "abs(x)": abs(x0), "tanh(2*x)": math.tanh(2 * x0)}[f]
    assert s.u0 == pytest.approx(fx, rel=1e-12)
    assert s.f_slope == pytest.approx(df(x0), rel=1e-10, abs=1e-12)
    assert s.g_slope == pytest.approx(dg(fx), rel=1e-10, abs=1e-12)
    assert s.chain_slope == pytest.approx(dcomp(x0), rel=1e-10, abs=1e-12)
    # the module's own checks, which never see the symbolic derivatives, agree with the closed form
    assert s.composite_left == pytest.approx(dcomp(x0), rel=1e-7, abs=1e-8)
    assert s.composite_right == pytest.approx(dcomp(x0), rel=1e-7, abs=1e-8)
    assert s.composite_central == pytest.approx(dcomp(x0), rel=1e-7, abs=1e-8)
    # the nudges are first order: df = f' dx and dg = g' df
    assert s.df == pytest.approx(df(x0) * s.dx, rel=1e-10, abs=1e-12)
    assert s.dg == pytest.approx(dg(fx) * df(x0) * s.dx, rel=1e-10, abs=1e-12)


def test_defaults_are_sin_of_x_squared_at_0_8():
    s = story()
    assert (s.f, s.g, s.x0, s.dx) == ("x**2", "sin(x)", 0.8, 0.5)
    assert s.chain_slope == pytest.approx(1.6 * math.cos(0.64), rel=1e-14)
    assert s.f_slope_source == s.g_slope_source == "exact"
    assert s.zero_factors == ()
    # the true changes are what f and g(f) really do over dx (the nudges are their first-order parts)
    assert s.actual_df == pytest.approx(1.3**2 - 0.64, rel=1e-12)
    assert s.actual_dg == pytest.approx(math.sin(1.69) - math.sin(0.64), rel=1e-12)
    assert s.composite == "sin(x ** 2)"


coefficient = st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 3))


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(a=coefficient, b=coefficient, c=st.floats(0.2, 2).map(lambda v: round(v, 3)),
       x0=st.floats(-1.5, 1.5).map(lambda v: round(v, 3)))
def test_chain_rule_identity_on_random_points(a, b, c, x0):
    # f is a cubic, g a wave: f' and g' by hand, the composite slope by a central difference here
    s = story(f=f"{a}*x**3 + {b}*x", g=f"sin({c}*x)", x0=x0)
    u0 = a * x0**3 + b * x0
    f_slope, g_slope = 3 * a * x0**2 + b, c * math.cos(c * u0)
    assert s.f_slope == pytest.approx(f_slope, rel=1e-12, abs=1e-12)
    assert s.g_slope == pytest.approx(g_slope, rel=1e-12, abs=1e-12)
    assert s.chain_slope == pytest.approx(s.g_slope * s.f_slope, rel=1e-15, abs=0)
    reference = composite_central(lambda x: a * x**3 + b * x, lambda u: math.sin(c * u), x0)
    # central-difference error: h^2 |(g o f)'''| / 6 + rounding ~1e-16 / h: far below 1e-6 here
    assert s.chain_slope == pytest.approx(reference, rel=1e-6, abs=1e-7)
    assert s.composite_central == pytest.approx(reference, rel=1e-6, abs=1e-7)


def test_central_difference_converges_at_second_order():
    # error of the module's central quotient shrinks like h^2; checked here with our own steps
    s = story(f="exp(x)", g="sin(x)", x0=0.3)
    exact = math.cos(math.exp(0.3)) * math.exp(0.3)
    steps = np.array([1e-1, 5e-2, 2.5e-2, 1.25e-2])
    errors = [abs(composite_central(math.exp, math.sin, 0.3, h) - exact) for h in steps]
    order = np.polyfit(np.log(steps), np.log(errors), 1)[0]
    assert order == pytest.approx(2.0, abs=0.05)
    assert abs(s.composite_central - exact) < 1e-8


# --- zero factors -------------------------------------------------------------------------------


def test_flat_inner_function_gives_zero_product():
    s = story(f="x**2", g="exp(x)", x0=0)
    assert s.f_slope == 0.0 and s.g_slope == pytest.approx(1.0)
    assert s.zero_factors == ("f",)
    assert s.chain_slope == 0.0 and s.df == 0.0 and s.dg == 0.0
    assert abs(s.composite_central) < 1e-9


def test_flat_outer_function_gives_zero_product():
    # cos has a flat tangent at u = 0, which f = x - 1 reaches at x0 = 1
    s = story(f="x - 1", g="cos(x)", x0=1)
    assert s.zero_factors == ("g",)
    assert s.f_slope == pytest.approx(1.0) and s.df == pytest.approx(s.dx)
    assert s.chain_slope == 0.0 and s.dg == 0.0
    both = story(f="x**2", g="cos(x)", x0=0)
    assert both.zero_factors == ("g", "f")


def test_constant_outer_function_still_draws():
    s = story(g="3")
    assert s.zero_factors == ("g",) and s.chain_slope == 0.0
    lo, hi = s.g_window[2:]
    assert lo < 3 < hi


# --- edge cases that are errors -----------------------------------------------------------------

ERRORS = [
    ({"f": "x - 1", "g": "log(x)", "x0": "0.5"}, "g", "undefined at u = f(x0) = -0.5"),
    ({"f": "log(x)", "x0": "-1"}, "x0", "undefined at x0 = -1"),
    ({"f": "1/x", "x0": "0"}, "x0", "not finite"),
    ({"f": "abs(x)", "x0": "0"}, "x0", "corner"),
    ({"f": "x - 1", "g": "abs(x)", "x0": "1"}, "g", "corner"),
    ({"f": "relu(x)", "x0": "0"}, "x0", "slope 0 from the left, 1 from the right"),
    ({"f": "sqrt(x)", "x0": "0"}, "x0", "no finite slope from the left"),
    ({"f": "sqrt(abs(x))", "x0": "0"}, "x0", "no finite slope"),
    ({"f": "x**2", "g": "1/x", "x0": "0"}, "g", "not finite"),
    ({"f": "exp(x)", "x0": "20"}, "x0", "too large to show"),
    ({"f": "1000*x", "dx": "10", "g": "20*x"}, "dx", "too large to show"),
    ({"dx": "0"}, "dx", "greater than 0"),
    ({"x0": "1e999"}, "x0", ""),
    ({"g": "log(y)"}, "g", "unknown name"),
]


@pytest.mark.parametrize("params, key, message", ERRORS, ids=[str(e[0]) for e in ERRORS])
def test_bad_points_are_one_clear_parameter_error(params, key, message):
    with pytest.raises(ParameterError) as err:
        story(**params)
    assert err.value.key == key
    assert message in err.value.message
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("params, key, message", ERRORS[:6], ids=[str(e[0]) for e in ERRORS[:6]])
def test_cli_refuses_with_one_error_line(params, key, message):
    args = ["numbers", "chain_rule"]
    for k, v in params.items():
        args += ["--set", f"{k}={v}"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {key}: ")
    assert message in lines[0]


def test_kink_of_the_expression_that_is_not_a_corner_uses_the_limit():
    # sqrt(x**4) = x**2 is smooth at 0, but its symbolic derivative is 0/0 there
    s = story(f="sqrt(x**4)", g="exp(x)", x0=0)
    assert s.f_slope_source == "limit"
    assert s.f_slope == 0.0 and s.chain_slope == 0.0


# --- windows and curves -------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"f": "exp(3*x)", "x0": "1", "dx": "0.2"}, {"f": "x**2", "g": "log(x)", "x0": "2"},
                                    {"f": "50*x", "g": "x**2", "x0": "3", "dx": "2"}])
def test_windows_hold_the_points_and_nudges(params):
    s = story(**params)
    checks = [(s.f_window, [(s.x0, s.u0), (s.x0 + s.dx, s.u0), (s.x0 + s.dx, s.u0 + s.df)], s.f_pieces),
              (s.g_window, [(s.u0, s.y0), (s.u0 + s.df, s.y0), (s.u0 + s.df, s.y0 + s.dg)], s.g_pieces),
              (s.composite_window, [(s.x0, s.y0), (s.x0 + s.dx, s.y0), (s.x0 + s.dx, s.y0 + s.dg)], s.composite_pieces)]
    for (x_lo, x_hi, y_lo, y_hi), points, pieces in checks:
        for x, y in points:
            assert x_lo < x < x_hi and y_lo < y < y_hi
        assert pieces
        for piece in pieces:
            assert np.all((piece[:, 0] >= x_lo - 1e-9) & (piece[:, 0] <= x_hi + 1e-9))
            assert np.all((piece[:, 1] >= y_lo - 1e-9) & (piece[:, 1] <= y_hi + 1e-9))
    # the composite curve is g(f(x)) sampled on f's x range
    f, g = (registry.get("chain_rule").parameters()[i].parse(getattr(s, n)) for i, n in ((0, "f"), (1, "g")))
    piece = max(s.composite_pieces, key=len)
    inner = (piece[:, 0] > s.composite_window[0]) & (piece[:, 0] < s.composite_window[1])
    np.testing.assert_allclose(piece[inner][1:-1, 1], g(f(piece[inner][1:-1, 0])), rtol=1e-12, atol=1e-12)


def test_composed_source_substitutes_f_into_g():
    f = registry.get("chain_rule").parameters()[0].parse("x + 1")
    g = registry.get("chain_rule").parameters()[1].parse("x**2 + sin(x)")
    assert chain.composed_source(f, g) == "(x + 1) ** 2 + sin(x + 1)"


# --- the sigmoid layer ----------------------------------------------------------------------------


def reference_loss(W, b, v, x):
    # the layer written out with the textbook sigmoid, independently of mathviz.stories.chain_rule
    z = [W[i][0] * x[0] + W[i][1] * x[1] + b[i] for i in range(2)]
    return sum(v[i] / (1 + math.exp(-z[i])) for i in range(2))


def reference_jacobian(layer, h=1e-6):
    columns = []
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        columns.append((reference_loss(layer.W, layer.b, layer.v, layer.x + e)
                        - reference_loss(layer.W, layer.b, layer.v, layer.x - e)) / (2 * h))
    return np.array([columns])


@settings(max_examples=40, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6))
def test_product_of_jacobians_is_the_jacobian_of_the_whole_map(seed):
    layer = chain.make_layer(seed)
    jz, js, jl = chain.layer_jacobians(layer, layer.x)
    assert jz.shape == (2, 2) and js.shape == (2, 2) and jl.shape == (1, 2)
    product = jl @ js @ jz
    # smooth map: central difference error ~h^2 |L'''| + 1e-16 / h, both far below 1e-7
    np.testing.assert_allclose(product, reference_jacobian(layer), rtol=1e-6, atol=1e-8)
    _, s, loss = chain.layer_forward(layer, layer.x)
    assert loss == pytest.approx(reference_loss(layer.W, layer.b, layer.v, layer.x), rel=1e-12, abs=1e-14)
    np.testing.assert_allclose(np.diag(js), s * (1 - s), rtol=1e-14)
    assert np.count_nonzero(js - np.diag(np.diag(js))) == 0  # elementwise: no cross terms


def test_story_jacobians_and_their_check():
    s = story(seed=8)
    np.testing.assert_allclose(s.jacobian_product, s.jacobian_L @ s.jacobian_s @ s.jacobian_z, rtol=1e-15)
    np.testing.assert_allclose(s.jacobian_z, s.W)
    np.testing.assert_allclose(s.jacobian_L, [s.v])
    np.testing.assert_allclose(s.z, s.W @ s.layer_x + s.b, rtol=1e-14)
    np.testing.assert_allclose(s.s, [sig(v) for v in s.z], rtol=1e-14)
    layer = chain.Layer(W=s.W, b=s.b, v=s.v, x=s.layer_x)
    np.testing.assert_allclose(s.jacobian_central, reference_jacobian(layer), rtol=1e-6, atol=1e-9)
    assert 0 < s.jacobian_max_error < 1e-8
    errors = [np.max(np.abs(s.jacobian_product - s.jacobian_central)), np.max(np.abs(s.inner_product - s.inner_central))]
    assert s.jacobian_max_error == max(errors)
    # the 1D rule is the 1x1 case: each entry of the product is a sum over paths of products of slopes
    for j in range(2):
        paths = sum(s.v[i] * s.s[i] * (1 - s.s[i]) * s.W[i, j] for i in range(2))
        assert s.jacobian_product[0, j] == pytest.approx(paths, rel=1e-12)


def test_seed_changes_the_layer_only():
    a, b = story(seed=1), story(seed=2)
    assert a.chain_slope == b.chain_slope
    assert not np.allclose(a.W, b.W)


def test_json_has_the_numbers_the_video_shows():
    data = json.loads(story().to_json())
    for key in ("f", "g", "x0", "dx", "u0", "y0", "f_slope", "g_slope", "chain_slope", "df", "dg",
                "composite_central", "zero_factors", "jacobian_z", "jacobian_s", "jacobian_L",
                "jacobian_product", "jacobian_central", "jacobian_max_error"):
        assert key in data, key
    assert "f_pieces" not in data
    assert np.array(data["jacobian_s"]).shape == (2, 2)
