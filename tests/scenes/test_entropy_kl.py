"""The entropy_kl scene draws the story: bars, ranges, tree depths and readouts read back from the built scene."""

from __future__ import annotations

import numpy as np
import pytest
from manim import config

from mathviz_scenes.components import style
from mathviz_scenes.components.quality import lookup
from mathviz_scenes.components.readout import Readout
from tests.conftest import boxes_overlap, build_checked, dry_run_scene
from tests.scenes.shown import shown

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    # 20 questions, a deep tree over the most outcomes, nats
    {"numbers": "1000000", "secret": "1", "p": "[1/2, 1/4, 1/8, 1/16, 1/32, 1/64, 1/128, 1/128]",
     "q": "[1/8, 1/8, 1/8, 1/8, 1/8, 1/8, 1/8, 1/8]", "truth": "H", "unit": "nats"},
    # the smallest odd game, a certain p (H = 0, a tree with no questions) and a tiny probability
    {"numbers": "3", "secret": "3", "p": "[1, 0]", "q": "[0.999, 0.001]", "truth": "B"},
    # not a power of two, not dyadic, a zero in p (its -log2 p is infinite)
    {"numbers": "1000", "secret": "777", "p": "[0.3, 0.2, 0.2, 0.1, 0.1, 0.05, 0.05, 0]",
     "q": "[0.05, 0.05, 0.1, 0.1, 0.2, 0.2, 0.2, 0.1]", "truth": "G"},
]
#: Keys `mathviz numbers entropy_kl` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"numbers", "secret", "questions", "question_count", "p", "q", "entropy_bits", "codewords",
              "expected_questions", "truth_loss_bits", "truth_loss_nats", "cross_entropy", "kl", "morph"}

BEATS = ["game", "halving", "bits", "entropy", "tree", "uniform", "cross_entropy", "kl"]


def _media(tmp_path_factory):
    # One media dir for the module: Typst's compiled formulas are cached there.
    return tmp_path_factory.getbasetemp() / "entropy-media"


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """The default scene (dry_run, 5 fps: whole frames for its 0.4 s steps, so its length is true) and the guard's findings."""
    from tests.conftest import build_checked

    return build_checked("entropy_kl", media_dir=_media(tmp_path_factory), frame_rate=5)


@pytest.fixture(scope="module")
def scene(checked):
    """The default scene, constructed once."""
    return checked[0]


def test_frames_are_clean(checked) -> None:
    from mathviz_scenes.components.quality import format_findings

    assert checked[1] == [], format_findings(checked[1])


STRESS_IDS = ["deep", "certain", "non-dyadic"]


def _draw(overrides: dict[str, str], tmp_path_factory):
    """A stress case drawn by the builders alone (no animation): the layouts the guard also checks."""
    with dry_run_scene("entropy_kl", overrides, media_dir=_media(tmp_path_factory), frame_rate=5) as s:
        s.build_game()
        s.build_game_readouts()
        s.build_bits_summary()
        s.build_entropy_chart()
        s.build_tree()
        s.build_entropy_panels()
        s.build_prediction_chart()
        s.build_kl_chart()
    return s


@pytest.fixture(scope="module", params=["defaults", *STRESS_IDS])
def any_scene(request, tmp_path_factory):
    """The built default scene, or a stress case's builders."""
    if request.param == "defaults":
        return request.getfixturevalue("scene")
    return _draw(STRESS[STRESS_IDS.index(request.param)], tmp_path_factory)


# -- the game -----------------------------------------------------------------------------------------


def test_every_question_splits_the_range_at_its_pivot(any_scene):
    s = any_scene.story
    for q in s.questions:
        zoom = any_scene.build_zoom(q.low, q.high, q.pivot)
        split_x = zoom.axes.p2c(zoom.split.get_center())[0]
        assert split_x == pytest.approx(q.pivot + 0.5, abs=1e-6)
        # the halves cover low..pivot and pivot+1..high, read back through the zoom axes
        left, right = zoom.halves
        assert zoom.axes.p2c(left.get_left())[0] == pytest.approx(q.low - 0.5, abs=1e-6)
        assert zoom.axes.p2c(right.get_right())[0] == pytest.approx(q.high + 0.5, abs=1e-6)
        assert [m.text for m in zoom.end_labels] == [str(q.low), str(q.high)]
        marker = any_scene.build_range_marker(q.low_after, q.high_after)
        assert any_scene.range_of(marker) == pytest.approx((q.low_after, q.high_after), abs=1e-6 * s.numbers)


def test_the_search_ends_on_the_secret(scene):
    s = scene.story
    assert scene.range_of(scene.range_marker) == pytest.approx((s.secret, s.secret), abs=1e-3)
    assert [m.text for m in scene.zoom.end_labels] == [str(s.secret)]
    assert scene.candidates_readout.value == 1 == s.questions[-1].candidates_after
    assert scene.asked_readout.value == s.question_count == len(s.questions)


# -- bars and the tree --------------------------------------------------------------------------------


def test_bars_read_back_through_their_axes_equal_the_story(any_scene):
    s = any_scene.story
    np.testing.assert_allclose(any_scene.p_bars.values(), s.p, atol=1e-6)
    np.testing.assert_allclose(any_scene.q_bars.values(), s.q, atol=1e-6)
    np.testing.assert_allclose(any_scene.kl_p_bars.values(), s.p, atol=1e-6)
    for bars, values in zip(any_scene.panel_bars, (s.uniform, s.p, s.one_hot)):
        np.testing.assert_allclose(bars.values(), values, atol=1e-6)
    printed = [shown(label.text) for label in any_scene.p_bars.labels]
    np.testing.assert_allclose(printed, s.p, atol=5e-4)


def test_q_slides_to_p_and_the_extra_cost_to_zero(scene):
    s = scene.story
    drawn_q = [scene.kl_axes.p2c(bar.get_top())[1] for bar in scene.kl_q_bars.bars]
    np.testing.assert_allclose(drawn_q, s.morph[-1].q, atol=1e-6)
    np.testing.assert_allclose(s.morph[-1].q, s.p)
    ax = scene.cost_axes
    assert ax.p2c(scene.h_segment.get_left())[0] == pytest.approx(0.0, abs=1e-6)
    assert ax.p2c(scene.h_segment.get_right())[0] == pytest.approx(s.entropy, abs=1e-6)
    assert ax.p2c(scene.kl_segment.get_right())[0] == pytest.approx(s.morph[-1].cross_entropy, abs=1e-3)
    assert scene.kl_readout.value == pytest.approx(0.0) and scene.kl_readout.story_field == f"morph.{len(s.morph) - 1}.kl"


def test_tree_leaves_sit_at_their_code_lengths(any_scene):
    s = any_scene.story
    leaves = {leaf.outcome: leaf for leaf in any_scene.tree_leaves}
    assert sorted(leaves) == [i for i, n in enumerate(s.code_lengths) if n is not None]
    for i, leaf in leaves.items():
        assert any_scene.leaf_depth(leaf) == pytest.approx(s.code_lengths[i], abs=1e-6)
        assert leaf[1].text == s.labels[i]
    # left to right in the order of the answers (no = 0 before yes = 1)
    xs = [leaves[i].get_center()[0] for i in sorted(leaves, key=lambda i: s.codewords[i])]
    assert xs == sorted(xs)
    shown = [m.text for m in any_scene.depth_row]
    assert shown == ["n/a" if n is None else str(n) for n in s.code_lengths]
    assert ["∞" if np.isinf(v) else "" for v in s.surprisal_bits] == \
        ["∞" if m.text == "∞" else "" for m in any_scene.surprisal_row]


# -- readouts -------------------------------------------------------------------------------------------


def _readouts(scene) -> list[Readout]:
    found = [v for v in vars(scene).values() if isinstance(v, Readout)]
    found += list(scene.panel_readouts)
    for group in (scene.bits_summary,):
        found += [m for m in group.get_family() if isinstance(m, Readout)]
    return found


def test_readouts_equal_the_story_fields(any_scene):
    story = any_scene.story.to_dict()
    checked = 0
    for readout in _readouts(any_scene):
        if readout.story_field is None:
            continue
        expected = lookup(story, readout.story_field)
        decimals = readout.number.num_decimal_places
        assert round(readout.value, decimals) == pytest.approx(round(expected, decimals), abs=10 ** -decimals / 2), \
            readout.story_field
        checked += 1
    assert checked >= 10


def test_units_are_stated_next_to_the_losses(any_scene):
    s = any_scene.story
    units = [line[1].text for line in any_scene.kl_lines]
    assert units == [s.unit] * 3
    assert any_scene.cost_unit.text == s.unit
    assert "log_2" in any_scene.loss_bits.label.typst_code and "ln" in any_scene.loss_nats.label.typst_code


# -- layout and captions -------------------------------------------------------------------------------


def _inside(mob) -> bool:
    half_w = config.frame_width / 2
    return (-half_w + 0.1 <= mob.get_left()[0] and mob.get_right()[0] <= half_w - 0.1
            and style.caption_top() <= mob.get_bottom()[1] and mob.get_top()[1] <= style.content_top())


def test_everything_is_on_screen_and_apart(any_scene):
    sc = any_scene
    beats = {
        "game": [sc.game_title, sc.overview_axes, sc.overview_ends, sc.game_readouts, sc.bits_summary],
        "entropy": [sc.entropy_formula, sc.p_axes, sc.p_bars, sc.surprisal_name, sc.surprisal_row, sc.depth_name,
                    sc.depth_row, sc.entropy_line, sc.tree, sc.expected_line],
        "uniform": [sc.entropy_panels, sc.max_note],
        "cross": [sc.q_axes, sc.q_bars, sc.q_name, sc.truth_box, sc.truth_tag, sc.ce_text],
        "kl": [sc.kl_axes, sc.kl_key, sc.kl_lines, sc.cost_axes, sc.cost_title, sc.cost_unit, sc.gibbs_note],
    }
    for name, mobs in beats.items():
        for mob in mobs:
            assert _inside(mob), (name, mob)
    apart = [(sc.p_axes, sc.tree), (sc.entropy_line, sc.expected_line), (sc.tree, sc.expected_line),
             (sc.q_axes, sc.ce_text), (sc.kl_axes, sc.kl_lines), (sc.kl_lines, sc.cost_title),
             (sc.cost_axes, sc.gibbs_note), (sc.game_readouts, sc.bits_summary), (sc.depth_name, sc.p_axes)]
    apart += [(a, b) for a in sc.tree_leaf_probabilities for b in sc.tree_leaves]
    apart += [(a, b) for k, a in enumerate(sc.tree_leaves) for b in list(sc.tree_leaves)[k + 1:]]
    for a, b in apart:
        assert not boxes_overlap(a, b), (a, b)


def test_one_caption_per_beat_in_both_languages(scene):
    assert [c.name for c in scene.captions] == BEATS
    assert all(c.en and c.zh for c in scene.captions)
    assert 30 <= scene.captions[-1].end <= 60
    s = scene.story
    # numbers in the captions are the story's
    assert f"log2 {s.numbers} = {s.worst_case_questions}" in scene.captions[2].en
    assert "1.75" in scene.captions[4].en and s.entropy_bits == pytest.approx(1.75)


# -- frames of every shape (issue #15) ----------------------------------------------------------------


def _draw_in(look_kwargs: dict, tmp_path_factory, lang: str = "en", overrides: dict[str, str] | None = None):
    """Every builder in a look (no animation), with the frame's size and content edges read inside it."""
    from mathviz_scenes.components.look import Look

    with dry_run_scene("entropy_kl", overrides, media_dir=_media(tmp_path_factory), frame_rate=2, lang=lang,
                       look=Look(**look_kwargs)) as s:
        for build in (s.build_game, s.build_game_readouts, s.build_bits_summary, s.build_entropy_chart, s.build_tree,
                      s.build_entropy_panels, s.build_prediction_chart, s.build_kl_chart):
            build()
        s.frame_box = style.frame()
    return s


def _within(mob, f) -> bool:
    return (f.left - 1e-6 <= mob.get_left()[0] and mob.get_right()[0] <= f.right + 1e-6
            and f.bottom - 1e-6 <= mob.get_bottom()[1] and mob.get_top()[1] <= f.top + 1e-6)


def _beats(sc) -> dict[str, list]:
    return {
        "game": [sc.game_title, sc.overview_axes, sc.overview_ends, sc.game_readouts, sc.bits_summary],
        "entropy": [sc.entropy_formula, sc.p_axes, sc.p_bars, sc.p_name, sc.surprisal_name, sc.surprisal_row,
                    sc.depth_name, sc.depth_row, sc.entropy_line, sc.tree, sc.expected_line],
        "uniform": [sc.entropy_panels, sc.max_note],
        "cross": [sc.q_axes, sc.q_bars, sc.q_name, sc.truth_box, sc.truth_tag, sc.ce_text],
        "kl": [sc.kl_axes, sc.kl_key, sc.kl_lines, sc.cost_axes, sc.cost_title, sc.cost_unit, sc.gibbs_note],
    }


# the defaults and the deepest tree over the most outcomes (every stress case runs the guard in these frames under sweep)
SHAPE_CASES = pytest.mark.parametrize("overrides", [None, STRESS[0]], ids=["defaults", STRESS_IDS[0]])


@SHAPE_CASES
def test_portrait_stacks_each_chart_over_its_text(overrides, tmp_path_factory):
    sc = _draw_in({"theme": "light", "aspect": "9:16"}, tmp_path_factory, lang="zh", overrides=overrides)
    f = sc.frame_box
    assert f.portrait
    for name, mobs in _beats(sc).items():
        for mob in mobs:
            assert _within(mob, f), (name, mob)
    # the game top-down: title, overview line, zoom, readouts, then the summary
    ys = [sc.game_title.get_bottom()[1], sc.overview_axes.get_y(), sc.build_zoom(1, 2, None).get_y(),
          sc.game_readouts.get_y(), sc.bits_summary.get_top()[1]]
    assert ys == sorted(ys, reverse=True)
    # entropy: the chart's table above the tree, the tree above H(p) and the average
    table_bottom = min(sc.depth_row.get_bottom()[1], sc.depth_name.get_bottom()[1])
    assert sc.tree.get_top()[1] < table_bottom
    assert sc.entropy_line.get_top()[1] < min(m.get_bottom()[1] for m in sc.tree_leaf_probabilities)
    assert sc.expected_line.get_top()[1] < sc.entropy_line.get_bottom()[1]
    # the three distributions one above another, each across the frame
    panels = list(sc.entropy_panels)
    for upper, lower in zip(panels, panels[1:]):
        assert lower.get_top()[1] < upper.get_bottom()[1]
    for axes in sc.panel_axes:
        assert axes.x_axis.width >= 0.75 * f.content_width
    # q over its text, p and q over the readouts, over the cost bar, over Gibbs' note
    assert sc.ce_text.get_top()[1] < sc.truth_tag.get_bottom()[1]
    assert sc.kl_lines.get_top()[1] < sc.kl_letters.get_bottom()[1]
    assert sc.cost_title.get_top()[1] < sc.kl_lines.get_bottom()[1]
    assert sc.gibbs_note.get_top()[1] < sc.cost_axes.get_bottom()[1]
    assert sc.p_axes.x_axis.width >= 0.65 * f.content_width  # its row names at its left
    for axes in (sc.q_axes, sc.kl_axes):
        assert axes.x_axis.width >= 0.75 * f.content_width
    assert sc.tree_title.text == sc.tr("the best question tree", "最优提问树") != "the best question tree"


@SHAPE_CASES
def test_square_frame_shares_the_width_or_stacks(overrides, tmp_path_factory):
    sc = _draw_in({"aspect": "1:1"}, tmp_path_factory, overrides=overrides)
    f = sc.frame_box
    assert f.square
    for name, mobs in _beats(sc).items():
        for mob in mobs:
            assert _within(mob, f), (name, mob)
    # the chart across the width over its table; the tree takes the chart's place (it fades out), over the table
    assert sc.tree_replaces_chart
    assert sc.p_axes.x_axis.width >= 0.6 * f.content_width
    assert sc.tree.get_bottom()[1] > max(m.get_top()[1] for m in sc.p_letters)
    assert sc.entropy_line.get_top()[1] < sc.depth_row.get_bottom()[1]
    assert sc.expected_line.get_top()[1] < sc.entropy_line.get_bottom()[1]
    # three distributions side by side on one zero line, their H readouts apart
    zeros = [axes.c2p(0, 0)[1] for axes in sc.panel_axes]
    assert zeros == pytest.approx([zeros[0]] * 3)
    panels = list(sc.entropy_panels)
    for a, b in zip(panels, panels[1:]):
        assert a.get_right()[0] < b.get_left()[0]
    lines = [panel[4] for panel in panels]
    for a, b in zip(lines, lines[1:]):
        assert not boxes_overlap(a, b)
    # q's chart left of its text; p and q beside their key and the first two readouts, D across under them
    assert sc.q_axes.get_right()[0] < sc.ce_text.get_left()[0]
    assert sc.kl_axes.get_right()[0] < min(sc.kl_key.get_left()[0], sc.kl_lines[0].get_left()[0])
    assert sc.kl_lines[2].get_top()[1] < sc.kl_letters.get_bottom()[1]
    assert sc.cost_title.get_top()[1] < sc.kl_lines[2].get_bottom()[1]


@pytest.mark.sweep
@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("aspect", ["16:9", "1:1", "9:16"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_guard_passes_in_every_look_with_the_widened_checks(theme, aspect, lang, tmp_path_factory):
    from mathviz_scenes.components.look import Look
    from mathviz_scenes.components.quality import format_findings

    _, findings = build_checked("entropy_kl", None, media_dir=_media(tmp_path_factory), frame_rate=2, lang=lang,
                                look=Look(theme=theme, aspect=aspect, captions="burned"), shapes=True, contrast=True)
    assert findings == [], format_findings(findings)


@pytest.mark.sweep
@pytest.mark.parametrize("aspect", ["1:1", "9:16"])
@pytest.mark.parametrize("overrides", STRESS, ids=STRESS_IDS)
def test_stress_cases_pass_the_guard_in_square_and_portrait(overrides, aspect, tmp_path_factory):
    from mathviz_scenes.components.look import Look
    from mathviz_scenes.components.quality import format_findings

    _, findings = build_checked("entropy_kl", overrides, media_dir=_media(tmp_path_factory), frame_rate=2, lang="zh",
                                look=Look(aspect=aspect))
    assert findings == [], format_findings(findings)
