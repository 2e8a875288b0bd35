"""The optimizers scene draws the story: paths, arrows, the zoom on the first steps and the saddle read back
through their axes, and every readout against its story field.
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import Arrow, VGroup, config

from mathviz.stories.optimizers import OPTIMIZERS
from mathviz_scenes.components import style
from mathviz_scenes.components.quality import lookup
from mathviz_scenes.components.readout import Readout
from mathviz_scenes.optimizers import RunTrace
from tests.conftest import boxes_overlap

#: Parameters that push this scene to its limits; tests/pipeline/test_check.py runs the guard on each.
STRESS: list[dict[str, str]] = [
    # divergence shown: SGD leaves Rosenbrock's window at once and blows up; 500 steps for the others
    {"surface": "rosenbrock", "learning_rate": "0.01", "steps": "500"},
    # noise a thousand times the gradient on an unbounded saddle: every run leaves at step 1, none survives
    {"surface": "saddle", "learning_rate": "2", "batch_noise": "1000", "steps": "500"},
    # a flat region without noise, one step: nothing moves, no fan of gradients, no saddle escapes
    {"surface": "1 + 0*w1*w2", "batch_noise": "0", "steps": "1"},
]
#: Keys `mathviz numbers optimizers` must print (tests/pipeline/test_cli.py).
STORY_KEYS = {"surface", "formula", "window", "start", "learning_rate", "steps", "batch_noise", "seed", "runs",
              "full_batch", "noisy_gradients", "arrow_scale", "rmsprop_first_step_factor", "adam_first_step", "best",
              "saddle"}

BEATS = ["full-batch-vs-noisy", "momentum-smooths", "per-coordinate-scaling", "adam-first-step", "saddle-escape",
         "final-losses"]


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """The default scene (dry_run at 2 fps: the geometry does not depend on the rate) and the guard's findings."""
    from tests.conftest import build_checked

    return build_checked("optimizers", media_dir=tmp_path_factory.getbasetemp() / "optimizers-media", frame_rate=2)


@pytest.fixture(scope="module")
def scene(checked):
    """The default scene, constructed once."""
    return checked[0]


def test_frames_are_clean(checked) -> None:
    from mathviz_scenes.components.quality import format_findings

    assert checked[1] == [], format_findings(checked[1])


def drawn_points(path, panel) -> np.ndarray:
    """A drawn path's corners in (w1, w2), read back through the panel's axes."""
    corners = path.get_anchors()
    return np.array([panel.axes.p2c(p)[:2] for p in corners])


def assert_traces_run(points: np.ndarray, run_path: np.ndarray) -> None:
    """Every iterate of a run that stays in the window is a corner of its drawn path, in order."""
    unique = [points[0]]
    for p in points[1:]:
        if not np.allclose(p, unique[-1], atol=1e-9):
            unique.append(p)
    iterates = [run_path[0, :2]]
    for p in run_path[1:, :2]:
        if not np.allclose(p, iterates[-1], atol=1e-9):
            iterates.append(p)
    np.testing.assert_allclose(np.array(unique), np.array(iterates), atol=1e-6)


# -- paths ---------------------------------------------------------------------------------------


def test_final_paths_are_the_runs(scene):
    s = scene.story
    for path, name in zip(scene.final_paths, OPTIMIZERS):
        run = s.run(name)
        assert path.trace.run is run
        if run.left_window_at is None:
            assert_traces_run(drawn_points(path, scene.final_map), run.path)
        # the dot sits on the last iterate (held on the window's edge if outside)
        (a, b), (c, d) = s.window
        last = np.clip(run.path[-1, :2], [a, c], [b, d])
        np.testing.assert_allclose(scene.final_map.axes.p2c(path.dot.get_center())[:2], last, atol=1e-6)


def test_the_first_beats_draw_full_batch_sgd_momentum_rmsprop_adam(scene):
    s = scene.story
    runs = {"full": s.full_batch, **{n: s.run(n) for n in OPTIMIZERS}}
    assert set(scene.paths) == set(runs)
    for name, path in scene.paths.items():
        assert path.trace.run is runs[name]
        assert_traces_run(drawn_points(path, scene.map), runs[name].path)


def test_saddle_paths_and_marks_are_the_saddle_story(scene):
    sd = scene.story.saddle
    panel = scene.saddle_map
    for path, run in zip(scene.saddle_paths, sd.runs):
        assert_traces_run(drawn_points(path, panel), run.path)
    mark = scene.saddle_mark[1]
    np.testing.assert_allclose(panel.axes.p2c(mark.get_center())[:2], sd.saddle[:2], atol=1e-6)
    ends = [panel.axes.p2c(p)[:2] for p in (scene.escape_line[0].get_start(), scene.escape_line[-1].get_end())]
    direction = (ends[1] - ends[0]) / np.linalg.norm(ends[1] - ends[0])
    assert abs(float(direction @ np.array(sd.escape_direction))) == pytest.approx(1.0, abs=1e-6)


def test_a_run_leaving_the_window_is_drawn_inside_it_in_pieces(scene):
    """Out through the right edge and back in: two pieces, each ending or starting on the edge."""
    from dataclasses import replace

    s = scene.story
    run = s.run("sgd")
    path = np.array([[2.0, 0.0, 0.0], [4.0, 1.0, 0.0], [4.0, 2.0, 0.0], [2.0, 2.0, 0.0]])
    trace = RunTrace(replace(run, path=path), scene.final_map)  # the bowl's window is [-3, 3]^2
    pieces = trace.pieces(trace.length)
    assert len(pieces) == 2
    np.testing.assert_allclose(pieces[0], [[2.0, 0.0], [3.0, 0.5]], atol=1e-12)
    np.testing.assert_allclose(pieces[1], [[3.0, 2.0], [2.0, 2.0]], atol=1e-12)
    np.testing.assert_allclose(trace.w_at(1.0), [4.0, 1.0])
    np.testing.assert_allclose(scene.final_map.axes.p2c(trace.dot_point(1.0))[:2], [3.0, 1.0], atol=1e-9)


# -- arrows and the zoom ------------------------------------------------------------------------------


def test_gradient_fan_is_minus_the_scaled_gradients(scene):
    s = scene.story
    arrows = [a for a in scene.fan if isinstance(a, Arrow)]
    assert len(arrows) == len(s.noisy_gradients) + 1
    for arrow in arrows:
        start = scene.map.axes.p2c(arrow.get_start())[:2]
        end = scene.map.axes.p2c(arrow.get_end())[:2]
        np.testing.assert_allclose(start, s.start, atol=1e-6)
        np.testing.assert_allclose(end, np.array(s.start) - s.arrow_scale * arrow.gradient, atol=1e-6)
    given = [tuple(a.gradient) for a in arrows]
    assert given[-1] == tuple(s.gradient_at_start)
    np.testing.assert_allclose(given[:-1], s.noisy_gradients)


def test_adam_first_step_lands_on_the_corner_of_the_eta_square(scene):
    s = scene.story
    axes = scene.zoom_axes
    eta = s.learning_rate
    steps = {a.optimizer: a for a in scene.zoom_steps}
    adam_end = axes.p2c(steps["adam"].get_end())[:2]
    np.testing.assert_allclose(adam_end - np.array(s.start), s.run("adam").first_step, atol=1e-6)
    np.testing.assert_allclose(np.abs(adam_end - np.array(s.start)), eta, rtol=1e-4)
    rms_end = axes.p2c(steps["rmsprop"].get_end())[:2]
    np.testing.assert_allclose(np.abs(rms_end - np.array(s.start)), eta * s.rmsprop_first_step_factor, rtol=1e-4)
    # the dashed squares: half-sides eta and eta / sqrt(1 - rho) around the start
    for square, half in ((scene.adam_square, eta), (scene.rmsprop_square, eta * s.rmsprop_first_step_factor)):
        corners = np.array([axes.p2c(p)[:2] for p in square.get_all_points()])
        np.testing.assert_allclose(corners.max(axis=0) - s.start, half, rtol=1e-3)
        np.testing.assert_allclose(s.start - corners.min(axis=0), half, rtol=1e-3)
    # SGD's step points along -g~ (clipped to the zoom if longer)
    sgd_end = axes.p2c(steps["sgd"].get_end())[:2] - np.array(s.start)
    first = np.array(s.run("sgd").first_step)
    cosine = sgd_end @ first / (np.linalg.norm(sgd_end) * np.linalg.norm(first))
    assert cosine == pytest.approx(1.0, abs=1e-6)


# -- readouts, captions, layout ---------------------------------------------------------------------


def _readouts(scene) -> list[Readout]:
    groups = [*scene.rows.values(), *scene.final_rows.values(), scene.saddle_rows, scene.noise_formula,
              scene.first_step_formula]
    found = []
    for group in groups:
        found += [m for m in group.get_family() if isinstance(m, Readout)]
    return found


def test_readouts_equal_the_story_fields(scene):
    story = scene.story.to_dict()
    checked = set()
    for readout in _readouts(scene):
        assert readout.story_field is not None
        expected = lookup(story, readout.story_field)
        decimals = readout.number.num_decimal_places
        assert round(readout.value, decimals) == pytest.approx(round(expected, decimals), abs=10 ** -decimals / 2), \
            readout.story_field
        checked.add(readout.story_field)
    assert {"runs.3.first_step.0", "runs.3.first_step.1", "batch_noise", "learning_rate", "saddle.escaped_at.3",
            "full_batch.final_loss", *(f"runs.{i}.final_loss" for i in range(4))} <= checked


def test_one_caption_per_beat_in_both_languages(scene):
    s = scene.story
    assert [c.name for c in scene.captions] == BEATS
    assert all(c.en and c.zh for c in scene.captions)
    assert 30 <= scene.captions[-1].end <= 90
    escaped = dict(zip(OPTIMIZERS, s.saddle.escaped_at))
    assert f"SGD escapes in {escaped['sgd']} steps, Adam in {escaped['adam']} steps" in scene.captions[4].en
    assert s.run(s.best).label in scene.captions[5].en


def _inside(mob) -> bool:
    half_w = config.frame_width / 2
    return (-half_w + 0.05 <= mob.get_left()[0] and mob.get_right()[0] <= half_w - 0.05
            and style.caption_top() <= mob.get_bottom()[1] and mob.get_top()[1] <= style.content_top())


def test_everything_is_on_screen_and_apart(scene):
    mobs = [scene.map, scene.title, scene.noise_formula, scene.first_step_formula, scene.zoom, scene.zoom_key, scene.saddle_map,
            scene.saddle_rows, scene.final_map, scene.final_title, *scene.rows.values(), *scene.final_rows.values()]
    for mob in mobs:
        assert _inside(mob), mob
    apart = [(scene.map, scene.noise_formula), (scene.first_step_formula, scene.zoom), (scene.map, scene.zoom),
             (scene.zoom_key, scene.zoom), (scene.zoom_key, scene.first_step_formula),
             (scene.saddle_map, scene.saddle_rows), (scene.final_map, VGroup(*scene.final_rows.values()))]
    rows = list(scene.rows.values())
    apart += [(a, b) for i, a in enumerate(rows) for b in rows[i + 1:]]
    for a, b in apart:
        assert not boxes_overlap(a, b), (a, b)



@pytest.mark.parametrize("aspect", ["1:1", "9:16"])
def test_narrow_frames_keep_the_zoom_legible_and_its_names_off_the_steps(aspect, tmp_path_factory):
    from mathviz_scenes.components.look import Look
    from tests.conftest import build_checked

    built, findings = build_checked("optimizers", {}, media_dir=tmp_path_factory.getbasetemp() / "optimizers-media",
                                    frame_rate=2, look=Look(aspect=aspect), shapes=True, contrast=True)
    assert not findings, "\n".join(map(str, findings))
    # the square frame's zoom goes under the map, where it has room (under the formulas it was 1.1 units wide)
    if aspect == "1:1":
        assert built.zoom.height > 2.0
        assert built.zoom.get_top()[1] < built.map.get_bottom()[1]
    # the larger square's name is clear of every step, arrowheads included
    name = built.square_labels[1]
    for step in built.zoom_steps:
        if isinstance(step, Arrow):
            assert not boxes_overlap(name, step.tip), step.optimizer
