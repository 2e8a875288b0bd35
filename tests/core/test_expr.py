"""The safe expression parser: what it accepts, what it refuses, and that it never runs user code."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mathviz.expr import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    ExpressionError,
    compile_expression,
    parse_literal,
    parse_number,
)

HOSTILE = [
    "__import__('os').system('id')",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "open('/etc/passwd')",
    "eval('1')",
    "exec('x=1')",
    "globals()",
    "lambda: 1",
    "[i for i in range(10)]",
    "(i for i in x)",
    "{1: 2}",
    "{1, 2}",
    "x[0]",
    "x[1:2]",
    "'abc'",
    "b'abc'",
    "f'{x}'",
    "x if x else 1",
    "x < 1",
    "x and 1",
    "not x",
    "(y := 2)",
    "x ^ 2",
    "x // 2",
    "x % 2",
    "x @ x",
    "x << 2",
    "~x",
    "1j * x",
    "True + x",
    "None",
    "sin(x, 1)",
    "sin(x=1)",
    "sin(*x)",
    "sin()",
    "foo(x)",
    "np.sin(x)",
    "sin",
    "y + 1",
    "",
    "   ",
    "x +",
    "(x",
    "1e999 * x",
    "1" * 5000,
    "x" + "+x" * 200,
    "(" * 250 + "x",
    "-" * 200 + "x",
    "x\x00",
    "import os",
    "x = 1",
    "await x",
    "yield x",
    "...",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_refused_with_a_named_error(text: str) -> None:
    with pytest.raises(ExpressionError) as err:
        compile_expression(text, ("x",), what="function")
    message = str(err.value)
    assert message.startswith("function")
    assert "\n" not in message


def test_nothing_runs_while_refusing(tmp_path, monkeypatch) -> None:
    marker = tmp_path / "pwned"
    monkeypatch.chdir(tmp_path)
    for text in [f"__import__('pathlib').Path('{marker}').touch()", f"open('{marker}', 'w')"]:
        with pytest.raises(ExpressionError):
            compile_expression(text, ("x",))
    assert not marker.exists()


def test_huge_powers_are_floats_not_endless_integers() -> None:
    # As Python integers these would never finish; as floats they are inf at once.
    assert compile_expression("9**9**9**9", ())() == math.inf
    assert compile_expression("x**x**x**x**99", ("x",))(2.0) == math.inf


def test_limits_are_stated() -> None:
    with pytest.raises(ExpressionError, match=str(MAX_LENGTH)):
        compile_expression("x+" * MAX_LENGTH + "x", ("x",))
    deep = "sin(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1)
    assert len(deep) < MAX_LENGTH
    with pytest.raises(ExpressionError, match="nested too deeply"):
        compile_expression(deep, ("x",))


def test_caret_gets_a_hint() -> None:
    with pytest.raises(ExpressionError, match=r"write x\*\*2"):
        compile_expression("x^2", ("x",))


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("x**3/3 - x", lambda x: x**3 / 3 - x),
        ("exp(-x**2)*sin(3*x)", lambda x: np.exp(-x**2) * np.sin(3 * x)),
        ("sigmoid(x) + relu(x - 1)", lambda x: 1 / (1 + np.exp(-x)) + np.maximum(x - 1, 0)),
        ("abs(x) + sqrt(x**2 + 1) - tanh(x)", lambda x: np.abs(x) + np.sqrt(x**2 + 1) - np.tanh(x)),
        ("pi*cos(x) + e**x - log(2 + sin(x))", lambda x: np.pi * np.cos(x) + np.e**x - np.log(2 + np.sin(x))),
        ("-x + +x - -x", lambda x: x),
        ("tan(x/4) + sinh(x) - cosh(x)", lambda x: np.tan(x / 4) + np.sinh(x) - np.cosh(x)),
    ],
)
def test_allowed_expressions_evaluate_like_numpy(text, reference) -> None:
    xs = np.linspace(-3, 3, 41)
    np.testing.assert_allclose(compile_expression(text, ("x",))(xs), reference(xs), rtol=1e-12, atol=1e-12)


def test_two_variables_broadcast() -> None:
    f = compile_expression("w1**2 + 10*w2**2", ("w1", "w2"))
    w1, w2 = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-2, 2, 3))
    np.testing.assert_allclose(f(w1, w2), w1**2 + 10 * w2**2)
    assert f(1.0, 2.0).shape == ()
    assert f.uses("w2") and not compile_expression("w1", ("w1", "w2")).uses("w2")


def test_domain_problems_are_nan_not_exceptions() -> None:
    f = compile_expression("log(x) + sqrt(x)", ("x",))
    assert np.isnan(f(-1.0))
    assert compile_expression("1/x", ("x",))(0.0) == math.inf


def test_constants_and_parameters() -> None:
    assert parse_number("pi/4") == pytest.approx(math.pi / 4)
    assert parse_number("-1.5e-3") == -1.5e-3
    assert parse_number(2) == 2.0
    for bad in ["x", "1/0", "1e999", "inf", "nan", "", "[1]", "True"]:
        with pytest.raises(ExpressionError):
            parse_number(bad, what="x0")
    assert parse_literal("[[2, 1], [0.5, 1.5]]") == [[2.0, 1.0], [0.5, 1.5]]
    assert parse_literal("[sqrt(2)/2, -pi]") == [pytest.approx(math.sqrt(2) / 2), pytest.approx(-math.pi)]
    for bad in ["[[1, 2], [3, x]]", "[1, 2", "[" * 50 + "]" * 50, "[1e999]", "[1/0]", "{'a': 1}", "[" + "1," * 300 + "1]"]:
        with pytest.raises(ExpressionError):
            parse_literal(bad, what="matrix")


# The derivative rules, against central differences, at points where every function is smooth.
DIFF_CASES = [
    "sin(x)", "cos(x)", "tan(x)", "exp(x)", "log(x)", "sqrt(x)", "abs(x)", "tanh(x)", "sinh(x)", "cosh(x)",
    "sigmoid(x)", "relu(x)", "x**3/3 - x", "exp(-x**2)*sin(3*x)", "x**x", "2**x", "1/(1 + x**2)",
    "sqrt(1 + sin(x)**2)", "log(cosh(x))", "relu(x - 0.2)*x", "abs(x - 2)*x",
]


@pytest.mark.parametrize("text", DIFF_CASES)
def test_symbolic_derivative_matches_central_differences(text: str) -> None:
    f = compile_expression(text, ("x",))
    df = f.diff("x")
    xs = np.array([0.35, 0.9, 1.3, 2.6])
    h = 1e-6
    numeric = (f(xs + h) - f(xs - h)) / (2 * h)
    np.testing.assert_allclose(df(xs), numeric, rtol=1e-6, atol=1e-6)
    # and the second derivative against differences of the first
    d2 = df.diff("x")
    np.testing.assert_allclose(d2(xs), (df(xs + h) - df(xs - h)) / (2 * h), rtol=1e-5, atol=1e-5)


def test_derivative_reads_well() -> None:
    assert str(compile_expression("x**3/3 - x", ("x",)).diff("x")) == "3 * x ** 2 / 3 - 1"
    assert str(compile_expression("3*x + 2", ("x",)).diff("x")) == "3"
    assert str(compile_expression("w1**2 + 10*w2**2", ("w1", "w2")).diff("w2")) == "10 * (2 * w2)"


def test_every_whitelisted_function_is_tested() -> None:
    tested = {name for name in FUNCTIONS if any(case.startswith(name + "(") for case in DIFF_CASES)}
    assert tested == set(FUNCTIONS)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_fuzz_arbitrary_text_never_escapes(text: str) -> None:
    try:
        f = compile_expression(text, ("x",))
    except ExpressionError as exc:
        assert "\n" not in str(exc)
        return
    # Accepted text evaluates to floats without raising.
    result = f(np.linspace(-2, 2, 5))
    assert result.dtype == float and result.shape == (5,)


_ATOMS = st.sampled_from(["x", "2", "0.5", "pi", "e", "3"])


@st.composite
def _expressions(draw, depth=0):
    if depth > 3 or draw(st.booleans()):
        return draw(_ATOMS)
    kind = draw(st.sampled_from(["bin", "un", "call"]))
    if kind == "bin":
        op = draw(st.sampled_from(["+", "-", "*", "/", "**"]))
        return f"({draw(_expressions(depth + 1))} {op} {draw(_expressions(depth + 1))})"
    if kind == "un":
        return f"-({draw(_expressions(depth + 1))})"
    return f"{draw(st.sampled_from(sorted(FUNCTIONS)))}({draw(_expressions(depth + 1))})"


@settings(max_examples=150, deadline=None)
@given(_expressions())
def test_fuzz_valid_grammar_is_accepted_and_vectorised(text: str) -> None:
    f = compile_expression(text, ("x",))
    xs = np.linspace(-1.5, 1.5, 7)
    values = f(xs)
    assert values.shape == xs.shape
    scalar = [float(f(x)) for x in xs]
    np.testing.assert_array_equal(np.isnan(values), np.isnan(scalar))
    np.testing.assert_allclose(values[~np.isnan(values)], np.array(scalar)[~np.isnan(values)], rtol=1e-12)
