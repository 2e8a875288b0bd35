"""The chain rule: the numbers behind the ``chain_rule`` scene.

A nudge ``dx`` at ``x0`` passes through ``f`` and becomes, to first order,
``df = f'(x0) dx``; that nudge of ``u = f(x)`` passes through ``g`` and
becomes ``dg = g'(u0) df`` with ``u0 = f(x0)``. So the local slopes multiply:

.. math::

    (g \\circ f)'(x_0) = g'(f(x_0)) \\, f'(x_0).

The story holds both local slopes, their product, and two independent
checks of the product: the one-sided slopes of the composed function
``g(f(x))`` by Richardson extrapolation
(:func:`mathviz.stories.derivative.one_sided_derivative`, which never sees the
symbolic derivatives) and a central difference quotient. It also holds the
plotted windows and curves of f, g and g(f(x)).

The multivariable version is a tiny sigmoid layer with a scalar output,

.. math::

    x \\in \\mathbb{R}^2 \\;\\to\\; z = W x + b \\;\\to\\; s = \\sigma(z)
    \\;\\to\\; L = v \\cdot s,

whose Jacobian is the product of the stages' Jacobians, each evaluated at
the point that stage sees: ``J_L(x) = v^T diag(sigma'(z)) W`` with
``sigma'(z) = sigma(z) (1 - sigma(z))``. The product is checked against the
central-difference Jacobian of the whole map ``x -> L`` (and of ``x -> s``).

Edge cases, decided here so the scene never draws something false:

* ``f(x0)`` not a real number or not finite: ParameterError on ``x0``;
  ``g`` undefined or infinite at ``u0 = f(x0)`` (``log(x)`` after a negative
  ``f(x0)``): ParameterError on ``g``.
* ``x0`` (or ``u0``) on the edge of a domain, or a one-sided slope that does
  not settle (a vertical tangent, ``sqrt(abs(x))`` at 0): ParameterError,
  since there is no finite derivative to multiply.
* A corner (``abs(x)`` at 0: one-sided slopes -1 and 1): ParameterError
  naming both one-sided slopes. The chain rule needs both derivatives to
  exist; at a corner there is no single slope to multiply (the composition
  may still happen to be differentiable, as ``abs(x)**2`` is, but not by
  this rule).
* A factor equal to 0 (``f = x**2`` at 0, or ``g = cos(x)`` at ``u0 = 0``):
  not an error. ``zero_factors`` names the factors that vanish, and the
  product, the nudge ``dg`` and the composed slope are all 0.
* Values too large to print legibly (``|f(x0)|``, slopes or nudges beyond
  :data:`MAX_SHOWN`): ParameterError naming the value.
"""

from __future__ import annotations

import ast
import copy
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mathviz.explainer import Explainer
from mathviz.expr import Expression, RealFunction
from mathviz.params import Param, ParameterError, function_of, integer, number
from mathviz.stories.derivative import curve_pieces, one_sided_derivative
from mathviz.story import Story

__all__ = [
    "EXPLAINER",
    "PARAMS",
    "MAX_SHOWN",
    "HALF_WIDTH",
    "CENTRAL_STEP",
    "JACOBIAN_STEP",
    "CURVE_SAMPLES",
    "sigmoid",
    "Layer",
    "make_layer",
    "layer_forward",
    "layer_jacobians",
    "central_jacobian",
    "local_slope",
    "value_window",
    "composed_source",
    "ChainStory",
    "chain_rule_story",
]

#: Largest |value| shown (f(x0), g(u0), slopes, nudges): beyond it the numbers do not fit the panel.
MAX_SHOWN = 1e5
#: Smallest half-width of a plotted window; it grows with the nudge so the nudge stays inside.
HALF_WIDTH = 1.5
#: Relative step h of the central difference (g(f(x0 + h)) - g(f(x0 - h))) / 2h.
CENTRAL_STEP = 1e-5
#: Step of the central differences of the layer's Jacobian.
JACOBIAN_STEP = 1e-5
#: Samples of each drawn curve.
CURVE_SAMPLES = 1201
#: Relative tolerance within which two one-sided slopes count as equal (as in mathviz.stories.derivative).
SIDES_AGREE = 1e-6
#: A slope whose size is below this counts as exactly 0 (cos(pi/2) is 6e-17, not 0).
ZERO_SLOPE = 1e-12


# --- one-variable slopes -----------------------------------------------------------------------


def _value_at(function: RealFunction, at: float, key: str, name: str, where: str) -> float:
    value = float(function(at))
    if math.isnan(value):
        raise ParameterError(key, f"{name} is undefined at {where} (not a real number there)")
    if not math.isfinite(value):
        raise ParameterError(key, f"{name} is not finite at {where} ({value}); there is no slope there")
    return value


def local_slope(function: Expression, at: float, *, key: str, name: str, where: str) -> tuple[float, str, float, float]:
    """The derivative of ``function`` at ``at``: (value, "exact" or "limit", left slope, right slope).

    The one-sided slopes come from :func:`mathviz.stories.derivative.one_sided_derivative`
    (Richardson extrapolation, no symbolic derivative). When they agree the
    value is the symbolic derivative :meth:`Expression.diff` at ``at``
    ("exact"), or their mean where the formula is undefined or off at a kink
    of the expression ("limit").

    Raises
    ------
    ParameterError
        On ``key`` when a one-sided slope does not exist (domain edge,
        vertical tangent) or the two differ (a corner).
    """
    sides = {}
    for side, word in ((-1, "left"), (1, "right")):
        slope = one_sided_derivative(function, at, side)
        if slope is None:
            raise ParameterError(
                key,
                f"{name} has no finite slope from the {word} at {where} (the edge of its domain, "
                "or a vertical tangent), so the chain rule has no derivative to multiply",
            )
        sides[side] = slope
    # -0.0 and rounding dust print as 0
    left, right = (0.0 if abs(v) < ZERO_SLOPE else v for v in (sides[-1], sides[1]))
    scale = max(1.0, abs(left), abs(right))
    if abs(left - right) > SIDES_AGREE * scale:
        raise ParameterError(
            key,
            f"{name} has a corner at {where}: slope {left:.4g} from the left, {right:.4g} from the right, "
            "so its derivative does not exist there and the chain rule has nothing to multiply; move off the corner",
        )
    exact = float(function.diff("x")(at))
    if math.isfinite(exact) and abs(exact - (left + right) / 2) <= 1e-5 * scale:
        return exact, "exact", left, right
    return (left + right) / 2, "limit", left, right


def _shown(key: str, what: str, value: float) -> float:
    if abs(value) > MAX_SHOWN:
        raise ParameterError(key, f"{what} = {value:.4g} is too large to show (limit {MAX_SHOWN:g}); "
                                  "choose a smaller x0, dx or gentler functions")
    return value


def value_window(values: np.ndarray, required: list[float]) -> tuple[float, float]:
    """A y window showing every ``required`` value and as much of the curve ``values`` as stays readable.

    The bulk of the curve (its 5th to 95th percentile) is included unless
    that makes the window more than six times as tall as the required span
    (a steep curve would squash the nudge to nothing); then the window is
    the required span with 2.5 spans of room on each side. 8 % padding.
    """
    finite = values[np.isfinite(values)]
    req_lo, req_hi = min(required), max(required)
    lo, hi = req_lo, req_hi
    if finite.size:
        bulk_lo, bulk_hi = (float(v) for v in np.percentile(finite, [5, 95]))
        lo, hi = min(lo, bulk_lo), max(hi, bulk_hi)
        full_lo, full_hi = float(finite.min()), float(finite.max())
        if full_hi - full_lo <= 1.35 * (hi - lo):
            lo, hi = min(lo, full_lo), max(hi, full_hi)
    span = req_hi - req_lo
    if span > 0 and hi - lo > 6 * span:
        lo, hi = max(lo, req_lo - 2.5 * span), min(hi, req_hi + 2.5 * span)
    if hi - lo < 1e-9 * max(1.0, abs(lo), abs(hi)):
        half = max(1.0, 0.2 * abs(lo))
        lo, hi = lo - half, hi + half
    pad = 0.08 * (hi - lo)
    return lo - pad, hi + pad


def composed_source(f: Expression, g: Expression) -> str:
    """The text of ``g(f(x))``: g's tree with every ``x`` replaced by f's tree (parsed, never evaluated)."""
    f_tree = ast.parse(f.source, mode="eval").body
    g_tree = ast.parse(g.source, mode="eval")

    class Substitute(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            return copy.deepcopy(f_tree) if node.id == "x" else node

    return ast.unparse(ast.fix_missing_locations(Substitute().visit(g_tree)).body)


# --- the tiny sigmoid layer --------------------------------------------------------------------


def sigmoid(z: np.ndarray) -> np.ndarray:
    """``sigma(z) = 1 / (1 + exp(-z))``, written as ``(1 + tanh(z / 2)) / 2`` so large |z| cannot overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


@dataclass(frozen=True)
class Layer:
    """Weights of ``L = v . sigmoid(W x + b)`` and the input ``x`` the video evaluates it at."""

    W: np.ndarray
    b: np.ndarray
    v: np.ndarray
    x: np.ndarray


def make_layer(seed: int) -> Layer:
    """Weights and input from ``np.random.default_rng(seed)``: W, v ~ N(0, 1), b ~ N(0, 0.5^2), x ~ U(-1, 1)^2."""
    rng = np.random.default_rng(seed)
    W = rng.normal(0.0, 1.0, size=(2, 2))
    b = rng.normal(0.0, 0.5, size=2)
    v = rng.normal(0.0, 1.0, size=2)
    x = rng.uniform(-1.0, 1.0, size=2)
    return Layer(W=W, b=b, v=v, x=x)


def layer_forward(layer: Layer, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """``z = W x + b``, ``s = sigmoid(z)``, ``L = v . s``."""
    z = layer.W @ x + layer.b
    s = sigmoid(z)
    return z, s, float(layer.v @ s)


def layer_jacobians(layer: Layer, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stages' Jacobians at the points they see: ``dz/dx = W``, ``ds/dz = diag(s (1 - s))``, ``dL/ds = v^T``.

    Shapes 2x2, 2x2 and 1x2. Their product ``dL/ds ds/dz dz/dx`` is the 1x2 Jacobian of ``x -> L``.
    """
    _, s, _ = layer_forward(layer, x)
    return layer.W.copy(), np.diag(s * (1.0 - s)), layer.v.reshape(1, 2).copy()


def central_jacobian(function: Callable[[np.ndarray], Any], x: np.ndarray, step: float = JACOBIAN_STEP) -> np.ndarray:
    """``J[i, j] ~ (F_i(x + h e_j) - F_i(x - h e_j)) / 2h``, one input at a time; error O(h^2)."""
    x = np.asarray(x, dtype=float)
    columns = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = step
        columns.append((np.atleast_1d(function(x + e)) - np.atleast_1d(function(x - e))) / (2 * step))
    return np.stack(columns, axis=1)


# --- the story ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainStory(Story):
    """Everything the ``chain_rule`` scene shows; numbers in graph units.

    ``f_window``/``g_window``/``composite_window`` are ``(x_lo, x_hi, y_lo, y_hi)``
    (for g the horizontal axis is u = f(x)). The nudges are first-order:
    ``df = f_slope dx``, ``dg = g_slope df``; ``actual_df``/``actual_dg`` are the
    true changes ``f(x0 + dx) - f(x0)`` and ``g(f(x0 + dx)) - g(f(x0))``.
    """

    f: str
    g: str
    composite: str
    f_derivative: str
    g_derivative: str
    x0: float
    dx: float
    u0: float
    y0: float
    f_slope: float
    f_slope_source: str
    g_slope: float
    g_slope_source: str
    chain_slope: float
    zero_factors: tuple[str, ...]
    df: float
    dg: float
    actual_df: float
    actual_dg: float
    composite_left: float
    composite_right: float
    composite_central: float
    central_step: float
    f_window: tuple[float, float, float, float]
    g_window: tuple[float, float, float, float]
    composite_window: tuple[float, float, float, float]
    seed: int
    layer_x: np.ndarray
    W: np.ndarray
    b: np.ndarray
    v: np.ndarray
    z: np.ndarray
    s: np.ndarray
    L: float
    jacobian_z: np.ndarray
    jacobian_s: np.ndarray
    jacobian_L: np.ndarray
    jacobian_product: np.ndarray
    jacobian_central: np.ndarray
    inner_product: np.ndarray
    inner_central: np.ndarray
    jacobian_step: float
    jacobian_max_error: float
    #: Pieces of the graphs of f, g and g(f(x)) inside their windows, each an (n, 2) array.
    f_pieces: tuple[np.ndarray, ...] = field(repr=False, compare=False, default=())
    g_pieces: tuple[np.ndarray, ...] = field(repr=False, compare=False, default=())
    composite_pieces: tuple[np.ndarray, ...] = field(repr=False, compare=False, default=())


def _window(function: Callable[[np.ndarray], np.ndarray], centre: float, half: float,
            required: list[float]) -> tuple[tuple[float, float, float, float], tuple[np.ndarray, ...]]:
    xs = np.linspace(centre - half, centre + half, CURVE_SAMPLES)
    ys = function(xs)
    y_lo, y_hi = value_window(ys, required)
    return (float(xs[0]), float(xs[-1]), float(y_lo), float(y_hi)), curve_pieces(xs, ys, (y_lo, y_hi))


def chain_rule_story(f: Expression, g: Expression, x0: float, dx: float, seed: int) -> ChainStory:
    """A nudge ``dx`` at ``x0`` through ``f`` then ``g``, and the Jacobians of a tiny sigmoid layer.

    .. math::

        df = f'(x_0)\\,dx, \\qquad dg = g'(f(x_0))\\,df = g'(f(x_0))\\,f'(x_0)\\,dx,

        (g \\circ f)'(x_0) = g'(f(x_0))\\,f'(x_0).

    Raises
    ------
    ParameterError
        See the module docstring for the cases.
    """
    u0 = _shown("x0", "f(x0)", _value_at(f, x0, "x0", f"f = {f.source}", f"x0 = {x0:g}"))
    y0 = _shown("g", "g(f(x0))", _value_at(g, u0, "g", f"g = {g.source}", f"u = f(x0) = {u0:.4g}"))
    f_slope, f_source, _, _ = local_slope(f, x0, key="x0", name=f"f = {f.source}", where=f"x0 = {x0:g}")
    g_slope, g_source, _, _ = local_slope(g, u0, key="g", name=f"g = {g.source}", where=f"u = f(x0) = {u0:.4g}")
    f_slope = 0.0 if abs(f_slope) < ZERO_SLOPE else f_slope
    g_slope = 0.0 if abs(g_slope) < ZERO_SLOPE else g_slope
    _shown("x0", "f'(x0)", f_slope)
    _shown("g", "g'(f(x0))", g_slope)
    chain = _shown("x0", "g'(f(x0)) f'(x0)", g_slope * f_slope)
    df = _shown("dx", "df = f'(x0) dx", f_slope * dx)
    dg = _shown("dx", "dg = g'(f(x0)) df", g_slope * df)
    zero = tuple(name for name, slope in (("g", g_slope), ("f", f_slope)) if slope == 0.0)

    def composed(x: Any) -> Any:
        return g(f(x))

    composite_left = one_sided_derivative(composed, x0, -1)
    composite_right = one_sided_derivative(composed, x0, 1)
    if composite_left is None or composite_right is None:  # pragma: no cover - both factors have finite slopes
        raise ParameterError("x0", f"g(f(x)) has no finite slope at x0 = {x0:g}")
    h = CENTRAL_STEP * max(1.0, abs(x0))
    central = float((composed(x0 + h) - composed(x0 - h)) / (2 * h))

    half_x = max(HALF_WIDTH, 2.5 * dx)
    half_u = max(HALF_WIDTH, 2.5 * abs(df))
    f_window, f_pieces = _window(f, x0, half_x, [u0, u0 + df])
    g_window, g_pieces = _window(g, u0, half_u, [y0, y0 + dg])
    composite_window, composite_pieces = _window(composed, x0, half_x, [y0, y0 + dg])

    layer = make_layer(seed)
    z, s, loss = layer_forward(layer, layer.x)
    jz, js, jl = layer_jacobians(layer, layer.x)
    product = jl @ js @ jz
    numeric = central_jacobian(lambda p: layer_forward(layer, p)[2], layer.x)
    inner = js @ jz
    inner_numeric = central_jacobian(lambda p: layer_forward(layer, p)[1], layer.x)
    max_error = float(max(np.max(np.abs(product - numeric)), np.max(np.abs(inner - inner_numeric))))

    return ChainStory(
        f=f.source,
        g=g.source,
        composite=composed_source(f, g),
        f_derivative=f.diff("x").source,
        g_derivative=g.diff("x").source,
        x0=float(x0),
        dx=float(dx),
        u0=u0,
        y0=y0,
        f_slope=f_slope,
        f_slope_source=f_source,
        g_slope=g_slope,
        g_slope_source=g_source,
        chain_slope=chain,
        zero_factors=zero,
        df=df,
        dg=dg,
        actual_df=float(f(x0 + dx)) - u0,
        actual_dg=float(composed(x0 + dx)) - y0,
        composite_left=composite_left,
        composite_right=composite_right,
        composite_central=central,
        central_step=h,
        f_window=f_window,
        g_window=g_window,
        composite_window=composite_window,
        seed=seed,
        layer_x=layer.x,
        W=layer.W,
        b=layer.b,
        v=layer.v,
        z=z,
        s=s,
        L=loss,
        jacobian_z=jz,
        jacobian_s=js,
        jacobian_L=jl,
        jacobian_product=product,
        jacobian_central=numeric,
        inner_product=inner,
        inner_central=inner_numeric,
        jacobian_step=JACOBIAN_STEP,
        jacobian_max_error=max_error,
        f_pieces=f_pieces,
        g_pieces=g_pieces,
        composite_pieces=composite_pieces,
    )


PARAMS: tuple[Param, ...] = (
    Param("f", "x**2", "the inner function f(x), applied first", function_of("f", ("x",))),
    Param("g", "sin(x)", "the outer function g, applied to f's output (written in x)", function_of("g", ("x",))),
    Param("x0", "0.8", "the point x0 where the nudge starts", number("x0", minimum=-1000, maximum=1000)),
    Param("dx", "0.5", "the size of the nudge dx drawn at x0 (first-order: df = f'(x0) dx)",
          number("dx", minimum=0, exclusive_minimum=True, maximum=10)),
    Param("seed", "8", "seed of the tiny sigmoid layer's weights and input (the Jacobian part)",
          integer("seed", minimum=0, maximum=2**31 - 1)),
)


#: Found through the entry point ``chain_rule`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="chain_rule",
    title="The chain rule: slopes multiply",
    teaches="A nudge dx through f then g: (g o f)'(x) = g'(f(x)) f'(x); for layers, the Jacobians multiply.",
    story=chain_rule_story,
    params=PARAMS,
    scene="mathviz_scenes.chain_rule:SlopesMultiply",
)
