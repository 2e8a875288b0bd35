"""The chain_rule scene's geometry read back through its graphs and compared with the story."""

from __future__ import annotations

import numpy as np
import pytest
from manim import config

from mathviz.pipeline import registry
from mathviz_scenes.components import style
from tests.conftest import build_checked

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    # huge values: u0 ~ 3000, f' ~ 12000, a g window far wider than f's
    {"f": "exp(4*x)", "g": "log(x)", "x0": "2", "dx": "1"},
    # both factors 0 (the longest note), nudges of length 0
    {"f": "x**2", "g": "cos(x)", "x0": "0"},
    # titles too long (and too tall) for the boxes, a tiny nudge, another layer
    {"f": "x**3/3 - x + sin(2*x)", "g": "exp(-x**2)*cos(3*x) + tanh(x)", "x0": "-1.2", "dx": "0.05", "seed": "13"},
]
#: Keys `mathviz numbers chain_rule` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"f", "g", "x0", "dx", "u0", "y0", "f_slope", "g_slope", "chain_slope", "df", "dg", "composite_central",
              "zero_factors", "jacobian_z", "jacobian_s", "jacobian_L", "jacobian_product", "jacobian_central"}

CASES = {"default": {}, "zero": STRESS[1]}


@pytest.fixture(scope="module", params=list(CASES), ids=list(CASES))
def built(request, tmp_path_factory):
    """(scene, findings of the frame-quality guard) for one parameter set, from one dry-run build at 2 fps."""
    # One media dir per worker: Typst's compiled formulas are cached there and shared by the builds.
    return build_checked("chain_rule", CASES[request.param], media_dir=tmp_path_factory.getbasetemp() / "chain-media",
                         frame_rate=2)


@pytest.fixture
def scene(built):
    return built[0]


def graph_vector(graph, line) -> np.ndarray:
    """A drawn segment's (run, rise) in the graph's own units."""
    start, end = (np.array(graph.p2c(p)) for p in (line.get_start(), line.get_end()))
    return end - start


def graph_slope(graph, line) -> float:
    run, rise = graph_vector(graph, line)
    return rise / run


def test_frames_are_clean(built):
    assert built[1] == []


def test_nudges_are_dx_df_dg_in_graph_units(scene):
    s = scene.story
    f_graph, g_graph, c_graph = scene.f_graph, scene.g_graph, scene.composite_graph
    tol = dict(abs=1e-6 * max(1.0, abs(s.dx), abs(s.df), abs(s.dg)))
    for graph, nudge, run, rise, start in ((f_graph, scene.f_nudge, s.dx, s.df, (s.x0, s.u0)),
                                           (g_graph, scene.g_nudge, s.df, s.dg, (s.u0, s.y0)),
                                           (c_graph, scene.composite_nudge, s.dx, s.dg, (s.x0, s.y0))):
        if not nudge.run.zero:
            assert graph.p2c(nudge.run.get_start()) == pytest.approx(start, **tol)
            assert tuple(graph_vector(graph, nudge.run)) == pytest.approx((run, 0.0), **tol)
        else:
            assert run == 0.0
        if not nudge.rise.zero:
            assert tuple(graph_vector(graph, nudge.rise)) == pytest.approx((0.0, rise), **tol)
            # the rise starts where the run ends
            assert np.allclose(nudge.rise.get_start(), nudge.run.get_end(), atol=1e-9)
        else:
            assert rise == 0.0
    # the composite's run sits right under f's: the same dx on the same x scale
    assert scene.composite_nudge.run.get_start()[0] == pytest.approx(scene.f_nudge.run.get_start()[0], abs=1e-9)
    assert scene.composite_nudge.run.get_length() == pytest.approx(scene.f_nudge.run.get_length(), abs=1e-9)


def test_tangents_have_the_story_slopes_and_pass_through_the_points(scene):
    s = scene.story
    for graph, nudge, slope, (x, y) in ((scene.f_graph, scene.f_nudge, s.f_slope, (s.x0, s.u0)),
                                        (scene.g_graph, scene.g_nudge, s.g_slope, (s.u0, s.y0)),
                                        (scene.composite_graph, scene.composite_nudge, s.chain_slope, (s.x0, s.y0))):
        assert graph_slope(graph, nudge.tangent) == pytest.approx(slope, rel=1e-6, abs=1e-9)
        (x1, y1), (x2, y2) = (graph.p2c(p) for p in (nudge.tangent.get_start(), nudge.tangent.get_end()))
        # (x, y) lies on the drawn line
        assert (y1 + (x - x1) * (y2 - y1) / (x2 - x1)) == pytest.approx(y, rel=1e-6, abs=1e-9)
        x_lo, x_hi, y_lo, y_hi = graph.window
        for px, py in ((x1, y1), (x2, y2)):
            assert x_lo - 1e-9 <= px <= x_hi + 1e-9 and y_lo - 1e-9 <= py <= y_hi + 1e-9
    # the slope of the composite's tangent is the product of the two tangents' slopes, as drawn
    drawn = graph_slope(scene.f_graph, scene.f_nudge.tangent) * graph_slope(scene.g_graph, scene.g_nudge.tangent)
    assert graph_slope(scene.composite_graph, scene.composite_nudge.tangent) == pytest.approx(drawn, rel=1e-6, abs=1e-9)


def test_points_and_curves_are_the_story_functions(scene):
    s = scene.story
    spec = registry.get("chain_rule")
    f, g = (p.parse(getattr(s, p.name)) for p in spec.parameters() if p.name in ("f", "g"))
    assert scene.f_graph.p2c(scene.f_point.dot.get_center()) == pytest.approx((s.x0, s.u0), abs=1e-6)
    assert scene.g_graph.p2c(scene.g_point.dot.get_center()) == pytest.approx((s.u0, s.y0), abs=1e-6)
    assert scene.composite_graph.p2c(scene.composite_point.dot.get_center()) == pytest.approx((s.x0, s.y0), abs=1e-6)
    for graph, curve, function in ((scene.f_graph, scene.f_curve, f), (scene.g_graph, scene.g_curve, g),
                                   (scene.composite_graph, scene.composite_curve, lambda x: g(f(x)))):
        points = np.array([graph.p2c(p) for line in curve for p in line.get_anchors()])
        x_lo, x_hi, _, _ = graph.window
        inner = (points[:, 0] > x_lo + 1e-6) & (points[:, 0] < x_hi - 1e-6)
        # samples on the window's edge are interpolated crossings; the rest lie on the function
        values = function(points[inner, 0])
        span = graph.window[3] - graph.window[2]
        assert np.mean(np.abs(points[inner, 1] - values) < 1e-6 * span) > 0.95


def test_panel_numbers_are_the_story_numbers(scene):
    s = scene.story
    chain, _, g_shown, _, f_shown = scene.product_numbers
    assert chain.get_value() == s.chain_slope and g_shown.get_value() == s.g_slope and f_shown.get_value() == s.f_slope
    assert scene.central_readout.value == s.composite_central
    assert abs(s.composite_central - s.chain_slope) < 1e-6 * max(1.0, abs(s.chain_slope))
    assert (scene.zero_message is not None) == bool(s.zero_factors)


def test_jacobian_matrices_show_the_story(scene):
    s = scene.story
    np.testing.assert_array_equal(scene.jacobian_z.shown(), s.jacobian_z)
    np.testing.assert_array_equal(scene.jacobian_s.shown(), s.jacobian_s)
    np.testing.assert_array_equal(scene.jacobian_L.shown(), s.jacobian_L)
    np.testing.assert_array_equal(scene.jacobian_product.shown(), s.jacobian_product)
    np.testing.assert_array_equal(scene.jacobian_central.shown(), s.jacobian_central)
    # the product of the matrices on screen is the matrix on screen after "=", to the digits shown
    product = scene.jacobian_L.shown() @ scene.jacobian_s.shown() @ scene.jacobian_z.shown()
    np.testing.assert_allclose(product, scene.jacobian_product.shown(), atol=1e-12)
    np.testing.assert_allclose(scene.jacobian_central.shown(), product, atol=1e-8)
    # the printed digits are the story's
    for matrix in (scene.jacobian_product, scene.jacobian_central):
        printed = [float(e._get_num_string(e.get_value())) for e in matrix.entries]
        np.testing.assert_allclose(printed, matrix.values.ravel(), atol=5e-4)


def test_everything_is_on_screen_above_the_captions(scene):
    half_w = config.frame_width / 2
    mobs = [scene.f_graph, scene.g_graph, scene.composite_graph, scene.product, scene.layer_nodes,
            scene.jacobian_row, scene.jacobian_captions, scene.jacobian_check]
    for mob in mobs:
        assert -half_w + 0.1 <= mob.get_left()[0] and mob.get_right()[0] <= half_w - 0.1, mob
        assert style.caption_top() <= mob.get_bottom()[1] and mob.get_top()[1] <= style.content_top(), mob
    # the panel sits beside the composite, under g
    assert scene.product.get_left()[0] > scene.composite_graph.frame.get_right()[0]
    assert scene.product.get_top()[1] < scene.g_graph.tick_labels.get_bottom()[1]


def test_one_caption_per_beat_in_both_languages(scene):
    assert [c.name for c in scene.captions] == ["compose", "nudge_f", "nudge_g", "multiply", "layer", "check"]
    assert all(c.en and c.zh for c in scene.captions)
    assert 30 <= scene.captions[-1].end <= 60


# -- frames of every shape (issue #15) ----------------------------------------------------------------


def _build_in(look_kwargs: dict, tmp_path_factory, overrides: dict | None = None, lang: str = "en"):
    from mathviz_scenes.components.look import Look

    return build_checked("chain_rule", overrides, media_dir=tmp_path_factory.getbasetemp() / "chain-looks",
                         frame_rate=2, lang=lang, look=Look(**look_kwargs))


def test_portrait_stacks_f_g_and_the_composite_over_the_panel(tmp_path_factory):
    scene, findings = _build_in({"theme": "light", "aspect": "9:16"}, tmp_path_factory, lang="zh")
    assert findings == []
    width, height = scene.camera.frame_width, scene.camera.frame_height
    assert height > width
    f, g, c = scene.f_graph, scene.g_graph, scene.composite_graph
    assert f.frame.get_bottom()[1] > g.frame.get_top()[1] > g.frame.get_bottom()[1] > c.frame.get_top()[1]
    # f and g(f(x)) keep one x scale; the panel is under the three graphs
    assert f.frame.width == pytest.approx(c.frame.width)
    assert scene.panel.top < c.tick_labels.get_bottom()[1]
    assert f.frame.width >= 0.7 * width
    for mob in (scene.jacobian_row, scene.jacobian_check, scene.layer_nodes):
        assert -width / 2 <= mob.get_left()[0] and mob.get_right()[0] <= width / 2


@pytest.mark.sweep
@pytest.mark.parametrize("overrides", STRESS, ids=["huge", "zero", "long"])
def test_stress_cases_pass_the_guard_in_portrait(overrides, tmp_path_factory):
    _, findings = _build_in({"aspect": "9:16"}, tmp_path_factory, overrides=overrides, lang="zh")
    assert findings == []
