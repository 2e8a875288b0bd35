"""Typst math for an expression, so a user's function is shown as typeset math: the one converter.

``x**3/3 - x`` becomes ``frac(x^(3), 3) - x``; ``exp(-x**2)*sin(3*x)`` becomes
``e^(-x^(2)) sin(3 x)``; ``w1**2/4 + w2**2`` becomes ``frac(w_1^(2), 4) + w_2^(2)``.
Every scene that shows a formula (a function of x, a surface in x and y, a loss
in w1 and w2) goes through :func:`to_typst`, so the same expression reads the
same in every video. The decisions, made once here:

* a variable ending in digits is subscripted as written on the board: ``w1`` is w₁;
* ``exp(u)`` is written ``e^(u)`` when ``u`` is a short exponent without a
  fraction, and ``exp(u)`` otherwise (a fraction or a long formula in a
  superscript is too small to read);
* ``log`` is the natural log ``ln``, ``sigmoid`` is σ, ``relu``, ``sign`` and
  ``heaviside`` (H) are upright operators;
* a product is juxtaposition, with a visible dot before a number and a signed
  factor in parentheses, ``x (-y)``;
* ``a + -b`` is written ``a - b``;
* numbers are shown to six significant digits, a very large or small one as
  ``m times 10^(k)``.

The input is a validated :class:`mathviz.expr.Expression` (its tree is used,
nothing is parsed again) or expression text, which is parsed with :mod:`ast`
only, never evaluated (the text of a symbolic derivative may also call the
internal ``sign`` and ``heaviside``).
"""

from __future__ import annotations

import ast

from mathviz.expr import Expression

__all__ = ["to_typst"]

# Functions Typst typesets as upright operators, and how the rest are written.
_NAMED = {
    "sin": "sin", "cos": "cos", "tan": "tan", "log": "ln", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "exp": "exp", "sigmoid": "sigma", "relu": 'op("relu")', "sign": 'op("sign")', "heaviside": 'op("H")',
}
#: Names that are Typst symbols already.
_CONSTANTS = {"pi": "pi", "e": "e"}
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}
_UNARY_PRECEDENCE = 3
#: Longest exponent (in Typst source characters) written as a superscript of e.
EXP_SUPERSCRIPT_LENGTH = 24


def _number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.6g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa} times 10^({int(exponent)})"
    return text


def _name(name: str) -> str:
    if name in _CONSTANTS:
        return _CONSTANTS[name]
    head = name.rstrip("0123456789")
    digits = name[len(head):]
    return f"{head}_{digits}" if head and digits else name


def _precedence(node: ast.expr) -> int:
    if isinstance(node, ast.BinOp):
        return _PRECEDENCE[type(node.op)]
    if isinstance(node, ast.UnaryOp):
        return _UNARY_PRECEDENCE
    return 5


def _wrap(node: ast.expr, minimum: int) -> str:
    source = _typst(node)
    return f"({source})" if _precedence(node) < minimum else source


def _exp(argument: str) -> str:
    """``e^(u)`` for a short exponent without a fraction, else ``exp(u)``."""
    if "frac(" in argument or len(argument) > EXP_SUPERSCRIPT_LENGTH:
        return f"exp({argument})"
    return f"e^({argument})"


def _typst(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return _number(float(node.value))
    if isinstance(node, ast.Name):
        return _name(node.id)
    if isinstance(node, ast.UnaryOp):
        sign = "-" if isinstance(node.op, ast.USub) else ""
        return sign + _wrap(node.operand, _UNARY_PRECEDENCE + 1)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        argument = _typst(node.args[0])
        if name == "exp":
            return _exp(argument)
        if name in ("sqrt", "abs"):
            return f"{name}({argument})"
        return f"{_NAMED.get(name, name)}({argument})"
    if isinstance(node, ast.BinOp):
        op = type(node.op)
        if op is ast.Div:
            return f"frac({_typst(node.left)}, {_typst(node.right)})"
        if op is ast.Pow:
            # the exponent is a superscript group; Typst drops its outer parentheses
            return f"{_wrap(node.left, 5)}^({_typst(node.right)})"
        if op is ast.Mult:
            # a signed factor keeps its parentheses: x (-y), not x -y
            left, right = _wrap(node.left, 2), _wrap(node.right, _UNARY_PRECEDENCE + 1)
            # a number after a factor needs a visible dot: 2 3 would read as 23
            joiner = " dot " if right[:1].isdigit() else " "
            return left + joiner + right
        if op is ast.Add:
            if isinstance(node.right, ast.UnaryOp) and isinstance(node.right.op, ast.USub):
                return f"{_wrap(node.left, 1)} - {_wrap(node.right.operand, 2)}"
            return f"{_wrap(node.left, 1)} + {_typst(node.right)}"
        right = _typst(node.right)
        if _precedence(node.right) < 2 or isinstance(node.right, ast.UnaryOp):
            right = f"({right})"  # x - (y - z), x - (-y)
        return f"{_wrap(node.left, 1)} - {right}"
    raise ValueError(f"cannot typeset {ast.dump(node)}")


def to_typst(expression: Expression | str) -> str:
    """Typst math for an expression (e.g. ``"x**3/3 - x"`` -> ``"frac(x^(3), 3) - x"``).

    Parameters
    ----------
    expression
        A validated :class:`~mathviz.expr.Expression` (its tree is typeset) or
        the text of one (parsed with :mod:`ast`, never evaluated).
    """
    if isinstance(expression, Expression):
        return _typst(expression.tree)
    return _typst(ast.parse(expression.strip(), mode="eval").body)
