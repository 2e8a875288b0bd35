"""The one number formatter and decimals rule (scenes/components/numbers.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mathviz_scenes.components.numbers import counted, decimals_for, fmt, noun_for, signed, typst_matrix, typst_number
from tests.scenes.shown import shown


@pytest.mark.parametrize(("value", "text"), [
    (2.0, "2"), (2.0004, "2"), (0.5, "0.5"), (12.345, "12.3"), (-1.25, "−1.25"), (1234.4, "1234"),
    (0.00123, "0.00123"), (0.0003, "3×10⁻⁴"), (123456.0, "1.23×10⁵"), (-0.0, "0"), (1e-15, "0"),
    (None, "-"), (math.nan, "-"), (math.inf, "-"),
])
def test_house_format_three_significant_digits(value: float | None, text: str) -> None:
    assert fmt(value) == text


@pytest.mark.parametrize(("value", "decimals", "kwargs", "text"), [
    (1.25, 3, {}, "1.250"), (-0.0001, 3, {}, "−1×10⁻⁴"), (-1e-12, 3, {}, "0.000"), (1.25, 3, {"trim": True}, "1.25"),
    (3.0, 2, {"trim": "whole"}, "3"), (2.5, 2, {"trim": "whole"}, "2.50"), (12345.6, 0, {"group": True}, "12,346"),
    (-0.0004, 3, {"math": True}, "-4 times 10^(-4)"), (0.0, 2, {"zero": "0"}, "0"), (0.0, 2, {}, "0.00"),
    (-0.001, 2, {"trim": True}, "−1×10⁻³"), (-0.004, 2, {}, "−4×10⁻³"), (-0.006, 2, {}, "−0.01"),
])
def test_fixed_places(value: float, decimals: int, kwargs: dict, text: str) -> None:
    assert fmt(value, decimals, **kwargs) == text


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.floats(-1e4, 1e4, allow_nan=False), st.integers(0, 4))
def test_fixed_places_never_lie(value: float, decimals: int) -> None:
    text = fmt(value, decimals)
    if "×" in text:  # shown with a power of ten only when the places would round a nonzero value to 0
        assert value != 0 and round(abs(value), decimals) <= 10.0**-decimals
        return
    assert "-" not in text  # the minus sign, never the hyphen
    assert not text.startswith("−0") or shown(text) != 0
    assert shown(text) == pytest.approx(value, abs=0.5 * 10.0**-decimals + 1e-9 * max(1.0, abs(value)))


def test_decimals_rule() -> None:
    assert decimals_for(10244.637) == 1  # six significant digits of the largest
    assert decimals_for([0.5, 2.0]) == 3  # at most three places ...
    assert decimals_for(0.000335) == 6  # ... unless a small value would lose its three significant digits
    assert decimals_for(0.05) == 4
    assert decimals_for([1.0, None, np.nan], least=1) == 3
    assert decimals_for(123456.0, least=1) == 1
    assert decimals_for(0.0) == decimals_for(1.0) == 3
    assert decimals_for(np.array([[0.2, 4.0], [7.5, 1.0]]), significant=3, most=8) == 2


def test_signed_terms() -> None:
    assert signed(-1.234, 3) == "− 1.234"
    assert signed(0.5, 3) == "+ 0.500"
    assert signed(-1e-12, 3) == "+ 0.000"  # no "− 0.000"
    assert signed(-2e-4, 3, math=True) == "- 2 times 10^(-4)"


def test_typst_numbers_and_matrices() -> None:
    assert typst_number(123456.0) == "1.23 times 10^(5)"
    assert typst_matrix([[1, 2], [3, 4.5]]) == "mat(1, 2; 3, 4.5)"
    assert typst_matrix([[2e5, 1e5], [0, 3e5]]) == "10^(5) mat(2, 1; 0, 3)"
    assert typst_matrix([[1e-4, 2e-4], [0, 1e-5]]) == "10^(-4) mat(1, 2; 0, 0.1)"


def test_counted_nouns_agree_with_their_number() -> None:
    assert [counted(n, "step") for n in (0, 1, 2, 500)] == ["0 steps", "1 step", "2 steps", "500 steps"]
    assert noun_for(1, "axis", "axes") == "axis" and noun_for(3, "axis", "axes") == "axes"
