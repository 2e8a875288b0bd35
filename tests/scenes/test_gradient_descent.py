"""The gradient-descent scene draws its story: positions read back through the scene's own axes.

Scenes are constructed under dry_run at two frames a second (updaters run on
every frame) with the frame-quality guard attached. The ball is replayed to
every keyframe and read back with the 3D axes' ``p2c``; contour lines are read
back through the map's axes and the surface evaluated there; arrows are
measured in graph units, never in scene units.
"""

from __future__ import annotations

import av
import numpy as np
import pytest

from mathviz_scenes.gradient_descent import THETA, VIEW3D_REGION
from tests.conftest import SCENE_RENDER, build_checked

#: Parameters that push this scene's layout to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    {"steps": "500", "learning_rate": "0.05"},
    {"surface": "rosenbrock", "steps": "500"},
    {"learning_rate": "1.2"},
]
#: Keys `mathviz numbers gradient_descent` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"view", "run", "momentum", "steps", "start_loss", "gradient_at_start", "learning_rate_over_bound",
              "regimes_view", "regimes", "ravine_view", "ravine_gd", "ravine_momentum_run", "two_minima_view",
              "two_minima_runs"}

FRAME_RATE = 2


def build(overrides: dict, tmp_path):
    """Construct under dry_run (with the frame-quality guard); return (scene, findings)."""
    return build_checked("gradient_descent", overrides, media_dir=tmp_path, frame_rate=FRAME_RATE)


@pytest.fixture(scope="module")
def default_scene(tmp_path_factory):
    return build({}, tmp_path_factory.mktemp("gd-default"))


def graph(axes, point) -> np.ndarray:
    return np.array(axes.p2c(np.asarray(point)), dtype=float)


def on_screen(scene, point) -> np.ndarray:
    return scene.project(point)[:2]


def test_default_scene_passes_the_frame_guard(default_scene) -> None:
    _, findings = default_scene
    assert not findings, "\n".join(map(str, findings))


def test_ball_sits_on_the_story_iterates(default_scene) -> None:
    scene, _ = default_scene
    s = scene.story
    rider = scene.main_rider
    span = s.view.loss_range[1] - s.view.loss_range[0]
    for k in range(s.run.steps_taken + 1):
        rider.replay(k)
        w1, w2, loss = graph(scene.axes, scene.ball.get_center())
        assert [w1, w2] == pytest.approx(list(s.run.path[k, :2]), abs=1e-9)
        assert loss == pytest.approx(s.run.path[k, 2], abs=1e-9 * span)
        assert list(graph(scene.map_axes, rider.drawn["dot"].get_center())[:2]) == pytest.approx(list(s.run.path[k, :2]),
                                                                                                 abs=1e-9)
    # the finished 3D path passes through every iterate, at its loss
    corners = np.array([graph(scene.axes, p) for p in scene.path3d.get_anchors()])
    for point in s.run.path:
        assert np.min(np.linalg.norm(corners - point, axis=1)) < 1e-9 * max(1.0, span)
    # the readouts end on the story's last iterate
    k, loss, grad = scene.readouts
    assert k.value == s.run.steps_taken
    assert loss.value == pytest.approx(s.run.final_loss)
    assert grad.value == pytest.approx(s.run.grad_norms[-1])


def test_ball_rolls_on_the_surface_between_iterates(default_scene) -> None:
    scene, _ = default_scene
    rider = scene.main_rider
    for t in np.linspace(0, rider.trajectory.length, 37):
        rider.replay(t)
        w1, w2, loss = graph(scene.axes, scene.ball.get_center())
        assert loss == pytest.approx(float(scene.story.view.surface(w1, w2)), abs=1e-9)


def test_contour_lines_are_level_curves_of_the_surface(default_scene) -> None:
    scene, _ = default_scene
    s = scene.story
    span = s.view.loss_range[1] - s.view.loss_range[0]
    levels = sorted({line.level for line in scene.contour_lines})
    assert levels == pytest.approx(list(s.view.levels))
    for line in scene.contour_lines:
        w = np.array([graph(scene.map_axes, p)[:2] for p in line.get_anchors()])
        values = s.view.surface(w[:, 0], w[:, 1])
        assert np.max(np.abs(values - line.level)) < 2e-3 * span


def test_gradient_and_step_arrows_are_the_storys(default_scene) -> None:
    scene, _ = default_scene
    s = scene.story
    for arrow, expected in ((scene.gradient_arrow3d, np.array(s.gradient_at_start) * s.gradient_arrow_scale),
                            (scene.step_arrow3d, np.array(s.step_at_start))):
        start, end = graph(scene.axes, arrow.get_start()), graph(scene.axes, arrow.get_end())
        assert list(start) == pytest.approx([*s.run.start, s.start_loss], abs=1e-9)
        assert list(end[:2] - start[:2]) == pytest.approx(list(expected), abs=1e-9)
        assert end[2] == pytest.approx(start[2], abs=1e-9)  # drawn in the (w1, w2) plane
    drawn = graph(scene.map_axes, scene.gradient_arrow_map.get_end()) - graph(scene.map_axes,
                                                                            scene.gradient_arrow_map.get_start())
    assert list(drawn[:2] / s.gradient_arrow_scale) == pytest.approx(list(s.gradient_at_start), abs=1e-9)
    # steepest ascent is perpendicular to the level curve through the start
    w0 = np.array(s.run.start)
    for piece in s.start_contour:
        nearest = piece[np.argmin(np.linalg.norm(piece - w0, axis=1))]
        if np.linalg.norm(nearest - w0) < 1e-2:
            tangent = np.gradient(piece, axis=0)[np.argmin(np.linalg.norm(piece - w0, axis=1))]
            assert abs(np.dot(tangent, s.gradient_at_start)) < 0.05 * np.linalg.norm(tangent) * np.linalg.norm(
                s.gradient_at_start)


def test_every_race_replays_its_story(default_scene) -> None:
    scene, _ = default_scene
    for riders in (scene.regime_riders, scene.ravine_riders, scene.two_riders):
        for rider in riders:
            tr = rider.trajectory
            for j in range(tr.length + 1):
                rider.replay(j)
                drawn = graph(rider.panel.axes, rider.drawn["dot"].get_center())[:2]
                assert list(drawn) == pytest.approx(list(tr.keyframes[j]), abs=1e-9)
    for rider, run in zip(scene.two_riders, scene.story.two_minima_runs):
        rider.replay(rider.trajectory.length)
        assert list(graph(scene.axes2, rider.ball.get_center())) == pytest.approx(list(run.path[-1]), abs=1e-9)


def test_camera_never_loses_a_ball(default_scene) -> None:
    scene, _ = default_scene
    x0, x1, y0, y1 = VIEW3D_REGION
    for axes, riders in ((scene.axes, [scene.main_rider]), (scene.axes2, scene.two_riders)):
        scene.fit_camera(axes, [THETA])  # the camera as it was for that view
        for rider in riders:
            for t in np.linspace(0, rider.trajectory.length, 25):
                rider.replay(t)
                x, y = on_screen(scene, rider.ball.get_center())
                assert x0 <= x <= x1 and y0 <= y <= y1


def test_diverging_run_is_shown_and_captioned(tmp_path) -> None:
    scene, findings = build({"learning_rate": "1.2"}, tmp_path)
    s = scene.story
    assert not findings, "\n".join(map(str, findings))
    assert s.run.diverged and s.view.stability_bound < 1.2
    words = f"diverged after {s.run.diverged_at} steps"
    assert scene.status[0].text.replace(" ", "") == words.replace(" ", "")
    assert any(words in c.en for c in scene.captions if c.name == "descent")
    # the ball stops where the path leaves the window, still on the surface's box
    rider = scene.main_rider
    rider.replay(rider.trajectory.length)
    w1, w2, loss = graph(scene.axes, scene.ball.get_center())
    assert [w1, w2, loss] == pytest.approx(list(s.run.exit_point), abs=1e-9)
    (a, b), (c, d) = s.view.window
    for t in np.linspace(0, rider.trajectory.length, 41):
        rider.replay(t)
        w1, w2, loss = graph(scene.axes, scene.ball.get_center())
        assert a - 1e-9 <= w1 <= b + 1e-9 and c - 1e-9 <= w2 <= d + 1e-9
        assert s.view.loss_range[0] - 1e-9 <= loss <= s.view.loss_range[1] + 1e-9


def test_typed_surface_with_momentum_constructs(tmp_path) -> None:
    scene, findings = build({"surface": "w1**2 + 10*w2**2", "optimizer": "momentum"}, tmp_path)
    assert not findings, "\n".join(map(str, findings))
    s = scene.story
    assert s.run.optimizer == "momentum" and s.regimes_view.name == "w1**2 + 10*w2**2"
    assert "w_1" in scene.title.typst_code and "w_2" in scene.title.typst_code


@pytest.mark.render
def test_tiny_real_render(tiny_render) -> None:
    path = tiny_render("gradient_descent")
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (256, 144)
        assert stream.duration is not None and stream.time_base is not None  # an MP4 stream has both
        duration = float(stream.duration * stream.time_base)
        frames = [f.to_ndarray(format="gray") for f in container.decode(video=0)]
    assert 30 <= duration <= 60
    assert abs(len(frames) - duration * SCENE_RENDER["frame_rate"]) <= 2
    means = np.array([f.mean() for f in frames])
    assert means.std() > 1.0  # the picture changes
    assert np.abs(frames[len(frames) // 2].astype(float) - frames[-1].astype(float)).mean() > 1.0


@pytest.fixture(scope="module")
def square_scene(tmp_path_factory):
    """The defaults in a square frame, the guard's shape and contrast checks on."""
    from mathviz_scenes.components.look import Look

    return build_checked("gradient_descent", {}, media_dir=tmp_path_factory.mktemp("gd-square"), frame_rate=FRAME_RATE,
                         look=Look(aspect="1:1"), shapes=True, contrast=True)


def test_a_run_that_leaves_its_map_ends_as_a_cross_clear_of_the_axis_names(square_scene) -> None:
    from mathviz_scenes.components.layout import overlaps

    scene, findings = square_scene
    assert not findings, "\n".join(map(str, findings))
    left = [regime for regime in scene.story.regimes if regime.run.exit_point is not None]
    assert len(scene.regime_exits) == len(left) >= 1  # the defaults' "too large" rate leaves the window
    for rider, cross in scene.regime_exits:
        dot = rider.drawn["dot"]  # faded out: the cross marks where the run left, inside the window
        assert dot.get_fill_opacity() == 0 and dot.get_stroke_opacity() == 0
        panel = rider.panel
        for label in [*panel.names, *panel.ticks]:
            assert not overlaps(cross, label, margin=0.0)
        exit_w = graph(panel.axes, cross.get_center())[:2]
        (a, b), (c, d) = panel.window
        assert a < exit_w[0] < b and c < exit_w[1] < d
