"""The least_squares_mle scene draws the story: points, lines, residuals, bells and the sweep read back through the axes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from manim import config

from mathviz.stories.least_squares_mle import BELL_WIDTH
from mathviz_scenes.components import style
from mathviz_scenes.components.look import Look
from mathviz_scenes.components.quality import lookup
from mathviz_scenes.least_squares_mle import caption_number
from tests.conftest import boxes_overlap, construct_scene, dry_run_scene
from tests.scenes.shown import shown

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    # the fewest points under huge noise: a blob, bells as tall as the view
    {"points": "5", "noise": "1000", "slope": "-3", "intercept": "500", "seed": "1"},
    # the most points, tiny noise: bells are needles, SSE is almost 0, sigma_hat has many decimals
    {"points": "500", "noise": "1e-6", "slope": "0.5", "intercept": "-2", "seed": "2"},
    # a vertical-ish cloud: a steep line, long tick numbers
    {"points": "40", "noise": "0.5", "slope": "1000", "intercept": "-1000", "seed": "3"},
]
#: Keys `mathviz numbers least_squares_mle` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"x", "y", "fit", "sigma_hat", "log_likelihood", "sse", "candidate", "sweep", "normal_matrix",
              "normal_rhs", "log_likelihood_constant", "sigma_unbiased", "true_line", "noise"}

BEATS = ["noisy-points", "candidate-residuals", "likelihood-bells", "log-likelihood", "slope-sweep",
         "normal-equations", "sigma-estimate"]


def _media(tmp_path_factory):
    return tmp_path_factory.getbasetemp() / "least-squares-media"


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """The default scene, constructed once (dry_run at 5 fps), with the frame guard attached: (scene, findings)."""
    from tests.conftest import build_checked

    return build_checked("least_squares_mle", media_dir=_media(tmp_path_factory), frame_rate=5)


@pytest.fixture(scope="module")
def scene(checked):
    """The default scene, constructed once."""
    return checked[0]


def test_frames_are_clean(checked) -> None:
    from mathviz_scenes.components.quality import format_findings

    assert checked[1] == [], format_findings(checked[1])


def _draw(overrides: dict[str, str], tmp_path_factory):
    """A stress case drawn by the builders alone (no animation)."""
    with dry_run_scene("least_squares_mle", overrides, media_dir=_media(tmp_path_factory), frame_rate=5) as s:
        s.layout()
        s.build_plot()
        s.build_points()
        s.candidate_line = s.line_mob(s.story.candidate.slope, s.story.candidate.intercept, "#ffffff")
        s.residuals = s.build_residuals(s.story.candidate)
        s.build_bells(s.story.candidate)
        s.build_sweep_plots(1.5)
        s.fit_line = s.line_mob(s.story.fit.slope, s.story.fit.intercept, "#ffffff")
        s.band = s.build_band(s.story.sigma_hat)
    return s


@pytest.fixture(scope="module", params=["defaults", "blob", "needles", "steep"])
def any_scene(request, tmp_path_factory):
    if request.param == "defaults":
        return request.getfixturevalue("scene")
    return _draw(STRESS[["blob", "needles", "steep"].index(request.param)], tmp_path_factory)


def test_every_beat_has_a_section_and_two_captions(scene):
    assert [c.name for c in scene.captions] == BEATS
    assert all(c.en and c.zh and c.end > c.start for c in scene.captions)


def test_points_read_back_are_the_story_points(any_scene):
    s = any_scene.story
    drawn = np.array([any_scene.axes.p2c(dot.get_center())[:2] for dot in any_scene.dots])
    np.testing.assert_allclose(drawn[:, 0], s.x, atol=1e-9 * 10)
    np.testing.assert_allclose(drawn[:, 1], s.y, atol=1e-9 * (s.y_view[1] - s.y_view[0]))


def test_lines_read_back_are_the_story_lines(any_scene):
    s = any_scene.story
    scale = s.y_view[1] - s.y_view[0]
    # the built scene ends with the candidate turned onto the fit; the builders leave it at the candidate
    candidate = s.fit if hasattr(any_scene, "sweep_index") else s.candidate
    for mob, line in ((any_scene.fit_line, s.fit), (any_scene.candidate_line, candidate)):
        if mob.get_length() < 1e-6:
            continue  # a line missing the window is drawn as a point
        slope, intercept = any_scene.line_of(mob)
        assert slope == pytest.approx(line.slope, rel=1e-6, abs=1e-7 * scale)
        assert intercept == pytest.approx(line.intercept, rel=1e-6, abs=1e-6 * scale)


def test_residual_segments_are_the_residuals(any_scene):
    s = any_scene.story
    for segment, r in zip(any_scene.residuals, s.candidate.residuals):
        top, bottom = (any_scene.axes.p2c(p)[1] for p in (segment.get_start(), segment.get_end()))
        assert top - bottom == pytest.approx(r, abs=1e-6 * (s.y_view[1] - s.y_view[0]))


def test_bells_are_gaussians_of_width_sigma_centred_on_the_line(any_scene):
    s = any_scene.story
    scale = any_scene.bell_scale()
    assert scale * s.bell_peak == pytest.approx(BELL_WIDTH * s.bell_gap)
    assert len(any_scene.bells) >= 1
    for group in any_scene.bells:
        bell = group[0]
        points = np.array([any_scene.axes.p2c(p)[:2] for p in bell.points])
        x_i, mean = bell.x_base, bell.mean
        assert mean == pytest.approx(s.candidate.slope * x_i + s.candidate.intercept)
        # every drawn point is (x_i + scale * N(y; mean, sigma^2), y): the bell is the density
        expected = x_i + scale * s.bell_peak * np.exp(-0.5 * ((points[:, 1] - mean) / s.noise) ** 2)
        np.testing.assert_allclose(points[:, 0], expected, atol=1e-3 * BELL_WIDTH * s.bell_gap)
        assert np.max(points[:, 0]) <= s.x_view[1] + 1e-9
    for bar in any_scene.density_bars:
        i = bar.index
        (x0, y0), (x1, y1) = (any_scene.axes.p2c(p)[:2] for p in (bar.get_start(), bar.get_end()))
        assert y0 == pytest.approx(s.y[i]) and x0 == pytest.approx(s.x[i])
        assert (x1 - x0) / scale == pytest.approx(s.candidate.densities[i], rel=1e-6, abs=1e-9 * s.bell_peak)


def test_sweep_plots_peak_together_at_the_fitted_slope(any_scene):
    s = any_scene.story
    best = s.sweep_best
    sse_axes, log_l_axes = any_scene.sweep_axes
    sse_points = np.array([sse_axes.p2c(p)[:2] for p in any_scene.sweep_curves[0].get_anchors()])
    log_l_points = np.array([log_l_axes.p2c(p)[:2] for p in any_scene.sweep_curves[1].get_anchors()])
    assert sse_points[np.argmin(sse_points[:, 1]), 0] == pytest.approx(s.fit.slope)
    assert log_l_points[np.argmax(log_l_points[:, 1]), 0] == pytest.approx(s.fit.slope)
    assert any_scene.peak_segments
    for line, axes in any_scene.peak_segments:  # one line through both plots, or one up each
        peak_x = axes.p2c(line.get_center())[0]
        assert peak_x == pytest.approx(s.sweep[best].slope, abs=1e-6 * s.sweep_tilt)


def test_sweep_curves_keep_their_shape_over_a_huge_span(tmp_path_factory):
    """Tiny noise, steep line: log L over the sweep spans ~1e19, which collapsed Manim's value axis to a point."""
    scene = _draw({"slope": "-1000", "intercept": "-1000", "noise": "1e-06", "points": "5", "seed": "0"},
                  tmp_path_factory)
    s = scene.story
    for k, (axes, curve) in enumerate(zip(scene.sweep_axes, scene.sweep_curves)):
        values = np.array([scene.sweep_value(k, i) for i in range(len(s.sweep))])
        span = values.max() - values.min()
        box = axes.y_axis.get_length()
        assert curve.height == pytest.approx(box / 1.16, rel=1e-3)  # the curve fills its box but the 8% pads
        read = np.array([axes.p2c(p)[1] for p in curve.get_anchors()])  # read back as story values
        np.testing.assert_allclose([read[0], read.min(), read.max(), read[-1]],
                                   [values[0], values.min(), values.max(), values[-1]], atol=1e-9 * span)


def test_after_the_sweep_the_dots_and_readouts_sit_at_the_fit(scene):
    s = scene.story
    best = s.sweep_best
    for k, (dot, axes) in enumerate(zip(scene.sweep_dots, scene.sweep_axes)):
        a, v = axes.p2c(dot.get_center())[:2]
        assert a == pytest.approx(s.fit.slope, abs=1e-6)
        assert v == pytest.approx(s.sse if k == 0 else s.log_likelihood, rel=1e-6, abs=1e-6)
    data = s.to_dict()
    for readout in (scene.sweep_sse, scene.sweep_log_l):
        assert readout.story_field.startswith(f"sweep.{best}.")
        assert readout.value == pytest.approx(lookup(data, readout.story_field))


def test_band_is_the_fit_plus_minus_sigma_hat(any_scene):
    s = any_scene.story
    assert any_scene.band.half_width == s.sigma_hat
    corners = np.array([any_scene.axes.p2c(p)[:2] for p in any_scene.band.get_vertices()])
    lo, hi = s.y_view
    for x, y in corners:
        centre = s.fit.at(x)
        if lo < y < hi:
            assert abs(abs(y - centre) - s.sigma_hat) <= 1e-6 * (hi - lo)


def test_panel_text_stays_right_of_the_plot_and_apart(scene):
    texts = [m for m in scene.mobjects if not getattr(m, "caption", False) and m not in (scene.axes,)]
    box_right = scene.plot_box.get_right()[0]
    panel = [m for m in texts if m.get_left()[0] > box_right]
    assert panel
    for i, a in enumerate(panel):
        assert a.get_top()[1] <= style.content_top() + 1e-6 and a.get_bottom()[1] >= style.caption_top() - 1e-6
        for b in panel[i + 1:]:
            assert not boxes_overlap(a, b), (a, b)


def test_tick_numbers_stay_left_of_the_frame_edge(any_scene):
    numbers = any_scene.plot_frame[2]
    assert len(numbers) >= 3
    for number in numbers:
        assert number.get_left()[0] >= -config.frame_width / 2 + style.SAFE_MARGIN - 1e-6
        assert math.isfinite(shown(number.text))



@pytest.mark.parametrize("value", [1e-6, 1.01e-6, -2.5e-4, 0.8, 1000.0, -3.0, 0.0])
def test_caption_numbers_keep_tiny_values(value):
    printed = caption_number(value)
    # a tiny sigma prints as itself, never as 0; others as the house format
    assert shown(printed) == pytest.approx(value, rel=5e-3, abs=0 if value else 1e-12)


@pytest.fixture(scope="module", params=["9:16", "1:1"])
def stacked_scene(request, tmp_path_factory):
    """The default scene built in a portrait (Chinese, light) and a square frame, at 2 fps."""
    lang = "zh" if request.param == "9:16" else "en"
    return construct_scene("least_squares_mle", media_dir=_media(tmp_path_factory), frame_rate=2, lang=lang,
                           look=Look("light" if lang == "zh" else "dark", request.param))


def test_stacked_frames_put_the_panel_under_a_full_width_plot(stacked_scene):
    scene = stacked_scene
    frame = scene.frame_box  # the frame it was built in (the test's config is restored by now)
    assert frame.portrait or frame.square
    box = scene.plot_box
    # the plot spans the frame's width (its y numbers at the left edge) and keeps a sensible size
    assert box.get_left()[0] - scene.plot_frame[2].get_left()[0] < 1.2
    assert box.width >= 0.8 * frame.content_width
    assert box.height >= (0.85 * box.width if frame.portrait else 0.45 * frame.content_height)
    assert box.get_top()[1] <= frame.top + 1e-6
    plot_bottom = min(m.get_bottom()[1] for m in (box, scene.plot_frame))
    panel = [m for m in scene.mobjects if m in scene.panel_mobs]
    assert panel
    for i, a in enumerate(panel):  # the last beat's panel: below the plot, inside the frame, rows apart
        assert a.get_top()[1] < plot_bottom
        assert a.get_bottom()[1] >= frame.bottom - 1e-6
        assert frame.left - 1e-6 <= a.get_left()[0] and a.get_right()[0] <= frame.right + 1e-6
        for b in panel[i + 1:]:
            assert not boxes_overlap(a, b), (a, b)


def test_stacked_sweep_marks_the_best_slope_in_each_plot(stacked_scene):
    scene = stacked_scene
    slope = scene.story.sweep[scene.story.sweep_best].slope
    for line, axes in scene.peak_segments:
        assert axes.p2c(line.get_start())[0] == pytest.approx(slope) == axes.p2c(line.get_end())[0]
    # every plot is crossed by a mark: one line through both when stacked, one each side by side
    tops = [axes.get_top()[1] for axes in scene.sweep_axes]
    bottoms = [axes.get_bottom()[1] for axes in scene.sweep_axes]
    for top, bottom in zip(tops, bottoms):
        assert any(line.get_bottom()[1] <= bottom + 1e-6 and line.get_top()[1] >= top - 1e-6
                   for line, _ in scene.peak_segments)
