"""The relu scene draws the story: bars, mask, code listings, graphs and network read back from the built scene."""

from __future__ import annotations

import av
import numpy as np
import pytest
from manim import config

from mathviz_scenes.components import style
from mathviz_scenes.components.numbers import fmt
from tests.conftest import SCENE_RENDER, bounds, boxes_overlap, build_checked
from tests.scenes.shown import shown

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    {"x": "[99, -99, 0.001, -0.001, 50, -50, 1, 0]", "upstream": "[-99, 99, 1, -1, 0.5, -0.5, 0, 2]"},
    {"x": "[-1]", "upstream": "[3]", "seed": "7"},
]
#: Keys `mathviz numbers relu` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"x", "upstream", "relu", "local_grad", "downstream", "grad_check_max_error"}

CUSTOM = [
    {},
    # the longest list allowed, an exact zero, a large entry and a tiny positive one
    {"x": "[0, -2.5, 3, 0.25, -0.1, 7, -4, 0.001]", "upstream": "[1, -1, 0.5, 2, -3, 0.1, 4, -0.5]", "seed": "11"},
]


@pytest.fixture(scope="module", params=range(len(CUSTOM)), ids=["defaults", "longest"])
def built(request, tmp_path_factory):
    """(scene, findings of the frame-quality guard) for one parameter set, from one dry-run build."""
    # Two frames per second, as test_check's guard: every assertion here reads the settled scene, and the
    # guard also samples inside every animation.
    return build_checked("relu", CUSTOM[request.param], media_dir=tmp_path_factory.getbasetemp() / "relu-media",
                         frame_rate=2)


@pytest.fixture
def scene(built):
    return built[0]


def test_frames_are_clean(built):
    # nothing off-screen, no overlapping text, nothing tiny, at every beat's end and inside every animation
    assert built[1] == []


def test_bars_read_back_through_their_axes_equal_the_story(scene):
    s = scene.story
    np.testing.assert_allclose(scene.x_bars.values(), s.x, atol=1e-9)
    np.testing.assert_allclose(scene.upstream_bars.values(), s.upstream, atol=1e-9)
    np.testing.assert_allclose(scene.downstream_bars.values(), s.downstream, atol=1e-9)
    # the printed values are the story's, to the digits shown
    for bars, values in ((scene.x_bars, s.x), (scene.upstream_bars, s.upstream), (scene.downstream_bars, s.downstream)):
        printed = [shown(label.text) for label in bars.labels]
        np.testing.assert_allclose(printed, values, rtol=5e-3, atol=0)


def test_masked_entries_are_the_story_mask(scene):
    s = scene.story
    assert sorted(scene.mask_highlights) == list(np.flatnonzero(s.mask))
    for i, rect in scene.mask_highlights.items():
        column = scene.x_axes.p2c(rect.get_center())[0]
        assert i < column < i + 1
    drawn = scene.downstream_bars.values()
    # zeroed exactly where masked, the upstream value everywhere else
    np.testing.assert_array_equal(np.abs(drawn) < 1e-9, s.mask | (s.upstream == 0))
    np.testing.assert_allclose(drawn[~s.mask], s.upstream[~s.mask], atol=1e-9)
    shown_local = [shown(m.text) for m in scene.local_grad_row]
    np.testing.assert_array_equal(shown_local, s.local_grad)


def code_text(listing) -> str:
    # The text Pygments highlighted and Code laid out glyph by glyph.
    return listing._code_html.get_text().rstrip("\n")


def test_code_on_screen_is_the_story_code(scene):
    s = scene.story
    for listing, name in ((scene.relu_code, "relu"), (scene.backward_code, "relu_backward")):
        assert code_text(listing) == s.code[name]
        lines = s.code[name].splitlines()
        assert len(listing.code_lines) == len(lines)
        for drawn, line in zip(listing.code_lines, lines):
            assert len(drawn) == len(line.replace(" ", ""))
    # The highlighted line is the masking line, the one that does the zeroing.
    lines = [line.strip() for line in s.code["relu_backward"].splitlines()]
    index = lines.index(s.mask_line)
    drawn_line = scene.backward_code.code_lines[index]
    assert scene.mask_line_highlight.get_center()[1] == pytest.approx(drawn_line.get_center()[1], abs=0.02)
    assert s.mask_line == "grad[x <= 0] = 0"


def test_graphs_are_relu_and_its_indicator(scene):
    s = scene.story
    ax = scene.relu_axes
    points = np.array([ax.p2c(p) for p in scene.relu_curve.points])
    np.testing.assert_allclose(points[:, 1], np.maximum(points[:, 0], 0), atol=1e-6)
    # the plot spans every x entry
    assert points[:, 0].min() <= -s.plot_range + 1e-6 and points[:, 0].max() >= s.plot_range - 1e-6
    assert s.plot_range >= np.max(np.abs(s.x))
    g = scene.grad_axes
    assert g.p2c(scene.closed_dot.get_center()) == pytest.approx((0.0, s.grad_at_zero), abs=1e-6)
    open_levels = sorted(g.p2c(d.get_center())[1] for d in scene.open_dots)
    assert open_levels == pytest.approx([lvl for lvl in (0.0, 1.0) if lvl != s.grad_at_zero], abs=1e-6)
    left, right = scene.grad_pieces
    assert [g.p2c(p)[1] for p in (left.get_start(), left.get_end())] == pytest.approx([0, 0], abs=1e-6)
    assert [g.p2c(p)[1] for p in (right.get_start(), right.get_end())] == pytest.approx([1, 1], abs=1e-6)


def test_network_shows_the_story_values(scene):
    s = scene.story
    values = lambda group: [shown(node[1].text) for node in group]  # noqa: E731
    tags = lambda group: [shown(tag.text) for tag in group]  # noqa: E731
    np.testing.assert_allclose(values(scene.input_nodes), s.network_input, atol=5e-3)
    np.testing.assert_allclose(values(scene.z_nodes), s.forward.z, atol=5e-3)
    np.testing.assert_allclose(values(scene.h_nodes), s.forward.h, atol=5e-3)
    np.testing.assert_allclose(values(scene.loss_node), [s.forward.loss], atol=5e-3)
    np.testing.assert_allclose(tags(scene.h_tags), s.backward.dh, atol=5e-3)
    np.testing.assert_allclose(tags(scene.z_tags), s.backward.dz, atol=5e-3)
    np.testing.assert_allclose(tags(scene.input_tags), s.backward.dx, atol=5e-3)
    dead = s.dead_unit
    assert scene.z_tags[dead].text == "0" and s.backward.dz[dead] == 0
    assert scene.dead_box.get_center()[1] == pytest.approx(scene.z_nodes[dead].get_center()[1], abs=0.3)
    table = scene.grad_check_rows
    np.testing.assert_allclose([shown(m.text) for m in table[1][1:]], s.backward.db1, atol=5e-6)
    np.testing.assert_allclose([shown(m.text) for m in table[2][1:]], s.numeric_grads["b1"], atol=5e-6)
    assert fmt(s.grad_check_max_error, snap=0) in scene.grad_check_summary[1].text


def test_everything_is_on_screen_above_the_captions(scene):
    groups = {
        "relu graph": [scene.relu_axes, scene.relu_label, scene.relu_code],
        "gradient graph": [scene.grad_axes, scene.grad_label, scene.grad_levels, scene.zero_note],
        "bars": [scene.backward_code, scene.zero_reminder, scene.x_axes, scene.x_bars, scene.upstream_bars,
                 scene.downstream_bars, scene.row_labels, scene.local_grad_row, *scene.mask_highlights.values()],
        "network": [scene.network, scene.input_tags, scene.z_tags, scene.h_tags, scene.y_tag, scene.dead_note,
                    scene.grad_check],
    }
    half_w = config.frame_width / 2
    for name, mobs in groups.items():
        for mob in mobs:
            left, right, bottom, top = bounds(mob)
            assert -half_w + 0.1 <= left and right <= half_w - 0.1, (name, mob)
            assert style.caption_top() <= bottom and top <= style.content_top(), (name, mob)
    apart = [
        (scene.relu_code, scene.relu_axes), (scene.zero_note, scene.grad_axes), (scene.relu_label, scene.relu_axes),
        (scene.grad_label, scene.relu_axes), (scene.grad_label, scene.grad_axes),
        (scene.zero_reminder, scene.backward_code), (scene.backward_code, scene.x_bars),
        (scene.row_labels, scene.x_axes), (scene.row_labels, scene.downstream_axes),
        (scene.grad_check_rows, scene.grad_check_summary), (scene.dead_note, scene.grad_check),
    ]
    network_parts = [*scene.input_nodes, *scene.z_nodes, *scene.h_nodes, *scene.y_node, *scene.loss_node,
                     *scene.network_headers, scene.target_label, *scene.input_tags, *scene.z_tags, *scene.h_tags,
                     *scene.y_tag, *scene.edges_in, *scene.edges_relu, *scene.edges_out, scene.edge_loss]
    apart += [(part, other) for part in network_parts for other in (scene.dead_note, *scene.grad_check_rows,
                                                                    scene.grad_check_summary)]
    for a, b in apart:
        assert not boxes_overlap(a, b), (a, b)
    for left, right in zip(scene.network_headers, scene.network_headers[1:]):
        assert left.get_right()[0] < right.get_left()[0]


def test_text_is_not_below_the_small_size(scene):
    from manim import Code

    for listing in (scene.relu_code, scene.backward_code):
        assert isinstance(listing, Code)
    # A code glyph with a cap height, measured: at least as tall as SMALL_SIZE text's capital.
    reference = style.text("H", size=style.SMALL_SIZE).height
    drawn = scene.backward_code.code_lines[0][0]  # "d" of def
    assert drawn.height >= 0.95 * reference


def test_one_caption_per_beat_in_both_languages(scene):
    names = [c.name for c in scene.captions]
    assert names == ["relu", "gradient", "backprop", "forward", "backward", "check"]
    assert all(c.en and c.zh for c in scene.captions)
    assert 30 <= scene.captions[-1].end <= 60


@pytest.mark.render
def test_tiny_render(tiny_render, build_scene):
    expected = build_scene("relu", extra_config={"frame_rate": SCENE_RENDER["frame_rate"]}).captions[-1].end
    path = tiny_render("relu")
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (256, 144)
        duration = float(stream.duration * stream.time_base)
        frames = [f.to_ndarray(format="gray") for f in container.decode(video=0)]
    assert duration == pytest.approx(expected, abs=2 / SCENE_RENDER["frame_rate"])
    assert abs(len(frames) - expected * SCENE_RENDER["frame_rate"]) <= 2
    assert len({f.tobytes() for f in frames}) > len(frames) // 4


# -- frames of every shape (issue #15) ----------------------------------------------------------------


def _build_in(look_kwargs: dict, tmp_path_factory, overrides: dict | None = None, lang: str = "en"):
    from mathviz_scenes.components.look import Look

    return build_checked("relu", overrides, media_dir=tmp_path_factory.getbasetemp() / "relu-looks", frame_rate=2,
                         lang=lang, look=Look(**look_kwargs))


def _inside(mob, width: float, height: float) -> bool:
    return (mob.get_left()[0] >= -width / 2 and mob.get_right()[0] <= width / 2
            and mob.get_bottom()[1] >= -height / 2 and mob.get_top()[1] <= height / 2)


@pytest.fixture(scope="module")
def portrait(tmp_path_factory):
    return _build_in({"theme": "light", "aspect": "9:16"}, tmp_path_factory, lang="zh")


def test_portrait_stacks_code_notes_and_network_at_the_frame_width(portrait):
    scene, findings = portrait
    assert findings == []
    width, height = scene.camera.frame_width, scene.camera.frame_height
    assert height > width
    # the graphs take most of the width; the code and the zero note go under the gradient's graph
    assert scene.relu_axes.width >= 0.7 * width
    assert scene.relu_code.get_top()[1] < scene.grad_axes.get_bottom()[1]
    assert scene.zero_note.get_top()[1] < scene.relu_code.get_bottom()[1]
    # the network, the dead-unit note under it and the check under that, all inside the frame
    assert scene.dead_note.get_top()[1] < scene.z_nodes.get_bottom()[1]
    assert scene.grad_check.get_top()[1] < scene.dead_note.get_bottom()[1]
    for mob in (scene.network, scene.dead_note, scene.grad_check, scene.backward_code, *scene.row_labels):
        assert _inside(mob, width, height)
    # the bars still read back as the story's values
    np.testing.assert_allclose(scene.downstream_bars.values(), scene.story.downstream, atol=1e-9)


def test_portrait_words_are_chinese(portrait):
    scene, _ = portrait
    assert scene.dead_note[0].original_text.startswith(f"第 {scene.story.dead_unit + 1} 个单元已死")
    assert scene.zero_note[0].original_text.startswith("relu 在 x = 0 处有尖点")


def test_square_check_takes_the_frame(tmp_path_factory):
    scene, findings = _build_in({"aspect": "1:1"}, tmp_path_factory)
    assert findings == []
    width, height = scene.camera.frame_width, scene.camera.frame_height
    assert width == pytest.approx(height)
    assert scene.network not in scene.mobjects  # faded for the check, which fills the frame's middle
    assert _inside(scene.grad_check, width, height) and _inside(scene.network, width, height)
    # the gradient tags clear the node under them, and the dead unit's box every other unit's tags
    dead = scene.story.dead_unit
    for nodes, tags in ((scene.input_nodes, scene.input_tags), (scene.z_nodes, scene.z_tags),
                        (scene.h_nodes, scene.h_tags)):
        for tag, below in zip(tags, nodes[1:]):
            assert tag.get_bottom()[1] > below.get_top()[1]
        for k, tag in enumerate(tags):
            assert k == dead or not boxes_overlap(tag, scene.dead_box)
    # the dead note above the caption band, clear of the network's nodes and tags
    assert scene.dead_note.get_bottom()[1] >= style.caption_top() - 1e-6
    for part in [*scene.input_nodes, *scene.z_nodes, *scene.h_nodes, *scene.y_node, *scene.loss_node,
                 *scene.input_tags, *scene.z_tags, *scene.h_tags, *scene.y_tag, scene.dead_box]:
        assert not boxes_overlap(part, scene.dead_note)


@pytest.mark.sweep
@pytest.mark.parametrize("overrides", STRESS, ids=["wide", "single"])
def test_stress_cases_pass_the_guard_in_portrait(overrides, tmp_path_factory):
    _, findings = _build_in({"aspect": "9:16"}, tmp_path_factory, overrides=overrides, lang="zh")
    assert findings == []
