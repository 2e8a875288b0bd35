"""The softmax_cross_entropy scene draws the story: bars, readouts and the loss curve read back from the built scene."""

from __future__ import annotations

import numpy as np
import pytest
from manim import config

from mathviz_scenes.components import style
from tests.conftest import bounds, boxes_overlap, build_checked, dry_run_scene

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    # eight classes with ties and the large logits, a cold temperature
    {"logits": "[1000, 1001, 1002, 1002, 999, 1000, -1000, 1001]", "label": "6", "temperature": "0.05"},
    # two classes, hot: nearly uniform, no overflow in the textbook formula
    {"logits": "[0.5, -0.5]", "label": "0", "temperature": "100"},
    # p_label underflows to 0: a huge loss, finite
    {"logits": "[-9000, 9000, 0]", "label": "0", "temperature": "1"},
]
#: Keys `mathviz numbers softmax_cross_entropy` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"probabilities", "loss", "gradient", "shift_invariant", "logits", "label", "temperature", "step", "sweep"}

BEATS = ["exponentiate", "temperature", "shift", "loss", "gradient", "step"]


def _media(tmp_path_factory):
    return tmp_path_factory.getbasetemp() / "softmax-media"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_checked("softmax_cross_entropy", media_dir=_media(tmp_path_factory), frame_rate=2)


@pytest.fixture(scope="module")
def scene(built):
    return built[0]


def _draw(overrides, tmp_path_factory):
    with dry_run_scene("softmax_cross_entropy", overrides, media_dir=_media(tmp_path_factory)) as s:
        s.build_logit_chart()
        s.build_probability_chart()
        s.build_softmax_panel()
        s.build_shift_panel()
        s.build_loss_panel()
        s.build_gradient_chart()
        s.build_gradient_panel()
        s.build_step_panel()
    return s


@pytest.fixture(scope="module", params=["defaults", "eight", "two", "underflow"])
def any_scene(request, tmp_path_factory):
    if request.param == "defaults":
        return request.getfixturevalue("scene")
    return _draw(STRESS[["eight", "two", "underflow"].index(request.param)], tmp_path_factory)


def test_frames_are_clean(built):
    assert built[1] == []


def test_one_caption_per_beat_in_both_languages(scene):
    assert [c.name for c in scene.captions] == BEATS
    assert all(c.en and c.zh for c in scene.captions)
    assert 25 <= scene.captions[-1].end <= 70


def test_bars_read_back_are_the_story(any_scene):
    s = any_scene.story
    np.testing.assert_allclose(any_scene.logit_bars.values(), s.logits, rtol=1e-9, atol=1e-9 * max(1, np.abs(s.logits).max()))
    np.testing.assert_allclose(any_scene.prob_bars.values(), s.probabilities, atol=1e-9)
    np.testing.assert_allclose(any_scene.gradient_bars.values(), s.gradient, atol=1e-9 * max(1.0, np.abs(s.gradient).max()))
    printed = [float(label.text) for label in any_scene.prob_bars.labels]
    np.testing.assert_allclose(printed, s.probabilities, rtol=5e-3, atol=5e-3)  # two decimals past five bars
    # the true class is the one boxed
    box_x = any_scene.prob_axes.p2c(any_scene.label_box.get_center())[0]
    assert s.label < box_x < s.label + 1


def test_step_bars_and_readouts(scene):
    s = scene.story
    np.testing.assert_allclose(scene.stepped_bars.values(), s.step.probabilities, atol=1e-9)
    assert scene.p_after_readout.value == pytest.approx(s.step.p_label_after, abs=5e-4)
    assert scene.p_after_readout.value > scene.p_before_readout.value
    assert scene.loss_after_readout.value < scene.loss_readout.value


def test_loss_dot_sits_on_the_curve_at_p_label(scene):
    s = scene.story
    p, loss = scene.loss_axes.p2c(scene.loss_dot.get_center())
    assert p == pytest.approx(s.probabilities[s.label], abs=1e-6)
    assert loss == pytest.approx(-np.log(p), rel=1e-6)
    assert scene.loss_readout.value == pytest.approx(s.loss, abs=5e-4)


def test_shift_panel_shows_the_textbook_failure(any_scene):
    s = any_scene.story
    naive_row = any_scene.shift_panel[2].original_text
    if s.naive_overflows:
        assert "nan" in naive_row
    assert any_scene.lse_readout.value == pytest.approx(s.log_sum_exp, abs=5e-4 * max(1, abs(s.log_sum_exp)))


def test_layout_stays_on_screen_and_apart(any_scene):
    half_w = config.frame_width / 2
    charts = [any_scene.logit_axes, any_scene.logit_bars, any_scene.prob_axes, any_scene.prob_bars,
              any_scene.class_labels, any_scene.label_note, any_scene.gradient_bars, any_scene.gradient_title]
    panels = [any_scene.softmax_panel, any_scene.shift_panel, any_scene.loss_panel, any_scene.gradient_panel,
              any_scene.step_panel]
    for mob in charts + panels:
        left, right, bottom, top = bounds(mob)
        assert -half_w + 0.05 <= left and right <= half_w - 0.05, mob
        assert style.caption_top() <= bottom and top <= style.content_top(), mob
    for chart in charts:
        for panel in panels:
            assert not boxes_overlap(chart, panel), (chart, panel)
