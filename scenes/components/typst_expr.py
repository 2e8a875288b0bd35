"""Typst math source for an expression's text, so a user's function is shown as typeset math.

``x**3/3 - x`` becomes ``frac(x^3, 3) - x``; ``exp(-x**2)*sin(3*x)`` becomes
``e^(-x^2) sin(3 x)``. The text is parsed with :mod:`ast` only (never
evaluated); it is either the validated source of a
:class:`mathviz.expr.Expression` or the text of its symbolic derivative,
which may also call the internal ``sign`` and ``heaviside``.
"""

from __future__ import annotations

import ast

__all__ = ["to_typst"]

# Functions Typst typesets as upright operators, and how the rest are written.
_NAMED = {
    "sin": "sin", "cos": "cos", "tan": "tan", "log": "ln", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "sigmoid": "sigma", "relu": 'op("relu")', "sign": 'op("sign")', "heaviside": 'op("H")',
}
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}
_UNARY_PRECEDENCE = 3


def _number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def _precedence(node: ast.expr) -> int:
    if isinstance(node, ast.BinOp):
        return _PRECEDENCE[type(node.op)]
    if isinstance(node, ast.UnaryOp):
        return _UNARY_PRECEDENCE
    return 5


def _wrap(node: ast.expr, minimum: int) -> str:
    source = _typst(node)
    return f"({source})" if _precedence(node) < minimum else source


def _typst(node: ast.expr) -> str:
    if isinstance(node, ast.Constant):
        return _number(float(node.value))
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.UnaryOp):
        sign = "-" if isinstance(node.op, ast.USub) else ""
        return sign + _wrap(node.operand, _UNARY_PRECEDENCE + 1)
    if isinstance(node, ast.Call):
        name = node.func.id  # type: ignore[attr-defined]
        argument = _typst(node.args[0])
        if name == "exp":
            return f"e^({argument})"
        if name == "sqrt":
            return f"sqrt({argument})"
        if name == "abs":
            return f"abs({argument})"
        return f"{_NAMED.get(name, name)}({argument})"
    if isinstance(node, ast.BinOp):
        op = type(node.op)
        if op is ast.Div:
            return f"frac({_typst(node.left)}, {_typst(node.right)})"
        if op is ast.Pow:
            # the exponent is a superscript group; Typst drops its outer parentheses
            return f"{_wrap(node.left, 5)}^({_typst(node.right)})"
        if op is ast.Mult:
            left, right = _wrap(node.left, 2), _wrap(node.right, 3)
            # a number after a factor needs a visible dot: 2 3 would read as 23
            joiner = " dot " if right[:1].isdigit() or right.startswith("-") else " "
            return left + joiner + right
        if op is ast.Add:
            if isinstance(node.right, ast.UnaryOp) and isinstance(node.right.op, ast.USub):
                return f"{_wrap(node.left, 1)} - {_wrap(node.right.operand, 2)}"
            return f"{_wrap(node.left, 1)} + {_typst(node.right)}"
        return f"{_wrap(node.left, 1)} - {_wrap(node.right, 2)}"
    raise ValueError(f"cannot typeset {ast.dump(node)}")


def to_typst(source: str) -> str:
    """Typst math for the expression text ``source`` (e.g. ``"x**3/3 - x"`` -> ``"frac(x^3, 3) - x"``)."""
    return _typst(ast.parse(source.strip(), mode="eval").body)
