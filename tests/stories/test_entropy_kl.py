"""mathviz.stories.entropy_kl: entropy, cross-entropy and KL against scipy; Gibbs' inequality; question trees; the game."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import scipy.special
import scipy.stats
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mathviz.params import ParameterError
from mathviz.pipeline import registry
from mathviz.pipeline.cli import cli
from mathviz.stories import entropy_kl as info

SETTINGS = settings(max_examples=80, deadline=None, derandomize=True)


def _normalised(weights: np.ndarray) -> np.ndarray:
    return weights / weights.sum()


# Weights as a user would type them: zeros or at least 1e-3 (not 1e-137, where H + 1 rounds to 1).
entries = st.one_of(st.just(0.0), st.floats(1e-3, 10, allow_nan=False))
weights = st.integers(2, info.MAX_OUTCOMES).flatmap(
    lambda n: arrays(float, n, elements=entries).filter(lambda w: w.sum() > 1e-3))
positive_weights = st.integers(2, info.MAX_OUTCOMES).flatmap(
    lambda n: arrays(float, n, elements=st.floats(1e-3, 10, allow_nan=False)))
distributions = weights.map(_normalised)
pairs = st.integers(2, info.MAX_OUTCOMES).flatmap(lambda n: st.tuples(
    arrays(float, n, elements=entries).filter(lambda w: w.sum() > 1e-3),
    arrays(float, n, elements=st.floats(1e-3, 10, allow_nan=False)),
)).map(lambda pair: (_normalised(pair[0]), _normalised(pair[1])))


def story(**overrides):
    return registry.get("entropy_kl").build_story({k: str(v) for k, v in overrides.items()})


# -- against scipy --------------------------------------------------------------------------------


@SETTINGS
@given(distributions)
def test_entropy_matches_scipy_in_bits_and_nats(p):
    assert info.entropy(p, "bits") == pytest.approx(scipy.stats.entropy(p, base=2), abs=1e-12)
    assert info.entropy(p, "nats") == pytest.approx(scipy.stats.entropy(p), abs=1e-12)


@SETTINGS
@given(pairs)
def test_kl_and_cross_entropy_match_scipy(pair):
    p, q = pair
    reference_kl = float(np.sum(scipy.special.rel_entr(p, q)))  # nats
    assert info.kl_divergence(p, q, "nats") == pytest.approx(reference_kl, abs=1e-12)
    assert info.kl_divergence(p, q, "bits") == pytest.approx(scipy.stats.entropy(p, q, base=2), abs=1e-12)
    # cross-entropy from scipy's pieces: H(p, q) = H(p) + D(p || q)
    assert info.cross_entropy(p, q, "nats") == pytest.approx(scipy.stats.entropy(p) + reference_kl, abs=1e-12)
    assert info.cross_entropy(p, q, "bits") == pytest.approx(
        -np.sum(scipy.special.xlogy(p, q)) / math.log(2), abs=1e-12)


def test_zero_probability_of_a_possible_outcome_is_infinite_like_scipy():
    p, q = np.array([0.5, 0.5]), np.array([1.0, 0.0])
    assert math.isinf(scipy.stats.entropy(p, q))
    assert info.kl_divergence(p, q) == math.inf
    assert info.cross_entropy(p, q) == math.inf
    # ...but outcomes p never produces may get q = 0
    assert info.kl_divergence(q, p, "bits") == pytest.approx(1.0)


# -- properties -----------------------------------------------------------------------------------


@SETTINGS
@given(pairs)
def test_gibbs_inequality_and_kl_is_cross_entropy_minus_entropy(pair):
    p, q = pair
    kl = info.kl_divergence(p, q)
    assert kl >= 0
    assert kl == pytest.approx(info.cross_entropy(p, q) - info.entropy(p), abs=1e-9)
    # Gibbs on the two sums that are not clamped: H(p, q) >= H(p), up to rounding
    assert info.cross_entropy(p, q) >= info.entropy(p) - 1e-12
    assert float(np.sum(scipy.special.rel_entr(p, q))) >= -1e-12


@SETTINGS
@given(distributions)
def test_kl_is_zero_exactly_when_q_equals_p(p):
    assert info.kl_divergence(p, p) == 0.0
    # any other q costs something: move mass from the likeliest outcome to another
    i = int(np.argmax(p))
    j = (i + 1) % p.size
    q = p.copy()
    q[i] -= 0.1 * p[i]
    q[j] += 0.1 * p[i]
    assert info.kl_divergence(p, q) > 0


@SETTINGS
@given(distributions)
def test_uniform_maximises_entropy(p):
    n = p.size
    assert info.entropy(p) <= math.log2(n) + 1e-12
    assert info.entropy(np.full(n, 1 / n)) == pytest.approx(math.log2(n), abs=1e-12)
    # the gap is exactly the KL divergence from the uniform distribution
    assert math.log2(n) - info.entropy(p) == pytest.approx(info.kl_divergence(p, np.full(n, 1 / n)), abs=1e-9)


@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_one_hot_has_zero_entropy_and_zeros_count_nothing(n):
    one_hot = np.eye(n)[n - 1]
    assert info.entropy(one_hot) == 0.0
    assert math.copysign(1.0, info.entropy(one_hot)) == 1.0  # never printed as -0
    padded = np.array([0.5, 0.0, 0.5, 0.0])
    assert info.entropy(padded) == pytest.approx(1.0)


# -- question trees ---------------------------------------------------------------------------------


DYADIC = [
    [1 / 2, 1 / 4, 1 / 8, 1 / 8],
    [1 / 2, 1 / 2],
    [1 / 4] * 4,
    [1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 32, 1 / 64, 1 / 128, 1 / 128],
    [1 / 4, 0, 1 / 4, 1 / 2],
    [1.0, 0.0, 0.0],
]


@pytest.mark.parametrize("p", DYADIC, ids=[str(i) for i in range(len(DYADIC))])
def test_dyadic_trees_ask_exactly_the_entropy(p):
    p = np.array(p)
    assert info.is_dyadic(p)
    expected_depths = [None if v == 0 else round(-math.log2(v)) for v in p]
    assert info.huffman_lengths(p) == tuple(expected_depths)
    assert info.shannon_lengths(p) == tuple(expected_depths)
    mean = sum(v * d for v, d in zip(p, expected_depths) if d is not None)
    assert mean == pytest.approx(scipy.stats.entropy(p, base=2), abs=1e-12)


def _is_prefix_free(words):
    words = [w for w in words if w is not None]
    return all(not b.startswith(a) for a in words for b in words if a is not b)


@SETTINGS
@given(distributions)
def test_huffman_is_a_prefix_code_within_one_question_of_the_entropy(p):
    lengths = info.huffman_lengths(p)
    words = info.canonical_codewords(lengths)
    assert [w is None for w in words] == [v <= 0 for v in p]
    assert [len(w) for w in words if w is not None] == [n for n in lengths if n is not None]
    assert _is_prefix_free(words)
    positive = [n for n in lengths if n is not None]
    if len(positive) > 1:
        # a full tree: every question splits the remaining outcomes (Kraft equality)
        assert sum(2.0 ** -n for n in positive) == pytest.approx(1.0)
    mean = sum(v * n for v, n in zip(p, lengths) if n is not None)
    h = scipy.stats.entropy(p, base=2)
    assert h - 1e-9 <= mean < h + 1
    # Huffman is optimal, so no worse than Shannon's ceil(-log2 p) lengths
    shannon = sum(v * n for v, n in zip(p, info.shannon_lengths(p)) if n is not None)
    assert mean <= shannon + 1e-12


def test_non_dyadic_tree_asks_more_than_the_entropy():
    p = np.array([1 / 3, 1 / 3, 1 / 3])
    assert not info.is_dyadic(p)
    # the best tree: one outcome at depth 1, two at depth 2 -> 5/3 questions > log2 3
    assert sorted(info.huffman_lengths(p)) == [1, 2, 2]
    s = story(p="[1/3, 1/3, 1/3]", q="[1/3, 1/3, 1/3]")
    assert s.expected_questions == pytest.approx(5 / 3)
    assert s.entropy_bits == pytest.approx(math.log2(3))
    assert not s.dyadic


# -- the guessing game ------------------------------------------------------------------------------


@pytest.mark.parametrize("numbers", [2, 3, 5, 7, 8, 100, 1000, 1024])
def test_binary_search_finds_every_secret_within_ceil_log2_n(numbers):
    counts = []
    for secret in range(1, numbers + 1):
        asked = info.binary_search(numbers, secret)
        last = asked[-1]
        assert last.low_after == last.high_after == secret
        for question in asked:
            assert question.low <= secret <= question.high
            assert question.answer == (secret > question.pivot)
            # each question keeps half the candidates, rounded up or down
            assert question.candidates_after in (question.candidates // 2, (question.candidates + 1) // 2)
        counts.append(len(asked))
    assert max(counts) == math.ceil(math.log2(numbers))
    assert min(counts) == math.floor(math.log2(numbers))
    assert info.average_questions(numbers) == pytest.approx(np.mean(counts), abs=1e-12)
    # the average of whole questions can't beat the log2 N bits of information
    assert info.average_questions(numbers) >= math.log2(numbers) - 1e-12


@pytest.mark.parametrize("k", [1, 4, 10, 20])
def test_powers_of_two_take_exactly_log2_n_questions(k):
    numbers = 2**k
    for secret in (1, numbers // 3 + 1, numbers):
        assert len(info.binary_search(numbers, secret)) == k
    assert info.average_questions(numbers) == k


def test_story_game_defaults_and_non_powers_of_two():
    s = story()
    assert s.numbers == 1024 and s.question_count == 10 == s.worst_case_questions and s.power_of_two
    assert s.information_bits == 10.0
    assert s.questions[-1].low_after == s.secret
    s = story(numbers=1000, secret=1)
    assert not s.power_of_two
    assert s.worst_case_questions == 10 and s.best_case_questions == 9
    assert s.information_bits == pytest.approx(math.log2(1000))
    assert s.question_count in (9, 10)
    # a random secret comes from the seed and is the same every time
    assert story(numbers=100, seed=3).secret == story(numbers=100, seed=3).secret
    assert 1 <= story(numbers=100, seed=3).secret <= 100


# -- the story --------------------------------------------------------------------------------------


def test_story_defaults_are_the_closed_forms():
    s = story()
    # p = (1/2, 1/4, 1/8, 1/8): H = 1/2 + 2/4 + 3/8 + 3/8 = 7/4
    assert s.entropy_bits == pytest.approx(7 / 4)
    assert s.expected_questions == pytest.approx(7 / 4)
    assert s.code_lengths == (1, 2, 3, 3)
    # q = (1/8, 1/8, 1/4, 1/2): H(p, q) = 3/2 + 3/4 + 2/8 + 1/8 = 21/8, D = 21/8 - 14/8 = 7/8
    assert s.cross_entropy == pytest.approx(21 / 8)
    assert s.kl == pytest.approx(7 / 8)
    # the one-hot truth A: -log2(1/8) = 3 bits = 3 ln 2 nats
    assert s.truth_loss_bits == pytest.approx(3.0)
    assert s.truth_loss_nats == pytest.approx(3 * math.log(2))
    assert s.uniform_entropy_bits == pytest.approx(2.0) and s.one_hot_entropy_bits == 0.0


def test_nats_are_bits_times_ln2():
    bits, nats = story(unit="bits"), story(unit="nats")
    assert nats.unit == "nats"
    for field in ("entropy", "cross_entropy", "kl"):
        assert getattr(nats, field) == pytest.approx(getattr(bits, field) * math.log(2))
    assert nats.entropy_bits == bits.entropy_bits  # the questions stay in bits


@SETTINGS
@given(pairs)
def test_morph_shrinks_kl_to_zero(pair):
    p, q = pair
    s = info.entropy_story(numbers=8, secret="3", seed=0, p=p, q=q, truth="A", unit="bits")
    kls = [frame.kl for frame in s.morph]
    assert kls[0] == pytest.approx(s.kl)
    assert kls[-1] == 0.0
    np.testing.assert_array_equal(s.morph[-1].q, s.p)
    assert all(b <= a + 1e-12 for a, b in zip(kls, kls[1:]))  # D(p || q_t) is convex in t with its minimum at t = 1
    for frame in s.morph:
        assert frame.kl >= 0
        assert frame.q.sum() == pytest.approx(1.0)
        assert frame.cross_entropy == pytest.approx(s.entropy + frame.kl, abs=1e-9)


def test_almost_normalised_vectors_are_rescaled():
    s = story(p="[0.333, 0.333, 0.333]", q="[0.2, 0.3, 0.5]")
    assert s.p_rescaled and not s.q_rescaled
    assert s.p.sum() == pytest.approx(1.0, abs=1e-15)
    np.testing.assert_allclose(s.p, [1 / 3] * 3)


def test_json_has_the_numbers_the_video_shows():
    data = json.loads(story().to_json())
    for key in ("numbers", "secret", "questions", "question_count", "worst_case_questions", "p", "q",
                "entropy_bits", "codewords", "expected_questions", "truth_loss_bits", "truth_loss_nats",
                "cross_entropy", "kl", "morph"):
        assert key in data, key
    assert set(data["morph"][0]) == {"t", "q", "cross_entropy", "kl"}
    assert set(data["questions"][0]) >= {"low", "high", "pivot", "answer", "candidates"}


# -- bad input ------------------------------------------------------------------------------------


BAD = [
    ({"p": "[0.5, 0.6]"}, "p", "sum to 1"),
    ({"p": "[1.5, -0.5]"}, "p", "negative"),
    ({"p": "[1]"}, "p", "at least 2"),
    ({"p": str([1 / 9] * 9)}, "p", f"at most {info.MAX_OUTCOMES}"),
    ({"q": "[0.5, 0.5]"}, "q", "same length as p (4)"),
    ({"q": "[0, 0.5, 0.25, 0.25]"}, "q", "infinite"),
    ({"p": "[0.5, 0.5, 0]", "q": "[0.5, 0.5, 0]", "truth": "C"}, "truth", "infinite"),
    ({"truth": "E"}, "truth", "A-D"),
    ({"truth": "7"}, "truth", "letter"),
    ({"secret": "2000"}, "secret", "between 1 and numbers (1024)"),
    ({"secret": "0"}, "secret", "between 1"),
    ({"secret": "five"}, "secret", "whole number"),
    ({"numbers": "1"}, "numbers", "between 2"),
    ({"numbers": str(2**21)}, "numbers", "between 2"),
    ({"unit": "decibans"}, "unit", "bits, nats"),
]


@pytest.mark.parametrize(("overrides", "key", "words"), BAD, ids=[str(o) for o, _, _ in BAD])
def test_bad_input_is_a_parameter_error_naming_the_key(overrides, key, words):
    with pytest.raises(ParameterError) as err:
        story(**overrides)
    assert err.value.key == key
    assert words in err.value.message


def test_q_may_be_zero_where_p_is_zero():
    s = story(p="[0.5, 0.5, 0]", q="[0.25, 0.75, 0]")
    assert math.isfinite(s.kl) and s.code_lengths[2] is None and s.codewords[2] is None
    assert json.loads(s.to_json())["surprisal_bits"][2] is None  # -log2 0 = inf prints as null


@pytest.mark.parametrize("args", [
    ["--set", "q=[0, 0.5, 0.25, 0.25]"],
    ["--set", "p=[0.5, 0.6]"],
    ["--set", "q=[1, 0]"],
    ["--set", "secret=5000"],
])
def test_cli_bad_input_is_one_error_line(args):
    result = CliRunner().invoke(cli, ["numbers", "entropy_kl", *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
