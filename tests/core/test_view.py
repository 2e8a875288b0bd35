"""The one tick- and grid-step rule (mathviz/view.py) against its definition."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mathviz.view import STEP_SLACK, nice_step


@pytest.mark.parametrize(("size", "step"), [(0.3, 0.5), (1.0, 1.0), (1.2, 2.0), (2.0, 2.0), (4.9, 5.0), (5.1, 10.0),
                                            (37.0, 50.0), (0.0042, 0.005), (7e5, 1e6)])
def test_one_two_five_steps(size: float, step: float) -> None:
    assert nice_step(size) == pytest.approx(step, rel=1e-12)


def test_quarter_steps_when_asked() -> None:
    assert nice_step(0.22, mantissas=(1, 2, 2.5, 5)) == pytest.approx(0.25)
    assert nice_step(0.22) == pytest.approx(0.5)


def test_a_step_a_hair_short_still_serves() -> None:
    # (hi - lo) / count lands a rounding error above a round number: the round number is the step
    assert nice_step(0.6 / 3) == pytest.approx(0.2)
    assert nice_step(2.0 * (1 + 0.5 * STEP_SLACK)) == pytest.approx(2.0)
    assert nice_step(2.0 * (1 + 2 * STEP_SLACK)) == pytest.approx(5.0)


def test_empty_span() -> None:
    assert nice_step(0.0) == 1.0


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.floats(1e-9, 1e9))
def test_smallest_round_step_not_below_size(size: float) -> None:
    step = nice_step(size)
    exponent = math.floor(math.log10(step) + 1e-9)
    assert round(step / 10.0**exponent, 9) in (1.0, 2.0, 5.0)
    assert step >= size * (1 - STEP_SLACK)
    # the next smaller round step would be too small
    smaller = {1.0: 0.5, 2.0: 1.0, 5.0: 2.0}[round(step / 10.0**exponent, 9)] * 10.0**exponent
    assert smaller < size * (1 - STEP_SLACK)
