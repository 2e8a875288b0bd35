"""mathviz.stories.backprop_graph: the Value class's gradients against sympy and central differences."""

from __future__ import annotations

import inspect
import json
import math
import warnings
from typing import Any

import numpy as np
import pytest
import sympy as sp
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mathviz.expr import FUNCTIONS, Expression, compile_expression
from mathviz.params import ParameterError
from mathviz.pipeline.cli import cli
from mathviz.stories import backprop_graph as bg

A, B, C = sp.symbols("a b c")
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)


def story(expression: str = "(a*b + c)*tanh(a)", a: float = 0.8, b: float = -1.5, c: float = 2.0) -> bg.BackpropStory:
    params = {p.name: p for p in bg.PARAMS}
    parsed = params["expression"].parse(expression)
    assert isinstance(parsed, Expression)
    return bg.backprop_story(parsed, a, b, c)


def default_story() -> bg.BackpropStory:
    # each value has its own parameter's type, as in the registry's SceneSpec.parse
    params: dict[str, Any] = {p.name: p.parse(p.default) for p in bg.PARAMS}
    return bg.backprop_story(**params)


# sympy references typed by hand (sympy never parses user text)
SYMPY_CASES = [
    ("(a*b + c)*tanh(a)", (A * B + C) * sp.tanh(A), (0.8, -1.5, 2.0)),
    ("a*a*b", A * A * B, (1.3, -0.7, 5.0)),
    ("exp(a)/b + log(c)", sp.exp(A) / B + sp.log(C), (0.4, 2.5, 0.3)),
    ("sigmoid(a*b) - c**2", 1 / (1 + sp.exp(-A * B)) - C**2, (-1.1, 0.9, 1.7)),
    ("a**b + sqrt(a*a + c*c)", A**B + sp.sqrt(A * A + C * C), (1.5, 2.2, -0.6)),
    ("sin(a)*cos(b) - tan(c/3)", sp.sin(A) * sp.cos(B) - sp.tan(C / 3), (0.3, 2.0, 1.0)),
    # on the smooth side of both corners (a > b, b > 0), where relu(a - b) = a - b and abs(b) = b
    ("relu(a - b)*c + abs(b)", (A - B) * C + B, (2.0, 0.5, -3.0)),
    ("-(sinh(a) + cosh(b))/(2*pi)", -(sp.sinh(A) + sp.cosh(B)) / (2 * sp.pi), (0.5, -0.25, 9.0)),
    ("2**a*b - e**(c/2)", 2**A * B - sp.E ** (C / 2), (1.2, -0.4, 0.8)),
]


@pytest.mark.parametrize("text, reference, point", SYMPY_CASES, ids=[c[0] for c in SYMPY_CASES])
def test_output_and_gradients_match_sympy(text, reference, point):
    s = story(text, *point)
    subs = dict(zip((A, B, C), point))
    assert s.output == pytest.approx(float(reference.subs(subs)), rel=1e-13, abs=1e-14)
    for name, symbol in zip(bg.VARIABLES, (A, B, C)):
        expected = float(sp.diff(reference, symbol).subs(subs))
        assert s.gradients[name] == pytest.approx(expected, rel=1e-12, abs=1e-13), name
    assert s.nodes[s.output_id].value == s.output and s.nodes[s.output_id].grad == 1.0


def test_default_story_is_the_issue_example():
    s = default_story()
    assert s.expression == "(a*b + c)*tanh(a)"
    # a feeds both the product and tanh: its gradient is the sum of the two paths
    assert s.shared == ("a",)
    assert len(s.paths["a"]) == 2
    a, b, c = s.inputs["a"], s.inputs["b"], s.inputs["c"]
    t = math.tanh(a)
    # the two paths written out by hand: through a*b (local b, upstream tanh a) and through tanh (local 1 - tanh^2)
    assert sorted(s.paths["a"]) == pytest.approx(sorted([b * t, (a * b + c) * (1 - t * t)]), rel=1e-14)
    assert s.gradients["a"] == pytest.approx(sum(s.paths["a"]), rel=1e-15)
    assert s.check_passed and s.check_max_error < 1e-8
    assert [n.op for n in s.nodes].count("*") == 2


@SETTINGS
@given(st.tuples(*[st.floats(-3, 3, allow_nan=False)] * 3),
       st.sampled_from(["(a*b + c)*tanh(a)", "exp(a*b)/(1 + c*c)", "sigmoid(a)*b - a*c", "cos(a*b*c) + a*a"]))
def test_gradients_match_central_differences_anywhere(point, text):
    s = story(text, *point)
    # the story's own check: central differences of the expression, never evaluated by Value
    assert s.check_passed, (s.gradients, s.numeric_gradients)
    scale = max(1.0, *(abs(g) for g in s.gradients.values()))
    assert s.check_max_error <= 1e-6 * scale


@SETTINGS
@given(st.tuples(*[st.floats(-3, 3, allow_nan=False)] * 3))
def test_every_node_obeys_the_chain_rule(point):
    s = story("(a*b + c)*tanh(a) - exp(b)*a", *point)
    consumers = {n.id: [] for n in s.nodes}
    for node in s.nodes:
        for child, local in zip(node.inputs, node.local):
            consumers[child].append(local * node.grad)
    for node in s.nodes:
        if node.id == s.output_id:
            assert node.grad == 1.0
        else:  # every gradient is the sum over its outgoing edges of local derivative x upstream gradient
            assert node.grad == pytest.approx(sum(consumers[node.id]), rel=1e-12, abs=1e-15)


def test_node_values_recompute_from_their_inputs():
    s = story("(a - b)/c + a**2*sigmoid(b) - log(c)", 1.5, -0.5, 2.0)
    ops = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power}
    by_id = {n.id: n for n in s.nodes}
    for node in s.nodes:
        args = [by_id[i].value for i in node.inputs]
        if node.op == "**" and len(args) == 1:  # a constant exponent, part of the operation (micrograd's u**k)
            args.append(float(compile_expression(node.label[2:], ())()))
        if node.op in ops:
            assert node.value == pytest.approx(float(ops[node.op](*args)), rel=1e-14)
        elif node.op == "neg":
            assert node.value == -args[0]
        elif node.op in FUNCTIONS:
            assert node.value == pytest.approx(float(FUNCTIONS[node.op](np.float64(args[0]))), rel=1e-14)
        # every input comes earlier (topological order) and sits in an earlier column
        for i in node.inputs:
            assert i < node.id and by_id[i].layer < node.layer


def test_local_derivatives_match_central_differences_of_each_operation():
    s = story("tanh(a)*exp(b)/sqrt(c) + sin(a)**b", 0.7, 1.3, 2.5)
    by_id = {n.id: n for n in s.nodes}
    ops = {"*": lambda x, y: x * y, "/": lambda x, y: x / y, "+": lambda x, y: x + y, "**": lambda x, y: x**y}
    checked = 0
    for node in s.nodes:
        args = [by_id[i].value for i in node.inputs]
        f = ops.get(node.op) or (lambda x, op=node.op: float(FUNCTIONS[op](np.float64(x))))
        for k, local in enumerate(node.local):
            h = 1e-6 * max(1.0, abs(args[k]))
            up, down = list(args), list(args)
            up[k] += h
            down[k] -= h
            assert local == pytest.approx((f(*up) - f(*down)) / (2 * h), rel=1e-7, abs=1e-8), node
            checked += 1
    assert checked >= 8


def test_a_constant_exponent_is_part_of_the_power():
    s = story("a**2 + b**c", 3.0, 2.0, 0.5)
    square = next(n for n in s.nodes if n.label == "**2")
    assert square.op == "**" and len(square.inputs) == 1 and square.local == pytest.approx((6.0,))
    general = next(n for n in s.nodes if n.label == "**")
    assert len(general.inputs) == 2
    assert general.local == pytest.approx((0.5 * 2.0**-0.5, 2.0**0.5 * math.log(2.0)), rel=1e-14)


def test_a_variable_used_twice_by_one_operation_gets_both_edges():
    s = story("a*a", 1.5, 0.0, 0.0)
    assert s.gradients["a"] == pytest.approx(3.0, rel=1e-15)
    assert s.paths["a"] == pytest.approx((1.5, 1.5)) and s.shared == ("a",)


def test_unused_variables_are_inputs_with_gradient_zero():
    s = story("a*b", 2.0, 3.0, 7.0)
    assert s.unused == ("c",)
    c = next(n for n in s.nodes if n.label == "c")
    assert c.op == "var" and c.grad == 0.0 and s.gradients["c"] == 0.0 and s.paths["c"] == ()
    assert not any(c.id in n.inputs for n in s.nodes)
    assert s.numeric_gradients["c"] == 0.0


def test_constants_fold_into_one_leaf_beside_their_consumer():
    s = story("2*pi*a + 1", 1.0, 0.0, 0.0)
    constants = [n for n in s.nodes if n.op == "const"]
    assert sorted(n.label for n in constants) == ["1", "2 * pi"]
    assert [n for n in constants if n.label == "2 * pi"][0].value == pytest.approx(2 * math.pi)
    by_id = {n.id: n for n in s.nodes}
    for node in s.nodes:
        for i in node.inputs:
            if by_id[i].op == "const":
                assert by_id[i].layer == node.layer - 1


def test_value_class_alone_is_reverse_mode_autodiff():
    a, b = bg.Value(2.0, "var"), bg.Value(-3.0, "var")
    out = (a * b + a).tanh()
    out.backward()
    t = math.tanh(-4.0)
    assert out.data == t
    assert a.grad == pytest.approx((1 - t * t) * (b.data + 1), rel=1e-15)
    assert b.grad == pytest.approx((1 - t * t) * a.data, rel=1e-15)
    assert [n.op for n in bg.topological_order(out)][-1] == "tanh"


def test_code_on_screen_is_the_source_that_ran():
    s = default_story()
    source = inspect.getsource(bg)
    assert list(s.code) == ["__mul__", "tanh", "backward"]
    for name, listing in s.code.items():
        assert listing.startswith(f"def {name}(self")
        for line in listing.splitlines():
            assert line.strip() in source
    # the accumulation that sums a shared variable's paths is on screen
    assert "child.grad += local * node.grad" in s.code["backward"]


def test_backward_steps_are_the_additions_in_the_order_they_ran() -> None:
    s = story("(a*b + c)*tanh(a) + exp(a)", 0.3, 1.2, -0.4)
    by_id = {n.id: n for n in s.nodes}
    done: set[int] = set()
    seen_totals: dict[int, float] = {}
    for step in s.steps:
        node = by_id[step.node]
        # a node passes its gradient on only after every node that uses it has passed theirs
        assert all(c.id in done or c.id == step.node for c in s.nodes if step.node in c.inputs)
        assert step.upstream == node.grad
        assert step.contribution == step.local * step.upstream
        assert step.total == seen_totals.get(step.input, 0.0) + step.contribution
        seen_totals[step.input] = step.total
        if step is s.steps[-1] or s.steps[s.steps.index(step) + 1].node != step.node:
            done.add(step.node)
    for node in s.nodes:
        if node.id in seen_totals:
            assert seen_totals[node.id] == node.grad  # the last running total is the gradient
    assert len(s.paths["a"]) == 3 and s.shared == ("a",)


def test_story_json_is_plain():
    data = json.loads(default_story().to_json())
    assert {"output", "gradients", "nodes", "check_max_error"} <= set(data)
    assert set(data["gradients"]) == {"a", "b", "c"}
    assert all({"op", "value", "grad"} <= set(n) for n in data["nodes"])


BAD: list[tuple[dict[str, Any], str]] = [
    ({"expression": "abs(a)", "a": 0.0}, "corner"),
    ({"expression": "relu(a - b)", "a": 1.0, "b": 1.0}, "corner"),
    ({"expression": "log(a)", "a": -1.0}, "not finite"),
    ({"expression": "sqrt(a)*b", "a": 0.0}, "no finite derivative"),
    ({"expression": "b/a", "a": 0.0}, "not finite"),
    ({"expression": "a**b", "a": -2.0, "b": 0.5}, "not finite"),
    ({"expression": "2*pi"}, "at least one of a, b, c"),
    ({"expression": "b"}, "just the variable"),
    ({"expression": "(a*b + b*c)*(c*a + a*b) + (a*c - b*b)*(c*c + a)"}, "has 14 operations"),
    ({"expression": "a*b + b*c + c*a + a*a + b*b"}, "side by side"),
    ({"expression": "a*2 + b*3 + c*4"}, "side by side"),
    ({"expression": "exp(exp(exp(exp(exp(exp(exp(a)))))))"}, "not finite"),
    ({"expression": "sin(sin(sin(sin(sin(sin(sin(a)))))))"}, "7 operations deep"),
]


@pytest.mark.parametrize("kwargs, words", BAD, ids=[k["expression"] for k, _ in BAD])
def test_points_without_a_derivative_and_undrawable_graphs_are_refused(kwargs, words):
    point = {"a": 0.8, "b": -1.5, "c": 2.0}
    point.update({k: v for k, v in kwargs.items() if k != "expression"})
    with pytest.raises(ParameterError) as err:
        story(kwargs["expression"], **point)
    assert err.value.key == "expression"
    assert words in err.value.message
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("key, text", [("a", "1e6"), ("b", "nan"), ("c", "zz"), ("expression", "__import__('os')"),
                                       ("expression", "a^2"), ("expression", "x + 1")])
def test_bad_parameters_are_refused_by_the_parsers(key, text):
    param = {p.name: p for p in bg.PARAMS}[key]
    with pytest.raises(ParameterError) as err:
        param.parse(text)
    assert err.value.key == key


def test_numerics_stay_quiet():
    # numpy's default error state (warn on overflow, divide, invalid), every warning an error: stderr stays clean
    with np.errstate(all="warn", under="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        story("exp(a)*log(c) + a**b", 3.0, -2.5, 0.5)
        story("tanh(a*50)*b", 2.0, 1.0, 0.0)


@pytest.mark.parametrize("args", [
    ["--set", "expression=abs(a)", "--set", "a=0"],
    ["--set", "expression=log(a)", "--set", "a=-1"],
    ["--set", "expression=__import__('os').system('true')"],
    ["--set", "a=1e9"],
    ["--set", "d=1"],
])
def test_cli_bad_input_is_one_error_line(args):
    result = CliRunner().invoke(cli, ["numbers", "backprop_graph", *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
