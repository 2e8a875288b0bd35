"""mathviz.stories.expectation_lln: expectation and variance against closed forms and exact fractions, the seeded
simulation against its confidence bounds, the gambler's-fallacy frequencies against brute force and scipy.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from mathviz.params import ParameterError
from mathviz.pipeline import registry
from mathviz.pipeline.cli import cli
from mathviz.stories import expectation_lln as prob

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)
SEEDS = [0, 1, 7, 2024, 99991]


def story(**overrides):
    return registry.get("expectation_lln").build_story({k: str(v) for k, v in overrides.items()})


payoffs = st.integers(0, 10**6) | st.floats(0, 1e6, allow_nan=False).map(lambda v: round(v, 2))
face_sets = st.sets(st.integers(1, 6)).map(lambda s: tuple(sorted(s)))


# -- expectation and variance ---------------------------------------------------------------------


def test_default_game_loses_a_third_of_a_hundred():
    # E = 300 * 2/6 + (-200) * 4/6 = -100/3, written out by hand
    exact = Fraction(300) * Fraction(2, 6) + Fraction(-200) * Fraction(4, 6)
    assert exact == Fraction(-100, 3)
    s = story()
    assert s.expectation_exact == "-100/3"
    assert s.expectation == pytest.approx(-100 / 3, rel=1e-14)
    assert s.expectation < 0 and not s.fair
    # two-point variance p (1 - p) (win + lose)^2 with p = 1/3
    assert s.variance == pytest.approx(1 / 3 * 2 / 3 * 500**2, rel=1e-13)
    assert s.std == pytest.approx(math.sqrt(500**2 * 2 / 9), rel=1e-13)
    assert [r.payoff for r in s.table] == [300, 300, -200, -200, -200, -200]
    assert [r.probability for r in s.table] == pytest.approx([1 / 6] * 6)
    assert [(o.payoff, o.faces) for o in s.outcomes] == [(300, (1, 2)), (-200, (3, 4, 5, 6))]
    assert [o.probability for o in s.outcomes] == pytest.approx([2 / 6, 4 / 6])


@SETTINGS
@given(win=payoffs, lose=payoffs, faces=face_sets)
def test_expectation_and_variance_match_closed_forms_and_exact_enumeration(win, lose, faces):
    table = prob.face_table(win, lose, faces)
    x = [r.payoff for r in table]
    p = [r.probability for r in table]
    w = len(faces) / 6
    mean, var = prob.expectation(x, p), prob.variance(x, p)
    scale = max(win, lose, 1.0)
    # closed forms of a two-point game
    assert mean == pytest.approx(win * w - lose * (1 - w), abs=1e-12 * scale)
    assert var == pytest.approx(w * (1 - w) * (win + lose) ** 2, rel=1e-12, abs=1e-12 * scale**2)
    # exact enumeration over the six faces in rational arithmetic
    exact = {f: Fraction(repr(float(win))) if f in faces else -Fraction(repr(float(lose))) for f in range(1, 7)}
    exact_mean = sum(exact.values(), Fraction(0)) / 6
    exact_var = sum(((v - exact_mean) ** 2 for v in exact.values()), Fraction(0)) / 6
    assert prob.exact_expectation(table) == exact_mean
    assert mean == pytest.approx(float(exact_mean), abs=1e-12 * scale)
    assert var == pytest.approx(float(exact_var), rel=1e-12, abs=1e-12 * scale**2)
    # numpy's population variance of the six equally likely payoffs
    assert var == pytest.approx(float(np.var(x)), rel=1e-9, abs=1e-9 * scale**2)


def test_outcomes_group_the_table_by_payoff():
    table = prob.face_table(5, 3, (2, 4, 6))
    outcomes = prob.outcomes_of(table)
    assert [(o.payoff, o.faces, o.wins) for o in outcomes] == [(5, (2, 4, 6), True), (-3, (1, 3, 5), False)]
    assert sum(o.probability for o in outcomes) == pytest.approx(1.0)
    assert [o.faces for o in prob.outcomes_of(prob.face_table(5, 3, range(1, 7)))] == [(1, 2, 3, 4, 5, 6)]
    assert [o.wins for o in prob.outcomes_of(prob.face_table(5, 3, ()))] == [False]


# -- the simulation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_simulated_means_are_within_four_standard_errors_of_E(seed):
    s = story(seed=seed, rounds=20000, runs=8)
    bound = 4 * s.std / math.sqrt(s.rounds)
    assert np.all(np.abs(s.final_averages - s.expectation) <= bound), (s.final_averages, s.expectation, bound)
    pooled = s.payoffs.mean()
    assert abs(pooled - s.expectation) <= 4 * s.std / math.sqrt(s.payoffs.size)
    np.testing.assert_allclose(s.final_errors, s.final_averages - s.expectation, atol=1e-12)


def test_the_die_is_fair_and_the_payoffs_follow_the_table():
    s = story(seed=3, rounds=60000, runs=2, winning_faces="[2, 4, 6]", win=10, lose=4)
    counts = np.bincount(s.faces.ravel(), minlength=7)[1:]
    assert counts.sum() == s.faces.size and s.faces.min() >= 1 and s.faces.max() <= 6
    # each face count within 4 binomial standard deviations of N/6
    sd = math.sqrt(s.faces.size * (1 / 6) * (5 / 6))
    assert np.all(np.abs(counts - s.faces.size / 6) <= 4 * sd), counts
    expected = np.where(np.isin(s.faces, [2, 4, 6]), 10.0, -4.0)
    np.testing.assert_array_equal(s.payoffs, expected)
    assert s.wins_total == int(np.isin(s.faces, [2, 4, 6]).sum())
    assert s.win_frequency == pytest.approx(s.wins_total / s.faces.size)


def test_rolls_are_numpys_seeded_generator_and_deterministic():
    s = story(seed=11, rounds=500, runs=3)
    reference = np.random.default_rng(11).integers(1, 7, size=(3, 500))
    np.testing.assert_array_equal(s.faces, reference)
    again = story(seed=11, rounds=500, runs=3)
    assert again.to_json() == s.to_json()
    np.testing.assert_array_equal(again.payoffs, s.payoffs)
    other = story(seed=12, rounds=500, runs=3)
    assert not np.array_equal(other.faces, s.faces)
    # run 0 does not depend on how many runs are drawn
    np.testing.assert_array_equal(story(seed=11, rounds=500, runs=1).faces[0], s.faces[0])


def test_running_averages_are_cumulative_sums_over_n():
    s = story(seed=5, rounds=3000, runs=4)
    np.testing.assert_allclose(s.final_averages, s.payoffs.sum(axis=1) / s.rounds, rtol=0, atol=1e-9)
    assert s.sample_n[0] == 1 and s.sample_n[-1] == s.rounds
    assert np.all(np.diff(s.sample_n) > 0)
    for i in (0, 1, 9, len(s.sample_n) // 2, len(s.sample_n) - 1):
        n = int(s.sample_n[i])
        for r in range(s.runs):
            assert s.running[r][i] == pytest.approx(sum(s.payoffs[r, :n].tolist()) / n, abs=1e-9)
    np.testing.assert_allclose(s.running[:, -1], s.final_averages, atol=1e-12)
    # the first average is the first payoff
    np.testing.assert_array_equal(s.running[:, 0], s.payoffs[:, 0])


def test_sampled_rounds_are_log_spaced_and_include_every_small_n():
    n = prob.sample_rounds(100000)
    assert n[0] == 1 and n[-1] == 100000 and len(n) <= prob.CURVE_SAMPLES
    np.testing.assert_array_equal(n[:15], np.arange(1, 16))
    # past the small whole numbers, the steps are even on the log scale
    gaps = np.diff(np.log10(n[n >= 300]))
    assert gaps.max() <= 1.2 * math.log10(100000) / (prob.CURVE_SAMPLES - 1)


def test_band_is_two_standard_errors_and_holds_most_averages():
    s = story()
    np.testing.assert_allclose(s.band, 2 * s.std / np.sqrt(s.sample_n), rtol=1e-14)
    assert s.final_band == pytest.approx(2 * s.std / math.sqrt(s.rounds), rel=1e-14)
    assert prob.band_half_width(100, 10.0, 3.0) == pytest.approx(3.0)
    # the fraction inside, recounted directly. The band is closed and its edge is reached exactly
    # (|3W - n| = 2 sqrt(2n) when 2n is a square), so rounding gets a tolerance.
    n = np.arange(1, s.rounds + 1)
    averages = np.cumsum(s.payoffs, axis=1) / n
    inside = np.abs(averages - s.expectation) <= 2 * s.std / np.sqrt(n) + 1e-9
    assert s.inside_band == pytest.approx(inside.mean(), abs=1e-12)
    assert s.inside_band_percent == pytest.approx(100 * inside.mean(), abs=1e-10)
    assert s.inside_band > 0.8


def test_band_coverage_at_a_fixed_n_is_about_95_percent_over_many_seeds():
    # at n = 400 the CLT makes P(|A_n - E| <= 2 sigma / sqrt(n)) about 0.954 (a lattice variable: roughly)
    table = prob.face_table(300, 200, (1, 2))
    mean, std = -100 / 3, math.sqrt(500**2 * 2 / 9)
    _, payoffs = prob.play(table, runs=4000, rounds=400, seed=123)
    final = payoffs.mean(axis=1)
    covered = np.mean(np.abs(final - mean) <= prob.band_half_width(400, std))
    # binomial sd of the coverage over 4000 runs is about 0.0033; allow the lattice's few-percent bias
    assert 0.92 <= covered <= 0.98


# -- the gambler's fallacy ---------------------------------------------------------------------------


def brute_force_streaks(won, max_k):
    counts, wins = [0] * max_k, [0] * max_k
    for row in won:
        for t in range(len(row)):
            for k in range(1, max_k + 1):
                if t >= k and not any(row[t - k:t]):
                    counts[k - 1] += 1
                    wins[k - 1] += int(row[t])
    return counts, wins


@pytest.mark.parametrize("seed", [0, 4, 9])
def test_streak_counts_match_brute_force(seed):
    won = np.random.default_rng(seed).random((3, 150)) < 1 / 3
    counts, wins = brute_force_streaks(won.tolist(), 6)
    got = prob.streak_frequencies(won, max_k=6)
    assert [g.count for g in got] == counts
    assert [g.wins for g in got] == wins
    assert [g.k for g in got] == list(range(1, 7))


@pytest.mark.parametrize("seed", SEEDS)
def test_win_frequency_after_losing_streaks_is_still_one_third(seed):
    s = story(seed=seed, rounds=20000, runs=5)
    p = 1 / 3
    for rec in s.streaks:
        assert rec.count > 1000
        # within 4 binomial standard errors of p: the die has no memory
        assert abs(rec.frequency - p) <= 4 * math.sqrt(p * (1 - p) / rec.count), rec
        assert rec.frequency == pytest.approx(rec.wins / rec.count)


def test_wilson_intervals_match_scipy():
    s = story()
    for rec in s.streaks:
        ci = stats.binomtest(rec.wins, rec.count).proportion_ci(confidence_level=s.confidence, method="wilson")
        assert (rec.ci_low, rec.ci_high) == pytest.approx((ci.low, ci.high), abs=1e-12)
    for k, n in ((0, 10), (10, 10), (3, 7), (500, 1500)):
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.99, method="wilson")
        assert prob.wilson_interval(k, n, 0.99) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_longest_losing_streak_matches_brute_force_and_its_dilution():
    won = np.array([1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0], bool)
    streak = prob.longest_losing_streak(won, np.where(won, 4.0, -2.0), mean=-0.5)
    # the first of the two longest runs of losses: rounds 5, 6, 7
    assert (streak.length, streak.first_round, streak.last_round) == (3, 5, 7)
    assert streak.excess == pytest.approx(3 * (-2.0 + 0.5))
    assert streak.shift_after == pytest.approx(streak.excess / 7)
    assert streak.average_after == pytest.approx((4 - 2 - 2 + 4 - 2 - 2 - 2) / 7)
    assert streak.shift_at_end == pytest.approx(streak.excess / 14)
    assert (streak.rounds_after, streak.wins_after) == (7, 3)
    assert streak.win_rate_after == pytest.approx(3 / 7)
    assert prob.longest_losing_streak(np.ones(5, bool), np.ones(5), 1.0) is None

    s = story()
    row = (~np.isin(s.faces[0], s.winning_faces)).tolist()
    best, run = 0, 0
    for lost in row:
        run = run + 1 if lost else 0
        best = max(best, run)
    ls = s.longest_streak
    assert ls.length == best
    assert all(row[ls.first_round - 1:ls.last_round]) and ls.last_round - ls.first_round + 1 == best
    # what the streak moved the sum by, and so the average at the end, from the payoffs themselves
    segment = s.payoffs[0, ls.first_round - 1:ls.last_round]
    assert ls.excess == pytest.approx(float(np.sum(segment - s.expectation)), rel=1e-12)
    assert ls.excess == pytest.approx(ls.length * (-s.lose - s.expectation), rel=1e-12)
    assert ls.shift_at_end == pytest.approx(ls.excess / s.rounds)
    assert ls.average_after == pytest.approx(s.payoffs[0, :ls.last_round].mean(), rel=1e-12)


# -- edge cases -------------------------------------------------------------------------------------


def test_fair_game_has_expectation_exactly_zero():
    s = story(win=200, lose=100, winning_faces=2)
    assert s.fair and s.expectation_exact == "0"
    assert s.expectation == pytest.approx(0.0, abs=1e-12)
    assert s.std > 0


def test_every_face_winning_has_no_spread_and_no_streaks():
    s = story(winning_faces=6, rounds=200, runs=3)
    assert s.expectation == 300 and s.variance == 0 and s.std == 0
    np.testing.assert_array_equal(s.running, np.full_like(s.running, 300.0))
    np.testing.assert_array_equal(s.band, 0.0)
    assert s.inside_band == 1.0
    assert all(r.count == 0 and r.frequency is None for r in s.streaks)
    assert s.longest_streak is None
    data = json.loads(s.to_json())
    assert data["longest_streak"] is None and data["streaks"][0]["frequency"] is None


def test_no_winning_face_loses_every_round():
    s = story(winning_faces=0, rounds=150, runs=1)
    assert s.expectation == -200 and s.std == 0 and s.p_win == 0
    assert [r.frequency for r in s.streaks] == [0.0] * prob.MAX_STREAK
    assert s.longest_streak.length == 150 and s.longest_streak.excess == pytest.approx(0, abs=1e-9)
    assert s.longest_streak.win_rate_after is None


def test_extreme_payoffs_and_a_single_run():
    s = story(win=1e6, lose=0.5, winning_faces="[6]", runs=1, rounds=100)
    assert s.expectation == pytest.approx(1e6 / 6 - 0.5 * 5 / 6)
    assert s.running.shape == (1, len(s.sample_n))
    assert np.all(s.running >= -0.5) and np.all(s.running <= 1e6)
    assert json.loads(s.to_json())["runs"] == 1


@pytest.mark.parametrize("text, faces", [("2", (1, 2)), ("0", ()), ("6", (1, 2, 3, 4, 5, 6)), ("[2, 4, 6]", (2, 4, 6)),
                                         ("[6,1]", (1, 6)), ("[]", ()), ("(3,)", (3,))])
def test_winning_faces_parser(text, faces):
    assert prob.faces_parser("winning_faces")(text) == faces


BAD = [
    ({"runs": "0"}, "runs"), ({"runs": "9"}, "runs"), ({"rounds": "99"}, "rounds"), ({"rounds": "100001"}, "rounds"),
    ({"rounds": "1e4"}, "rounds"), ({"win": "-1"}, "win"), ({"lose": "2e6"}, "lose"), ({"win": "nan"}, "win"),
    ({"winning_faces": "7"}, "winning_faces"), ({"winning_faces": "[1, 1]"}, "winning_faces"),
    ({"winning_faces": "[0]"}, "winning_faces"), ({"winning_faces": "[1.5]"}, "winning_faces"),
    ({"winning_faces": "[[1]]"}, "winning_faces"), ({"winning_faces": "dice"}, "winning_faces"),
    ({"winning_faces": "[1, 2"}, "winning_faces"), ({"seed": "-1"}, "seed"),
    ({"win": "0", "lose": "0"}, "win"), ({"winning_faces": "0", "lose": "0"}, "lose"),
    ({"winning_faces": "6", "win": "0"}, "win"), ({"colour": "red"}, "colour"),
]


@pytest.mark.parametrize("overrides, key", BAD, ids=[",".join(f"{k}={v}" for k, v in o.items()) for o, _ in BAD])
def test_bad_input_is_a_parameter_error_naming_the_key(overrides, key):
    with pytest.raises(ParameterError) as err:
        registry.get("expectation_lln").build_story(overrides)
    assert err.value.key == key
    assert "\n" not in str(err.value)


def test_story_function_checks_ranges_itself():
    with pytest.raises(ParameterError, match="runs: must be between 1 and 8"):
        prob.expectation_story(win=300, lose=200, winning_faces=(1, 2), rounds=1000, runs=9, seed=0)
    with pytest.raises(ParameterError, match="rounds"):
        prob.expectation_story(win=300, lose=200, winning_faces=(1, 2), rounds=10**6, runs=1, seed=0)


@pytest.mark.parametrize("args", [["--set", "runs=12"], ["--set", "winning_faces=[1,9]"], ["--set", "rounds=abc"],
                                  ["--set", "win=0", "--set", "lose=0"]])
def test_cli_bad_input_is_one_error_line(args):
    result = CliRunner().invoke(cli, ["numbers", "expectation_lln", *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert args[1].split("=")[0] in lines[0]


def test_cli_numbers_prints_the_story_without_the_raw_rolls():
    result = CliRunner().invoke(cli, ["numbers", "expectation_lln", "--set", "rounds=1000"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["expectation"] == pytest.approx(-100 / 3)
    assert "faces" not in data and "payoffs" not in data
    assert len(data["running"]) == 5 and len(data["running"][0]) == len(data["sample_n"])
    assert len(data["streaks"]) == prob.MAX_STREAK
