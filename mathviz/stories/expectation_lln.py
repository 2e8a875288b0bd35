"""Expectation, the law of large numbers and the gambler's fallacy for a dice game.

The numbers behind the ``expectation_lln`` explainer. A fair die is rolled;
the player wins ``win`` on a winning face and loses ``lose`` on every other
face. Each face has probability 1/6, so with ``w`` winning faces

    E = win * w/6 + (-lose) * (6 - w)/6,      Var = sum_f (x_f - E)^2 / 6.

For the default game (win 300 on a 1 or 2, lose 200 otherwise)
``E = 300 * 2/6 - 200 * 4/6 = -100/3``: the game loses money on average.

The module then plays the game: ``runs`` seeded runs of ``rounds`` rounds
each (one :func:`numpy.random.default_rng`), and follows each run's running
average ``A_n = (x_1 + ... + x_n) / n``. By the law of large numbers
``A_n -> E``; by the central limit theorem ``A_n - E`` is about
``sigma / sqrt(n)`` in size, so the band ``E +- 2 sigma / sqrt(n)`` holds most
runs at any fixed ``n``.

Last, the gambler's fallacy: the die has no memory, so after ``k`` losses in
a row the next round still wins with probability ``w / 6``. The module
measures ``P(win | the previous k rounds lost)`` in the simulation, for
``k = 1 .. MAX_STREAK``, with a Wilson score interval. (The rounds that
follow a streak are a random subset chosen by the past only, so the wins
among them, less ``p`` each, form a martingale and the usual binomial
interval applies.) The running average converges because the streak's
excess ``L * (-lose - E)`` is divided by an ever larger ``n``, not because
later rounds pay it back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from statistics import NormalDist

import numpy as np

from mathviz.explainer import Explainer
from mathviz.expr import ExpressionError, parse_literal
from mathviz.params import Param, ParameterError, integer, number
from mathviz.story import Story

__all__ = [
    "EXPLAINER",
    "FACES",
    "MIN_ROUNDS",
    "MAX_ROUNDS",
    "MAX_RUNS",
    "MAX_PAYOFF",
    "BAND_SIGMAS",
    "MAX_STREAK",
    "CONFIDENCE",
    "CURVE_SAMPLES",
    "FaceRow",
    "Outcome",
    "StreakFrequency",
    "LosingStreak",
    "faces_parser",
    "face_table",
    "outcomes_of",
    "expectation",
    "variance",
    "exact_expectation",
    "play",
    "running_average",
    "band_half_width",
    "sample_rounds",
    "streak_frequencies",
    "wilson_interval",
    "longest_losing_streak",
    "ExpectationStory",
    "expectation_story",
    "PARAMS",
]

#: Faces of the die, each with probability 1/FACES.
FACES = 6
#: Fewest and most rounds per run: fewer shows no convergence, more adds nothing visible on a log axis.
MIN_ROUNDS, MAX_ROUNDS = 100, 100_000
#: Most runs drawn at once; more curves would not be told apart.
MAX_RUNS = 8
#: Largest |payoff| accepted; keeps every number on screen short.
MAX_PAYOFF = 1e6
#: Half-width of the band around E, in standard errors: E +- BAND_SIGMAS * sigma / sqrt(n).
BAND_SIGMAS = 2.0
#: Longest losing streak k for which P(win | previous k rounds lost) is measured.
MAX_STREAK = 5
#: Confidence level of the Wilson intervals around those frequencies.
CONFIDENCE = 0.95
#: Number of log-spaced rounds n at which the running averages are kept (every n up to about 20).
CURVE_SAMPLES = 240


# -- the game ----------------------------------------------------------------------------------


def faces_parser(key: str) -> Callable[[str], tuple[int, ...]]:
    """A parser for the winning faces: a count ``k`` (faces 1..k, 0 to 6) or a list such as ``[2, 4, 6]``."""

    def parse(text: str | int | Sequence[int]) -> tuple[int, ...]:
        if isinstance(text, (list, tuple)):
            raw: object = list(text)
        else:
            stripped = str(text).strip()
            if stripped.startswith(("[", "(")):
                try:
                    raw = parse_literal(stripped, what=key, max_items=FACES * 2)
                except ExpressionError as exc:
                    message = str(exc)
                    reason = message[len(key) + 1:].lstrip(": ") if message.startswith(key) else message
                    raise ParameterError(key, reason) from None
            else:
                count = integer(key, minimum=0, maximum=FACES)(stripped)
                return tuple(range(1, count + 1))
        if not isinstance(raw, list) or any(isinstance(v, list) for v in raw):
            raise ParameterError(key, "must be a count like 2 or a flat list of faces like [2, 4, 6]")
        faces = []
        for value in raw:
            if float(value) != int(value) or not 1 <= int(value) <= FACES:
                raise ParameterError(key, f"faces are whole numbers from 1 to {FACES}, got {value:g}")
            faces.append(int(value))
        if len(set(faces)) != len(faces):
            raise ParameterError(key, "lists a face twice")
        return tuple(sorted(faces))

    return parse


@dataclass(frozen=True)
class FaceRow:
    """One row of the outcome table: a face, its probability 1/6, its payoff and whether it wins."""

    face: int
    probability: float
    payoff: float
    wins: bool


@dataclass(frozen=True)
class Outcome:
    """One distinct payoff of the game and the faces that pay it: probability = len(faces) / 6."""

    payoff: float
    faces: tuple[int, ...]
    probability: float
    wins: bool


def face_table(win: float, lose: float, winning_faces: Sequence[int]) -> tuple[FaceRow, ...]:
    """The outcome table: face ``f`` pays ``+win`` if it is a winning face, else ``-lose``; each has probability 1/6."""
    winning = set(winning_faces)
    return tuple(
        FaceRow(face=f, probability=1.0 / FACES, payoff=float(win) if f in winning else -float(lose), wins=f in winning)
        for f in range(1, FACES + 1)
    )


def outcomes_of(table: Sequence[FaceRow]) -> tuple[Outcome, ...]:
    """The table grouped by payoff: winning outcome first, then losing; absent outcomes are left out."""
    outcomes = []
    for wins in (True, False):
        rows = [r for r in table if r.wins == wins]
        if rows:
            outcomes.append(Outcome(payoff=rows[0].payoff, faces=tuple(r.face for r in rows),
                                    probability=len(rows) / FACES, wins=wins))
    return tuple(outcomes)


def expectation(payoffs: Sequence[float], probabilities: Sequence[float]) -> float:
    """The probability-weighted sum ``E = sum_i p_i x_i``."""
    return float(np.dot(np.asarray(probabilities, dtype=float), np.asarray(payoffs, dtype=float)))


def variance(payoffs: Sequence[float], probabilities: Sequence[float]) -> float:
    """``Var = sum_i p_i (x_i - E)^2`` (computed about the mean, not as E[x^2] - E^2, to avoid cancellation)."""
    x = np.asarray(payoffs, dtype=float)
    p = np.asarray(probabilities, dtype=float)
    mean = float(np.dot(p, x))
    return float(np.dot(p, (x - mean) ** 2))


def _exact(value: float) -> Fraction:
    # The decimal the user typed (repr round-trips), not the binary float: 0.1 -> 1/10.
    return Fraction(repr(float(value)))


def exact_expectation(table: Sequence[FaceRow]) -> Fraction:
    """``E`` in exact rational arithmetic: ``sum_f payoff_f / 6`` with each payoff read as the decimal it prints as."""
    return sum((_exact(r.payoff) * Fraction(1, FACES) for r in table), Fraction(0))


# -- playing it --------------------------------------------------------------------------------


def play(table: Sequence[FaceRow], runs: int, rounds: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Roll the die ``runs x rounds`` times with ``np.random.default_rng(seed)``; return (faces, payoffs).

    Row ``r`` holds run ``r``'s rolls, drawn in order, so run 0 of a game with
    more runs is the same as the only run of a game with one.
    """
    rng = np.random.default_rng(seed)
    faces = rng.integers(1, FACES + 1, size=(runs, rounds))
    payoff_of_face = np.array([0.0] + [r.payoff for r in table])
    return faces, payoff_of_face[faces]


def running_average(payoffs: np.ndarray) -> np.ndarray:
    """``A_n = (x_1 + ... + x_n) / n`` along the last axis."""
    n = np.arange(1, payoffs.shape[-1] + 1)
    return np.cumsum(payoffs, axis=-1) / n


def band_half_width(n: np.ndarray | int, std: float, sigmas: float = BAND_SIGMAS) -> np.ndarray:
    """Half-width ``sigmas * sigma / sqrt(n)`` of the band around E that holds most running averages at ``n``."""
    return sigmas * std / np.sqrt(np.asarray(n, dtype=float))


def sample_rounds(rounds: int, samples: int = CURVE_SAMPLES) -> np.ndarray:
    """About ``samples`` round numbers spread evenly on a log scale from 1 to ``rounds`` (both included)."""
    grid = np.rint(np.logspace(0.0, math.log10(rounds), samples)).astype(int)
    return np.unique(np.clip(grid, 1, rounds))


def wilson_interval(successes: int, trials: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    With ``z`` the normal quantile of ``(1 + confidence) / 2`` and ``p^ = s / n``:
    centre ``(p^ + z^2 / 2n) / (1 + z^2 / n)``, half-width
    ``z / (1 + z^2 / n) * sqrt(p^ (1 - p^) / n + z^2 / 4n^2)``.
    """
    if trials <= 0:
        raise ValueError("no trials")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class StreakFrequency:
    """Rounds that came right after ``k`` losses in a row: how many, how many won, and the win frequency.

    ``frequency`` and the interval are None when no such round was played.
    """

    k: int
    count: int
    wins: int
    frequency: float | None
    ci_low: float | None
    ci_high: float | None


def streak_frequencies(won: np.ndarray, max_k: int = MAX_STREAK, confidence: float = CONFIDENCE) -> tuple[StreakFrequency, ...]:
    """``P(win | previous k rounds lost)`` measured in ``won`` (runs x rounds, bool), for ``k = 1 .. max_k``.

    Round ``t`` counts for ``k`` when rounds ``t-k .. t-1`` of the same run all
    lost; windows overlap (a streak of 5 losses gives rounds for k = 1..5).
    """
    won = np.atleast_2d(np.asarray(won, dtype=bool))
    lost_before = np.concatenate([np.zeros((won.shape[0], 1), int), np.cumsum(~won, axis=1)], axis=1)
    result = []
    for k in range(1, max_k + 1):
        if won.shape[1] <= k:
            count = wins = 0
        else:
            # losses among rounds t-k .. t-1 (0-indexed) for t = k .. rounds-1
            streak = (lost_before[:, k:-1] - lost_before[:, :-k - 1]) == k
            count = int(streak.sum())
            wins = int((won[:, k:] & streak).sum())
        if count:
            low, high = wilson_interval(wins, count, confidence)
            result.append(StreakFrequency(k, count, wins, wins / count, low, high))
        else:
            result.append(StreakFrequency(k, 0, 0, None, None, None))
    return tuple(result)


@dataclass(frozen=True)
class LosingStreak:
    """The longest run of losses in one run: its length, first and last round (1-indexed), and what it did.

    ``excess = sum over the streak of (x_i - E) = length * (loss - E)`` is
    what the streak added to ``sum (x_i - E)``; it moves the running average
    at round ``n`` by ``excess / n``. ``shift_after`` and ``shift_at_end`` are
    that at the streak's last round and at the last round; ``average_after``
    is the running average at the streak's last round. ``wins_after`` of the
    ``rounds_after`` rounds after the streak won (``win_rate_after``, None if
    there are none).
    """

    length: int
    first_round: int
    last_round: int
    excess: float
    average_after: float
    shift_after: float
    shift_at_end: float
    rounds_after: int
    wins_after: int
    win_rate_after: float | None


def longest_losing_streak(won: np.ndarray, payoffs: np.ndarray, mean: float) -> LosingStreak | None:
    """The longest (earliest, on ties) run of consecutive losses in one run; None if it never lost.

    ``won`` and ``payoffs`` are that run's rounds in order; ``mean`` is E.
    """
    won = np.asarray(won, dtype=bool)
    payoffs = np.asarray(payoffs, dtype=float)
    lost = np.concatenate([[0], (~won).astype(int), [0]])
    edges = np.diff(lost)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if not len(starts):
        return None
    lengths = ends - starts
    i = int(np.argmax(lengths))
    length, first, last = int(lengths[i]), int(starts[i]) + 1, int(ends[i])
    excess = float(np.sum(payoffs[first - 1:last] - mean))
    after = won[last:]
    return LosingStreak(
        length=length, first_round=first, last_round=last, excess=excess,
        average_after=float(payoffs[:last].sum() / last),
        shift_after=excess / last, shift_at_end=excess / won.size,
        rounds_after=int(after.size), wins_after=int(after.sum()),
        win_rate_after=float(after.mean()) if after.size else None,
    )


# -- the story ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectationStory(Story):
    """Everything the expectation video shows.

    ``sample_n`` are the rounds at which the curves are drawn (log-spaced, plus
    the first round before and the last round of run 1's longest losing streak); ``running[r][i]``
    is run ``r``'s average after ``sample_n[i]`` rounds and ``band[i]`` the
    band's half-width there. ``inside_band`` is the fraction of all (run, n)
    pairs, n = 1 .. rounds, whose average lies inside ``E +- 2 sigma/sqrt(n)``.
    The full simulated rolls and payoffs stay out of the JSON.
    """

    win: float
    lose: float
    winning_faces: tuple[int, ...]
    p_win: float
    table: tuple[FaceRow, ...]
    outcomes: tuple[Outcome, ...]
    expectation: float
    expectation_exact: str
    variance: float
    std: float
    fair: bool
    seed: int
    runs: int
    rounds: int
    band_sigmas: float
    sample_n: np.ndarray
    running: np.ndarray
    band: np.ndarray
    final_averages: np.ndarray
    final_errors: np.ndarray
    final_band: float
    inside_band: float
    inside_band_percent: float
    wins_total: int
    win_frequency: float
    confidence: float
    streaks: tuple[StreakFrequency, ...]
    longest_streak: LosingStreak | None
    faces: np.ndarray = field(repr=False)
    payoffs: np.ndarray = field(repr=False)


def expectation_story(win: float, lose: float, winning_faces: tuple[int, ...], rounds: int, runs: int,
                      seed: int) -> ExpectationStory:
    """The dice game's table, expectation and spread; ``runs`` seeded runs; the gambler's-fallacy frequencies.

    Raises ParameterError when every face pays 0 (nothing to average) or
    ``rounds``/``runs`` are out of range.
    """
    rounds = integer("rounds", minimum=MIN_ROUNDS, maximum=MAX_ROUNDS)(rounds)
    runs = integer("runs", minimum=1, maximum=MAX_RUNS)(runs)
    win, lose = float(win), float(lose)
    winning_faces = tuple(sorted(int(f) for f in winning_faces))
    table = face_table(win, lose, winning_faces)
    if all(r.payoff == 0 for r in table):
        # only the payoffs that occur are 0: lose when no face wins, else win (and lose, if any face loses)
        key = "lose" if not winning_faces else "win"
        raise ParameterError(key, "every face pays 0: the game has nothing to average; make win or lose nonzero")
    outcomes = outcomes_of(table)
    # over the grouped outcomes, as the video writes it: 300 * 2/6 + (-200) * 4/6
    payoffs_of = [o.payoff for o in outcomes]
    probabilities = [o.probability for o in outcomes]
    mean = expectation(payoffs_of, probabilities)
    var = variance(payoffs_of, probabilities)
    std = math.sqrt(var)
    exact = exact_expectation(table)

    faces, payoffs = play(table, runs, rounds, seed)
    won = np.isin(faces, winning_faces)
    averages = running_average(payoffs)
    n_all = np.arange(1, rounds + 1)
    # The band is closed and its edge is hit exactly at some n (|3W - n| = 2 sqrt(2n) in the default
    # game); with sigma = 0 every average is E. Rounding must not decide either, hence a tolerance.
    tolerance = 1e-9 * max(abs(win), abs(lose))
    inside = np.abs(averages - mean) <= band_half_width(n_all, std) + tolerance
    streak = longest_losing_streak(won[0], payoffs[0], mean)
    sample_n = sample_rounds(rounds)
    if streak is not None:
        # the curves pass exactly through run 1's longest losing streak: its start and its end
        sample_n = np.union1d(sample_n, [n for n in (streak.first_round - 1, streak.last_round) if n >= 1])
    return ExpectationStory(
        win=win,
        lose=lose,
        winning_faces=winning_faces,
        p_win=len(winning_faces) / FACES,
        table=table,
        outcomes=outcomes,
        expectation=mean,
        expectation_exact=str(exact),
        variance=var,
        std=std,
        fair=exact == 0,
        seed=seed,
        runs=runs,
        rounds=rounds,
        band_sigmas=BAND_SIGMAS,
        sample_n=sample_n,
        running=averages[:, sample_n - 1],
        band=band_half_width(sample_n, std),
        final_averages=averages[:, -1],
        final_errors=averages[:, -1] - mean,
        final_band=float(band_half_width(rounds, std)),
        inside_band=float(inside.mean()),
        inside_band_percent=100.0 * float(inside.mean()),
        wins_total=int(won.sum()),
        win_frequency=float(won.mean()),
        confidence=CONFIDENCE,
        streaks=streak_frequencies(won),
        longest_streak=streak,
        faces=faces,
        payoffs=payoffs,
    )


PARAMS: tuple[Param, ...] = (
    Param("win", "300", f"amount won on a winning face (0 to {MAX_PAYOFF:g})",
          number("win", minimum=0, maximum=MAX_PAYOFF)),
    Param("lose", "200", f"amount lost on every other face (0 to {MAX_PAYOFF:g})",
          number("lose", minimum=0, maximum=MAX_PAYOFF)),
    Param("winning_faces", "2", "winning faces: a count k (faces 1 to k, 0 to 6) or a list like [2, 4, 6]",
          faces_parser("winning_faces")),
    Param("rounds", "10000", f"rounds played in each run ({MIN_ROUNDS} to {MAX_ROUNDS})",
          integer("rounds", minimum=MIN_ROUNDS, maximum=MAX_ROUNDS)),
    Param("runs", "5", f"simulated runs drawn at once, each in its own colour (1 to {MAX_RUNS})",
          integer("runs", minimum=1, maximum=MAX_RUNS)),
    Param("seed", "7", "seed of numpy's default_rng that rolls the die",
          integer("seed", minimum=0, maximum=2**31 - 1)),
)


#: Found through the entry point ``expectation_lln`` in the group ``mathviz.explainers`` (pyproject.toml).
EXPLAINER = Explainer(
    name="expectation_lln",
    title="Expectation and the law of large numbers",
    teaches=(
        "A game's expected value is the probability-weighted average; running averages of simulated rounds "
        "converge to it; the dice have no memory."
    ),
    story=expectation_story,
    params=PARAMS,
    scene="mathviz_scenes.expectation_lln:RunningAverages",
)
