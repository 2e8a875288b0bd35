"""The expectation_lln scene draws its story: table, weighted sum, curves, band and fallacy panel read back.

Each parameter set is built once under Manim's dry_run with the frame-quality
guard attached (at 2 frames per second; the guard also samples inside every
animation), then the finished mobjects are read back through the plot's axes
(``axes.p2c``, undoing the log scale of n and the shift of the value axis)
and compared with the story.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from manim import config

from mathviz.stories import expectation_lln as prob
from mathviz_scenes.components import style
from mathviz_scenes.components.look import Look
from tests.conftest import bounds, boxes_overlap, build_checked
from tests.scenes.shown import shown

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    # the longest axes and the most runs, a payoff six decades wide and one losing a fraction
    {"win": "1000000", "lose": "0.5", "winning_faces": "[6]", "runs": "8", "rounds": "100000"},
    # every face wins: sigma = 0, no band, no losing streak; one run of the fewest rounds
    {"winning_faces": "6", "runs": "1", "rounds": "100"},
    # no face wins, a large loss with cents: E = -lose, every round a loss
    {"winning_faces": "0", "lose": "123456.78", "runs": "2", "rounds": "150"},
]
#: Keys `mathviz numbers expectation_lln` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"table", "outcomes", "expectation", "expectation_exact", "std", "sample_n", "running", "band",
              "final_averages", "streaks", "longest_streak"}

# Two builds keep this file near 30 s of CPU; eight runs and the widest axes are left to the frame guard (STRESS).
CUSTOM = {
    "defaults": {},
    # the degenerate end: no spread, no band, no losing streak, one run
    "all-win-one-run": STRESS[1],
}


@pytest.fixture(scope="module", params=list(CUSTOM), ids=list(CUSTOM))
def built(request, tmp_path_factory):
    """(scene, findings of the frame-quality guard) for one parameter set, from one dry-run build."""
    return build_checked("expectation_lln", CUSTOM[request.param], media_dir=tmp_path_factory.mktemp("media"),
                         frame_rate=2)


@pytest.fixture
def scene(built):
    return built[0]


def span(scene) -> float:
    low, high = scene.plot_range
    return high - low


def test_frames_are_clean(built):
    assert built[1] == []


def test_table_numbers_are_the_story_table(scene):
    s = scene.story
    assert len(scene.table_rows) == prob.FACES
    for (die, probability, payoff), row in zip(scene.table_rows, s.table):
        assert len(die[1]) == row.face  # pips
        assert probability.text == f"1/{prob.FACES}" and row.probability == pytest.approx(1 / prob.FACES)
        assert shown(payoff.text) == pytest.approx(row.payoff, abs=5e-3)
        assert payoff[0].get_fill_color() == (style.POSITIVE_COLOR if row.wins else style.NEGATIVE_COLOR)
    # the weighted sum: every outcome's payoff times its count of faces over 6
    source = scene.expectation_source()
    for o in s.outcomes:
        amount = f"{o.payoff:.2f}".rstrip("0").rstrip(".")
        text = f"({amount})" if o.payoff < 0 else amount
        assert f"{text} dot {len(o.faces)}/{prob.FACES}" in source
        assert len(o.faces) / prob.FACES == pytest.approx(o.probability)
    assert scene.e_readout.value == pytest.approx(s.expectation) and scene.e_readout.story_field == "expectation"
    assert scene.sigma_readout.value == pytest.approx(s.std)
    if scene.exact_value is not None:
        num, den = s.expectation_exact.split("/")
        assert f"{num}/{den}" in scene.exact_value.typst_code
        assert float(num) / float(den) == pytest.approx(s.expectation, rel=1e-12)


def test_curves_read_back_through_the_axes_are_the_running_averages(scene):
    s = scene.story
    assert len(scene.run_curves) == s.runs
    for r, curve in enumerate(scene.run_curves):
        corners = np.vstack([curve.get_start_anchors()[:1], curve.get_end_anchors()])
        read = np.array([scene.from_point(p) for p in corners])
        np.testing.assert_allclose(read[:, 0], s.sample_n, rtol=1e-6)
        np.testing.assert_allclose(read[:, 1], s.running[r], atol=1e-6 * span(scene))
    # the last corner is the story's final average after all rounds
    for r, curve in enumerate(scene.run_curves):
        n, value = scene.from_point(curve.get_end())
        assert n == pytest.approx(s.rounds, rel=1e-6)
        assert value == pytest.approx(s.final_averages[r], abs=1e-6 * span(scene))


def test_E_line_sits_at_E_across_every_round(scene):
    s = scene.story
    (n0, v0), (n1, v1) = scene.from_point(scene.e_line.get_start()), scene.from_point(scene.e_line.get_end())
    assert (n0, n1) == pytest.approx((1, s.rounds), rel=1e-6)
    assert (v0, v1) == pytest.approx((s.expectation, s.expectation), abs=1e-6 * span(scene))
    # the value axis covers every payoff and 0; the round axis is log10 n from 1 to rounds
    low, high = scene.plot_range
    assert low <= min(0, *(o.payoff for o in s.outcomes)) and high >= max(0, *(o.payoff for o in s.outcomes))
    assert scene.axes.x_range[1] == pytest.approx(math.log10(s.rounds))
    assert scene.round_labels[0].rounds == 1 and scene.round_labels[-1].rounds == 10 ** math.floor(
        math.log10(s.rounds) + 1e-9)
    for label in scene.round_labels:
        assert int(label.text.replace(",", "")) == label.rounds
        assert scene.from_point(label.get_top())[0] == pytest.approx(label.rounds, rel=1e-2)


def test_band_is_E_plus_minus_two_sigma_over_root_n(scene):
    s = scene.story
    upper, lower = scene.band_edges
    low, high = scene.plot_range
    for edge, sign in ((upper, 1), (lower, -1)):
        corners = np.vstack([edge.get_start_anchors()[:1], edge.get_end_anchors()])
        read = np.array([scene.from_point(p) for p in corners])
        expected = np.clip(s.expectation + sign * prob.BAND_SIGMAS * s.std / np.sqrt(s.sample_n), low, high)
        np.testing.assert_allclose(read[:, 0], s.sample_n, rtol=1e-6)
        np.testing.assert_allclose(read[:, 1], expected, atol=1e-6 * span(scene))
    assert scene.final_band_readout.value == pytest.approx(s.final_band)
    assert scene.inside_readout.value == pytest.approx(s.inside_band_percent)


def test_readouts_end_on_the_story_numbers(scene):
    s = scene.story
    assert scene.n_readout.value == s.rounds and scene.n_readout.story_field == "rounds"
    for r, row in enumerate(scene.run_readouts):
        readout = row[1]
        assert readout.story_field == f"final_averages.{r}"
        assert readout.value == pytest.approx(s.final_averages[r])
        assert row[0].get_color() == scene.run_curves[r].get_color()


def test_fallacy_panel_shows_the_measured_frequencies(scene):
    s = scene.story
    low = scene.fallacy_range_[0]
    axes = scene.fallacy_axes
    measured = [r for r in s.streaks if r.count]
    assert len(scene.fallacy_dots) == len(measured)
    for dot, (bar, _caps), rec in zip(scene.fallacy_dots, scene.fallacy_bars, measured):
        k, y = axes.p2c(dot.get_center())
        assert (k, y + low) == pytest.approx((rec.k, rec.frequency), abs=1e-6)
        ends = sorted(axes.p2c(p)[1] + low for p in (bar.get_start(), bar.get_end()))
        assert ends == pytest.approx([rec.ci_low, rec.ci_high], abs=1e-6)
    assert axes.p2c(scene.p_line.get_start())[1] + low == pytest.approx(s.p_win, abs=1e-6)
    # the probability axis holds p and every interval
    high = low + axes.y_range[1]
    assert low <= s.p_win <= high
    assert all(low - 1e-9 <= r.ci_low and r.ci_high <= high + 1e-9 for r in measured)
    if scene.fallacy_readout is not None:
        shown = scene.shown_streak
        assert scene.fallacy_readout.value == pytest.approx(shown.frequency)
        assert f"{shown.ci_low:.3f}" in scene.fallacy_interval.text and f"{shown.ci_high:.3f}" in scene.fallacy_interval.text
        assert f"{shown.wins:,}" in scene.fallacy_count[2].text and f"{shown.count:,}" in scene.fallacy_count[0].text


def test_streak_marker_and_dilution_readouts(scene):
    s = scene.story
    streak = s.longest_streak
    if streak is None:
        assert scene.streak_marker is None and "nolosingstreak" in scene.dilution[1].text
        return
    n, value = scene.from_point(scene.streak_marker.get_center())
    assert n == pytest.approx(streak.last_round, rel=1e-6)
    assert value == pytest.approx(streak.average_after, abs=1e-6 * span(scene))
    # the streak's end is one of the drawn corners of run 1, so the marker sits on the curve
    assert streak.last_round in s.sample_n
    assert scene.excess_readout.value == pytest.approx(streak.excess)
    assert scene.pull_readout.value == pytest.approx(streak.shift_at_end)
    assert scene.pull_readout.story_field == "longest_streak.shift_at_end"
    assert streak.shift_at_end == pytest.approx(streak.excess / s.rounds)
    # the rider ends at the last round on run 1
    n, value = scene.from_point(scene.rider.get_center())
    assert n == pytest.approx(s.rounds, rel=1e-6)
    assert value == pytest.approx(s.final_averages[0], abs=1e-6 * span(scene))


def test_layout_stays_in_the_content_zone_and_apart(scene):
    half_w = config.frame_width / 2
    mobs = [scene.table, scene.expectation_block, scene.plot, scene.e_label, scene.column_head, scene.run_legend,
            scene.band_legend, scene.fallacy_panel, scene.dilution]
    for mob in mobs:
        left, right, bottom, top = bounds(mob)
        assert -half_w + style.SAFE_MARGIN <= left and right <= half_w - style.SAFE_MARGIN, mob
        assert style.caption_top() <= bottom and top <= style.content_top(), mob
    # the plot keeps to the left of the right-hand column, and each beat's pieces keep apart
    column_left = min(m.get_left()[0] for m in (scene.column_head, scene.run_legend, scene.fallacy_panel))
    assert scene.axes.get_right()[0] < scene.e_label.get_left()[0] < scene.e_label.get_right()[0] < column_left
    for a, b in [(scene.table, scene.expectation_block), (scene.column_head, scene.run_legend),
                 (scene.run_legend, scene.band_legend), (scene.column_head, scene.fallacy_panel),
                 (scene.column_head, scene.dilution), (scene.fallacy_title, scene.fallacy_axes),
                 (scene.fallacy_note, scene.k_labels)]:
        assert not boxes_overlap(a, b), (a, b)


def test_one_caption_per_beat_in_both_languages(scene):
    names = [c.name for c in scene.captions]
    assert names == ["game", "expectation", "simulate", "band", "fallacy", "dilute"]
    assert all(c.en and c.zh for c in scene.captions)
    assert 30 <= scene.captions[-1].end <= 60
    s = scene.story
    assert f"{len(s.winning_faces)}/{prob.FACES}" in scene.captions[4].en


@pytest.fixture(scope="module", params=["9:16", "1:1"])
def reflowed(request, tmp_path_factory):
    """The default scene with the guard, in a portrait frame (Chinese, light) and a square one (English, dark)."""
    lang = "zh" if request.param == "9:16" else "en"
    return build_checked("expectation_lln", {}, media_dir=tmp_path_factory.mktemp("media"), frame_rate=2, lang=lang,
                         look=Look("light" if lang == "zh" else "dark", request.param))


def test_portrait_and_square_layouts(reflowed):
    scene, findings = reflowed
    assert findings == [], "\n".join(map(str, findings))
    frame = scene.frame_box  # the frame it was built in
    for mob in (scene.table, scene.expectation_block, scene.plot, scene.e_label, scene.column_head,
                scene.run_legend, scene.band_legend, scene.fallacy_panel, scene.dilution):
        left, right, bottom, top = bounds(mob)
        assert frame.left - 1e-6 <= left and right <= frame.right + 1e-6, mob
        assert frame.bottom - 1e-6 <= bottom and top <= frame.top + 1e-6, mob
    # the table and the expectation: one above the other
    assert scene.expectation_block.get_top()[1] < scene.table.get_bottom()[1]
    panel = (scene.column_head, scene.run_legend, scene.band_legend, scene.fallacy_panel, scene.dilution_text)
    if frame.portrait:  # the panel under the plot, which spans the frame's width and keeps a sensible height
        plot_bottom = scene.plot.get_bottom()[1]
        assert all(m.get_top()[1] < plot_bottom for m in panel)
        assert scene.axes.width >= 0.7 * frame.content_width and scene.axes.height >= 0.35 * frame.content_height
    else:  # square: the column at the plot's right
        assert all(scene.e_label.get_right()[0] < m.get_left()[0] for m in panel)
        assert scene.axes.width >= 0.3 * frame.content_width and scene.axes.height >= 0.6 * frame.content_height
    for a, b in [(scene.column_head, scene.run_legend), (scene.run_legend, scene.band_legend),
                 (scene.column_head, scene.band_legend), (scene.column_head, scene.fallacy_panel),
                 (scene.column_head, scene.dilution), (scene.fallacy_title, scene.fallacy_axes),
                 (scene.fallacy_note, scene.k_labels), (scene.fallacy_note, scene.fallacy_axes)]:
        assert not boxes_overlap(a, b), (a, b)
