"""Softmax with cross-entropy: logits to probabilities to loss to gradient, the numbers behind ``softmax_cross_entropy``.

With logits ``z`` (one per class), temperature ``T`` and the true class ``y``:

* ``p = softmax(z / T)``, ``p_i = exp(z_i / T) / sum_j exp(z_j / T)``;
* the loss is the cross-entropy with the one-hot label, ``L = -log p_y`` (nats);
* its gradient with respect to the logits is ``dL/dz = (p - onehot(y)) / T``
  (``p - onehot(y)`` at ``T = 1``).

Adding a constant to every logit multiplies every ``exp`` by the same factor,
so ``p`` does not change. That is what makes the computation stable:
:func:`log_softmax` subtracts the largest scaled logit first (log-sum-exp), so
the biggest ``exp`` is ``exp(0) = 1`` and nothing overflows, even for logits
like ``[1000, 1001, 1002]``, where the textbook formula computes
``exp(1000) = inf`` and then ``inf / inf = nan``. The story keeps that naive
attempt too (as ``null`` in JSON where it fails), to show the difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from mathviz.explainer import Explainer
from mathviz.params import Param, ParameterError, integer, number, vector
from mathviz.story import Story

__all__ = [
    "MIN_CLASSES",
    "MAX_CLASSES",
    "SHIFT",
    "LEARNING_RATE",
    "SWEEP_TEMPERATURES",
    "log_softmax",
    "softmax",
    "naive_softmax",
    "cross_entropy",
    "logit_gradient",
    "SoftmaxStory",
    "softmax_story",
    "PARAMS",
    "EXPLAINER",
]

MIN_CLASSES, MAX_CLASSES = 2, 8
#: Largest |logit| accepted.
MAX_LOGIT = 1e4
#: Temperatures accepted: [MIN_TEMPERATURE, MAX_TEMPERATURE]. The floor keeps z / T, the gradient (p - onehot) / T
#: and the stepped logits / T finite for every |z| <= MAX_LOGIT (1e-300 would overflow them).
MIN_TEMPERATURE = 1e-3
MAX_TEMPERATURE = 100.0
#: The constant added to every scaled logit z / T to show that softmax does not change: large enough
#: that the textbook formula's exp overflows (exp(709.8) is the largest finite double).
SHIFT = 1000.0
#: Step size of the one gradient step the video takes: z <- z - LEARNING_RATE * dL/dz.
LEARNING_RATE = 1.0
#: Temperatures, as multiples of the user's, swept to show sharpening (small T) and flattening (large T).
SWEEP_TEMPERATURES = (0.25, 0.5, 1.0, 2.0, 4.0)


def log_softmax(z: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """``log p_i = z_i / T - logsumexp(z / T)``, with the largest scaled logit subtracted first.

    ``logsumexp(s) = m + log sum_j exp(s_j - m)`` with ``m = max_j s_j``: every
    ``exp`` is at most ``exp(0) = 1``, and the sum is at least 1, so nothing
    overflows and the log never sees 0.
    """
    scaled = np.asarray(z, dtype=float) / temperature
    shifted = scaled - np.max(scaled)
    return shifted - np.log(np.sum(np.exp(shifted)))


def softmax(z: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """``p = exp(log_softmax(z / T))``: positive, summing to 1, stable for any finite logits."""
    return np.exp(log_softmax(z, temperature))


def naive_softmax(z: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """The textbook ``exp(z / T) / sum exp(z / T)`` without the shift: ``nan`` once ``exp`` overflows."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(np.asarray(z, dtype=float) / temperature)
        return e / np.sum(e)


def cross_entropy(z: np.ndarray, label: int, temperature: float = 1.0) -> float:
    """``L = -log p_label`` in nats, from :func:`log_softmax` (finite even when ``p_label`` underflows to 0)."""
    return float(-log_softmax(z, temperature)[label])


def logit_gradient(z: np.ndarray, label: int, temperature: float = 1.0) -> np.ndarray:
    """``dL/dz = (softmax(z / T) - onehot(label)) / T``."""
    p = softmax(z, temperature)
    onehot = np.zeros_like(p)
    onehot[label] = 1.0
    return (p - onehot) / temperature


@dataclass(frozen=True)
class SweepPoint:
    """Softmax at one temperature of the sweep, and the entropy of the result in nats."""

    temperature: float
    probabilities: np.ndarray
    entropy: float


@dataclass(frozen=True)
class GradientStep:
    """One gradient step ``z' = z - learning_rate * dL/dz`` and what it does to ``p`` and the loss."""

    learning_rate: float
    logits: np.ndarray
    probabilities: np.ndarray
    loss: float
    p_label_before: float
    p_label_after: float


@dataclass(frozen=True)
class SoftmaxStory(Story):
    """Everything the softmax_cross_entropy video shows.

    ``scaled`` is ``z / T`` and ``exps`` is ``exp(z / T - max(z / T))``, the
    stable numerators (the largest is 1); ``probabilities`` is ``exps / sum``.
    ``shifted_probabilities`` is softmax of ``z + shift`` (``shift = SHIFT * T``);
    ``naive_shifted`` is the textbook formula on those shifted logits (``null``
    where it fails) and ``naive_overflows`` says whether it failed.
    """

    logits: np.ndarray
    label: int
    temperature: float
    scaled: np.ndarray
    max_scaled: float
    exps: np.ndarray
    exp_sum: float
    log_sum_exp: float
    probabilities: np.ndarray
    log_probabilities: np.ndarray
    onehot: np.ndarray
    loss: float
    loss_bits: float
    gradient: np.ndarray
    gradient_sum: float
    shift: float
    shifted_probabilities: np.ndarray
    shift_invariant: bool
    naive_probabilities: np.ndarray
    naive_shifted: np.ndarray
    naive_overflows: bool
    sweep: tuple[SweepPoint, ...]
    step: GradientStep
    predicted: int
    loss_curve: np.ndarray = field(repr=False)


def _entropy(p: np.ndarray) -> float:
    positive = p[p > 0]
    return float(-np.sum(positive * np.log(positive)))


def softmax_story(logits: np.ndarray, label: int, temperature: float) -> SoftmaxStory:
    """Softmax of ``logits / temperature``, the cross-entropy for class ``label``, its gradient and one step.

    Raises ParameterError if ``label`` is not a class index or the scaled logits are not finite.
    """
    z = np.asarray(logits, dtype=float)
    n = z.size
    if not 0 <= label < n:
        raise ParameterError("label", f"must be a class index from 0 to {n - 1} (there are {n} logits), got {label}")
    with np.errstate(over="ignore"):
        scaled = z / temperature
    if not np.all(np.isfinite(scaled)):
        raise ParameterError("temperature", f"{temperature:g} is too small for these logits: logits / temperature overflows")

    log_p = log_softmax(z, temperature)
    p = np.exp(log_p)
    max_scaled = float(np.max(scaled))
    exps = np.exp(scaled - max_scaled)
    exp_sum = float(np.sum(exps))
    onehot = np.zeros(n)
    onehot[label] = 1.0
    loss = cross_entropy(z, label, temperature)
    gradient = logit_gradient(z, label, temperature)

    # shift the logits by SHIFT * T, so the scaled logits move by SHIFT whatever the temperature
    shift = SHIFT * temperature
    shifted_p = softmax(z + shift, temperature)
    naive = naive_softmax(z, temperature)
    naive_shifted = naive_softmax(z + shift, temperature)

    sweep = tuple(
        SweepPoint(temperature=factor * temperature, probabilities=softmax(z, factor * temperature),
                   entropy=_entropy(softmax(z, factor * temperature)))
        for factor in SWEEP_TEMPERATURES
    )

    stepped = z - LEARNING_RATE * gradient
    p_after = softmax(stepped, temperature)
    step = GradientStep(
        learning_rate=LEARNING_RATE,
        logits=stepped,
        probabilities=p_after,
        loss=cross_entropy(stepped, label, temperature),
        p_label_before=float(p[label]),
        p_label_after=float(p_after[label]),
    )
    # -log p drawn over p in (0, 1]: the loss curve the scene marks p_label on
    grid = np.linspace(1e-3, 1.0, 200)
    return SoftmaxStory(
        logits=z,
        label=int(label),
        temperature=float(temperature),
        scaled=scaled,
        max_scaled=max_scaled,
        exps=exps,
        exp_sum=exp_sum,
        log_sum_exp=max_scaled + math.log(exp_sum),
        probabilities=p,
        log_probabilities=log_p,
        onehot=onehot,
        loss=loss,
        loss_bits=loss / math.log(2),
        gradient=gradient,
        gradient_sum=float(np.sum(gradient)),
        shift=shift,
        shifted_probabilities=shifted_p,
        shift_invariant=bool(np.allclose(shifted_p, p, rtol=1e-12, atol=1e-15)),
        naive_probabilities=naive,
        naive_shifted=naive_shifted,
        naive_overflows=bool(not np.all(np.isfinite(naive_shifted))),
        sweep=sweep,
        step=step,
        predicted=int(np.argmax(p)),
        loss_curve=np.column_stack([grid, -np.log(grid)]),
    )


PARAMS: tuple[Param, ...] = (
    Param("logits", "[2, 1, 0.1, -1]", f"the network's scores, one per class ({MIN_CLASSES} to {MAX_CLASSES})",
          vector("logits", min_length=MIN_CLASSES, max_length=MAX_CLASSES, max_abs=MAX_LOGIT)),
    Param("label", "1", "index of the true class, counting from 0",
          integer("label", minimum=0, maximum=MAX_CLASSES - 1)),
    Param("temperature", "1", f"divides the logits before softmax ({MIN_TEMPERATURE:g} to {MAX_TEMPERATURE:g})",
          number("temperature", minimum=MIN_TEMPERATURE, maximum=MAX_TEMPERATURE)),
)


#: Found through the entry point ``softmax_cross_entropy`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="softmax_cross_entropy",
    title="Softmax and cross-entropy: logits to probabilities to loss to gradient",
    teaches=(
        "softmax exponentiates and normalises, stably via log-sum-exp; temperature sharpens or flattens; the loss "
        "-log p_label has gradient p - onehot; one step raises p_label."
    ),
    story=softmax_story,
    params=PARAMS,
    scene="mathviz_scenes.softmax_cross_entropy:SoftmaxCrossEntropy",
)
