"""Safe user expressions: a whitelisted syntax tree compiled to vectorised numpy.

Users type functions as text (``exp(-x**2)*sin(3*x)``, ``w1**2 + 10*w2**2``).
The text is parsed with :mod:`ast` and every node is checked against a short
whitelist: numbers, the named variables, the constants ``pi`` and ``e``, the
operators ``+ - * / **``, unary minus and plus, and calls of a fixed set of
one-argument functions. Nothing else is accepted and nothing is ever handed
to ``eval``, ``exec`` or sympy's string parser. Numbers are evaluated as
floats, so ``9**9**9**9`` is ``inf`` at once instead of a Python integer that
never finishes.

The same validated tree is differentiated symbolically (:meth:`Expression.diff`)
with the usual rules, so the "exact" derivative a scene shows is built from
the tree the user's text was checked into, not from re-parsed text.
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

__all__ = [
    "RealFunction",
    "ExpressionError",
    "Expression",
    "FUNCTIONS",
    "CONSTANTS",
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_NODES",
    "compile_expression",
    "parse_number",
    "parse_literal",
    "check_ascii",
    "describe_character",
    "DECIMAL_LITERAL",
]

#: Longest expression text accepted, in characters.
MAX_LENGTH = 300
#: Deepest nesting of the syntax tree accepted.
MAX_DEPTH = 32
#: Most syntax-tree nodes accepted.
MAX_NODES = 400


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # 1 / (1 + exp(-x)) written with tanh: no overflow warning for large |x|.
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _heaviside(x: np.ndarray) -> np.ndarray:
    # The derivative of relu; the value 0 at exactly x = 0 matches mathviz.stories.relu.
    return np.heaviside(x, 0.0)


#: Functions a user may call, each with exactly one argument.
FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "tanh": np.tanh,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "sigmoid": _sigmoid,
    "relu": _relu,
}

# Functions that only appear in derivatives built by Expression.diff.
_INTERNAL_FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sign": np.sign,
    "heaviside": _heaviside,
}

#: Named constants a user may write.
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
}
_UNARY: dict[type, Callable[[Any], Any]] = {ast.USub: np.negative, ast.UAdd: np.positive}
_HINTS = {
    ast.BitXor: "'^' is not a power here; write x**2",
    ast.FloorDiv: "'//' is not allowed; use /",
    ast.Mod: "'%' is not allowed",
    ast.MatMult: "'@' is not allowed",
}


#: A vectorised real function: a number or an array in, the same shape out (an Expression, or one composed of them).
RealFunction = Callable[[Any], Any]


class ExpressionError(ValueError):
    """User text that is not an allowed expression. The message names the problem."""


#: How a number is written inside an expression: ASCII decimal digits with an optional fraction and
#: exponent (``2``, ``0.5``, ``.5``, ``1e-3``). Python's other spellings (``0x1f``, ``1_000``, ``0o7``) are refused.
DECIMAL_LITERAL = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def describe_character(char: str) -> str:
    """``'ｓ' (U+FF53 FULLWIDTH LATIN SMALL LETTER S)``; the character itself only when it is printable."""
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    label = f"{code} {name}" if name else code
    return f"{char!r} ({label})" if char.isprintable() else label


def check_ascii(text: str, *, what: str) -> None:
    """Raise ExpressionError unless ``text`` is printable ASCII (spaces allowed, no tabs or newlines).

    Parameters are ASCII on purpose: Python would read full-width letters (``ｓｉｎ``) and
    mathematical italics (``𝐱``) as ``sin`` and ``x`` through Unicode normalisation, and ``int()``
    reads Arabic-Indic digits, so a value could mean something other than what the video, its JSON
    and the gallery show. Refusing them keeps one spelling for every value.
    """
    for index, char in enumerate(text):
        if not " " <= char <= "~":
            raise ExpressionError(f"{what}: {describe_character(char)} at position {index + 1} is not allowed; "
                                  "values are written in plain ASCII (0-9, a-z, + - * / ( ) [ ] , . and spaces)")


def _describe(node: ast.AST) -> str:
    names = {
        ast.Attribute: "attribute access",
        ast.Subscript: "a subscript",
        ast.Lambda: "lambda",
        ast.ListComp: "a comprehension",
        ast.SetComp: "a comprehension",
        ast.DictComp: "a comprehension",
        ast.GeneratorExp: "a generator",
        ast.Compare: "a comparison",
        ast.BoolOp: "'and'/'or'",
        ast.IfExp: "a conditional expression",
        ast.Starred: "a starred argument",
        ast.NamedExpr: "an assignment expression",
        ast.List: "a list",
        ast.Tuple: "a tuple",
        ast.Dict: "a dict",
        ast.Set: "a set",
        ast.JoinedStr: "a string",
        ast.Await: "await",
        ast.Yield: "yield",
        ast.YieldFrom: "yield",
        ast.Slice: "a slice",
    }
    return names.get(type(node), type(node).__name__)


def _ast_parse(text: str) -> ast.expr:
    """``ast.parse`` in eval mode without its SyntaxWarnings (``1if x else 2``), which would print to stderr."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return ast.parse(text, mode="eval").body


def _parse(text: str, *, what: str) -> ast.expr:
    if not isinstance(text, str):
        raise ExpressionError(f"{what} must be text, got {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise ExpressionError(f"{what} is empty")
    if len(stripped) > MAX_LENGTH:
        raise ExpressionError(f"{what} is too long ({len(stripped)} characters, limit {MAX_LENGTH})")
    check_ascii(stripped, what=what)
    try:
        return _ast_parse(stripped)
    except SyntaxError as exc:
        detail = exc.msg if exc.msg else "invalid syntax"
        raise ExpressionError(f"{what} is not a valid expression ({detail})") from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise ExpressionError(f"{what} could not be parsed ({type(exc).__name__}: nested too deeply or too large)") from None


def _literal_float(value: object, *, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        kind = "a complex number" if isinstance(value, complex) else f"a {type(value).__name__} literal"
        raise ExpressionError(f"{what}: {kind} is not allowed")
    try:
        number = float(value)
    except OverflowError:
        raise ExpressionError(f"{what}: the number {str(value)[:12]}... is too large") from None
    if not math.isfinite(number):
        raise ExpressionError(f"{what}: the number {value!r} is not finite")
    return number


def _validate(tree: ast.expr, variables: tuple[str, ...], *, what: str, allow_internal: bool = False,
              source: str | None = None) -> None:
    """Raise ExpressionError unless every node of ``tree`` is on the whitelist.

    With ``source`` (the text ``tree`` was parsed from) every number must also be written as a
    :data:`DECIMAL_LITERAL`.
    """
    functions = set(FUNCTIONS) | (set(_INTERNAL_FUNCTIONS) if allow_internal else set())
    count = 0

    def visit(node: ast.AST, depth: int) -> None:
        nonlocal count
        count += 1
        if count > MAX_NODES:
            raise ExpressionError(f"{what} is too large (more than {MAX_NODES} parts)")
        if depth > MAX_DEPTH:
            raise ExpressionError(f"{what} is nested too deeply (limit {MAX_DEPTH} levels)")
        if isinstance(node, ast.Constant):
            _literal_float(node.value, what=what)
            written = ast.get_source_segment(source, node) if source is not None else None
            if written is not None and not DECIMAL_LITERAL.fullmatch(written):
                raise ExpressionError(f"{what}: the number {written[:20]!r} is not written in decimal "
                                      "(digits, an optional fraction and exponent, like 2, 0.5 or 1e-3)")
        elif isinstance(node, ast.Name):
            if node.id not in variables and node.id not in CONSTANTS:
                allowed = ", ".join(variables + tuple(CONSTANTS))
                if node.id in functions:
                    raise ExpressionError(f"{what}: {node.id} is a function; call it like {node.id}(x)")
                raise ExpressionError(f"{what}: unknown name {node.id!r} (allowed: {allowed})")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                hint = _HINTS.get(type(node.op), f"operator {type(node.op).__name__} is not allowed")
                raise ExpressionError(f"{what}: {hint}")
            visit(node.left, depth + 1)
            visit(node.right, depth + 1)
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) not in _UNARY:
                raise ExpressionError(f"{what}: operator {type(node.op).__name__} is not allowed")
            visit(node.operand, depth + 1)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise ExpressionError(f"{what}: only calls of named functions are allowed ({', '.join(sorted(FUNCTIONS))})")
            if node.func.id not in functions:
                raise ExpressionError(
                    f"{what}: unknown function {node.func.id!r} (allowed: {', '.join(sorted(FUNCTIONS))})"
                )
            if node.keywords or len(node.args) != 1:
                raise ExpressionError(f"{what}: {node.func.id}() takes exactly one argument")
            visit(node.args[0], depth + 1)
        else:
            raise ExpressionError(f"{what}: {_describe(node)} is not allowed")

    visit(tree, 0)


def _compile(node: ast.expr, variables: tuple[str, ...]) -> Callable[[dict[str, np.ndarray]], Any]:
    """Turn a validated tree into nested closures; no code objects are generated."""
    if isinstance(node, ast.Constant):
        value = float(cast(float, node.value))
        return lambda env: np.float64(value)
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            value = CONSTANTS[node.id]
            return lambda env: np.float64(value)
        name = node.id
        return lambda env: env[name]
    if isinstance(node, ast.BinOp):
        binary = _BINARY[type(node.op)]
        left, right = _compile(node.left, variables), _compile(node.right, variables)
        return lambda env: binary(left(env), right(env))
    if isinstance(node, ast.UnaryOp):
        unary = _UNARY[type(node.op)]
        operand = _compile(node.operand, variables)
        return lambda env: unary(operand(env))
    if isinstance(node, ast.Call):
        func = FUNCTIONS.get(_call_name(node)) or _INTERNAL_FUNCTIONS[_call_name(node)]
        arg = _compile(node.args[0], variables)
        return lambda env: func(arg(env))
    raise AssertionError(f"unvalidated node {node!r}")  # pragma: no cover - _validate runs first


@dataclass(frozen=True)
class Expression:
    """A validated expression in named variables, callable on numpy arrays.

    Evaluation is vectorised and never raises on domain problems: ``log(-1)``
    is ``nan`` and overflow is ``inf``, so callers decide what a non-finite
    value means (a domain error, a divergence).
    """

    source: str
    variables: tuple[str, ...]
    tree: ast.expr = field(repr=False, compare=False)
    _fn: Callable[[dict[str, np.ndarray]], np.ndarray] = field(repr=False, compare=False)

    def __call__(self, *args: np.ndarray | float) -> np.ndarray:
        if len(args) != len(self.variables):
            raise TypeError(f"expected {len(self.variables)} arguments ({', '.join(self.variables)}), got {len(args)}")
        env = {name: np.asarray(value, dtype=float) for name, value in zip(self.variables, args)}
        with np.errstate(all="ignore"):
            result = self._fn(env)
        shape = np.broadcast_shapes(*(v.shape for v in env.values())) if env else ()
        return np.broadcast_to(np.asarray(result, dtype=float), shape).copy()

    def uses(self, name: str) -> bool:
        """Whether the variable ``name`` appears in the expression."""
        return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(self.tree))

    def diff(self, variable: str) -> Expression:
        """The exact partial derivative d/d``variable``, by the rules of calculus on the tree.

        ``abs`` differentiates to ``sign`` and ``relu`` to ``heaviside`` (0 at
        0): values at the kink are conventions, and callers that care about
        corners check one-sided limits.
        """
        if variable not in self.variables:
            raise ValueError(f"{variable!r} is not a variable of {self.source!r}")
        tree = _simplify(_derivative(self.tree, variable))
        return _from_tree(tree, self.variables)

    def __str__(self) -> str:
        return self.source


def _from_tree(tree: ast.expr, variables: tuple[str, ...]) -> Expression:
    tree = ast.fix_missing_locations(tree)
    return Expression(ast.unparse(tree), variables, tree, _compile(tree, variables))


def compile_expression(text: str, variables: tuple[str, ...] | list[str] = ("x",), *, what: str = "expression") -> Expression:
    """Parse and validate user text into an :class:`Expression`.

    Parameters
    ----------
    text
        The expression, e.g. ``"x**3/3 - x"``.
    variables
        The variable names the expression may use.
    what
        How to name the text in error messages (usually the parameter name).

    Raises
    ------
    ExpressionError
        With a one-line message naming what is wrong.
    """
    variables = tuple(variables)
    tree = _parse(text, what=what)
    _validate(tree, variables, what=what, source=text.strip())
    return Expression(text.strip(), variables, tree, _compile(tree, variables))


# --- symbolic differentiation on the validated tree -------------------------------------------


def _num(value: float) -> ast.expr:
    if value < 0:
        return ast.UnaryOp(ast.USub(), ast.Constant(-value))
    return ast.Constant(int(value) if float(value).is_integer() and abs(value) < 1e15 else value)


def _call(name: str, arg: ast.expr) -> ast.expr:
    return ast.Call(ast.Name(name, ast.Load()), [arg], [])


def _bin(left: ast.expr, op: ast.operator, right: ast.expr) -> ast.expr:
    return ast.BinOp(left, op, right)


def _has_var(node: ast.expr, variable: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == variable for n in ast.walk(node))


def _derivative(node: ast.expr, v: str) -> ast.expr:
    if not _has_var(node, v):
        return _num(0)
    if isinstance(node, ast.Name):
        return _num(1)
    if isinstance(node, ast.UnaryOp):
        inner = _derivative(node.operand, v)
        return ast.UnaryOp(type(node.op)(), inner)
    if isinstance(node, ast.BinOp):
        u, w = node.left, node.right
        du, dw = _derivative(u, v), _derivative(w, v)
        if isinstance(node.op, (ast.Add, ast.Sub)):
            return _bin(du, type(node.op)(), dw)
        if isinstance(node.op, ast.Mult):
            if not _has_var(u, v):  # constant factors stay in front: (c w)' = c w'
                return _bin(u, ast.Mult(), dw)
            if not _has_var(w, v):
                return _bin(du, ast.Mult(), w)
            return _bin(_bin(du, ast.Mult(), w), ast.Add(), _bin(u, ast.Mult(), dw))
        if isinstance(node.op, ast.Div):
            if not _has_var(w, v):  # (u / c)' = u' / c
                return _bin(du, ast.Div(), w)
            top = _bin(_bin(du, ast.Mult(), w), ast.Sub(), _bin(u, ast.Mult(), dw))
            return _bin(top, ast.Div(), _bin(w, ast.Pow(), _num(2)))
        if isinstance(node.op, ast.Pow):
            if not _has_var(w, v):  # power rule: (u^c)' = c u^(c-1) u'
                return _bin(_bin(w, ast.Mult(), _bin(u, ast.Pow(), _bin(w, ast.Sub(), _num(1)))), ast.Mult(), du)
            if not _has_var(u, v):  # (c^w)' = c^w log(c) w'
                return _bin(_bin(node, ast.Mult(), _call("log", u)), ast.Mult(), dw)
            # (u^w)' = u^w (w' log u + w u'/u)
            inner = _bin(_bin(dw, ast.Mult(), _call("log", u)), ast.Add(), _bin(_bin(w, ast.Mult(), du), ast.Div(), u))
            return _bin(node, ast.Mult(), inner)
    if isinstance(node, ast.Call):
        name, u = _call_name(node), node.args[0]
        du = _derivative(u, v)
        outer = {
            "sin": lambda: _call("cos", u),
            "cos": lambda: ast.UnaryOp(ast.USub(), _call("sin", u)),
            "tan": lambda: _bin(_num(1), ast.Div(), _bin(_call("cos", u), ast.Pow(), _num(2))),
            "exp": lambda: _call("exp", u),
            "log": lambda: _bin(_num(1), ast.Div(), u),
            "sqrt": lambda: _bin(_num(1), ast.Div(), _bin(_num(2), ast.Mult(), _call("sqrt", u))),
            "abs": lambda: _call("sign", u),
            "tanh": lambda: _bin(_num(1), ast.Sub(), _bin(_call("tanh", u), ast.Pow(), _num(2))),
            "sinh": lambda: _call("cosh", u),
            "cosh": lambda: _call("sinh", u),
            "sigmoid": lambda: _bin(_call("sigmoid", u), ast.Mult(), _bin(_num(1), ast.Sub(), _call("sigmoid", u))),
            "relu": lambda: _call("heaviside", u),
            "sign": lambda: _num(0),
            "heaviside": lambda: _num(0),
        }[name]()
        return _bin(outer, ast.Mult(), du)
    raise AssertionError(f"cannot differentiate {ast.dump(node)}")  # pragma: no cover


def _call_name(node: ast.Call) -> str:
    """The function a validated call names (validation admits only plain names)."""
    assert isinstance(node.func, ast.Name)
    return node.func.id


def _const_value(node: ast.expr) -> float | None:
    if isinstance(node, ast.Constant):
        return float(cast(float, node.value))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return -float(cast(float, node.operand.value))
    return None


def _simplify(node: ast.expr) -> ast.expr:
    """Light algebraic clean-up (0 and 1 identities, folding of small constants) for readable output."""
    if isinstance(node, ast.UnaryOp):
        operand = _simplify(node.operand)
        c = _const_value(operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        if c is not None:
            return _num(-c)
        if isinstance(operand, ast.UnaryOp) and isinstance(operand.op, ast.USub):
            return operand.operand
        return ast.UnaryOp(ast.USub(), operand)
    if isinstance(node, ast.Call):
        return _call(_call_name(node), _simplify(node.args[0]))
    if not isinstance(node, ast.BinOp):
        return node
    left, right = _simplify(node.left), _simplify(node.right)
    a, b = _const_value(left), _const_value(right)
    op = node.op
    if a is not None and b is not None:
        with np.errstate(all="ignore"):
            value = float(_BINARY[type(op)](np.float64(a), np.float64(b)))
        if math.isfinite(value) and abs(value) < 1e12 and (value == round(value, 12)):
            return _num(value)
    if isinstance(op, ast.Add):
        if a == 0:
            return right
        if b == 0:
            return left
        if isinstance(right, ast.UnaryOp) and isinstance(right.op, ast.USub):
            return _bin(left, ast.Sub(), right.operand)
    if isinstance(op, ast.Sub):
        if b == 0:
            return left
        if a == 0:
            return _simplify(ast.UnaryOp(ast.USub(), right))
    if isinstance(op, ast.Mult):
        if a == 0 or b == 0:
            return _num(0)
        if a == 1:
            return right
        if b == 1:
            return left
        if a == -1:
            return _simplify(ast.UnaryOp(ast.USub(), right))
        if b == -1:
            return _simplify(ast.UnaryOp(ast.USub(), left))
    if isinstance(op, ast.Div):
        if a == 0:
            return _num(0)
        if b == 1:
            return left
    if isinstance(op, ast.Pow):
        if b == 1:
            return left
        if b == 0:
            return _num(1)
    return _bin(left, op, right)


# --- numbers and literal lists in parameters ---------------------------------------------------


def parse_number(text: str | float | int, *, what: str = "value") -> float:
    """A finite float from a number or a constant expression such as ``pi/4`` or ``-1.5e-3``."""
    if isinstance(text, bool):
        raise ExpressionError(f"{what}: expected a number, got {text!r}")
    if isinstance(text, (int, float)):
        return _literal_float(text, what=what)
    value = float(compile_expression(text, (), what=what)())
    if not math.isfinite(value):
        raise ExpressionError(f"{what}: {text.strip()!r} is not a finite number")
    return value


def parse_literal(text: str, *, what: str = "value", max_length: int = 2000, max_items: int = 256) -> float | list:
    """Nested lists of finite numbers, e.g. ``[[2, 1], [0.5, 1.5]]`` or ``[1, -2, pi/2]``.

    Each entry may be a constant expression (``sqrt(2)/2``) validated by the
    same whitelist as :func:`compile_expression`.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"{what} must be text")
    stripped = text.strip()
    if not stripped:
        raise ExpressionError(f"{what} is empty")
    if len(stripped) > max_length:
        raise ExpressionError(f"{what} is too long ({len(stripped)} characters, limit {max_length})")
    check_ascii(stripped, what=what)
    try:
        tree = _ast_parse(stripped)
    except SyntaxError as exc:
        reason = exc.msg or "invalid syntax"
        raise ExpressionError(f"{what} is not valid ({reason}); expected e.g. [[2, 1], [0.5, 1.5]]") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(f"{what} could not be parsed (nested too deeply or too large)") from None
    items = 0

    def convert(node: ast.expr, depth: int) -> float | list:
        nonlocal items
        if depth > 4:
            raise ExpressionError(f"{what} is nested too deeply")
        if isinstance(node, (ast.List, ast.Tuple)):
            return [convert(e, depth + 1) for e in node.elts]
        items += 1
        if items > max_items:
            raise ExpressionError(f"{what} has too many entries (limit {max_items})")
        _validate(node, (), what=what, source=stripped)
        with np.errstate(all="ignore"):
            value = float(_compile(node, ())({}))
        if not math.isfinite(value):
            raise ExpressionError(f"{what}: entry {ast.unparse(node)!r} is not a finite number")
        return value

    return convert(tree, 0)
