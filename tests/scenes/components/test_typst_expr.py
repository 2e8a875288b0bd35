"""The one expression -> Typst converter (scenes/components/typst_expr.py): each decision it makes once."""

from __future__ import annotations

import pytest

from mathviz.expr import compile_expression
from mathviz_scenes.components.typst_expr import to_typst


@pytest.mark.parametrize(("source", "variables", "typst"), [
    ("w1**2/4 + w2**2", ("w1", "w2"), "frac(w_1^(2), 4) + w_2^(2)"),
    ("(w1**2 - 1)**2 + 0.3*w1 + w2**2", ("w1", "w2"), "(w_1^(2) - 1)^(2) + 0.3 w_1 + w_2^(2)"),
    ("x**3 - 3*x*y**2", ("x", "y"), "x^(3) - 3 x y^(2)"),
    ("-(x**2 + y**2)", ("x", "y"), "-(x^(2) + y^(2))"),
])
def test_surfaces_and_losses(source: str, variables: tuple[str, ...], typst: str) -> None:
    expression = compile_expression(source, variables)
    assert to_typst(expression) == typst
    assert to_typst(source) == typst  # text and validated tree read the same


@pytest.mark.parametrize(("source", "typst"), [
    ("exp(-x**2)", "e^(-x^(2))"),                        # a short exponent is a superscript
    ("exp(x*y)", "e^(x y)"),
    ("2*exp(-(x**2/2 + y**2))", "2 exp(-(frac(x^(2), 2) + y^(2)))"),  # a fraction is not
    ("exp(x + y + x*y + x**2 + y**2 + 3*x)", "exp(x + y + x y + x^(2) + y^(2) + 3 x)"),  # nor a long formula
])
def test_exp_or_e_power_is_decided_once(source: str, typst: str) -> None:
    assert to_typst(source) == typst


@pytest.mark.parametrize(("source", "typst"), [
    ("w1 * w12", "w_1 w_12"),
    ("pi * e", "pi e"),
    ("x * -y", "x (-y)"),
    ("x - -y", "x - (-y)"),
    ("x + -y", "x - y"),
    ("x - (y - 1)", "x - (y - 1)"),
    ("2*3", "2 dot 3"),
    ("0.00001*x", "1 times 10^(-5) x"),
    ("log(x) + sigmoid(x) + relu(x)", 'ln(x) + sigma(x) + op("relu")(x)'),
])
def test_names_signs_and_numbers(source: str, typst: str) -> None:
    assert to_typst(source) == typst


def test_every_converted_formula_typesets() -> None:
    from mathviz_scenes.components import style

    for source in ("w1 * -w2", "x - -y", "1e-7 * x + exp(x*y)", "2*exp(-(x**2/2 + y**2))"):
        assert style.math(to_typst(source)).width > 0
