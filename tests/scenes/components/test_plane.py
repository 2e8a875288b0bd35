"""mathviz_scenes.components.plane: vector labels' backing and the segment-box test used to place them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import GREEN, BackgroundRectangle

from mathviz_scenes.components import style
from mathviz_scenes.components.plane import LABEL_BACKING, back_label, segment_meets_box, show_label


def test_a_backed_label_keeps_its_backing_translucent_when_shown_again() -> None:
    label = back_label(style.math("hat(i)", color=GREEN))
    backing = label.background_rectangle
    assert isinstance(backing, BackgroundRectangle) and backing in label.submobjects
    show_label(label, False)
    assert backing.get_fill_opacity() == 0 and all(m.get_fill_opacity() == 0 for m in label.family_members_with_points())
    show_label(label, True)
    # the glyphs opaque, the backing at LABEL_BACKING (set_opacity(1) alone would make it a solid patch)
    glyphs = [m for m in label.family_members_with_points() if m is not backing]
    assert all(m.get_fill_opacity() == 1 for m in glyphs)
    assert backing.get_fill_opacity() == pytest.approx(LABEL_BACKING)


def _samples_meet_box(start: np.ndarray, end: np.ndarray, center: np.ndarray, half: np.ndarray) -> bool:
    """Reference: many points along the segment, any inside the (closed) box."""
    t = np.linspace(0.0, 1.0, 20001)[:, None]
    points = start + t * (end - start)
    return bool(np.any(np.all(np.abs(points - center) <= half, axis=1)))


coordinate = st.floats(-3, 3, allow_nan=False, allow_infinity=False)
point = st.tuples(coordinate, coordinate).map(np.array)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(point, point, point, st.tuples(st.floats(0.05, 1.5), st.floats(0.05, 1.5)).map(np.array))
def test_segment_meets_box_agrees_with_sampling(start, end, center, half) -> None:
    exact = segment_meets_box(start, end, center, half)
    sampled = _samples_meet_box(start, end, center, half)
    if exact != sampled:
        # only a graze thinner than the sampling step may disagree: grow or shrink the box by a hair
        step = float(np.linalg.norm(end - start)) / 20000
        assert _samples_meet_box(start, end, center, half + step) if exact else not segment_meets_box(
            start, end, center, half - step)


@pytest.mark.parametrize("start, end, meets", [
    ((-2.0, 0.0), (2.0, 0.0), True),  # straight through
    ((-2.0, 1.5), (2.0, 1.5), False),  # passes above
    ((0.0, 0.0), (0.0, 0.0), True),  # a point inside
    ((1.2, 1.2), (3.0, 3.0), False),  # starts beyond the corner, leaves
    ((-2.0, 0.0), (-1.5, 0.0), False),  # stops short
])
def test_segment_meets_box_cases(start, end, meets) -> None:
    assert segment_meets_box(np.array(start), np.array(end), np.zeros(2), np.array([1.0, 1.0])) is meets
