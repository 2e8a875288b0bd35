"""Reverse-mode automatic differentiation on a computational graph: the numbers behind ``backprop_graph``.

The user's expression in ``a``, ``b``, ``c`` (checked by :mod:`mathviz.expr`)
is evaluated with :class:`Value`, a scalar that remembers the operation that
made it and, for each of its inputs, the *local derivative* d(self)/d(input):
the design of Karpathy's micrograd and of PyTorch's autograd.
:meth:`Value.backward` walks the graph from the output back to the inputs in
reverse topological order, starting from d(out)/d(out) = 1; each node
multiplies its own gradient (the "upstream" gradient) by the local derivative
of every edge into it and *adds* the product to the input's gradient. A
variable used twice therefore collects the sum over its two paths.

Every value and gradient in the story was computed by this class, and the
video shows the source of its methods (read with :mod:`inspect`), so the code
on screen is the code that ran. The gradients are then checked against
central differences of the expression itself, evaluated by
:mod:`mathviz.expr` and never by :class:`Value`.

Points where the expression has no derivative are refused: ``abs`` and
``relu`` at exactly 0 (a corner), and any value or local derivative that is
not finite (``log`` of a negative number, ``sqrt`` at 0, division by 0).
"""

from __future__ import annotations

import ast
import inspect
import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mathviz.explainer import Explainer
from mathviz.expr import FUNCTIONS, Expression, compile_expression
from mathviz.params import Param, ParameterError, function_of, number
from mathviz.story import Story

__all__ = [
    "VARIABLES",
    "MAX_OPERATIONS",
    "MAX_LAYERS",
    "MAX_LAYER_SIZE",
    "MAX_INPUT",
    "GRAD_CHECK_STEP",
    "Value",
    "BackwardStep",
    "topological_order",
    "GraphNode",
    "BackpropStory",
    "backprop_story",
    "central_differences",
    "shown_source",
    "PARAMS",
    "EXPLAINER",
]

#: The expression's variables, in the order they are drawn.
VARIABLES = ("a", "b", "c")
#: Most operation nodes drawn; more would not be legible at 480p.
MAX_OPERATIONS = 12
#: Most columns of the graph (inputs, then one column per level of operations).
MAX_LAYERS = 7
#: Most nodes stacked in one column (each with its value above and its gradient below; a constant counts 1/2).
MAX_LAYER_SIZE = 4
#: Largest |a|, |b|, |c| accepted: keeps node labels short.
MAX_INPUT = 100.0
#: Relative step of the central differences: h = GRAD_CHECK_STEP * max(1, |v|).
GRAD_CHECK_STEP = 1e-5

#: Functions a Value can apply: the forward map (mathviz.expr's own, so values agree with the
#: expression) and the local derivative dy/dx written from x and the output y.
LOCAL_DERIVATIVES: dict[str, Callable[[float, float], float]] = {
    "sin": lambda x, y: math.cos(x),
    "cos": lambda x, y: -math.sin(x),
    "tan": lambda x, y: 1.0 + y * y,
    "exp": lambda x, y: y,
    "log": lambda x, y: 1.0 / x if x != 0 else math.inf,
    "sqrt": lambda x, y: 0.5 / y if y != 0 else math.inf,
    "abs": lambda x, y: math.copysign(1.0, x),
    "tanh": lambda x, y: 1.0 - y * y,
    "sinh": lambda x, y: math.cosh(x) if abs(x) < 700 else math.inf,
    "cosh": lambda x, y: math.sinh(x) if abs(x) < 700 else math.copysign(math.inf, x),
    "sigmoid": lambda x, y: y * (1.0 - y),
    "relu": lambda x, y: 1.0 if x > 0 else 0.0,
}
#: Functions with a corner at 0: no derivative there.
CORNERS = ("abs", "relu")


def _apply(name: str, x: float) -> float:
    with np.errstate(all="ignore"):
        return float(FUNCTIONS[name](np.asarray(x, dtype=np.float64)))


# -- the Value class: the code the video shows ---------------------------------------------------


class Value:
    """A number that remembers how it was made: its operation and, per input, d(self)/d(input)."""

    def __init__(self, data, op="", edges=()):
        self.data = data
        self.op = op
        self.edges = edges  # pairs (input, local derivative)
        self.grad = 0.0
        self.label = op

    def __add__(self, other):
        return Value(self.data + other.data, "+", ((self, 1.0), (other, 1.0)))

    def __sub__(self, other):
        return Value(self.data - other.data, "-", ((self, 1.0), (other, -1.0)))

    def __mul__(self, other):
        return Value(self.data * other.data, "*",
                     ((self, other.data), (other, self.data)))

    def __truediv__(self, other):
        with np.errstate(all="ignore"):
            out = np.float64(self.data) / other.data
            local = np.float64(1.0) / other.data, -out / other.data
        return Value(float(out), "/", ((self, float(local[0])), (other, float(local[1]))))

    def __pow__(self, other):
        with np.errstate(all="ignore"):
            base, exponent = np.float64(self.data), np.float64(other.data)
            out = base**exponent
            edges = [(self, float(exponent * base ** (exponent - 1)))]
            if other.op != "const":  # d(u^w)/dw = u^w log u
                edges.append((other, float(out * np.log(base))))
        power = Value(float(out), "**", tuple(edges))
        if other.op == "const":  # as in micrograd, a constant exponent is part of the operation: u**2
            power.label = f"**{other.label}"
        return power

    def __neg__(self):
        return Value(-self.data, "neg", ((self, -1.0),))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, "tanh", ((self, 1 - t**2),))

    def apply(self, name):
        """Any other function of :data:`mathviz.expr.FUNCTIONS`, with its local derivative."""
        y = _apply(name, self.data)
        return Value(y, name, ((self, LOCAL_DERIVATIVES[name](self.data, y)),))

    def backward(self):
        self.grad = 1.0
        for node in reversed(topological_order(self)):
            for child, local in node.edges:
                child.grad += local * node.grad


def topological_order(root: Value) -> list[Value]:
    """Every node under ``root``, each after all of its inputs (depth-first post-order)."""
    order: list[Value] = []
    seen: set[int] = set()

    def visit(node: Value) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        for child, _ in node.edges:
            visit(child)
        order.append(node)

    visit(root)
    return order


def shown_source(func: Callable) -> str:
    """The source of ``func`` as shown on screen: read with :mod:`inspect`, dedented, docstring left out."""
    source = textwrap.dedent(inspect.getsource(func))
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    lines = source.splitlines()
    body = node.body
    if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        lines = lines[: body[0].lineno - 1] + lines[body[0].end_lineno:]
    return "\n".join(lines).rstrip()


#: The methods whose source the video shows, in order.
SHOWN_METHODS: dict[str, Callable] = {"__mul__": Value.__mul__, "tanh": Value.tanh, "backward": Value.backward}


# -- building the graph from the user's expression -------------------------------------------------


def _uses_variable(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id in VARIABLES for n in ast.walk(node))


def _build(node: ast.expr, leaves: dict[str, Value]) -> Value:
    """Evaluate the validated tree with Values; a subtree without variables is one constant node."""
    if not _uses_variable(node):
        text = ast.unparse(node)
        constant = Value(float(compile_expression(text, (), what="expression")()), "const")
        constant.label = text
        return constant
    if isinstance(node, ast.Name):
        return leaves[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _build(node.operand, leaves)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _build(node.left, leaves), _build(node.right, leaves)
        op = type(node.op)
        if op is ast.Add:
            return left + right
        if op is ast.Sub:
            return left - right
        if op is ast.Mult:
            return left * right
        if op is ast.Div:
            return left / right
        return left**right
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        argument = _build(node.args[0], leaves)
        return argument.tanh() if name == "tanh" else argument.apply(name)
    raise AssertionError(f"unvalidated node {ast.dump(node)}")  # pragma: no cover - mathviz.expr validated it


@dataclass(frozen=True)
class GraphNode:
    """One node of the graph: an input (``op`` ``"var"``), a constant (``"const"``) or an operation.

    ``inputs`` are the ids of the nodes it reads, in operand order, and
    ``local`` the local derivative d(this)/d(input) on each of those edges.
    A power with a constant exponent is one operation with one input, labelled
    like ``**2`` (as in micrograd). ``grad`` is d(out)/d(this). ``layer`` is the column it is drawn in: 0 for
    the variables, one more than its deepest input for an operation, and the
    column just before its consumer for a constant.
    """

    id: int
    op: str
    label: str
    inputs: tuple[int, ...]
    local: tuple[float, ...]
    value: float
    grad: float
    layer: int


@dataclass(frozen=True)
class BackwardStep:
    """One ``child.grad += local * node.grad`` of :meth:`Value.backward`, in the order it runs.

    ``upstream`` is the gradient of ``node`` (complete when it runs: every
    consumer of ``node`` comes later in topological order, so earlier in the
    reversed walk), ``contribution = local * upstream``, and ``total`` is the
    input's gradient after the addition: a running sum for a shared variable.
    """

    node: int
    input: int
    local: float
    upstream: float
    contribution: float
    total: float


def _replay_backward(out: Value, ids: dict[int, int]) -> tuple[BackwardStep, ...]:
    """The additions of :meth:`Value.backward`, replayed in the same order with the same floats."""
    grads = {id(n): 0.0 for n in topological_order(out)}
    grads[id(out)] = 1.0
    steps = []
    for node in reversed(topological_order(out)):
        for child, local in node.edges:
            contribution = local * grads[id(node)]
            grads[id(child)] += contribution
            steps.append(BackwardStep(node=ids[id(node)], input=ids[id(child)], local=float(local),
                                      upstream=float(grads[id(node)]), contribution=float(contribution),
                                      total=float(grads[id(child)])))
    # the same loop gives the same gradients, bit for bit
    assert all(grads[id(n)] == n.grad for n in topological_order(out))
    return tuple(steps)


@dataclass(frozen=True)
class BackpropStory(Story):
    """Everything the backprop_graph video shows.

    ``nodes`` lists the graph in topological order (every node after its
    inputs; the variables first, the output last). ``steps`` are the additions
    of the backward pass in the order they ran; ``paths`` maps each variable to
    the contribution ``local * upstream`` of every edge leaving it, in that
    order, which :meth:`Value.backward` summed into its gradient; ``shared`` names the
    variables with more than one such edge. ``numeric_gradients`` are central
    differences of the expression, independent of :class:`Value`.
    """

    expression: str
    inputs: dict[str, float]
    output: float
    gradients: dict[str, float]
    nodes: tuple[GraphNode, ...]
    output_id: int
    layers: int
    steps: tuple[BackwardStep, ...]
    paths: dict[str, tuple[float, ...]]
    shared: tuple[str, ...]
    unused: tuple[str, ...]
    numeric_gradients: dict[str, float]
    grad_check_steps: dict[str, float]
    check_max_error: float
    check_passed: bool
    code: dict[str, str]


def central_differences(expression: Expression, point: dict[str, float],
                        relative_step: float = GRAD_CHECK_STEP) -> tuple[dict[str, float], dict[str, float]]:
    """``(f(v + h) - f(v - h)) / 2h`` for each variable ``v``, with ``h = relative_step * max(1, |v|)``.

    Returns the estimates and the steps used. The error is ``O(h^2)`` where
    ``f`` is smooth within ``h`` of the point.
    """
    estimates, steps = {}, {}
    for name in VARIABLES:
        h = relative_step * max(1.0, abs(point[name]))
        plus = dict(point, **{name: point[name] + h})
        minus = dict(point, **{name: point[name] - h})
        f_plus = float(expression(*(plus[v] for v in VARIABLES)))
        f_minus = float(expression(*(minus[v] for v in VARIABLES)))
        estimates[name] = (f_plus - f_minus) / (2 * h)
        steps[name] = h
    return estimates, steps


def _describe(node: Value) -> str:
    return {"+": "+", "-": "-", "*": "*", "/": "/", "**": "**", "neg": "unary minus"}.get(node.op, f"{node.op}()")


def _layers(order: list[Value], consumers: dict[int, list[Value]]) -> dict[int, int]:
    layer: dict[int, int] = {}
    for node in order:
        if node.op == "var":
            layer[id(node)] = 0
        elif node.op != "const":
            layer[id(node)] = 1 + max((layer[id(c)] for c, _ in node.edges if c.op != "const"), default=0)
    for node in order:
        if node.op == "const":
            users = consumers.get(id(node), [])
            layer[id(node)] = max(0, min((layer[id(u)] for u in users), default=1) - 1)
    return layer


def backprop_story(expression: Expression, a: float, b: float, c: float) -> BackpropStory:
    """Forward and backward pass of ``expression`` at ``(a, b, c)`` with :class:`Value`, checked by central differences.

    Raises ParameterError if the expression uses none of a, b, c, is too large
    to draw, or has no derivative at the point (a corner of abs or relu, a value
    or local derivative that is not finite).
    """
    point = {"a": float(a), "b": float(b), "c": float(c)}
    if not any(expression.uses(v) for v in VARIABLES):
        raise ParameterError("expression", "must use at least one of a, b, c: a constant has no gradient to show")
    leaves = {name: Value(point[name], "var") for name in VARIABLES}
    for name, leaf in leaves.items():
        leaf.label = name
    out = _build(expression.tree, leaves)
    if out.op == "var":
        # a bare variable: one identity edge, so there is an operation to differentiate through
        raise ParameterError("expression", f"is just the variable {out.label}; write an expression with at least one operation")

    order = topological_order(out)
    operations = [n for n in order if n.op not in ("var", "const")]
    if len(operations) > MAX_OPERATIONS:
        raise ParameterError("expression", f"has {len(operations)} operations; at most {MAX_OPERATIONS} can be drawn legibly")
    where = ", ".join(f"{k} = {v:g}" for k, v in point.items())
    for node in order:
        if not math.isfinite(node.data):
            raise ParameterError("expression", f"is not finite at {where} (at {_describe(node)})")
        if node.op in CORNERS and node.edges[0][0].data == 0:
            raise ParameterError("expression", f"{node.op}() has a corner at 0 and no derivative there ({where})")
        if not all(math.isfinite(local) for _, local in node.edges):
            raise ParameterError("expression", f"has no finite derivative at {where} (at {_describe(node)})")

    out.backward()
    for node in order:
        if not math.isfinite(node.grad):
            raise ParameterError("expression", f"its gradient is not finite at {where}")

    # every variable is drawn, first and in order; an unused one has no edges and gradient 0
    unused = tuple(v for v in VARIABLES if leaves[v] not in order)
    order = [leaves[v] for v in VARIABLES] + [n for n in order if n.op != "var"]
    ids = {id(n): i for i, n in enumerate(order)}
    consumers: dict[int, list[Value]] = {}
    for node in order:
        for child, _ in node.edges:
            consumers.setdefault(id(child), []).append(node)
    layer = _layers(order, consumers)
    n_layers = 1 + max(layer.values())
    if n_layers > MAX_LAYERS:
        raise ParameterError("expression", f"is nested {n_layers - 1} operations deep; at most {MAX_LAYERS - 1} can be drawn")
    # a constant is drawn small (no gradient under it): it takes half a node's height
    widest = max(sum(0.5 if n.op == "const" else 1.0 for n in order if layer[id(n)] == k) for k in range(n_layers))
    if widest > MAX_LAYER_SIZE:
        raise ParameterError("expression", f"has too many nodes side by side ({widest:g}, counting a constant as 1/2); "
                                           f"at most {MAX_LAYER_SIZE} can be drawn")

    nodes = tuple(
        GraphNode(
            id=ids[id(n)],
            op=n.op,
            label=n.label,
            inputs=tuple(ids[id(child)] for child, _ in n.edges),
            local=tuple(float(local) for _, local in n.edges),
            value=float(n.data),
            grad=float(n.grad),
            layer=layer[id(n)],
        )
        for n in order
    )
    steps = _replay_backward(out, ids)
    paths = {v: tuple(step.contribution for step in steps if step.input == ids[id(leaves[v])]) for v in VARIABLES}
    gradients = {v: float(leaves[v].grad) for v in VARIABLES}
    numeric, check_steps = central_differences(expression, point)
    errors = [abs(gradients[v] - numeric[v]) for v in VARIABLES]
    max_error = max(errors) if all(math.isfinite(e) for e in errors) else math.inf
    # agreement to about the accuracy of the differences: O(h^2) truncation plus rounding over h
    tolerance = 1e-6 * max(1.0, max(abs(g) for g in gradients.values()))
    return BackpropStory(
        expression=expression.source,
        inputs=point,
        output=float(out.data),
        gradients=gradients,
        nodes=nodes,
        output_id=ids[id(out)],
        layers=n_layers,
        steps=steps,
        paths=paths,
        shared=tuple(v for v in VARIABLES if len(paths[v]) > 1),
        unused=unused,
        numeric_gradients=numeric,
        grad_check_steps=check_steps,
        check_max_error=max_error,
        check_passed=bool(max_error <= tolerance),
        code={name: shown_source(method) for name, method in SHOWN_METHODS.items()},
    )


PARAMS: tuple[Param, ...] = (
    Param("expression", "(a*b + c)*tanh(a)", "the output as an expression in a, b, c (+ - * / **, tanh, exp, log, ...)",
          function_of("expression", VARIABLES)),
    Param("a", "0.8", f"value of a (|a| <= {MAX_INPUT:g})", number("a", minimum=-MAX_INPUT, maximum=MAX_INPUT)),
    Param("b", "-1.5", f"value of b (|b| <= {MAX_INPUT:g})", number("b", minimum=-MAX_INPUT, maximum=MAX_INPUT)),
    Param("c", "2", f"value of c (|c| <= {MAX_INPUT:g})", number("c", minimum=-MAX_INPUT, maximum=MAX_INPUT)),
)


#: Found through the entry point ``backprop_graph`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="backprop_graph",
    title="Backpropagation on a computational graph",
    teaches=(
        "Reverse-mode autodiff as in micrograd and PyTorch: values forward, gradients backward as upstream x local "
        "derivative; a variable used twice sums its paths; checked by central differences."
    ),
    story=backprop_story,
    params=PARAMS,
    scene="mathviz_scenes.backprop_graph:BackpropGraph",
)
