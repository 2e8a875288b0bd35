"""The integral scene draws the story: rectangles, shading, error lines and the area function read back through the axes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mathviz.expr import compile_expression
from mathviz_scenes.components import style
from tests.conftest import build_checked

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    # values in the tens of thousands, 256 thin rectangles, the right rule
    {"function": "exp(x)", "a": "0", "b": "10", "n_max": "256", "rule": "right"},
    # a constant: every rule exact, no order can be measured, no log-log plot
    {"function": "1", "a": "-pi", "b": "pi", "rule": "midpoint"},
    # far from 0, all below the axis, large negative values, long tick numbers
    {"function": "-2 - x/10", "a": "1e5", "b": "100100", "rule": "midpoint"},
]
#: Keys `mathviz numbers integral` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"signed", "rule", "ns", "sums", "orders", "exact", "area", "cancellation"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(scene, findings of the frame-quality guard) for the defaults, from one dry-run build at 2 fps."""
    # One media dir per worker: Typst's compiled formulas are cached there.
    return build_checked("integral", media_dir=tmp_path_factory.getbasetemp() / "integral-media", frame_rate=2)


@pytest.fixture
def scene(built):
    return built[0]


def graph_points(axes, mob) -> np.ndarray:
    """The vertices of ``mob`` in graph units (x, y), read back through ``axes``."""
    corners = mob.get_vertices() if hasattr(mob, "get_vertices") else mob.points
    return np.array([axes.p2c(p) for p in corners])


def shoelace(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def test_frames_are_clean(built):
    assert built[1] == []


def test_the_beats_and_their_captions(scene):
    assert [c.name for c in scene.captions] == ["area", "riemann", "rates", "cancel", "ftc"]
    assert all(c.en.strip() and c.zh.strip() for c in scene.captions)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c.zh) for c in scene.captions)
    # one caption per beat, each beat a section of its own, in time order
    starts = [c.start for c in scene.captions]
    assert starts == sorted(starts) and scene.captions[-1].end > starts[-1]
    assert 30 <= scene.captions[-1].end <= 60


@pytest.mark.parametrize("rule", ["left", "right", "midpoint"])
def test_rectangles_read_back_are_the_story_terms(scene, rule):
    story = scene.story
    f = compile_expression(story.signed.function, ("x",))
    for n in story.ns:
        rectangles = scene.build_rectangles(scene.axes, rule, n)
        assert len(rectangles) == n
        record = story.record(rule, n)
        total = 0.0
        for rect, x in zip(rectangles, rectangles.samples):
            corners = graph_points(scene.axes, rect)
            xs, ys = corners[:, 0], corners[:, 1]
            assert xs.max() - xs.min() == pytest.approx(record["width"], abs=1e-9)
            assert xs.min() - 1e-9 <= x <= xs.max() + 1e-9
            height = ys[np.argmax(np.abs(ys))]
            assert height == pytest.approx(float(f(x)), abs=1e-9)
            assert ys.min() == pytest.approx(min(0.0, height), abs=1e-9)  # standing on the x-axis
            total += shoelace(corners)  # signed: below the axis the outline runs clockwise
            if height < 0:
                assert ys.max() <= 1e-9
                assert rect.get_fill_color().to_hex() == style.NEGATIVE_COLOR.to_hex()
            elif height > 0:
                assert rect.get_fill_color().to_hex() == style.POSITIVE_COLOR.to_hex()
        assert total == pytest.approx(record["sum"], abs=1e-9)


def test_rectangles_on_screen_at_the_end_of_the_rates_beat(scene):
    story = scene.story
    drawn = scene.rectangles
    assert (drawn.rule, drawn.n) == ("midpoint", story.ns[1])
    assert sum(shoelace(graph_points(scene.axes, r)) for r in drawn) == pytest.approx(
        story.record("midpoint", story.ns[1])["sum"], abs=1e-9)
    # the sample points sit on the curve
    for dot, x, y in zip(drawn.dots, drawn.samples, drawn.heights):
        assert scene.axes.p2c(dot.get_center()) == pytest.approx((x, y), abs=1e-9)


def test_shading_is_the_signed_area_with_its_colours(scene):
    story = scene.story
    pieces = list(scene.shading)
    signs = [lobe["sign"] for lobe in story.signed.lobes if lobe["sign"] != 0]
    assert [p.sign for p in pieces] == signs
    for piece, lobe in zip(pieces, [lobe for lobe in story.signed.lobes if lobe["sign"] != 0]):
        outline = graph_points(scene.axes, piece)
        # the outline runs along the curve left to right and back along the axis: clockwise above it
        area = -shoelace(outline)
        assert area == pytest.approx(lobe["area"], rel=1e-3, abs=1e-5)
        colour = style.POSITIVE_COLOR if lobe["sign"] > 0 else style.NEGATIVE_COLOR
        assert piece.get_fill_color().to_hex() == colour.to_hex()
        assert (outline[:, 1] * lobe["sign"] >= -1e-9).all()  # positive pieces above the axis, negative below


def test_readouts_show_the_story_at_the_end(scene):
    story = scene.story
    last = len(story.ns) - 1
    assert scene.error_readout.story_field == f"sums.{story.rule}.{last}.error"
    assert scene.error_readout.value == pytest.approx(story.sums[story.rule][last]["error"], abs=1e-6)
    assert scene.n_readout.value == story.ns[-1]
    rows = scene.rate_table.rows
    for rule, row in zip(story.sums, rows):
        ratio, order = row.cells
        assert ratio.value == pytest.approx(story.sums[rule][last]["ratio"], abs=5e-3)
        assert order.value == pytest.approx(story.orders[rule], abs=5e-3)
    assert scene.area_readouts.total.value == pytest.approx(story.signed.integral, abs=5e-4)
    assert scene.sine_readouts.total.value == pytest.approx(0.0, abs=5e-4)
    assert scene.sine_readouts.above.value == pytest.approx(2.0, abs=5e-4)


def test_error_lines_on_the_log_log_plot_have_the_measured_orders(scene):
    story = scene.story
    plot = scene.error_plot
    x0, y0 = plot.log_origin
    for rule, line in plot.lines.items():
        dots = [m for m in line if m.__class__.__name__ == "Dot"]
        read = np.array([plot.p2c(d.get_center()) for d in dots]) + [x0, y0]
        ns = np.array([r["n"] for r in story.sums[rule]])
        errors = np.abs([r["error"] for r in story.sums[rule]])
        np.testing.assert_allclose(read[:, 0], np.log2(ns), atol=1e-9)
        np.testing.assert_allclose(read[:, 1], np.log10(errors), atol=1e-9)
        # the last segment's slope in log2 n against log2 |error| is minus the measured order
        slope = (read[-1, 1] - read[-2, 1]) * math.log2(10) / (read[-1, 0] - read[-2, 0])
        assert -slope == pytest.approx(story.orders[rule], abs=1e-9)


def test_cancellation_shading_is_two_equal_opposite_areas(scene):
    c = scene.story.cancellation
    areas = sorted(-shoelace(graph_points(scene.sine_axes, p)) for p in scene.sine_shading)
    assert areas == pytest.approx([-2.0, 2.0], rel=1e-4)
    assert sorted(p.sign for p in scene.sine_shading) == [-1, 1]
    assert (c.a, c.b) == (-math.pi, math.pi)


def test_area_function_tangent_slope_is_the_height_of_f(scene):
    story = scene.story
    frame = scene.ftc
    record = story.area[frame.index]
    assert frame.index == len(story.area) - 1
    # the tangent's slope in graph units of the bottom axes is the story's slope of A ...
    start, end = (scene.bottom_axes.p2c(p) for p in (frame.tangent.get_start(), frame.tangent.get_end()))
    slope = (end[1] - start[1]) / (end[0] - start[0])
    assert slope == pytest.approx(record["slope"], rel=1e-6)
    # ... which is the height of the yellow bar on the top axes: A'(x) = f(x)
    bottom, top = (scene.top_axes.p2c(p) for p in (frame.bar.get_start(), frame.bar.get_end()))
    assert bottom == pytest.approx((record["x"], 0.0), abs=1e-9)
    assert top == pytest.approx((record["x"], record["value"]), abs=1e-9)
    assert slope == pytest.approx(top[1], rel=1e-5)
    # the dot is at (x, A(x)) and the trace runs through the story's samples
    assert scene.bottom_axes.p2c(frame.dot.get_center()) == pytest.approx((record["x"], record["area"]), abs=1e-9)
    traced = np.array([scene.bottom_axes.p2c(p) for p in frame.trace[0].get_anchors()])
    samples = np.array([[r["x"], r["area"]] for r in story.area])
    for point in traced[::7]:
        assert np.min(np.hypot(*(samples - point).T)) < 1e-9
    assert scene.slope_readout.value == pytest.approx(record["slope"], abs=1e-3)
    assert scene.height_readout.value == pytest.approx(record["value"], abs=1e-3)
    assert scene.area_readout.value == pytest.approx(story.signed.integral, abs=1e-3)


def test_both_plots_of_the_last_beat_share_one_x_scale(scene):
    for x in (scene.story.signed.a, scene.story.signed.b):
        assert scene.top_axes.c2p(x, 0)[0] == pytest.approx(scene.bottom_axes.c2p(x, 0)[0], abs=1e-9)


# -- frames of every shape (issue #15) ----------------------------------------------------------------


def _build_in(look_kwargs: dict, tmp_path_factory, lang: str = "en"):
    from mathviz_scenes.components.look import Look

    return build_checked("integral", None, media_dir=tmp_path_factory.getbasetemp() / "integral-looks", frame_rate=2,
                         lang=lang, look=Look(**look_kwargs))


def test_portrait_puts_the_panel_under_the_plots(tmp_path_factory):
    from manim import VGroup

    scene, findings = _build_in({"theme": "light", "aspect": "9:16"}, tmp_path_factory, lang="zh")
    assert findings == []
    width, height = scene.camera.frame_width, scene.camera.frame_height
    assert height > width
    plots = VGroup(scene.top_axes, scene.bottom_axes)
    panel = VGroup(scene.title, scene.definition, scene.x_readout, scene.height_readout, scene.ftc_note, scene.end_note)
    assert panel.get_top()[1] < plots.get_bottom()[1]
    assert plots.width >= 0.75 * width and plots.height >= 0.3 * height
    for mob in (plots, panel):
        assert -width / 2 <= mob.get_left()[0] and mob.get_right()[0] <= width / 2
        assert -height / 2 <= mob.get_bottom()[1] and mob.get_top()[1] <= height / 2
    assert scene.ftc_note.original_text.startswith("绿色切线的斜率")


@pytest.mark.sweep
@pytest.mark.parametrize("overrides", STRESS, ids=["exp", "constant", "far"])
def test_stress_cases_pass_the_guard_in_portrait(overrides, tmp_path_factory):
    from mathviz_scenes.components.look import Look

    _, findings = build_checked("integral", overrides, media_dir=tmp_path_factory.getbasetemp() / "integral-looks",
                                frame_rate=2, lang="zh", look=Look(aspect="9:16"))
    assert findings == []
