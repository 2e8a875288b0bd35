"""mathviz.stories.softmax_cross_entropy against scipy.special, central differences and its invariances."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import log_softmax, logsumexp, softmax

from mathviz.params import ParameterError
from mathviz.pipeline.cli import cli
from mathviz.stories import softmax_cross_entropy as sce

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)
logit_lists = st.integers(sce.MIN_CLASSES, sce.MAX_CLASSES).flatmap(
    lambda n: arrays(float, n, elements=st.floats(-50, 50, allow_nan=False)))
temperatures = st.floats(0.05, 20)


def story(logits="[2, 1, 0.1, -1]", label="1", temperature="1") -> sce.SoftmaxStory:
    params = {p.name: p for p in sce.PARAMS}
    parsed_logits, parsed_label = params["logits"].parse(logits), params["label"].parse(label)
    parsed_temperature = params["temperature"].parse(temperature)
    assert isinstance(parsed_logits, np.ndarray) and isinstance(parsed_label, int) and isinstance(parsed_temperature, float)
    return sce.softmax_story(parsed_logits, parsed_label, parsed_temperature)


CASES = [
    ("[2, 1, 0.1, -1]", 1, 1.0),
    ("[1000, 1001, 1002]", 0, 1.0),  # the large logits
    ("[0.5, -0.5]", 1, 0.3),  # two classes, sharp
    ("[3, 3, 3, 1, -2, 0, 7, 7]", 4, 2.5),  # eight classes with ties
    ("[-9000, 9000]", 0, 0.01),  # p_label underflows to 0, the loss stays finite
]


@pytest.mark.parametrize("logits, label, temperature", CASES, ids=[c[0] for c in CASES])
def test_probabilities_loss_and_gradient_match_scipy(logits, label, temperature):
    s = story(logits, str(label), str(temperature))
    z = np.array(json.loads(logits), dtype=float)
    np.testing.assert_allclose(s.probabilities, softmax(z / temperature), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(s.log_probabilities, log_softmax(z / temperature), rtol=1e-12, atol=1e-12)
    assert s.loss == pytest.approx(-log_softmax(z / temperature)[label], rel=1e-12)
    assert s.log_sum_exp == pytest.approx(logsumexp(z / temperature), rel=1e-14)
    assert s.loss_bits == pytest.approx(s.loss / math.log(2), rel=1e-15)
    onehot = np.eye(z.size)[label]
    np.testing.assert_allclose(s.gradient, (softmax(z / temperature) - onehot) / temperature, rtol=1e-12, atol=1e-15)
    assert s.probabilities.sum() == pytest.approx(1.0, abs=1e-15)
    assert abs(s.gradient_sum) < 1e-12 / temperature
    assert math.isfinite(s.loss) and s.shift_invariant


@pytest.mark.parametrize("logits, label, temperature", CASES[:4], ids=[c[0] for c in CASES[:4]])
def test_gradient_matches_central_differences(logits, label, temperature):
    s = story(logits, str(label), str(temperature))
    z = s.logits
    h = 1e-6 * max(1.0, float(np.max(np.abs(z))))
    numeric = np.array([
        (sce.cross_entropy(z + h * e, label, temperature) - sce.cross_entropy(z - h * e, label, temperature)) / (2 * h)
        for e in np.eye(z.size)
    ])
    # rounding in L(z +- h) is about eps |z| / T over a step h = 1e-6 |z|
    np.testing.assert_allclose(s.gradient, numeric, atol=1e-6 * max(1.0, float(np.max(np.abs(z)))) / temperature)


def test_large_logits_are_stable_where_the_textbook_formula_is_not():
    s = story("[1000, 1001, 1002]", "0")
    assert np.all(np.isfinite(s.probabilities))
    # the textbook formula: exp(1000) = inf, inf / inf = nan
    assert not np.any(np.isfinite(s.naive_probabilities)) and s.naive_overflows
    data = json.loads(s.to_json())
    assert data["naive_probabilities"] == [None, None, None]
    # shifted so the largest scaled logit is 0: exps are at most 1 and the biggest is exactly 1
    assert s.exps.max() == 1.0 and np.all(s.exps <= 1.0)
    np.testing.assert_allclose(s.probabilities, softmax([0.0, 1.0, 2.0]), rtol=1e-13)


def test_default_shift_breaks_the_naive_formula_but_not_softmax():
    s = story()
    np.testing.assert_allclose(s.naive_probabilities, s.probabilities, rtol=1e-13)  # small logits: both fine
    assert s.shift == sce.SHIFT * s.temperature and s.naive_overflows
    np.testing.assert_allclose(s.shifted_probabilities, s.probabilities, rtol=1e-12)


@SETTINGS
@given(logit_lists, st.floats(-500, 500, allow_nan=False), temperatures)
def test_adding_a_constant_changes_nothing(z, shift, temperature):
    np.testing.assert_allclose(sce.softmax(z + shift, temperature), sce.softmax(z, temperature), rtol=1e-9, atol=1e-300)


@SETTINGS
@given(logit_lists, temperatures, st.data())
def test_one_step_never_lowers_p_label_and_the_gradient_sums_to_zero(z, temperature, data):
    label = data.draw(st.integers(0, z.size - 1))
    s = sce.softmax_story(z, label, temperature)
    assert s.step.p_label_after >= s.step.p_label_before
    if s.step.p_label_before < 0.99:  # raising it is visible unless it is already nearly 1
        assert s.step.p_label_after > s.step.p_label_before
        assert s.step.loss < s.loss
    np.testing.assert_allclose(s.step.logits, z - sce.LEARNING_RATE * s.gradient, rtol=1e-15)
    assert abs(s.gradient.sum()) <= 1e-12 * max(1.0, 1 / temperature)
    # p - onehot: only the label's entry is negative
    assert s.gradient[label] <= 0 and np.all(np.delete(s.gradient, label) >= 0)


def test_temperature_sharpens_and_flattens():
    s = story()
    temps = [p.temperature for p in s.sweep]
    assert temps == sorted(temps) and s.temperature in temps
    entropies = [p.entropy for p in s.sweep]
    # lower temperature, lower entropy: sharper; the limit is one-hot at the argmax, uniform as T grows
    assert all(a < b for a, b in zip(entropies, entropies[1:]))
    assert entropies[-1] < math.log(len(s.logits))
    for point in s.sweep:
        np.testing.assert_allclose(point.probabilities, softmax(s.logits / point.temperature), rtol=1e-12)
        p = point.probabilities
        assert point.entropy == pytest.approx(-np.sum(p * np.log(p)), rel=1e-12)
    assert int(np.argmax(s.sweep[0].probabilities)) == s.predicted == 0


def test_ties_get_equal_probability():
    s = story("[3, 3, 3, 1, -2, 0, 7, 7]", "6")
    assert s.probabilities[6] == s.probabilities[7] and s.probabilities[0] == s.probabilities[1]


BAD = [
    ({"logits": "[1]"}, "logits", "at least 2"),
    ({"logits": "[1, 2, 3, 4, 5, 6, 7, 8, 9]"}, "logits", "at most 8"),
    ({"logits": "[1, nan]"}, "logits", ""),
    ({"logits": "[[1, 2]]"}, "logits", "flat list"),
    ({"logits": "[1e9, 0]"}, "logits", "at most"),
    ({"label": "3", "logits": "[1, 2]"}, "label", "from 0 to 1"),
    ({"label": "-1"}, "label", "between 0"),
    ({"label": "one"}, "label", "whole number"),
    ({"temperature": "0"}, "temperature", "at least 0.001"),
    ({"temperature": "-1"}, "temperature", "at least 0.001"),
    ({"temperature": "1e-300"}, "temperature", "at least 0.001"),
    ({"temperature": "1000"}, "temperature", "at most"),
]


@pytest.mark.parametrize("overrides, key, words", BAD, ids=[str(o) for o, _, _ in BAD])
def test_bad_input_is_a_parameter_error_naming_the_key(overrides, key, words):
    with pytest.raises(ParameterError) as err:
        story(**overrides)
    assert err.value.key == key
    assert words in err.value.message


def test_the_story_refuses_a_temperature_that_overflows_even_past_the_parser():
    with pytest.raises(ParameterError) as err:
        sce.softmax_story(np.array([9000.0, 0.0]), 0, 1e-320)
    assert err.value.key == "temperature" and "overflows" in err.value.message


@SETTINGS
@given(logit_lists.map(lambda z: z * 200), st.sampled_from([sce.MIN_TEMPERATURE, 0.01, 1.0, sce.MAX_TEMPERATURE]))
def test_every_number_is_finite_down_to_the_smallest_temperature(z, temperature):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sce.softmax_story(z, 0, temperature)
    assert math.isfinite(s.loss) and math.isfinite(s.step.loss) and np.all(np.isfinite(s.gradient))


def test_numerics_stay_quiet():
    # numpy's default error state (warn on overflow, divide, invalid), every warning an error: stderr stays clean
    with np.errstate(all="warn", under="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        for logits, label, temperature in CASES:
            # the naive formula is the one place overflow is expected; it silences its own warning
            story(logits, str(label), str(temperature))


@pytest.mark.parametrize("args", [
    ["--set", "logits=[1]"],
    ["--set", "label=5"],
    ["--set", "temperature=0"],
    ["--set", "logits=[1, inf]"],
    ["--set", "logits=__import__('os')"],
])
def test_cli_bad_input_is_one_error_line(args):
    result = CliRunner().invoke(cli, ["numbers", "softmax_cross_entropy", *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr


def test_cli_prints_large_logits_as_json():
    result = CliRunner().invoke(cli, ["numbers", "softmax_cross_entropy", "--set", "logits=[1000, 1001, 1002]",
                                      "--set", "label=0"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["probabilities"] == pytest.approx(list(softmax([0.0, 1.0, 2.0])), rel=1e-12)
    assert data["shift_invariant"] is True and data["naive_probabilities"] == [None, None, None]
