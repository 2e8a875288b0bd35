"""ReLU forward and backward, and a tiny two-layer network with a checked gradient.

The numbers behind the ``relu`` explainer. :func:`relu` and
:func:`relu_backward` are the functions that compute every ReLU value the
video shows, and the video shows their source (read with :mod:`inspect`, not
retyped), so the code on screen is the code that ran.

The gradient of ``relu(x) = max(x, 0)`` is the indicator ``1[x > 0]``. At
exactly ``x = 0`` relu has a corner and no derivative; any value in ``[0, 1]``
is a subgradient. This module uses 0 there, as PyTorch and JAX do, so the
backward rule is ``downstream = upstream * (x > 0)`` and the masking line is
``grad[x <= 0] = 0``. (The often-quoted ``grad[x < 0] = 0`` would let the
gradient through at ``x = 0``, which is the value 1.)

The network is 3 inputs -> 4 hidden ReLU units -> 1 output with the squared
error ``L = (y - t)^2 / 2``. Its weights come from a seed; one hidden unit is
given a bias so negative that its pre-activation is below zero for every
input in the box ``|x_i| <= 1``: a "dead" unit, which never gets a gradient.
Its backward pass is checked against central differences over every weight.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mathviz.explainer import Explainer
from mathviz.params import Param, ParameterError, integer, vector
from mathviz.story import Story

__all__ = [
    "EXPLAINER",
    "Array",
    "MAX_BARS",
    "INPUT_BOUND",
    "GRAD_CHECK_STEP",
    "relu",
    "relu_grad",
    "relu_backward",
    "shown_source",
    "Network",
    "ForwardPass",
    "BackwardPass",
    "make_network",
    "network_input",
    "forward",
    "backward",
    "loss_of",
    "central_difference_grads",
    "ReluStory",
    "relu_story",
    "PARAMS",
]

#: Short alias for the hints of the functions shown on screen: they must stay legible at 480p.
Array = np.ndarray

#: Most entries of ``x`` (and ``upstream``) drawn as bars; more would not be legible at 480p.
MAX_BARS = 8
#: Largest |entry| accepted for ``x`` and ``upstream``; keeps every bar label short.
MAX_ENTRY = 99.0
#: Network inputs are drawn from ``[-INPUT_BOUND, INPUT_BOUND]``; the dead unit is dead on that whole box.
INPUT_BOUND = 1.0
#: How far below zero the dead unit's pre-activation stays for every input in the box.
DEAD_MARGIN = 0.5
#: Step h of the central differences (f(w + h) - f(w - h)) / 2h.
GRAD_CHECK_STEP = 1e-5
N_INPUTS, N_HIDDEN = 3, 4


# -- ReLU: the code the video shows ------------------------------------------------------------


def relu(x: Array) -> Array:
    """Rectified linear unit, elementwise: ``relu(x) = max(x, 0)``."""
    return np.maximum(x, 0)


def relu_grad(x: Array) -> Array:
    """The local gradient ``d relu / dx = 1[x > 0]``, with the value 0 at exactly ``x = 0``.

    At 0 relu has a corner; 0 is the subgradient PyTorch and JAX choose.
    """
    return (np.asarray(x) > 0).astype(float)


def relu_backward(x: Array, upstream: Array) -> Array:
    """Chain rule through relu: ``dL/dx = dL/dh * dh/dx = upstream * 1[x > 0]``.

    ``x`` is relu's input and ``upstream`` is ``dL/dh`` for its output ``h``.
    Entries with ``x <= 0`` are zeroed: ``x = 0`` too, matching ``relu_grad``.
    """
    grad = upstream.copy()
    grad[x <= 0] = 0
    return grad


def shown_source(func: Callable) -> str:
    """The source of ``func`` as it is shown on screen: its text without the docstring.

    Read with :func:`inspect.getsource` from this very module, so the listing
    is the code that ran; only the docstring lines are left out, to keep the
    listing short enough to read at 480p.
    """
    source = textwrap.dedent(inspect.getsource(func))
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    lines = source.splitlines()
    body = node.body
    if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        # keep the signature (up to the line before the docstring) and everything after it
        lines = lines[: body[0].lineno - 1] + lines[body[0].end_lineno:]
    return "\n".join(lines).rstrip()


# -- a tiny two-layer network ------------------------------------------------------------------


@dataclass(frozen=True)
class Network:
    """Weights of ``y = w2 . relu(W1 x + b1) + b2`` and the target ``t`` of the loss ``(y - t)^2 / 2``."""

    W1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: float
    target: float
    dead_unit: int


@dataclass(frozen=True)
class ForwardPass:
    """Values left to right: pre-activations ``z``, activations ``h = relu(z)``, output ``y``, loss."""

    x: np.ndarray
    z: np.ndarray
    h: np.ndarray
    y: float
    loss: float


@dataclass(frozen=True)
class BackwardPass:
    """Gradients of the loss, right to left: ``dL/dy``, then the hidden layer, then the weights."""

    dy: float
    dw2: np.ndarray
    db2: float
    dh: np.ndarray
    dz: np.ndarray
    dW1: np.ndarray
    db1: np.ndarray
    dx: np.ndarray


def make_network(seed: int) -> Network:
    """Weights drawn from ``np.random.default_rng(seed)``, with one dead hidden unit.

    The dead unit ``k`` gets the bias ``b1[k] = -(sum_j |W1[k, j]|) * INPUT_BOUND - DEAD_MARGIN``,
    so ``z_k = W1[k] . x + b1[k] <= -DEAD_MARGIN`` for every ``x`` with ``|x_j| <= INPUT_BOUND``.
    """
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0.0, 0.8, size=(N_HIDDEN, N_INPUTS))
    # Small positive biases, a common guard against dead units: the one dead unit is made on purpose.
    b1 = rng.uniform(0.1, 0.6, size=N_HIDDEN)
    w2 = rng.normal(0.0, 1.0, size=N_HIDDEN)
    b2 = float(rng.normal(0.0, 0.5))
    target = float(rng.uniform(-1.0, 1.0))
    dead = int(rng.integers(N_HIDDEN))
    b1[dead] = -np.abs(W1[dead]).sum() * INPUT_BOUND - DEAD_MARGIN
    return Network(W1=W1, b1=b1, w2=w2, b2=b2, target=target, dead_unit=dead)


def network_input(seed: int) -> np.ndarray:
    """The input the video feeds the network: uniform in the box ``|x_j| <= INPUT_BOUND``.

    Drawn from its own generator (``seed + 1``) so it does not shift the weights.
    """
    return np.random.default_rng(seed + 1).uniform(-INPUT_BOUND, INPUT_BOUND, size=N_INPUTS)


def forward(net: Network, x: np.ndarray) -> ForwardPass:
    """``z = W1 x + b1``, ``h = relu(z)``, ``y = w2 . h + b2``, ``L = (y - t)^2 / 2``."""
    z = net.W1 @ x + net.b1
    h = relu(z)
    y = float(net.w2 @ h + net.b2)
    loss = 0.5 * (y - net.target) ** 2
    return ForwardPass(x=x, z=z, h=h, y=y, loss=loss)


def backward(net: Network, fwd: ForwardPass) -> BackwardPass:
    """The chain rule right to left; the hidden layer goes through :func:`relu_backward`.

    ``dL/dy = y - t``; ``dL/dw2 = dL/dy h``; ``dL/dh = dL/dy w2``;
    ``dL/dz = relu_backward(z, dL/dh)``; ``dL/dW1 = dL/dz x^T``; ``dL/dx = W1^T dL/dz``.
    """
    dy = fwd.y - net.target
    dh = dy * net.w2
    dz = relu_backward(fwd.z, dh)
    return BackwardPass(
        dy=dy, dw2=dy * fwd.h, db2=dy, dh=dh, dz=dz,
        dW1=np.outer(dz, fwd.x), db1=dz.copy(), dx=net.W1.T @ dz,
    )


def loss_of(net: Network, x: np.ndarray) -> float:
    """The loss ``L(W1, b1, w2, b2)`` at input ``x``: what the central differences differentiate."""
    return forward(net, x).loss


def _with(net: Network, name: str, index: tuple[int, ...], delta: float) -> Network:
    value = np.array(getattr(net, name), dtype=float)
    value[index] += delta
    kwargs = {f: getattr(net, f) for f in ("W1", "b1", "w2", "b2", "target", "dead_unit")}
    kwargs[name] = float(value) if name == "b2" else value
    return Network(**kwargs)


def central_difference_grads(net: Network, x: np.ndarray, step: float = GRAD_CHECK_STEP) -> dict[str, np.ndarray]:
    """``dL/dw ~ (L(w + h) - L(w - h)) / 2h`` for every weight, one at a time.

    The error is ``O(h^2)`` where ``L`` is smooth in ``w``, i.e. while no
    pre-activation crosses 0 between ``w - h`` and ``w + h``.
    """
    grads = {}
    for name in ("W1", "b1", "w2", "b2"):
        shape = np.shape(getattr(net, name))
        grad = np.zeros(shape)
        for index in np.ndindex(*shape):
            plus = loss_of(_with(net, name, index, step), x)
            minus = loss_of(_with(net, name, index, -step), x)
            grad[index] = (plus - minus) / (2 * step)
        grads[name] = grad
    return grads


# -- the story ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReluStory(Story):
    """Everything the relu video shows.

    ``mask`` marks the entries :func:`relu_backward` zeroed (measured by
    running it, not by restating its rule); ``code`` maps function names to the
    source shown on screen and ``mask_line`` is the masking line inside it.
    """

    x: np.ndarray
    upstream: np.ndarray
    relu: np.ndarray
    local_grad: np.ndarray
    downstream: np.ndarray
    mask: np.ndarray
    grad_at_zero: float
    plot_range: float
    code: dict[str, str]
    mask_line: str
    seed: int
    network_input: np.ndarray
    W1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: float
    target: float
    forward: ForwardPass
    backward: BackwardPass
    numeric_grads: dict[str, np.ndarray]
    grad_check_step: float
    grad_check_max_error: float
    dead_unit: int
    inactive_units: tuple[int, ...]
    n_weights: int


def _masking_line(source: str) -> str:
    # The line of relu_backward that zeroes entries: the one assigning into grad[...].
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("grad[") and "=" in stripped:
            return stripped
    raise AssertionError("relu_backward has no masking line")


def relu_story(x: np.ndarray, upstream: np.ndarray, seed: int) -> ReluStory:
    """ReLU forward and backward on ``x`` with upstream gradient ``upstream``, and the seeded network.

    Raises ParameterError if ``upstream`` and ``x`` differ in length.
    """
    x = np.asarray(x, dtype=float)
    upstream = np.asarray(upstream, dtype=float)
    if upstream.shape != x.shape:
        raise ParameterError("upstream", f"must have the same length as x ({x.size}), got {upstream.size}")
    downstream = relu_backward(x, upstream)
    # What the code zeroes, measured: push ones through the same backward function.
    mask = relu_backward(x, np.ones_like(x)) == 0
    grad_at_zero = float(relu_grad(np.zeros(1))[0])
    # The plot spans every x entry (so they could be marked on it), at least [-2, 2].
    plot_range = float(max(2.0, np.ceil(np.max(np.abs(x)))))

    net = make_network(seed)
    inputs = network_input(seed)
    fwd = forward(net, inputs)
    bwd = backward(net, fwd)
    numeric = central_difference_grads(net, inputs)
    analytic = {"W1": bwd.dW1, "b1": bwd.db1, "w2": bwd.dw2, "b2": np.asarray(bwd.db2)}
    max_error = max(float(np.max(np.abs(analytic[k] - numeric[k]))) for k in numeric)
    n_weights = sum(int(np.size(v)) for v in numeric.values())

    code = {"relu": shown_source(relu), "relu_backward": shown_source(relu_backward)}
    return ReluStory(
        x=x,
        upstream=upstream,
        relu=relu(x),
        local_grad=relu_grad(x),
        downstream=downstream,
        mask=mask,
        grad_at_zero=grad_at_zero,
        plot_range=plot_range,
        code=code,
        mask_line=_masking_line(code["relu_backward"]),
        seed=seed,
        network_input=inputs,
        W1=net.W1,
        b1=net.b1,
        w2=net.w2,
        b2=net.b2,
        target=net.target,
        forward=fwd,
        backward=bwd,
        numeric_grads=numeric,
        grad_check_step=GRAD_CHECK_STEP,
        grad_check_max_error=max_error,
        dead_unit=net.dead_unit,
        inactive_units=tuple(int(i) for i in np.flatnonzero(fwd.z <= 0)),
        n_weights=n_weights,
    )


PARAMS: tuple[Param, ...] = (
    Param("x", "[1.5, -0.8, 0, 0.6, -1.2, 2]", f"inputs of relu, drawn as bars (at most {MAX_BARS})",
          vector("x", max_length=MAX_BARS, max_abs=MAX_ENTRY)),
    Param("upstream", "[0.6, 1.1, -0.9, -0.7, 0.8, 1.2]", "upstream gradient dL/dh, one entry per entry of x",
          vector("upstream", max_length=MAX_BARS, max_abs=MAX_ENTRY)),
    Param("seed", "2", "seed of the tiny network's weights (one hidden unit is made dead)",
          integer("seed", minimum=0, maximum=2**31 - 1)),
)


#: Found through the entry point ``relu`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="relu",
    title="ReLU and its gradient in backpropagation",
    teaches=(
        "relu = np.maximum(x, 0) forward; the chain rule with the indicator 1[x > 0] zeroes the upstream "
        "gradient backward."
    ),
    story=relu_story,
    params=PARAMS,
    scene="mathviz_scenes.relu:ReluBackprop",
)
