"""The panel beside a plot and readouts bound to story paths (scenes/components/panel.py, readout.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from manim import Rectangle, config

from mathviz_scenes.components import style
from mathviz_scenes.components.panel import EDGE_GAP, Panel, frame_right, widest
from mathviz_scenes.components.readout import Readout, shown, story_value


@dataclass(frozen=True)
class Run:
    path: np.ndarray
    final_loss: float


@dataclass(frozen=True)
class Story:
    run: Run
    sums: dict
    zero: float = -0.0


STORY = Story(Run(np.array([[1.0, 2.0, 3.5], [0.5, 0.25, -1234.5678]]), 0.125),
              {"left": ({"n": 4, "error": None}, {"n": 8, "error": -0.0123})})


def test_story_paths_through_objects_dicts_lists_and_arrays() -> None:
    assert story_value(STORY, "run.path.1.2") == -1234.5678
    assert story_value(STORY, "sums.left.1.n") == 8
    assert story_value({"a": [{"b": 2}]}, "a.0.b") == 2
    with pytest.raises((KeyError, AttributeError, IndexError)):
        story_value(STORY, "run.nothing")
    assert np.isnan(shown(None)) and str(shown(-0.0)) == "0.0"


def test_readout_of_reads_its_value_from_the_story() -> None:
    readout = Readout.of(STORY, "L", "run.final_loss")
    assert readout.story_field == "run.final_loss" and readout.value == pytest.approx(0.125)
    assert readout.number.num_decimal_places == 3  # the one decimals rule
    equals = readout.label.family_members_with_points()[-1]
    assert readout.number.get_center()[1] == pytest.approx(equals.get_center()[1])
    big = Readout.of(STORY, "L", "run.path.1.2")
    assert big.number.num_decimal_places == 2  # six significant digits of -1234.5678
    assert Readout.of(STORY, "x", "zero").value == 0.0  # no "-0.000"


def test_bind_moves_to_another_path_and_keeps_the_left_edge() -> None:
    readout = Readout.of(STORY, "n", "sums.left.0.n", decimals=0)
    left = readout.number.get_left()
    readout.bind(STORY, "sums.left.1.n")
    assert readout.story_field == "sums.left.1.n" and readout.value == 8
    assert readout.number.get_left() == pytest.approx(left)


def test_panel_right_edge_is_the_frame_edge_less_one_gap() -> None:
    assert frame_right() == pytest.approx(config.frame_width / 2 - style.SAFE_MARGIN - EDGE_GAP)
    panel = Panel(1.5, 3.0)
    assert panel.width == pytest.approx(frame_right() - 1.5)


def test_place_puts_the_top_left_corner_and_shrinks_only_what_is_too_wide() -> None:
    panel = Panel(1.5, 3.0)
    small = panel.place(Rectangle(width=1.0, height=0.5))
    assert small.get_corner(np.array([-1, 1, 0]))[:2] == pytest.approx([1.5, 3.0])
    assert small.width == pytest.approx(1.0)
    wide = panel.place(Rectangle(width=20.0, height=1.0), top=2.0)
    assert wide.width == pytest.approx(panel.width) and wide.get_top()[1] == pytest.approx(2.0)
    assert panel.below(wide) == pytest.approx(wide.get_bottom()[1] - panel.row_gap)


def test_readouts_are_fitted_at_their_widest_value() -> None:
    panel = Panel(4.0, 3.0)
    readout = Readout.of(STORY, "L", "run.final_loss")
    values = [0.125, -98765.4321, 2.0]
    assert widest(readout, values) == -98765.4321
    panel.place(readout, values=values)
    assert readout.value == pytest.approx(0.125)  # shows its own value again
    readout.set_value(-98765.4321)
    assert readout.get_right()[0] <= panel.right + 1e-6  # and the widest still fits


def test_row_side_by_side_or_stacked() -> None:
    panel = Panel(0.0, 3.0)
    a, b = Readout.of(STORY, "a", "run.final_loss"), Readout.of(STORY, "b", "run.final_loss")
    panel.row([(a, [1.0]), (b, [2.0])], top=3.0)
    assert b.get_left()[0] > a.get_right()[0]  # room: one row ...
    assert max(a.get_top()[1], b.get_top()[1]) == pytest.approx(3.0)  # ... from the top given
    narrow = Panel(frame_right() - 1.2, 3.0)
    c, d = Readout.of(STORY, "c", "run.final_loss"), Readout.of(STORY, "d", "run.final_loss")
    narrow.row([(c, [1.0]), (d, [2.0])], top=3.0)
    assert d.get_top()[1] < c.get_bottom()[1]  # no room: stacked
