"""Temperature in softmax: the numbers the video shows, computed once and tested.

``softmax(z / T)_i = exp(z_i / T) / sum_j exp(z_j / T)``. A low temperature T sharpens
the distribution towards the largest logit (argmax as T -> 0); a high one flattens it
towards uniform (T -> infinity). The story holds the probabilities at a cold, the chosen
and a hot temperature, with the entropy of each in bits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mathviz.explainer import Explainer
from mathviz.params import Param, ParameterError, number, vector
from mathviz.story import Story

__all__ = ["EXPLAINER", "PARAMS", "Distribution", "TemperatureStory", "softmax", "temperature_story"]

#: The cold and hot temperatures shown beside the chosen one are T / SPREAD and T * SPREAD.
SPREAD = 4.0


def softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    """``exp(z / T) / sum(exp(z / T))``, shifted by max(z) first so no exponential overflows."""
    scaled = (np.asarray(logits, dtype=float) - np.max(logits)) / temperature
    weights = np.exp(scaled)
    return weights / weights.sum()


@dataclass(frozen=True)
class Distribution:
    """softmax(z / T) at one temperature."""

    temperature: float
    probabilities: tuple[float, ...]
    #: The largest probability (of the largest logit).
    top: float
    #: Shannon entropy in bits: 0 for a one-hot distribution, log2(n) for uniform.
    entropy: float


@dataclass(frozen=True)
class TemperatureStory(Story):
    logits: tuple[float, ...]
    labels: tuple[str, ...]
    #: Index of the largest logit: the class a cold softmax picks.
    argmax: int
    #: log2(n): the entropy of the uniform distribution a hot softmax approaches.
    max_entropy: float
    cold: Distribution
    chosen: Distribution
    hot: Distribution


def _distribution(logits: np.ndarray, temperature: float) -> Distribution:
    p = softmax(logits, temperature)
    nonzero = p[p > 0]
    return Distribution(temperature=float(temperature), probabilities=tuple(float(v) for v in p),
                        top=float(p.max()), entropy=float(-(nonzero * np.log2(nonzero)).sum()))


def temperature_story(logits: np.ndarray, temperature: float) -> TemperatureStory:
    """Softmax of ``logits`` at ``temperature / SPREAD``, ``temperature`` and ``temperature * SPREAD``."""
    logits = np.asarray(logits, dtype=float)
    if np.ptp(logits) > 50:
        raise ParameterError("logits", "spread more than 50 apart: every temperature shown would be one-hot")
    if np.sum(logits == logits.max()) > 1:
        raise ParameterError("logits", "the largest logit must be unique (the cold softmax picks it)")
    return TemperatureStory(
        logits=tuple(float(v) for v in logits),
        labels=tuple(f"z{i + 1}" for i in range(logits.size)),
        argmax=int(np.argmax(logits)),
        max_entropy=float(np.log2(logits.size)),
        cold=_distribution(logits, temperature / SPREAD),
        chosen=_distribution(logits, temperature),
        hot=_distribution(logits, temperature * SPREAD),
    )


PARAMS: tuple[Param, ...] = (
    Param("logits", "[2.0, 1.0, 0.5, -1.0]", "the scores softmax turns into probabilities (2 to 6 of them)",
          vector("logits", min_length=2, max_length=6, max_abs=20)),
    Param("temperature", "1", "the temperature T; the video also shows T/4 and 4T",
          number("temperature", minimum=0.05, maximum=20)),
)

#: Found by mathviz through the entry point ``softmax_temperature`` in the group ``mathviz.explainers``.
EXPLAINER = Explainer(
    name="softmax_temperature",
    title="Temperature sharpens or flattens softmax",
    teaches="softmax(z / T): a low temperature T picks the largest logit, a high one spreads towards uniform.",
    story=temperature_story,
    params=PARAMS,
    scene="softmax_temperature.scene:SoftmaxTemperature",
)
