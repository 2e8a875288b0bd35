"""softmax_temperature: numbers against scipy, properties of temperature, bars read back, the frame guard."""

from __future__ import annotations

import numpy as np
import pytest
from manim import tempconfig
from scipy.special import softmax as scipy_softmax
from scipy.stats import entropy as scipy_entropy
from softmax_temperature.scene import SoftmaxTemperature
from softmax_temperature.story import SPREAD, softmax, temperature_story

from mathviz.params import ParameterError
from mathviz.pipeline import registry
from mathviz.pipeline.check import check_scene
from mathviz_scenes.components import style
from mathviz_scenes.components.look import Look

LOGITS = [np.array([2.0, 1.0, 0.5, -1.0]), np.array([0.1, 0.0]), np.array([10.0, -10.0, 3.0, 2.9, 0.0, -5.0])]
TEMPERATURES = [0.05, 0.5, 1.0, 3.0, 20.0]


@pytest.mark.parametrize("logits", LOGITS)
@pytest.mark.parametrize("temperature", TEMPERATURES)
def test_softmax_matches_scipy(logits: np.ndarray, temperature: float) -> None:
    np.testing.assert_allclose(softmax(logits, temperature), scipy_softmax(logits / temperature), rtol=1e-12, atol=1e-300)
    s = temperature_story(logits, temperature)
    for d in (s.cold, s.chosen, s.hot):
        assert sum(d.probabilities) == pytest.approx(1.0)
        assert d.entropy == pytest.approx(scipy_entropy(d.probabilities, base=2), abs=1e-12)
        assert d.top == max(d.probabilities)
    assert (s.cold.temperature, s.hot.temperature) == pytest.approx((temperature / SPREAD, temperature * SPREAD))


@pytest.mark.parametrize("logits", LOGITS)
def test_colder_is_sharper_and_hotter_is_flatter(logits: np.ndarray) -> None:
    s = temperature_story(logits, 1.0)
    assert s.cold.entropy <= s.chosen.entropy <= s.hot.entropy <= s.max_entropy + 1e-12
    assert s.cold.top >= s.chosen.top >= s.hot.top >= 1 / len(logits)
    assert int(np.argmax(s.cold.probabilities)) == s.argmax == int(np.argmax(logits))
    # the limits: argmax as T -> 0, uniform as T -> infinity
    np.testing.assert_allclose(softmax(logits, 1e-4), np.eye(len(logits))[s.argmax], atol=1e-12)
    np.testing.assert_allclose(softmax(logits, 1e6), np.full(len(logits), 1 / len(logits)), atol=1e-4)


def test_shifting_every_logit_changes_nothing() -> None:
    z = LOGITS[0]
    np.testing.assert_allclose(softmax(z + 100.0, 0.7), softmax(z, 0.7), rtol=1e-12)


def test_bad_parameters_are_one_line() -> None:
    spec = registry.get("softmax_temperature")
    with pytest.raises(ParameterError, match="temperature"):
        spec.build_story({"temperature": "0"})
    with pytest.raises(ParameterError, match="logits"):
        spec.build_story({"logits": "[1, 1]"})
    with pytest.raises(ParameterError, match="logits"):
        spec.build_story({"logits": "[1, 2, 3, 4, 5, 6, 7]"})


@pytest.mark.parametrize("which", ["cold", "chosen", "hot"])
def test_bar_heights_are_the_probabilities(which: str, tmp_path) -> None:
    s = temperature_story(LOGITS[0], 1.0)
    with tempconfig({"dry_run": True, "media_dir": str(tmp_path), "quality": "low_quality", "verbosity": "ERROR"}):
        scene = SoftmaxTemperature(story=s)
        scene.build_axes()
        bars = scene.build_bars(which)
        for i, (bar, p) in enumerate(zip(bars, getattr(s, which).probabilities)):
            bottom = scene.axes.p2c(bar.get_bottom())
            top = scene.axes.p2c(bar.get_top())
            assert bottom[1] == pytest.approx(0.0, abs=1e-6)
            assert top[1] == pytest.approx(max(p, 0.0), abs=2e-3)  # bars are at least 1e-3 scene units tall
            assert top[0] == pytest.approx(i + 1, abs=1e-6)


@pytest.mark.parametrize("aspect", ["1:1", "9:16"])
def test_the_panel_goes_under_the_plot_in_narrow_frames(aspect: str, tmp_path) -> None:
    s = temperature_story(LOGITS[2], 1.0)
    with tempconfig({"dry_run": True, "media_dir": str(tmp_path), "quality": "low_quality", "verbosity": "ERROR"}):
        scene = SoftmaxTemperature(story=s, look=Look(aspect=aspect), lang="zh")
        scene.build_axes()
        scene.build_title()
        readouts = scene.build_readouts("chosen")
        frame = style.frame()
        plot_bottom = min(scene.axes.get_bottom()[1], scene.class_labels.get_bottom()[1])
        for mob in (scene.title, readouts, scene.bits_note):
            # under the plot and its class labels, inside the frame's safe edges and above the captions
            assert mob.get_top()[1] < plot_bottom
            assert frame.left <= mob.get_left()[0] and mob.get_right()[0] <= frame.right
            assert mob.get_bottom()[1] >= frame.bottom
        # the plot spans the frame's width and at least half the height above the captions
        assert scene.axes.width >= 0.85 * frame.content_width
        assert scene.axes.get_top()[1] <= frame.top and scene.axes.height >= 0.5 * frame.content_height
        # the three readouts of every beat stand at the same places, so the numbers change in place
        other = scene.build_readouts("hot")
        for a, b in zip(readouts, other):
            assert a.get_left()[0] == pytest.approx(b.get_left()[0]) and a.get_y() == pytest.approx(b.get_y())


STRESS = [{"logits": "[10, -10, 3, 2.9, 0, -5]", "temperature": "0.05"}, {"logits": "[0.1, 0]", "temperature": "20"}]


@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
@pytest.mark.parametrize("overrides", [None, *STRESS])
def test_the_frame_guard_finds_nothing(overrides, aspect: str, tmp_path) -> None:
    checker = check_scene("softmax_temperature", overrides, media_dir=tmp_path, extra_config={"frame_rate": 2},
                          look=Look(aspect=aspect), lang="zh" if aspect == "9:16" else "en")
    assert checker.frames_checked > 3
    assert checker.findings == [], "\n".join(str(f) for f in checker.findings)


@pytest.mark.sweep
@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("aspect", ["16:9", "1:1", "9:16"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_frame_guard_finds_nothing_in_any_look(theme: str, aspect: str, lang: str, tmp_path) -> None:
    look = Look(theme=theme, aspect=aspect, captions="burned" if lang == "zh" else "none")
    checker = check_scene("softmax_temperature", None, media_dir=tmp_path, extra_config={"frame_rate": 2},
                          look=look, lang=lang)
    assert checker.frames_checked > 3
    assert checker.findings == [], "\n".join(str(f) for f in checker.findings)
