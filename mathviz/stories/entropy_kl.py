"""Entropy, cross-entropy and KL divergence, counted in yes/no questions: the numbers of ``entropy_kl``.

The video starts with a game: a secret number from 1 to N is found by
halving questions ("is it greater than m?"). Each answer removes half the
candidates, so N = 2^k numbers take exactly k = log2 N questions; when N is
not a power of two, halving leaves parts of unequal size and the count is
``ceil(log2 N)`` for some secrets and ``floor(log2 N)`` for the others.

A distribution p over a few outcomes has entropy

    H(p) = -sum_i p_i log2 p_i      (bits; 0 log 0 = 0),

the expected number of yes/no questions of the best question tree when every
``p_i`` is a power of 1/2 (a *dyadic* p): outcome i then sits at depth
``-log2 p_i``. In general the best tree (Huffman's) asks L questions on
average with ``H <= L < H + 1``.

Planning the questions for a prediction q while the truth is p costs the
cross-entropy ``H(p, q) = -sum_i p_i log q_i``; for a one-hot truth this is
``-log q_true``, the classification loss, which machine learning writes with
the natural log (nats; 1 nat = 1/ln 2 bits). The extra cost is the KL divergence

    D(p || q) = H(p, q) - H(p) = sum_i p_i log(p_i / q_i) >= 0,

zero only when q = p (Gibbs' inequality). It is infinite when q gives zero
probability to an outcome p can produce; the story refuses that q with a
:class:`~mathviz.params.ParameterError` rather than draw an infinite bar.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from mathviz.explainer import Explainer
from mathviz.params import Param, ParameterError, choice, integer, vector, whole_number
from mathviz.story import Story

__all__ = [
    "EXPLAINER",
    "MAX_OUTCOMES",
    "MAX_NUMBERS",
    "SUM_TOLERANCE",
    "OUTCOME_LABELS",
    "UNITS",
    "MORPH_STEPS",
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "surprisal",
    "huffman_lengths",
    "canonical_codewords",
    "shannon_lengths",
    "is_dyadic",
    "Question",
    "binary_search",
    "total_questions",
    "average_questions",
    "MorphFrame",
    "InformationStory",
    "entropy_story",
    "PARAMS",
]

#: Most outcomes drawn as bars and leaves; more would not be legible at 480p.
MAX_OUTCOMES = 8
#: Largest N of the guessing game: 20 questions at most.
MAX_NUMBERS = 2**20
#: A probability vector may miss a sum of 1 by this much (typed decimals such as 0.333); it is then rescaled.
SUM_TOLERANCE = 1e-3
#: Outcomes are named by letters on screen, and ``truth`` names one of them.
OUTCOME_LABELS = "ABCDEFGH"
#: Units of the entropy readouts: bits (log base 2, questions) or nats (natural log, as in ML losses).
UNITS = ("bits", "nats")
#: Keyframes of the morph q -> p (t = 0, 1/8, ..., 1).
MORPH_STEPS = 9

_LOG = {"bits": math.log(2.0), "nats": 1.0}


# -- the three quantities -----------------------------------------------------------------------


def _log(values: np.ndarray, unit: str) -> np.ndarray:
    return np.log(values) / _LOG[unit]


def entropy(p: np.ndarray, unit: str = "bits") -> float:
    """``H(p) = -sum_i p_i log p_i`` in ``unit``, with ``0 log 0 = 0``."""
    p = np.asarray(p, dtype=float)
    positive = p > 0
    return float(-np.sum(p[positive] * _log(p[positive], unit))) + 0.0


def cross_entropy(p: np.ndarray, q: np.ndarray, unit: str = "bits") -> float:
    """``H(p, q) = -sum_i p_i log q_i`` in ``unit``; terms with ``p_i = 0`` are 0; ``inf`` if some ``q_i = 0 < p_i``."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    positive = p > 0
    if np.any(q[positive] <= 0):
        return math.inf
    return float(-np.sum(p[positive] * _log(q[positive], unit))) + 0.0


def kl_divergence(p: np.ndarray, q: np.ndarray, unit: str = "bits") -> float:
    """``D(p || q) = sum_i p_i log(p_i / q_i)`` in ``unit``; ``inf`` if some ``q_i = 0 < p_i``.

    Summed directly (not as ``H(p, q) - H(p)``) so that it is exactly 0 when ``q = p``.
    It is never negative (Gibbs' inequality); a sum that rounding pushes a few
    ulps below zero when ``q`` is ``p`` up to rounding is returned as 0, never ``-0.000``.
    """
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    positive = p > 0
    if np.any(q[positive] <= 0):
        return math.inf
    return max(0.0, float(np.sum(p[positive] * _log(p[positive] / q[positive], unit))))


def surprisal(p: np.ndarray, unit: str = "bits") -> np.ndarray:
    """``-log p_i`` per outcome: the questions outcome i deserves; ``inf`` where ``p_i = 0``."""
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore"):
        return -_log(p, unit) + 0.0


# -- question trees (prefix codes) ----------------------------------------------------------------


def huffman_lengths(p: np.ndarray) -> tuple[int | None, ...]:
    """Depths of Huffman's optimal yes/no question tree: ``None`` for outcomes with ``p_i = 0``.

    Repeatedly merge the two least likely groups; every merge adds one
    question for each outcome in them. Ties are broken by outcome index, so
    the tree is the same on every run. One possible outcome needs 0 questions.
    """
    p = np.asarray(p, dtype=float)
    counts = [0] * len(p)
    heap: list[tuple[float, tuple[int, ...], tuple[int, ...]]] = [(float(v), (i,), (i,)) for i, v in enumerate(p) if v > 0]
    heapq.heapify(heap)
    while len(heap) > 1:
        w1, key1, members1 = heapq.heappop(heap)
        w2, key2, members2 = heapq.heappop(heap)
        for i in members1 + members2:
            counts[i] += 1
        heapq.heappush(heap, (w1 + w2, min(key1, key2), members1 + members2))
    return tuple(None if v <= 0 else n for v, n in zip(p, counts))


def canonical_codewords(lengths: tuple[int | None, ...]) -> tuple[str | None, ...]:
    """The canonical prefix code with these lengths: answers (0 = no, 1 = yes) leading to each outcome.

    Outcomes sorted by (length, index) get consecutive binary numbers; a valid
    set of lengths (Kraft sum <= 1, as Huffman's) gives a prefix-free code.
    """
    order = sorted((n, i) for i, n in enumerate(lengths) if n is not None)
    words: list[str | None] = [None] * len(lengths)
    code, previous = 0, None
    for n, i in order:
        if previous is not None:
            code = (code + 1) << (n - previous)
        words[i] = format(code, f"0{n}b") if n > 0 else ""
        previous = n
    return tuple(words)


def shannon_lengths(p: np.ndarray) -> tuple[int | None, ...]:
    """Shannon's code lengths ``ceil(-log2 p_i)`` (``None`` where ``p_i = 0``); equal to ``-log2 p_i`` for dyadic p."""
    return tuple(None if v <= 0 else int(math.ceil(-math.log2(v) - 1e-12)) for v in np.asarray(p, dtype=float))


def is_dyadic(p: np.ndarray) -> bool:
    """Whether every nonzero ``p_i`` is a power of 1/2 (then questions can match ``-log2 p_i`` exactly)."""
    for v in np.asarray(p, dtype=float):
        if v > 0:
            exponent = -math.log2(v)
            if abs(exponent - round(exponent)) > 1e-9:
                return False
    return True


# -- the guessing game ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One halving question "is it greater than ``pivot``?" asked of the candidates ``low..high``."""

    low: int
    high: int
    pivot: int
    answer: bool
    low_after: int
    high_after: int
    candidates: int
    candidates_after: int


def binary_search(numbers: int, secret: int) -> tuple[Question, ...]:
    """The questions that find ``secret`` in ``1..numbers`` by halving.

    While more than one candidate ``low..high`` remains, ask "is it greater
    than ``pivot = (low + high) // 2``?" and keep the half the answer allows
    (``low..pivot`` has ``ceil(m/2)`` of the ``m`` candidates).
    """
    if not 1 <= secret <= numbers:
        raise ValueError(f"secret {secret} is not in 1..{numbers}")
    low, high, asked = 1, numbers, []
    while low < high:
        pivot = (low + high) // 2
        answer = secret > pivot
        new_low, new_high = (pivot + 1, high) if answer else (low, pivot)
        asked.append(Question(low, high, pivot, answer, new_low, new_high,
                              candidates=high - low + 1, candidates_after=new_high - new_low + 1))
        low, high = new_low, new_high
    return tuple(asked)


@cache
def total_questions(m: int) -> int:
    """Sum over the ``m`` possible secrets of the questions halving takes: ``m + T(ceil(m/2)) + T(floor(m/2))``."""
    if m <= 1:
        return 0
    return m + total_questions((m + 1) // 2) + total_questions(m // 2)


def average_questions(numbers: int) -> float:
    """Questions halving takes on average over a uniformly random secret in ``1..numbers``."""
    return total_questions(numbers) / numbers


# -- the story -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MorphFrame:
    """One keyframe of q sliding to p: ``q_t = (1 - t) q + t p`` and what it costs (in the story's unit)."""

    t: float
    q: np.ndarray
    cross_entropy: float
    kl: float


@dataclass(frozen=True)
class InformationStory(Story):
    """Everything the entropy_kl video shows.

    The game: ``questions`` (each halving step), ``question_count`` for this
    secret, ``worst_case_questions = ceil(log2 N)``, ``best_case_questions``,
    ``average_questions`` and ``information_bits = log2 N``.
    Entropy: ``p`` (rescaled to sum 1), ``surprisal_bits = -log2 p_i``,
    ``entropy_bits``, the Huffman tree (``code_lengths``, ``codewords``,
    ``expected_questions``), the uniform and one-hot references. Prediction:
    ``q``, the one-hot ``truth`` and its loss in bits and nats; then
    ``cross_entropy``, ``entropy`` and ``kl`` in ``unit`` and the ``morph`` keyframes.
    """

    numbers: int
    secret: int
    questions: tuple[Question, ...]
    question_count: int
    worst_case_questions: int
    best_case_questions: int
    average_questions: float
    information_bits: float
    power_of_two: bool

    labels: tuple[str, ...]
    p: np.ndarray
    p_rescaled: bool
    surprisal_bits: np.ndarray
    entropy_bits: float
    code_lengths: tuple[int | None, ...]
    codewords: tuple[str | None, ...]
    shannon_lengths: tuple[int | None, ...]
    expected_questions: float
    dyadic: bool

    uniform: np.ndarray
    uniform_entropy_bits: float
    one_hot: np.ndarray
    one_hot_entropy_bits: float

    q: np.ndarray
    q_rescaled: bool
    truth: str
    truth_index: int
    truth_loss_bits: float
    truth_loss_nats: float

    unit: str
    entropy: float
    cross_entropy: float
    kl: float
    morph: tuple[MorphFrame, ...]


def _probabilities(key: str, values: np.ndarray) -> tuple[np.ndarray, bool]:
    """``values`` as a probability vector: non-negative, summing to 1 (rescaled if off by <= SUM_TOLERANCE)."""
    values = np.asarray(values, dtype=float)
    if values.size < 2:
        raise ParameterError(key, f"needs at least 2 outcomes, got {values.size}")
    negative = np.flatnonzero(values < 0)
    if negative.size:
        i = int(negative[0])
        raise ParameterError(key, f"probabilities cannot be negative ({key}_{i + 1} = {values[i]:g})")
    total = float(values.sum())
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ParameterError(key, f"probabilities must sum to 1, these sum to {total:.6g}")
    rescaled = total != 1.0
    return (values / total if rescaled else values), rescaled


def _secret(numbers: int, secret: str, seed: int) -> int:
    if secret == "random":
        return int(np.random.default_rng(seed).integers(1, numbers + 1))
    value = whole_number("secret", secret)
    if not 1 <= value <= numbers:
        raise ParameterError("secret", f"must be between 1 and numbers ({numbers}), got {value}")
    return value


def _truth_index(truth: str, n: int) -> int:
    letter = truth.strip().upper()
    if len(letter) != 1 or letter not in OUTCOME_LABELS:
        raise ParameterError("truth", f"must be an outcome letter A-{OUTCOME_LABELS[MAX_OUTCOMES - 1]}, got {truth[:40]!r}")
    index = OUTCOME_LABELS.index(letter)
    if index >= n:
        raise ParameterError("truth", f"must be one of the {n} outcomes A-{OUTCOME_LABELS[n - 1]}, got {letter}")
    return index


def entropy_story(numbers: int, secret: str, seed: int, p: np.ndarray, q: np.ndarray, truth: str,
                  unit: str) -> InformationStory:
    """The guessing game on ``1..numbers``, then H(p), the one-hot loss of q at ``truth``, H(p, q) and D(p || q).

    Raises ParameterError for a secret outside ``1..numbers``, vectors that are
    not probabilities, ``p`` and ``q`` of different lengths, a ``truth`` that
    is not an outcome, and a ``q`` that gives probability 0 to an outcome with
    ``p_i > 0`` or to the truth (infinite cross-entropy and KL divergence).
    """
    secret_value = _secret(numbers, secret, seed)
    asked = binary_search(numbers, secret_value)

    p, p_rescaled = _probabilities("p", p)
    q, q_rescaled = _probabilities("q", q)
    if q.size != p.size:
        raise ParameterError("q", f"must have the same length as p ({p.size}), got {q.size}")
    n = p.size
    missed = np.flatnonzero((p > 0) & (q <= 0))
    if missed.size:
        i = int(missed[0])
        raise ParameterError("q", f"q_{i + 1} = 0 where p_{i + 1} = {p[i]:.3g} > 0: the cross-entropy and KL "
                                  f"divergence would be infinite; give outcome {OUTCOME_LABELS[i]} some probability")
    truth_index = _truth_index(truth, n)
    if q[truth_index] <= 0:
        raise ParameterError("truth", f"q gives the truth {OUTCOME_LABELS[truth_index]} probability 0: "
                                      "its loss -log q would be infinite")

    lengths = huffman_lengths(p)
    expected = float(sum(pi * ni for pi, ni in zip(p, lengths) if ni is not None))
    uniform = np.full(n, 1.0 / n)
    one_hot = np.zeros(n)
    one_hot[int(np.argmax(p))] = 1.0
    truth_vector = np.zeros(n)
    truth_vector[truth_index] = 1.0

    frames = []
    for t in np.linspace(0.0, 1.0, MORPH_STEPS):
        q_t = (1.0 - t) * q + t * p
        frames.append(MorphFrame(t=float(t), q=q_t, cross_entropy=cross_entropy(p, q_t, unit),
                                 kl=kl_divergence(p, q_t, unit)))

    return InformationStory(
        numbers=numbers,
        secret=secret_value,
        questions=asked,
        question_count=len(asked),
        worst_case_questions=math.ceil(math.log2(numbers)),
        best_case_questions=math.floor(math.log2(numbers)),
        average_questions=average_questions(numbers),
        information_bits=math.log2(numbers),
        power_of_two=numbers & (numbers - 1) == 0,
        labels=tuple(OUTCOME_LABELS[:n]),
        p=p,
        p_rescaled=p_rescaled,
        surprisal_bits=surprisal(p, "bits"),
        entropy_bits=entropy(p, "bits"),
        code_lengths=lengths,
        codewords=canonical_codewords(lengths),
        shannon_lengths=shannon_lengths(p),
        expected_questions=expected,
        dyadic=is_dyadic(p),
        uniform=uniform,
        uniform_entropy_bits=entropy(uniform, "bits"),
        one_hot=one_hot,
        one_hot_entropy_bits=entropy(one_hot, "bits"),
        q=q,
        q_rescaled=q_rescaled,
        truth=OUTCOME_LABELS[truth_index],
        truth_index=truth_index,
        truth_loss_bits=cross_entropy(truth_vector, q, "bits"),
        truth_loss_nats=cross_entropy(truth_vector, q, "nats"),
        unit=unit,
        entropy=entropy(p, unit),
        cross_entropy=cross_entropy(p, q, unit),
        kl=kl_divergence(p, q, unit),
        morph=tuple(frames),
    )


def _secret_text(text: str) -> str:
    value = str(text).strip().lower()
    if value != "random":
        try:
            whole_number("secret", value)
        except ParameterError:
            raise ParameterError("secret", f"expected a whole number or 'random', got {value[:40]!r}") from None
    return value


PARAMS: tuple[Param, ...] = (
    Param("numbers", "1024", f"guess a secret number from 1 to this N with yes/no questions (2 to {MAX_NUMBERS})",
          integer("numbers", minimum=2, maximum=MAX_NUMBERS)),
    Param("secret", "random", "the secret number (1 to numbers), or 'random' to draw it from seed",
          _secret_text),
    Param("seed", "7", "seed of the random secret", integer("seed", minimum=0, maximum=2**31 - 1)),
    Param("p", "[1/2, 1/4, 1/8, 1/8]", f"the true distribution p over outcomes A, B, ... (2 to {MAX_OUTCOMES}; "
          "non-negative, summing to 1)", vector("p", min_length=2, max_length=MAX_OUTCOMES)),
    Param("q", "[1/8, 1/8, 1/4, 1/2]", "the predicted distribution q, one entry per entry of p",
          vector("q", min_length=2, max_length=MAX_OUTCOMES)),
    Param("truth", "A", "the true outcome (a letter) scored by the one-hot cross-entropy -log q_truth",
          lambda text: str(text).strip().upper()),
    Param("unit", "bits", "unit of entropy, cross-entropy and KL in the last beats: bits (log2) or nats (ln, as in ML)",
          choice("unit", UNITS)),
)


#: Found through the entry point ``entropy_kl`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="entropy_kl",
    title="Entropy, cross-entropy and KL divergence",
    teaches=(
        "Entropy is the expected number of yes/no questions; cross-entropy scores a prediction; KL = cross-"
        "entropy - entropy >= 0."
    ),
    story=entropy_story,
    params=PARAMS,
    scene="mathviz_scenes.entropy_kl:QuestionsAndBits",
)
