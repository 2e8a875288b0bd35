"""The derivative scene's geometry read back through its axes and compared with the story."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mathviz_scenes.components.readout import Readout

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    {"function": "exp(3*x)", "x0": "1"},
    {"function": "100*x**3 - x", "x0": "0.2"},
    {"function": "abs(x)", "x0": "0"},
]
#: Keys `mathviz numbers derivative` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"function", "x0", "value", "derivative", "differentiable", "left_derivative",
              "right_derivative", "secants", "critical_points"}

CASES = {
    "default": None,
    "corner": {"function": "abs(x)", "x0": "0"},
    "wave": {"function": "exp(-x**2)*sin(3*x)", "x0": "0.3"},
}
FAST = {"frame_rate": 5}  # dry_run still steps through every frame: fewer frames, same geometry


def graph_slope(axes, line) -> float:
    (x1, y1), (x2, y2) = (axes.p2c(p)[:2] for p in (line.get_start(), line.get_end()))
    return (y2 - y1) / (x2 - x1)


@pytest.fixture(scope="module", params=list(CASES), ids=list(CASES))
def scene(request, tmp_path_factory):
    """The scene constructed under dry_run, with ``scene.frames``: what every frame showed while h shrank
    and while the tangent slid (readout field, readout value, drawn slope in graph units), and
    ``scene.findings``: the frame guard's.
    """
    from mathviz_scenes.components.quality import FrameChecker
    from tests.conftest import dry_run_scene

    with dry_run_scene("derivative", CASES[request.param], media_dir=tmp_path_factory.mktemp("derivative-media"),
                       **FAST) as built:
        checker = FrameChecker(built).attach()
        built.frames = []
        original = built.update_to_time

        def shown_fields() -> tuple:
            return tuple(getattr(getattr(built, name, None), "story_field", None)
                         for name in ("quotient_readout", "slope_readout"))

        def update_to_time(t: float) -> None:
            before = shown_fields()
            original(t)
            changed = shown_fields() != before  # changed by an updater in this frame
            beat = built.captions[-1].name if built.captions else ""
            # a real render redraws only what Manim counts as moving: from the first mobject with an
            # updater on; a readout changed by an updater but listed before it would freeze on screen
            moving = built.get_moving_mobjects()
            if beat in ("shrink", "corner") and built.secant_group in built.mobjects:
                readout = built.quotient_readout
                built.frames.append(("secant", readout.story_field, readout.value,
                                     graph_slope(built.axes, built.secant_group.line), readout in moving or not changed))
            elif beat == "slide" and getattr(built, "slider", None) in built.mobjects:
                readout = built.slope_readout
                built.frames.append(("slide", readout.story_field, readout.value,
                                     graph_slope(built.axes, built.slider.tangent), readout in moving or not changed))

        built.update_to_time = update_to_time
        built.render()
        built.findings = checker.finish()
    return built


def test_frames_are_clean(scene):
    from mathviz_scenes.components.quality import format_findings

    assert scene.findings == [], format_findings(scene.findings)


def lookup(data, path: str):
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def test_secants_have_the_story_slopes_in_graph_units(scene):
    story = scene.story
    records = list(story.secants[::8]) + [story.secants[-1]] + list(story.opposite_secants[::19])
    for record in records:
        group = scene.build_secant(record["h"])
        axes = scene.axes
        assert graph_slope(axes, group.line) == pytest.approx(record["slope"], rel=1e-6, abs=1e-9)
        # the line passes through P and Q; Q's dot is at (x0 + h, f(x0 + h))
        q = axes.p2c(group.q_dot.get_center())
        assert q[0] == pytest.approx(story.x0 + record["h"], abs=1e-9)
        assert q[1] == pytest.approx(record["value"], rel=1e-9, abs=1e-9)
        start = axes.p2c(group.line.get_start())
        assert start[1] + record["slope"] * (story.x0 - start[0]) == pytest.approx(story.value, abs=1e-6)
        # the run is h long and horizontal at f(x0); the rise is vertical from there to Q
        run_start, run_end = axes.p2c(group.run.get_start()), axes.p2c(group.run.get_end())
        assert run_end[0] - run_start[0] == pytest.approx(record["h"], rel=1e-5, abs=1e-6)
        assert run_start[1] == pytest.approx(story.value, abs=1e-9) == run_end[1]
        rise_start, rise_end = axes.p2c(group.rise.get_start()), axes.p2c(group.rise.get_end())
        assert rise_end[1] - rise_start[1] == pytest.approx(record["rise"], rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("kind", ["secant", "slide"])
def test_every_frame_draws_the_slope_its_readout_shows(scene, kind):
    # while h shrinks (and while the tangent slides) the line moves frame by frame, and in each
    # frame its slope in graph units is the story value the readout is bound to and shows
    frames = [f for f in scene.frames if f[0] == kind]
    fields = {field for _, field, _, _, _ in frames}
    assert len(fields) >= 10, f"the {kind} barely moved: {sorted(fields)[:5]}"
    data = scene.story.to_dict()
    for _, field, shown, drawn, redrawn in frames:
        expected = lookup(data, field)
        assert shown == pytest.approx(expected, abs=5e-4)
        assert drawn == pytest.approx(expected, rel=1e-6, abs=1e-9)
        assert redrawn, f"the readout showing {field} is not redrawn while it changes"


def test_tangent_builder_has_the_story_slope(scene):
    story = scene.story
    if story.differentiable:
        tangent = scene.build_tangent(story.x0, story.value, story.derivative)
        assert graph_slope(scene.axes, tangent) == pytest.approx(story.derivative, rel=1e-6, abs=1e-9)
    # the last frame: the sliding tangent sits on the slide's last sample with its slope
    last = [r for r in story.slide if r["slope"] is not None][-1]
    assert graph_slope(scene.axes, scene.tangent) == pytest.approx(last["slope"], rel=1e-6, abs=1e-9)
    middle = scene.axes.p2c(scene.tangent.get_center())
    assert middle[1] - last["y"] == pytest.approx(last["slope"] * (middle[0] - last["x"]), abs=1e-6)
    assert scene.x_readout.story_field == f"slide.{story.slide.index(last)}.x"


def test_every_readout_shows_its_story_value(scene):
    data = scene.story.to_dict()
    readouts = [m for top in scene.mobjects for m in top.get_family() if isinstance(m, Readout)]
    assert readouts
    for readout in readouts:
        expected = lookup(data, readout.story_field)
        decimals = readout.number.num_decimal_places
        assert round(readout.value, decimals) == pytest.approx(round(expected, decimals), abs=1e-12), readout.story_field


def test_shrinking_ends_on_the_smallest_secant(scene):
    story = scene.story
    last = len(story.secants) - 1
    assert scene.quotient_readout.story_field == f"secants.{last}.slope"
    assert scene.quotient_readout.value == pytest.approx(story.secants[-1]["slope"], abs=5e-4)
    assert scene.h_readout.story_field == f"secants.{last}.h"
    assert scene.secant_group.h == story.secants[-1]["h"]


def test_the_beats_and_their_captions(scene):
    story = scene.story
    names = [c.name for c in scene.captions]
    assert names == ["graph", "secant", "shrink" if story.differentiable else "corner", "slide"]
    assert all(c.en and c.zh for c in scene.captions)
    assert 30 <= scene.renderer.time <= 48


def test_corner_says_the_derivative_does_not_exist(scene):
    story = scene.story
    if story.differentiable:
        assert not hasattr(scene, "verdict")
        return
    fields = {r.story_field: r.value for r in scene.one_sided}
    assert fields["right_derivative"] == pytest.approx(story.right_derivative, abs=5e-4)
    assert fields["left_derivative"] == pytest.approx(story.left_derivative, abs=5e-4)
    assert "does not exist" in scene.verdict[1].original_text
    # the left secant ends on the last backward secant
    other = scene.build_secant(story.opposite_secants[-1]["h"])
    assert graph_slope(scene.axes, other.line) == pytest.approx(story.left_derivative, abs=1e-6)


def test_error_inset_traces_the_story_errors(scene):
    story = scene.story
    if story.forward_order is None:
        assert not hasattr(scene, "inset")
        return
    inset = scene.inset
    (x_lo, _), (y_lo, _) = inset.log_ranges
    for trace, records in ((scene.forward_trace, story.secants), (scene.central_trace, story.central)):
        line, dot = trace[0], trace[-1]
        log_h, log_e = inset.p2c(dot.get_center())[:2]
        assert 10 ** (log_h + x_lo) == pytest.approx(abs(records[-1]["h"]), rel=1e-6)
        assert 10 ** (log_e + y_lo) == pytest.approx(records[-1]["error"], rel=1e-6)
        # the drawn log-log line falls like h (forward) or h^2 (central)
        points = np.array([inset.p2c(p)[:2] for p in line.get_anchors()])
        small = points[points[:, 0] + x_lo <= -1]
        slope = np.polyfit(small[:, 0], small[:, 1], 1)[0]
        expected = 1.0 if records is story.secants else 2.0
        assert slope == pytest.approx(expected, abs=0.05)


def test_flat_tangents_are_marked_on_both_axes(scene):
    story = scene.story
    lo, hi = story.slide[0]["x"], story.slide[-1]["x"]
    expected = [p for p in story.critical_points if lo <= p["x"] <= hi]
    assert len(scene.markers) == len(expected)
    for marker, point in zip(scene.markers, expected):
        top, low = marker[0], marker[1]
        np.testing.assert_allclose(scene.axes.p2c(top.get_center())[:2], [point["x"], point["y"]], atol=1e-9)
        np.testing.assert_allclose(scene.derivative_axes.p2c(low.get_center())[:2], [point["x"], 0.0], atol=1e-9)
        if point["kind"] in ("max", "min") and len(marker) == 3:
            assert marker[2].original_text == point["kind"]


def test_derivative_trace_is_the_story_derivative_curve(scene):
    story = scene.story
    drawn = np.concatenate([[scene.derivative_axes.p2c(p)[:2] for p in piece.get_anchors()]
                            for piece in scene.derivative_trace])
    samples = np.concatenate(story.derivative_pieces)
    end = story.slide[-1]["x"]
    reference = samples[samples[:, 0] <= end]
    # the trace is drawn up to the slide's last x: the same points as the story's f' pieces
    assert drawn[:, 0].max() == pytest.approx(reference[:, 0].max(), abs=1e-9)
    assert np.interp(reference[::50, 0], drawn[:, 0], drawn[:, 1]) == pytest.approx(reference[::50, 1], abs=1e-6)


@pytest.mark.render
def test_tiny_render(tiny_render, tmp_path):
    import av

    from tests.conftest import SCENE_RENDER, construct_scene

    expected = construct_scene("derivative", None, media_dir=tmp_path / "dry",
                               extra_config={"frame_rate": SCENE_RENDER["frame_rate"]}).renderer.time
    path = tiny_render("derivative")
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [frame.to_ndarray(format="gray") for frame in container.decode(stream)]
        duration = float(container.duration / 1e6)
    fps = SCENE_RENDER["frame_rate"]
    assert abs(duration - expected) <= 2 / fps
    assert abs(len(frames) - expected * fps) <= 2
    assert frames[0].shape == (SCENE_RENDER["pixel_height"], SCENE_RENDER["pixel_width"])
    picks = [frames[0], frames[len(frames) // 3], frames[2 * len(frames) // 3], frames[-1]]
    assert all(not np.array_equal(a, b) for a, b in zip(picks, picks[1:]))
    assert math.isfinite(duration)


@pytest.mark.parametrize("source, typst", [
    ("x**3/3 - x", "frac(x^(3), 3) - x"),
    ("exp(-x**2)*sin(3*x)", "e^(-x^(2)) sin(3 x)"),
    ("x - (x - 1)", "x - (x - 1)"),
    ("(x + 1)**2", "(x + 1)^(2)"),
    ("2*3", "2 dot 3"),
    ("x + -1", "x - 1"),
    ("abs(x)/sqrt(x)", "frac(abs(x), sqrt(x))"),
])
def test_function_text_becomes_typst_math(source, typst):
    from mathviz_scenes.components.typst_expr import to_typst

    assert to_typst(source) == typst


def test_every_function_and_derivative_typesets():
    from mathviz.expr import FUNCTIONS, compile_expression
    from mathviz_scenes.components import style
    from mathviz_scenes.components.typst_expr import to_typst

    for name in FUNCTIONS:
        expression = compile_expression(f"{name}(2*x)**2 / (1 + x)", ("x",))
        for source in (expression.source, expression.diff("x").source):  # sign, heaviside appear in derivatives
            assert style.math(to_typst(source)).width > 0


# -- frames of every shape (issue #15) ----------------------------------------------------------------


def _build_in(look_kwargs: dict, tmp_path_factory, overrides: dict | None = None, lang: str = "en"):
    from mathviz_scenes.components.look import Look
    from tests.conftest import build_checked

    return build_checked("derivative", overrides, media_dir=tmp_path_factory.getbasetemp() / "derivative-looks",
                         frame_rate=2, lang=lang, look=Look(**look_kwargs))


def _inside(mob, width: float, height: float) -> bool:
    return (mob.get_left()[0] >= -width / 2 and mob.get_right()[0] <= width / 2
            and mob.get_bottom()[1] >= -height / 2 and mob.get_top()[1] <= height / 2)


@pytest.fixture(scope="module")
def portrait(tmp_path_factory):
    return _build_in({"theme": "light", "aspect": "9:16"}, tmp_path_factory, lang="zh")


def test_portrait_puts_the_panel_under_a_wide_plot(portrait):
    from manim import VGroup

    scene, findings = portrait
    assert findings == []
    width, height = scene.camera.frame_width, scene.camera.frame_height
    assert height > width
    # the last beat: f above f', the panel (formula, readouts, notes) under both, all inside the frame
    plot = VGroup(scene.axes, scene.derivative_axes)
    panel = VGroup(scene.title, scene.x_readout, scene.slope_readout, scene.slide_panel)
    assert panel.get_top()[1] < plot.get_bottom()[1]
    assert _inside(plot, width, height) and _inside(panel, width, height)
    assert plot.width >= 0.75 * width and plot.height >= 0.35 * height
    # the error inset sat right of the readouts' column, under the difference quotient
    assert scene.inset.get_left()[0] > max(r.get_right()[0] for r in (scene.h_readout, scene.error_readout))
    assert scene.inset.get_top()[1] < scene.quotient_readout.get_bottom()[1]


def test_portrait_words_are_chinese(portrait):
    scene, _ = portrait
    assert scene.slide_panel[0].original_text.startswith("绿色切线的斜率")
    assert scene.markers and all(m.label.original_text in ("极大", "极小", "驻点") for m in scene.markers if len(m) == 3)


def test_portrait_names_every_max_and_min(portrait):
    # the minimum of the default cubic sits just under the x-axis, with the tick number of its x under it and
    # P's name over it: its label once found neither side free and was left out
    scene, _ = portrait
    lo, hi = scene.story.slide[0]["x"], scene.story.slide[-1]["x"]
    turning = [p for p in scene.story.critical_points if lo <= p["x"] <= hi and p["kind"] in ("max", "min")]
    assert turning
    names = {m.label.original_text for m in scene.markers if m.label in m.submobjects}
    assert names == {scene.kind_name(p["kind"]) for p in turning}


def test_square_puts_the_panel_beside_the_plot(tmp_path_factory):
    scene, findings = _build_in({"aspect": "1:1"}, tmp_path_factory)
    assert findings == []
    width, height = scene.camera.frame_width, scene.camera.frame_height
    assert width == pytest.approx(height)
    plot_right = max(m.get_right()[0] for m in (scene.axes, scene.derivative_axes))
    panel = [scene.title, scene.x_readout, scene.slope_readout, scene.slide_panel]
    assert min(m.get_left()[0] for m in panel) > plot_right
    assert all(_inside(m, width, height) for m in [*panel, scene.axes, scene.derivative_axes])
    assert scene.axes.height >= 0.25 * height and scene.axes.width >= 0.35 * width


@pytest.mark.sweep
@pytest.mark.parametrize("overrides", STRESS, ids=[case["function"] for case in STRESS])
def test_stress_cases_pass_the_guard_in_portrait(overrides, tmp_path_factory):
    _, findings = _build_in({"aspect": "9:16"}, tmp_path_factory, overrides=overrides, lang="zh")
    assert findings == []
