"""The softmax_cross_entropy scene draws the story: bars, readouts and the loss curve read back from the built scene."""

from __future__ import annotations

import numpy as np
import pytest
from manim import config

from mathviz_scenes.components import style
from mathviz_scenes.softmax_cross_entropy import MIN_LABEL_SIZE
from tests.conftest import bounds, boxes_overlap, build_checked, dry_run_scene
from tests.scenes.shown import shown

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
    printed = [shown(label.text) for label in any_scene.prob_bars.labels]
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


def _draw_in(overrides, aspect, tmp_path_factory, lang="zh"):
    """Every chart and panel drawn by the builders alone in a square or portrait frame."""
    from mathviz_scenes.components.look import Look

    with dry_run_scene("softmax_cross_entropy", overrides, media_dir=_media(tmp_path_factory), look=Look(aspect=aspect),
                       lang=lang) as s:
        s.build_logit_chart()
        s.build_probability_chart()
        s.build_softmax_panel()
        s.build_shift_panel()
        s.build_loss_panel()
        s.build_gradient_chart()
        s.build_gradient_panel()
        s.build_step_panel()
        s.frame = style.frame()
        s.caption_top = style.caption_top()
    return s


@pytest.mark.parametrize("aspect", ["1:1", "9:16"])
@pytest.mark.parametrize("case", ["defaults", "eight", "two", "underflow"])
def test_narrow_frames_keep_charts_and_panels_apart_and_legible(aspect, case, tmp_path_factory):
    overrides = None if case == "defaults" else STRESS[["eight", "two", "underflow"].index(case)]
    s = _draw_in(overrides, aspect, tmp_path_factory)
    frame = s.frame
    charts = [s.logit_axes, s.logit_bars, s.prob_axes, s.prob_bars, s.class_labels, s.label_note, s.gradient_bars,
              s.gradient_title, s.logit_title, s.prob_title]
    panels = [s.softmax_panel, s.shift_panel, s.loss_panel, s.gradient_panel, s.step_panel]
    for mob in charts + panels:
        left, right, bottom, top = bounds(mob)
        assert frame.left - 1e-6 <= left and right <= frame.right + 1e-6, mob
        assert frame.bottom - 1e-6 <= bottom and top <= frame.top + 1e-6, mob
    for chart in charts:
        for panel in panels:
            assert not boxes_overlap(chart, panel), (chart, panel)
    chart_bottom = min(bounds(mob)[2] for mob in charts)
    for panel in panels:
        if frame.portrait:  # the panel under the charts
            assert bounds(panel)[3] <= chart_bottom
        else:  # beside them
            assert bounds(panel)[0] >= max(bounds(mob)[1] for mob in charts)
    # the charts keep a sensible size: most of their box's width, at least 2 units tall
    assert s.prob_axes.height >= 2.0
    assert s.prob_axes.width >= (0.85 * frame.content_width if frame.portrait else 0.45 * frame.content_width)
    # the bars are still the story's, and their numbers never touch (eight four-digit logits, 1000 1001 ..., in a
    # square frame still do at the smallest legible size: every other one steps a line out) nor reach the other chart
    np.testing.assert_allclose(s.prob_bars.values(), s.story.probabilities, atol=1e-9)
    for chart, other in ((s.logit_bars, s.prob_bars), (s.prob_bars, s.logit_bars), (s.gradient_bars, s.prob_bars)):
        for k, a in enumerate(chart.labels):
            assert a.font_size >= MIN_LABEL_SIZE - 1e-9
            for b in [*chart.labels[k + 1:], *other.labels, other.axes]:
                assert not boxes_overlap(a, b), (a.text, getattr(b, "text", b))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_eight_classes_in_a_square_frame_keep_off_the_y_axis_and_the_caption_band(lang, tmp_path_factory):
    # in English the shift panel (two wrapped lists of eight) reached 0.12 into the caption band with its gaps
    # closed, and the first logit's 1000, wider than its bar's slot, was centred across the y axis line
    s = _draw_in(STRESS[0], "1:1", tmp_path_factory, lang=lang)
    for panel in (s.softmax_panel, s.shift_panel, s.loss_panel, s.gradient_panel, s.step_panel):
        assert panel.get_bottom()[1] >= s.caption_top - 1e-6
    for chart in (s.logit_bars, s.prob_bars, s.gradient_bars):
        axis_x = chart.axes.c2p(0, 0)[0]
        assert all(label.get_left()[0] > axis_x for label in chart.labels)


@pytest.mark.sweep
@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
@pytest.mark.parametrize("overrides", STRESS)
def test_stress_cases_are_clean_in_16_9_and_portrait(overrides, aspect, tmp_path_factory):
    from mathviz_scenes.components.look import Look

    assert build_checked("softmax_cross_entropy", overrides, media_dir=_media(tmp_path_factory), frame_rate=2,
                         lang="zh", look=Look(aspect=aspect))[1] == []
